"""Assignments: their record, the two ways they are shown, and the checks of a submit.

A performer sees an assignment without known solutions, hints or other performers' ids; a
requester sees Toloka's `Assignment` with every task as stored (golden tasks keep their
`known_solutions`, which is how tutorials tell them apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.ids import task_id
from talaka.core.rules import CompiledSpec

STATUSES = ("ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED", "SKIPPED", "EXPIRED")
HOLDS_OVERLAP = frozenset({"ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED"})
REVIEW_TRANSITIONS = {"ACCEPTED": frozenset({"SUBMITTED", "REJECTED"}), "REJECTED": frozenset({"SUBMITTED"})}
MAX_COMMENT = 2048
_encode = msgspec.json.encode
_decode = msgspec.json.decode


@dataclass(slots=True)
class AssignmentRecord:
    seq: int
    pool_id: int
    performer_no: int
    user_id: str
    suite_seq: int | None
    status: str
    created: str
    expires: str
    submitted: str | None
    accepted: str | None
    rejected: str | None
    skipped: str | None
    expired: str | None
    reward: float
    task_seqs: list[int]
    solutions: bytes | None
    declined: bytes | None
    public_comment: str | None

    @property
    def id(self) -> str:
        return task_id(self.pool_id, self.seq)


@dataclass(frozen=True, slots=True)
class AssignedTask:
    """One task of an assignment: its id and its stored JSON (with the id)."""

    id: str
    body: bytes


class _Inputs(msgspec.Struct):
    input_values: msgspec.Raw = msgspec.Raw(b"{}")


_decode_inputs = msgspec.json.Decoder(_Inputs).decode
_TIMES = ("submitted", "accepted", "rejected", "skipped", "expired")


def performer_json(record: AssignmentRecord, tasks: list[AssignedTask], project_id: int, task_spec_json: bytes,
                   instructions_json: bytes, feedback: bytes | None = None) -> bytes:
    """`PerformerAssignment` of the performer API: tasks carry only `id` and `input_values`."""
    view: dict[str, Any] = {"id": record.id, "pool_id": str(record.pool_id), "project_id": str(project_id),
                            "status": record.status, "created": record.created, "expires": record.expires}
    for name in ("submitted", "accepted", "rejected"):
        value = getattr(record, name)
        if value is not None:
            view[name] = value
    view["reward"] = record.reward
    if record.public_comment is not None:
        view["public_comment"] = record.public_comment
    view["tasks"] = [{"id": task.id, "input_values": _decode_inputs(task.body).input_values} for task in tasks]
    if record.solutions is not None:
        view["solutions"] = msgspec.Raw(record.solutions)
    view["task_spec"] = msgspec.Raw(task_spec_json)
    view["instructions"] = msgspec.Raw(instructions_json)
    if feedback is not None:
        view["feedback"] = msgspec.Raw(feedback)
    return _encode(view)


def requester_json(record: AssignmentRecord, tasks: list[AssignedTask], requester_id: int) -> bytes:
    """Toloka's `Assignment` as `GET /v1/assignments/{id}` answers it."""
    suite = task_id(record.pool_id, record.suite_seq) if record.suite_seq is not None else record.id
    view: dict[str, Any] = {"id": record.id, "task_suite_id": suite, "pool_id": str(record.pool_id),
                            "user_id": record.user_id, "status": record.status, "reward": record.reward,
                            "bonus_ids": [], "tasks": [msgspec.Raw(task.body) for task in tasks]}
    if record.solutions is not None:
        view["solutions"] = msgspec.Raw(record.solutions)
    if record.declined is not None:
        view["first_declined_solution_attempt"] = msgspec.Raw(record.declined)
    view["mixed"] = record.suite_seq is None
    view["automerged"] = False
    view["created"] = record.created
    for name in _TIMES:
        value = getattr(record, name)
        if value is not None:
            view[name] = value
    if record.public_comment is not None:
        view["public_comment"] = record.public_comment
    view["owner"] = {"id": str(requester_id), "myself": True}
    return _encode(view)


def check_submission(body: Any, task_count: int, output: CompiledSpec) -> tuple[bytes, FieldErrors]:
    """The canonical JSON of a submit's solutions, or every problem by field path.

    Each solution must be `{"output_values": {...}}` valid against the project's output spec, one
    per task, in the order of the assignment's tasks.
    """
    errors: FieldErrors = {name: FieldError("VALUE_NOT_ALLOWED", "Unknown field; a submit has only solutions")
                           for name in body.keys() - {"solutions"}}
    solutions = body.get("solutions")
    if not isinstance(solutions, list):
        errors["solutions"] = FieldError("ARRAY_EXPECTED", "Expected an array of solutions, one per task")
        return b"", errors
    if len(solutions) != task_count:
        errors["solutions"] = FieldError(
            "INVALID_VALUE", f"Expected {task_count} solutions (one per task, in the order of tasks), "
            f"got {len(solutions)}", [task_count])
        return b"", errors
    stored: list[dict[str, Any]] = []
    for index, solution in enumerate(solutions):
        path = f"solutions.{index}"
        if not isinstance(solution, dict):
            errors[path] = FieldError("OBJECT_EXPECTED", "Expected an object {\"output_values\": {...}}")
            continue
        for name in solution.keys() - {"output_values"}:
            errors[f"{path}.{name}"] = FieldError("VALUE_NOT_ALLOWED", "Unknown field; a solution has only "
                                                  "output_values")
        values = solution.get("output_values")
        if values is None:
            errors[f"{path}.output_values"] = FieldError("VALUE_REQUIRED", "Value must be present")
            continue
        errors.update(output.full(values, f"{path}.output_values"))
        stored.append({"output_values": values})
    return (b"" if errors else _encode(stored)), errors


def same_solutions(stored: bytes | None, submitted: bytes) -> bool:
    """Whether a repeated submit carries the answers already stored (then it is answered 200)."""
    return stored is not None and _decode(stored) == _decode(submitted)


def review_problem(current: str, target: str) -> tuple[str, list[str]] | None:
    """Why a requester cannot move an assignment from `current` to `target` (None when allowed)."""
    allowed = REVIEW_TRANSITIONS.get(target)
    if allowed is None:
        return f"status can only be set to ACCEPTED or REJECTED, not {target}", ["SUBMITTED"]
    if current not in allowed:
        return (f"The assignment is {current}; it can become {target} only from "
                f"{' or '.join(sorted(allowed))}", sorted(allowed))
    return None
