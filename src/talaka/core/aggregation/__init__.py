"""Aggregation: one answer per task, with a confidence, from the answers of several performers.

The data shape is crowd-kit's `(task, worker, label)` table, held as NumPy integer arrays
(`Answers`), and each method is a small class with `fit_predict_proba` / `fit_predict` as in
crowd-kit, so that results can be checked against it label for label. No I/O here: the store
reads a pool's answers into an `AnswerTable`, the operation runner calls a method.

The names below load their modules (and NumPy) when first used: every server process imports the
request checks in `request`, and only those that aggregate need NumPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from talaka.core.aggregation.answers import Aggregate, Answers, AnswerTable, label_sort_key
    from talaka.core.aggregation.dawid_skene import DawidSkene
    from talaka.core.aggregation.majority_vote import MajorityVote

__all__ = ["Aggregate", "AnswerTable", "Answers", "DawidSkene", "MajorityVote", "label_sort_key"]
_HOMES = {"Aggregate": "answers", "AnswerTable": "answers", "Answers": "answers", "label_sort_key": "answers",
          "DawidSkene": "dawid_skene", "MajorityVote": "majority_vote"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'talaka.core.aggregation' has no attribute {name!r}")
    return getattr(import_module(f"talaka.core.aggregation.{home}"), name)
