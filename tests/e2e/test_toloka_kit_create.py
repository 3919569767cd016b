"""Creating tasks with the unmodified toloka-kit 1.2.3: the documented examples and the modes around them."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from toloka.client import Task, TolokaClient
from toloka.client.exceptions import IncorrectActionsApiError, ValidationApiError
from toloka.client.operations import Operation, TasksCreateOperation
from toloka.client.project.field_spec import IntegerSpec, StringSpec

from tests.e2e.conftest import (
    TASK_ID,
    Maker,
    all_codes,
    all_tasks,
    codes,
    expected_task_id,
    image_tasks,
    task_count,
)
from tests.support.server import ServerProcess

MODES = [pytest.param(True, id="async"), pytest.param(False, id="sync")]


def ids_in_order(result: object, count: int) -> list[str]:
    items = result.items  # type: ignore[attr-defined]
    assert sorted(items, key=int) == [str(index) for index in range(count)]
    return [items[str(index)].id for index in range(count)]


# The two examples of `create_tasks` in Toloka's documentation.


def test_docs_example_image_classification(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=3, suite_overlap=1)
    urls = [f"https://example.com/dataset/{number:03}.jpg" for number in range(50)]
    tasks = [Task(input_values={"image": url}, pool_id=pool.id) for url in urls]

    result = toloka.create_tasks(tasks, allow_defaults=True)

    assert len(result.items) == 50
    assert not result.validation_errors
    ids = []
    for index, task in enumerate(tasks):
        created = result.items[str(index)]
        assert created.input_values == task.input_values == {"image": urls[index]}
        assert created.pool_id == pool.id
        assert created.overlap == 3
        assert created.infinite_overlap is False
        assert created.remaining_overlap == 3
        assert created.created is not None
        assert expected_task_id(pool.id, created.id), created.id
        assert toloka.get_task(created.id) == created
        ids.append(created.id)
    assert len(set(ids)) == 50
    assert ids == sorted(ids), "ids must sort in creation order"
    assert task_count(toloka, pool.id) == 50


def test_docs_example_golden_tasks(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=3)
    labels = ["cat", "dog"] * 5
    tasks = [
        Task(
            input_values={"image": f"https://example.com/golden/{number}.png"},
            known_solutions=[Task.KnownSolution(output_values={"label": label})],
            overlap=2,
            pool_id=pool.id,
        )
        for number, label in enumerate(labels)
    ]
    tasks[3].known_solutions[0].correctness_weight = 0.5

    result = toloka.create_tasks(tasks, allow_defaults=False)

    assert len(result.items) == len(tasks)
    for index, label in enumerate(labels):
        created = result.items[str(index)]
        assert created.input_values == tasks[index].input_values
        assert [solution.output_values for solution in created.known_solutions] == [{"label": label}]
        assert created.overlap == 2, "the explicit overlap wins over the pool default"
        assert created.infinite_overlap is False
        assert TASK_ID.match(created.id)
        assert toloka.get_task(created.id) == created
    assert result.items["3"].known_solutions[0].correctness_weight == 0.5
    assert result.items["4"].known_solutions[0].correctness_weight is None
    assert task_count(toloka, pool.id) == len(tasks)


@pytest.mark.parametrize("async_mode", MODES)
def test_one_call_fills_several_pools_of_two_projects(
    toloka: TolokaClient, maker: Maker, async_mode: bool
) -> None:
    images = maker.project()
    texts = maker.project(
        input_spec={"text": StringSpec(max_length=50), "n": IntegerSpec(min_value=0)}, name="texts"
    )
    pools = [maker.pool(images, overlap=1), maker.pool(images, overlap=2), maker.pool(texts, overlap=3)]
    tasks = []
    for number in range(30):
        pool = pools[number % 3]
        values = (
            {"text": f"text {number}", "n": number}
            if pool.project_id == texts.id
            else {"image": f"https://example.com/multi/{number}.png"}
        )
        tasks.append(Task(pool_id=pool.id, input_values=values))

    result = toloka.create_tasks(tasks, allow_defaults=True, async_mode=async_mode)

    assert len(result.items) == 30
    for number, task in enumerate(tasks):
        created = result.items[str(number)]
        pool = pools[number % 3]
        assert created.pool_id == pool.id
        assert expected_task_id(pool.id, created.id)
        assert created.input_values == task.input_values
        assert created.overlap == number % 3 + 1, "each pool's own default overlap"
    for position, pool in enumerate(pools):
        stored = all_tasks(toloka, pool.id)
        assert [task.id for task in stored] == [
            result.items[str(number)].id for number in range(position, 30, 3)
        ]
        assert [task.input_values for task in stored] == [
            tasks[number].input_values for number in range(position, 30, 3)
        ]


@pytest.mark.parametrize("async_mode", MODES)
def test_sync_and_async_answer_the_same_tasks(toloka: TolokaClient, maker: Maker, async_mode: bool) -> None:
    pool = maker.pool(overlap=2)
    tasks = image_tasks(pool.id, 20)
    result = toloka.create_tasks(tasks, allow_defaults=True, async_mode=async_mode)
    ids = ids_in_order(result, 20)
    assert not result.validation_errors
    assert [task.id for task in all_tasks(toloka, pool.id)] == ids
    for index, created_id in enumerate(ids):
        got = toloka.get_task(created_id)
        assert got == result.items[str(index)]
        assert got.input_values == tasks[index].input_values
        assert got.overlap == 2


def test_sync_limit_is_5000_tasks(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=1)
    result = toloka.create_tasks(
        image_tasks(pool.id, 5_000, "sync5000"), allow_defaults=True, async_mode=False
    )
    assert len(result.items) == 5_000
    assert result.items["4999"].input_values == {"image": "https://example.com/sync5000/4999.png"}
    assert task_count(toloka, pool.id) == 5_000

    other_pool = maker.pool(overlap=1)
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(
            image_tasks(other_pool.id, 5_001, "sync5001"), allow_defaults=True, async_mode=False
        )
    assert refused.value.status_code == 400
    assert task_count(toloka, other_pool.id) == 0
    assert task_count(toloka, pool.id) == 5_000


@pytest.mark.parametrize("async_mode", MODES)
def test_open_pool_opens_a_closed_pool_after_the_upload(
    toloka: TolokaClient, maker: Maker, async_mode: bool
) -> None:
    pool = maker.pool()
    untouched = maker.pool()
    toloka.create_tasks(image_tasks(untouched.id, 2), allow_defaults=True)
    result = toloka.create_tasks(
        image_tasks(pool.id, 5), allow_defaults=True, open_pool=True, async_mode=async_mode
    )
    assert len(result.items) == 5
    opened = toloka.get_pool(pool.id)
    assert opened.status.value == "OPEN"
    assert opened.last_started is not None
    assert toloka.get_pool(untouched.id).status.value == "CLOSED", "only the pools of the request open"


def test_without_open_pool_the_pool_stays_closed(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    toloka.create_tasks(image_tasks(pool.id, 3), allow_defaults=True)
    assert toloka.get_pool(pool.id).status.value == "CLOSED"


@pytest.mark.parametrize("async_mode", MODES)
def test_explicit_overlap_in_a_pool_without_defaults(
    toloka: TolokaClient, maker: Maker, async_mode: bool
) -> None:
    pool = maker.pool(overlap=None, suite_overlap=None)
    tasks = [
        Task(
            pool_id=pool.id, input_values={"image": f"https://example.com/o/{number}.png"}, overlap=number + 1
        )
        for number in range(5)
    ]
    result = toloka.create_tasks(tasks, allow_defaults=False, async_mode=async_mode)
    assert [result.items[str(number)].overlap for number in range(5)] == [1, 2, 3, 4, 5]
    assert [result.items[str(number)].remaining_overlap for number in range(5)] == [1, 2, 3, 4, 5]

    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(image_tasks(pool.id, 2, "nodefault"), allow_defaults=True, async_mode=async_mode)
    assert all_codes(refused.value.payload) == {
        "0": {"overlap": "VALUE_REQUIRED"},
        "1": {"overlap": "VALUE_REQUIRED"},
    }
    assert task_count(toloka, pool.id) == 5


def test_allow_defaults_falls_back_to_the_task_suite_default(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=None, suite_overlap=4)
    result = toloka.create_tasks(image_tasks(pool.id, 3), allow_defaults=True)
    assert [result.items[str(number)].overlap for number in range(3)] == [4, 4, 4]


def test_explicit_overlap_wins_over_the_default(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=3)
    tasks = image_tasks(pool.id, 2)
    tasks[1].overlap = 7
    result = toloka.create_tasks(tasks, allow_defaults=True)
    assert (result.items["0"].overlap, result.items["1"].overlap) == (3, 7)


@pytest.mark.parametrize("async_mode", MODES)
def test_infinite_overlap_tasks(toloka: TolokaClient, maker: Maker, async_mode: bool) -> None:
    pool = maker.pool(overlap=3)
    tasks = [
        Task(
            pool_id=pool.id,
            input_values={"image": f"https://example.com/inf/{number}.png"},
            known_solutions=[Task.KnownSolution(output_values={"label": "cat"})],
            infinite_overlap=True,
        )
        for number in range(4)
    ]
    tasks.append(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/inf/finite.png"}, overlap=1)
    )
    result = toloka.create_tasks(tasks, allow_defaults=False, async_mode=async_mode)
    for number in range(4):
        created = result.items[str(number)]
        assert created.infinite_overlap is True
        assert created.overlap is None
        assert toloka.get_task(created.id) == created
    assert result.items["4"].infinite_overlap is False
    assert result.items["4"].overlap == 1


@pytest.mark.parametrize("async_mode", MODES)
def test_create_task(toloka: TolokaClient, maker: Maker, async_mode: bool) -> None:
    pool = maker.pool(overlap=3)
    task = Task(pool_id=pool.id, input_values={"image": "https://example.com/single.png"})
    created = toloka.create_task(task, allow_defaults=True, async_mode=async_mode)
    assert isinstance(created, Task)
    assert expected_task_id(pool.id, created.id)
    assert created.input_values == {"image": "https://example.com/single.png"}
    assert created.overlap == 3
    assert created.remaining_overlap == 3
    assert toloka.get_task(created.id) == created
    assert [found.id for found in all_tasks(toloka, pool.id)] == [created.id]

    explicit = toloka.create_task(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/2.png"}, overlap=5),
        async_mode=async_mode,
    )
    assert explicit.overlap == 5


def test_create_task_invalid_async(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_task(Task(pool_id=pool.id, input_values={"image": "not a url"}), allow_defaults=True)
    assert all_codes(refused.value.payload) == {"0": {"input_values.image": "INVALID_URL_SYNTAX"}}
    assert task_count(toloka, pool.id) == 0


def test_create_task_invalid_sync(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_task(
            Task(pool_id=pool.id, input_values={"image": "not a url"}), allow_defaults=True, async_mode=False
        )
    assert refused.value.status_code == 400
    assert codes(refused.value.payload) == {"input_values.image": "INVALID_URL_SYNTAX"}
    assert task_count(toloka, pool.id) == 0


def test_create_tasks_async_wait_and_log(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool(overlap=2)
    tasks = image_tasks(pool.id, 12, "oplog")
    tasks.insert(5, Task(pool_id=pool.id, input_values={"image": "https://example.com/x.png", "extra": 1}))

    operation = toloka.create_tasks_async(tasks, allow_defaults=True, skip_invalid_items=True)
    assert isinstance(operation, TasksCreateOperation)
    assert str(uuid.UUID(operation.id)) == operation.id
    done = toloka.wait_operation(operation)
    assert done.id == operation.id
    assert done.status == Operation.Status.SUCCESS
    assert done.parameters.allow_defaults is True
    assert done.parameters.skip_invalid_items is True
    assert done.parameters.open_pool is False
    assert done.progress == 100
    assert done.submitted <= done.started <= done.finished
    fetched = toloka.get_operation(operation.id)
    assert (fetched.id, fetched.status, fetched.parameters, fetched.submitted, fetched.finished) == (
        done.id,
        done.status,
        done.parameters,
        done.submitted,
        done.finished,
    )
    assert isinstance(fetched, TasksCreateOperation)

    log = toloka.get_operation_log(operation.id)
    assert sorted(int(item.input["__item_idx"]) for item in log) == list(range(13))
    stored = {task.id: task for task in all_tasks(toloka, pool.id)}
    assert len(stored) == 12
    for item in log:
        index = int(item.input["__item_idx"])
        assert item.input["__item_idx"] == str(index)
        if index == 5:
            assert item.type == "TASK_VALIDATE"
            assert item.success is False
            assert codes(item.output) == {"input_values.extra": "VALUE_NOT_ALLOWED"}
            continue
        assert item.type == "TASK_CREATE"
        assert item.success is True
        assert item.input["pool_id"] == pool.id
        task_id = item.output["task_id"]
        assert expected_task_id(pool.id, task_id)
        assert stored[task_id].input_values == tasks[index].input_values == item.input["input_values"]
    assert {item.output["task_id"] for item in log if item.success} == set(stored)


def test_failed_async_operation_logs_only_validation_items(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    tasks = image_tasks(pool.id, 3)
    tasks[1].input_values = {"image": 5}
    operation = toloka.wait_operation(toloka.create_tasks_async(tasks, allow_defaults=True))
    assert operation.status == Operation.Status.FAIL
    log = toloka.get_operation_log(operation.id)
    assert [(item.type, item.success, item.input["__item_idx"]) for item in log] == [
        ("TASK_VALIDATE", False, "1")
    ]
    assert codes(log[0].output) == {"input_values.image": "STRING_EXPECTED"}
    assert task_count(toloka, pool.id) == 0


# A repeated operation_id never creates anything twice (spec decision 7).


def test_repeated_operation_id_async(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    operation_id = uuid.uuid4()
    first = toloka.create_tasks(image_tasks(pool.id, 10), allow_defaults=True, operation_id=operation_id)
    again = toloka.create_tasks(image_tasks(pool.id, 10), allow_defaults=True, operation_id=operation_id)
    assert ids_in_order(again, 10) == ids_in_order(first, 10)
    assert task_count(toloka, pool.id) == 10

    repeated = toloka.create_tasks_async(
        image_tasks(pool.id, 10), allow_defaults=True, operation_id=operation_id
    )
    assert repeated.id == str(operation_id)
    assert repeated.status == Operation.Status.SUCCESS
    assert task_count(toloka, pool.id) == 10


def test_repeated_operation_id_async_with_other_tasks(toloka: TolokaClient, maker: Maker) -> None:
    """toloka-kit treats the 409 as "already submitted" and reads back the first operation."""
    pool = maker.pool()
    operation_id = uuid.uuid4()
    first = toloka.create_tasks(
        image_tasks(pool.id, 4, "first"), allow_defaults=True, operation_id=operation_id
    )
    second = toloka.create_tasks(
        image_tasks(pool.id, 6, "second"), allow_defaults=True, operation_id=operation_id
    )
    assert ids_in_order(second, 4) == ids_in_order(first, 4)
    assert task_count(toloka, pool.id) == 4


def test_repeated_operation_id_sync(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    operation_id = uuid.uuid4()
    first = toloka.create_tasks(
        image_tasks(pool.id, 10), allow_defaults=True, async_mode=False, operation_id=operation_id
    )
    again = toloka.create_tasks(
        image_tasks(pool.id, 10), allow_defaults=True, async_mode=False, operation_id=operation_id
    )
    assert ids_in_order(again, 10) == ids_in_order(first, 10)
    assert again == first
    assert task_count(toloka, pool.id) == 10

    with pytest.raises(IncorrectActionsApiError) as conflict:
        toloka.create_tasks(
            image_tasks(pool.id, 3, "different"),
            allow_defaults=True,
            async_mode=False,
            operation_id=operation_id,
        )
    assert conflict.value.code == "OPERATION_ALREADY_EXISTS"
    assert task_count(toloka, pool.id) == 10


def test_repeated_sync_operation_id_with_skipped_items(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    operation_id = uuid.uuid4()

    def send() -> object:
        tasks = image_tasks(pool.id, 4)
        tasks[2].input_values = {"image": "nope"}
        return toloka.create_tasks(
            tasks, allow_defaults=True, async_mode=False, skip_invalid_items=True, operation_id=operation_id
        )

    first, again = send(), send()
    assert again == first
    assert sorted(first.items) == ["0", "1", "3"]  # type: ignore[attr-defined]
    errors = again.validation_errors  # type: ignore[attr-defined]
    assert all_codes(errors) == {"2": {"input_values.image": "INVALID_URL_SYNTAX"}}
    assert task_count(toloka, pool.id) == 3


def test_repeated_sync_operation_id_that_failed(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    operation_id = uuid.uuid4()
    for _ in range(2):
        tasks = image_tasks(pool.id, 2)
        tasks[0].input_values = {}
        with pytest.raises(ValidationApiError) as refused:
            toloka.create_tasks(tasks, allow_defaults=True, async_mode=False, operation_id=operation_id)
        assert all_codes(refused.value.payload) == {"0": {"input_values.image": "VALUE_REQUIRED"}}
    assert task_count(toloka, pool.id) == 0


def test_repeated_operation_id_survives_a_restart(own_server: ServerProcess) -> None:
    own_server.start()
    client = TolokaClient(own_server.token, url=own_server.url)
    pool = Maker(client).pool()
    sync_id, async_id = uuid.uuid4(), uuid.uuid4()
    first_sync = client.create_tasks(
        image_tasks(pool.id, 3, "s"), allow_defaults=True, async_mode=False, operation_id=sync_id
    )
    first_async = client.create_tasks(
        image_tasks(pool.id, 3, "a"), allow_defaults=True, operation_id=async_id
    )
    own_server.restart()
    client = TolokaClient(own_server.token, url=own_server.url)
    assert (
        client.create_tasks(
            image_tasks(pool.id, 3, "s"), allow_defaults=True, async_mode=False, operation_id=sync_id
        )
        == first_sync
    )
    again = client.create_tasks(image_tasks(pool.id, 3, "a"), allow_defaults=True, operation_id=async_id)
    assert ids_in_order(again, 3) == ids_in_order(first_async, 3)
    assert task_count(client, pool.id) == 6


def test_empty_task_list_is_refused(toloka: TolokaClient, maker: Maker) -> None:
    maker.pool()
    for async_mode in (True, False):
        with pytest.raises(ValidationApiError) as refused:
            toloka.create_tasks([], allow_defaults=True, async_mode=async_mode)
        assert refused.value.status_code == 400


def test_task_ids_grow_across_requests(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()
    first = toloka.create_task(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/a.png"}), allow_defaults=True
    )
    time.sleep(0.002)
    second = toloka.create_task(
        Task(pool_id=pool.id, input_values={"image": "https://example.com/b.png"}),
        allow_defaults=True,
        async_mode=False,
    )
    assert first.id < second.id
    assert first.created < second.created


@pytest.mark.parametrize("async_mode", MODES)
def test_concurrent_repeats_of_one_request_create_once(
    toloka: TolokaClient, maker: Maker, async_mode: bool
) -> None:
    pool = maker.pool()
    operation_id = uuid.uuid4()

    def send(_: int) -> list[str]:
        result = toloka.create_tasks(
            image_tasks(pool.id, 200, "same"),
            allow_defaults=True,
            async_mode=async_mode,
            operation_id=operation_id,
        )
        return ids_in_order(result, 200)

    with ThreadPoolExecutor(6) as pool_of_threads:
        answers = list(pool_of_threads.map(send, range(6)))
    assert all(answer == answers[0] for answer in answers)
    assert task_count(toloka, pool.id) == 200


def test_concurrent_uploads_into_one_pool(toloka: TolokaClient, maker: Maker) -> None:
    pool = maker.pool()

    def send(number: int) -> list[str]:
        result = toloka.create_tasks(
            image_tasks(pool.id, 300, f"thread{number}"), allow_defaults=True, async_mode=number % 2 == 0
        )
        return ids_in_order(result, 300)

    with ThreadPoolExecutor(6) as pool_of_threads:
        answers = list(pool_of_threads.map(send, range(6)))
    every_id = [task_id for answer in answers for task_id in answer]
    assert len(set(every_id)) == 1_800
    assert all(answer == sorted(answer) for answer in answers)
    stored = all_tasks(toloka, pool.id)
    assert sorted(task.id for task in stored) == sorted(every_id)
    by_id = {task.id: task for task in stored}
    for number, answer in enumerate(answers):
        assert [by_id[task_id].input_values["image"] for task_id in answer] == [
            f"https://example.com/thread{number}/{index}.png" for index in range(300)
        ]


@pytest.mark.parametrize("async_mode", MODES)
def test_pool_id_with_a_leading_zero(toloka: TolokaClient, maker: Maker, async_mode: bool) -> None:
    """`"01"` names pool 1 (or is refused); a created task then says it is in pool `"1"`, on either road."""
    pool = maker.pool()
    image = {"image": "https://example.com/zero.png"}
    tasks = [
        Task(pool_id="0" + pool.id, input_values=image, overlap=1),  # the fast road
        Task(pool_id="0" + pool.id, input_values=image, overlap=1, unavailable_for=["someone"]),
    ]
    tasks[1]._unexpected["custom_field"] = "takes the slow road"
    try:
        result = toloka.create_tasks(tasks, async_mode=async_mode)
    except ValidationApiError as refused:
        assert {errors["pool_id"] for errors in all_codes(refused.value.payload).values()} == {
            "ENTITY_DOES_NOT_EXIST"
        }
        return
    for created in result.items.values():
        assert created.pool_id == pool.id
        assert toloka.get_task(created.id).pool_id == pool.id
    assert result.items["1"]._unexpected == {"custom_field": "takes the slow road"}


@pytest.mark.parametrize("async_mode", MODES)
def test_optional_task_fields_round_trip(toloka: TolokaClient, maker: Maker, async_mode: bool) -> None:
    pool = maker.pool(overlap=1)
    task = Task(
        pool_id=pool.id,
        input_values={"image": "https://example.com/full.png"},
        known_solutions=[Task.KnownSolution(output_values={"label": "cat"}, correctness_weight=1)],
        message_on_unknown_solution="look at the ears",
        baseline_solutions=[Task.BaselineSolution(output_values={"label": "dog"}, confidence_weight=0.5)],
        reserved_for=["worker-a"],
        unavailable_for=["worker-b", "worker-c"],
        traits_all_of=["t1"],
        traits_any_of=["t2", "t3"],
        traits_none_of_any=["t4"],
        overlap=4,
    )
    created = toloka.create_tasks([task], async_mode=async_mode).items["0"]
    for name in (
        "message_on_unknown_solution",
        "reserved_for",
        "unavailable_for",
        "traits_all_of",
        "traits_any_of",
        "traits_none_of_any",
        "known_solutions",
        "baseline_solutions",
        "overlap",
    ):
        assert getattr(created, name) == getattr(task, name), name
    assert toloka.get_task(created.id) == created
