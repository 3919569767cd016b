"""Consistent copies of a live SQLite database, and putting one back.

`backup` uses SQLite's online backup API in a single step: the copy is read inside one read
transaction, so it is the database as it was at one instant, and in WAL mode writers go on
meanwhile (they append to the WAL; only its checkpoint waits for the copy). A stepwise backup would
let writers in between steps, but SQLite restarts such a backup whenever another connection writes,
which under steady uploads may never finish. The copy is written next to its destination as
`.part`, checked with `PRAGMA integrity_check`, and renamed, so a crash never leaves a file that
looks like a finished backup.

`restore` checks the backup, then copies it into the database with the same API, which takes
SQLite's locks and rewrites the destination's WAL correctly (copying the file by hand beside a
stale `-wal` file would corrupt it). Servers must be stopped first: they cache plans and tokens.

PostgreSQL has its own tools for this (`pg_dump`, `pg_restore`; docs/operations.md).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SQLITE_PREFIX = "sqlite:///"


class BackupProblem(Exception):
    """A backup or restore that cannot be done; the message says what to do instead."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    seconds: float
    tasks: int


def sqlite_path(database_url: str) -> Path:
    if not database_url.startswith(SQLITE_PREFIX):
        raise BackupProblem(
            "talaka backup and restore copy SQLite databases; for PostgreSQL use pg_dump and pg_restore "
            "(see docs/operations.md)")
    return Path(database_url.removeprefix(SQLITE_PREFIX))


def _check(conn: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise BackupProblem(f"{what} failed SQLite's integrity check: {'; '.join(problems[:5])}")


def _tasks(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])


def backup(database_url: str, destination: Path) -> BackupReport:
    """Copy the live database at `database_url` to `destination` (which must not exist yet)."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupProblem(f"There is no database at {source_path}: check --database")
    if destination.exists():
        raise BackupProblem(f"{destination} already exists: choose a new name, or delete it first")
    part = destination.with_name(destination.name + ".part")
    part.unlink(missing_ok=True)
    started = time.monotonic()
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=60)
    target = sqlite3.connect(part)
    try:
        source.backup(target)
        _check(target, "The copy")
        tasks = _tasks(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()
    with part.open("rb+") as written:
        os.fsync(written.fileno())
    part.rename(destination)
    return BackupReport(destination, destination.stat().st_size, time.monotonic() - started, tasks)


def restore(backup_path: Path, database_url: str) -> BackupReport:
    """Replace the database at `database_url` with the backup at `backup_path`."""
    target_path = sqlite_path(database_url)
    if not backup_path.exists():
        raise BackupProblem(f"There is no backup at {backup_path}")
    started = time.monotonic()
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    try:
        _check(source, f"The backup {backup_path}")
        target = sqlite3.connect(target_path, timeout=5)
        try:
            try:
                target.execute("BEGIN EXCLUSIVE")
                target.execute("ROLLBACK")
            except sqlite3.OperationalError as error:
                raise BackupProblem(f"{target_path} is in use ({error}): stop every talaka serve and "
                                    "talaka worker on it, then restore") from None
            source.backup(target)
            target.execute("PRAGMA journal_mode = WAL")
            tasks = _tasks(target)
        finally:
            target.close()
    finally:
        source.close()
    return BackupReport(target_path, target_path.stat().st_size, time.monotonic() - started, tasks)
