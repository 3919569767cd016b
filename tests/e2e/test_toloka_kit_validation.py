"""Invalid tasks mixed with valid ones, through toloka-kit, with and without `skip_invalid_items`.

Every invalid task is reported under its index with every broken field and a stable code
(spec decisions 2-5); valid tasks are created only when invalid ones may be skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from toloka.client import Pool, Task, TolokaClient
from toloka.client.exceptions import ValidationApiError
from toloka.client.operations import Operation

from tests.e2e.conftest import Maker, Other, all_codes, codes, expected_task_id, rich_input, task_count

MODES = [pytest.param(True, id="async"), pytest.param(False, id="sync")]
IMAGE = "https://example.com/valid.png"
MISSING_POOL = "987654321"


@dataclass
class Pools:
    rich: Pool
    plain: Pool
    archived: Pool
    foreign: Pool


@pytest.fixture
def pools(toloka: TolokaClient, maker: Maker, other: Other) -> Pools:
    rich = maker.pool(maker.project(input_spec=rich_input(), name="rich"), overlap=None)
    plain = maker.pool(overlap=None)
    archived = maker.pool(overlap=None)
    assert toloka.archive_pool(archived.id).status.value == "ARCHIVED"
    return Pools(rich, plain, archived, other.pool)


def valid(pool: Pool, number: int, **values: Any) -> Task:
    return Task(
        pool_id=pool.id, input_values={"image": f"https://example.com/v/{number}.png", **values}, overlap=2
    )


def rich(pools: Pools, **values: Any) -> Task:
    return Task(pool_id=pools.rich.id, input_values={"image": IMAGE, **values}, overlap=2)


def mixed_batch(pools: Pools) -> tuple[list[Task], dict[str, dict[str, str]]]:
    """Valid and invalid tasks interleaved, and `{index: {path: code}}` for the invalid ones."""
    cases: list[tuple[Task, dict[str, str]]] = [
        (
            valid(
                pools.rich,
                0,
                title="ten chars!",
                count=10,
                score=0.0,
                flag=False,
                color="red",
                place="55.75,37.62",
                tags=["a", "b"],
            ),
            {},
        ),
        (rich(pools, bogus=1), {"input_values.bogus": "VALUE_NOT_ALLOWED"}),
        (
            Task(pool_id=pools.rich.id, input_values={"title": "no image"}, overlap=1),
            {"input_values.image": "VALUE_REQUIRED"},
        ),
        (rich(pools, title=12345), {"input_values.title": "STRING_EXPECTED"}),
        (valid(pools.plain, 1), {}),
        (rich(pools, count="3"), {"input_values.count": "INTEGER_EXPECTED"}),
        (rich(pools, count=2.5), {"input_values.count": "INTEGER_EXPECTED"}),
        (rich(pools, score="0.5"), {"input_values.score": "FLOAT_EXPECTED"}),
        (rich(pools, flag="yes"), {"input_values.flag": "BOOLEAN_EXPECTED"}),
        (rich(pools, title="eleven char"), {"input_values.title": "STRING_LENGTH_GREATER_THAN_MAX"}),
        (valid(pools.rich, 2, count=1, score=1), {}),
        (rich(pools, count=0), {"input_values.count": "VALUE_LESS_THAN_MIN"}),
        (rich(pools, count=11), {"input_values.count": "VALUE_GREATER_THAN_MAX"}),
        (rich(pools, score=1.5), {"input_values.score": "VALUE_GREATER_THAN_MAX"}),
        (rich(pools, color="blue"), {"input_values.color": "VALUE_NOT_ALLOWED"}),
        (
            Task(pool_id=pools.rich.id, input_values={"image": "example.com/no-scheme.png"}, overlap=1),
            {"input_values.image": "INVALID_URL_SYNTAX"},
        ),
        (rich(pools, place="91.0,10.0"), {"input_values.place": "INVALID_COORDINATES_SYNTAX"}),
        (rich(pools, place="near the river"), {"input_values.place": "INVALID_COORDINATES_SYNTAX"}),
        (rich(pools, tags=["only one"]), {"input_values.tags": "ARRAY_SIZE_LESS_THAN_MIN"}),
        (rich(pools, tags=["a", 2]), {"input_values.tags.1": "STRING_EXPECTED"}),
        (valid(pools.plain, 3), {}),
        (
            Task(pool_id=MISSING_POOL, input_values={"image": IMAGE}, overlap=1),
            {"pool_id": "ENTITY_DOES_NOT_EXIST"},
        ),
        (
            Task(pool_id=pools.foreign.id, input_values={"image": IMAGE}, overlap=1),
            {"pool_id": "ENTITY_DOES_NOT_EXIST"},
        ),
        (
            Task(pool_id=pools.archived.id, input_values={"image": IMAGE}, overlap=1),
            {"pool_id": "POOL_INAPPROPRIATE_STATUS"},
        ),
        (Task(pool_id=pools.plain.id, input_values={"image": IMAGE}), {"overlap": "VALUE_REQUIRED"}),
        (
            Task(pool_id=pools.plain.id, input_values={"image": IMAGE}, overlap=0),
            {"overlap": "VALUE_LESS_THAN_MIN"},
        ),
        (
            Task(
                pool_id=pools.plain.id,
                input_values={"image": IMAGE},
                overlap=1,
                known_solutions=[Task.KnownSolution(output_values={"label": "cat", "mood": "happy"})],
            ),
            {"known_solutions.0.output_values.mood": "VALUE_NOT_ALLOWED"},
        ),
        (
            Task(
                pool_id=pools.plain.id,
                input_values={"image": IMAGE},
                overlap=1,
                known_solutions=[Task.KnownSolution(output_values={"label": "cow"})],
            ),
            {"known_solutions.0.output_values.label": "VALUE_NOT_ALLOWED"},
        ),
        # Every broken field of one task is reported, not only the first.
        (
            Task(pool_id=pools.rich.id, input_values={"image": "ftp://x", "count": 99, "title": 1, "zzz": 0}),
            {
                "input_values.image": "INVALID_URL_SYNTAX",
                "input_values.count": "VALUE_GREATER_THAN_MAX",
                "input_values.title": "STRING_EXPECTED",
                "input_values.zzz": "VALUE_NOT_ALLOWED",
                "overlap": "VALUE_REQUIRED",
            },
        ),
        (valid(pools.rich, 4, place="-90,180", tags=["x", "y", "z"], color="green", flag=True), {}),
    ]
    tasks = [task for task, _ in cases]
    expected = {str(index): errors for index, (_, errors) in enumerate(cases) if errors}
    return tasks, expected


def counts(client: TolokaClient, pools: Pools) -> tuple[int, int, int]:
    return (
        task_count(client, pools.rich.id),
        task_count(client, pools.plain.id),
        task_count(client, pools.archived.id),
    )


def test_the_batch_has_both_kinds(pools: Pools) -> None:
    tasks, expected = mixed_batch(pools)
    assert len(tasks) == 30
    assert sorted(set(map(str, range(30))) - set(expected), key=int) == ["0", "4", "10", "20", "29"]


@pytest.mark.parametrize("async_mode", MODES)
def test_skip_invalid_items_creates_the_valid_ones(
    toloka: TolokaClient, pools: Pools, other: Other, async_mode: bool
) -> None:
    tasks, expected = mixed_batch(pools)
    valid_indexes = [str(index) for index in range(len(tasks)) if str(index) not in expected]
    foreign_before = task_count(other.client, pools.foreign.id)

    result = toloka.create_tasks(tasks, allow_defaults=False, skip_invalid_items=True, async_mode=async_mode)

    assert sorted(result.items, key=int) == valid_indexes
    for index in valid_indexes:
        created = result.items[index]
        assert created.input_values == tasks[int(index)].input_values
        assert created.pool_id == tasks[int(index)].pool_id
        assert expected_task_id(created.pool_id, created.id)
        assert created.overlap == 2
    assert all_codes(result.validation_errors) == expected
    for index, errors in result.validation_errors.items():
        for error in errors.values():
            assert error.message, f"item {index} has an error without a message"
    assert result.validation_errors["12"]["input_values.count"].params == [10]
    assert counts(toloka, pools) == (3, 2, 0)
    assert task_count(other.client, pools.foreign.id) == foreign_before


@pytest.mark.parametrize("async_mode", MODES)
def test_without_skip_nothing_is_created(
    toloka: TolokaClient, pools: Pools, other: Other, async_mode: bool
) -> None:
    tasks, expected = mixed_batch(pools)
    foreign_before = task_count(other.client, pools.foreign.id)
    operation_id = uuid.uuid4()

    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(
            tasks,
            allow_defaults=False,
            skip_invalid_items=False,
            async_mode=async_mode,
            operation_id=operation_id,
        )

    assert all_codes(refused.value.payload) == expected
    assert refused.value.code == "VALIDATION_ERROR"
    if not async_mode:
        assert refused.value.status_code == 400
    assert counts(toloka, pools) == (0, 0, 0)
    assert task_count(other.client, pools.foreign.id) == foreign_before
    if async_mode:
        operation = toloka.get_operation(str(operation_id))
        assert operation.status == Operation.Status.FAIL
        log = toloka.get_operation_log(str(operation_id))
        assert {item.type for item in log} == {"TASK_VALIDATE"}
        assert sorted((item.input["__item_idx"] for item in log), key=int) == sorted(expected, key=int)
        assert {item.input["__item_idx"]: codes(item.output) for item in log} == expected


@pytest.mark.parametrize("async_mode", MODES)
def test_skip_false_is_the_default(toloka: TolokaClient, pools: Pools, async_mode: bool) -> None:
    tasks = [valid(pools.plain, 0), Task(pool_id=pools.plain.id, input_values={"image": 1}, overlap=1)]
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(tasks, async_mode=async_mode)
    assert all_codes(refused.value.payload) == {"1": {"input_values.image": "STRING_EXPECTED"}}
    assert task_count(toloka, pools.plain.id) == 0


@pytest.mark.parametrize("async_mode", MODES)
def test_nothing_valid_with_skip_is_still_an_error(
    toloka: TolokaClient, pools: Pools, async_mode: bool
) -> None:
    tasks = [
        Task(pool_id=pools.plain.id, input_values={"image": "bad"}, overlap=1),
        Task(pool_id=MISSING_POOL, input_values={"image": IMAGE}, overlap=1),
    ]
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks(tasks, skip_invalid_items=True, async_mode=async_mode)
    assert all_codes(refused.value.payload) == {
        "0": {"input_values.image": "INVALID_URL_SYNTAX"},
        "1": {"pool_id": "ENTITY_DOES_NOT_EXIST"},
    }
    assert task_count(toloka, pools.plain.id) == 0


@pytest.mark.parametrize("async_mode", MODES)
def test_item_idx_left_on_reused_tasks_is_accepted(
    toloka: TolokaClient, pools: Pools, async_mode: bool
) -> None:
    """toloka-kit leaves `__item_idx` on the caller's Task objects; reusing them must still work."""
    tasks = [valid(pools.plain, number) for number in range(3)]
    tasks[1].input_values = {"image": "bad"}
    with pytest.raises(ValidationApiError):
        toloka.create_tasks(tasks)
    assert all("__item_idx" in task._unexpected for task in tasks)
    tasks[1].input_values = {"image": IMAGE}
    result = toloka.create_tasks(tasks, async_mode=async_mode)
    assert sorted(result.items) == ["0", "1", "2"]
    for created in result.items.values():
        assert "__item_idx" not in created._unexpected
        assert "__item_idx" not in toloka.get_task(created.id)._unexpected


@pytest.mark.parametrize("async_mode", MODES)
def test_archived_pool_is_the_only_error(toloka: TolokaClient, pools: Pools, async_mode: bool) -> None:
    task = Task(pool_id=pools.archived.id, input_values={"image": IMAGE})
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_tasks([task], allow_defaults=True, async_mode=async_mode)
    assert all_codes(refused.value.payload) == {"0": {"pool_id": "POOL_INAPPROPRIATE_STATUS"}}


@pytest.mark.parametrize("async_mode", MODES)
def test_lengths_count_characters_not_bytes(toloka: TolokaClient, pools: Pools, async_mode: bool) -> None:
    """toloka-kit escapes non-ASCII (an emoji becomes a surrogate pair); max_length counts code points."""
    tasks = [
        rich(pools, title="\U0001f44d" * 10),
        rich(pools, title="Grüße, ünï"),
        rich(pools, title="\U0001f44d" * 11),
        rich(pools, title="ü" * 11, color="grün"),
    ]
    result = toloka.create_tasks(tasks, skip_invalid_items=True, async_mode=async_mode)
    assert sorted(result.items) == ["0", "1"]
    assert result.items["0"].input_values["title"] == "\U0001f44d" * 10
    assert result.items["1"].input_values["title"] == "Grüße, ünï"
    assert toloka.get_task(result.items["1"].id).input_values == tasks[1].input_values
    assert all_codes(result.validation_errors) == {
        "2": {"input_values.title": "STRING_LENGTH_GREATER_THAN_MAX"},
        "3": {
            "input_values.title": "STRING_LENGTH_GREATER_THAN_MAX",
            "input_values.color": "VALUE_NOT_ALLOWED",
        },
    }


@pytest.mark.parametrize("async_mode", MODES)
def test_a_refused_request_does_not_open_the_pool(
    toloka: TolokaClient, pools: Pools, async_mode: bool
) -> None:
    toloka.create_tasks([valid(pools.plain, 0)])
    assert toloka.get_pool(pools.plain.id).status == Pool.Status.CLOSED
    with pytest.raises(ValidationApiError):
        toloka.create_tasks(
            [Task(pool_id=pools.plain.id, input_values={"image": "bad"}, overlap=1)],
            open_pool=True,
            async_mode=async_mode,
        )
    assert task_count(toloka, pools.plain.id) == 1
    assert toloka.get_pool(pools.plain.id).status == Pool.Status.CLOSED
