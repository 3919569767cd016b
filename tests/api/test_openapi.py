"""`/openapi.json` is a valid OpenAPI 3.1 document, lists exactly the routes served, and its schemas
accept what the server really answers.

Fuzzers (schemathesis) take the document at its word: a route missing from it is never tested,
and a response schema stricter than the server is a false alarm on every run. So the app runs
in-process and a scenario that touches every documented operation checks each answer against
the schema documented for its status.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from starlette.exceptions import StarletteDeprecationWarning
from starlette.routing import BaseRoute, Mount, Route

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client; httpx 0.27 (pinned for toloka-kit) still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from talaka.api.app import create_app
from talaka.api.auth import token_hash
from talaka.config import Settings
from talaka.store import open_store

TOKEN = "openapi-test-token"
AUTH = {"Authorization": f"OAuth {TOKEN}"}
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
MAX_BODY = 64 * 1024
PROJECT: dict[str, Any] = {
    "public_name": "images", "public_description": "classify images", "private_comment": None,
    "assignments_issuing_type": None, "custom_field": {"kept": True},
    "task_spec": {"input_spec": {"image": {"type": "url", "required": True, "hidden": None}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}},
                  "view_spec": {"type": "classic", "markup": "{{img src=image}}"}}}


def image(pool_id: str, number: int, **extra: Any) -> dict[str, Any]:
    return {"pool_id": pool_id, "input_values": {"image": f"https://example.com/{number}.png"}, **extra}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'openapi.db'}"
    settings = Settings(database_url=url, max_body_bytes=MAX_BODY)
    store = open_store(url, settings)
    with TestClient(create_app(store, settings)) as test_client:
        assert test_client.portal is not None
        test_client.portal.call(store.create_requester, "alice", token_hash(TOKEN))
        yield test_client


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    found: dict[str, Any] = answer.json()
    return found


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["openapi"] == "3.1.0"
    scheme = document["components"]["securitySchemes"]["OAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")


def served(routes: list[BaseRoute], prefix: str = "") -> dict[str, set[str]]:
    """Path -> methods of every route, Mounts walked; HEAD is left out (Starlette adds it to each GET)."""
    found: dict[str, set[str]] = {}
    for route in routes:
        if isinstance(route, Mount):
            for path, methods in served(route.routes, prefix + route.path).items():
                found.setdefault(path, set()).update(methods)
        else:
            assert isinstance(route, Route) and route.methods is not None
            found.setdefault(prefix + route.path, set()).update(route.methods - {"HEAD"})
    return found


def test_the_document_lists_exactly_the_served_routes(client: TestClient, document: dict[str, Any]) -> None:
    starlette_app = client.app.app  # type: ignore[attr-defined]  # create_app wraps it in RequestIds
    first = starlette_app.routes[0]
    assert isinstance(first, Mount) and first.path == "/api/v1"
    routes = {path: methods for path, methods in served(starlette_app.routes).items()
              if path.startswith("/api/") or path == "/openapi.json"}  # the web page is HTML, not API
    described = {path: {method.upper() for method in item if method in METHODS}
                 for path, item in document["paths"].items()}
    assert any(path.startswith("/api/v1/") for path in routes)
    assert described == routes


class Checker:
    """Sends requests and checks each answer against the document; remembers what it exercised."""

    def __init__(self, client: TestClient, document: dict[str, Any]) -> None:
        self.client = client
        self.document = document
        self.exercised: set[tuple[str, str]] = set()

    def __call__(self, method: str, template: str, status: int, *, values: dict[str, str] | None = None,
                 auth: bool = True, some_invalid: bool = False, **kwargs: Any) -> Any:
        """Send one request, expect `status`, check the answer; a body that succeeds must fit its schema
        too (unless it carries invalid items on purpose), so the request schemas are not too strict."""
        if "json" in kwargs and status < 300 and not some_invalid:
            body = self.document["paths"][template][method.lower()]["requestBody"]["content"]
            self.validate(body["application/json"]["schema"], kwargs["json"])
        headers = (AUTH if auth else {}) | kwargs.pop("headers", {})
        answer = self.client.request(method, template.format(**(values or {})), headers=headers, **kwargs)
        assert answer.status_code == status, answer.text
        self.check(method.lower(), template, answer)
        return answer.json() if answer.content else None

    def validate(self, schema: dict[str, Any], value: Any) -> None:
        OAS31Validator({**schema, "components": self.document["components"]}).validate(value)

    def check(self, method: str, template: str, answer: httpx.Response) -> None:
        operation = self.document["paths"][template][method]
        documented = operation["responses"].get(str(answer.status_code))
        assert documented is not None, f"{method} {template} answered an undocumented {answer.status_code}"
        documented = self.resolve(documented)
        for name, header in documented.get("headers", {}).items():
            if self.resolve(header).get("required"):
                assert name.lower() in answer.headers, f"{name} missing from {method} {template}"
        content = documented.get("content")
        if content is None:
            assert answer.content == b""
        else:
            assert answer.headers["content-type"] == "application/json"
            self.validate(content["application/json"]["schema"], answer.json())
        self.exercised.add((method, template))

    def resolve(self, value: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in value:
            found: Any = self.document
            for part in value["$ref"].removeprefix("#/").split("/"):
                found = found[part]
            value = found
        return value


def test_answers_match_the_documented_schemas(client: TestClient, document: dict[str, Any]) -> None:
    call = Checker(client, document)
    call("GET", "/openapi.json", 200, auth=False)
    call("GET", "/api/v1/requester", 200)
    call("GET", "/api/v1/requester", 401, auth=False)
    call("GET", "/api/v1/requester", 400, params={"unknown": "1"})

    project = call("POST", "/api/v1/projects", 201, json=PROJECT)
    at_project = {"project_id": project["id"]}
    call("POST", "/api/v1/projects", 400, json={"public_name": 5})
    call("POST", "/api/v1/projects", 413, content=b"[" + b"1," * MAX_BODY + b"1]")
    call("POST", "/api/v1/projects", 415, content=b"{}", headers={"Content-Type": "text/plain"})
    call("GET", "/api/v1/projects/{project_id}", 200, values=at_project)
    call("GET", "/api/v1/projects/{project_id}", 404, values={"project_id": "no-such"})
    call("PUT", "/api/v1/projects/{project_id}", 200, values=at_project, json=PROJECT | {"public_name": "x"})
    call("GET", "/api/v1/projects", 200, params={"sort": "-created,id", "created_gte": "2020-01-01"})
    call("GET", "/api/v1/projects", 400, params={"limit": "0"})

    pool = call("POST", "/api/v1/pools", 201, params={"storage_key": "x"}, json={
        "project_id": project["id"], "private_name": "pool", "will_expire": "2030-01-01T12:00:00",
        "defaults": {"default_overlap_for_new_task_suites": 2}, "priority": None})
    pool_id = pool["id"]
    at_pool = {"pool_id": pool_id}
    call("PATCH", "/api/v1/pools/{pool_id}", 200, values=at_pool, json={"private_comment": None, "priority": 3})
    call("GET", "/api/v1/pools/{pool_id}/counts", 200, values=at_pool)
    call("PUT", "/api/v1/pools/{pool_id}", 200, values=at_pool,
         json={"project_id": project["id"], "private_name": "renamed",
               "defaults": {"default_overlap_for_new_tasks": 1, "default_overlap_for_new_task_suites": 2}})
    call("GET", "/api/v1/pools/{pool_id}", 200, values=at_pool)
    call("GET", "/api/v1/pools", 200, params={"project_id": project["id"], "status": "CLOSED"})
    call("POST", "/api/v1/pools/{pool_id}/open", 409, values=at_pool)

    sync = {"async_mode": "false"}
    task = call("POST", "/api/v1/tasks", 201, params=sync, json=image(pool_id, 0, overlap=2, extra_field=[1]))
    call("POST", "/api/v1/tasks", 201, params=sync | {"skip_invalid_items": "true"}, some_invalid=True, json=[
        image(pool_id, 1, infinite_overlap=True, known_solutions=[{"output_values": {"label": "cat"}}]),
        image(pool_id, 2, overlap=1, message_on_unknown_solution="see docs", reserved_for=["u1"]),
        {"pool_id": pool_id, "input_values": {"image": 5}}])
    call("POST", "/api/v1/tasks", 400, params=sync, json=[image(pool_id, 3)])
    call("POST", "/api/v1/tasks", 200, params={"dry_run": "true"}, some_invalid=True,
         json=[image(pool_id, 4), {"pool_id": "x"}])
    operation_id = str(uuid.uuid4())
    created = {"operation_id": operation_id, "allow_defaults": "true", "skip_invalid_items": "true"}
    operation = call("POST", "/api/v1/tasks", 202, params=created, some_invalid=True,
                     json=[image(pool_id, 5), [1]])
    call("POST", "/api/v1/tasks", 409, params=created, json=[image(pool_id, 5), [1]])
    at_operation = {"operation_id": operation["id"]}
    call("GET", "/api/v1/operations/{operation_id}", 200, values=at_operation)
    log = call("GET", "/api/v1/operations/{operation_id}/log", 200, values=at_operation)
    assert [item["success"] for item in log] == [True, False]
    call("GET", "/api/v1/operations/{operation_id}", 404, values={"operation_id": "nothing"})

    at_task = {"task_id": task["id"]}
    call("GET", "/api/v1/tasks", 200, params={"pool_id": pool_id, "sort": "id", "overlap_gte": "1"})
    call("GET", "/api/v1/tasks/{task_id}", 200, values=at_task)
    call("PATCH", "/api/v1/tasks/{task_id}", 200, values=at_task, json={"message_on_unknown_solution": None})
    call("PATCH", "/api/v1/tasks/{task_id}", 200, values=at_task, json={"infinite_overlap": True})
    call("PATCH", "/api/v1/tasks/{task_id}/set-overlap-or-min", 200, values=at_task, json={"overlap": 0})
    call("PATCH", "/api/v1/tasks/{task_id}/set-overlap-or-min", 400, values=at_task, json={"pool_id": "1"})

    suite_body = {"pool_id": pool_id, "issuing_order_override": 1.5,
                  "tasks": [{"input_values": {"image": "https://example.com/s.png"}}]}
    defaults = sync | {"allow_defaults": "true"}
    suite = call("POST", "/api/v1/task-suites", 201, params=defaults, json=suite_body)
    call("POST", "/api/v1/task-suites", 201, params=sync, json=[{**suite_body, "infinite_overlap": True}])
    at_suite = {"task_id": suite["id"]}
    call("GET", "/api/v1/task-suites", 200, params={"pool_id": pool_id, "limit": "1"})
    call("GET", "/api/v1/task-suites/{task_id}", 200, values=at_suite)
    call("GET", "/api/v1/task-suites/{task_id}", 404, values={"task_id": "0"})
    call("PATCH", "/api/v1/task-suites/{task_id}", 200, values=at_suite,
         json={"issuing_order_override": None})
    call("PATCH", "/api/v1/task-suites/{task_id}/set-overlap-or-min", 200, values=at_suite,
         json={"infinite_overlap": True})

    call("POST", "/api/v1/pools/{pool_id}/open", 202, values=at_pool)
    call("POST", "/api/v1/pools/{pool_id}/open", 204, values=at_pool)
    call("POST", "/api/v1/projects/{project_id}/archive", 409, values=at_project)
    call("POST", "/api/v1/pools/{pool_id}/archive", 409, values=at_pool)
    call("POST", "/api/v1/pools/{pool_id}/close", 202, values=at_pool)
    call("POST", "/api/v1/pools/{pool_id}/archive", 202, values=at_pool)
    call("POST", "/api/v1/projects/{project_id}/archive", 202, values=at_project)
    call("POST", "/api/v1/projects/{project_id}/archive", 204, values=at_project)
    call("GET", "/api/v1/operations", 200, params={"sort": "-submitted", "limit": "2", "type": "POOL.OPEN"})

    described = {(method, path) for path, item in document["paths"].items()
                 for method in item if method in METHODS}
    assert described - call.exercised == set()
