"""The SDK's aggregation methods, sync and async, on a pool three performers answered (on each backend).

The answers are those of `tests/api/test_aggregation_api.py`: six tasks at overlap 3 whose majority
labels and vote shares are known, so every method's result is checked against fixed values.
"""

from __future__ import annotations

import asyncio

import pytest

import talaka
from tests.api.test_aggregation_api import worked_pool
from tests.support.server import ServerProcess

MAJORITY = ["cat", "cat", "dog", "dog", "cat", "dog"]
SHARES = [2 / 3, 2 / 3, 1.0, 2 / 3, 1.0, 2 / 3]


def test_aggregate_page_and_frame_with_the_client(client: talaka.Client, server: ServerProcess) -> None:
    pool_id, task_ids = worked_pool(server, server.token)
    operation = client.aggregate_solutions_by_pool(type="MAJORITY_VOTE", pool_id=pool_id, fields=["label"])
    assert operation.type == "SOLUTION.AGGREGATE"
    done = client.wait_operation(operation)
    assert done.status == "SUCCESS" and done.details["tasks_count"] == len(task_ids)
    solutions = list(client.get_aggregated_solutions(done.id, batch_size=4))
    assert [solution.task_id for solution in solutions] == task_ids
    assert [solution.output_values for solution in solutions] == [{"label": label} for label in MAJORITY]
    assert [solution.confidence for solution in solutions] == SHARES
    assert all(solution.pool_id == pool_id for solution in solutions)

    newest = client.find_aggregated_solutions(done.id, sort="-task_id", limit=2, task_id_lt=task_ids[-1])
    assert [item.task_id for item in newest.items] == [task_ids[-2], task_ids[-3]] and newest.has_more

    frame = client.get_aggregated_solutions_df(done.id)
    assert list(frame.columns) == ["task_id", "OUTPUT:label", "CONFIDENCE:label"]
    assert frame["task_id"].tolist() == task_ids and frame["OUTPUT:label"].tolist() == MAJORITY
    assert frame["CONFIDENCE:label"].tolist() == SHARES

    one = client.aggregate_solutions_by_task(type="MAJORITY_VOTE", pool_id=pool_id, task_id=task_ids[3],
                                             fields=[{"name": "label"}])
    assert (one.task_id, one.output_values, one.confidence) == (task_ids[3], {"label": "dog"}, 2 / 3)
    with pytest.raises(talaka.ConflictStateApiError):
        client.aggregate_solutions_by_task(type="MAJORITY_VOTE", pool_id=pool_id, task_id=task_ids[3],
                                           fields=["note"])
    with pytest.raises(talaka.ValidationApiError):
        client.aggregate_solutions_by_pool(type="DAWID_SKENE", pool_id=pool_id, fields=["label", "note"])


def test_the_async_client_aggregates_alike(server: ServerProcess) -> None:
    pool_id, task_ids = worked_pool(server, server.token)

    async def run() -> tuple[list[talaka.AggregatedSolution], list[str]]:
        async with talaka.AsyncClient(server.url, server.token) as client:
            done = await client.wait_operation(await client.aggregate_solutions_by_pool(
                type="DAWID_SKENE", pool_id=pool_id, fields=["label"]))
            solutions = [solution async for solution in client.get_aggregated_solutions(done.id, batch_size=5)]
            frame = await client.get_aggregated_solutions_df(done.id)
            return solutions, frame["OUTPUT:label"].tolist()

    solutions, labels = asyncio.run(run())
    assert [solution.task_id for solution in solutions] == task_ids
    assert labels == [solution.output_values["label"] for solution in solutions if solution.output_values]
    assert all(solution.confidence is not None and 0.5 < solution.confidence <= 1 for solution in solutions)
