"""The work loop in the store: review, automatic acceptance and pools that close themselves (the
scene: `tests/store/work_scene.py`)."""

from __future__ import annotations

from talaka.store.work_records import REFUSED_NOT_OPEN
from tests.store.work_scene import (
    MAX_DURATION,
    ONE_BY_ONE,
    Scene,
    at,
    bring_to,
    golden,
    image,
    record_of,
    scenario,
)

# ---------------------------------------------------------------------------------------------
# Review and acceptance


@scenario
async def test_manual_review_and_auto_accept_after_the_period(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, auto_accept_solutions=False,
                            auto_accept_period_day=2)
    await scene.add(pool, [image(n) for n in range(3)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    assert not plan.auto_accept and plan.auto_accept_period_days == 2
    seq = {}
    for name in ("waiting", "rejected", "reviewed"):
        worker = await scene.performer(name)
        submitted = record_of(await scene.submit(worker, await scene.issued(worker, plan), plan, at(10)))
        assert (submitted.status, submitted.submitted, submitted.accepted) == ("SUBMITTED", at(10), None)
        seq[name] = submitted.seq
    assert await scene.review(seq["rejected"], "SUBMITTED", "REJECTED", "Wrong", at(20))
    assert await scene.review(seq["reviewed"], "SUBMITTED", "ACCEPTED", "Fine", at(20))
    assert not await scene.review(seq["reviewed"], "SUBMITTED", "REJECTED", None, at(21)), \
        "the review is conditional on the status the reviewer saw"
    two_days = 2 * 86_400
    assert await scene.store.accept_due(at(10 + two_days - 1)) == 0
    assert await scene.store.accept_due(at(10 + two_days)) == 1
    waiting, rejected, reviewed = [await scene.assignment(seq[name])
                                   for name in ("waiting", "rejected", "reviewed")]
    assert (waiting.status, waiting.accepted) == ("ACCEPTED", at(10 + two_days))
    assert (rejected.status, rejected.rejected, rejected.public_comment) == ("REJECTED", at(20), "Wrong")
    assert (reviewed.status, reviewed.accepted, reviewed.public_comment) == ("ACCEPTED", at(20), "Fine")
    assert await scene.review(seq["rejected"], "REJECTED", "ACCEPTED", None, at(30))
    after = await scene.assignment(seq["rejected"])
    assert (after.status, after.accepted, after.rejected, after.public_comment) == (
        "ACCEPTED", at(30), at(20), "Wrong")
    assert await scene.store.accept_due(at(10 * two_days)) == 0, "reviewed ones are never auto-accepted"


# ---------------------------------------------------------------------------------------------
# Pools that close themselves


@scenario
async def test_a_pool_closes_completed_when_every_general_task_has_its_answers(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={"real_tasks_count": 1, "golden_tasks_count": 1,
                                          "training_tasks_count": 0})
    await scene.add(pool, [{**image(0), "overlap": 2}, image(1)])
    await scene.add(pool, [golden(n) for n in range(3)])
    other = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(other, [image(9)])
    await scene.open(pool)
    await scene.open(other)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    await scene.submit(ann, await scene.issued(ann, plan), plan, at(1))
    await scene.submit(ann, await scene.issued(ann, plan, at(2)), plan, at(3))
    assert await scene.store.close_finished_pools(at(4)) == [], "general-0 still needs a second answer"
    active = await scene.issued(bob, plan, at(5))
    assert await scene.store.close_finished_pools(at(6)) == [], "an ACTIVE assignment holds it open"
    await scene.submit(bob, active, plan, at(7))
    assert await scene.store.close_finished_pools(at(8)) == [(pool, "COMPLETED")]
    status, body = await scene.pool_status(pool)
    assert (status, body["status"], body["last_close_reason"], body["last_stopped"]) == (
        "CLOSED", "CLOSED", "COMPLETED", at(8))
    assert (await scene.pool_status(other))[0] == "OPEN"
    assert await scene.store.close_finished_pools(at(9)) == []


@scenario
async def test_rejected_answers_count_towards_completion(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, auto_accept_solutions=False)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    submitted = record_of(await scene.submit(ann, await scene.issued(ann, plan), plan, at(1)))
    assert await scene.review(submitted.seq, "SUBMITTED", "REJECTED", "no", at(2))
    assert await scene.store.close_finished_pools(at(3)) == [(pool, "COMPLETED")]


@scenario
async def test_skipped_and_expired_answers_do_not_complete_a_pool(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    await bring_to(scene, ann, plan, await scene.issued(ann, plan), "SKIPPED")
    assert await scene.store.close_finished_pools(at(2)) == []
    await bring_to(scene, bob, plan, await scene.issued(bob, plan, at(2)), "EXPIRED")
    assert await scene.store.close_finished_pools(at(MAX_DURATION * 2)) == []


@scenario
async def test_a_pool_waits_for_active_assignments_even_when_its_overlap_is_met(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    [task] = await scene.add(pool, [{**image(0), "overlap": 2}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    slow = await scene.issued(ann, plan)
    await scene.submit(bob, await scene.issued(bob, plan), plan, at(1))
    body = await scene.store.get_task("tasks", scene.requester_id, task)
    assert body is not None
    await scene.store.replace_task("tasks", scene.requester_id, task, 1, False, body)
    assert await scene.store.close_finished_pools(at(2)) == [], "ann's suite is still ACTIVE"
    await scene.submit(ann, slow, plan, at(3))
    assert await scene.store.close_finished_pools(at(4)) == [(pool, "COMPLETED")]


@scenario
async def test_auto_close_after_complete_delay(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, auto_close_after_complete_delay_seconds=60)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    await scene.submit(ann, await scene.issued(ann, plan), plan, at(1))
    assert await scene.store.close_finished_pools(at(10)) == [], "done since 10 s"
    assert await scene.store.close_finished_pools(at(69)) == []
    assert await scene.store.close_finished_pools(at(70)) == [(pool, "COMPLETED")]
    assert (await scene.pool_status(pool))[1]["last_stopped"] == at(70)


@scenario
async def test_new_work_during_the_delay_restarts_it(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, auto_close_after_complete_delay_seconds=60)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    await scene.submit(ann, await scene.issued(ann, plan), plan, at(1))
    assert await scene.store.close_finished_pools(at(10)) == []
    await scene.add(pool, [image(1)])
    assert await scene.store.close_finished_pools(at(20)) == []
    await scene.submit(ann, await scene.issued(ann, plan, at(30)), plan, at(31))
    assert await scene.store.close_finished_pools(at(40)) == []
    assert await scene.store.close_finished_pools(at(99)) == [], "done again only since 40 s"
    assert await scene.store.close_finished_pools(at(100)) == [(pool, "COMPLETED")]


@scenario
async def test_a_completed_pool_reopened_with_new_tasks_closes_again(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    await scene.submit(ann, await scene.issued(ann, plan), plan, at(1))
    assert await scene.store.close_finished_pools(at(2)) == [(pool, "COMPLETED")]
    assert (await scene.take(ann, plan, at(3))).refusal == REFUSED_NOT_OPEN
    await scene.add(pool, [image(1)])
    await scene.open(pool)
    status, body = await scene.pool_status(pool)
    assert status == "OPEN" and body["status"] == "OPEN"
    assert await scene.store.close_finished_pools(at(4)) == []
    plan = await scene.plan(pool)
    await scene.submit(ann, await scene.issued(ann, plan, at(5)), plan, at(6))
    assert await scene.store.close_finished_pools(at(7)) == [(pool, "COMPLETED")]


@scenario
async def test_infinite_overlap_tasks_never_complete_a_pool(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [{**image(0), "infinite_overlap": True}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    for name in ("ann", "bob"):
        worker = await scene.performer(name)
        await scene.submit(worker, await scene.issued(worker, plan), plan, at(1))
    assert await scene.store.close_finished_pools(at(2)) == []


@scenario
async def test_will_expire_closes_a_pool_expired(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, will_expire="2030-01-01T01:00:00")
    await scene.add(pool, [image(0), image(1)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    await scene.issued(ann, plan)
    assert await scene.store.close_finished_pools(at(3599)) == []
    assert await scene.store.close_finished_pools(at(3600)) == [(pool, "EXPIRED")]
    status, body = await scene.pool_status(pool)
    assert (status, body["last_close_reason"], body["last_stopped"]) == ("CLOSED", "EXPIRED", at(3600))


@scenario
async def test_will_expire_with_a_null_close_delay(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, will_expire="2030-01-01T01:00:00",
                            auto_close_after_complete_delay_seconds=None)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    assert await scene.store.close_finished_pools(at(3600)) == [(pool, "EXPIRED")]
