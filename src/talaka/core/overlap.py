"""How a new task's overlap is decided (spec decision 1)."""

from __future__ import annotations

from typing import Any

from talaka.core.errors import FieldError

MAX_OVERLAP = 100_000

Overlap = int | None
"""A finite overlap, or None for infinite overlap."""


def pool_default_overlap(defaults: Any, *, suites: bool) -> int | None:
    """The pool's default overlap for new tasks (or task suites), if it has one.

    For tasks the pool's `default_overlap_for_new_tasks` wins; a pool that only states the
    task-suite default (toloka-kit always sends that one) lends it to tasks as well.
    """
    if not isinstance(defaults, dict):
        return None
    keys = ("default_overlap_for_new_task_suites",) if suites else (
        "default_overlap_for_new_tasks", "default_overlap_for_new_task_suites")
    for key in keys:
        value = defaults.get(key)
        if type(value) is int and value >= 1:
            return value
    return None


def resolve_overlap(overlap: Any, infinite: Any, *, allow_defaults: bool,
                    default: int | None, errors: dict[str, FieldError], prefix: str = "") -> Overlap:
    """Decide the overlap from the task's own fields and the pool default; record problems in `errors`."""
    if infinite is not None and type(infinite) is not bool:
        errors[prefix + "infinite_overlap"] = FieldError(
            "BOOLEAN_EXPECTED", f"Expected true or false, got {type(infinite).__name__}")
        return 1
    if infinite:
        if overlap is not None:
            errors[prefix + "overlap"] = FieldError(
                "VALUE_NOT_ALLOWED", "overlap must be absent or null when infinite_overlap is true")
        return None
    if overlap is None:
        if allow_defaults and default is not None:
            return default
        hint = ("the pool has no default overlap" if allow_defaults
                else "set overlap on the task, or pass allow_defaults=true to take the pool's default")
        errors[prefix + "overlap"] = FieldError(
            "VALUE_REQUIRED", f"Value must be present and not equal to null: {hint}")
        return 1
    if type(overlap) is not int:
        errors[prefix + "overlap"] = FieldError(
            "INTEGER_EXPECTED", f"Expected an integer overlap, got {type(overlap).__name__}")
        return 1
    if overlap < 1:
        errors[prefix + "overlap"] = FieldError(
            "VALUE_LESS_THAN_MIN", f"Value must be greater or equal to 1, got {overlap}", [1])
    elif overlap > MAX_OVERLAP:
        errors[prefix + "overlap"] = FieldError(
            "VALUE_GREATER_THAN_MAX", f"Value must be less or equal to {MAX_OVERLAP}, got {overlap}",
            [MAX_OVERLAP])
    return overlap
