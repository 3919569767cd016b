"""Trainings: create, get, find, update, and the open / close / archive / clone operations.

A training is a pool row marked as one (see `talaka.core.trainings`), so its checks and status
changes are the pools' (`talaka.api.pools`), with its own operation types and `training_id`
parameters. A regular pool's id is not found here, and a training is never in `GET /v1/pools`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import json_bytes, read_object, resource
from talaka.api.objects import finder, finished_operation, path_id
from talaka.api.operations import not_found, operation_json
from talaka.api.pools import change_status, checked_project, replace_settings
from talaka.api.search_params import Resource, numeric_id, text, timestamp
from talaka.core.errors import ConflictProblem
from talaka.core.ids import MAX_POOL_ID
from talaka.core.stored import with_id
from talaka.core.timefmt import now_text
from talaka.core.trainings import (
    check_training,
    cloned_training,
    is_training,
    stored_training,
    updated_training,
)
from talaka.store.base import OperationRecord, PoolRecord, Requester

TRAININGS = Resource(equals={"status": text, "project_id": numeric_id},
                     ranges={"id": numeric_id, "created": timestamp, "last_started": timestamp},
                     sort_keys=frozenset({"id", "created", "last_started"}), default_limit=20, max_limit=300)
_encode = msgspec.json.encode
_decode = msgspec.json.decode


async def _training(api: Api, requester: Requester, raw_id: str) -> PoolRecord:
    record = await api.store.get_pool(requester.id, path_id(raw_id))
    if record is None or not is_training(record.body):
        raise not_found("training", raw_id)
    return record


async def _create(api: Api, requester: Requester, project_id: int, training: dict[str, Any], created: str,
                  clone: OperationRecord | None = None) -> tuple[int, bytes]:
    stored = _encode(training)
    training_id = await api.store.create_training(requester.id, project_id, stored, created,
                                                  training["private_name"], clone)
    if training_id > MAX_POOL_ID:
        raise ConflictProblem("This database has run out of pool ids", code="CONFLICT_STATE")
    return training_id, stored


async def create_training(request: Request) -> Response:
    api, requester = await authorized(request)
    body = await read_object(request, api.settings.max_body_bytes, "training")
    project_id = await checked_project(api, requester, body, check_training(body), "training")
    created = now_text()
    training_id, stored = await _create(api, requester, project_id,
                                        stored_training(body, requester_id=requester.id, created=created), created)
    return json_bytes(with_id(str(training_id), stored), 201)


async def get_training(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _training(api, requester, request.path_params["training_id"])
    return json_bytes(with_id(str(record.id), record.body))


async def update_training(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _training(api, requester, request.path_params["training_id"])
    body = await read_object(request, api.settings.max_body_bytes, "training")
    project_id = await checked_project(api, requester, body, check_training(body), "training")
    return await replace_settings(api, requester, record, project_id,
                                  updated_training(_decode(record.body), body), "training")


async def clone_training(request: Request) -> Response:
    """A new closed training with the settings of this one and no tasks, made by a finished operation."""
    api, requester = await authorized(request)
    record = await _training(api, requester, request.path_params["training_id"])
    project = await api.store.get_project(requester.id, record.project_id)
    if project is None or project.status != "ACTIVE":
        raise ConflictProblem("The training's project is archived: a clone needs an active project",
                              code="INAPPROPRIATE_STATUS")
    operation = finished_operation(requester.id, "TRAINING.CLONE", {"training_id": str(record.id)})
    clone = cloned_training(_decode(record.body), requester_id=requester.id, created=operation.submitted)
    await _create(api, requester, record.project_id, clone, operation.submitted, operation)
    return json_bytes(operation_json(operation), 202)


def _status_change(target: str, operation_type: str) -> Any:
    async def change(request: Request) -> Response:
        api, requester = await authorized(request)
        record = await _training(api, requester, request.path_params["training_id"])
        return await change_status(api, requester, record, target, operation_type,
                                   {"training_id": str(record.id)}, "training")

    return change


routes = [
    resource("/trainings", POST=create_training, GET=finder(TRAININGS, lambda store: store.find_trainings)),
    resource("/trainings/{training_id}", GET=get_training, PUT=update_training),
    resource("/trainings/{training_id}/open", POST=_status_change("OPEN", "TRAINING.OPEN")),
    resource("/trainings/{training_id}/close", POST=_status_change("CLOSED", "TRAINING.CLOSE")),
    resource("/trainings/{training_id}/archive", POST=_status_change("ARCHIVED", "TRAINING.ARCHIVE")),
    resource("/trainings/{training_id}/clone", POST=clone_training),
]
