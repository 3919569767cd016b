"""Read task files (TSV, CSV, JSON lines) and DataFrames into Toloka task dicts, one row at a time.

Task files run to millions of rows, so every reader is a generator: memory stays flat and the
caller uploads batch after batch while it reads. Columns follow Toloka's convention (`INPUT:image`,
`GOLDEN:label`, `HINT:text`, `TASK:overlap`, `TASK:pool_id`); `columns=` renames plain headers.
Cells are converted by the project's field specs (`"5"` becomes `5` for an `integer` field), so
type mistakes surface before anything is sent. A bad cell does not stop the stream: its row comes
back with the problem, and the caller reports every bad cell of the file in one pass, as the
server reports every bad field. Only a source that cannot be read as tasks at all raises.
"""

from __future__ import annotations

import csv
import importlib
import math
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol

import msgspec

from talaka.client._exceptions import TalakaError
from talaka.core.errors import FieldError
from talaka.core.fieldspec import describe, kind_of

__all__ = [
    "ColumnMapping",
    "FORMATS",
    "FieldSpecs",
    "PREFIXES",
    "ReadRow",
    "TaskFileError",
    "TaskReader",
    "WHOLE_ROW",
    "read_tasks",
    "tasks_from_dataframe",
]

FORMATS: Final = ("csv", "jsonl", "tsv")
PREFIXES: Final = ("INPUT:", "GOLDEN:", "HINT:", "TASK:")
WHOLE_ROW: Final = ""
"""The error key of a problem with the row as a whole (bad JSON, a wrong number of cells)."""

FieldSpecs = Mapping[str, Mapping[str, Any]]
ColumnMapping = Mapping[str, str | None]
"""Source column -> the convention's name for it (`"INPUT:image"`), or None to skip the column."""

_SUFFIXES: Final = {".tsv": "tsv", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_DELIMITERS: Final = {"tsv": "\t", "csv": ","}
_HINT = "message_on_unknown_solution"
_TASK_COLUMNS: Final = {
    "pool_id": "pool_id",
    "TASK:pool_id": "pool_id",
    "TASK:overlap": "overlap",
    "HINT:": _HINT,
    "HINT:text": _HINT,
}
_INPUTS, _GOLDEN = "input_values", "known_solutions"
_Convert = Callable[[Any], object]


class TaskFileError(TalakaError, ValueError):
    """A source that cannot be read as tasks at all, so no further row can come out of it.

    Also a `ValueError`, so code that catches bad input generically catches this one too.
    A bad header lists every bad column in `problems` (column -> FieldError) at once, so it is
    fixed in one go. A bad cell is not a `TaskFileError`: it comes back in `ReadRow.errors`.
    """

    def __init__(self, message: str, problems: Mapping[str, FieldError] | None = None) -> None:
        super().__init__(message)
        self.problems: dict[str, FieldError] = dict(problems or {})


@dataclass(frozen=True, slots=True)
class ReadRow:
    """One task read from a source, or the reasons it could not be read.

    `line` is where the row starts: the physical line in a file, the header being line 1 (a quoted
    cell spanning lines moves the rows after it down, as an editor shows them), or the position of
    a DataFrame row, `frame.iloc[line]`. `errors` maps a column, as the source names it, to its
    problem (`WHOLE_ROW` for the row itself); `task` is None exactly when there are errors.
    """

    line: int
    task: dict[str, Any] | None
    errors: dict[str, FieldError]


_RowsOf = Callable[[Iterator[str]], Iterator[ReadRow]]
"""Turns the decoded lines of a file into its rows: one per format."""


class _Problem(Exception):
    """A cell or a column that cannot be used, carried up to the row or header that reports it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error = FieldError(code, message)


# One conversion per field type, for text cells and for a DataFrame's Python values alike.
# Python's own int() and float() also take "1_000", " 5", "nan" and Arabic digits, which no other
# tool reads the same way, so the syntax of text is checked first.
_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
"""Also "5.0": pandas writes an integer column that has gaps as floats."""
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_DIGITS = 4300
"""Python's int() refuses longer text; such a number is far past what a field can hold anyway."""
_BOOLEANS: Final[dict[object, bool]] = {"true": True, "false": False, "1": True, "0": False}


def _to_integer(value: object) -> int:
    """An integral float is an integer column that pandas widened to float because it has gaps."""
    if isinstance(value, str) and len(value) <= _MAX_DIGITS:
        if value.isascii() and value.isdigit():
            return int(value)
        if _INTEGER.fullmatch(value):
            return int(value.partition(".")[0])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Problem("INTEGER_EXPECTED", f"Expected an integer such as 5, got {describe(value)}")


def _to_float(value: object) -> float:
    number = math.nan
    if isinstance(value, str) and _FLOAT.fullmatch(value):
        number = float(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer past the largest float
            pass
    if math.isfinite(number):
        return number
    raise _Problem("FLOAT_EXPECTED", f"Expected a finite number such as 0.5, got {describe(value)}")


def _to_boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    raise _Problem("BOOLEAN_EXPECTED", f"Expected true, false, 1 or 0, got {describe(value)}")


def _to_string(value: object) -> str:
    """Never turns a number into text: 0.5 could have been "0.50", and an id 7 "007"."""
    if isinstance(value, str):
        return value
    raise _Problem(
        "STRING_EXPECTED", f"Expected a string, got {kind_of(value)} (read the column with dtype=str)"
    )


def _to_json(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return msgspec.json.decode(value)
    except msgspec.DecodeError:
        raise _Problem("JSON_EXPECTED", f"Expected a JSON value, got {describe(value)}") from None


def _to_array(value: object) -> list[Any]:
    array = value
    if isinstance(value, str):
        try:
            array = msgspec.json.decode(value)
        except msgspec.DecodeError:
            pass
    if isinstance(array, (list, tuple)):
        return list(array)
    raise _Problem("ARRAY_EXPECTED", f'Expected a JSON array such as ["a", "b"], got {describe(value)}')


_ELEMENT_TYPES = ("boolean", "string", "integer", "float", "url", "file", "coordinates", "json")
_CONVERTERS: Final[dict[str, _Convert]] = {
    "integer": _to_integer,
    "float": _to_float,
    "boolean": _to_boolean,
    "json": _to_json,
    **{name: _to_string for name in ("string", "url", "file", "coordinates")},
    **{f"array_{name}": _to_array for name in _ELEMENT_TYPES},
}


def _converter(field_type: object, typed: bool) -> _Convert | None:
    """The conversion of a field's non-empty values, or None to keep them as they come.

    JSON values (`typed`) already carry their types: they are kept, for the server to judge.
    """
    if typed or not isinstance(field_type, str):
        return None
    return _CONVERTERS.get(field_type)


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    """As the source names it: the key of its errors."""
    target: str
    """`input_values`, `known_solutions`, or the task key the value goes to."""
    name: str
    """The field, for `input_values` and `known_solutions`."""
    convert: _Convert | None
    required: bool = False


@dataclass(frozen=True, slots=True)
class _Convention:
    """Toloka's column convention, with the caller's pool, specs and renames applied."""

    pool_id: str | None
    input_spec: FieldSpecs | None
    output_spec: FieldSpecs | None
    renames: ColumnMapping
    typed: bool
    """Values come as JSON (JSON lines), which carries its own types, not as text or Python values."""

    def column(self, header: str) -> _Column | None:
        """Plan one column (None: skipped by the renames), or raise `_Problem` when it is unknown."""
        target = self.renames[header] if header in self.renames else header
        if target is None:
            return None
        if target in _TASK_COLUMNS:
            key = _TASK_COLUMNS[target]
            return _Column(header, key, "", _converter("integer", self.typed) if key == "overlap" else None)
        prefix, _, name = target.partition(":")
        if prefix == "INPUT" and name:
            return self._field(header, _INPUTS, name, self.input_spec)
        if prefix == "GOLDEN" and name:
            return self._field(header, _GOLDEN, name, self.output_spec)
        raise _Problem("VALUE_NOT_ALLOWED", _unknown_column_message(header, target))

    def _field(self, header: str, target: str, name: str, specs: FieldSpecs | None) -> _Column:
        if specs is None:
            return _Column(header, target, name, None)
        spec = specs.get(name)
        if spec is None:
            side = "input" if target == _INPUTS else "output"
            raise _Problem(
                "VALUE_NOT_ALLOWED",
                f"The {side} spec has no field {describe(name)}; its fields: {', '.join(sorted(specs))}",
            )
        required = target == _INPUTS and spec.get("required", True) is not False
        return _Column(header, target, name, _converter(spec.get("type"), self.typed), required)

    def columns(self, headers: Iterable[str], where: str) -> list[_Column | None]:
        """Plan a whole header, or raise one `TaskFileError` that lists every bad column."""
        planned: list[_Column | None] = []
        problems: dict[str, FieldError] = {}
        owners: dict[tuple[str, str], str] = {}
        for header in headers:
            try:
                column = self.column(header)
            except _Problem as problem:
                problems[header] = problem.error
                column = None
            planned.append(column)
            if column is None:
                continue
            key = (column.target, column.name)
            if key in owners:
                message = f"Fills the same value as {describe(owners[key])}"
                problems[header] = FieldError("VALUE_NOT_ALLOWED", message)
            else:
                owners[key] = header
        if self.pool_id is None and ("pool_id", "") not in owners:
            problems["pool_id"] = _no_pool()
        if problems:
            listed = "".join(f"\n  {describe(header)}: {error.message}" for header, error in problems.items())
            raise TaskFileError(f"{where}: the header breaks the column convention:{listed}", problems)
        return planned

    def task(
        self, line: int, cells: Iterable[tuple[_Column | None, object]], errors: dict[str, FieldError]
    ) -> ReadRow:
        """Build the task of one row; empty cells (None or "") leave their value out.

        Runs once per row of files with millions of rows, so it allocates only what the task
        holds: the golden answer's dicts appear with its first value.
        """
        inputs: dict[str, Any] = {}
        golden: dict[str, Any] | None = None
        task: dict[str, Any] = {"pool_id": self.pool_id, _INPUTS: inputs}
        for column, cell in cells:
            if column is None:
                continue
            if cell is None or cell == "":
                if column.required:
                    errors[column.header] = FieldError("VALUE_REQUIRED", "Value must be present")
                continue
            try:
                value = cell if column.convert is None else column.convert(cell)
            except _Problem as problem:
                errors[column.header] = problem.error
                continue
            if column.target == _INPUTS:
                inputs[column.name] = value
            elif column.target == _GOLDEN:
                if golden is None:
                    golden = {}
                    task[_GOLDEN] = [{"output_values": golden}]
                golden[column.name] = value
            else:
                task[column.target] = value
        if task["pool_id"] is None:
            errors["pool_id"] = _no_pool()
        return ReadRow(line, None if errors else task, errors)


def _unknown_column_message(header: str, target: str) -> str:
    renamed = "" if header == target else f" (renamed to {describe(target)})"
    return (
        f"Unknown column{renamed}: known prefixes are {', '.join(PREFIXES)} as in INPUT:image, "
        "GOLDEN:label, HINT:text, TASK:overlap, TASK:pool_id; map it with "
        f"columns={{{header!r}: 'INPUT:...'}} or skip it with columns={{{header!r}: None}}"
    )


def _no_pool() -> FieldError:
    return FieldError("VALUE_REQUIRED", "No pool id: pass pool_id= or add a TASK:pool_id column")


def _tabular_rows(
    lines: Iterator[str], *, delimiter: str, convention: _Convention, where: str
) -> Iterator[ReadRow]:
    """Rows of a TSV or CSV file; quoted cells may hold delimiters, quotes and newlines.

    TSV cells are unquoted the CSV way too, as pandas and spreadsheets write them. Rows with
    nothing but empty cells are skipped: spreadsheets leave them at the end of an export.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = convention.columns([cell.strip() for cell in header], where)
        start = reader.line_num + 1
        for cells in reader:
            if any(cells):
                yield _tabular_row(start, cells, columns, convention)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TaskFileError(f"{where}, line {start}: {exc}") from exc


def _tabular_row(
    line: int, cells: list[str], columns: list[_Column | None], convention: _Convention
) -> ReadRow:
    if len(cells) == len(columns):
        return convention.task(line, zip(columns, cells), {})
    message = f"Expected {len(columns)} cells as in the header, got {len(cells)}"
    return ReadRow(line, None, {WHOLE_ROW: FieldError("INVALID_VALUE", message)})


def _json_rows(lines: Iterator[str], *, convention: _Convention, where: str) -> Iterator[ReadRow]:
    """Rows of a JSON lines file: each line a task in Toloka's shape or a flat convention object."""
    columns: dict[str, _Column | FieldError | None] = {}
    for line, text in enumerate(lines, start=1):
        if text.strip():
            yield _json_row(line, text, convention, columns)


def _json_row(
    line: int, text: str, convention: _Convention, columns: dict[str, _Column | FieldError | None]
) -> ReadRow:
    """One JSON line. Flat objects may each have other keys, so columns are planned per key, once."""
    try:
        item = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        return ReadRow(line, None, {WHOLE_ROW: FieldError("JSON_EXPECTED", f"Not a JSON object: {exc}")})
    if not isinstance(item, dict):
        message = f"Expected an object, got {kind_of(item)}"
        return ReadRow(line, None, {WHOLE_ROW: FieldError("OBJECT_EXPECTED", message)})
    if _INPUTS in item:
        return _toloka_task(line, item, convention.pool_id)
    errors: dict[str, FieldError] = {}
    cells: list[tuple[_Column | None, object]] = []
    for key, value in item.items():
        column = columns[key] if key in columns else _plan(convention, key)
        if len(columns) < _MAX_PLANNED_KEYS:
            columns[key] = column
        if isinstance(column, FieldError):
            errors[key] = column
        else:
            cells.append((column, value))
    return convention.task(line, cells, errors)


_MAX_PLANNED_KEYS = 1000
"""Plans kept for the keys seen so far: enough for any real file, and a bound for one whose
lines each bring new keys."""


def _plan(convention: _Convention, key: str) -> _Column | FieldError | None:
    try:
        return convention.column(key)
    except _Problem as problem:
        return problem.error


def _toloka_task(line: int, task: dict[str, Any], pool_id: str | None) -> ReadRow:
    """A task already in the API's shape is sent as written; only a missing pool id is filled in."""
    if task.get("pool_id") is None:
        if pool_id is None:
            return ReadRow(line, None, {"pool_id": _no_pool()})
        task["pool_id"] = pool_id
    return ReadRow(line, task, {})


class TaskReader:
    """The rows of one task file, read lazily; `bytes_read` drives a progress bar.

    `format` is the format in use ("csv", "jsonl" or "tsv"). Iterate the reader once. A file
    opened from a path is closed when the rows run out or on `close()`; a stream the caller
    passed in is left open.
    """

    def __init__(self, source: str | Path | BinaryIO, rows_of: _RowsOf, format: str) -> None:
        self.format = format
        self._bytes_read = 0
        self._rows = self._read(source, rows_of)

    @property
    def bytes_read(self) -> int:
        """Bytes of the source consumed so far: exactly the lines behind the rows already yielded."""
        return self._bytes_read

    def __iter__(self) -> Iterator[ReadRow]:
        return self

    def __next__(self) -> ReadRow:
        return next(self._rows)

    def close(self) -> None:
        """Stop early (`contextlib.closing(reader)` calls this): a file opened from a path is closed."""
        self._rows.close()

    def _read(self, source: str | Path | BinaryIO, rows_of: _RowsOf) -> Generator[ReadRow, None, None]:
        with ExitStack() as stack:
            if isinstance(source, (str, Path)):
                stream: BinaryIO = stack.enter_context(Path(source).open("rb"))
            else:
                stream = source
            yield from rows_of(self._lines(stream, _name_of(source)))

    def _lines(self, stream: BinaryIO, where: str) -> Iterator[str]:
        """Decode line by line rather than through a text wrapper: a bad byte gets its exact line,
        and `bytes_read` never runs ahead of the rows by a read-ahead buffer."""
        encoding = "utf-8-sig"
        for number, raw in enumerate(stream, start=1):
            self._bytes_read += len(raw)
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise TaskFileError(f"{where}, line {number}: not UTF-8 text ({exc.reason})") from None
            encoding = "utf-8"
            yield text


def _name_of(source: str | Path | BinaryIO) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _format_of(source: str | Path | BinaryIO, format: str | None) -> str:
    """The explicit format, else the suffix's; a stream naming no file (stdin) is TSV, Toloka's default."""
    if format is not None:
        if format not in FORMATS:
            raise TaskFileError(f"Unknown format {format!r}; expected one of: {', '.join(FORMATS)}")
        return format
    name = _name_of(source)
    suffix = Path(name).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix or isinstance(source, (str, Path)):
        raise TaskFileError(
            f"Cannot tell the format of {name} from its suffix (known: {', '.join(sorted(_SUFFIXES))}); "
            f"pass format= one of: {', '.join(FORMATS)}"
        )
    return "tsv"


def read_tasks(
    source: str | Path | BinaryIO,
    *,
    pool_id: str | None = None,
    input_spec: FieldSpecs | None = None,
    output_spec: FieldSpecs | None = None,
    format: str | None = None,
    columns: ColumnMapping | None = None,
) -> TaskReader:
    """Read tasks from a TSV, CSV or JSON lines file, a path or a binary stream such as stdin.

    `pool_id` is used where a row names no pool. With `input_spec` / `output_spec` (a project's
    `task_spec` halves), text cells are converted to their field's type and columns naming an
    unknown field are refused; without them every cell stays a string. Nothing is opened or
    read until the first row is asked for.
    """
    resolved = _format_of(source, format)
    convention = _Convention(pool_id, input_spec, output_spec, columns or {}, resolved == "jsonl")
    where = _name_of(source)
    rows_of: _RowsOf
    if resolved == "jsonl":
        rows_of = partial(_json_rows, convention=convention, where=where)
    else:
        rows_of = partial(_tabular_rows, delimiter=_DELIMITERS[resolved], convention=convention, where=where)
    return TaskReader(source, rows_of, resolved)


class _DataFrame(Protocol):
    """What the reader uses of a pandas DataFrame, so that pandas stays an optional dependency."""

    @property
    def columns(self) -> Iterable[Any]: ...

    def itertuples(self, index: bool = ..., name: str | None = ...) -> Iterable[tuple[Any, ...]]: ...


def tasks_from_dataframe(
    frame: _DataFrame,
    *,
    pool_id: str | None = None,
    input_spec: FieldSpecs | None = None,
    output_spec: FieldSpecs | None = None,
    columns: ColumnMapping | None = None,
) -> Iterator[ReadRow]:
    """Read tasks from a pandas DataFrame with the same convention and options as `read_tasks`.

    The header is checked now, so a bad column raises before the first row is asked for. Values
    are checked against the specs: an integer column that pandas widened to float because of
    gaps comes back as integers, and string cells are parsed like a file's.
    """
    pandas = importlib.import_module("pandas")
    convention = _Convention(pool_id, input_spec, output_spec, columns or {}, False)
    planned = convention.columns([str(name) for name in frame.columns], "DataFrame")
    plain = partial(_plain, is_scalar=pandas.api.types.is_scalar, is_missing=pandas.isna)
    return (
        convention.task(position, zip(planned, map(plain, values)), {})
        for position, values in enumerate(frame.itertuples(index=False, name=None))
    )


def _plain(
    value: object, *, is_scalar: Callable[[object], bool], is_missing: Callable[[object], bool]
) -> object:
    """A DataFrame value as a plain Python one: every kind of gap (None, NaN, NaT, pd.NA) becomes
    None, and numpy scalars and arrays become Python numbers and lists."""
    if is_scalar(value) and is_missing(value):
        return None
    to_list = getattr(value, "tolist", None)
    return to_list() if callable(to_list) else value
