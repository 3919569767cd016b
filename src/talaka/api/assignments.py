"""Assignments as requesters see them: search, read, accept or reject, and the TSV export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from talaka.api.context import Api, authorized
from talaka.api.http import check_params, json_bytes, page, read_object, resource, validation_error
from talaka.api.operations import not_found
from talaka.api.search_params import ASSIGNMENTS, parse_search
from talaka.core.assignments import (
    MAX_COMMENT,
    AssignedTask,
    AssignmentRecord,
    requester_json,
    review_problem,
)
from talaka.core.errors import ConflictProblem, FieldError, FieldErrors
from talaka.core.ids import parse_task_id
from talaka.core.timefmt import now_text
from talaka.core.tsv import TsvLayout, parse_tsv_request
from talaka.store.base import Requester

EXPORT_CHUNK = 1000


async def _owned(api: Api, requester: Requester, raw_id: str) -> tuple[AssignmentRecord, list[AssignedTask]]:
    parsed = parse_task_id(raw_id)
    found = await api.store.get_assignment(parsed[1]) if parsed else None
    if (found is None or parsed is None or found[0].pool_id != parsed[0]
            or not await api.store.owns_pool(requester.id, parsed[0])):
        raise not_found("assignment", raw_id)
    return found


async def find_assignments(request: Request) -> Response:
    api, requester = await authorized(request, None)
    search = parse_search(request.query_params, ASSIGNMENTS)
    statuses = list(search.equals.pop("status", ()))
    found, has_more = await api.store.find_requester_assignments(requester.id, search, statuses)
    return page((requester_json(record, tasks, requester.id) for record, tasks in found), has_more)


async def get_assignment(request: Request) -> Response:
    api, requester = await authorized(request)
    record, tasks = await _owned(api, requester, request.path_params["assignment_id"])
    return json_bytes(requester_json(record, tasks, requester.id))


def _review_body(body: dict[str, Any]) -> tuple[str, str | None]:
    errors: FieldErrors = {name: FieldError("VALUE_NOT_ALLOWED", "Unknown field; a patch has status and "
                                            "public_comment") for name in body.keys() - {"status", "public_comment"}}
    status = body.get("status")
    if status not in ("ACCEPTED", "REJECTED"):
        errors["status"] = FieldError("INVALID_VALUE", "Expected ACCEPTED or REJECTED")
    comment = body.get("public_comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        errors["public_comment"] = FieldError("INVALID_VALUE", f"Expected a string of at most {MAX_COMMENT} "
                                              "characters")
    elif status == "REJECTED" and not (comment or "").strip():
        errors["public_comment"] = FieldError("VALUE_REQUIRED", "Say why you reject: the performer sees it")
    if errors:
        raise validation_error(errors, "assignment patch")
    assert isinstance(status, str)
    return status, comment


async def patch_assignment(request: Request) -> Response:
    api, requester = await authorized(request)
    raw_id = request.path_params["assignment_id"]
    target, comment = _review_body(await read_object(request, api.settings.max_performer_body_bytes,
                                                     "assignment patch"))
    record, _ = await _owned(api, requester, raw_id)
    problem = review_problem(record.status, target)
    if problem is None and not await api.store.review(record, target, comment, now_text()):
        record, _ = await _owned(api, requester, raw_id)
        problem = review_problem(record.status, target)
    if problem is not None:
        message, allowed = problem
        raise ConflictProblem(message, {"status": record.status, "appropriate_statuses": allowed},
                              code="INAPPROPRIATE_STATUS")
    record, tasks = await _owned(api, requester, raw_id)
    return json_bytes(requester_json(record, tasks, requester.id))


async def assignments_tsv(request: Request) -> Response:
    """`GET /new/requester/pools/{id}/assignments.tsv`, what toloka-kit's `get_assignments_df` reads:
    one row per task per assignment, streamed in chunks of assignments."""
    api, requester = await authorized(request, None)
    check_params(request.query_params, frozenset({"status", "startTimeFrom", "startTimeTo", "excludeBanned",
                                                  "field", "addRowDelimiter"}))
    raw_pool = request.path_params["pool_id"]
    options = parse_tsv_request(request.query_params)
    pool_id = int(raw_pool) if raw_pool.isdigit() and len(raw_pool) <= 18 else -1
    plan = await api.plans.get(pool_id) if await api.store.owns_pool(requester.id, pool_id) else None
    if plan is None:
        raise not_found("pool", raw_pool)
    task_spec: dict[str, Any] = msgspec.json.decode(plan.task_spec_json)
    layout = TsvLayout(list(task_spec["input_spec"]), list(task_spec["output_spec"]), options.fields,
                       f"{request.base_url}api/v1/assignments/")

    async def rows() -> AsyncIterator[bytes]:
        yield layout.header()
        after = 0
        while True:
            chunk = await api.store.pool_assignments(pool_id, options.statuses, after, options.submitted_from,
                                                     options.submitted_to, EXPORT_CHUNK)
            if not chunk:
                return
            yield b"".join(layout.rows(record, tasks) for record, tasks in chunk)
            after = chunk[-1][0].seq

    return StreamingResponse(rows(), media_type="text/tab-separated-values; charset=utf-8")


routes = [
    resource("/assignments", GET=find_assignments),
    resource("/assignments/{assignment_id}", GET=get_assignment, PATCH=patch_assignment),
]
tsv_routes = [resource("/pools/{pool_id}/assignments.tsv", GET=assignments_tsv)]
