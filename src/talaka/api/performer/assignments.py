"""The performer's assignments: take a task suite, read, list, submit and skip."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from talaka import metrics
from talaka.api.context import Api
from talaka.api.http import int_param, json_bytes, page, read_body, read_object, validation_error
from talaka.api.performer.context import (
    access_refused,
    assignment_seq,
    check_may_work_in,
    no_tasks,
    not_yours,
    performer_authorized,
    pool_not_open,
)
from talaka.core.assignments import (
    STATUSES,
    AssignedTask,
    AssignmentRecord,
    performer_json,
)
from talaka.core.errors import ConflictProblem, FieldError, ValidationProblem
from talaka.core.filters import profile_values
from talaka.core.ids import parse_numeric_id, parse_task_id
from talaka.core.pool_plan import PoolPlan
from talaka.core.timefmt import now_text
from talaka.store.work_records import (
    ACCESS_REFUSALS,
    REFUSED_BUSY,
    REFUSED_NO_TASKS,
    REFUSED_NOT_FOUND,
    REFUSED_NOT_OPEN,
    PerformerRecord,
    StalePlan,
    WorkOutcome,
)

LIST_PARAMS = frozenset({"status", "pool_id", "id_gt", "limit", "sort"})
MAX_LIST = 1000
STALE_RETRIES = 3
BUSY_RETRIES = 12
"""Takes tried while other takes hold the last open tasks (a few ms each, growing), then 409."""


async def _plan(api: Api, pool_id: int, *, stale: bool = False) -> PoolPlan:
    """The pool's compiled plan; `stale`: the store found the cached one out of date."""
    plan = await (api.plans.reload(pool_id) if stale else api.plans.get(pool_id))
    if plan is None:
        raise pool_not_open(pool_id)
    return plan


def _answer(record: AssignmentRecord, tasks: list[AssignedTask], plan: PoolPlan, status: int = 200,
            feedback: bytes | None = None) -> Response:
    return json_bytes(performer_json(record, tasks, plan.project_id, plan.task_spec_json, plan.instructions_json,
                                     feedback), status)


def _pool_id(body: dict[str, Any]) -> int:
    errors = {name: FieldError("VALUE_NOT_ALLOWED", "Unknown field; a take has only pool_id")
              for name in body.keys() - {"pool_id"}}
    value = body.get("pool_id")
    pool_id = parse_numeric_id(str(value)) if type(value) in (str, int) else None
    if pool_id is None:
        errors["pool_id"] = FieldError("VALUE_REQUIRED", "Expected the pool's id as a string, like \"12\"")
    if errors:
        raise validation_error(errors, "take")
    assert pool_id is not None
    return pool_id


def count_expiry(outcome: WorkOutcome) -> None:
    """An overdue suite a take, submit or skip expired (committed, whatever the answer is)."""
    if outcome.expired:
        metrics.SUITES_EXPIRED.inc()


async def take(request: Request) -> Response:
    api, performer = await performer_authorized(request)
    pool_id = _pool_id(await read_object(request, api.settings.max_performer_body_bytes, "take"))
    plan = await _plan(api, pool_id)
    profile = profile_values(performer.profile)
    for attempt in range(BUSY_RETRIES):
        check_may_work_in(performer, plan)
        try:
            outcome = await api.store.take(performer.no, performer.id, profile, plan, now_text())
        except StalePlan:
            plan = await _plan(api, pool_id, stale=True)
            continue
        count_expiry(outcome)
        if outcome.refusal == REFUSED_BUSY:
            await asyncio.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
            continue
        if outcome.refusal == REFUSED_NOT_OPEN:
            raise pool_not_open(pool_id)
        if outcome.refusal in ACCESS_REFUSALS:
            raise access_refused(outcome.refusal, outcome.training_pool_id)
        if outcome.refusal == REFUSED_NO_TASKS or outcome.record is None:
            raise no_tasks(pool_id)
        if outcome.created:
            metrics.SUITES_TAKEN.inc()
        return _answer(outcome.record, outcome.tasks, plan, 201 if outcome.created else 200)
    raise no_tasks(pool_id)


async def _own(api: Api, performer: PerformerRecord, raw_id: str) -> tuple[AssignmentRecord, list[AssignedTask]]:
    pool_id, seq = assignment_seq(raw_id)
    found = await api.store.get_assignment(seq)
    if found is None or found[0].performer_no != performer.no or found[0].pool_id != pool_id:
        raise not_yours(raw_id)
    return found


async def get_assignment(request: Request) -> Response:
    api, performer = await performer_authorized(request)
    record, tasks = await _own(api, performer, request.path_params["assignment_id"])
    return _answer(record, tasks, await _plan(api, record.pool_id))


def _statuses(raw: str | None) -> list[str]:
    if raw is None:
        return []
    statuses = [value.strip().upper() for value in raw.split(",") if value.strip()]
    unknown = [value for value in statuses if value not in STATUSES]
    if unknown:
        raise ValidationProblem(f"Unknown status {unknown[0]!r:.40}; statuses: {', '.join(STATUSES)}",
                                {"status": FieldError("INVALID_VALUE", "Expected a comma list of: "
                                                      + ", ".join(STATUSES))})
    return statuses


async def list_assignments(request: Request) -> Response:
    api, performer = await performer_authorized(request, LIST_PARAMS)
    params = request.query_params
    pool_id = None
    if "pool_id" in params:
        pool_id = parse_numeric_id(params["pool_id"])
        if pool_id is None:
            raise ValidationProblem("pool_id must be a pool's id", {"pool_id": FieldError("INVALID_VALUE",
                                                                                          "Expected a pool id")})
    id_gt = parse_task_id(params["id_gt"]) if "id_gt" in params else None
    if "id_gt" in params and id_gt is None:
        raise ValidationProblem("id_gt must be an assignment id", {"id_gt": FieldError("INVALID_VALUE",
                                                                                       "Expected an assignment id")})
    sort = params.get("sort")
    if sort not in (None, "id", "-id"):
        raise ValidationProblem("sort takes id (oldest first) or -id (newest first, the default)",
                                {"sort": FieldError("VALUE_NOT_ALLOWED", "Expected id or -id")})
    limit = int_param(params, "limit", low=1, high=MAX_LIST) or 50
    found, has_more = await api.store.find_performer_assignments(
        performer.no, _statuses(params.get("status")), pool_id, id_gt, limit, sort == "id")
    items = []
    for record, tasks in found:
        plan = await _plan(api, record.pool_id)
        items.append(performer_json(record, tasks, plan.project_id, plan.task_spec_json, plan.instructions_json))
    return page(items, has_more)


def _refused(outcome: WorkOutcome, raw_id: str) -> ConflictProblem:
    if outcome.refusal == REFUSED_NOT_FOUND or outcome.record is None:
        raise not_yours(raw_id)
    status = outcome.record.status
    message = (f"The assignment expired at {outcome.record.expires}: its tasks went back to the pool"
               if status == "EXPIRED" else f"The assignment is {status}, not ACTIVE")
    return ConflictProblem(message, {"status": status, "appropriate_statuses": ["ACTIVE"]},
                           code="INAPPROPRIATE_STATUS")


async def submit(request: Request) -> Response:
    """The answers are checked and stored by one write (`talaka.store.work.submit`): no read
    before it, since the pool (and so the output spec) is named by the assignment's id."""
    api, performer = await performer_authorized(request)
    raw_id = request.path_params["assignment_id"]
    pool_id, seq = assignment_seq(raw_id)
    plan = await api.plans.get(pool_id)
    if plan is None:
        raise not_yours(raw_id)
    body = await read_object(request, api.settings.max_performer_body_bytes, "submit")
    for _ in range(STALE_RETRIES):
        now = now_text()
        try:
            outcome = await api.store.submit(performer.no, performer.id, seq, plan, body, now)
        except StalePlan:
            plan = await _plan(api, pool_id, stale=True)
            continue
        count_expiry(outcome)
        if outcome.errors:
            raise validation_error(outcome.errors, "submit")
        if outcome.refusal is not None or outcome.record is None:
            raise _refused(outcome, raw_id)
        if outcome.record.submitted == now:  # not a repeat of a submit that went through before
            metrics.SUITES_SUBMITTED.inc()
        return _answer(outcome.record, outcome.tasks, plan, feedback=outcome.feedback)
    raise ConflictProblem("The pool kept changing while the answers were being checked; try again",
                          code="CONFLICT_STATE")


async def skip(request: Request) -> Response:
    api, performer = await performer_authorized(request)
    raw_id = request.path_params["assignment_id"]
    record, _ = await _own(api, performer, raw_id)
    await read_body(request, api.settings.max_performer_body_bytes)
    outcome = await api.store.skip(performer.no, record.seq, now_text())
    count_expiry(outcome)
    if outcome.refusal is not None or outcome.record is None:
        raise _refused(outcome, raw_id)
    return _answer(outcome.record, outcome.tasks, await _plan(api, record.pool_id))
