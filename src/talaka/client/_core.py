"""The SDK's one core: every request, answer, retry, page and poll, written once without I/O.

Each API call is a *flow*: a generator that yields effects and gets their outcomes back.

    Call(method, path, ...)   -> the shell sends it and returns a `Reply`
                                 (or throws the `httpx.TransportError` into the flow)
    Sleep(seconds)            -> the shell sleeps (`time.sleep` or `asyncio.sleep`)
    Parallel(flows, limit, .) -> the shell runs up to `limit` flows at once (threads or tasks),
                                 hands each result to `on_result`, and throws the first failure

`Client` and `AsyncClient` are drivers of these flows, a few lines each, so the two can only
differ in how they wait. Retries, error mapping, paging and polling live here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from talaka.client._exceptions import CODES_BY_STATUS, ApiError, FailedOperation, TalakaError, api_error
from talaka.client._models import (
    FieldValidationError,
    Operation,
    OperationLogItem,
    Pool,
    Project,
    Requester,
    Task,
    TaskSearchResult,
)
from talaka.client._types import (
    BaselineSolutionLike,
    KnownSolutionLike,
    OperationLike,
    PoolLike,
    ProjectLike,
    TaskFilters,
)

T = TypeVar("T")
API_ROOT: Final = "/api"
"""Every path of a `Call` is under it, as in toloka-kit: `/v1/...` (Toloka API v1), `/new/...` and
`/staging/...` (its TSV export and analytics), `/performer/v1/...` (Talaka's performer API)."""
USER_AGENT: Final = "talaka-python/0.1.0"
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
OPERATION_TIMEOUT: Final = 3600.0
"""How long a call waits for an operation to end, as toloka-kit does."""


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request to `path` under `API_ROOT`. `retry_safe`: sending it twice has the effect of
    sending it once."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    body: bytes | None = None
    retry_safe: bool = True


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Parallel:
    """Run `flows` (pulled lazily) at most `limit` at a time; each result goes to `on_result`."""

    flows: Iterator[Flow[Any]]
    limit: int
    on_result: Callable[[Any], None]


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    content: bytes


Effect = Call | Sleep | Parallel
Flow = Generator[Effect, Any, T]
"""A generator that yields effects, is sent their outcomes and returns a `T`."""


class Steps(Generic[T]):
    """A flow seen from a shell: iterate over its effects, `answer` or `fail` each; then `result`.

        steps = Steps(flow)
        for effect in steps:
            try:
                steps.answer(perform(effect))
            except Exception as error:
                steps.fail(error)        # the flow retries, or raises it out of the loop
        return steps.result
    """

    def __init__(self, flow: Flow[T]) -> None:
        self._flow = flow
        self._outcome: Any = None
        self._error: BaseException | None = None
        self._done = False
        self._result: T | None = None

    def __iter__(self) -> Steps[T]:
        return self

    def __next__(self) -> Effect:
        error, self._error = self._error, None
        outcome, self._outcome = self._outcome, None
        try:
            return self._flow.throw(error) if error is not None else self._flow.send(outcome)
        except StopIteration as stop:
            self._done, self._result = True, stop.value
            raise StopIteration from None

    def answer(self, outcome: Any) -> None:
        self._outcome = outcome

    def fail(self, error: BaseException) -> None:
        self._error = error

    @property
    def result(self) -> T:
        assert self._done, "the flow has not finished"
        return self._result  # type: ignore[return-value]


class Fanout:
    """The bookkeeping of a `Parallel` effect, for a shell that runs flows on threads or tasks.

    `start()` pulls the flows that fit in the free slots (none after a failure); the shell runs
    them and reports each end to `finish`; when nothing runs and nothing starts, `close()` raises
    the first failure, if any.
    """

    def __init__(self, effect: Parallel) -> None:
        self.effect = effect
        self.running = 0
        self.failure: BaseException | None = None

    def start(self) -> list[Flow[Any]]:
        started: list[Flow[Any]] = []
        while self.failure is None and self.running < self.effect.limit:
            try:
                flow = next(self.effect.flows, None)
            except Exception as error:  # noqa: BLE001 - an unencodable task: stop, then raise it
                self.failure = error
                break
            if flow is None:
                break
            self.running += 1
            started.append(flow)
        return started

    def finish(self, failure: BaseException | None, result: Any = None) -> None:
        self.running -= 1
        if failure is not None:
            self.failure = self.failure or failure
        elif self.failure is None:
            self.effect.on_result(result)

    def close(self) -> None:
        if self.failure is not None:
            raise self.failure


@dataclass(frozen=True, slots=True)
class Settings:
    """How a client behaves; fixed when it is made."""

    chunk_size: int = 10_000
    max_in_flight: int = 4
    retries: int = 5
    backoff: float = 0.25
    max_backoff: float = 8.0
    poll: float = 0.05
    max_poll: float = 1.0
    rate_limited_waits: int = 100
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.chunk_size <= 100_000:
            raise ValueError(f"chunk_size must be from 1 to 100,000, got {self.chunk_size}")
        if self.max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1, got {self.max_in_flight}")
        if self.retries < 0:
            raise ValueError(f"retries must not be negative, got {self.retries}")

    def backoff_seconds(self, attempt: int) -> float:
        """Exponential from `backoff`, capped at `max_backoff`, with jitter of up to half."""
        ceiling = min(self.max_backoff, self.backoff * 2.0**attempt)
        return ceiling * (0.5 + self.jitter() / 2)


def base_url(url: str) -> str:
    """`http://host:port[/prefix]` -> the root of the APIs under it."""
    return url.rstrip("/") + API_ROOT


def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"OAuth {token}", "User-Agent": USER_AGENT}


def body_headers(call: Call) -> dict[str, str] | None:
    return None if call.body is None else {"Content-Type": "application/json"}


# Sending, retrying, and mapping error answers.

RETRIED_STATUSES: Final = frozenset({408, 500, 502, 503, 504})
NOT_PROCESSED_STATUSES: Final = frozenset({503})
"""Answers that mean the server kept nothing of the request, so even unsafe calls may repeat."""
NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport errors that happen before any byte reaches the server."""


class _Envelope(msgspec.Struct):
    code: str | None = None
    message: str | None = None
    payload: Any = None
    request_id: str | None = None


def error_of(reply: Reply) -> ApiError:
    """The exception for an error answer: by its `code`, or by its status when it has no envelope."""
    try:
        envelope = msgspec.json.decode(reply.content, type=_Envelope)
    except (msgspec.DecodeError, msgspec.ValidationError):
        envelope = _Envelope()
    code = envelope.code or CODES_BY_STATUS.get(reply.status, f"HTTP_{reply.status}")
    text = reply.content[:300].decode(errors="replace").strip()
    message = envelope.message or text or f"HTTP {reply.status}"
    return api_error(reply.status, code, message, envelope.payload,
                     envelope.request_id or reply.headers.get("x-request-id"))


def rate_limit_wait(reply: Reply, fallback: float) -> float:
    """Seconds to wait after a 429: `RateLimit-Reset`, else `payload.reset_seconds`, else `fallback`."""
    header = reply.headers.get("ratelimit-reset")
    if header is not None:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
    payload = error_of(reply).payload
    if isinstance(payload, dict) and isinstance(payload.get("reset_seconds"), int | float):
        return max(0.0, float(payload["reset_seconds"]))
    return fallback


def send(call: Call, settings: Settings) -> Flow[Reply]:
    """Send `call` until it succeeds; raise the mapped `ApiError` or the last transport error.

    - 429: wait as long as the server says (`RateLimit-Reset`), then send again; at most
      `settings.rate_limited_waits` times in a row.
    - 408 and 5xx, and transport errors: back off exponentially, at most `settings.retries` times.
      A call that is not `retry_safe` (creating a project or a pool) is sent again only when the
      server cannot have acted on it: a connection never made, or 503.
    """
    failures = 0
    waits = 0
    while True:
        try:
            reply: Reply = yield call
        except httpx.TransportError as error:
            if failures >= settings.retries or not (call.retry_safe or isinstance(error, NOT_SENT_ERRORS)):
                raise
            yield Sleep(settings.backoff_seconds(failures))
            failures += 1
            continue
        if reply.status < 300:
            return reply
        if reply.status == 429 and waits < settings.rate_limited_waits:
            waits += 1
            yield Sleep(rate_limit_wait(reply, settings.backoff_seconds(min(waits, 6))))
            continue
        retryable = reply.status in (RETRIED_STATUSES if call.retry_safe else NOT_PROCESSED_STATUSES)
        if not retryable or failures >= settings.retries:
            raise error_of(reply)
        yield Sleep(settings.backoff_seconds(failures))
        failures += 1


# Encoding and decoding.


def _encode_hook(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


encode = msgspec.json.Encoder(enc_hook=_encode_hook).encode


def decode(reply: Reply, kind: type[T]) -> T:
    return msgspec.json.decode(reply.content, type=kind)


def query_value(value: Any) -> str:
    """Query strings as Toloka reads them: lowercase booleans, naive-UTC ISO timestamps, comma lists."""
    if isinstance(value, list | tuple):
        return ",".join(query_value(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment: datetime = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        return moment.isoformat()
    return str(value)


def query(values: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters, leaving out those that are None."""
    return {name: query_value(value) for name, value in values.items() if value is not None}


def path_id(value: str | int) -> str:
    return quote(str(value), safe="")


# One flow per API call.


def get_json(path: str, kind: type[T], settings: Settings,
             params: Mapping[str, str] | None = None) -> Flow[T]:
    reply = yield from send(Call("GET", path, params), settings)
    return decode(reply, kind)


def get_requester(settings: Settings) -> Flow[Requester]:
    return (yield from get_json("/v1/requester", Requester, settings))


def create_project(project: ProjectLike, settings: Settings) -> Flow[Project]:
    reply = yield from send(Call("POST", "/v1/projects", body=encode(project), retry_safe=False), settings)
    return decode(reply, Project)


def get_project(project_id: str, settings: Settings) -> Flow[Project]:
    return (yield from get_json(f"/v1/projects/{path_id(project_id)}", Project, settings))


def create_pool(pool: PoolLike, settings: Settings) -> Flow[Pool]:
    reply = yield from send(Call("POST", "/v1/pools", body=encode(pool), retry_safe=False), settings)
    return decode(reply, Pool)


def get_pool(pool_id: str, settings: Settings) -> Flow[Pool]:
    return (yield from get_json(f"/v1/pools/{path_id(pool_id)}", Pool, settings))


def change_pool_status(pool_id: str, action: str, settings: Settings) -> Flow[Pool]:
    """`open`, `close` or `archive` a pool, wait for its operation, and return the pool as it is then.

    A pool already in the wanted status answers 204 and no operation; an operation that ends
    FAIL raises `FailedOperation`.
    """
    reply = yield from send(Call("POST", f"/v1/pools/{path_id(pool_id)}/{action}"), settings)
    if reply.status != 204 and reply.content.strip():
        operation = yield from wait_operation(decode(reply, Operation), OPERATION_TIMEOUT, settings)
        operation.raise_on_fail()
    return (yield from get_pool(pool_id, settings))


def get_task(task_id: str, settings: Settings) -> Flow[Task]:
    return (yield from get_json(f"/v1/tasks/{path_id(task_id)}", Task, settings))


def find_tasks(filters: Mapping[str, Any], sort: str | list[str] | None, limit: int | None,
               settings: Settings) -> Flow[TaskSearchResult]:
    params = query({**filters, "sort": sort, "limit": limit})
    return (yield from get_json("/v1/tasks", TaskSearchResult, settings, params))


def task_patch(overlap: int | None, infinite_overlap: bool | None,
               baseline_solutions: Sequence[BaselineSolutionLike] | None,
               known_solutions: Sequence[KnownSolutionLike] | None,
               message_on_unknown_solution: str | None) -> dict[str, Any]:
    """The body of `patch_task`: only the fields given."""
    changes = {"overlap": overlap, "infinite_overlap": infinite_overlap,
               "baseline_solutions": baseline_solutions, "known_solutions": known_solutions,
               "message_on_unknown_solution": message_on_unknown_solution}
    return {name: value for name, value in changes.items() if value is not None}


def patch_task(task_id: str, changes: Mapping[str, Any], settings: Settings) -> Flow[Task]:
    """Set the given fields; setting values twice is the same as once, so it is safe to repeat."""
    body = encode(changes)
    reply = yield from send(Call("PATCH", f"/v1/tasks/{path_id(task_id)}", body=body), settings)
    return decode(reply, Task)


def operation_id_of(operation: OperationLike) -> str:
    return operation if isinstance(operation, str) else operation.id


def get_operation(operation: OperationLike, settings: Settings) -> Flow[Operation]:
    return (yield from get_json(f"/v1/operations/{path_id(operation_id_of(operation))}", Operation, settings))


def wait_operation(operation: OperationLike, timeout: float | None, settings: Settings) -> Flow[Operation]:
    """Poll until the operation ends (SUCCESS or FAIL), backing off from `poll` to `max_poll` seconds.

    Raises `TimeoutError` when `timeout` seconds pass first; None waits as long as it takes.
    """
    if isinstance(operation, str):
        operation = yield from get_operation(operation, settings)
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = settings.poll
    while not operation.is_completed():
        if deadline is not None and time.monotonic() + delay > deadline:
            raise TimeoutError(f"operation {operation.id} is still {operation.status} after {timeout} s")
        yield Sleep(delay)
        delay = min(delay * 2, settings.max_poll)
        operation = yield from get_operation(operation.id, settings)
    return operation


def get_operation_log(operation: OperationLike, settings: Settings) -> Flow[list[OperationLogItem]]:
    path = f"/v1/operations/{path_id(operation_id_of(operation))}/log"
    return (yield from get_json(path, list[OperationLogItem], settings))


def finished_log(operation: Operation, settings: Settings) -> Flow[tuple[Operation, bytes]]:
    """Wait for the operation to end, then read its log, raw (a batch create's items are decoded as
    their own models, see `CreationLog`)."""
    operation = yield from wait_operation(operation, OPERATION_TIMEOUT, settings)
    log = yield from send(Call("GET", f"/v1/operations/{path_id(operation.id)}/log"), settings)
    return operation, log.content


Errors = dict[str, dict[str, FieldValidationError]]
"""Input index (as a string) -> field path -> the problem found there."""


class Created(Protocol):
    """A model a batch create makes, whose id the operation log gives."""

    id: str | None


CreatedT = TypeVar("CreatedT", bound=Created)


class _LogEntry(msgspec.Struct):
    input: msgspec.Raw
    output: msgspec.Raw
    success: bool = False


class _Position(msgspec.Struct):
    item_idx: str | None = msgspec.field(default=None, name="__item_idx")


_decode_log = msgspec.json.Decoder(list[_LogEntry]).decode
_decode_position = msgspec.json.Decoder(_Position).decode
_decode_errors = msgspec.json.Decoder(dict[str, FieldValidationError]).decode


class CreationLog(Generic[CreatedT]):
    """How the log of a batch create of `kind` items reads: each entry's `input` is an item as stored,
    with its position in the request (`__item_idx`); a created one's `output[id_key]` is its id, a
    refused one's `output` its problems by field path."""

    def __init__(self, kind: type[CreatedT], id_key: str, noun: str) -> None:
        # The `output` of a created item, with its id under `id_key`, checked as a string like any field.
        created = msgspec.defstruct(f"{kind.__name__}Created", [("id", str | None, None)],
                                    rename={"id": id_key})
        self._decode_item = msgspec.json.Decoder(kind).decode
        self._decode_created = msgspec.json.Decoder(created).decode
        self.noun = noun

    def outcome(self, operation: Operation, log: bytes, count: int) -> tuple[dict[str, CreatedT], Errors]:
        """Created items and refusals by position; the log of an operation that succeeded must account
        for each of its `count` items."""
        items: dict[str, CreatedT] = {}
        errors: Errors = {}
        for entry in _decode_log(log):
            position = _decode_position(entry.input).item_idx
            if position is None:
                continue
            if entry.success:
                made = self._decode_item(entry.input)
                made.id = getattr(self._decode_created(entry.output), "id")
                items[position] = made
            else:
                errors[position] = _decode_errors(entry.output)
        if operation.status == "FAIL" and not errors:
            raise FailedOperation(operation)
        if operation.status == "SUCCESS" and len(items) + len(errors) != count:
            raise TalakaError(f"operation {operation.id} succeeded but its log accounts for "
                              f"{len(items) + len(errors)} of its {count} {self.noun}")
        return items, errors


class Identified(Protocol):
    @property
    def id(self) -> str | None: ...


ItemT = TypeVar("ItemT", bound=Identified)
ItemT_co = TypeVar("ItemT_co", bound=Identified, covariant=True)


class SearchPage(Protocol[ItemT_co]):
    """One page of a search: `items`, and whether more match past the last one."""

    @property
    def items(self) -> Sequence[ItemT_co]: ...

    @property
    def has_more(self) -> bool: ...


Search = Callable[[Mapping[str, Any], Settings], Flow[SearchPage[ItemT]]]
"""The flow of one page of a search with these filters, sorted by id."""


class Pages(Generic[ItemT]):
    """Paging of every `get_*s` iterator: `sort=id`, then `id_gt` of the last item seen, while `has_more`."""

    after: ClassVar[str] = "id_gt"
    """the filter that starts the next page after the last item's id"""

    def __init__(self, search: Search[ItemT], filters: Mapping[str, Any]) -> None:
        self.search = search
        self.filters: dict[str, Any] = {**filters}
        self.more = True

    def next_page(self, settings: Settings) -> Flow[SearchPage[ItemT]]:
        return self.search(self.filters, settings)

    def take(self, page: SearchPage[ItemT]) -> list[ItemT]:
        """The page's items; remembers where the next page starts."""
        last = page.items[-1].id if page.items else None
        self.more = page.has_more and last is not None
        if last is not None:
            self.filters[self.after] = last
        return list(page.items)


class TaskPages(Pages[Task]):
    """Paging of `get_tasks`, `batch_size` tasks a page (None: the server's default, 50)."""

    def __init__(self, filters: TaskFilters, batch_size: int | None) -> None:
        super().__init__(lambda page_filters, settings: find_tasks(page_filters, "id", batch_size, settings),
                         filters)
