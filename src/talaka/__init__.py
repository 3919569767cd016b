"""Talaka: self-hosted task pools that speak the Toloka API v1."""

__version__ = "0.1.0"
