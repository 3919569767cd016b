"""Training bodies and training tasks, as plain values: checks, stored JSON, clones, the skill, overlap."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.batch import SUITE, TASK, decode_items, prepare
from talaka.core.rules import PoolRules, compile_spec
from talaka.core.trainings import (
    check_training,
    clone_details,
    cloned_training,
    is_training,
    stored_training,
    training_skill,
    updated_training,
)

CREATED = "2030-01-01T00:00:00.000000"
LATER = "2030-02-01T00:00:00.000000"
BODY: dict[str, Any] = {
    "project_id": "4", "private_name": "T", "may_contain_adult_content": False,
    "assignment_max_duration_seconds": 600, "mix_tasks_in_creation_order": False,
    "shuffle_tasks_in_task_suite": True, "training_tasks_in_task_suite_count": 3, "task_suites_required_to_pass": 1,
    "retry_training_after_days": 1, "inherited_instructions": True, "public_instructions": None,
    "metadata": {"team": ["a"]}}
INPUT = {"image": {"type": "url", "required": True}}
OUTPUT = {"label": {"type": "string", "required": True, "allowed_values": ["cat", "dog"]}}
TRAINING = PoolRules(9, 0, 3, 2, compile_spec(INPUT), compile_spec(OUTPUT), training=True)


def codes(body: Any) -> dict[str, str]:
    return {path: error.code for path, error in check_training(body).items()}


def test_a_toloka_kit_body_passes() -> None:
    assert check_training(BODY) == {}


def test_every_problem_is_reported_by_path() -> None:
    assert codes([]) == {"training": "OBJECT_EXPECTED"}
    assert codes({}) == dict.fromkeys(("project_id", "private_name", "training_tasks_in_task_suite_count",
                                       "task_suites_required_to_pass"), "VALUE_REQUIRED")
    assert codes(BODY | {
        "project_id": 4, "private_name": ["T"], "may_contain_adult_content": "no",
        "assignment_max_duration_seconds": 0, "mix_tasks_in_creation_order": 1, "shuffle_tasks_in_task_suite": "x",
        "training_tasks_in_task_suite_count": 501, "task_suites_required_to_pass": 2.0,
        "retry_training_after_days": -1, "inherited_instructions": None, "public_instructions": 5,
        "metadata": {"team": "a"}}) == {
        "project_id": "STRING_EXPECTED", "private_name": "STRING_EXPECTED", "may_contain_adult_content":
        "BOOLEAN_EXPECTED", "assignment_max_duration_seconds": "INVALID_VALUE",
        "mix_tasks_in_creation_order": "BOOLEAN_EXPECTED", "shuffle_tasks_in_task_suite": "BOOLEAN_EXPECTED",
        "training_tasks_in_task_suite_count": "INVALID_VALUE", "task_suites_required_to_pass": "INVALID_VALUE",
        "retry_training_after_days": "INVALID_VALUE", "public_instructions": "STRING_EXPECTED",
        "metadata": "INVALID_VALUE"}


@given(st.one_of(st.integers(), st.booleans(), st.floats(), st.text(), st.none()))
def test_suite_sizes_are_integers_from_1_to_500(size: Any) -> None:
    error = check_training(BODY | {"training_tasks_in_task_suite_count": size}).get(
        "training_tasks_in_task_suite_count")
    assert (error is None) == (type(size) is int and 1 <= size <= 500)


def test_stored_training_is_closed_owned_and_keeps_unknown_fields() -> None:
    sent = BODY | {"id": "77", "status": "OPEN", "type": "REGULAR", "owner": {"id": "2"}, "created": "2001-01-01",
                   "last_started": "2001-01-01", "custom": {"kept": True}}
    stored = stored_training(sent, requester_id=5, created=CREATED)
    assert stored == BODY | {"custom": {"kept": True}, "owner": {"id": "5", "myself": True}, "type": "TRAINING",
                             "status": "CLOSED", "created": CREATED}


def test_an_update_replaces_writable_fields_and_keeps_the_history() -> None:
    old = stored_training(BODY, requester_id=5, created=CREATED) | {
        "status": "OPEN", "last_started": LATER, "last_close_reason": "MANUAL"}
    new = {"project_id": "4", "private_name": "renamed", "training_tasks_in_task_suite_count": 5,
           "task_suites_required_to_pass": 2, "status": "ARCHIVED", "type": "REGULAR", "created": LATER}
    assert updated_training(old, new) == {
        "project_id": "4", "private_name": "renamed", "training_tasks_in_task_suite_count": 5,
        "task_suites_required_to_pass": 2, "owner": {"id": "5", "myself": True}, "type": "TRAINING",
        "status": "OPEN", "created": CREATED, "last_started": LATER, "last_close_reason": "MANUAL"}


def test_a_clone_takes_the_settings_and_none_of_the_history() -> None:
    old = stored_training(BODY, requester_id=5, created=CREATED) | {
        "status": "ARCHIVED", "last_started": CREATED, "last_stopped": LATER, "last_close_reason": "MANUAL"}
    assert cloned_training(old, requester_id=5, created=LATER) == stored_training(BODY, requester_id=5,
                                                                                   created=LATER)


def test_the_skill_of_a_training_names_it() -> None:
    assert msgspec.json.decode(training_skill(12, "T", 5, CREATED)) == {
        "name": "T", "private_comment": "Results of training 12", "hidden": True, "training": True,
        "created": CREATED, "owner": {"id": "5", "myself": True}}
    assert msgspec.json.decode(clone_details(13)) == {"training_id": "13"}


def test_is_training_reads_the_type_the_server_wrote() -> None:
    assert is_training(msgspec.json.encode(stored_training(BODY, requester_id=5, created=CREATED)))
    assert not is_training(b'{"type":"REGULAR","filter":{"type":"TRAINING"}}')
    assert not is_training(b'{"private_name":"no type"}')


def created(items: list[dict[str, Any]], *, kind: str = TASK, allow_defaults: bool, slow: bool = False) -> Any:
    decoded = decode_items(msgspec.json.encode(items), kind)
    if slow:
        decoded.fast = [None] * len(decoded.fast)
    return prepare(decoded, {9: TRAINING}, kind=kind, allow_defaults=allow_defaults, created=CREATED)


TRAINING_TASK = {"pool_id": "9", "input_values": {"image": "https://x/1.png"},
                 "known_solutions": [{"output_values": {"label": "cat"}}], "message_on_unknown_solution": "a cat"}
OVERLAPS = st.fixed_dictionaries({}, optional={
    "overlap": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    "infinite_overlap": st.one_of(st.none(), st.booleans(), st.integers())})


@given(OVERLAPS, st.booleans(), st.booleans())
def test_training_tasks_get_infinite_overlap_whatever_was_asked(overlap: dict[str, Any], allow_defaults: bool,
                                                                slow: bool) -> None:
    prepared = created([TRAINING_TASK | overlap], allow_defaults=allow_defaults, slow=slow)
    assert not prepared.errors
    [row] = prepared.rows
    assert (row[0], row[2], row[3]) == (9, None, 1), "pool, no finite overlap, a task with solutions"
    body = msgspec.json.decode(row[5])
    assert body["infinite_overlap"] is True
    assert "overlap" not in body and "remaining_overlap" not in body
    assert body["message_on_unknown_solution"] == "a cat"


def test_training_task_suites_get_infinite_overlap_too() -> None:
    suite = {"pool_id": "9", "overlap": 4, "tasks": [{k: v for k, v in TRAINING_TASK.items() if k != "pool_id"}]}
    prepared = created([suite], kind=SUITE, allow_defaults=False)
    assert not prepared.errors
    assert msgspec.json.decode(prepared.rows[0][5])["infinite_overlap"] is True


def test_the_rest_of_a_training_task_is_still_checked() -> None:
    prepared = created([TRAINING_TASK | {"input_values": {"image": "nope"},
                                         "known_solutions": [{"output_values": {"label": "bird"}}]}],
                       allow_defaults=True)
    [(_, errors)] = prepared.errors.values()
    assert {path: error.code for path, error in errors.items()} == {
        "input_values.image": "INVALID_URL_SYNTAX", "known_solutions.0.output_values.label": "VALUE_NOT_ALLOWED"}
