"""(being written)"""

from __future__ import annotations

from talaka.api.openapi.schema import Schema


def trainings_schemas() -> dict[str, Schema]:
    return {}


def trainings_paths() -> dict[str, Schema]:
    return {}
