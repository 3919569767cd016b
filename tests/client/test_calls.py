"""Reads, patches, pools, operations and errors through `Client`, against a real server process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import talaka
from tests.client.pools import image_tasks, new_pool
from tests.support.api import IMAGE_PROJECT
from tests.support.server import ServerProcess


def test_requester_project_and_pool_round_trip(client: talaka.Client) -> None:
    requester = client.get_requester()
    assert requester.id and requester.public_name is not None

    project = client.create_project(talaka.Project(**IMAGE_PROJECT))
    assert project.status == "ACTIVE" and project.id is not None
    assert client.get_project(project.id) == project

    expires = datetime(2030, 1, 1, 12, tzinfo=UTC)
    pool = client.create_pool({"project_id": project.id, "private_name": "p", "reward_per_assignment": 0.01,
                               "will_expire": expires, "defaults": {"default_overlap_for_new_tasks": 3}})
    assert pool.status == "CLOSED" and pool.reward_per_assignment == 0.01
    assert pool.will_expire == expires.replace(tzinfo=None)
    assert pool.id is not None and client.get_pool(pool.id) == pool


def test_open_close_archive_pool(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    with pytest.raises(talaka.IncorrectActionsApiError) as empty:
        client.open_pool(pool_id)
    assert empty.value.code == "EMPTY_POOL" and empty.value.status_code == 409

    client.create_tasks(image_tasks(pool_id, 3), allow_defaults=True)
    assert client.open_pool(pool_id).status == "OPEN"
    assert client.open_pool(pool_id).status == "OPEN", "opening an open pool changes nothing"
    with pytest.raises(talaka.IncorrectActionsApiError) as open_pool:
        client.archive_pool(pool_id)
    assert open_pool.value.code == "POOL_INAPPROPRIATE_STATUS"
    assert client.close_pool(pool_id).status == "CLOSED"
    assert client.archive_pool(pool_id).status == "ARCHIVED"


def test_get_tasks_pages_by_id(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    created = client.create_tasks(image_tasks(pool_id, 1_234), allow_defaults=True)
    expected = sorted(task.id or "" for task in created.items.values())

    paged = list(client.get_tasks(pool_id=pool_id, batch_size=100))
    assert [task.id for task in paged] == expected
    assert paged[0] == created.items["0"]

    rest = [task.id for task in client.get_tasks(pool_id=pool_id, id_gt=expected[999], batch_size=7)]
    assert rest == expected[1_000:]


def test_find_tasks_is_one_page(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    created = client.create_tasks(image_tasks(pool_id, 30), allow_defaults=True)
    first = client.find_tasks(pool_id=pool_id, sort="id", limit=10)
    assert len(first.items) == 10 and first.has_more
    last = client.find_tasks(pool_id=pool_id, sort=["-id"], limit=30)
    newest_first = sorted((task.id for task in created.items.values()), reverse=True)
    assert [task.id for task in last.items] == newest_first
    assert not last.has_more
    later = client.find_tasks(pool_id=pool_id, created_gt=datetime.now(UTC) + timedelta(days=1))
    assert later.items == [] and not later.has_more


def test_patch_task(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    new = talaka.Task(input_values={"image": "https://example.com/x.png"}, pool_id=pool_id)
    task = client.create_task(new, allow_defaults=True)
    assert task.id is not None and task.overlap == 1

    patched = client.patch_task(task.id, overlap=5, known_solutions=[talaka.KnownSolution(
        output_values={"label": "cat"}, correctness_weight=1.0)])
    assert patched.overlap == 5 and patched.remaining_overlap == 5
    assert patched.known_solutions == [
        talaka.KnownSolution(output_values={"label": "cat"}, correctness_weight=1.0)]
    assert client.get_task(task.id) == patched

    with pytest.raises(talaka.ValidationApiError) as refused:
        client.patch_task(task.id, known_solutions=[{"output_values": {"label": "horse"}}])
    assert refused.value.invalid_fields


def test_wait_operation_and_log(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    operation = client.create_tasks_async(image_tasks(pool_id, 12_000), allow_defaults=True)
    assert operation.status in ("PENDING", "RUNNING", "SUCCESS")
    done = client.wait_operation(operation.id)
    assert done.status == "SUCCESS" and done.is_completed()
    assert client.get_operation(operation).status == "SUCCESS"
    log = client.get_operation_log(operation.id)
    assert len(log) == 12_000 and all(item.type == "TASK_CREATE" and item.success for item in log)
    assert sorted(int(item.input["__item_idx"]) for item in log) == list(range(12_000))


def test_error_codes_map_to_their_exceptions(server: ServerProcess, client: talaka.Client) -> None:
    stranger = talaka.Client(server.url, "not-a-token")
    with stranger, pytest.raises(talaka.AuthenticationApiError) as denied:
        stranger.get_requester()
    assert denied.value.status_code == 401 and denied.value.code == "AUTHENTICATION_ERROR"
    assert denied.value.request_id and isinstance(denied.value, talaka.ApiError)

    with pytest.raises(talaka.DoesNotExistApiError) as missing:
        client.get_task("00000fffff--000000000000000000000001")
    assert missing.value.status_code == 404 and "00000fffff" in missing.value.message

    with pytest.raises(talaka.DoesNotExistApiError):
        client.get_operation("6f1f6bd0-6a63-4ec4-a3c4-b7b6b2f0c111")


def test_another_requesters_pool_is_invisible(server: ServerProcess, client: talaka.Client) -> None:
    pool_id = new_pool(client)
    with talaka.Client(server.url, server.new_requester("sdk-stranger")) as stranger:
        with pytest.raises(talaka.DoesNotExistApiError):
            stranger.get_pool(pool_id)
        with pytest.raises(talaka.ValidationApiError) as refused:
            stranger.create_tasks(image_tasks(pool_id, 2), allow_defaults=True)
    assert refused.value.payload["0"]["pool_id"].code == "ENTITY_DOES_NOT_EXIST"
