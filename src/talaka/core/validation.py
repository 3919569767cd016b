"""The authoritative check of `input_values` / `output_values` against a field spec.

One request may carry 100,000 tasks for one spec, so the work that depends only on the spec
(which type, which bounds, which allowed set) is done once by `compile_validator`, which returns a
closure per field. The happy path of each closure is a type test and one chained comparison;
the reason for a failure is worked out only when there is one. Every problem is reported,
keyed by dotted path (`input_values.tags.2`), with a stable code from the spec's section 6 and a
message saying what was expected and what came.

Specs are trusted: `fieldspec.check_field_specs` accepted them when the project was written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.fieldspec import FLOAT_MAX, INT64_MAX, INT64_MIN, describe, kind_of

__all__ = [
    "COORDINATES_PATTERN",
    "MAX_URL_LENGTH",
    "URL_PATTERN",
    "Validator",
    "compile_validator",
    "validate_values",
]

Validator = Callable[[object, str], FieldErrors]
"""Checks one decoded `*_values` object; the second argument is the path prefix of its errors."""

Problem = FieldError | list[tuple[str, FieldError]]
"""What a field check found: one error for the field, or errors keyed by path suffix ("", ".3")."""

ValueCheck = Callable[[Any], FieldError | None]
"""Checks one non-null scalar value."""

FieldCheck = Callable[[Any], Problem | None]
"""Checks one non-null field value, scalar or array."""

MAX_URL_LENGTH = 2048
_VISIBLE_NON_ASCII = (
    r"\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\U0010ffff"
)
"""Every code point above ASCII except C1 controls and those `str.isspace()` calls whitespace."""


def _visible_except(excluded: str) -> str:
    """A character class of visible characters (no whitespace, no controls) minus `excluded`.

    Spelled as ranges, not as `[^\\s...]`: `re` tests a range set about twice as fast as a category.
    """
    ascii_visible = "".join(re.escape(chr(code)) for code in range(0x21, 0x7F) if chr(code) not in excluded)
    return f"[{ascii_visible}{_VISIBLE_NON_ASCII}]"


URL_PATTERN = (
    r"^(?i:https?)://"
    rf"(?:{_visible_except('/?#@')}*+@)?"  # user info
    rf"(?:{_visible_except('/?#@:[]')}++|\[[0-9A-Fa-f:.]+\])"  # host name or bracketed IPv6 address
    r"(?::[0-9]{1,5})?"
    rf"(?:[/?#]{_visible_except('')}*+)?\Z"
)
"""An absolute http(s) URL with a host and no whitespace or control characters.

A regex rather than `urllib.parse`: it is exact about what it accepts, runs in C, and the fast
pre-check runs the very same pattern, so the two can never disagree. Possessive quantifiers keep
a long rejected URL from backtracking.
"""

_LATITUDE = r"-?0*(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
_LONGITUDE = r"-?0*(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
COORDINATES_PATTERN = rf"^{_LATITUDE}, *{_LONGITUDE}\Z"
"""`"lat,lon"` as decimals, latitude within [-90, 90] and longitude within [-180, 180].

The ranges are spelled in the regex itself (not checked with `float()` afterwards) so that the
fast pre-check can use the same pattern. `[0-9]`, not `\\d`, which would accept Arabic-Indic digits.
"""

_URL = re.compile(URL_PATTERN)
_COORDINATES = re.compile(COORDINATES_PATTERN)


def validate_values(specs: Mapping[str, Mapping[str, Any]], values: object, path: str) -> FieldErrors:
    """Check `values` against `specs`; return `{}` when valid, else every error keyed by path.

    Compiles the spec on every call: callers checking many values should keep the result of
    `compile_validator` instead.
    """
    return compile_validator(specs)(values, path)


def compile_validator(specs: Mapping[str, Mapping[str, Any]]) -> Validator:
    """Do the per-spec work once and return the validator of one `*_values` object."""
    checks: dict[str, FieldCheck] = {name: _field_check(spec) for name, spec in specs.items()}
    required = tuple(name for name, spec in specs.items() if spec.get("required") is not False)
    required_set = frozenset(required)
    expected = (
        f"expected one of: {', '.join(describe(name, 64) for name in specs)}"
        if specs
        else "the spec has no fields"
    )

    def validate(values: object, path: str) -> FieldErrors:
        if type(values) is not dict:
            return {path: FieldError("OBJECT_EXPECTED", f"Value must be an object, got {kind_of(values)}")}
        errors: FieldErrors = {}
        for name, value in values.items():
            check = checks.get(name)
            if check is None:
                errors[f"{path}.{name}"] = FieldError(
                    "VALUE_NOT_ALLOWED",
                    f"Unknown field name {describe(name, 64)}; {expected}",
                )
            elif value is None:
                if name in required_set:
                    errors[f"{path}.{name}"] = _value_required()
            else:
                problem = check(value)
                if problem is not None:
                    _record(errors, f"{path}.{name}", problem)
        for name in required:
            if name not in values:
                errors[f"{path}.{name}"] = _value_required()
        return errors

    return validate


def _record(errors: FieldErrors, path: str, problem: Problem) -> None:
    if isinstance(problem, FieldError):
        errors[path] = problem
    else:
        for suffix, error in problem:
            errors[path + suffix] = error


def _value_required() -> FieldError:
    return FieldError("VALUE_REQUIRED", "Value must be present and not equal to null")


def _field_check(spec: Mapping[str, Any]) -> FieldCheck:
    field_type = spec["type"]
    element_type = field_type.removeprefix("array_")
    factory = _VALUE_CHECKS.get(element_type)
    if factory is None:
        raise ValueError(f"unknown field type {field_type!r}; check specs with check_field_specs first")
    value_check = factory(spec)
    return _array_check(value_check, spec) if element_type != field_type else value_check


def _array_check(element_check: ValueCheck, spec: Mapping[str, Any]) -> FieldCheck:
    """Check the array's size and each element, reporting every bad element at `.N`."""
    low, high = _optional(spec, "min_size", 0), _optional(spec, "max_size", sys.maxsize)

    def check(value: Any) -> Problem | None:
        if type(value) is not list:
            return _expected("ARRAY_EXPECTED", "an array", value)
        problems: list[tuple[str, FieldError]] = []
        if not low <= len(value) <= high:
            problems.append(("", _size_error(len(value), low, high)))
        for index, element in enumerate(value):
            error = _value_required() if element is None else element_check(element)
            if error is not None:
                problems.append((f".{index}", error))
        return problems or None

    return check


def _boolean_check(spec: Mapping[str, Any]) -> ValueCheck:
    allowed_values: list[Any] = spec.get("allowed_values") or []
    allowed = frozenset(allowed_values) if allowed_values else None

    def check(value: Any) -> FieldError | None:
        if type(value) is not bool:
            return _expected("BOOLEAN_EXPECTED", "a boolean", value)
        if allowed is not None and value not in allowed:
            return _not_allowed(value, allowed_values)
        return None

    return check


def _string_check(spec: Mapping[str, Any]) -> ValueCheck:
    """Lengths count Unicode code points, as Python's `len` and msgspec's `max_length` do."""
    low, high = _optional(spec, "min_length", 0), _optional(spec, "max_length", sys.maxsize)
    allowed_values: list[Any] = spec.get("allowed_values") or []
    allowed = frozenset(allowed_values) if allowed_values else None

    def check(value: Any) -> FieldError | None:
        if type(value) is not str:
            return _expected("STRING_EXPECTED", "a string", value)
        if not low <= len(value) <= high:
            return _length_error(len(value), low, high)
        if allowed is not None and value not in allowed:
            return _not_allowed(value, allowed_values)
        return None

    return check


def _integer_check(spec: Mapping[str, Any]) -> ValueCheck:
    """`type(...) is int` rejects `True`, which Python counts as an int and JSON does not."""
    minimum, maximum = spec.get("min_value"), spec.get("max_value")
    low = INT64_MIN if minimum is None else max(minimum, INT64_MIN)
    high = INT64_MAX if maximum is None else min(maximum, INT64_MAX)
    allowed_values: list[Any] = spec.get("allowed_values") or []
    allowed = frozenset(allowed_values) if allowed_values else None

    def check(value: Any) -> FieldError | None:
        if type(value) is not int:
            return _expected("INTEGER_EXPECTED", "an integer", value)
        if not low <= value <= high:
            return _range_error(value, minimum, maximum, INT64_MIN, INT64_MAX)
        if allowed is not None and value not in allowed:
            return _not_allowed(value, allowed_values)
        return None

    return check


def _float_check(spec: Mapping[str, Any]) -> ValueCheck:
    """Integers are numbers too; a value beyond the double range (or inf, nan) is out of bounds.

    Comparisons are exact: Python compares an int with a float without rounding, so 2**53 + 1
    exceeds a bound of 2.0**53. (msgspec rounds the int first; see `fastcheck` for what that costs.)
    """
    minimum, maximum = spec.get("min_value"), spec.get("max_value")
    low = -FLOAT_MAX if minimum is None else max(minimum, -FLOAT_MAX)
    high = FLOAT_MAX if maximum is None else min(maximum, FLOAT_MAX)

    def check(value: Any) -> FieldError | None:
        kind = type(value)
        if kind is not float and kind is not int:
            return _expected("FLOAT_EXPECTED", "a number", value)
        if not low <= value <= high:
            return _range_error(value, minimum, maximum, -FLOAT_MAX, FLOAT_MAX)
        return None

    return check


def _url_check(spec: Mapping[str, Any]) -> ValueCheck:
    def check(value: Any) -> FieldError | None:
        if type(value) is not str:
            return _expected("STRING_EXPECTED", "a string", value)
        if len(value) > MAX_URL_LENGTH or _URL.match(value) is None:
            return FieldError(
                "INVALID_URL_SYNTAX",
                f"Expected an absolute http or https URL of at most {MAX_URL_LENGTH} characters, "
                f"got {describe(value)}",
            )
        return None

    return check


def _coordinates_check(spec: Mapping[str, Any]) -> ValueCheck:
    def check(value: Any) -> FieldError | None:
        if type(value) is not str:
            return _expected("STRING_EXPECTED", "a string", value)
        if _COORDINATES.match(value) is None:
            return FieldError(
                "INVALID_COORDINATES_SYNTAX",
                'Expected "latitude,longitude" with latitude in [-90, 90] and longitude in [-180, 180], '
                f"got {describe(value)}",
            )
        return None

    return check


def _file_check(spec: Mapping[str, Any]) -> ValueCheck:
    def check(value: Any) -> FieldError | None:
        return None if type(value) is str else _expected("STRING_EXPECTED", "a string", value)

    return check


def _json_check(spec: Mapping[str, Any]) -> ValueCheck:
    """Any JSON value will do; null never reaches a value check."""

    def check(value: Any) -> FieldError | None:
        return None

    return check


_VALUE_CHECKS: dict[str, Callable[[Mapping[str, Any]], ValueCheck]] = {
    "boolean": _boolean_check,
    "string": _string_check,
    "integer": _integer_check,
    "float": _float_check,
    "url": _url_check,
    "file": _file_check,
    "coordinates": _coordinates_check,
    "json": _json_check,
}


def _optional(spec: Mapping[str, Any], attribute: str, default: int) -> int:
    value = spec.get(attribute)
    return default if value is None else int(value)


def _expected(code: str, expected: str, value: object) -> FieldError:
    return FieldError(code, f"Expected {expected}, got {kind_of(value)}")


def _not_allowed(value: object, allowed_values: list[Any]) -> FieldError:
    shown = ", ".join(describe(allowed) for allowed in allowed_values)
    return FieldError(
        "VALUE_NOT_ALLOWED", f"Value must be one of [{shown}], got {describe(value)}", list(allowed_values)
    )


def _length_error(length: int, low: int, high: int) -> FieldError:
    if length < low:
        return FieldError(
            "STRING_LENGTH_LESS_THAN_MIN", f"String must have at least {low} characters, got {length}", [low]
        )
    return FieldError(
        "STRING_LENGTH_GREATER_THAN_MAX", f"String must have at most {high} characters, got {length}", [high]
    )


def _size_error(size: int, low: int, high: int) -> FieldError:
    if size < low:
        return FieldError(
            "ARRAY_SIZE_LESS_THAN_MIN", f"Array must have at least {low} items, got {size}", [low]
        )
    return FieldError(
        "ARRAY_SIZE_GREATER_THAN_MAX", f"Array must have at most {high} items, got {size}", [high]
    )


def _range_error(
    value: int | float,
    minimum: int | float | None,
    maximum: int | float | None,
    floor: int | float,
    ceiling: int | float,
) -> FieldError:
    """Name the bound that was broken: the spec's own first, then the storable range."""
    if minimum is not None and value < minimum:
        return FieldError(
            "VALUE_LESS_THAN_MIN",
            f"Value must be greater or equal to {describe(minimum)}, got {describe(value)}",
            [minimum],
        )
    if maximum is not None and value > maximum:
        return FieldError(
            "VALUE_GREATER_THAN_MAX",
            f"Value must be less or equal to {describe(maximum)}, got {describe(value)}",
            [maximum],
        )
    return FieldError(
        "VALUE_OUT_OF_BOUNDS",
        f"Value must be between {floor} and {ceiling}, got {describe(value)}",
        [floor, ceiling],
    )
