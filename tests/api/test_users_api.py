"""`/v1/skills`, `/v1/user-skills`, `/v1/user-restrictions` and `/v1/user-bonuses` over HTTP on each
backend: what they answer, what they refuse, and whose objects they show.

The scene: an owner with a project, an open pool where its performer Ann holds an assignment, a skill,
Ann's value of it, a restriction and a bonus; a stranger (another requester) with a skill and a
performer Zed of its own. Then:

- the answers' shapes and the rules around them (upserts keep their id, bonus ids are fixed-width, a
  refused bonus batch writes nothing, a restriction set here is what a take meets);
- hostile bodies and queries: every one is a 400 `VALIDATION_ERROR` naming every bad field with its
  code, and changes nothing of the owner's;
- isolation: the stranger gets 404 `DOES_NOT_EXIST` on every id of the owner's, exactly as for an id
  that exists nowhere, finds none of it, and cannot name the owner's performers, skills, projects,
  pools or assignments; a performer's token is refused with 403 on every route of these resources.
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

from talaka.api.openapi.users import users_paths
from tests.api.test_openapi import METHODS
from tests.api.work_world import (
    PROJECT,
    check_envelope,
    created,
    open_pool,
    performer_client,
    requester_client,
)
from tests.support.server import ServerProcess

BONUS = {"public_title": {"EN": "Thanks"}, "public_message": {"EN": "Well done"}}
SYNC = {"async_mode": "false"}


@dataclass(frozen=True)
class Scene:
    url: str
    owner: str
    stranger: str
    ann: str
    ann_token: str
    zed: str
    project: str
    pool: str
    assignment: str
    skill: str
    user_skill: str
    restriction: str
    bonus: str
    stranger_skill: str
    stranger_project: str


def build_scene(server: ServerProcess) -> Scene:
    suffix = uuid.uuid4().hex[:8]
    owner, stranger = server.new_requester(f"users-{suffix}"), server.new_requester(f"stranger-{suffix}")
    with requester_client(server.url, owner) as api, requester_client(server.url, stranger) as other:
        project = str(created(api.post("/projects", json=PROJECT))["id"])
        pool = open_pool(api, project, 4)
        ann = created(api.post("/performers", json={"name": "Ann"}))
        zed = created(other.post("/performers", json={"name": "Zed"}))
        with performer_client(server.url, ann["token"]) as me:
            assignment = created(me.post("/assignments", json={"pool_id": pool}))["id"]
        skill = created(api.post("/skills", json={"name": f"skill {suffix}"}))["id"]
        user_skill = api.put("/user-skills", json={"skill_id": skill, "user_id": ann["id"], "value": 70}).json()["id"]
        restriction = api.put("/user-restrictions", json={"user_id": ann["id"], "scope": "POOL",
                                                          "pool_id": pool}).json()["id"]
        bonus = created(api.post("/user-bonuses", params=SYNC, json={
            "user_id": ann["id"], "amount": 0.5, "assignment_id": assignment, **BONUS}))["id"]
        stranger_skill = created(other.post("/skills", json={"name": f"theirs {suffix}"}))["id"]
        stranger_project = str(created(other.post("/projects", json=PROJECT))["id"])
    return Scene(server.url, owner, stranger, ann["id"], ann["token"], zed["id"], project, pool, assignment,
                 skill, user_skill, restriction, bonus, stranger_skill, stranger_project)


@pytest.fixture(scope="module")
def scene(server: ServerProcess) -> Scene:
    return build_scene(server)


@pytest.fixture(scope="module")
def owner(scene: Scene) -> Iterator[httpx.Client]:
    with requester_client(scene.url, scene.owner) as api:
        yield api


@pytest.fixture(scope="module")
def stranger(scene: Scene) -> Iterator[httpx.Client]:
    with requester_client(scene.url, scene.stranger) as api:
        yield api


def census(api: httpx.Client) -> dict[str, Any]:
    """Everything of these resources the owner has."""
    found = {}
    for path, limit in (("/skills", 100), ("/user-skills", 1000), ("/user-restrictions", 500),
                        ("/user-bonuses", 300)):
        answer = api.get(path, params={"limit": limit})
        assert answer.status_code == 200, answer.text
        found[path] = answer.json()
    return found


# What the routes answer.


def test_answers(owner: httpx.Client, scene: Scene) -> None:
    skill = owner.get(f"/skills/{scene.skill}").json()
    assert set(skill) == {"id", "name", "hidden", "training", "created", "owner"}
    user_skill = owner.get(f"/user-skills/{scene.user_skill}").json()
    assert (user_skill["value"], user_skill["exact_value"], user_skill["user_id"]) == (70, 70, scene.ann)
    restriction = owner.get(f"/user-restrictions/{scene.restriction}").json()
    assert restriction == {"id": scene.restriction, "scope": "POOL", "user_id": scene.ann, "pool_id": scene.pool,
                           "created": restriction["created"]}
    bonus = owner.get(f"/user-bonuses/{scene.bonus}").json()
    assert re.fullmatch(r"[0-9]{10}", bonus["id"])
    assert bonus == {"id": scene.bonus, "user_id": scene.ann, "amount": 0.5, **BONUS, "without_message": False,
                     "assignment_id": scene.assignment, "created": bonus["created"]}
    found = owner.get("/user-bonuses", params={"assignment_id": scene.assignment}).json()
    assert found == {"items": [bonus], "has_more": False}
    assert owner.get(f"/user-bonuses/{int(scene.bonus)}").json() == bonus, "the id without its zeros is the same"


def test_a_second_put_keeps_the_id_and_the_restriction_holds_at_the_next_take(owner: httpx.Client,
                                                                             scene: Scene) -> None:
    with requester_client(scene.url, scene.owner) as api:
        pool = open_pool(api, scene.project, 2)
    body = {"user_id": scene.ann, "scope": "POOL", "pool_id": pool, "private_comment": "first"}
    first = owner.put("/user-restrictions", json=body).json()
    second = owner.put("/user-restrictions", json=body | {"private_comment": "second", "id": "1", "created": "x"})
    assert second.status_code == 200
    assert (second.json()["id"], second.json()["created"], second.json()["private_comment"]) == (
        first["id"], first["created"], "second")
    with performer_client(scene.url, scene.ann_token) as me:
        refused = check_envelope(me.post("/assignments", json={"pool_id": pool}), 403, "ACCESS_DENIED")
        assert refused["payload"]["reason"] == "RESTRICTED"
        assert owner.delete(f"/user-restrictions/{first['id']}").status_code == 204
        assert me.post("/assignments", json={"pool_id": pool}).status_code == 201
    check_envelope(owner.delete(f"/user-restrictions/{first['id']}"), 404, "DOES_NOT_EXIST")


def test_a_refused_bonus_batch_writes_nothing_and_its_operation_says_why(owner: httpx.Client,
                                                                        scene: Scene) -> None:
    before = census(owner)
    operation_id = str(uuid.uuid4())
    items = [{"user_id": scene.ann, "amount": 1, **BONUS}, {"user_id": scene.zed, "amount": 1}]
    started = owner.post("/user-bonuses", json=items, params={"operation_id": operation_id})
    assert started.status_code == 202, started.text
    operation = started.json()
    assert (operation["type"], operation["status"], operation["details"]) == ("USER_BONUS.BATCH_CREATE", "FAIL", {
        "total_count": 2, "valid_count": 1, "not_valid_count": 1, "success_count": 0, "failed_count": 2})
    assert owner.get(f"/operations/{operation_id}").json() == operation
    assert census(owner) == before
    repeated = owner.post("/user-bonuses", json=items, params={"operation_id": operation_id})
    check_envelope(repeated, 409, "OPERATION_ALREADY_EXISTS")


# Hostile input: every bad field by path and code, and nothing changes.


def hostile_cases(scene: Scene) -> list[tuple[str, str, dict[str, str], Any, dict[str, Any]]]:
    """(method, path, query, body, the payload's codes by path); a body of bytes is sent as it is."""
    ann, skill, pool = scene.ann, scene.skill, scene.pool
    long = "x" * 500
    return [
        ("POST", "/skills", {}, [], {"skill": "OBJECT_EXPECTED"}),
        ("POST", "/skills", {}, b"{name:", {"skill": "JSON_EXPECTED"}),
        ("POST", "/skills", {}, {}, {"name": "VALUE_REQUIRED"}),
        ("POST", "/skills", {}, {"name": " "}, {"name": "BLANK_STRING_NOT_ALLOWED"}),
        ("POST", "/skills", {}, {"name": 5, "hidden": "yes", "skill_ttl_hours": 0, "public_name": {"EN": 1},
                                 "color": "red"},
         {"name": "STRING_EXPECTED", "hidden": "BOOLEAN_EXPECTED", "skill_ttl_hours": "INVALID_VALUE",
          "public_name": "INVALID_VALUE", "color": "VALUE_NOT_ALLOWED"}),
        ("PUT", f"/skills/{skill}", {}, {"name": None, "training": True}, {"name": "VALUE_REQUIRED"}),
        ("PUT", "/user-skills", {}, {"skill_id": 5, "user_id": None, "value": "high"},
         {"skill_id": "STRING_EXPECTED", "user_id": "VALUE_REQUIRED", "value": "FLOAT_EXPECTED"}),
        ("PUT", "/user-skills", {}, {"skill_id": skill, "user_id": ann, "value": -0.1},
         {"value": "VALUE_LESS_THAN_MIN"}),
        ("PUT", "/user-skills", {}, {"skill_id": skill, "user_id": ann, "value": True},
         {"value": "FLOAT_EXPECTED"}),
        ("PUT", "/user-skills", {}, {"skill_id": "abc", "user_id": "ZZ", "value": 1, "reason": 3, "why": 1},
         {"skill_id": "ENTITY_DOES_NOT_EXIST", "user_id": "ENTITY_DOES_NOT_EXIST", "reason": "STRING_EXPECTED",
          "why": "VALUE_NOT_ALLOWED"}),
        ("PUT", "/user-restrictions", {}, {"user_id": ann, "scope": "SYSTEM"}, {"scope": "UNKNOWN_ENUM_VALUE"}),
        ("PUT", "/user-restrictions", {}, {"user_id": ann, "scope": "POOL"}, {"pool_id": "VALUE_REQUIRED"}),
        ("PUT", "/user-restrictions", {}, {"user_id": ann, "scope": "ALL_PROJECTS", "pool_id": pool},
         {"pool_id": "VALUE_NOT_ALLOWED"}),
        ("PUT", "/user-restrictions", {}, {"user_id": 7, "scope": 1},
         {"user_id": "STRING_EXPECTED", "scope": "STRING_EXPECTED"}),
        ("PUT", "/user-restrictions", {}, {"user_id": ann, "scope": "POOL", "pool_id": "x", "private_comment": long,
                                          "will_expire": "tomorrow", "extra": 1},
         {"pool_id": "ENTITY_DOES_NOT_EXIST", "private_comment": "STRING_LENGTH_GREATER_THAN_MAX",
          "will_expire": "INVALID_DATE_TIME_SYNTAX", "extra": "VALUE_NOT_ALLOWED"}),
        ("POST", "/user-bonuses", SYNC, {"user_id": ann, "amount": -1}, {"amount": "VALUE_LESS_THAN_MIN"}),
        ("POST", "/user-bonuses", SYNC, {"user_id": ann, "amount": "1"}, {"amount": "FLOAT_EXPECTED"}),
        ("POST", "/user-bonuses", SYNC, {"user_id": ann, "amount": 100.01}, {"amount": "VALUE_GREATER_THAN_MAX"}),
        ("POST", "/user-bonuses", SYNC, {"amount": 1, "without_message": "no"},
         {"user_id": "VALUE_REQUIRED", "without_message": "BOOLEAN_EXPECTED"}),
        ("POST", "/user-bonuses", SYNC, [{"user_id": scene.zed, "amount": 1}, 5,
                                         {"user_id": ann, "amount": 1, "assignment_id": "nope", "public_title": "t",
                                          "tip": 1}],
         {"0": {"user_id": "ENTITY_DOES_NOT_EXIST"}, "1": {"user_bonus": "OBJECT_EXPECTED"},
          "2": {"assignment_id": "ENTITY_DOES_NOT_EXIST", "public_title": "INVALID_VALUE",
                "tip": "VALUE_NOT_ALLOWED"}}),
        ("POST", "/user-bonuses", SYNC, [], {"user_bonuses": "ARRAY_SIZE_LESS_THAN_MIN"}),
        ("POST", "/user-bonuses", SYNC, b"5", {"user_bonuses": "JSON_EXPECTED"}),
        ("POST", "/user-bonuses", {"async_mode": "maybe"}, {}, {"async_mode": "BOOLEAN_EXPECTED"}),
        ("POST", "/user-bonuses", {"operation_id": "xyz"}, {}, {"operation_id": "UUID_EXPECTED"}),
        ("POST", "/user-bonuses", {"open_pool": "true"}, {}, {"open_pool": "VALUE_NOT_ALLOWED"}),
        ("GET", "/skills", {"limit": "101"}, None, {"limit": "INVALID_VALUE"}),
        ("GET", "/user-skills", {"sort": "value"}, None, {"sort": "VALUE_NOT_ALLOWED"}),
        ("GET", "/user-restrictions", {"pool_id": "abc", "created_gt": "yesterday"}, None,
         {"pool_id": "INVALID_VALUE", "created_gt": "INVALID_VALUE"}),
        ("GET", "/user-bonuses", {"assignment_id": "1", "color": "red"}, None,
         {"assignment_id": "INVALID_VALUE", "color": "VALUE_NOT_ALLOWED"}),
        ("GET", f"/skills/{skill}", {"x": "1"}, None, {"x": "VALUE_NOT_ALLOWED"}),
    ]


def codes_of(payload: dict[str, Any]) -> dict[str, Any]:
    """`{path: {code, message}}` -> `{path: code}`, one level down for payloads by item index."""
    return {key: value["code"] if "code" in value else codes_of(value) for key, value in payload.items()}


def test_hostile_input_is_refused_field_by_field(owner: httpx.Client, scene: Scene) -> None:
    before = census(owner)
    for method, path, params, body, expected in hostile_cases(scene):
        content = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        answer = owner.request(method, path, params=params, content=content, headers=headers)
        refused = check_envelope(answer, 400, "VALIDATION_ERROR")
        assert codes_of(refused["payload"]) == expected, (method, path, body)
    assert census(owner) == before


# Isolation.


def anonymous(message: str) -> str:
    return re.sub(r"'[^']*'", "'ID'", message)


def test_another_requester_sees_and_changes_nothing(owner: httpx.Client, stranger: httpx.Client,
                                                   scene: Scene) -> None:
    before = census(owner)
    for path, object_id, unknown in (("/skills", scene.skill, "987654321"),
                                     ("/user-skills", scene.user_skill, "987654321"),
                                     ("/user-restrictions", scene.restriction, "987654321"),
                                     ("/user-bonuses", scene.bonus, "0987654321")):
        theirs = check_envelope(stranger.get(f"{path}/{object_id}"), 404, "DOES_NOT_EXIST")
        nowhere = check_envelope(stranger.get(f"{path}/{unknown}"), 404, "DOES_NOT_EXIST")
        assert anonymous(theirs["message"]) == anonymous(nowhere["message"])
    check_envelope(stranger.put(f"/skills/{scene.skill}", json={"name": "mine"}), 404, "DOES_NOT_EXIST")
    check_envelope(stranger.delete(f"/user-skills/{scene.user_skill}"), 404, "DOES_NOT_EXIST")
    check_envelope(stranger.delete(f"/user-restrictions/{scene.restriction}"), 404, "DOES_NOT_EXIST")
    for path, params in (("/skills", {}), ("/user-skills", {"skill_id": scene.skill}),
                         ("/user-skills", {"user_id": scene.ann}), ("/user-restrictions", {"pool_id": scene.pool}),
                         ("/user-restrictions", {"user_id": scene.ann}), ("/user-bonuses", {"user_id": scene.ann}),
                         ("/user-bonuses", {"assignment_id": scene.assignment})):
        page = stranger.get(path, params=params | {"limit": 100}).json()
        assert not [item for item in page["items"] if item.get("user_id") == scene.ann
                    or item["id"] in (scene.skill, scene.user_skill, scene.restriction, scene.bonus)], (path, page)
    refusals = [
        (stranger.put("/user-skills", json={"skill_id": scene.skill, "user_id": scene.zed, "value": 1}),
         {"skill_id": "ENTITY_DOES_NOT_EXIST"}),
        (stranger.put("/user-skills", json={"skill_id": scene.stranger_skill, "user_id": scene.ann, "value": 1}),
         {"user_id": "ENTITY_DOES_NOT_EXIST"}),
        (stranger.put("/user-restrictions", json={"user_id": scene.zed, "scope": "POOL", "pool_id": scene.pool}),
         {"pool_id": "ENTITY_DOES_NOT_EXIST"}),
        (stranger.put("/user-restrictions", json={"user_id": scene.zed, "scope": "PROJECT",
                                                  "project_id": scene.project}),
         {"project_id": "ENTITY_DOES_NOT_EXIST"}),
        (stranger.post("/user-bonuses", params=SYNC, json={"user_id": scene.ann, "amount": 1}),
         {"user_id": "ENTITY_DOES_NOT_EXIST"}),
        (stranger.post("/user-bonuses", params=SYNC, json={"user_id": scene.zed, "amount": 1,
                                                           "assignment_id": scene.assignment}),
         {"assignment_id": "ENTITY_DOES_NOT_EXIST"}),
    ]
    for answer, expected in refusals:
        assert codes_of(check_envelope(answer, 400, "VALIDATION_ERROR")["payload"]) == expected
    own = stranger.put("/user-restrictions", json={"user_id": scene.zed, "scope": "PROJECT",
                                                   "project_id": scene.stranger_project})
    assert own.status_code == 200, "its own performer and project are fine"
    assert census(owner) == before


def test_a_performer_token_is_refused_everywhere(scene: Scene) -> None:
    ids = {"skill_id": scene.skill, "user_skill_id": scene.user_skill,
           "user_restriction_id": scene.restriction, "user_bonus_id": scene.bonus}
    with httpx.Client(base_url=scene.url, timeout=60,
                      headers={"Authorization": f"OAuth {scene.ann_token}"}) as performer:
        for path, item in users_paths().items():
            for method in METHODS & set(item):
                body = {"user_id": scene.ann, "name": "x", "amount": 1} if method in ("post", "put") else None
                answer = performer.request(method, path.format(**ids), json=body)
                check_envelope(answer, 403, "ACCESS_DENIED")
    with requester_client(scene.url, scene.owner) as owner:
        assert owner.get(f"/user-restrictions/{scene.restriction}").status_code == 200
        assert owner.get(f"/user-skills/{scene.user_skill}").status_code == 200
