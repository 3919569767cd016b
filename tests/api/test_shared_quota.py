"""Quotas hold for a requester as a whole: two server processes on one database share them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.api import client, image_tasks, make_pool, post_tasks
from tests.support.server import ServerProcess

LIMIT = 10


def test_two_servers_share_one_quota(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env = {"TALAKA_REQUESTS_PER_DAY": str(LIMIT)}
    first = ServerProcess(database_url, tmp_path / "first.log", env=env).start()
    request.addfinalizer(first.stop)
    second = ServerProcess(database_url, tmp_path / "second.log", env=env, token=first.token).start()
    request.addfinalizer(second.stop)
    apis = [client(first.url, first.token), client(second.url, first.token)]
    for api in apis:
        request.addfinalizer(api.close)
    pool_id = make_pool(apis[0])
    answers = [post_tasks(apis[number % 2], image_tasks(pool_id, 1, prefix=str(number))) for number in range(16)]
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(202) == LIMIT, statuses
    assert statuses.count(429) == 16 - LIMIT, statuses
    refused = answers[-1]
    assert "retry-after" not in refused.headers
    assert refused.headers["ratelimit-limit"] == str(LIMIT)
    assert refused.headers["ratelimit-remaining"] == "0"
    body = refused.json()
    assert body["code"] == "TOO_MANY_REQUESTS"
    assert body["payload"]["window"] == "DAY" and "interval" not in body["payload"]
