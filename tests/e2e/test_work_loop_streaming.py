"""toloka-kit's streaming pipeline against a pool being worked: every event seen exactly once.

`AssignmentsObserver` polls `GET /v1/assignments` with time windows (`submitted_gte`/`_lte`,
`sort=submitted`, `limit=1000`, and `id_gt` when a page shares one time); `Pipeline` calls it
until the pool is closed and holds no ACTIVE assignment. The pool reviews by hand, so SUBMITTED
and ACCEPTED are two events: the `on_submitted` callback accepts, as the streaming tutorial's does.
Performers take their next suite only once the last one is reviewed, so the pool completes only
if the pipeline delivers events while it is open.
"""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter
from dataclasses import dataclass, field

import pytest
from toloka.async_client import AsyncTolokaClient
from toloka.client import Assignment, Pool, TolokaClient
from toloka.client.exceptions import IncorrectActionsApiError
from toloka.streaming import AssignmentsObserver, Pipeline
from toloka.streaming.event import AssignmentEvent

from tests.e2e.crowd import POLL_SECONDS, Crowd, images, new_performers, tutorial_pool, tutorial_project
from tests.support.server import ServerProcess

GENERAL = 15
OVERLAP = 2
SUITE = 3
PERFORMERS = 5
PERIOD = datetime.timedelta(seconds=0.3)
# The observer reads only events older than this, so that a write committed a moment after its
# timestamp is never skipped by a cursor that has moved past it (toloka-kit's reason for the lag).
LAG = datetime.timedelta(seconds=1)


@dataclass
class Seen:
    """What the callbacks received, event by event."""

    client: TolokaClient
    submitted: list[AssignmentEvent] = field(default_factory=list)
    accepted: list[AssignmentEvent] = field(default_factory=list)

    def accept_submitted(self, events: list[AssignmentEvent]) -> None:
        for event in events:
            self.submitted.append(event)
            try:
                self.client.accept_assignment(event.assignment.id, "Well done")
            except IncorrectActionsApiError:
                pass  # reviewed elsewhere already, as the tutorial allows

    def record_accepted(self, events: list[AssignmentEvent]) -> None:
        self.accepted.extend(events)

    @property
    def count(self) -> int:
        return len(self.submitted) + len(self.accepted)


async def closed(client: TolokaClient, pool_id: str, crowd: Crowd) -> None:
    """Beside the pipeline: return when the pool closes, fail if the crowd stops and it never does."""
    while client.get_pool(pool_id).is_open():
        crowd.check(client, pool_id)
        await asyncio.sleep(POLL_SECONDS)


async def stream(client: TolokaClient, pool_id: str, seen: Seen, crowd: Crowd) -> None:
    """Run the pipeline to its end, then call the observer (as the pipeline does) until a call
    past the lag brings nothing new: the last events were younger than the lag when it stopped.

    toloka-kit's async client reads the running event loop when it is made, so it is made here.
    """
    observer = AssignmentsObserver(AsyncTolokaClient.from_sync_client(client), pool_id, cursor_time_lag=LAG)
    observer.on_submitted(seen.accept_submitted)
    observer.on_accepted(seen.record_accepted)
    pipeline = Pipeline(period=PERIOD)
    pipeline.MIN_SLEEP_SECONDS = PERIOD.total_seconds()  # the class keeps 10 s between rounds
    pipeline.register(observer)
    await asyncio.gather(pipeline.run(), closed(client, pool_id, crowd))
    while True:
        before = seen.count
        await asyncio.sleep((LAG + PERIOD).total_seconds())
        await observer()
        if seen.count == before:
            return


@dataclass
class Streamed:
    pool: Pool
    seen: Seen
    assignments: list[Assignment]


@pytest.fixture(scope="module")
def streamed(toloka: TolokaClient, server: ServerProcess) -> Streamed:
    project = tutorial_project(toloka)
    pool = tutorial_pool(toloka, project, auto_accept=False, real=SUITE, golden=0, overlap=OVERLAP)
    toloka.create_tasks(images(pool.id, GENERAL), allow_defaults=True, open_pool=True)
    seen = Seen(toloka)
    crowd = Crowd(server, pool.id, new_performers(server, PERFORMERS), wait_for_review=True).start()
    asyncio.run(stream(toloka, pool.id, seen, crowd))
    crowd.join()
    return Streamed(toloka.get_pool(pool.id), seen, list(toloka.get_assignments(pool_id=pool.id)))


def test_the_pipeline_ends_with_the_pool(streamed: Streamed) -> None:
    assert streamed.pool.is_closed()
    assert streamed.pool.last_close_reason == Pool.CloseReason.COMPLETED
    assert len(streamed.assignments) == GENERAL * OVERLAP // SUITE
    assert all(assignment.status == Assignment.ACCEPTED for assignment in streamed.assignments), (
        "the on_submitted callback accepted every suite"
    )


def test_each_submit_is_seen_once(streamed: Streamed) -> None:
    seen = Counter(event.assignment.id for event in streamed.seen.submitted)
    assert seen == {assignment.id: 1 for assignment in streamed.assignments}
    for event in streamed.seen.submitted:
        assert event.event_type == AssignmentEvent.Type.SUBMITTED
        assert event.event_time == event.assignment.submitted


def test_each_acceptance_is_seen_once(streamed: Streamed) -> None:
    seen = Counter(event.assignment.id for event in streamed.seen.accepted)
    assert seen == {assignment.id: 1 for assignment in streamed.assignments}
    by_id = {assignment.id: assignment for assignment in streamed.assignments}
    for event in streamed.seen.accepted:
        assert event.event_type == AssignmentEvent.Type.ACCEPTED
        assert event.assignment.status == Assignment.ACCEPTED
        assert event.assignment.public_comment == "Well done"
        assert event.event_time == by_id[event.assignment.id].accepted
        assert event.event_time >= event.assignment.submitted


def test_events_come_in_time_order(streamed: Streamed) -> None:
    for events in (streamed.seen.submitted, streamed.seen.accepted):
        times = [event.event_time for event in events]
        assert times == sorted(times)
