"""`AsyncClient` and `AsyncPerformer`: the asyncio shells around the core's flows (httpx.AsyncClient,
tasks for parallel chunks).

Same methods, parameters and behaviour as `Client` and `Performer`; each is a coroutine (the
iterators `get_tasks`, `get_assignments` and `iter_assignments` are async iterators). The docs of
each method are on the blocking twin.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
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
    """Drives flows over one `httpx.AsyncClient`: the only place where the asyncio shells differ from
    the blocking ones."""

    def __init__(self, url: str, token: str, timeout: TimeoutTypes,
                 transport: httpx.AsyncBaseTransport | None, settings: _core.Settings) -> None:
        self._settings = settings
        self._http = httpx.AsyncClient(base_url=_core.base_url(url), headers=_core.auth_headers(token),
                                       timeout=timeout, transport=transport)

    async def _run(self, flow: Flow[T]) -> T:
        steps = _core.Steps(flow)
        for effect in steps:
            try:
                steps.answer(await self._perform(effect))
            except Exception as error:  # noqa: BLE001 - handed to the flow, which retries or raises it
                steps.fail(error)
        return steps.result

    async def _perform(self, effect: _core.Effect) -> Reply | None:
        if isinstance(effect, Call):
            response = await self._http.request(effect.method, effect.path, params=effect.params,
                                                content=effect.body, headers=_core.body_headers(effect))
            return Reply(response.status_code, response.headers, await response.aread())
        if isinstance(effect, Sleep):
            await asyncio.sleep(effect.seconds)
        else:
            await self._parallel(_core.Fanout(effect))
        return None

    async def _parallel(self, fanout: _core.Fanout) -> None:
        running: set[asyncio.Task[Any]] = set()
        try:
            while running := running | {asyncio.ensure_future(self._run(flow)) for flow in fanout.start()}:
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    failure = task.exception()
                    fanout.finish(failure, None if failure else task.result())
        finally:
            for task in running:
                task.cancel()
        fanout.close()

    async def _every(self, pages: _core.Pages[_core.ItemT]) -> AsyncIterator[_core.ItemT]:
        """Each item of every page, a page fetched when the caller gets to it."""
        while pages.more:
            for item in pages.take(await self._run(pages.next_page(self._settings))):
                yield item

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, value: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.close()


class AsyncClient(_Shell):
    """The asyncio twin of `Client`: `await client.create_tasks(...)`, `async for t in client.get_tasks()`."""

    def __init__(self, url: str, token: str, *, timeout: TimeoutTypes = _core.DEFAULT_TIMEOUT,
                 transport: httpx.AsyncBaseTransport | None = None, chunk_size: int = 10_000,
                 max_in_flight: int = 4, retries: int = 5) -> None:
        settings = _core.Settings(chunk_size=chunk_size, max_in_flight=max_in_flight, retries=retries)
        super().__init__(url, token, timeout, transport, settings)

    # The API.

    async def get_requester(self) -> Requester:
        return await self._run(_core.get_requester(self._settings))

    async def create_project(self, project: ProjectLike) -> Project:
        return await self._run(_core.create_project(project, self._settings))

    async def get_project(self, project_id: str) -> Project:
        return await self._run(_core.get_project(project_id, self._settings))

    async def create_pool(self, pool: PoolLike) -> Pool:
        return await self._run(_core.create_pool(pool, self._settings))

    async def get_pool(self, pool_id: str) -> Pool:
        return await self._run(_core.get_pool(pool_id, self._settings))

    async def open_pool(self, pool_id: str) -> Pool:
        return await self._run(_core.change_pool_status(pool_id, "open", self._settings))

    async def close_pool(self, pool_id: str) -> Pool:
        return await self._run(_core.change_pool_status(pool_id, "close", self._settings))

    async def archive_pool(self, pool_id: str) -> Pool:
        return await self._run(_core.change_pool_status(pool_id, "archive", self._settings))

    async def wait_pool(self, pool_id: str, *, poll_seconds: float = 2.0, timeout: float | None = None,
                        progress: bool | None = True) -> Pool:
        flow = _analytics.wait_pool(pool_id, poll_seconds, timeout, Progress(progress), self._settings)
        return await self._run(flow)

    async def create_tasks(self, tasks: Iterable[TaskLike], *, allow_defaults: bool | None = None,
                           open_pool: bool | None = None, skip_invalid_items: bool | None = None,
                           async_mode: bool = True, operation_id: str | uuid.UUID | None = None,
                           progress: bool | None = None) -> TaskBatchCreateResult:
        """See `Client.create_tasks`: the same guarantees, with chunks in flight as asyncio tasks."""
        options = _batch.CreateOptions(allow_defaults, open_pool, skip_invalid_items, async_mode)
        flow = _batch.create_tasks(tasks, options, operation_id, Progress(progress), self._settings)
        return await self._run(flow)

    async def create_task(self, task: TaskLike, *, allow_defaults: bool | None = None,
                          open_pool: bool | None = None, async_mode: bool = True,
                          operation_id: str | uuid.UUID | None = None) -> Task:
        options = _batch.CreateOptions(allow_defaults, open_pool, None, async_mode)
        return await self._run(_batch.create_task(task, options, operation_id, self._settings))

    async def create_tasks_async(self, tasks: Iterable[TaskLike], *, allow_defaults: bool | None = None,
                                 open_pool: bool | None = None, skip_invalid_items: bool | None = None,
                                 operation_id: str | uuid.UUID | None = None) -> Operation:
        options = _batch.CreateOptions(allow_defaults, open_pool, skip_invalid_items, True)
        return await self._run(_batch.create_tasks_async(tasks, options, operation_id, self._settings))

    async def get_task(self, task_id: str) -> Task:
        return await self._run(_core.get_task(task_id, self._settings))

    async def find_tasks(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                         **filters: Unpack[TaskFilters]) -> TaskSearchResult:
        return await self._run(_core.find_tasks(filters, sort, limit, self._settings))

    async def get_tasks(self, *, batch_size: int | None = 10_000,
                        **filters: Unpack[TaskFilters]) -> AsyncIterator[Task]:
        async for task in self._every(_core.TaskPages(filters, batch_size)):
            yield task

    async def patch_task(self, task_id: str, *, overlap: int | None = None,
                         infinite_overlap: bool | None = None,
                         baseline_solutions: Sequence[BaselineSolutionLike] | None = None,
                         known_solutions: Sequence[KnownSolutionLike] | None = None,
                         message_on_unknown_solution: str | None = None) -> Task:
        changes = _core.task_patch(overlap, infinite_overlap, baseline_solutions, known_solutions,
                                   message_on_unknown_solution)
        return await self._run(_core.patch_task(task_id, changes, self._settings))

    async def get_assignment(self, assignment_id: str) -> Assignment:
        return await self._run(_assignments.get_assignment(assignment_id, self._settings))

    async def find_assignments(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                               **filters: Unpack[AssignmentFilters]) -> AssignmentSearchResult:
        return await self._run(_assignments.find_assignments(filters, sort, limit, self._settings))

    async def get_assignments(self, *, batch_size: int | None = None,
                              **filters: Unpack[AssignmentFilters]) -> AsyncIterator[Assignment]:
        async for assignment in self._every(_assignments.pages(filters, batch_size)):
            yield assignment

    async def patch_assignment(self, assignment_id: str, *, public_comment: str | None = None,
                               status: str | None = None) -> Assignment:
        changes = _assignments.assignment_patch(public_comment, status)
        return await self._run(_assignments.patch_assignment(assignment_id, changes, self._settings))

    async def accept_assignment(self, assignment_id: str, public_comment: str) -> Assignment:
        return await self.patch_assignment(assignment_id, public_comment=public_comment,
                                           status=Assignment.ACCEPTED)

    async def reject_assignment(self, assignment_id: str, public_comment: str) -> Assignment:
        return await self.patch_assignment(assignment_id, public_comment=public_comment,
                                           status=Assignment.REJECTED)

    async def get_assignments_df(self, pool_id: str, *, status: Statuses = _assignments.TSV_STATUS_DEFAULT,
                                 start_time_from: Moment | None = None, start_time_to: Moment | None = None,
                                 exclude_banned: bool | None = None,
                                 field: Sequence[str] | None = None) -> DataFrame:
        params = _assignments.tsv_params(status, start_time_from, start_time_to, exclude_banned, field)
        return await self._run(_assignments.assignments_df(pool_id, params, self._settings))

    async def get_operation(self, operation: OperationLike) -> Operation:
        return await self._run(_core.get_operation(operation, self._settings))

    async def wait_operation(self, operation: OperationLike,
                             timeout: float | None = _core.OPERATION_TIMEOUT) -> Operation:
        return await self._run(_core.wait_operation(operation, timeout, self._settings))

    async def get_operation_log(self, operation: OperationLike) -> list[OperationLogItem]:
        return await self._run(_core.get_operation_log(operation, self._settings))

    async def get_analytics(self, stats: Sequence[AnalyticsRequest]) -> Operation:
        return await self._run(_analytics.get_analytics(stats, self._settings))

    # Aggregation (see `_aggregation`).

    async def aggregate_solutions_by_pool(self, *, type: Method | str, pool_id: str, fields: Sequence[FieldLike],
                                          answer_weight_skill_id: str | None = None) -> Operation:
        body = _aggregation.request_body(type, pool_id, fields, answer_weight_skill_id)
        return await self._run(_aggregation.aggregate_by_pool(body, self._settings))

    async def aggregate_solutions_by_task(self, *, pool_id: str, task_id: str, fields: Sequence[FieldLike],
                                          type: Method | str = "WEIGHTED_DYNAMIC_OVERLAP",
                                          answer_weight_skill_id: str | None = None) -> AggregatedSolution:
        body = _aggregation.request_body(type, pool_id, fields, answer_weight_skill_id, task_id)
        return await self._run(_aggregation.aggregate_by_task(body, self._settings))

    async def find_aggregated_solutions(self, operation_id: str, *, sort: str | None = None,
                                        limit: int | None = None, **filters: Unpack[AggregatedSolutionFilters]
                                        ) -> AggregatedSolutionSearchResult:
        return await self._run(_aggregation.find_solutions(operation_id, filters, sort, limit, self._settings))

    async def get_aggregated_solutions(self, operation_id: str, *,
                                       batch_size: int | None = 10_000) -> AsyncIterator[AggregatedSolution]:
        async for solution in self._every(_aggregation.SolutionPages(operation_id, batch_size)):
            yield solution

    async def get_aggregated_solutions_df(self, operation_id: str) -> DataFrame:
        return _aggregation.solutions_df([solution async for solution in self.get_aggregated_solutions(operation_id)])

    # Skills, user skills, restrictions and bonuses (see `_users`).

    async def create_skill(self, skill: SkillLike | None = None, **fields: Unpack[SkillFields]) -> Skill:
        return await self._run(_users.create_skill(_users.skill_body(skill, fields), self._settings))

    async def get_skill(self, skill_id: str) -> Skill:
        return await self._run(_users.SKILLS.get(skill_id, self._settings))

    async def find_skills(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                          **filters: Unpack[SkillFilters]) -> SkillSearchResult:
        return await self._run(_users.SKILLS.find(filters, sort, limit, self._settings))

    async def get_skills(self, *, batch_size: int | None = None,
                         **filters: Unpack[SkillFilters]) -> AsyncIterator[Skill]:
        async for found in self._every(_users.SKILLS.pages(filters, batch_size)):
            yield found

    async def update_skill(self, skill_id: str, skill: SkillLike) -> Skill:
        path = f"{_users.SKILLS.path}/{_core.path_id(skill_id)}"
        return await self._run(_users.SKILLS.put(path, skill, self._settings))

    async def set_user_skill(self, *, skill_id: str, user_id: str, value: Decimal | float,
                             reason: str | None = None) -> UserSkill:
        body = _users.user_skill_body(skill_id, user_id, value, reason)
        return await self._run(_users.USER_SKILLS.put(_users.USER_SKILLS.path, body, self._settings))

    async def get_user_skill(self, user_skill_id: str) -> UserSkill:
        return await self._run(_users.USER_SKILLS.get(user_skill_id, self._settings))

    async def find_user_skills(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                               **filters: Unpack[UserSkillFilters]) -> UserSkillSearchResult:
        return await self._run(_users.USER_SKILLS.find(filters, sort, limit, self._settings))

    async def get_user_skills(self, *, batch_size: int | None = None,
                              **filters: Unpack[UserSkillFilters]) -> AsyncIterator[UserSkill]:
        async for found in self._every(_users.USER_SKILLS.pages(filters, batch_size)):
            yield found

    async def delete_user_skill(self, user_skill_id: str) -> None:
        await self._run(_users.USER_SKILLS.delete(user_skill_id, self._settings))

    async def set_user_restriction(self, user_restriction: UserRestrictionLike) -> UserRestriction:
        path = _users.USER_RESTRICTIONS.path
        return await self._run(_users.USER_RESTRICTIONS.put(path, user_restriction, self._settings))

    async def get_user_restriction(self, user_restriction_id: str) -> UserRestriction:
        return await self._run(_users.USER_RESTRICTIONS.get(user_restriction_id, self._settings))

    async def find_user_restrictions(
            self, *, sort: str | list[str] | None = None, limit: int | None = None,
            **filters: Unpack[UserRestrictionFilters]) -> UserRestrictionSearchResult:
        return await self._run(_users.USER_RESTRICTIONS.find(filters, sort, limit, self._settings))

    async def get_user_restrictions(
            self, *, batch_size: int | None = None,
            **filters: Unpack[UserRestrictionFilters]) -> AsyncIterator[UserRestriction]:
        async for found in self._every(_users.USER_RESTRICTIONS.pages(filters, batch_size)):
            yield found

    async def delete_user_restriction(self, user_restriction_id: str) -> None:
        await self._run(_users.USER_RESTRICTIONS.delete(user_restriction_id, self._settings))

    async def create_user_bonus(self, user_bonus: UserBonusLike, *, async_mode: bool = True,
                                operation_id: str | uuid.UUID | None = None) -> UserBonus:
        flow = _users.create_bonuses([user_bonus], True, None, async_mode, operation_id, self._settings)
        return _users.one_bonus(*await self._run(flow))

    async def create_user_bonuses(self, user_bonuses: Iterable[UserBonusLike], *,
                                  skip_invalid_items: bool | None = None, async_mode: bool = True,
                                  operation_id: str | uuid.UUID | None = None) -> UserBonusBatchCreateResult:
        flow = _users.create_bonuses(list(user_bonuses), False, skip_invalid_items, async_mode, operation_id,
                                     self._settings)
        return _users.bonus_batch_result(*await self._run(flow))

    async def get_user_bonus(self, user_bonus_id: str) -> UserBonus:
        return await self._run(_users.USER_BONUSES.get(user_bonus_id, self._settings))

    async def find_user_bonuses(self, *, sort: str | list[str] | None = None, limit: int | None = None,
                                **filters: Unpack[UserBonusFilters]) -> UserBonusSearchResult:
        return await self._run(_users.USER_BONUSES.find(filters, sort, limit, self._settings))

    async def get_user_bonuses(self, *, batch_size: int | None = None,
                               **filters: Unpack[UserBonusFilters]) -> AsyncIterator[UserBonus]:
        async for found in self._every(_users.USER_BONUSES.pages(filters, batch_size)):
            yield found


class AsyncPerformer(_Shell):
    """The asyncio twin of `Performer`: `await performer.take(pool_id)`, `async for a in
    performer.iter_assignments()`."""

    def __init__(self, url: str, token: str, *, timeout: TimeoutTypes = _core.DEFAULT_TIMEOUT,
                 transport: httpx.AsyncBaseTransport | None = None, retries: int = 5) -> None:
        super().__init__(url, token, timeout, transport, _core.Settings(retries=retries))

    async def me(self) -> PerformerProfile:
        return await self._run(_performer.me(self._settings))

    async def pools(self) -> list[PoolOffer]:
        return await self._run(_performer.pools(self._settings))

    async def take(self, pool_id: str) -> PerformerAssignment:
        return await self._run(_performer.take(pool_id, self._settings))

    async def get_assignment(self, assignment_id: str) -> PerformerAssignment:
        return await self._run(_performer.get_assignment(assignment_id, self._settings))

    async def assignments(self, *, status: Statuses | None = None, pool_id: str | None = None,
                          limit: int | None = None) -> PerformerAssignmentSearchResult:
        filters = _performer.assignment_filters(status, pool_id)
        return await self._run(_performer.find_assignments(filters, None, limit, self._settings))

    async def iter_assignments(self, *, status: Statuses | None = None, pool_id: str | None = None,
                               batch_size: int | None = None) -> AsyncIterator[PerformerAssignment]:
        pages = _performer.pages(_performer.assignment_filters(status, pool_id), batch_size)
        async for assignment in self._every(pages):
            yield assignment

    async def submit(self, assignment_id: str, solutions: Sequence[SolutionLike]) -> PerformerAssignment:
        return await self._run(_performer.submit(assignment_id, solutions, self._settings))

    async def skip(self, assignment_id: str) -> PerformerAssignment:
        return await self._run(_performer.skip(assignment_id, self._settings))
