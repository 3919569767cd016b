"""What the quality-control end-to-end tests share: a pool with rules added the toloka-kit way, and
performers who answer on purpose right or wrong, one step at a time."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from toloka.client import Pool, TolokaClient

import talaka
from tests.e2e.crowd import (
    LABELS,
    golden_images,
    images,
    truth,
    tutorial_pool,
    tutorial_project,
)

Rules = Callable[[Pool], None]
HANG_SECONDS = 30.0


def pool_with_rules(toloka: TolokaClient, rules: Rules, *, general: int, golden: int = 0, real: int = 1,
                    golden_per_suite: int = 0, overlap: int = 1, auto_accept: bool = True,
                    project_id: str | None = None) -> Pool:
    """An open pool whose rules were added with `pool.quality_control.add_action` and sent with
    `update_pool` (the way a script adds a rule to a pool it made)."""
    project = tutorial_project(toloka) if project_id is None else toloka.get_project(project_id)
    pool = tutorial_pool(toloka, project, auto_accept=auto_accept, real=real, golden=golden_per_suite,
                         overlap=overlap)
    rules(pool)
    pool = toloka.update_pool(pool.id, pool)
    toloka.create_tasks(images(pool.id, general) + golden_images(pool.id, golden), allow_defaults=True,
                        open_pool=True)
    return pool


def wrong(image: str) -> str:
    return LABELS[(LABELS.index(truth(image)) + 1) % len(LABELS)]


def answer_suite(performer: talaka.Performer, pool_id: str, label: Callable[[str], str] = truth) -> talaka.PerformerAssignment:
    """Take a suite and submit it at once, each task answered with `label(image)`."""
    taken = performer.take(pool_id)
    return performer.submit(taken.id, [{"result": label(task.input_values["image"])} for task in taken.tasks])


def refused_reason(performer: talaka.Performer, pool_id: str) -> str | None:
    """Why a take is refused with 403 (`RESTRICTED`, `FILTER`, `TRAINING_REQUIRED`), None when it is not."""
    try:
        performer.take(pool_id)
    except talaka.AccessDeniedApiError as error:
        return error.reason
    return None


def assert_banned(performer: talaka.Performer, pool_id: str) -> None:
    assert refused_reason(performer, pool_id) == "RESTRICTED"
    assert pool_id not in {offer.pool_id for offer in performer.pools()}


def assert_free(performer: talaka.Performer, pool_id: str) -> None:
    """The performer may still work here: the pool is offered and a take is not refused (a take
    that is answered gets the performer's active suite, which the next step submits)."""
    assert pool_id in {offer.pool_id for offer in performer.pools()}
    assert refused_reason(performer, pool_id) is None


People = Callable[[int], list[talaka.Performer]]


def wait_for_status(toloka: TolokaClient, pool_id: str, closed: bool) -> Pool:
    """The pool once it is closed (or open again), as the sweeper leaves it."""
    deadline = time.monotonic() + HANG_SECONDS
    pool = toloka.get_pool(pool_id)
    while pool.is_closed() != closed:
        if time.monotonic() > deadline:
            pytest.fail(f"pool {pool_id} is still {pool.status} after {HANG_SECONDS} s")
        time.sleep(0.2)
        pool = toloka.get_pool(pool_id)
    return pool
