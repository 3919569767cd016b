"""A crowd of 40 performer programs finishes a pool of 3,000 tasks through two servers on one
PostgreSQL (and through one server on SQLite) without ever breaking the work loop's invariants.

Performers skip some suites and abandon others to the server's expiry sweep. Afterwards the
assignments, read through the requester API and from the database itself, must show: no task
past its overlap, no performer given a task (or a control task) twice, exactly `overlap` answers
per task, nothing ACTIVE, and the pool closed by itself as COMPLETED.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

import talaka
from tests.ops.crowd import Crowd, crowd_specs
from tests.ops.work_pool import (
    api_rows,
    counter_problems,
    db_rows,
    journal_problems,
    make_performers,
    make_work_pool,
    open_pool,
    problems,
)
from tests.support.api import client
from tests.support.server import ServerProcess

TASKS = 3_000
GOLDEN = 60
OVERLAP = 3
PERFORMERS = 40
CROWD_PROCESSES = 4
MAX_DURATION = 5
"""Seconds before an abandoned suite expires; short, so that the sweep runs often during the test."""
CROWD_SECONDS = 170.0
"""A performer gives up (and the test fails) after this long; a healthy run ends far sooner."""


@pytest.mark.slow
def test_a_crowd_finishes_a_pool_without_breaking_an_invariant(database_url: str, tmp_path: Path,
                                                                request: pytest.FixtureRequest) -> None:
    servers = [ServerProcess(database_url, tmp_path / "server-0.log").start()]
    request.addfinalizer(servers[0].stop)
    if database_url.startswith("postgresql"):
        servers.append(ServerProcess(database_url, tmp_path / "server-1.log", token=servers[0].token).start())
        request.addfinalizer(servers[1].stop)
    api = client(servers[0].url, servers[0].token)
    request.addfinalizer(api.close)
    pool = make_work_pool(api, tasks=TASKS, golden=GOLDEN, overlap=OVERLAP, max_duration=MAX_DURATION)
    tokens = make_performers(api, PERFORMERS)
    open_pool(api, pool.pool_id)

    started = time.monotonic()
    performers = [(servers[number % len(servers)].url, token) for number, token in enumerate(tokens)]
    specs = crowd_specs(pool.pool_id, performers, CROWD_PROCESSES, seconds=CROWD_SECONDS, skip_rate=0.04,
                        abandon_rate=0.02)
    crowd = Crowd(tmp_path).start(specs)
    request.addfinalizer(crowd.stop)
    with talaka.Client(servers[-1].url, servers[0].token) as sdk:
        closed = sdk.wait_pool(pool.pool_id, poll_seconds=0.5, timeout=CROWD_SECONDS + 30, progress=False)
    assert closed.status == "CLOSED" and closed.last_close_reason == "COMPLETED", closed
    events = crowd.wait(timeout=60)
    elapsed = time.monotonic() - started

    with client(servers[-1].url, servers[0].token) as other:
        rows = api_rows(other, pool.pool_id)
    stored, counters = db_rows(database_url, pool.pool_id)
    assert rows == stored, "the requester API and the database disagree about the pool's assignments"
    assert problems(rows, pool) == []
    assert counter_problems(stored, counters, pool) == []
    assert journal_problems(events, rows) == []
    kinds = Counter(event["kind"] for event in events)
    assert kinds["finished"] == PERFORMERS, kinds
    failures = [event for event in events if event["kind"] in ("outage", "transport_error")]
    assert failures == [], failures[:5]
    assert kinds["skipped"] and kinds["expired"], f"the crowd should skip and abandon some suites: {kinds}"
    print(f"\n{database_url.split(':')[0]}, {len(servers)} server(s): {len(rows)} suites "
          f"({dict(Counter(row.status for row in rows))}) in {elapsed:.1f} s; journal {dict(kinds)}")
