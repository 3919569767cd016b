"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the read-mostly end-to-end tests (each test makes its own project and pool)."""
    folder = tmp_path_factory.mktemp("server")
    process = ServerProcess(f"sqlite:///{folder / 'talaka.db'}", folder / "server.log").start()
    yield process
    process.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server with its own database, for tests that kill or restart it."""
    process = ServerProcess(f"sqlite:///{tmp_path / 'talaka.db'}", tmp_path / "server.log")
    yield process
    process.stop()
