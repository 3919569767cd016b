"""SDK test fixtures: a client of the session's real server, fresh pools to fill, and performers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import talaka
from tests.support.server import ServerProcess


@pytest.fixture
def client(server: ServerProcess) -> Iterator[talaka.Client]:
    with talaka.Client(server.url, server.token) as sdk:
        yield sdk


def create_performer(server: ServerProcess, name: str, **profile: Any) -> str:
    """A new performer of the server's requester (`POST /api/v1/performers`); its token."""
    answer = httpx.post(f"{server.url}/api/v1/performers", json={"name": name, **profile}, timeout=60,
                        headers={"Authorization": f"OAuth {server.token}"})
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


@pytest.fixture
def new_performer(server: ServerProcess) -> Iterator[Callable[..., talaka.Performer]]:
    """Makes performers (`new_performer(name, languages=["EN"], ...)`), each closed after the test."""
    made: list[talaka.Performer] = []

    def make(name: str, **profile: Any) -> talaka.Performer:
        made.append(talaka.Performer(server.url, create_performer(server, name, **profile)))
        return made[-1]

    yield make
    for performer in made:
        performer.close()
