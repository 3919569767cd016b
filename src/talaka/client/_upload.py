"""Uploading a task file into a pool, resumably: the engine of `talaka upload`.

The file is read with `read_tasks` (one row at a time; cells converted by the project's input and
output specs) and cut into chunks of 10,000 rows, or fewer when their JSON passes 8 MB. Each chunk
is one asynchronous `POST /tasks`, a few at a time, while the next chunks are read: memory stays
flat however long the file is.

A chunk's operation id is derived from what it holds, never drawn at random:

    uuid5(NAMESPACE, "<pool id>/<chunk number>/<blake2b of the chunk's JSON body>/<attempt>")

so a run over the same file finds the operations of every earlier run. Before a chunk is sent,
its operation is read: SUCCESS means an earlier run created it (the chunk is skipped), FAIL means
nothing of it was created (the next attempt number is tried), DOES_NOT_EXIST means it is sent now.
A POST repeated after a lost answer gets 409 `OPERATION_ALREADY_EXISTS`, and the operation is read
instead. However a run ends (Ctrl-C, SIGKILL, a dropped connection), running it again creates
each task exactly once.

Invalid rows are reported, never fatal: the reader's conversion problems and the server's
validation errors (mapped from the position in the chunk back to the file's line) go to a TSV
file, `line, field, code, message`, in line order. Without `skip_invalid`, a first pass checks
every chunk with Talaka's `dry_run=true` (nothing is created) and the second pass creates only
when no row at all is invalid; so that source must be a path, read twice (`spooled` copies a
stream to a temporary file). `open_pool` opens the pool once the last chunk is in, with its own
request rather than the flag of the last chunk, so that a rerun whose chunks all exist opens it too.

Chunks are read on the calling thread while the client's threads send the ones read before
(`Parallel`); their outcomes are counted and written in file order by `_Ledger`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
import time
import uuid
from array import array
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, BinaryIO, Final, TextIO

import msgspec

from talaka.client._core import (
    OPERATION_TIMEOUT,
    Call,
    Flow,
    Parallel,
    Settings,
    get_operation,
    path_id,
    query,
    send,
    wait_operation,
)
from talaka.client._exceptions import (
    DoesNotExistApiError,
    FailedOperation,
    IncorrectActionsApiError,
    TalakaError,
)
from talaka.client._models import FieldValidationError, Operation
from talaka.client._readers import ColumnMapping, TaskReader, read_tasks
from talaka.client._sync import Client

CHUNK_ROWS: Final = 10_000
"""Rows of the file per request: Toloka's recommended asynchronous batch."""
CHUNK_BYTES: Final = 8 * 1024 * 1024
"""A chunk also ends before its JSON passes this, well below the server's 64 MB body limit."""
IN_FLIGHT: Final = 3
"""Requests at once: one being written by the server while the next ones travel."""
MAX_ATTEMPTS: Final = 100
"""Operation ids tried per chunk; each earlier one ended FAIL, so it created nothing."""
NAMESPACE: Final = uuid.UUID("5b0f5c3e-7d0a-4f55-9a57-2f1d1c7e0a10")
"""The uuid5 namespace of upload operation ids; never change it, or reruns stop resuming."""
REPORT_EVERY: Final = 5.0
"""Seconds between progress lines when stderr is not a terminal."""
ERRORS_HEADER: Final = ("line", "field", "code", "message")
TASK_BATCH_CREATE: Final = "TASK.BATCH_CREATE"

_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class UploadOptions:
    """What to upload where, and how (the flags are those of `create_tasks`)."""

    pool_id: str
    allow_defaults: bool = False
    open_pool: bool = False
    skip_invalid: bool = False
    format: str | None = None
    columns: ColumnMapping = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        return query({"async_mode": True, "allow_defaults": self.allow_defaults,
                      "skip_invalid_items": self.skip_invalid})


@dataclass(frozen=True, slots=True)
class Problem:
    """One line of the errors file: a row of the task file, one of its fields, what is wrong."""

    line: int
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive rows of the file: the valid ones as one JSON body, the invalid ones as problems."""

    number: int
    rows: int
    body: bytes
    lines: array[int]
    """The file line of each task in `body`, by its position there."""
    problems: list[Problem]
    """The reader's: rows that could not become tasks."""
    digest: str
    """Of `body`: a chunk's identity across runs, with its number and the pool."""

    def operation_id(self, pool_id: str, attempt: int) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{pool_id}/{self.number}/{self.digest}/{attempt}"))


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    number: int
    rows: int
    created: int = 0
    skipped: int = 0
    """Tasks of the chunk an earlier run created."""
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class Tally:
    """What a pass over the file found so far, in file order."""

    rows: int = 0
    created: int = 0
    invalid: int = 0
    skipped: int = 0
    bytes_read: int = 0
    stopped: bool = False
    """A chunk was refused without `skip_invalid`: no further chunk is sent."""


@dataclass(frozen=True, slots=True)
class Summary:
    """The end of a run: what `talaka upload` prints, and its exit status."""

    rows: int
    created: int
    invalid: int
    skipped: int
    seconds: float
    errors_path: str
    refused: bool
    """Nothing new was created because rows are invalid (no `skip_invalid`)."""
    stopped: bool
    """Creation stopped part-way: a pool changed after the check and refused a chunk."""

    @property
    def exit_code(self) -> int:
        """0: every row of the file is in the pool; 1: some rows are invalid or were not created."""
        return 1 if self.invalid or self.refused or self.stopped else 0

    def lines(self, *, verdict: bool = True) -> list[str]:
        """The counts, one a line, then (with `verdict`) why rows were not created, if they were not."""
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        report = [f"Rows read:        {self.rows:,}",
                  f"Tasks created:    {self.created:,}",
                  f"Invalid rows:     {self.invalid:,}" + (f" (see {self.errors_path})" if self.invalid else ""),
                  f"Already uploaded: {self.skipped:,} (skipped: created by an earlier run)",
                  f"Elapsed:          {self.seconds:.1f} s ({rate:,.0f} rows/s)"]
        if verdict and self.refused:
            report.append("Nothing new was created because some rows are invalid: fix them, "
                          "or pass --skip-invalid to create the valid ones.")
        elif verdict and self.stopped:
            report.append("Creation stopped part-way: a chunk was refused after the check (did the pool "
                          "or its project change?). Running the command again resumes.")
        return report


# Reading the file into chunks.

_INPUT_PATH: Final = re.compile(r"input_values\.([^.]+)(.*)")
_GOLDEN_PATH: Final = re.compile(r"known_solutions\.[0-9]+\.output_values\.([^.]+)(.*)")
_TASK_PATHS: Final = {"overlap": "TASK:overlap", "message_on_unknown_solution": "HINT:text"}


class _Columns:
    """Server field paths in the file's terms: `input_values.x` -> `INPUT:x`, or the column renamed to it."""

    def __init__(self, renames: ColumnMapping) -> None:
        self._sources = {("HINT:text" if target == "HINT:" else target): source
                         for source, target in renames.items() if target is not None}

    def of(self, path: str) -> str:
        name, rest = _TASK_PATHS.get(path, path), ""
        if match := _INPUT_PATH.fullmatch(path):
            name, rest = "INPUT:" + match[1], match[2]
        elif match := _GOLDEN_PATH.fullmatch(path):
            name, rest = "GOLDEN:" + match[1], match[2]
        return self._sources.get(name, name) + rest


def chunks(reader: TaskReader, rows_per_chunk: int = CHUNK_ROWS,
           max_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Cut the rows into chunks; the cuts depend only on the file, so every run makes the same ones."""
    numbers = count()
    rows, size = 0, 0
    parts: list[bytes] = []
    lines = array("q")
    problems: list[Problem] = []

    def cut() -> Chunk:
        nonlocal rows, size, parts, lines, problems
        body = b"[" + b",".join(parts) + b"]" if parts else b""
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        chunk = Chunk(next(numbers), rows, body, lines, problems, digest)
        rows, size, parts, lines, problems = 0, 0, [], array("q"), []
        return chunk

    for row in reader:
        if row.task is None:
            problems.extend(Problem(row.line, column, error.code, error.message)
                            for column, error in row.errors.items())
        else:
            encoded = _encode(row.task)
            if parts and size + len(encoded) > max_bytes:
                yield cut()
            parts.append(encoded)
            lines.append(row.line)
            size += len(encoded) + 1
        rows += 1
        if rows >= rows_per_chunk:
            yield cut()
    if rows:
        yield cut()


# One flow per chunk: check it, or create it.

class _Position(msgspec.Struct):
    item_idx: str | None = msgspec.field(default=None, name="__item_idx")


class _LogEntry(msgspec.Struct):
    input: _Position
    output: msgspec.Raw
    success: bool = False


class _DryRun(msgspec.Struct):
    validation_errors: dict[int, dict[str, FieldValidationError]] = {}


_decode_log = msgspec.json.Decoder(list[_LogEntry]).decode
_decode_dry_run = msgspec.json.Decoder(_DryRun).decode
_decode_field_errors = msgspec.json.Decoder(dict[str, FieldValidationError]).decode
_decode_operation = msgspec.json.Decoder(Operation).decode


def _problems(chunk: Chunk, by_position: Mapping[int, Mapping[str, FieldValidationError]],
              columns: _Columns) -> list[Problem]:
    return [Problem(chunk.lines[position], columns.of(path), error.code, error.message)
            for position, errors in by_position.items() for path, error in errors.items()]


def _earlier(chunk: Chunk, pool_id: str, settings: Settings) -> Flow[tuple[str, Operation | None]]:
    """The id to send the chunk with, or the operation that an earlier run created it by."""
    for attempt in range(MAX_ATTEMPTS):
        operation_id = chunk.operation_id(pool_id, attempt)
        try:
            operation = yield from get_operation(operation_id, settings)
        except DoesNotExistApiError:
            return operation_id, None
        if operation.type != TASK_BATCH_CREATE:
            raise TalakaError(f"operation {operation_id} is a {operation.type}, not a task upload")
        operation = yield from wait_operation(operation, OPERATION_TIMEOUT, settings)
        if operation.status != "FAIL":
            return operation_id, operation
    raise TalakaError(f"chunk {chunk.number} (from line {chunk.lines[0]}) failed {MAX_ATTEMPTS} times")


def _ended(chunk: Chunk, operation: Operation, columns: _Columns, settings: Settings,
           *, earlier: bool) -> Flow[ChunkOutcome]:
    """The outcome of a chunk's finished operation; its log is read only when it refused tasks."""
    details = operation.details
    created = int(details.get("created_count") or 0) if operation.status == "SUCCESS" else 0
    problems = list(chunk.problems)
    if operation.status == "FAIL" or details.get("invalid_count"):
        log = yield from send(Call("GET", f"/v1/operations/{path_id(operation.id)}/log"), settings)
        refused = {int(entry.input.item_idx): _decode_field_errors(entry.output)
                   for entry in _decode_log(log.content) if not entry.success and entry.input.item_idx}
        if operation.status == "FAIL" and not refused:
            raise FailedOperation(operation)
        problems.extend(_problems(chunk, refused, columns))
    if earlier:
        return ChunkOutcome(chunk.number, chunk.rows, skipped=created, problems=problems)
    return ChunkOutcome(chunk.number, chunk.rows, created=created, problems=problems)


def check_chunk(chunk: Chunk, options: UploadOptions, columns: _Columns,
                settings: Settings) -> Flow[ChunkOutcome]:
    """Validate a chunk with `dry_run=true` (nothing is created), unless an earlier run created it."""
    if not chunk.body:
        return ChunkOutcome(chunk.number, chunk.rows, problems=chunk.problems)
    _, earlier = yield from _earlier(chunk, options.pool_id, settings)
    if earlier is not None:
        return (yield from _ended(chunk, earlier, columns, settings, earlier=True))
    call = Call("POST", "/v1/tasks", {**options.params(), "dry_run": "true"}, chunk.body)
    reply = yield from send(call, settings)
    found = _decode_dry_run(reply.content).validation_errors
    return ChunkOutcome(chunk.number, chunk.rows, problems=chunk.problems + _problems(chunk, found, columns))


def create_chunk(chunk: Chunk, options: UploadOptions, columns: _Columns,
                 settings: Settings) -> Flow[ChunkOutcome]:
    """Create a chunk's tasks once: skip it if an earlier run did, continue a repeated request."""
    if not chunk.body:
        return ChunkOutcome(chunk.number, chunk.rows, problems=chunk.problems)
    operation_id, earlier = yield from _earlier(chunk, options.pool_id, settings)
    if earlier is not None:
        return (yield from _ended(chunk, earlier, columns, settings, earlier=True))
    call = Call("POST", "/v1/tasks", {**options.params(), "operation_id": operation_id}, chunk.body)
    try:
        reply = yield from send(call, settings)
        operation = _decode_operation(reply.content)
    except IncorrectActionsApiError as exists:
        if exists.code != "OPERATION_ALREADY_EXISTS":
            raise
        operation = yield from get_operation(operation_id, settings)
    operation = yield from wait_operation(operation, OPERATION_TIMEOUT, settings)
    return (yield from _ended(chunk, operation, columns, settings, earlier=False))


# Reporting.

class ErrorsFile:
    """The invalid rows as TSV (`line, field, code, message`), written chunk by chunk in line order.

    `field` is the column as the file names it (a server path such as `input_values.image` is
    shown as `INPUT:image`, or as the column `--columns` renamed to it); empty for the row as a
    whole. Tabs and line breaks inside a value become spaces.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO = path.open("w", encoding="utf-8", newline="")
        self._file.write("\t".join(ERRORS_HEADER) + "\n")

    def write(self, problems: list[Problem]) -> None:
        for problem in sorted(problems, key=lambda problem: problem.line):
            cells = (str(problem.line), problem.field, problem.code, problem.message)
            self._file.write("\t".join(" ".join(cell.split()) for cell in cells) + "\n")

    def close(self) -> None:
        self._file.close()


class Meter:
    """Progress on stderr: a bar by bytes read when it is a terminal, else a line every few seconds."""

    def __init__(self, total_bytes: int | None, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar_shown = self.stream.isatty() if enabled is None else enabled
        self.total = total_bytes
        self._bar: Any = None
        self._phase = ""
        self._started = self._last = time.monotonic()

    def start(self, phase: str) -> None:
        self.close()
        self._phase = phase
        self._started = self._last = time.monotonic()
        if self.bar_shown:
            from tqdm import tqdm  # type: ignore[import-untyped]

            self._bar = tqdm(total=self.total, desc=phase, unit="B", unit_scale=True, unit_divisor=1024,
                             dynamic_ncols=True, file=self.stream, smoothing=0.1)

    def show(self, tally: Tally, *, final: bool = False) -> None:
        done = f"{tally.rows:,} rows, {tally.created:,} created, {tally.skipped:,} skipped, {tally.invalid:,} invalid"
        if self._bar is not None:
            self._bar.set_postfix_str(done, refresh=False)
            self._bar.update(tally.bytes_read - self._bar.n)
            return
        now = time.monotonic()
        if not final and now - self._last < REPORT_EVERY:
            return
        self._last = now
        read = f"{tally.bytes_read / 1e6:,.1f} MB"
        if self.total:
            read += f" of {self.total / 1e6:,.1f} MB ({100 * tally.bytes_read // max(self.total, 1)}%)"
        print(f"{self._phase}: {read} read, {done}, {now - self._started:.0f} s", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


# The run.

class Upload:
    """One run of `talaka upload`: `run()` returns the summary; `summary()` also works part-way."""

    def __init__(self, client: Client, source: Path | BinaryIO, options: UploadOptions, errors_path: Path,
                 *, progress: bool | None = None, in_flight: int = IN_FLIGHT) -> None:
        if not options.skip_invalid and not isinstance(source, Path):
            raise ValueError("without skip_invalid the source is read twice, so it must be a path")
        self.client = client
        self.source = source
        self.options = options
        self.errors_path = errors_path
        self.settings = Settings(chunk_size=CHUNK_ROWS, max_in_flight=in_flight)
        self.columns = _Columns(options.columns)
        self.meter = Meter(source.stat().st_size if isinstance(source, Path) else None, progress)
        self.tally = Tally()
        self.refused = False
        self._started = time.monotonic()

    def run(self) -> Summary:
        self._started = time.monotonic()
        pool = self.client.get_pool(self.options.pool_id)
        spec = self.client.get_project(pool.project_id or "").task_spec or {}
        errors = ErrorsFile(self.errors_path)
        try:
            if not self.options.skip_invalid:
                self._pass("checking", check_chunk, spec, errors, stop_on_problems=False)
                self.refused = self.tally.invalid > 0
            if not self.refused:
                self._pass("uploading", create_chunk, spec, errors, stop_on_problems=not self.options.skip_invalid)
        finally:
            self.meter.close()
            errors.close()
        if self.options.open_pool and not (self.refused or self.tally.stopped) \
                and self.tally.created + self.tally.skipped:
            self.client.open_pool(self.options.pool_id)
        return self.summary()

    def summary(self) -> Summary:
        tally = self.tally
        return Summary(tally.rows, tally.created, tally.invalid, tally.skipped, time.monotonic() - self._started,
                       str(self.errors_path), self.refused, tally.stopped)

    def _pass(self, phase: str, flow_of: Callable[[Chunk, UploadOptions, _Columns, Settings], Flow[ChunkOutcome]],
              spec: Mapping[str, Any], errors: ErrorsFile, *, stop_on_problems: bool) -> None:
        """Read the whole file once and run `flow_of` on each chunk, a few at a time, while reading on."""
        self.tally = tally = Tally()
        ledger = _Ledger(tally, errors, stop_on_problems, self.meter)
        self.meter.start(phase)
        reader = read_tasks(self.source, pool_id=self.options.pool_id, input_spec=spec.get("input_spec"),
                            output_spec=spec.get("output_spec"), format=self.options.format,
                            columns=self.options.columns)

        def flows() -> Iterator[Flow[ChunkOutcome]]:
            for chunk in chunks(reader):
                if tally.stopped:
                    return
                tally.bytes_read = reader.bytes_read
                self.meter.show(tally)
                yield flow_of(chunk, self.options, self.columns, self.settings)

        def everything() -> Flow[None]:
            yield Parallel(flows(), self.settings.max_in_flight, ledger.take)

        with closing(reader):
            self.client._run(everything())
        self.meter.show(tally, final=True)


class _Ledger:
    """Chunk outcomes, which arrive in any order, counted and written to the errors file in file order."""

    def __init__(self, tally: Tally, errors: ErrorsFile, stop_on_problems: bool, meter: Meter) -> None:
        self.tally = tally
        self.errors = errors
        self.stop_on_problems = stop_on_problems
        self.meter = meter
        self._waiting: dict[int, ChunkOutcome] = {}
        self._next = 0

    def take(self, outcome: ChunkOutcome) -> None:
        self._waiting[outcome.number] = outcome
        tally = self.tally
        while self._next in self._waiting:
            done = self._waiting.pop(self._next)
            self._next += 1
            tally.rows += done.rows
            tally.created += done.created
            tally.skipped += done.skipped
            tally.invalid += len({problem.line for problem in done.problems})
            self.errors.write(done.problems)
            tally.stopped = tally.stopped or (self.stop_on_problems and bool(done.problems))
        self.meter.show(tally)


def default_errors_path(file: str) -> Path:
    """`<FILE>.errors.tsv`, or `talaka-upload.errors.tsv` in the working folder for standard input."""
    return Path("talaka-upload.errors.tsv") if file == "-" else Path(file + ".errors.tsv")


@contextmanager
def spooled(stream: BinaryIO) -> Iterator[Path]:
    """A stream copied to a temporary file (removed afterwards), so that it can be read twice."""
    with tempfile.TemporaryDirectory(prefix="talaka-upload-") as folder:
        path = Path(folder) / "stdin"
        with path.open("wb") as copy:
            shutil.copyfileobj(stream, copy, 1024 * 1024)
        yield path
