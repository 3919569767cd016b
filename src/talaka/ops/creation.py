"""Creating tasks (or task suites) from decoded items: the part requests and operations share.

A request answered at once validates and writes in one transaction together with its operation
row, which is what makes a repeated `operation_id` safe. An operation run in the background
writes in chunks, each committed with the operation's cursor, so a crash resumes where the last
commit stopped and no item is created twice.
"""

from __future__ import annotations

import asyncio
import functools
import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import msgspec

from talaka import metrics
from talaka.core.batch import ITEM_IDX, POOL, SUITE, TASK, Decoded, Prepared, Row, prepare, tally
from talaka.core.errors import ConflictProblem, FieldErrors
from talaka.core.ids import new_operation_id
from talaka.core.rules import PoolRefusal, PoolRules
from talaka.core.timefmt import now_text
from talaka.store.base import BatchResult, BatchWrite, OperationRecord, StaleRules, Store, created_items

OPERATION_TYPES = {TASK: "TASK.BATCH_CREATE", SUITE: "TASK_SUITE.BATCH_CREATE"}
TABLES = {TASK: "tasks", SUITE: "task_suites"}
INLINE_PREPARE_ITEMS = 64
STALE_RETRIES = 5
T = TypeVar("T")


class CreateParams(msgspec.Struct, frozen=True):
    """The query flags of one create request, stored as the operation's `parameters`."""

    skip_invalid_items: bool = False
    allow_defaults: bool = False
    open_pool: bool = False


@dataclass(frozen=True, slots=True)
class Lease:
    """Who runs an operation, for how long each renewal holds, and how many items a commit takes."""

    owner: str
    seconds: float
    chunk_items: int


@dataclass(slots=True)
class Counts:
    items: int
    valid: int = 0
    invalid: int = 0
    created: int = 0

    def details(self) -> bytes:
        return msgspec.json.encode({"items_count": self.items, "valid_count": self.valid,
                                    "invalid_count": self.invalid, "created_count": self.created})


@dataclass(slots=True)
class Outcome:
    """What a request learns: the operation as written, what was created, what was refused."""

    record: OperationRecord
    created: BatchResult
    errors: dict[int, tuple[bytes, FieldErrors]]


def kind_of(operation_type: str) -> str:
    return SUITE if operation_type.startswith("TASK_SUITE") else TASK


def new_record(requester_id: int, kind: str, operation_id: str | None, params: CreateParams,
               digest: bytes | None, *, is_sync: bool) -> OperationRecord:
    return OperationRecord(
        no=0, id=operation_id or new_operation_id(), requester_id=requester_id, type=OPERATION_TYPES[kind],
        status="PENDING", is_sync=is_sync, digest=digest, submitted=now_text(), started=None, finished=None,
        progress=0, cursor=0, parameters=msgspec.json.encode(params), details=b"{}")


async def off_loop(executor: Executor, size: int, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run CPU work of a large request on a thread so the event loop keeps answering others."""
    if size <= INLINE_PREPARE_ITEMS:
        return function(*args, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(function, *args, **kwargs))


class RulesCache:
    """Pool rules kept between requests, checked rather than trusted.

    Every write compares the revisions it was validated against with the pools' current ones in
    the same transaction (`StaleRules`), so a stale entry costs one retry, never a wrong task;
    a fresh one saves a database read on every request.
    """

    def __init__(self, store: Store, size: int = 10_000) -> None:
        self.store = store
        self.size = size
        self._rules: dict[tuple[int, int], PoolRules | PoolRefusal] = {}

    async def get(self, requester_id: int, pool_ids: set[int]) -> dict[int, PoolRules | PoolRefusal]:
        found = {pool_id: rule for pool_id in pool_ids
                 if (rule := self._rules.get((requester_id, pool_id))) is not None}
        missing = pool_ids - found.keys()
        if missing:
            fresh = await self.store.pool_rules(requester_id, missing)
            if len(self._rules) + len(fresh) > self.size:
                self._rules.clear()
            self._rules.update(((requester_id, pool_id), rule) for pool_id, rule in fresh.items())
            found.update(fresh)
        return found

    def forget(self, requester_id: int, pool_ids: set[int]) -> None:
        for pool_id in pool_ids:
            self._rules.pop((requester_id, pool_id), None)


def _filled(rows: list[Row], params: CreateParams) -> frozenset[int]:
    """The pools `open_pool=true` opens: those this request put tasks into, and no others."""
    return frozenset(row[POOL] for row in rows) if params.open_pool else frozenset()


def _refused(prepared: Prepared, params: CreateParams) -> bool:
    """All-or-nothing: any invalid item refuses the batch unless invalid items may be skipped."""
    return bool(prepared.errors) and (not params.skip_invalid_items or not prepared.rows)


class Creator:
    """Validates and writes batches for requests and for the runner, sharing one rules cache."""

    def __init__(self, store: Store, executor: Executor) -> None:
        self.store = store
        self.executor = executor
        self.rules = RulesCache(store)

    async def _prepare(self, record: OperationRecord, decoded: Decoded, params: CreateParams,
                       start: int) -> tuple[Prepared, dict[int, int]]:
        rules = await self.rules.get(record.requester_id, decoded.pool_ids)
        prepared = await off_loop(self.executor, len(decoded.raws) - start, prepare, decoded, rules,
                                  kind=kind_of(record.type), allow_defaults=params.allow_defaults,
                                  created=now_text(), start=start)
        return prepared, {pool_id: rule.revision for pool_id, rule in rules.items()}

    async def _write(self, batch: BatchWrite) -> Sequence[int]:
        try:
            written = await self.store.write_batch(batch)
        except StaleRules:
            self.rules.forget(batch.requester_id, set(batch.revisions))
            raise
        metrics.TASKS_CREATED.inc(len(batch.rows))
        return written

    async def validate(self, requester_id: int, kind: str, decoded: Decoded, params: CreateParams) -> Prepared:
        """Validate without writing (the `dry_run` extension)."""
        record = new_record(requester_id, kind, None, params, None, is_sync=True)
        prepared, _ = await self._prepare(record, decoded, params, 0)
        return prepared

    async def create_at_once(self, record: OperationRecord, decoded: Decoded, params: CreateParams) -> Outcome:
        """Validate every item and write the result and the operation row in one transaction."""
        for _ in range(STALE_RETRIES):
            prepared, revisions = await self._prepare(record, decoded, params, 0)
            counts = Counts(len(decoded.raws), len(prepared.rows), len(prepared.errors))
            refused = _refused(prepared, params)
            rows = [] if refused else prepared.rows
            counts.created = len(rows)
            record.status = "FAIL" if refused else "SUCCESS"
            record.started, record.finished, record.progress = record.submitted, now_text(), 100
            record.cursor, record.details = counts.items, counts.details()
            batch = BatchWrite(requester_id=record.requester_id, table=TABLES[kind_of(record.type)],
                               rows=rows, counts=tally(rows), errors=prepared.errors, revisions=revisions,
                               open_pools=_filled(rows, params), operation=record)
            try:
                seqs = await self._write(batch)
            except StaleRules:
                record.no = 0
                continue
            created_list = created_items(rows, seqs) if record.is_sync else []
            return Outcome(record, BatchResult(record.no, created_list), prepared.errors)
        raise ConflictProblem("The pools of this request kept changing while it was written; send it again",
                              code="CONFLICT_STATE")

    async def run_in_chunks(self, record: OperationRecord, decoded: Decoded, params: CreateParams,
                            lease: Lease) -> None:
        """Carry a background operation from its cursor to the end, one committed chunk at a time.

        Every chunk is written only while this runner still holds the operation's lease, and it
        renews the lease; a runner that lost it (it stalled, another took over) gets `LeaseLost`
        and stops without writing anything.
        """
        counts = Counts(len(decoded.raws), **{key.removesuffix("_count"): value for key, value
                                              in msgspec.json.decode(record.details).items()
                                              if key != "items_count"})
        record.status, record.started = "RUNNING", record.started or now_text()
        await self._write(_chunk(record, counts, [], {}, {}, lease, final=False, open_pools=frozenset()))
        for _ in range(STALE_RETRIES):
            prepared, revisions = await self._prepare(record, decoded, params, record.cursor)
            if record.cursor == 0 and _refused(prepared, params):
                counts.valid, counts.invalid = len(prepared.rows), len(prepared.errors)
                await self.store.fail_operation(record.no, counts.details(), prepared.errors, lease.owner)
                return
            try:
                await self._write_chunks(record, counts, prepared, revisions, params, lease)
            except StaleRules:
                continue
            return
        raise ConflictProblem("The pools of this operation kept changing while it ran", code="CONFLICT_STATE")

    async def _write_chunks(self, record: OperationRecord, counts: Counts, prepared: Prepared,
                            revisions: dict[int, int], params: CreateParams, lease: Lease) -> None:
        row_positions = [row[ITEM_IDX] for row in prepared.rows]
        while record.cursor < counts.items:
            low, high = record.cursor, min(record.cursor + lease.chunk_items, counts.items)
            rows = prepared.rows[bisect_left(row_positions, low):bisect_left(row_positions, high)]
            errors = {idx: found for idx, found in prepared.errors.items() if low <= idx < high}
            before = (replace(counts), record.cursor, record.progress, record.status, record.finished)
            counts.valid += len(rows)
            counts.invalid += len(errors)
            counts.created += len(rows)
            final = high == counts.items
            record.cursor = high
            record.progress = 100 if final else high * 100 // counts.items
            if final:
                record.status = "SUCCESS" if counts.created else "FAIL"
                record.finished = now_text()
            try:
                await self._write(_chunk(record, counts, rows, errors, revisions, lease,
                                         final=final, open_pools=_filled(prepared.rows, params)))
            except StaleRules:
                saved, record.cursor, record.progress, record.status, record.finished = before
                counts.valid, counts.invalid, counts.created = saved.valid, saved.invalid, saved.created
                record.details = counts.details()
                raise


def _chunk(record: OperationRecord, counts: Counts, rows: list[Row], errors: dict[int, tuple[bytes, FieldErrors]],
           revisions: dict[int, int], lease: Lease, *, final: bool, open_pools: frozenset[int]) -> BatchWrite:
    record.details = counts.details()
    return BatchWrite(requester_id=record.requester_id, table=TABLES[kind_of(record.type)], rows=rows,
                      counts=tally(rows), errors=errors, revisions=revisions, open_pools=open_pools,
                      operation=record, final=final, lease_owner=lease.owner,
                      lease_until=time.time() + lease.seconds)
