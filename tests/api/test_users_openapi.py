"""Every route of skills, user skills, user restrictions and user bonuses answers as `/openapi.json` says,
on each backend: successes (whose request bodies must fit the documented input schema too, so the
input schemas are not stricter than the server), refusals, and each status documented for them."""

from __future__ import annotations

import uuid

import httpx

from talaka.api.openapi.users import users_paths
from tests.api.test_openapi import METHODS, Checker
from tests.api.test_users_api import BONUS, Scene, build_scene
from tests.support.server import ServerProcess

V1 = "/api/v1"


def test_every_users_route_answers_as_documented(server: ServerProcess) -> None:
    scene: Scene = build_scene(server)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        document = http.get("/openapi.json").json()
        call = Checker(http, document, scene.owner)
        skills, skill = f"{V1}/skills", f"{V1}/skills/{{skill_id}}"
        made = call("POST", skills, 201, json={"name": "documented", "private_comment": None, "hidden": None,
                                               "skill_ttl_hours": 3, "public_name": {"EN": "Docs"},
                                               "public_requester_description": None})
        at_skill = {"skill_id": made["id"]}
        call("POST", skills, 400, json={"name": ""})
        call("GET", skill, 200, values=at_skill)
        call("GET", skill, 404, values={"skill_id": "nothing"})
        call("PUT", skill, 200, values=at_skill, json=made | {"hidden": False})
        call("PUT", skill, 404, values={"skill_id": "987654321"}, json={"name": "x"})
        call("GET", skills, 200, params={"name": "documented", "sort": "-created,id", "created_gte": "2020-01-01",
                                         "limit": "5"})
        call("GET", skills, 400, params={"limit": "0"})

        user_skills, user_skill = f"{V1}/user-skills", f"{V1}/user-skills/{{user_skill_id}}"
        value = call("PUT", user_skills, 200, json={"skill_id": made["id"], "user_id": scene.ann, "value": 33.3,
                                                    "reason": None})
        at_value = {"user_skill_id": value["id"]}
        call("PUT", user_skills, 400, json={"skill_id": made["id"], "user_id": scene.zed, "value": 1})
        call("GET", user_skill, 200, values=at_value)
        call("GET", user_skills, 200, params={"skill_id": made["id"], "user_id": scene.ann, "sort": "-modified",
                                              "modified_gte": "2020-01-01T00:00:00Z"})
        call("GET", user_skills, 400, params={"sort": "value"})
        call("DELETE", user_skill, 204, values=at_value)
        call("DELETE", user_skill, 404, values=at_value)
        call("GET", user_skill, 404, values=at_value)

        restrictions = f"{V1}/user-restrictions"
        restriction = f"{V1}/user-restrictions/{{user_restriction_id}}"
        for body in ({"user_id": scene.ann, "scope": "ALL_PROJECTS", "project_id": None, "pool_id": None},
                     {"user_id": scene.ann, "scope": "PROJECT", "project_id": scene.project,
                      "private_comment": "x" * 499, "will_expire": "2030-01-01T00:00:00+03:00"}):
            set_ = call("PUT", restrictions, 200, json=body)
        at_restriction = {"user_restriction_id": set_["id"]}
        call("PUT", restrictions, 400, json={"user_id": scene.ann, "scope": "SYSTEM"})
        call("GET", restriction, 200, values=at_restriction)
        call("GET", restrictions, 200, params={"scope": "PROJECT", "project_id": scene.project, "sort": "-id",
                                               "user_id": scene.ann})
        call("GET", restrictions, 400, params={"pool_id": "x"})
        call("DELETE", restriction, 204, values=at_restriction)
        call("DELETE", restriction, 404, values=at_restriction)
        call("GET", restriction, 404, values=at_restriction)

        bonuses, bonus = f"{V1}/user-bonuses", f"{V1}/user-bonuses/{{user_bonus_id}}"
        one = {"user_id": scene.ann, "amount": 0.01, "assignment_id": scene.assignment, "private_comment": None,
               "__item_idx": "0", **BONUS}
        sync = {"async_mode": "false"}
        given = call("POST", bonuses, 201, params=sync, json=one)
        many = call("POST", bonuses, 201, params=sync | {"skip_invalid_items": "true"}, some_invalid=True,
                    json=[one, {"user_id": scene.zed, "amount": 100}])
        assert list(many["items"]) == ["0"] and list(many["validation_errors"]) == ["1"]
        operation_id = str(uuid.uuid4())
        started = call("POST", bonuses, 202, params={"operation_id": operation_id}, json=[one, one])
        assert started["status"] == "SUCCESS"
        call("POST", bonuses, 409, params={"operation_id": operation_id}, json=[one, one])
        call("POST", bonuses, 400, params=sync, json=[])
        call("GET", bonus, 200, values={"user_bonus_id": given["id"]})
        call("GET", bonus, 404, values={"user_bonus_id": "0"})
        call("GET", bonuses, 200, params={"user_id": scene.ann, "assignment_id": scene.assignment,
                                          "private_comment": "none", "sort": "-created", "id_gte": given["id"]})
        call("GET", bonuses, 400, params={"limit": "301"})
        call("GET", skills, 403, token=scene.ann_token)
    documented = {(method, path) for path, item in users_paths().items() for method in item if method in METHODS}
    assert documented - call.exercised == set()
