"""The crowd's pure parts, without a server: accuracy ranges, who spams, what each one answers, the
answer field, the truth read from a file, and how rules name the restrictions they write."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import talaka
from talaka.crowd.behaviour import (
    Accuracy,
    FieldChoiceError,
    Member,
    answer,
    answer_field,
    hidden_truth,
    make_crowd,
    parse_accuracy,
    spammer_count,
    suite_seconds,
)
from talaka.crowd.report import score
from talaka.crowd.run import label_restriction, rule_labels
from talaka.crowd.truth import TruthError, parse_truth_file, pool_truths

LABELS = ["cat", "dog", "other"]
TASKS = [f"task-{number}" for number in range(30_000)]


@pytest.mark.parametrize(("text", "expected"), [
    ("0.7-0.95", Accuracy("uniform", 0.7, 0.95)),
    (" 0.9 ", Accuracy("uniform", 0.9, 0.9)),
    ("0-1", Accuracy("uniform", 0.0, 1.0)),
    ("beta:8,2", Accuracy("beta", 8.0, 2.0)),
    ("BETA:0.5,0.5", Accuracy("beta", 0.5, 0.5)),
])
def test_accuracy_specs_are_read(text: str, expected: Accuracy) -> None:
    assert parse_accuracy(text) == expected
    assert parse_accuracy(str(expected)) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("0.95-0.7", "0 <= low <= high <= 1"),
    ("1.2", "0 <= low <= high <= 1"),
    ("-0.1-0.5", "expected a range"),
    ("high", "expected a range"),
    ("beta:8", "beta:A,B with two positive numbers"),
    ("beta:0,2", "must be positive"),
])
def test_bad_accuracy_specs_say_what_is_expected(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says.replace("(", r"\(")):
        parse_accuracy(text)


def test_drawn_accuracies_follow_their_distribution() -> None:
    rng = random.Random(1)
    uniform = [Accuracy("uniform", 0.7, 0.95).draw(rng) for _ in range(20_000)]
    assert min(uniform) >= 0.7 and max(uniform) <= 0.95
    assert sum(uniform) / len(uniform) == pytest.approx(0.825, abs=0.005)
    beta = Accuracy("beta", 8.0, 2.0)
    draws = [beta.draw(rng) for _ in range(20_000)]
    assert sum(draws) / len(draws) == pytest.approx(beta.mean, abs=0.005) and beta.mean == 0.8


@pytest.mark.parametrize(("performers", "share", "spammers"),
                         [(50, 0.1, 5), (15, 0.1, 2), (10, 0.0, 0), (7, 1.0, 7), (3, 0.49, 1), (1, 0.5, 1)])
def test_the_share_of_spammers_is_rounded_half_up(performers: int, share: float, spammers: int) -> None:
    assert spammer_count(performers, share) == spammers
    crowd = make_crowd(performers, share, Accuracy("uniform", 0.7, 0.95), seed=3)
    assert sum(member.spammer for member in crowd) == spammers
    assert [member.number for member in crowd] == list(range(performers))
    assert all((member.accuracy is None) == member.spammer for member in crowd)
    assert all(0.7 <= member.accuracy <= 0.95 for member in crowd if member.accuracy is not None)


def test_a_crowd_is_the_same_for_a_seed_and_spammers_sit_anywhere() -> None:
    accuracy = Accuracy("uniform", 0.6, 0.9)
    assert make_crowd(50, 0.2, accuracy, seed=9) == make_crowd(50, 0.2, accuracy, seed=9)
    places = {tuple(member.number for member in make_crowd(50, 0.2, accuracy, seed) if member.spammer)
              for seed in range(5)}
    assert len(places) == 5


def test_honest_answers_are_right_with_their_accuracy_and_wrong_uniformly() -> None:
    member = Member(0, False, 0.8)
    truth = {task: hidden_truth(task, LABELS, 5) for task in TASKS}
    given = {task: answer(member, task, truth[task], LABELS, 5) for task in TASKS}
    right = sum(given[task] == truth[task] for task in TASKS)
    assert right / len(TASKS) == pytest.approx(0.8, abs=0.01)
    wrong = Counter((LABELS.index(given[task]) - LABELS.index(truth[task])) % 3 for task in TASKS
                    if given[task] != truth[task])
    assert wrong[1] / (wrong[1] + wrong[2]) == pytest.approx(0.5, abs=0.02)
    assert Counter(truth.values())["dog"] / len(TASKS) == pytest.approx(1 / 3, abs=0.01)


def test_spammers_and_tasks_without_a_truth_get_uniform_answers() -> None:
    spammer, honest = Member(1, True, None), Member(2, False, 0.99)
    by_spammer = Counter(answer(spammer, task, "cat", LABELS, 5) for task in TASKS)
    unknown = Counter(answer(honest, task, None, LABELS, 5, known=False) for task in TASKS)
    for counts in (by_spammer, unknown):
        assert set(counts) == set(LABELS)
        assert all(count / len(TASKS) == pytest.approx(1 / 3, abs=0.01) for count in counts.values())


@given(st.integers(0, 10**6), st.integers(0, 99), st.text(min_size=1, max_size=20),
       st.floats(0.0, 1.0), st.sampled_from(LABELS))
def test_an_answer_depends_only_on_the_seed_the_performer_and_the_task(seed: int, number: int, task: str,
                                                                     accuracy: float, truth: str) -> None:
    member = Member(number, False, accuracy)
    first = answer(member, task, truth, LABELS, seed)
    assert first in LABELS
    assert answer(member, task, truth, LABELS, seed) == first
    assert answer(Member(number, False, 1.0), task, truth, LABELS, seed) == truth
    assert answer(Member(number, False, 0.0), task, truth, LABELS, seed) != truth


def test_only_honest_performers_take_time() -> None:
    assert suite_seconds(Member(0, False, 0.9), 20, 0.5) == 10.0
    assert suite_seconds(Member(1, True, None), 20, 0.5) == 0.0


def test_the_answer_field_is_the_only_one_with_labels() -> None:
    spec = {"result": {"type": "string", "allowed_values": LABELS},
            "comment": {"type": "string", "required": False}}
    assert answer_field(spec, None) == ("result", LABELS)
    assert answer_field({"ok": {"type": "boolean"}}, None) == ("ok", [False, True])
    two = {"result": {**spec["result"], "required": False}, "ok": {"type": "boolean"}}
    assert answer_field(two, "ok") == ("ok", [False, True])
    with pytest.raises(FieldChoiceError, match="several output fields the crowd could answer .ok, result."):
        answer_field(two, None)
    with pytest.raises(FieldChoiceError, match="no output field with allowed_values"):
        answer_field({"text": {"type": "string"}}, None)
    with pytest.raises(FieldChoiceError, match="--field 'comment' is not an output field"):
        answer_field(spec, "comment")
    with pytest.raises(FieldChoiceError, match="also requires the output fields comment"):
        answer_field({"result": spec["result"], "comment": {"type": "string"}}, None)


def test_a_truth_file_names_an_existing_file_even_with_colons(tmp_path: Path) -> None:
    odd = tmp_path / "a:b.tsv"
    odd.write_text("INPUT:image\ttruth\n")
    found = parse_truth_file(f"{odd}:GOLDEN:result")
    assert (found.path, found.column) == (odd, "GOLDEN:result")
    with pytest.raises(TruthError, match="FILE:COLUMN"):
        parse_truth_file(f"{tmp_path / 'missing.tsv'}:truth")
    with pytest.raises(TruthError, match="FILE:COLUMN"):
        parse_truth_file(f"{odd}:")


def pool_tasks() -> list[talaka.Task]:
    general = [talaka.Task(id=f"t{number}", input_values={"image": f"https://example.com/{number}.png", "n": number})
               for number in range(4)]
    control = talaka.Task(id="g0", input_values={"image": "https://example.com/g.png", "n": 9},
                          known_solutions=[talaka.KnownSolution(output_values={"result": "other"})])
    return [*general, control]


SPECS = {"input_spec": {"image": {"type": "url"}, "n": {"type": "integer"}},
         "output_spec": {"result": {"type": "string", "allowed_values": LABELS}}}


def test_truths_come_from_a_file_matched_by_input_values(tmp_path: Path) -> None:
    file = tmp_path / "truth.csv"
    file.write_text("INPUT:image,INPUT:n,GOLDEN:result,truth,note\n"
                    "https://example.com/0.png,0,,dog,first\n"
                    "https://example.com/1.png,1,cat,cat,a control in the file\n"
                    "https://example.com/3.png,3,,,no truth\n"
                    "https://example.com/7.png,7,,other,not in the pool\n")
    truths = pool_truths(pool_tasks(), "result", LABELS, 0, parse_truth_file(f"{file}:truth"),
                         SPECS["input_spec"], SPECS["output_spec"])
    assert truths.truth == {"t0": "dog", "t1": "cat", "g0": "other"}
    assert (truths.general, truths.control) == (["t0", "t1", "t2", "t3"], ["g0"])
    assert (truths.unmatched_rows, truths.general_without_truth) == (1, 2)


def test_truths_come_from_json_lines_in_either_shape(tmp_path: Path) -> None:
    file = tmp_path / "truth.jsonl"
    file.write_text('{"INPUT:image": "https://example.com/2.png", "INPUT:n": 2, "label": "cat"}\n'
                    '{"input_values": {"image": "https://example.com/3.png", "n": 3}, "label": "dog"}\n')
    truths = pool_truths(pool_tasks(), "result", LABELS, 0, parse_truth_file(f"{file}:label"),
                         SPECS["input_spec"], SPECS["output_spec"])
    assert truths.truth == {"t2": "cat", "t3": "dog", "g0": "other"}


def test_a_truth_file_with_bad_rows_names_them(tmp_path: Path) -> None:
    file = tmp_path / "truth.tsv"
    file.write_text("INPUT:image\tINPUT:n\ttruth\n"
                    "https://example.com/0.png\t0\tbird\n"
                    "https://example.com/1.png\tone\tcat\n")
    with pytest.raises(TruthError) as raised:
        pool_truths(pool_tasks(), "result", LABELS, 0, parse_truth_file(f"{file}:truth"), SPECS["input_spec"],
                    SPECS["output_spec"])
    assert "line 2, truth: 'bird' is not one of the labels" in str(raised.value)
    assert "line 3, INPUT:n: Expected an integer" in str(raised.value)
    with pytest.raises(TruthError, match="has no column 'label'; its columns: INPUT:image, INPUT:n, truth"):
        pool_truths(pool_tasks(), "result", LABELS, 0, parse_truth_file(f"{file}:label"), SPECS["input_spec"],
                    SPECS["output_spec"])
    lines = tmp_path / "truth.jsonl"
    lines.write_text('{"INPUT:image": "https://example.com/2.png", "INPUT:n": 2, "truth": "cat"}\n')
    with pytest.raises(TruthError, match="no values in a column 'label'"):
        pool_truths(pool_tasks(), "result", LABELS, 0, parse_truth_file(f"{lines}:label"), SPECS["input_spec"],
                    SPECS["output_spec"])


def test_without_a_file_general_tasks_get_a_drawn_truth() -> None:
    truths = pool_truths(pool_tasks(), "result", LABELS, 4)
    assert truths.truth["g0"] == "other"
    assert all(truths.truth[task] == hidden_truth(task, LABELS, 4) for task in truths.general)


def test_restrictions_are_named_by_the_rule_whose_comment_they_carry() -> None:
    def rule(comment: str | None, action: str = "RESTRICTION_V2") -> dict[str, object]:
        parameters = {"scope": "POOL"} | ({"private_comment": comment} if comment else {})
        return {"conditions": [], "action": {"type": action, "parameters": parameters}}

    labels = rule_labels({"configs": [
        {"collector_config": {"type": "GOLDEN_SET"}, "rules": [rule("Control tasks failed")]},
        {"collector_config": {"type": "ASSIGNMENT_SUBMIT_TIME"}, "rules": [rule("Too fast"), rule(None)]},
        {"collector_config": {"type": "MAJORITY_VOTE"}, "rules": [rule("Too fast"), rule("x", "SET_SKILL")]},
    ]})
    assert labels == {"Control tasks failed": "GOLDEN_SET: Control tasks failed",
                      "Too fast": "ASSIGNMENT_SUBMIT_TIME/MAJORITY_VOTE: Too fast", None: "ASSIGNMENT_SUBMIT_TIME"}
    assert label_restriction(labels, None) == "ASSIGNMENT_SUBMIT_TIME"
    assert label_restriction(labels, "by hand") == "not a rule of this pool: by hand"
    assert label_restriction(rule_labels(None), None) == "not a rule of this pool"


def test_accuracy_compares_labels_as_json_would() -> None:
    assert score([("cat", "cat"), ("dog", "cat"), (True, 1), (False, False)]) == {
        "compared": 4, "correct": 2, "accuracy": 0.5}
    assert score([]) == {"compared": 0, "correct": 0, "accuracy": None}
