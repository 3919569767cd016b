"""check_field_specs: every rule, with the exact path and code it reports."""

from __future__ import annotations

from typing import Any

import pytest

from talaka.core.fieldspec import FIELD_TYPES, check_field_specs, describe, kind_of

P = "task_spec.input_spec"


def codes(specs: object, *, output: bool = False) -> dict[str, str]:
    return {path: error.code for path, error in check_field_specs(specs, P, output=output).items()}


GOOD_INPUT_SPECS: list[dict[str, Any]] = [
    {},
    {"image": {"type": "url"}},
    {"image": {"type": "url", "required": True, "hidden": False}},
    {"a": {"type": "boolean", "allowed_values": [True]}},
    {"a": {"type": "string", "min_length": 0, "max_length": 10, "allowed_values": ["x", "y"]}},
    {"a": {"type": "string", "min_length": 3, "max_length": 3}},
    {"a": {"type": "integer", "min_value": -(2**63), "max_value": 2**63 - 1, "allowed_values": [1, 2]}},
    {"a": {"type": "float", "min_value": 0.01, "max_value": 1}},
    {"a": {"type": "float", "min_value": -5, "max_value": 1e300}},
    {"a": {"type": "coordinates", "current_location": True}},
    {"a": {"type": "json", "required": False, "hidden": True}},
    {"a": {"type": "array_boolean", "allowed_values": [True, False], "min_size": 1, "max_size": 1}},
    {"a": {"type": "array_string", "min_length": 1, "allowed_values": ["x"], "min_size": 0}},
    {"a": {"type": "array_integer", "min_value": 0, "max_value": 9, "allowed_values": [3]}},
    {"a": {"type": "array_float", "min_value": 0, "max_size": 5}},
    {"a": {"type": "array_url", "min_size": 1, "max_size": 3}},
    {"a": {"type": "array_json", "max_size": 100}},
    {"a": {"type": "array_coordinates", "current_location": False, "min_size": 2}},
    {"a": {"type": "string", "min_length": None, "max_length": None, "required": None}},
    {name: {"type": "string"} for name in ("a", "A-b_9", "x" * 64, "_a", "-", "0")},
    {f"f{index}": {"type": "integer"} for index in range(100)},
]


@pytest.mark.parametrize("specs", GOOD_INPUT_SPECS)
def test_good_input_specs_pass(specs: dict[str, Any]) -> None:
    assert check_field_specs(specs, P, output=False) == {}


@pytest.mark.parametrize(
    "specs",
    [
        {"label": {"type": "string", "allowed_values": ["a", "b"], "required": True, "hidden": False}},
        {"photo": {"type": "file"}, "photos": {"type": "array_file", "max_size": 3}},
    ],
)
def test_good_output_specs_pass(specs: dict[str, Any]) -> None:
    assert check_field_specs(specs, "task_spec.output_spec", output=True) == {}


BAD_SPECS: list[tuple[object, dict[str, str]]] = [
    # the spec itself
    ([], {P: "OBJECT_EXPECTED"}),
    (None, {P: "OBJECT_EXPECTED"}),
    ({f"f{index}": {"type": "json"} for index in range(101)}, {P: "VALUE_NOT_ALLOWED"}),
    ({"a": "url"}, {f"{P}.a": "OBJECT_EXPECTED"}),
    # field names
    ({"a.b": {"type": "url"}}, {f"{P}.a.b": "INVALID_VALUE"}),
    ({"a b": {"type": "url"}}, {f"{P}.a b": "INVALID_VALUE"}),
    ({"": {"type": "url"}}, {f"{P}.": "INVALID_VALUE"}),
    ({"x" * 65: {"type": "url"}}, {f"{P}.{'x' * 65}": "INVALID_VALUE"}),
    ({"__a": {"type": "url"}}, {f"{P}.__a": "INVALID_VALUE"}),
    ({"é": {"type": "url"}}, {f"{P}.é": "INVALID_VALUE"}),
    ({"a\n": {"type": "url"}}, {f"{P}.a\n": "INVALID_VALUE"}),
    # type
    ({"a": {}}, {f"{P}.a.type": "VALUE_REQUIRED"}),
    ({"a": {"type": None}}, {f"{P}.a.type": "VALUE_REQUIRED"}),
    ({"a": {"type": "text"}}, {f"{P}.a.type": "UNKNOWN_ENUM_VALUE"}),
    ({"a": {"type": "URL"}}, {f"{P}.a.type": "UNKNOWN_ENUM_VALUE"}),
    ({"a": {"type": 3}}, {f"{P}.a.type": "STRING_EXPECTED"}),
    ({"a": {"type": ["url"]}}, {f"{P}.a.type": "STRING_EXPECTED"}),
    ({"a": {"type": "file"}}, {f"{P}.a.type": "VALUE_NOT_ALLOWED"}),
    ({"a": {"type": "array_file"}}, {f"{P}.a.type": "VALUE_NOT_ALLOWED"}),
    # unknown type: common attributes are still checked, the others are not guessed at
    (
        {"a": {"type": "text", "required": "yes", "max_length": 3}},
        {f"{P}.a.type": "UNKNOWN_ENUM_VALUE", f"{P}.a.required": "BOOLEAN_EXPECTED"},
    ),
    ({"a": {"type": "text", "min_length": "5", "max_length": 3}}, {f"{P}.a.type": "UNKNOWN_ENUM_VALUE"}),
    # flags
    ({"a": {"type": "url", "required": "yes"}}, {f"{P}.a.required": "BOOLEAN_EXPECTED"}),
    ({"a": {"type": "url", "required": 1}}, {f"{P}.a.required": "BOOLEAN_EXPECTED"}),
    ({"a": {"type": "url", "hidden": "false"}}, {f"{P}.a.hidden": "BOOLEAN_EXPECTED"}),
    ({"a": {"type": "coordinates", "current_location": 0}}, {f"{P}.a.current_location": "BOOLEAN_EXPECTED"}),
    # counts
    ({"a": {"type": "string", "min_length": "3"}}, {f"{P}.a.min_length": "INTEGER_EXPECTED"}),
    ({"a": {"type": "string", "max_length": True}}, {f"{P}.a.max_length": "INTEGER_EXPECTED"}),
    ({"a": {"type": "string", "max_length": 3.0}}, {f"{P}.a.max_length": "INTEGER_EXPECTED"}),
    ({"a": {"type": "string", "min_length": -1}}, {f"{P}.a.min_length": "VALUE_LESS_THAN_MIN"}),
    ({"a": {"type": "array_url", "max_size": -1}}, {f"{P}.a.max_size": "VALUE_LESS_THAN_MIN"}),
    ({"a": {"type": "array_url", "min_size": [1]}}, {f"{P}.a.min_size": "INTEGER_EXPECTED"}),
    ({"a": {"type": "string", "max_length": 2**63}}, {f"{P}.a.max_length": "VALUE_OUT_OF_BOUNDS"}),
    # integer and float bounds
    ({"a": {"type": "integer", "min_value": False}}, {f"{P}.a.min_value": "INTEGER_EXPECTED"}),
    ({"a": {"type": "integer", "min_value": 1.5}}, {f"{P}.a.min_value": "INTEGER_EXPECTED"}),
    ({"a": {"type": "integer", "max_value": 2**63}}, {f"{P}.a.max_value": "VALUE_OUT_OF_BOUNDS"}),
    ({"a": {"type": "integer", "min_value": -(2**63) - 1}}, {f"{P}.a.min_value": "VALUE_OUT_OF_BOUNDS"}),
    ({"a": {"type": "float", "min_value": "0"}}, {f"{P}.a.min_value": "FLOAT_EXPECTED"}),
    ({"a": {"type": "float", "max_value": True}}, {f"{P}.a.max_value": "FLOAT_EXPECTED"}),
    ({"a": {"type": "float", "max_value": float("inf")}}, {f"{P}.a.max_value": "FLOAT_EXPECTED"}),
    ({"a": {"type": "float", "max_value": float("nan")}}, {f"{P}.a.max_value": "FLOAT_EXPECTED"}),
    # min > max, reported on the max
    ({"a": {"type": "string", "min_length": 5, "max_length": 3}}, {f"{P}.a.max_length": "INVALID_VALUE"}),
    ({"a": {"type": "integer", "min_value": 1, "max_value": 0}}, {f"{P}.a.max_value": "INVALID_VALUE"}),
    ({"a": {"type": "float", "min_value": 0.5, "max_value": 0.25}}, {f"{P}.a.max_value": "INVALID_VALUE"}),
    ({"a": {"type": "array_json", "min_size": 2, "max_size": 1}}, {f"{P}.a.max_size": "INVALID_VALUE"}),
    (
        {"a": {"type": "array_string", "min_length": 2, "max_length": 1, "min_size": 2, "max_size": 1}},
        {f"{P}.a.max_length": "INVALID_VALUE", f"{P}.a.max_size": "INVALID_VALUE"},
    ),
    # min > max is not compared when one side is already wrong
    (
        {"a": {"type": "string", "min_length": "5", "max_length": 3}},
        {f"{P}.a.min_length": "INTEGER_EXPECTED"},
    ),
    (
        {"a": {"type": "integer", "min_length": 5, "max_length": 3}},
        {f"{P}.a.min_length": "VALUE_NOT_ALLOWED", f"{P}.a.max_length": "VALUE_NOT_ALLOWED"},
    ),
    # allowed_values
    ({"a": {"type": "string", "allowed_values": []}}, {f"{P}.a.allowed_values": "INVALID_VALUE"}),
    ({"a": {"type": "string", "allowed_values": "a"}}, {f"{P}.a.allowed_values": "ARRAY_EXPECTED"}),
    (
        {"a": {"type": "string", "allowed_values": ["a", "b", "a"]}},
        {f"{P}.a.allowed_values.2": "DUPLICATE_VALUE_IN_ARRAY"},
    ),
    (
        {"a": {"type": "string", "allowed_values": ["a", "b", "c", 4]}},
        {f"{P}.a.allowed_values.3": "STRING_EXPECTED"},
    ),
    (
        {"a": {"type": "string", "allowed_values": ["a", None]}},
        {f"{P}.a.allowed_values.1": "STRING_EXPECTED"},
    ),
    (
        {"a": {"type": "integer", "allowed_values": [1, True]}},
        {f"{P}.a.allowed_values.1": "INTEGER_EXPECTED"},
    ),
    ({"a": {"type": "integer", "allowed_values": [1, 1.0]}}, {f"{P}.a.allowed_values.1": "INTEGER_EXPECTED"}),
    (
        {"a": {"type": "integer", "allowed_values": [2**63]}},
        {f"{P}.a.allowed_values.0": "VALUE_OUT_OF_BOUNDS"},
    ),
    (
        {"a": {"type": "integer", "allowed_values": [7, 7, 7]}},
        {
            f"{P}.a.allowed_values.1": "DUPLICATE_VALUE_IN_ARRAY",
            f"{P}.a.allowed_values.2": "DUPLICATE_VALUE_IN_ARRAY",
        },
    ),
    ({"a": {"type": "boolean", "allowed_values": [1]}}, {f"{P}.a.allowed_values.0": "BOOLEAN_EXPECTED"}),
    (
        {"a": {"type": "boolean", "allowed_values": [True, True]}},
        {f"{P}.a.allowed_values.1": "DUPLICATE_VALUE_IN_ARRAY"},
    ),
    (
        {"a": {"type": "array_integer", "allowed_values": [[1]]}},
        {f"{P}.a.allowed_values.0": "INTEGER_EXPECTED"},
    ),
    # attributes that do not apply
    ({"a": {"type": "integer", "min_length": 1}}, {f"{P}.a.min_length": "VALUE_NOT_ALLOWED"}),
    ({"a": {"type": "float", "allowed_values": [1.5]}}, {f"{P}.a.allowed_values": "VALUE_NOT_ALLOWED"}),
    ({"a": {"type": "url", "max_length": 10}}, {f"{P}.a.max_length": "VALUE_NOT_ALLOWED"}),
    ({"a": {"type": "string", "min_size": 1}}, {f"{P}.a.min_size": "VALUE_NOT_ALLOWED"}),
    ({"a": {"type": "string", "current_location": True}}, {f"{P}.a.current_location": "VALUE_NOT_ALLOWED"}),
    (
        {"a": {"type": "array_url", "allowed_values": ["http://a"]}},
        {f"{P}.a.allowed_values": "VALUE_NOT_ALLOWED"},
    ),
    ({"a": {"type": "string", "pattern": "^a$"}}, {f"{P}.a.pattern": "VALUE_NOT_ALLOWED"}),
    ({"a": {"type": "json", "schema": {}}}, {f"{P}.a.schema": "VALUE_NOT_ALLOWED"}),
]


@pytest.mark.parametrize(("specs", "expected"), BAD_SPECS)
def test_bad_specs_report_exact_paths_and_codes(specs: object, expected: dict[str, str]) -> None:
    assert codes(specs) == expected


def test_output_fields_cannot_be_hidden() -> None:
    specs = {"label": {"type": "string", "hidden": True}, "other": {"type": "string", "hidden": False}}
    assert codes(specs, output=True) == {f"{P}.label.hidden": "VALUE_NOT_ALLOWED"}
    assert codes(specs, output=False) == {}


def test_every_problem_is_reported_at_once() -> None:
    specs = {
        "ok": {"type": "url"},
        "bad name": {"type": "url"},
        "no_type": {"required": True},
        "many": {
            "type": "string",
            "required": "yes",
            "min_length": -1,
            "max_length": "9",
            "allowed_values": ["a", 1],
        },
        "blob": {"type": "file"},
    }
    assert codes(specs) == {
        f"{P}.bad name": "INVALID_VALUE",
        f"{P}.no_type.type": "VALUE_REQUIRED",
        f"{P}.many.required": "BOOLEAN_EXPECTED",
        f"{P}.many.min_length": "VALUE_LESS_THAN_MIN",
        f"{P}.many.max_length": "INTEGER_EXPECTED",
        f"{P}.many.allowed_values.1": "STRING_EXPECTED",
        f"{P}.blob.type": "VALUE_NOT_ALLOWED",
    }


def test_messages_say_what_was_expected_and_what_came() -> None:
    errors = check_field_specs(
        {
            "a.b": {"type": "text"},
            "n": {"type": "integer", "min_value": 5, "max_value": 3, "min_length": 2},
            "s": {"type": "string", "allowed_values": ["x", "x"]},
        },
        P,
        output=False,
    )
    assert "A-Z, a-z, 0-9, '_' and '-'" in errors[f"{P}.a.b"].message
    assert '"a.b"' in errors[f"{P}.a.b"].message
    assert (
        "array_coordinates" in errors[f"{P}.a.b.type"].message and '"text"' in errors[f"{P}.a.b.type"].message
    )
    assert errors[f"{P}.n.max_value"].message == "max_value (3) must not be less than min_value (5)"
    assert (
        "min_length" in errors[f"{P}.n.min_length"].message
        and "allowed:" in errors[f"{P}.n.min_length"].message
    )
    assert errors[f"{P}.s.allowed_values.1"].message == 'Value "x" is already listed at index 0'
    assert check_field_specs({f"f{i}": {"type": "json"} for i in range(101)}, P, output=False)[P].params == [
        100
    ]


def test_field_types_are_the_sixteen_documented_ones() -> None:
    assert len(FIELD_TYPES) == 16
    assert {"coordinates", "array_coordinates", "array_json", "file"} <= FIELD_TYPES


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (None, "null", "null"),
        (True, "a boolean", "true"),
        (False, "a boolean", "false"),
        (3, "an integer", "3"),
        (2**300, "an integer", "an integer of 301 bits"),
        (0.5, "a float", "0.5"),
        ('say "hi"', "a string", '"say \\"hi\\""'),
        ("x" * 50, "a string", '"' + "x" * 40 + '..."'),
        ([1], "an array", "an array"),
        ({}, "an object", "an object"),
        (b"x", "bytes", "bytes"),
    ],
)
def test_values_are_named_and_shown_briefly(value: object, kind: str, shown: str) -> None:
    assert kind_of(value) == kind
    assert describe(value) == shown
