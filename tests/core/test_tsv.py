"""The assignments TSV, read back exactly as toloka-kit's `get_assignments_df` reads it."""

from __future__ import annotations

import io
from typing import Any

import msgspec
import pandas
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talaka.core.assignments import AssignedTask, AssignmentRecord
from talaka.core.errors import ValidationProblem
from talaka.core.ids import task_id
from talaka.core.stored import with_id
from talaka.core.tsv import ASSIGNMENT_FIELDS, DEFAULT_FIELDS, TsvLayout, parse_tsv_request

POOL = 5
CREATED = "2030-01-01T00:00:00.000000"
SUBMITTED = "2030-01-01T00:03:00.000000"
LINK = "http://talaka.test/requester/assignments/"
encode = msgspec.json.encode


def read(text: bytes) -> pandas.DataFrame:
    """What toloka-kit does with the body (client/__init__.py, get_assignments_df)."""
    return pandas.read_csv(io.StringIO(text.decode()), delimiter="\t")


def read_text(text: bytes) -> pandas.DataFrame:
    """Every cell as the exact text written, to check quoting without pandas' type guessing."""
    return pandas.read_csv(io.StringIO(text.decode()), delimiter="\t", dtype=str, keep_default_na=False)


def record(seq: int, tasks: int, answers: list[dict[str, Any]] | None, **changes: Any) -> AssignmentRecord:
    fields: dict[str, Any] = {
        "seq": seq, "pool_id": POOL, "performer_no": 1, "user_id": "0f" * 16, "suite_seq": None,
        "status": "ACCEPTED", "created": CREATED, "expires": "2030-01-01T01:00:00.000000",
        "submitted": SUBMITTED, "accepted": SUBMITTED, "rejected": None, "skipped": None, "expired": None,
        "reward": 0.02,
        "task_seqs": list(range(100, 100 + tasks)),
        "solutions": None if answers is None else encode([{"output_values": values} for values in answers]),
        "declined": None, "public_comment": None}
    fields.update(changes)
    return AssignmentRecord(**fields)


def task(seq: int, inputs: dict[str, Any], known: dict[str, Any] | None = None,
         hint: str | None = None) -> AssignedTask:
    body: dict[str, Any] = {"pool_id": str(POOL), "input_values": inputs}
    if known is not None:
        body["known_solutions"] = [{"output_values": known}]
    if hint is not None:
        body["message_on_unknown_solution"] = hint
    body.update({"overlap": 1, "infinite_overlap": False, "remaining_overlap": 1, "created": CREATED})
    identifier = task_id(POOL, seq)
    return AssignedTask(identifier, with_id(identifier, encode(body)))


LAYOUT = TsvLayout(["image"], ["label"], DEFAULT_FIELDS, LINK)


def test_header_alone_is_an_empty_frame() -> None:
    frame = read(LAYOUT.header())
    assert frame.empty
    assert list(frame.columns) == ["INPUT:image", "OUTPUT:label", "GOLDEN:label", "HINT:text",
                                   "ASSIGNMENT:link", "ASSIGNMENT:assignment_id", "ASSIGNMENT:worker_id",
                                   "ASSIGNMENT:status", "ASSIGNMENT:started"]


def test_one_row_per_task_and_golden_empty_for_general_tasks() -> None:
    tasks = [task(100, {"image": "http://x/0.png"}),
             task(101, {"image": "http://x/1.png"}, {"label": "cat"}, "A cat"),
             task(102, {"image": "http://x/2.png"})]
    first = record(900, 3, [{"label": "dog"}, {"label": "cat"}, {"label": "cat"}])
    second = record(901, 1, [{"label": "dog"}], status="SUBMITTED", accepted=None, user_id="1e" * 16)
    frame = read(LAYOUT.header() + LAYOUT.rows(first, tasks) + LAYOUT.rows(second, tasks[:1]))
    assert len(frame) == 4
    assert list(frame["INPUT:image"]) == [f"http://x/{n}.png" for n in (0, 1, 2, 0)]
    assert list(frame["OUTPUT:label"]) == ["dog", "cat", "cat", "dog"]
    assert list(frame["GOLDEN:label"].isna()) == [True, False, True, True]
    assert frame["GOLDEN:label"][1] == "cat" and frame["HINT:text"][1] == "A cat"
    assert list(frame["HINT:text"].isna()) == [True, False, True, True]
    assert list(frame["ASSIGNMENT:assignment_id"]) == [task_id(POOL, 900)] * 3 + [task_id(POOL, 901)]
    assert list(frame["ASSIGNMENT:link"]) == [LINK + task_id(POOL, 900)] * 3 + [LINK + task_id(POOL, 901)]
    assert list(frame["ASSIGNMENT:worker_id"]) == ["0f" * 16] * 3 + ["1e" * 16]
    assert list(frame["ASSIGNMENT:status"]) == ["APPROVED"] * 3 + ["SUBMITTED"]
    assert list(frame["ASSIGNMENT:started"]) == [CREATED] * 4
    general = frame[frame["GOLDEN:label"].isna()]
    assert len(general) == 3, "the SQuAD tutorial drops golden rows with isna()"


def test_empty_cells_are_empty_text() -> None:
    body = LAYOUT.rows(record(900, 1, [{"label": "dog"}]), [task(100, {"image": "http://x/0.png"})])
    cells = body.decode().rstrip("\n").split("\t")
    assert cells[2:4] == ["", ""], "GOLDEN and HINT of a general task are empty, not null, None or NaN"


@pytest.mark.parametrize(("wire", "tsv"), [
    ("ACTIVE", "ACTIVE"), ("SUBMITTED", "SUBMITTED"), ("ACCEPTED", "APPROVED"), ("REJECTED", "REJECTED"),
    ("SKIPPED", "SKIPPED"), ("EXPIRED", "EXPIRED")])
def test_status_vocabulary(wire: str, tsv: str) -> None:
    layout = TsvLayout(["image"], ["label"], ("status",), LINK)
    unanswered = record(900, 1, None, status=wire)
    frame = read(layout.header() + layout.rows(unanswered, [task(100, {"image": "i"})]))
    assert list(frame["ASSIGNMENT:status"]) == [tsv]
    assert frame["OUTPUT:label"].isna().all(), "no answers yet: empty outputs"


def test_every_assignment_field_in_the_order_asked() -> None:
    fields = tuple(reversed(ASSIGNMENT_FIELDS))
    layout = TsvLayout(["image"], ["label"], fields, LINK)
    suite = record(900, 0, [{"label": "cat"}], suite_seq=77, status="REJECTED", accepted=None,
                   rejected=SUBMITTED)
    frame = read_text(layout.header() + layout.rows(suite, [task(100, {"image": "i"})]))
    assert list(frame.columns)[4:] == [f"ASSIGNMENT:{name}" for name in fields]
    row = frame.iloc[0]
    assert row["ASSIGNMENT:task_id"] == task_id(POOL, 100)
    assert row["ASSIGNMENT:task_suite_id"] == task_id(POOL, 77)
    assert row["ASSIGNMENT:rejected"] == SUBMITTED and row["ASSIGNMENT:accepted"] == ""
    assert row["ASSIGNMENT:submitted"] == SUBMITTED and row["ASSIGNMENT:started"] == CREATED
    assert float(row["ASSIGNMENT:reward"]) == 0.02


def test_values_that_are_not_strings_are_json() -> None:
    layout = TsvLayout(["flag", "items"], ["answer", "count", "shape", "empty"], ("assignment_id",), LINK)
    answer = {"answer": True, "count": 3, "shape": {"x": [1, "a"]}, "empty": None}
    inputs = {"flag": False, "items": ["a", "b"]}
    body = layout.header() + layout.rows(record(900, 1, [answer]), [task(100, inputs)])
    text = read_text(body).iloc[0]
    assert (text["INPUT:flag"], text["INPUT:items"]) == ("false", '["a","b"]')
    assert (text["OUTPUT:answer"], text["OUTPUT:count"], text["OUTPUT:shape"], text["OUTPUT:empty"]) == (
        "true", "3", '{"x":[1,"a"]}', "")
    typed = read(body).iloc[0]
    assert bool(typed["OUTPUT:answer"]) is True and typed["OUTPUT:count"] == 3


@pytest.mark.parametrize("value", ["tab\there", "line\nbreak", 'say "hi"', "\"", "crlf\r\nend", "trailing\t",
                                   "\ttab first", "both\t\"\n"])
def test_tabs_newlines_and_quotes_round_trip_through_pandas(value: str) -> None:
    body = LAYOUT.header() + LAYOUT.rows(record(900, 1, [{"label": value}]), [task(100, {"image": value})])
    frame = read(body)
    assert len(frame) == 1
    assert frame["INPUT:image"][0] == value and frame["OUTPUT:label"][0] == value


@pytest.mark.parametrize("value", ["carriage\rreturn", "\r"])
def test_a_lone_carriage_return_round_trips_through_pandas(value: str) -> None:
    body = LAYOUT.header() + LAYOUT.rows(record(900, 1, [{"label": value}]), [task(100, {"image": "i"})])
    frame = read(body)
    assert len(frame) == 1 and frame["OUTPUT:label"][0] == value


cell_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30)
"""Any text a body can hold except NUL (refused on create)."""


@settings(max_examples=200)
@given(st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=6))
def test_any_text_round_trips(values: list[tuple[str, str]]) -> None:
    tasks = [task(100 + index, {"image": image}) for index, (image, _) in enumerate(values)]
    answers = [{"label": label} for _, label in values]
    frame = read_text(LAYOUT.header() + LAYOUT.rows(record(900, len(values), answers), tasks))
    assert list(frame["INPUT:image"]) == [image for image, _ in values]
    assert list(frame["OUTPUT:label"]) == [label for _, label in values]


def test_request_defaults() -> None:
    request = parse_tsv_request({})
    assert request.statuses == ["ACCEPTED"] and request.fields == DEFAULT_FIELDS
    assert request.submitted_from is None and request.submitted_to is None


def test_request_as_toloka_kit_sends_it() -> None:
    request = parse_tsv_request({"status": "APPROVED,SUBMITTED,REJECTED",
                                 "startTimeFrom": "2024-01-01T00:00:00", "startTimeTo": "2024-02-01T00:00:00",
                                 "excludeBanned": "true", "field": "ASSIGNMENT:task_id,ASSIGNMENT:worker_id",
                                 "addRowDelimiter": "false"})
    assert request.statuses == ["ACCEPTED", "SUBMITTED", "REJECTED"]
    assert request.fields == ("task_id", "worker_id")
    assert (request.submitted_from, request.submitted_to) == ("2024-01-01T00:00:00.000000",
                                                              "2024-02-01T00:00:00.000000")


def test_request_errors_name_every_parameter() -> None:
    with pytest.raises(ValidationProblem) as caught:
        parse_tsv_request({"status": "ACCEPTED", "startTimeFrom": "yesterday", "field": "ASSIGNMENT:colour"})
    assert set(caught.value.payload) >= {"status", "startTimeFrom", "field"}
