"""What every performer route needs: the API and the performer the token belongs to."""

from __future__ import annotations

from starlette.requests import Request

from talaka.api.context import NO_PARAMS, Api
from talaka.api.http import check_params
from talaka.core.errors import AccessDeniedProblem, ConflictProblem, NotFoundProblem
from talaka.core.filters import passes, profile_values
from talaka.core.ids import parse_task_id
from talaka.core.pool_plan import PoolPlan
from talaka.store.work_records import PerformerRecord


async def performer_authorized(request: Request,
                               params: frozenset[str] | None = NO_PARAMS) -> tuple[Api, PerformerRecord]:
    api: Api = request.app.state.api
    performer = await api.authenticate_performer(request)
    if params is not None:
        check_params(request.query_params, params)
    return api, performer


def may_work_in(performer: PerformerRecord, plan: PoolPlan) -> bool:
    """Whether the pool's filter lets this performer in, as far as the profile alone can tell: a
    filter on skills is decided by the store, in the take's transaction, with the skills as they are."""
    return bool(plan.filter_skill_ids) or passes(plan.filter, profile_values(performer.profile), {})


FILTERED = "This pool's filter does not let you take its tasks (your languages, country, skills or other profile " \
           "fields do not match)"


def check_may_work_in(performer: PerformerRecord, plan: PoolPlan) -> None:
    if not may_work_in(performer, plan):
        raise AccessDeniedProblem(FILTERED, {"reason": "FILTER"})


def access_refused(reason: str, training_pool_id: int | None) -> AccessDeniedProblem:
    """A take refused by what the store found: a restriction, the filter's skills, a training to pass."""
    if reason == "RESTRICTED":
        return AccessDeniedProblem("You are restricted from this pool (by its owner or one of its quality-control "
                                   "rules) for now", {"reason": "RESTRICTED"})
    if reason == "TRAINING_REQUIRED":
        return AccessDeniedProblem(f"This pool admits performers who passed training {training_pool_id}: take its "
                                   "suites first (it is in GET /api/performer/v1/pools)",
                                   {"reason": "TRAINING_REQUIRED", "training_pool_id": str(training_pool_id)})
    return AccessDeniedProblem(FILTERED, {"reason": "FILTER"})


def assignment_seq(raw_id: str) -> tuple[int, int]:
    """`(pool id, seq)` of an assignment id from a path; a malformed id is simply not found."""
    parsed = parse_task_id(raw_id)
    if parsed is None:
        raise not_yours(raw_id)
    return parsed


def not_yours(raw_id: str) -> NotFoundProblem:
    return NotFoundProblem(f"You have no assignment with id {raw_id!r:.80}")


def no_tasks(pool_id: int) -> ConflictProblem:
    return ConflictProblem(f"Pool {pool_id} has no task suite left for you now; try again later or another pool",
                           code="NO_TASKS_AVAILABLE")


def pool_not_open(pool_id: int) -> NotFoundProblem:
    return NotFoundProblem(f"There is no open pool {pool_id}: see GET /api/performer/v1/pools for the pools you "
                           "can work in")
