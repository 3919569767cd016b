"""The store interface on both backends: the same calls give the same answers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from talaka.core.batch import Row
from talaka.core.ids import task_id
from talaka.ops.creation import CreateParams, new_record
from talaka.store import open_store
from talaka.store.base import BatchWrite, LeaseLost, OperationExists, Store
from talaka.store.search import Search

PROJECT = msgspec.json.encode({"public_name": "p", "task_spec": {"input_spec": {}, "output_spec": {}}})
POOL = msgspec.json.encode({"private_name": "pool", "defaults": {"default_overlap_for_new_tasks": 1}})
CREATED = "2030-01-01T00:00:00.000000"


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    run(opened.start())
    yield opened
    run(opened.close())


async def _pool(store: Store) -> tuple[int, int]:
    requester = await store.create_requester("r", b"hash-" + str(id(store)).encode())
    project = await store.create_project(requester.id, PROJECT, CREATED)
    pool = await store.create_pool(requester.id, project, POOL, CREATED)
    return requester.id, pool


def _rows(pool_id: int, count: int, golden_every: int = 0) -> list[Row]:
    return [(pool_id, idx, 1, int(bool(golden_every) and idx % golden_every == 0), CREATED,
             msgspec.json.encode({"pool_id": str(pool_id), "input_values": {"n": idx}, "created": CREATED}))
            for idx in range(count)]


def _batch(requester_id: int, pool_id: int, rows: list[Row], operation_id: str | None = None) -> BatchWrite:
    record = new_record(requester_id, "task", operation_id, CreateParams(), b"digest", is_sync=True)
    record.status = "SUCCESS"
    return BatchWrite(requester_id=requester_id, table="tasks", rows=rows, counts={pool_id: (len(rows), 0)},
                      errors={}, revisions={}, open_pools=frozenset(), operation=record)


def test_batch_round_trip_order_and_paging(store: Store) -> None:
    async def scenario() -> None:
        requester_id, pool_id = await _pool(store)
        seqs = await store.write_batch(_batch(requester_id, pool_id, _rows(pool_id, 250)))
        assert list(seqs) == sorted(seqs) and len(set(seqs)) == 250
        page, more = await store.find_tasks("tasks", requester_id, Search(equals={"pool_id": pool_id}, limit=100))
        assert more and len(page) == 100
        decoded = [msgspec.json.decode(item) for item in page]
        assert [task["id"] for task in decoded] == sorted(task["id"] for task in decoded)
        assert [task["input_values"]["n"] for task in decoded] == list(range(100))
        after, _ = await store.find_tasks("tasks", requester_id, Search(
            equals={"pool_id": pool_id}, ranges=[("id", "gt", (pool_id, seqs[199]))], limit=100))
        assert [msgspec.json.decode(item)["input_values"]["n"] for item in after] == list(range(200, 250))
        one = await store.get_task("tasks", requester_id, task_id(pool_id, seqs[7]))
        assert one is not None and msgspec.json.decode(one)["input_values"] == {"n": 7}
        pool = await store.get_pool(requester_id, pool_id)
        assert pool is not None and pool.task_count == 250

    run(scenario())


def test_other_requesters_see_nothing(store: Store) -> None:
    async def scenario() -> None:
        requester_id, pool_id = await _pool(store)
        seqs = await store.write_batch(_batch(requester_id, pool_id, _rows(pool_id, 3)))
        stranger = await store.create_requester("stranger", b"other-hash")
        assert await store.get_pool(stranger.id, pool_id) is None
        assert await store.get_task("tasks", stranger.id, task_id(pool_id, seqs[0])) is None
        assert await store.find_tasks("tasks", stranger.id, Search(equals={"pool_id": pool_id})) == ([], False)
        assert await store.find_tasks("tasks", stranger.id, Search()) == ([], False)

    run(scenario())


def test_repeated_operation_id_is_refused_atomically(store: Store) -> None:
    async def scenario() -> None:
        requester_id, pool_id = await _pool(store)
        operation_id = "6f0b1f0e-8d4a-4d7c-9f6e-2a1b3c4d5e6f"
        attempts = [store.write_batch(_batch(requester_id, pool_id, _rows(pool_id, 50), operation_id))
                    for _ in range(6)]
        outcomes = await asyncio.gather(*attempts, return_exceptions=True)
        assert sum(not isinstance(outcome, BaseException) for outcome in outcomes) == 1
        assert all(isinstance(outcome, OperationExists) for outcome in outcomes if isinstance(outcome, BaseException))
        tasks, _ = await store.find_tasks("tasks", requester_id, Search(equals={"pool_id": pool_id}, limit=1000))
        assert len(tasks) == 50

    run(scenario())


def test_leases_give_an_operation_to_one_runner_at_a_time(store: Store) -> None:
    async def scenario() -> None:
        requester_id, pool_id = await _pool(store)
        record = new_record(requester_id, "task", None, CreateParams(), b"d", is_sync=False)
        await store.insert_operation(record, b"[]")
        claimed = await store.claim_operation("a", 100.0, 110.0)
        assert claimed is not None and claimed.id == record.id
        assert await store.claim_operation("b", 105.0, 115.0) is None, "the lease still holds"
        taken = await store.claim_operation("b", 111.0, 121.0)
        assert taken is not None, "an expired lease is taken over"
        chunk = BatchWrite(requester_id=requester_id, table="tasks", rows=_rows(pool_id, 5), counts={pool_id: (5, 0)},
                           errors={}, revisions={}, open_pools=frozenset(), operation=taken, final=False,
                           lease_owner="a", lease_until=130.0)
        with pytest.raises(LeaseLost):
            await store.write_batch(chunk)
        tasks, _ = await store.find_tasks("tasks", requester_id, Search(equals={"pool_id": pool_id}))
        assert tasks == [], "the runner that lost its lease wrote nothing"

    run(scenario())


