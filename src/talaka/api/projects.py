"""Projects: create, get, find, update, archive."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import json_bytes, no_content, read_checked, resource
from talaka.api.objects import finder, finished_operation, path_id
from talaka.api.operations import not_found, operation_json
from talaka.api.search_params import PROJECTS
from talaka.core.errors import ConflictProblem
from talaka.core.projects import check_project, stored_project
from talaka.core.stored import with_id
from talaka.core.timefmt import now_text
from talaka.store.base import ProjectRecord, Requester
from talaka.store.search import Search

_encode = msgspec.json.encode


async def _project(api: Api, requester: Requester, raw_id: str) -> ProjectRecord:
    record = await api.store.get_project(requester.id, path_id(raw_id))
    if record is None:
        raise not_found("project", raw_id)
    return record


async def create_project(request: Request) -> Response:
    api, requester = await authorized(request)
    body = await read_checked(request, api.settings.max_body_bytes, "project", check_project)
    created = now_text()
    stored = _encode(stored_project(body, status="ACTIVE", created=created))
    project_id = await api.store.create_project(requester.id, stored, created)
    return json_bytes(with_id(str(project_id), stored), 201)


async def get_project(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _project(api, requester, request.path_params["project_id"])
    return json_bytes(with_id(str(record.id), record.body))


async def update_project(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _project(api, requester, request.path_params["project_id"])
    body = await read_checked(request, api.settings.max_body_bytes, "project", check_project)
    old: dict[str, Any] = msgspec.json.decode(record.body)
    stored = _encode(stored_project(body, status=record.status, created=old["created"]))
    await api.store.replace_project(requester.id, record.id, record.status, stored, None)
    return json_bytes(with_id(str(record.id), stored))


async def archive_project(request: Request) -> Response:
    api, requester = await authorized(request)
    record = await _project(api, requester, request.path_params["project_id"])
    if record.status == "ARCHIVED":
        return no_content()
    still_open = Search(equals={"project_id": record.id, "status": "OPEN"}, limit=1)
    open_pools, _ = await api.store.find_pools(requester.id, still_open)
    open_trainings, _ = await api.store.find_trainings(requester.id, still_open)
    if open_pools or open_trainings:
        raise ConflictProblem("The project has open pools or trainings: close them before archiving the project",
                              code="INAPPROPRIATE_STATUS")
    body: dict[str, Any] = msgspec.json.decode(record.body)
    body["status"] = "ARCHIVED"
    operation = finished_operation(requester.id, "PROJECT.ARCHIVE", {"project_id": str(record.id)})
    await api.store.replace_project(requester.id, record.id, "ARCHIVED", _encode(body), operation)
    return json_bytes(operation_json(operation), 202)


routes = [
    resource("/projects", POST=create_project, GET=finder(PROJECTS, lambda store: store.find_projects)),
    resource("/projects/{project_id}", GET=get_project, PUT=update_project),
    resource("/projects/{project_id}/archive", POST=archive_project),
]
