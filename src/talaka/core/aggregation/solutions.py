"""From a table of answers to the aggregated solutions a request asked for: one per general task,
in task id order, each `(task_id, confidence, output_values JSON)`."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import msgspec
import numpy as np

from talaka.core.aggregation.answers import Aggregate, Answers, AnswerTable, FloatArray
from talaka.core.aggregation.dawid_skene import DawidSkene
from talaka.core.aggregation.majority_vote import MajorityVote
from talaka.core.aggregation.request import DAWID_SKENE, WEIGHTED_DYNAMIC_OVERLAP, output_values

Solution = tuple[str, float, bytes]
NameTasks = Callable[[list[Hashable]], list[str]]
"""Task keys -> their wire ids (the store knows how a key becomes an id)."""


def fit(method: str, answers: Answers, worker_weights: FloatArray | None = None) -> Aggregate:
    """The method's label and confidence for every task of `answers`."""
    if method == DAWID_SKENE:
        return DawidSkene().fit_predict(answers)
    return MajorityVote(worker_weights if method == WEIGHTED_DYNAMIC_OVERLAP else None).fit_predict(answers)


def aggregate(table: AnswerTable, method: str, fields: list[str], name_tasks: NameTasks,
              skill_values: Mapping[Any, float] | None = None) -> list[Solution]:
    """The aggregated solutions of the general tasks of `table`, sorted by task id.

    `skill_values` (worker key -> skill value) weighs answers for `WEIGHTED_DYNAMIC_OVERLAP`; a
    worker missing from it weighs 0.
    """
    if not len(table):
        return []
    answers, labels = table.freeze()
    weights = None
    if method == WEIGHTED_DYNAMIC_OVERLAP:
        known = skill_values or {}
        weights = np.array([known.get(key, 0.0) for key in table.worker_keys], dtype=np.float64)
    result = fit(method, answers, weights)
    reported = np.flatnonzero(answers.general)
    task_ids = name_tasks([table.task_keys[task] for task in reported.tolist()])
    encoded = [msgspec.json.encode(output_values(value, fields)) for value in labels]
    return sorted(zip(task_ids, result.confidence[reported].tolist(),
                      [encoded[label] for label in result.label[reported].tolist()], strict=True))
