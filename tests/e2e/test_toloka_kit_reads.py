"""Reading, searching and changing through toloka-kit: paging, filters, patches, pool and project life."""

from __future__ import annotations

import time

import httpx
import pytest
from toloka.client import Pool, Project, Task, TaskSuite, TolokaClient
from toloka.client.exceptions import DoesNotExistApiError, IncorrectActionsApiError, ValidationApiError
from toloka.client.operations import Operation
from toloka.client.project.field_spec import StringSpec, UrlSpec
from toloka.client.task import BaseTask

from tests.e2e.conftest import Maker, all_codes, codes, expected_task_id, image_tasks, task_count


def test_get_requester(toloka: TolokaClient) -> None:
    requester = toloka.get_requester()
    assert requester.id
    assert requester.id.isdigit()
    assert requester.public_name == {"EN": "admin"}
    assert requester.balance == 0
    assert requester.company.id


@pytest.fixture(scope="module")
def big_pool(toloka: TolokaClient, maker: Maker) -> tuple[Pool, list[str]]:
    """1,234 tasks in one pool, their ids by input index; a neighbour pool's tasks are interleaved."""
    pool = maker.pool(overlap=1)
    neighbour = maker.pool(overlap=1)
    tasks: list[Task] = []
    for number in range(1_234):
        tasks.append(Task(pool_id=pool.id, input_values={"image": f"https://example.com/page/{number}.png"}))
        if number % 10 == 0:
            tasks.append(Task(pool_id=neighbour.id, input_values={"image": "https://example.com/n.png"}))
    result = toloka.create_tasks(tasks, allow_defaults=True, async_mode=False)
    ids = [result.items[str(index)].id for index, task in enumerate(tasks) if task.pool_id == pool.id]
    assert len(ids) == 1_234
    return pool, ids


@pytest.mark.parametrize("batch_size", [None, 97, 1_000, 5_000])
def test_get_tasks_pages_in_id_order(
    toloka: TolokaClient, big_pool: tuple[Pool, list[str]], batch_size: int | None
) -> None:
    pool, ids = big_pool
    assert ids == sorted(ids), "ids sort in creation order"
    found = list(toloka.get_tasks(pool_id=pool.id, batch_size=batch_size))
    found_ids = [task.id for task in found]
    assert len(found_ids) == len(set(found_ids)), "no duplicates"
    assert found_ids == ids, "every task once, in id order, nothing from the neighbour pool"
    assert found[500].input_values == {"image": "https://example.com/page/500.png"}


def test_get_tasks_between_ids(toloka: TolokaClient, big_pool: tuple[Pool, list[str]]) -> None:
    pool, ids = big_pool
    found = [
        task.id for task in toloka.get_tasks(pool_id=pool.id, id_gte=ids[100], id_lte=ids[300], batch_size=13)
    ]
    assert found == ids[100:301]


def test_find_tasks_has_more(toloka: TolokaClient, big_pool: tuple[Pool, list[str]]) -> None:
    pool, ids = big_pool
    page = toloka.find_tasks(pool_id=pool.id, sort=["id"], limit=1_233)
    assert page.has_more is True
    assert [task.id for task in page.items] == ids[:1_233]
    page = toloka.find_tasks(pool_id=pool.id, sort=["id"], limit=1_234)
    assert page.has_more is False
    assert len(page.items) == 1_234
    page = toloka.find_tasks(pool_id=pool.id, id_gt=ids[-1], sort=["id"], limit=10)
    assert (page.items, page.has_more) == ([], False)
    default = toloka.find_tasks(pool_id=pool.id, sort=["id"])
    assert [task.id for task in default.items] == ids[:50]
    assert default.has_more is True


def test_find_tasks_sorted_by_id_descending(toloka: TolokaClient, big_pool: tuple[Pool, list[str]]) -> None:
    pool, ids = big_pool
    page = toloka.find_tasks(pool_id=pool.id, sort=["-id"], limit=20)
    assert [task.id for task in page.items] == ids[::-1][:20]
    assert page.has_more is True
    page = toloka.find_tasks(pool_id=pool.id, id_lt=ids[20], sort=["-id"], limit=100)
    assert [task.id for task in page.items] == ids[19::-1]
    assert page.has_more is False


def test_find_tasks_filters(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=1)
    first = [
        Task(
            pool_id=pool.id,
            input_values={"image": f"https://example.com/f/{number}.png"},
            overlap=number % 3 + 1,
        )
        for number in range(9)
    ]
    batch1 = toloka.create_tasks(first, allow_defaults=True)
    time.sleep(0.01)
    batch2 = toloka.create_tasks(image_tasks(pool.id, 4, "later", overlap=2), async_mode=False)
    early = [batch1.items[str(number)] for number in range(9)]
    late = [batch2.items[str(number)] for number in range(4)]
    everything = [task.id for task in early + late]

    def ids(**filters: object) -> list[str]:
        page = toloka.find_tasks(pool_id=pool.id, sort=["id"], limit=1_000, **filters)
        assert page.has_more is False
        return [task.id for task in page.items]

    assert ids() == everything
    assert ids(overlap=2) == [task.id for task in early if task.overlap == 2] + [task.id for task in late]
    assert ids(overlap=3) == [task.id for task in early if task.overlap == 3]
    assert ids(overlap_gt=2) == ids(overlap=3)
    assert ids(overlap_lte=1) == [task.id for task in early if task.overlap == 1]
    assert ids(id_gt=everything[4]) == everything[5:]
    assert ids(id_gte=everything[4]) == everything[4:]
    assert ids(id_lt=everything[4]) == everything[:4]
    newest_early = max(task.created for task in early)
    assert newest_early < min(task.created for task in late)
    assert ids(created_gt=newest_early) == [task.id for task in late]
    assert ids(created_lte=newest_early) == [task.id for task in early]
    assert ids(created_gte=min(task.created for task in late)) == [task.id for task in late]
    assert ids(created_gt=newest_early, overlap=2, id_gt=late[0].id) == [task.id for task in late[1:]]
    by_created = toloka.find_tasks(pool_id=pool.id, sort=["-created", "id"], limit=5)
    newest_first = sorted(early + late, key=lambda task: task.id)
    newest_first.sort(key=lambda task: task.created, reverse=True)  # stable: ids ascend within one instant
    assert [task.id for task in by_created.items] == [task.id for task in newest_first[:5]]
    assert by_created.has_more is True


def test_patch_task(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=2)
    task = toloka.create_task(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/p.png"}), allow_defaults=True
    )

    patched = toloka.patch_task(task.id, overlap=5)
    assert (patched.id, patched.overlap, patched.remaining_overlap, patched.infinite_overlap) == (
        task.id,
        5,
        5,
        False,
    )
    assert patched.input_values == task.input_values
    assert patched.created == task.created
    assert toloka.get_task(task.id) == patched
    assert toloka.find_tasks(pool_id=pool.id, overlap=5).items == [patched]

    infinite = toloka.patch_task(task.id, infinite_overlap=True)
    assert (infinite.infinite_overlap, infinite.overlap) == (True, None)
    assert toloka.get_task(task.id) == infinite

    finite = toloka.patch_task(task.id, overlap=4, infinite_overlap=False)
    assert (finite.infinite_overlap, finite.overlap, finite.remaining_overlap) == (False, 4, 4)

    golden = toloka.patch_task(
        task.id,
        known_solutions=[Task.KnownSolution(output_values={"label": "dog"})],
        message_on_unknown_solution="it barks",
    )
    assert [solution.output_values for solution in golden.known_solutions] == [{"label": "dog"}]
    assert golden.message_on_unknown_solution == "it barks"
    assert golden.overlap == 4
    assert toloka.get_task(task.id) == golden

    with pytest.raises(ValidationApiError) as refused:
        toloka.patch_task(task.id, known_solutions=[Task.KnownSolution(output_values={"label": "cow"})])
    assert codes(refused.value.payload) == {"known_solutions.0.output_values.label": "VALUE_NOT_ALLOWED"}
    assert toloka.get_task(task.id) == golden, "a refused patch changes nothing"

    with pytest.raises(DoesNotExistApiError):
        toloka.patch_task(f"{int(pool.id):010x}--{'0' * 24}", overlap=3)
    with pytest.raises(DoesNotExistApiError):
        toloka.patch_task("not-a-task-id", overlap=3)


def test_patch_task_overlap_or_min(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=3)
    task = toloka.create_task(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/m.png"}), allow_defaults=True
    )
    lowered = toloka.patch_task_overlap_or_min(task.id, overlap=1)
    assert (lowered.overlap, lowered.remaining_overlap, lowered.infinite_overlap) == (1, 1, False)
    stopped = toloka.patch_task_overlap_or_min(task.id, overlap=0)
    assert (stopped.overlap, stopped.infinite_overlap) == (0, False)
    assert toloka.get_task(task.id) == stopped
    infinite = toloka.patch_task_overlap_or_min(task.id, infinite_overlap=True)
    assert (infinite.overlap, infinite.infinite_overlap) == (None, True)
    assert toloka.get_task(task.id) == infinite
    with pytest.raises(ValidationApiError):
        toloka.patch_task_overlap_or_min(task.id, overlap=-1)


def test_pool_open_close_archive(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    assert toloka.get_pool(pool.id) == pool

    with pytest.raises(IncorrectActionsApiError) as empty:
        toloka.open_pool(pool.id)
    assert empty.value.code == "EMPTY_POOL"
    assert toloka.get_pool(pool.id).status == Pool.Status.CLOSED

    toloka.create_tasks(image_tasks(pool.id, 2), allow_defaults=True)
    opened = toloka.open_pool(pool.id)
    assert opened.status == Pool.Status.OPEN
    assert opened.last_started is not None
    assert toloka.get_pool(pool.id) == opened
    assert toloka.open_pool(pool.id).status == Pool.Status.OPEN, "opening an open pool is a no-op"

    with pytest.raises(IncorrectActionsApiError) as still_open:
        toloka.archive_pool(pool.id)
    assert still_open.value.code == "POOL_INAPPROPRIATE_STATUS"

    more = toloka.create_tasks(image_tasks(pool.id, 2, "open"), allow_defaults=True)
    assert len(more.items) == 2, "an open pool takes new tasks"

    closed = toloka.close_pool(pool.id)
    assert closed.status == Pool.Status.CLOSED
    assert closed.last_close_reason == Pool.CloseReason.MANUAL
    assert toloka.close_pool(pool.id).status == Pool.Status.CLOSED

    archived = toloka.archive_pool(pool.id)
    assert archived.status == Pool.Status.ARCHIVED
    assert toloka.get_pool(pool.id).status == Pool.Status.ARCHIVED
    with pytest.raises(IncorrectActionsApiError) as reopen:
        toloka.open_pool(pool.id)
    assert reopen.value.code == "POOL_INAPPROPRIATE_STATUS"
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(image_tasks(pool.id, 1, "late"), allow_defaults=True)
    assert all_codes(refused.value.payload)["0"]["pool_id"] == "POOL_INAPPROPRIATE_STATUS"
    assert task_count(toloka, pool.id) == 4


def test_pool_operations(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    toloka.create_tasks(image_tasks(pool.id, 1), allow_defaults=True)
    operation = toloka.open_pool_async(pool.id)
    assert operation is not None
    done = toloka.wait_operation(operation)
    assert done.status == Operation.Status.SUCCESS
    assert done.parameters.pool_id == pool.id
    fetched = toloka.get_operation(operation.id)
    assert type(fetched).__name__ == "PoolOpenOperation"
    assert fetched.status == Operation.Status.SUCCESS
    assert toloka.get_operation_log(operation.id) == []
    assert toloka.open_pool_async(pool.id) is None, "an open pool answers 204"
    close = toloka.wait_operation(toloka.close_pool_async(pool.id))
    assert type(close).__name__ == "PoolCloseOperation"
    assert toloka.get_pool(pool.id).status == Pool.Status.CLOSED


def test_find_pools(toloka: TolokaClient, maker: Maker) -> None:
    project = maker.project()
    pools = [maker.pool(project, name=f"pool {number}") for number in range(3)]
    toloka.create_tasks(image_tasks(pools[1].id, 1), allow_defaults=True)
    toloka.open_pool(pools[1].id)
    found = toloka.find_pools(project_id=project.id, sort=["id"], limit=10)
    assert [pool.id for pool in found.items] == [pool.id for pool in pools]
    assert found.has_more is False
    assert [pool.id for pool in toloka.find_pools(project_id=project.id, status="OPEN").items] == [
        pools[1].id
    ]
    first = toloka.find_pools(project_id=project.id, sort=["id"], limit=2)
    assert (len(first.items), first.has_more) == (2, True)


def test_project_update_and_archive(toloka: TolokaClient, maker: Maker) -> None:
    project = maker.project()
    assert toloka.get_project(project.id) == project

    project.public_name = "renamed"
    project.private_comment = "a comment"
    updated = toloka.update_project(project.id, project)
    assert updated.public_name == "renamed"
    assert updated.private_comment == "a comment"
    assert (updated.id, updated.status, updated.created) == (
        project.id,
        Project.ProjectStatus.ACTIVE,
        project.created,
    )
    assert toloka.get_project(project.id) == updated

    pool = maker.pool(project)
    toloka.create_tasks(image_tasks(pool.id, 1), allow_defaults=True, open_pool=True)
    with pytest.raises(IncorrectActionsApiError) as open_pools:
        toloka.archive_project(project.id)
    assert open_pools.value.code == "INAPPROPRIATE_STATUS"
    toloka.close_pool(pool.id)

    archived = toloka.archive_project(project.id)
    assert archived.status == Project.ProjectStatus.ARCHIVED
    assert archived.public_name == "renamed"
    assert toloka.get_project(project.id).status == Project.ProjectStatus.ARCHIVED
    with pytest.raises(ValidationApiError) as refused:
        maker.pool(project)
    assert "project_id" in refused.value.payload


def test_a_new_input_spec_applies_to_new_tasks(toloka: TolokaClient, maker: Maker) -> None:
    project = maker.project()
    pool = maker.pool(project)
    toloka.create_tasks(image_tasks(pool.id, 1), allow_defaults=True)  # the pool's rules are now cached
    project.task_spec.input_spec = {"image": UrlSpec(), "caption": StringSpec()}
    toloka.update_project(project.id, project)
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(image_tasks(pool.id, 1, "second"), allow_defaults=True)
    assert all_codes(refused.value.payload) == {"0": {"input_values.caption": "VALUE_REQUIRED"}}
    created = toloka.create_task(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/c.png", "caption": "a cat"}),
        allow_defaults=True,
    )
    assert expected_task_id(pool.id, created.id)


def test_get_returns_what_create_answered_unknown_fields_included(
    toloka: TolokaClient, maker: Maker, http: httpx.Client
) -> None:
    project_body = {
        "public_name": "extras",
        "public_description": "d",
        "custom_project_field": {"a": [1, 2]},
        "task_spec": {
            "input_spec": {"image": {"type": "url", "required": True}},
            "output_spec": {"label": {"type": "string"}},
        },
    }
    answered = http.post("/projects", json=project_body)
    assert answered.status_code == 201, answered.text
    project = toloka.get_project(answered.json()["id"])
    assert project._unexpected == {"custom_project_field": {"a": [1, 2]}}
    assert http.get(f"/projects/{project.id}").json() == answered.json()

    project.public_name = "extras 2"
    updated = toloka.update_project(project.id, project)
    assert updated._unexpected == {"custom_project_field": {"a": [1, 2]}}, "toloka-kit sends extras back"

    pool = maker.pool(project)
    task_body = [
        {
            "pool_id": pool.id,
            "input_values": {"image": "https://example.com/e.png"},
            "overlap": 1,
            "custom_task_field": "kept",
        }
    ]
    created = http.post("/tasks", json=task_body, params={"async_mode": "false"})
    assert created.status_code == 201, created.text
    item = created.json()["items"]["0"]
    assert http.get(f"/tasks/{item['id']}").json() == item
    task = toloka.get_task(item["id"])
    assert task._unexpected == {"custom_task_field": "kept"}


def test_a_new_pool_default_applies_to_new_tasks(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=3)
    assert toloka.create_tasks(image_tasks(pool.id, 1), allow_defaults=True).items["0"].overlap == 3
    pool.defaults.default_overlap_for_new_tasks = 5
    updated = toloka.update_pool(pool.id, pool)
    assert updated.defaults.default_overlap_for_new_tasks == 5
    assert toloka.get_pool(pool.id) == updated
    for async_mode in (True, False):
        result = toloka.create_tasks(
            image_tasks(pool.id, 1, f"after{async_mode}"), allow_defaults=True, async_mode=async_mode
        )
        assert result.items["0"].overlap == 5


@pytest.mark.parametrize("async_mode", [True, False], ids=["async", "sync"])
def test_task_suites(toloka: TolokaClient, maker: Maker, async_mode: bool) -> None:
    pool = maker.pool(overlap=3, suite_overlap=2)
    suites = [
        TaskSuite(
            pool_id=pool.id,
            tasks=[BaseTask(input_values={"image": f"https://example.com/s/{n}/{k}.png"}) for k in range(3)],
        )
        for n in range(4)
    ]
    suites[2].tasks[1].input_values = {"image": "bad"}
    result = toloka.create_task_suites(
        suites, allow_defaults=True, skip_invalid_items=True, async_mode=async_mode
    )
    assert sorted(result.items) == ["0", "1", "3"]
    assert all_codes(result.validation_errors) == {"2": {"tasks.1.input_values.image": "INVALID_URL_SYNTAX"}}
    for index in ("0", "1", "3"):
        suite = result.items[index]
        assert expected_task_id(pool.id, suite.id)
        assert suite.overlap == 2
        assert [task.input_values for task in suite.tasks] == [
            task.input_values for task in suites[int(index)].tasks
        ]
        assert toloka.get_task_suite(suite.id) == suite
    assert [suite.id for suite in toloka.get_task_suites(pool_id=pool.id)] == [
        result.items[index].id for index in ("0", "1", "3")
    ]
