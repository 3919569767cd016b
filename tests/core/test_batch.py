"""The batch hot path: the fast road and the slow road agree, and every problem is reported."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from talaka.core.batch import SUITE, TASK, BodyProblem, decode_items, prepare
from talaka.core.rules import PoolRefusal, PoolRules, archived_pool, compile_spec

INPUT = {"image": {"type": "url", "required": True}, "note": {"type": "string", "required": False, "max_length": 5},
         "rank": {"type": "integer", "required": False, "min_value": 0, "max_value": 9}}
OUTPUT = {"label": {"type": "string", "required": True, "allowed_values": ["a", "b"]}}
RULES = {7: PoolRules(7, 0, 2, 4, compile_spec(INPUT), compile_spec(OUTPUT)),
         8: PoolRefusal(8, 3, archived_pool("ARCHIVED"))}
CREATED = "2030-01-01T00:00:00.000000"


def run(tasks: Any, *, kind: str = TASK, allow_defaults: bool = True, slow: bool = False):
    decoded = decode_items(msgspec.json.encode(tasks), kind)
    if slow:
        decoded.fast = [None] * len(decoded.fast)
    return prepare(decoded, RULES, kind=kind, allow_defaults=allow_defaults, created=CREATED)


def bodies(prepared: Any) -> list[dict[str, Any]]:
    return [msgspec.json.decode(row[5]) for row in prepared.rows]


def test_valid_task_body_and_row() -> None:
    prepared = run([{"pool_id": "7", "input_values": {"image": "https://x/1.png"}, "__item_idx": "0"}])
    assert not prepared.errors
    [row] = prepared.rows
    assert row[:5] == (7, 0, 2, 0, CREATED)
    assert bodies(prepared) == [{"pool_id": "7", "input_values": {"image": "https://x/1.png"}, "overlap": 2,
                                 "infinite_overlap": False, "remaining_overlap": 2, "created": CREATED}]


def test_every_problem_of_every_item_is_reported() -> None:
    prepared = run([
        {"pool_id": "7", "input_values": {"image": "nope", "note": "too long", "x": 1}},
        {"pool_id": "8", "input_values": {"image": "https://x/2.png"}},
        {"pool_id": "9", "input_values": {"image": "https://x/3.png"}},
        {"pool_id": "7", "input_values": {"image": "https://x/4.png"},
         "known_solutions": [{"output_values": {"label": "c"}}]},
        {"pool_id": "7", "input_values": {"image": "https://x/5.png"}},
        "not an object",
    ], allow_defaults=False)
    assert [row[1] for row in prepared.rows] == []
    codes = {idx: {path: error.code for path, error in found.items()} for idx, (_, found) in prepared.errors.items()}
    assert codes[0] == {"input_values.image": "INVALID_URL_SYNTAX", "input_values.note": "STRING_LENGTH_GREATER_THAN_MAX",
                        "input_values.x": "VALUE_NOT_ALLOWED", "overlap": "VALUE_REQUIRED"}
    assert codes[1] == {"pool_id": "POOL_INAPPROPRIATE_STATUS"}, "no follow-on errors from a refused pool"
    assert codes[2] == {"pool_id": "ENTITY_DOES_NOT_EXIST"}
    assert codes[3] == {"known_solutions.0.output_values.label": "VALUE_NOT_ALLOWED", "overlap": "VALUE_REQUIRED"}
    assert codes[4] == {"overlap": "VALUE_REQUIRED"}
    assert codes[5] == {"task": "OBJECT_EXPECTED"}


def test_unknown_fields_are_kept_and_read_only_ones_dropped() -> None:
    prepared = run([{"pool_id": "7", "input_values": {"image": "https://x/1.png"}, "id": "forged",
                     "created": "1999-01-01T00:00:00", "my_tag": {"a": 1}, "reserved_for": ["u1"]}])
    [body] = bodies(prepared)
    assert body["my_tag"] == {"a": 1}
    assert body["reserved_for"] == ["u1"]
    assert "id" not in body
    assert body["created"] == CREATED


def test_item_idx_is_never_stored() -> None:
    prepared = run([{"pool_id": "7", "input_values": {"image": "https://x/1.png"}, "__item_idx": "0", "extra": 1}])
    assert "__item_idx" not in bodies(prepared)[0]


def test_suites_take_the_suite_default_and_check_each_task() -> None:
    prepared = run([{"pool_id": "7", "tasks": [{"input_values": {"image": "https://x/1.png"}},
                                               {"input_values": {"image": 5}}]},
                    {"pool_id": "7", "tasks": [{"input_values": {"image": "https://x/1.png"},
                                                "known_solutions": [{"output_values": {"label": "a"}}]}]}],
                   kind=SUITE)
    assert {path: error.code for path, error in prepared.errors[0][1].items()} == {
        "tasks.1.input_values.image": "STRING_EXPECTED"}
    [row] = prepared.rows
    assert row[1:4] == (1, 4, 1), "item 1, the pool's suite overlap 4, golden"


def test_body_problems() -> None:
    deep = b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]"
    for body, fragment in ((b"", "empty"), (b"42", "array"), (b"[1,", "not valid JSON"), (b'{"a": }', "not valid"),
                           (b'[{"a": "\xff"}]', "UTF-8"), (deep, "nested too deeply")):
        try:
            decode_items(body, TASK)
        except BodyProblem as problem:
            assert fragment in str(problem)
        else:
            raise AssertionError(f"{body!r} was accepted")


task_values = st.fixed_dictionaries(
    {"image": st.sampled_from(["https://x/1.png", "http://y.org/a?b=c", "ftp://z", "", 3])},
    # NUL is refused for the whole body before either road runs (text columns cannot hold it)
    optional={"note": st.one_of(st.none(), st.text(st.characters(exclude_characters="\x00"), max_size=7),
                                st.integers()),
              "rank": st.one_of(st.none(), st.integers(-2, 11), st.floats(allow_nan=False, allow_infinity=False)),
              "other": st.integers()})
tasks = st.fixed_dictionaries(
    {"pool_id": st.sampled_from(["7", "07", "8", "9", 7]), "input_values": task_values},
    optional={"overlap": st.one_of(st.none(), st.integers(-1, 3)), "infinite_overlap": st.booleans(),
              "known_solutions": st.lists(st.fixed_dictionaries(
                  {"output_values": st.fixed_dictionaries({"label": st.sampled_from(["a", "b", "c"])})}), max_size=2),
              "__item_idx": st.just("0")})


@settings(max_examples=300, deadline=None)
@given(st.lists(tasks, min_size=1, max_size=5), st.booleans())
def test_fast_road_agrees_with_slow_road(items: list[dict[str, Any]], allow_defaults: bool) -> None:
    fast = run(items, allow_defaults=allow_defaults)
    slow = run(items, allow_defaults=allow_defaults, slow=True)
    assert [row[:5] for row in fast.rows] == [row[:5] for row in slow.rows]
    assert bodies(fast) == bodies(slow)
    assert fast.errors.keys() == slow.errors.keys()
