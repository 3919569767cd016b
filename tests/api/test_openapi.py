"""`/openapi.json` is a valid OpenAPI 3.1 document, lists exactly the routes served, and its schemas
accept what the server really answers.

Fuzzers (schemathesis) take the document at its word: a route missing from it is never tested,
and a response schema stricter than the server is a false alarm on every run. So the app runs
in-process and a scenario that touches every documented operation checks each answer against
the schema documented for its status.
"""

from __future__ import annotations

import time
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

from talaka.api.analytics import MAX_REQUESTS, METRICS
from talaka.api.app import create_app
from talaka.api.auth import token_hash
from talaka.api.openapi import aggregation, performer, trainings, users, work
from talaka.config import Settings
from talaka.store import open_store
from tests.support.server import ServerProcess

TOKEN = "openapi-test-token"
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
MAX_BODY = 64 * 1024
TSV = "text/tab-separated-values"
WORK_PATHS = frozenset(work.work_paths()) | frozenset(performer.performer_api_paths())
ELSEWHERE = (frozenset(trainings.trainings_paths()) | frozenset(users.users_paths())
             | frozenset(aggregation.aggregation_paths()))
"""Paths whose answers are checked against the document by their own tests (tests/api/test_trainings.py,
tests/api/test_users_openapi.py, tests/api/test_aggregation_api.py)."""
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
    schemes = document["components"]["securitySchemes"]
    for scheme in (schemes["OAuth"], schemes["PerformerOAuth"]):
        assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert document["security"] == [{"OAuth": []}]
    for path, item in document["paths"].items():
        for method in METHODS & set(item):
            security = item[method].get("security", document["security"])
            if path.startswith("/api/performer/v1/"):
                assert security == [{"PerformerOAuth": []}], (method, path)
            elif path != "/openapi.json":
                assert security == [{"OAuth": []}], (method, path)
                assert "403" in item[method]["responses"], f"{method} {path}: a performer's token is refused"


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

    def __init__(self, client: TestClient | httpx.Client, document: dict[str, Any],
                 token: str = TOKEN) -> None:
        self.client = client
        self.document = document
        self.token = token
        self.exercised: set[tuple[str, str]] = set()

    def __call__(self, method: str, template: str, status: int, *, values: dict[str, str] | None = None,
                 auth: bool = True, token: str | None = None, some_invalid: bool = False,
                 **kwargs: Any) -> Any:
        """Send one request (with `token`, else the requester's; none if not `auth`), expect `status`, check
        the answer; a body that succeeds must fit its schema too (unless it carries invalid items on
        purpose), so the request schemas are not too strict."""
        if "json" in kwargs and status < 300 and not some_invalid:
            body = self.document["paths"][template][method.lower()]["requestBody"]["content"]
            self.validate(body["application/json"]["schema"], kwargs["json"])
        headers = {"Authorization": f"OAuth {token or self.token}"} if auth else {}
        headers |= kwargs.pop("headers", {})
        answer = self.client.request(method, template.format(**(values or {})), headers=headers, **kwargs)
        assert answer.status_code == status, answer.text
        self.check(method.lower(), template, answer)
        if answer.headers.get("content-type", "").startswith(TSV):
            return answer.text
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
        elif TSV in content:
            assert answer.headers["content-type"].split(";")[0] == TSV
            self.validate(content[TSV]["schema"], answer.text)
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


def operations(document: dict[str, Any], *, work: bool) -> set[tuple[str, str]]:
    """The documented operations of the work loop (`work`), or all the others."""
    return {(method, path) for path, item in document["paths"].items() for method in item
            if method in METHODS and path not in ELSEWHERE and (path in WORK_PATHS) == work}


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

    assert operations(document, work=False) - call.exercised == set()


# ------------------------------------------------------------------------------------------ the work loop

WORK_PROJECT: dict[str, Any] = PROJECT | {"public_instructions": "<p>Cats left, dogs right</p>"}
V1 = "/api/v1"
ME = "/api/performer/v1"
ONE_TASK_MIXER = {"real_tasks_count": 1, "golden_tasks_count": 0, "training_tasks_count": 0}
GOLDEN = {"known_solutions": [{"output_values": {"label": "cat"}}], "message_on_unknown_solution": "a cat",
          "infinite_overlap": True, "overlap": None}


def answers(count: int, label: str = "cat") -> dict[str, Any]:
    return {"solutions": [{"output_values": {"label": label}} for _ in range(count)]}


def images(*names: str, **fields: Any) -> list[dict[str, Any]]:
    return [{"input_values": {"image": f"https://example.com/{name}.png"}, **fields} for name in names]


def open_pool(call: Checker, project_id: str, tasks: list[dict[str, Any]], **settings: Any) -> str:
    """A pool of `tasks` (overlap 1 unless they say otherwise), opened by the create."""
    body = {"project_id": project_id, "private_name": "work"} | settings
    pool_id = str(call("POST", f"{V1}/pools", 201, json=body)["id"])
    items = [{"pool_id": pool_id, "overlap": 1, **task} for task in tasks]
    call("POST", f"{V1}/tasks", 201, params={"async_mode": "false", "open_pool": "true"}, json=items)
    return pool_id


def make_pools(call: Checker) -> dict[str, str]:
    """One project's pools: mixed with golden tasks, one task each (single, brief, French only), suites."""
    project = str(call("POST", f"{V1}/projects", 201, json=WORK_PROJECT)["id"])
    french = {"and": [{"category": "profile", "key": "languages", "operator": "IN", "value": "FR"}]}
    pools = {
        "mixed": open_pool(call, project, images("0", "1", "2", "3") + images("g0", "g1", **GOLDEN),
                           mixer_config=ONE_TASK_MIXER | {"real_tasks_count": 2, "golden_tasks_count": 1},
                           auto_accept_solutions=False, reward_per_assignment=0.05, priority=5),
        "single": open_pool(call, project, images("single"), mixer_config=ONE_TASK_MIXER),
        "brief": open_pool(call, project, images("brief"), mixer_config=ONE_TASK_MIXER,
                           assignment_max_duration_seconds=1),
        "french": open_pool(call, project, images("fr"), mixer_config=ONE_TASK_MIXER, filter=french)}
    suites = str(call("POST", f"{V1}/pools", 201, json={"project_id": project, "private_name": "s"})["id"])
    call("POST", f"{V1}/task-suites", 201, params={"async_mode": "false", "open_pool": "true"},
         json=[{"pool_id": suites, "overlap": 1, "tasks": images("s1", "s2")}])
    return pools | {"suites": suites}


def wait_status(call: Checker, token: str, assignment_id: str, status: str) -> dict[str, Any]:
    """The assignment once it reaches `status` (the sweeper's work, within seconds)."""
    deadline = time.monotonic() + 30
    found: dict[str, Any] = {}
    while time.monotonic() < deadline:
        found = call("GET", f"{ME}/assignments/{{assignment_id}}", 200, token=token,
                     values={"assignment_id": assignment_id})
        if found["status"] == status:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{assignment_id} is still {found.get('status')}, not {status}")


def performers(call: Checker) -> tuple[dict[str, Any], dict[str, Any]]:
    ann = call("POST", f"{V1}/performers", 201, json={"name": " Ann ", "languages": ["en", "de"],
                                                       "country": "gb", "adult_allowed": None})
    bob = call("POST", f"{V1}/performers", 201, json={"name": "Bob"})
    call("POST", f"{V1}/performers", 400, json={"name": " ", "languages": "EN", "nickname": "x"})
    call("POST", f"{V1}/performers", 403, token=ann["token"], json={"name": "Eve"})
    at_ann = {"user_id": ann["id"]}
    call("GET", f"{V1}/user-metadata/{{user_id}}", 200, values=at_ann)
    call("GET", f"{V1}/user-metadata/{{user_id}}", 404, values={"user_id": "0" * 32})
    call("GET", f"{V1}/user-metadata/{{user_id}}", 403, values=at_ann, token=bob["token"])
    return ann, bob


def performer_side(call: Checker, ann: str, bob: str, pools: dict[str, str]) -> tuple[str, str]:
    """Ann takes, answers and skips through every performer route, refusals included; Bob intrudes.
    Returns the ids of Ann's submitted and skipped assignments."""
    assert call("GET", f"{ME}/me", 200, token=ann)["languages"] == ["EN", "DE"]
    call("GET", f"{ME}/me", 403)
    call("GET", f"{ME}/me", 401, auth=False)
    offers = call("GET", f"{ME}/pools", 200, token=ann)["items"]
    offered = [offer["pool_id"] for offer in offers if offer["pool_id"] in pools.values()]  # other tests' too
    assert offered[0] == pools["mixed"] and pools["french"] not in offered
    call("GET", f"{ME}/pools", 400, token=ann, params={"page": "2"})

    take = f"{ME}/assignments"
    taken = call("POST", take, 201, token=ann, json={"pool_id": pools["mixed"]})
    assert call("POST", take, 200, token=ann, json={"pool_id": int(pools["mixed"])})["id"] == taken["id"]
    call("POST", take, 404, token=ann, json={"pool_id": "987654321"})
    call("POST", take, 400, token=ann, json={"pool_id": "x", "more": 1})
    refused = call("POST", take, 403, token=ann, json={"pool_id": pools["french"]})
    assert refused["payload"] == {"reason": "FILTER"}
    call("POST", take, 201, token=bob, json={"pool_id": pools["single"]})
    refused = call("POST", take, 409, token=ann, json={"pool_id": pools["single"]})
    assert refused["code"] == "NO_TASKS_AVAILABLE"
    call("POST", take, 403, json={"pool_id": pools["mixed"]})

    at_taken, count = {"assignment_id": taken["id"]}, len(taken["tasks"])
    call("GET", f"{ME}/assignments/{{assignment_id}}", 200, token=ann, values=at_taken)
    call("GET", f"{ME}/assignments/{{assignment_id}}", 404, token=bob, values=at_taken)
    submit = f"{ME}/assignments/{{assignment_id}}/submit"
    call("POST", submit, 400, token=ann, values=at_taken, json=answers(count + 1))
    call("POST", submit, 400, token=ann, values=at_taken, json=answers(count, "bird"))
    call("POST", submit, 404, token=bob, values=at_taken, json=answers(count))
    submitted = call("POST", submit, 200, token=ann, values=at_taken, json=answers(count))
    assert submitted["status"] == "SUBMITTED"
    call("POST", submit, 200, token=ann, values=at_taken, json=answers(count))
    call("POST", submit, 409, token=ann, values=at_taken, json=answers(count, "dog"))

    in_suite = call("POST", take, 201, token=ann, json={"pool_id": pools["suites"]})
    at_suite = {"assignment_id": in_suite["id"]}
    skip = f"{ME}/assignments/{{assignment_id}}/skip"
    call("POST", skip, 404, token=bob, values=at_suite)
    assert call("POST", skip, 200, token=ann, values=at_suite)["status"] == "SKIPPED"
    call("POST", skip, 409, token=ann, values=at_suite)
    call("POST", skip, 403, values=at_suite)
    mine = call("GET", take, 200, token=ann,
                params={"status": "SUBMITTED,SKIPPED", "sort": "id", "limit": "1", "pool_id": pools["mixed"]})
    assert [item["id"] for item in mine["items"]] == [taken["id"]]
    call("GET", take, 200, token=ann, params={"id_gt": taken["id"]})
    call("GET", take, 400, token=ann, params={"status": "DONE"})

    late = call("POST", take, 201, token=ann, json={"pool_id": pools["brief"]})
    wait_status(call, ann, late["id"], "EXPIRED")
    expired = call("POST", submit, 409, token=ann, values={"assignment_id": late["id"]}, json=answers(1))
    assert expired["code"] == "INAPPROPRIATE_STATUS" and expired["payload"]["status"] == "EXPIRED"
    call("POST", skip, 409, token=ann, values={"assignment_id": late["id"]})
    return taken["id"], in_suite["id"]


def requester_side(call: Checker, ann: dict[str, Any], pools: dict[str, str], taken: str,
                   skipped: str) -> None:
    """Find, read and review the assignments, export them and count them, refusals included."""
    mixed, as_ann = pools["mixed"], ann["token"]
    found = call("GET", f"{V1}/assignments", 200, params={
        "pool_id": mixed, "status": "SUBMITTED,ACCEPTED", "sort": "-created,id", "created_gte": "2020-01-01",
        "user_id": ann["id"], "limit": "10"})
    assert [item["id"] for item in found["items"]] == [taken]
    assert any("known_solutions" in task for task in found["items"][0]["tasks"])
    call("GET", f"{V1}/assignments", 200, params={"task_suite_id": skipped, "status": "SKIPPED"})
    call("GET", f"{V1}/assignments", 200, params={"pool_id": pools["brief"], "expired_lte": "2100-01-01"})
    call("GET", f"{V1}/assignments", 400, params={"status": "LOST"})
    call("GET", f"{V1}/assignments", 403, token=as_ann)
    assignment, at_taken = f"{V1}/assignments/{{assignment_id}}", {"assignment_id": taken}
    call("GET", assignment, 200, values=at_taken)
    call("GET", assignment, 404, values={"assignment_id": "nothing"})
    call("PATCH", assignment, 400, values=at_taken, json={"status": "REJECTED"})
    call("PATCH", assignment, 200, values=at_taken, json={"status": "REJECTED", "public_comment": "blurry"})
    call("PATCH", assignment, 409, values=at_taken, json={"status": "REJECTED", "public_comment": "again"})
    call("PATCH", assignment, 200, values=at_taken, json={"status": "ACCEPTED", "public_comment": None})
    call("PATCH", assignment, 404, values={"assignment_id": "0" * 36}, json={"status": "ACCEPTED"})

    tsv, at_mixed = "/api/new/requester/pools/{pool_id}/assignments.tsv", {"pool_id": mixed}
    exported = call("GET", tsv, 200, values=at_mixed, params={
        "status": "APPROVED,REJECTED,SUBMITTED", "field": "ASSIGNMENT:assignment_id,worker_id,status",
        "startTimeFrom": "2020-01-01T00:00:00", "excludeBanned": "true", "addRowDelimiter": "false"})
    assert ann["id"] in exported
    call("GET", tsv, 404, values={"pool_id": "987654321"})
    call("GET", tsv, 400, values=at_mixed, params={"status": "DONE"})
    call("GET", tsv, 403, values=at_mixed, token=as_ann)

    analytics = "/api/staging/analytics-2"
    metrics: list[dict[str, Any]] = [{"subject": "POOL", "subject_id": mixed, "name": name}
                                     for name in sorted(METRICS)]
    for metric in metrics:
        if metric["name"] == "active_workers_by_filter_count":
            metric["interval_hours"] = 24
    for part in (metrics[:MAX_REQUESTS], metrics[MAX_REQUESTS:]):  # every metric, in two requests
        operation = call("POST", analytics, 202, json=part)
        assert [entry["request"] for entry in operation["details"]["value"]] == part
        call("GET", f"{V1}/operations/{{operation_id}}", 200, values={"operation_id": operation["id"]})
    call("POST", analytics, 404, json=[{"subject": "POOL", "subject_id": "98765", "name": "spent_budget"}])
    call("POST", analytics, 400, json=[{"subject": "USER", "subject_id": mixed, "name": "x"}])
    call("POST", analytics, 403, token=as_ann, json=metrics[:1])
    progress = call("GET", f"{V1}/pools/{{pool_id}}/progress", 200, values=at_mixed)
    assert progress["assignments"]["SUBMITTED"] + progress["assignments"]["ACCEPTED"] > 0
    call("GET", f"{V1}/pools/{{pool_id}}/progress", 404, values={"pool_id": "987654321"})
    call("GET", f"{V1}/performers", 200, params={"limit": "5"})


def test_work_loop_answers_match_the_documented_schemas(server: ServerProcess) -> None:
    """A real server on each backend: performers take, submit and skip, the requester reviews, exports and
    counts; every answer, refusals included, fits the schema documented for its status."""
    token = server.new_requester(f"openapi-{uuid.uuid4().hex[:8]}")
    with httpx.Client(base_url=server.url, timeout=60) as http:
        document = http.get("/openapi.json").json()
        call = Checker(http, document, token)
        ann, bob = performers(call)
        pools = make_pools(call)
        taken, skipped = performer_side(call, ann["token"], bob["token"], pools)
        requester_side(call, ann, pools, taken, skipped)
    assert operations(document, work=True) - call.exercised == set()
