"""toloka-kit's aggregation calls on a pool a crowd worked, checked against crowd-kit on the same answers.

Seven performers of different accuracy (from almost always right to worse than a coin) work a
pool of 45 general and 9 control tasks at overlap 3; one suite is rejected (its answers do not
count) and the rest stay SUBMITTED or are ACCEPTED (both count). toloka-kit then aggregates the
pool with `aggregate_solutions_by_pool`, waits with `wait_operation` and reads the results with
`get_aggregated_solutions`, as the docs show; crowd-kit is given the answers the tutorials give
it, read back with `get_assignments_df`, and must find the same label for every task with
confidences within 1e-6. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene as CrowdKitDawidSkene
from crowdkit.aggregation import MajorityVote as CrowdKitMajorityVote
from toloka.client import Assignment, Pool, Skill, TolokaClient
from toloka.client.aggregation import AggregatedSolution, PoolAggregatedSolutionRequest
from toloka.client.exceptions import DoesNotExistApiError, ValidationApiError
from toloka.client.operations import Operation

from tests.e2e.conftest import Other
from tests.e2e.crowd import LABELS, Crowd, golden_images, images, new_performers, truth, tutorial_pool, tutorial_project
from tests.support.server import ServerProcess

GENERAL = 45
GOLDEN = 9
PERFORMERS = 7
ACCURACY = (0.97, 0.9, 0.85, 0.7, 0.6, 0.45, 0.3)
"""each performer's chance of giving the true label (by their number in the crowd)"""
SKILL_VALUES = (90.0, 80.0, 75.0, 50.0, 40.0, 20.0)
"""each performer's skill for the weighted vote; the last performer has none"""
FIELDS = [PoolAggregatedSolutionRequest.Field(name="result")]


def varied(performer: int, image: str) -> str:
    """The performer's answer: right with their accuracy, otherwise one of the two wrong labels,
    all decided by a hash so that a rerun of the crowd gives the same answers."""
    draw = int.from_bytes(hashlib.blake2b(f"{performer}:{image}".encode(), digest_size=4).digest()) / 2**32
    right = truth(image)
    if draw < ACCURACY[performer]:
        return right
    wrong = [label for label in LABELS if label != right]
    return wrong[int(draw * 1000) % 2]


@dataclass
class Worked:
    pool: Pool
    answers: pd.DataFrame
    """task, worker, label of every counted answer, with `golden` (the known label or "")"""
    rejected_task_ids: set[str]
    performer_ids: list[str]


@pytest.fixture(scope="module")
def worked(toloka: TolokaClient, server: ServerProcess) -> Worked:
    pool = tutorial_pool(toloka, tutorial_project(toloka), auto_accept=False, real=4, golden=1, overlap=3)
    created = toloka.create_tasks(golden_images(pool.id, GOLDEN) + images(pool.id, GENERAL), allow_defaults=True,
                                  open_pool=True)
    assert not created.validation_errors
    crowd = Crowd(server, pool.id, new_performers(server, PERFORMERS), answer=varied).start()
    submitted = crowd.join()
    rejected, *reviewed = submitted[: len(submitted) // 2]
    toloka.reject_assignment(rejected.assignment_id, "rejected to check that its answers do not count")
    for suite in reviewed:
        toloka.accept_assignment(suite.assignment_id, "fine")
    frame = toloka.get_assignments_df(pool.id, status=["SUBMITTED", "APPROVED"],
                                      field=["task_id", "worker_id", "status"])
    answers = pd.DataFrame({"task": frame["ASSIGNMENT:task_id"], "worker": frame["ASSIGNMENT:worker_id"],
                            "label": frame["OUTPUT:result"], "golden": frame["GOLDEN:result"].fillna("")})
    assert set(frame["ASSIGNMENT:status"]) == {"SUBMITTED", "APPROVED"}
    return Worked(pool, answers, set(rejected.task_ids), [member[0] for member in crowd.members])


def aggregated(toloka: TolokaClient, operation: Operation) -> dict[str, AggregatedSolution]:
    done = toloka.wait_operation(operation)
    assert done.status == Operation.Status.SUCCESS, done
    return {solution.task_id: solution for solution in toloka.get_aggregated_solutions(done.id)}


def general(answers: pd.DataFrame) -> set[str]:
    return set(answers.loc[answers["golden"] == "", "task"])


def assert_same(got: dict[str, AggregatedSolution], probas: pd.DataFrame, tasks: set[str], pool_id: str) -> None:
    """The same label on every task and the label's probability within 1e-6. A tie (equal
    probabilities, which only majority vote meets) goes to the label that sorts first."""
    assert set(got) == tasks
    for task_id in sorted(tasks):
        row = probas.loc[task_id].sort_index()
        best = row.max()
        tied = sorted(label for label, value in row.items() if abs(value - best) <= 1e-9)
        solution = got[task_id]
        assert solution.pool_id == pool_id
        assert solution.output_values == {"result": tied[0]}, (task_id, row.to_dict())
        assert solution.confidence == pytest.approx(best, abs=1e-6)


def test_dawid_skene_like_the_docs_agrees_with_crowd_kit(toloka: TolokaClient, worked: Worked) -> None:
    operation = toloka.aggregate_solutions_by_pool(type="DAWID_SKENE", pool_id=worked.pool.id, fields=FIELDS)
    assert operation.parameters.pool_id == worked.pool.id
    got = aggregated(toloka, operation)
    golden = worked.answers.loc[worked.answers["golden"] != ""].drop_duplicates("task").set_index("task")["golden"]
    probas = CrowdKitDawidSkene().fit_predict_proba(worked.answers[["task", "worker", "label"]], golden)
    assert_same(got, probas, general(worked.answers), worked.pool.id)
    truths = {task_id: solution.output_values["result"] for task_id, solution in got.items()}
    assert len(truths) == GENERAL, "every general task has answers left after the rejection"


def test_majority_vote_agrees_with_crowd_kit(toloka: TolokaClient, worked: Worked) -> None:
    got = aggregated(toloka, toloka.aggregate_solutions_by_pool(type="MAJORITY_VOTE", pool_id=worked.pool.id,
                                                                fields=FIELDS))
    probas = CrowdKitMajorityVote().fit_predict_proba(worked.answers[["task", "worker", "label"]])
    assert_same(got, probas, general(worked.answers), worked.pool.id)


def test_weighted_dynamic_overlap_weighs_answers_by_skill(toloka: TolokaClient, worked: Worked) -> None:
    skill = toloka.create_skill(name="aggregation weight", public_requester_description={"EN": "weight"})
    for performer_id, value in zip(worked.performer_ids, SKILL_VALUES, strict=False):
        toloka.set_user_skill(skill_id=skill.id, user_id=performer_id, value=Decimal(str(value)))
    got = aggregated(toloka, toloka.aggregate_solutions_by_pool(
        type="WEIGHTED_DYNAMIC_OVERLAP", pool_id=worked.pool.id, answer_weight_skill_id=skill.id, fields=FIELDS))
    skills = pd.Series(dict(zip(worked.performer_ids, SKILL_VALUES, strict=False)))
    counted = worked.answers[["task", "worker", "label"]]
    weighed = counted.groupby("task")["worker"].transform(lambda workers: workers.isin(skills.index).any())
    probas = CrowdKitMajorityVote(on_missing_skill="value", default_skill=0.0).fit_predict_proba(
        counted[weighed], skills)
    assert_same({task: got[task] for task in set(counted.loc[weighed, "task"]) & set(got)}, probas,
                general(worked.answers) & set(counted.loc[weighed, "task"]), worked.pool.id)

    one = sorted(got)[0]
    by_task = toloka.aggregate_solutions_by_task(pool_id=worked.pool.id, task_id=one, answer_weight_skill_id=skill.id,
                                                 fields=FIELDS)
    assert (by_task.task_id, by_task.output_values) == (one, got[one].output_values)
    assert by_task.confidence == pytest.approx(got[one].confidence, abs=1e-12)


def test_results_page_by_task_id_both_ways(toloka: TolokaClient, worked: Worked) -> None:
    done = toloka.wait_operation(toloka.aggregate_solutions_by_pool(type="MAJORITY_VOTE", pool_id=worked.pool.id,
                                                                   fields=FIELDS))
    everything = [solution.task_id for solution in toloka.get_aggregated_solutions(done.id, batch_size=7)]
    assert everything == sorted(everything) and len(everything) == GENERAL
    newest = toloka.find_aggregated_solutions(done.id, task_id_gt=everything[9], sort="-task_id", limit=5)
    assert [item.task_id for item in newest.items] == everything[::-1][:5] and newest.has_more
    window = toloka.find_aggregated_solutions(done.id, task_id_gte=everything[3], task_id_lt=everything[6])
    assert [item.task_id for item in window.items] == everything[3:6] and not window.has_more


def test_rejected_answers_do_not_count(toloka: TolokaClient, worked: Worked) -> None:
    """The rejected suite's performer is missing from the answers that were aggregated."""
    done = toloka.wait_operation(toloka.aggregate_solutions_by_pool(type="MAJORITY_VOTE", pool_id=worked.pool.id,
                                                                   fields=FIELDS))
    assert done.details["answers_count"] == len(worked.answers)
    rejected = list(toloka.get_assignments(pool_id=worked.pool.id, status=Assignment.REJECTED))
    assert len(rejected) == 1 and {task.id for task in rejected[0].tasks} == worked.rejected_task_ids


def test_requests_that_cannot_be_done_say_why(toloka: TolokaClient, worked: Worked, other: Other,
                                              server: ServerProcess) -> None:
    with pytest.raises(DoesNotExistApiError):
        toloka.aggregate_solutions_by_pool(type="DAWID_SKENE", pool_id=other.pool.id, fields=FIELDS)
    with pytest.raises(ValidationApiError) as unknown:
        toloka.aggregate_solutions_by_pool(type="DAWID_SKENE", pool_id=worked.pool.id,
                                           fields=[PoolAggregatedSolutionRequest.Field(name="color")])
    assert "fields.0.name" in unknown.value.payload
    with pytest.raises(ValidationApiError) as unweighted:
        toloka.aggregate_solutions_by_pool(type="WEIGHTED_DYNAMIC_OVERLAP", pool_id=worked.pool.id, fields=FIELDS)
    assert "answer_weight_skill_id" in unweighted.value.payload
    with pytest.raises(DoesNotExistApiError):
        skill = other.client.create_skill(name="theirs", public_requester_description={"EN": "x"})
        toloka.aggregate_solutions_by_pool(type="WEIGHTED_DYNAMIC_OVERLAP", pool_id=worked.pool.id,
                                           answer_weight_skill_id=skill.id, fields=FIELDS)
    done = toloka.wait_operation(toloka.aggregate_solutions_by_pool(type="DAWID_SKENE", pool_id=worked.pool.id,
                                                                   fields=FIELDS))
    with pytest.raises(DoesNotExistApiError):
        list(other.client.get_aggregated_solutions(done.id))
    with httpx.Client(base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"}) as http:
        by_task = http.post("/aggregated-solutions/aggregate-by-task", json={
            "type": "DAWID_SKENE", "pool_id": worked.pool.id, "task_id": sorted(general(worked.answers))[0],
            "fields": [{"name": "result"}]})
        assert by_task.status_code == 400 and "aggregate-by-pool" in by_task.json()["payload"]["type"]["message"]
        two = http.post("/aggregated-solutions/aggregate-by-pool", json={
            "type": "DAWID_SKENE", "pool_id": worked.pool.id, "fields": [{"name": "result"}, {"name": "other"}]})
        assert two.status_code == 400 and "fields" in two.json()["payload"]


def test_skill_of_unknown_workers_is_checked(toloka: TolokaClient, worked: Worked) -> None:
    """`Skill` objects from toloka-kit name the skill the weights come from; a skill with no values
    at all leaves every task to the plain vote."""
    skill: Skill = toloka.create_skill(name="nobody has it", public_requester_description={"EN": "none"})
    weighted = aggregated(toloka, toloka.aggregate_solutions_by_pool(
        type="WEIGHTED_DYNAMIC_OVERLAP", pool_id=worked.pool.id, answer_weight_skill_id=skill.id, fields=FIELDS))
    plain = aggregated(toloka, toloka.aggregate_solutions_by_pool(type="MAJORITY_VOTE", pool_id=worked.pool.id,
                                                                  fields=FIELDS))
    assert {task: (s.output_values, s.confidence) for task, s in weighted.items()} == {
        task: (s.output_values, s.confidence) for task, s in plain.items()}
