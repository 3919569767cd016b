"""A requester changes an open pool through toloka-kit while performers work in it.

`update_pool` sends the whole pool back, read-only fields included, and its new mixer applies to
the next suite issued (each process keeps a compiled plan per pool and recompiles it when the
pool's revision moves); `patch_pool(priority=...)` reorders the pools offered to performers; a
pool closed by hand is offered to nobody, and reopened it issues again.
"""

from __future__ import annotations

import pytest
from toloka.client import TolokaClient

import talaka
from tests.e2e.crowd import images, new_performers, tutorial_pool, tutorial_project
from tests.support.server import ServerProcess


def offered(performer: talaka.Performer, pool_ids: set[str]) -> list[str]:
    return [offer.pool_id for offer in performer.pools() if offer.pool_id in pool_ids]


def test_an_open_pool_changed_by_update_pool_issues_by_its_new_mixer(toloka: TolokaClient,
                                                                       server: ServerProcess) -> None:
    project = tutorial_project(toloka)
    pool = tutorial_pool(toloka, project, auto_accept=True, real=2, golden=0, overlap=1)
    toloka.create_tasks(images(pool.id, 20), allow_defaults=True, open_pool=True)
    (_, token), = new_performers(server, 1)
    with talaka.Performer(server.url, token) as performer:
        first = performer.take(pool.id)
        assert len(first.tasks) == 2
        performer.submit(first.id, [{"result": "cat"}] * 2)

        pool = toloka.get_pool(pool.id)
        assert pool.is_open() and pool.last_started is not None
        pool.set_mixer_config(real_tasks_count=5, golden_tasks_count=0, training_tasks_count=0)
        pool.private_comment = "bigger suites"
        updated = toloka.update_pool(pool.id, pool)
        assert updated.is_open(), "the read-only status sent back does not change the pool"
        assert (updated.mixer_config.real_tasks_count, updated.private_comment) == (5, "bigger suites")
        assert updated.created == pool.created and updated.last_started == pool.last_started

        second = performer.take(pool.id)
        assert len(second.tasks) == 5, "the new mixer applies to the next suite"
        assert not {task.id for task in second.tasks} & {task.id for task in first.tasks}


def test_priority_orders_the_offers_and_a_closed_pool_is_offered_to_nobody(toloka: TolokaClient,
                                                                           server: ServerProcess) -> None:
    project = tutorial_project(toloka)
    low, high = (tutorial_pool(toloka, project, auto_accept=True, real=1, golden=0) for _ in range(2))
    for pool in (low, high):
        toloka.create_tasks(images(pool.id, 3), allow_defaults=True, open_pool=True)
    ids = {low.id, high.id}
    (_, token), = new_performers(server, 1)
    with talaka.Performer(server.url, token) as performer:
        assert offered(performer, ids) == sorted(ids, key=int), "same priority: by pool id"
        assert toloka.patch_pool(high.id, priority=50).priority == 50
        toloka.patch_pool(low.id, priority=-10)
        assert offered(performer, ids) == [high.id, low.id]

        toloka.close_pool(high.id)
        assert offered(performer, ids) == [low.id]
        with pytest.raises(talaka.DoesNotExistApiError):
            performer.take(high.id)
        closed = toloka.get_pool(high.id)
        assert closed.is_closed() and closed.last_close_reason.value == "MANUAL" and closed.last_stopped

        toloka.open_pool(high.id)
        assert len(performer.take(high.id).tasks) == 1
