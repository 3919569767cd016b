"""Isolation in the work loop (work-loop spec section 5): who may see and change which assignments.

The world: an owner's open pool with golden tasks, worked in by Ann and Bob; an intruding requester
with a pool of its own, worked in by Carl. Then:

- a performer sees only their own assignments: Bob reading, submitting or skipping Ann's assignments
  gets 404 `DOES_NOT_EXIST` exactly as for an id that exists nowhere, and lists only his own;
- a performer never sees a known solution: no `known_solutions` or `message_on_unknown_solution` key
  anywhere in any performer answer, although golden tasks were in the suites they were given;
- a requester sees only the assignments of their own pools: the intruder's reads, reviews, exports
  and analytics of the owner's pool are 404 like an unknown id, its searches show nothing of the
  owner's, and a performer's metadata is shown only to requesters they worked for or who made them;
- each kind of token is refused on the other kind's endpoints with 403 `ACCESS_DENIED`: a performer's
  token on every requester endpoint of the OpenAPI document (the TSV and analytics included), a
  requester's on every performer endpoint.

After every refused step the owner's assignments, as the owner and as their performers see them,
are what they were. `test_tenants_walk` does the same for projects, pools, tasks and operations.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from talaka.api.openapi import build_document
from tests.api.work_world import ME, V1, check_envelope, created, no_known_solutions
from tests.support.server import ServerProcess

GOLDEN = {"known_solutions": [{"output_values": {"label": "cat"}}],
          "message_on_unknown_solution": "it is a cat", "infinite_overlap": True, "overlap": None}
PROJECT: dict[str, Any] = {
    "public_name": "isolated", "public_description": "whose work is whose",
    "task_spec": {"input_spec": {"image": {"type": "url"}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}}}
ANSWER = {"output_values": {"label": "dog"}}
UNKNOWN_ASSIGNMENT = "0000000001--00000000000000000fffffff"
TSV = "/api/new/requester/pools/{pool}/assignments.tsv"
ANALYTICS = "/api/staging/analytics-2"


def answers(assignment: dict[str, Any]) -> dict[str, Any]:
    return {"solutions": [ANSWER for _ in assignment["tasks"]]}


def anonymous(message: str) -> str:
    """The message with the quoted id it names taken out."""
    return re.sub(r"'[^']*'", "'ID'", message)


@dataclass(frozen=True)
class Tenants:
    """Tokens, ids and one client per account; `seen` holds every performer answer the setup got."""

    owner: httpx.Client
    intruder: httpx.Client
    ann: httpx.Client
    bob: httpx.Client
    carl: httpx.Client
    raw: httpx.Client
    tokens: dict[str, str]
    ann_id: str
    carl_id: str
    project: str
    pool: str
    task: str
    operation: str
    intruder_pool: str
    submitted: str
    active: str
    bobs: str
    carls: str
    seen: list[Any]

    def ids(self) -> dict[str, str]:
        return {"pool": self.pool, "submitted": self.submitted, "active": self.active, "ann_id": self.ann_id,
                "task": self.task, "intruder_pool": self.intruder_pool}


def client(url: str, token: str, base: str) -> httpx.Client:
    return httpx.Client(base_url=url + base, headers={"Authorization": f"OAuth {token}"}, timeout=60)


def open_pool(api: httpx.Client, project: str, tasks: list[dict[str, Any]], golden: int) -> str:
    mixer = {"real_tasks_count": 2, "golden_tasks_count": golden, "training_tasks_count": 0}
    body = {"project_id": project, "private_name": "isolated", "mixer_config": mixer,
            "auto_accept_solutions": False}
    pool = str(created(api.post("/pools", json=body))["id"])
    created(api.post("/tasks", params={"async_mode": "false", "open_pool": "true"},
                     json=[{"pool_id": pool, **task} for task in tasks]))
    return pool


def images(prefix: str, count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"input_values": {"image": f"https://example.com/{prefix}/{number}.png"}, "overlap": 3, **fields}
            for number in range(count)]


def take(performer: httpx.Client, pool: str, seen: list[Any]) -> dict[str, Any]:
    taken = created(performer.post("/assignments", json={"pool_id": pool}))
    seen.append(taken)
    return taken


def build(server: ServerProcess, tokens: dict[str, str], owner: httpx.Client,
          intruder: httpx.Client) -> dict[str, Any]:
    """The owner's pool (general and golden tasks) and the intruder's, and Ann, Bob (the owner's) and
    Carl (the intruder's)."""
    project = str(created(owner.post("/projects", json=PROJECT))["id"])
    pool = open_pool(owner, project, images("general", 6) + images("golden", 4, **GOLDEN), golden=1)
    intruder_project = str(created(intruder.post("/projects", json=PROJECT))["id"])
    people = {name: created(owner.post("/performers", json={"name": name})) for name in ("Ann", "Bob")}
    people["Carl"] = created(intruder.post("/performers", json={"name": "Carl"}))
    tokens |= {name.lower(): person["token"] for name, person in people.items()}
    return {"project": project, "pool": pool,
            "task": owner.get("/tasks", params={"pool_id": pool, "limit": 1}).json()["items"][0]["id"],
            "operation": owner.get("/operations", params={"limit": 1}).json()["items"][0]["id"],
            "intruder_pool": open_pool(intruder, intruder_project, images("theirs", 4), golden=0),
            "ann_id": people["Ann"]["id"], "carl_id": people["Carl"]["id"]}


@pytest.fixture(scope="module")
def tenants(server: ServerProcess) -> Iterator[Tenants]:
    """The world, then Ann's submitted and ACTIVE assignments, Bob's and Carl's ACTIVE ones."""
    suffix = uuid.uuid4().hex[:8]
    tokens = {role: server.new_requester(f"{role}-{suffix}") for role in ("owner", "intruder")}
    with client(server.url, tokens["owner"], V1) as owner, \
            client(server.url, tokens["intruder"], V1) as intruder:
        made = build(server, tokens, owner, intruder)
        seen: list[Any] = []
        with client(server.url, tokens["ann"], ME) as ann, client(server.url, tokens["bob"], ME) as bob, \
                client(server.url, tokens["carl"], ME) as carl, \
                httpx.Client(base_url=server.url, timeout=60) as raw:
            first = take(ann, made["pool"], seen)
            seen.append(ann.post(f"/assignments/{first['id']}/submit", json=answers(first)).json())
            active = take(ann, made["pool"], seen)
            bobs, carls = take(bob, made["pool"], seen), take(carl, made["intruder_pool"], seen)
            yield Tenants(owner, intruder, ann, bob, carl, raw, tokens, seen=seen, submitted=first["id"],
                          active=active["id"], bobs=bobs["id"], carls=carls["id"], **made)


def owners_view(tenants: Tenants) -> dict[str, Any]:
    """The owner's pool as the owner, Ann and Bob see it: assignments, tasks and the performers' lists."""
    return {
        "assignments": tenants.owner.get("/assignments", params={"pool_id": tenants.pool}).json(),
        "tasks": tenants.owner.get("/tasks", params={"pool_id": tenants.pool, "sort": "id"}).json(),
        "ann": tenants.ann.get("/assignments", params={"sort": "id"}).json(),
        "bob": tenants.bob.get("/assignments", params={"sort": "id"}).json(),
        "operations": tenants.owner.get("/operations", params={"limit": 500}).json(),
    }


# ------------------------------------------------------------------------------------- performers


@pytest.mark.parametrize("step", ["get", "submit", "skip"])
@pytest.mark.parametrize("whose", ["submitted", "active"])
def test_a_performer_cannot_reach_anothers_assignment(tenants: Tenants, step: str, whose: str) -> None:
    """Bob with Ann's ids gets exactly what an id that exists nowhere gets, and Ann's work stays as it was."""
    before = owners_view(tenants)
    theirs = getattr(tenants, whose)

    def send(assignment_id: str) -> httpx.Response:
        path = f"/assignments/{assignment_id}" + ("" if step == "get" else f"/{step}")
        if step == "submit":
            return tenants.bob.post(path, json={"solutions": [ANSWER, ANSWER, ANSWER]})
        return tenants.bob.request("GET" if step == "get" else "POST", path)

    mine, nowhere = check_envelope(send(theirs), 404, "DOES_NOT_EXIST"), send(UNKNOWN_ASSIGNMENT).json()
    assert anonymous(mine["message"]) == anonymous(nowhere["message"]) and mine["payload"] is None
    assert owners_view(tenants) == before


@pytest.mark.parametrize("query", [{}, {"pool_id": "{pool}"}, {"status": "ACTIVE,SUBMITTED,ACCEPTED"},
                                   {"id_gt": "0000000000--000000000000000000000000", "sort": "id"}],
                         ids=["all", "pool", "statuses", "id_gt"])
def test_a_performer_lists_only_their_own(tenants: Tenants, query: dict[str, str]) -> None:
    params = {name: value.format(**tenants.ids()) for name, value in query.items()}
    for performer, own in ((tenants.bob, {tenants.bobs}), (tenants.carl, {tenants.carls}),
                           (tenants.ann, {tenants.submitted, tenants.active})):
        listed = performer.get("/assignments", params=params)
        assert listed.status_code == 200, listed.text
        shown = {item["id"] for item in listed.json()["items"]}
        assert shown <= own and (shown == own or query), (shown, own)
        no_known_solutions(listed.json())


def test_a_performer_never_sees_a_known_solution(tenants: Tenants) -> None:
    """Golden tasks reached Ann (the owner sees their known solutions in her assignments), yet no answer
    of the performer API, in the setup or below, holds a key that could carry one."""
    answers_seen = list(tenants.seen)
    for performer in (tenants.ann, tenants.bob, tenants.carl):
        answers_seen += [performer.get("/me").json(), performer.get("/pools").json(),
                         performer.get("/assignments").json()]
    for assignment_id in (tenants.submitted, tenants.active):
        answers_seen.append(tenants.ann.get(f"/assignments/{assignment_id}").json())
    no_known_solutions(answers_seen)
    served = [tenants.owner.get(f"/assignments/{assignment_id}").json()
              for assignment_id in (tenants.submitted, tenants.active, tenants.bobs)]
    assert all(any("known_solutions" in task for task in assignment["tasks"]) for assignment in served)
    assert "known_solutions" not in json.dumps(answers_seen) and "it is a cat" not in json.dumps(answers_seen)


# ------------------------------------------------------------------------------------- requesters


@dataclass(frozen=True)
class Step:
    id: str
    method: str
    path: str
    expect: str  # missing (404 like an unknown id), empty (an empty page), unlisted (none of the owner's)
    json: Any = None
    params: dict[str, str] | None = None


UNKNOWN_IDS = {"pool": "987654321", "submitted": UNKNOWN_ASSIGNMENT, "active": UNKNOWN_ASSIGNMENT,
               "ann_id": "0" * 32}
STEPS = [
    Step("get-submitted", "GET", V1 + "/assignments/{submitted}", "missing"),
    Step("get-active", "GET", V1 + "/assignments/{active}", "missing"),
    Step("accept", "PATCH", V1 + "/assignments/{submitted}", "missing", json={"status": "ACCEPTED"}),
    Step("reject", "PATCH", V1 + "/assignments/{submitted}", "missing",
         json={"status": "REJECTED", "public_comment": "mine now"}),
    Step("export", "GET", TSV, "missing", params={"status": "SUBMITTED,ACTIVE,APPROVED"}),
    Step("analytics", "POST", ANALYTICS, "missing",
         json=[{"subject": "POOL", "subject_id": "{pool}", "name": "submitted_assignments_count"}]),
    Step("ann-metadata", "GET", V1 + "/user-metadata/{ann_id}", "missing"),
    Step("find-all", "GET", V1 + "/assignments", "unlisted"),
    Step("find-of-pool", "GET", V1 + "/assignments", "empty", params={"pool_id": "{pool}"}),
    Step("find-by-id", "GET", V1 + "/assignments", "empty",
         params={"id_gte": "{submitted}", "id_lte": "{active}"}),
    Step("find-by-task", "GET", V1 + "/assignments", "empty", params={"task_id": "{task}"}),
    Step("find-by-suite", "GET", V1 + "/assignments", "empty", params={"task_suite_id": "{submitted}"}),
    Step("find-by-performer", "GET", V1 + "/assignments", "empty", params={"user_id": "{ann_id}"}),
    Step("find-by-status", "GET", V1 + "/assignments", "unlisted", params={"status": "ACTIVE,SUBMITTED"}),
]


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {name: fill(item, ids) for name, item in value.items()}
    return value


def intrude(tenants: Tenants, step: Step, ids: dict[str, str]) -> httpx.Response:
    return tenants.raw.request(step.method, fill(step.path, ids), params=fill(step.params or {}, ids),
                               json=fill(step.json, ids),
                               headers={"Authorization": f"OAuth {tenants.tokens['intruder']}"})


@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_a_requester_sees_only_their_own_pools_work(tenants: Tenants, step: Step) -> None:
    before = owners_view(tenants)
    intruders_operations = tenants.intruder.get("/operations", params={"limit": 500}).json()
    answer = intrude(tenants, step, tenants.ids())
    if step.expect == "missing":
        mine = check_envelope(answer, 404, "DOES_NOT_EXIST")
        nowhere = check_envelope(intrude(tenants, step, tenants.ids() | UNKNOWN_IDS), 404, "DOES_NOT_EXIST")
        assert anonymous(mine["message"]) == anonymous(nowhere["message"]) and mine["payload"] is None
    elif step.expect == "empty":
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"items": [], "has_more": False}
    else:
        assert answer.status_code == 200, answer.text
        shown = answer.json()["items"]
        assert {item["id"] for item in shown} == {tenants.carls}
        assert all(item["pool_id"] == tenants.intruder_pool for item in shown)
    assert owners_view(tenants) == before
    assert tenants.intruder.get("/operations", params={"limit": 500}).json() == intruders_operations


def test_metadata_is_shown_to_whom_the_performer_worked_for(tenants: Tenants) -> None:
    """Carl worked only for the intruder, who made him; Ann only for the owner."""
    assert tenants.owner.get(f"/user-metadata/{tenants.ann_id}").status_code == 200
    assert tenants.intruder.get(f"/user-metadata/{tenants.carl_id}").status_code == 200
    check_envelope(tenants.owner.get(f"/user-metadata/{tenants.carl_id}"), 404, "DOES_NOT_EXIST")
    check_envelope(tenants.intruder.get(f"/user-metadata/{tenants.ann_id}"), 404, "DOES_NOT_EXIST")


# ------------------------------------------------------------------------------------- token kinds


def routes(performer_api: bool) -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document on one side: the performer API, or all the rest."""
    found = []
    for path, item in build_document()["paths"].items():
        if path == "/openapi.json" or path.startswith(ME + "/") != performer_api:
            continue
        found += [(method.upper(), path) for method in item if method != "parameters"]
    return sorted(found)


def real_path(tenants: Tenants, template: str) -> str:
    """The path with the owner's real ids, so a refusal cannot come from an id that names nothing."""
    return template.format(project_id=tenants.project, pool_id=tenants.pool, task_id=tenants.task,
                           operation_id=tenants.operation, assignment_id=tenants.submitted,
                           user_id=tenants.ann_id, skill_id="1", user_skill_id="1", user_restriction_id="1",
                           user_bonus_id="1", training_id=tenants.pool)


@pytest.mark.parametrize("route", routes(performer_api=False), ids=" ".join)
def test_a_performers_token_is_refused_on_every_requester_endpoint(tenants: Tenants,
                                                                     route: tuple[str, str]) -> None:
    method, template = route
    before = owners_view(tenants)
    for performer in ("ann", "carl"):
        answer = tenants.raw.request(method, real_path(tenants, template),
                                     json={} if method != "GET" else None,
                                     headers={"Authorization": f"OAuth {tenants.tokens[performer]}"})
        body = check_envelope(answer, 403, "ACCESS_DENIED")
        assert "requester's token" in body["message"] and "/api/performer/v1" in body["message"]
    assert owners_view(tenants) == before


@pytest.mark.parametrize("route", routes(performer_api=True), ids=" ".join)
def test_a_requesters_token_is_refused_on_every_performer_endpoint(tenants: Tenants,
                                                                     route: tuple[str, str]) -> None:
    method, template = route
    before = owners_view(tenants)
    body = {"pool_id": tenants.pool} if template.endswith("/assignments") else answers({"tasks": [1, 2, 3]})
    for requester in ("owner", "intruder"):
        answer = tenants.raw.request(method, real_path(tenants, template),
                                     json=body if method == "POST" else None,
                                     headers={"Authorization": f"OAuth {tenants.tokens[requester]}"})
        refused = check_envelope(answer, 403, "ACCESS_DENIED")
        assert "performer's token" in refused["message"]
    assert owners_view(tenants) == before


def test_every_endpoint_is_in_one_of_the_two_walks() -> None:
    assert len(routes(performer_api=True)) == 7
    assert {path for _, path in routes(performer_api=False)} >= {
        V1 + "/assignments", V1 + "/assignments/{assignment_id}", V1 + "/performers",
        V1 + "/user-metadata/{user_id}", TSV.replace("{pool}", "{pool_id}"), ANALYTICS}
