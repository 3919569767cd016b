"""`Client` and `Performer`: the blocking shells around the core's flows (httpx.Client, threads for
parallel chunks)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, Unpack

import httpx

from talaka.client import _aggregation, _analytics, _assignments, _batch, _core, _performer, _users
from talaka.client._aggregation import (
    AggregatedSolution,
    AggregatedSolutionFilters,
    AggregatedSolutionSearchResult,
    FieldLike,
    Method,
)
from talaka.client._core import Call, Flow, Reply, Sleep
from talaka.client._models import (
    Assignment,
    AssignmentSearchResult,
    Operation,
    OperationLogItem,
    PerformerAssignment,
    PerformerAssignmentSearchResult,
    PerformerProfile,
    Pool,
    PoolOffer,
    Project,
    Requester,
    Task,
    TaskBatchCreateResult,
    TaskSearchResult,
)
from talaka.client._progress import Progress
from talaka.client._types import (
    AnalyticsRequest,
    AssignmentFilters,
    BaselineSolutionLike,
    KnownSolutionLike,
    Moment,
    OperationLike,
    PoolLike,
    ProjectLike,
    SolutionLike,
    Statuses,
    TaskFilters,
    TaskLike,
    TimeoutTypes,
)
from talaka.client._users import (
    Skill,
    SkillFields,
    SkillFilters,
    SkillLike,
    SkillSearchResult,
    UserBonus,
    UserBonusBatchCreateResult,
    UserBonusFilters,
    UserBonusLike,
    UserBonusSearchResult,
    UserRestriction,
    UserRestrictionFilters,
    UserRestrictionLike,
    UserRestrictionSearchResult,
    UserSkill,
    UserSkillFilters,
    UserSkillSearchResult,
)

if TYPE_CHECKING:
    from pandas import DataFrame  # type: ignore[import-untyped]

T = TypeVar("T")


class _Shell:
    """Drives flows over one `httpx.Client`: the only place where the blocking shells differ from
    the asyncio ones."""

    def __init__(self, url: str, token: str, timeout: TimeoutTypes, transport: httpx.BaseTransport | None,
                 settings: _core.Settings) -> None:
        self._settings = settings
        self._http = httpx.Client(base_url=_core.base_url(url), headers=_core.auth_headers(token),
                                  timeout=timeout, transport=transport)

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

    def _every(self, pages: _core.Pages[_core.ItemT]) -> Iterator[_core.ItemT]:
        """Each item of every page, a page fetched when the caller gets to it."""
        while pages.more:
            yield from pages.take(self._run(pages.next_page(self._settings)))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class Client(_Shell):
    """A Talaka (Toloka API v1) client. Methods and parameters follow toloka-kit's `TolokaClient`.

    `url` is the server's root, e.g. `http://127.0.0.1:8000`. `transport` is any httpx transport
    (tests pass one to inject failures). `chunk_size` tasks go in one request (5,000 at most in
    sync mode), `max_in_flight` requests run at once, and a failed request is retried `retries`
    times (see `create_tasks`). Use it as a context manager, or call `close()`.
    """

    def __init__(self, url: str, token: str, *, timeout: TimeoutTypes = _core.DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None, chunk_size: int = 10_000,
                 max_in_flight: int = 4, retries: int = 5) -> None:
        settings = _core.Settings(chunk_size=chunk_size, max_in_flight=max_in_flight, retries=retries)
        super().__init__(url, token, timeout, transport, settings)

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

    def wait_pool(self, pool_id: str, *, poll_seconds: float = 2.0, timeout: float | None = None,
                  progress: bool | None = True) -> Pool:
        """Wait until the pool is CLOSED (or ARCHIVED) and return it; a closed pool returns at once.

        The loop every toloka-kit tutorial writes by hand: the pool is read every `poll_seconds`,
        and while `progress` shows a bar on stderr (None: when stderr is a terminal), its
        completion percentage is read for the bar too. Check `last_close_reason` (`COMPLETED`,
        `MANUAL`, `EXPIRED`, ...) for why it closed. `TimeoutError` after `timeout` s.
        """
        flow = _analytics.wait_pool(pool_id, poll_seconds, timeout, Progress(progress), self._settings)
        return self._run(flow)

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
        yield from self._every(_core.TaskPages(filters, batch_size))

    def patch_task(self, task_id: str, *, overlap: int | None = None,
                   infinite_overlap: bool | None = None,
                   baseline_solutions: Sequence[BaselineSolutionLike] | None = None,
                   known_solutions: Sequence[KnownSolutionLike] | None = None,
                   message_on_unknown_solution: str | None = None) -> Task:
        """Change the given fields of a task (None leaves a field as it is); return the task."""
        changes = _core.task_patch(overlap, infinite_overlap, baseline_solutions, known_solutions,
                                   message_on_unknown_solution)
        return self._run(_core.patch_task(task_id, changes, self._settings))

    def get_assignment(self, assignment_id: str) -> Assignment:
        return self._run(_assignments.get_assignment(assignment_id, self._settings))

    def find_assignments(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                         **filters: Unpack[AssignmentFilters]) -> AssignmentSearchResult:
        """One page of assignments matching `filters`; `has_more` says whether more match past it.

        `sort` is a key of `id`, `created`, `submitted`, `accepted`, `rejected`, `skipped`,
        `expired`, `-` in front for descending, or a list of them.
        """
        return self._run(_assignments.find_assignments(filters, sort, limit, self._settings))

    def get_assignments(self, *, batch_size: int | None = None,
                        **filters: Unpack[AssignmentFilters]) -> Iterator[Assignment]:
        """Every assignment matching `filters`, in id order, fetched page by page as you iterate.

        `batch_size` assignments a page; None takes the server's default page (50).
        """
        yield from self._every(_assignments.pages(filters, batch_size))

    def patch_assignment(self, assignment_id: str, *, public_comment: str | None = None,
                         status: str | None = None) -> Assignment:
        """Review a SUBMITTED assignment (`status` ACCEPTED or REJECTED), or accept a REJECTED one.

        Another change raises `InappropriateStatus`, unless the assignment already has exactly
        this status and comment (a retried request, or a second call): then it is returned.
        """
        changes = _assignments.assignment_patch(public_comment, status)
        return self._run(_assignments.patch_assignment(assignment_id, changes, self._settings))

    def accept_assignment(self, assignment_id: str, public_comment: str) -> Assignment:
        return self.patch_assignment(assignment_id, public_comment=public_comment, status=Assignment.ACCEPTED)

    def reject_assignment(self, assignment_id: str, public_comment: str) -> Assignment:
        return self.patch_assignment(assignment_id, public_comment=public_comment, status=Assignment.REJECTED)

    def get_assignments_df(self, pool_id: str, *, status: Statuses = _assignments.TSV_STATUS_DEFAULT,
                           start_time_from: Moment | None = None, start_time_to: Moment | None = None,
                           exclude_banned: bool | None = None,
                           field: Sequence[str] | None = None) -> DataFrame:
        """The pool's assignments as a pandas DataFrame, one row per task of each, as toloka-kit reads them.

        Columns: `INPUT:*`, `OUTPUT:*`, `GOLDEN:*` (empty for general tasks), `HINT:text`, then
        the `ASSIGNMENT:*` ones in `field` (default: link, assignment_id, worker_id, status,
        started; a bare name gets the prefix). `status` uses the export's words, `APPROVED` for
        ACCEPTED (ACCEPTED is taken too). Id columns stay text. Needs pandas (`ImportError` otherwise).
        """
        params = _assignments.tsv_params(status, start_time_from, start_time_to, exclude_banned, field)
        return self._run(_assignments.assignments_df(pool_id, params, self._settings))

    def get_operation(self, operation: OperationLike) -> Operation:
        return self._run(_core.get_operation(operation, self._settings))

    def wait_operation(self, operation: OperationLike,
                       timeout: float | None = _core.OPERATION_TIMEOUT) -> Operation:
        """Poll until the operation ends and return it (FAIL included); `TimeoutError` after `timeout` s."""
        return self._run(_core.wait_operation(operation, timeout, self._settings))

    def get_operation_log(self, operation: OperationLike) -> list[OperationLogItem]:
        """The operation's log: for a batch create, every created task (`input`) with its id (`output`)."""
        return self._run(_core.get_operation_log(operation, self._settings))

    def get_analytics(self, stats: Sequence[AnalyticsRequest]) -> Operation:
        """Start computing statistics, e.g. `[{"subject": "POOL", "subject_id": pool_id, "name":
        "completion_percentage"}]`; `wait_operation` it, then read `details["value"]`."""
        return self._run(_analytics.get_analytics(stats, self._settings))

    # Aggregation (see `_aggregation`).

    def aggregate_solutions_by_pool(self, *, type: Method | str, pool_id: str, fields: Sequence[FieldLike],
                                    answer_weight_skill_id: str | None = None) -> Operation:
        """Start aggregating the pool's answers (of SUBMITTED and ACCEPTED assignments) into one per general task.

        `type` is `DAWID_SKENE` (one field), `MAJORITY_VOTE` or `WEIGHTED_DYNAMIC_OVERLAP` (answers
        weighed by the skill `answer_weight_skill_id`); `fields` are output field names. Returns the
        operation: `wait_operation` it, then read `get_aggregated_solutions(operation.id)`.
        """
        body = _aggregation.request_body(type, pool_id, fields, answer_weight_skill_id)
        return self._run(_aggregation.aggregate_by_pool(body, self._settings))

    def aggregate_solutions_by_task(self, *, pool_id: str, task_id: str, fields: Sequence[FieldLike],
                                    type: Method | str = "WEIGHTED_DYNAMIC_OVERLAP",
                                    answer_weight_skill_id: str | None = None) -> AggregatedSolution:
        """One task's answers aggregated at once (`WEIGHTED_DYNAMIC_OVERLAP`, as toloka-kit sends, or
        `MAJORITY_VOTE`); `ConflictStateApiError` (CONFLICT_STATE) before anyone answered it."""
        body = _aggregation.request_body(type, pool_id, fields, answer_weight_skill_id, task_id)
        return self._run(_aggregation.aggregate_by_task(body, self._settings))

    def find_aggregated_solutions(self, operation_id: str, *, sort: str | None = None, limit: int | None = None,
                                  **filters: Unpack[AggregatedSolutionFilters]) -> AggregatedSolutionSearchResult:
        """One page of an aggregation's results; `sort` is `task_id` or `-task_id`."""
        return self._run(_aggregation.find_solutions(operation_id, filters, sort, limit, self._settings))

    def get_aggregated_solutions(self, operation_id: str, *,
                                 batch_size: int | None = 10_000) -> Iterator[AggregatedSolution]:
        """Every result of a finished aggregation, in task id order, fetched page by page as you iterate."""
        yield from self._every(_aggregation.SolutionPages(operation_id, batch_size))

    def get_aggregated_solutions_df(self, operation_id: str) -> DataFrame:
        """The results as a pandas DataFrame: `task_id`, `OUTPUT:<field>`, `CONFIDENCE:<field>`."""
        return _aggregation.solutions_df(self.get_aggregated_solutions(operation_id))

    # Skills, user skills, restrictions and bonuses (see `_users`).

    def create_skill(self, skill: SkillLike | None = None, **fields: Unpack[SkillFields]) -> Skill:
        """Create a skill, given as a `Skill` (or dict), as keywords (`create_skill(name="Road signs")`), or
        both; not retried once it may have reached the server, so never made twice."""
        return self._run(_users.create_skill(_users.skill_body(skill, fields), self._settings))

    def get_skill(self, skill_id: str) -> Skill:
        return self._run(_users.SKILLS.get(skill_id, self._settings))

    def find_skills(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                    **filters: Unpack[SkillFilters]) -> SkillSearchResult:
        """One page of skills (`limit` up to 100); `name` matches exactly, the way tutorials look one up."""
        return self._run(_users.SKILLS.find(filters, sort, limit, self._settings))

    def get_skills(self, *, batch_size: int | None = None,
                   **filters: Unpack[SkillFilters]) -> Iterator[Skill]:
        """Every skill matching `filters`, in id order: `next(client.get_skills(name=name), None)`."""
        yield from self._every(_users.SKILLS.pages(filters, batch_size))

    def update_skill(self, skill_id: str, skill: SkillLike) -> Skill:
        """Replace the skill's writable fields (read-only ones sent back are ignored)."""
        path = f"{_users.SKILLS.path}/{_core.path_id(skill_id)}"
        return self._run(_users.SKILLS.put(path, skill, self._settings))

    def set_user_skill(self, *, skill_id: str, user_id: str, value: Decimal | float,
                       reason: str | None = None) -> UserSkill:
        """Set a performer's value (0 to 100) of one of your skills; setting it again replaces it (same id).

        The performer must be one you created or who worked in your pools.
        """
        body = _users.user_skill_body(skill_id, user_id, value, reason)
        return self._run(_users.USER_SKILLS.put(_users.USER_SKILLS.path, body, self._settings))

    def get_user_skill(self, user_skill_id: str) -> UserSkill:
        return self._run(_users.USER_SKILLS.get(user_skill_id, self._settings))

    def find_user_skills(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                         **filters: Unpack[UserSkillFilters]) -> UserSkillSearchResult:
        return self._run(_users.USER_SKILLS.find(filters, sort, limit, self._settings))

    def get_user_skills(self, *, batch_size: int | None = None,
                        **filters: Unpack[UserSkillFilters]) -> Iterator[UserSkill]:
        yield from self._every(_users.USER_SKILLS.pages(filters, batch_size))

    def delete_user_skill(self, user_skill_id: str) -> None:
        self._run(_users.USER_SKILLS.delete(user_skill_id, self._settings))

    def set_user_restriction(self, user_restriction: UserRestrictionLike) -> UserRestriction:
        """Keep a performer out of all your projects, a project or a pool (by `scope`); setting the same
        performer, scope and target again replaces the restriction (same id)."""
        path = _users.USER_RESTRICTIONS.path
        return self._run(_users.USER_RESTRICTIONS.put(path, user_restriction, self._settings))

    def get_user_restriction(self, user_restriction_id: str) -> UserRestriction:
        return self._run(_users.USER_RESTRICTIONS.get(user_restriction_id, self._settings))

    def find_user_restrictions(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                               **filters: Unpack[UserRestrictionFilters]) -> UserRestrictionSearchResult:
        return self._run(_users.USER_RESTRICTIONS.find(filters, sort, limit, self._settings))

    def get_user_restrictions(self, *, batch_size: int | None = None,
                              **filters: Unpack[UserRestrictionFilters]) -> Iterator[UserRestriction]:
        yield from self._every(_users.USER_RESTRICTIONS.pages(filters, batch_size))

    def delete_user_restriction(self, user_restriction_id: str) -> None:
        """Lift a restriction."""
        self._run(_users.USER_RESTRICTIONS.delete(user_restriction_id, self._settings))

    def create_user_bonus(self, user_bonus: UserBonusLike, *, async_mode: bool = True,
                          operation_id: str | uuid.UUID | None = None) -> UserBonus:
        """Give one bonus; safe to retry with the same `operation_id` (a new one is made if None).

        Raises `ValidationApiError` with `payload` `{field path: FieldValidationError}` if it is invalid.
        """
        flow = _users.create_bonuses([user_bonus], True, None, async_mode, operation_id, self._settings)
        return _users.one_bonus(*self._run(flow))

    def create_user_bonuses(self, user_bonuses: Iterable[UserBonusLike], *,
                            skip_invalid_items: bool | None = None, async_mode: bool = True,
                            operation_id: str | uuid.UUID | None = None) -> UserBonusBatchCreateResult:
        """Give bonuses (up to 10,000) in one request; return them keyed by their index, as strings.

        Safe to retry with the same `operation_id`: nothing is created twice. An invalid bonus refuses
        all of them (`ValidationApiError`, `payload` by index and field path) unless
        `skip_invalid_items=True`, which creates the valid ones and reports the rest in
        `validation_errors` (`ValidationApiError` if none is valid).
        """
        flow = _users.create_bonuses(list(user_bonuses), False, skip_invalid_items, async_mode, operation_id,
                                     self._settings)
        return _users.bonus_batch_result(*self._run(flow))

    def get_user_bonus(self, user_bonus_id: str) -> UserBonus:
        return self._run(_users.USER_BONUSES.get(user_bonus_id, self._settings))

    def find_user_bonuses(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                          **filters: Unpack[UserBonusFilters]) -> UserBonusSearchResult:
        return self._run(_users.USER_BONUSES.find(filters, sort, limit, self._settings))

    def get_user_bonuses(self, *, batch_size: int | None = None,
                         **filters: Unpack[UserBonusFilters]) -> Iterator[UserBonus]:
        yield from self._every(_users.USER_BONUSES.pages(filters, batch_size))


class Performer(_Shell):
    """A performer of a Talaka server, through its performer API: a program that does tasks.

        with talaka.Performer(url, performer_token) as me:
            for offer in me.pools():
                assignment = me.take(offer.pool_id)
                me.submit(assignment.id, [{"label": "cat"} for task in assignment.tasks])

    Every call is safe to retry, and is retried on transport errors, 5xx and 429 (`retries`
    times, as `Client`). Refusals raise by their code: `NoTasksAvailable` (nothing left for you in
    the pool), `AccessDeniedApiError` (`reason` FILTER, RESTRICTED or TRAINING_REQUIRED),
    `DoesNotExistApiError` (no such open pool, or not your assignment), `InappropriateStatus` (the
    assignment is no longer ACTIVE) and `ValidationApiError` (answers that break the output spec,
    `payload` keyed `solutions.N.output_values.FIELD`).
    """

    def __init__(self, url: str, token: str, *, timeout: TimeoutTypes = _core.DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None, retries: int = 5) -> None:
        super().__init__(url, token, timeout, transport, _core.Settings(retries=retries))

    def me(self) -> PerformerProfile:
        """Who the token belongs to, as pool filters see them."""
        return self._run(_performer.me(self._settings))

    def pools(self) -> list[PoolOffer]:
        """The open pools you may take a task suite from now, by priority, then id."""
        return self._run(_performer.pools(self._settings))

    def take(self, pool_id: str) -> PerformerAssignment:
        """A task suite from the pool; your ACTIVE one there if you have one (so taking twice gets one)."""
        return self._run(_performer.take(pool_id, self._settings))

    def get_assignment(self, assignment_id: str) -> PerformerAssignment:
        return self._run(_performer.get_assignment(assignment_id, self._settings))

    def assignments(self, *, status: Statuses | None = None, pool_id: str | None = None,
                    limit: int | None = None) -> PerformerAssignmentSearchResult:
        """One page of your assignments, newest first (`limit` up to 1,000; the server's default is 50)."""
        filters = _performer.assignment_filters(status, pool_id)
        return self._run(_performer.find_assignments(filters, None, limit, self._settings))

    def iter_assignments(self, *, status: Statuses | None = None, pool_id: str | None = None,
                         batch_size: int | None = None) -> Iterator[PerformerAssignment]:
        """All your assignments matching the filters, oldest first, fetched page by page as you iterate."""
        pages = _performer.pages(_performer.assignment_filters(status, pool_id), batch_size)
        yield from self._every(pages)

    def submit(self, assignment_id: str, solutions: Sequence[SolutionLike]) -> PerformerAssignment:
        """Answer the assignment's tasks, one solution each, in the order of `tasks`.

        A solution is the output values (`{"label": "cat"}`), or `{"output_values": {...}}`, or a
        `Solution`. The assignment comes back SUBMITTED (ACCEPTED when the pool accepts at once);
        a training suite with wrong answers stays ACTIVE with `feedback`, to be answered again.
        """
        return self._run(_performer.submit(assignment_id, solutions, self._settings))

    def skip(self, assignment_id: str) -> PerformerAssignment:
        """Give the assignment back; its tasks go to others (one already SKIPPED is returned as it is)."""
        return self._run(_performer.skip(assignment_id, self._settings))
