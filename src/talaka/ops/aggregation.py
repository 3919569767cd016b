"""Running a `SOLUTION.AGGREGATE` operation: read the pool's answers, fit the method, write the results.

The operation is committed with its checked request before the 202, and a runner claims it with a
lease like any other operation, so it survives a restart: a runner that takes it over starts again
from the answers (the first chunk of results it writes clears an earlier run's). Reading a large
pool and fitting it can outlast a lease, so a heartbeat renews it while they run: otherwise
another runner would take the operation over in the middle, and on a pool slow enough to read,
each would lose it to the next in turn. Fitting runs on the executor, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor
from functools import partial
from typing import TYPE_CHECKING

import msgspec

from talaka.core.aggregation.request import WEIGHTED_DYNAMIC_OVERLAP, AggregationRequest
from talaka.core.timefmt import now_text
from talaka.ops.creation import Lease, off_loop
from talaka.store.aggregation import wire_task_ids
from talaka.store.base import LeaseLost, OperationRecord, Store

if TYPE_CHECKING:
    from talaka.core.aggregation.solutions import Solution

log = logging.getLogger("talaka.ops")
RESULT_CHUNK = 20_000
READ_PROGRESS = 40
FIT_PROGRESS = 60


class Aggregator:
    def __init__(self, store: Store, executor: Executor) -> None:
        self.store = store
        self.executor = executor

    async def run(self, record: OperationRecord, payload: bytes, lease: Lease) -> None:
        from talaka.core.aggregation.solutions import aggregate  # NumPy loads with the first aggregation

        request = msgspec.json.decode(payload, type=AggregationRequest)
        record.status, record.started, record.progress = "RUNNING", record.started or now_text(), 0
        await self._advance(record, lease)
        async with self._heartbeat(record, lease):
            table = await self.store.pool_answers(request.pool_id, request.fields)
            skill_values = None
            if request.type == WEIGHTED_DYNAMIC_OVERLAP and request.answer_weight_skill_id is not None:
                skill_values = await self.store.skill_values(request.answer_weight_skill_id)
            answers_count, performers_count = len(table), len(table.worker_keys)
            record.progress = READ_PROGRESS
            fitted = partial(aggregate, table, request.type, request.fields,
                             partial(wire_task_ids, request.pool_id), skill_values)
            solutions: list[Solution] = await off_loop(self.executor, answers_count, fitted)
        record.details = msgspec.json.encode({"answers_count": answers_count, "performers_count": performers_count,
                                              "tasks_count": len(solutions)})
        await self._write(record, solutions, lease)
        log.info("operation %s aggregated %d answers into %d solutions", record.id, answers_count, len(solutions))

    async def _advance(self, record: OperationRecord, lease: Lease) -> None:
        await self.store.advance_operation(record, lease.owner, time.time() + lease.seconds)

    @contextlib.asynccontextmanager
    async def _heartbeat(self, record: OperationRecord, lease: Lease) -> AsyncIterator[None]:
        """Renew the lease every third of its length while the body runs; a lease lost meanwhile
        stops the renewals, and the next write finds it lost and stops the run."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(lease.seconds / 3)
                try:
                    await self._advance(record, lease)
                except LeaseLost:
                    return

        renewing = asyncio.create_task(beat(), name=f"talaka-lease-{record.id}")
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _write(self, record: OperationRecord, solutions: list[Solution], lease: Lease) -> None:
        chunks = [solutions[start:start + RESULT_CHUNK] for start in range(0, len(solutions), RESULT_CHUNK)] or [[]]
        for number, chunk in enumerate(chunks):
            final = number == len(chunks) - 1
            if final:
                record.status, record.finished, record.progress = "SUCCESS", now_text(), 100
            else:
                record.progress = FIT_PROGRESS + (100 - FIT_PROGRESS) * number // len(chunks)
            await self.store.write_results(record, chunk, lease.owner, time.time() + lease.seconds,
                                           first=number == 0, final=final)
