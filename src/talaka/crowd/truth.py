"""The truth the crowd answers around: every task's true label, from a task file or drawn.

A control task's truth is its known solution. A general task's truth comes from a column of a
task file (`--truth FILE:COLUMN`: the file `talaka upload` reads, with the INPUT columns that
identify each task and one more column holding its true label), matched to the pool's tasks by
their input values; without a file, the simulator draws it uniformly from the labels (seeded), so
that only the control tasks are known to the pool, as in a pool whose general tasks nobody has
labelled yet.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from talaka.crowd.behaviour import hidden_truth

if TYPE_CHECKING:
    from talaka.client._models import Task

_canonical = msgspec.json.Encoder(order="sorted").encode
SHOWN_PROBLEMS = 5
"""Bad rows named in an error message; the rest are counted."""


class TruthError(ValueError):
    """A truth file that cannot be used: the message says which rows or columns and what to do."""


@dataclass(frozen=True, slots=True)
class TruthFile:
    path: Path
    column: str


def parse_truth_file(text: str) -> TruthFile:
    """`FILE:COLUMN`; the file name may hold colons and the column too (`tasks.tsv:GOLDEN:label`), so
    the file is the shortest prefix before a colon that names an existing file."""
    for position, character in enumerate(text):
        if character == ":" and position and Path(text[:position]).is_file():
            column = text[position + 1:]
            if not column:
                break
            return TruthFile(Path(text[:position]), column)
    raise TruthError(f"expected FILE:COLUMN naming an existing task file and its truth column, such as "
                     f"tasks.tsv:truth; got {text!r}")


@dataclass
class Truths:
    """What the crowd answers around, and where it came from."""

    source: str
    general: list[str]
    """The pool's general tasks (without known solutions), in id order."""
    control: list[str]
    truth: dict[str, Any] = field(default_factory=dict)
    """Task id -> true label, for every task whose truth is known."""
    unmatched_rows: int = 0
    """Rows of the truth file whose input values match no task of the pool."""
    control_set: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.control_set = frozenset(self.control)

    @property
    def general_without_truth(self) -> int:
        return sum(1 for task_id in self.general if task_id not in self.truth)


def known_label(task: Task, name: str) -> tuple[bool, Any]:
    """(True, the label) of a control task's known solution for field `name`, (False, None) otherwise."""
    for solution in task.known_solutions or ():
        if name in solution.output_values:
            return True, solution.output_values[name]
    return False, None


def input_key(input_values: Mapping[str, Any]) -> bytes:
    """What identifies a task in a file and in the pool: its input values as canonical JSON."""
    return _canonical(dict(input_values))


def pool_truths(tasks: Iterable[Task], name: str, labels: Sequence[Any], seed: int,
                truth_file: TruthFile | None = None, input_spec: Mapping[str, Any] | None = None,
                output_spec: Mapping[str, Any] | None = None) -> Truths:
    """The truth of each of the pool's `tasks`: control tasks from their known solutions, general
    ones from `truth_file` or drawn from `labels` with `seed`."""
    general: list[Task] = []
    control: list[str] = []
    truth: dict[str, Any] = {}
    for task in tasks:
        assert task.id is not None
        if task.known_solutions:
            control.append(task.id)
            known, label = known_label(task, name)
            if known:
                truth[task.id] = label
        else:
            general.append(task)
    general.sort(key=lambda task: str(task.id))
    found = Truths("hidden (drawn by the simulator; only control tasks are known to the pool)",
                   [str(task.id) for task in general], sorted(control), truth)
    if truth_file is None:
        truth.update((task_id, hidden_truth(task_id, labels, seed)) for task_id in found.general)
        return found
    by_input: dict[bytes, list[str]] = defaultdict(list)
    for task in general:
        by_input[input_key(task.input_values)].append(str(task.id))
    found.source = f"{truth_file.path}, column {truth_file.column}"
    for inputs, label in read_truth_file(truth_file, name, labels, input_spec, output_spec):
        task_ids = by_input.get(input_key(inputs))
        if task_ids is None:
            found.unmatched_rows += 1
        else:
            truth.update((task_id, label) for task_id in task_ids)
    return found


def read_truth_file(truth_file: TruthFile, name: str, labels: Sequence[Any], input_spec: Mapping[str, Any] | None,
                    output_spec: Mapping[str, Any] | None) -> list[tuple[dict[str, Any], Any]]:
    """`(input values, true label)` of every row that has a truth; rows without one are left out.

    The file is read the way `talaka upload` reads it (cells converted by the project's specs),
    with the truth column read as the answer field and every column other than the INPUT ones
    ignored. `TruthError` names the first bad rows: unreadable cells or labels not allowed.
    """
    from talaka.client._readers import TaskFileError, read_tasks

    column = truth_file.column
    keys, tabular = _keys(truth_file)
    if tabular and column not in keys:
        raise TruthError(f"{truth_file.path} has no column {column!r}; its columns: {', '.join(keys)}")
    ignored = [header for header in keys if header != column and not header.startswith("INPUT:")]
    renames: dict[str, str | None] = {header: None for header in ignored}
    renames[column] = f"GOLDEN:{name}"
    allowed = {_label_key(label) for label in labels}
    rows: list[tuple[dict[str, Any], Any]] = []
    problems: list[str] = []
    seen_column = False
    try:
        for row in read_tasks(truth_file.path, pool_id="0", input_spec=input_spec, output_spec=output_spec,
                              columns=renames):
            if row.task is None:
                problems.extend(f"line {row.line}, {key or 'the row'}: {error.message}"
                                for key, error in row.errors.items())
                continue
            has, label = _row_truth(row.task, column, name)
            seen_column = seen_column or has or column in row.task
            if not has:
                continue
            if _label_key(label) not in allowed:
                problems.append(f"line {row.line}, {column}: {label!r} is not one of the labels {list(labels)}")
                continue
            rows.append((dict(row.task.get("input_values") or {}), label))
    except (TaskFileError, OSError) as error:
        raise TruthError(f"cannot read the truth file: {error}") from error
    if problems:
        more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
        raise TruthError(f"{truth_file.path}: {len(problems)} rows cannot give a truth{more}; fix them:\n  "
                         + "\n  ".join(problems[:SHOWN_PROBLEMS]))
    if not rows and not seen_column:
        raise TruthError(f"{truth_file.path} has no values in a column {column!r}; name the column that holds "
                         "the true labels after the colon, such as tasks.tsv:truth")
    return rows


def _row_truth(task: Mapping[str, Any], column: str, name: str) -> tuple[bool, Any]:
    """The truth of one read row: its truth column, which the reader put in the known solution (or,
    for a JSON line in the API's task shape, which is passed through as written, a key of its own)."""
    if column in task:
        return True, task[column]
    for solution in task.get("known_solutions") or ():
        values = solution.get("output_values") or {}
        if name in values:
            return True, values[name]
    return False, None


def _label_key(label: Any) -> bytes:
    """Labels compared as JSON, so that `true` and `1` stay apart."""
    return _canonical(label)


def _keys(truth_file: TruthFile) -> tuple[list[str], bool]:
    """Every column of the file, and whether it is TSV or CSV: the header of a TSV or CSV file,
    every top-level key of a JSON lines file (its objects may each have other keys)."""
    from talaka.client._readers import read_tasks

    file_format = read_tasks(truth_file.path).format
    try:
        with truth_file.path.open(encoding="utf-8-sig", newline="") as stream:
            if file_format != "jsonl":
                header = next(csv.reader(stream, delimiter="\t" if file_format == "tsv" else ","), [])
                return [cell.strip() for cell in header], True
            keys: dict[str, None] = {}
            for line in stream:
                if line.strip():
                    item = msgspec.json.decode(line)
                    if isinstance(item, dict) and "input_values" not in item:
                        keys.update(dict.fromkeys(item))
            return list(keys), False
    except (OSError, UnicodeDecodeError, msgspec.DecodeError) as error:
        raise TruthError(f"cannot read the truth file {truth_file.path}: {error}") from error
