"""A rule that can never fire is refused when the pool is created or updated: a condition key its
collector does not produce, an operator or value its key does not take, an action without a required
parameter, each a 400 naming the field. Captcha rules are kept and echoed (they never fire)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from toloka.client import TolokaClient, Training

from tests.e2e.conftest import Other, check_envelope
from tests.e2e.crowd import tutorial_project

CONFIGS = "quality_control.configs.0"
BAN = {"type": "RESTRICTION_V2", "parameters": {"scope": "POOL", "duration": 1, "duration_unit": "DAYS"}}


def rule(collector: dict[str, Any], condition: dict[str, Any], action: dict[str, Any] = BAN) -> dict[str, Any]:
    return {"configs": [{"collector_config": collector, "rules": [{"conditions": [condition], "action": action}]}]}


BROKEN = [
    (rule({"type": "GOLDEN_SET"}, {"key": "fast_submitted_count", "operator": "GTE", "value": 1}),
     f"{CONFIGS}.rules.0.conditions.0.key", "VALUE_NOT_ALLOWED"),
    (rule({"type": "MAJORITY_VOTE", "parameters": {"history_size": 5}},
          {"key": "correct_answers_rate", "operator": "LT", "value": 50}),
     f"{CONFIGS}.collector_config.parameters.answer_threshold", "VALUE_REQUIRED"),
    (rule({"type": "SKIPPED_IN_ROW_ASSIGNMENTS"}, {"key": "skipped_in_row_count", "operator": "ABOUT", "value": 3}),
     f"{CONFIGS}.rules.0.conditions.0.operator", "VALUE_NOT_ALLOWED"),
    (rule({"type": "ASSIGNMENTS_ASSESSMENT"}, {"key": "assessment_event", "operator": "GT", "value": "REJECT"}),
     f"{CONFIGS}.rules.0.conditions.0.operator", "VALUE_NOT_ALLOWED"),
    (rule({"type": "INCOME"}, {"key": "income_sum_for_last_24_hours", "operator": "GT", "value": "a lot"}),
     f"{CONFIGS}.rules.0.conditions.0.value", "INVALID_VALUE"),
    (rule({"type": "ANSWER_COUNT"}, {"key": "assignments_accepted_count", "operator": "GT", "value": 3},
          {"type": "RESTRICTION_V2", "parameters": {"duration": 1, "duration_unit": "DAYS"}}),
     f"{CONFIGS}.rules.0.action.parameters.scope", "VALUE_REQUIRED"),
    (rule({"type": "GOLDEN_SET"}, {"key": "total_answers_count", "operator": "GT", "value": 3},
          {"type": "SET_SKILL_FROM_OUTPUT_FIELD", "parameters": {"skill_id": "1"}}),
     f"{CONFIGS}.rules.0.action.parameters.from_field", "VALUE_REQUIRED"),
    (rule({"type": "ASSIGNMENTS_ASSESSMENT"}, {"key": "assessment_event", "operator": "EQ", "value": "REJECT"},
          {"type": "CHANGE_OVERLAP", "parameters": {"open_pool": True}}),
     f"{CONFIGS}.rules.0.action.parameters.delta", "VALUE_REQUIRED"),
]


@pytest.mark.parametrize(("quality", "path", "code"), BROKEN, ids=[str(n) for n in range(len(BROKEN))])
def test_a_rule_that_cannot_fire_is_a_400_at_create_and_update(toloka: TolokaClient, http: httpx.Client,
                                                               quality: dict[str, Any], path: str, code: str) -> None:
    project = tutorial_project(toloka)
    body = {"project_id": project.id, "private_name": "checked", "quality_control": quality}
    refused = check_envelope(http.post("/pools", json=body), 400, "VALIDATION_ERROR")
    assert {key: value["code"] for key, value in refused["payload"].items()} == {path: code}
    made = http.post("/pools", json={"project_id": project.id, "private_name": "checked"})
    assert made.status_code == 201, made.text
    refused = check_envelope(http.put(f"/pools/{made.json()['id']}", json=body), 400, "VALIDATION_ERROR")
    assert {key: value["code"] for key, value in refused["payload"].items()} == {path: code}


def test_captcha_rules_are_kept_and_each_collector_gets_a_uuid(toloka: TolokaClient, http: httpx.Client) -> None:
    project = tutorial_project(toloka)
    captcha = rule({"type": "CAPTCHA", "parameters": {"history_size": 5}},
                   {"key": "success_rate", "operator": "LT", "value": 50.0})
    body = {"project_id": project.id, "private_name": "captcha", "quality_control": {
        **captcha, "captcha_frequency": "MEDIUM"}}
    made = http.post("/pools", json=body)
    assert made.status_code == 201, made.text
    stored = made.json()["quality_control"]
    assert stored["captcha_frequency"] == "MEDIUM"
    collector = stored["configs"][0]["collector_config"]
    assert collector["type"] == "CAPTCHA" and len(collector["uuid"]) == 36
    again = http.put(f"/pools/{made.json()['id']}", json={**made.json(), "quality_control": stored})
    assert again.json()["quality_control"]["configs"][0]["collector_config"]["uuid"] == collector["uuid"]
    assert toloka.get_pool(made.json()["id"]).quality_control.captcha_frequency.value == "MEDIUM"


def test_a_rule_names_only_the_requesters_own_skills_and_trainings(toloka: TolokaClient, http: httpx.Client,
                                                                   other: Other) -> None:
    project = tutorial_project(toloka)
    theirs = other.client.create_skill(name="someone else's", hidden=True)
    their_training = other.client.create_training(Training(
        project_id=other.maker.project().id, private_name="theirs", training_tasks_in_task_suite_count=1,
        task_suites_required_to_pass=1))
    sets_their_skill = rule({"type": "GOLDEN_SET"}, {"key": "total_answers_count", "operator": "GT", "value": 3},
                            {"type": "SET_SKILL", "parameters": {"skill_id": theirs.id, "skill_value": 1}})
    requires_their_training = {"training_requirement": {"training_pool_id": their_training.id,
                                                        "training_passing_skill_value": 50}}
    for quality, path in ((sets_their_skill, "quality_control.configs"),
                          (requires_their_training, "quality_control.training_requirement.training_pool_id")):
        body = {"project_id": project.id, "private_name": "checked", "quality_control": quality}
        refused = check_envelope(http.post("/pools", json=body), 400, "VALIDATION_ERROR")
        assert {key: value["code"] for key, value in refused["payload"].items()} == {path: "ENTITY_DOES_NOT_EXIST"}
    mine = toloka.create_skill(name="mine", hidden=True)
    sets_mine = rule({"type": "GOLDEN_SET"}, {"key": "total_answers_count", "operator": "GT", "value": 3},
                     {"type": "SET_SKILL", "parameters": {"skill_id": mine.id, "skill_value": 1}})
    made = http.post("/pools", json={"project_id": project.id, "private_name": "mine", "quality_control": sets_mine})
    assert made.status_code == 201, made.text
