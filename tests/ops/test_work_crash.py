"""SIGKILL of the server while 20 performer programs work a pool loses no answer.

The server is killed five times mid-run and restarted on the same database and port; the
performers ride the outages out (the SDK retries, then they send the same request again). At the
end every invariant of the concurrency test holds, and the assignments are exactly what the
performers were told: every submit answered 2xx before a kill is there with its solutions, and
nothing is answered that no performer was told about.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

import talaka
from tests.ops.crowd import Crowd, crowd_specs
from tests.ops.work_pool import (
    SUITE_TASKS,
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
PERFORMERS = 20
CROWD_PROCESSES = 2
MAX_DURATION = 8
"""Seconds before an abandoned suite expires; longer than a restart, so most suites survive one."""
KILLS = 5
CROWD_SECONDS = 170.0


def submitted(crowd: Crowd) -> int:
    return sum(event["kind"] == "submitted" for event in crowd.events())


@pytest.mark.slow
def test_killing_the_server_loses_no_submitted_answer(own_server: ServerProcess, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:
    own_server.start()
    with client(own_server.url, own_server.token) as api:
        pool = make_work_pool(api, tasks=TASKS, golden=GOLDEN, overlap=OVERLAP, max_duration=MAX_DURATION)
        tokens = make_performers(api, PERFORMERS)
        open_pool(api, pool.pool_id)

    started = time.monotonic()
    crowd = Crowd(tmp_path).start(crowd_specs(pool.pool_id, [(own_server.url, token) for token in tokens],
                                              CROWD_PROCESSES, seconds=CROWD_SECONDS, skip_rate=0.04,
                                              abandon_rate=0.02))
    request.addfinalizer(crowd.stop)
    suites = TASKS * OVERLAP // SUITE_TASKS
    kills_at = []
    for kill in range(1, KILLS + 1):
        while submitted(crowd) < suites * kill // (KILLS + 1):
            assert crowd.running(), f"the crowd stopped before kill {kill}; see {tmp_path}/crowd-*.log"
            time.sleep(0.05)
        kills_at.append(submitted(crowd))
        own_server.restart()
    with talaka.Client(own_server.url, own_server.token) as sdk:
        closed = sdk.wait_pool(pool.pool_id, poll_seconds=0.5, timeout=CROWD_SECONDS, progress=False)
    assert closed.status == "CLOSED" and closed.last_close_reason == "COMPLETED", closed
    events = crowd.wait(timeout=60)
    elapsed = time.monotonic() - started

    with client(own_server.url, own_server.token) as api:
        rows = api_rows(api, pool.pool_id)
    stored, counters = db_rows(own_server.database_url, pool.pool_id)
    assert rows == stored, "the requester API and the database disagree about the pool's assignments"
    assert problems(rows, pool) == []
    assert counter_problems(stored, counters, pool) == []
    assert journal_problems(events, rows) == []
    kinds = Counter(event["kind"] for event in events)
    assert kinds["finished"] == PERFORMERS, kinds
    assert kinds["transport_error"], "the performers should have met the dead server"
    lost = Counter(f"{event['request']} {event['message'].split(':')[0]}"
                   for event in events if event["kind"] == "transport_error")
    print(f"\n{own_server.database_url.split(':')[0]}: killed after {kills_at} submits; {len(rows)} suites "
          f"({dict(Counter(row.status for row in rows))}) in {elapsed:.1f} s; journal {dict(kinds)}; "
          f"failed requests {dict(lost)}")
