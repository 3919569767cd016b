"""Rules evaluated against what the collectors counted: ANDed conditions, statistics not there yet,
which event kinds feed which collectors; and every collector and action toloka-kit 1.2.3 can build,
as its `unstructure` sends them, checked, compiled and firing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from toloka.client import Pool, actions, collectors, conditions, structure, unstructure
from toloka.client.quality_control import QualityControl

from talaka.core.quality.collectors import Event, PerformerState
from talaka.core.quality.config import (
    COLLECTOR_KEYS,
    ENUM_KEYS,
    NEVER_FIRES,
    NO_RULES,
    Action,
    Condition,
    QualityRules,
    check_quality_control,
    compile_rules,
    training_requirement,
    with_uuids,
)
from talaka.core.quality.engine import evaluate, feeds, holds

NOW = "2030-01-01T00:00:00.000000"
BAN = {"type": "RESTRICTION_V2", "parameters": {"scope": "POOL", "duration_unit": "PERMANENT"}}
APPROVE = {"type": "APPROVE_ALL_ASSIGNMENTS"}


def cond(key: str, operator: str, value: Any) -> dict[str, Any]:
    return {"key": key, "operator": operator, "value": value}


Config = tuple[dict[str, Any], list[tuple[list[dict[str, Any]], dict[str, Any]]]]


def rules_of(*configs: Config) -> QualityRules:
    """Rules compiled from `(collector_config, [(conditions, action), ...])` pairs, stored as a pool is."""
    quality = {"configs": [{"collector_config": collector,
                            "rules": [{"conditions": when, "action": then} for when, then in rules]}
                           for collector, rules in configs]}
    assert check_quality_control(quality) == {}
    return compile_rules(with_uuids(quality))


def submit(*credits: float, seconds: float = 60.0) -> Event:
    return Event("SUBMITTED", NOW, 1, golden_credits=list(credits), submit_seconds=seconds)


def uuid_of(quality: dict[str, Any], index: int = 0) -> Any:
    return quality["configs"][index]["collector_config"].get("uuid")


def fired_types(rules: QualityRules, state: PerformerState, event: Event) -> list[str]:
    return [fired.action.type for fired in evaluate(rules, state, event)]


# --- one condition ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("operator", "actual", "expected", "result"), [
    ("EQ", 3, 3, True), ("EQ", 3, 4, False), ("EQ", 60.0, 60, True),
    ("NE", 3, 4, True), ("NE", 3, 3, False),
    ("GT", 4, 3, True), ("GT", 3, 3, False),
    ("GTE", 3, 3, True), ("GTE", 2.99, 3, False),
    ("LT", 59.9, 60, True), ("LT", 60, 60, False),
    ("LTE", 60, 60, True), ("LTE", 60.1, 60, False),
    ("EQ", "REJECT", "REJECT", True), ("EQ", "ACCEPT", "REJECT", False),
    ("NE", "ACCEPT", "REJECT", True), ("NE", "REJECT", "REJECT", False),
])
def test_each_operator(operator: str, actual: Any, expected: Any, result: bool) -> None:
    assert holds(Condition("k", operator, expected), {"k": actual}) is result


@pytest.mark.parametrize("operator", ["EQ", "NE", "GT", "GTE", "LT", "LTE"])
def test_a_statistic_not_there_yet_makes_a_condition_false(operator: str) -> None:
    assert holds(Condition("correct_answers_rate", operator, 50), {"total_answers_count": 0}) is False
    assert holds(Condition("correct_answers_rate", operator, 50), {"correct_answers_rate": None}) is False


def test_an_unknown_operator_or_an_uncomparable_value_is_false() -> None:
    assert holds(Condition("k", "ABOUT", 3), {"k": 3}) is False
    assert holds(Condition("k", "GT", 3), {"k": "REJECT"}) is False


# --- rules --------------------------------------------------------------------------------------------

GOLDEN_BAN = ({"type": "GOLDEN_SET"}, [([cond("golden_set_answers_count", "GTE", 3),
                                        cond("golden_set_correct_answers_rate", "LT", 60)], BAN)])


def test_conditions_are_anded_and_a_rule_fires_on_every_event_they_hold_after() -> None:
    rules, state = rules_of(GOLDEN_BAN), PerformerState()
    seen = [fired_types(rules, state, submit(credit)) for credit in (0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0)]
    assert seen == [[], []] + [["RESTRICTION_V2"]] * 5 + [[]]


def test_one_condition_of_two_is_not_enough() -> None:
    rules = rules_of(GOLDEN_BAN)
    assert fired_types(rules, PerformerState(), submit(1.0, 1.0, 1.0, 1.0)) == []
    assert fired_types(rules, PerformerState(), submit(0.0, 0.0)) == []


def test_what_fired_carries_its_collector_action_and_statistics() -> None:
    rules, state = rules_of(GOLDEN_BAN), PerformerState()
    [fired] = evaluate(rules, state, submit(0.0, 0.5, 0.0))
    assert fired.collector is rules.collectors[0]
    assert fired.action == Action("RESTRICTION_V2", BAN["parameters"])
    assert fired.action.restriction() == ("POOL", None)
    assert fired.stats["golden_set_answers_count"] == 3
    assert fired.stats["golden_set_correct_answers_rate"] == pytest.approx(50 / 3)


def test_rules_of_every_collector_fire_in_order() -> None:
    rules = rules_of(
        ({"type": "SKIPPED_IN_ROW_ASSIGNMENTS"}, [([cond("skipped_in_row_count", "GTE", 1)], BAN)]),
        ({"type": "ASSIGNMENT_SUBMIT_TIME", "parameters": {"fast_submit_threshold_seconds": 10}},
         [([cond("fast_submitted_count", "GTE", 1)], BAN),
          ([cond("total_submitted_count", "GTE", 1)], APPROVE),
          ([cond("total_submitted_count", "GTE", 2)], {"type": "SET_SKILL",
                                                       "parameters": {"skill_id": "4", "skill_value": 9}})]),
        ({"type": "GOLDEN_SET"}, [([cond("total_answers_count", "GTE", 1)], APPROVE)]))
    state = PerformerState()
    assert fired_types(rules, state, submit(1.0, seconds=3)) == ["RESTRICTION_V2", "APPROVE_ALL_ASSIGNMENTS",
                                                                "APPROVE_ALL_ASSIGNMENTS"]
    assert fired_types(rules, state, submit(seconds=30)) == ["RESTRICTION_V2", "APPROVE_ALL_ASSIGNMENTS",
                                                             "SET_SKILL"]
    assert fired_types(rules, state, Event("SKIPPED", NOW, 2)) == ["RESTRICTION_V2"]


def test_evaluation_counts_in_the_state_it_is_given() -> None:
    rules, state = rules_of(GOLDEN_BAN), PerformerState()
    evaluate(rules, state, submit(0.0, 1.0))
    [uuid] = state.counts
    assert uuid == rules.collectors[0].uuid and state.counts[uuid].total == 1.0
    assert evaluate(rules, state, Event("ACCEPTED", NOW, 1)) == []
    assert evaluate(NO_RULES, state, submit(0.0)) == []
    assert state.counts[uuid].count == 2


def test_a_rate_before_any_assignment_counts_makes_its_condition_false() -> None:
    rules = rules_of(({"type": "ACCEPTANCE_RATE", "parameters": {"history_size": 2}},
                      [([cond("accepted_assignments_rate", "LT", 50)], BAN),
                       ([cond("total_assignments_count", "EQ", 0)], APPROVE)]))
    after_reject = Event("ACCEPTED", NOW, 1, after_reject=True)
    assert fired_types(rules, PerformerState(), after_reject) == ["APPROVE_ALL_ASSIGNMENTS"]


def test_assessment_rules_compare_the_event() -> None:
    overlap = {"type": "CHANGE_OVERLAP", "parameters": {"delta": 1, "open_pool": True}}
    rules = rules_of(({"type": "ASSIGNMENTS_ASSESSMENT"},
                      [([cond("assessment_event", "EQ", "REJECT")], overlap),
                       ([cond("assessment_event", "NE", "ACCEPT"),
                         cond("rejected_assignments_count", "GTE", 2)], BAN)]),
                     ({"type": "USERS_ASSESSMENT"},
                      [([cond("pool_access_revoked_reason", "EQ", "RESTRICTION")], APPROVE),
                       ([cond("skill_id", "EQ", "7")], BAN)]))

    def review(kind: str, assessment: dict[str, Any], reviewed: bool = True) -> list[str]:
        reviewed_event = Event(kind, NOW, 1, reviewed=reviewed, assessment=assessment)
        return fired_types(rules, PerformerState(), reviewed_event)

    def counted(event: str, rejected: int) -> dict[str, Any]:
        return {"assessment_event": event, "rejected_assignments_count": rejected,
                "pending_assignments_count": 0, "accepted_assignments_count": 1}

    assert review("REJECTED", counted("REJECT", 1)) == ["CHANGE_OVERLAP"]
    assert review("REJECTED", counted("REJECT", 2)) == ["CHANGE_OVERLAP", "RESTRICTION_V2"]
    assert review("ACCEPTED", counted("ACCEPT_AFTER_REJECT", 2)) == ["RESTRICTION_V2"]
    assert review("ACCEPTED", counted("ACCEPT", 2)) == []
    assert review("ACCEPTED", counted("REJECT", 2), reviewed=False) == []
    assert review("ACCEPTED", {}) == []
    assert review("REVOKED", {"pool_access_revoked_reason": "RESTRICTION"}) == ["APPROVE_ALL_ASSIGNMENTS"]
    assert review("REVOKED", {"pool_access_revoked_reason": "SKILL_CHANGE"}) == []


def test_captcha_and_training_rules_never_fire() -> None:
    rules = rules_of(({"type": "CAPTCHA"}, [([cond("stored_results_count", "GTE", 0)], BAN)]),
                     ({"type": "TRAINING"}, [([cond("submitted_assignments_count", "GTE", 0)], BAN)]))
    assert rules == NO_RULES
    for kind in ("SUBMITTED", "SKIPPED", "ACCEPTED", "REJECTED", "JUDGED", "REVOKED"):
        assert not feeds(rules, kind)


def test_configs_stored_without_uuids_count_apart() -> None:
    quality = {"configs": [
        {"collector_config": {"type": "GOLDEN_SET"}, "rules": [{"conditions": [
            cond("total_answers_count", "GTE", 1)], "action": APPROVE}]},
        {"collector_config": {"type": "ASSIGNMENT_SUBMIT_TIME",
                              "parameters": {"fast_submit_threshold_seconds": 5}},
         "rules": [{"conditions": [cond("total_submitted_count", "GTE", 1)], "action": BAN}]}]}
    fired = evaluate(compile_rules(quality), PerformerState(), submit(0.0))
    assert [(f.action.type, f.stats.get("total_answers_count"), f.stats.get("total_submitted_count"))
            for f in fired] == [("APPROVE_ALL_ASSIGNMENTS", 1, None), ("RESTRICTION_V2", None, 1)]


# --- which events feed the rules ----------------------------------------------------------------------

FED = {"GOLDEN_SET": {"SUBMITTED"}, "MAJORITY_VOTE": {"SUBMITTED", "JUDGED"},
       "ASSIGNMENT_SUBMIT_TIME": {"SUBMITTED"}, "SKIPPED_IN_ROW_ASSIGNMENTS": {"SKIPPED", "SUBMITTED"},
       "ACCEPTANCE_RATE": {"ACCEPTED", "REJECTED"}, "ANSWER_COUNT": {"ACCEPTED"}, "INCOME": {"ACCEPTED"},
       "ASSIGNMENTS_ASSESSMENT": {"ACCEPTED", "REJECTED"}, "USERS_ASSESSMENT": {"REVOKED"}}
"""A submit feeds the skips in a row too: it starts them again."""
KINDS = ("SUBMITTED", "SKIPPED", "ACCEPTED", "REJECTED", "JUDGED", "REVOKED")
PARAMETERS = {"MAJORITY_VOTE": {"answer_threshold": 2},
              "ASSIGNMENT_SUBMIT_TIME": {"fast_submit_threshold_seconds": 9}}


@pytest.mark.parametrize("kind", sorted(FED))
def test_the_events_each_collector_is_fed(kind: str) -> None:
    numbers = sorted(COLLECTOR_KEYS[kind] - {"assessment_event", "pool_access_revoked_reason", "skill_id"})
    when = cond(numbers[0], "GTE", 0) if numbers else cond("pool_access_revoked_reason", "EQ", "RESTRICTION")
    rules = rules_of(({"type": kind, "parameters": PARAMETERS.get(kind, {})}, [([when], BAN)]))
    assert {event for event in KINDS if feeds(rules, event)} == FED[kind]


def test_no_rules_are_fed_nothing() -> None:
    assert not any(feeds(NO_RULES, kind) for kind in KINDS)


def test_a_skip_after_a_submit_is_counted_from_one() -> None:
    rules = rules_of(({"type": "SKIPPED_IN_ROW_ASSIGNMENTS"},
                      [([cond("skipped_in_row_count", "GTE", 2)], BAN)]))
    state = PerformerState()
    skip = Event("SKIPPED", NOW, 1)
    assert [fired_types(rules, state, event) for event in (skip, skip, submit(), skip)] == [
        [], ["RESTRICTION_V2"], [], []]


# --- what toloka-kit 1.2.3 sends ----------------------------------------------------------------------

TK_COLLECTORS = [
    collectors.GoldenSet(history_size=10),
    collectors.MajorityVote(answer_threshold=2, history_size=10),
    collectors.AssignmentSubmitTime(fast_submit_threshold_seconds=20, history_size=5),
    collectors.SkippedInRowAssignments(),
    collectors.AcceptanceRate(history_size=8),
    collectors.AnswerCount(),
    collectors.Income(),
    collectors.Captcha(history_size=3),
    collectors.AssignmentsAssessment(),
    collectors.UsersAssessment(),
    collectors.Training(),
]


def tk_actions(from_field: str | None) -> list[actions.RuleAction]:
    """One of each action toloka-kit has (restrictions both timed and permanent); a skill is set from
    the collector's own statistic when it has a number one."""
    made = [
        actions.RestrictionV2(scope="PROJECT", duration=10, duration_unit="DAYS", private_comment="low"),
        actions.RestrictionV2(scope="ALL_PROJECTS", duration_unit="PERMANENT"),
        actions.Restriction(scope="POOL", duration_days=3, private_comment="slow"),
        actions.Restriction(scope="PROJECT"),
        actions.SetSkill(skill_id="12", skill_value=80),
        actions.RejectAllAssignments(public_comment="Too fast"),
        actions.ApproveAllAssignments(),
        actions.ChangeOverlap(delta=1, open_pool=True),
        actions.ChangeOverlap(delta=2),
    ]
    if from_field is not None:
        made.append(actions.SetSkillFromOutputField(skill_id="13", from_field=from_field))
    return made


def tk_condition(key: str) -> conditions.RuleCondition:
    """A condition on `key` written the way a script writes it (`TotalAnswersCount >= 3`)."""
    cls = getattr(conditions, "".join(part.capitalize() for part in key.split("_")))
    if key == "assessment_event":
        return cls == conditions.AssessmentEvent.REJECT
    if key == "pool_access_revoked_reason":
        return cls == conditions.PoolAccessRevokedReason.RESTRICTION
    if key == "skill_id":
        return cls == "12"
    if key == "next_assignment_available":
        return cls == False  # toloka-kit overloads ==
    if key.endswith("_rate") or key.startswith("income"):
        return cls < 62.5
    return cls >= 3


def sent_quality_control(*collector_configs: collectors.CollectorConfig) -> dict[str, Any]:
    """`unstructure(pool)["quality_control"]` of a pool given, for each collector, a rule per action
    whose conditions name every key that collector produces (ANDed)."""
    pool = Pool()
    for collector in collector_configs:
        kind = collector.type.value
        numbers = sorted(COLLECTOR_KEYS[kind] - ENUM_KEYS)
        keys = sorted(COLLECTOR_KEYS[kind])
        for action in tk_actions(numbers[0] if numbers else None):
            when = [tk_condition(key) for key in keys]
            pool.quality_control.add_action(collector, conditions=when, action=action)
    quality: dict[str, Any] = unstructure(pool)["quality_control"]
    return quality


def test_the_collectors_and_actions_here_are_all_that_toloka_kit_has() -> None:
    assert {c.type.value for c in TK_COLLECTORS} == {t.value for t in collectors.CollectorConfig.Type}
    assert {a.type.value for a in tk_actions("correct_answers_rate")} == {t.value for t in actions.RuleType}
    for kind in collectors.CollectorConfig.Type:
        compatible = collectors.CollectorConfig.get_spec_subclass_for_value(kind)._compatible_conditions
        assert {key.value for key in compatible} == COLLECTOR_KEYS[kind.value]


@pytest.mark.parametrize("collector", TK_COLLECTORS, ids=lambda c: c.type.value)
def test_every_collector_with_every_action_from_toloka_kit(collector: collectors.CollectorConfig) -> None:
    sent = sent_quality_control(collector)
    [body] = sent["configs"]
    assert "uuid" not in body["collector_config"]
    assert check_quality_control(sent) == {}
    kind = collector.type.value
    stored = with_uuids(copy.deepcopy(sent))
    compiled = compile_rules(stored).collectors
    if kind in NEVER_FIRES:
        assert compiled == ()
        return
    [rules] = compiled
    assert (rules.type, rules.uuid) == (kind, uuid_of(stored))
    assert rules.history_size == body["collector_config"].get("parameters", {}).get("history_size")
    assert [rule.action.type for rule in rules.rules] == [rule["action"]["type"] for rule in body["rules"]]
    assert [rule.action.parameters for rule in rules.rules] == [rule["action"].get("parameters", {})
                                                               for rule in body["rules"]]
    for rule in rules.rules:
        assert [c.key for c in rule.conditions] == sorted(COLLECTOR_KEYS[kind])


def test_a_pool_with_every_collector_from_toloka_kit_is_echoed_parsable() -> None:
    sent = sent_quality_control(*TK_COLLECTORS)
    assert len(sent["configs"]) == len(TK_COLLECTORS)
    assert check_quality_control(sent) == {}
    stored = with_uuids(copy.deepcopy(sent))
    assert [c.type for c in compile_rules(stored).collectors] == [
        c.type.value for c in TK_COLLECTORS if c.type.value not in NEVER_FIRES]
    parsed = structure(stored, QualityControl)
    assert [str(c.collector_config.uuid) for c in parsed.configs] == [
        uuid_of(stored, index) for index in range(len(TK_COLLECTORS))]
    assert unstructure(parsed)["configs"][0]["rules"] == sent["configs"][0]["rules"]


def test_a_training_requirement_and_captcha_frequency_from_toloka_kit() -> None:
    pool = Pool()
    pool.set_training_requirement(training_pool_id="7", training_passing_skill_value=70)
    pool.quality_control.captcha_frequency = "MEDIUM"
    ban = actions.RestrictionV2(scope="PROJECT", duration=1, duration_unit="DAYS")
    pool.quality_control.add_action(collectors.SkippedInRowAssignments(),
                                    conditions=[conditions.SkippedInRowCount >= 10], action=ban)
    sent = unstructure(pool)["quality_control"]
    assert check_quality_control(sent) == {}
    assert training_requirement(sent) == (7, 70)
    assert sent["captcha_frequency"] == "MEDIUM"
    [collector] = compile_rules(with_uuids(sent)).collectors
    assert collector.rules[0].conditions == (Condition("skipped_in_row_count", "GTE", 10),)


def test_the_spec_example_passes() -> None:
    distribution = {"scope": "POOL", "distribution": "UNIFORM", "window_days": 1,
                    "intervals": [{"from": 0, "to": 100, "frequency": 5}]}
    ban = {"parameters": {"scope": "PROJECT", "duration": 10, "duration_unit": "DAYS",
                          "private_comment": "low"}, "type": "RESTRICTION_V2"}
    quality = {
        "training_requirement": {"training_pool_id": "7", "training_passing_skill_value": 70},
        "captcha_frequency": "MEDIUM",
        "checkpoints_config": {"real_settings": {"target_overlap": 5,
                                                 "task_distribution_function": distribution}},
        "configs": [{"collector_config": {"type": "MAJORITY_VOTE",
                                          "parameters": {"answer_threshold": 2, "history_size": 10}},
                     "rules": [{"conditions": [
                         {"operator": "GTE", "value": 4, "key": "total_answers_count"},
                         {"operator": "LT", "value": 75, "key": "correct_answers_rate"}], "action": ban}]}]}
    assert check_quality_control(quality) == {}
    assert [c.type for c in compile_rules(quality).collectors] == ["MAJORITY_VOTE"]


# --- toloka-kit's rules firing ------------------------------------------------------------------------

Events = Callable[[str], list[Event]]
"""The events of one performer, given the collector's uuid (MAJORITY_VOTE's judgements are keyed by it)."""


def reviews(*kinds: str) -> Events:
    return lambda _: [Event(kind, NOW, 1, reward=0.75) for kind in kinds]


TUTORIAL_RULES: list[tuple[str, collectors.CollectorConfig, list[conditions.RuleCondition],
                           actions.RuleAction, Events, list[bool]]] = [
    ("golden set ban", collectors.GoldenSet(history_size=10),
     [conditions.GoldenSetAnswersCount >= 3, conditions.GoldenSetCorrectAnswersRate < 60.0],
     actions.RestrictionV2(scope="PROJECT", duration=1, duration_unit="DAYS"),
     lambda _: [submit(0.0), submit(1.0), submit(0.0), submit(1.0)], [False, False, True, True]),
    ("majority vote ban", collectors.MajorityVote(answer_threshold=2),
     [conditions.TotalAnswersCount >= 2, conditions.CorrectAnswersRate < 50.0],
     actions.RestrictionV2(scope="POOL", duration=30, duration_unit="MINUTES"),
     lambda uuid: [Event("SUBMITTED", NOW, 1, judged={uuid: [False]}),
                   Event("JUDGED", NOW, judged={uuid: [True]}), Event("JUDGED", NOW, judged={uuid: [False]})],
     [False, False, True]),
    ("fast submits ban", collectors.AssignmentSubmitTime(fast_submit_threshold_seconds=15, history_size=5),
     [conditions.FastSubmittedCount >= 2], actions.Restriction(scope="PROJECT", duration_days=1),
     lambda _: [submit(seconds=3), submit(seconds=30), submit(seconds=14.5)], [False, False, True]),
    ("skips in a row ban", collectors.SkippedInRowAssignments(), [conditions.SkippedInRowCount >= 2],
     actions.RestrictionV2(scope="PROJECT", duration=1, duration_unit="HOURS"),
     reviews("SKIPPED", "SUBMITTED", "SKIPPED", "SKIPPED"), [False, False, False, True]),
    ("income ban", collectors.Income(), [conditions.IncomeSumForLast24Hours > 1.0],
     actions.RestrictionV2(scope="ALL_PROJECTS", duration_unit="PERMANENT"),
     reviews("ACCEPTED", "REJECTED", "ACCEPTED"), [False, False, True]),
    ("acceptance rate ban", collectors.AcceptanceRate(),
     [conditions.TotalAssignmentsCount >= 2, conditions.RejectedAssignmentsRate > 50.0],
     actions.RestrictionV2(scope="ALL_PROJECTS", duration=7, duration_unit="DAYS"),
     reviews("REJECTED", "ACCEPTED", "REJECTED"), [False, False, True]),
    ("answer count skill", collectors.AnswerCount(), [conditions.AssignmentsAcceptedCount >= 2],
     actions.SetSkill(skill_id="12", skill_value=1), reviews("ACCEPTED", "REJECTED", "ACCEPTED"),
     [False, False, True]),
    ("rejection reissue", collectors.AssignmentsAssessment(),
     [conditions.AssessmentEvent == conditions.AssessmentEvent.REJECT],
     actions.ChangeOverlap(delta=1, open_pool=True),
     lambda _: [Event("REJECTED", NOW, 1, assessment={"assessment_event": "REJECT"}),
                Event("ACCEPTED", NOW, 1, assessment={"assessment_event": "ACCEPT"})], [True, False]),
    ("revoked access", collectors.UsersAssessment(),
     [conditions.PoolAccessRevokedReason == conditions.PoolAccessRevokedReason.RESTRICTION],
     actions.ChangeOverlap(delta=1, open_pool=False),
     lambda _: [Event("REVOKED", NOW, assessment={"pool_access_revoked_reason": "RESTRICTION"})], [True]),
    ("exam skill", collectors.GoldenSet(), [conditions.TotalAnswersCount >= 2],
     actions.SetSkillFromOutputField(skill_id="13", from_field="correct_answers_rate"),
     lambda _: [submit(1.0), submit(0.0)], [False, True]),
    ("reject all", collectors.GoldenSet(), [conditions.GoldenSetIncorrectAnswersRate > 50.0],
     actions.RejectAllAssignments(public_comment="Too many mistakes"), lambda _: [submit(0.0)], [True]),
    ("approve all", collectors.GoldenSet(), [conditions.GoldenSetCorrectAnswersRate >= 50.0],
     actions.ApproveAllAssignments(), lambda _: [submit(0.0), submit(1.0)], [False, True]),
]


@pytest.mark.parametrize(("collector", "when", "then", "events", "fires"),
                         [case[1:] for case in TUTORIAL_RULES], ids=[case[0] for case in TUTORIAL_RULES])
def test_a_rule_added_with_toloka_kit_fires_when_its_conditions_first_hold(
        collector: collectors.CollectorConfig, when: list[conditions.RuleCondition], then: actions.RuleAction,
        events: Events, fires: list[bool]) -> None:
    pool = Pool()
    pool.quality_control.add_action(collector, conditions=when, action=then)
    rules = compile_rules(with_uuids(unstructure(pool)["quality_control"]))
    [compiled] = rules.collectors
    state = PerformerState()
    seen = [evaluate(rules, state, event) for event in events(compiled.uuid)]
    assert [bool(fired) for fired in seen] == fires
    fired = next(fired for fired in seen if fired)[0]
    assert fired.action == Action(then.type.value, unstructure(then).get("parameters", {}))
    if isinstance(then, actions.SetSkillFromOutputField):
        assert fired.stats["correct_answers_rate"] == 50.0
