"""Hostile and broken requests to the performer API: each is refused cleanly, and nothing changes.

`CASES` is a table of refused requests on every performer endpoint, above all the submit: a solution
list of the wrong length, values outside the project's output spec (allowed values, types, lengths,
ranges, sizes), unknown fields at every level, bodies that are not JSON objects, bodies too large,
the wrong token, someone else's assignment. For each one the test checks the status, the code, the
message and the payload's code at the field path (`solutions.0.output_values.label`), then that the
census of `work_world` is unchanged: both assignments read back by their performers and through the
requester's `GET /api/v1/assignments/{id}`, still ACTIVE, no solutions stored, no new assignment, no
overlap spent. Expiry and bodies sent in chunks have their own tests below the table.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from talaka.api.openapi.performer import performer_api_paths
from tests.api.work_world import (
    GOOD,
    ME,
    MISSING,
    SUITE_SIZE,
    VALIDATION,
    Case,
    Sides,
    WorkWorld,
    census,
    check_envelope,
    check_refusal,
    no_known_solutions,
    send,
    solutions,
)

MAX_BODY = 4 * 1024 * 1024  # the server's default max_performer_body_bytes
SUBMIT_A = ME + "/assignments/{a}/submit"
TAKE = ME + "/assignments"
UNKNOWN_ID = "0000000001--00000000000000000fffffff"


def good(*, first: dict[str, Any] | None = None, second: dict[str, Any] | None = None) -> Any:
    """A submit for a suite of two, with `first` / `second` merged into the good answers."""
    return lambda world: solutions(GOOD | (first or {}), GOOD | (second or {}))


def bad_value(case_id: str, name: str, value: Any, code: str, *words: str, index: int = 0) -> Case:
    """One output value of one solution is wrong: refused at `solutions.N.output_values.NAME`."""
    changed = {name: value}
    body = good(first=changed) if index == 0 else good(second=changed)
    return Case(case_id, "POST", SUBMIT_A, 400, VALIDATION, ("Invalid submit", *words), json=body,
                field=f"solutions.{index}.output_values.{name}", field_code=code)


def submit(case_id: str, body: Any, key: str, code: str, *words: str) -> Case:
    return Case(case_id, "POST", SUBMIT_A, 400, VALIDATION, words, json=lambda world: body, field=key,
                field_code=code)


def take_body(pool_id: Any) -> Any:
    return lambda world: {"pool_id": pool_id}


def every_problem(response: httpx.Response) -> None:
    payload = response.json()["payload"]
    assert set(payload) == {"solutions.0.output_values.label", "solutions.0.output_values.score",
                            "solutions.1.output_values.note", "solutions.1.confidence"}, payload


def small_answer(response: httpx.Response) -> None:
    assert len(response.content) < 4_000, "an error must not echo a huge value back"


def deep(opening: bytes, closing: bytes, depth: int = 10_000) -> bytes:
    return opening * depth + closing * depth


CASES = [
    # --------------------------------------------------------------------------- the solution list
    submit("no-solutions-key", {}, "solutions", "ARRAY_EXPECTED", "solutions"),
    submit("solutions-null", {"solutions": None}, "solutions", "ARRAY_EXPECTED"),
    submit("solutions-an-object", {"solutions": {"0": {"output_values": GOOD}}}, "solutions",
           "ARRAY_EXPECTED"),
    submit("solutions-a-string", {"solutions": "cat"}, "solutions", "ARRAY_EXPECTED"),
    submit("no-solutions", {"solutions": []}, "solutions", "INVALID_VALUE", "Expected 2 solutions", "got 0"),
    submit("too-few-solutions", solutions(GOOD), "solutions", "INVALID_VALUE", "Expected 2 solutions",
           "got 1"),
    submit("too-many-solutions", solutions(GOOD, GOOD, GOOD), "solutions", "INVALID_VALUE", "got 3"),
    submit("a-solution-not-an-object", {"solutions": [{"output_values": GOOD}, "cat"]}, "solutions.1",
           "OBJECT_EXPECTED"),
    submit("a-solution-a-list", {"solutions": [[GOOD], {"output_values": GOOD}]}, "solutions.0",
           "OBJECT_EXPECTED"),
    submit("output-values-missing", {"solutions": [{}, {"output_values": GOOD}]}, "solutions.0.output_values",
           "VALUE_REQUIRED"),
    submit("output-values-null", solutions(None, GOOD), "solutions.0.output_values", "VALUE_REQUIRED"),
    submit("output-values-a-string", solutions("cat", GOOD), "solutions.0.output_values", "OBJECT_EXPECTED"),
    submit("output-values-a-list", solutions(GOOD, [GOOD]), "solutions.1.output_values", "OBJECT_EXPECTED"),
    # ------------------------------------------------------------------------ unknown fields, each level
    Case("unknown-top-level-field", "POST", SUBMIT_A, 400, VALIDATION, ("answers",),
         json=lambda world: solutions(GOOD, GOOD) | {"answers": []}, field="answers",
         field_code="VALUE_NOT_ALLOWED"),
    submit("unknown-solution-field",
           {"solutions": [{"output_values": GOOD, "confidence": 1}, {"output_values": GOOD}]},
           "solutions.0.confidence", "VALUE_NOT_ALLOWED"),
    bad_value("unknown-output-field", "color", "red", "VALUE_NOT_ALLOWED", index=1),
    bad_value("proto-output-field", "__proto__", {"label": "dog"}, "VALUE_NOT_ALLOWED"),
    bad_value("empty-output-field-name", "", "x", "VALUE_NOT_ALLOWED"),
    # ---------------------------------------------------------------------- values against output_spec
    bad_value("label-not-allowed", "label", "bird", "VALUE_NOT_ALLOWED"),
    bad_value("label-other-case", "label", "Cat", "VALUE_NOT_ALLOWED"),
    bad_value("label-a-number", "label", 5, "STRING_EXPECTED"),
    bad_value("label-a-list", "label", ["cat"], "STRING_EXPECTED"),
    bad_value("label-null", "label", None, "VALUE_REQUIRED"),
    submit("label-missing", solutions({"score": 3}, GOOD), "solutions.0.output_values.label",
           "VALUE_REQUIRED"),
    Case("label-huge", "POST", SUBMIT_A, 400, VALIDATION, json=good(first={"label": "c" * 1_000_000}),
         field="solutions.0.output_values.label", field_code="VALUE_NOT_ALLOWED", check=small_answer),
    bad_value("score-below-min", "score", 0, "VALUE_LESS_THAN_MIN"),
    bad_value("score-above-max", "score", 6, "VALUE_GREATER_THAN_MAX", index=1),
    bad_value("score-negative", "score", -1, "VALUE_LESS_THAN_MIN"),
    bad_value("score-huge", "score", 10**30, "VALUE_GREATER_THAN_MAX"),
    bad_value("score-a-fraction", "score", 2.5, "INTEGER_EXPECTED"),
    bad_value("score-a-string", "score", "3", "INTEGER_EXPECTED"),
    bad_value("score-a-boolean", "score", True, "INTEGER_EXPECTED"),
    bad_value("note-too-short", "note", "x", "STRING_LENGTH_LESS_THAN_MIN"),
    bad_value("note-too-long", "note", "x" * 11, "STRING_LENGTH_GREATER_THAN_MAX"),
    bad_value("note-a-number", "note", 12, "STRING_EXPECTED"),
    bad_value("sure-a-string", "sure", "yes", "BOOLEAN_EXPECTED"),
    bad_value("sure-a-number", "sure", 1, "BOOLEAN_EXPECTED"),
    bad_value("ratio-above-max", "ratio", 1.5, "VALUE_GREATER_THAN_MAX"),
    bad_value("ratio-below-min", "ratio", -0.1, "VALUE_LESS_THAN_MIN"),
    bad_value("ratio-a-string", "ratio", "0.5", "FLOAT_EXPECTED"),
    bad_value("tags-too-many", "tags", ["a", "b", "c"], "ARRAY_SIZE_GREATER_THAN_MAX"),
    bad_value("tags-not-an-array", "tags", "a", "ARRAY_EXPECTED"),
    submit("tags-unknown-value", solutions(GOOD | {"tags": ["a", "z"]}, GOOD),
           "solutions.0.output_values.tags.1", "VALUE_NOT_ALLOWED"),
    submit("tags-a-number", solutions(GOOD, GOOD | {"tags": [1]}), "solutions.1.output_values.tags.0",
           "STRING_EXPECTED"),
    Case("every-problem-is-reported", "POST", SUBMIT_A, 400, VALIDATION, ("and 3 more",), check=every_problem,
         json=lambda world: {"solutions": [{"output_values": {"label": "bird", "score": 9}},
                                           {"output_values": GOOD | {"note": "x"}, "confidence": 1}]}),
    Case("duplicate-key-last-value-wrong", "POST", SUBMIT_A, 400, VALIDATION,
         content=b'{"solutions": [{"output_values": {"label": "cat", "label": "bird", "score": 3}},'
                 b' {"output_values": {"label": "cat", "score": 3}}]}',
         field="solutions.0.output_values.label", field_code="VALUE_NOT_ALLOWED"),
    # ------------------------------------------------------------------- bodies that are not objects
    Case("malformed-json", "POST", SUBMIT_A, 400, VALIDATION, ("not valid JSON",), content=b'{"solutions": [',
         field="submit", field_code="JSON_EXPECTED"),
    Case("array-body", "POST", SUBMIT_A, 400, VALIDATION, ("JSON object",), json=lambda world: [GOOD, GOOD],
         field="submit", field_code="OBJECT_EXPECTED"),
    Case("empty-body", "POST", SUBMIT_A, 400, VALIDATION, ("empty",), field="submit",
         field_code="NOT_NULL_BODY"),
    Case("nan-literal", "POST", SUBMIT_A, 400, VALIDATION, ("not valid JSON",),
         content=b'{"solutions": [{"output_values": {"label": "cat", "score": NaN}}]}'),
    Case("deep-nesting", "POST", SUBMIT_A, 400, VALIDATION, ("nested too deeply",),
         content=b'{"solutions": ' + deep(b"[", b"]") + b"}"),
    Case("nul-character", "POST", SUBMIT_A, 400, VALIDATION, ("NUL",),
         json=good(first={"note": "ab\x00"}), field="submit", field_code="CHARACTER_NOT_ALLOWED"),
    Case("non-utf8", "POST", SUBMIT_A, 400, VALIDATION, ("not valid",),
         content=b'{"solutions": [{"output_values": {"label": "\xff"}}]}', field="submit",
         field_code="JSON_EXPECTED"),
    Case("text-plain", "POST", SUBMIT_A, 415, "UNSUPPORTED_MEDIA_TYPE", ("text/plain",),
         json=good(), content_type="text/plain"),
    Case("no-content-type", "POST", SUBMIT_A, 415, "UNSUPPORTED_MEDIA_TYPE", ("(none)",), json=good(),
         content_type=None),
    Case("body-over-the-limit", "POST", SUBMIT_A, 413, "PAYLOAD_TOO_LARGE", ("larger than",),
         check=small_answer,
         json=good(first={"note": "x" * (MAX_BODY + 1)})),
    Case("query-parameter", "POST", SUBMIT_A, 400, VALIDATION, ("Unknown query parameter",), json=good(),
         params={"force": "true"}, field="force", field_code="VALUE_NOT_ALLOWED"),
    # --------------------------------------------------------------------------- whose assignment
    Case("someone-elses-assignment", "POST", SUBMIT_A, 404, MISSING, ("no assignment",), json=good(),
         as_="bob"),
    *(Case(f"assignment-id-{name}", "POST", ME + f"/assignments/{raw_id}/submit", 404, MISSING, json=good())
      for name, raw_id in (("with-a-suffix", "{a}x"), ("with-a-newline", "{a}%0A"), ("unknown", UNKNOWN_ID),
                           ("walking-up", "..%2F..%2Fpools"), ("with-a-leading-zero", "0{a}"),
                           ("of-a-suite-task", "{a}-0"))),
    Case("requester-token", "POST", SUBMIT_A, 403, "ACCESS_DENIED", ("performer's token",), json=good(),
         as_="requester"),
    Case("no-token", "POST", SUBMIT_A, 401, "AUTHENTICATION_ERROR", json=good(), as_=None),
    Case("wrong-token", "POST", SUBMIT_A, 401, "AUTHENTICATION_ERROR", json=good(), as_="OAuth not-a-token"),
    # ------------------------------------------------------------------------------------- skip, get
    Case("skip-someone-elses", "POST", ME + "/assignments/{a}/skip", 404, MISSING, as_="bob"),
    Case("skip-as-requester", "POST", ME + "/assignments/{a}/skip", 403, "ACCESS_DENIED", as_="requester"),
    Case("skip-with-a-text-body", "POST", ME + "/assignments/{a}/skip", 415, "UNSUPPORTED_MEDIA_TYPE",
         content=b"please", content_type="text/plain"),
    Case("skip-with-a-huge-body", "POST", ME + "/assignments/{a}/skip", 413, "PAYLOAD_TOO_LARGE",
         content=b"[" + b"1," * (MAX_BODY // 2) + b"1]"),
    Case("skip-with-a-parameter", "POST", ME + "/assignments/{a}/skip", 400, VALIDATION, params={"all": "1"},
         field="all", field_code="VALUE_NOT_ALLOWED"),
    Case("skip-unknown", "POST", ME + f"/assignments/{UNKNOWN_ID}/skip", 404, MISSING),
    Case("get-someone-elses", "GET", ME + "/assignments/{b}", 404, MISSING, ("no assignment",)),
    Case("get-nul-id", "GET", ME + "/assignments/a%00b", 404, MISSING),
    Case("get-very-long-id", "GET", ME + "/assignments/" + "f" * 10_000, 404, MISSING),
    # -------------------------------------------------------------------------------------- take
    Case("take-no-pool-id", "POST", TAKE, 400, VALIDATION, json=lambda world: {}, field="pool_id",
         field_code="VALUE_REQUIRED"),
    *(Case(f"take-pool-id-{name}", "POST", TAKE, 400, VALIDATION, json=take_body(value), field="pool_id",
           field_code="VALUE_REQUIRED") for name, value in (
        ("true", True), ("null", None), ("fraction", 1.5), ("list", ["1"]), ("object", {"id": "1"}),
        ("negative", -1), ("negative-text", "-1"), ("empty", ""), ("exponent", "1e3"), ("spaces", " 1 "),
        ("full-width-digits", "１２"), ("19-digits", "1" * 19), ("huge", 10**30))),
    Case("take-unknown-field", "POST", TAKE, 400, VALIDATION, field="n", field_code="VALUE_NOT_ALLOWED",
         json=lambda world: {"pool_id": world.main, "n": 5}),
    Case("take-array-body", "POST", TAKE, 400, VALIDATION, json=lambda world: [{"pool_id": world.main}],
         field="take", field_code="OBJECT_EXPECTED"),
    Case("take-malformed", "POST", TAKE, 400, VALIDATION, content=b'{"pool_id": ', field="take",
         field_code="JSON_EXPECTED"),
    Case("take-huge-body", "POST", TAKE, 413, "PAYLOAD_TOO_LARGE",
         json=lambda world: {"pool_id": world.main, "pad": "x" * MAX_BODY}),
    Case("take-unknown-pool", "POST", TAKE, 404, MISSING, ("no open pool",),
         json=lambda world: {"pool_id": "98765"}),
    Case("take-as-requester", "POST", TAKE, 403, "ACCESS_DENIED", json=lambda world: {"pool_id": world.main},
         as_="requester"),
    # -------------------------------------------------------------------------------------- list, me
    *(Case(f"list-{name}-{value}", "GET", TAKE, 400, VALIDATION, params={name: value},
           field=name, field_code=code) for name, value, code in (
        ("status", "DONE", "INVALID_VALUE"), ("status", "ACTIVE,,LOST", "INVALID_VALUE"),
        ("pool_id", "abc", "INVALID_VALUE"), ("pool_id", "-1", "INVALID_VALUE"),
        ("id_gt", "x", "INVALID_VALUE"), ("sort", "created", "VALUE_NOT_ALLOWED"),
        ("limit", "0", "INVALID_VALUE"), ("limit", "1001", "INVALID_VALUE"),
        ("limit", "ten", "INVALID_VALUE"), ("page", "2", "VALUE_NOT_ALLOWED"))),
    Case("me-with-a-parameter", "GET", ME + "/me", 400, VALIDATION, params={"id": "x"},
         field="id", field_code="VALUE_NOT_ALLOWED"),
    Case("pools-as-requester", "GET", ME + "/pools", 403, "ACCESS_DENIED", as_="requester"),
    Case("me-with-basic-auth", "GET", ME + "/me", 401, "AUTHENTICATION_ERROR", as_="Basic YW5uOmFubg=="),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_is_refused_and_changes_nothing(world: WorkWorld, sides: Sides, case: Case) -> None:
    before = census(world, sides)
    assert before["a"]["status"] == before["b"]["status"] == "ACTIVE"
    assert "solutions" not in before["a"] and "solutions" not in before["requester-a"]
    check_refusal(send(sides.raw, world, case), case)
    assert census(world, sides) == before


def test_the_table_covers_every_performer_endpoint() -> None:
    templates = {path.replace("{assignment_id}", "{a}") for path in performer_api_paths()}
    sent = {case.path.replace(f"/{UNKNOWN_ID}/", "/{a}/").replace("{b}", "{a}") for case in CASES}
    assert templates - sent == set()
    assert len(CASES) >= 100


def past(expires: str) -> None:
    """Wait until the server's deadline `expires` (naive UTC, same clock) is behind us."""
    deadline = datetime.fromisoformat(expires).replace(tzinfo=UTC)
    while datetime.now(UTC) <= deadline:
        time.sleep(0.05)


def test_a_submit_after_the_deadline_is_refused_and_stores_nothing(world: WorkWorld, sides: Sides) -> None:
    """Whether or not the sweep has run, a late submit is 409 INAPPROPRIATE_STATUS naming EXPIRED; the
    assignment ends EXPIRED without solutions and its tasks go back to the pool."""
    taken = sides.ann.post("/assignments", json={"pool_id": world.brief})
    assert taken.status_code == 201, taken.text
    late = taken.json()
    before = census(world, sides)
    past(late["expires"])
    refused = sides.ann.post(f"/assignments/{late['id']}/submit", json=solutions(GOOD, GOOD))
    body = check_envelope(refused, 409, "INAPPROPRIATE_STATUS")
    assert body["payload"] == {"status": "EXPIRED", "appropriate_statuses": ["ACTIVE"]}
    assert "expired" in body["message"]
    mine = sides.ann.get(f"/assignments/{late['id']}").json()
    theirs = sides.requester.get(f"/assignments/{late['id']}").json()
    assert mine["status"] == theirs["status"] == "EXPIRED"
    assert "solutions" not in mine and "solutions" not in theirs and "submitted" not in theirs
    no_known_solutions(mine)
    pool_tasks = sides.requester.get("/tasks", params={"pool_id": world.brief}).json()["items"]
    tasks = {task["id"]: task for task in pool_tasks}
    assert all(tasks[task["id"]]["remaining_overlap"] == 1 for task in mine["tasks"]), "the overlap came back"
    check_envelope(sides.ann.post(f"/assignments/{late['id']}/skip"), 409, "INAPPROPRIATE_STATUS")
    after = census(world, sides)
    for untouched in ("a", "b", "requester-a", "requester-b", "bob-list"):
        assert after[untouched] == before[untouched]


def test_a_body_sent_in_chunks_is_cut_off_at_the_limit(world: WorkWorld, sides: Sides) -> None:
    """Without a Content-Length the server counts what arrives and refuses past the limit: 413, nothing
    kept."""
    before = census(world, sides)
    opening = b'{"solutions": [{"output_values": {"label": "cat", "score": 3, "note": "'

    def chunks() -> Iterator[bytes]:
        yield opening
        for _ in range(MAX_BODY // 65_536 + 2):
            yield b"x" * 65_536
        yield b'"}}, {"output_values": {"label": "cat", "score": 3}}]}'

    refused = sides.ann.post(f"/assignments/{world.a}/submit", content=chunks(),
                             headers={"Content-Type": "application/json"})
    check_envelope(refused, 413, "PAYLOAD_TOO_LARGE")
    assert census(world, sides) == before


def test_a_valid_submit_after_all_those_refusals_is_stored_once(world: WorkWorld, sides: Sides) -> None:
    """The refused requests left Ann's suite answerable: the same body twice stores one answer list."""
    answers = solutions(GOOD | {"note": "ok", "tags": ["a"]}, GOOD | {"sure": True, "ratio": 0.5})
    first = sides.ann.post(f"/assignments/{world.a}/submit", json=answers)
    assert first.status_code == 200, first.text
    again = sides.ann.post(f"/assignments/{world.a}/submit", json=answers)
    assert again.status_code == 200 and again.json() == first.json()
    assert first.json()["solutions"] == answers["solutions"]
    assert len(first.json()["tasks"]) == SUITE_SIZE
    stored = sides.requester.get(f"/assignments/{world.a}").json()
    assert stored["status"] == "ACCEPTED" and stored["solutions"] == answers["solutions"]
