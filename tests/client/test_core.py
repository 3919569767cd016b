"""The I/O-free core, driven by hand: retries, error mapping, polling, paging, chunking, log merging."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import msgspec
import pytest

import talaka
from talaka.client import _batch, _core
from talaka.client._core import Call, Flow, Reply, Sleep

SETTINGS = _core.Settings(retries=3, jitter=lambda: 1.0)
Answer = Reply | BaseException | None


def reply(status: int, body: Any = None, **headers: str) -> Reply:
    return Reply(status, httpx.Headers(headers), b"" if body is None else msgspec.json.encode(body))


def envelope(code: str, payload: Any = None) -> dict[str, Any]:
    return {"request_id": "r1", "code": code, "message": f"{code} happened", "payload": payload}


def drive(flow: Flow[Any], answers: list[Answer]) -> tuple[Any, list[Any]]:
    """Run `flow` as a shell would, answering each effect with the next of `answers` (Sleeps get None)."""
    effects: list[Any] = []
    pending = list(answers)
    steps = _core.Steps(flow)
    for effect in steps:
        effects.append(effect)
        answer = None if isinstance(effect, Sleep) else pending.pop(0)
        if isinstance(answer, BaseException):
            steps.fail(answer)
        else:
            steps.answer(answer)
    assert not pending, f"answers left over: {pending}"
    return steps.result, effects


def test_429_waits_as_long_as_ratelimit_reset_says() -> None:
    call = Call("POST", "/tasks", body=b"[]")
    done, effects = drive(_core.send(call, SETTINGS), [
        reply(429, envelope("TOO_MANY_REQUESTS"), **{"RateLimit-Reset": "7"}), reply(201, {"ok": True})])
    assert effects == [call, Sleep(7.0), call]
    assert done.status == 201


def test_429_without_the_header_reads_the_payload() -> None:
    call = Call("GET", "/tasks")
    _, effects = drive(_core.send(call, SETTINGS), [
        reply(429, envelope("TOO_MANY_REQUESTS", {"reset_seconds": 3})), reply(200, {})])
    assert effects[1] == Sleep(3.0)


def test_5xx_and_transport_errors_back_off_then_raise() -> None:
    call = Call("GET", "/tasks")
    flow = _core.send(call, SETTINGS)
    with pytest.raises(talaka.InternalApiError) as failed:
        drive(flow, [httpx.ReadError("lost"), reply(500, envelope("INTERNAL_ERROR")), reply(503),
                     reply(500, envelope("INTERNAL_ERROR"))])
    assert failed.value.request_id == "r1" and failed.value.status_code == 500


def test_backoff_grows_and_is_capped() -> None:
    assert [SETTINGS.backoff_seconds(attempt) for attempt in range(8)] == [0.25, 0.5, 1, 2, 4, 8, 8, 8]
    halved = _core.Settings(jitter=lambda: 0.0)
    assert halved.backoff_seconds(2) == 0.5


def test_calls_that_are_not_safe_to_repeat_are_resent_only_when_never_processed() -> None:
    call = Call("POST", "/projects", body=b"{}", retry_safe=False)
    with pytest.raises(httpx.ReadError):
        drive(_core.send(call, SETTINGS), [httpx.ReadError("answer lost")])
    with pytest.raises(talaka.InternalApiError):
        drive(_core.send(call, SETTINGS), [reply(500, envelope("INTERNAL_ERROR"))])
    answers: list[Answer] = [httpx.ConnectError("refused"), reply(503), reply(201, {})]
    done, effects = drive(_core.send(call, SETTINGS), answers)
    assert done.status == 201 and len(effects) == 5


def test_errors_map_by_code_not_status() -> None:
    cases = {
        (400, "TOO_MANY_REQUESTS"): talaka.TooManyRequestsApiError,
        (500, "VALIDATION_ERROR"): talaka.ValidationApiError,
        (409, "OPERATION_ALREADY_EXISTS"): talaka.IncorrectActionsApiError,
        (409, "EMPTY_POOL"): talaka.IncorrectActionsApiError,
        (403, "ACCESS_DENIED"): talaka.AccessDeniedApiError,
        (409, "CONFLICT_STATE"): talaka.ConflictStateApiError,
        (413, "PAYLOAD_TOO_LARGE"): talaka.ApiError,
    }
    for (status, code), kind in cases.items():
        error = _core.error_of(reply(status, envelope(code, {"x": 1})))
        assert type(error) is kind and error.code == code and error.status_code == status
        assert error.payload == {"x": 1} and error.message == f"{code} happened"
    bare = _core.error_of(Reply(503, httpx.Headers({"X-Request-Id": "abc"}), b""))
    assert type(bare) is talaka.RemoteServiceUnavailableApiError and bare.request_id == "abc"
    proxy = _core.error_of(Reply(502, httpx.Headers(), b"<html>Bad gateway</html>"))
    assert type(proxy) is talaka.ApiError and proxy.code == "HTTP_502" and "Bad gateway" in proxy.message


def test_wait_operation_polls_with_growing_pauses() -> None:
    running = {"id": "op", "type": "TASK.BATCH_CREATE", "status": "RUNNING"}
    done, effects = drive(_core.wait_operation("op", None, SETTINGS), [
        reply(200, running), reply(200, running), reply(200, running),
        reply(200, {**running, "status": "FAIL"})])
    assert done.status == "FAIL"
    assert [effect.seconds for effect in effects if isinstance(effect, Sleep)] == [0.05, 0.1, 0.2]
    with pytest.raises(TimeoutError):
        drive(_core.wait_operation(talaka.Operation(id="op", type="T", status="RUNNING"), 0.01, SETTINGS), [])


def test_task_pages_follow_the_last_id_and_stop_honestly() -> None:
    pages = _core.TaskPages({"pool_id": "1"}, 2)
    page = talaka.TaskSearchResult(items=[talaka.Task(id="a"), talaka.Task(id="b")], has_more=True)
    first = pages.take(page)
    assert [task.id for task in first] == ["a", "b"] and pages.more and pages.filters["id_gt"] == "b"
    call, _ = drive(pages.next_page(SETTINGS), [reply(200, {"items": [], "has_more": True})])
    assert pages.take(call) == [] and not pages.more, "has_more on an empty page ends the paging"


def test_query_values_are_as_toloka_reads_them() -> None:
    from datetime import datetime, timedelta, timezone

    moment = datetime(2030, 1, 1, 15, tzinfo=timezone(timedelta(hours=3)))
    assert _core.query({"a": True, "b": None, "c": moment, "d": 5}) == {
        "a": "true", "c": "2030-01-01T12:00:00", "d": "5"}


def test_chunks_get_operation_ids_from_the_call_and_their_number() -> None:
    root = uuid.uuid4()
    tasks = [{"pool_id": "1", "input_values": {"n": number}} for number in range(25)]
    first = list(_batch.chunks(tasks, 10, root))
    again = list(_batch.chunks(iter(tasks), 10, root))
    assert [(chunk.start, chunk.count) for chunk in first] == [(0, 10), (10, 10), (20, 5)]
    assert [chunk.operation_id for chunk in first] == [chunk.operation_id for chunk in again]
    assert first[1].operation_id == str(uuid.uuid5(root, "1"))
    assert len({chunk.operation_id for chunk in first}) == 3
    assert msgspec.json.decode(first[2].body)[0] == tasks[20]


def log_line(position: int, success: bool) -> dict[str, Any]:
    if success:
        return {"type": "TASK_CREATE", "success": True, "output": {"task_id": f"t{position}"},
                "input": {"__item_idx": str(position), "pool_id": "1", "input_values": {"n": position},
                          "unknown": 1}}
    return {"type": "TASK_VALIDATE", "success": False, "input": {"__item_idx": str(position), "junk": [1]},
            "output": {"input_values.n": {"code": "VALUE_REQUIRED", "message": "Value must be present"}}}


def test_the_log_is_merged_onto_the_callers_indexes() -> None:
    chunk = _batch.Chunk(2, 200, 3, b"", "op")
    done = talaka.Operation(id="op", type="TASK.BATCH_CREATE", status="SUCCESS")
    log = msgspec.json.encode([log_line(0, True), log_line(1, False), log_line(2, True),
                               {"type": "POOL_OPEN", "success": True, "input": {"pool_id": "1"},
                                "output": {}}])
    outcome = _batch.outcome_from_log(chunk, done, log)
    assert sorted(outcome.items) == ["200", "202"] and outcome.items["202"].id == "t2"
    assert outcome.items["200"] == talaka.Task(id="t0", pool_id="1", input_values={"n": 0})
    assert outcome.errors == {"201": {"input_values.n": talaka.FieldValidationError(
        code="VALUE_REQUIRED", message="Value must be present")}}

    with pytest.raises(talaka.TalakaError, match="accounts for 2 of its 3"):
        _batch.outcome_from_log(chunk, done, msgspec.json.encode([log_line(0, True), log_line(2, True)]))
    failed = talaka.Operation(id="op", type="TASK.BATCH_CREATE", status="FAIL")
    with pytest.raises(talaka.FailedOperation):
        _batch.outcome_from_log(chunk, failed, b"[]")


def test_with_open_pool_the_last_chunk_is_held_back_and_nothing_follows_a_refusal() -> None:
    from talaka.client._progress import Progress

    chunks = [_batch.Chunk(number, number * 10, 10, b"[]", f"op{number}") for number in range(3)]
    opening = _batch._Merge(_batch.CreateOptions(open_pool=True), Progress(False))
    assert len(list(opening.creations(iter(chunks), SETTINGS))) == 2 and opening.held_back is chunks[2]

    strict = _batch._Merge(_batch.CreateOptions(), Progress(False))
    flows = strict.creations(iter(chunks), SETTINGS)
    next(flows)
    strict.add(_batch.ChunkOutcome(chunks[0], {}, {"3": {}}))
    assert list(flows) == [] and strict.refused
