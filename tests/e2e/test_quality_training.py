"""A training before the real work: a pool with a `training_requirement` refuses performers who have
not passed, the training answers wrong answers with their hints and a second attempt, keeps the
first attempt for the requester, and sets the training skill to the share of right first answers.

The requester side is toloka-kit 1.2.3 (`create_training`, training tasks with
`message_on_unknown_solution`, `open_training`, `set_training_requirement`); performers use
`talaka.Performer`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from toloka.client import Pool, Task, TolokaClient, Training
from toloka.client.exceptions import IncorrectActionsApiError
from toloka.client.quality_control import QualityControl

import talaka
from tests.e2e.crowd import LABELS, truth, tutorial_project
from tests.e2e.quality import People, pool_with_rules, refused_reason, wrong

PASSING = 75
HINT = "Look again: it is a {}"


@pytest.fixture
def training_and_pool(toloka: TolokaClient) -> tuple[Training, Pool]:
    project = tutorial_project(toloka)
    training = toloka.create_training(Training(
        project_id=project.id, private_name="Cats 101", may_contain_adult_content=False,
        assignment_max_duration_seconds=600, mix_tasks_in_creation_order=True, shuffle_tasks_in_task_suite=False,
        training_tasks_in_task_suite_count=2, task_suites_required_to_pass=2, retry_training_after_days=1,
        inherited_instructions=True))
    images = [f"https://example.com/cats/{number}.png" for number in range(4)]
    toloka.create_tasks([
        Task(pool_id=training.id, input_values={"image": image},
             known_solutions=[Task.KnownSolution(output_values={"result": truth(image)})],
             message_on_unknown_solution=HINT.format(truth(image)))
        for image in images], allow_defaults=True)
    toloka.wait_operation(toloka.open_training_async(training.id))

    def require(pool: Pool) -> None:
        pool.set_training_requirement(QualityControl.TrainingRequirement(
            training_pool_id=training.id, training_passing_skill_value=PASSING))

    pool = pool_with_rules(toloka, require, general=4, project_id=project.id)
    return training, pool


def do_suite(performer: talaka.Performer, training_id: str, first: Callable[[str], str]) -> tuple[
        talaka.PerformerAssignment, talaka.PerformerAssignment | None]:
    """Take a training suite, answer it with `first`; when that is wrong somewhere, answer again
    rightly. The first submit's answer, and the second's (None when the first was right)."""
    taken = performer.take(training_id)
    answer = performer.submit(taken.id, [{"result": first(task.input_values["image"])} for task in taken.tasks])
    if answer.status != "ACTIVE":
        return answer, None
    return answer, performer.submit(taken.id, [{"result": truth(task.input_values["image"])} for task in taken.tasks])


def test_a_training_gates_the_pool_and_scores_first_attempts(toloka: TolokaClient, people: People,
                                                             training_and_pool: tuple[Training, Pool]) -> None:
    training, pool = training_and_pool
    good, poor = people(2)
    with pytest.raises(talaka.AccessDeniedApiError) as caught:
        good.take(pool.id)
    assert caught.value.reason == "TRAINING_REQUIRED"
    assert caught.value.payload["training_pool_id"] == training.id
    offers = {offer.pool_id: offer.training for offer in good.pools()}
    assert offers.get(training.id) is True and pool.id not in offers

    one_wrong = iter([True, False])  # the first task right, the second wrong, at the first attempt
    first, second = do_suite(good, training.id, lambda image: truth(image) if next(one_wrong) else wrong(image))
    assert first.status == "ACTIVE"
    assert [(item.task_index, item.correct) for item in first.feedback or []] == [(0, True), (1, False)]
    assert first.feedback is not None and first.feedback[0].hint is None
    image = first.tasks[1].input_values["image"]
    assert first.feedback[1].hint == HINT.format(truth(image))
    assert second is not None and second.status == "ACCEPTED"
    assert all(item.correct for item in second.feedback or [])
    assert refused_reason(good, pool.id) == "TRAINING_REQUIRED"  # one suite of the two required
    done, again = do_suite(good, training.id, truth)
    assert done.status == "ACCEPTED" and again is None
    assert refused_reason(good, pool.id) is None  # 3 of 4 right at the first attempt: 75%, the passing value

    do_suite(poor, training.id, wrong)
    do_suite(poor, training.id, lambda image: truth(image) if image.endswith("2.png") else wrong(image))
    assert refused_reason(poor, pool.id) == "TRAINING_REQUIRED"  # 1 of 4: 25%

    skill = next(skill for skill in toloka.get_skills() if skill.training)
    values = {item.user_id: float(item.exact_value) for item in toloka.get_user_skills(skill_id=skill.id)}
    good_id, poor_id = (performer.me().id for performer in (good, poor))
    assert values == {good_id: 75.0, poor_id: 25.0}

    declined = [item for item in toloka.get_assignments(pool_id=training.id, user_id=good_id)
                if item.first_declined_solution_attempt]
    assert len(declined) == 1
    kept = [solution.output_values["result"] for solution in declined[0].first_declined_solution_attempt]
    final = [solution.output_values["result"] for solution in declined[0].solutions]
    assert kept[0] == final[0] and kept[1] != final[1] and kept[1] in LABELS


def test_a_project_with_an_open_training_cannot_be_archived(toloka: TolokaClient,
                                                            training_and_pool: tuple[Training, Pool]) -> None:
    training, pool = training_and_pool
    toloka.close_pool(pool.id)
    with pytest.raises(IncorrectActionsApiError) as caught:
        toloka.archive_project(training.project_id)
    assert caught.value.status_code == 409 and "trainings" in str(caught.value)
    toloka.close_training(training.id)
    assert toloka.archive_project(training.project_id).status.value == "ARCHIVED"


def test_a_finished_training_is_neither_offered_nor_given_again(toloka: TolokaClient, people: People,
                                                                training_and_pool: tuple[Training, Pool]) -> None:
    training, pool = training_and_pool
    more = [f"https://example.com/cats/{number}.png" for number in range(4, 6)]
    toloka.create_tasks([
        Task(pool_id=training.id, input_values={"image": image},
             known_solutions=[Task.KnownSolution(output_values={"result": truth(image)})],
             message_on_unknown_solution=HINT.format(truth(image)))
        for image in more], allow_defaults=True)
    (trainee,) = people(1)
    for _ in range(2):
        do_suite(trainee, training.id, truth)
    assert refused_reason(trainee, pool.id) is None
    assert training.id not in {offer.pool_id for offer in trainee.pools()}  # two tasks are left, yet it is done
    with pytest.raises(talaka.NoTasksAvailable):
        trainee.take(training.id)
