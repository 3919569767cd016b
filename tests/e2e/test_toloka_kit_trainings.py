"""Trainings through toloka-kit 1.2.3, unchanged, against a real server on each backend.

The calls of Toloka's tutorials: `create_training`, training tasks with known solutions and hints
under `allow_defaults=True` (they come back with infinite overlap), `open_pool(training.id)` as the
SQUAD2.0 tutorial does, the training methods with and without `_async` + `wait_operation`, searches
and paging, clones, and `clone_project`, which copies a project's trainings and pools and would fail
if `get_pools` listed a training.
"""

from __future__ import annotations

import datetime

import pytest
from toloka.client import Pool, Project, Task, TolokaClient, Training
from toloka.client.exceptions import ApiError, DoesNotExistApiError, IncorrectActionsApiError
from toloka.client.operations import Operation
from toloka.client.quality_control import QualityControl
from toloka.client.task import BaseTask

from tests.e2e.conftest import Maker, Other, all_tasks, image_tasks


def training_of(project: Project, name: str = "Cats and dogs", **fields: object) -> Training:
    settings: dict[str, object] = {
        "may_contain_adult_content": False, "assignment_max_duration_seconds": 600,
        "mix_tasks_in_creation_order": False, "shuffle_tasks_in_task_suite": True,
        "training_tasks_in_task_suite_count": 3, "task_suites_required_to_pass": 1, "retry_training_after_days": 1,
        "inherited_instructions": True}
    return Training(project_id=project.id, private_name=name, **(settings | fields))


def hinted(training: Training, count: int, prefix: str = "hint") -> list[Task]:
    """Training tasks as the tutorials make them: a known solution and a hint, no overlap."""
    return image_tasks(training.id, count, prefix, known_solutions=[BaseTask.KnownSolution(
        output_values={"label": "cat"})], message_on_unknown_solution="Look at the ears: it is a cat")


def test_create_get_and_update_a_training(toloka: TolokaClient, maker: Maker) -> None:
    project = maker.project()
    training = toloka.create_training(training_of(project, metadata={"team": ["a"]}))
    assert training.id and training.id.isdigit()
    assert training.status == Training.Status.CLOSED and not training.is_open()
    assert isinstance(training.created, datetime.datetime)
    assert training.owner.id == toloka.get_requester().id and training.owner.myself is True
    assert (training.training_tasks_in_task_suite_count, training.task_suites_required_to_pass) == (3, 1)
    assert training.metadata == {"team": ["a"]}
    assert toloka.get_training(training.id) == training

    training.private_name = "Renamed"
    training.assignment_max_duration_seconds = 300
    training.inherited_instructions = False
    training.public_instructions = "<p>Cats have pointed ears</p>"
    updated = toloka.update_training(training.id, training)
    assert (updated.private_name, updated.assignment_max_duration_seconds) == ("Renamed", 300)
    assert updated.public_instructions == "<p>Cats have pointed ears</p>"
    assert (updated.id, updated.created, updated.status) == (training.id, training.created, training.status)
    assert toloka.get_training(training.id) == updated


def test_the_squad_tutorial_flow(toloka: TolokaClient, maker: Maker) -> None:
    """Training tasks under allow_defaults, then `open_pool(training.id)` and `get_pool(training.id)`."""
    project = maker.project()
    pool = maker.pool(project)
    training = toloka.create_training(training_of(project))
    result = toloka.create_tasks(hinted(training, 4), allow_defaults=True)
    assert len(result.items) == 4 and not result.validation_errors
    for task in [*result.items.values(), *all_tasks(toloka, training.id)]:
        assert (task.infinite_overlap, task.overlap, task.pool_id) == (True, None, training.id)
        assert task.known_solutions == [BaseTask.KnownSolution(output_values={"label": "cat"})]
        assert task.message_on_unknown_solution == "Look at the ears: it is a cat"
    assert toloka.create_tasks(hinted(training, 1, "sync"), allow_defaults=True, async_mode=False).items[
        "0"].infinite_overlap is True

    opened = toloka.open_pool(training.id)
    assert (opened.id, opened.type, opened.status) == (training.id, Pool.Type.TRAINING, Pool.Status.OPEN)
    assert toloka.get_pool(training.id).type == Pool.Type.TRAINING
    assert toloka.get_training(training.id).is_open()
    assert [found.id for found in toloka.get_pools(project_id=project.id)] == [pool.id]
    assert [found.id for found in toloka.get_trainings(project_id=project.id)] == [training.id]
    assert toloka.find_trainings(project_id=project.id, status="OPEN").items == [toloka.get_training(training.id)]
    assert toloka.close_pool(training.id).status == Pool.Status.CLOSED


def test_open_close_archive(toloka: TolokaClient, maker: Maker) -> None:
    training = toloka.create_training(training_of(maker.project()))
    with pytest.raises(ApiError) as empty:
        toloka.open_training(training.id)
    assert empty.value.code == "EMPTY_POOL"
    toloka.create_tasks(hinted(training, 2), allow_defaults=True)

    operation = toloka.open_training_async(training.id)
    assert operation is not None
    done = toloka.wait_operation(operation)
    assert (type(done).__name__, done.status) == ("TrainingOpenOperation", Operation.Status.SUCCESS)
    assert done.parameters.training_id == training.id
    assert toloka.open_training_async(training.id) is None, "an open training answers 204"
    opened = toloka.open_training(training.id)
    assert opened.is_open() and opened.last_started is not None
    with pytest.raises(IncorrectActionsApiError) as still_open:
        toloka.archive_training(training.id)
    assert still_open.value.code == "POOL_INAPPROPRIATE_STATUS"

    closed = toloka.close_training(training.id)
    assert (closed.status, closed.last_close_reason) == (Training.Status.CLOSED, Training.CloseReason.MANUAL)
    assert closed.last_stopped is not None
    assert toloka.close_training_async(training.id) is None
    archived = toloka.archive_training(training.id)
    assert archived.status == Training.Status.ARCHIVED
    assert toloka.archive_training_async(training.id) is None
    with pytest.raises(IncorrectActionsApiError):
        toloka.open_training(training.id)
    assert toloka.get_pool(training.id).status == Pool.Status.ARCHIVED


def test_clone_a_training(toloka: TolokaClient, maker: Maker) -> None:
    original = toloka.create_training(training_of(maker.project(), training_tasks_in_task_suite_count=5))
    toloka.create_tasks(hinted(original, 3), allow_defaults=True, open_pool=True)
    clone = toloka.clone_training(original.id)
    assert clone.id != original.id and clone.status == Training.Status.CLOSED
    assert (clone.project_id, clone.private_name, clone.training_tasks_in_task_suite_count) == (
        original.project_id, original.private_name, 5)
    assert clone.created > original.created
    assert all_tasks(toloka, clone.id) == []
    assert len(all_tasks(toloka, original.id)) == 3
    assert toloka.get_training(original.id).is_open()

    operation = toloka.wait_operation(toloka.clone_training_async(original.id))
    assert type(operation).__name__ == "TrainingCloneOperation"
    assert operation.parameters.training_id == original.id
    assert toloka.get_training(operation.details.training_id).private_name == original.private_name


def test_searches_and_paging(toloka: TolokaClient, maker: Maker) -> None:
    project = maker.project()
    made = [toloka.create_training(training_of(project, f"t{number}")).id for number in range(7)]
    for batch_size in (None, 2, 300):
        assert [found.id for found in toloka.get_trainings(project_id=project.id, batch_size=batch_size)] == made
    page = toloka.find_trainings(project_id=project.id, sort=["-id"], limit=3)
    assert ([found.id for found in page.items], page.has_more) == (made[::-1][:3], True)
    assert [found.id for found in toloka.find_trainings(project_id=project.id, id_gt=made[4]).items] == made[5:]
    assert toloka.find_trainings(project_id=project.id, status="OPEN").items == []
    assert toloka.find_pools(project_id=project.id).items == []


def test_clone_project_copies_trainings_and_pools(toloka: TolokaClient, maker: Maker) -> None:
    project = maker.project()
    training = toloka.create_training(training_of(project))
    pool = maker.pool(project)
    pool.quality_control.training_requirement = QualityControl.TrainingRequirement(
        training_pool_id=training.id, training_passing_skill_value=70)
    toloka.update_pool(pool.id, pool)

    cloned = toloka.clone_project(project.id)
    [new_training] = cloned.trainings
    [new_pool] = cloned.pools
    assert new_training.id != training.id and new_training.project_id == cloned.project.id
    assert new_pool.type == Pool.Type.REGULAR and new_pool.project_id == cloned.project.id
    assert new_pool.quality_control.training_requirement.training_pool_id == new_training.id
    assert [found.id for found in toloka.get_trainings(project_id=cloned.project.id)] == [new_training.id]


def test_another_requester_sees_no_training(toloka: TolokaClient, maker: Maker, other: Other) -> None:
    project = maker.project()
    training = toloka.create_training(training_of(project))
    for read in (other.client.get_training, other.client.get_pool, other.client.open_training,
                 other.client.clone_training):
        with pytest.raises(DoesNotExistApiError):
            read(training.id)
    assert list(other.client.get_trainings(project_id=project.id)) == []
    assert training.id not in [found.id for found in other.client.get_trainings()]
    assert toloka.get_training(training.id) == training
