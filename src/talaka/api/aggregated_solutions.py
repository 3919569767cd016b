"""Aggregated solutions (`toloka-work-loop.md` section 5, `work-loop.md` 4.5).

`POST /aggregated-solutions/aggregate-by-pool` answers 202 with a `SOLUTION.AGGREGATE` operation that
a runner carries out (it survives a restart like task creation); `GET /aggregated-solutions/{operation_id}`
pages its results by task id, as toloka-kit's `get_aggregated_solutions` reads them.
`POST /aggregated-solutions/aggregate-by-task` aggregates one task's answers at once (201).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import json_bytes, page, read_object, resource, validation_error
from talaka.api.operations import not_found, operation_json
from talaka.api.search_params import AGGREGATED_SOLUTIONS, parse_search
from talaka.core.aggregation.request import (
    OPERATION_TYPE,
    WEIGHTED_DYNAMIC_OVERLAP,
    AggregationRequest,
    check_fields,
    check_request,
)
from talaka.core.errors import ConflictProblem
from talaka.core.ids import new_operation_id, parse_operation_id, parse_task_id
from talaka.core.timefmt import now_text
from talaka.store.base import OperationRecord, Requester

if TYPE_CHECKING:
    from talaka.core.aggregation.solutions import Solution

MAX_REQUEST_BYTES = 64 * 1024


async def _checked(api: Api, requester: Requester, body: dict[str, Any], *, by_task: bool) -> AggregationRequest:
    """The request, its pool the requester's own, its fields the project's output fields, its skill theirs."""
    checked = check_request(body, by_task=by_task)
    if checked.request is None:
        raise validation_error(checked.errors, "aggregation request")
    request = checked.request
    owned = await api.store.owns_pool(requester.id, request.pool_id)
    plan = await api.plans.get(request.pool_id) if owned else None
    if plan is None:
        raise not_found("pool", str(request.pool_id))
    errors = check_fields(request.fields, msgspec.json.decode(plan.task_spec_json)["output_spec"])
    if errors:
        raise validation_error(errors, "aggregation request")
    skill_id = request.answer_weight_skill_id
    if skill_id is not None and await api.store.get_skill(requester.id, skill_id) is None:
        raise not_found("skill", str(skill_id))
    return request


def solution_json(pool_id: str, solution: Solution) -> bytes:
    task_id, confidence, output_values = solution
    return b'{"pool_id":"%s","task_id":"%s","confidence":%s,"output_values":%s}' % (
        pool_id.encode(), task_id.encode(), msgspec.json.encode(confidence), output_values)


async def aggregate_by_pool(request: Request) -> Response:
    api, requester = await authorized(request)
    wanted = await _checked(api, requester, await read_object(request, MAX_REQUEST_BYTES, "aggregation request"),
                            by_task=False)
    record = OperationRecord(no=0, id=new_operation_id(), requester_id=requester.id, type=OPERATION_TYPE,
                             status="PENDING", is_sync=False, digest=None, submitted=now_text(), started=None,
                             finished=None, progress=0, cursor=0, parameters=wanted.parameters(), details=b"{}")
    record = await api.store.insert_operation(record, msgspec.json.encode(wanted))
    api.runner.wake()
    return json_bytes(operation_json(record), 202)


async def aggregate_by_task(request: Request) -> Response:
    from talaka.core.aggregation.solutions import aggregate  # NumPy loads with the first aggregation

    api, requester = await authorized(request)
    wanted = await _checked(api, requester, await read_object(request, MAX_REQUEST_BYTES, "aggregation request"),
                            by_task=True)
    assert wanted.task_id is not None, "checked requests by task name one"
    located = parse_task_id(wanted.task_id)
    table = (await api.store.task_answers(wanted.pool_id, located[1], wanted.fields)
             if located is not None and located[0] == wanted.pool_id else None)
    if table is None:
        raise not_found(f"task in pool {wanted.pool_id}", wanted.task_id)
    skill_values = None
    if wanted.type == WEIGHTED_DYNAMIC_OVERLAP and wanted.answer_weight_skill_id is not None:
        skill_values = await api.store.skill_values(wanted.answer_weight_skill_id)
    solutions = aggregate(table, wanted.type, wanted.fields, lambda keys: [wanted.task_id or ""] * len(keys),
                          skill_values)
    if not solutions:
        raise ConflictProblem(f"Task {wanted.task_id} has no answers from SUBMITTED or ACCEPTED assignments with a "
                              "value for the fields yet; aggregate it once performers have answered it",
                              {"task_id": wanted.task_id}, code="CONFLICT_STATE")
    return json_bytes(solution_json(str(wanted.pool_id), solutions[0]), 201)


async def find_aggregated_solutions(request: Request) -> Response:
    api, requester = await authorized(request, None)
    search = parse_search(request.query_params, AGGREGATED_SOLUTIONS)
    raw_id = request.path_params["operation_id"]
    known = parse_operation_id(raw_id)
    record = await api.store.get_operation(requester.id, known) if known else None
    if record is None or record.type != OPERATION_TYPE:
        raise not_found("aggregation operation", raw_id)
    if record.status != "SUCCESS":
        raise ConflictProblem(f"Operation {record.id} is {record.status}: its results can be read once it is "
                              f"SUCCESS (wait for it with GET /api/v1/operations/{record.id})",
                              {"status": record.status}, code="INAPPROPRIATE_STATUS")
    pool_id = str(msgspec.json.decode(record.parameters)["pool_id"])
    rows, has_more = await api.store.results_page(record.no, search)
    return page((solution_json(pool_id, row) for row in rows), has_more)


routes = [
    resource("/aggregated-solutions/aggregate-by-pool", POST=aggregate_by_pool),
    resource("/aggregated-solutions/aggregate-by-task", POST=aggregate_by_task),
    resource("/aggregated-solutions/{operation_id}", GET=find_aggregated_solutions),
]
