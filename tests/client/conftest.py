"""SDK test fixtures: a client of the session's real server, and fresh pools to fill."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import talaka
from tests.support.server import ServerProcess


@pytest.fixture
def client(server: ServerProcess) -> Iterator[talaka.Client]:
    with talaka.Client(server.url, server.token) as sdk:
        yield sdk
