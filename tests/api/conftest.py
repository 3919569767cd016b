"""Fixtures of the work loop's hostile-input tables: each test module attacks a world of its own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.work_world import Sides, WorkWorld, build_world, performer_client, requester_client
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def world(server: ServerProcess) -> WorkWorld:
    return build_world(server)


@pytest.fixture(scope="module")
def sides(world: WorkWorld) -> Iterator[Sides]:
    with httpx.Client(base_url=world.url, timeout=120) as raw, \
            requester_client(world.url, world.requester) as api, \
            performer_client(world.url, world.ann) as ann, performer_client(world.url, world.bob) as bob:
        yield Sides(raw, api, ann, bob)
