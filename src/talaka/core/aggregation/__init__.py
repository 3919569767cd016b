"""Aggregation: one answer per task, with a confidence, from the answers of several performers.

The data shape is crowd-kit's `(task, worker, label)` table, held as NumPy integer arrays
(`Answers`), and each method is a small class with `fit_predict_proba` / `fit_predict` as in
crowd-kit, so that results can be checked against it label for label. No I/O here: the store
reads a pool's answers into an `AnswerTable`, the operation runner calls a method.
"""

from talaka.core.aggregation.answers import Aggregate, Answers, AnswerTable, label_sort_key
from talaka.core.aggregation.dawid_skene import DawidSkene
from talaka.core.aggregation.majority_vote import MajorityVote

__all__ = ["Aggregate", "AnswerTable", "Answers", "DawidSkene", "MajorityVote", "label_sort_key"]
