"""Requesters are isolated: another requester's objects are never read, changed or revealed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from toloka.client import Pool, Project, Task, TolokaClient
from toloka.client.exceptions import AuthenticationApiError, DoesNotExistApiError, ValidationApiError

from tests.e2e.conftest import Maker, Other, all_codes, check_envelope, image_tasks, task_count
from tests.support.server import ServerProcess


@dataclass
class Owned:
    """The first requester's objects: a project, a pool with tasks, a batch operation."""

    project: Project
    pool: Pool
    task: Task
    operation_id: str


@pytest.fixture
def owned(toloka: TolokaClient, maker: Maker) -> Owned:
    project = maker.project()
    pool = maker.pool(project)
    operation_id = str(uuid.uuid4())
    result = toloka.create_tasks(
        image_tasks(pool.id, 3, "mine"), allow_defaults=True, operation_id=operation_id
    )
    return Owned(project, pool, result.items["0"], operation_id)


def test_the_other_requester_is_someone_else(toloka: TolokaClient, other: Other) -> None:
    mine, theirs = toloka.get_requester(), other.client.get_requester()
    assert mine.id != theirs.id
    assert theirs.public_name == {"EN": "other"}


def test_cannot_read_another_requesters_objects(owned: Owned, other: Other) -> None:
    intruder = other.client
    with pytest.raises(DoesNotExistApiError):
        intruder.get_project(owned.project.id)
    with pytest.raises(DoesNotExistApiError):
        intruder.get_pool(owned.pool.id)
    with pytest.raises(DoesNotExistApiError):
        intruder.get_task(owned.task.id)
    with pytest.raises(DoesNotExistApiError):
        intruder.get_operation(owned.operation_id)
    with pytest.raises(DoesNotExistApiError):
        intruder.get_operation_log(owned.operation_id)


def test_not_found_is_the_same_for_foreign_and_missing_ids(
    owned: Owned, other: Other, server: ServerProcess
) -> None:
    """A foreign id answers exactly like an id that does not exist: nothing reveals it."""
    with httpx.Client(
        base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {other.token}"}
    ) as api:
        missing_task = f"{int(owned.pool.id):010x}--{'0' * 24}"
        for foreign, missing in [
            (f"/pools/{owned.pool.id}", "/pools/999999999"),
            (f"/projects/{owned.project.id}", "/projects/999999999"),
            (f"/tasks/{owned.task.id}", f"/tasks/{missing_task}"),
            (f"/operations/{owned.operation_id}", f"/operations/{uuid.uuid4()}"),
        ]:
            first, second = api.get(foreign), api.get(missing)
            check_envelope(first, 404, "DOES_NOT_EXIST")
            check_envelope(second, 404, "DOES_NOT_EXIST")
            assert first.json()["message"].replace(foreign.rsplit("/", 1)[1], "ID") == second.json()[
                "message"
            ].replace(missing.rsplit("/", 1)[1], "ID")


def test_cannot_write_into_another_requesters_pool(toloka: TolokaClient, owned: Owned, other: Other) -> None:
    intruder = other.client
    for async_mode in (True, False):
        with pytest.raises(ValidationApiError) as refused:
            intruder.create_tasks(
                image_tasks(owned.pool.id, 2, "intruder"), allow_defaults=True, async_mode=async_mode
            )
        payload = all_codes(refused.value.payload)
        assert sorted(payload) == ["0", "1"]
        assert {errors["pool_id"] for errors in payload.values()} == {"ENTITY_DOES_NOT_EXIST"}
    with pytest.raises(ValidationApiError) as single:
        intruder.create_task(
            Task(pool_id=owned.pool.id, input_values={"image": "https://example.com/i.png"}, overlap=1)
        )
    assert all_codes(single.value.payload) == {"0": {"pool_id": "ENTITY_DOES_NOT_EXIST"}}

    with pytest.raises(DoesNotExistApiError):
        intruder.patch_task(owned.task.id, overlap=9)
    with pytest.raises(DoesNotExistApiError):
        intruder.patch_task_overlap_or_min(owned.task.id, overlap=0)
    with pytest.raises(DoesNotExistApiError):
        intruder.open_pool(owned.pool.id)
    with pytest.raises(DoesNotExistApiError):
        intruder.archive_pool(owned.pool.id)
    with pytest.raises(DoesNotExistApiError):
        intruder.archive_project(owned.project.id)
    with pytest.raises(DoesNotExistApiError):
        intruder.update_project(owned.project.id, owned.project)
    with pytest.raises(ValidationApiError) as pool_refused:
        Maker(intruder).pool(owned.project)
    assert "project_id" in pool_refused.value.payload

    assert task_count(toloka, owned.pool.id) == 3
    assert toloka.get_task(owned.task.id) == owned.task
    assert toloka.get_pool(owned.pool.id).status == Pool.Status.CLOSED
    assert toloka.get_project(owned.project.id).status == Project.ProjectStatus.ACTIVE


def test_searches_show_only_ones_own_objects(toloka: TolokaClient, owned: Owned, other: Other) -> None:
    intruder = other.client
    their_tasks = intruder.find_tasks(sort=["id"], limit=100_000)
    assert their_tasks.items, "the other requester has tasks of its own"
    assert all(task.pool_id == other.pool.id for task in their_tasks.items)
    assert intruder.find_tasks(pool_id=owned.pool.id).items == []
    assert list(intruder.get_tasks(pool_id=owned.pool.id)) == []
    their_pools = intruder.find_pools(limit=300)
    assert owned.pool.id not in {pool.id for pool in their_pools.items}
    assert {pool.id for pool in their_pools.items} >= {other.pool.id}
    assert intruder.find_pools(project_id=owned.project.id).items == []
    assert owned.project.id not in {project.id for project in intruder.find_projects(limit=300).items}
    assert owned.operation_id not in {operation.id for operation in intruder.find_operations(limit=500).items}

    their_range = {
        "id_gte": f"{int(other.pool.id):010x}--{'0' * 24}",
        "id_lt": f"{int(other.pool.id) + 1:010x}--{'0' * 24}",
    }
    assert [task.id for task in intruder.find_tasks(**their_range).items] == [
        task.id for task in their_tasks.items
    ]
    assert toloka.find_tasks(**their_range).items == [], "no pool filter, and still none of theirs"
    assert owned.task.id in {task.id for task in toloka.find_tasks(id_gte=owned.task.id, limit=5).items}
    assert toloka.find_pools(id_gte=other.pool.id, id_lte=other.pool.id).items == []
    assert [pool.id for pool in intruder.find_pools(id_gte=other.pool.id, id_lte=other.pool.id).items] == [
        other.pool.id
    ]


@pytest.fixture(autouse=True)
def _the_other_requester_has_tasks(other: Other) -> None:
    if task_count(other.client, other.pool.id) == 0:
        other.client.create_tasks(image_tasks(other.pool.id, 2, "theirs"), allow_defaults=True)


def test_bad_token(server: ServerProcess) -> None:
    client = TolokaClient("not-a-real-token", url=server.url)
    with pytest.raises(AuthenticationApiError) as refused:
        client.get_requester()
    assert refused.value.status_code == 401
    with pytest.raises(AuthenticationApiError):
        client.create_tasks(image_tasks("1", 1), allow_defaults=True)
    apikey_shaped = TolokaClient("a" * 23 + ".bbbbbbbbbb.cccccccccc", url=server.url)  # sent as `ApiKey ...`
    with pytest.raises(AuthenticationApiError):
        apikey_shaped.get_requester()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "OAuth"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "empty", "scheme-only", "basic"],
)
def test_missing_token_is_401_with_an_envelope(server: ServerProcess, headers: dict[str, str]) -> None:
    for method, path in [("GET", "/api/v1/requester"), ("GET", "/api/v1/tasks"), ("POST", "/api/v1/tasks")]:
        response = httpx.request(
            method, server.url + path, headers=headers, json=[] if method == "POST" else None
        )
        body = check_envelope(response, 401, "AUTHENTICATION_ERROR")
        assert "payload" in body
        assert body["payload"] is None


def test_tokens_work_with_every_scheme(server: ServerProcess) -> None:
    for scheme in ("OAuth", "ApiKey", "Bearer"):
        response = httpx.get(
            server.url + "/api/v1/requester", headers={"Authorization": f"{scheme} {server.token}"}
        )
        assert response.status_code == 200, (scheme, response.text)
        assert response.json()["public_name"] == {"EN": "admin"}


def test_operation_ids_are_per_requester(toloka: TolokaClient, owned: Owned, other: Other) -> None:
    """Reusing someone else's operation_id neither collides with nor reveals their operation."""
    before = task_count(other.client, other.pool.id)
    result = other.client.create_tasks(
        image_tasks(other.pool.id, 2, "reused"),
        allow_defaults=True,
        operation_id=uuid.UUID(owned.operation_id),
    )
    assert sorted(result.items) == ["0", "1"]
    assert {task.pool_id for task in result.items.values()} == {other.pool.id}
    assert task_count(other.client, other.pool.id) == before + 2
    assert other.client.get_operation(owned.operation_id).id == owned.operation_id
    log = toloka.get_operation_log(owned.operation_id)
    assert {item.input["pool_id"] for item in log} == {owned.pool.id}, "the owner's operation is untouched"
    assert task_count(toloka, owned.pool.id) == 3
