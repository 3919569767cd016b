"""Aggregation in the store, on SQLite and PostgreSQL: which answers are read, how control tasks and task
suites are keyed, and how an operation's results are written (under its lease) and paged."""

from __future__ import annotations

import time

import msgspec
import pytest

from talaka.api.objects import finished_operation
from talaka.core.batch import SUITE
from talaka.core.ids import task_id
from talaka.store.aggregation import wire_task_ids
from talaka.store.base import LeaseLost, OperationRecord
from talaka.store.search import Search
from tests.store.work_scene import T0, Scene, at, image, record_of, scenario


def suite(number: int, *, known: str | None = None) -> dict[str, object]:
    tasks: list[dict[str, object]] = [{"input_values": {"image": f"in-suite-{number}-{position}"}}
                                      for position in range(2)]
    if known is not None:
        tasks[1]["known_solutions"] = [{"output_values": {"label": known}}]
    return {"tasks": tasks}


@scenario
async def test_counted_answers_are_read_with_control_tasks_marked(scene: Scene) -> None:
    pool_id = await scene.pool(mixer_config={"real_tasks_count": 2, "golden_tasks_count": 1,
                                             "training_tasks_count": 0})
    general = await scene.add(pool_id, [image(number) | {"overlap": 3} for number in range(2)])
    two_answers = {"input_values": {"image": "control"}, "infinite_overlap": True,
                   "known_solutions": [{"output_values": {"label": "cat"}}, {"output_values": {"label": "dog"}}]}
    await scene.add(pool_id, [two_answers])
    await scene.open(pool_id)
    plan = await scene.plan(pool_id)
    ann, bob, cid = [await scene.performer(name) for name in ("ann", "bob", "cid")]
    await scene.submit(ann, await scene.issued(ann, plan), plan, label="cat")
    await scene.submit(bob, await scene.issued(bob, plan), plan, label="dog")
    skipped = await scene.issued(cid, plan)
    await scene.skip(cid, skipped, at(5))

    table = await scene.store.pool_answers(pool_id, ["label"])
    answers, values = table.freeze()
    assert len(table) == 6 and values == ["cat", "dog"], "the skipped suite holds no answers"
    ids = wire_task_ids(pool_id, table.task_keys)
    assert sorted(ids)[:2] == general
    control = ids.index(next(identifier for identifier in ids if identifier not in general))
    assert not answers.general[control] and answers.truth[control] == -1, "two right answers: none pinned"
    assert answers.general.sum() == 2

    none = await scene.store.pool_answers(pool_id, ["no such field"])
    assert len(none) == 0
    one = await scene.store.task_answers(pool_id, int(general[0].split("--")[1], 16), ["label"])
    assert one is not None and len(one) == 2
    assert await scene.store.task_answers(pool_id, 10**12, ["label"]) is None


@scenario
async def test_tasks_inside_suites_are_keyed_by_position(scene: Scene) -> None:
    pool_id = await scene.pool()
    suite_ids = await scene.add(pool_id, [suite(0, known="dog"), suite(1)], SUITE)
    await scene.open(pool_id)
    plan = await scene.plan(pool_id)
    for name in ("ann", "bob"):
        performer = await scene.performer(name)
        await scene.submit(performer, await scene.issued(performer, plan), plan, label="cat")
    table = await scene.store.pool_answers(pool_id, ["label"])
    answers, _ = table.freeze()
    ids = wire_task_ids(pool_id, table.task_keys)
    assert sorted(ids) == sorted(f"{suite_id}-{position}" for suite_id in suite_ids for position in range(2))
    pinned = [ids[task] for task in range(answers.n_tasks) if answers.truth[task] >= 0]
    assert pinned == [f"{suite_ids[0]}-1"] and answers.general.sum() == 3


def running(scene: Scene, owner: str) -> OperationRecord:
    record = finished_operation(scene.requester_id, "SOLUTION.AGGREGATE", {"pool_id": "1"})
    record.status, record.finished, record.progress = "PENDING", None, 0
    return record


@scenario
async def test_results_are_written_under_the_lease_and_paged_by_task_id(scene: Scene) -> None:
    record = await scene.store.insert_operation(running(scene, "a"), b'{"pending": true}')
    claimed = await scene.store.claim_operation("runner-a", time.time(), time.time() + 60)
    assert claimed is not None and claimed.no == record.no
    rows = [(task_id(1, seq), seq / 10, msgspec.json.encode({"label": "cat"})) for seq in range(1, 8)]
    claimed.status = "RUNNING"
    await scene.store.write_results(claimed, rows[:3], "runner-a", time.time() + 60, first=True, final=False)
    with pytest.raises(LeaseLost):
        await scene.store.write_results(claimed, rows, "runner-b", time.time() + 60, first=True, final=True)
    # a runner that takes an interrupted operation over writes it again from the start
    claimed.status, claimed.finished, claimed.progress = "SUCCESS", T0, 100
    await scene.store.write_results(claimed, rows[:4], "runner-a", time.time() + 60, first=True, final=False)
    await scene.store.write_results(claimed, rows[4:], "runner-a", time.time() + 60, first=False, final=True)
    assert await scene.store.claim_operation("runner-c", time.time() + 120, time.time() + 180) is None, "done"
    done = await scene.store.get_operation(scene.requester_id, record.id)
    assert done is not None and (done.status, done.progress) == ("SUCCESS", 100)

    page, more = await scene.store.results_page(record.no, Search(limit=5))
    assert [row[0] for row in page] == [row[0] for row in rows[:5]] and more
    backwards, more = await scene.store.results_page(
        record.no, Search(ranges=[("task_id", "lt", rows[4][0])], sort=[("task_id", True)], limit=10))
    assert [row[0] for row in backwards] == [row[0] for row in rows[3::-1]] and not more
    assert backwards[0][1:] == (0.4, b'{"label":"cat"}')
