"""Assignments without I/O: the checks of a submit, review transitions, and the two ways one is shown."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.assignments import (
    HOLDS_OVERLAP,
    STATUSES,
    AssignedTask,
    AssignmentRecord,
    check_submission,
    performer_json,
    requester_json,
    review_problem,
    same_solutions,
)
from talaka.core.ids import task_id
from talaka.core.rules import compile_spec
from talaka.core.stored import with_id

OUTPUT = compile_spec({"label": {"type": "string", "required": True, "allowed_values": ["cat", "dog"]},
                       "score": {"type": "integer", "required": False, "min_value": 0, "max_value": 10}})
POOL = 12
CREATED = "2030-01-01T00:00:00.000000"
SUBMITTED = "2030-01-01T00:05:00.000000"
EXPIRES = "2030-01-01T01:00:00.000000"
TASK_SPEC = msgspec.json.encode({"input_spec": {"image": {"type": "url"}},
                                 "output_spec": {"label": {"type": "string"}}, "view_spec": {}})
INSTRUCTIONS = msgspec.json.encode("<p>Pick one</p>")
encode = msgspec.json.encode
decode = msgspec.json.decode


def solutions(*labels: Any) -> dict[str, Any]:
    return {"solutions": [{"output_values": {"label": label}} for label in labels]}


# ---------------------------------------------------------------------------------------------
# check_submission


def test_valid_solutions_are_stored_canonically() -> None:
    stored, errors = check_submission({"solutions": [{"output_values": {"label": "cat", "score": 3}},
                                                     {"output_values": {"label": "dog"}}]}, 2, OUTPUT)
    assert errors == {}
    assert decode(stored) == [{"output_values": {"label": "cat", "score": 3}},
                              {"output_values": {"label": "dog"}}]


def test_errors_are_keyed_by_solution_index_and_field() -> None:
    body = {"solutions": [{"output_values": {"label": "cat"}},
                          {"output_values": {"label": "cow", "score": 11, "colour": "red"}},
                          {"output_values": {}}]}
    stored, errors = check_submission(body, 3, OUTPUT)
    assert stored == b""
    assert errors["solutions.1.output_values.label"].code == "VALUE_NOT_ALLOWED"
    assert "solutions.1.output_values.score" in errors
    assert errors["solutions.1.output_values.colour"].code == "VALUE_NOT_ALLOWED"
    assert errors["solutions.2.output_values.label"].code == "VALUE_REQUIRED"
    assert not any(path.startswith("solutions.0") for path in errors)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_one_solution_per_task(count: int) -> None:
    stored, errors = check_submission(solutions(*["cat"] * count), 2, OUTPUT)
    assert stored == b"" and set(errors) == {"solutions"}
    assert errors["solutions"].code == "INVALID_VALUE"
    message = errors["solutions"].message
    assert "Expected 2 solutions" in message and f"got {count}" in message


@pytest.mark.parametrize("body", [{}, {"solutions": None}, {"solutions": {"0": {}}}, {"solutions": "cat"}])
def test_solutions_must_be_an_array(body: dict[str, Any]) -> None:
    stored, errors = check_submission(body, 1, OUTPUT)
    assert stored == b"" and errors["solutions"].code == "ARRAY_EXPECTED"


def test_unknown_fields_of_the_submit_and_of_each_solution() -> None:
    body = {"solutions": [{"output_values": {"label": "cat"}, "task_id": "x"}], "comment": "hi"}
    stored, errors = check_submission(body, 1, OUTPUT)
    assert stored == b""
    assert set(errors) == {"comment", "solutions.0.task_id"}
    assert all(error.code == "VALUE_NOT_ALLOWED" for error in errors.values())


@pytest.mark.parametrize(("solution", "path", "code"), [
    ("cat", "solutions.0", "OBJECT_EXPECTED"),
    ({}, "solutions.0.output_values", "VALUE_REQUIRED"),
    ({"output_values": None}, "solutions.0.output_values", "VALUE_REQUIRED"),
    ({"output_values": ["cat"]}, "solutions.0.output_values", "OBJECT_EXPECTED"),
])
def test_malformed_solutions(solution: Any, path: str, code: str) -> None:
    stored, errors = check_submission({"solutions": [solution]}, 1, OUTPUT)
    assert stored == b"" and errors[path].code == code


@given(st.lists(st.sampled_from(["cat", "dog", "cow", None, 3]), min_size=1, max_size=8))
def test_each_bad_answer_is_reported_at_its_own_index(labels: list[Any]) -> None:
    stored, errors = check_submission(solutions(*labels), len(labels), OUTPUT)
    bad = {index for index, label in enumerate(labels) if label not in ("cat", "dog")}
    assert {int(path.split(".")[1]) for path in errors} == bad
    assert (stored != b"") is (not bad)


# ---------------------------------------------------------------------------------------------
# same_solutions


def test_a_repeated_submit_is_recognised_whatever_the_key_order() -> None:
    stored = b'[{"output_values":{"label":"cat","score":1}}]'
    assert same_solutions(stored, b'[ {"output_values": {"score": 1, "label": "cat"}} ]')
    assert not same_solutions(stored, b'[{"output_values":{"label":"dog","score":1}}]')
    assert not same_solutions(None, stored), "nothing stored yet: not a repeat"


# ---------------------------------------------------------------------------------------------
# review_problem

ALLOWED = {("SUBMITTED", "ACCEPTED"), ("SUBMITTED", "REJECTED"), ("REJECTED", "ACCEPTED")}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_review_transitions(current: str, target: str) -> None:
    problem = review_problem(current, target)
    if (current, target) in ALLOWED:
        assert problem is None
        return
    assert problem is not None
    message, appropriate = problem
    if target in ("ACCEPTED", "REJECTED"):
        assert current in message and target in message
        assert appropriate == (["REJECTED", "SUBMITTED"] if target == "ACCEPTED" else ["SUBMITTED"])
    else:
        assert "ACCEPTED or REJECTED" in message and appropriate == ["SUBMITTED"]


def test_statuses_that_hold_overlap() -> None:
    assert HOLDS_OVERLAP == {"ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED"}
    assert set(STATUSES) - HOLDS_OVERLAP == {"SKIPPED", "EXPIRED"}


# ---------------------------------------------------------------------------------------------
# The two views


def record(**changes: Any) -> AssignmentRecord:
    fields: dict[str, Any] = {
        "seq": 900, "pool_id": POOL, "performer_no": 4, "user_id": "ab" * 16, "suite_seq": None,
        "status": "ACTIVE",
        "created": CREATED, "expires": EXPIRES, "submitted": None, "accepted": None, "rejected": None,
        "skipped": None, "expired": None, "reward": 0.05, "task_seqs": [101, 102], "solutions": None,
        "declined": None, "public_comment": None}
    fields.update(changes)
    return AssignmentRecord(**fields)


def stored_task(seq: int, inputs: dict[str, Any], known: list[dict[str, Any]] | None = None,
                hint: str | None = None) -> AssignedTask:
    body: dict[str, Any] = {"pool_id": str(POOL), "input_values": inputs}
    if known is not None:
        body["known_solutions"] = known
    if hint is not None:
        body["message_on_unknown_solution"] = hint
    body.update({"overlap": 3, "infinite_overlap": False, "remaining_overlap": 2, "created": CREATED})
    identifier = task_id(POOL, seq)
    return AssignedTask(identifier, with_id(identifier, encode(body)))


GENERAL = stored_task(101, {"image": "http://x/1.png"})
KNOWN = [{"output_values": {"label": "cat"}, "correctness_weight": 1}]
GOLDEN = stored_task(102, {"image": "http://x/2.png"}, KNOWN, "It is a cat")


def test_performer_view_of_an_active_assignment() -> None:
    view = decode(performer_json(record(), [GENERAL, GOLDEN], 7, TASK_SPEC, INSTRUCTIONS))
    assert view == {
        "id": task_id(POOL, 900), "pool_id": "12", "project_id": "7", "status": "ACTIVE", "created": CREATED,
        "expires": EXPIRES, "reward": 0.05,
        "tasks": [{"id": GENERAL.id, "input_values": {"image": "http://x/1.png"}},
                  {"id": GOLDEN.id, "input_values": {"image": "http://x/2.png"}}],
        "task_spec": decode(TASK_SPEC), "instructions": "<p>Pick one</p>"}


def test_performer_view_of_a_reviewed_assignment() -> None:
    answers = b'[{"output_values":{"label":"cat"}},{"output_values":{"label":"dog"}}]'
    feedback = b'[{"task_index":1,"correct":false,"hint":"It is a cat"}]'
    view = decode(performer_json(record(status="REJECTED", submitted=SUBMITTED, rejected=SUBMITTED,
                                        public_comment="Too fast", solutions=answers),
                                 [GENERAL, GOLDEN], 7, TASK_SPEC, INSTRUCTIONS, feedback))
    assert (view["status"], view["submitted"], view["rejected"], view["public_comment"]) == (
        "REJECTED", SUBMITTED, SUBMITTED, "Too fast")
    assert "accepted" not in view
    assert view["solutions"] == decode(answers)
    assert view["feedback"] == decode(feedback)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


@given(st.lists(st.tuples(st.dictionaries(st.text(max_size=8), json_values, max_size=4),
                          st.none() | st.lists(st.fixed_dictionaries({"output_values": st.dictionaries(
                              st.text(max_size=5), json_values, max_size=2)}), max_size=2),
                          st.none() | st.text(max_size=20)), max_size=5))
def test_performers_never_see_known_solutions_or_hints(tasks: list[tuple[dict[str, Any], Any, Any]]) -> None:
    assigned = [stored_task(200 + index, inputs, known, hint)
                for index, (inputs, known, hint) in enumerate(tasks)]
    view = decode(performer_json(record(task_seqs=[200 + index for index in range(len(tasks))]), assigned, 7,
                                 TASK_SPEC, INSTRUCTIONS))
    assert [set(task) for task in view["tasks"]] == [{"id", "input_values"}] * len(tasks)
    assert [task["input_values"] for task in view["tasks"]] == [inputs for inputs, _, _ in tasks]
    assert "user_id" not in view


def test_requester_view_follows_toloka_assignment_shape() -> None:
    answers = b'[{"output_values":{"label":"cat"}},{"output_values":{"label":"dog"}}]'
    view = decode(requester_json(record(status="ACCEPTED", submitted=SUBMITTED, accepted=SUBMITTED,
                                        solutions=answers, public_comment="Fine"), [GENERAL, GOLDEN], 3))
    assert list(view) == ["id", "task_suite_id", "pool_id", "user_id", "status", "reward", "bonus_ids",
                          "tasks", "solutions", "mixed", "automerged", "created", "submitted", "accepted",
                          "public_comment", "owner"]
    assert view["id"] == view["task_suite_id"] == task_id(POOL, 900), "a mixed suite has the assignment's id"
    assert (view["pool_id"], view["user_id"], view["status"], view["reward"]) == (
        "12", "ab" * 16, "ACCEPTED", 0.05)
    assert view["bonus_ids"] == [] and view["mixed"] is True and view["automerged"] is False
    assert view["tasks"] == [decode(GENERAL.body), decode(GOLDEN.body)]
    assert view["tasks"][1]["known_solutions"] == KNOWN
    assert view["solutions"] == decode(answers)
    assert view["owner"] == {"id": "3", "myself": True}


def test_requester_view_of_an_issued_task_suite() -> None:
    skipped = record(suite_seq=55, status="SKIPPED", skipped=SUBMITTED, task_seqs=[])
    view = decode(requester_json(skipped, [], 3))
    assert view["task_suite_id"] == task_id(POOL, 55) and view["mixed"] is False
    assert view["skipped"] == SUBMITTED
    assert "solutions" not in view and "submitted" not in view and "public_comment" not in view


def test_requester_view_keeps_the_first_declined_attempt() -> None:
    declined = b'[{"output_values":{"label":"dog"}}]'
    view = decode(requester_json(record(status="SUBMITTED", submitted=SUBMITTED, declined=declined,
                                        solutions=b'[{"output_values":{"label":"cat"}}]'), [GOLDEN], 3))
    assert view["first_declined_solution_attempt"] == decode(declined)


def test_toloka_kit_reads_the_requester_view() -> None:
    from toloka.client import Assignment

    answers = b'[{"output_values":{"label":"cat"}},{"output_values":{"label":"dog"}}]'
    view = decode(requester_json(record(status="ACCEPTED", submitted=SUBMITTED, accepted=SUBMITTED,
                                        solutions=answers), [GENERAL, GOLDEN], 3))
    assignment = Assignment.structure(view)
    assert assignment.status.value == "ACCEPTED" and assignment.user_id == "ab" * 16
    assert [bool(task.known_solutions) for task in assignment.tasks] == [False, True]
    assert [solution.output_values["label"] for solution in assignment.solutions] == ["cat", "dog"]
    assert not assignment._unexpected
