"""Both backends have the same tables, columns and statements."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from talaka.store.postgres import PostgresDialect
from talaka.store.queries import Queries
from talaka.store.sqlite import SqliteDialect
from talaka.store.sqlite_engine import connect, migrate
from tests.support.databases import postgres_server_url, temporary_postgres


def sqlite_columns(path: Path) -> dict[str, set[str]]:
    conn = connect(str(path))
    migrate(conn)
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = {table: {row[1] for row in conn.execute(f"PRAGMA table_info({table})")} for table in tables}
    conn.close()
    return columns


def postgres_columns() -> dict[str, set[str]]:
    import psycopg

    from talaka.store.postgres_engine import migrate as migrate_postgres

    with temporary_postgres(postgres_server_url(), "schema") as url, psycopg.connect(url) as conn:
        migrate_postgres(conn)
        columns: dict[str, set[str]] = {}
        for table, column in conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                                          "WHERE table_schema = 'public'").fetchall():
            columns.setdefault(table, set()).add(column)
        return columns


def test_both_schemas_have_the_same_tables_and_columns(tmp_path: Path) -> None:
    assert sqlite_columns(tmp_path / "schema.db") == postgres_columns()


def test_every_statement_is_rendered_for_each_dialect() -> None:
    names = {item.name for item in fields(Queries)}
    for dialect, placeholder, other in ((SqliteDialect, "?", "%s"), (PostgresDialect, "%s", "?")):
        rendered = {item.name: getattr(dialect.q, item.name) for item in fields(dialect.q)}
        assert rendered.keys() == names
        assert not [name for name, sql in rendered.items() if other in sql], f"{dialect.__name__} mixes placeholders"
        assert dialect.placeholder == placeholder


def test_postgres_overrides_what_only_postgres_needs() -> None:
    q = PostgresDialect.q
    assert "FOR UPDATE SKIP LOCKED" in q.CLAIM_OPERATION
    assert "IS NOT DISTINCT FROM" in q.ADVANCE_OPERATION and "IS NOT DISTINCT FROM" in q.FAIL_OPERATION
    assert q.POOL_REVISIONS.endswith("FOR SHARE") and q.QUOTA_USED.endswith("FOR UPDATE")
