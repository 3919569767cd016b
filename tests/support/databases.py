"""Fresh databases for tests: a SQLite file, or a new PostgreSQL database dropped afterwards.

PostgreSQL tests read the server from `TALAKA_TEST_POSTGRES_URL`. Without it they skip on a
developer machine and fail in CI (where `CI` is set), so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BACKENDS = ["sqlite", "postgres"]
POSTGRES_ENV = "TALAKA_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_ENV} must be set in CI (scripts/test sets it when CI is set)")
    pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}, e.g. postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A database URL for `backend` that no other test uses."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'talaka.db'}"
        return
    with temporary_postgres(postgres_server_url(), "test") as url:
        yield url


@contextmanager
def temporary_postgres(server: str, purpose: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server `server`, dropped afterwards (even if in use)."""
    import psycopg

    name = f"talaka_{purpose}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
