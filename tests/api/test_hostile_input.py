"""Hostile and broken requests against a running server: each is refused cleanly, and nothing changes.

`CASES` is a table of requests, each refused. For every case the test asserts:

- the HTTP status and the error `code`;
- that the `message` names the problem (each keyword of the case appears in it);
- the envelope: exactly `{request_id, code, message, payload}`, JSON, and an `X-Request-Id` header
  equal to `request_id`; for field problems, the payload's code at the field's path;
- that nothing was created or changed: both accounts involved (the hostile requester's and the owner
  of the foreign pool) are listed through the API before and after, projects, pools (with their
  counts), tasks, task suites and operations, and must be equal. A sync create refused item by item
  leaves exactly one `FAIL` operation with nothing created: that record is what makes a repeated
  `operation_id` answer the same refusal (spec decision 7), so the table says which cases leave one.

Cases that need a server with other limits (body size, async item count) and cases whose right
answer is not an error (a 10 MB string in a field without a length limit, duplicate keys, NUL
characters) have their own tests below the table.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess

V1 = "/api/v1"
SYNC = {"async_mode": "false"}
ENVELOPE_KEYS = {"request_id", "code", "message", "payload"}
VALIDATION = "VALIDATION_ERROR"
MISSING = "DOES_NOT_EXIST"
UNAUTHENTICATED = "AUTHENTICATION_ERROR"
UNSUPPORTED = "UNSUPPORTED_MEDIA_TYPE"
NOT_ALLOWED = "METHOD_NOT_ALLOWED"
TEN_MB = 10 * 1024 * 1024
DEEP = 10_000
IMAGE = "https://example.com/hostile.png"
PROJECT_SPEC: dict[str, Any] = {
    "input_spec": {"image": {"type": "url"},
                   "title": {"type": "string", "required": False, "max_length": 10},
                   "note": {"type": "string", "required": False}},
    "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}},
}

# ------------------------------------------------------------------------------------------ the world


@dataclass(frozen=True)
class World:
    """The hostile requester's objects, and a pool that belongs to someone else."""

    url: str
    token: str
    owner_token: str
    project: str
    pool: str
    task: str
    empty_pool: str
    archived_pool: str
    foreign_pool: str

    def ids(self) -> dict[str, str]:
        return {"project": self.project, "pool": self.pool, "task": self.task, "empty_pool": self.empty_pool,
                "archived_pool": self.archived_pool, "foreign_pool": self.foreign_pool}


def api_client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url + V1, headers={"Authorization": f"OAuth {token}"}, timeout=120)


def project_body(input_spec: dict[str, Any] | None = None) -> dict[str, Any]:
    spec = dict(PROJECT_SPEC) if input_spec is None else {**PROJECT_SPEC, "input_spec": input_spec}
    return {"public_name": "hostile", "public_description": "refuses everything", "task_spec": spec}


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


def new_pool(api: httpx.Client, project: str) -> str:
    return str(created(api.post("/pools", json={"project_id": project, "private_name": "hostile",
                                                "defaults": {"default_overlap_for_new_tasks": 1}}))["id"])


@pytest.fixture(scope="module")
def world(server: ServerProcess) -> World:
    """A fresh requester (so its account holds only these objects) and the owner of a foreign pool."""
    token = server.new_requester("hostile")
    owner_token = server.new_requester("foreign-owner")
    with api_client(server.url, token) as api, api_client(server.url, owner_token) as owner:
        project = str(created(api.post("/projects", json=project_body()))["id"])
        pool = new_pool(api, project)
        task = created(api.post("/tasks", params=SYNC, json={"pool_id": pool, "input_values": {"image": IMAGE},
                                                             "overlap": 1}))["id"]
        empty_pool = new_pool(api, project)
        archived_pool = new_pool(api, project)
        created(api.post(f"/pools/{archived_pool}/archive"))
        foreign_project = str(created(owner.post("/projects", json=project_body()))["id"])
        foreign_pool = new_pool(owner, foreign_project)
        created(owner.post("/tasks", params=SYNC, json=[{"pool_id": foreign_pool, "input_values": {"image": IMAGE},
                                                         "overlap": 1}]))
    return World(server.url, token, owner_token, project, pool, task, empty_pool, archived_pool, foreign_pool)


@dataclass(frozen=True)
class Clients:
    """Kept open for the module: a client costs an SSL context, far more than a request here."""

    raw: httpx.Client
    mine: httpx.Client
    owner: httpx.Client


@pytest.fixture(scope="module")
def clients(world: World) -> Iterator[Clients]:
    with httpx.Client(base_url=world.url, timeout=120) as raw, api_client(world.url, world.token) as mine, \
            api_client(world.url, world.owner_token) as owner:
        yield Clients(raw, mine, owner)


def is_postgres(server: ServerProcess) -> bool:
    return server.database_url.startswith("postgres")


# ----------------------------------------------------------------------------------------- the census

LISTINGS = (("/projects", 300), ("/pools", 300), ("/tasks", 100_000), ("/task-suites", 100_000),
            ("/operations", 500))


def census(api: httpx.Client) -> dict[str, Any]:
    """Everything in one requester's account, as the API lists it (the accounts here are small)."""
    found: dict[str, Any] = {}
    for path, limit in LISTINGS:
        page = api.get(path, params={"limit": limit})
        assert page.status_code == 200, page.text
        assert not page.json()["has_more"], f"{path}: the census expects a small account"
        found[path] = page.json()["items"]
    found["counts"] = [api.get(f"/pools/{pool['id']}/counts").json() for pool in found["/pools"]]
    return found


def assert_unchanged(before: dict[str, Any], after: dict[str, Any], *, failed_operations: int = 0) -> None:
    """Equal, except for `failed_operations` new `FAIL` operations that created nothing."""
    known = {operation["id"] for operation in before["/operations"]}
    new = [operation for operation in after["/operations"] if operation["id"] not in known]
    assert len(new) == failed_operations, new
    for operation in new:
        assert operation["status"] == "FAIL", operation
        assert operation["details"].get("created_count", 0) == 0, operation
    after = {**after, "/operations": [operation for operation in after["/operations"] if operation not in new]}
    assert after == before


# ---------------------------------------------------------------------------------------- the checks


def check_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A JSON error envelope with exactly the four keys, its request id also in `X-Request-Id`."""
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == ENVELOPE_KEYS, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["request_id"], str) and len(body["request_id"]) == 32
    assert response.headers["x-request-id"] == body["request_id"]
    return body


def field_error(payload: Any, path: tuple[str, ...]) -> dict[str, Any]:
    found = payload
    for key in path:
        assert isinstance(found, dict) and key in found, (path, payload)
        found = found[key]
    assert isinstance(found, dict)
    return found


# ----------------------------------------------------------------------------------------- the table

Json = Callable[[World], Any]
Content = bytes | Callable[[World], bytes]


@dataclass(frozen=True)
class Case:
    """One refused request and what its refusal must say."""

    id: str
    method: str
    path: str
    status: int
    code: str
    words: tuple[str, ...]
    json: Json | None = None
    content: Content | None = None
    content_type: str | None = "application/json"
    params: dict[str, str] = field(default_factory=dict)
    auth: str | bytes | None = "OAuth {token}"
    field: tuple[str, ...] = ()
    field_code: str = ""
    field_words: tuple[str, ...] = ()
    failed_operation: bool = False
    check: Callable[[httpx.Response], None] | None = None
    postgres_bug: str | None = None


def send(http: httpx.Client, world: World, case: Case) -> httpx.Response:
    headers: dict[bytes, bytes] = {}
    if isinstance(case.auth, bytes):
        headers[b"Authorization"] = case.auth
    elif case.auth is not None:
        headers[b"Authorization"] = case.auth.format(token=world.token).encode()
    body: bytes | None = None
    if case.json is not None:
        body = json.dumps(case.json(world)).encode()
    elif case.content is not None:
        body = case.content(world) if callable(case.content) else case.content
    if body is not None and case.content_type is not None:
        headers[b"Content-Type"] = case.content_type.encode()
    return http.request(case.method, case.path.format(**world.ids()), params=case.params, content=body,
                        headers=headers)


def tasks_of(pool: str = "pool", **fields: Any) -> Json:
    """A one-task array for the world's `pool`, with `fields` replacing the defaults."""
    def build(world: World) -> Any:
        return [{"pool_id": getattr(world, pool), "input_values": {"image": IMAGE}, "overlap": 1, **fields}]
    return build


def raw_task(template: bytes) -> Callable[[World], bytes]:
    """A one-task array written by hand (for what `json.dumps` cannot say), `{pool}`-style ids filled in."""
    def build(world: World) -> bytes:
        text = template
        for name, value in world.ids().items():
            text = text.replace(b"{%s}" % name.encode(), value.encode())
        return b"[" + text + b"]"
    return build


def inputs(**values: Any) -> Json:
    return tasks_of(input_values={"image": IMAGE, **values})


def refused_item(case_id: str, body: Json | None, path: str, code: str, **extra: Any) -> Case:
    """A sync create whose only task is invalid: 400, the code at `0.<path>`, one FAIL operation."""
    return Case(case_id, "POST", V1 + "/tasks", 400, VALIDATION, ("1 of 1", "invalid", "nothing was created"),
                json=body, params=SYNC, field=("0", path), field_code=code, failed_operation=True, **extra)


def bad_spec(case_id: str, input_spec: dict[str, Any], path: str, code: str, *words: str) -> Case:
    return Case(case_id, "POST", V1 + "/projects", 400, VALIDATION, ("Invalid project", *words),
                json=lambda world: project_body(input_spec), field=(f"task_spec.input_spec{path}",),
                field_code=code)


def bad_search(case_id: str, name: str, value: str, code: str = "INVALID_VALUE", *words: str) -> Case:
    """The message names the parameter; its field error says what was expected and what came."""
    return Case(case_id, "GET", V1 + "/tasks", 400, VALIDATION, ("Invalid search parameters", name),
                params={name: value}, field=(name,), field_code=code, field_words=(*words, value))


def missing(case_id: str, path: str, kind: str, method: str = "GET", **extra: Any) -> Case:
    return Case(case_id, method, V1 + path, 404, MISSING, (f"no {kind} with id", "among yours"), **extra)


def small_answer(response: httpx.Response) -> None:
    assert len(response.content) < 4_000, "an error must not echo a huge value back"


def two_hundred_problems(response: httpx.Response) -> None:
    problems = response.json()["payload"]["0"]
    assert len(problems) == 200, "every unknown field is reported, not only the first"
    assert {problem["code"] for problem in problems.values()} == {"VALUE_NOT_ALLOWED"}


def allow_header(response: httpx.Response) -> None:
    assert response.headers.get("allow"), "a 405 says which methods the path takes"


def deep(opening: bytes, middle: bytes, closing: bytes) -> bytes:
    return opening * DEEP + middle + closing * DEEP


CASES = [
    # ---------------------------------------------------------------- bodies that are not JSON objects
    Case("malformed-json", "POST", V1 + "/projects", 400, VALIDATION, ("not valid JSON",),
         content=b'{"public_name": "p",', field=("project",), field_code="JSON_EXPECTED"),
    Case("malformed-json-tasks", "POST", V1 + "/tasks", 400, VALIDATION, ("not valid JSON",),
         content=b'[{"pool_id": "1"', params=SYNC, field=("tasks",), field_code="JSON_EXPECTED"),
    Case("trailing-garbage", "POST", V1 + "/projects", 400, VALIDATION, ("not valid JSON",),
         content=b"{} {}", field=("project",), field_code="JSON_EXPECTED"),
    Case("array-for-a-project", "POST", V1 + "/projects", 400, VALIDATION, ("must be a JSON object",),
         json=lambda world: [project_body()], field=("project",), field_code="OBJECT_EXPECTED"),
    Case("array-for-a-pool", "POST", V1 + "/pools", 400, VALIDATION, ("must be a JSON object",),
         json=lambda world: [{"project_id": world.project, "private_name": "p"}], field=("pool",),
         field_code="OBJECT_EXPECTED"),
    Case("string-for-a-patch", "PATCH", V1 + "/tasks/{task}", 400, VALIDATION, ("must be a JSON object",),
         json=lambda world: "overlap", field=("patch",), field_code="OBJECT_EXPECTED"),
    Case("number-for-tasks", "POST", V1 + "/tasks", 400, VALIDATION, ("JSON array of objects, or one object",),
         content=b"42", params=SYNC, field=("tasks",), field_code="JSON_EXPECTED"),
    Case("scalars-for-tasks", "POST", V1 + "/tasks", 400, VALIDATION, ("2 of 2", "nothing was created"),
         json=lambda world: [1, "x"], params=SYNC, field=("0", "task"), field_code="OBJECT_EXPECTED",
         failed_operation=True),
    Case("non-utf8-project", "POST", V1 + "/projects", 400, VALIDATION, ("utf-8",),
         content=b'{"public_name": "\xff\xfe"}', field=("project",), field_code="JSON_EXPECTED"),
    Case("non-utf8-tasks", "POST", V1 + "/tasks", 400, VALIDATION, ("not valid UTF-8",),
         content=b'[{"pool_id": "1", "input_values": {"note": "\xc3\x28"}}]', params=SYNC,
         field=("tasks",), field_code="JSON_EXPECTED"),
    Case("lone-surrogate-escape", "POST", V1 + "/tasks", 400, VALIDATION, ("not valid JSON",),
         content=b'[{"pool_id": "1", "input_values": {"note": "\\ud800"}}]', params=SYNC),
    Case("nan-literal", "POST", V1 + "/projects", 400, VALIDATION, ("not valid JSON",),
         content=b'{"public_name": NaN}', field=("project",), field_code="JSON_EXPECTED"),
    Case("infinity-literal", "POST", V1 + "/tasks", 400, VALIDATION, ("not valid JSON",),
         content=raw_task(b'{"pool_id": "{pool}", "overlap": Infinity}'), params=SYNC),
    Case("negative-infinity-literal", "POST", V1 + "/pools", 400, VALIDATION, ("not valid JSON",),
         content=lambda world: b'{"project_id": "%s", "private_name": "p", "reward_per_assignment": -Infinity}'
         % world.project.encode()),
    Case("deep-arrays", "POST", V1 + "/projects", 400, VALIDATION, ("nested too deeply",),
         content=deep(b"[", b"", b"]"), field=("project",), field_code="JSON_EXPECTED"),
    Case("deep-objects", "POST", V1 + "/projects", 400, VALIDATION, ("nested too deeply",),
         content=deep(b'{"a":', b"1", b"}")),
    Case("deep-tasks", "POST", V1 + "/tasks", 400, VALIDATION, ("nested too deeply",),
         content=deep(b"[", b"", b"]"), params=SYNC, field=("tasks",), field_code="JSON_EXPECTED"),
    Case("deep-input-value", "POST", V1 + "/tasks", 400, VALIDATION, ("nested too deeply",), params=SYNC,
         content=lambda world: b'{"pool_id": "%s", "overlap": 1, "input_values": {"note": %s}}'
         % (world.pool.encode(), deep(b"[", b"", b"]"))),
    Case("deep-patch", "PATCH", V1 + "/tasks/{task}", 400, VALIDATION, ("nested too deeply",),
         content=b'{"known_solutions": ' + deep(b"[", b"", b"]") + b"}"),
    # --------------------------------------------------------------------------- content types, empty
    Case("text-plain", "POST", V1 + "/projects", 415, UNSUPPORTED, ("text/plain", "application/json"),
         json=lambda world: project_body(), content_type="text/plain"),
    Case("form-urlencoded", "POST", V1 + "/pools", 415, UNSUPPORTED, ("application/x-www-form-urlencoded",),
         content=b"project_id=1&private_name=p", content_type="application/x-www-form-urlencoded"),
    Case("multipart", "POST", V1 + "/tasks", 415, UNSUPPORTED, ("multipart/form-data",), params=SYNC,
         content=b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\n[]\r\n--b--\r\n",
         content_type="multipart/form-data; boundary=b"),
    Case("no-content-type", "POST", V1 + "/tasks", 415, UNSUPPORTED, ("(none)", "application/json"),
         json=tasks_of(), content_type=None, params=SYNC),
    Case("empty-body", "POST", V1 + "/projects", 400, VALIDATION, ("empty",), field=("project",),
         field_code="NOT_NULL_BODY"),
    Case("blank-body", "POST", V1 + "/pools", 400, VALIDATION, ("empty",), content=b" \r\n\t ",
         field=("pool",), field_code="NOT_NULL_BODY"),
    Case("create-tasks-without-a-body", "POST", V1 + "/tasks", 400, VALIDATION, ("empty",),
         params={"async_mode": "true", "operation_id": str(uuid.uuid4())}, content_type=None,
         field=("tasks",), field_code="JSON_EXPECTED"),
    Case("empty-array-sync", "POST", V1 + "/tasks", 400, VALIDATION, ("1 to 5000", "has 0"),
         json=lambda world: [], params=SYNC, field=("tasks",), field_code="ARRAY_SIZE_LESS_THAN_MIN"),
    Case("empty-array-async", "POST", V1 + "/task-suites", 400, VALIDATION, ("1 to 100000", "has 0"),
         json=lambda world: [], params={"async_mode": "true"}, field=("task suites",),
         field_code="ARRAY_SIZE_LESS_THAN_MIN"),
    Case("5001-tasks-sync", "POST", V1 + "/tasks", 400, VALIDATION, ("1 to 5000", "5001", "split"),
         json=lambda world: tasks_of()(world) * 5_001, params=SYNC, field=("tasks",),
         field_code="ARRAY_SIZE_GREATER_THAN_MAX"),
    # ----------------------------------------------------------------------------------- huge values
    refused_item("10-mb-string-over-max-length", inputs(title="x" * TEN_MB), "input_values.title",
                 "STRING_LENGTH_GREATER_THAN_MAX", check=small_answer),
    refused_item("10-mb-url", inputs(image="https://example.com/" + "x" * TEN_MB), "input_values.image",
                 "INVALID_URL_SYNTAX", check=small_answer),
    refused_item("200-fields-in-one-task", inputs(**{f"field{number}": number for number in range(200)}),
                 "input_values.field0", "VALUE_NOT_ALLOWED", check=two_hundred_problems),
    # --------------------------------------------------------------------------------- query strings
    Case("unknown-search-parameter", "GET", V1 + "/tasks", 400, VALIDATION, ("foo",), params={"foo": "1"},
         field=("foo",), field_code="VALUE_NOT_ALLOWED"),
    Case("unknown-parameter-on-get", "GET", V1 + "/pools/{pool}", 400, VALIDATION,
         ("Unknown query parameter foo",), params={"foo": "1"}, field=("foo",), field_code="VALUE_NOT_ALLOWED"),
    Case("unknown-parameter-on-create", "POST", V1 + "/tasks", 400, VALIDATION,
         ("Unknown query parameter open_pools",), json=tasks_of(), params={**SYNC, "open_pools": "true"},
         field=("open_pools",), field_code="VALUE_NOT_ALLOWED"),
    Case("unknown-parameter-on-open", "POST", V1 + "/pools/{pool}/open", 400, VALIDATION,
         ("Unknown query parameter force",), params={"force": "true"}, content_type=None),
    bad_search("limit-abc", "limit", "abc", "INVALID_VALUE", "1 to 100000"),
    bad_search("limit-0", "limit", "0", "INVALID_VALUE", "1 to 100000"),
    bad_search("limit-100001", "limit", "100001", "INVALID_VALUE", "1 to 100000"),
    bad_search("id_gt-garbage", "id_gt", "garbage"),
    bad_search("created_gt-yesterday", "created_gt", "yesterday"),
    bad_search("sort-unknown", "sort", "unknown", "VALUE_NOT_ALLOWED", "Cannot sort by", "created, id"),
    bad_search("overlap-x", "overlap", "x"),
    bad_search("pool_id-abc", "pool_id", "abc"),
    Case("limit-over-project-maximum", "GET", V1 + "/projects", 400, VALIDATION, ("limit",),
         params={"limit": "301"}, field=("limit",), field_code="INVALID_VALUE", field_words=("1 to 300", "301")),
    Case("async_mode-maybe", "POST", V1 + "/tasks", 400, VALIDATION, ("async_mode", "true or false"),
         json=tasks_of(), params={"async_mode": "maybe"}, field=("async_mode",), field_code="BOOLEAN_EXPECTED"),
    Case("skip_invalid_items-yes", "POST", V1 + "/tasks", 400, VALIDATION, ("skip_invalid_items",),
         json=tasks_of(), params={**SYNC, "skip_invalid_items": "yes"}, field=("skip_invalid_items",),
         field_code="BOOLEAN_EXPECTED"),
    Case("operation_id-not-a-uuid", "POST", V1 + "/tasks", 400, VALIDATION, ("operation_id", "UUID"),
         json=tasks_of(), params={**SYNC, "operation_id": "not-a-uuid"}, field=("operation_id",),
         field_code="UUID_EXPECTED"),
    # --------------------------------------------------------------------------------------- overlap
    refused_item("overlap-negative", tasks_of(overlap=-1), "overlap", "VALUE_LESS_THAN_MIN"),
    refused_item("overlap-zero", tasks_of(overlap=0), "overlap", "VALUE_LESS_THAN_MIN"),
    refused_item("overlap-huge", tasks_of(overlap=10**30), "overlap", "VALUE_GREATER_THAN_MAX"),
    refused_item("overlap-fraction", tasks_of(overlap=1.5), "overlap", "INTEGER_EXPECTED"),
    refused_item("overlap-string", tasks_of(overlap="3"), "overlap", "INTEGER_EXPECTED"),
    refused_item("infinite-and-finite-overlap", tasks_of(overlap=3, infinite_overlap=True), "overlap",
                 "VALUE_NOT_ALLOWED"),
    refused_item("infinite_overlap-not-a-boolean", tasks_of(infinite_overlap="yes", overlap=None),
                 "infinite_overlap", "BOOLEAN_EXPECTED"),
    # ----------------------------------------------------------------------------------------- pools
    refused_item("another-requesters-pool", tasks_of("foreign_pool"), "pool_id", "ENTITY_DOES_NOT_EXIST"),
    refused_item("archived-pool", tasks_of("archived_pool"), "pool_id", "POOL_INAPPROPRIATE_STATUS"),
    refused_item("unknown-pool", tasks_of(pool_id="987654321"), "pool_id", "ENTITY_DOES_NOT_EXIST"),
    refused_item("pool-id-not-a-number", tasks_of(pool_id="abc"), "pool_id", "INVALID_VALUE"),
    refused_item("pool-id-of-20-digits", tasks_of(pool_id="9" * 20), "pool_id", "INVALID_VALUE"),
    refused_item("duplicate-pool-id-last-foreign", None, "pool_id", "ENTITY_DOES_NOT_EXIST", content=raw_task(
        b'{"pool_id": "{pool}", "pool_id": "{foreign_pool}", "overlap": 1, "input_values": {"image": "%s"}}'
        % IMAGE.encode())),
    refused_item("duplicate-input-key-last-invalid", None, "input_values.image", "INVALID_URL_SYNTAX",
                 content=raw_task(b'{"pool_id": "{pool}", "overlap": 1, "input_values": '
                                  b'{"image": "%s", "image": "nope"}}' % IMAGE.encode())),
    Case("open-an-empty-pool", "POST", V1 + "/pools/{empty_pool}/open", 409, "EMPTY_POOL", ("no tasks",),
         content_type=None),
    Case("open-an-archived-pool", "POST", V1 + "/pools/{archived_pool}/open", 409, "POOL_INAPPROPRIATE_STATUS",
         ("archived",), content_type=None),
    # ------------------------------------------------------------------------- task content and specs
    refused_item("input_values-not-an-object", tasks_of(input_values="image"), "input_values",
                 "OBJECT_EXPECTED"),
    refused_item("known-solution-for-an-unknown-output-field",
                 tasks_of(known_solutions=[{"output_values": {"nope": "cat"}, "correctness_weight": 1}]),
                 "known_solutions.0.output_values.nope", "VALUE_NOT_ALLOWED"),
    bad_spec("spec-unknown-type", {"a": {"type": "strin"}}, ".a.type", "UNKNOWN_ENUM_VALUE", "strin"),
    bad_spec("spec-min-over-max", {"a": {"type": "integer", "min_value": 5, "max_value": 1}}, ".a.max_value",
             "INVALID_VALUE", "max_value", "min_value"),
    bad_spec("spec-empty-allowed-values", {"a": {"type": "string", "allowed_values": []}}, ".a.allowed_values",
             "INVALID_VALUE", "allowed_values"),
    bad_spec("spec-duplicate-allowed-values", {"a": {"type": "string", "allowed_values": ["x", "x"]}},
             ".a.allowed_values.1", "DUPLICATE_VALUE_IN_ARRAY", "already listed"),
    bad_spec("spec-bound-as-string", {"a": {"type": "string", "min_length": "3"}}, ".a.min_length",
             "INTEGER_EXPECTED", "integer"),
    bad_spec("spec-field-name-with-a-dot", {"a.b": {"type": "string"}}, ".a.b", "INVALID_VALUE", "field name"),
    bad_spec("spec-field-name-with-a-space", {"a b": {"type": "string"}}, ".a b", "INVALID_VALUE", "field name"),
    bad_spec("spec-field-name-of-1000-chars", {"n" * 1000: {"type": "string"}}, "." + "n" * 1000,
             "INVALID_VALUE", "field name"),
    bad_spec("spec-of-200-fields", {f"f{number}": {"type": "string"} for number in range(200)}, "",
             "VALUE_NOT_ALLOWED", "at most 100"),
    Case("update-project-with-a-bad-spec", "PUT", V1 + "/projects/{project}", 400, VALIDATION,
         ("Invalid project",), json=lambda world: project_body({"a": {"type": "nope"}}),
         field=("task_spec.input_spec.a.type",), field_code="UNKNOWN_ENUM_VALUE"),
    # ---------------------------------------------------------------------------- read-only fields
    Case("patch-task-read-only-fields", "PATCH", V1 + "/tasks/{task}", 400, VALIDATION, ("cannot be patched",),
         json=lambda world: {"id": "x", "pool_id": world.foreign_pool, "created": "2020-01-01T00:00:00",
                             "input_values": {"image": IMAGE}}, field=("pool_id",), field_code="VALUE_NOT_ALLOWED"),
    Case("set-overlap-or-min-other-fields", "PATCH", V1 + "/tasks/{task}/set-overlap-or-min", 400, VALIDATION,
         ("Only overlap or infinite_overlap",), json=lambda world: {"overlap": 2, "remaining_overlap": 9},
         field=("remaining_overlap",), field_code="VALUE_NOT_ALLOWED"),
    Case("patch-pool-status", "PATCH", V1 + "/pools/{pool}", 400, VALIDATION, ("cannot be patched",),
         json=lambda world: {"status": "OPEN", "owner": {"id": "1"}}, field=("status",),
         field_code="VALUE_NOT_ALLOWED"),
    # ---------------------------------------------------------------------------- ids in paths
    missing("task-id-garbage", "/tasks/abc", "task"),
    missing("task-id-unknown", "/tasks/00000f4240--000000000000000000000001", "task"),
    missing("task-id-sequence-overflow", "/tasks/0000000001--ffffffffffffffffffffffff", "task"),
    missing("task-suite-id-garbage", "/task-suites/abc", "task suite"),
    Case("task-suite-id-climbing-out", "GET", V1 + "/task-suites/..%2F..%2Fprojects", 404, MISSING,
         ("No such endpoint",)),
    missing("patch-task-id-garbage", "/tasks/abc", "task", method="PATCH", json=lambda world: {"overlap": 2}),
    missing("pool-id-negative", "/pools/-1", "pool"),
    missing("pool-id-too-big", "/pools/99999999999999999999999", "pool"),
    missing("pool-id-emoji", "/pools/\N{GRINNING FACE}", "pool"),
    missing("pool-counts-id-garbage", "/pools/1e3/counts", "pool"),
    missing("project-id-float", "/projects/1.0", "project"),
    missing("operation-id-not-a-uuid", "/operations/not-a-uuid", "operation"),
    missing("operation-log-unknown", f"/operations/{uuid.uuid4()}/log", "operation"),
    missing("operation-id-of-10000-chars", "/operations/" + "o" * 10_000, "operation",
            check=small_answer),
    missing("operation-id-with-nul", "/operations/%00", "operation"),
    missing("operation-log-id-with-nul", "/operations/a%00b/log", "operation"),
    # ------------------------------------------------------------------------------ methods and paths
    Case("delete-projects", "DELETE", V1 + "/projects", 405, NOT_ALLOWED, ("Method Not Allowed",),
         check=allow_header),
    Case("delete-a-pool", "DELETE", V1 + "/pools/{pool}", 405, NOT_ALLOWED, ("Method Not Allowed",),
         check=allow_header),
    Case("put-tasks", "PUT", V1 + "/tasks", 405, NOT_ALLOWED, ("Method Not Allowed",), json=tasks_of()),
    Case("get-pool-open", "GET", V1 + "/pools/{pool}/open", 405, NOT_ALLOWED, ("Method Not Allowed",),
         check=allow_header),
    Case("post-requester", "POST", V1 + "/requester", 405, NOT_ALLOWED, ("Method Not Allowed",),
         json=lambda world: {}),
    Case("unknown-path", "GET", V1 + "/nothing", 404, MISSING, ("No such endpoint",)),
    Case("unknown-api-version", "GET", "/api/v2/projects", 404, MISSING, ("No such endpoint",)),
    Case("trailing-slash", "GET", V1 + "/projects/", 404, MISSING, ("No such endpoint",)),
    # -------------------------------------------------------------------------------- authorization
    Case("no-authorization", "GET", V1 + "/requester", 401, UNAUTHENTICATED, ("missing",), auth=None),
    Case("no-authorization-create", "POST", V1 + "/tasks", 401, UNAUTHENTICATED, ("missing",), auth=None,
         json=tasks_of(), params=SYNC),
    Case("wrong-token", "POST", V1 + "/tasks", 401, UNAUTHENTICATED, ("not valid",), auth="OAuth nope",
         json=tasks_of(), params=SYNC),
    Case("basic-scheme-with-the-real-token", "GET", V1 + "/pools/{pool}", 401, UNAUTHENTICATED, ("OAuth",),
         auth="Basic {token}"),
    Case("scheme-without-token", "GET", V1 + "/requester", 401, UNAUTHENTICATED, ("OAuth",), auth="OAuth"),
    Case("token-with-trailing-text", "GET", V1 + "/pools/{pool}", 401, UNAUTHENTICATED, ("not valid",),
         auth="OAuth {token} x"),
    Case("huge-authorization-header", "GET", V1 + "/requester", 401, UNAUTHENTICATED, ("not valid",),
         auth="OAuth " + "a" * 60_000, check=small_answer),
    Case("non-ascii-authorization-header", "GET", V1 + "/requester", 401, UNAUTHENTICATED, ("not valid",),
         auth=b"OAuth \xff\xfe\x80"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_is_refused_and_changes_nothing(server: ServerProcess, world: World, clients: Clients,
                                                        case: Case, request: pytest.FixtureRequest) -> None:
    if case.postgres_bug and is_postgres(server):
        request.applymarker(pytest.mark.xfail(strict=True, reason=case.postgres_bug))
    before = census(clients.mine), census(clients.owner)
    response = send(clients.raw, world, case)
    body = check_envelope(response, case.status, case.code)
    for word in case.words:
        assert word.lower() in body["message"].lower(), (word, body["message"][:500])
    if case.field:
        problem = field_error(body["payload"], case.field)
        assert problem["code"] == case.field_code, body["payload"]
        for word in case.field_words:
            assert word.lower() in problem["message"].lower(), (word, problem["message"][:500])
    if case.check is not None:
        case.check(response)
    still = clients.raw.get(V1 + "/requester", headers={"Authorization": f"OAuth {world.token}"})
    assert still.status_code == 200, "the connection and the server are still fine"
    assert_unchanged(before[0], census(clients.mine), failed_operations=int(case.failed_operation))
    assert_unchanged(before[1], census(clients.owner))


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 45
    assert len({case.id for case in CASES}) == len(CASES)


# ------------------------------------------------------------------- answers that are not refusals


@pytest.fixture
def fresh_pool(server: ServerProcess) -> Iterator[tuple[httpx.Client, str]]:
    """A pool of a requester of its own, so big or odd tasks stay out of the table's census."""
    with api_client(server.url, server.new_requester("odd-values")) as api:
        project = str(created(api.post("/projects", json=project_body()))["id"])
        yield api, new_pool(api, project)


def test_a_10_mb_string_without_a_length_limit_is_kept_whole(fresh_pool: tuple[httpx.Client, str]) -> None:
    """The spec sets no length on a string field without `max_length`; the 64 MB body limit bounds it.

    Refusing would lose data a requester is entitled to store, so the server keeps it, exactly, and
    keeps answering others meanwhile.
    """
    api, pool = fresh_pool
    note = "\N{CYRILLIC SMALL LETTER ZHE}x" * (TEN_MB // 2)
    started = time.monotonic()
    answer = api.post("/tasks", params=SYNC, json={"pool_id": pool, "overlap": 1,
                                                   "input_values": {"image": IMAGE, "note": note}})
    assert answer.status_code == 201, answer.text[:500]
    stored = api.get(f"/tasks/{answer.json()['id']}")
    assert stored.status_code == 200
    assert stored.json()["input_values"] == {"image": IMAGE, "note": note}
    assert api.get(f"/pools/{pool}/counts").json()["task_count"] == 1
    assert time.monotonic() - started < 60


def test_one_object_where_an_array_is_allowed_is_one_task(fresh_pool: tuple[httpx.Client, str]) -> None:
    """`/tasks` takes an array or one object (toloka-kit's `create_task`); one object answers one task."""
    api, pool = fresh_pool
    one = {"pool_id": pool, "overlap": 2, "input_values": {"image": IMAGE}}
    answer = api.post("/tasks", params=SYNC, json=one)
    assert answer.status_code == 201, answer.text
    task = answer.json()
    assert task["pool_id"] == pool and task["overlap"] == 2 and task["input_values"] == {"image": IMAGE}
    assert "items" not in task, "a single object answers a task, not a batch result"
    assert api.get(f"/tasks/{task['id']}").json() == task
    queued = api.post("/tasks", params={"async_mode": "true"}, json=one)
    assert queued.status_code == 202 and queued.json()["type"] == "TASK.BATCH_CREATE", queued.text
    refused = api.post("/tasks", params=SYNC, json={**one, "overlap": 0})
    body = check_envelope(refused, 400, VALIDATION)
    assert body["payload"]["overlap"]["code"] == "VALUE_LESS_THAN_MIN", "one task: `{path: error}`, no index"
    assert api.get(f"/pools/{pool}/counts").json()["task_count"] == 2


def test_duplicate_keys_keep_only_the_value_that_was_checked(fresh_pool: tuple[httpx.Client, str]) -> None:
    """With duplicate keys the server checks the last value (as every mainstream JSON parser reads it).

    The first one, which nobody checked, must not be kept: an answer or a stored task that still holds
    both keys means different things to parsers that take the first.
    """
    api, pool = fresh_pool
    body = b'[{"pool_id": "%s", "overlap": 1, "input_values": {"image": "javascript:alert(1)", "image": "%s"}}]' % (
        pool.encode(), IMAGE.encode())
    answer = api.post("/tasks", params=SYNC, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 201, answer.text
    task = answer.json()["items"]["0"]
    assert task["input_values"] == {"image": IMAGE}
    stored = api.get(f"/tasks/{task['id']}")
    assert stored.json()["input_values"] == {"image": IMAGE}
    leaks = [name for name, text in (("the 201 answer", answer.text), ("GET /tasks/{id}", stored.text))
             if "javascript:" in text]
    assert not leaks, f"the value that failed the url check is still in: {', '.join(leaks)}"


NUL_BODIES: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "project-name": ("/projects", lambda pool: {**project_body(), "public_name": "a\u0000b"}),
    "task-input-value": ("/tasks", lambda pool: {"pool_id": pool, "overlap": 1,
                                                 "input_values": {"image": IMAGE, "note": "a\u0000b"}}),
    "task-unknown-field": ("/tasks", lambda pool: {"pool_id": pool, "overlap": 1, "input_values": {"image": IMAGE},
                                                   "comment": "\u0000"}),
}


@pytest.mark.parametrize("where", sorted(NUL_BODIES))
def test_a_nul_character_is_kept_or_refused_never_a_500(fresh_pool: tuple[httpx.Client, str], where: str) -> None:
    """JSON allows `\\u0000`, PostgreSQL's jsonb does not. Either it is stored and read back exactly, or
    refused as a validation error that names it (on both backends alike); never a 500."""
    api, pool = fresh_pool
    path, build = NUL_BODIES[where]
    sent = build(pool)
    answer = api.post(path, params=SYNC if path == "/tasks" else None, json=sent)
    if answer.status_code == 201:
        stored = api.get(f"{path}/{answer.json()['id']}").json()
        assert {key: stored[key] for key in sent} == sent
    else:
        body = check_envelope(answer, 400, VALIDATION)
        assert "\\u0000" in body["message"] or "NUL" in body["message"], body["message"]
    assert api.get("/requester").status_code == 200, "the same keep-alive connection still works"


@pytest.mark.parametrize("path, name", [("/projects", "status"), ("/pools", "status"), ("/operations", "type"),
                                        ("/operations", "status")])
def test_a_nul_character_in_a_text_filter_finds_nothing(server: ServerProcess, world: World, path: str, name: str,
                                                        request: pytest.FixtureRequest) -> None:
    with api_client(world.url, world.token) as api:
        answer = api.get(path, params={name: "OPEN\u0000"})
        if answer.status_code == 200:
            assert answer.json() == {"items": [], "has_more": False}
        else:
            check_envelope(answer, 400, VALIDATION)


# ------------------------------------------------------------------ limits of a server of their own


def test_a_body_over_the_size_limit_is_413(own_server: ServerProcess) -> None:
    limit = 10_000
    own_server.env["TALAKA_MAX_BODY_BYTES"] = str(limit)
    own_server.start()
    with api_client(own_server.url, own_server.token) as api:
        project = str(created(api.post("/projects", json=project_body()))["id"])
        pool = new_pool(api, project)
        before = census(api)
        tasks = json.dumps([{"pool_id": pool, "overlap": 1, "input_values": {"image": IMAGE}}] * 200).encode()
        assert len(tasks) > limit
        declared = api.post("/tasks", params=SYNC, content=tasks, headers={"Content-Type": "application/json"})
        streamed = api.post("/tasks", params=SYNC, content=iter([tasks[:5_000], tasks[5_000:]]),
                            headers={"Content-Type": "application/json"})
        project_too_big = api.post("/projects", json={**project_body(), "private_comment": "x" * limit})
        for answer in (declared, streamed, project_too_big):
            body = check_envelope(answer, 413, "PAYLOAD_TOO_LARGE")
            assert f"larger than {limit} bytes" in body["message"]
            assert body["payload"] == {"max_body_bytes": limit}
        assert "content-length" not in streamed.request.headers, "the second one really came in chunks"
        assert_unchanged(before, census(api))

        exactly = json.dumps(project_body()).encode()
        exactly = exactly[:-1] + b" " * (limit - len(exactly)) + b"}"
        assert len(exactly) == limit
        assert api.post("/projects", content=exactly, headers={"Content-Type": "application/json"}).status_code == 201


def test_one_task_over_the_async_limit_is_refused_whole(own_server: ServerProcess) -> None:
    own_server.env["TALAKA_MAX_ASYNC_ITEMS"] = "1000"
    own_server.start()
    with api_client(own_server.url, own_server.token) as api:
        project = str(created(api.post("/projects", json=project_body()))["id"])
        pool = new_pool(api, project)
        before = census(api)
        tasks = [{"pool_id": pool, "overlap": 1, "input_values": {"image": f"{IMAGE}?{number}"}}
                 for number in range(1_001)]
        answer = api.post("/tasks", params={"async_mode": "true", "operation_id": str(uuid.uuid4())}, json=tasks)
        body = check_envelope(answer, 400, VALIDATION)
        assert "1 to 1000" in body["message"] and "1001" in body["message"]
        assert field_error(body["payload"], ("tasks",))["code"] == "ARRAY_SIZE_GREATER_THAN_MAX"
        assert_unchanged(before, census(api))
        accepted = api.post("/tasks", params={"async_mode": "true"}, json=tasks[:1_000])
        assert accepted.status_code == 202, accepted.text


def test_an_unstorable_item_in_a_background_operation_ends_it(own_server: ServerProcess) -> None:
    """An operation run in the background must finish (SUCCESS or FAIL) whatever its items hold.

    A NUL character is what PostgreSQL cannot store; the runner must not retry such an operation for
    ever, with its valid items never created and its status stuck at RUNNING. Refusing the request
    before it becomes an operation (400 naming the NUL) is fine too.
    """
    own_server.env.update(TALAKA_INLINE_ASYNC_ITEMS="1", TALAKA_OPERATION_LEASE_SECONDS="1")
    own_server.start()
    with api_client(own_server.url, own_server.token) as api:
        project = str(created(api.post("/projects", json=project_body()))["id"])
        pool = new_pool(api, project)
        tasks = [{"pool_id": pool, "overlap": 1, "input_values": {"image": IMAGE}},
                 {"pool_id": pool, "overlap": 1, "input_values": {"image": IMAGE, "note": "a\u0000b"}}]
        accepted = api.post("/tasks", params={"async_mode": "true", "skip_invalid_items": "true"}, json=tasks)
        if accepted.status_code == 400:
            body = check_envelope(accepted, 400, VALIDATION)
            assert "NUL" in body["message"] or "\\u0000" in body["message"], body["message"]
            assert api.get(f"/pools/{pool}/counts").json()["task_count"] == 0
            return  # refused before it became an operation: nothing can get stuck
        assert accepted.status_code == 202, accepted.text
        operation_id = accepted.json()["id"]
        deadline = time.monotonic() + 5
        status = "PENDING"
        while status not in ("SUCCESS", "FAIL") and time.monotonic() < deadline:
            time.sleep(0.2)
            status = api.get(f"/operations/{operation_id}").json()["status"]
        assert status in ("SUCCESS", "FAIL"), f"the operation is still {status} after 5 s"
        log = api.get(f"/operations/{operation_id}/log").json()
        counts = api.get(f"/pools/{pool}/counts").json()
        assert counts["task_count"] == sum(item["success"] for item in log)
