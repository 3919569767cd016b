"""Training bodies: checks for create and update, the stored JSON, clones, and the training's skill.

A training is a pool that teaches: every performer does all of its tasks, each with a hint, and
leaves with a skill. It lives in the `pools` table (marked `training = 1`) with the Training JSON as
its body plus what a pool's body carries (`type`, `status`, `created`, `owner`), so `/v1/pools/{id}`,
its status changes and task creation serve a training id unchanged.
"""

from __future__ import annotations

from typing import Any

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.objects import (
    Check,
    check_fields,
    is_bool,
    is_count,
    is_positive,
    is_string,
    is_string_lists,
    without,
)
from talaka.core.pools import READ_ONLY

MAX_SUITE_TASKS = 500
"""Tasks in one training suite, like the largest mixer count of a pool."""
MAX_SUITES_TO_PASS = 10_000


def _from_one_to(maximum: int) -> Check:
    def check(value: Any) -> str | None:
        return None if type(value) is int and 1 <= value <= maximum else f"an integer from 1 to {maximum}"

    return check


CHECKS: dict[str, Check] = {
    "project_id": is_string, "private_name": is_string, "may_contain_adult_content": is_bool,
    "assignment_max_duration_seconds": is_positive, "mix_tasks_in_creation_order": is_bool,
    "shuffle_tasks_in_task_suite": is_bool, "training_tasks_in_task_suite_count": _from_one_to(MAX_SUITE_TASKS),
    "task_suites_required_to_pass": _from_one_to(MAX_SUITES_TO_PASS), "retry_training_after_days": is_count,
    "inherited_instructions": is_bool, "public_instructions": is_string, "metadata": is_string_lists,
}
REQUIRED = ("project_id", "private_name", "training_tasks_in_task_suite_count", "task_suites_required_to_pass")
"""A training cannot issue a suite without its size, nor grant a skill without a number of suites."""


def check_training(body: Any) -> FieldErrors:
    if not isinstance(body, dict):
        return {"training": FieldError("OBJECT_EXPECTED", "Value must be an object")}
    errors: FieldErrors = {}
    check_fields(body, CHECKS, REQUIRED, errors)
    return errors


def stored_training(body: dict[str, Any], *, requester_id: int, created: str) -> dict[str, Any]:
    """A new training: the client's writable fields (unknown ones kept), closed, owned, of type TRAINING."""
    stored = without(body, READ_ONLY)
    stored["owner"] = {"id": str(requester_id), "myself": True}
    stored["type"] = "TRAINING"
    stored["status"] = "CLOSED"
    stored["created"] = created
    return stored


def updated_training(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A full update: the client's writable fields replace the old ones; read-only ones stay."""
    stored = without(new, READ_ONLY)
    stored.update({name: old[name] for name in READ_ONLY if name in old and name != "id"})
    return stored


def cloned_training(old: dict[str, Any], *, requester_id: int, created: str) -> dict[str, Any]:
    """A new training with the settings of `old` and none of its history (status, times, tasks)."""
    return stored_training(old, requester_id=requester_id, created=created)


def training_skill(training_id: int, name: str, requester_id: int, created: str) -> bytes:
    """The stored body of the skill that holds a training's results (the skills API adds the id on read)."""
    return msgspec.json.encode({
        "name": name, "private_comment": f"Results of training {training_id}", "hidden": True, "training": True,
        "created": created, "owner": {"id": str(requester_id), "myself": True}})


def clone_details(training_id: int) -> bytes:
    """A `TRAINING.CLONE` operation's details: the new training, which toloka-kit then reads."""
    return msgspec.json.encode({"training_id": str(training_id)})


class _Kind(msgspec.Struct):
    type: object = None


_decode_kind = msgspec.json.Decoder(_Kind).decode


def is_training(body: bytes) -> bool:
    """Whether a stored pool body is a training's (its `type`, which only the server writes)."""
    return _decode_kind(body).type == "TRAINING"
