"""The background operation runner.

Operations too large to answer at once are committed with their request body before the 202, then
run here. On start the runner picks up every operation that still holds its body (accepted, or
interrupted by a crash) and carries it on from its committed cursor.
"""

from __future__ import annotations

import asyncio
import logging

import msgspec

from talaka.core.batch import decode_items
from talaka.ops.creation import CreateParams, Creator, kind_of, off_loop
from talaka.store.base import OperationRecord

log = logging.getLogger("talaka.ops")
PARALLEL_OPERATIONS = 2
RETRY_SECONDS = 5


class Runner:
    def __init__(self, creator: Creator, chunk_items: int) -> None:
        self.creator = creator
        self.store = creator.store
        self.chunk_items = chunk_items
        self._queue: asyncio.Queue[OperationRecord] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._retries: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        for record in await self.store.unfinished_operations():
            log.info("resuming operation %s at item %d", record.id, record.cursor)
            self.submit(record)
        self._workers = [asyncio.create_task(self._work(), name=f"talaka-runner-{number}")
                         for number in range(PARALLEL_OPERATIONS)]

    async def stop(self) -> None:
        tasks = [*self._workers, *self._retries]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def submit(self, record: OperationRecord) -> None:
        self._queue.put_nowait(record)

    async def _work(self) -> None:
        while True:
            record = await self._queue.get()
            try:
                await self.run(record)
            except Exception:
                log.exception("operation %s stopped with an error; trying again in %d s", record.id, RETRY_SECONDS)
                self._retries.add(asyncio.create_task(self._retry(record)))

    async def _retry(self, record: OperationRecord) -> None:
        """Run a failed operation again from what its last commit says, not from memory."""
        await asyncio.sleep(RETRY_SECONDS)
        fresh = await self.store.get_operation(record.requester_id, record.id)
        if fresh is not None and fresh.status in ("PENDING", "RUNNING"):
            self.submit(fresh)
        self._retries.discard(asyncio.current_task())

    async def run(self, record: OperationRecord) -> None:
        payload = await self.store.operation_payload(record.no)
        if payload is None:
            return
        params = msgspec.json.decode(record.parameters, type=CreateParams)
        decoded = await off_loop(self.creator.executor, len(payload), decode_items, payload, kind_of(record.type))
        await self.creator.run_in_chunks(record, decoded, params, self.chunk_items)
        log.info("operation %s finished: %s", record.id, record.status)
