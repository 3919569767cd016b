"""A pool's `quality_control.configs`: checked at pool create and update, compiled for the work loop.

Toloka's client checks condition keys against the collector only on the client side (and not at
all for a pool body written by hand), so the server checks again: a key its collector does not
produce, an operator its key does not take, or an action without a required parameter is a 400
with the field path, because a rule that can never fire is a quiet hole in quality control.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.ids import parse_numeric_id

COMPARISONS = frozenset({"EQ", "NE", "GT", "GTE", "LT", "LTE"})
EQUALITY = frozenset({"EQ", "NE"})
ENUM_VALUES = {"assessment_event": frozenset({"ACCEPT", "ACCEPT_AFTER_REJECT", "REJECT"}),
               "pool_access_revoked_reason": frozenset({"SKILL_CHANGE", "RESTRICTION"})}
ANSWER_RATES = ("total_answers_count", "correct_answers_rate", "incorrect_answers_rate")
COLLECTOR_KEYS: dict[str, frozenset[str]] = {
    "GOLDEN_SET": frozenset({*ANSWER_RATES, "golden_set_answers_count", "golden_set_correct_answers_rate",
                             "golden_set_incorrect_answers_rate"}),
    "MAJORITY_VOTE": frozenset(ANSWER_RATES),
    "ASSIGNMENT_SUBMIT_TIME": frozenset({"total_submitted_count", "fast_submitted_count"}),
    "SKIPPED_IN_ROW_ASSIGNMENTS": frozenset({"skipped_in_row_count"}),
    "ACCEPTANCE_RATE": frozenset({"total_assignments_count", "accepted_assignments_rate",
                                  "rejected_assignments_rate"}),
    "ANSWER_COUNT": frozenset({"assignments_accepted_count"}),
    "INCOME": frozenset({"income_sum_for_last_24_hours"}),
    "CAPTCHA": frozenset({"stored_results_count", "success_rate", "fail_rate"}),
    "ASSIGNMENTS_ASSESSMENT": frozenset({"pending_assignments_count", "accepted_assignments_count",
                                         "rejected_assignments_count", "assessment_event"}),
    "USERS_ASSESSMENT": frozenset({"pool_access_revoked_reason", "skill_id"}),
    "TRAINING": frozenset({"submitted_assignments_count", *ANSWER_RATES, "next_assignment_available"}),
}
"""The statistics each collector produces, which are the keys its rules' conditions may name."""
NEVER_FIRES = frozenset({"CAPTCHA", "TRAINING"})
"""Stored and echoed, never evaluated: Talaka shows no captcha, and the `TRAINING` collector is
Toloka's internal one (Talaka's trainings keep their own score; see `talaka.core.trainings`)."""
REQUIRED_PARAMETERS = {"MAJORITY_VOTE": ("answer_threshold",),
                       "ASSIGNMENT_SUBMIT_TIME": ("fast_submit_threshold_seconds",)}
SCOPES = frozenset({"POOL", "PROJECT", "ALL_PROJECTS"})
DURATION_UNITS = {"MINUTES": 60, "HOURS": 3600, "DAYS": 86_400}
ENUM_KEYS = frozenset({"assessment_event", "pool_access_revoked_reason", "skill_id", "next_assignment_available"})
"""Statistics that are not numbers, which `SET_SKILL_FROM_OUTPUT_FIELD` cannot copy into a skill."""


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    operator: str
    value: Any


@dataclass(frozen=True, slots=True)
class Action:
    type: str
    parameters: dict[str, Any]

    def restriction(self) -> tuple[str, int | None] | None:
        """`(scope, seconds)` of a restriction action (None seconds: permanent); None for others."""
        scope = str(self.parameters.get("scope"))
        if self.type == "RESTRICTION_V2":
            unit = self.parameters.get("duration_unit")
            if unit == "PERMANENT":
                return scope, None
            return scope, int(self.parameters["duration"]) * DURATION_UNITS[str(unit)]
        if self.type == "RESTRICTION":
            days = self.parameters.get("duration_days")
            return scope, None if days is None else int(days) * 86_400
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    conditions: tuple[Condition, ...]
    action: Action


@dataclass(frozen=True, slots=True)
class Collector:
    """One `collector_config` and the rules fed by it; `uuid` keys its counts for each performer."""

    type: str
    uuid: str
    history_size: int | None
    parameters: dict[str, Any]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class QualityRules:
    collectors: tuple[Collector, ...]

    def of(self, *types: str) -> list[Collector]:
        return [collector for collector in self.collectors if collector.type in types]

    @property
    def skill_ids(self) -> frozenset[int]:
        """Skills the rules write, which must be the requester's own."""
        return frozenset(int(rule.action.parameters["skill_id"]) for collector in self.collectors
                         for rule in collector.rules if "skill_id" in rule.action.parameters)


NO_RULES = QualityRules(())


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _text(value: Any) -> str | None:
    """A string as it is; anything else (a number, an array) as None, which no set of names holds."""
    return value if isinstance(value, str) else None


def _check_condition(condition: Any, allowed: frozenset[str], path: str, errors: FieldErrors) -> None:
    if not isinstance(condition, dict):
        errors[path] = FieldError("OBJECT_EXPECTED", "A condition is {\"key\", \"operator\", \"value\"}")
        return
    key, operator, value = _text(condition.get("key")), _text(condition.get("operator")), condition.get("value")
    if key not in allowed:
        errors[f"{path}.key"] = FieldError(
            "VALUE_NOT_ALLOWED", f"This collector does not produce {key!r:.60}; its keys: {', '.join(sorted(allowed))}")
        return
    enum = ENUM_VALUES.get(str(key))
    if enum is not None or key == "skill_id":
        if operator not in EQUALITY:
            errors[f"{path}.operator"] = FieldError("VALUE_NOT_ALLOWED", f"{key} takes only EQ or NE")
        elif enum is not None and _text(value) not in enum:
            errors[f"{path}.value"] = FieldError("VALUE_NOT_ALLOWED", f"{key} is one of {', '.join(sorted(enum))}")
        elif key == "skill_id" and not isinstance(value, str):
            errors[f"{path}.value"] = FieldError("INVALID_VALUE", "skill_id is compared with a skill's id, a string")
        return
    if operator not in COMPARISONS:
        errors[f"{path}.operator"] = FieldError("VALUE_NOT_ALLOWED", "Expected one of " + ", ".join(sorted(COMPARISONS)))
    expected = type(value) is bool if key == "next_assignment_available" else _number(value)
    if not expected:
        errors[f"{path}.value"] = FieldError("INVALID_VALUE", f"{key} is compared with a "
                                             + ("boolean" if key == "next_assignment_available" else "number"))


def _required(parameters: dict[str, Any], names: tuple[str, ...], path: str, errors: FieldErrors,
              check: Callable[[Any], bool] = _number, kind: str = "a number") -> None:
    for name in names:
        if name not in parameters or parameters[name] is None:
            errors[f"{path}.parameters.{name}"] = FieldError("VALUE_REQUIRED", f"This action needs {name}")
        elif not check(parameters[name]):
            errors[f"{path}.parameters.{name}"] = FieldError("INVALID_VALUE", f"{name} must be {kind}")


def _is_id(value: Any) -> bool:
    """An object's id as the wire writes it (a string of digits; a bare integer is taken too)."""
    return isinstance(value, str | int) and not isinstance(value, bool) and parse_numeric_id(str(value)) is not None


def _check_action(action: Any, sources: frozenset[str], path: str, errors: FieldErrors) -> None:
    """`sources`: the statistics of the rule's collector, which `SET_SKILL_FROM_OUTPUT_FIELD` may copy."""
    if not isinstance(action, dict):
        errors[path] = FieldError("OBJECT_EXPECTED", "An action is {\"type\", \"parameters\"}")
        return
    kind = action.get("type")
    parameters = action.get("parameters") or {}
    if not isinstance(parameters, dict):
        errors[f"{path}.parameters"] = FieldError("OBJECT_EXPECTED", "Action parameters are an object")
        return
    if kind in ("RESTRICTION_V2", "RESTRICTION"):
        if _text(parameters.get("scope")) not in SCOPES:
            errors[f"{path}.parameters.scope"] = FieldError(
                "VALUE_REQUIRED" if "scope" not in parameters else "VALUE_NOT_ALLOWED",
                "A restriction's scope is POOL, PROJECT or ALL_PROJECTS")
        if kind == "RESTRICTION_V2":
            unit = parameters.get("duration_unit")
            if unit not in (*DURATION_UNITS, "PERMANENT"):
                errors[f"{path}.parameters.duration_unit"] = FieldError(
                    "VALUE_REQUIRED", "duration_unit is MINUTES, HOURS, DAYS or PERMANENT")
            elif unit != "PERMANENT":
                _required(parameters, ("duration",), path, errors, lambda v: type(v) is int and v > 0,
                          "a positive integer")
        elif parameters.get("duration_days") is not None and not (
                type(parameters["duration_days"]) is int and parameters["duration_days"] > 0):
            errors[f"{path}.parameters.duration_days"] = FieldError("INVALID_VALUE", "duration_days must be a "
                                                                    "positive integer (absent: permanent)")
        comment = parameters.get("private_comment")
        if comment is not None and not (isinstance(comment, str) and len(comment) <= 499):
            errors[f"{path}.parameters.private_comment"] = FieldError("INVALID_VALUE", "At most 499 characters")
    elif kind == "SET_SKILL":
        _required(parameters, ("skill_id",), path, errors, _is_id, "a skill's id")
        _required(parameters, ("skill_value",), path, errors, lambda v: type(v) is int and 0 <= v <= 100,
                  "an integer from 0 to 100")
    elif kind == "SET_SKILL_FROM_OUTPUT_FIELD":
        _required(parameters, ("skill_id",), path, errors, _is_id, "a skill's id")
        _required(parameters, ("from_field",), path, errors, lambda v: _text(v) in sources,
                  "one of this collector's numbers: " + ", ".join(sorted(sources)))
    elif kind == "REJECT_ALL_ASSIGNMENTS":
        _required(parameters, ("public_comment",), path, errors, lambda v: isinstance(v, str), "a string")
    elif kind == "CHANGE_OVERLAP":
        _required(parameters, ("delta",), path, errors, lambda v: type(v) is int and v > 0, "a positive integer")
        if not isinstance(parameters.get("open_pool", False), bool):
            errors[f"{path}.parameters.open_pool"] = FieldError("INVALID_VALUE", "open_pool is true or false")
    elif kind != "APPROVE_ALL_ASSIGNMENTS":
        errors[f"{path}.type"] = FieldError("VALUE_NOT_ALLOWED", "Unknown action; expected RESTRICTION_V2, "
                                            "RESTRICTION, SET_SKILL, SET_SKILL_FROM_OUTPUT_FIELD, "
                                            "REJECT_ALL_ASSIGNMENTS, APPROVE_ALL_ASSIGNMENTS or CHANGE_OVERLAP")


def _check_collector(config: Any, path: str, errors: FieldErrors) -> None:
    if not isinstance(config, dict):
        errors[path] = FieldError("OBJECT_EXPECTED", "Expected {\"collector_config\", \"rules\"}")
        return
    collector = config.get("collector_config")
    if not isinstance(collector, dict) or not isinstance(collector.get("type"), str):
        errors[f"{path}.collector_config"] = FieldError("VALUE_REQUIRED", "A config needs a collector_config "
                                                        "with a type")
        return
    kind = collector["type"]
    allowed = COLLECTOR_KEYS.get(kind)
    if allowed is None:
        errors[f"{path}.collector_config.type"] = FieldError(
            "VALUE_NOT_ALLOWED", "Unknown collector; expected one of " + ", ".join(sorted(COLLECTOR_KEYS)))
        return
    parameters = collector.get("parameters") or {}
    if not isinstance(parameters, dict):
        errors[f"{path}.collector_config.parameters"] = FieldError("OBJECT_EXPECTED", "Parameters are an object")
        return
    for name in REQUIRED_PARAMETERS.get(kind, ()):
        if not (type(parameters.get(name)) is int and parameters[name] > 0):
            errors[f"{path}.collector_config.parameters.{name}"] = FieldError(
                "VALUE_REQUIRED", f"{kind} needs {name}, a positive integer")
    history = parameters.get("history_size")
    if history is not None and not (type(history) is int and history > 0):
        errors[f"{path}.collector_config.parameters.history_size"] = FieldError(
            "INVALID_VALUE", "history_size is a positive integer (absent: every item counts)")
    rules = config.get("rules") or []
    if not isinstance(rules, list):
        errors[f"{path}.rules"] = FieldError("ARRAY_EXPECTED", "rules is an array")
        return
    for index, rule in enumerate(rules):
        rule_path = f"{path}.rules.{index}"
        if not isinstance(rule, dict):
            errors[rule_path] = FieldError("OBJECT_EXPECTED", "A rule is {\"conditions\", \"action\"}")
            continue
        conditions = rule.get("conditions")
        if not isinstance(conditions, list) or not conditions:
            errors[f"{rule_path}.conditions"] = FieldError("VALUE_REQUIRED", "A rule needs at least one condition")
        else:
            for number, condition in enumerate(conditions):
                _check_condition(condition, allowed, f"{rule_path}.conditions.{number}", errors)
        _check_action(rule.get("action"), allowed - ENUM_KEYS, f"{rule_path}.action", errors)


def check_quality_control(quality: Any, prefix: str = "quality_control") -> FieldErrors:
    """Every problem of a pool's `quality_control`, by field path."""
    errors: FieldErrors = {}
    if not isinstance(quality, dict):
        return errors
    configs = quality.get("configs")
    if configs is not None and not isinstance(configs, list):
        errors[f"{prefix}.configs"] = FieldError("ARRAY_EXPECTED", "configs is an array")
        return errors
    for index, config in enumerate(configs or []):
        _check_collector(config, f"{prefix}.configs.{index}", errors)
    requirement = quality.get("training_requirement")
    if requirement is not None:
        path = f"{prefix}.training_requirement"
        if not isinstance(requirement, dict):
            errors[path] = FieldError("OBJECT_EXPECTED", "{\"training_pool_id\", \"training_passing_skill_value\"}")
        else:
            if not _is_id(requirement.get("training_pool_id")):
                errors[f"{path}.training_pool_id"] = FieldError("VALUE_REQUIRED", "The training's id")
            passing = requirement.get("training_passing_skill_value")
            if not (type(passing) is int and 0 <= passing <= 100):
                errors[f"{path}.training_passing_skill_value"] = FieldError("VALUE_REQUIRED",
                                                                            "An integer from 0 to 100")
    return errors


def with_uuids(quality: Any) -> Any:
    """The `quality_control` to store: each collector config keeps its `uuid`, or gets one (Toloka
    adds it; the uuid also keys each performer's counts, so an unchanged config keeps counting)."""
    if not isinstance(quality, dict) or not isinstance(quality.get("configs"), list):
        return quality
    seen: set[str] = set()
    for config in quality["configs"]:
        collector = config.get("collector_config") if isinstance(config, dict) else None
        if isinstance(collector, dict):
            if not _is_uuid(collector.get("uuid")) or collector["uuid"] in seen:
                collector["uuid"] = str(uuid.uuid4())
            seen.add(collector["uuid"])
    return quality


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def compile_rules(quality: Any) -> QualityRules:
    """The rules of a stored `quality_control`: collectors that never fire, and any config that does not
    pass `check_quality_control` (a pool stored before the checks existed), are left out."""
    if not isinstance(quality, dict) or not isinstance(quality.get("configs"), list):
        return NO_RULES
    broken = {path.split(".")[2] for path in check_quality_control(quality) if path.count(".") >= 2}
    collectors = []
    keys: set[str] = set()
    for index, config in enumerate(quality["configs"]):
        if str(index) in broken or config["collector_config"]["type"] in NEVER_FIRES:
            continue
        collector = config["collector_config"]
        key = str(collector.get("uuid") or "")
        if not key or key in keys:  # a pool stored before uuids were added: count by position
            key = f"#{index}"
        keys.add(key)
        parameters = collector.get("parameters") or {}
        rules = tuple(
            Rule(tuple(Condition(c["key"], c["operator"], c.get("value")) for c in rule["conditions"]),
                 Action(rule["action"]["type"], rule["action"].get("parameters") or {}))
            for rule in config.get("rules") or [])
        collectors.append(Collector(collector["type"], key, parameters.get("history_size"), parameters, rules))
    return QualityRules(tuple(collectors))


def training_requirement(quality: Any) -> tuple[int, int] | None:
    """`(training pool id, passing skill value)` of a pool that requires a training first."""
    requirement = quality.get("training_requirement") if isinstance(quality, dict) else None
    if not isinstance(requirement, dict):
        return None
    return int(requirement["training_pool_id"]), int(requirement["training_passing_skill_value"])
