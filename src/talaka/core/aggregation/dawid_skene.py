"""Dawid-Skene: each performer has a confusion matrix, learned with the true labels by EM.

A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the EM
Algorithm", Applied Statistics 28 (1), 1979, 20-28.

The model and its every numerical step follow crowd-kit's `DawidSkene` (the field's reference),
so that both give the same label on every task and the same confidences to within rounding:
- start from majority vote's label shares, and pin control tasks to their known label;
- M-step: a performer's `[answered, true]` matrix is the sum of the task probabilities over their
  answers, with every cell they answered floored at 1e-10, normalized over what they answered;
- E-step: per task, log2 prior plus the sum of log2 matrix entries of its answers, shifted by the
  row maximum, exponentiated and normalized;
- stop after `n_iter` rounds, or once the evidence lower bound per answer grows by less than `tol`;
- the probabilities returned are floored at 1e-10 (crowd-kit floors them computing the bound).

Where crowd-kit joins pandas frames, this works on arrays: every sum over answers is a `bincount`
of one column at a time, so a round costs a few passes over three int32 arrays, and the per-task
sums of log matrix entries are computed once per round and serve both the bound and the next E-step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from talaka.core.aggregation.answers import Aggregate, Answers, FloatArray, IntArray
from talaka.core.aggregation.majority_vote import MajorityVote

EPS = 1e-10
_LN2 = float(np.log(2.0))


@dataclass(slots=True)
class DawidSkene:
    n_iter: int = 100
    """The most EM rounds (crowd-kit's default)."""
    tol: float = 1e-5
    """Stop once the bound per answer grows by less than this (crowd-kit's default)."""
    probas_: FloatArray = field(init=False)
    errors_: FloatArray = field(init=False)
    """`[worker * labels + answered, true]` -> the probability of that answer given that truth."""
    priors_: FloatArray = field(init=False)
    loss_history_: list[float] = field(init=False)

    def fit_predict_proba(self, answers: Answers) -> FloatArray:
        """`[task, label]` -> the probability that the task's true label is that label."""
        fit = _Fit(answers)
        probas = fit.pinned(MajorityVote().fit_predict_proba(answers))
        priors = probas.mean(axis=0)
        errors = fit.m_step(probas)
        log_sums = fit.log2_sums(errors)
        loss = -np.inf
        self.loss_history_ = []
        for _ in range(self.n_iter):
            probas = fit.pinned(fit.e_step(log_sums, priors))
            priors = probas.mean(axis=0)
            errors = fit.m_step(probas)
            log_sums = fit.log2_sums(errors)
            new_loss = fit.lower_bound(probas, priors, log_sums) / answers.n_answers
            probas = np.maximum(probas, EPS)
            self.loss_history_.append(new_loss)
            if new_loss - loss < self.tol:
                break
            loss = new_loss
        self.probas_, self.priors_, self.errors_ = probas, priors, errors
        return probas

    def fit_predict(self, answers: Answers) -> Aggregate:
        return Aggregate.from_probas(self.fit_predict_proba(answers))


class _Fit:
    """The arrays one fit reads on every round, computed once."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        k = answers.n_labels
        self.cell: IntArray = (answers.worker.astype(np.int64) * k + answers.label).astype(np.intp)
        """answer -> its row of the stacked confusion matrices (worker, answered label)"""
        self.cells = answers.n_workers * k
        self.answered = np.bincount(self.cell, minlength=self.cells) > 0
        self.per_task = np.bincount(answers.task, minlength=answers.n_tasks).astype(np.float64)
        self.pinned_tasks = np.flatnonzero(answers.truth >= 0)
        self.pinned_labels = answers.truth[self.pinned_tasks]

    def pinned(self, probas: FloatArray) -> FloatArray:
        """Control tasks certain of their known label (crowd-kit's `true_labels`)."""
        if self.pinned_tasks.size:
            probas[self.pinned_tasks] = 0.0
            probas[self.pinned_tasks, self.pinned_labels] = 1.0
        return probas

    def m_step(self, probas: FloatArray) -> FloatArray:
        a = self.answers
        k = a.n_labels
        errors = np.empty((self.cells, k))
        for true in range(k):
            errors[:, true] = np.bincount(self.cell, weights=probas[a.task, true], minlength=self.cells)
        errors[self.answered] = np.maximum(errors[self.answered], EPS)
        stacked = errors.reshape(a.n_workers, k, k)
        totals = stacked.sum(axis=1, keepdims=True)
        stacked /= np.where(totals > 0, totals, 1.0)
        return errors

    def log2_sums(self, errors: FloatArray) -> FloatArray:
        """`[task, true]` -> the sum of log2 P(answer | true) over the task's answers."""
        a = self.answers
        logs = np.log2(np.where(self.answered[:, None], errors, 1.0))
        sums = np.empty((a.n_tasks, a.n_labels))
        for true in range(a.n_labels):
            sums[:, true] = np.bincount(a.task, weights=logs[self.cell, true], minlength=a.n_tasks)
        return sums

    @staticmethod
    def e_step(log_sums: FloatArray, priors: FloatArray) -> FloatArray:
        likelihoods = log_sums + np.log2(np.maximum(priors, EPS))
        scaled: FloatArray = np.exp2(likelihoods - likelihoods.max(axis=1, keepdims=True))
        scaled /= scaled.sum(axis=1, keepdims=True)
        return scaled

    def lower_bound(self, probas: FloatArray, priors: FloatArray, log_sums: FloatArray) -> float:
        """The evidence lower bound as crowd-kit computes it: the expected joint log-likelihood
        (the prior counted once per answer) plus the entropy of the floored task probabilities."""
        log_priors = np.log(np.maximum(priors, EPS))
        joint = float((probas * log_sums).sum()) * _LN2 + float(((probas * self.per_task[:, None]).sum(axis=0)
                                                                 * log_priors).sum())
        floored = np.maximum(probas, EPS)
        entropy = -float((floored * np.log(floored)).sum())
        return joint + entropy
