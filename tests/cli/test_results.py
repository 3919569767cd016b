"""`talaka results` as a real process against the session server: every answer in each format, and
aggregated answers next to their tasks' inputs (on each backend)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

import talaka
from tests.api.work_world import V1, created, performer_client, solutions
from tests.support.server import ServerProcess

PROJECT: dict[str, Any] = {
    "public_name": "results", "public_description": "answers of several types",
    "task_spec": {"input_spec": {"image": {"type": "url"}, "n": {"type": "integer"}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]},
                                  "score": {"type": "integer", "min_value": 1, "max_value": 5},
                                  "sure": {"type": "boolean", "required": False}}}}
TASKS = 8
PERFORMERS = 3
STATUSES = ["SUBMITTED", "APPROVED", "REJECTED"]


def answer(performer: int, number: int) -> dict[str, Any]:
    """Performer 2 says dog to everything, the others cat to even tasks and dog to odd ones; only
    performer 0 says whether they are sure (an optional boolean, empty in the others' rows)."""
    label = "dog" if performer == 2 or number % 2 else "cat"
    given: dict[str, Any] = {"label": label, "score": 1 + (number + performer) % 5}
    if performer == 0:
        given["sure"] = number % 3 == 0
    return given


@pytest.fixture(scope="module")
def pool(server: ServerProcess) -> str:
    """A pool of eight tasks at overlap 3, one suite each for three performers; one suite accepted,
    one rejected, one left SUBMITTED."""
    with httpx.Client(base_url=server.url + V1, headers={"Authorization": f"OAuth {server.token}"},
                      timeout=60) as api:
        project = created(api.post("/projects", json=PROJECT))["id"]
        mixer = {"real_tasks_count": TASKS, "golden_tasks_count": 0, "training_tasks_count": 0}
        pool_id = created(api.post("/pools", json={"project_id": project, "private_name": "results",
                                                   "auto_accept_solutions": False, "mixer_config": mixer}))["id"]
        items = [{"pool_id": pool_id, "overlap": PERFORMERS,
                  "input_values": {"image": f"https://example.com/{number}.png", "n": number}}
                 for number in range(TASKS)]
        created(api.post("/tasks", params={"async_mode": "false", "open_pool": "true"}, json=items))
        suites = []
        for performer in range(PERFORMERS):
            made = created(api.post("/performers", json={"name": f"results-{performer}"}))
            with performer_client(server.url, made["token"]) as me:
                suite = created(me.post("/assignments", json={"pool_id": pool_id}))
                answers = [answer(performer, task["input_values"]["n"]) for task in suite["tasks"]]
                assert me.post(f"/assignments/{suite['id']}/submit", json=solutions(*answers)).status_code == 200
                suites.append(suite["id"])
        assert api.patch(f"/assignments/{suites[0]}", json={"status": "ACCEPTED"}).status_code == 200
        assert api.patch(f"/assignments/{suites[1]}",
                         json={"status": "REJECTED", "public_comment": "no"}).status_code == 200
    return str(pool_id)


def results(server: ServerProcess, *arguments: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "talaka", "results", *arguments, "--url", server.url],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TALAKA_TOKEN": token or server.token})


def frame_of(path: Path, delimiter: str) -> pd.DataFrame:
    ids = dict.fromkeys(["ASSIGNMENT:link", "ASSIGNMENT:assignment_id", "ASSIGNMENT:worker_id"], str)
    return pd.read_csv(path, delimiter=delimiter, dtype=ids)


def test_every_answer_as_tsv_reads_back_like_get_assignments_df(server: ServerProcess, pool: str,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "answers.tsv"
    done = results(server, pool, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert f"Wrote {TASKS * PERFORMERS} answers of pool {pool}" in done.stderr
    assert not (tmp_path / "answers.tsv.part").exists()
    with talaka.Client(server.url, server.token) as client:
        expected = client.get_assignments_df(pool, status=STATUSES)
    written = frame_of(target, "\t")
    assert list(written.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(written, expected)
    assert set(written["ASSIGNMENT:status"]) == {"SUBMITTED", "APPROVED", "REJECTED"}

    as_csv = tmp_path / "answers.csv"
    assert results(server, pool, "--format", "csv", "-o", str(as_csv)).returncode == 0
    pd.testing.assert_frame_equal(frame_of(as_csv, ","), expected)

    only_accepted = results(server, pool, "--status", "ACCEPTED")
    rows = list(csv.reader(io.StringIO(only_accepted.stdout), delimiter="\t"))
    assert len(rows) == 1 + TASKS and {row[-2] for row in rows[1:]} == {"APPROVED"}


def test_json_lines_carry_typed_values(server: ServerProcess, pool: str) -> None:
    done = results(server, pool, "--format", "jsonl", "--status", "SUBMITTED,APPROVED")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == TASKS * 2
    for line in lines:
        assert isinstance(line["INPUT:n"], int) and line["INPUT:image"].startswith("https://")
        assert line["OUTPUT:label"] in ("cat", "dog") and isinstance(line["OUTPUT:score"], int)
        assert line["OUTPUT:sure"] in (True, False, None)
        assert line["GOLDEN:label"] is None and isinstance(line["ASSIGNMENT:worker_id"], str)


def test_aggregated_answers_sit_next_to_their_inputs(server: ServerProcess, pool: str, tmp_path: Path) -> None:
    target = tmp_path / "votes.tsv"
    done = results(server, pool, "--aggregate", "majority-vote", "--field", "label", "-o", str(target))
    assert done.returncode == 0, done.stderr
    written = pd.read_csv(target, delimiter="\t", dtype={"task_id": str})
    with talaka.Client(server.url, server.token) as client:
        inputs = list(client.get_project(client.get_pool(pool).project_id or "").task_spec["input_spec"])
    assert sorted(inputs) == ["image", "n"], "PostgreSQL's JSONB may hand the spec's keys back in its own order"
    assert list(written.columns) == ["task_id", *(f"INPUT:{name}" for name in inputs), "OUTPUT:label",
                                     "CONFIDENCE:label"]
    assert written["task_id"].tolist() == sorted(written["task_id"]) and len(written) == TASKS
    for row in written.to_dict("records"):
        number = row["INPUT:n"]
        assert row["INPUT:image"] == f"https://example.com/{number}.png"
        # the rejected suite (performer 1) does not count: performers 0 and 2 agree on odd tasks only
        assert (row["OUTPUT:label"], row["CONFIDENCE:label"]) == (("dog", 1.0) if number % 2 else ("cat", 0.5))

    ds = results(server, pool, "--aggregate", "dawid-skene", "--field", "label", "--format", "jsonl")
    assert ds.returncode == 0, ds.stderr
    lines = [json.loads(line) for line in ds.stdout.splitlines()]
    assert [line["task_id"] for line in lines] == written["task_id"].tolist()
    assert all(isinstance(line["INPUT:n"], int) and 0 < line["CONFIDENCE:label"] <= 1 for line in lines)


def test_what_cannot_be_done_is_said_and_leaves_no_file(server: ServerProcess, pool: str, tmp_path: Path) -> None:
    target = tmp_path / "nothing.tsv"
    several = results(server, pool, "--aggregate", "dawid-skene", "-o", str(target))
    assert several.returncode == 2 and "--field" in several.stderr
    assert not target.exists() and not (tmp_path / "nothing.tsv.part").exists()
    wrong = results(server, pool, "-o", str(target), token="not-a-token")
    assert wrong.returncode == 2 and "token" in wrong.stderr.lower()
    assert not target.exists()
    missing = results(server, "987654321")
    assert missing.returncode == 2 and "987654321" in missing.stderr
    unweighted = results(server, pool, "--aggregate", "weighted")
    assert unweighted.returncode == 2 and "--skill" in unweighted.stderr
