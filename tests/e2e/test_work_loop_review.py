"""Manual review through toloka-kit: a pool without auto-accept, a crowd that submits, a requester
who accepts and rejects with `accept_assignment` / `reject_assignment`.

One suite is rejected while the pool is still open, to show that a rejected assignment keeps its
overlap (Toloka's rule): its tasks get no extra answer, and the pool still closes COMPLETED.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from toloka.client import Assignment, Pool, TolokaClient
from toloka.client.exceptions import IncorrectActionsApiError

import talaka
from tests.e2e.crowd import (
    Crowd,
    images,
    mostly_right,
    new_performers,
    tutorial_pool,
    tutorial_project,
    wait_like_a_tutorial,
)
from tests.support.server import ServerProcess

GENERAL = 12
OVERLAP = 2
SUITE = 4
PERFORMERS = 4


@dataclass
class Reviewed:
    """The pool after the crowd finished and the requester reviewed every suite."""

    pool: Pool
    early_rejected: Assignment
    """the answer to rejecting one suite while the pool was open"""
    early: Assignment
    """the same suite accepted after all, once the pool had closed"""
    accepted: list[Assignment]
    rejected: list[Assignment]
    early_token: str


def refused(action: Callable[[], object]) -> IncorrectActionsApiError:
    """The error toloka-kit raises for a review the assignment's status does not allow."""
    with pytest.raises(IncorrectActionsApiError) as caught:
        action()
    error = caught.value
    assert (error.status_code, error.code) == (409, "INAPPROPRIATE_STATUS"), error
    return error


@pytest.fixture(scope="module")
def reviewed(toloka: TolokaClient, server: ServerProcess) -> Reviewed:
    project = tutorial_project(toloka)
    pool = tutorial_pool(toloka, project, auto_accept=False, real=SUITE, golden=0, overlap=OVERLAP)
    toloka.create_tasks(images(pool.id, GENERAL), allow_defaults=True, open_pool=True)

    (_, early_token), *members = new_performers(server, 1 + PERFORMERS)
    with talaka.Performer(server.url, early_token) as early:
        taken = early.take(pool.id)
        refused(lambda: toloka.accept_assignment(taken.id, "Well done"))
        submitted = early.submit(taken.id, [{"result": "other"} for _ in taken.tasks])
    assert submitted.status == "SUBMITTED"
    assert submitted.accepted is None
    rejected_early = toloka.reject_assignment(taken.id, "Bad")
    assert toloka.get_pool(pool.id).is_open()

    crowd = Crowd(server, pool.id, members).start()
    pool, _ = wait_like_a_tutorial(toloka, pool, crowd)
    crowd.join()

    accepted: list[Assignment] = []
    rejected: list[Assignment] = []
    for number, waiting in enumerate(toloka.get_assignments(pool_id=pool.id, status="SUBMITTED")):
        if number % 3 == 2:
            rejected.append(toloka.reject_assignment(waiting.id, "Bad"))
        else:
            accepted.append(toloka.accept_assignment(waiting.id, "Well done"))
    early_accepted = toloka.accept_assignment(taken.id, "On second thought, fine")
    return Reviewed(toloka.get_pool(pool.id), rejected_early, early_accepted, accepted, rejected, early_token)


def test_the_pool_closes_completed_with_submitted_suites(reviewed: Reviewed) -> None:
    """Completion counts SUBMITTED and REJECTED suites: nobody has to review before the pool closes."""
    assert reviewed.pool.is_closed()
    assert reviewed.pool.last_close_reason == Pool.CloseReason.COMPLETED


def test_a_rejected_suite_keeps_its_overlap(toloka: TolokaClient, reviewed: Reviewed) -> None:
    everything = list(toloka.get_assignments(pool_id=reviewed.pool.id))
    per_task = Counter(task.id for assignment in everything for task in assignment.tasks)
    assert len(per_task) == GENERAL
    assert set(per_task.values()) == {OVERLAP}, "the rejected suite's tasks got no extra answer"
    assert len(everything) == 1 + len(reviewed.accepted) + len(reviewed.rejected)
    assert all(task.remaining_overlap == 0 for task in toloka.get_tasks(pool_id=reviewed.pool.id))


def test_accepted_assignments(toloka: TolokaClient, reviewed: Reviewed) -> None:
    assert reviewed.accepted
    for answered in reviewed.accepted:
        stored = toloka.get_assignment(answered.id)
        for assignment in (answered, stored):
            assert assignment.status == Assignment.ACCEPTED
            assert assignment.public_comment == "Well done"
            assert assignment.submitted is not None and assignment.accepted is not None
            assert assignment.accepted >= assignment.submitted
            assert assignment.rejected is None
        assert stored.solutions == answered.solutions


def test_rejected_assignments(toloka: TolokaClient, reviewed: Reviewed) -> None:
    assert reviewed.rejected
    for answered in reviewed.rejected:
        stored = toloka.get_assignment(answered.id)
        for assignment in (answered, stored):
            assert assignment.status == Assignment.REJECTED
            assert assignment.public_comment == "Bad"
            assert assignment.rejected is not None and assignment.rejected >= assignment.submitted
            assert assignment.accepted is None


def test_rejected_while_the_pool_was_open(reviewed: Reviewed) -> None:
    early = reviewed.early_rejected
    assert early.status == Assignment.REJECTED
    assert early.public_comment == "Bad"
    assert early.rejected is not None and early.rejected >= early.submitted
    assert early.accepted is None


def test_rejected_then_accepted(reviewed: Reviewed) -> None:
    early = reviewed.early
    assert early.status == Assignment.ACCEPTED
    assert early.public_comment == "On second thought, fine"
    assert early.accepted is not None and early.accepted >= early.submitted
    assert [solution.output_values for solution in early.solutions] == [{"result": "other"}] * SUITE


def test_reviews_the_status_does_not_allow(toloka: TolokaClient, reviewed: Reviewed) -> None:
    accepted = reviewed.accepted[0].id
    error = refused(lambda: toloka.accept_assignment(accepted, "Well done"))
    assert "SUBMITTED" in error.payload["appropriate_statuses"]
    refused(lambda: toloka.reject_assignment(accepted, "Bad"))
    rejected = reviewed.rejected[0].id
    refused(lambda: toloka.reject_assignment(rejected, "Bad"))
    assert toloka.get_assignment(accepted).public_comment == "Well done", "a refused review changes nothing"
    assert toloka.get_assignment(rejected).status == Assignment.REJECTED


def test_reviews_after_the_close_leave_the_pool_closed(toloka: TolokaClient, reviewed: Reviewed) -> None:
    pool = toloka.get_pool(reviewed.pool.id)
    assert (pool.status, pool.last_close_reason) == (Pool.Status.CLOSED, Pool.CloseReason.COMPLETED)


def test_the_performer_sees_the_verdict(server: ServerProcess, reviewed: Reviewed) -> None:
    with talaka.Performer(server.url, reviewed.early_token) as me:
        mine = me.get_assignment(reviewed.early.id)
    assert (mine.status, mine.public_comment) == ("ACCEPTED", "On second thought, fine")


def test_find_and_export_by_review(toloka: TolokaClient, reviewed: Reviewed) -> None:
    pool_id = reviewed.pool.id
    rejected = toloka.find_assignments(pool_id=pool_id, status="REJECTED", sort="-rejected", limit=100).items
    assert {assignment.id for assignment in rejected} == {assignment.id for assignment in reviewed.rejected}
    assert [assignment.rejected for assignment in rejected] == sorted(
        (assignment.rejected for assignment in rejected), reverse=True
    )
    accepted = toloka.find_assignments(pool_id=pool_id, status="ACCEPTED", limit=100).items
    assert len(accepted) == len(reviewed.accepted) + 1
    assert toloka.find_assignments(pool_id=pool_id, status="SUBMITTED").items == []
    since = toloka.find_assignments(
        pool_id=pool_id, rejected_gte=datetime.datetime(2000, 1, 1), limit=100
    ).items
    rejected_ids = {assignment.id for assignment in reviewed.rejected}
    assert rejected_ids <= {assignment.id for assignment in since} <= rejected_ids | {reviewed.early.id}, (
        "only assignments that were ever rejected have a rejection time"
    )

    df = toloka.get_assignments_df(pool_id, status=["APPROVED", "REJECTED"])
    statuses = Counter(df.drop_duplicates("ASSIGNMENT:assignment_id")["ASSIGNMENT:status"])
    assert statuses == {"APPROVED": len(reviewed.accepted) + 1, "REJECTED": len(reviewed.rejected)}
    assert len(df) == GENERAL * OVERLAP
    only_rejected = toloka.get_assignments_df(
        pool_id, status=["REJECTED"]
    )  # a plain string is sent letter by letter
    assert set(only_rejected["ASSIGNMENT:assignment_id"]) == {
        assignment.id for assignment in reviewed.rejected
    }


def test_answers_are_kept_through_the_review(toloka: TolokaClient, reviewed: Reviewed) -> None:
    for assignment in [*reviewed.accepted, *reviewed.rejected]:
        labels = [solution.output_values["result"] for solution in assignment.solutions]
        images_ = [task.input_values["image"] for task in assignment.tasks]
        assert labels in (
            [mostly_right(0, image) for image in images_],
            [mostly_right(1, image) for image in images_],
        )
