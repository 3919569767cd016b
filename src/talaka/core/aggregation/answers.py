"""The answers to aggregate, as crowd-kit's `(task, worker, label)` table in NumPy arrays.

A pool's answers are collected one at a time into an `AnswerTable`, which gives tasks, performers
and distinct answer values small integer indices; `freeze` turns it into `Answers`: three int32
arrays of one row per answer, which every method reads with `bincount` and fancy indexing
instead of joins. A million answers take 12 MB this way.

Labels are numbered in a fixed order (`label_sort_key`) because that order breaks ties: crowd-kit
pivots labels into sorted columns and takes the first column of the highest probability, so the
label that sorts first wins a tie, here as there.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
_canonical = msgspec.json.Encoder(order="sorted").encode
_NO_TRUTH = -1


def label_sort_key(value: Any) -> tuple[Any, ...]:
    """The order labels are numbered in, and so the order that breaks ties: `false` before `true`,
    then numbers ascending, then strings by code point, then anything else by its JSON text. A
    label made of several fields' values sorts field by field."""
    if isinstance(value, tuple):
        return tuple(label_sort_key(part) for part in value)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, _canonical(value).decode())


def _label_key(value: Any) -> Hashable:
    """Equal answers share a key: a string is its own key; anything else its canonical JSON (bytes,
    so that `true` and `1`, equal as Python values, stay apart), a whole float that of the integer
    (`1.0` and `1` are one answer to a float field)."""
    if type(value) is str:
        return value
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return _canonical(int(value))
    return _canonical(value)


@dataclass(frozen=True, slots=True)
class Answers:
    """One row per answer: `task[i]` answered `label[i]` by `worker[i]`, all indices from 0.

    `truth[t]` is the known label of task `t` (a control task) or -1; `general[t]` says whether
    task `t` is one to report (control tasks only estimate how good performers are).
    """

    task: IntArray
    worker: IntArray
    label: IntArray
    n_tasks: int
    n_workers: int
    n_labels: int
    truth: IntArray
    general: npt.NDArray[np.bool_]

    @property
    def n_answers(self) -> int:
        return int(self.task.shape[0])

    def task_label_counts(self, weights: FloatArray | None = None) -> FloatArray:
        """`[task, label]` -> how many answers (or how much weight) that label got on that task."""
        cells = self.task.astype(np.int64) * self.n_labels + self.label
        counts = np.bincount(cells, weights=weights, minlength=self.n_tasks * self.n_labels)
        return counts.astype(np.float64, copy=False).reshape(self.n_tasks, self.n_labels)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The result of a method: `label[t]` (an index into the labels) and its probability
    `confidence[t]`, for every task of the `Answers` it was fitted on."""

    label: IntArray
    confidence: FloatArray

    @classmethod
    def from_probas(cls, probas: FloatArray) -> Aggregate:
        """The most probable label of each row, the first (in label order) on a tie."""
        labels = probas.argmax(axis=1).astype(np.int32)
        return cls(labels, probas[np.arange(probas.shape[0]), labels])


class AnswerTable:
    """Collects answers one by one and numbers what they name.

    Task and worker keys are anything hashable (a task's sequence number, a performer's number);
    a value is any JSON value (or a tuple of them, for answers made of several fields). `add` is
    called once per answer, so it does no more than three dictionary lookups and three appends.
    """

    def __init__(self) -> None:
        self.task_keys: list[Hashable] = []
        self.worker_keys: list[Hashable] = []
        self._label_values: list[Any] = []
        self._tasks: dict[Hashable, int] = {}
        self._workers: dict[Hashable, int] = {}
        self._labels: dict[Hashable, int] = {}
        self._task = array("i")
        self._worker = array("i")
        self._label = array("i")
        self._truths: dict[int, int] = {}
        self._control: set[int] = set()

    def __len__(self) -> int:
        return len(self._task)

    def add(self, task_key: Hashable, worker_key: Hashable, value: Any) -> None:
        task = self._tasks.get(task_key)
        if task is None:
            task = self._tasks[task_key] = len(self.task_keys)
            self.task_keys.append(task_key)
        worker = self._workers.get(worker_key)
        if worker is None:
            worker = self._workers[worker_key] = len(self.worker_keys)
            self.worker_keys.append(worker_key)
        self._task.append(task)
        self._worker.append(worker)
        self._label.append(self._intern(value))

    def mark_control(self, task_key: Hashable, truth: Any = None, *, known: bool = False) -> None:
        """Task `task_key` is a control task: not reported; with `known`, `truth` is its right answer
        (which steers Dawid-Skene). A task nobody answered is left out, as crowd-kit does."""
        task = self._tasks.get(task_key)
        if task is None:
            return
        self._control.add(task)
        if known:
            self._truths[task] = self._intern(truth)

    def _intern(self, value: Any) -> int:
        key = _label_key(value)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = len(self._label_values)
            self._label_values.append(value)
        return label

    def freeze(self) -> tuple[Answers, list[Any]]:
        """The answers, with labels renumbered in `label_sort_key` order, and the label values by number."""
        order = sorted(range(len(self._label_values)), key=lambda old: label_sort_key(self._label_values[old]))
        renumber = np.empty(len(order), dtype=np.int32)
        renumber[order] = np.arange(len(order), dtype=np.int32)
        n_tasks = len(self.task_keys)
        truth = np.full(n_tasks, _NO_TRUTH, dtype=np.int32)
        for task, label in self._truths.items():
            truth[task] = renumber[label]
        general = np.ones(n_tasks, dtype=np.bool_)
        general[list(self._control)] = False
        answers = Answers(
            task=np.frombuffer(self._task, dtype=np.int32).copy(),
            worker=np.frombuffer(self._worker, dtype=np.int32).copy(),
            label=renumber[np.frombuffer(self._label, dtype=np.int32)],
            n_tasks=n_tasks, n_workers=len(self.worker_keys), n_labels=len(order), truth=truth, general=general)
        return answers, [self._label_values[old] for old in order]


def sorted_tasks(task_ids: Sequence[str], general: npt.NDArray[np.bool_]) -> IntArray:
    """The indices of the general tasks, in task id order (the order results are paged in)."""
    wanted = np.flatnonzero(general)
    return np.asarray(sorted(wanted.tolist(), key=task_ids.__getitem__), dtype=np.int32)
