"""The aggregation routes answer as `/openapi.json` says, and an aggregation outlives the server that took it.

The server runs with `TALAKA_RUN_OPERATIONS=0` (it accepts operations and leaves running them to
`talaka worker` processes), so an aggregation stays PENDING while the test looks at it: its results
are refused with 409, the server is killed and started again, and a worker started afterwards
finishes the operation from what was committed before the 202. On each backend.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from talaka.api.openapi.aggregation import aggregation_paths
from tests.api.test_openapi import METHODS, Checker
from tests.api.work_world import V1, created, performer_client, solutions
from tests.support.server import ServerProcess

LABELS = ("cat", "dog")
PROJECT: dict[str, Any] = {
    "public_name": "aggregate me", "public_description": "three performers answer",
    "task_spec": {"input_spec": {"image": {"type": "url"}},
                  "output_spec": {"label": {"type": "string", "allowed_values": list(LABELS)},
                                  "note": {"type": "string", "required": False}}}}
TASKS = 6
ANSWERS = {"ann": ("cat", "cat", "dog", "dog", "cat", "dog"), "bob": ("cat", "dog", "dog", "dog", "cat", "cat"),
           "cid": ("dog", "cat", "dog", "cat", "cat", "dog")}
"""each performer's label for each task, in task order: the majority is cat, cat, dog, dog, cat, dog"""
WAIT_SECONDS = 60.0


def worked_pool(server: ServerProcess, token: str) -> tuple[str, list[str]]:
    """A pool of six tasks at overlap 3 in one suite each performer takes; returns the pool id and
    the task ids in order."""
    with httpx.Client(base_url=server.url + V1, headers={"Authorization": f"OAuth {token}"}, timeout=60) as api:
        project = created(api.post("/projects", json=PROJECT))["id"]
        mixer = {"real_tasks_count": TASKS, "golden_tasks_count": 0, "training_tasks_count": 0}
        pool = created(api.post("/pools", json={"project_id": project, "private_name": "aggregate",
                                                "mixer_config": mixer}))["id"]
        items = [{"pool_id": pool, "overlap": 3, "input_values": {"image": f"https://example.com/{number}.png"}}
                 for number in range(TASKS)]
        tasks = created(api.post("/tasks", params={"async_mode": "false", "open_pool": "true"}, json=items))
        task_ids = [tasks["items"][str(index)]["id"] for index in range(TASKS)]
        for name, labels in ANSWERS.items():
            performer = created(api.post("/performers", json={"name": name}))
            with performer_client(server.url, performer["token"]) as me:
                suite = created(me.post("/assignments", json={"pool_id": pool}))
                by_task = dict(zip(task_ids, labels, strict=True))
                answers = [{"label": by_task[task["id"]]} for task in suite["tasks"]]
                assert me.post(f"/assignments/{suite['id']}/submit", json=solutions(*answers)).status_code == 200
    return str(pool), task_ids


def wait_for_success(http: httpx.Client, operation_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while (operation := http.get(f"{V1}/operations/{operation_id}").json())["status"] not in ("SUCCESS", "FAIL"):
        assert time.monotonic() < deadline, operation
        time.sleep(0.1)
    assert operation["status"] == "SUCCESS", operation
    return dict(operation)


def test_every_aggregation_route_answers_as_documented_and_outlives_a_crash(own_server: ServerProcess) -> None:
    own_server.env["TALAKA_RUN_OPERATIONS"] = "0"
    server = own_server.start()
    pool, task_ids = worked_pool(server, server.token)
    other_pool, _ = worked_pool(server, server.new_requester(f"other-{uuid.uuid4().hex[:6]}"))
    by_pool, by_task = f"{V1}/aggregated-solutions/aggregate-by-pool", f"{V1}/aggregated-solutions/aggregate-by-task"
    results = f"{V1}/aggregated-solutions/{{operation_id}}"
    field = [{"name": "label"}]
    with httpx.Client(base_url=server.url, timeout=60) as http:
        call = Checker(http, http.get("/openapi.json").json(), server.token)
        operation = call("POST", by_pool, 202, json={"type": "MAJORITY_VOTE", "pool_id": pool, "fields": field})
        assert (operation["status"], operation["parameters"]["pool_id"]) == ("PENDING", pool)
        call("POST", by_pool, 400, json={"type": "MAJORITY_VOTE", "pool_id": pool, "fields": [{"name": "color"}]})
        call("POST", by_pool, 400, json={"type": "SOMETHING", "pool_id": pool, "fields": field})
        call("POST", by_pool, 404, json={"type": "DAWID_SKENE", "pool_id": other_pool, "fields": field})
        call("POST", by_pool, 404, json={"type": "WEIGHTED_DYNAMIC_OVERLAP", "pool_id": pool, "fields": field,
                                         "answer_weight_skill_id": "987654"})
        at = {"operation_id": operation["id"]}
        call("GET", results, 409, values=at)
        call("GET", results, 404, values={"operation_id": str(uuid.uuid4())})
        call("GET", results, 400, values=at, params={"sort": "confidence"})

        solution = call("POST", by_task, 201, json={"type": "MAJORITY_VOTE", "pool_id": pool, "task_id": task_ids[1],
                                                    "fields": field})
        assert (solution["output_values"], solution["confidence"]) == ({"label": "cat"}, 2 / 3)
        call("POST", by_task, 400, json={"type": "MAJORITY_VOTE", "pool_id": pool, "task_id": "nope", "fields": field})
        call("POST", by_task, 404, json={"type": "MAJORITY_VOTE", "pool_id": pool, "fields": field,
                                         "task_id": task_ids[0].replace(task_ids[0][:10], "00000fffff")})
        call("POST", by_task, 409, json={"type": "MAJORITY_VOTE", "pool_id": pool, "task_id": task_ids[2],
                                         "fields": [{"name": "note"}]})

        server.kill()
        server.start()
        worker = server.start_worker()
        try:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"OAuth {server.token}"}) as api:
                done = wait_for_success(api, operation["id"])
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        assert done["details"] == {"answers_count": 18, "performers_count": 3, "tasks_count": TASKS}
        page = call("GET", results, 200, values=at, params={"limit": "4", "sort": "task_id"})
        rest = call("GET", results, 200, values=at, params={"task_id_gt": page["items"][-1]["task_id"]})
        found = page["items"] + rest["items"]
        assert page["has_more"] and not rest["has_more"]
        assert [item["task_id"] for item in found] == task_ids
        assert [item["output_values"]["label"] for item in found] == ["cat", "cat", "dog", "dog", "cat", "dog"]
        assert [item["confidence"] for item in found] == [2 / 3, 2 / 3, 1.0, 2 / 3, 1.0, 2 / 3]
    documented = {(method, path) for path, item in aggregation_paths().items() for method in item if method in METHODS}
    assert call.exercised >= documented
