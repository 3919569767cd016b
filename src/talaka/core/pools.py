"""Pool bodies: checks for create, update and patch, and status changes."""

from __future__ import annotations

from typing import Any

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.objects import (
    check_fields,
    is_bool,
    is_count,
    is_money,
    is_object,
    is_positive,
    is_string,
    is_string_lists,
    is_time,
    without,
)
from talaka.core.quality.config import check_quality_control, with_uuids
from talaka.core.timefmt import parse_time

READ_ONLY = frozenset({"id", "status", "created", "last_started", "last_stopped", "last_close_reason",
                       "type", "owner"})
CHECKS = {
    "project_id": is_string, "private_name": is_string, "private_comment": is_string,
    "public_description": is_string, "public_instructions": is_string, "may_contain_adult_content": is_bool,
    "reward_per_assignment": is_money, "assignment_max_duration_seconds": is_positive,
    "auto_close_after_complete_delay_seconds": is_count, "auto_accept_solutions": is_bool,
    "auto_accept_period_day": is_count, "priority": lambda v: None if type(v) is int and -100 <= v <= 100
    else "an integer from -100 to 100", "will_expire": is_time, "defaults": is_object,
    "mixer_config": is_object, "filter": is_object, "quality_control": is_object, "metadata": is_string_lists,
    "assignments_issuing_config": is_object, "dynamic_pricing_config": is_object,
    "dynamic_overlap_config": is_object, "training_config": is_object, "speed_quality_balance": is_object,
}
PATCHABLE = frozenset({"private_name", "private_comment", "public_description", "public_instructions",
                       "priority"})
DEFAULTS_CHECKS = {"default_overlap_for_new_task_suites": is_count, "default_overlap_for_new_tasks": is_positive}
MIXER_COUNTS = ("real_tasks_count", "golden_tasks_count", "training_tasks_count")


def check_pool(body: Any) -> FieldErrors:
    if not isinstance(body, dict):
        return {"pool": FieldError("OBJECT_EXPECTED", "Value must be an object")}
    errors: FieldErrors = {}
    check_fields(body, CHECKS, ("project_id", "private_name"), errors)
    if body.get("type") == "TRAINING":
        errors["type"] = FieldError("VALUE_NOT_ALLOWED", "Training pools are not supported; use type REGULAR")
    defaults = body.get("defaults")
    if isinstance(defaults, dict):
        check_fields(defaults, DEFAULTS_CHECKS, (), errors, "defaults.")
    mixer = body.get("mixer_config")
    if isinstance(mixer, dict):
        check_fields(mixer, dict.fromkeys(MIXER_COUNTS, is_count), (), errors, "mixer_config.")
    errors.update(check_quality_control(body.get("quality_control")))
    return errors


def check_pool_patch(body: Any) -> FieldErrors:
    if not isinstance(body, dict):
        return {"pool": FieldError("OBJECT_EXPECTED", "Value must be an object")}
    errors: FieldErrors = {name: FieldError("VALUE_NOT_ALLOWED", "This field cannot be patched; "
                                            f"patchable fields: {', '.join(sorted(PATCHABLE))}")
                           for name in body.keys() - PATCHABLE}
    if "private_name" in body and body["private_name"] is None:
        errors["private_name"] = FieldError("VALUE_REQUIRED", "A pool's private_name cannot be removed")
    check_fields(body, {name: CHECKS[name] for name in PATCHABLE}, (), errors)
    return errors


def _normalized(body: dict[str, Any]) -> dict[str, Any]:
    """The client's writable fields, with `will_expire` in the wire's naive-UTC form (no `Z`)."""
    stored = without(body, READ_ONLY)
    if "quality_control" in stored:
        stored["quality_control"] = with_uuids(stored["quality_control"])
    expires = stored.get("will_expire")
    if isinstance(expires, str):
        stored["will_expire"] = parse_time(expires) or expires
    return stored


def stored_pool(body: dict[str, Any], *, requester_id: int, status: str, created: str) -> dict[str, Any]:
    stored = _normalized(body)
    stored["owner"] = {"id": str(requester_id), "myself": True}
    stored["type"] = "REGULAR"
    stored["status"] = status
    stored["created"] = created
    return stored


def updated_pool(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A full update: the client's writable fields replace the old ones; read-only ones stay."""
    stored = _normalized(new)
    stored.update({name: old[name] for name in READ_ONLY if name in old and name != "id"})
    return stored


def pool_body_with_status(body: bytes, status: str, now: str, reason: str = "MANUAL") -> bytes:
    """The pool's JSON after a status change; closing an open pool records when and why."""
    pool: dict[str, Any] = msgspec.json.decode(body)
    if status == "OPEN":
        pool["last_started"] = now
    elif pool.get("status") == "OPEN":
        pool["last_stopped"] = now
        pool["last_close_reason"] = reason
    pool["status"] = status
    return msgspec.json.encode(pool)
