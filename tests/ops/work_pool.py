"""A pool for a crowd to work through, and the work loop's invariants checked after the crowd is done.

The same checks run over the assignments as the requester API pages them and as the database
holds them, so that neither view can hide a broken invariant, and against the journals of the
performers (see `tests.ops.crowd`), so that no answer a performer was told was kept goes missing.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.api import IMAGE_PROJECT, all_tasks, image_tasks, post_tasks, wait_operation

HOLDING = frozenset({"ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED"})
"""Statuses that use a task's overlap."""
ANSWERED = frozenset({"SUBMITTED", "ACCEPTED", "REJECTED"})
SUITE_TASKS = 10


@dataclass(frozen=True)
class Row:
    """One assignment, as either view shows it."""

    id: str
    performer: str
    status: str
    tasks: tuple[str, ...]
    solutions: str | None
    """The solutions as canonical JSON text, so that rows compare equal across views."""


@dataclass(frozen=True)
class WorkPool:
    pool_id: str
    overlap: int
    general: frozenset[str]
    golden: frozenset[str]


def canonical(solutions: Any) -> str | None:
    return None if solutions is None else json.dumps(solutions, sort_keys=True)


def make_work_pool(api: httpx.Client, *, tasks: int, golden: int, overlap: int,
                   max_duration: int) -> WorkPool:
    """A closed pool: suites of 10 general tasks and 1 control task, accepted at submit."""
    project = api.post("/projects", json=IMAGE_PROJECT)
    project.raise_for_status()
    pool = api.post("/pools", json={
        "project_id": project.json()["id"], "private_name": "crowd", "may_contain_adult_content": False,
        "will_expire": "2035-01-01T12:00:00", "reward_per_assignment": 0.01,
        "assignment_max_duration_seconds": max_duration, "auto_accept_solutions": True,
        "defaults": {"default_overlap_for_new_tasks": overlap},
        "mixer_config": {"real_tasks_count": SUITE_TASKS, "golden_tasks_count": 1,
                         "training_tasks_count": 0}})
    assert pool.status_code == 201, pool.text
    pool_id = str(pool.json()["id"])
    controls = [{**task, "known_solutions": [{"output_values": {"label": "cat"}}], "infinite_overlap": True}
                for task in image_tasks(pool_id, golden, prefix="golden")]
    accepted = post_tasks(api, image_tasks(pool_id, tasks) + controls)
    assert accepted.status_code == 202, accepted.text
    assert wait_operation(api, accepted.json()["id"])["status"] == "SUCCESS"
    created = all_tasks(api, pool_id)
    general = frozenset(task["id"] for task in created if not task.get("known_solutions"))
    assert len(general) == tasks and len(created) == tasks + golden
    return WorkPool(pool_id, overlap, general, frozenset(task["id"] for task in created) - general)


def make_performers(api: httpx.Client, count: int) -> list[str]:
    """`count` new performers of the instance; their tokens."""
    tokens = []
    for number in range(count):
        created = api.post("/performers", json={"name": f"crowd-{number}"})
        assert created.status_code == 201, created.text
        tokens.append(created.json()["token"])
    return tokens


def open_pool(api: httpx.Client, pool_id: str) -> None:
    started = api.post(f"/pools/{pool_id}/open")
    assert started.status_code == 202, started.text
    assert wait_operation(api, started.json()["id"])["status"] == "SUCCESS"


def api_rows(api: httpx.Client, pool_id: str) -> list[Row]:
    """Every assignment of the pool through `GET /api/v1/assignments`, paged by id as toloka-kit pages."""
    rows: list[Row] = []
    params: dict[str, Any] = {"pool_id": pool_id, "sort": "id", "limit": 1000}
    while True:
        answer = api.get("/assignments", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        rows += [Row(item["id"], item["user_id"], item["status"], tuple(task["id"] for task in item["tasks"]),
                     canonical(item.get("solutions"))) for item in page["items"]]
        if not page["has_more"]:
            return rows
        params["id_gt"] = page["items"][-1]["id"]


ASSIGNMENTS_SQL = ("SELECT a.seq, p.id, a.status, a.tasks, a.solutions FROM assignments AS a "
                   "JOIN performers AS p ON p.no = a.performer_no WHERE a.pool_id = %s ORDER BY a.seq")
TASKS_SQL = "SELECT seq, used FROM tasks WHERE pool_id = %s AND golden = 0"
"""Written for PostgreSQL; SQLite reads them with `?` placeholders."""


def _fetch(database_url: str, pool_id: int) -> tuple[list[Any], list[Any]]:
    """The raw assignment and task rows of the pool, from SQLite or PostgreSQL."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as lite:
            return (lite.execute(ASSIGNMENTS_SQL.replace("%s", "?"), (pool_id,)).fetchall(),
                    lite.execute(TASKS_SQL.replace("%s", "?"), (pool_id,)).fetchall())
    import psycopg

    with psycopg.connect(database_url) as conn:
        return (conn.execute(ASSIGNMENTS_SQL, (pool_id,)).fetchall(),
                conn.execute(TASKS_SQL, (pool_id,)).fetchall())


def db_rows(database_url: str, pool_id: str) -> tuple[list[Row], dict[str, int]]:
    """The pool's assignments and its general tasks' `used` counters, read from the database itself."""
    number = int(pool_id)
    assignments, tasks = _fetch(database_url, number)

    def task_id(seq: int) -> str:
        return f"{number:010x}--{seq:024x}"

    rows = [Row(task_id(seq), performer, status, tuple(task_id(task) for task in json.loads(bytes(seqs))),
                None if solutions is None else canonical(json.loads(bytes(solutions))))
            for seq, performer, status, seqs, solutions in assignments]
    return rows, {task_id(seq): used for seq, used in tasks}


def problems(rows: list[Row], pool: WorkPool) -> list[str]:
    """Every broken invariant of a finished pool, in words (empty when all hold)."""
    found: list[str] = []
    holding: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        general = [task for task in row.tasks if task in pool.general]
        golden = [task for task in row.tasks if task in pool.golden]
        if len(general) + len(golden) != len(row.tasks):
            found.append(f"{row.id} holds tasks of no pool task: {row.tasks}")
        if len(golden) != 1 or not 1 <= len(general) <= SUITE_TASKS:
            found.append(f"{row.id} is not a mixer suite: {len(general)} general, {len(golden)} control")
        if row.status == "ACTIVE":
            found.append(f"{row.id} is still ACTIVE")
        if row.status in HOLDING:
            holding.update(general)
        if row.status in ANSWERED:
            answered.update(general)
            if row.solutions is None or len(json.loads(row.solutions)) != len(row.tasks):
                found.append(f"{row.id} is {row.status} without one solution per task")
        seen[row.performer].update(row.tasks)
    found += [f"task {task} used {count} times, overlap {pool.overlap}"
              for task, count in holding.items() if count > pool.overlap]
    found += [f"task {task} has {answered[task]} answers, expected {pool.overlap}"
              for task in sorted(pool.general) if answered[task] != pool.overlap]
    found += [f"performer {performer} got task {task} {count} times"
              for performer, tasks in seen.items() for task, count in tasks.items() if count > 1]
    return found


def counter_problems(rows: list[Row], counters: dict[str, int], pool: WorkPool) -> list[str]:
    """Where the database's per-task `used` counter disagrees with its assignments (a take trusts it,
    and a pool is done when it has reached the overlap everywhere with nothing ACTIVE)."""
    used = Counter(task for row in rows if row.status in HOLDING for task in row.tasks)
    return [f"task {task}: used {counters[task]}, assignments say used={used[task]}"
            for task in sorted(pool.general) if counters[task] != used[task]]


FINAL_STATUS = {"skipped": "SKIPPED", "skip_refused": "EXPIRED", "abandoned": "EXPIRED", "expired": "EXPIRED",
                "submit_refused": "EXPIRED"}
"""What the server must show for an assignment after each journal event about it (submits aside)."""
FAILURES = frozenset({"error", "timed_out", "server_error"})


def _event_problem(event: dict[str, Any], row: Row | None) -> str | None:
    kind = event["kind"]
    if kind in FAILURES:
        return f"performer {event['performer']} {kind}: {event.get('message', '')}"
    if "assignment" not in event:
        return None
    if row is None:
        return f"{kind} assignment {event['assignment']} is not among the pool's assignments"
    if "tasks" in event and tuple(event["tasks"]) != row.tasks:
        return f"{row.id}: the performer got tasks {event['tasks']}, the server has {row.tasks}"
    if kind == "submitted":
        if row.status in ANSWERED and row.solutions == canonical(event["solutions"]):
            return None
        return (f"{row.id} was submitted with {event['solutions']}; "
                f"the server has {row.status}, {row.solutions}")
    if row.status != FINAL_STATUS[kind]:
        return f"{row.id}: {kind} ({event.get('status')}), but the server has it {row.status}"
    return None


def journal_problems(events: Iterable[dict[str, Any]], rows: list[Row]) -> list[str]:
    """Where the server's assignments disagree with what performers were told in 2xx answers.

    Every submit a performer was told of is there with the very same solutions, and every
    answered assignment is one a performer was told of; skips are SKIPPED; abandoned suites and
    refused late submits are EXPIRED.
    """
    by_id = {row.id: row for row in rows}
    found: list[str] = []
    told: set[str] = set()
    for event in events:
        problem = _event_problem(event, by_id.get(event.get("assignment", "")))
        if problem is not None:
            found.append(problem)
        if event["kind"] == "submitted":
            told.add(event["assignment"])
    found += [f"{row.id} is {row.status} but no performer was told it was submitted"
              for row in rows if row.status in ANSWERED and row.id not in told]
    return found
