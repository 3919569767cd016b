"""An accepted operation survives SIGKILL of the server: after restart it completes exactly once."""

from __future__ import annotations

import time

import pytest

from tests.support.api import all_tasks, client, image_tasks, make_pool, post_tasks, wait_operation
from tests.support.server import ServerProcess

TASKS = 100_000


@pytest.mark.parametrize("moment", ["after_accept", "mid_run"])
def test_operation_completes_exactly_once_after_sigkill(own_server: ServerProcess, moment: str,
                                                       request: pytest.FixtureRequest) -> None:
    own_server.env["TALAKA_OPERATION_CHUNK_ITEMS"] = "2000"
    own_server.env["TALAKA_OPERATION_LEASE_SECONDS"] = "2"
    own_server.start()
    api = client(own_server.url, own_server.token)
    request.addfinalizer(api.close)
    pool_id = make_pool(api)
    accepted = post_tasks(api, image_tasks(pool_id, TASKS))
    assert accepted.status_code == 202, accepted.text
    operation_id = accepted.json()["id"]
    if moment == "mid_run":
        deadline = time.monotonic() + 60
        progress = 0
        while not 0 < progress < 100 and time.monotonic() < deadline:
            progress = api.get(f"/operations/{operation_id}").json()["progress"]
        assert 0 < progress < 100, "the operation should be caught while it runs"
    own_server.kill()
    own_server.start()
    operation = wait_operation(api, operation_id)
    assert operation["status"] == "SUCCESS"
    assert operation["details"]["created_count"] == TASKS
    tasks = all_tasks(api, pool_id)
    images = [task["input_values"]["image"] for task in tasks]
    assert len(images) == TASKS
    assert set(images) == {task["input_values"]["image"] for task in image_tasks(pool_id, TASKS)}
    log = api.get(f"/operations/{operation_id}/log").json()
    assert sorted(int(item["input"]["__item_idx"]) for item in log) == list(range(TASKS))
