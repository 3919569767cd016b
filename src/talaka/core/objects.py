"""Checks shared by the project and pool bodies: types of optional top-level fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.timefmt import parse_time

Check = Callable[[Any], str | None]
"""Returns None when the value fits, else what was expected (for the message)."""


def is_string(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def is_bool(value: Any) -> str | None:
    return None if type(value) is bool else "true or false"


def is_object(value: Any) -> str | None:
    return None if isinstance(value, dict) else "an object"


def is_count(value: Any) -> str | None:
    return None if type(value) is int and value >= 0 else "a non-negative integer"


def is_positive(value: Any) -> str | None:
    return None if type(value) is int and value > 0 else "a positive integer"


def is_money(value: Any) -> str | None:
    return None if type(value) in (int, float) and value >= 0 else "a non-negative number"


def is_time(value: Any) -> str | None:
    return None if isinstance(value, str) and parse_time(value) else "a date and time like 2030-01-01T12:00:00"


def is_string_lists(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(
        isinstance(entries, list) and all(isinstance(entry, str) for entry in entries)
        for entries in value.values())
    return None if ok else "an object of string arrays"


_EXPECTED_CODES = {"a string": "STRING_EXPECTED", "true or false": "BOOLEAN_EXPECTED",
                   "an object": "OBJECT_EXPECTED"}


def check_fields(body: dict[str, Any], checks: Mapping[str, Check], required: tuple[str, ...],
                 errors: FieldErrors, prefix: str = "") -> None:
    """Report missing required fields and present fields of the wrong kind."""
    for name in required:
        if body.get(name) is None:
            errors[prefix + name] = FieldError("VALUE_REQUIRED", "Value must be present")
    for name, check in checks.items():
        value = body.get(name)
        if value is None:
            continue
        expected = check(value)
        if expected is not None:
            errors[prefix + name] = FieldError(_EXPECTED_CODES.get(expected, "INVALID_VALUE"),
                                               f"Expected {expected}, got {value!r:.60}")


def without(body: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name not in names}
