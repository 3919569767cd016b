"""The background operation runner.

Operations too large to answer at once (task creation, aggregation) are committed with their
request body before the 202, then run here. Runners claim operations through the store with a
lease, so any number of them, in any number of processes sharing one database, run each operation
once: one whose runner died is taken over when its lease expires, from its last committed chunk
(an aggregation starts again from the answers).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import msgspec

from talaka.config import Settings
from talaka.core.aggregation.request import OPERATION_TYPE as AGGREGATION
from talaka.core.batch import decode_items
from talaka.core.errors import StorageProblem
from talaka.ops.aggregation import Aggregator
from talaka.ops.creation import CreateParams, Creator, Lease, kind_of, off_loop
from talaka.store.base import LeaseLost, OperationRecord, Store

log = logging.getLogger("talaka.ops")
PARALLEL_OPERATIONS = 2
POLL_SECONDS = 0.5


class Runner:
    def __init__(self, creator: Creator, *, chunk_items: int, lease_seconds: float) -> None:
        self.creator = creator
        self.store = creator.store
        self.aggregator = Aggregator(creator.store, creator.executor)
        self.lease = Lease(f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}", lease_seconds,
                           chunk_items)
        self._wake = asyncio.Event()
        self._workers: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._workers = [asyncio.create_task(self._work(), name=f"talaka-runner-{number}")
                         for number in range(PARALLEL_OPERATIONS)]

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)

    def wake(self) -> None:
        """An operation was just accepted here: look for it now rather than at the next poll."""
        self._wake.set()

    async def _work(self) -> None:
        while True:
            now = time.time()
            record = await self.store.claim_operation(self.lease.owner, now, now + self.lease.seconds)
            if record is None:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
                except TimeoutError:
                    pass
                continue
            try:
                await self.run(record)
            except LeaseLost:
                log.warning("operation %s was taken over by another runner", record.id)
            except StorageProblem:
                log.exception("operation %s stopped on a database error; it is retried when its lease "
                              "expires", record.id)
            except Exception as exc:
                log.exception("operation %s failed", record.id)
                await self._give_up(record, exc)

    async def _give_up(self, record: OperationRecord, exc: Exception) -> None:
        """End an operation that fails for a reason a retry would meet again: FAIL, with the reason."""
        details = msgspec.json.encode({**msgspec.json.decode(record.details),
                                       "error": f"{type(exc).__name__}: {exc}"[:500]})
        try:
            await self.store.fail_operation(record.no, details, {}, self.lease.owner)
        except (LeaseLost, StorageProblem):
            log.exception("operation %s could not be marked FAIL; it is retried when its lease expires",
                          record.id)

    async def run(self, record: OperationRecord) -> None:
        payload = await self.store.operation_payload(record.no)
        if payload is None:
            return
        if record.type == AGGREGATION:
            log.info("running operation %s", record.id)
            await self.aggregator.run(record, payload, self.lease)
            return
        log.info("running operation %s from item %d", record.id, record.cursor)
        params = msgspec.json.decode(record.parameters, type=CreateParams)
        decoded = await off_loop(self.creator.executor, len(payload), decode_items, payload, kind_of(record.type))
        await self.creator.run_in_chunks(record, decoded, params, self.lease)
        log.info("operation %s finished: %s", record.id, record.status)


def build_runner(store: Store, settings: Settings) -> tuple[Runner, ThreadPoolExecutor]:
    """A runner as every process builds it, and the thread pool its validation runs on (the caller
    shuts that down after stopping the runner)."""
    executor = ThreadPoolExecutor(2, thread_name_prefix="talaka-prepare")
    runner = Runner(Creator(store, executor), chunk_items=settings.operation_chunk_items,
                    lease_seconds=settings.operation_lease_seconds)
    return runner, executor
