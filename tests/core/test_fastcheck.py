"""compile_fast_check: never True for values the validator rejects, and True for common valid ones."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talaka.core.fastcheck import compile_fast_check
from talaka.core.fieldspec import FLOAT_MAX, INT64_MAX, INT64_MIN, check_field_specs
from talaka.core.validation import MAX_URL_LENGTH, validate_values

P = "input_values"


def slow_ok(specs: dict[str, Any], data: bytes) -> bool:
    """What the server does with raw bytes: decode them as a whole, then validate."""
    try:
        values = msgspec.json.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return False
    return validate_values(specs, values, P) == {}


# ---------------------------------------------------------------------------------------------
# Specs drawn from every type and constraint, and values crowding around their edges.

_SCALAR_TYPES = ["boolean", "string", "integer", "float", "url", "file", "coordinates", "json"]


def _pair(values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, Any]]:
    """An optional lower and upper bound, in order."""
    return (
        st.tuples(values, values)
        .map(sorted)
        .flatmap(
            lambda bounds: st.tuples(st.sampled_from([None, bounds[0]]), st.sampled_from([None, bounds[1]]))
        )
    )


def _set(spec: dict[str, Any], names: tuple[str, str], bounds: tuple[Any, Any]) -> dict[str, Any]:
    spec.update({name: value for name, value in zip(names, bounds, strict=True) if value is not None})
    return spec


_edge_integers = st.sampled_from(
    [
        0,
        1,
        -1,
        10,
        2**31,
        2**53,
        2**53 + 1,
        -(2**53) - 1,
        INT64_MAX,
        INT64_MAX + 1,
        INT64_MIN,
        INT64_MIN - 1,
        2**64,
    ]
)
_edge_floats = st.sampled_from(
    [0.0, -0.0, 0.1, 0.01, 1.5, -2.5, 2.0**53, 9007199254740993.0, 1e308, FLOAT_MAX, -FLOAT_MAX, 1e-300]
)


@st.composite
def element_specs(draw: st.DrawFn, element_type: str) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if element_type == "boolean" and draw(st.booleans()):
        spec["allowed_values"] = draw(st.sampled_from([[True], [False], [True, False], [False, True]]))
    elif element_type == "string":
        _set(spec, ("min_length", "max_length"), draw(_pair(st.integers(0, 6))))
        if draw(st.booleans()):
            spec["allowed_values"] = draw(st.lists(st.text(max_size=7), min_size=1, max_size=4, unique=True))
    elif element_type == "integer":
        _set(
            spec,
            ("min_value", "max_value"),
            draw(_pair(st.integers(-20, 20) | _edge_integers.filter(lambda n: INT64_MIN <= n <= INT64_MAX))),
        )
        if draw(st.booleans()):
            allowed = st.integers(-20, 20) | _edge_integers.filter(lambda n: INT64_MIN <= n <= INT64_MAX)
            spec["allowed_values"] = draw(st.lists(allowed, min_size=1, max_size=4, unique=True))
    elif element_type == "float":
        bounds = (
            st.integers(-20, 20)
            | st.floats(-20, 20)
            | _edge_floats
            | _edge_integers.filter(lambda n: abs(n) <= 2**64)
        )
        _set(spec, ("min_value", "max_value"), draw(_pair(bounds)))
    elif element_type == "coordinates" and draw(st.booleans()):
        spec["current_location"] = draw(st.booleans())
    return spec


@st.composite
def field_specs(draw: st.DrawFn) -> dict[str, Any]:
    element_type = draw(st.sampled_from(_SCALAR_TYPES))
    spec = {"type": element_type, **draw(element_specs(element_type))}
    if draw(st.booleans()):
        spec["type"] = f"array_{element_type}"
        _set(spec, ("min_size", "max_size"), draw(_pair(st.integers(0, 3))))
    required = draw(st.sampled_from([None, True, False]))
    if required is not None:
        spec["required"] = required
    return spec


_names = st.sampled_from(["a", "b", "image-url", "Label_2", "0"])
specs_strategy = st.dictionaries(_names, field_specs(), max_size=4)

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | _edge_integers
    | st.floats(allow_nan=False, allow_infinity=False)
    | _edge_floats
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)

# Every edge a rule has, as concrete values: random draws would find most of them only rarely.
_WRONG_KINDS: list[Any] = [None, True, 0, 1.5, "x", [], {}]
_URLS = [
    "https://example.com/a.png",
    "http://x.y",
    "HTTP://X.Y/",
    "https://a.b:8080/p?q=1#f",
    "http://u:p@h/",
    "http://[::1]/",
    "https://пример.рф/",
    "/img.png",
    "ftp://x.y",
    "https://",
    "https://a b",
    "http://a:",
    "http://a:123456",
    "https://a.b/\u00a0",
    "https://a.b/\n",
    "https://a.b/" + "x" * (MAX_URL_LENGTH - 12),
    "https://a.b/" + "x" * (MAX_URL_LENGTH - 11),
    "http://a@",
    "http://:80",
    "https://a.b/\u2028",
]
_COORDINATES = [
    "53.910236,27.531110",
    "90,180",
    "-90,-180",
    "90.0, 180.00",
    "90.0001,0",
    "0,180.1",
    "91,0",
    "1, 2",
    "1 ,2",
    " 1,2",
    "1,2 ",
    "1e1,2",
    "+1,2",
    "0090,0180",
    "\u0661,\u0662",
    "1.,2",
    "",
    "1",
]
_FLOAT_EDGES: list[Any] = [
    0,
    0.5,
    -0.5,
    2**53,
    2**53 + 1,
    -(2**53) - 1,
    2.0**53,
    1e308,
    math.nextafter(1e308, math.inf),
    FLOAT_MAX,
    -FLOAT_MAX,
    int(FLOAT_MAX),
    int(FLOAT_MAX) + 1,
    -int(FLOAT_MAX) - 1,
    int(1e308) + 1,
    10**309,
    "1.5",
]
_FIXED_EDGES: dict[str, list[Any]] = {
    "url": _URLS,
    "coordinates": _COORDINATES,
    "file": ["", "x"],
    "json": [[None], {"a": None}],
}
_INTEGER_EDGES: list[Any] = [
    0,
    INT64_MIN,
    INT64_MIN - 1,
    INT64_MAX,
    INT64_MAX + 1,
    2**64,
    -(2**64) - 1,
    1.0,
    "1",
]


def element_candidates(spec: dict[str, Any], element_type: str) -> list[Any]:
    """Values on, just inside and just past every bound of one element type, and wrong kinds."""
    allowed: list[Any] = spec.get("allowed_values", [])
    if element_type == "boolean":
        edges: list[Any] = [False, 1, "true"]
    elif element_type == "string":
        counts = {spec.get("min_length", 0), spec.get("max_length", 3)}
        lengths = sorted({count + delta for count in counts for delta in (-1, 0, 1) if count + delta >= 0})
        edges = [filler * length for length in lengths for filler in ("a", "\U0001f600", "\u0301")]
        edges += [value + "x" for value in allowed] + [value[:-1] for value in allowed if value]
    elif element_type == "integer":
        bounds = [spec[key] for key in ("min_value", "max_value") if key in spec] + allowed
        edges = [bound + delta for bound in bounds for delta in (-1, 0, 1)] + _INTEGER_EDGES
    elif element_type == "float":
        bounds = [spec[key] for key in ("min_value", "max_value") if key in spec]
        edges = [
            value
            for bound in bounds
            for value in (
                bound,
                bound - 1,
                bound + 1,
                float(bound),
                math.nextafter(float(bound), math.inf),
                math.nextafter(float(bound), -math.inf),
            )
        ] + _FLOAT_EDGES
    else:
        edges = _FIXED_EDGES[element_type]
    return allowed + edges + _WRONG_KINDS


def _first_valid(spec: dict[str, Any], candidates: list[Any]) -> list[Any]:
    """The first candidate the validator accepts for `spec`, as a one-item list (empty: none is)."""
    for candidate in candidates:
        if candidate is not None and validate_values({"v": spec}, {"v": candidate}, P) == {}:
            return [candidate]
    return []


def candidates(spec: dict[str, Any]) -> list[Any]:
    element_type = spec["type"].removeprefix("array_")
    elements = element_candidates(spec, element_type)
    if element_type == spec["type"]:
        return elements
    good = _first_valid({**spec, "type": element_type, "required": True}, elements)
    low, high = spec.get("min_size", 0), spec.get("max_size", 2)
    sizes = sorted({size + delta for size in (low, high) for delta in (-1, 0, 1) if size + delta >= 0})
    arrays: list[Any] = [good * size for size in sizes] if good else []
    filler = good * max(low - 1, 0)
    return arrays + [[*filler, element] for element in elements] + _WRONG_KINDS


def payloads(specs: dict[str, Any], *, repeated_keys: bool) -> Iterator[bytes]:
    """A valid object (as far as one exists), then that object with one field changed at a time."""
    base: dict[str, Any] = {}
    for name, spec in specs.items():
        good = _first_valid(spec, candidates(spec))
        if good:
            base[name] = good[0]
    yield b"{}"
    yield msgspec.json.encode(base)
    yield msgspec.json.encode({**base, "extra": 1})
    for name, spec in specs.items():
        yield msgspec.json.encode({key: value for key, value in base.items() if key != name})
        for value in candidates(spec):
            yield msgspec.json.encode({**base, name: value})
            if repeated_keys and name in base:
                yield (
                    b"{"
                    + msgspec.json.encode(name)
                    + b":"
                    + msgspec.json.encode(value)
                    + b","
                    + msgspec.json.encode(base)[1:]
                )


# ---------------------------------------------------------------------------------------------


@given(specs_strategy)
@settings(max_examples=150)
def test_fast_true_implies_slow_valid(specs: dict[str, Any]) -> None:
    assert check_field_specs(specs, "s", output=True) == {}
    check = compile_fast_check(specs)
    for data in payloads(specs, repeated_keys=True):
        if check(data):
            assert slow_ok(specs, data), (specs, data)


@given(specs_strategy, st.dictionaries(_names | st.text(max_size=3), _json, max_size=4))
@settings(max_examples=300)
def test_fast_true_implies_slow_valid_for_any_json(specs: dict[str, Any], values: dict[str, Any]) -> None:
    data = msgspec.json.encode(values)
    if compile_fast_check(specs)(data):
        assert slow_ok(specs, data)


HAZARDS: list[dict[str, Any]] = [
    {"x": {"type": "integer"}},
    {"x": {"type": "integer", "min_value": INT64_MAX - 1}},
    {"x": {"type": "integer", "allowed_values": [INT64_MIN, 0, INT64_MAX]}},
    {"x": {"type": "float"}},
    {"x": {"type": "float", "max_value": 2**53}},
    {"x": {"type": "float", "min_value": -(2.0**53)}},
    {"x": {"type": "float", "max_value": 2**53 - 1, "min_value": -(2**53) + 1}},
    {"x": {"type": "float", "max_value": 1e300}},
    {"x": {"type": "array_float", "min_value": 0.1, "max_value": 0.3, "max_size": 2}},
    {"x": {"type": "string", "max_length": 2, "allowed_values": ["ab", "abc", "\U0001f600\U0001f600"]}},
    {"x": {"type": "array_string", "min_length": 1, "max_length": 1, "min_size": 2, "max_size": 2}},
    {"x": {"type": "boolean", "allowed_values": [False]}},
    {"x": {"type": "url"}, "y": {"type": "array_coordinates", "max_size": 2, "required": False}},
    {"x": {"type": "array_json", "min_size": 1}, "y": {"type": "json", "required": False}},
]


@pytest.mark.parametrize("specs", HAZARDS)
def test_fast_true_implies_slow_valid_at_known_hazards(specs: dict[str, Any]) -> None:
    check = compile_fast_check(specs)
    for data in payloads(specs, repeated_keys=True):
        if check(data):
            assert slow_ok(specs, data), data


def _expressible(specs: dict[str, Any]) -> bool:
    """Specs on which the pre-check must agree with the validator both ways (see fastcheck's docs)."""
    for spec in specs.values():
        if spec["type"].endswith("float") and any(
            abs(spec.get(key, 0)) >= 2**53 for key in ("min_value", "max_value")
        ):
            return False
        if spec.get("allowed_values") and not _first_valid(
            {**spec, "type": spec["type"].removeprefix("array_")}, spec["allowed_values"]
        ):
            return False
    return True


def _has_number_beyond_1e308(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_number_beyond_1e308(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_number_beyond_1e308(item) for item in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > 1e308


@given(specs_strategy)
@settings(max_examples=100)
def test_fast_agrees_with_slow_on_expressible_specs(specs: dict[str, Any]) -> None:
    """Not needed for safety, but it is what makes the pre-check worth running: no needless False."""
    if not _expressible(specs):
        return
    check = compile_fast_check(specs)
    for data in payloads(specs, repeated_keys=False):
        if not _has_number_beyond_1e308(msgspec.json.decode(data)):
            assert check(data) == slow_ok(specs, data), (specs, data)


TYPICAL: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"image": {"type": "url"}}, {"image": "https://example.com/images/cat.png"}),
    ({"text": {"type": "string", "max_length": 100}}, {"text": "a cat on a mat"}),
    ({"text": {"type": "string", "required": False}}, {}),
    ({"text": {"type": "string", "required": False}}, {"text": None}),
    ({"label": {"type": "string", "allowed_values": ["cat", "dog"]}}, {"label": "dog"}),
    ({"level": {"type": "integer", "min_value": 0, "max_value": 10}}, {"level": 10}),
    ({"level": {"type": "integer", "allowed_values": [1, 2, 3]}}, {"level": 2}),
    ({"score": {"type": "float", "min_value": 0.01, "max_value": 1}}, {"score": 1}),
    ({"score": {"type": "float"}}, {"score": -12.5}),
    ({"ok": {"type": "boolean"}}, {"ok": False}),
    ({"ok": {"type": "boolean", "allowed_values": [True]}}, {"ok": True}),
    ({"meta": {"type": "json"}}, {"meta": {"a": [1, None, {"b": "c"}]}}),
    ({"where": {"type": "coordinates"}}, {"where": "53.910236,27.531110"}),
    ({"photo": {"type": "file"}}, {"photo": "f-123"}),
    ({"tags": {"type": "array_string", "min_size": 1, "max_size": 3}}, {"tags": ["a", "b", "c"]}),
    ({"urls": {"type": "array_url", "max_size": 2}}, {"urls": ["https://a.b/1", "http://a.b/2"]}),
    ({"ids": {"type": "array_integer", "allowed_values": [1, 2]}}, {"ids": [2, 1, 2]}),
    ({"xs": {"type": "array_float", "min_value": 0}}, {"xs": [0, 0.5, 7]}),
    ({"blobs": {"type": "array_json"}}, {"blobs": [{}, [], 0, "", False]}),
    (
        {
            "image": {"type": "url"},
            "caption": {"type": "string", "required": False, "max_length": 100},
            "level": {"type": "integer", "min_value": 0, "max_value": 10},
        },
        {"level": 3, "image": "https://example.com/1.png"},
    ),
]


@pytest.mark.parametrize(("specs", "values"), TYPICAL)
def test_typical_valid_values_take_the_fast_path(specs: dict[str, Any], values: dict[str, Any]) -> None:
    assert validate_values(specs, values, P) == {}
    assert compile_fast_check(specs)(msgspec.json.encode(values)) is True


SPEC = {
    "a": {"type": "integer", "max_value": 10},
    "b": {"type": "string", "required": False},
}


@pytest.mark.parametrize(
    ("data", "fast"),
    [
        (b'{"a": 1}', True),
        (b' {\n"a" : 1 , "b":"x"}\t', True),
        (b'{"\\u0061": 1}', True),
        (b'{"a": 1, "a": 2}', True),
        (b'{"a": "x", "a": 2}', False),
        (b'{"a": 2, "a": "x"}', False),
        (b'{"a": 2, "a": 11}', False),
        (b'{"a": 1, "b": null, "b": "y"}', True),
        (b'{"a": 1, "c": 1}', False),
        (b'{"a": true}', False),
        (b'{"a": 1.0}', False),
        (b'{"a": 1e0}', False),
        (b'{"a": 18446744073709551616}', False),
        (b'{"a": 1', False),
        (b'{"a": 1} {}', False),
        (b"[]", False),
        (b"null", False),
        (b"", False),
        (b"\xef\xbb\xbf{}", False),
        (b'{"a": 1, "b": "\\ud800"}', False),
        (b'{"a": 1, "b": "' + b"\xff" + b'"}', False),
    ],
)
def test_raw_json_edge_cases(data: bytes, fast: bool) -> None:
    assert compile_fast_check(SPEC)(data) is fast
    if fast:
        assert slow_ok(SPEC, data)


def test_deep_nesting_is_left_to_the_slow_path() -> None:
    check = compile_fast_check({"j": {"type": "json"}})
    assert check(b'{"j": ' + b"[" * 100_000 + b"]" * 100_000 + b"}") is False


@pytest.mark.parametrize(
    "specs",
    [
        {"x": {"type": "float", "max_value": 2**53}},
        {"x": {"type": "array_float", "min_value": -1e300, "required": False}},
        {"x": {"type": "string", "allowed_values": ["long"], "max_length": 2, "required": False}},
        {"x": {"type": "integer", "allowed_values": [5], "max_value": 4, "required": False}},
    ],
)
def test_inexpressible_specs_always_defer(specs: dict[str, Any]) -> None:
    check = compile_fast_check(specs)
    assert check(b"{}") is False
    assert check(b'{"x": null}') is False


def test_unknown_types_fail_at_compile_time() -> None:
    with pytest.raises(ValueError, match="unknown field type 'text'"):
        compile_fast_check({"a": {"type": "text"}})


def test_integers_past_two_to_the_53_cannot_sneak_under_a_float_bound() -> None:
    specs = {"x": {"type": "float", "max_value": 2**53 - 1}}
    check = compile_fast_check(specs)
    for value in (2**53 - 1, 2**53, 2**53 + 1, -(2**53) - 1):
        data = msgspec.json.encode({"x": value})
        assert check(data) == slow_ok(specs, data), value
