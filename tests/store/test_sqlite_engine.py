"""The SQLite engine: migrations, group commit, and what a failed job or commit does."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from talaka.core.errors import StorageProblem
from talaka.store.sqlite_engine import Engine, connect, migrate


def test_migrations_apply_once_and_record_the_version(tmp_path: Path) -> None:
    conn = connect(str(tmp_path / "a.db"))
    assert migrate(conn) >= 1
    version = migrate(conn)
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == version
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"requesters", "tokens", "projects", "pools", "tasks", "task_suites", "operations",
            "operation_errors"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _insert(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute("INSERT INTO requesters (name, created) VALUES (?, 'now')", (name,)).lastrowid or 0


def _fail(conn: sqlite3.Connection, name: str) -> None:
    _insert(conn, name)
    raise ValueError("this job fails")


def test_jobs_in_one_commit_fail_alone(tmp_path: Path) -> None:
    engine = Engine(str(tmp_path / "b.db"))
    engine.start()

    async def scenario() -> list[object]:
        jobs = [engine.write(_insert, "a"), engine.write(_fail, "b"), engine.write(_insert, "c")]
        return await asyncio.gather(*jobs, return_exceptions=True)

    try:
        first, failed, third = asyncio.run(scenario())
        assert isinstance(failed, ValueError)
        assert isinstance(first, int) and isinstance(third, int)
        names = asyncio.run(engine.read(lambda conn: [row[0] for row in conn.execute(
            "SELECT name FROM requesters ORDER BY id")]))
        assert names == ["a", "c"], "the failed job's insert was rolled back, the others kept"
    finally:
        engine.close()


def test_database_errors_become_storage_problems(tmp_path: Path) -> None:
    engine = Engine(str(tmp_path / "c.db"))
    engine.start()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    try:
        with pytest.raises(StorageProblem, match="nothing of it was kept"):
            asyncio.run(engine.write(broken))
    finally:
        engine.close()


def test_synchronous_mode_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        connect(str(tmp_path / "d.db"), synchronous="OFF")
