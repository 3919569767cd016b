"""`Client`: the blocking shell around the core's flows (httpx.Client, threads for parallel chunks)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import Any, Self, TypeVar, Unpack

import httpx

from talaka.client import _batch, _core
from talaka.client._core import Call, Flow, Reply, Sleep
from talaka.client._models import (
    Operation,
    OperationLogItem,
    Pool,
    Project,
    Requester,
    Task,
    TaskBatchCreateResult,
    TaskSearchResult,
)
from talaka.client._progress import Progress
from talaka.client._types import (
    BaselineSolutionLike,
    KnownSolutionLike,
    OperationLike,
    PoolLike,
    ProjectLike,
    TaskFilters,
    TaskLike,
    TimeoutTypes,
)

T = TypeVar("T")


class Client:
    """A Talaka (Toloka API v1) client. Methods and parameters follow toloka-kit's `TolokaClient`.

    `url` is the server's root, e.g. `http://127.0.0.1:8000`. `transport` is any httpx transport
    (tests pass one to inject failures). `chunk_size` tasks go in one request (5,000 at most in
    sync mode), `max_in_flight` requests run at once, and a failed request is retried `retries`
    times (see `create_tasks`). Use it as a context manager, or call `close()`.
    """

    def __init__(self, url: str, token: str, *, timeout: TimeoutTypes = _core.DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None, chunk_size: int = 10_000,
                 max_in_flight: int = 4, retries: int = 5) -> None:
        self._settings = _core.Settings(chunk_size=chunk_size, max_in_flight=max_in_flight, retries=retries)
        self._http = httpx.Client(base_url=_core.base_url(url), headers=_core.auth_headers(token),
                                  timeout=timeout, transport=transport)

    # Driving flows: the only place where this client differs from AsyncClient.

    def _run(self, flow: Flow[T]) -> T:
        steps = _core.Steps(flow)
        for effect in steps:
            try:
                steps.answer(self._perform(effect))
            except Exception as error:  # noqa: BLE001 - handed to the flow, which retries or raises it
                steps.fail(error)
        return steps.result

    def _perform(self, effect: _core.Effect) -> Reply | None:
        if isinstance(effect, Call):
            response = self._http.request(effect.method, effect.path, params=effect.params,
                                          content=effect.body, headers=_core.body_headers(effect))
            return Reply(response.status_code, response.headers, response.read())
        if isinstance(effect, Sleep):
            time.sleep(effect.seconds)
        else:
            self._parallel(_core.Fanout(effect))
        return None

    def _parallel(self, fanout: _core.Fanout) -> None:
        with ThreadPoolExecutor(fanout.effect.limit, thread_name_prefix="talaka-sdk") as pool:
            running: set[Future[Any]] = set()
            while running := running | {pool.submit(self._run, flow) for flow in fanout.start()}:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    failure = future.exception()
                    fanout.finish(failure, None if failure else future.result())
        fanout.close()

    # The API.

    def get_requester(self) -> Requester:
        """Who the token belongs to."""
        return self._run(_core.get_requester(self._settings))

    def create_project(self, project: ProjectLike) -> Project:
        """Create a project; not retried once it may have reached the server, so never made twice."""
        return self._run(_core.create_project(project, self._settings))

    def get_project(self, project_id: str) -> Project:
        return self._run(_core.get_project(project_id, self._settings))

    def create_pool(self, pool: PoolLike) -> Pool:
        """Create a pool (status CLOSED); not retried once it may have reached the server."""
        return self._run(_core.create_pool(pool, self._settings))

    def get_pool(self, pool_id: str) -> Pool:
        return self._run(_core.get_pool(pool_id, self._settings))

    def open_pool(self, pool_id: str) -> Pool:
        """Open a pool, wait for its operation, and return the pool (`FailedOperation` if it fails)."""
        return self._run(_core.change_pool_status(pool_id, "open", self._settings))

    def close_pool(self, pool_id: str) -> Pool:
        """Close a pool, wait for its operation, and return the pool."""
        return self._run(_core.change_pool_status(pool_id, "close", self._settings))

    def archive_pool(self, pool_id: str) -> Pool:
        """Archive a closed pool, wait for its operation, and return the pool."""
        return self._run(_core.change_pool_status(pool_id, "archive", self._settings))

    def create_tasks(self, tasks: Iterable[TaskLike], *, allow_defaults: bool | None = None,
                     open_pool: bool | None = None, skip_invalid_items: bool | None = None,
                     async_mode: bool = True, operation_id: str | uuid.UUID | None = None,
                     progress: bool | None = None) -> TaskBatchCreateResult:
        """Create any number of tasks; return them keyed by their index in `tasks`, as strings.

        `tasks` may be any iterable of `Task` objects or dicts; it is read once, chunk by chunk.
        The tasks go in requests of `chunk_size` (5,000 at most with `async_mode=False`),
        `max_in_flight` at a time, and come back from each request's operation log (never from a
        search of the pool), each at its caller's index.

        Retries never duplicate: chunk k is sent with the operation id
        `uuid5(operation_id or uuid4(), str(k))`, so a request repeated after a timeout, a 5xx or
        a dropped connection continues the first one (the server answers 409
        `OPERATION_ALREADY_EXISTS` and the chunk's operation is read instead, or, in sync mode,
        answers the first result again). Calling again with the same `operation_id`, the same tasks
        and the same `chunk_size` returns what the first call created without creating anything;
        do not reuse an `operation_id` for other tasks. 429 answers wait as long as
        `RateLimit-Reset` says; 5xx answers and transport errors are retried `retries` times with
        exponential backoff.

        Invalid tasks:
        - `skip_invalid_items=True`: valid tasks are created, invalid ones are reported in
          `validation_errors` by index and field path. If none is valid, `ValidationApiError`.
        - otherwise (the default): if any task is invalid, nothing is created and
          `ValidationApiError` is raised; its `payload` maps every invalid task's index to
          `{field path: FieldValidationError}`. A call of one chunk is refused by the server as a
          whole. A call of several chunks first checks every chunk with Talaka's `dry_run=true`
          (nothing is created) and creates only when all pass. The one gap: a pool that changes
          between the check and the creation (archived, or its project's input spec or its
          overlap defaults changed meanwhile) makes the chunk that meets the change fail while
          chunks already sent stay created. Then no further chunk is sent, and the
          `ValidationApiError` carries the created tasks in `error.result` (their indexes are the
          keys of `error.result.items`); send the rest in a new call.

        `open_pool=True` opens the pools once every chunk is in (the last chunk is sent after all
        others, with the flag). `progress` shows a bar on stderr (tasks done / total, rate, time
        left); None shows it when stderr is a terminal.
        """
        options = _batch.CreateOptions(allow_defaults, open_pool, skip_invalid_items, async_mode)
        flow = _batch.create_tasks(tasks, options, operation_id, Progress(progress), self._settings)
        return self._run(flow)

    def create_task(self, task: TaskLike, *, allow_defaults: bool | None = None,
                    open_pool: bool | None = None, async_mode: bool = True,
                    operation_id: str | uuid.UUID | None = None) -> Task:
        """Create one task, safe to retry with the same `operation_id`.

        Raises `ValidationApiError` with `payload` `{field path: FieldValidationError}` if it is invalid.
        """
        options = _batch.CreateOptions(allow_defaults, open_pool, None, async_mode)
        return self._run(_batch.create_task(task, options, operation_id, self._settings))

    def create_tasks_async(self, tasks: Iterable[TaskLike], *, allow_defaults: bool | None = None,
                           open_pool: bool | None = None, skip_invalid_items: bool | None = None,
                           operation_id: str | uuid.UUID | None = None) -> Operation:
        """Start ONE operation creating all `tasks` (at most the server's limit, 100,000) and return it.

        Wait for it with `wait_operation` and read what it did with `get_operation_log`.
        """
        options = _batch.CreateOptions(allow_defaults, open_pool, skip_invalid_items, True)
        return self._run(_batch.create_tasks_async(tasks, options, operation_id, self._settings))

    def get_task(self, task_id: str) -> Task:
        return self._run(_core.get_task(task_id, self._settings))

    def find_tasks(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                   **filters: Unpack[TaskFilters]) -> TaskSearchResult:
        """One page of tasks matching `filters`; `has_more` says whether more match past it."""
        return self._run(_core.find_tasks(filters, sort, limit, self._settings))

    def get_tasks(self, *, batch_size: int | None = 10_000, **filters: Unpack[TaskFilters]) -> Iterator[Task]:
        """Every task matching `filters`, in id order, fetched `batch_size` a page as you iterate.

        Pages by `id_gt` of the last task seen, with `sort=id`; `batch_size=None` takes the
        server's default page (50).
        """
        pages = _core.TaskPages(filters, batch_size)
        while pages.more:
            yield from pages.take(self._run(pages.next_page(self._settings)))

    def patch_task(self, task_id: str, *, overlap: int | None = None,
                   infinite_overlap: bool | None = None,
                   baseline_solutions: Sequence[BaselineSolutionLike] | None = None,
                   known_solutions: Sequence[KnownSolutionLike] | None = None,
                   message_on_unknown_solution: str | None = None) -> Task:
        """Change the given fields of a task (None leaves a field as it is); return the task."""
        changes = _core.task_patch(overlap, infinite_overlap, baseline_solutions, known_solutions,
                                   message_on_unknown_solution)
        return self._run(_core.patch_task(task_id, changes, self._settings))

    def get_operation(self, operation: OperationLike) -> Operation:
        return self._run(_core.get_operation(operation, self._settings))

    def wait_operation(self, operation: OperationLike,
                       timeout: float | None = _core.OPERATION_TIMEOUT) -> Operation:
        """Poll until the operation ends and return it (FAIL included); `TimeoutError` after `timeout` s."""
        return self._run(_core.wait_operation(operation, timeout, self._settings))

    def get_operation_log(self, operation: OperationLike) -> list[OperationLogItem]:
        """The operation's log: for a batch create, every created task (`input`) with its id (`output`)."""
        return self._run(_core.get_operation_log(operation, self._settings))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
