"""Majority vote, plain or weighted by a skill of each performer.

Plain: a task's label is the one most of its answers gave, its confidence the share of answers
that gave it (crowd-kit's `MajorityVote`). Weighted (Toloka's `WEIGHTED_DYNAMIC_OVERLAP`): each
answer counts as much as its performer's skill value, and the confidence is the label's share of
the weight (crowd-kit's `MajorityVote` with `skills`). A performer without a value for the skill
weighs 0, so a task answered only by such performers would have no weight at all: it falls back
to the plain vote rather than to no answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from talaka.core.aggregation.answers import Aggregate, Answers, FloatArray


@dataclass(slots=True)
class MajorityVote:
    """`worker_weights[w]`: how much an answer of worker `w` counts; None for one vote each."""

    worker_weights: FloatArray | None = None
    probas_: FloatArray = field(init=False)

    def fit_predict_proba(self, answers: Answers) -> FloatArray:
        """`[task, label]` -> the share of the votes (or weight) that label got on that task."""
        scores = answers.task_label_counts()
        if self.worker_weights is not None:
            weighted = answers.task_label_counts(self.worker_weights[answers.worker])
            weightless = weighted.sum(axis=1) <= 0
            scores = np.where(weightless[:, None], scores, weighted)
        self.probas_ = scores / scores.sum(axis=1, keepdims=True)
        return self.probas_

    def fit_predict(self, answers: Answers) -> Aggregate:
        return Aggregate.from_probas(self.fit_predict_proba(answers))
