"""`/metrics` on real server processes, read with prometheus-client's own text parser: off by
default, behind a token when asked; counters move as tasks are created and quotas refuse; with
`--workers 2` every scrape, whichever process answers it, counts the requests of both."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from tests.support.api import IMAGE_PROJECT, client, image_tasks, post_tasks, wait_operation
from tests.support.databases import fresh_database
from tests.support.server import ServerProcess

METRICS_TOKEN = "scrape-me-7f3a"
QUOTA = 6


def samples(text: str) -> list[Sample]:
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def value(found: Iterable[Sample], name: str, **labels: str) -> float:
    return sum(sample.value for sample in found
               if sample.name == name and all(sample.labels.get(key) == wanted for key, wanted in labels.items()))


def scrape(url: str) -> list[Sample]:
    answer = httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(answer.text)


def work_pool(api: httpx.Client) -> str:
    """A pool of one-task suites that expire after a second."""
    project = api.post("/projects", json=IMAGE_PROJECT).json()
    pool = api.post("/pools", json={
        "project_id": project["id"], "private_name": "metrics", "assignment_max_duration_seconds": 1,
        "defaults": {"default_overlap_for_new_tasks": 1},
        "mixer_config": {"real_tasks_count": 1, "golden_tasks_count": 0, "training_tasks_count": 0}})
    assert pool.status_code == 201, pool.text
    return str(pool.json()["id"])


def work_loop(url: str, api: httpx.Client, pool_id: str) -> None:
    """One suite submitted (twice: the repeat must not count), one left to expire."""
    api.post(f"/pools/{pool_id}/open").raise_for_status()
    for name in ("steady", "slow"):
        token = api.post("/performers", json={"name": name}).json()["token"]
        with httpx.Client(base_url=url + "/api/performer/v1", headers={"Authorization": f"OAuth {token}"},
                          timeout=10) as performer:
            taken = performer.post("/assignments", json={"pool_id": pool_id})
            assert taken.status_code == 201, taken.text
            if name == "steady":
                body = {"solutions": [{"output_values": {"label": "cat"}}]}
                for _ in range(2):
                    assert performer.post(f"/assignments/{taken.json()['id']}/submit", json=body).status_code == 200
            else:
                deadline = time.monotonic() + 10
                while performer.get(f"/assignments/{taken.json()['id']}").json()["status"] == "ACTIVE":
                    assert time.monotonic() < deadline, "the suite did not expire"
                    time.sleep(0.2)


def test_suites_expired_by_a_late_take_submit_or_skip_count(tmp_path: Path) -> None:
    """With no sweeper (`TALAKA_RUN_OPERATIONS=0`), each overdue suite is expired by what its
    performer does next: a take (which then gets a new suite), a submit, or a skip."""
    env = {"TALAKA_METRICS_TOKEN": METRICS_TOKEN, "TALAKA_RUN_OPERATIONS": "0"}
    with fresh_database("sqlite", tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", env=env).start()
        try:
            with client(server.url, server.token) as api:
                pool_id = work_pool(api)
                assert post_tasks(api, image_tasks(pool_id, 10)).json()["status"] == "SUCCESS"
                api.post(f"/pools/{pool_id}/open").raise_for_status()
                taken = {}
                for name in ("take", "submit", "skip"):
                    token = api.post("/performers", json={"name": name}).json()["token"]
                    performer = httpx.Client(base_url=server.url + "/api/performer/v1", timeout=10,
                                             headers={"Authorization": f"OAuth {token}"})
                    taken[name] = (performer, performer.post("/assignments", json={"pool_id": pool_id}).json()["id"])
                time.sleep(1.2)  # past every suite's one-second deadline
                before = scrape(server.url)
                performer, first = taken["take"]
                second = performer.post("/assignments", json={"pool_id": pool_id})
                assert second.status_code == 201 and second.json()["id"] != first
                performer, late = taken["submit"]
                body = {"solutions": [{"output_values": {"label": "cat"}}]}
                assert performer.post(f"/assignments/{late}/submit", json=body).status_code == 409
                performer, late = taken["skip"]
                assert performer.post(f"/assignments/{late}/skip").status_code == 409
                statuses = [performer.get(f"/assignments/{seq}").json()["status"]
                            for performer, seq in taken.values()]
                after = scrape(server.url)
                for performer, _ in taken.values():
                    performer.close()
        finally:
            server.stop()
    assert statuses == ["EXPIRED"] * 3
    assert value(before, "talaka_suites_expired_total") == 0
    assert value(after, "talaka_suites_expired_total") == 3
    assert value(after, "talaka_suites_taken_total") == 4


def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log").start()
        try:
            answer = httpx.get(server.url + "/metrics", timeout=10)
        finally:
            server.stop()
    assert answer.status_code == 404
    assert "--metrics-token" in answer.json()["message"]


def test_metrics_open_to_all(tmp_path: Path) -> None:
    """`--metrics-open` (here through its environment variable) serves /metrics without a token."""
    with fresh_database("sqlite", tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", env={"TALAKA_METRICS_OPEN": "1"}).start()
        try:
            answer = httpx.get(server.url + "/metrics", timeout=10)
        finally:
            server.stop()
    assert answer.status_code == 200
    assert any(sample.name == "talaka_operations" for sample in samples(answer.text))


def test_counters_follow_the_work(tmp_path: Path) -> None:
    env = {"TALAKA_METRICS_TOKEN": METRICS_TOKEN, "TALAKA_REQUESTS_PER_MINUTE": str(QUOTA)}
    with fresh_database("sqlite", tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", env=env).start()
        try:
            refused = [httpx.get(server.url + "/metrics", timeout=10),
                       httpx.get(server.url + "/metrics", headers={"Authorization": "Bearer wrong"}, timeout=10),
                       httpx.get(server.url + "/metrics", headers={"Authorization": f"OAuth {METRICS_TOKEN}"},
                                 timeout=10)]
            before = scrape(server.url)
            with client(server.url, server.token) as api:
                pool_id = work_pool(api)
                answers = [post_tasks(api, image_tasks(pool_id, 25, prefix=f"batch{n}")) for n in range(QUOTA + 2)]
                accepted = [answer for answer in answers if answer.status_code == 202]
                for answer in accepted:
                    assert wait_operation(api, answer.json()["id"])["status"] == "SUCCESS"
                missing = api.get("/pools/99999999")
                work_loop(server.url, api, pool_id)
            after = scrape(server.url)
        finally:
            server.stop()

    assert [answer.status_code for answer in refused] == [401, 401, 401]
    assert "Bearer" in refused[0].json()["message"]
    assert len(accepted) == QUOTA and [answer.status_code for answer in answers[QUOTA:]] == [429, 429]
    assert missing.status_code == 404
    assert value(before, "talaka_tasks_created_total") == 0
    assert value(after, "talaka_tasks_created_total") == 25 * QUOTA
    assert value(after, "talaka_quota_refusals_total", window="minute") == 2
    assert value(after, "talaka_http_requests_total", method="POST", route="/api/v1/tasks", status="202") == QUOTA
    assert value(after, "talaka_http_requests_total", method="POST", route="/api/v1/tasks", status="429") == 2
    assert value(after, "talaka_http_requests_total", method="GET", route="/api/v1/pools/{pool_id}",
                 status="404") == 1
    assert value(after, "talaka_http_request_duration_seconds_count", route="/api/v1/tasks") == QUOTA + 2
    assert value(after, "talaka_database_seconds_count", access="write") > value(before, "talaka_database_seconds_count",
                                                                                  access="write")
    assert value(after, "talaka_suites_taken_total") == 2
    assert value(after, "talaka_suites_submitted_total") == 1
    assert value(after, "talaka_suites_expired_total") == 1
    assert value(after, "talaka_operations", status="PENDING") == 0
    assert any(sample.name == "talaka_operations" and sample.labels == {"status": "RUNNING"} for sample in after)


@pytest.mark.parametrize("backend", ["postgres"])
def test_every_worker_is_counted(tmp_path: Path, backend: str) -> None:
    env = {"TALAKA_METRICS_TOKEN": METRICS_TOKEN, "TALAKA_LOG_FORMAT": "json"}
    requests = 60
    with fresh_database(backend, tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", env=env, workers=2, log_level="info").start()
        try:
            for _ in range(requests):  # a new connection each time, so the kernel spreads them over both
                assert httpx.get(server.url + "/api/v1/requester", timeout=10,
                                 headers={"Authorization": f"OAuth {server.token}"}).status_code == 200
            totals = {value(scrape(server.url), "talaka_http_requests_total", route="/api/v1/requester")
                      for _ in range(10)}
        finally:
            server.stop()
    processes = {entry["process"] for entry in map(json.loads, server.log_path.read_text().splitlines())
                 if entry.get("route") == "/api/v1/requester"}
    assert len(processes) == 2, "both worker processes should have answered some requests"
    assert totals == {requests}, "every scrape must count the requests of both processes"
