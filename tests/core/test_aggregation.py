"""Aggregation methods against crowd-kit, the field's reference, on the same answers.

Random crowds of varied accuracy (spammers, near-random performers, experts), with and without control
tasks: Talaka must give crowd-kit's label on every task where crowd-kit's probabilities have a single
maximum, and the same probabilities to within 1e-6. Ties (majority vote meets them) go to the label
that sorts first; crowd-kit's own choice there depends on the column order pandas gives it, so only
its probabilities are compared on tied tasks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene as CrowdKitDawidSkene
from crowdkit.aggregation import MajorityVote as CrowdKitMajorityVote
from hypothesis import given, settings
from hypothesis import strategies as st

from talaka.core.aggregation import AnswerTable, DawidSkene, MajorityVote, label_sort_key
from talaka.core.aggregation.answers import Answers
from talaka.core.aggregation.request import check_request
from talaka.core.aggregation.solutions import aggregate

Crowd = tuple[pd.DataFrame, pd.Series, np.ndarray]


def crowd(seed: int, tasks: int, workers: int, labels: int, overlap: int, golden_every: int = 0) -> Crowd:
    """Answers of `workers` performers of accuracy from 0.1 to 0.99 to `tasks` tasks at `overlap`;
    every `golden_every`-th task is a control task with its truth known."""
    rng = np.random.default_rng(seed)
    names = [f"label{index}" for index in range(labels)]
    truth = rng.integers(0, labels, tasks)
    accuracy = rng.uniform(0.1, 0.99, workers)
    task = np.repeat(np.arange(tasks), overlap)
    worker = np.concatenate([rng.choice(workers, overlap, replace=False) for _ in range(tasks)])
    right = rng.random(tasks * overlap) < accuracy[worker]
    label = np.where(right, truth[task], rng.integers(0, labels, tasks * overlap))
    frame = pd.DataFrame({"task": [f"t{number:05d}" for number in task], "worker": [f"w{number}" for number in worker],
                          "label": [names[number] for number in label]})
    golden = pd.Series({f"t{number:05d}": names[truth[number]] for number in range(0, tasks, golden_every)}
                       if golden_every else {}, dtype=object)
    return frame, golden, truth


def table_of(frame: pd.DataFrame, golden: pd.Series) -> AnswerTable:
    table = AnswerTable()
    for task, worker, label in frame[["task", "worker", "label"]].itertuples(index=False):
        table.add(task, worker, label)
    for task, label in golden.items():
        table.mark_control(task, label, known=True)
    return table


def assert_agrees(probas: np.ndarray, expected: pd.DataFrame, table: AnswerTable, labels: list[str]) -> None:
    reference = expected.reindex(index=table.task_keys, columns=labels, fill_value=0.0).to_numpy()
    assert np.abs(probas - reference).max() <= 1e-6
    chosen = probas.argmax(axis=1)
    top = reference.max(axis=1, keepdims=True)
    tied = (np.abs(reference - top) <= 1e-12).sum(axis=1) > 1
    assert (chosen[~tied] == reference[~tied].argmax(axis=1)).all()
    assert (chosen[tied] == (np.abs(reference[tied] - top[tied]) <= 1e-12).argmax(axis=1)).all(), "first label"


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31), labels=st.integers(2, 5), overlap=st.integers(1, 5),
       golden_every=st.sampled_from([0, 7]))
def test_dawid_skene_agrees_with_crowd_kit(seed: int, labels: int, overlap: int, golden_every: int) -> None:
    frame, golden, _ = crowd(seed, 300, 40, labels, overlap, golden_every)
    table = table_of(frame, golden)
    answers, values = table.freeze()
    model = DawidSkene()
    probas = model.fit_predict_proba(answers)
    reference = CrowdKitDawidSkene()
    expected = reference.fit_predict_proba(frame, golden if len(golden) else None)
    assert len(model.loss_history_) == len(reference.loss_history_)
    assert_agrees(probas, expected, table, values)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31), labels=st.integers(2, 5), overlap=st.integers(1, 6))
def test_majority_vote_agrees_with_crowd_kit(seed: int, labels: int, overlap: int) -> None:
    frame, golden, _ = crowd(seed, 300, 30, labels, overlap)
    table = table_of(frame, golden)
    answers, values = table.freeze()
    assert_agrees(MajorityVote().fit_predict_proba(answers), CrowdKitMajorityVote().fit_predict_proba(frame), table,
                  values)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_weighted_vote_agrees_with_crowd_kit_given_skills(seed: int) -> None:
    frame, golden, _ = crowd(seed, 200, 20, 3, 3)
    skills = pd.Series({f"w{number}": float(value) for number, value in
                        enumerate(np.random.default_rng(seed).uniform(1, 100, 20))})
    table = table_of(frame, golden)
    answers, values = table.freeze()
    weights = np.array([skills[key] for key in table.worker_keys])
    assert_agrees(MajorityVote(weights).fit_predict_proba(answers),
                  CrowdKitMajorityVote().fit_predict_proba(frame, skills), table, values)


def test_dawid_skene_is_more_accurate_than_the_vote_on_a_crowd_with_spammers() -> None:
    """Not a comparison with crowd-kit: the reason to use Dawid-Skene at all."""
    frame, golden, truth = crowd(7, 3000, 60, 4, 3, golden_every=20)
    table = table_of(frame, golden)
    answers, values = table.freeze()
    known = np.array([truth[int(str(key)[1:])] for key in table.task_keys])
    wanted = np.array([values.index(f"label{number}") for number in known])
    vote = (MajorityVote().fit_predict(answers).label == wanted).mean()
    model = (DawidSkene().fit_predict(answers).label == wanted).mean()
    assert model > vote + 0.02, (model, vote)


def test_a_tie_goes_to_the_label_that_sorts_first() -> None:
    table = AnswerTable()
    for worker, value in enumerate([True, False, 3, 2.5, "b", "a"]):
        table.add("t", worker, value)
    answers, values = table.freeze()
    assert values == [False, True, 2.5, 3, "a", "b"]
    result = MajorityVote().fit_predict(answers)
    assert (values[int(result.label[0])], float(result.confidence[0])) == (False, pytest.approx(1 / 6))
    assert sorted([("b",), ("a", None)], key=label_sort_key) == [("a", None), ("b",)]


def test_true_and_one_are_different_answers() -> None:
    """Python says True == 1; JSON answers `true` and `1` are not the same answer, while `1` and `1.0`
    (a float field's answers, as performers send them) are."""
    table = AnswerTable()
    table.add("t", "w1", True)
    table.add("t", "w2", 1)
    table.add("t", "w3", 1.0)
    answers, values = table.freeze()
    assert values == [True, 1]
    assert answers.label.tolist() == [0, 1, 1]


def test_control_tasks_are_pinned_and_not_reported() -> None:
    table = AnswerTable()
    for worker, label in (("w1", "cat"), ("w2", "dog"), ("w3", "dog")):
        table.add("control", worker, label)
        table.add("general", worker, "cat")
    table.mark_control("control", "cat", known=True)
    table.mark_control("never answered", "cat", known=True)
    solutions = aggregate(table, "DAWID_SKENE", ["result"], lambda keys: [str(key) for key in keys])
    assert [(task, values) for task, _, values in solutions] == [("general", b'{"result":"cat"}')]
    answers, values = table.freeze()
    assert answers.truth.tolist() == [values.index("cat"), -1] and answers.general.tolist() == [False, True]


def test_no_answers_aggregate_to_nothing() -> None:
    assert aggregate(AnswerTable(), "DAWID_SKENE", ["result"], lambda keys: []) == []
    empty = Answers(*(np.zeros(0, dtype=np.int32),) * 3, 0, 0, 0, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=bool))
    assert empty.n_answers == 0


def test_several_fields_are_one_combined_answer_and_sorted_by_task_id() -> None:
    table = AnswerTable()
    for task in ("b", "a"):
        table.add(task, "w1", ("cat", 3))
        table.add(task, "w2", ("cat", 3))
        table.add(task, "w3", ("dog", 3))
    solutions = aggregate(table, "MAJORITY_VOTE", ["label", "score"], lambda keys: [str(key) for key in keys])
    assert solutions == [("a", pytest.approx(2 / 3), b'{"label":"cat","score":3}'),
                         ("b", pytest.approx(2 / 3), b'{"label":"cat","score":3}')]


def test_weighted_vote_falls_back_to_plain_votes_where_nobody_has_the_skill() -> None:
    table = AnswerTable()
    for worker, label in (("w1", "cat"), ("w2", "dog"), ("w3", "dog")):
        table.add("unweighted", worker, label)
    table.add("weighted", "w1", "cat")
    table.add("weighted", "expert", "dog")
    table.add("weighted", "w2", "cat")
    solutions = aggregate(table, "WEIGHTED_DYNAMIC_OVERLAP", ["result"], lambda keys: [str(key) for key in keys],
                          {"expert": 90.0})
    assert solutions == [("unweighted", pytest.approx(2 / 3), b'{"result":"dog"}'),
                         ("weighted", 1.0, b'{"result":"dog"}')]


@pytest.mark.parametrize(("body", "by_task", "field"), [
    ({"pool_id": "1", "fields": [{"name": "x"}]}, False, "type"),
    ({"type": "DAWID_SKENE", "fields": [{"name": "x"}]}, False, "pool_id"),
    ({"type": "DAWID_SKENE", "pool_id": "1", "fields": []}, False, "fields"),
    ({"type": "DAWID_SKENE", "pool_id": "1", "fields": [{"name": "x"}, {"name": "y"}]}, False, "fields"),
    ({"type": "MAJORITY_VOTE", "pool_id": "1", "fields": [{"name": "x"}, {"name": "x"}]}, False, "fields.1.name"),
    ({"type": "WEIGHTED_DYNAMIC_OVERLAP", "pool_id": "1", "fields": [{"name": "x"}]}, False,
     "answer_weight_skill_id"),
    ({"type": "MAJORITY_VOTE", "pool_id": "x1", "fields": [{"name": "x"}]}, False, "pool_id"),
    ({"type": "DAWID_SKENE", "pool_id": "1", "task_id": "t", "fields": [{"name": "x"}]}, True, "type"),
    ({"type": "MAJORITY_VOTE", "pool_id": "1", "task_id": "t", "fields": [{"name": "x"}]}, True, "task_id"),
])
def test_requests_are_checked_field_by_field(body: dict[str, object], by_task: bool, field: str) -> None:
    checked = check_request(body, by_task=by_task)
    assert checked.request is None and field in checked.errors


def test_a_skill_is_ignored_by_methods_that_do_not_weigh() -> None:
    checked = check_request({"type": "DAWID_SKENE", "pool_id": "7", "answer_weight_skill_id": "3",
                             "fields": [{"name": "result"}]}, by_task=False)
    assert checked.request is not None and checked.request.answer_weight_skill_id is None
    assert checked.request.pool_id == 7
