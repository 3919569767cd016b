"""`POST /staging/analytics-2`: pool figures, answered as an `ANALYTICS` operation already finished.

toloka-kit waits on the operation and reads `details.value[*].result`; tutorials call it once a
loop, so every figure comes from one read of the pool's assignments and counters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import json_bytes, read_body, resource, validation_error
from talaka.api.objects import finished_operation
from talaka.api.operations import not_found, operation_json
from talaka.api.performer.context import may_work_in
from talaka.core.batch import has_nul
from talaka.core.errors import FieldError, FieldErrors
from talaka.core.ids import parse_numeric_id
from talaka.core.timefmt import format_time, now_text
from talaka.store.base import Requester

MAX_REQUESTS = 10
MAX_INTERVAL_HOURS = 24 * 366 * 10
METRICS = frozenset({"completion_percentage", "submitted_assignments_count", "approved_assignments_count",
                     "rejected_assignments_count", "skipped_assignments_count", "expired_assignments_count",
                     "real_tasks_count", "spent_budget", "avg_submit_assignment_millis", "unique_workers_count",
                     "unique_submitters_count", "active_workers_by_filter_count", "estimated_assignments_count"})


def _requests(body: bytes) -> list[dict[str, Any]]:
    try:
        value = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise validation_error({"request": FieldError("JSON_EXPECTED", str(exc))}, "analytics request") from None
    if has_nul(body):
        raise validation_error({"request": FieldError("CHARACTER_NOT_ALLOWED", "NUL characters (\\u0000) are not "
                                                      "allowed")}, "analytics request")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_REQUESTS:
        raise validation_error({"request": FieldError("ARRAY_EXPECTED", f"Expected an array of 1 to {MAX_REQUESTS} "
                                                      "analytics requests")}, "analytics request")
    errors: FieldErrors = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            errors[str(index)] = FieldError("OBJECT_EXPECTED", "Expected {subject, subject_id, name}")
            continue
        if item.get("subject") != "POOL":
            errors[f"{index}.subject"] = FieldError("INVALID_VALUE", "Only POOL analytics are available")
        if not isinstance(item.get("name"), str) or item["name"] not in METRICS:
            errors[f"{index}.name"] = FieldError("INVALID_VALUE", "Expected one of: " + ", ".join(sorted(METRICS)))
        if not isinstance(item.get("subject_id"), str) or parse_numeric_id(item["subject_id"]) is None:
            errors[f"{index}.subject_id"] = FieldError("INVALID_VALUE", "Expected a pool id")
        hours = item.get("interval_hours")
        if item.get("name") == "active_workers_by_filter_count" and (
                type(hours) is not int or not 1 <= hours <= MAX_INTERVAL_HOURS):
            errors[f"{index}.interval_hours"] = FieldError(
                "VALUE_REQUIRED", f"A number of hours from 1 to {MAX_INTERVAL_HOURS} is required for "
                "active_workers_by_filter_count", [1, MAX_INTERVAL_HOURS])
    if errors:
        raise validation_error(errors, "analytics request")
    return value


async def _active_by_filter(api: Api, pool_id: int, hours: int) -> int:
    plan = await api.plans.get(pool_id)
    since = format_time(datetime.now(UTC) - timedelta(hours=hours))
    performers = await api.store.recent_performers(since)
    return sum(1 for performer in performers if plan is not None and may_work_in(performer, plan))


async def get_analytics(request: Request) -> Response:
    api, requester = await authorized(request)
    requests = _requests(await read_body(request, api.settings.max_performer_body_bytes))
    figures: dict[int, dict[str, Any]] = {}
    for item in requests:
        pool_id = parse_numeric_id(item["subject_id"])
        assert pool_id is not None
        if pool_id not in figures:
            figures[pool_id] = await _pool_figures(api, requester, pool_id, item["subject_id"])
    entries = []
    for item in requests:
        pool_id = parse_numeric_id(item["subject_id"])
        assert pool_id is not None
        name = item["name"]
        if name == "active_workers_by_filter_count":
            result: Any = await _active_by_filter(api, pool_id, item["interval_hours"])
        elif name == "completion_percentage":
            result = {"type": "NORMAL", "value": round(figures[pool_id][name], 2), "infinite": False,
                      "approximate": False}
        else:
            result = figures[pool_id][name]
        entries.append({"result": result, "request": item, "finished": now_text()})
    record = finished_operation(requester.id, "ANALYTICS", {"value": requests},
                                msgspec.json.encode({"value": entries}))
    await api.store.insert_operation(record, None)
    return json_bytes(operation_json(record), 202)


async def _pool_figures(api: Api, requester: Requester, pool_id: int, raw_id: str) -> dict[str, Any]:
    if not await api.store.owns_pool(requester.id, pool_id):
        raise not_found("pool", raw_id)
    return await api.store.pool_analytics(pool_id)


routes = [resource("/analytics-2", POST=get_analytics)]
