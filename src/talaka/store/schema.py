"""Numbered migration scripts, shipped with the package: `migrations/<dialect>/NNN_name.sql`."""

from __future__ import annotations

from functools import cache
from importlib import resources


def migration_scripts(dialect: str) -> list[tuple[int, str]]:
    """`(version, SQL)` of every migration of a dialect, in order."""
    folder = resources.files("talaka.store").joinpath(f"migrations/{dialect}")
    scripts = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    return [(int(name.split("_", 1)[0]), folder.joinpath(name).read_text()) for name in scripts]


@cache
def latest_version(dialect: str) -> int:
    """The version the code expects: its last migration's number."""
    return max(version for version, _ in migration_scripts(dialect))
