"""`talaka results`: a pool's answers, or one aggregated answer per task, streamed into a file.

Answers come from the assignments export (`GET /new/requester/pools/{id}/assignments.tsv`, the one
`get_assignments_df` reads), read as it streams and written row by row, so memory stays flat however
many answers the pool holds: TSV keeps the export's columns and quoting (pandas reads it back as
`get_assignments_df` does), CSV the same columns with commas, and JSON lines one object per row with
typed values (the project's specs say which cells hold JSON rather than text).

Aggregated answers come from a `SOLUTION.AGGREGATE` operation: its results and the pool's tasks are
both paged in task id order, so they are merged like two sorted files and each solution is written
next to its task's input values, again without holding either list.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

import httpx
import msgspec

from talaka.client._aggregation import AggregatedSolution
from talaka.client._assignments import tsv_statuses
from talaka.client._core import Reply, error_of, path_id
from talaka.client._exceptions import TalakaError
from talaka.client._models import Project, Task
from talaka.client._progress import Progress
from talaka.client._sync import Client

FORMATS: Final = ("tsv", "csv", "jsonl")
METHODS: Final = {"dawid-skene": "DAWID_SKENE", "majority-vote": "MAJORITY_VOTE",
                  "weighted": "WEIGHTED_DYNAMIC_OVERLAP"}
ANSWER_STATUSES: Final = "SUBMITTED,APPROVED,REJECTED"
"""Every assignment that holds answers (the export's word APPROVED is ACCEPTED)."""
TEXT_TYPES: Final = frozenset({"string", "url", "file", "json_string"})
"""Spec types whose values the export writes as they are; any other type is written as JSON."""
PAGE: Final = 10_000
_encode = msgspec.json.encode


@dataclass(frozen=True)
class ResultsOptions:
    pool_id: str
    file_format: str
    aggregate: str | None = None
    """a key of `METHODS`, or None for every answer"""
    fields: tuple[str, ...] = ()
    """output fields to aggregate (default: every output field)"""
    skill_id: str | None = None
    statuses: str = ANSWER_STATUSES


Row = list[Any]


class _Chunks(io.RawIOBase):
    """A readable stream over an iterator of byte chunks, so that `csv` can read a response as it arrives."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            self._left = next(self._chunks, b"")
            if not self._left:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


class _Writer:
    """Rows out in one format; `header` first. Cells are Python values: text stays text, anything else
    is JSON in TSV and CSV and itself in JSON lines."""

    def __init__(self, out: IO[str], file_format: str, header: list[str]) -> None:
        self.file_format = file_format
        self.header = header
        self._out = out
        if file_format == "jsonl":
            self._csv = None
        else:
            self._csv = csv.writer(out, delimiter="\t" if file_format == "tsv" else ",", lineterminator="\r\n")
            self._csv.writerow(header)

    def write(self, row: Row) -> None:
        if self._csv is not None:
            self._csv.writerow(["" if value is None else value if isinstance(value, str) else _encode(value).decode()
                                for value in row])
        else:
            self._out.write(_encode(dict(zip(self.header, row, strict=True))).decode() + "\n")


class Export:
    """One run of `talaka results`: what to read, where to write it, and the bar that shows it."""

    def __init__(self, client: Client, options: ResultsOptions, progress: Progress) -> None:
        self.client = client
        self.options = options
        self.progress = progress
        self.rows = 0

    def run(self, out: IO[str]) -> int:
        """Write everything to `out`; return the number of rows (answers, or tasks aggregated)."""
        project = self._project()
        if self.options.aggregate is None:
            self._answers(project, out)
        else:
            self._aggregated(project, out)
        return self.rows

    def _project(self) -> Project:
        pool = self.client.get_pool(self.options.pool_id)
        if pool.project_id is None:
            raise TalakaError(f"pool {self.options.pool_id} has no project")
        return self.client.get_project(pool.project_id)

    # Every answer.

    def _answers(self, project: Project, out: IO[str]) -> None:
        decoders = _cell_decoders(project) if self.options.file_format == "jsonl" else {}
        params = {"status": ",".join(tsv_statuses(self.options.statuses)), "addRowDelimiter": "false"}
        path = f"/new/requester/pools/{path_id(self.options.pool_id)}/assignments.tsv"
        self.progress.start(f"answers of pool {self.options.pool_id}", None, unit=" answers")
        http: httpx.Client = self.client._http  # the SDK's own connection, token and base URL
        with http.stream("GET", path, params=params) as response:
            if response.status_code != 200:
                raise error_of(Reply(response.status_code, response.headers, response.read()))
            text = io.TextIOWrapper(io.BufferedReader(_Chunks(response.iter_bytes())), encoding="utf-8", newline="")
            rows = csv.reader(text, delimiter="\t")
            header = next(rows, None)
            if header is None:
                raise TalakaError("the assignments export answered without a header")
            parse = [decoders.get(name, _text) for name in header]
            writer = _Writer(out, self.options.file_format, header)
            for row in rows:
                writer.write([decode(cell) for decode, cell in zip(parse, row, strict=True)] if decoders else row)
                self._counted()
        self.progress.close()

    # One aggregated answer per task.

    def _aggregated(self, project: Project, out: IO[str]) -> None:
        spec = project.task_spec or {}
        inputs = list(spec.get("input_spec") or {})
        fields = list(self.options.fields or spec.get("output_spec") or {})
        method = METHODS[self.options.aggregate or ""]
        if method == "DAWID_SKENE" and len(fields) != 1:
            raise TalakaError(f"Dawid-Skene aggregates one output field and this project has {', '.join(fields)}: "
                              "name one with --field")
        operation = self.client.aggregate_solutions_by_pool(type=method, pool_id=self.options.pool_id, fields=fields,
                                                           answer_weight_skill_id=self.options.skill_id)
        self.progress.start(f"aggregating pool {self.options.pool_id}", None, unit=" polls")
        done = self.client.wait_operation(operation, timeout=None)
        self.progress.close()
        if done.status != "SUCCESS":
            raise TalakaError(f"aggregation {done.id} ended {done.status}: {(done.details or {}).get('error', '')}")
        total = (done.details or {}).get("tasks_count")
        self.progress.start(f"{self.options.aggregate} of pool {self.options.pool_id}", total, unit=" tasks")
        header = ["task_id", *(f"INPUT:{name}" for name in inputs), *(f"OUTPUT:{name}" for name in fields),
                  *(f"CONFIDENCE:{name}" for name in fields)]
        writer = _Writer(out, self.options.file_format, header)
        tasks = self.client.get_tasks(pool_id=self.options.pool_id, batch_size=PAGE)
        for solution, task in merge(self.client.get_aggregated_solutions(done.id, batch_size=PAGE), tasks):
            values = (task.input_values or {}) if task is not None else {}
            answer = solution.output_values or {}
            writer.write([solution.task_id, *(values.get(name) for name in inputs),
                          *(answer.get(name) for name in fields), *([solution.confidence] * len(fields))])
            self._counted()
        self.progress.close()

    def _counted(self) -> None:
        self.rows += 1
        if self.rows % 1000 == 0:
            self.progress.advance(1000)


def merge(solutions: Iterable[AggregatedSolution],
          tasks: Iterable[Task]) -> Iterator[tuple[AggregatedSolution, Task | None]]:
    """Each solution with its task, both in task id order; None for a task the task list does not
    hold (one inside a task suite)."""
    pending = iter(tasks)
    task = next(pending, None)
    for solution in solutions:
        while task is not None and (task.id or "") < (solution.task_id or ""):
            task = next(pending, None)
        yield solution, task if task is not None and task.id == solution.task_id else None


def _text(cell: str) -> Any:
    return cell or None


def _json(cell: str) -> Any:
    return msgspec.json.decode(cell) if cell else None


def _cell_decoders(project: Project) -> dict[str, Callable[[str], Any]]:
    """Column -> how its text becomes a value: JSON for the spec fields that are not text, and the reward."""
    spec = project.task_spec or {}
    decoders: dict[str, Callable[[str], Any]] = {"ASSIGNMENT:reward": _json}
    for prefix, names in (("INPUT", spec.get("input_spec") or {}), ("OUTPUT", spec.get("output_spec") or {}),
                          ("GOLDEN", spec.get("output_spec") or {})):
        for name, field in names.items():
            if str((field or {}).get("type", "string")) not in TEXT_TYPES:
                decoders[f"{prefix}:{name}"] = _json
    return decoders


def export(client: Client, options: ResultsOptions, target: str, progress: Progress) -> int:
    """Run the export into `target` (a path, or - for standard output); return the rows written.

    A file is written under a temporary name and renamed once complete, so an interrupted run never
    leaves a file that looks finished."""
    job = Export(client, options, progress)
    if target == "-":
        import sys

        stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
        try:
            return job.run(stdout)
        finally:
            stdout.flush()
            stdout.detach()
    path = Path(target)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            rows = job.run(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return rows

