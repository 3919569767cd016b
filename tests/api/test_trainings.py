"""`/v1/trainings` over HTTP on each backend, and the pool routes given a training id.

A training is a pool row marked as one: `/v1/trainings` serves only those rows, `/v1/pools` lists none
of them but reads and opens one by id, and tasks created in one always have infinite overlap. Each
training is created with the skill that will hold its results (read here from the database). Bad
bodies and searches are refused with every problem by field path; another requester gets 404 on every
training id exactly as for one that exists nowhere, and a performer's token gets 403 everywhere. The
last test checks every training route against the OpenAPI document.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from talaka.api.openapi.trainings import trainings_paths
from tests.api.test_openapi import METHODS, Checker
from tests.api.work_world import check_envelope, created, requester_client
from tests.support.api import wait_operation
from tests.support.server import ServerProcess

PROJECT: dict[str, Any] = {
    "public_name": "trainings", "public_description": "learn first",
    "task_spec": {"input_spec": {"image": {"type": "url"}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}}}
SETTINGS: dict[str, Any] = {
    "private_name": "Cats and dogs", "may_contain_adult_content": False, "assignment_max_duration_seconds": 600,
    "mix_tasks_in_creation_order": False, "shuffle_tasks_in_task_suite": True,
    "training_tasks_in_task_suite_count": 2, "task_suites_required_to_pass": 1, "retry_training_after_days": 1,
    "inherited_instructions": True}
HINTED = {"known_solutions": [{"output_values": {"label": "cat"}}], "message_on_unknown_solution": "It is a cat"}
SYNC = {"async_mode": "false"}
ACTIONS = ("open", "close", "archive", "clone")


@dataclass(frozen=True)
class Scene:
    """The owner's project and a regular pool with a task; a stranger; a performer the owner made."""

    url: str
    owner: str
    owner_id: str
    stranger: str
    performer: str
    project: str
    pool: str


@pytest.fixture(scope="module")
def scene(server: ServerProcess) -> Scene:
    suffix = uuid.uuid4().hex[:8]
    owner, stranger = server.new_requester(f"trainer-{suffix}"), server.new_requester(f"stranger-{suffix}")
    with requester_client(server.url, owner) as api:
        project = str(created(api.post("/projects", json=PROJECT))["id"])
        pool = str(created(api.post("/pools", json={"project_id": project, "private_name": "regular",
                                                    "defaults": {"default_overlap_for_new_tasks": 2}}))["id"])
        created(api.post("/tasks", params=SYNC, json={"pool_id": pool, "overlap": 1,
                                                      "input_values": {"image": "https://example.com/p.png"}}))
        performer = created(api.post("/performers", json={"name": "Trainee"}))["token"]
        owner_id = api.get("/requester").json()["id"]
    return Scene(server.url, owner, owner_id, stranger, performer, project, pool)


@pytest.fixture
def api(scene: Scene) -> Iterator[httpx.Client]:
    with requester_client(scene.url, scene.owner) as client:
        yield client


def new_training(api: httpx.Client, project: str, **fields: Any) -> dict[str, Any]:
    answer = api.post("/trainings", json={"project_id": project, **SETTINGS, **fields})
    assert answer.status_code == 201, answer.text
    training: dict[str, Any] = answer.json()
    return training


def add_tasks(api: httpx.Client, training_id: str, count: int, **params: Any) -> list[dict[str, Any]]:
    items = [{"pool_id": training_id, "input_values": {"image": f"https://example.com/t{number}.png"}, **HINTED}
             for number in range(count)]
    answer = created(api.post("/tasks", params=SYNC | params, json=items))
    return [answer["items"][str(number)] for number in range(count)]


def skills_of(database_url: str, training_id: str) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The skills rows of a training, read from the server's database."""
    sql = "SELECT requester_id, name, created, body FROM skills WHERE training_pool_id = "
    if database_url.startswith("sqlite:///"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as conn:
            rows = conn.execute(sql + "?", (int(training_id),)).fetchall()
    else:
        import psycopg

        with psycopg.connect(database_url) as pg:
            rows = pg.execute(sql + "%s", (int(training_id),)).fetchall()
    return [(int(requester), name, made, json.loads(bytes(body))) for requester, name, made, body in rows]


# ------------------------------------------------------------------------------------------ the training


def test_create_get_update_and_its_skill(api: httpx.Client, scene: Scene, server: ServerProcess) -> None:
    training = new_training(api, scene.project, custom={"kept": [1]}, status="OPEN", id="1", type="REGULAR")
    assert training == {"id": training["id"], "project_id": scene.project, **SETTINGS, "custom": {"kept": [1]},
                        "owner": {"id": scene.owner_id, "myself": True}, "type": "TRAINING", "status": "CLOSED",
                        "created": training["created"]}
    assert api.get(f"/trainings/{training['id']}").json() == training
    assert api.get(f"/pools/{training['id']}").json() == training, "a training is a pool too"

    [(requester_id, name, made, body)] = skills_of(server.database_url, training["id"])
    assert (str(requester_id), name, made) == (scene.owner_id, "Cats and dogs", training["created"])
    assert body == {"name": "Cats and dogs", "private_comment": f"Results of training {training['id']}",
                    "hidden": True, "training": True, "created": training["created"],
                    "owner": {"id": scene.owner_id, "myself": True}}

    changed = {"project_id": scene.project, **SETTINGS, "private_name": "Renamed", "task_suites_required_to_pass": 3,
               "public_instructions": None, "status": "ARCHIVED", "created": "2001-01-01T00:00:00"}
    answer = api.put(f"/trainings/{training['id']}", json=changed)
    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert updated == {"id": training["id"], "project_id": scene.project, **SETTINGS, "private_name": "Renamed",
                       "task_suites_required_to_pass": 3, "public_instructions": None, "owner": training["owner"],
                       "type": "TRAINING", "status": "CLOSED", "created": training["created"]}
    assert api.get(f"/trainings/{training['id']}").json() == updated


def test_training_tasks_have_infinite_overlap(api: httpx.Client, scene: Scene) -> None:
    training = new_training(api, scene.project)["id"]
    made = add_tasks(api, training, 2, allow_defaults="true")
    made += add_tasks(api, training, 1)  # no allow_defaults, no overlap: a regular pool would refuse it
    items = [{"pool_id": training, "input_values": {"image": "https://example.com/x.png"}, "overlap": 5, **HINTED},
             {"pool_id": training, "input_values": {"image": "https://example.com/y.png"}, "infinite_overlap": False,
              "overlap": None, **HINTED}]
    operation_id = str(uuid.uuid4())
    started = api.post("/tasks", params={"operation_id": operation_id, "allow_defaults": "true"}, json=items)
    assert started.status_code == 202, started.text
    assert wait_operation(api, operation_id)["status"] == "SUCCESS"
    log = api.get(f"/operations/{operation_id}/log").json()
    assert [item["success"] for item in log] == [True, True]
    suite = created(api.post("/task-suites", params=SYNC, json={
        "pool_id": training, "overlap": 2, "tasks": [{"input_values": {"image": "https://example.com/s.png"},
                                                      **HINTED}]}))
    stored = api.get("/tasks", params={"pool_id": training, "sort": "id"}).json()["items"]
    assert len(stored) == 5
    for task in [*made, *stored, suite]:
        assert task["infinite_overlap"] is True, task
        assert "overlap" not in task and "remaining_overlap" not in task
    assert stored[0]["known_solutions"] == HINTED["known_solutions"]
    assert stored[0]["message_on_unknown_solution"] == "It is a cat"
    counts = api.get(f"/pools/{training}/counts").json()
    assert counts == {"pool_id": training, "task_count": 5, "golden_count": 6, "task_suite_count": 1}

    regular = api.post("/tasks", params=SYNC, json={"pool_id": scene.pool, "input_values": {"image": "https://x/r"}})
    assert check_envelope(regular, 400, "VALIDATION_ERROR")["payload"]["overlap"]["code"] == "VALUE_REQUIRED", \
        "regular pools still need an overlap"


def test_status_changes_are_finished_operations(api: httpx.Client, scene: Scene) -> None:
    training = new_training(api, scene.project)["id"]
    empty = check_envelope(api.post(f"/trainings/{training}/open"), 409, "EMPTY_POOL")
    assert "training" in empty["message"]
    add_tasks(api, training, 2)

    opened = api.post(f"/trainings/{training}/open")
    assert opened.status_code == 202, opened.text
    operation = opened.json()
    assert (operation["type"], operation["status"], operation["progress"]) == ("TRAINING.OPEN", "SUCCESS", 100)
    assert (operation["parameters"], operation["details"]) == ({"training_id": training}, {})
    assert api.get(f"/operations/{operation['id']}").json() == operation
    now_open = api.get(f"/trainings/{training}").json()
    assert now_open["status"] == "OPEN" and now_open["last_started"] >= operation["submitted"]
    assert api.post(f"/trainings/{training}/open").status_code == 204
    check_envelope(api.post(f"/trainings/{training}/archive"), 409, "POOL_INAPPROPRIATE_STATUS")
    assert api.get("/trainings", params={"project_id": scene.project, "status": "OPEN"}).json()["items"] == [now_open]

    closed = api.post(f"/trainings/{training}/close")
    assert closed.status_code == 202 and closed.json()["type"] == "TRAINING.CLOSE"
    now_closed = api.get(f"/trainings/{training}").json()
    assert (now_closed["status"], now_closed["last_close_reason"]) == ("CLOSED", "MANUAL")
    assert now_closed["last_stopped"] == closed.json()["submitted"]
    assert api.post(f"/trainings/{training}/close").status_code == 204

    archived = api.post(f"/trainings/{training}/archive")
    assert archived.status_code == 202 and archived.json()["type"] == "TRAINING.ARCHIVE"
    assert api.get(f"/trainings/{training}").json()["status"] == "ARCHIVED"
    assert api.post(f"/trainings/{training}/archive").status_code == 204
    check_envelope(api.post(f"/trainings/{training}/open"), 409, "POOL_INAPPROPRIATE_STATUS")
    late = api.post("/tasks", params=SYNC, json={"pool_id": training, "input_values": {"image": "https://x/l"}})
    assert check_envelope(late, 400, "VALIDATION_ERROR")["payload"]["pool_id"]["code"] == "POOL_INAPPROPRIATE_STATUS"


def test_pool_routes_take_a_training_id(api: httpx.Client, scene: Scene) -> None:
    training = new_training(api, scene.project)
    training_id = training["id"]
    add_tasks(api, training_id, 1)
    opened = api.post(f"/pools/{training_id}/open")
    assert opened.status_code == 202, opened.text
    assert (opened.json()["type"], opened.json()["parameters"]) == ("POOL.OPEN", {"pool_id": training_id})
    as_pool = api.get(f"/pools/{training_id}").json()
    assert (as_pool["type"], as_pool["status"]) == ("TRAINING", "OPEN")
    assert as_pool == api.get(f"/trainings/{training_id}").json()
    assert api.post(f"/pools/{training_id}/close").status_code == 202
    assert api.get(f"/trainings/{training_id}").json()["status"] == "CLOSED"

    before = api.get(f"/trainings/{training_id}").json()
    put = api.put(f"/pools/{training_id}", json={"project_id": scene.project, "private_name": "a pool now"})
    assert f"/v1/trainings/{training_id}" in check_envelope(put, 409, "CONFLICT_STATE")["message"]
    check_envelope(api.patch(f"/pools/{training_id}", json={"priority": 5}), 409, "CONFLICT_STATE")
    assert api.get(f"/trainings/{training_id}").json() == before

    pools = api.get("/pools", params={"project_id": scene.project, "limit": 300}).json()
    assert [pool["id"] for pool in pools["items"]] == [scene.pool]
    assert all(pool["type"] == "REGULAR" for pool in api.get("/pools", params={"limit": 300}).json()["items"])
    trainings = api.get("/trainings", params={"project_id": scene.project, "limit": 300}).json()["items"]
    assert training_id in [found["id"] for found in trainings] and scene.pool not in [t["id"] for t in trainings]


def test_a_regular_pool_is_no_training(api: httpx.Client, scene: Scene) -> None:
    for raw in (scene.pool, "0", "999999999", "abc", "1e3"):
        check_envelope(api.get(f"/trainings/{raw}"), 404, "DOES_NOT_EXIST")
        check_envelope(api.put(f"/trainings/{raw}", json={"project_id": scene.project, **SETTINGS}), 404,
                       "DOES_NOT_EXIST")
        for action in ACTIONS:
            check_envelope(api.post(f"/trainings/{raw}/{action}"), 404, "DOES_NOT_EXIST")
    assert api.get(f"/pools/{scene.pool}").json()["status"] == "CLOSED"


def test_a_clone_has_the_settings_and_no_tasks(api: httpx.Client, scene: Scene, server: ServerProcess) -> None:
    project = str(created(api.post("/projects", json=PROJECT))["id"])
    original = new_training(api, project, public_instructions="<b>look</b>", metadata={"team": ["a"]})
    add_tasks(api, original["id"], 2)
    api.post(f"/trainings/{original['id']}/open")
    answer = api.post(f"/trainings/{original['id']}/clone")
    assert answer.status_code == 202, answer.text
    operation = answer.json()
    assert (operation["type"], operation["status"]) == ("TRAINING.CLONE", "SUCCESS")
    assert operation["parameters"] == {"training_id": original["id"]}
    clone_id = operation["details"]["training_id"]
    assert api.get(f"/operations/{operation['id']}").json() == operation

    clone = api.get(f"/trainings/{clone_id}").json()
    settings = {key: value for key, value in original.items() if key not in ("id", "created")}
    assert clone == {"id": clone_id, **settings, "created": operation["submitted"]}
    assert int(clone_id) > int(original["id"])
    assert api.get("/tasks", params={"pool_id": clone_id}).json()["items"] == []
    assert api.get(f"/trainings/{original['id']}").json()["status"] == "OPEN", "the original is untouched"
    [(_, name, _, body)] = skills_of(server.database_url, clone_id)
    assert (name, body["private_comment"]) == ("Cats and dogs", f"Results of training {clone_id}")

    api.post(f"/trainings/{original['id']}/close")
    assert api.post(f"/projects/{project}/archive").status_code == 202
    refused = check_envelope(api.post(f"/trainings/{original['id']}/clone"), 409, "INAPPROPRIATE_STATUS")
    assert "archived" in refused["message"]
    check_envelope(api.post("/trainings", json={"project_id": project, **SETTINGS}), 400, "VALIDATION_ERROR")


def test_find_trainings(api: httpx.Client) -> None:
    project = str(created(api.post("/projects", json=PROJECT))["id"])
    made = [new_training(api, project, private_name=f"t{number}")["id"] for number in range(5)]
    add_tasks(api, made[1], 1)
    api.post(f"/trainings/{made[1]}/open")

    def ids(**params: Any) -> tuple[list[str], bool]:
        answer = api.get("/trainings", params={"project_id": project, **params})
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]], answer.json()["has_more"]

    assert ids() == (made, False)
    assert ids(sort="-id", limit=2) == (made[::-1][:2], True)
    assert ids(sort="id", id_gt=made[2]) == (made[3:], False)
    assert ids(id_gte=made[1], id_lt=made[3]) == (made[1:3], False)
    assert ids(status="OPEN") == ([made[1]], False)
    assert ids(status="CLOSED", limit=4) == ([made[0], *made[2:]], False)
    started = api.get(f"/trainings/{made[1]}").json()["last_started"]
    assert ids(last_started_gte=started) == ([made[1]], False)
    created_at = api.get(f"/trainings/{made[3]}").json()["created"]
    assert ids(created_gte=created_at, sort="-created") == (made[:2:-1], False)
    assert ids(project_id="999999999") == ([], False)


# ------------------------------------------------------------------------------------------ hostile input

BAD_BODIES: list[tuple[Any, dict[str, str]]] = [
    ([], {"training": "OBJECT_EXPECTED"}),
    ("T", {"training": "OBJECT_EXPECTED"}),
    ({}, dict.fromkeys(("project_id", "private_name", "training_tasks_in_task_suite_count",
                        "task_suites_required_to_pass"), "VALUE_REQUIRED")),
    ({"private_name": None, "training_tasks_in_task_suite_count": None},
     dict.fromkeys(("private_name", "training_tasks_in_task_suite_count"), "VALUE_REQUIRED")),
    ({"project_id": 1, "private_name": 2, "may_contain_adult_content": "false", "inherited_instructions": 0,
      "public_instructions": ["x"], "metadata": {"a": [1]}},
     {"project_id": "STRING_EXPECTED", "private_name": "STRING_EXPECTED", "may_contain_adult_content":
      "BOOLEAN_EXPECTED", "inherited_instructions": "BOOLEAN_EXPECTED", "public_instructions": "STRING_EXPECTED",
      "metadata": "INVALID_VALUE"}),
    ({"training_tasks_in_task_suite_count": 0, "task_suites_required_to_pass": 10_001,
      "assignment_max_duration_seconds": -5, "retry_training_after_days": 1.5},
     dict.fromkeys(("training_tasks_in_task_suite_count", "task_suites_required_to_pass",
                    "assignment_max_duration_seconds", "retry_training_after_days"), "INVALID_VALUE")),
    ({"training_tasks_in_task_suite_count": True, "task_suites_required_to_pass": "1"},
     dict.fromkeys(("training_tasks_in_task_suite_count", "task_suites_required_to_pass"), "INVALID_VALUE")),
    ({"training_tasks_in_task_suite_count": 10**30}, {"training_tasks_in_task_suite_count": "INVALID_VALUE"}),
    ({"project_id": "999999999"}, {"project_id": "ENTITY_DOES_NOT_EXIST"}),
    ({"project_id": "abc"}, {"project_id": "ENTITY_DOES_NOT_EXIST"}),
    ({"project_id": "-1"}, {"project_id": "ENTITY_DOES_NOT_EXIST"}),
]


@pytest.mark.parametrize(("body", "expected"), BAD_BODIES)
def test_bad_bodies_are_refused_by_field_path(api: httpx.Client, scene: Scene, body: Any,
                                             expected: dict[str, str]) -> None:
    sent = {"project_id": scene.project, **SETTINGS} | body if isinstance(body, dict) and body else body
    before = api.get("/trainings", params={"limit": 300}).json()
    for answer in (api.post("/trainings", json=sent), api.put(f"/trainings/{new_training(api, scene.project)['id']}",
                                                              json=sent)):
        refused = check_envelope(answer, 400, "VALIDATION_ERROR")
        assert {path: error["code"] for path, error in refused["payload"].items()} == expected
    assert len(api.get("/trainings", params={"limit": 300}).json()["items"]) == len(before["items"]) + 1


def test_bad_requests_are_refused(api: httpx.Client, scene: Scene) -> None:
    training = new_training(api, scene.project)["id"]
    good = {"project_id": scene.project, **SETTINGS}
    for path in ("/trainings", f"/trainings/{training}"):
        method = api.post if path == "/trainings" else api.put
        check_envelope(method(path, content=b"", headers={"Content-Type": "application/json"}), 400,
                       "VALIDATION_ERROR")
        check_envelope(method(path, content=b"{", headers={"Content-Type": "application/json"}), 400,
                       "VALIDATION_ERROR")
        check_envelope(method(path, content=json.dumps(good).encode(), headers={"Content-Type": "text/plain"}),
                       415, "UNSUPPORTED_MEDIA_TYPE")
        nul = check_envelope(method(path, json=good | {"private_name": "a\x00b"}), 400, "VALIDATION_ERROR")
        assert "NUL" in nul["message"]
        unknown = check_envelope(method(path, json=good, params={"storage_key": "x"}), 400, "VALIDATION_ERROR")
        assert set(unknown["payload"]) == {"storage_key"}
    other = str(created(api.post("/projects", json=PROJECT))["id"])
    moved = check_envelope(api.put(f"/trainings/{training}", json=good | {"project_id": other}), 400,
                           "VALIDATION_ERROR")
    assert moved["payload"]["project_id"]["code"] == "VALUE_NOT_ALLOWED"
    for action in ("open", "close", "archive", "clone"):
        check_envelope(api.post(f"/trainings/{training}/{action}", params={"x": "1"}), 400, "VALIDATION_ERROR")
    assert api.get(f"/trainings/{training}").json()["project_id"] == scene.project


@pytest.mark.parametrize(("params", "names"), [
    ({"pool_id": "1"}, {"pool_id"}), ({"limit": "0"}, {"limit"}), ({"limit": "301"}, {"limit"}),
    ({"sort": "private_name"}, {"sort"}), ({"id_gt": "x", "created_lt": "yesterday"}, {"id_gt", "created_lt"}),
    ({"project_id": "-3", "last_started_gte": "2020-13-01"}, {"project_id", "last_started_gte"}),
])
def test_bad_searches_name_their_parameters(api: httpx.Client, params: dict[str, str], names: set[str]) -> None:
    refused = check_envelope(api.get("/trainings", params=params), 400, "VALIDATION_ERROR")
    assert set(refused["payload"]) == names


# ------------------------------------------------------------------------------------------ isolation


def anonymous(message: str) -> str:
    return re.sub(r"'[^']*'", "'ID'", message)


def test_another_requester_gets_404_and_sees_nothing(api: httpx.Client, scene: Scene) -> None:
    training = new_training(api, scene.project)
    add_tasks(api, training["id"], 1)
    before = (api.get(f"/trainings/{training['id']}").json(), api.get("/tasks", params={"pool_id": training["id"]})
              .json(), api.get("/operations", params={"limit": 500}).json())
    with requester_client(scene.url, scene.stranger) as stranger:
        body, at = {"project_id": scene.project, **SETTINGS}, f"/trainings/{training['id']}"
        for nowhere, answers in (
                ("/trainings/999999999", [stranger.get(at), stranger.put(at, json=body),
                                          *(stranger.post(f"{at}/{action}") for action in ACTIONS)]),
                ("/pools/999999999", [stranger.get(f"/pools/{training['id']}"),
                                      stranger.post(f"/pools/{training['id']}/open")])):
            unknown = check_envelope(stranger.get(nowhere), 404, "DOES_NOT_EXIST")["message"]
            for answer in answers:
                assert anonymous(check_envelope(answer, 404, "DOES_NOT_EXIST")["message"]) == anonymous(unknown)
        assert stranger.get("/trainings", params={"project_id": scene.project}).json() == {
            "items": [], "has_more": False}
        assert stranger.get("/trainings").json()["items"] == []
        foreign = check_envelope(stranger.post("/trainings", json=body), 400, "VALIDATION_ERROR")
        assert foreign["payload"]["project_id"]["code"] == "ENTITY_DOES_NOT_EXIST"
        task = {"pool_id": training["id"], "input_values": {"image": "https://example.com/i.png"}, **HINTED}
        refused = check_envelope(stranger.post("/tasks", params=SYNC, json=task), 400, "VALIDATION_ERROR")
        assert refused["payload"]["pool_id"]["code"] == "ENTITY_DOES_NOT_EXIST"
    after = (api.get(f"/trainings/{training['id']}").json(), api.get("/tasks", params={"pool_id": training["id"]})
             .json(), api.get("/operations", params={"limit": 500}).json())
    assert after == before


def test_a_performer_token_is_refused_everywhere(api: httpx.Client, scene: Scene) -> None:
    training = new_training(api, scene.project)["id"]
    with requester_client(scene.url, scene.performer) as performer:
        body = {"project_id": scene.project, **SETTINGS}
        for answer in (performer.post("/trainings", json=body), performer.get("/trainings"),
                       performer.get(f"/trainings/{training}"), performer.put(f"/trainings/{training}", json=body),
                       *(performer.post(f"/trainings/{training}/{action}") for action in ACTIONS)):
            check_envelope(answer, 403, "ACCESS_DENIED")
    assert api.get(f"/trainings/{training}").json()["status"] == "CLOSED"


# ------------------------------------------------------------------------------------------ OpenAPI


def test_every_training_route_answers_as_documented(scene: Scene) -> None:
    with httpx.Client(base_url=scene.url, timeout=60) as http:
        document = http.get("/openapi.json").json()
        call = Checker(http, document, scene.owner)
        base, item = "/api/v1/trainings", "/api/v1/trainings/{training_id}"
        body = {"project_id": scene.project, **SETTINGS, "public_instructions": None, "metadata": {"a": ["b"]}}
        training = call("POST", base, 201, json=body | {"unknown": {"kept": True}})
        at = {"training_id": training["id"]}
        call("POST", base, 400, json={"private_name": 5})
        call("GET", base, 200, params={"project_id": scene.project, "status": "CLOSED", "sort": "-created,id",
                                       "created_gte": "2020-01-01", "limit": "3"})
        call("GET", base, 400, params={"limit": "0"})
        call("GET", item, 200, values=at)
        call("GET", item, 404, values={"training_id": scene.pool})
        call("PUT", item, 200, values=at, json=body | {"private_name": "renamed", "may_contain_adult_content": None})
        call("PUT", item, 400, values=at, json=body | {"task_suites_required_to_pass": 0})
        call("PUT", item, 404, values={"training_id": "nothing"}, json=body)
        call("POST", item + "/open", 409, values=at)
        with requester_client(scene.url, scene.owner) as api:
            add_tasks(api, training["id"], 1)
        call("POST", item + "/open", 202, values=at)
        call("POST", item + "/open", 204, values=at)
        call("POST", item + "/archive", 409, values=at)
        call("POST", item + "/clone", 202, values=at)
        call("POST", item + "/clone", 404, values={"training_id": scene.pool})
        call("POST", item + "/close", 202, values=at)
        call("POST", item + "/close", 204, values=at)
        call("POST", item + "/archive", 202, values=at)
        call("POST", item + "/archive", 204, values=at)
        call("POST", item + "/open", 409, values=at)
        call("GET", base, 403, token=scene.performer)
    documented = {(method, path) for path, operations in trainings_paths().items() for method in operations
                  if method in METHODS}
    assert documented - call.exercised == set()
