"""A small work loop to attack: one requester's pools, two performers with an ACTIVE assignment each,
and a census of everything a refused request could have changed.

The hostile-input tables of the work loop (`test_hostile_performer`, `test_hostile_work`) send their
requests into this world and compare the census before and after each one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.server import ServerProcess

V1 = "/api/v1"
ME = "/api/performer/v1"
ENVELOPE_KEYS = {"request_id", "code", "message", "payload"}
VALIDATION = "VALIDATION_ERROR"
MISSING = "DOES_NOT_EXIST"
OUTPUT_SPEC: dict[str, Any] = {
    "label": {"type": "string", "allowed_values": ["cat", "dog"]},
    "score": {"type": "integer", "min_value": 1, "max_value": 5},
    "note": {"type": "string", "required": False, "min_length": 2, "max_length": 10},
    "sure": {"type": "boolean", "required": False},
    "ratio": {"type": "float", "required": False, "min_value": 0, "max_value": 1},
    "tags": {"type": "array_string", "required": False, "max_size": 2, "allowed_values": ["a", "b", "c"]},
}
PROJECT: dict[str, Any] = {
    "public_name": "hostile work", "public_description": "answers are checked",
    "task_spec": {"input_spec": {"image": {"type": "url"}}, "output_spec": OUTPUT_SPEC}}
GOOD: dict[str, Any] = {"label": "cat", "score": 3}
SUITE_SIZE = 2


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


def solutions(*values: Any) -> dict[str, Any]:
    return {"solutions": [{"output_values": value} for value in values]}


@dataclass(frozen=True)
class WorkWorld:
    """Ids and tokens: `a` is Ann's ACTIVE assignment in `main`, `b` Bob's; `brief` expires in a second."""

    url: str
    requester: str
    ann: str
    bob: str
    ann_id: str
    project: str
    main: str
    brief: str
    a: str
    b: str

    def ids(self) -> dict[str, str]:
        return {"a": self.a, "b": self.b, "main": self.main, "brief": self.brief, "ann_id": self.ann_id}

    def token(self, who: str) -> str:
        return {"requester": self.requester, "ann": self.ann, "bob": self.bob}[who]


def open_pool(api: httpx.Client, project: str, tasks: int, **settings: Any) -> str:
    mixer = {"real_tasks_count": SUITE_SIZE, "golden_tasks_count": 0, "training_tasks_count": 0}
    body = {"project_id": project, "private_name": "hostile work", "mixer_config": mixer} | settings
    pool = created(api.post("/pools", json=body))
    items = [{"pool_id": pool["id"], "overlap": 1, "input_values": {"image": f"https://example.com/{number}.png"}}
             for number in range(tasks)]
    created(api.post("/tasks", params={"async_mode": "false", "open_pool": "true"}, json=items))
    return str(pool["id"])


def build_world(server: ServerProcess) -> WorkWorld:
    """A fresh requester with a project, an open pool of eight tasks (suites of two) and a pool whose
    assignments expire after a second; Ann and Bob each hold an ACTIVE suite of the main pool."""
    requester = server.new_requester(f"hostile-work-{uuid.uuid4().hex[:8]}")
    with httpx.Client(base_url=server.url + V1, headers={"Authorization": f"OAuth {requester}"},
                      timeout=60) as api:
        project = str(created(api.post("/projects", json=PROJECT))["id"])
        main = open_pool(api, project, 8)
        brief = open_pool(api, project, 4, assignment_max_duration_seconds=1)
        ann = created(api.post("/performers", json={"name": "Ann", "languages": ["EN"]}))
        bob = created(api.post("/performers", json={"name": "Bob"}))
    held = []
    for performer in (ann, bob):
        with performer_client(server.url, performer["token"]) as me:
            held.append(created(me.post("/assignments", json={"pool_id": main}))["id"])
    return WorkWorld(server.url, requester, ann["token"], bob["token"], ann["id"], project, main, brief,
                     *held)


def performer_client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url + ME, headers={"Authorization": f"OAuth {token}"}, timeout=60)


def requester_client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url + V1, headers={"Authorization": f"OAuth {token}"}, timeout=60)


@dataclass(frozen=True)
class Sides:
    """Clients kept open for a module: the raw one for hostile requests, one per account for the census."""

    raw: httpx.Client
    requester: httpx.Client
    ann: httpx.Client
    bob: httpx.Client


def read(client: httpx.Client, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def census(world: WorkWorld, sides: Sides) -> dict[str, Any]:
    """Both assignments as their performers and the requester see them, every list they appear in, the
    pools' tasks (with their remaining overlap), the performers' profiles and the requester's operations."""
    return {
        "a": read(sides.ann, f"/assignments/{world.a}"), "b": read(sides.bob, f"/assignments/{world.b}"),
        "requester-a": read(sides.requester, f"/assignments/{world.a}"),
        "requester-b": read(sides.requester, f"/assignments/{world.b}"),
        "ann-list": read(sides.ann, "/assignments", limit=1000),
        "bob-list": read(sides.bob, "/assignments", limit=1000),
        "assignments": [read(sides.requester, "/assignments", pool_id=pool, sort="id", limit=1000)
                        for pool in (world.main, world.brief)],
        "tasks": [read(sides.requester, "/tasks", pool_id=pool, sort="id", limit=1000)
                  for pool in (world.main, world.brief)],
        "pools": [read(sides.requester, f"/pools/{pool}") for pool in (world.main, world.brief)],
        "ann": read(sides.ann, "/me"), "bob": read(sides.bob, "/me"),
        "ann-metadata": read(sides.requester, f"/user-metadata/{world.ann_id}"),
        "operations": read(sides.requester, "/operations", limit=500),
    }


def check_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A JSON error envelope with exactly the four keys, its request id also in `X-Request-Id`."""
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == ENVELOPE_KEYS, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert response.headers["x-request-id"] == body["request_id"]
    return body


def no_known_solutions(value: Any) -> None:
    """Nowhere in a performer's answer is a key that could carry a known solution or its hint."""
    if isinstance(value, dict):
        assert not {"known_solutions", "message_on_unknown_solution"} & set(value), value
        for inner in value.values():
            no_known_solutions(inner)
    elif isinstance(value, list):
        for inner in value:
            no_known_solutions(inner)


Json = Callable[[WorkWorld], Any]


@dataclass(frozen=True)
class Case:
    """One refused request: who sends it (`as_`: requester, ann, bob, a raw header, or nobody), and what
    the refusal must say: status, code, words of the message, and the code at one payload key."""

    id: str
    method: str
    path: str
    status: int
    code: str
    words: tuple[str, ...] = ()
    json: Json | None = None
    content: bytes | Callable[[WorkWorld], bytes] | None = None
    content_type: str | None = "application/json"
    params: dict[str, str] = field(default_factory=dict)
    as_: str | None = "ann"
    field: str = ""
    field_code: str = ""
    check: Callable[[httpx.Response], None] | None = None


def send(raw: httpx.Client, world: WorkWorld, case: Case) -> httpx.Response:
    headers: dict[str, str] = {}
    if case.as_ in ("requester", "ann", "bob"):
        headers["Authorization"] = f"OAuth {world.token(case.as_)}"
    elif case.as_ is not None:
        headers["Authorization"] = case.as_
    body: bytes | None = None
    if case.json is not None:
        body = json.dumps(case.json(world)).encode()
    elif case.content is not None:
        body = case.content(world) if callable(case.content) else case.content
    if body is not None and case.content_type is not None:
        headers["Content-Type"] = case.content_type
    return raw.request(case.method, case.path.format(**world.ids()), params=case.params, content=body,
                       headers=headers)


def check_refusal(response: httpx.Response, case: Case) -> dict[str, Any]:
    """The case's status, code, message words and field error; a 4xx of the performer API never shows
    a known solution either."""
    body = check_envelope(response, case.status, case.code)
    for word in case.words:
        assert word in body["message"], (word, body["message"])
    if case.field:
        assert isinstance(body["payload"], dict) and case.field in body["payload"], body["payload"]
        assert body["payload"][case.field]["code"] == case.field_code, body["payload"]
    if case.check is not None:
        case.check(response)
    no_known_solutions(body)
    return body
