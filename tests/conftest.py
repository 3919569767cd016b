"""Fixtures shared by every test layer; storage-touching ones run on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import BACKENDS, fresh_database
from tests.support.server import ServerProcess, token_leaks


@pytest.fixture(scope="session", autouse=True)
def no_token_in_any_log() -> Iterator[None]:
    """After the whole session, no line of any server process's log holds a token."""
    yield
    leaks = token_leaks()
    assert not leaks, f"{len(leaks)} log lines hold a token: {leaks[:10]}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per backend for the read-mostly end-to-end tests (each test makes its own pools)."""
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    with fresh_database(request.param, folder) as url:
        process = ServerProcess(url, folder / "server.log").start()
        yield process
        process.stop()


@pytest.fixture
def own_server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server with its own database, for tests that kill or restart it (not started yet)."""
    process = ServerProcess(database_url, tmp_path / "server.log")
    yield process
    process.stop()
