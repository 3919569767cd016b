"""Changing a created task or task suite: `PATCH` and `set-overlap-or-min`.

Talaka does not issue assignments, so nothing is ever spent: the remaining overlap always equals
the overlap, and the smallest overlap `set-overlap-or-min` may set is 0 (which stops the task).
"""

from __future__ import annotations

from typing import Any

from talaka.core.batch import SUITE, TASK, check_solutions
from talaka.core.errors import FieldError, FieldErrors
from talaka.core.overlap import MAX_OVERLAP
from talaka.core.rules import CompiledSpec

PATCHABLE = {
    TASK: frozenset({"overlap", "infinite_overlap", "baseline_solutions", "known_solutions",
                     "message_on_unknown_solution"}),
    SUITE: frozenset({"overlap", "infinite_overlap", "issuing_order_override"}),
}


def apply_patch(body: dict[str, Any], patch: dict[str, Any], kind: str, output: CompiledSpec | None,
                *, lowest_overlap: int = 1) -> FieldErrors:
    """Apply `patch` to a stored `body` in place; report every problem (then `body` is unusable)."""
    errors: FieldErrors = {name: FieldError("VALUE_NOT_ALLOWED", "This field cannot be patched; patchable: "
                                            + ", ".join(sorted(PATCHABLE[kind])))
                           for name in patch.keys() - PATCHABLE[kind]}
    if kind == TASK:
        for key, weight in (("known_solutions", "correctness_weight"), ("baseline_solutions", "confidence_weight")):
            if key in patch:
                body.pop(key, None)
                check_solutions(patch, key, weight, output if key == "known_solutions" else None, errors, body)
        if "message_on_unknown_solution" in patch:
            message = patch["message_on_unknown_solution"]
            if message is not None and not isinstance(message, str):
                errors["message_on_unknown_solution"] = FieldError("STRING_EXPECTED", "Expected a string")
            body["message_on_unknown_solution"] = message
    elif "issuing_order_override" in patch:
        value = patch["issuing_order_override"]
        if value is not None and type(value) not in (int, float):
            errors["issuing_order_override"] = FieldError("FLOAT_EXPECTED", "Expected a number")
        body["issuing_order_override"] = value
    _patch_overlap(body, patch, errors, lowest_overlap)
    return errors


def _patch_overlap(body: dict[str, Any], patch: dict[str, Any], errors: FieldErrors, lowest: int) -> None:
    infinite = patch.get("infinite_overlap")
    overlap = patch.get("overlap")
    if infinite is not None and type(infinite) is not bool:
        errors["infinite_overlap"] = FieldError("BOOLEAN_EXPECTED", "Expected true or false")
        return
    if infinite:
        if overlap is not None:
            errors["overlap"] = FieldError("VALUE_NOT_ALLOWED", "overlap must be null when infinite_overlap is true")
            return
        body.pop("overlap", None)
        body.pop("remaining_overlap", None)
        body["infinite_overlap"] = True
        return
    if overlap is None:
        if infinite is False and body.get("infinite_overlap"):
            errors["overlap"] = FieldError("VALUE_REQUIRED", "Give an overlap to make the overlap finite")
        return
    if type(overlap) is not int or not lowest <= overlap <= MAX_OVERLAP:
        errors["overlap"] = FieldError("INVALID_VALUE", f"Expected an integer from {lowest} to {MAX_OVERLAP}",
                                       [lowest, MAX_OVERLAP])
        return
    body["overlap"] = overlap
    body["infinite_overlap"] = False
    body["remaining_overlap"] = overlap


def is_golden(body: dict[str, Any]) -> bool:
    if "tasks" in body:
        return any(task.get("known_solutions") for task in body["tasks"] if isinstance(task, dict))
    return bool(body.get("known_solutions"))
