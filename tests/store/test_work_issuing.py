"""The work loop in the store: who gets which task, the mixer, task suites, taking, submitting and
deadlines, and many takers at once (the scene: `tests/store/work_scene.py`)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from talaka.core.batch import SUITE
from talaka.core.ids import parse_task_id
from talaka.store.search import Search
from talaka.store.work import time_after
from talaka.store.work_records import (
    REFUSED_NO_TASKS,
    REFUSED_NOT_FOUND,
    REFUSED_NOT_OPEN,
    REFUSED_STATUS,
    StalePlan,
)
from tests.store.work_scene import (
    MAX_DURATION,
    ONE_BY_ONE,
    T0,
    Scene,
    at,
    bring_to,
    control,
    decode,
    golden,
    image,
    images,
    record_of,
    scenario,
)

# ---------------------------------------------------------------------------------------------
# Never twice; overlap


@pytest.mark.parametrize("fate", ["SKIPPED", "EXPIRED", "REJECTED", "ACCEPTED"])
@scenario
async def test_a_performer_never_gets_a_task_twice(scene: Scene, fate: str) -> None:
    pool = await scene.pool(mixer_config={**ONE_BY_ONE, "shuffle_tasks_in_task_suite": False},
                            auto_accept_solutions=fate != "REJECTED")
    await scene.add(pool, [{**image(n), "overlap": 3} for n in range(2)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    seen = []
    for _ in range(2):
        outcome = await scene.issued(ann, plan)
        seen += images(outcome)
        await bring_to(scene, ann, plan, outcome, fate)
    assert seen == ["general-0", "general-1"]
    assert (await scene.take(ann, plan, at(MAX_DURATION * 3))).refusal == REFUSED_NO_TASKS
    assert images(await scene.issued(bob, plan, at(MAX_DURATION * 3))) == ["general-0"]


@pytest.mark.parametrize(("status", "holds"), [("ACTIVE", True), ("SUBMITTED", True), ("ACCEPTED", True),
                                               ("REJECTED", True), ("SKIPPED", False), ("EXPIRED", False)])
@scenario
async def test_which_statuses_hold_overlap(scene: Scene, status: str, holds: bool) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE, auto_accept_solutions=status == "ACCEPTED")
    [task] = await scene.add(pool, [{**image(0), "overlap": 1}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    outcome = await scene.issued(ann, plan)
    assert await scene.remaining(task) == 0
    await bring_to(scene, ann, plan, outcome, status)
    assert await scene.remaining(task) == (0 if holds else 1)
    later = await scene.take(bob, plan, at(MAX_DURATION + 1))
    assert (later.refusal == REFUSED_NO_TASKS) is holds
    assert await scene.remaining(task) == 0


@scenario
async def test_remaining_overlap_in_task_reads(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    first, second = await scene.add(pool, [{**image(0), "overlap": 3}, {**image(1), "overlap": 2}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    assert (await scene.remaining(first), await scene.remaining(second)) == (3, 2)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    taken = await scene.issued(ann, plan)
    await scene.issued(bob, plan)
    assert await scene.remaining(first) == 1
    await scene.skip(ann, taken, at(1))
    assert await scene.remaining(first) == 2
    for name in ("cid", "dan", "eve"):
        worker = await scene.performer(name)
        await scene.submit(worker, await scene.issued(worker, plan, at(2)), plan, at(3))
    assert (await scene.remaining(first), await scene.remaining(second)) == (0, 1)
    page, _ = await scene.store.find_tasks("tasks", scene.requester_id, Search(equals={"pool_id": pool}))
    overlaps = [(task["overlap"], task["remaining_overlap"]) for task in map(decode, page)]
    assert overlaps == [(3, 0), (2, 1)]


@scenario
async def test_remaining_overlap_of_a_task_with_baseline_solutions(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    baseline = [{"output_values": {"remaining_overlap": 9}, "confidence_weight": 0.5}]
    [task] = await scene.add(pool, [{**image(0), "overlap": 3, "baseline_solutions": baseline}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    await scene.issued(await scene.performer(), plan)
    read = await scene.task(task)
    assert read["remaining_overlap"] == 2
    assert read["baseline_solutions"] == baseline


# ---------------------------------------------------------------------------------------------
# Who may have which task


@scenario
async def test_reserved_for_and_unavailable_for(scene: Scene) -> None:
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [{**image(0), "overlap": 2, "reserved_for": [ann.id]},
                           {**image(1), "overlap": 2, "unavailable_for": [ann.id]},
                           {**image(2), "overlap": 2}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    for performer, expected in ((ann, ["general-0", "general-2"]), (bob, ["general-1", "general-2"])):
        got = []
        for _ in expected:
            outcome = await scene.issued(performer, plan)
            got += images(outcome)
            await scene.submit(performer, outcome, plan)
        assert got == expected
        assert (await scene.take(performer, plan)).refusal == REFUSED_NO_TASKS


@scenario
async def test_takes_page_past_many_tasks_the_performer_may_not_have(scene: Scene) -> None:
    ann = await scene.performer("ann")
    pool = await scene.pool(mixer_config={**ONE_BY_ONE, "real_tasks_count": 2})
    await scene.add(pool, [{**image(n), "unavailable_for": [ann.id]} for n in range(30)]
                    + [image(30), {**image(31), "reserved_for": ["someone-else"]}, image(32)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    assert sorted(images(await scene.issued(ann, plan))) == ["general-30", "general-32"]


# ---------------------------------------------------------------------------------------------
# The mixer in the store


@scenario
async def test_each_suite_holds_unseen_control_tasks_and_stops_when_they_run_out(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={"real_tasks_count": 1, "golden_tasks_count": 1,
                                          "training_tasks_count": 0})
    await scene.add(pool, [{**image(n), "overlap": 5} for n in range(6)])
    await scene.add(pool, [golden(n) for n in range(5)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    for performer in (await scene.performer("ann"), await scene.performer("bob")):
        general, control = [], []
        for _ in range(5):
            outcome = await scene.issued(performer, plan)
            names = images(outcome)
            assert len(names) == 2
            general += [name for name in names if name.startswith("general")]
            control += [name for name in names if name.startswith("golden")]
            await scene.submit(performer, outcome, plan)
        assert general == [f"general-{n}" for n in range(5)], "oldest general tasks first"
        assert sorted(control) == [f"golden-{n}" for n in range(5)], "every control task once"
        assert (await scene.take(performer, plan)).refusal == REFUSED_NO_TASKS, \
            "general-5 is left, but no unseen control task"


@scenario
async def test_min_golden_tasks_count_lets_smaller_control_sets_through(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={"real_tasks_count": 1, "golden_tasks_count": 2,
                                          "min_golden_tasks_count": 1, "training_tasks_count": 0})
    await scene.add(pool, [{**image(n), "overlap": 5} for n in range(5)])
    await scene.add(pool, [golden(n) for n in range(3)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    sizes = []
    for _ in range(2):
        outcome = await scene.issued(ann, plan)
        sizes.append(sum(name.startswith("golden") for name in images(outcome)))
        await scene.submit(ann, outcome, plan)
    assert sizes == [2, 1]
    assert (await scene.take(ann, plan)).refusal == REFUSED_NO_TASKS


@scenario
async def test_control_tasks_with_finite_overlap_are_claimed_and_given_back(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={"real_tasks_count": 2, "golden_tasks_count": 1,
                                          "force_last_assignment": False, "training_tasks_count": 0})
    await scene.add(pool, [{**image(n), "overlap": 2} for n in range(3)])
    [checked] = await scene.add(pool, [{**control(0), "overlap": 2}])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob, cid = [await scene.performer(name) for name in ("ann", "bob", "cid")]
    await scene.submit(ann, await scene.issued(ann, plan), plan)
    assert await scene.remaining(checked) == 1
    assert (await scene.take(ann, plan)).refusal == REFUSED_NO_TASKS, \
        "one general task left and no forced last suite"
    bobs = await scene.issued(bob, plan)
    assert await scene.remaining(checked) == 0
    assert (await scene.take(cid, plan)).refusal == REFUSED_NO_TASKS, "the control task's overlap is used"
    assert await scene.remaining(checked) == 0, "a refused take gives back the control task it claimed"
    await scene.skip(bob, bobs, at(1))
    assert await scene.remaining(checked) == 1
    assert "golden-0" in images(await scene.issued(cid, plan))


@pytest.mark.parametrize(("mixer", "last"), [
    ({}, ["general-3"]),
    ({"force_last_assignment": True, "min_real_tasks_count": 1}, ["general-3"]),
    ({"force_last_assignment": False}, None),
    ({"min_real_tasks_count": 2}, None),
])
@scenario
async def test_the_smaller_last_suite(scene: Scene, mixer: dict[str, Any], last: list[str] | None) -> None:
    pool = await scene.pool(mixer_config={"real_tasks_count": 3, "golden_tasks_count": 0,
                                          "training_tasks_count": 0, "shuffle_tasks_in_task_suite": False,
                                          **mixer})
    await scene.add(pool, [image(n) for n in range(4)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    first = await scene.issued(await scene.performer("ann"), plan)
    assert images(first) == ["general-0", "general-1", "general-2"]
    outcome = await scene.take(await scene.performer("bob"), plan)
    if last is None:
        assert outcome.refusal == REFUSED_NO_TASKS
    else:
        assert images(outcome) == last


@scenario
async def test_exam_pool_of_control_tasks_only(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={"real_tasks_count": 0, "golden_tasks_count": 2,
                                          "training_tasks_count": 0})
    await scene.add(pool, [golden(n) for n in range(5)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    seen = []
    for _ in range(2):
        outcome = await scene.issued(ann, plan)
        assert len(outcome.tasks) == 2
        seen += images(outcome)
        await scene.submit(ann, outcome, plan)
    assert len(set(seen)) == 4
    assert (await scene.take(ann, plan)).refusal == REFUSED_NO_TASKS, \
        "one unseen control task, two needed"
    assert await scene.store.close_finished_pools(at(10)) == [], "a pool of control tasks never completes"
    assert (await scene.pool_status(pool))[0] == "OPEN"


# ---------------------------------------------------------------------------------------------
# Task suites as created


@scenario
async def test_a_pool_without_mixer_issues_its_task_suites(scene: Scene) -> None:
    pool = await scene.pool()
    small, large = await scene.add(pool, [
        {"tasks": [image(0), image(1)], "overlap": 2},
        {"tasks": [image(2), control(3)], "overlap": 1}], kind=SUITE)
    await scene.open(pool)
    plan = await scene.plan(pool)
    assert plan.mixer is None
    ann, bob, cid = [await scene.performer(name) for name in ("ann", "bob", "cid")]
    first = await scene.issued(ann, plan)
    assert (pool, record_of(first).suite_seq) == parse_task_id(small)
    assert images(first) == ["general-0", "general-1"]
    assert [task.id for task in first.tasks] == [f"{small}-0", f"{small}-1"]
    assert record_of(await scene.submit(ann, first, plan)).status == "ACCEPTED"
    second = await scene.issued(ann, plan)
    assert images(second) == ["general-2", "golden-3"]
    assert "known_solutions" in decode(second.tasks[1].body), "the requester's copy keeps known solutions"
    await scene.submit(ann, second, plan)
    assert (await scene.take(ann, plan)).refusal == REFUSED_NO_TASKS
    assert images(await scene.issued(bob, plan)) == ["general-0", "general-1"]
    assert (await scene.take(cid, plan)).refusal == REFUSED_NO_TASKS, "each suite up to its own overlap"
    suites, _ = await scene.store.find_tasks("task_suites", scene.requester_id,
                                             Search(equals={"pool_id": pool}))
    assert [decode(suite).get("remaining_overlap") for suite in suites] == [0, 0]


@scenario
async def test_a_pool_of_general_task_suites_completes(scene: Scene) -> None:
    pool = await scene.pool()
    await scene.add(pool, [{"tasks": [image(0), image(1)], "overlap": 2}], kind=SUITE)
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    await scene.submit(ann, await scene.issued(ann, plan), plan, at(1))
    active = await scene.issued(bob, plan, at(2))
    assert await scene.store.close_finished_pools(at(3)) == []
    await scene.submit(bob, active, plan, at(4))
    assert await scene.store.close_finished_pools(at(5)) == [(pool, "COMPLETED")]


@scenario
async def test_task_suites_that_mix_in_control_tasks_are_general_work(scene: Scene) -> None:
    pool = await scene.pool()
    await scene.add(pool, [{"tasks": [image(0)], "overlap": 1},
                           {"tasks": [image(1), control(2)], "overlap": 1}], kind=SUITE)
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    await scene.submit(ann, await scene.issued(ann, plan), plan, at(1))
    assert await scene.store.close_finished_pools(at(2)) == [], \
        "the second suite (general-1 and a control task) has no answer yet"
    await scene.submit(bob, await scene.issued(bob, plan, at(3)), plan, at(4))
    assert await scene.store.close_finished_pools(at(5)) == [(pool, "COMPLETED")]


@scenario
async def test_a_skipped_task_suite_goes_back_to_the_pool(scene: Scene) -> None:
    pool = await scene.pool()
    await scene.add(pool, [{"tasks": [image(0)], "overlap": 1}], kind=SUITE)
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    taken = await scene.issued(ann, plan)
    assert (await scene.take(bob, plan)).refusal == REFUSED_NO_TASKS
    skipped = record_of(await scene.skip(ann, taken, at(1)))
    assert (skipped.status, skipped.skipped) == ("SKIPPED", at(1))
    assert images(await scene.issued(bob, plan, at(2))) == ["general-0"]
    assert (await scene.take(ann, plan, at(3))).refusal == REFUSED_NO_TASKS, "never the same suite twice"


# ---------------------------------------------------------------------------------------------
# Taking, submitting, deadlines


@scenario
async def test_taking_twice_answers_the_active_assignment(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={**ONE_BY_ONE, "real_tasks_count": 2})
    await scene.add(pool, [image(n) for n in range(4)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    first = await scene.issued(ann, plan)
    again = await scene.issued(ann, plan, at(MAX_DURATION - 1))
    assert first.created and not again.created
    assert record_of(again).seq == record_of(first).seq
    assert (record_of(again).created, record_of(again).expires) == (T0, at(MAX_DURATION))
    assert [task.id for task in again.tasks] == [task.id for task in first.tasks]
    assert record_of(first).status == "ACTIVE"


@scenario
async def test_a_take_past_the_deadline_expires_the_old_suite_and_issues_a_new_one(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    old_task, _ = await scene.add(pool, [image(0), image(1)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    old = await scene.issued(ann, plan)
    new = await scene.issued(ann, plan, at(MAX_DURATION))
    assert new.created and images(new) == ["general-1"]
    expired = await scene.assignment(old)
    assert (expired.status, expired.expired) == ("EXPIRED", at(MAX_DURATION))
    assert await scene.remaining(old_task) == 1
    assert images(await scene.issued(bob, plan, at(MAX_DURATION))) == ["general-0"]


@scenario
async def test_a_take_past_the_deadline_keeps_the_expiry_even_with_nothing_left(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    [task] = await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    old = await scene.issued(ann, plan)
    assert (await scene.take(ann, plan, at(MAX_DURATION + 5))).refusal == REFUSED_NO_TASKS
    assert (await scene.assignment(old)).status == "EXPIRED"
    assert await scene.remaining(task) == 1


@scenario
async def test_a_submit_after_the_deadline_is_refused_and_expires_the_assignment(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    [task] = await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    taken = await scene.issued(ann, plan)
    late = await scene.submit(ann, taken, plan, at(MAX_DURATION))
    assert late.refusal == REFUSED_STATUS and record_of(late).status == "EXPIRED"
    stored = await scene.assignment(taken)
    assert (stored.status, stored.expired, stored.solutions, stored.submitted) == (
        "EXPIRED", at(MAX_DURATION), None, None)
    assert await scene.remaining(task) == 1
    assert images(await scene.issued(bob, plan, at(MAX_DURATION))) == ["general-0"]
    assert await scene.store.expire_due(at(MAX_DURATION * 2 - 1)) == 0, "nothing else to expire"


@scenario
async def test_a_submit_just_before_the_deadline_counts(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    taken = await scene.issued(ann, plan)
    outcome = await scene.submit(ann, taken, plan, time_after(at(MAX_DURATION), -0.000001))
    assert outcome.refusal is None and record_of(outcome).status == "ACCEPTED"
    assert await scene.store.expire_due(at(MAX_DURATION * 2)) == 0


@scenario
async def test_expire_due_only_touches_overdue_active_assignments(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(n) for n in range(3)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    early, late, done = (await scene.performer("early"), await scene.performer("late"),
                         await scene.performer("done"))
    first = await scene.issued(early, plan, T0)
    second = await scene.issued(late, plan, at(100))
    await scene.submit(done, await scene.issued(done, plan, T0), plan, at(1))
    assert await scene.store.expire_due(at(MAX_DURATION - 1)) == 0
    assert await scene.store.expire_due(at(MAX_DURATION)) == 1
    assert (await scene.assignment(first)).status == "EXPIRED"
    assert (await scene.assignment(second)).status == "ACTIVE"
    assert await scene.store.expire_due(at(MAX_DURATION + 100)) == 1
    assert await scene.store.expire_due(at(MAX_DURATION * 10)) == 0


@scenario
async def test_submits_and_skips_of_other_performers_or_other_statuses(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann, bob = await scene.performer("ann"), await scene.performer("bob")
    taken = await scene.issued(ann, plan)
    assert (await scene.skip(bob, taken, at(1))).refusal == REFUSED_NOT_FOUND
    assert (await scene.submit(bob, taken, plan, at(1))).refusal == REFUSED_NOT_FOUND
    assert (await scene.assignment(taken)).status == "ACTIVE"
    done = await scene.submit(ann, taken, plan, at(2))
    assert done.refusal is None
    assert (record_of(done).submitted, record_of(done).accepted) == (at(2), at(2)), \
        "auto-accept: accepted = submitted"
    again = await scene.submit(ann, taken, plan, at(3))
    assert again.refusal is None, "a retried submit with the same answers is answered as it is"
    assert (record_of(again).status, record_of(again).submitted) == ("ACCEPTED", at(2))
    assert [task.id for task in again.tasks] == [task.id for task in taken.tasks]
    other = await scene.submit(ann, taken, plan, at(3), label="dog")
    assert other.refusal == REFUSED_STATUS and record_of(other).status == "ACCEPTED"
    assert (await scene.skip(ann, taken, at(4))).refusal == REFUSED_STATUS
    assert decode(record_of(await scene.submit(ann, taken, plan, at(5))).solutions or b"") == [
        {"output_values": {"label": "cat"}}], "the first answers stay"


@scenario
async def test_answers_that_break_the_output_spec_store_nothing(scene: Scene) -> None:
    pool = await scene.pool(mixer_config={**ONE_BY_ONE, "real_tasks_count": 2})
    await scene.add(pool, [image(0), image(1)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    taken = await scene.issued(ann, plan)
    wrong = await scene.submit(ann, taken, plan, at(1), label="cow")
    assert wrong.refusal is None and wrong.errors is not None
    assert set(wrong.errors) == {"solutions.0.output_values.label", "solutions.1.output_values.label"}
    short = await scene.store.submit(ann.no, ann.id, record_of(taken).seq, plan,
                                     {"solutions": [{"output_values": {"label": "cat"}}]}, at(2))
    assert short.errors is not None and set(short.errors) == {"solutions"}
    stored = await scene.assignment(taken)
    assert (stored.status, stored.solutions, stored.submitted) == ("ACTIVE", None, None)
    assert record_of(await scene.submit(ann, taken, plan, at(3))).status == "ACCEPTED"


@scenario
async def test_a_skip_after_the_deadline_expires_instead(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    [task] = await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    taken = await scene.issued(ann, plan)
    late = await scene.skip(ann, taken, at(MAX_DURATION))
    assert late.refusal == REFUSED_STATUS and record_of(late).status == "EXPIRED"
    stored = await scene.assignment(taken)
    assert (stored.status, stored.expired, stored.skipped) == ("EXPIRED", at(MAX_DURATION), None)
    assert await scene.remaining(task) == 1


@scenario
async def test_closed_pools_issue_nothing(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0)])
    plan = await scene.plan(pool)
    assert (await scene.take(await scene.performer(), plan)).refusal == REFUSED_NOT_OPEN


@scenario
async def test_a_changed_pool_makes_the_plan_stale(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0), image(1)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    taken = await scene.issued(ann, plan)
    await scene.update(pool, reward_per_assignment=0.5)
    with pytest.raises(StalePlan):
        await scene.take(ann, plan)
    with pytest.raises(StalePlan):
        await scene.submit(ann, taken, plan, at(1))
    assert (await scene.assignment(taken)).status == "ACTIVE", "a stale submit wrote nothing"
    fresh = await scene.plan(pool)
    assert fresh.revision != plan.revision and fresh.reward == 0.5
    assert (await scene.submit(ann, taken, fresh, at(1))).refusal is None
    assert record_of(await scene.issued(ann, fresh, at(2))).reward == 0.5


@scenario
async def test_opening_and_adding_tasks_keep_the_plan(scene: Scene) -> None:
    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [image(0)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    await scene.add(pool, [image(1)])
    ann = await scene.performer()
    await scene.submit(ann, await scene.issued(ann, plan), plan)
    assert images(await scene.issued(ann, plan)) == ["general-1"]


# ---------------------------------------------------------------------------------------------
# Many takers at once


@scenario
async def test_concurrent_takes_never_exceed_overlap_or_repeat_a_task(scene: Scene) -> None:
    """Rounds of simultaneous takes until a round in which every take is refused: a refusal while
    others hold the rows is retried next round (as the API retries it), and when all are refused
    nobody held anything, so the pool is really empty for everyone."""
    pool = await scene.pool(mixer_config={**ONE_BY_ONE, "real_tasks_count": 2})
    await scene.add(pool, [{**image(n), "overlap": 3} for n in range(10)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    workers = [await scene.performer(f"w{n}") for n in range(12)]
    held: dict[str, int] = {}
    for round_number in range(20):
        now = at(round_number * 10)
        outcomes = await asyncio.gather(*(scene.take(worker, plan, now) for worker in workers))
        if all(outcome.refusal == REFUSED_NO_TASKS for outcome in outcomes):
            break
        await asyncio.gather(*(scene.submit(worker, outcome, plan, time_after(now, 1))
                               for worker, outcome in zip(workers, outcomes, strict=True)
                               if outcome.refusal is None))
        for outcome in outcomes:
            for name in images(outcome):
                held[name] = held.get(name, 0) + 1
    assert held == {f"general-{n}": 3 for n in range(10)}
    mine, _ = await scene.store.find_requester_assignments(scene.requester_id, Search(
        equals={"pool_id": pool}, limit=100), [])
    for worker in workers:
        tasks = [task.id for record, found in mine if record.performer_no == worker.no for task in found]
        assert len(tasks) == len(set(tasks)), "a performer got a task twice"
    assert await scene.store.close_finished_pools(at(1000)) == [(pool, "COMPLETED")]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@scenario
async def test_tasks_locked_by_other_takes_are_not_reported_as_none_left(scene: Scene,
                                                                         database_url: str) -> None:
    """PostgreSQL only (SQLite runs one take at a time): takes skip rows other takes have locked
    (`SKIP LOCKED`). Rows locked by a take in flight may keep overlap for this performer, so the
    answer must not be NO_TASKS_AVAILABLE."""
    import psycopg

    pool = await scene.pool(mixer_config=ONE_BY_ONE)
    await scene.add(pool, [{**image(n), "overlap": 2} for n in range(2)])
    await scene.open(pool)
    plan = await scene.plan(pool)
    ann = await scene.performer()
    with psycopg.connect(database_url) as other:
        other.execute("SELECT seq FROM tasks WHERE pool_id = %s FOR UPDATE", (pool,)).fetchall()
        held = await scene.take(ann, plan)
        assert held.refusal not in (None, REFUSED_NO_TASKS)
        other.rollback()
    assert images(await scene.issued(ann, plan)) == ["general-0"]
