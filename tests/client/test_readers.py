"""The task file readers: formats, the column convention, conversions by spec, row problems, memory."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from talaka.client._readers import (
    WHOLE_ROW,
    ReadRow,
    TaskFileError,
    read_tasks,
    tasks_from_dataframe,
)
from talaka.core.fieldspec import describe

INPUT_SPEC: dict[str, dict[str, Any]] = {
    "image": {"type": "url", "required": True},
    "count": {"type": "integer", "required": False},
    "share": {"type": "float", "required": False},
    "flag": {"type": "boolean", "required": False},
    "meta": {"type": "json", "required": False},
    "tags": {"type": "array_string", "required": False},
    "where": {"type": "coordinates", "required": False},
    "note": {"type": "string", "required": False},
}
OUTPUT_SPEC: dict[str, dict[str, Any]] = {
    "label": {"type": "string"},
    "score": {"type": "integer"},
}


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def rows_of(source: Any, **options: Any) -> list[ReadRow]:
    options.setdefault("pool_id", "7")
    return list(read_tasks(source, **options))


def codes(row: ReadRow) -> dict[str, str]:
    return {key: error.code for key, error in row.errors.items()}


def task(inputs: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"pool_id": "7", "input_values": inputs, **rest}


# --- formats and the column convention --------------------------------------------------------

GOLDEN_TASK = task(
    {"image": "http://a/1.png"},
    known_solutions=[{"output_values": {"label": "cat"}}],
    message_on_unknown_solution="look at the ears",
    overlap=3,
)
PLAIN_TASK = task({"image": "http://a/2.png"}, overlap=1)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "tasks.tsv",
            "INPUT:image\tGOLDEN:label\tHINT:text\tTASK:overlap\n"
            "http://a/1.png\tcat\tlook at the ears\t3\n"
            "http://a/2.png\t\t\t1\n",
        ),
        (
            "tasks.csv",
            "INPUT:image,GOLDEN:label,HINT:,TASK:overlap\n"
            'http://a/1.png,cat,"look at the ears",3\n'
            "http://a/2.png,,,1\n",
        ),
        (
            "tasks.jsonl",
            '{"INPUT:image": "http://a/1.png", "GOLDEN:label": "cat", "HINT:text": "look at the ears",'
            ' "TASK:overlap": 3}\n'
            '{"INPUT:image": "http://a/2.png", "GOLDEN:label": null, "TASK:overlap": 1}\n',
        ),
        (
            "tasks.ndjson",
            '{"input_values": {"image": "http://a/1.png"}, "known_solutions": [{"output_values": '
            '{"label": "cat"}}], "message_on_unknown_solution": "look at the ears", "overlap": 3}\n'
            '{"input_values": {"image": "http://a/2.png"}, "overlap": 1}\n',
        ),
    ],
)
@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_each_format_reads_the_convention(tmp_path: Path, name: str, text: str, bom: bool) -> None:
    rows = rows_of(write(tmp_path, name, text, bom=bom), input_spec=INPUT_SPEC, output_spec=OUTPUT_SPEC)
    first_line = 2 if name.endswith("sv") else 1  # below the header, or the first JSON line
    assert [(row.line, row.errors) for row in rows] == [(first_line, {}), (first_line + 1, {})]
    assert [row.task for row in rows] == [GOLDEN_TASK, PLAIN_TASK]


@pytest.mark.parametrize(
    ("name", "format", "expected"),
    [
        ("a.tsv", None, "tsv"),
        ("a.TSV", None, "tsv"),
        ("a.csv", None, "csv"),
        ("a.jsonl", None, "jsonl"),
        ("a.ndjson", None, "jsonl"),
        ("a.txt", "csv", "csv"),
        ("a.csv", "tsv", "tsv"),
    ],
)
def test_format_comes_from_the_suffix_unless_given(name: str, format: str | None, expected: str) -> None:
    assert read_tasks(name, pool_id="7", format=format).format == expected


@pytest.mark.parametrize(("name", "format"), [("a.txt", None), ("tasks", None), ("a.tsv", "xlsx")])
def test_an_unknown_format_is_refused_before_reading(name: str, format: str | None) -> None:
    with pytest.raises(TaskFileError, match="format"):
        read_tasks(name, pool_id="7", format=format)


def test_a_stream_without_a_file_name_is_tsv_and_counts_its_bytes() -> None:
    data = "INPUT:image\nhttp://a/1\nhttp://a/2\n".encode()
    stream = io.BytesIO(data)
    reader = read_tasks(stream, pool_id="7")
    assert (reader.format, reader.bytes_read) == ("tsv", 0)
    first = next(reader)
    assert first.task == task({"image": "http://a/1"})
    assert reader.bytes_read == len("INPUT:image\nhttp://a/1\n")
    assert [row.line for row in reader] == [3]
    assert reader.bytes_read == len(data)
    assert not stream.closed


def test_a_stream_named_like_a_file_takes_its_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "tasks.csv", "INPUT:image,INPUT:note\nhttp://a,\"x, y\"\n")
    with path.open("rb") as stream:
        rows = list(read_tasks(stream, pool_id="7"))
    assert [row.task for row in rows] == [task({"image": "http://a", "note": "x, y"})]


def test_close_stops_reading_a_path(tmp_path: Path) -> None:
    reader = read_tasks(write(tmp_path, "a.tsv", "INPUT:x\n1\n2\n"), pool_id="7")
    next(reader)
    reader.close()
    assert list(reader) == []


def test_quoted_csv_cells_span_lines_and_rows_keep_their_starting_line(tmp_path: Path) -> None:
    text = (
        "INPUT:image,INPUT:note\r\n"
        'http://a/1,"two\r\nlines"\r\n'
        'http://a/2,"three\nmore\nlines, with ""quotes"""\r\n'
        "http://a/3,x\r\n"
    )
    rows = rows_of(write(tmp_path, "a.csv", text))
    assert [row.line for row in rows] == [2, 4, 7]
    assert [row.task["input_values"]["note"] for row in rows if row.task] == [
        "two\r\nlines",
        'three\nmore\nlines, with "quotes"',
        "x",
    ]


def test_tsv_cells_may_be_quoted_like_csv(tmp_path: Path) -> None:
    text = 'INPUT:note\tINPUT:tags\n"a\tb\nc"\t["x","y"]\n'
    rows = rows_of(write(tmp_path, "a.tsv", text), input_spec=INPUT_SPEC)
    assert [(row.line, row.task) for row in rows] == [(2, task({"note": "a\tb\nc", "tags": ["x", "y"]}))]


def test_blank_rows_are_skipped_and_lines_still_count(tmp_path: Path) -> None:
    rows = rows_of(write(tmp_path, "a.csv", "INPUT:x\n\na\n,\nb\n\n"))
    assert [(row.line, row.task) for row in rows] == [(3, task({"x": "a"})), (5, task({"x": "b"}))]


def test_an_empty_file_has_no_rows(tmp_path: Path) -> None:
    assert rows_of(write(tmp_path, "a.tsv", "")) == []


def test_a_row_with_the_wrong_number_of_cells_is_a_row_problem(tmp_path: Path) -> None:
    rows = rows_of(write(tmp_path, "a.tsv", "INPUT:a\tINPUT:b\n1\t2\t3\n1\n1\t2\n"))
    assert [(row.line, codes(row)) for row in rows] == [
        (2, {WHOLE_ROW: "INVALID_VALUE"}),
        (3, {WHOLE_ROW: "INVALID_VALUE"}),
        (4, {}),
    ]
    assert "Expected 2 cells" in rows[0].errors[WHOLE_ROW].message


def test_bytes_that_are_not_utf8_stop_the_file_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_bytes(b"INPUT:x\nok\nbad \xff\n")
    reader = read_tasks(path, pool_id="7")
    assert next(reader).line == 2
    with pytest.raises(TaskFileError, match=r"line 3: not UTF-8"):
        next(reader)


def test_a_csv_syntax_error_names_its_line(tmp_path: Path) -> None:
    big = "x" * 200_000
    with pytest.raises(TaskFileError, match="line 3"):
        rows_of(write(tmp_path, "a.csv", f"INPUT:x\na\n{big}\n"))


# --- pool ids ---------------------------------------------------------------------------------


def test_a_pool_column_wins_over_the_callers_pool_and_empty_cells_fall_back(tmp_path: Path) -> None:
    text = "INPUT:x\tTASK:pool_id\na\t9\nb\t\n"
    assert [row.task for row in rows_of(write(tmp_path, "a.tsv", text))] == [
        {"pool_id": "9", "input_values": {"x": "a"}},
        task({"x": "b"}),
    ]


def test_plain_pool_id_column(tmp_path: Path) -> None:
    rows = list(read_tasks(write(tmp_path, "a.csv", "pool_id,INPUT:x\n9,a\n,b\n")))
    assert rows[0].task == {"pool_id": "9", "input_values": {"x": "a"}}
    assert codes(rows[1]) == {"pool_id": "VALUE_REQUIRED"}


def test_no_pool_at_all_is_a_header_problem(tmp_path: Path) -> None:
    with pytest.raises(TaskFileError) as raised:
        list(read_tasks(write(tmp_path, "a.tsv", "INPUT:x\na\n")))
    assert list(raised.value.problems) == ["pool_id"]


def test_json_lines_fill_in_a_missing_pool_only(tmp_path: Path) -> None:
    text = (
        '{"pool_id": "9", "input_values": {"x": 1}, "infinite_overlap": true}\n'
        '{"input_values": {"x": 2}}\n'
        '{"INPUT:x": 3}\n'
    )
    path = write(tmp_path, "a.jsonl", text)
    assert [row.task for row in rows_of(path)] == [
        {"pool_id": "9", "input_values": {"x": 1}, "infinite_overlap": True},
        task({"x": 2}),
        task({"x": 3}),
    ]
    assert [codes(row) for row in read_tasks(path)] == [
        {},
        {"pool_id": "VALUE_REQUIRED"},
        {"pool_id": "VALUE_REQUIRED"},
    ]


# --- headers: renames, unknown columns ---------------------------------------------------------


def test_columns_renames_plain_headers_and_skips_those_mapped_to_none(tmp_path: Path) -> None:
    text = "url,answer,comment,TASK:overlap\nhttp://a,cat,ignore me,2\n"
    rows = rows_of(
        write(tmp_path, "a.csv", text),
        columns={"url": "INPUT:image", "answer": "GOLDEN:label", "comment": None},
        input_spec=INPUT_SPEC,
        output_spec=OUTPUT_SPEC,
    )
    assert rows[0].task == task(
        {"image": "http://a"}, known_solutions=[{"output_values": {"label": "cat"}}], overlap=2
    )


def test_every_bad_column_is_listed_at_once(tmp_path: Path) -> None:
    header = ["INPUT:image", "url", "OUTPUT:label", "INPUT:imgae", "GOLDEN:label", "GOLDEN:labl"]
    text = "\t".join([*header, "TASK:weight", "INPUT:", "HINT:x"]) + "\n"
    with pytest.raises(TaskFileError) as raised:
        rows_of(write(tmp_path, "a.tsv", text), input_spec=INPUT_SPEC, output_spec=OUTPUT_SPEC)
    problems = raised.value.problems
    assert sorted(problems) == sorted(
        ["url", "OUTPUT:label", "INPUT:imgae", "GOLDEN:labl", "TASK:weight", "INPUT:", "HINT:x"]
    )
    assert {error.code for error in problems.values()} == {"VALUE_NOT_ALLOWED"}
    message = str(raised.value)
    assert "INPUT:, GOLDEN:, HINT:, TASK:" in message
    assert "columns={'url': None}" in message
    assert "no field \"imgae\"" in message


def test_a_renamed_column_that_is_still_unknown_says_so(tmp_path: Path) -> None:
    with pytest.raises(TaskFileError, match=r'renamed to "IMAGE"'):
        rows_of(write(tmp_path, "a.csv", "url\nx\n"), columns={"url": "IMAGE"})


@pytest.mark.parametrize(
    ("header", "columns", "refused"),
    [
        ("INPUT:x,url", {"url": "INPUT:x"}, "url"),
        ("HINT:,HINT:text", {}, "HINT:text"),
        ("pool_id,TASK:pool_id", {}, "TASK:pool_id"),
        ("INPUT:x,INPUT:x", {}, "INPUT:x"),
    ],
)
def test_two_columns_for_one_value_are_refused(
    tmp_path: Path, header: str, columns: dict[str, str], refused: str
) -> None:
    with pytest.raises(TaskFileError, match="Fills the same value") as raised:
        rows_of(write(tmp_path, "a.csv", f"{header}\n1,2\n"), columns=columns)
    assert list(raised.value.problems) == [refused]


def test_header_cells_are_trimmed(tmp_path: Path) -> None:
    assert rows_of(write(tmp_path, "a.csv", " INPUT:x ,INPUT:y\n1,2\n"))[0].task == task({"x": "1", "y": "2"})


# --- conversions by spec type -------------------------------------------------------------------

CONVERSIONS = [
    ("integer", "5", 5),
    ("integer", "-12", -12),
    ("integer", "+3", 3),
    ("integer", "7.0", 7),
    ("integer", "9" * 30, int("9" * 30)),
    ("float", "0.5", 0.5),
    ("float", "-1e3", -1000.0),
    ("float", ".25", 0.25),
    ("float", "2", 2.0),
    ("boolean", "true", True),
    ("boolean", "False", False),
    ("boolean", "1", True),
    ("boolean", "0", False),
    ("json", '{"a": [1, null]}', {"a": [1, None]}),
    ("json", "3", 3),
    ("array_string", '["a", "b"]', ["a", "b"]),
    ("array_integer", "[1, 2]", [1, 2]),
    ("string", "007", "007"),
    ("url", "http://a/b?c=d", "http://a/b?c=d"),
    ("coordinates", "53.91,27.53", "53.91,27.53"),
    ("file", "123", "123"),
    ("unknown_type", "x", "x"),
]


@pytest.mark.parametrize(("field_type", "cell", "value"), CONVERSIONS)
def test_cells_become_their_fields_type(tmp_path: Path, field_type: str, cell: str, value: Any) -> None:
    spec = {"f": {"type": field_type}}
    row = rows_of(write(tmp_path, "a.tsv", f"INPUT:f\n{cell}\n"), input_spec=spec)[0]
    assert row.errors == {}
    assert row.task is not None
    converted = row.task["input_values"]["f"]
    assert (converted, type(converted)) == (value, type(value))


BAD_CELLS = [
    ("integer", "5.5", "INTEGER_EXPECTED"),
    ("integer", "1_000", "INTEGER_EXPECTED"),
    ("integer", " 5", "INTEGER_EXPECTED"),
    ("integer", "five", "INTEGER_EXPECTED"),
    ("integer", "٥", "INTEGER_EXPECTED"),
    ("integer", "9" * 5000, "INTEGER_EXPECTED"),
    ("float", "nan", "FLOAT_EXPECTED"),
    ("float", "inf", "FLOAT_EXPECTED"),
    ("float", "1e999", "FLOAT_EXPECTED"),
    ("float", "0,5", "FLOAT_EXPECTED"),
    ("boolean", "yes", "BOOLEAN_EXPECTED"),
    ("json", "{a: 1}", "JSON_EXPECTED"),
    ("array_string", "a,b", "ARRAY_EXPECTED"),
    ("array_integer", '{"a": 1}', "ARRAY_EXPECTED"),
]


@pytest.mark.parametrize(("field_type", "cell", "code"), BAD_CELLS)
def test_a_cell_that_cannot_be_converted_is_a_row_problem(
    tmp_path: Path, field_type: str, cell: str, code: str
) -> None:
    spec = {"f": {"type": field_type}}
    quoted = '"' + cell.replace('"', '""') + '"'
    rows = rows_of(write(tmp_path, "a.csv", f"INPUT:f\n{quoted}\n"), input_spec=spec)
    assert [(row.line, row.task, codes(row)) for row in rows] == [(2, None, {"INPUT:f": code})]
    assert rows[0].errors["INPUT:f"].message.endswith(f"got {describe(cell)}")


def test_bad_cells_are_all_reported_and_the_stream_goes_on(tmp_path: Path) -> None:
    text = (
        "INPUT:image\tINPUT:count\tINPUT:flag\tGOLDEN:score\tTASK:overlap\n"
        "http://a\t1\ttrue\t\t1\n"
        "http://b\tone\tmaybe\t\t1\n"
        "\t2\t0\tx\tmany\n"
        "http://d\t\t\t3\t1\n"
    )
    rows = rows_of(write(tmp_path, "a.tsv", text), input_spec=INPUT_SPEC, output_spec=OUTPUT_SPEC)
    assert [(row.line, codes(row)) for row in rows] == [
        (2, {}),
        (3, {"INPUT:count": "INTEGER_EXPECTED", "INPUT:flag": "BOOLEAN_EXPECTED"}),
        (
            4,
            {
                "INPUT:image": "VALUE_REQUIRED",
                "GOLDEN:score": "INTEGER_EXPECTED",
                "TASK:overlap": "INTEGER_EXPECTED",
            },
        ),
        (5, {}),
    ]
    assert rows[0].task == task({"image": "http://a", "count": 1, "flag": True}, overlap=1)
    assert rows[3].task == task(
        {"image": "http://d"}, known_solutions=[{"output_values": {"score": 3}}], overlap=1
    )


def test_without_specs_every_cell_stays_a_string(tmp_path: Path) -> None:
    rows = rows_of(write(tmp_path, "a.tsv", "INPUT:n\tGOLDEN:ok\tTASK:overlap\n5\ttrue\t2\n"))
    assert rows[0].task == task({"n": "5"}, known_solutions=[{"output_values": {"ok": "true"}}], overlap=2)


# --- JSON lines ------------------------------------------------------------------------------------


def test_json_lines_keep_their_values_and_report_bad_lines(tmp_path: Path) -> None:
    text = (
        '{"INPUT:count": "5", "INPUT:image": "http://a", "INPUT:meta": {"k": [1]}}\n'
        "\n"
        "not json\n"
        "[1, 2]\n"
        '{"INPUT:image": "http://b", "extra": 1, "INPUT:nope": 2}\n'
        '{"INPUT:image": null, "INPUT:count": 3}\n'
    )
    rows = rows_of(write(tmp_path, "a.jsonl", text), input_spec=INPUT_SPEC)
    assert rows[0].task == task({"count": "5", "image": "http://a", "meta": {"k": [1]}})
    assert [(row.line, codes(row)) for row in rows] == [
        (1, {}),
        (3, {WHOLE_ROW: "JSON_EXPECTED"}),
        (4, {WHOLE_ROW: "OBJECT_EXPECTED"}),
        (5, {"extra": "VALUE_NOT_ALLOWED", "INPUT:nope": "VALUE_NOT_ALLOWED"}),
        (6, {"INPUT:image": "VALUE_REQUIRED"}),
    ]


# --- DataFrames ------------------------------------------------------------------------------------


@pytest.fixture
def pandas() -> ModuleType:
    module: ModuleType = pytest.importorskip(
        "pandas", reason="pandas is not installed: tasks_from_dataframe needs it (it is in the test extra)"
    )
    return module


def test_a_dataframe_is_read_with_the_convention_and_the_specs(pandas: ModuleType) -> None:
    frame = pandas.DataFrame(
        {
            "url": ["http://a", "http://b", "http://c"],
            "INPUT:count": [1, None, 3],  # widened to float64 by the gap
            "INPUT:share": [0.5, 1, float("nan")],
            "INPUT:flag": [True, False, True],
            "INPUT:tags": ['["x"]', None, '["y", "z"]'],
            "GOLDEN:label": ["cat", None, None],
            "TASK:overlap": [1, 2, 3],
        }
    )
    rows = list(
        tasks_from_dataframe(
            frame, pool_id="7", input_spec=INPUT_SPEC, output_spec=OUTPUT_SPEC, columns={"url": "INPUT:image"}
        )
    )
    assert [(row.line, row.errors) for row in rows] == [(0, {}), (1, {}), (2, {})]
    assert [row.task for row in rows] == [
        task(
            {"image": "http://a", "count": 1, "share": 0.5, "flag": True, "tags": ["x"]},
            known_solutions=[{"output_values": {"label": "cat"}}],
            overlap=1,
        ),
        task({"image": "http://b", "share": 1.0, "flag": False}, overlap=2),
        task({"image": "http://c", "count": 3, "flag": True, "tags": ["y", "z"]}, overlap=3),
    ]
    converted = rows[0].task
    assert converted is not None
    assert [type(value) for value in converted["input_values"].values()] == [str, int, float, bool, list]


def test_dataframe_values_of_the_wrong_type_are_row_problems(pandas: ModuleType) -> None:
    frame = pandas.DataFrame(
        {"INPUT:image": ["http://a", 5], "INPUT:count": ["2", 2.5], "INPUT:flag": ["true", 1]},
        dtype=object,
    )
    rows = list(tasks_from_dataframe(frame, pool_id="7", input_spec=INPUT_SPEC))
    assert rows[0].task == task({"image": "http://a", "count": 2, "flag": True})
    assert codes(rows[1]) == {
        "INPUT:image": "STRING_EXPECTED",
        "INPUT:count": "INTEGER_EXPECTED",
        "INPUT:flag": "BOOLEAN_EXPECTED",
    }
    assert "dtype=str" in rows[1].errors["INPUT:image"].message


def test_dataframe_numbers_past_a_float_are_refused(pandas: ModuleType) -> None:
    frame = pandas.DataFrame({"INPUT:image": ["http://a"], "INPUT:share": [10**400]}, dtype=object)
    rows = list(tasks_from_dataframe(frame, pool_id="7", input_spec=INPUT_SPEC))
    assert codes(rows[0]) == {"INPUT:share": "FLOAT_EXPECTED"}


def test_dataframe_gaps_of_every_kind_leave_values_out(pandas: ModuleType) -> None:
    numpy = pytest.importorskip("numpy")
    frame = pandas.DataFrame(
        {
            "INPUT:image": ["http://a", "http://b"],
            "INPUT:count": pandas.array([numpy.int64(4), pandas.NA], dtype="Int64"),
            "INPUT:note": [numpy.str_("n"), None],
            "INPUT:tags": [numpy.array(["x", "y"]), numpy.nan],
        }
    )
    rows = list(tasks_from_dataframe(frame, pool_id="7", input_spec=INPUT_SPEC))
    assert [row.task for row in rows] == [
        task({"image": "http://a", "count": 4, "note": "n", "tags": ["x", "y"]}),
        task({"image": "http://b"}),
    ]


def test_a_dataframe_header_is_checked_before_the_first_row(pandas: ModuleType) -> None:
    with pytest.raises(TaskFileError, match="DataFrame") as raised:
        tasks_from_dataframe(pandas.DataFrame({"image": ["x"]}), pool_id="7")
    assert list(raised.value.problems) == ["image"]


# --- scale ---------------------------------------------------------------------------------------


def big_row(n: int) -> str:
    """About 110 bytes: a long image URL, a golden answer on every tenth row, an overlap."""
    url = f"https://storage.example.com/talaka/datasets/street-signs/2024-06/{n // 1000:04d}/image-{n:024d}.png"
    return f"{url}\t{'' if n % 10 else 'stop'}\t3\n"


def test_a_large_tsv_streams_in_flat_memory(tmp_path: Path) -> None:
    """The file is larger than the memory allowed, so holding it whole (or its rows) would fail."""
    rows, limit = 200_000, 20_000_000
    path = tmp_path / "big.tsv"
    with path.open("w", encoding="utf-8") as out:
        out.write("INPUT:image\tGOLDEN:label\tTASK:overlap\n")
        for start in range(0, rows, 10_000):
            out.write("".join(map(big_row, range(start, start + 10_000))))
    size = path.stat().st_size
    assert size > limit
    tracemalloc.start()
    try:
        reader = read_tasks(path, pool_id="7", input_spec=INPUT_SPEC, output_spec=OUTPUT_SPEC)
        count = golden = 0
        for row in reader:
            count += 1
            golden += row.task is not None and "known_solutions" in row.task
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (count, golden, reader.bytes_read) == (rows, rows // 10, size)
    assert peak < limit, f"peak {peak / 1e6:.1f} MB"
