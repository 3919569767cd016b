"""`GET /openapi.json`: the OpenAPI 3.1 description of everything served under `/api`.

Fuzzers (schemathesis) and client generators take the document at its word, so it describes what
the routes really answer, not what Toloka documents, and every error is the one
`{request_id, code, message, payload}` envelope. It is built from Python data in small functions,
one module per part of the API: `objects` (projects, pools, tasks, operations), `work` (the
requester's side of the work loop), `performer` (the performer API), all from the blocks in
`schema`. The search parameters come from the same `Resource` tables the parser uses, so a filter
cannot be served without being described. The bytes are encoded once at import: the document
cannot change while a process runs.
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka import __version__
from talaka.api.http import json_bytes
from talaka.api.openapi import aggregation, objects, performer, trainings, users, work
from talaka.api.openapi.schema import (
    ANY_OBJECT,
    PERFORMER_V1,
    REQUESTER_SCHEME,
    V1,
    Schema,
    common_schemas,
    json_response,
    op,
    page_of,
    path_parameter,
    ref,
    shared_components,
)

PAGES = ("Project", "Pool", "Task", "TaskSuite", "Operation", "Assignment")
TAGS = {V1 + "/": None, PERFORMER_V1 + "/": "performer", "/api/staging/": "analytics",
        "/api/new/requester/": "assignments"}


def components() -> Schema:
    schemas = (common_schemas() | objects.field_spec_schemas() | objects.project_schemas()
               | objects.pool_schemas() | objects.task_schemas() | objects.operation_schemas()
               | work.work_schemas() | performer.performer_api_schemas() | users.users_schemas()
               | trainings.trainings_schemas() | aggregation.aggregation_schemas())
    schemas |= {f"{name}Page": page_of(name) for name in PAGES}
    parameters = {
        "ProjectId": path_parameter("project_id", "A project"), "PoolId": path_parameter("pool_id", "A pool"),
        "TaskId": path_parameter("task_id", "A task (or task suite)"),
        "OperationId": path_parameter("operation_id", "An operation"),
        "AssignmentId": path_parameter("assignment_id", "An assignment"),
        "UserId": path_parameter("user_id", "A performer")}
    return {"schemas": schemas, "parameters": parameters, **shared_components()}


def tag_of(path: str) -> str:
    """The resource a path belongs to: the first segment under `/api/v1`, else the API it is part of."""
    for prefix, tag in TAGS.items():
        if path.startswith(prefix):
            return tag or path.removeprefix(prefix).split("/")[0]
    return "meta"


def paths() -> dict[str, Schema]:
    """Every route, tagged by its resource; `/openapi.json` itself needs no token."""
    found = ({f"{V1}/requester": {"get": op("get_requester", "Who the token belongs to", {
                 200: json_response("The requester", ref("Requester"))})}}
             | objects.project_paths() | objects.pool_paths() | objects.task_paths("Task", "tasks", "task")
             | objects.task_paths("TaskSuite", "task-suites", "task_suite") | objects.operation_paths()
             | work.work_paths() | performer.performer_api_paths() | users.users_paths()
             | trainings.trainings_paths() | aggregation.aggregation_paths())
    for path, item in found.items():
        for method, operation in item.items():
            if method != "parameters":
                operation["tags"] = [tag_of(path)]
    found["/openapi.json"] = {"get": {
        "operationId": "get_openapi", "summary": "This document", "tags": ["meta"], "security": [],
        "responses": {"200": json_response("OpenAPI 3.1", ANY_OBJECT)}}}
    return found


def build_document() -> Schema:
    """The whole OpenAPI 3.1 document as plain data (what `/openapi.json` serves, encoded)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Talaka", "version": __version__, "description": (
            "Self-hosted task pools over the Toloka API v1 wire format (requesters, under /api/v1), and "
            "Talaka's own performer API (under /api/performer/v1, with a performer's token). Every error "
            "body is {request_id, code, message, payload}; times are naive UTC ISO 8601.")},
        "servers": [{"url": "/"}], "security": [{REQUESTER_SCHEME: []}], "paths": paths(),
        "components": components(),
    }


DOCUMENT = msgspec.json.encode(build_document())


async def openapi_json(request: Request) -> Response:
    return json_bytes(DOCUMENT)


routes = [Route("/openapi.json", openapi_json, methods=["GET"])]
