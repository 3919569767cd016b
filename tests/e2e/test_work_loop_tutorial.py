"""A toloka-kit tutorial script, unchanged but for a short sleep, runs to its end while a crowd works.

The script makes a Template Builder project, a pool with a mixer and golden tasks, creates the
tasks with `open_pool=True`, loops on `is_closed()` reading the completion percentage, then reads
the results both ways tutorials do: `get_assignments_df` and `get_assignments`. Ten performers
work the pool meanwhile through the performer API.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd
import pytest
from toloka.client import Assignment, Pool, Task, TolokaClient
from toloka.client.project.view_spec import TemplateBuilderViewSpec

import talaka
from tests.e2e.crowd import (
    LABELS,
    Crowd,
    Submitted,
    answers_per_task,
    completion,
    golden_images,
    images,
    mostly_right,
    new_performers,
    overlap_counts,
    truth,
    tutorial_pool,
    tutorial_project,
    wait_like_a_tutorial,
)
from tests.support.server import ServerProcess

GENERAL = 30
GOLDEN = 10
OVERLAP = 3
PERFORMERS = 10


@dataclass
class Finished:
    """The tutorial's pool after the wait loop, with what the crowd did and what the script saw."""

    pool: Pool
    tasks: list[Task]
    percentages: list[float]
    submitted: list[Submitted]
    numbers: dict[str, int]
    """performer id -> the performer's number in the crowd (what `mostly_right` is given)"""

    @property
    def general(self) -> dict[str, Task]:
        return {task.id: task for task in self.tasks if not task.known_solutions}

    @property
    def golden(self) -> dict[str, Task]:
        return {task.id: task for task in self.tasks if task.known_solutions}


@pytest.fixture(scope="module")
def finished(toloka: TolokaClient, server: ServerProcess) -> Finished:
    project = tutorial_project(toloka)
    pool = tutorial_pool(toloka, project, auto_accept=True, real=9, golden=1, overlap=OVERLAP)
    tasks = golden_images(pool.id, GOLDEN) + images(pool.id, GENERAL)
    created = toloka.create_tasks(tasks, allow_defaults=True, open_pool=True)
    assert not created.validation_errors
    assert toloka.get_pool(pool.id).is_open()
    crowd = Crowd(server, pool.id, new_performers(server, PERFORMERS)).start()
    pool, percentages = wait_like_a_tutorial(toloka, pool, crowd)
    submitted = crowd.join()
    numbers = {performer_id: number for number, (performer_id, _) in enumerate(crowd.members)}
    return Finished(pool, list(toloka.get_tasks(pool_id=pool.id)), percentages, submitted, numbers)


def test_the_pool_closes_itself_completed(finished: Finished) -> None:
    assert finished.pool.is_closed()
    assert finished.pool.last_close_reason == Pool.CloseReason.COMPLETED
    assert finished.pool.last_stopped is not None
    assert (len(finished.general), len(finished.golden)) == (GENERAL, GOLDEN)


def test_every_task_got_its_overlap_from_different_performers(finished: Finished) -> None:
    found = answers_per_task(finished.submitted, set(finished.general))
    assert overlap_counts(found) == {(OVERLAP, OVERLAP): GENERAL}
    assert all(suite.status == "ACCEPTED" for suite in finished.submitted), "auto_accept_solutions"
    assert all(task.remaining_overlap == 0 for task in finished.general.values())


def test_suites_follow_the_mixer(finished: Finished) -> None:
    """9 general tasks and 1 golden a suite; a smaller last suite only when fewer general ones were left."""
    for suite in finished.submitted:
        golden = [task_id for task_id in suite.task_ids if task_id in finished.golden]
        assert len(golden) == 1, suite
        assert 1 <= len(suite.task_ids) - 1 <= 9
    by_performer: dict[str, list[str]] = {}
    for suite in finished.submitted:
        by_performer.setdefault(suite.performer_id, []).extend(suite.task_ids)
    for task_ids in by_performer.values():
        assert len(task_ids) == len(set(task_ids)), "no performer sees a task (or a golden one) twice"


def test_completion_percentage_reaches_100(toloka: TolokaClient, finished: Finished) -> None:
    assert finished.percentages == sorted(finished.percentages), "no skips or expiries: it only grows"
    assert all(0 <= value <= 100 for value in finished.percentages)
    assert completion(toloka, finished.pool.id) == 100


def test_get_assignments_df_like_a_tutorial(toloka: TolokaClient, finished: Finished) -> None:
    df = toloka.get_assignments_df(finished.pool.id)
    assert list(df.columns) == [
        "INPUT:image",
        "OUTPUT:result",
        "GOLDEN:result",
        "HINT:text",
        "ASSIGNMENT:link",
        "ASSIGNMENT:assignment_id",
        "ASSIGNMENT:worker_id",
        "ASSIGNMENT:status",
        "ASSIGNMENT:started",
    ]
    assert len(df) == sum(len(suite.task_ids) for suite in finished.submitted), (
        "one row per task per assignment"
    )
    assert set(df["ASSIGNMENT:status"]) == {"APPROVED"}
    assert set(df["ASSIGNMENT:assignment_id"]) == {suite.assignment_id for suite in finished.submitted}
    assert set(df["ASSIGNMENT:worker_id"]) == {suite.performer_id for suite in finished.submitted}
    assert df["HINT:text"].isna().all()

    general = df[df["GOLDEN:result"].isna()]
    golden = df[df["GOLDEN:result"].notna()]
    assert len(general) == GENERAL * OVERLAP
    assert set(golden["INPUT:image"]) <= {task.input_values["image"] for task in finished.golden.values()}
    assert all(golden["GOLDEN:result"] == golden["INPUT:image"].map(truth))

    expected = {(suite.assignment_id, label) for suite in finished.submitted for label in suite.labels}
    assert set(zip(df["ASSIGNMENT:assignment_id"], df["OUTPUT:result"], strict=True)) == expected
    assert set(df["OUTPUT:result"]) <= set(LABELS)

    # The tutorials' next step: crowd-kit's columns, one answer per (task, worker).
    answers = general.rename(
        columns={"INPUT:image": "task", "OUTPUT:result": "label", "ASSIGNMENT:worker_id": "worker"}
    )[["task", "worker", "label"]]
    assert not answers.duplicated(["task", "worker"]).any()
    assert (answers.groupby("task")["worker"].nunique() == OVERLAP).all()
    majority = answers.groupby("task")["label"].agg(lambda labels: labels.mode().iloc[0])
    assert all(majority == majority.index.map(truth)), "at most one performer answers wrong"


def test_get_assignments_like_a_tutorial(toloka: TolokaClient, finished: Finished) -> None:
    results: dict[str, list[tuple[str, str]]] = {}
    count = 0
    for assignment in toloka.get_assignments(pool_id=finished.pool.id, status="ACCEPTED"):
        count += 1
        assert assignment.status == Assignment.ACCEPTED
        assert assignment.accepted == assignment.submitted
        for task, solution in zip(assignment.tasks, assignment.solutions, strict=True):
            if not task.known_solutions:
                results.setdefault(task.input_values["image"], []).append(
                    (assignment.user_id, solution.output_values["result"])
                )
    assert count == len(finished.submitted)
    assert len(results) == GENERAL
    for image, answers in results.items():
        assert len({worker for worker, _ in answers}) == OVERLAP
        assert all(label == mostly_right(finished.numbers[worker], image) for worker, label in answers)


def test_get_assignment_shows_the_golden_tasks_known_solutions(
    toloka: TolokaClient, finished: Finished
) -> None:
    suite = finished.submitted[0]
    assignment = toloka.get_assignment(suite.assignment_id)
    assert [task.id for task in assignment.tasks] == list(suite.task_ids)
    assert [solution.output_values["result"] for solution in assignment.solutions] == list(suite.labels)
    assert assignment.user_id == suite.performer_id
    assert assignment.pool_id == finished.pool.id
    for task in assignment.tasks:
        if task.id in finished.golden:
            image = task.input_values["image"]
            assert [known.output_values for known in task.known_solutions] == [{"result": truth(image)}]
        else:
            assert not task.known_solutions


def test_find_assignments_filters(toloka: TolokaClient, finished: Finished) -> None:
    pool_id = finished.pool.id
    everything = toloka.find_assignments(pool_id=pool_id, sort="-submitted", limit=1000)
    assert not everything.has_more
    assert len(everything.items) == len(finished.submitted)
    times = [assignment.submitted for assignment in everything.items]
    assert times == sorted(times, reverse=True)

    assert toloka.find_assignments(pool_id=pool_id, status="SUBMITTED").items == []
    assert toloka.find_assignments(pool_id=pool_id, status=["REJECTED", "ACTIVE"]).items == []
    accepted = toloka.find_assignments(pool_id=pool_id, status=["SUBMITTED", "ACCEPTED"], limit=1000)
    assert len(accepted.items) == len(finished.submitted)

    performer = finished.submitted[0].performer_id
    own = toloka.find_assignments(pool_id=pool_id, user_id=performer, limit=1000).items
    assert {assignment.id for assignment in own} == {
        suite.assignment_id for suite in finished.submitted if suite.performer_id == performer
    }

    middle = sorted(times)[len(times) // 2]
    later = toloka.find_assignments(pool_id=pool_id, submitted_gte=middle, sort="submitted", limit=1000).items
    earlier = toloka.find_assignments(pool_id=pool_id, submitted_lt=middle, limit=1000).items
    assert len(later) + len(earlier) == len(times)
    assert all(assignment.submitted >= middle for assignment in later)
    assert all(assignment.submitted < middle for assignment in earlier)
    assert [assignment.submitted for assignment in later] == sorted(
        assignment.submitted for assignment in later
    )
    window = toloka.find_assignments(
        pool_id=pool_id, submitted_gte=middle, submitted_lte=middle, limit=1000
    ).items
    assert window and all(assignment.submitted == middle for assignment in window)
    future = datetime.datetime(2100, 1, 1)
    assert toloka.find_assignments(pool_id=pool_id, submitted_gte=future).items == []
    assert toloka.find_assignments(pool_id=pool_id, rejected_gte=datetime.datetime(2000, 1, 1)).items == [], (
        "a bound on a time that is not set excludes the row"
    )


def test_the_project_keeps_its_template_builder_view(toloka: TolokaClient, finished: Finished) -> None:
    project = toloka.get_project(finished.pool.project_id)
    view = project.task_spec.view_spec
    assert isinstance(view, TemplateBuilderViewSpec)
    assert view.config.view.items[0].url.path == "image"
    assert [option.value for option in view.config.view.items[1].options] == list(LABELS)


def test_the_answers_are_one_frame(toloka: TolokaClient, finished: Finished) -> None:
    """`get_assignments_df` with every status and field still parses, and the pool's frame is not empty."""
    df = toloka.get_assignments_df(
        finished.pool.id,
        status=["APPROVED", "SUBMITTED", "REJECTED"],
        field=["ASSIGNMENT:task_id", "ASSIGNMENT:worker_id", "ASSIGNMENT:submitted"],
    )
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns)[-3:] == ["ASSIGNMENT:task_id", "ASSIGNMENT:worker_id", "ASSIGNMENT:submitted"]
    assert set(df["ASSIGNMENT:task_id"]) == set(finished.general) | {
        task_id for suite in finished.submitted for task_id in suite.task_ids if task_id in finished.golden
    }


def test_a_closed_pool_is_offered_to_nobody(server: ServerProcess, finished: Finished) -> None:
    ((_, token),) = new_performers(server, 1)
    with talaka.Performer(server.url, token) as newcomer:
        assert finished.pool.id not in [offer.pool_id for offer in newcomer.pools()]
        with pytest.raises(talaka.DoesNotExistApiError) as refused:
            newcomer.take(finished.pool.id)
    assert (refused.value.status_code, refused.value.code) == (404, "DOES_NOT_EXIST")
