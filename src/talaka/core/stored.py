"""Stored JSON object bodies, as the store keeps them: without their `id`, which columns hold."""

from __future__ import annotations


def with_id(object_id: str, body: bytes) -> bytes:
    """Put `"id"` first into a stored JSON object body (which never holds one)."""
    rest = body[1:].lstrip()
    separator = b"" if rest[:1] == b"}" else b","
    return b'{"id":"' + object_id.encode() + b'"' + separator + rest
