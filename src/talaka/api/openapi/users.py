"""(being written)"""

from __future__ import annotations

from talaka.api.openapi.schema import Schema


def users_schemas() -> dict[str, Schema]:
    return {}


def users_paths() -> dict[str, Schema]:
    return {}
