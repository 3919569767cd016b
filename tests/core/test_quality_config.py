"""A pool's `quality_control` as plain values: every mistake's field path and code, the uuids each
collector config is stored with, and the rules compiled for the work loop (what toloka-kit 1.2.3
sends for each collector and action is checked in `test_quality_engine`)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from toloka.client import structure
from toloka.client.quality_control import QualityControl

from talaka.core.quality.config import (
    COLLECTOR_KEYS,
    ENUM_KEYS,
    NEVER_FIRES,
    NO_RULES,
    Action,
    Condition,
    check_quality_control,
    compile_rules,
    training_requirement,
    with_uuids,
)

P = "quality_control.configs.0"
RULE = f"{P}.rules.0"
GOOD_CONDITION = {"key": "total_answers_count", "operator": "GTE", "value": 3}
APPROVE = {"type": "APPROVE_ALL_ASSIGNMENTS"}


def config(collector: Any = None, condition: Any = None, action: Any = None) -> dict[str, Any]:
    """One config with one rule of one condition; each part valid unless given."""
    return {"collector_config": {"type": "GOLDEN_SET"} if collector is None else collector,
            "rules": [{"conditions": [GOOD_CONDITION if condition is None else condition],
                       "action": APPROVE if action is None else action}]}


def codes(quality: Any) -> dict[str, str]:
    return {path: error.code for path, error in check_quality_control(quality).items()}


def one(**parts: Any) -> dict[str, str]:
    """The codes of a `quality_control` holding one config."""
    return codes({"configs": [config(**parts)]})


# --- the shape around the configs ---------------------------------------------------------------------

@pytest.mark.parametrize("quality", [None, [], "MEDIUM", {}, {"configs": None}, {"configs": []},
                                     {"captcha_frequency": "LOW", "checkpoints_config": {"x": 1}}])
def test_nothing_to_check(quality: Any) -> None:
    assert codes(quality) == {}


def test_configs_must_be_an_array() -> None:
    assert codes({"configs": {"a": 1}}) == {"quality_control.configs": "ARRAY_EXPECTED"}
    errors = check_quality_control({"configs": "x"}, prefix="pool.quality_control")
    assert list(errors) == ["pool.quality_control.configs"]


def test_a_config_must_be_an_object() -> None:
    assert codes({"configs": [7]}) == {P: "OBJECT_EXPECTED"}


@pytest.mark.parametrize("collector", [{}, {"type": None}, {"type": 5}, "GOLDEN_SET", None])
def test_a_config_needs_a_collector_with_a_type(collector: Any) -> None:
    body: dict[str, Any] = {"rules": []}
    if collector is not None:
        body["collector_config"] = collector
    assert codes({"configs": [body]}) == {f"{P}.collector_config": "VALUE_REQUIRED"}


def test_an_unknown_collector_is_named_with_the_known_ones() -> None:
    errors = check_quality_control({"configs": [config({"type": "CAPTCHA_V2"})]})
    assert list(errors) == [f"{P}.collector_config.type"]
    assert errors[f"{P}.collector_config.type"].code == "VALUE_NOT_ALLOWED"
    assert "MAJORITY_VOTE" in errors[f"{P}.collector_config.type"].message


def test_collector_parameters_must_be_an_object() -> None:
    assert one(collector={"type": "GOLDEN_SET", "parameters": "x"}) == {f"{P}.collector_config.parameters":
                                                                        "OBJECT_EXPECTED"}
    assert one(collector={"type": "GOLDEN_SET", "parameters": None}) == {}


@pytest.mark.parametrize(("kind", "name"), [("MAJORITY_VOTE", "answer_threshold"),
                                            ("ASSIGNMENT_SUBMIT_TIME", "fast_submit_threshold_seconds")])
@pytest.mark.parametrize("value", ["absent", None, 0, -1, "2", 2.0, True])
def test_required_collector_parameters(kind: str, name: str, value: Any) -> None:
    parameters = {} if value == "absent" else {name: value}
    key = "total_answers_count" if kind == "MAJORITY_VOTE" else "total_submitted_count"
    condition = {"key": key, "operator": "GT", "value": 1}
    assert one(collector={"type": kind, "parameters": parameters}, condition=condition) == {
        f"{P}.collector_config.parameters.{name}": "VALUE_REQUIRED"}
    assert one(collector={"type": kind, "parameters": {name: 1}}, condition=condition) == {}


@pytest.mark.parametrize("history", [0, -3, "5", 1.5, True])
def test_history_size_is_a_positive_integer(history: Any) -> None:
    assert one(collector={"type": "GOLDEN_SET", "parameters": {"history_size": history}}) == {
        f"{P}.collector_config.parameters.history_size": "INVALID_VALUE"}


@pytest.mark.parametrize("history", [None, 1, 1000])
def test_history_size_may_be_absent_or_any_positive_integer(history: Any) -> None:
    assert one(collector={"type": "GOLDEN_SET", "parameters": {"history_size": history}}) == {}


# --- rules and conditions -----------------------------------------------------------------------------

def test_rules_must_be_an_array_of_objects() -> None:
    assert codes({"configs": [{"collector_config": {"type": "INCOME"}, "rules": {"a": 1}}]}) == {
        f"{P}.rules": "ARRAY_EXPECTED"}
    income = {"type": "INCOME"}
    assert codes({"configs": [{"collector_config": income, "rules": ["x"]}]}) == {RULE: "OBJECT_EXPECTED"}
    assert codes({"configs": [{"collector_config": income}]}) == {}
    assert codes({"configs": [{"collector_config": income, "rules": []}]}) == {}


@pytest.mark.parametrize("conditions", ["absent", None, [], {"key": "x"}, "total_answers_count"])
def test_a_rule_needs_at_least_one_condition(conditions: Any) -> None:
    rule: dict[str, Any] = {"action": APPROVE}
    if conditions != "absent":
        rule["conditions"] = conditions
    assert codes({"configs": [{"collector_config": {"type": "GOLDEN_SET"}, "rules": [rule]}]}) == {
        f"{RULE}.conditions": "VALUE_REQUIRED"}


def test_a_condition_must_be_an_object() -> None:
    assert one(condition="total_answers_count > 3") == {f"{RULE}.conditions.0": "OBJECT_EXPECTED"}


@pytest.mark.parametrize("key", ["income_sum_for_last_24_hours", "skipped_in_row_count", "success_rate",
                                 None, 5])
def test_a_key_the_collector_does_not_produce(key: Any) -> None:
    condition = {"key": key, "operator": "GT", "value": 1}
    errors = check_quality_control({"configs": [config(condition=condition)]})
    assert list(errors) == [f"{RULE}.conditions.0.key"]
    assert errors[f"{RULE}.conditions.0.key"].code == "VALUE_NOT_ALLOWED"
    assert "golden_set_correct_answers_rate" in errors[f"{RULE}.conditions.0.key"].message


@pytest.mark.parametrize("operator", ["GREATER", "gt", None, 1])
def test_a_comparison_needs_a_known_operator(operator: Any) -> None:
    assert one(condition={"key": "total_answers_count", "operator": operator, "value": 3}) == {
        f"{RULE}.conditions.0.operator": "VALUE_NOT_ALLOWED"}


@pytest.mark.parametrize("value", ["3", None, True, [3], {"n": 3}])
def test_a_comparison_needs_a_number(value: Any) -> None:
    condition = {"key": "correct_answers_rate", "operator": "LT", "value": value}
    errors = check_quality_control({"configs": [config(condition=condition)]})
    assert list(errors) == [f"{RULE}.conditions.0.value"]
    assert errors[f"{RULE}.conditions.0.value"].code == "INVALID_VALUE"
    assert "number" in errors[f"{RULE}.conditions.0.value"].message


def test_a_bad_operator_and_a_bad_value_are_both_reported() -> None:
    assert one(condition={"key": "total_answers_count", "operator": "ABOUT", "value": "many"}) == {
        f"{RULE}.conditions.0.operator": "VALUE_NOT_ALLOWED", f"{RULE}.conditions.0.value": "INVALID_VALUE"}


@pytest.mark.parametrize("operator", ["EQ", "NE", "GT", "GTE", "LT", "LTE"])
@pytest.mark.parametrize("value", [0, 3, 60.5])
def test_every_comparison_of_a_number(operator: str, value: float) -> None:
    assert one(condition={"key": "correct_answers_rate", "operator": operator, "value": value}) == {}


ENUMS = [("ASSIGNMENTS_ASSESSMENT", "assessment_event", ["ACCEPT", "ACCEPT_AFTER_REJECT", "REJECT"]),
         ("USERS_ASSESSMENT", "pool_access_revoked_reason", ["SKILL_CHANGE", "RESTRICTION"])]


@pytest.mark.parametrize(("kind", "key", "values"), ENUMS)
def test_enum_conditions(kind: str, key: str, values: list[str]) -> None:
    def check(operator: Any, value: Any) -> dict[str, str]:
        return one(collector={"type": kind}, condition={"key": key, "operator": operator, "value": value})

    for value in values:
        assert check("EQ", value) == {}
        assert check("NE", value) == {}
    for operator in ("GT", "GTE", "LT", "LTE", "IS", None):
        assert check(operator, values[0]) == {f"{RULE}.conditions.0.operator": "VALUE_NOT_ALLOWED"}
    for value in ("reject", "ACCEPTED", 1, None):
        assert check("EQ", value) == {f"{RULE}.conditions.0.value": "VALUE_NOT_ALLOWED"}


def test_skill_id_conditions_compare_a_string_for_equality() -> None:
    def check(operator: Any, value: Any) -> dict[str, str]:
        return one(collector={"type": "USERS_ASSESSMENT"}, condition={"key": "skill_id", "operator": operator,
                                                                      "value": value})

    assert check("EQ", "12") == {} == check("NE", "12")
    assert check("GT", "12") == {f"{RULE}.conditions.0.operator": "VALUE_NOT_ALLOWED"}
    assert check("EQ", 12) == {f"{RULE}.conditions.0.value": "INVALID_VALUE"}


def test_next_assignment_available_compares_a_boolean() -> None:
    def check(value: Any) -> dict[str, str]:
        return one(collector={"type": "TRAINING"},
                   condition={"key": "next_assignment_available", "operator": "EQ", "value": value})

    assert check(False) == {} == check(True)
    errors = check_quality_control({"configs": [config({"type": "TRAINING"}, {
        "key": "next_assignment_available", "operator": "EQ", "value": 0})]})
    assert errors[f"{RULE}.conditions.0.value"].code == "INVALID_VALUE"
    assert "boolean" in errors[f"{RULE}.conditions.0.value"].message


@pytest.mark.parametrize(("collector", "condition", "path"), [
    ("GOLDEN_SET", {"key": ["total_answers_count"], "operator": "GT", "value": 1}, "key"),
    ("GOLDEN_SET", {"key": "total_answers_count", "operator": ["GT"], "value": 1}, "operator"),
    ("ASSIGNMENTS_ASSESSMENT", {"key": "assessment_event", "operator": {"op": "EQ"}, "value": "REJECT"},
     "operator"),
    ("ASSIGNMENTS_ASSESSMENT", {"key": "assessment_event", "operator": "EQ", "value": ["REJECT"]}, "value"),
])
def test_a_condition_of_arrays_and_objects_is_a_field_error(collector: str, condition: dict[str, Any],
                                                            path: str) -> None:
    assert f"{RULE}.conditions.0.{path}" in one(collector={"type": collector}, condition=condition)


# --- actions ------------------------------------------------------------------------------------------

A = f"{RULE}.action"


def act(kind: str | None, **parameters: Any) -> dict[str, str]:
    action: dict[str, Any] = {"type": kind} if kind is not None else {}
    if parameters:
        action["parameters"] = parameters
    return one(action=action)


def test_an_action_must_be_an_object_with_object_parameters() -> None:
    assert codes({"configs": [{"collector_config": {"type": "GOLDEN_SET"},
                               "rules": [{"conditions": [GOOD_CONDITION]}]}]}) == {A: "OBJECT_EXPECTED"}
    assert one(action="RESTRICTION_V2") == {A: "OBJECT_EXPECTED"}
    assert one(action={"type": "SET_SKILL", "parameters": "skill 12"}) == {
        f"{A}.parameters": "OBJECT_EXPECTED"}


@pytest.mark.parametrize("kind", [None, "BAN", "restriction_v2", "CLEAN_COLLECTOR", "SET_POOL_COMPLETE"])
def test_an_unknown_action_names_the_known_ones(kind: Any) -> None:
    errors = check_quality_control({"configs": [config(action={"type": kind})]})
    assert list(errors) == [f"{A}.type"]
    assert errors[f"{A}.type"].code == "VALUE_NOT_ALLOWED"
    assert "CHANGE_OVERLAP" in errors[f"{A}.type"].message


def test_approve_all_takes_no_parameters() -> None:
    assert act("APPROVE_ALL_ASSIGNMENTS") == {}
    assert one(action={"type": "APPROVE_ALL_ASSIGNMENTS", "parameters": None}) == {}
    assert one(action={"type": "APPROVE_ALL_ASSIGNMENTS", "parameters": {}}) == {}


@pytest.mark.parametrize("kind", ["RESTRICTION_V2", "RESTRICTION"])
def test_a_restriction_needs_a_known_scope(kind: str) -> None:
    extra = {"duration_unit": "PERMANENT"} if kind == "RESTRICTION_V2" else {}
    for scope in ("POOL", "PROJECT", "ALL_PROJECTS"):
        assert act(kind, scope=scope, **extra) == {}
    assert act(kind, **extra) == {f"{A}.parameters.scope": "VALUE_REQUIRED"}
    assert act(kind, scope="USER", **extra) == {f"{A}.parameters.scope": "VALUE_NOT_ALLOWED"}
    assert act(kind, scope=None, **extra) == {f"{A}.parameters.scope": "VALUE_NOT_ALLOWED"}


def test_restriction_v2_durations() -> None:
    for unit in ("MINUTES", "HOURS", "DAYS"):
        assert act("RESTRICTION_V2", scope="POOL", duration=1, duration_unit=unit) == {}
        assert act("RESTRICTION_V2", scope="POOL", duration_unit=unit) == {
            f"{A}.parameters.duration": "VALUE_REQUIRED"}
        for duration in (0, -1, "1", 1.5, True):
            assert act("RESTRICTION_V2", scope="POOL", duration=duration, duration_unit=unit) == {
                f"{A}.parameters.duration": "INVALID_VALUE"}
    assert act("RESTRICTION_V2", scope="POOL", duration_unit="PERMANENT") == {}
    assert act("RESTRICTION_V2", scope="POOL", duration=3) == {
        f"{A}.parameters.duration_unit": "VALUE_REQUIRED"}
    assert act("RESTRICTION_V2", scope="POOL", duration=3, duration_unit="WEEKS") == {
        f"{A}.parameters.duration_unit": "VALUE_REQUIRED"}


def test_restriction_days_are_absent_or_positive() -> None:
    assert act("RESTRICTION", scope="POOL") == {}
    assert act("RESTRICTION", scope="POOL", duration_days=None) == {}
    assert act("RESTRICTION", scope="POOL", duration_days=30) == {}
    for days in (0, -2, "3", 2.5, True):
        assert act("RESTRICTION", scope="POOL", duration_days=days) == {f"{A}.parameters.duration_days":
                                                                         "INVALID_VALUE"}


@pytest.mark.parametrize("kind", ["RESTRICTION_V2", "RESTRICTION"])
def test_a_private_comment_is_a_short_string(kind: str) -> None:
    extra = {"duration_unit": "PERMANENT"} if kind == "RESTRICTION_V2" else {}
    assert act(kind, scope="POOL", private_comment="x" * 499, **extra) == {}
    assert act(kind, scope="POOL", private_comment=None, **extra) == {}
    for comment in ("x" * 500, 5, ["low"]):
        assert act(kind, scope="POOL", private_comment=comment, **extra) == {
            f"{A}.parameters.private_comment": "INVALID_VALUE"}


def test_set_skill() -> None:
    assert act("SET_SKILL", skill_id="12", skill_value=0) == {}
    assert act("SET_SKILL", skill_id=12, skill_value=100) == {}
    assert act("SET_SKILL") == {f"{A}.parameters.skill_id": "VALUE_REQUIRED",
                                f"{A}.parameters.skill_value": "VALUE_REQUIRED"}
    for skill_id in ("abc", "-1", True, 1.0, ""):
        assert act("SET_SKILL", skill_id=skill_id, skill_value=5) == {
            f"{A}.parameters.skill_id": "INVALID_VALUE"}
    for value in (-1, 101, 50.5, "50", True):
        assert act("SET_SKILL", skill_id="12", skill_value=value) == {f"{A}.parameters.skill_value":
                                                                       "INVALID_VALUE"}


def test_set_skill_from_output_field() -> None:
    for field in ("correct_answers_rate", "golden_set_correct_answers_rate", "total_answers_count"):
        assert act("SET_SKILL_FROM_OUTPUT_FIELD", skill_id="12", from_field=field) == {}
    assert act("SET_SKILL_FROM_OUTPUT_FIELD") == {f"{A}.parameters.skill_id": "VALUE_REQUIRED",
                                                  f"{A}.parameters.from_field": "VALUE_REQUIRED"}
    for field in ("assessment_event", "skill_id", "pool_access_revoked_reason", "success_rate", "rating", 5):
        errors = check_quality_control({"configs": [config(action={
            "type": "SET_SKILL_FROM_OUTPUT_FIELD", "parameters": {"skill_id": "12", "from_field": field}})]})
        assert list(errors) == [f"{A}.parameters.from_field"]
        assert errors[f"{A}.parameters.from_field"].code == "INVALID_VALUE"
        assert "correct_answers_rate" in errors[f"{A}.parameters.from_field"].message


def test_numbers_a_skill_may_be_set_from() -> None:
    assert ENUM_KEYS == {"assessment_event", "pool_access_revoked_reason", "skill_id", "next_assignment_available"}
    assert "correct_answers_rate" in COLLECTOR_KEYS["GOLDEN_SET"] - ENUM_KEYS
    assert "income_sum_for_last_24_hours" in COLLECTOR_KEYS["INCOME"] - ENUM_KEYS


def test_set_skill_from_output_field_names_a_statistic_of_its_collector() -> None:
    assert one(collector={"type": "ANSWER_COUNT"},
               condition={"key": "assignments_accepted_count", "operator": "GT", "value": 1},
               action={"type": "SET_SKILL_FROM_OUTPUT_FIELD",
                       "parameters": {"skill_id": "12", "from_field": "correct_answers_rate"}}) == {
        f"{A}.parameters.from_field": "INVALID_VALUE"}
    assert one(collector={"type": "CAPTCHA"},
               condition={"key": "success_rate", "operator": "LT", "value": 50},
               action={"type": "SET_SKILL_FROM_OUTPUT_FIELD",
                       "parameters": {"skill_id": "12", "from_field": "success_rate"}}) == {}


def test_reject_all_needs_a_public_comment() -> None:
    assert act("REJECT_ALL_ASSIGNMENTS", public_comment="Too fast") == {}
    assert act("REJECT_ALL_ASSIGNMENTS", public_comment="") == {}
    assert act("REJECT_ALL_ASSIGNMENTS") == {f"{A}.parameters.public_comment": "VALUE_REQUIRED"}
    assert act("REJECT_ALL_ASSIGNMENTS", public_comment=5) == {
        f"{A}.parameters.public_comment": "INVALID_VALUE"}


def test_change_overlap() -> None:
    assert act("CHANGE_OVERLAP", delta=1) == {}
    assert act("CHANGE_OVERLAP", delta=2, open_pool=False) == {}
    assert act("CHANGE_OVERLAP", open_pool=True) == {f"{A}.parameters.delta": "VALUE_REQUIRED"}
    for delta in (0, -1, "1", 1.0, True):
        assert act("CHANGE_OVERLAP", delta=delta) == {f"{A}.parameters.delta": "INVALID_VALUE"}
    for open_pool in ("yes", 1, None):
        assert act("CHANGE_OVERLAP", delta=1, open_pool=open_pool) == {
            f"{A}.parameters.open_pool": "INVALID_VALUE"}


@pytest.mark.parametrize(("action", "path"), [
    ({"type": "RESTRICTION_V2", "parameters": {"scope": ["POOL"], "duration_unit": "PERMANENT"}}, "scope"),
    ({"type": "RESTRICTION", "parameters": {"scope": {"POOL": 1}}}, "scope"),
    ({"type": "SET_SKILL_FROM_OUTPUT_FIELD",
      "parameters": {"skill_id": "1", "from_field": ["correct_answers_rate"]}}, "from_field"),
])
def test_action_parameters_of_arrays_and_objects_are_field_errors(action: dict[str, Any], path: str) -> None:
    assert f"{A}.parameters.{path}" in one(action=action)


def test_every_mistake_of_every_config_is_reported_at_once() -> None:
    quality = {"configs": [
        config(condition={"key": "fast_submitted_count", "operator": "GT", "value": 1}),
        {"collector_config": {"type": "MAJORITY_VOTE", "parameters": {"history_size": 0}}, "rules": [
            {"conditions": [GOOD_CONDITION], "action": APPROVE},
            {"conditions": [GOOD_CONDITION, {"key": "correct_answers_rate", "operator": "LT", "value": "75"}],
             "action": {"type": "RESTRICTION_V2",
                        "parameters": {"scope": "POOL", "duration_unit": "DAYS"}}}]},
        config({"type": "INCOME"}, {"key": "income_sum_for_last_24_hours", "operator": "GTE", "value": 1.5})],
        "training_requirement": {"training_pool_id": "x", "training_passing_skill_value": 101}}
    assert codes(quality) == {
        f"{RULE}.conditions.0.key": "VALUE_NOT_ALLOWED",
        "quality_control.configs.1.collector_config.parameters.answer_threshold": "VALUE_REQUIRED",
        "quality_control.configs.1.collector_config.parameters.history_size": "INVALID_VALUE",
        "quality_control.configs.1.rules.1.conditions.1.value": "INVALID_VALUE",
        "quality_control.configs.1.rules.1.action.parameters.duration": "VALUE_REQUIRED",
        "quality_control.training_requirement.training_pool_id": "VALUE_REQUIRED",
        "quality_control.training_requirement.training_passing_skill_value": "VALUE_REQUIRED"}


# --- training requirement -----------------------------------------------------------------------------

T = "quality_control.training_requirement"


@pytest.mark.parametrize(("pool_id", "passing"), [("7", 70), (7, 0), ("12", 100)])
def test_a_training_requirement(pool_id: Any, passing: int) -> None:
    quality = {"training_requirement": {"training_pool_id": pool_id, "training_passing_skill_value": passing}}
    assert codes(quality) == {}
    assert training_requirement(quality) == (int(pool_id), passing)


def test_training_requirement_mistakes() -> None:
    assert codes({"training_requirement": [7, 70]}) == {T: "OBJECT_EXPECTED"}
    assert codes({"training_requirement": {}}) == {f"{T}.training_pool_id": "VALUE_REQUIRED",
                                                   f"{T}.training_passing_skill_value": "VALUE_REQUIRED"}
    def requirement(pool_id: Any, passing: Any) -> dict[str, str]:
        return codes({"training_requirement": {"training_pool_id": pool_id,
                                               "training_passing_skill_value": passing}})

    for pool_id in ("abc", True, 7.0, None, "-7"):
        assert requirement(pool_id, 1) == {f"{T}.training_pool_id": "VALUE_REQUIRED"}
    for passing in (-1, 101, "70", 70.0, True, None):
        assert requirement("7", passing) == {f"{T}.training_passing_skill_value": "VALUE_REQUIRED"}


def test_no_training_requirement() -> None:
    assert training_requirement(None) is None
    assert training_requirement({"configs": []}) is None
    assert training_requirement({"training_requirement": None}) is None


# --- uuids --------------------------------------------------------------------------------------------

KEPT = "0b4a8d5e-3c1f-4f6a-9b2e-7d8c9e0f1a2b"


def uuid_of(quality: dict[str, Any], index: int = 0) -> Any:
    return quality["configs"][index]["collector_config"].get("uuid")


def test_a_config_without_a_uuid_gets_a_fresh_one() -> None:
    quality = {"configs": [config(), config({"type": "INCOME"})]}
    assert with_uuids(quality) is quality
    first, second = uuid_of(quality), uuid_of(quality, 1)
    assert str(uuid.UUID(first)) == first and str(uuid.UUID(second)) == second
    assert first != second


def test_a_valid_uuid_is_kept_and_storing_again_changes_nothing() -> None:
    collector = {"type": "GOLDEN_SET", "uuid": KEPT}
    quality = with_uuids({"configs": [config(collector), config({"type": "INCOME"})]})
    assert uuid_of(quality) == KEPT
    again = with_uuids(copy.deepcopy(quality))
    assert again == quality


@pytest.mark.parametrize("bad", ["not-a-uuid", "", None, 123, KEPT[:-1], ["x"], {"uuid": KEPT}])
def test_a_missing_or_invalid_uuid_is_replaced(bad: Any) -> None:
    quality = with_uuids({"configs": [config({"type": "GOLDEN_SET", "uuid": bad})]})
    assert uuid_of(quality) != bad
    assert str(uuid.UUID(uuid_of(quality))) == uuid_of(quality)


def test_a_kept_uuid_is_one_toloka_kit_parses() -> None:
    quality = with_uuids({"configs": [config({"type": "GOLDEN_SET", "uuid": KEPT.upper()}), config()]})
    parsed = structure(quality, QualityControl)
    assert [c.collector_config.uuid for c in parsed.configs] == [uuid.UUID(KEPT),
                                                                 uuid.UUID(uuid_of(quality, 1))]


@pytest.mark.parametrize("quality", [None, "x", {}, {"configs": None}, {"configs": {"a": 1}},
                                     {"configs": [None, 5, {"collector_config": "GOLDEN_SET"}, {}]}])
def test_what_is_not_a_config_is_left_alone(quality: Any) -> None:
    before = copy.deepcopy(quality)
    assert with_uuids(quality) == before


def test_a_uuid_repeated_in_one_pool_is_replaced() -> None:
    quality = with_uuids({"configs": [config({"type": "GOLDEN_SET", "uuid": KEPT}),
                                      config({"type": "INCOME", "uuid": KEPT})]})
    assert uuid_of(quality) == KEPT
    assert uuid_of(quality, 1) != KEPT


# --- compiled rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("quality", [None, [], {}, {"configs": None}, {"configs": "x"}, {"configs": []}])
def test_no_rules(quality: Any) -> None:
    assert compile_rules(quality) == NO_RULES


def test_compiled_rules_keep_what_was_sent() -> None:
    restriction = {"type": "RESTRICTION_V2", "parameters": {
        "scope": "PROJECT", "duration": 10, "duration_unit": "DAYS", "private_comment": "low"}}
    majority = {"type": "MAJORITY_VOTE", "uuid": KEPT,
                "parameters": {"answer_threshold": 2, "history_size": 10}}
    both = [{"key": "total_answers_count", "operator": "GTE", "value": 4},
            {"key": "correct_answers_rate", "operator": "LT", "value": 75.0}]
    quality = {"configs": [{"collector_config": majority,
                            "rules": [{"conditions": both, "action": restriction},
                                      {"conditions": [GOOD_CONDITION], "action": APPROVE}]}]}
    [collector] = compile_rules(quality).collectors
    assert (collector.type, collector.uuid, collector.history_size) == ("MAJORITY_VOTE", KEPT, 10)
    assert collector.parameters == {"answer_threshold": 2, "history_size": 10}
    first, second = collector.rules
    assert first.conditions == (Condition("total_answers_count", "GTE", 4),
                                Condition("correct_answers_rate", "LT", 75.0))
    assert first.action == Action("RESTRICTION_V2", restriction["parameters"])
    assert second.action == Action("APPROVE_ALL_ASSIGNMENTS", {})


def test_a_collector_without_rules_or_parameters() -> None:
    quality = {"configs": [{"collector_config": {"type": "INCOME", "uuid": KEPT}}]}
    [collector] = compile_rules(quality).collectors
    assert (collector.history_size, collector.parameters, collector.rules) == (None, {}, ())


def test_broken_configs_are_left_out_and_the_others_kept() -> None:
    quality = {"configs": [
        config({"type": "GOLDEN_SET", "uuid": KEPT}),
        config(condition={"key": "fast_submitted_count", "operator": "GT", "value": 1}),
        "GOLDEN_SET",
        config({"type": "MAJORITY_VOTE"}),
        config({"type": "NO_SUCH_COLLECTOR"}),
        config(action={"type": "SET_SKILL", "parameters": {"skill_id": "1"}}),
        config({"type": "INCOME"}, {"key": "income_sum_for_last_24_hours", "operator": "GT", "value": 2}),
    ], "training_requirement": {"training_pool_id": "nope"}}
    assert [(c.type, c.uuid) for c in compile_rules(quality).collectors] == [("GOLDEN_SET", KEPT),
                                                                             ("INCOME", "#6")]


def test_captcha_and_training_collectors_never_fire() -> None:
    assert NEVER_FIRES == {"CAPTCHA", "TRAINING"}
    quality = {"configs": [
        config({"type": "CAPTCHA", "parameters": {"history_size": 3}}, {"key": "fail_rate", "operator": "GT",
                                                                         "value": 50}),
        config({"type": "TRAINING"}, {"key": "next_assignment_available", "operator": "EQ", "value": False}),
        config({"type": "ANSWER_COUNT"},
               {"key": "assignments_accepted_count", "operator": "GT", "value": 1})]}
    assert check_quality_control(quality) == {}
    assert [c.type for c in compile_rules(quality).collectors] == ["ANSWER_COUNT"]


def test_rules_by_collector_and_the_skills_they_write() -> None:
    quality = {"configs": [
        config(action={"type": "SET_SKILL_FROM_OUTPUT_FIELD",
                       "parameters": {"skill_id": "12", "from_field": "correct_answers_rate"}}),
        config({"type": "ANSWER_COUNT"}, {"key": "assignments_accepted_count", "operator": "GT", "value": 1},
               {"type": "SET_SKILL", "parameters": {"skill_id": 31, "skill_value": 1}}),
        config({"type": "INCOME"}, {"key": "income_sum_for_last_24_hours", "operator": "GT", "value": 2})]}
    rules = compile_rules(quality)
    assert rules.skill_ids == {12, 31}
    assert [c.type for c in rules.of("INCOME", "GOLDEN_SET")] == ["GOLDEN_SET", "INCOME"]
    assert rules.of("MAJORITY_VOTE") == []
    assert NO_RULES.skill_ids == frozenset()


@pytest.mark.parametrize(("parameters", "expected"), [
    ({"type": "RESTRICTION_V2", "parameters": {"scope": "POOL", "duration": 15, "duration_unit": "MINUTES"}},
     ("POOL", 900)),
    ({"type": "RESTRICTION_V2", "parameters": {"scope": "PROJECT", "duration": 2, "duration_unit": "HOURS"}},
     ("PROJECT", 7200)),
    ({"type": "RESTRICTION_V2",
      "parameters": {"scope": "ALL_PROJECTS", "duration": 3, "duration_unit": "DAYS"}},
     ("ALL_PROJECTS", 259_200)),
    ({"type": "RESTRICTION_V2", "parameters": {"scope": "POOL", "duration_unit": "PERMANENT"}},
     ("POOL", None)),
    ({"type": "RESTRICTION", "parameters": {"scope": "PROJECT", "duration_days": 2}}, ("PROJECT", 172_800)),
    ({"type": "RESTRICTION", "parameters": {"scope": "POOL"}}, ("POOL", None)),
    ({"type": "SET_SKILL", "parameters": {"skill_id": "1", "skill_value": 3}}, None),
    (APPROVE, None),
])
def test_a_restriction_in_seconds(parameters: dict[str, Any], expected: Any) -> None:
    [collector] = compile_rules({"configs": [config(action=parameters)]}).collectors
    assert collector.rules[0].action.restriction() == expected
