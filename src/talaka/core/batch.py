"""Turning the items of a create request into rows to insert and errors to report.

This is the hot path of the product, so it has two roads. The fast road decodes each item into a
strict Struct whose `input_values` stay raw bytes, checks those bytes with the project's compiled
msgspec pre-check, and encodes the stored body without ever building Python dicts. Anything the
fast road is not sure about (an unknown field, a failed pre-check, a missing overlap) takes the
slow road, which decodes the item to plain values and reports every problem it has. Only the slow
road decides that an item is invalid, so the fast road can stay conservative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.ids import MAX_POOL_ID, parse_numeric_id
from talaka.core.overlap import resolve_overlap
from talaka.core.rules import UNKNOWN_POOL, CompiledSpec, PoolRefusal, PoolRules

TASK = "task"
SUITE = "suite"
READ_ONLY_FIELDS = frozenset({"id", "created", "remaining_overlap", "origin_task_id", "automerged"})
STRING_LISTS = ("reserved_for", "unavailable_for", "traits_all_of", "traits_any_of", "traits_none_of_any")


class KnownSolutionIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    output_values: msgspec.Raw
    correctness_weight: float | None = None


class TaskIn(msgspec.Struct, forbid_unknown_fields=True):
    """The common shape of a submitted task; anything else goes the slow road."""

    pool_id: str
    input_values: msgspec.Raw
    known_solutions: list[KnownSolutionIn] | None = None
    message_on_unknown_solution: str | None = None
    overlap: int | None = None
    infinite_overlap: bool | None = None
    item_idx: str | None = msgspec.field(default=None, name="__item_idx")


class TaskBody(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A stored task without its id, in the key order Toloka answers with."""

    pool_id: str
    input_values: msgspec.Raw
    known_solutions: list[KnownSolutionIn] | None = None
    message_on_unknown_solution: str | None = None
    overlap: int | None = None
    infinite_overlap: bool
    remaining_overlap: int | None = None
    created: str


_decode_task = msgspec.json.Decoder(TaskIn).decode
_decode_items = msgspec.json.Decoder(list[msgspec.Raw]).decode
_decode_any = msgspec.json.Decoder().decode
_decode_fields = msgspec.json.Decoder(dict[str, msgspec.Raw]).decode
_encode = msgspec.json.Encoder().encode


def has_nul(body: bytes) -> bool:
    """Whether a JSON document holds a NUL character in any string or key.

    PostgreSQL text cannot store it, so both backends refuse it alike. JSON can only spell it as
    an escape, so bodies without that escape (nearly all) are cleared by one byte search.
    """
    if b"\\u0000" not in body:
        return False
    try:
        return _holds_nul(_decode_any(body))
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return False


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in key or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class BodyProblem(Exception):
    """The request body is not a JSON object or array of objects; the message says what it is."""


@dataclass(slots=True)
class Decoded:
    """Items of a request after the first pass: fast structs where possible, raw bytes otherwise."""

    raws: list[msgspec.Raw]
    fast: list[TaskIn | None]
    single: bool
    pool_ids: set[int]


Row = tuple[int, int, int | None, int, str, bytes]
"""One valid item as the store inserts it: `(pool_id, item_idx, overlap, golden, created, body)`.

A plain tuple, built once here, goes to `executemany` unchanged: the writer, the one thread all
writes queue for, does no per-row Python work. The store adds the operation and the sequence
number that makes the id.
"""
POOL: Final = 0
ITEM_IDX: Final = 1
BODY: Final = 5


@dataclass(slots=True)
class Prepared:
    rows: list[Row] = field(default_factory=list)
    errors: dict[int, tuple[bytes, FieldErrors]] = field(default_factory=dict)


def decode_items(body: bytes, kind: str) -> Decoded:
    """Split a request body into items and try the fast struct on each (tasks only)."""
    stripped = body.lstrip()
    if not stripped:
        raise BodyProblem("The request body is empty: send a JSON array of objects, or one object")
    single = stripped[:1] == b"{"
    if not single and stripped[:1] != b"[":
        raise BodyProblem("The request body must be a JSON array of objects, or one object")
    if not stripped.isascii():
        try:
            stripped.decode()
        except UnicodeDecodeError as exc:
            raise BodyProblem(f"The request body is not valid UTF-8 (bad byte at offset {exc.start})") from None
    if has_nul(stripped):
        raise BodyProblem("The request body has a NUL character (\\u0000) in a string; remove it: "
                          "text fields cannot hold it")
    try:
        raws = [msgspec.Raw(stripped)] if single else _decode_items(stripped)
        if single:
            _decode_any(stripped)
    except msgspec.DecodeError as exc:
        raise BodyProblem(f"The request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise BodyProblem("The request body is nested too deeply to be a task") from None
    fast: list[TaskIn | None] = []
    pool_ids: set[int] = set()
    for raw in raws:
        task: TaskIn | None = None
        if kind == TASK:
            try:
                task = _decode_task(raw)
            except (msgspec.ValidationError, msgspec.DecodeError):
                task = None
        fast.append(task)
        pool_value: Any = task.pool_id if task is not None else _peek_pool_id(raw)
        pool_id = _pool_number(pool_value)
        if pool_id is not None:
            pool_ids.add(pool_id)
    return Decoded(raws=raws, fast=fast, single=single, pool_ids=pool_ids)


class _PoolOnly(msgspec.Struct):
    pool_id: Any = None


_decode_pool_only = msgspec.json.Decoder(_PoolOnly).decode


def _peek_pool_id(raw: msgspec.Raw) -> Any:
    try:
        return _decode_pool_only(raw).pool_id
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def _pool_number(value: Any) -> int | None:
    if isinstance(value, str):
        return parse_numeric_id(value)
    if type(value) is int and 0 <= value <= MAX_POOL_ID:
        return value
    return None


PoolLookup = Mapping[int, PoolRules | PoolRefusal]


def prepare(decoded: Decoded, pools: PoolLookup, *, kind: str, allow_defaults: bool,
            created: str, start: int = 0, progress: Callable[[int], None] | None = None) -> Prepared:
    """Validate items `start..` and build the rows of the valid ones (see the module docstring)."""
    prepared = Prepared()
    rows = prepared.rows
    for idx in range(start, len(decoded.raws)):
        task = decoded.fast[idx]
        row = None if task is None else _fast_row(task, idx, pools, allow_defaults, created)
        if row is None:
            row = _slow_row(decoded.raws[idx], idx, pools, kind, allow_defaults, created, prepared)
        if row is not None:
            rows.append(row)
        if progress is not None and idx % 10_000 == 9_999:
            progress(idx + 1)
    return prepared


def _unique_keys(raw: msgspec.Raw) -> msgspec.Raw | None:
    """The object with each key once (the last, as every JSON reader takes it), values untouched.

    What is checked is then exactly what is stored: a value hidden under a repeated key can
    neither skip validation nor reach the database. None when `raw` is not an object.
    """
    try:
        return msgspec.Raw(_encode(_decode_fields(raw)))
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def _fast_row(task: TaskIn, idx: int, pools: PoolLookup, allow_defaults: bool, created: str) -> Row | None:
    pool_id = parse_numeric_id(task.pool_id)
    rules = pools.get(pool_id) if pool_id is not None else None
    values = _unique_keys(task.input_values)
    if not isinstance(rules, PoolRules) or values is None or not rules.input.fast(values):
        return None
    solutions = task.known_solutions
    if solutions:
        check = rules.output.fast
        for solution in solutions:
            output = _unique_keys(solution.output_values)
            if output is None or not check(output) or not _weight_ok(solution.correctness_weight):
                return None
            solution.output_values = output
    overlap = task.overlap
    if rules.training:
        overlap = None
    elif task.infinite_overlap:
        if overlap is not None:
            return None
    elif overlap is None:
        overlap = rules.default_overlap if allow_defaults else None
        if overlap is None:
            return None
    if overlap is not None and not 1 <= overlap <= 100_000:
        return None
    body = TaskBody(pool_id=str(rules.pool_id), input_values=values, known_solutions=solutions,
                    message_on_unknown_solution=task.message_on_unknown_solution, overlap=overlap,
                    infinite_overlap=overlap is None, remaining_overlap=overlap, created=created)
    return (rules.pool_id, idx, overlap, 1 if solutions else 0, created, _encode(body))


def _weight_ok(weight: float | None) -> bool:
    return weight is None or 0.0 <= weight <= 1.0


def _slow_row(raw: msgspec.Raw, idx: int, pools: PoolLookup, kind: str, allow_defaults: bool,
              created: str, prepared: Prepared) -> Row | None:
    item = _decode_any(raw)
    errors: FieldErrors = {}
    if not isinstance(item, dict):
        errors["task" if kind == TASK else "task_suite"] = FieldError(
            "OBJECT_EXPECTED", f"Value must be an object, got {_json_type(item)}")
        prepared.errors[idx] = (bytes(raw), errors)
        return None
    body, pool_id, overlap, golden = _check_item(item, pools, kind, allow_defaults, errors)
    if errors or pool_id is None:
        prepared.errors[idx] = (_encode(item), errors)
        return None
    body["created"] = created
    return (pool_id, idx, overlap, int(golden), created, _encode(body))


def _check_item(item: dict[str, Any], pools: PoolLookup, kind: str, allow_defaults: bool,
                errors: FieldErrors) -> tuple[dict[str, Any], int | None, int | None, bool]:
    """Check every field of one item; return the stored body, pool, overlap and golden flag."""
    pool_value = item.get("pool_id")
    pool_id = _pool_number(pool_value)
    rules: PoolRules | PoolRefusal | None = None
    if pool_value is None:
        errors["pool_id"] = FieldError("VALUE_REQUIRED", "Value must be present and not equal to null")
    elif pool_id is None:
        errors["pool_id"] = FieldError("INVALID_VALUE", "Expected a pool id: a string of decimal digits")
    else:
        rules = pools.get(pool_id)
        if rules is None:
            errors["pool_id"] = UNKNOWN_POOL
        elif isinstance(rules, PoolRefusal):
            errors["pool_id"] = rules.error
    usable = rules if isinstance(rules, PoolRules) else None
    body: dict[str, Any] = {"pool_id": str(pool_id) if pool_id is not None else pool_value}
    if kind == TASK:
        golden = _check_task_content(item, "", usable, errors, body)
        default = usable.default_overlap if usable else None
    else:
        golden = _check_suite_content(item, usable, errors, body)
        default = usable.default_suite_overlap if usable else None
    overlap: int | None = None
    if usable is not None and not usable.training:
        overlap = resolve_overlap(item.get("overlap"), item.get("infinite_overlap"),
                                  allow_defaults=allow_defaults, default=default, errors=errors)
    if overlap is not None:
        body["overlap"] = overlap
    body["infinite_overlap"] = overlap is None
    if overlap is not None:
        body["remaining_overlap"] = overlap
    _check_extras(item, kind, errors, body)
    return body, pool_id, overlap, golden


def _check_task_content(item: dict[str, Any], prefix: str, rules: PoolRules | None,
                        errors: FieldErrors, body: dict[str, Any]) -> bool:
    """Check input values and known solutions of a task (or of one task inside a suite)."""
    values = item.get("input_values")
    if values is None:
        errors[prefix + "input_values"] = FieldError(
            "VALUE_REQUIRED", "Value must be present and not equal to null")
    elif rules is not None:
        errors.update(rules.input.full(values, prefix + "input_values"))
    body["input_values"] = values
    golden = check_solutions(item, prefix + "known_solutions", "correctness_weight",
                              rules.output if rules else None, errors, body)
    message = item.get("message_on_unknown_solution")
    if message is not None:
        if not isinstance(message, str):
            errors[prefix + "message_on_unknown_solution"] = FieldError(
                "STRING_EXPECTED", f"Expected a string, got {_json_type(message)}")
        body["message_on_unknown_solution"] = message
    return golden


def check_solutions(item: dict[str, Any], path: str, weight_name: str, output: CompiledSpec | None,
                     errors: FieldErrors, body: dict[str, Any]) -> bool:
    key = path.rsplit(".", 1)[-1]
    solutions = item.get(key)
    if solutions is None:
        return False
    body[key] = solutions
    if not isinstance(solutions, list):
        errors[path] = FieldError("ARRAY_EXPECTED", f"Expected an array, got {_json_type(solutions)}")
        return False
    for number, solution in enumerate(solutions):
        where = f"{path}.{number}"
        if not isinstance(solution, dict):
            errors[where] = FieldError("OBJECT_EXPECTED", f"Value must be an object, got {_json_type(solution)}")
            continue
        values = solution.get("output_values")
        if values is None:
            errors[where + ".output_values"] = FieldError(
                "VALUE_REQUIRED", "Value must be present and not equal to null")
        elif output is not None:
            errors.update(output.full(values, where + ".output_values"))
        weight = solution.get(weight_name)
        if weight is not None and (type(weight) not in (int, float) or not 0 <= weight <= 1):
            errors[f"{where}.{weight_name}"] = FieldError(
                "INVALID_VALUE", f"Expected a number from 0 to 1, got {weight!r}", [0, 1])
        for name in solution.keys() - {"output_values", weight_name}:
            errors[f"{where}.{name}"] = FieldError("VALUE_NOT_ALLOWED", "Unknown field name")
    return bool(solutions) and key == "known_solutions"


def _check_suite_content(item: dict[str, Any], rules: PoolRules | None, errors: FieldErrors,
                         body: dict[str, Any]) -> bool:
    tasks = item.get("tasks")
    if tasks is None:
        errors["tasks"] = FieldError("VALUE_REQUIRED", "Value must be present and not equal to null")
        return False
    if not isinstance(tasks, list) or not tasks:
        errors["tasks"] = FieldError("ARRAY_EXPECTED", "Expected a non-empty array of tasks")
        body["tasks"] = tasks
        return False
    stored: list[dict[str, Any]] = []
    golden = False
    for number, task in enumerate(tasks):
        prefix = f"tasks.{number}."
        if not isinstance(task, dict):
            errors[prefix[:-1]] = FieldError("OBJECT_EXPECTED", f"Value must be an object, got {_json_type(task)}")
            continue
        entry: dict[str, Any] = {}
        golden = _check_task_content(task, prefix, rules, errors, entry) or golden
        for name in task.keys() - {"input_values", "known_solutions", "message_on_unknown_solution",
                                   "id", "origin_task_id"}:
            errors[prefix + name] = FieldError("VALUE_NOT_ALLOWED", "Unknown field name")
        stored.append(entry)
    body["tasks"] = stored
    return golden


def _check_extras(item: dict[str, Any], kind: str, errors: FieldErrors, body: dict[str, Any]) -> None:
    """Optional task fields: string lists, baseline solutions, suite placement; unknown ones are kept."""
    handled = {"pool_id", "input_values", "known_solutions", "message_on_unknown_solution", "tasks",
               "overlap", "infinite_overlap", "__item_idx"}
    if kind == TASK:
        check_solutions(item, "baseline_solutions", "confidence_weight", None, errors, body)
        handled.add("baseline_solutions")
    for name in STRING_LISTS:
        value = item.get(name)
        handled.add(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            errors[name] = FieldError("ARRAY_EXPECTED", "Expected an array of strings")
        body[name] = value
    if kind == SUITE:
        for name, check in (("issuing_order_override", _is_number), ("mixed", _is_bool),
                            ("longitude", _is_number), ("latitude", _is_number)):
            handled.add(name)
            value = item.get(name)
            if value is not None:
                if not check(value):
                    errors[name] = FieldError("INVALID_VALUE", f"Unexpected value {value!r}")
                body[name] = value
    for name, value in item.items():
        if name not in handled and name not in READ_ONLY_FIELDS:
            body[name] = value


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def tally(rows: list[Row]) -> dict[int, tuple[int, int]]:
    """Tasks and golden tasks per pool, for the pools' counters."""
    counts: dict[int, tuple[int, int]] = {}
    for row in rows:
        total, golden = counts.get(row[POOL], (0, 0))
        counts[row[POOL]] = (total + 1, golden + row[3])
    return counts


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)
