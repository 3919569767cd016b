"""Server settings: every limit in one place, each overridable from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

DEFAULT_DATABASE_URL = "sqlite:///talaka.db"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value.replace("_", ""))
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and tunables of one server process.

    Each field can be set as `TALAKA_<FIELD NAME IN CAPITALS>` in the environment.
    """

    database_url: str = DEFAULT_DATABASE_URL
    max_sync_items: int = 5_000
    max_async_items: int = 100_000
    inline_async_items: int = 10_000
    operation_chunk_items: int = 10_000
    operation_lease_seconds: int = 15
    run_operations: int = 1
    max_body_bytes: int = 64 * 1024 * 1024
    max_performer_body_bytes: int = 4 * 1024 * 1024
    requests_per_minute: int = 100_000
    requests_per_day: int = 2_000_000
    sqlite_synchronous: str = "FULL"
    metrics_open: int = 0
    """1 serves /metrics without a token (a private network); see `metrics_token`."""
    metrics_token: str = ""
    """When set, /metrics is served to requests bearing this token."""
    heartbeat_dir: str = ""
    """Set by `talaka serve --health-port`: where each server process touches its heartbeat file."""
    health_stall_seconds: int = 10
    """The health port's `/health` fails once a server process's heartbeat is this old."""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for item in fields(cls):
            env_name = f"TALAKA_{item.name.upper()}"
            if item.type == "int" or item.type is int:
                default = item.default
                assert isinstance(default, int)
                values[item.name] = _env_int(env_name, default)
            elif env_name in os.environ:
                values[item.name] = os.environ[env_name]
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]
