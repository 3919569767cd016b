"""Pools: create, get, find, update, patch, and the open / close / archive operations.

A training's id is a pool id too: get, counts and the status changes serve it here as well (toloka-kit
tutorials call `open_pool(training.id)`), but a pool's body would overwrite a training's settings, so
update and patch refuse it. The project check and the status changes are shared with `trainings`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import (
    json_bytes,
    json_value,
    no_content,
    read_checked,
    read_object,
    resource,
    validation_error,
)
from talaka.api.objects import finder, finished_operation, path_id
from talaka.api.operations import not_found, operation_json
from talaka.api.search_params import POOLS
from talaka.core.errors import ConflictProblem, FieldError, FieldErrors
from talaka.core.ids import MAX_POOL_ID, parse_numeric_id
from talaka.core.pools import check_pool, check_pool_patch, pool_body_with_status, stored_pool, updated_pool
from talaka.core.quality.config import compile_rules, training_requirement
from talaka.core.stored import with_id
from talaka.core.timefmt import format_time, now_text
from talaka.core.trainings import is_training
from talaka.store.base import PoolRecord, Requester

_encode = msgspec.json.encode
_decode = msgspec.json.decode

PROGRESS_WINDOW_SECONDS = 300
"""The progress reports the answers submitted over this many seconds, the rate a finishing time is
estimated from."""


async def _pool(api: Api, requester: Requester, raw_id: str) -> PoolRecord:
    record = await api.store.get_pool(requester.id, path_id(raw_id))
    if record is None:
        raise not_found("pool", raw_id)
    return record


async def _regular_pool(api: Api, requester: Requester, raw_id: str) -> PoolRecord:
    record = await _pool(api, requester, raw_id)
    if is_training(record.body):
        raise ConflictProblem(f"Pool {record.id} is a training: change it with PUT /v1/trainings/{record.id}",
                              code="CONFLICT_STATE")
    return record


async def checked_project(api: Api, requester: Requester, body: dict[str, Any], errors: FieldErrors,
                          what: str) -> int:
    """Check the project of a create or update body whose own problems are `errors`; return its id."""
    project_id = parse_numeric_id(body["project_id"]) if isinstance(body.get("project_id"), str) else None
    if "project_id" not in errors:
        project = await api.store.get_project(requester.id, project_id) if project_id is not None else None
        if project is None:
            errors["project_id"] = FieldError("ENTITY_DOES_NOT_EXIST", "Entity does not exist: no project "
                                              "with this id is yours")
        elif project.status != "ACTIVE":
            errors["project_id"] = FieldError("INAPPROPRIATE_STATUS", "The project is archived")
    if errors:
        raise validation_error(errors, what)
    assert project_id is not None
    return project_id


async def checked_pool(api: Api, requester: Requester, body: dict[str, Any]) -> int:
    """Check a pool body, the objects its quality control names (the training it requires, the
    skills its rules set: the requester's own), and its project; return the project's id."""
    errors = check_pool(body)
    quality = body.get("quality_control")
    requirement = training_requirement(quality) if not errors else None
    if requirement is not None:
        training = await api.store.get_pool(requester.id, requirement[0])
        if training is None or not is_training(training.body):
            errors["quality_control.training_requirement.training_pool_id"] = FieldError(
                "ENTITY_DOES_NOT_EXIST", "Entity does not exist: no training with this id is yours")
    for skill_id in (compile_rules(quality).skill_ids if not errors else ()):
        if await api.store.get_skill(requester.id, skill_id) is None:
            errors["quality_control.configs"] = FieldError(
                "ENTITY_DOES_NOT_EXIST", f"A rule sets skill {skill_id}, which is not one of your skills")
    return await checked_project(api, requester, body, errors, "pool")


async def create_pool(request: Request) -> Response:
    api, requester = await authorized(request, frozenset({"storage_key"}))
    body = await read_object(request, api.settings.max_body_bytes, "pool")
    project_id = await checked_pool(api, requester, body)
    created = now_text()
    stored = _encode(stored_pool(body, requester_id=requester.id, status="CLOSED", created=created))
    pool_id = await api.store.create_pool(requester.id, project_id, stored, created)
    if pool_id > MAX_POOL_ID:
        raise ConflictProblem("This database has run out of pool ids", code="CONFLICT_STATE")
    return json_bytes(with_id(str(pool_id), stored), 201)


async def get_pool(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _pool(api, requester, request.path_params["pool_id"])
    return json_bytes(with_id(str(record.id), record.body))


async def update_pool(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _regular_pool(api, requester, request.path_params["pool_id"])
    body = await read_object(request, api.settings.max_body_bytes, "pool")
    project_id = await checked_pool(api, requester, body)
    return await replace_settings(api, requester, record, project_id,
                                  updated_pool(_decode(record.body), body), "pool")


async def replace_settings(api: Api, requester: Requester, record: PoolRecord, project_id: int,
                           updated: dict[str, Any], kind: str) -> Response:
    """Store a checked full update of a pool or training (`kind`) whose body names `project_id`; either
    stays in the project it was made in."""
    if project_id != record.project_id:
        raise validation_error({"project_id": FieldError("VALUE_NOT_ALLOWED", f"A {kind} cannot move to "
                                                         "another project")}, kind)
    return await _replace(api, requester, record, updated)


async def _replace(api: Api, requester: Requester, record: PoolRecord, pool: dict[str, Any]) -> Response:
    stored = _encode(pool)
    await api.store.replace_pool(requester.id, record.id, record.status, stored, None)
    return json_bytes(with_id(str(record.id), stored))


async def patch_pool(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _regular_pool(api, requester, request.path_params["pool_id"])
    body = await read_checked(request, api.settings.max_body_bytes, "pool patch", check_pool_patch)
    pool: dict[str, Any] = _decode(record.body)
    pool.update(body)
    return await _replace(api, requester, record, pool)


async def pool_counts(request: Request) -> Response:
    """Talaka's extension: how many tasks, golden tasks and task suites a pool holds."""
    api, requester = await authorized(request)
    record = await _pool(api, requester, request.path_params["pool_id"])
    return json_value({"pool_id": str(record.id), "task_count": record.task_count,
                       "golden_count": record.golden_count, "task_suite_count": record.suite_count})


async def pool_progress(request: Request) -> Response:
    """Talaka's extension: what a page watching a pool needs every few seconds, read in one snapshot
    and without the operation that each `POST /staging/analytics-2` leaves behind."""
    api, requester = await authorized(request)
    record = await _pool(api, requester, request.path_params["pool_id"])
    now = datetime.now(UTC)
    since = format_time(now - timedelta(seconds=PROGRESS_WINDOW_SECONDS))
    figures = await api.store.pool_progress(record.id, since)
    pool = msgspec.json.decode(record.body)
    return json_value({"pool_id": str(record.id), "status": record.status,
                       "last_close_reason": pool.get("last_close_reason"), "now": format_time(now),
                       "window_seconds": PROGRESS_WINDOW_SECONDS, **figures})


async def change_status(api: Api, requester: Requester, record: PoolRecord, target: str, operation_type: str,
                        parameters: dict[str, str], kind: str) -> Response:
    """Move a pool or training (`kind`) to `target`: 204 if it is there, else a finished operation."""
    if record.status == target:
        return no_content()
    if record.status == "ARCHIVED":
        raise ConflictProblem(f"The {kind} is archived; archived {kind}s cannot change status",
                              code="POOL_INAPPROPRIATE_STATUS")
    if target == "OPEN" and record.task_count + record.suite_count == 0:
        raise ConflictProblem(f"The {kind} contains no tasks. Operation is not allowed: add tasks first",
                              code="EMPTY_POOL")
    if target == "ARCHIVED" and record.status == "OPEN":
        raise ConflictProblem(f"The {kind} is open: close it before archiving it", code="POOL_INAPPROPRIATE_STATUS")
    operation = finished_operation(requester.id, operation_type, parameters)
    stored = pool_body_with_status(record.body, target, operation.submitted)
    await api.store.replace_pool(requester.id, record.id, target, stored, operation)
    return json_bytes(operation_json(operation), 202)


def _status_change(target: str, operation_type: str) -> Any:
    async def change(request: Request) -> Response:
        api, requester = await authorized(request)
        record = await _pool(api, requester, request.path_params["pool_id"])
        return await change_status(api, requester, record, target, operation_type, {"pool_id": str(record.id)},
                                   "pool")

    return change


routes = [
    resource("/pools", POST=create_pool, GET=finder(POOLS, lambda store: store.find_pools)),
    resource("/pools/{pool_id}", GET=get_pool, PUT=update_pool, PATCH=patch_pool),
    resource("/pools/{pool_id}/counts", GET=pool_counts),
    resource("/pools/{pool_id}/progress", GET=pool_progress),
    resource("/pools/{pool_id}/open", POST=_status_change("OPEN", "POOL.OPEN")),
    resource("/pools/{pool_id}/close", POST=_status_change("CLOSED", "POOL.CLOSE")),
    resource("/pools/{pool_id}/archive", POST=_status_change("ARCHIVED", "POOL.ARCHIVE")),
]
