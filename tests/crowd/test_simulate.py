"""`talaka simulate` (a real process) against a real server.

The acceptance run: 50 performers, 10% of them spammers, work a 10,000-task pool at overlap 3; the
accuracies it reports for majority vote, Dawid-Skene and the raw answers must equal the ones
computed here, directly from the answers the server stored (majority vote by hand, Dawid-Skene by
crowd-kit), against the truth the simulator says it used. Then: a pool's GOLDEN_SET rule bans
spammers and the table says so, matching the restrictions the server holds; a truth file drives
the crowd's answers; and a crowd stopped by `--timeout` leaves no suite ACTIVE behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene as CrowdKitDawidSkene

import talaka
from tests.support.server import ServerProcess

LABELS = ["cat", "dog", "other"]
RUN_SECONDS = 600
"""Not an assertion on speed: only a way out of a simulation that hangs."""


def new_pool(client: talaka.Client, *, general: int, control: int, overlap: int, real: int,
             rules: list[dict[str, Any]] | None = None, open_pool: bool = True) -> str:
    """A project and a pool of `general` image tasks and `control` control tasks (`real` general and
    one control task a suite, and suites without a control task once a performer has seen them all)."""
    project = client.create_project({
        "public_name": "Cats and dogs", "public_description": "Who is in the picture?",
        "public_instructions": "Choose one.",
        "task_spec": {"input_spec": {"image": {"type": "url"}},
                      "output_spec": {"result": {"type": "string", "allowed_values": LABELS}},
                      "view_spec": {"type": "classic", "markup": "<img src='{{input.image}}'>"}}})
    pool = client.create_pool({
        "project_id": project.id, "private_name": "simulated", "may_contain_adult_content": False,
        "will_expire": "2035-01-01T00:00:00", "reward_per_assignment": 0.01,
        "assignment_max_duration_seconds": 600, "auto_accept_solutions": False,
        "defaults": {"default_overlap_for_new_tasks": overlap},
        "mixer_config": {"real_tasks_count": real, "golden_tasks_count": 1 if control else 0,
                         "training_tasks_count": 0, "min_golden_tasks_count": 0},
        "quality_control": {"configs": rules or []}})
    assert pool.id is not None
    tasks = [{"pool_id": pool.id, "input_values": {"image": f"https://example.com/{number}.png"}}
             for number in range(general)]
    tasks += [{"pool_id": pool.id, "input_values": {"image": f"https://example.com/control/{number}.png"},
               "infinite_overlap": True, "known_solutions": [{"output_values": {"result": LABELS[number % 3]}}]}
              for number in range(control)]
    client.create_tasks(tasks, allow_defaults=True, open_pool=open_pool)
    return pool.id


def simulate(server: ServerProcess, pool_id: str, json_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "talaka", "simulate", pool_id, "--json", str(json_path), *options],
                          capture_output=True, text=True, timeout=RUN_SECONDS,
                          env={**os.environ, "TALAKA_URL": server.url, "TALAKA_TOKEN": server.token})


def ran(server: ServerProcess, pool_id: str, folder: Path, *options: str) -> tuple[str, dict[str, Any]]:
    """The table printed and the figures written by a run that succeeded."""
    json_path = folder / f"simulated-{pool_id}.json"
    done = simulate(server, pool_id, json_path, *options)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(json_path.read_text())


def stored_answers(client: talaka.Client, pool_id: str) -> pd.DataFrame:
    """Every answer that counts (SUBMITTED and accepted assignments): task, worker, label, golden."""
    frame = client.get_assignments_df(pool_id, status=["SUBMITTED", "APPROVED"], field=["task_id", "worker_id"])
    return pd.DataFrame({"task": frame["ASSIGNMENT:task_id"], "worker": frame["ASSIGNMENT:worker_id"],
                         "label": frame["OUTPUT:result"], "golden": frame["GOLDEN:result"].fillna("")})


def majority_vote(answers: pd.DataFrame) -> dict[str, str]:
    """Each task's most frequent label; a tie goes to the label that sorts first."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for task, label in zip(answers["task"], answers["label"], strict=True):
        votes[task][label] += 1
    return {task: min(label for label, count in counted.items() if count == max(counted.values()))
            for task, counted in votes.items()}


def accuracy(predicted: dict[str, Any], truth: dict[str, Any]) -> tuple[float, int]:
    """The share of tasks with a truth whose label is the truth, and how many were compared."""
    compared = [task for task in predicted if task in truth]
    return sum(predicted[task] == truth[task] for task in compared) / len(compared), len(compared)


def row(table: str, name: str) -> list[str]:
    """The cells of the table's row called `name` (a name is followed by two spaces at least)."""
    for line in table.splitlines():
        if line.startswith(name + "  "):
            return line[len(name):].split()
    raise AssertionError(f"no row {name!r} in:\n{table}")


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_fifty_performers_on_ten_thousand_tasks_report_the_accuracy_of_the_stored_answers(
        server: ServerProcess, tmp_path: Path) -> None:
    with talaka.Client(server.url, server.token) as client:
        pool_id = new_pool(client, general=10_000, control=60, overlap=3, real=19)
        table, found = ran(server, pool_id, tmp_path, "--performers", "50", "--spammers", "0.1", "--seed", "7")
        answers = stored_answers(client, pool_id)

    assert ["honest", "spammers", "all"] in [line.split() for line in table.splitlines()]
    assert row(table, "performers") == ["45", "5", "50"]
    for name in ("suites taken", "answers", "raw accuracy, general tasks", "banned", "time to complete",
                 "majority vote", "Dawid-Skene"):
        assert row(table, name), name
    assert found["pool"]["status_after"] == "CLOSED" and found["pool"]["last_close_reason"] == "COMPLETED"
    assert found["groups"]["all"]["general_answers"] == found["pool"]["answers_needed"] == 30_000
    assert found["groups"]["all"]["answers"] == len(answers)

    truth = found["truth"]["labels"]
    general = answers[answers["golden"] == ""]
    assert len(truth) == 10_000 and set(general["task"]) == set(truth)
    voted, compared = accuracy(majority_vote(general), truth)
    golden = answers[answers["golden"] != ""].drop_duplicates("task").set_index("task")["golden"]
    estimated = CrowdKitDawidSkene().fit_predict(answers[["task", "worker", "label"]], golden)
    skened, skene_compared = accuracy(estimated[estimated.index.isin(truth)].to_dict(), truth)
    for method, expected, count in (("MAJORITY_VOTE", voted, compared), ("DAWID_SKENE", skened, skene_compared)):
        reported = found["aggregation"][method]
        assert reported["accuracy"] == pytest.approx(expected, abs=1e-9), method
        assert (reported["compared"], reported["tasks"], reported["answers"]) == (count, 10_000, len(answers))
    assert row(table, "majority vote")[:2] == [f"{voted:.2%}", "right"]
    assert row(table, "Dawid-Skene")[:2] == [f"{skened:.2%}", "right"]
    assert voted > 0.8, "overlap 3 over performers right 70% to 95% of the time"

    spammers = {member["id"] for member in found["members"] if member["spammer"]}
    assert len(spammers) == 5
    for group, workers in (("honest", general[~general["worker"].isin(spammers)]),
                           ("spammers", general[general["worker"].isin(spammers)])):
        right = sum(label == truth[task] for task, label in zip(workers["task"], workers["label"], strict=True))
        assert found["groups"][group]["raw_accuracy"] == pytest.approx(right / len(workers), abs=1e-9), group
        assert row(table, "raw accuracy, general tasks")[("honest", "spammers").index(group)] == \
            f"{right / len(workers):.2%}"


GOLDEN_SET_RULE = {
    "collector_config": {"type": "GOLDEN_SET", "parameters": {"history_size": 10}},
    "rules": [{"conditions": [{"key": "golden_set_answers_count", "operator": "GTE", "value": 3},
                              {"key": "golden_set_correct_answers_rate", "operator": "LT", "value": 50}],
               "action": {"type": "RESTRICTION_V2", "parameters": {
                   "scope": "POOL", "duration": 1, "duration_unit": "DAYS",
                   "private_comment": "Control tasks failed"}}}]}


def test_a_golden_set_rule_bans_spammers_and_the_table_counts_them(server: ServerProcess, tmp_path: Path) -> None:
    with talaka.Client(server.url, server.token) as client:
        pool_id = new_pool(client, general=300, control=40, overlap=3, real=4, rules=[GOLDEN_SET_RULE])
        table, found = ran(server, pool_id, tmp_path, "--performers", "20", "--spammers", "0.25",
                           "--accuracy", "0.9-0.95", "--seed", "3")
        held = {member["id"]: [(restriction.pool_id, restriction.private_comment)
                               for restriction in client.get_user_restrictions(user_id=member["id"])]
                for member in found["members"]}

    label = "GOLDEN_SET: Control tasks failed"
    bans = found["bans_by_rule"]
    assert set(bans) == {label}
    assert bans[label]["spammers"] > bans[label]["honest"]
    assert row(table, f"  by {label}") == [str(bans[label][group]) for group in ("honest", "spammers", "all")]
    assert row(table, "banned") == row(table, f"  by {label}")
    for member in found["members"]:
        assert held[member["id"]] == ([(pool_id, "Control tasks failed")] if member["banned_by"] else [])
        assert member["banned_by"] in ([], [label])


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_a_truth_file_drives_the_answers_and_a_closed_pool_is_opened_only_when_asked(
        server: ServerProcess, tmp_path: Path) -> None:
    truths = {f"https://example.com/{number}.png": LABELS[(number * 7) % 3] for number in range(60)}
    file = tmp_path / "tasks.tsv"
    file.write_text("INPUT:image\tnote\ttruth\n" + "".join(f"{image}\tseen by hand\t{label}\n"
                                                         for image, label in truths.items()))
    with talaka.Client(server.url, server.token) as client:
        pool_id = new_pool(client, general=60, control=0, overlap=3, real=5, open_pool=False)
        refused = simulate(server, pool_id, tmp_path / "refused.json", "--truth", f"{file}:truth")
        assert refused.returncode == 2 and "pass --open-pool" in refused.stderr, refused.stderr
        table, found = ran(server, pool_id, tmp_path, "--truth", f"{file}:truth", "--open-pool",
                           "--performers", "3", "--spammers", "0", "--accuracy", "1")
        images = {task.id: task.input_values["image"] for task in client.get_tasks(pool_id=pool_id)}

    assert found["truth"]["labels"] == {task_id: truths[image] for task_id, image in images.items()}
    assert found["truth"]["source"] == f"{file}, column truth"
    for method in ("MAJORITY_VOTE", "DAWID_SKENE"):
        assert (found["aggregation"][method]["accuracy"], found["aggregation"][method]["compared"]) == (1.0, 60)
    assert row(table, "raw accuracy, general tasks") == ["100.00%", "-", "100.00%"]


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_a_crowd_stopped_by_the_timeout_gives_back_the_suites_it_holds(server: ServerProcess,
                                                                      tmp_path: Path) -> None:
    with talaka.Client(server.url, server.token) as client:
        pool_id = new_pool(client, general=50, control=0, overlap=1, real=5)
        table, found = ran(server, pool_id, tmp_path, "--performers", "4", "--spammers", "0",
                           "--seconds-per-task", "60", "--timeout", "1")
        active = list(client.get_assignments(pool_id=pool_id, status="ACTIVE"))
        skipped = list(client.get_assignments(pool_id=pool_id, status="SKIPPED"))

    assert found["time"]["timed_out"] and found["pool"]["status_after"] == "OPEN"
    assert [member["stopped"] for member in found["members"]] == ["by --timeout"] * 4
    assert found["groups"]["all"]["given_back"] == len(skipped) == 4 and active == []
    assert row(table, "suites given back at --timeout") == ["4", "0", "4"]
    assert row(table, "stopped: by --timeout") == ["4", "0", "4"]
