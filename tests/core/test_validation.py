"""validate_values: every type and constraint, exact paths, codes and params; properties."""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talaka.core.errors import FieldError
from talaka.core.fieldspec import FLOAT_MAX, INT64_MAX, INT64_MIN, check_field_specs
from talaka.core.validation import (
    COORDINATES_PATTERN,
    URL_PATTERN,
    compile_validator,
    validate_values,
)

P = "input_values"
Expected = dict[str, tuple[str, list[Any] | None]]


def found(specs: dict[str, Any], values: object) -> Expected:
    return {path: (error.code, error.params) for path, error in validate_values(specs, values, P).items()}


def one(field_type: str, **attributes: Any) -> dict[str, Any]:
    return {"a": {"type": field_type, **attributes}}


A = f"{P}.a"


def _one_error(code: str) -> Expected:
    return {A: (code, None)}


CASES: list[tuple[dict[str, Any], object, Expected]] = [
    # the object itself
    (one("json"), [], {P: ("OBJECT_EXPECTED", None)}),
    (one("json"), None, {P: ("OBJECT_EXPECTED", None)}),
    (one("json"), "a", {P: ("OBJECT_EXPECTED", None)}),
    (one("json"), {"a": 1, "b": 2}, {f"{P}.b": ("VALUE_NOT_ALLOWED", None)}),
    (one("json"), {}, {A: ("VALUE_REQUIRED", None)}),
    (one("json"), {"a": None}, {A: ("VALUE_REQUIRED", None)}),
    (one("json", required=False), {}, {}),
    (one("json", required=False), {"a": None}, {}),
    (one("url", required=False), {"a": None}, {}),
    (one("url", required=None), {"a": None}, {A: ("VALUE_REQUIRED", None)}),
    ({}, {}, {}),
    # boolean
    (one("boolean"), {"a": True}, {}),
    (one("boolean"), {"a": False}, {}),
    (one("boolean"), {"a": 1}, {A: ("BOOLEAN_EXPECTED", None)}),
    (one("boolean"), {"a": "true"}, {A: ("BOOLEAN_EXPECTED", None)}),
    (one("boolean", allowed_values=[True]), {"a": True}, {}),
    (one("boolean", allowed_values=[True]), {"a": False}, {A: ("VALUE_NOT_ALLOWED", [True])}),
    (one("boolean", allowed_values=[False]), {"a": 0}, {A: ("BOOLEAN_EXPECTED", None)}),
    # string
    (one("string"), {"a": ""}, {}),
    (one("string"), {"a": 5}, {A: ("STRING_EXPECTED", None)}),
    (one("string"), {"a": ["x"]}, {A: ("STRING_EXPECTED", None)}),
    (one("string", min_length=2), {"a": "a"}, {A: ("STRING_LENGTH_LESS_THAN_MIN", [2])}),
    (one("string", min_length=2), {"a": "ab"}, {}),
    (one("string", max_length=3), {"a": "abc"}, {}),
    (one("string", max_length=3), {"a": "abcd"}, {A: ("STRING_LENGTH_GREATER_THAN_MAX", [3])}),
    (one("string", max_length=3), {"a": "\U0001f600\U0001f600\U0001f600"}, {}),
    (one("string", max_length=0), {"a": "e\u0301"}, {A: ("STRING_LENGTH_GREATER_THAN_MAX", [0])}),
    (one("string", allowed_values=["x", "y"]), {"a": "y"}, {}),
    (one("string", allowed_values=["x", "y"]), {"a": "z"}, {A: ("VALUE_NOT_ALLOWED", ["x", "y"])}),
    (
        one("string", allowed_values=["x"], max_length=0),
        {"a": "x"},
        {A: ("STRING_LENGTH_GREATER_THAN_MAX", [0])},
    ),
    # integer
    (one("integer"), {"a": 0}, {}),
    (one("integer"), {"a": 1.0}, {A: ("INTEGER_EXPECTED", None)}),
    (one("integer"), {"a": True}, {A: ("INTEGER_EXPECTED", None)}),
    (one("integer"), {"a": "1"}, {A: ("INTEGER_EXPECTED", None)}),
    (one("integer"), {"a": INT64_MIN}, {}),
    (one("integer"), {"a": INT64_MAX}, {}),
    (one("integer"), {"a": INT64_MAX + 1}, {A: ("VALUE_OUT_OF_BOUNDS", [INT64_MIN, INT64_MAX])}),
    (one("integer"), {"a": INT64_MIN - 1}, {A: ("VALUE_OUT_OF_BOUNDS", [INT64_MIN, INT64_MAX])}),
    (one("integer", min_value=0), {"a": -1}, {A: ("VALUE_LESS_THAN_MIN", [0])}),
    (one("integer", min_value=0), {"a": 0}, {}),
    (one("integer", max_value=10), {"a": 10}, {}),
    (one("integer", max_value=10), {"a": 11}, {A: ("VALUE_GREATER_THAN_MAX", [10])}),
    (one("integer", max_value=10), {"a": 2**70}, {A: ("VALUE_GREATER_THAN_MAX", [10])}),
    (one("integer", allowed_values=[1, 2]), {"a": 2}, {}),
    (one("integer", allowed_values=[1, 2]), {"a": 3}, {A: ("VALUE_NOT_ALLOWED", [1, 2])}),
    (one("integer", allowed_values=[1]), {"a": True}, {A: ("INTEGER_EXPECTED", None)}),
    # float
    (one("float"), {"a": 1}, {}),
    (one("float"), {"a": -0.0}, {}),
    (one("float"), {"a": FLOAT_MAX}, {}),
    (one("float"), {"a": True}, {A: ("FLOAT_EXPECTED", None)}),
    (one("float"), {"a": "1.5"}, {A: ("FLOAT_EXPECTED", None)}),
    (one("float"), {"a": math.inf}, {A: ("VALUE_OUT_OF_BOUNDS", [-FLOAT_MAX, FLOAT_MAX])}),
    (one("float"), {"a": math.nan}, {A: ("VALUE_OUT_OF_BOUNDS", [-FLOAT_MAX, FLOAT_MAX])}),
    (one("float"), {"a": 10**400}, {A: ("VALUE_OUT_OF_BOUNDS", [-FLOAT_MAX, FLOAT_MAX])}),
    (one("float", min_value=0.01), {"a": -3}, {A: ("VALUE_LESS_THAN_MIN", [0.01])}),
    (one("float", min_value=0.01), {"a": 0.01}, {}),
    (one("float", max_value=1), {"a": 1.0000000000000002}, {A: ("VALUE_GREATER_THAN_MAX", [1])}),
    (one("float", max_value=2**53), {"a": 2**53 + 1}, {A: ("VALUE_GREATER_THAN_MAX", [2**53])}),
    # url
    (one("url"), {"a": "https://example.com"}, {}),
    (one("url"), {"a": "http://example.com/a/b.png?x=1&y=%20#top"}, {}),
    (one("url"), {"a": "HTTPS://EXAMPLE.COM/"}, {}),
    (one("url"), {"a": "http://user:pw@host:8080/p"}, {}),
    (one("url"), {"a": "http://[::1]:80/"}, {}),
    (one("url"), {"a": "https://пример.рф/путь"}, {}),
    (one("url"), {"a": "https://a.b/" + "x" * 2035}, {}),
    (one("url"), {"a": "https://a.b/" + "x" * 2037}, {A: ("INVALID_URL_SYNTAX", None)}),
    (one("url"), {"a": 5}, {A: ("STRING_EXPECTED", None)}),
    *[
        (one("url"), {"a": bad}, _one_error("INVALID_URL_SYNTAX"))
        for bad in [
            "",
            "/img.png",
            "img.png",
            "//example.com/x",
            "ftp://example.com",
            "https:/example.com",
            "http://",
            "http:///path",
            "https://exa mple.com",
            "https://a.com/ b",
            "https://a.com/\n",
            "https://a.com\t",
            " https://a.com",
            "https://a.com/\x00",
            "https://a.com/\u00a0",
            "https://a.com/\u2028",
            "http://a@",
            "http://:80",
            "http://a:123456",
            "http://a:b",
            "javascript:alert(1)",
            "http://a@b@c",
        ]
    ],
    # coordinates
    (one("coordinates"), {"a": "53.910236,27.531110"}, {}),
    (one("coordinates"), {"a": "53.9,   27.5"}, {}),
    (one("coordinates"), {"a": "90,180"}, {}),
    (one("coordinates"), {"a": "-90.000,-180.0"}, {}),
    (one("coordinates"), {"a": "0,0"}, {}),
    (one("coordinates"), {"a": 53.9}, {A: ("STRING_EXPECTED", None)}),
    *[
        (one("coordinates"), {"a": bad}, _one_error("INVALID_COORDINATES_SYNTAX"))
        for bad in [
            "",
            "53.9",
            "90.1,0",
            "0,180.5",
            "-90.0001,0",
            "91,0",
            "0,181",
            "53.9 ,27.5",
            " 53.9,27.5",
            "53.9,27.5 ",
            "a,b",
            "1e1,2",
            "+1,2",
            "1.,2",
            ".5,2",
            "\u0661,\u0662",
            "53,9,27",
            "53.9;27.5",
        ]
    ],
    # file and json
    (one("file"), {"a": "anything at all"}, {}),
    (one("file"), {"a": 1}, {A: ("STRING_EXPECTED", None)}),
    (one("json"), {"a": {"x": [1, None]}}, {}),
    (one("json"), {"a": False}, {}),
    (one("json"), {"a": 0}, {}),
    (one("json"), {"a": ""}, {}),
    # arrays
    (one("array_integer"), {"a": []}, {}),
    (one("array_integer"), {"a": "x"}, {A: ("ARRAY_EXPECTED", None)}),
    (one("array_integer"), {"a": {"0": 1}}, {A: ("ARRAY_EXPECTED", None)}),
    (
        one("array_integer"),
        {"a": [1, "2", None, True]},
        {
            f"{A}.1": ("INTEGER_EXPECTED", None),
            f"{A}.2": ("VALUE_REQUIRED", None),
            f"{A}.3": ("INTEGER_EXPECTED", None),
        },
    ),
    (one("array_integer", min_size=2), {"a": [1]}, {A: ("ARRAY_SIZE_LESS_THAN_MIN", [2])}),
    (one("array_integer", max_size=1), {"a": [1, 2]}, {A: ("ARRAY_SIZE_GREATER_THAN_MAX", [1])}),
    (
        one("array_integer", max_size=1, max_value=5),
        {"a": [1, 6]},
        {A: ("ARRAY_SIZE_GREATER_THAN_MAX", [1]), f"{A}.1": ("VALUE_GREATER_THAN_MAX", [5])},
    ),
    (one("array_integer", allowed_values=[1]), {"a": [1, 2]}, {f"{A}.1": ("VALUE_NOT_ALLOWED", [1])}),
    (
        one("array_boolean", allowed_values=[True]),
        {"a": [True, False]},
        {f"{A}.1": ("VALUE_NOT_ALLOWED", [True])},
    ),
    (one("array_string", min_length=1), {"a": ["x", ""]}, {f"{A}.1": ("STRING_LENGTH_LESS_THAN_MIN", [1])}),
    (one("array_float", min_value=0), {"a": [0, -0.5, 1.5]}, {f"{A}.1": ("VALUE_LESS_THAN_MIN", [0])}),
    (one("array_url"), {"a": ["https://a.b", "/c"]}, {f"{A}.1": ("INVALID_URL_SYNTAX", None)}),
    (one("array_file"), {"a": ["x", 1]}, {f"{A}.1": ("STRING_EXPECTED", None)}),
    (one("array_coordinates"), {"a": ["1,2", "1;2"]}, {f"{A}.1": ("INVALID_COORDINATES_SYNTAX", None)}),
    (one("array_json"), {"a": [0, [], {}, None]}, {f"{A}.3": ("VALUE_REQUIRED", None)}),
    (one("array_json", required=False), {"a": None}, {}),
    (one("array_json"), {"a": [[None]]}, {}),
]


@pytest.mark.parametrize(("specs", "values", "expected"), CASES)
def test_cases(specs: dict[str, Any], values: object, expected: Expected) -> None:
    assert found(specs, values) == expected


def test_every_bad_field_is_reported() -> None:
    specs = {
        "image": {"type": "url"},
        "caption": {"type": "string", "max_length": 3, "required": False},
        "level": {"type": "integer", "min_value": 0, "max_value": 10},
        "tags": {"type": "array_string", "allowed_values": ["a", "b"]},
        "missing": {"type": "boolean"},
    }
    values = {"image": "/x.png", "caption": "long", "level": -1, "tags": ["a", "c", 3], "extra": 1}
    assert found(specs, values) == {
        f"{P}.image": ("INVALID_URL_SYNTAX", None),
        f"{P}.caption": ("STRING_LENGTH_GREATER_THAN_MAX", [3]),
        f"{P}.level": ("VALUE_LESS_THAN_MIN", [0]),
        f"{P}.tags.1": ("VALUE_NOT_ALLOWED", ["a", "b"]),
        f"{P}.tags.2": ("STRING_EXPECTED", None),
        f"{P}.extra": ("VALUE_NOT_ALLOWED", None),
        f"{P}.missing": ("VALUE_REQUIRED", None),
    }


def test_the_path_prefix_is_the_callers() -> None:
    errors = validate_values(one("integer"), {"a": "1"}, "known_solutions.0.output_values")
    assert list(errors) == ["known_solutions.0.output_values.a"]


@pytest.mark.parametrize(
    ("specs", "values", "message"),
    [
        (one("float", min_value=0.01), {"a": -3}, "Value must be greater or equal to 0.01, got -3"),
        (one("integer", max_value=10), {"a": 11}, "Value must be less or equal to 10, got 11"),
        (one("integer"), {"a": "1"}, "Expected an integer, got a string"),
        (one("float"), {"a": True}, "Expected a number, got a boolean"),
        (one("array_url"), {"a": {}}, "Expected an array, got an object"),
        (one("json"), {"a": None}, "Value must be present and not equal to null"),
        (one("string", min_length=2), {"a": "a"}, "String must have at least 2 characters, got 1"),
        (one("array_json", max_size=1), {"a": [1, 2]}, "Array must have at most 1 items, got 2"),
        (one("string", allowed_values=["x", "y"]), {"a": "z"}, 'Value must be one of ["x", "y"], got "z"'),
        (one("boolean"), {"a": None}, "Value must be present and not equal to null"),
        (one("json"), [], "Value must be an object, got an array"),
        (
            one("url"),
            {"a": "/img.png"},
            'Expected an absolute http or https URL of at most 2048 characters, got "/img.png"',
        ),
    ],
)
def test_messages_say_what_was_expected_and_what_came(
    specs: dict[str, Any], values: object, message: str
) -> None:
    (error,) = validate_values(specs, values, P).values()
    assert error.message == message


def test_unknown_field_message_names_the_field_and_the_known_ones() -> None:
    error = validate_values({"b": {"type": "url"}}, {"b": "https://x.y", "zz": 1}, P)[f"{P}.zz"]
    assert error.message.startswith("Unknown field name")
    assert '"zz"' in error.message and '"b"' in error.message


def test_huge_strings_and_integers_stay_out_of_messages() -> None:
    errors = validate_values(one("url"), {"a": "x" * 1_000_000}, P)
    assert len(errors[A].message) < 200
    errors = validate_values(one("integer", max_value=1), {"a": 10**5000}, P)
    assert errors[A].message == "Value must be less or equal to 1, got an integer of 16610 bits"


def test_compiled_validator_is_reusable_and_equivalent() -> None:
    specs = {"a": {"type": "integer", "max_value": 3}, "b": {"type": "array_url", "required": False}}
    validate = compile_validator(specs)
    examples: list[object] = [{"a": 1}, {"a": 4, "b": ["/x"]}, {"b": []}, [], {"a": 1, "b": None}]
    for values in examples:
        assert validate(values, P) == validate_values(specs, values, P)


def test_unknown_types_fail_at_compile_time() -> None:
    with pytest.raises(ValueError, match="unknown field type 'text'"):
        compile_validator(one("text"))


def test_urls_may_hold_any_character_but_whitespace_and_controls() -> None:
    url = re.compile(URL_PATTERN)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        expected = not char.isspace() and unicodedata.category(char) != "Cc"
        assert (url.match("https://a.b/" + char) is not None) == expected, hex(code)


def _coordinates_reference(text: str) -> bool:
    """The rule in words: two plain decimals, a comma, optional spaces, and the ranges."""
    parts = re.fullmatch(r"(-?[0-9]+(?:\.[0-9]+)?), *(-?[0-9]+(?:\.[0-9]+)?)", text)
    return parts is not None and abs(float(parts[1])) <= 90 and abs(float(parts[2])) <= 180


_number_text = st.builds(
    lambda sign, whole, fraction: f"{sign}{whole}{fraction}",
    st.sampled_from(["", "-"]),
    st.one_of(st.integers(0, 200).map(str), st.integers(0, 200).map(lambda n: f"00{n}")),
    st.one_of(
        st.just(""), st.integers(0, 10**6).map(lambda n: f".{n}"), st.sampled_from([".0", ".000", ".0001"])
    ),
)


@given(_number_text, st.sampled_from([",", ", ", ",   "]), _number_text)
@settings(max_examples=300)
def test_coordinates_pattern_matches_the_rule_in_words(latitude: str, comma: str, longitude: str) -> None:
    text = f"{latitude}{comma}{longitude}"
    assert (re.match(COORDINATES_PATTERN, text) is not None) == _coordinates_reference(text)


@given(st.text(max_size=30))
@settings(max_examples=200)
def test_url_pattern_never_accepts_whitespace_or_non_http(tail: str) -> None:
    for text in (tail, "https://" + tail):
        if re.match(URL_PATTERN, text):
            assert text.lower().startswith(("http://", "https://"))
            assert not any(char.isspace() or unicodedata.category(char) == "Cc" for char in text)


# ---------------------------------------------------------------------------------------------
# Properties: values built to satisfy a spec are valid; breaking one field blames that field.

_names = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True).filter(lambda name: not name.startswith("__"))
_urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[a-z0-9-]{1,10}(\.[a-z]{2,5}){0,2}(:[0-9]{1,5})?", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,10}){0,3}(\?[a-z=&]{0,10})?", fullmatch=True),
)
_coordinates = st.builds(
    lambda lat, lon, space: f"{lat:.6f},{space}{lon:.6f}",
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.sampled_from(["", " "]),
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def _bounds(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> tuple[Any, Any]:
    low, high = sorted(draw(st.lists(values, min_size=2, max_size=2)))
    return draw(st.sampled_from([None, low])), draw(st.sampled_from([None, high]))


@st.composite
def _element(draw: st.DrawFn, element_type: str) -> tuple[dict[str, Any], st.SearchStrategy[Any]]:
    """A scalar spec (attributes only) and a strategy of values that satisfy it."""
    if element_type == "boolean":
        allowed = draw(st.sampled_from([None, [True], [False], [True, False]]))
        return ({} if allowed is None else {"allowed_values": allowed}), st.sampled_from(
            allowed or [True, False]
        )
    if element_type == "string":
        low, high = draw(_bounds(st.integers(0, 8)))
        text = st.text(min_size=low or 0, max_size=8 if high is None else high)
        spec = {key: value for key, value in (("min_length", low), ("max_length", high)) if value is not None}
        if draw(st.booleans()):
            texts = draw(st.lists(text, min_size=1, max_size=4, unique=True))
            return {**spec, "allowed_values": texts}, st.sampled_from(texts)
        return spec, text
    if element_type == "integer":
        low, high = draw(_bounds(st.integers(INT64_MIN, INT64_MAX)))
        spec = {key: value for key, value in (("min_value", low), ("max_value", high)) if value is not None}
        numbers = st.integers(INT64_MIN if low is None else low, INT64_MAX if high is None else high)
        if draw(st.booleans()):
            integers = draw(st.lists(numbers, min_size=1, max_size=4, unique=True))
            return {**spec, "allowed_values": integers}, st.sampled_from(integers)
        return spec, numbers
    if element_type == "float":
        low, high = draw(_bounds(st.floats(-1e6, 1e6)))
        spec = {key: value for key, value in (("min_value", low), ("max_value", high)) if value is not None}
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
        return spec, floats | floats.map(math.floor).filter(lambda n: low is None or n >= low)
    simple: dict[str, st.SearchStrategy[Any]] = {
        "url": _urls,
        "file": st.text(),
        "coordinates": _coordinates,
        "json": _json.filter(lambda value: value is not None),
    }
    return {}, simple[element_type]


@st.composite
def _field(draw: st.DrawFn) -> tuple[dict[str, Any], st.SearchStrategy[Any]]:
    element_type = draw(
        st.sampled_from(["boolean", "string", "integer", "float", "url", "file", "coordinates", "json"])
    )
    spec, values = draw(_element(element_type))
    spec = {"type": element_type, **spec, "required": draw(st.booleans())}
    if draw(st.booleans()):
        low, high = draw(_bounds(st.integers(0, 4)))
        spec = {**spec, "type": f"array_{element_type}"}
        spec.update(
            {key: value for key, value in (("min_size", low), ("max_size", high)) if value is not None}
        )
        values = st.lists(values, min_size=low or 0, max_size=4 if high is None else high)
    return spec, values


@st.composite
def valid_cases(draw: st.DrawFn) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    fields = draw(st.dictionaries(_names, _field(), max_size=5))
    specs = {name: spec for name, (spec, _) in fields.items()}
    values: dict[str, Any] = {}
    for name, (spec, strategy) in fields.items():
        presence = "value" if spec["required"] else draw(st.sampled_from(["value", "null", "absent"]))
        if presence != "absent":
            values[name] = draw(strategy) if presence == "value" else None
    return specs, values


@given(valid_cases())
@settings(max_examples=150)
def test_values_built_to_satisfy_the_spec_are_valid(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    specs, values = case
    assert check_field_specs(specs, "s", output=True) == {}
    assert validate_values(specs, values, P) == {}


_WRONG_KIND: dict[str, object] = {
    "boolean": "yes",
    "string": 1,
    "integer": 1.5,
    "float": "1.5",
    "url": 7,
    "file": [],
    "coordinates": 53.9,
    "json": None,
}


@given(valid_cases(), st.data())
@settings(max_examples=150)
def test_one_wrong_field_is_blamed_alone(
    case: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject
) -> None:
    specs, values = case
    if not specs:
        return
    name = data.draw(st.sampled_from(sorted(specs)))
    field_type = specs[name]["type"]
    wrong = "not an array" if field_type.startswith("array_") else _WRONG_KIND[field_type]
    errors = validate_values(specs, {**values, name: wrong}, P)
    if wrong is None and specs[name]["required"] is False:
        assert errors == {}
    else:
        assert list(errors) == [f"{P}.{name}"]
        assert isinstance(errors[f"{P}.{name}"], FieldError)
        assert (
            errors[f"{P}.{name}"].code.endswith("_EXPECTED") or errors[f"{P}.{name}"].code == "VALUE_REQUIRED"
        )
