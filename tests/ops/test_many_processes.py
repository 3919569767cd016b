"""Two servers and a worker on one database: every operation runs exactly once, even when the
worker is killed in the middle of one."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.support.api import all_tasks, client, image_tasks, make_pool, wait_operation
from tests.support.server import ServerProcess

SIZES = {"large": 80_000, "medium": 15_000, "small": 3_000, "tiny": 200}
ENV = {"TALAKA_RUN_OPERATIONS": "0", "TALAKA_OPERATION_LEASE_SECONDS": "2",
       "TALAKA_OPERATION_CHUNK_ITEMS": "1000"}


def _end(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()


def test_servers_and_workers_share_operations(database_url: str, tmp_path: Path,
                                              request: pytest.FixtureRequest) -> None:
    first = ServerProcess(database_url, tmp_path / "first.log", env=dict(ENV)).start()
    request.addfinalizer(first.stop)
    second = ServerProcess(database_url, tmp_path / "second.log", env=dict(ENV), token=first.token).start()
    request.addfinalizer(second.stop)
    worker = first.start_worker()
    request.addfinalizer(lambda: _end(worker))
    apis = [client(first.url, first.token), client(second.url, first.token)]
    for api in apis:
        request.addfinalizer(api.close)
    pool_id = make_pool(apis[0])
    operations: dict[str, str] = {}
    expected: set[str] = set()

    def send(name: str) -> None:
        """Send one operation three times, alternating servers, with the same operation_id."""
        tasks = image_tasks(pool_id, SIZES[name], prefix=name)
        expected.update(task["input_values"]["image"] for task in tasks)
        operations[name] = str(uuid.uuid4())
        params = {"operation_id": operations[name], "allow_defaults": "true"}
        for api in (apis[0], apis[1], apis[0]):
            answer = api.post("/tasks", json=tasks, params=params)
            assert answer.status_code in (202, 409), answer.text

    send("large")
    deadline = time.monotonic() + 60
    progress = 0
    while not 0 < progress < 100 and time.monotonic() < deadline:
        progress = apis[1].get(f"/operations/{operations['large']}").json()["progress"]
    assert 0 < progress < 100, "the large operation should be caught while the worker runs it"
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    for name in SIZES:
        if name != "large":
            send(name)
    replacement = first.start_worker()
    request.addfinalizer(lambda: _end(replacement))
    for name, operation_id in operations.items():
        operation = wait_operation(apis[1], operation_id)
        assert operation["status"] == "SUCCESS", operation
        assert operation["details"]["created_count"] == SIZES[name]
    images = [task["input_values"]["image"] for task in all_tasks(apis[0], pool_id)]
    assert len(images) == sum(SIZES.values())
    assert set(images) == expected
