"""What an aggregation request asks for, checked field by field (toloka-kit's `PoolAggregatedSolutionRequest`
and `WeightedDynamicOverlapTaskAggregatedSolutionRequest`).

Which answers count (`work-loop.md` 4.5): those of SUBMITTED and ACCEPTED assignments. Answers to
control tasks estimate how good performers are (Dawid-Skene pins a control task to its known
label) but are not reported. An answer that has no value (or null) for the fields is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.ids import parse_numeric_id, parse_task_id

DAWID_SKENE: Final = "DAWID_SKENE"
WEIGHTED_DYNAMIC_OVERLAP: Final = "WEIGHTED_DYNAMIC_OVERLAP"
MAJORITY_VOTE: Final = "MAJORITY_VOTE"
METHODS: Final = (DAWID_SKENE, WEIGHTED_DYNAMIC_OVERLAP, MAJORITY_VOTE)
BY_TASK_METHODS: Final = (WEIGHTED_DYNAMIC_OVERLAP, MAJORITY_VOTE)
OPERATION_TYPE: Final = "SOLUTION.AGGREGATE"
COUNTED_STATUSES: Final = ("SUBMITTED", "ACCEPTED")
MAX_FIELDS: Final = 20


class AggregationRequest(msgspec.Struct, frozen=True):
    """A checked request, as the operation stores it to run later."""

    type: str
    pool_id: int
    fields: list[str]
    answer_weight_skill_id: int | None = None
    task_id: str | None = None

    def parameters(self) -> bytes:
        """The operation's `parameters`: the pool, as toloka-kit reads it, and what was asked."""
        parameters: dict[str, Any] = {"pool_id": str(self.pool_id), "type": self.type,
                                      "fields": [{"name": name} for name in self.fields]}
        if self.answer_weight_skill_id is not None:
            parameters["answer_weight_skill_id"] = str(self.answer_weight_skill_id)
        return msgspec.json.encode(parameters)


@dataclass(frozen=True, slots=True)
class Checked:
    request: AggregationRequest | None
    errors: FieldErrors


def check_request(body: dict[str, Any], *, by_task: bool) -> Checked:
    """The request, or every problem by field path. The fields are checked against the pool's
    output spec later, once the pool is known to be the requester's."""
    errors: FieldErrors = {}
    methods = BY_TASK_METHODS if by_task else METHODS
    method = body.get("type")
    if method not in methods:
        errors["type"] = FieldError("VALUE_REQUIRED" if method is None else "INVALID_VALUE",
                                    f"Expected one of {', '.join(methods)}"
                                    + ("; Dawid-Skene needs the whole pool: use aggregate-by-pool" if by_task
                                       and method == DAWID_SKENE else ""))
    pool_id = _numeric(body, "pool_id", errors, required=True)
    skill_id = _numeric(body, "answer_weight_skill_id", errors, required=method == WEIGHTED_DYNAMIC_OVERLAP)
    fields = _fields(body.get("fields"), errors, single=method == DAWID_SKENE)
    task_id = None
    if by_task:
        task_id = body.get("task_id")
        if not isinstance(task_id, str) or parse_task_id(task_id) is None:
            errors["task_id"] = FieldError("VALUE_REQUIRED" if task_id is None else "INVALID_VALUE",
                                           "Expected the id of a task of the pool")
            task_id = None
    if errors or pool_id is None or not isinstance(method, str):
        return Checked(None, errors)
    return Checked(AggregationRequest(method, pool_id, fields,
                                      skill_id if method == WEIGHTED_DYNAMIC_OVERLAP else None, task_id), {})


def _numeric(body: dict[str, Any], name: str, errors: FieldErrors, *, required: bool) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            errors[name] = FieldError("VALUE_REQUIRED", f"Expected the {name.replace('_', ' ')}")
        return None
    number = parse_numeric_id(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if number is None:
        errors[name] = FieldError("INVALID_VALUE", "Expected a decimal id, as a string")
    return number


def _fields(value: Any, errors: FieldErrors, *, single: bool) -> list[str]:
    """`[{"name": ...}]`: at least one, Dawid-Skene exactly one (Toloka's limit), no name twice."""
    if not isinstance(value, list) or not value:
        errors["fields"] = FieldError("VALUE_REQUIRED", "Expected a non-empty list of {\"name\": output field}")
        return []
    if single and len(value) != 1:
        errors["fields"] = FieldError("INVALID_VALUE", "Dawid-Skene aggregates one output field; send one")
    elif len(value) > MAX_FIELDS:
        errors["fields"] = FieldError("INVALID_VALUE", f"Expected at most {MAX_FIELDS} fields")
    names: list[str] = []
    for index, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name:
            errors[f"fields.{index}.name"] = FieldError("VALUE_REQUIRED", "Expected the name of an output field")
        elif name in names:
            errors[f"fields.{index}.name"] = FieldError("INVALID_VALUE", f"Field {name!r:.80} is named twice")
        else:
            names.append(name)
    return names


def check_fields(names: list[str], output_spec: dict[str, Any]) -> FieldErrors:
    """Every field named must be one of the project's output fields."""
    return {f"fields.{index}.name": FieldError("INVALID_VALUE", f"The project has no output field {name!r:.80}; "
                                               f"its output fields are {', '.join(sorted(output_spec))}")
            for index, name in enumerate(names) if name not in output_spec}


def answer_value(output_values: Any, fields: list[str]) -> Any:
    """What one answer says for the fields: the value of the one field, a tuple of several
    fields' values; None when the answer has no value for them."""
    if not isinstance(output_values, dict):
        return None
    if len(fields) == 1:
        return output_values.get(fields[0])
    values = tuple(output_values.get(name) for name in fields)
    return None if all(value is None for value in values) else values


def output_values(value: Any, fields: list[str]) -> dict[str, Any]:
    """The aggregated answer as `output_values`."""
    if len(fields) == 1:
        return {fields[0]: value}
    return dict(zip(fields, value, strict=True))
