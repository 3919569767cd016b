"""A conservative pre-check of raw `*_values` JSON at C speed.

Most tasks in a 100,000-task request are valid. Decoding each one's JSON into a msgspec Struct
generated from the spec checks types, bounds, lengths and allowed values in C, so a valid task
costs well under a microsecond and the Python validator runs only on the rest.

The contract is one-sided: `True` means `validation.compile_validator` would find nothing wrong;
`False` means only "run it". Every rule below therefore either mirrors the validator exactly or
is stricter than it:

- url and coordinates values are matched, after decoding, with the validator's own regexes.
  msgspec's `Meta(pattern=...)` would do the same, but costs about 250 ns more per string than
  calling the compiled pattern directly;
- integers are bounded to the signed 64-bit range, and msgspec rejects `true` for `int`;
- float bounds take part only when smaller than 2**53 in magnitude. msgspec turns an integer into
  a double before comparing, which rounds above 2**53; below it, the rounding cannot cross a
  bound. With a larger bound the spec counts as inexpressible and every value goes the slow way.
  Floats without bounds get +-1e308, inside the double range the validator demands;
- allowed values become `Literal`s, already filtered by the length or range bounds;
- a repeated key is checked at every occurrence and the last one is kept, as the slow path's
  `dict` keeps it, so a repeated key can only make the pre-check stricter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import GenericAlias
from typing import Annotated, Any, Literal

import msgspec

from talaka.core.fieldspec import INT64_MAX, INT64_MIN
from talaka.core.validation import COORDINATES_PATTERN, MAX_URL_LENGTH, URL_PATTERN

__all__ = ["FastCheck", "compile_fast_check"]

FastCheck = Callable[[bytes], bool]
"""True when the raw JSON object is certainly valid; False when the full validator must decide."""

_EXACT_FLOAT_LIMIT = 2**53
_FLOAT_LIMIT = 1e308
_JSON_VALUE: Any = bool | int | float | str | list[Any] | dict[str, Any]
"""Any JSON value but null, which a required field or an array element may not be."""


class _Inexpressible(Exception):
    """The spec has a rule msgspec cannot check exactly, or a field no value can satisfy."""


def compile_fast_check(specs: Mapping[str, Mapping[str, Any]]) -> FastCheck:
    """Build the pre-check of one raw `input_values` or `output_values` JSON object."""
    try:
        decode: Callable[[bytes], object] = msgspec.json.Decoder(_values_type(specs)).decode
    except _Inexpressible:
        return _undecided
    patterned = _patterned_fields(specs)

    def check(data: bytes) -> bool:
        try:
            values = decode(data)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):  # msgspec raises all three
            return False
        for attribute, match, is_array in patterned:
            value = getattr(values, attribute)
            if value is None:
                continue
            if not (all(match(item) is not None for item in value) if is_array else match(value) is not None):
                return False
        return True

    return check


def _values_type(specs: Mapping[str, Mapping[str, Any]]) -> type:
    """A Struct with one attribute per field (`f0`, `f1`...: names need not be identifiers)."""
    return msgspec.defstruct(
        "FastValues",
        [_struct_field(_attribute(index), spec) for index, spec in enumerate(specs.values())],
        rename={_attribute(index): name for index, name in enumerate(specs)},
        forbid_unknown_fields=True,
        kw_only=True,
        gc=False,
    )


def _attribute(index: int) -> str:
    return f"f{index}"


def _patterned_fields(
    specs: Mapping[str, Mapping[str, Any]],
) -> tuple[tuple[str, Callable[[str], object], bool], ...]:
    """(attribute, the regex's match, is an array) of every url and coordinates field."""
    found = []
    for index, spec in enumerate(specs.values()):
        field_type = spec["type"]
        pattern = _PATTERNS.get(field_type.removeprefix("array_"))
        if pattern is not None:
            found.append((_attribute(index), pattern.match, field_type.startswith("array_")))
    return tuple(found)


def _undecided(data: bytes) -> bool:
    return False


def _struct_field(attribute: str, spec: Mapping[str, Any]) -> tuple[str, Any] | tuple[str, Any, None]:
    """Optional fields may be missing or null; required ones are typed without None."""
    field_type = spec["type"]
    element_type = field_type.removeprefix("array_")
    build = _ELEMENT_TYPES.get(element_type)
    if build is None:
        raise ValueError(f"unknown field type {field_type!r}; check specs with check_field_specs first")
    value_type = build(spec)
    if element_type != field_type:
        size = _meta(min_length=spec.get("min_size"), max_length=spec.get("max_size"))
        value_type = Annotated[GenericAlias(list, (value_type,)), size]
    if spec.get("required") is False:
        return attribute, value_type | None, None
    return attribute, value_type


def _meta(**constraints: Any) -> msgspec.Meta:
    return msgspec.Meta(**{name: bound for name, bound in constraints.items() if bound is not None})


def _one_of(values: list[Any]) -> Any:
    if not values:
        raise _Inexpressible("no value satisfies the field")
    return Literal[tuple(values)]


def _boolean_type(spec: Mapping[str, Any]) -> Any:
    allowed = spec.get("allowed_values")
    return bool if allowed is None else _one_of(allowed)


def _string_type(spec: Mapping[str, Any]) -> Any:
    low, high, allowed = spec.get("min_length"), spec.get("max_length"), spec.get("allowed_values")
    if allowed is None:
        return Annotated[str, _meta(min_length=low, max_length=high)]
    longest = INT64_MAX if high is None else high
    return _one_of([value for value in allowed if (low or 0) <= len(value) <= longest])


def _integer_type(spec: Mapping[str, Any]) -> Any:
    minimum, maximum, allowed = spec.get("min_value"), spec.get("max_value"), spec.get("allowed_values")
    low = INT64_MIN if minimum is None else max(minimum, INT64_MIN)
    high = INT64_MAX if maximum is None else min(maximum, INT64_MAX)
    if allowed is None:
        return Annotated[int, msgspec.Meta(ge=low, le=high)]
    return _one_of([value for value in allowed if low <= value <= high])


def _float_type(spec: Mapping[str, Any]) -> Any:
    low, high = spec.get("min_value"), spec.get("max_value")
    for bound in (low, high):
        if bound is not None and not -_EXACT_FLOAT_LIMIT < bound < _EXACT_FLOAT_LIMIT:
            raise _Inexpressible("a float bound too large to compare integers exactly")
    return Annotated[
        float,
        msgspec.Meta(
            ge=-_FLOAT_LIMIT if low is None else float(low), le=_FLOAT_LIMIT if high is None else float(high)
        ),
    ]


def _url_type(spec: Mapping[str, Any]) -> Any:
    return Annotated[str, msgspec.Meta(max_length=MAX_URL_LENGTH)]


def _plain_string_type(spec: Mapping[str, Any]) -> Any:
    """file values are any string; coordinates get their regex after decoding (see `_PATTERNS`)."""
    return str


def _json_type(spec: Mapping[str, Any]) -> Any:
    return _JSON_VALUE


_ELEMENT_TYPES: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "boolean": _boolean_type,
    "string": _string_type,
    "integer": _integer_type,
    "float": _float_type,
    "url": _url_type,
    "file": _plain_string_type,
    "coordinates": _plain_string_type,
    "json": _json_type,
}
_PATTERNS = {"url": re.compile(URL_PATTERN), "coordinates": re.compile(COORDINATES_PATTERN)}
