"""The vocabulary of field specs, and the check of a project's `input_spec` / `output_spec`.

A field spec (`{"type": "string", "required": true, "max_length": 100}`) is the contract every
task's `input_values` and every answer's `output_values` is later checked against, up to 100,000
times per request. A spec that slipped through with `"min_length": "3"` would make each of those
checks either crash or silently accept anything, so specs are checked strictly once, when the
project is written, and the value validators may then trust them.

Every problem is reported at once, keyed by dotted path (`task_spec.input_spec.image.type`), so a
requester fixes a spec in one round trip. A `null` attribute means "not set": clients that
serialise every attribute of their model send nulls for the ones left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from talaka.core.errors import FieldError, FieldErrors

__all__ = [
    "FIELD_TYPES",
    "FLOAT_MAX",
    "INT64_MAX",
    "INT64_MIN",
    "MAX_FIELDS",
    "check_field_specs",
    "describe",
    "kind_of",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
FLOAT_MAX = 1.7976931348623157e308
"""The largest finite IEEE 754 double: a `float` value beyond it cannot be stored or compared."""

MAX_FIELDS = 100

_SCALAR_TYPES = ("boolean", "string", "integer", "float", "url", "file", "coordinates", "json")
FIELD_TYPES: frozenset[str] = frozenset(_SCALAR_TYPES) | {f"array_{name}" for name in _SCALAR_TYPES}
_OUTPUT_ONLY_TYPES = frozenset({"file", "array_file"})

_FIELD_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_RESERVED_PREFIX = "__"

AttributeCheck = Callable[[Any, str, FieldErrors], None]
"""Checks one attribute's (non-null) value and records problems under the attribute's path."""


def kind_of(value: object) -> str:
    """Name a decoded JSON value's kind the way error messages say it ("an integer", "null").

    `bool` is tested before `int` because Python's `True` is an `int`, while JSON's is not.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def describe(value: object, limit: int = 40) -> str:
    """Render a value for an error message, short enough that a 2 MB string stays out of it.

    Huge integers are described by size: Python refuses to print ints of more than 4300 digits.
    """
    if isinstance(value, str):
        shown = value if len(value) <= limit else value[:limit] + "..."
        return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return kind_of(value)


def check_field_specs(specs: object, path: str, *, output: bool) -> FieldErrors:
    """Check every field spec of an `input_spec` (`output=False`) or `output_spec` (`output=True`).

    Returns `{}` for a good spec, else every problem found, keyed by dotted path under `path`.
    """
    if not isinstance(specs, dict):
        return {path: FieldError("OBJECT_EXPECTED", f"Value must be an object, got {kind_of(specs)}")}
    errors: FieldErrors = {}
    if len(specs) > MAX_FIELDS:
        errors[path] = FieldError(
            "VALUE_NOT_ALLOWED",
            f"A spec may have at most {MAX_FIELDS} fields, got {len(specs)}",
            [MAX_FIELDS],
        )
    for name, spec in specs.items():
        field_path = f"{path}.{name}"
        _check_field_name(name, field_path, errors)
        _check_field_spec(spec, field_path, errors, output=output)
    return errors


def _check_field_name(name: object, path: str, errors: FieldErrors) -> None:
    """Field names become JSON keys, dotted error paths and HTML template variables: keep them plain."""
    if isinstance(name, str) and _FIELD_NAME.fullmatch(name) and not name.startswith(_RESERVED_PREFIX):
        return
    errors[path] = FieldError(
        "INVALID_VALUE",
        "A field name must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-', "
        f"not starting with '{_RESERVED_PREFIX}', got {describe(name, 70)}",
    )


def _check_field_spec(spec: object, path: str, errors: FieldErrors, *, output: bool) -> None:
    if not isinstance(spec, dict):
        errors[path] = FieldError("OBJECT_EXPECTED", f"Value must be an object, got {kind_of(spec)}")
        return
    field_type = spec.get("type")
    known = _check_type(field_type, f"{path}.type", errors, output=output)
    attributes = _COMMON_ATTRIBUTES if known is None else known
    for attribute, value in spec.items():
        if attribute == "type" or value is None:
            continue
        attribute_path = f"{path}.{attribute}"
        check = attributes.get(attribute)
        if check is not None:
            check(value, attribute_path, errors)
        elif known is not None:
            errors[attribute_path] = FieldError(
                "VALUE_NOT_ALLOWED",
                f"Attribute {describe(attribute)} does not apply to type {describe(field_type)}; "
                f"allowed: {', '.join(sorted(attributes))}",
            )
    if output and spec.get("hidden") is True:
        errors[f"{path}.hidden"] = FieldError("VALUE_NOT_ALLOWED", "Output fields cannot be hidden")
    for low, high in _BOUND_PAIRS:
        if low in attributes:
            _check_bound_order(spec, path, low, high, errors)


def _check_type(
    field_type: object, path: str, errors: FieldErrors, *, output: bool
) -> Mapping[str, AttributeCheck] | None:
    """Check `type` and return the attributes it allows, or None when the type is not known.

    For an unknown type only the common attributes get checked: what else is allowed cannot be
    known, and guessing would bury the one real mistake under false ones.
    """
    if field_type is None:
        errors[path] = FieldError("VALUE_REQUIRED", "Value must be present and not equal to null")
    elif not isinstance(field_type, str):
        errors[path] = FieldError("STRING_EXPECTED", f"Expected a string, got {kind_of(field_type)}")
    elif field_type not in FIELD_TYPES:
        errors[path] = FieldError(
            "UNKNOWN_ENUM_VALUE",
            f"Unknown field type {describe(field_type)}; expected one of: {', '.join(sorted(FIELD_TYPES))}",
        )
    else:
        if field_type in _OUTPUT_ONLY_TYPES and not output:
            errors[path] = FieldError(
                "VALUE_NOT_ALLOWED", f"Type {describe(field_type)} is allowed in output_spec only"
            )
        return _ATTRIBUTES[field_type]
    return None


def _check_bound_order(spec: Mapping[str, Any], path: str, low: str, high: str, errors: FieldErrors) -> None:
    """A field whose minimum exceeds its maximum can never be filled in: say so on the maximum.

    Runs after the attribute checks, and compares only bounds that passed them.
    """
    low_value, high_value = spec.get(low), spec.get(high)
    low_path, high_path = f"{path}.{low}", f"{path}.{high}"
    if low_value is None or high_value is None or low_path in errors or high_path in errors:
        return
    if low_value <= high_value:
        return
    errors[high_path] = FieldError(
        "INVALID_VALUE",
        f"{high} ({describe(high_value)}) must not be less than {low} ({describe(low_value)})",
    )


def _check_flag(value: Any, path: str, errors: FieldErrors) -> None:
    if not isinstance(value, bool):
        errors[path] = FieldError("BOOLEAN_EXPECTED", f"Expected a boolean, got {kind_of(value)}")


def _check_int64(value: Any, path: str, errors: FieldErrors) -> None:
    """Booleans are not integers here, whatever Python thinks; bounds must fit a signed 64-bit column."""
    if not isinstance(value, int) or isinstance(value, bool):
        errors[path] = FieldError("INTEGER_EXPECTED", f"Expected an integer, got {kind_of(value)}")
    elif not INT64_MIN <= value <= INT64_MAX:
        errors[path] = FieldError(
            "VALUE_OUT_OF_BOUNDS",
            f"Value must be between {INT64_MIN} and {INT64_MAX}, got {describe(value)}",
            [INT64_MIN, INT64_MAX],
        )


def _check_count(value: Any, path: str, errors: FieldErrors) -> None:
    """Lengths and sizes: a 64-bit integer that is not negative."""
    _check_int64(value, path, errors)
    if path not in errors and value < 0:
        errors[path] = FieldError(
            "VALUE_LESS_THAN_MIN", f"Value must be greater or equal to 0, got {value}", [0]
        )


def _check_number(value: Any, path: str, errors: FieldErrors) -> None:
    """Float bounds: any finite number, integers included (JSON does not tell `1` from `1.0`)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        errors[path] = FieldError("FLOAT_EXPECTED", f"Expected a number, got {kind_of(value)}")
    elif isinstance(value, float) and not math.isfinite(value):
        errors[path] = FieldError("FLOAT_EXPECTED", f"Expected a finite number, got {describe(value)}")


def _allowed_values(element_check: AttributeCheck) -> AttributeCheck:
    """Build the check of an `allowed_values` list whose elements pass `element_check`.

    Elements are compared only once they passed `element_check`, so `true` never collides with `1`.
    """

    def check(value: Any, path: str, errors: FieldErrors) -> None:
        if not isinstance(value, list):
            errors[path] = FieldError("ARRAY_EXPECTED", f"Expected an array, got {kind_of(value)}")
            return
        if not value:
            errors[path] = FieldError("INVALID_VALUE", "allowed_values must list at least one value")
        seen: dict[object, int] = {}
        for index, element in enumerate(value):
            element_path = f"{path}.{index}"
            element_check(element, element_path, errors)
            if element_path in errors:
                continue
            first = seen.setdefault(element, index)
            if first != index:
                errors[element_path] = FieldError(
                    "DUPLICATE_VALUE_IN_ARRAY",
                    f"Value {describe(element)} is already listed at index {first}",
                )

    return check


def _check_string(value: Any, path: str, errors: FieldErrors) -> None:
    if not isinstance(value, str):
        errors[path] = FieldError("STRING_EXPECTED", f"Expected a string, got {kind_of(value)}")


_COMMON_ATTRIBUTES: Mapping[str, AttributeCheck] = {"required": _check_flag, "hidden": _check_flag}
_TYPE_ATTRIBUTES: dict[str, dict[str, AttributeCheck]] = {
    "boolean": {"allowed_values": _allowed_values(_check_flag)},
    "string": {
        "min_length": _check_count,
        "max_length": _check_count,
        "allowed_values": _allowed_values(_check_string),
    },
    "integer": {
        "min_value": _check_int64,
        "max_value": _check_int64,
        "allowed_values": _allowed_values(_check_int64),
    },
    "float": {"min_value": _check_number, "max_value": _check_number},
    "url": {},
    "file": {},
    "json": {},
    "coordinates": {"current_location": _check_flag},
}
_ARRAY_ATTRIBUTES: dict[str, AttributeCheck] = {"min_size": _check_count, "max_size": _check_count}
_ATTRIBUTES: dict[str, Mapping[str, AttributeCheck]] = {
    **{name: {**_COMMON_ATTRIBUTES, **extra} for name, extra in _TYPE_ATTRIBUTES.items()},
    **{
        f"array_{name}": {**_COMMON_ATTRIBUTES, **extra, **_ARRAY_ATTRIBUTES}
        for name, extra in _TYPE_ATTRIBUTES.items()
    },
}
_BOUND_PAIRS = (("min_length", "max_length"), ("min_value", "max_value"), ("min_size", "max_size"))
