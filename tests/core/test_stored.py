"""Stored bodies as reads answer them: the id put first, and `remaining_overlap` as it is now."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.batch import TASK, decode_items, prepare
from talaka.core.rules import PoolRules, compile_spec
from talaka.core.stored import with_id, with_remaining

ID = "0000000003--000000000000000000000010"
decode = msgspec.json.decode
encode = msgspec.json.encode


@pytest.mark.parametrize(("body", "expected"), [
    (b"{}", b'{"id":"x"}'),
    (b"{ }", b'{"id":"x"}'),
    (b'{"a":1}', b'{"id":"x","a":1}'),
    (b'{ "a": 1 }', b'{"id":"x","a": 1 }'),
    (b'{\n"a":[{}]}', b'{"id":"x","a":[{}]}'),
])
def test_with_id(body: bytes, expected: bytes) -> None:
    assert with_id("x", body) == expected
    assert decode(with_id("x", body)) == {"id": "x", **decode(body)}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)


@given(st.dictionaries(st.text().filter(lambda key: key != "id"), json_values, max_size=6))
def test_with_id_puts_the_id_first(body: dict[str, Any]) -> None:
    combined = decode(with_id(ID, encode(body)))
    assert list(combined)[0] == "id"
    assert combined == {"id": ID, **body}


def stored_task(overlap: int | None, inputs: dict[str, Any] | None = None, **extra: Any) -> bytes:
    """A task body as the create path stores it (slow road, so extra fields are kept)."""
    inputs_spec = {"note": {"type": "string", "required": False},
                   "remaining_overlap": {"type": "string", "required": False}}
    output_spec = {"label": {"type": "string"}}
    rules = PoolRules(3, 0, None, None, compile_spec(inputs_spec), compile_spec(output_spec))
    item: dict[str, Any] = {"pool_id": "3", "input_values": inputs or {}, **extra}
    item.update({"overlap": overlap} if overlap is not None else {"infinite_overlap": True})
    prepared = prepare(decode_items(encode([item]), TASK), {3: rules}, kind=TASK, allow_defaults=False,
                       created="2030-01-01T00:00:00.000000")
    assert prepared.errors == {}
    return prepared.rows[0][5]


def test_unused_tasks_are_answered_as_stored() -> None:
    body = stored_task(3)
    assert decode(body)["remaining_overlap"] == 3
    assert with_remaining(body, 3, 0) is body


def test_infinite_overlap_has_no_remaining_overlap() -> None:
    body = stored_task(None)
    assert "remaining_overlap" not in decode(body)
    assert with_remaining(body, None, 5) is body


@given(st.integers(1, 100_000), st.integers(0, 100_001))
def test_remaining_is_overlap_minus_used_never_below_zero(overlap: int, used: int) -> None:
    body = decode(with_remaining(stored_task(overlap), overlap, used))
    assert body["remaining_overlap"] == max(overlap - used, 0)
    assert body["overlap"] == overlap


def test_a_remaining_overlap_key_in_input_values_or_known_solutions_is_left_alone() -> None:
    body = stored_task(4, {"remaining_overlap": "1"}, known_solutions=[{"output_values": {"label": "x"}}])
    task = decode(with_remaining(body, 4, 3))
    assert task["remaining_overlap"] == 1
    assert task["input_values"] == {"remaining_overlap": "1"}
    assert task["known_solutions"] == [{"output_values": {"label": "x"}}]


@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")))
def test_strings_that_mention_the_key_do_not_confuse_it(text: str) -> None:
    body = stored_task(2, {"note": text + '"remaining_overlap":7'}, message_on_unknown_solution=text)
    task = decode(with_remaining(body, 2, 1))
    assert task["remaining_overlap"] == 1
    assert task["input_values"]["note"] == text + '"remaining_overlap":7'


@pytest.mark.parametrize("extra", [
    {"baseline_solutions": [{"output_values": {"remaining_overlap": 9}, "confidence_weight": 0.5}]},
    {"metadata": {"remaining_overlap": 9}},
])
def test_fields_stored_after_the_task_s_own_key_are_left_alone(extra: dict[str, Any]) -> None:
    task = decode(with_remaining(stored_task(3, **extra), 3, 1))
    assert task["remaining_overlap"] == 2
    assert {name: task[name] for name in extra} == extra
