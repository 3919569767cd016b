"""Operations above 10,000 tasks, which the server runs in the background.

One 25,000-task `create_tasks` call, invalid items across chunks, a repeat while running, open_pool.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from toloka.client import Task, TolokaClient
from toloka.client.exceptions import ValidationApiError
from toloka.client.operations import Operation

from tests.e2e.conftest import Maker, check_envelope, expected_task_id, image_tasks
from tests.support.server import ServerProcess

COUNT = 25_000


@pytest.mark.slow
def test_25000_tasks_in_one_create_tasks_call(
    toloka: TolokaClient, maker: Maker, record_property: pytest.RecordProperty
) -> None:
    pool = maker.pool(overlap=3)
    tasks = [
        Task(pool_id=pool.id, input_values={"image": f"https://example.com/big/{number}.png"})
        for number in range(COUNT)
    ]
    operation_id = uuid.uuid4()

    started = time.perf_counter()
    result = toloka.create_tasks(tasks, allow_defaults=True, operation_id=operation_id)
    elapsed = time.perf_counter() - started
    record_property("create_tasks_25000_seconds", round(elapsed, 2))
    print(f"\ncreate_tasks of {COUNT} tasks took {elapsed:.1f} s")

    assert len(result.items) == COUNT
    assert not result.validation_errors
    ids = []
    for number in range(COUNT):
        created = result.items[str(number)]
        assert created.input_values == {"image": f"https://example.com/big/{number}.png"}
        assert created.overlap == 3
        ids.append(created.id)
    assert all(expected_task_id(pool.id, task_id) for task_id in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == COUNT

    operation = toloka.get_operation(str(operation_id))
    assert operation.status == Operation.Status.SUCCESS
    assert operation.details["items_count"] == COUNT
    assert toloka.get_pool(pool.id).status.value == "CLOSED"
    count = toloka.find_tasks(pool_id=pool.id, limit=100_000)
    assert (len(count.items), count.has_more) == (COUNT, False)


BACKGROUND = 12_000
BAD = [0, 9_999, 10_000, BACKGROUND - 1]  # on both sides of the first 10,000-item chunk


def background_batch(pool_id: str) -> list[Task]:
    tasks = [
        Task(pool_id=pool_id, input_values={"image": f"https://example.com/bg/{number}.png"})
        for number in range(BACKGROUND)
    ]
    for number in BAD:
        tasks[number].input_values = {"image": f"bad url {number}"}
    return tasks


def test_background_operation_skips_invalid_items(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=1)
    result = toloka.create_tasks(background_batch(pool.id), allow_defaults=True, skip_invalid_items=True)
    assert sorted(result.validation_errors, key=int) == [str(number) for number in BAD]
    assert {
        code
        for errors in result.validation_errors.values()
        for code in (error.code for error in errors.values())
    } == {"INVALID_URL_SYNTAX"}
    assert len(result.items) == BACKGROUND - len(BAD)
    for number in (1, 9_998, 10_001, BACKGROUND - 2):
        assert result.items[str(number)].input_values == {"image": f"https://example.com/bg/{number}.png"}
    assert not set(map(str, BAD)) & set(result.items)
    count = toloka.find_tasks(pool_id=pool.id, limit=100_000)
    assert len(count.items) == BACKGROUND - len(BAD)


def test_background_operation_without_skip_creates_nothing(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=1)
    operation_id = uuid.uuid4()
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(background_batch(pool.id), allow_defaults=True, operation_id=operation_id)
    assert sorted(refused.value.payload, key=int) == [str(number) for number in BAD]
    assert toloka.find_tasks(pool_id=pool.id).items == []
    operation = toloka.get_operation(str(operation_id))
    assert operation.status == Operation.Status.FAIL
    log = toloka.get_operation_log(str(operation_id))
    assert [(item.type, item.input["__item_idx"]) for item in log] == [
        ("TASK_VALIDATE", str(number)) for number in BAD
    ]


def test_repeat_while_running_and_open_pool(
    toloka: TolokaClient, maker: Maker, server: ServerProcess
) -> None:
    pool = maker.pool(overlap=1)
    operation_id = str(uuid.uuid4())
    body = [
        {"pool_id": pool.id, "input_values": {"image": f"https://example.com/run/{number}.png"}}
        for number in range(15_000)
    ]
    with httpx.Client(
        base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"}, timeout=60
    ) as api:
        accepted = api.post(
            "/tasks",
            json=body,
            params={"operation_id": operation_id, "allow_defaults": "true", "open_pool": "true"},
        )
        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["status"] in ("PENDING", "RUNNING")
        again = api.post(
            "/tasks",
            json=body,
            params={"operation_id": operation_id, "allow_defaults": "true", "open_pool": "true"},
        )
        check_envelope(again, 409, "OPERATION_ALREADY_EXISTS")

    repeated = toloka.create_tasks_async(
        image_tasks(pool.id, 3), allow_defaults=True, operation_id=uuid.UUID(operation_id)
    )
    assert repeated.id == operation_id
    done = toloka.wait_operation(repeated)
    assert done.status == Operation.Status.SUCCESS
    assert done.parameters.open_pool is True
    assert done.details["items_count"] == 15_000
    found = toloka.find_tasks(pool_id=pool.id, limit=100_000)
    assert len(found.items) == 15_000
    assert {task.input_values["image"] for task in found.items} == {
        task["input_values"]["image"] for task in body
    }
    assert toloka.get_pool(pool.id).status.value == "OPEN"
