"""The assignments TSV that toloka-kit's `get_assignments_df` reads with pandas.

Columns: `INPUT:*` and `OUTPUT:*` of the project's specs, `GOLDEN:*` (a control task's known
solution; empty text for general tasks, never `null`), `HINT:text`, then the `ASSIGNMENT:*`
columns asked for. One row per task per assignment. Values that are not strings are written as
JSON (`true`, `3`, `["a"]`); pandas' default quoting reads tabs, newlines and quotes back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from talaka.core.assignments import AssignedTask, AssignmentRecord
from talaka.core.errors import FieldError, ValidationProblem
from talaka.core.ids import task_id
from talaka.core.timefmt import parse_time

TSV_STATUSES = {"ACTIVE": "ACTIVE", "SUBMITTED": "SUBMITTED", "APPROVED": "ACCEPTED", "REJECTED": "REJECTED",
                "SKIPPED": "SKIPPED", "EXPIRED": "EXPIRED"}
WIRE_TO_TSV = {status: word for word, status in TSV_STATUSES.items()}
ASSIGNMENT_FIELDS = ("link", "assignment_id", "task_id", "task_suite_id", "worker_id", "status", "started",
                     "submitted", "accepted", "rejected", "skipped", "expired", "reward")
DEFAULT_FIELDS = ("link", "assignment_id", "worker_id", "status", "started")
LINE_END = "\r\n"
"""CRLF, as CSV's RFC has it: the csv module quotes a cell only for the characters of its line end,
and pandas splits lines on a lone `\r` too, so with `\n` alone a `\r` in an answer would break a row."""
_decode = msgspec.json.decode
_encode = msgspec.json.encode


@dataclass(frozen=True, slots=True)
class TsvRequest:
    statuses: list[str]
    submitted_from: str | None
    submitted_to: str | None
    fields: tuple[str, ...]


def parse_tsv_request(params: Mapping[str, str]) -> TsvRequest:
    errors: dict[str, FieldError] = {}
    statuses = []
    for word in (params.get("status") or "APPROVED").split(","):
        status = TSV_STATUSES.get(word.strip().upper())
        if status is None:
            errors["status"] = FieldError("INVALID_VALUE", "Expected a comma list of: " + ", ".join(TSV_STATUSES))
        else:
            statuses.append(status)
    times: dict[str, str | None] = {}
    for name in ("startTimeFrom", "startTimeTo"):
        value = params.get(name)
        times[name] = parse_time(value) if value else None
        if value and times[name] is None:
            errors[name] = FieldError("INVALID_VALUE", "Expected a date and time like 2030-01-01T12:00:00")
    fields: tuple[str, ...] = DEFAULT_FIELDS
    if params.get("field"):
        fields = tuple(name.strip().removeprefix("ASSIGNMENT:") for name in params["field"].split(","))
        unknown = [name for name in fields if name not in ASSIGNMENT_FIELDS]
        if unknown:
            errors["field"] = FieldError("INVALID_VALUE", "Expected a comma list of: "
                                         + ", ".join(f"ASSIGNMENT:{name}" for name in ASSIGNMENT_FIELDS))
    if errors:
        raise ValidationProblem("Invalid assignments export parameters: " + ", ".join(sorted(errors)), errors)
    return TsvRequest(statuses, times["startTimeFrom"], times["startTimeTo"], fields)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return _encode(value).decode()


@dataclass(frozen=True, slots=True)
class TsvLayout:
    inputs: list[str]
    outputs: list[str]
    fields: tuple[str, ...]
    link_prefix: str

    def _write(self, rows: list[list[str]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t", lineterminator=LINE_END).writerows(rows)
        return buffer.getvalue().encode()

    def header(self) -> bytes:
        return self._write([[*(f"INPUT:{name}" for name in self.inputs), *(f"OUTPUT:{name}" for name in self.outputs),
                             *(f"GOLDEN:{name}" for name in self.outputs), "HINT:text",
                             *(f"ASSIGNMENT:{name}" for name in self.fields)]])

    def rows(self, record: AssignmentRecord, tasks: list[AssignedTask]) -> bytes:
        solutions = _decode(record.solutions) if record.solutions else []
        suite_id = task_id(record.pool_id, record.suite_seq) if record.suite_seq is not None else record.id
        common = {"link": self.link_prefix + record.id, "assignment_id": record.id, "task_suite_id": suite_id,
                  "worker_id": record.user_id, "status": WIRE_TO_TSV.get(record.status, record.status),
                  "started": record.created, "submitted": record.submitted, "accepted": record.accepted,
                  "rejected": record.rejected, "skipped": record.skipped, "expired": record.expired,
                  "reward": record.reward}
        lines = []
        for index, task in enumerate(tasks):
            body: dict[str, Any] = _decode(task.body)
            inputs = body.get("input_values") or {}
            outputs = solutions[index]["output_values"] if index < len(solutions) else {}
            known = (body.get("known_solutions") or [{}])[0].get("output_values") or {}
            values = {**common, "task_id": task.id}
            lines.append([*(_cell(inputs.get(name)) for name in self.inputs),
                          *(_cell(outputs.get(name)) for name in self.outputs),
                          *(_cell(known.get(name)) for name in self.outputs),
                          _cell(body.get("message_on_unknown_solution")),
                          *(_cell(values[name]) for name in self.fields)])
        return self._write(lines)
