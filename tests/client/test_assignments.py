"""Assignments, the TSV export, analytics and `wait_pool`: the flows driven by hand, then the real server.

The flows' tests feed answers to the I/O-free core (as `test_core` does). The end-to-end tests
have performers (through `talaka.Performer`) do a pool's work on the session's server while the
requester reads, reviews and waits through `talaka.Client` and `AsyncClient`.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest

import talaka
from talaka.client import _analytics, _assignments
from talaka.client._core import Call, Reply, Sleep, Steps
from talaka.client._progress import Progress
from tests.client.test_core import SETTINGS, drive, envelope, reply
from tests.client.test_performer import labelled_pool, work_through
from tests.support.server import ServerProcess

ASSIGNMENT: dict[str, Any] = {
    "id": "0000000001--000000000000000000000000", "task_suite_id": "0000000001--0000000000000000000003e8",
    "pool_id": "1", "user_id": "u0", "status": "SUBMITTED", "reward": 0.01, "mixed": True,
    "automerged": False,
    "tasks": [{"id": "0000000001--000000000000000000001388", "pool_id": "1", "input_values": {"image": "x"},
               "known_solutions": [{"output_values": {"result": "cat"}}], "created": "2024-01-01T00:00:00"}],
    "solutions": [{"output_values": {"result": "cat"}, "task_id": "ignored"}],
    "created": "2024-01-01T00:00:01", "submitted": "2024-01-01T00:00:20.123",
    "owner": {"id": "r1", "myself": True},
    "bonus": "an unknown field"}


def page(*ids: str, has_more: bool) -> dict[str, Any]:
    return {"items": [{**ASSIGNMENT, "id": identifier} for identifier in ids], "has_more": has_more}


# Searching and paging.


def test_the_wire_assignment_decodes_with_golden_tasks_and_unknown_fields() -> None:
    assignment = msgspec.json.decode(msgspec.json.encode(ASSIGNMENT), type=talaka.Assignment)
    assert assignment.status == talaka.Assignment.SUBMITTED and assignment.reward == 0.01
    assert assignment.tasks[0].known_solutions == [talaka.KnownSolution(output_values={"result": "cat"})]
    assert assignment.solutions == [talaka.Solution(output_values={"result": "cat"})]
    assert assignment.submitted == datetime(2024, 1, 1, 0, 0, 20, 123_000) and assignment.accepted is None


def test_filters_go_out_as_toloka_kit_sends_them() -> None:
    moment = datetime(2024, 2, 1, 15, 0, 0, 123456, tzinfo=timezone(timedelta(hours=3)))
    filters = {"status": ["SUBMITTED", "ACCEPTED"], "pool_id": "1", "user_id": "u1", "id_gt": "0",
               "created_lt": moment, "submitted_gte": datetime(2024, 1, 1),
               "expired_lte": "2024-03-01T00:00:00"}
    result, effects = drive(_assignments.find_assignments(filters, ["-submitted", "id"], 10, SETTINGS),
                            [reply(200, page("a", has_more=False))])
    assert effects == [Call("GET", "/v1/assignments", {
        "status": "SUBMITTED,ACCEPTED", "pool_id": "1", "user_id": "u1", "id_gt": "0",
        "created_lt": "2024-02-01T12:00:00.123456", "submitted_gte": "2024-01-01T00:00:00",
        "expired_lte": "2024-03-01T00:00:00", "sort": "-submitted,id", "limit": "10"})]
    assert [assignment.id for assignment in result.items] == ["a"] and not result.has_more
    assert _assignments.status_list("SUBMITTED, ACCEPTED") == ["SUBMITTED", "ACCEPTED"]
    assert _assignments.status_list("SUBMITTED") == ["SUBMITTED"]


def test_get_assignments_pages_by_id_without_a_limit_unless_asked() -> None:
    pages = _assignments.pages({"pool_id": "1", "status": "ACCEPTED"}, None)
    seen: list[str] = []
    calls: list[Any] = []
    for answer in (page("a", "b", has_more=True), page("c", has_more=False)):
        result, effects = drive(pages.next_page(SETTINGS), [reply(200, answer)])
        calls.extend(effects)
        seen.extend(assignment.id or "" for assignment in pages.take(result))
    assert seen == ["a", "b", "c"] and not pages.more
    assert [call.params for call in calls] == [
        {"pool_id": "1", "status": "ACCEPTED", "sort": "id"},
        {"pool_id": "1", "status": "ACCEPTED", "id_gt": "b", "sort": "id"}]
    sized = _assignments.pages({}, 2)
    _, effects = drive(sized.next_page(SETTINGS), [reply(200, page(has_more=False))])
    assert effects[0].params == {"sort": "id", "limit": "2"}


# Reviewing.


def test_accepting_sends_the_comment_then_the_status() -> None:
    changes = _assignments.assignment_patch("Well done", talaka.Assignment.ACCEPTED)
    accepted = {**ASSIGNMENT, "status": "ACCEPTED", "public_comment": "Well done"}
    result, effects = drive(_assignments.patch_assignment("a/1", changes, SETTINGS), [reply(200, accepted)])
    body = b'{"public_comment":"Well done","status":"ACCEPTED"}'
    assert effects == [Call("PATCH", "/v1/assignments/a%2F1", body=body)]
    assert result.status == "ACCEPTED"
    assert _assignments.assignment_patch(None, "REJECTED") == {"status": "REJECTED"}


def test_a_review_repeated_after_a_lost_answer_returns_the_assignment() -> None:
    changes = _assignments.assignment_patch("Bad", "REJECTED")
    refused = reply(409, envelope("INAPPROPRIATE_STATUS", {"appropriate_statuses": ["SUBMITTED"]}))
    rejected = {**ASSIGNMENT, "status": "REJECTED", "public_comment": "Bad"}
    result, effects = drive(_assignments.patch_assignment("a", changes, SETTINGS),
                            [refused, reply(200, rejected)])
    assert result.status == "REJECTED" and effects[1] == Call("GET", "/v1/assignments/a")

    accepted_in_the_ui = {**ASSIGNMENT, "status": "ACCEPTED", "public_comment": "ok"}
    with pytest.raises(talaka.InappropriateStatus) as refusal:
        drive(_assignments.patch_assignment("a", changes, SETTINGS),
              [refused, reply(200, accepted_in_the_ui)])
    assert isinstance(refusal.value, talaka.IncorrectActionsApiError), "toloka-kit code still catches it"
    assert refusal.value.payload == {"appropriate_statuses": ["SUBMITTED"]}


# The TSV export.

TSV = ("INPUT:image\tOUTPUT:result\tGOLDEN:result\tHINT:text\tASSIGNMENT:assignment_id\t"
       "ASSIGNMENT:worker_id\tASSIGNMENT:status\nhttp://x/1.png\tcat\t\t\t0000000001--01\t0042\tAPPROVED\n"
       "\"a\tb\"\tdog\tdog\t\t0000000001--02\t0042\tAPPROVED\n")


def test_tsv_parameters_are_toloka_kits() -> None:
    assert _assignments.tsv_params("APPROVED", None, None, None, None) == {
        "status": "APPROVED", "field": ",".join(_assignments.TSV_FIELDS_DEFAULT), "addRowDelimiter": "false"}
    every = _assignments.tsv_params(["ACCEPTED", "SUBMITTED", "REJECTED"], datetime(2024, 1, 1),
                                    datetime(2024, 2, 1, tzinfo=UTC), True,
                                    ["ASSIGNMENT:task_id", "worker_id"])
    assert list(every.items()) == [
        ("status", "APPROVED,SUBMITTED,REJECTED"), ("startTimeFrom", "2024-01-01T00:00:00"),
        ("startTimeTo", "2024-02-01T00:00:00"), ("excludeBanned", "true"),
        ("field", "ASSIGNMENT:task_id,ASSIGNMENT:worker_id"), ("addRowDelimiter", "false")]


def test_the_tsv_becomes_a_dataframe_with_ids_as_text() -> None:
    frame, effects = drive(_assignments.assignments_df("7", {"status": "APPROVED"}, SETTINGS),
                           [Reply(200, {}, TSV.encode())])
    assert effects == [Call("GET", "/new/requester/pools/7/assignments.tsv", {"status": "APPROVED"})]
    assert list(frame["ASSIGNMENT:worker_id"]) == ["0042", "0042"]
    assert list(frame["INPUT:image"]) == ["http://x/1.png", "a\tb"]
    assert frame["GOLDEN:result"].isna().tolist() == [True, False]


def test_without_pandas_the_dataframe_asks_for_it_before_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    flow = _assignments.assignments_df("7", {}, SETTINGS)
    with pytest.raises(ImportError, match="pip install pandas"):
        next(flow)


# Analytics and wait_pool.


def analytics(status: str, value: int | None = None) -> dict[str, Any]:
    request = {"subject": "POOL", "subject_id": "7", "name": "completion_percentage"}
    details = {} if value is None else {"value": [{"request": request, "finished": "2024-01-01T00:00:00",
                                                   "result": {"type": "NORMAL", "value": value}}]}
    return {"id": "op", "type": "ANALYTICS", "status": status, "parameters": {"value": [request]},
            "details": details}


def pool(status: str, reason: str | None = None) -> dict[str, Any]:
    closed = {"last_close_reason": reason} if reason else {}
    return {"id": "7", "project_id": "1", "status": status, **closed}


def test_get_analytics_sends_the_array_and_results_are_found_by_name() -> None:
    stats = [{"subject": "POOL", "subject_id": "7", "name": "completion_percentage"}]
    operation, effects = drive(_analytics.get_analytics(stats, SETTINGS), [reply(202, analytics("PENDING"))])
    assert effects == [Call("POST", "/staging/analytics-2", body=msgspec.json.encode(stats))]
    assert operation.type == "ANALYTICS"
    done = talaka.Operation(**{**analytics("SUCCESS", 40), "type": "ANALYTICS"})
    assert _analytics.result_of(done, "completion_percentage") == {"type": "NORMAL", "value": 40}
    with pytest.raises(talaka.TalakaError, match="no result for spent_budget"):
        _analytics.result_of(done, "spent_budget")


def test_wait_pool_polls_until_the_pool_closes_without_analytics_when_no_bar_is_shown() -> None:
    flow = _analytics.wait_pool("7", 3.0, None, Progress(False), SETTINGS)
    result, effects = drive(flow, [reply(200, pool("OPEN")), reply(200, pool("OPEN")),
                                   reply(200, pool("CLOSED", "COMPLETED"))])
    assert result.status == "CLOSED" and result.last_close_reason == "COMPLETED"
    assert effects == [Call("GET", "/v1/pools/7"), Sleep(3.0)] * 2 + [Call("GET", "/v1/pools/7")]


def test_wait_pool_shows_the_completion_percentage(capsys: pytest.CaptureFixture[str]) -> None:
    flow = _analytics.wait_pool("7", 1.0, None, Progress(True), SETTINGS)
    result, effects = drive(flow, [
        reply(200, pool("OPEN")), reply(202, analytics("PENDING")), reply(200, analytics("SUCCESS", 40)),
        reply(200, pool("ARCHIVED"))])
    assert result.status == "ARCHIVED"
    assert [effect.path for effect in effects if isinstance(effect, Call)] == [
        "/v1/pools/7", "/staging/analytics-2", "/v1/operations/op", "/v1/pools/7"]
    shown = capsys.readouterr().err
    assert "pool 7" in shown and "40" in shown


def test_wait_pool_gives_up_after_the_timeout() -> None:
    flow = _analytics.wait_pool("7", 0.001, 0.05, Progress(False), SETTINGS)
    steps = Steps(flow)
    with pytest.raises(TimeoutError, match="pool 7 is still OPEN"):
        for effect in steps:
            if isinstance(effect, Sleep):
                threading.Event().wait(effect.seconds)
            else:
                steps.answer(reply(200, pool("OPEN")))


# Against the real server.


def test_requester_reads_reviews_and_exports_what_performers_did(
        server: ServerProcess, client: talaka.Client,
        new_performer: Callable[..., talaka.Performer]) -> None:
    pool_id = labelled_pool(client, tasks=4, auto_accept=False)
    first, second = new_performer("reviewed-1"), new_performer("reviewed-2")
    done = work_through(first, pool_id, label="cat") + work_through(second, pool_id, label="dog")
    assert len(done) == 4, "two tasks a suite, overlap 2: each performer does both suites"

    submitted = list(client.get_assignments(pool_id=pool_id, status="SUBMITTED", batch_size=1))
    assert sorted(assignment.id or "" for assignment in submitted) == sorted(done)
    one = client.get_assignment(done[0])
    assert one.status == "SUBMITTED" and one.pool_id == pool_id and len(one.tasks) == len(one.solutions or [])
    page_of_one = client.find_assignments(pool_id=pool_id, sort="-id", limit=1)
    assert page_of_one.has_more and page_of_one.items[0].id == max(done)

    accepted = client.accept_assignment(done[0], "Well done")
    assert accepted.status == "ACCEPTED" and accepted.public_comment == "Well done" and accepted.accepted
    again = client.accept_assignment(done[0], "Well done")
    assert again == client.get_assignment(done[0]), "accepting again returns it as it is"
    rejected = client.reject_assignment(done[1], "Wrong")
    assert rejected.status == "REJECTED" and rejected.rejected
    with pytest.raises(talaka.InappropriateStatus):
        client.reject_assignment(done[0], "Changed my mind")
    reviewed = client.patch_assignment(done[1], public_comment="Fine after all", status="ACCEPTED")
    assert reviewed.status == "ACCEPTED"

    frame = client.get_assignments_df(pool_id, status=["ACCEPTED", "SUBMITTED"],
                                      field=["assignment_id", "worker_id", "status"])
    assert len(frame) == 4 * 2, "one row per task of each assignment"
    assert {"INPUT:image", "OUTPUT:label", "ASSIGNMENT:assignment_id", "ASSIGNMENT:worker_id"} <= set(frame)
    assert set(frame["ASSIGNMENT:status"]) == {"APPROVED", "SUBMITTED"}
    assert set(frame["ASSIGNMENT:worker_id"]) == {first.me().id, second.me().id}
    approved = client.get_assignments_df(pool_id)
    assert set(approved["ASSIGNMENT:assignment_id"]) == {done[0], done[1]}

    async def from_async() -> list[str]:
        async with talaka.AsyncClient(server.url, server.token) as sdk:
            return [assignment.id or "" async for assignment in sdk.get_assignments(pool_id=pool_id)]

    assert asyncio.run(from_async()) == sorted(done)


def work_while_open(performer: talaka.Performer, pool_id: str, seconds: float = 60) -> list[str]:
    """A crowd member: works in the pool until it closes, asking again when nothing is there for them
    now (the others may be about to give suites back, or two takes met at the same moment)."""
    done: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            assignment = performer.take(pool_id)
        except talaka.NoTasksAvailable:
            time.sleep(0.05)
            continue
        except talaka.DoesNotExistApiError:
            break
        performer.submit(assignment.id, [{"label": "cat"}] * len(assignment.tasks))
        done.append(assignment.id)
    return done


def test_wait_pool_returns_when_performers_complete_the_pool(
        client: talaka.Client, new_performer: Callable[..., talaka.Performer],
        capsys: pytest.CaptureFixture[str]) -> None:
    pool_id = labelled_pool(client, tasks=4)
    with pytest.raises(TimeoutError):
        client.wait_pool(pool_id, poll_seconds=0.05, timeout=0.3, progress=False)
    crowd = [new_performer(f"waited-{number}") for number in range(2)]
    with ThreadPoolExecutor(len(crowd)) as threads:
        working = [threads.submit(work_while_open, performer, pool_id) for performer in crowd]
        closed = client.wait_pool(pool_id, poll_seconds=0.2, timeout=60, progress=True)
        assert sum(len(work.result()) for work in working) == 4
    assert closed.status == "CLOSED" and closed.last_close_reason == "COMPLETED"
    assert "100" in capsys.readouterr().err
    assert client.wait_pool(pool_id) == client.get_pool(pool_id), "a closed pool returns at once"

    operation = client.wait_operation(client.get_analytics([
        {"subject": "POOL", "subject_id": pool_id, "name": "completion_percentage"},
        {"subject": "POOL", "subject_id": pool_id, "name": "submitted_assignments_count"}]))
    assert _analytics.result_of(operation, "completion_percentage")["value"] == 100
    assert _analytics.result_of(operation, "submitted_assignments_count") == 4
