"""Creating tasks in chunks: splitting, checking, sending, merging; written once, without I/O.

A call's tasks are encoded lazily into chunks of at most `chunk_size`. Chunk `k` is sent with the
operation id `uuid5(call id, str(k))`, where the call id is the caller's `operation_id` or a new
UUID4, so sending a chunk again (after a timeout, a 5xx or a dropped connection) never creates its
tasks twice: the server answers a repeated asynchronous operation id with 409
`OPERATION_ALREADY_EXISTS`, and the flow then reads that operation instead; a repeated synchronous
one gets the first answer again.

Created tasks come back from the operation log, which holds each one as stored (`input`, with
`__item_idx`, its position in the request) and its id (`output.task_id`): one read per chunk,
never a page-by-page search of the pool.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, Final

import msgspec

from talaka.client._core import (
    Call,
    CreationLog,
    Errors,
    Flow,
    Parallel,
    Settings,
    encode,
    finished_log,
    get_operation,
    query,
    send,
)
from talaka.client._exceptions import (
    IncorrectActionsApiError,
    ValidationApiError,
)
from talaka.client._models import Operation, Task, TaskBatchCreateResult
from talaka.client._progress import Progress
from talaka.client._types import TaskLike

SYNC_CHUNK_LIMIT: Final = 5_000
TASK_BATCH_CREATE: Final = "TASK.BATCH_CREATE"
TASK_LOG: Final = CreationLog(Task, "task_id", "tasks")


@dataclass(frozen=True, slots=True)
class CreateOptions:
    """The flags of a create call; each is sent only when set, an explicit False included."""

    allow_defaults: bool | None = None
    open_pool: bool | None = None
    skip_invalid_items: bool | None = None
    async_mode: bool = True

    def params(self, operation_id: str | None, *, open_pool: bool | None,
               dry_run: bool = False) -> dict[str, str]:
        return query({"operation_id": operation_id, "async_mode": self.async_mode,
                      "allow_defaults": self.allow_defaults, "open_pool": open_pool,
                      "skip_invalid_items": self.skip_invalid_items, "dry_run": True if dry_run else None})


@dataclass(frozen=True, slots=True)
class Chunk:
    """Tasks `start` to `start + count` of a call, encoded as one request body."""

    number: int
    start: int
    count: int
    body: bytes
    operation_id: str

    def key(self, position: str) -> str:
        """The caller's index of the task at `position` in this chunk."""
        return position if self.start == 0 else str(self.start + int(position))


@dataclass(slots=True)
class ChunkOutcome:
    chunk: Chunk
    items: dict[str, Task]
    errors: Errors


def call_id(operation_id: str | uuid.UUID | None) -> uuid.UUID:
    if operation_id is None:
        return uuid.uuid4()
    return operation_id if isinstance(operation_id, uuid.UUID) else uuid.UUID(operation_id)


def chunks(tasks: Iterable[TaskLike], size: int, root: uuid.UUID) -> Iterator[Chunk]:
    """Encode `tasks` lazily, `size` at a time; chunk `k` gets operation id `uuid5(root, str(k))`."""
    source = iter(tasks)
    number = start = 0
    while batch := list(islice(source, size)):
        yield Chunk(number, start, len(batch), encode(batch), str(uuid.uuid5(root, str(number))))
        number += 1
        start += len(batch)


# Reading answers.

class _DryRunReport(msgspec.Struct):
    items_count: int = 0
    valid_count: int = 0
    validation_errors: Errors = {}


_decode_report = msgspec.json.Decoder(_DryRunReport).decode
_decode_sync = msgspec.json.Decoder(TaskBatchCreateResult).decode


def outcome_from_log(chunk: Chunk, operation: Operation, log: bytes) -> ChunkOutcome:
    """Created tasks and refusals of one chunk, by caller index."""
    items, errors = TASK_LOG.outcome(operation, log, chunk.count)
    return ChunkOutcome(chunk, _shifted(chunk, items), _shifted(chunk, errors))


def _shifted(chunk: Chunk, by_position: Mapping[str, Any]) -> dict[str, Any]:
    return {chunk.key(position): value for position, value in by_position.items()}


def _item_errors(payload: Any) -> Errors | None:
    """A `VALIDATION_ERROR` payload keyed by item position, or None when it is about the request."""
    if not isinstance(payload, dict) or not payload:
        return None
    if not all(isinstance(key, str) and key.isdigit() and isinstance(value, dict)
               for key, value in payload.items()):
        return None
    return msgspec.convert(payload, Errors)


# Flows.

def existing_operation(operation_id: str, exists: IncorrectActionsApiError, count: int | None,
                       settings: Settings) -> Flow[Operation]:
    """The operation a repeated `operation_id` names, if it is the same batch create; else `exists`."""
    operation = yield from get_operation(operation_id, settings)
    items_count = operation.details.get("items_count")
    if operation.type != TASK_BATCH_CREATE or (count is not None and items_count not in (None, count)):
        raise exists
    return operation


def create_chunk(chunk: Chunk, options: CreateOptions, open_pool: bool | None,
                 settings: Settings) -> Flow[ChunkOutcome]:
    """Create one chunk, safe to repeat: a repeated operation id continues with the first operation."""
    call = Call("POST", "/v1/tasks", options.params(chunk.operation_id, open_pool=open_pool), chunk.body)
    try:
        reply = yield from send(call, settings)
    except IncorrectActionsApiError as exists:
        if exists.code != "OPERATION_ALREADY_EXISTS":
            raise
        operation = yield from existing_operation(chunk.operation_id, exists, chunk.count, settings)
    except ValidationApiError as refused:
        errors = _item_errors(refused.payload)
        if errors is None:
            raise
        return ChunkOutcome(chunk, {}, _shifted(chunk, errors))
    else:
        if not options.async_mode:
            answer = _decode_sync(reply.content)
            items, errors = _shifted(chunk, answer.items), _shifted(chunk, answer.validation_errors)
            return ChunkOutcome(chunk, items, errors)
        operation = msgspec.json.decode(reply.content, type=Operation)
    operation, log = yield from finished_log(operation, settings)
    return outcome_from_log(chunk, operation, log)


def check_chunk(chunk: Chunk, options: CreateOptions, settings: Settings) -> Flow[ChunkOutcome]:
    """Validate one chunk without creating anything (Talaka's `dry_run=true` extension)."""
    call = Call("POST", "/v1/tasks", options.params(None, open_pool=None, dry_run=True), chunk.body)
    reply = yield from send(call, settings)
    return ChunkOutcome(chunk, {}, _shifted(chunk, _decode_report(reply.content).validation_errors))


class _Merge:
    """Chunk outcomes as they arrive, merged back onto the caller's indexes at the end."""

    def __init__(self, options: CreateOptions, progress: Progress) -> None:
        self.options = options
        self.progress = progress
        self.outcomes: dict[int, ChunkOutcome] = {}
        self.refused = False
        self.held_back: Chunk | None = None

    def add(self, outcome: ChunkOutcome) -> None:
        self.outcomes[outcome.chunk.number] = outcome
        self.refused = self.refused or (bool(outcome.errors) and not self.options.skip_invalid_items)
        self.progress.advance(outcome.chunk.count)

    def creations(self, source: Iterator[Chunk], settings: Settings) -> Iterator[Flow[ChunkOutcome]]:
        """A flow per chunk, none after a refusal; with `open_pool`, the last chunk is held back."""
        options = self.options
        pending = next(source, None)
        for following in source:
            if self.refused or pending is None:
                return
            yield create_chunk(pending, options, None if options.open_pool else options.open_pool, settings)
            pending = following
        if pending is None or self.refused:
            return
        if options.open_pool:
            self.held_back = pending
        else:
            yield create_chunk(pending, options, options.open_pool, settings)

    def merged(self) -> tuple[dict[str, Task], Errors, int]:
        items: dict[str, Task] = {}
        errors: Errors = {}
        total = 0
        for number in sorted(self.outcomes):
            outcome = self.outcomes[number]
            items.update(outcome.items)
            errors.update(outcome.errors)
            total += outcome.chunk.count
        return items, errors, total

    def result(self) -> TaskBatchCreateResult:
        items, errors, total = self.merged()
        result = TaskBatchCreateResult(items=items, validation_errors=errors)
        if errors and (not items or not self.options.skip_invalid_items):
            if items:
                message = (f"{len(errors)} of the tasks are invalid, found after {len(items)} tasks had been "
                           "created (a pool changed after the check); the created ones are in `result`")
            else:
                message = (f"{len(errors)} of {total} tasks are invalid and nothing was created; `payload` "
                           "has every problem by input index and field path")
            error = ValidationApiError(None, "VALIDATION_ERROR", message, errors)
            error.result = result if items else None
            raise error
        return result


def create_tasks(tasks: Iterable[TaskLike], options: CreateOptions, operation_id: str | uuid.UUID | None,
                 progress: Progress, settings: Settings) -> Flow[TaskBatchCreateResult]:
    """The whole `create_tasks` call: check every chunk if needed, create them, merge the outcomes."""
    size = settings.chunk_size if options.async_mode else min(settings.chunk_size, SYNC_CHUNK_LIMIT)
    total = len(tasks) if isinstance(tasks, Sized) else None
    stream = chunks(tasks, size, call_id(operation_id))
    head = list(islice(stream, 2))
    merge = _Merge(options, progress)
    try:
        source: Iterator[Chunk] = chain(head, stream)
        if len(head) > 1 and not options.skip_invalid_items:
            every = [*head, *stream]
            total = sum(chunk.count for chunk in every)
            progress.start("checking", total)
            checks = _Merge(options, progress)
            yield Parallel((check_chunk(chunk, options, settings) for chunk in every), settings.max_in_flight,
                           checks.add)
            _, errors, _ = checks.merged()
            if errors:
                raise ValidationApiError(None, "VALIDATION_ERROR", (
                    f"{len(errors)} of {total} tasks are invalid; nothing was created (every chunk was "
                    "checked first). `payload` has every problem by input index and field path"), errors)
            source = iter(every)
        progress.start("creating", total)
        yield Parallel(merge.creations(source, settings), settings.max_in_flight, merge.add)
        if merge.held_back is not None:
            last = create_chunk(merge.held_back, options, True, settings)
            yield Parallel(iter([last]), 1, merge.add)
    finally:
        progress.close()
    return merge.result()


def create_task(task: TaskLike, options: CreateOptions, operation_id: str | uuid.UUID | None,
                settings: Settings) -> Flow[Task]:
    """One task, through the same path as a one-task chunk; its operation id is the call's own."""
    chunk = Chunk(0, 0, 1, encode([task]), str(call_id(operation_id)))
    outcome = yield from create_chunk(chunk, options, options.open_pool, settings)
    if "0" in outcome.items:
        return outcome.items["0"]
    raise ValidationApiError(None, "VALIDATION_ERROR", "The task is invalid and was not created; `payload` "
                             "has every problem by field path", outcome.errors.get("0", {}))


def create_tasks_async(tasks: Iterable[TaskLike], options: CreateOptions,
                       operation_id: str | uuid.UUID | None, settings: Settings) -> Flow[Operation]:
    """Start one operation with every task and return it; the caller waits for it if it wants to."""
    identifier = str(call_id(operation_id))
    params = options.params(identifier, open_pool=options.open_pool)
    call = Call("POST", "/v1/tasks", params, encode(list(tasks)))
    try:
        reply = yield from send(call, settings)
    except IncorrectActionsApiError as exists:
        if exists.code != "OPERATION_ALREADY_EXISTS":
            raise
        operation = yield from existing_operation(identifier, exists, None, settings)
        operation.raise_on_fail()
        return operation
    return msgspec.json.decode(reply.content, type=Operation)
