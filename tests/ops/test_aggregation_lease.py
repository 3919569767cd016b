"""An aggregation that outlasts its lease keeps it: no other runner takes the operation over midway.

Reading a large pool's answers can take longer than a lease (15 s by default). The read is slowed
here (a real store, its `pool_answers` delayed) to four leases of 0.3 s while a second runner tries
to claim the operation every 50 ms: the heartbeat must keep the lease, so the second runner never
gets it, and the first finishes the operation. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import msgspec

from talaka.core.aggregation.request import OPERATION_TYPE, AggregationRequest
from talaka.core.timefmt import now_text
from talaka.ops.aggregation import Aggregator
from talaka.ops.creation import Lease
from talaka.store import open_store
from talaka.store.base import OperationRecord

LEASE_SECONDS = 0.3
READ_SECONDS = 4 * LEASE_SECONDS


def delayed(read: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def slow(*args: Any) -> Any:
        await asyncio.sleep(READ_SECONDS)
        return await read(*args)
    return slow


async def run_once(database_url: str) -> tuple[list[str], str]:
    store = open_store(database_url)
    await store.start()
    try:
        requester = await store.create_requester("lease", b"l" * 32)
        request = AggregationRequest("MAJORITY_VOTE", 987, ["label"])
        now = now_text()
        record = await store.insert_operation(OperationRecord(
            no=0, id="00000000-0000-4000-8000-000000000001", requester_id=requester.id, type=OPERATION_TYPE,
            status="PENDING", is_sync=False, digest=None, submitted=now, started=None, finished=None, progress=0,
            cursor=0, parameters=request.parameters(), details=b"{}"), msgspec.json.encode(request))
        claimed = await store.claim_operation("first", time.time(), time.time() + LEASE_SECONDS)
        assert claimed is not None and claimed.no == record.no
        store.pool_answers = delayed(store.pool_answers)  # type: ignore[method-assign]
        stolen: list[str] = []
        with ThreadPoolExecutor(1) as executor:
            running = asyncio.create_task(Aggregator(store, executor).run(
                claimed, msgspec.json.encode(request), Lease("first", LEASE_SECONDS, 1000)))
            while not running.done():
                taken = await store.claim_operation("second", time.time(), time.time() + LEASE_SECONDS)
                if taken is not None:
                    stolen.append(taken.id)
                await asyncio.sleep(0.05)
            await running
        done = await store.get_operation(requester.id, record.id)
        assert done is not None
        return stolen, done.status
    finally:
        await store.close()


def test_a_slow_aggregation_keeps_its_lease(database_url: str) -> None:
    stolen, status = asyncio.run(run_once(database_url))
    assert stolen == [], "another runner took the operation over while it was being read"
    assert status == "SUCCESS"
