"""A second requester walks every endpoint with the first one's ids: nothing is revealed or changed.

The routes, from `src/talaka/api/*.py` (every `GET` also answers `HEAD`):

    GET  /requester
    POST /projects, GET /projects, GET|PUT /projects/{id}, POST /projects/{id}/archive
    POST /pools, GET /pools, GET|PUT|PATCH /pools/{id}, GET /pools/{id}/counts and /progress,
         POST /pools/{id}/open, POST /pools/{id}/close, POST /pools/{id}/archive
    POST /tasks, GET /tasks, GET|PATCH /tasks/{id}, PATCH /tasks/{id}/set-overlap-or-min
    POST /task-suites, GET /task-suites, GET|PATCH /task-suites/{id}, PATCH /task-suites/{id}/set-overlap-or-min
    GET  /operations, GET /operations/{id}, GET /operations/{id}/log

`STEPS` sends each of them with the intruder's token and the owner's ids, and again with
`X-Act-Under-Account-ID: <owner's id>`, which the server must ignore. Reads and changes by id answer
404 `DOES_NOT_EXIST` exactly as for an id that exists nowhere (same message, id aside); searches show
nothing of the owner's; creates that name the owner's pool or project are refused on that field with
`ENTITY_DOES_NOT_EXIST`. After every step the owner's whole account, operation logs included, is
what it was. The last tests start servers of their own to read their log file and their database:
neither ever holds a token, a requester's or a performer's.

The work loop's routes (assignments, review, the TSV export, analytics, performers and the performer
API) are walked in `test_tenants_work`, with performers on both sides and both kinds of token.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess

V1 = "/api/v1"
SYNC = {"async_mode": "false"}
ENVELOPE_KEYS = {"request_id", "code", "message", "payload"}
IMAGE = "https://example.com/mine.png"
PROJECT: dict[str, Any] = {
    "public_name": "mine", "public_description": "the owner's",
    "task_spec": {"input_spec": {"image": {"type": "url"}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}},
}
ACT_UNDER = "X-Act-Under-Account-ID"


def api_client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url + V1, headers={"Authorization": f"OAuth {token}"}, timeout=60)


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


def pool_body(project: str) -> dict[str, Any]:
    return {"project_id": project, "private_name": "pool", "defaults": {"default_overlap_for_new_tasks": 1}}


def tasks_for(pool: str, count: int = 2, prefix: str = "t") -> list[dict[str, Any]]:
    return [{"pool_id": pool, "overlap": 1, "input_values": {"image": f"https://example.com/{prefix}/{number}.png"}}
            for number in range(count)]


def suite_for(pool: str) -> dict[str, Any]:
    return {"pool_id": pool, "overlap": 1, "tasks": [{"input_values": {"image": IMAGE}}]}


# ---------------------------------------------------------------------------------------- the estate


@dataclass(frozen=True)
class Estate:
    """The owner's objects, one of each kind the routes take; and the intruder's own project and pool."""

    url: str
    owner_token: str
    owner_id: str
    intruder_token: str
    intruder_id: str
    project: str
    pool: str
    open_pool: str
    task: str
    suite: str
    sync_operation: str
    async_operation: str
    open_operation: str
    replay_operation: str
    replay_body: bytes
    intruder_project: str
    intruder_pool: str

    def ids(self) -> dict[str, str]:
        return {"project": self.project, "pool": self.pool, "open_pool": self.open_pool, "task": self.task,
                "suite": self.suite, "sync_operation": self.sync_operation,
                "async_operation": self.async_operation, "open_operation": self.open_operation,
                "replay_operation": self.replay_operation, "intruder_pool": self.intruder_pool,
                "intruder_project": self.intruder_project}

    def unknown_ids(self) -> dict[str, str]:
        """Ids of the same forms that name nothing at all."""
        return {**self.ids(), "project": "987654321", "pool": "987654322", "open_pool": "987654323",
                "task": f"{int(self.pool):010x}--{2**62:024x}", "suite": f"{int(self.pool):010x}--{2**62:024x}",
                "sync_operation": str(uuid.uuid4()), "async_operation": str(uuid.uuid4()),
                "open_operation": str(uuid.uuid4())}

    def owned(self, path: str) -> set[str]:
        """The owner's ids that a listing at `path` could show (ids are only unique per kind).

        Operation ids belong to their requester: once the intruder replays the owner's
        `replay_operation`, an operation of the intruder's own has that id, so it is left out here.
        """
        kind = path.strip("/").partition("?")[0]
        return {"projects": {self.project}, "pools": {self.pool, self.open_pool}, "tasks": {self.task},
                "task-suites": {self.suite},
                "operations": {self.sync_operation, self.async_operation, self.open_operation}}[kind]


def build_estate(server: ServerProcess) -> Estate:
    owner_token = server.new_requester("owner")
    intruder_token = server.new_requester("intruder")
    with api_client(server.url, owner_token) as owner, api_client(server.url, intruder_token) as intruder:
        project = str(created(owner.post("/projects", json=PROJECT))["id"])
        pool = str(created(owner.post("/pools", json=pool_body(project)))["id"])
        open_pool = str(created(owner.post("/pools", json=pool_body(project)))["id"])
        sync_operation = str(uuid.uuid4())
        made = created(owner.post("/tasks", params={**SYNC, "operation_id": sync_operation},
                                  json=tasks_for(pool, 3, "sync")))
        task = made["items"]["0"]["id"]
        replay_operation = str(uuid.uuid4())
        replay_body = json.dumps(tasks_for(pool, 1, "replay")).encode()
        created(owner.post("/tasks", params={**SYNC, "operation_id": replay_operation}, content=replay_body,
                           headers={"Content-Type": "application/json"}))
        async_operation = created(owner.post("/tasks", params={"async_mode": "true"},
                                             json=tasks_for(pool, 2, "async")))["id"]
        suite = created(owner.post("/task-suites", params=SYNC, json=suite_for(pool)))["id"]
        created(owner.post("/tasks", params=SYNC, json=tasks_for(open_pool, 1, "open")))
        open_operation = created(owner.post(f"/pools/{open_pool}/open"))["id"]
        intruder_project = str(created(intruder.post("/projects", json=PROJECT))["id"])
        intruder_pool = str(created(intruder.post("/pools", json=pool_body(intruder_project)))["id"])
        created(intruder.post("/tasks", params=SYNC, json=tasks_for(intruder_pool, 1, "theirs")))
        owner_id = owner.get("/requester").json()["id"]
        intruder_id = intruder.get("/requester").json()["id"]
    assert owner_id != intruder_id
    return Estate(server.url, owner_token, owner_id, intruder_token, intruder_id, project, pool, open_pool, task,
                  suite, sync_operation, async_operation, open_operation, replay_operation, replay_body,
                  intruder_project, intruder_pool)


# ------------------------------------------------------------------------------------- the snapshots


def listing(api: httpx.Client, path: str, limit: int) -> list[dict[str, Any]]:
    page = api.get(path, params={"limit": limit})
    assert page.status_code == 200, page.text
    assert not page.json()["has_more"]
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def snapshot(api: httpx.Client) -> dict[str, Any]:
    """A whole (small) account: every object, every pool's counts, every operation with its log."""
    found: dict[str, Any] = {path: listing(api, path, limit) for path, limit in (
        ("/projects", 300), ("/pools", 300), ("/tasks", 100_000), ("/task-suites", 100_000), ("/operations", 500))}
    found["counts"] = [api.get(f"/pools/{pool['id']}/counts").json() for pool in found["/pools"]]
    found["logs"] = [api.get(f"/operations/{operation['id']}/log").json() for operation in found["/operations"]]
    return found


# ----------------------------------------------------------------------------------------- the steps

Body = Callable[[Estate], Any]


@dataclass(frozen=True)
class Step:
    """One request by the intruder, and what must come of it.

    expect: `missing` (404, as for an unknown id), `empty` (an empty page), `unlisted` (a page without
    any of the owner's ids), `refused_pool` / `refused_project` (400 on that field),
    `refused_pool_async` (202, then an operation that FAILs on `pool_id`), `dry_run_refused`,
    `self` (the intruder's own requester), `own_new` (created in the intruder's own account).
    """

    id: str
    method: str
    path: str
    expect: str
    json: Body | None = None
    content: Callable[[Estate], bytes] | None = None
    params: dict[str, str] = field(default_factory=dict)


STEPS = [
    Step("get-requester", "GET", "/requester", "self"),
    Step("find-projects", "GET", "/projects", "unlisted"),
    Step("find-projects-by-id", "GET", "/projects?id_gte={project}&id_lte={project}", "empty"),
    Step("create-project-with-owners-id", "POST", "/projects", "own_new",
         json=lambda estate: {**PROJECT, "id": estate.project, "status": "ARCHIVED"}),
    Step("get-project", "GET", "/projects/{project}", "missing"),
    Step("head-project", "HEAD", "/projects/{project}", "missing"),
    Step("update-project", "PUT", "/projects/{project}", "missing", json=lambda estate: PROJECT),
    Step("archive-project", "POST", "/projects/{project}/archive", "missing"),
    Step("find-pools", "GET", "/pools", "unlisted"),
    Step("find-pools-of-project", "GET", "/pools?project_id={project}", "empty"),
    Step("find-pools-by-id", "GET", "/pools?id_gte={pool}&id_lte={open_pool}", "empty"),
    Step("create-pool-in-owners-project", "POST", "/pools", "refused_project",
         json=lambda estate: pool_body(estate.project)),
    Step("get-pool", "GET", "/pools/{pool}", "missing"),
    Step("head-pool", "HEAD", "/pools/{pool}", "missing"),
    Step("update-pool", "PUT", "/pools/{pool}", "missing", json=lambda estate: pool_body(estate.project)),
    Step("patch-pool", "PATCH", "/pools/{pool}", "missing", json=lambda estate: {"private_name": "taken"}),
    Step("pool-counts", "GET", "/pools/{pool}/counts", "missing"),
    Step("pool-progress", "GET", "/pools/{pool}/progress", "missing"),
    Step("open-pool", "POST", "/pools/{pool}/open", "missing"),
    Step("close-pool", "POST", "/pools/{open_pool}/close", "missing"),
    Step("archive-pool", "POST", "/pools/{pool}/archive", "missing"),
    Step("move-own-pool-into-owners-project", "PUT", "/pools/{intruder_pool}", "refused_project",
         json=lambda estate: pool_body(estate.project)),
    Step("create-tasks-sync", "POST", "/tasks", "refused_pool", json=lambda estate: tasks_for(estate.pool),
         params=SYNC),
    Step("create-one-task-sync", "POST", "/tasks", "refused_pool", json=lambda estate: tasks_for(estate.pool)[0],
         params=SYNC),
    Step("create-tasks-async", "POST", "/tasks", "refused_pool_async", json=lambda estate: tasks_for(estate.pool),
         params={"async_mode": "true"}),
    Step("replay-owners-sync-operation", "POST", "/tasks?operation_id={replay_operation}", "refused_pool",
         content=lambda estate: estate.replay_body, params=SYNC),
    Step("dry-run-into-owners-pool", "POST", "/tasks", "dry_run_refused",
         json=lambda estate: tasks_for(estate.pool), params={"dry_run": "true"}),
    Step("find-tasks", "GET", "/tasks", "unlisted"),
    Step("find-tasks-of-pool", "GET", "/tasks?pool_id={pool}", "empty"),
    Step("find-tasks-by-id", "GET", "/tasks?id_gte={task}&id_lte={task}", "empty"),
    Step("get-task", "GET", "/tasks/{task}", "missing"),
    Step("head-task", "HEAD", "/tasks/{task}", "missing"),
    Step("patch-task", "PATCH", "/tasks/{task}", "missing", json=lambda estate: {"overlap": 5}),
    Step("set-task-overlap", "PATCH", "/tasks/{task}/set-overlap-or-min", "missing",
         json=lambda estate: {"overlap": 0}),
    Step("create-suite-sync", "POST", "/task-suites", "refused_pool", json=lambda estate: [suite_for(estate.pool)],
         params=SYNC),
    Step("create-suite-async", "POST", "/task-suites", "refused_pool_async",
         json=lambda estate: [suite_for(estate.pool)], params={"async_mode": "true"}),
    Step("find-suites", "GET", "/task-suites", "unlisted"),
    Step("find-suites-of-pool", "GET", "/task-suites?pool_id={pool}", "empty"),
    Step("get-suite", "GET", "/task-suites/{suite}", "missing"),
    Step("patch-suite", "PATCH", "/task-suites/{suite}", "missing", json=lambda estate: {"overlap": 4}),
    Step("set-suite-overlap", "PATCH", "/task-suites/{suite}/set-overlap-or-min", "missing",
         json=lambda estate: {"infinite_overlap": True}),
    Step("find-operations", "GET", "/operations", "unlisted"),
    Step("find-pool-operations", "GET", "/operations?type=POOL.OPEN", "unlisted"),
    Step("get-sync-operation", "GET", "/operations/{sync_operation}", "missing"),
    Step("get-async-operation", "GET", "/operations/{async_operation}", "missing"),
    Step("get-open-operation", "GET", "/operations/{open_operation}", "missing"),
    Step("sync-operation-log", "GET", "/operations/{sync_operation}/log", "missing"),
    Step("async-operation-log", "GET", "/operations/{async_operation}/log", "missing"),
    Step("open-operation-log", "GET", "/operations/{open_operation}/log", "missing"),
]
ACTING = {"plain": {}, "acting-under-owner": "owner"}


def send(api: httpx.Client, estate: Estate, step: Step, ids: dict[str, str],
         headers: dict[str, str]) -> httpx.Response:
    content = (json.dumps(step.json(estate)).encode() if step.json is not None
               else step.content(estate) if step.content is not None else None)
    if content is not None:
        headers = {**headers, "Content-Type": "application/json"}
    path, _, query = step.path.format(**ids).partition("?")
    params = dict(httpx.QueryParams(query)) | step.params
    return api.request(step.method, path, params=params, content=content, headers=headers)


def check_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == ENVELOPE_KEYS and body["code"] == code, body
    assert response.headers["x-request-id"] == body["request_id"]
    return body


def anonymous(message: str) -> str:
    """The message with the quoted id it names taken out."""
    return re.sub(r"'[^']*'", "'ID'", message)


def pool_refusals(payload: Any) -> set[str]:
    """The codes at `pool_id` of every item of a refusal payload (one item: `{path: error}`)."""
    items = [payload] if "pool_id" in payload else list(payload.values())
    return {item["pool_id"]["code"] for item in items}


def walk(api: httpx.Client, estate: Estate, step: Step, headers: dict[str, str]) -> None:
    """Send one step as the intruder and check its answer."""
    response = send(api, estate, step, estate.ids(), headers)
    if step.expect == "missing":
        twin = send(api, estate, step, estate.unknown_ids(), headers)
        assert response.status_code == twin.status_code == 404, (response.text, twin.text)
        assert response.headers["x-request-id"]
        if step.method == "HEAD":
            assert response.content == b""
            return
        mine, unknown = check_envelope(response, 404, "DOES_NOT_EXIST"), check_envelope(twin, 404, "DOES_NOT_EXIST")
        assert anonymous(mine["message"]) == anonymous(unknown["message"]), (mine, unknown)
        assert mine["payload"] is None and unknown["payload"] is None
    elif step.expect == "empty":
        assert response.status_code == 200, response.text
        assert response.json() == {"items": [], "has_more": False}
    elif step.expect == "unlisted":
        assert response.status_code == 200, response.text
        shown = {str(item["id"]) for item in response.json()["items"]}
        assert not shown & estate.owned(step.path)
        assert not {str(item.get("pool_id")) for item in response.json()["items"]} & {estate.pool, estate.open_pool}
    elif step.expect == "refused_pool":
        body = check_envelope(response, 400, "VALIDATION_ERROR")
        assert pool_refusals(body["payload"]) == {"ENTITY_DOES_NOT_EXIST"}, body["payload"]
        assert estate.task not in response.text
    elif step.expect == "refused_pool_async":
        assert response.status_code == 202, response.text
        operation_id = response.json()["id"]
        operation = api.get(f"/operations/{operation_id}", headers=headers).json()
        for _ in range(100):
            if operation["status"] in ("SUCCESS", "FAIL"):
                break
            operation = api.get(f"/operations/{operation_id}", headers=headers).json()
        assert operation["status"] == "FAIL", operation
        log = api.get(f"/operations/{operation_id}/log", headers=headers).json()
        assert log and all(not item["success"] for item in log)
        assert {item["output"]["pool_id"]["code"] for item in log} == {"ENTITY_DOES_NOT_EXIST"}
    elif step.expect == "refused_project":
        body = check_envelope(response, 400, "VALIDATION_ERROR")
        assert body["payload"]["project_id"]["code"] == "ENTITY_DOES_NOT_EXIST", body["payload"]
    elif step.expect == "dry_run_refused":
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["valid_count"] == 0
        assert pool_refusals(answer["validation_errors"]) == {"ENTITY_DOES_NOT_EXIST"}
    elif step.expect == "self":
        assert response.status_code == 200
        assert response.json()["id"] == estate.intruder_id
    elif step.expect == "own_new":
        assert response.status_code == 201, response.text
        assert response.json()["id"] != estate.project
        assert response.json()["status"] == "ACTIVE"
    else:
        raise AssertionError(f"unknown expectation {step.expect}")


def acting_headers(estate: Estate, acting: str) -> dict[str, str]:
    return {ACT_UNDER: estate.owner_id} if acting != "plain" else {}


# ------------------------------------------------------------------------------------------ the walk


@dataclass(frozen=True)
class Sides:
    owner: httpx.Client
    intruder: httpx.Client


@pytest.fixture(scope="module")
def estate(server: ServerProcess) -> Estate:
    return build_estate(server)


@pytest.fixture(scope="module")
def sides(estate: Estate) -> Iterator[Sides]:
    with api_client(estate.url, estate.owner_token) as owner, api_client(estate.url, estate.intruder_token) as intruder:
        yield Sides(owner, intruder)


@pytest.mark.parametrize("acting", list(ACTING))
@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_an_intruder_can_neither_see_nor_change_anything(estate: Estate, sides: Sides, step: Step,
                                                         acting: str) -> None:
    owners_before = snapshot(sides.owner)
    theirs_before = snapshot(sides.intruder)
    walk(sides.intruder, estate, step, acting_headers(estate, acting))
    assert snapshot(sides.owner) == owners_before
    theirs_after = snapshot(sides.intruder)
    for part in ("/pools", "/tasks", "/task-suites", "counts"):
        assert theirs_after[part] == theirs_before[part], "nothing landed in the intruder's own pools either"
    grown = len(theirs_after["/projects"]) - len(theirs_before["/projects"])
    assert grown == (1 if step.expect == "own_new" else 0)


def test_every_route_is_walked() -> None:
    """Each method of each path of the API appears in `STEPS` (paths read from the routes themselves).

    `HEAD` runs the `GET` handler of its path, so a few `HEAD` steps stand for all of them.
    """
    from talaka.api import operations, pools, projects, requester, tasks

    declared = {(method, route.path) for module in (requester, projects, pools, tasks, operations)
                for route in module.routes for method in route.methods or () if method != "HEAD"}
    placeholders = {"{project}": "{project_id}", "{pool}": "{pool_id}", "{open_pool}": "{pool_id}",
                    "{intruder_pool}": "{pool_id}", "{task}": "{task_id}", "{suite}": "{task_id}",
                    "{sync_operation}": "{operation_id}", "{async_operation}": "{operation_id}",
                    "{open_operation}": "{operation_id}", "{replay_operation}": "{operation_id}"}
    walked = set()
    for step in STEPS:
        path = step.path.partition("?")[0]
        for ours, theirs in placeholders.items():
            path = path.replace(ours, theirs)
        walked.add((step.method, path))
    assert declared - walked == set()


def test_acting_under_the_owners_account_changes_nothing(estate: Estate, sides: Sides) -> None:
    headers = {ACT_UNDER: estate.owner_id}
    assert sides.intruder.get("/requester", headers=headers).json()["id"] == estate.intruder_id
    assert sides.intruder.get(f"/pools/{estate.pool}", headers=headers).status_code == 404
    with httpx.Client(base_url=estate.url + V1, timeout=60) as anonymous_client:
        refused = anonymous_client.get(f"/pools/{estate.pool}", headers=headers)
        check_envelope(refused, 401, "AUTHENTICATION_ERROR")


# ------------------------------------------------------------------------------ logs and token storage


def run_walk_once(server: ServerProcess) -> Estate:
    built = build_estate(server)
    with api_client(server.url, built.intruder_token) as intruder:
        for acting in ACTING:
            for step in STEPS:
                walk(intruder, built, step, acting_headers(built, acting))
    with httpx.Client(base_url=server.url + V1, timeout=60) as raw:
        for header in (f"OAuth {built.owner_token[:-1]}x", f"Basic {built.owner_token}", f"Bearer {built.owner_token[1:]}",
                       f"OAuth {built.owner_token}{built.intruder_token}"):
            assert raw.get("/requester", headers={"Authorization": header}).status_code == 401
        assert raw.get("/requester", params={"token": built.owner_token},
                       headers={"Authorization": f"OAuth {built.intruder_token}"}).status_code == 400
        assert raw.get("/requester", headers={"Authorization": f"OAuth {built.intruder_token}",
                                              ACT_UNDER: built.owner_token}).status_code == 200
        failing = raw.post("/projects", headers={"Authorization": f"OAuth {built.owner_token}",
                                                 "Content-Type": "application/json"}, content=b"{" + b"[" * 10_000)
        assert failing.status_code == 400
    return built


def use_a_performer(url: str, requester_token: str) -> str:
    """Create a performer, then send its token where it works and where it is refused; return the token."""
    with api_client(url, requester_token) as api:
        made = api.post("/performers", json={"name": "logged"})
        assert made.status_code == 201, made.text
    token: str = made.json()["token"]
    with httpx.Client(base_url=url, headers={"Authorization": f"OAuth {token}"}, timeout=60) as performer:
        assert performer.get("/api/performer/v1/me").status_code == 200
        assert performer.get(V1 + "/requester").status_code == 403
        wrong = {"Authorization": f"OAuth {token}x"}
        assert performer.get("/api/performer/v1/me", headers=wrong).status_code == 401
    return token


def test_the_log_never_holds_a_token(own_server: ServerProcess) -> None:
    own_server.log_level = "info"
    own_server.start()
    built = run_walk_once(own_server)
    performer_token = use_a_performer(own_server.url, built.intruder_token)
    own_server.stop()
    log = own_server.log_path.read_text(errors="replace")
    assert log.count("talaka.access") >= 2 * len(STEPS), "the walk was logged at info level"
    assert f"requester={built.intruder_id}" in log
    for token in (built.owner_token, built.intruder_token, performer_token):
        assert token not in log
        assert hashlib.sha256(token.encode()).hexdigest() not in log


def test_the_log_never_holds_the_first_token(own_server: ServerProcess) -> None:
    own_server.log_level = "info"
    own_server.start()
    own_server.stop()
    assert own_server.token
    assert own_server.token not in own_server.log_path.read_text(errors="replace")


TOKEN_TABLES = ("tokens", "performer_tokens")


def stored_rows(database_url: str) -> tuple[set[bytes], list[str]]:
    """The token hashes (requesters' and performers'), and every row of every table as text (for
    PostgreSQL) or the raw files (SQLite)."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            hashes = {bytes(row[0]) for table in TOKEN_TABLES
                      for row in conn.execute(f"SELECT hash FROM {table}")}
        conn.close()
        files = [candidate.read_bytes().decode("latin-1") for candidate in
                 (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if candidate.exists()]
        return hashes, files
    import psycopg

    with psycopg.connect(database_url) as postgres:
        hashes = {bytes(row[0]) for table in TOKEN_TABLES
                  for row in postgres.execute(f"SELECT hash FROM {table}")}
        tables = [row[0] for row in postgres.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        rows = [str(row[0]) for table in tables for row in postgres.execute(
            f'SELECT row_to_json(t)::text FROM "{table}" t')]
    return hashes, rows


def test_tokens_are_stored_only_as_sha256_digests(own_server: ServerProcess) -> None:
    own_server.start()
    tokens = [own_server.token, own_server.new_requester("second")]
    with api_client(own_server.url, tokens[1]) as api:
        assert api.get("/requester").status_code == 200
    tokens.append(use_a_performer(own_server.url, tokens[1]))
    own_server.stop()
    hashes, stored = stored_rows(own_server.database_url)
    assert hashes == {hashlib.sha256(token.encode()).digest() for token in tokens}
    assert all(len(digest) == 32 for digest in hashes)
    assert stored, "something was read back"
    for token in tokens:
        assert all(token not in text for text in stored), "a token is stored as text"
