"""The scene the work loop's store tests play in, on SQLite and PostgreSQL.

Pools, projects and tasks are written through the same calls the API makes (`stored_pool`,
`Creator.create_at_once`, `replace_pool` with a `POOL.OPEN` operation), so the rows are the ones a
server would hold. Every call gets an explicit `now` from a fixed clock in 2030, so deadlines and
delays are exact and no background sweep (none runs here) can interfere.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import msgspec
import pytest

from talaka.api.objects import finished_operation
from talaka.core.assignments import AssignmentRecord
from talaka.core.batch import TASK, decode_items
from talaka.core.filters import profile_values
from talaka.core.performers import Profile, new_performer_id
from talaka.core.pool_plan import PoolPlan, compile_plan
from talaka.core.pools import check_pool, pool_body_with_status, stored_pool
from talaka.core.projects import check_project, stored_project
from talaka.core.timefmt import now_text
from talaka.ops.creation import CreateParams, Creator, new_record
from talaka.store import open_store
from talaka.store.base import Store
from talaka.store.work import time_after
from talaka.store.work_records import (
    PerformerRecord,
    WorkOutcome,
)

T0 = "2030-01-01T00:00:00.000000"
MAX_DURATION = 600
PROJECT = {"public_name": "Cats", "public_description": "Cats or dogs", "public_instructions": "<p>Look</p>",
           "task_spec": {"input_spec": {"image": {"type": "string", "required": True}},
                         "output_spec": {"label": {"type": "string", "required": True,
                                                   "allowed_values": ["cat", "dog"]}}}}
encode = msgspec.json.encode
decode = msgspec.json.decode
T = TypeVar("T")


def at(seconds: float) -> str:
    return time_after(T0, seconds)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def scenario(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """A test written as a coroutine, run to its end on its own event loop (as the fixtures run theirs)."""

    @functools.wraps(test)
    def run_test(*args: Any, **kwargs: Any) -> None:
        run(test(*args, **kwargs))

    return run_test


@dataclass
class Scene:
    """One requester and project in a fresh database, and what tests do with them."""

    store: Store
    requester_id: int
    project_id: int
    creator: Creator

    async def pool(self, **fields: Any) -> int:
        body = {"project_id": str(self.project_id), "private_name": "pool",
                "may_contain_adult_content": False, "reward_per_assignment": 0.05,
                "assignment_max_duration_seconds": MAX_DURATION,
                "defaults": {"default_overlap_for_new_tasks": 1, "default_overlap_for_new_task_suites": 1},
                **fields}
        assert check_pool(body) == {}
        created = now_text()
        stored = encode(stored_pool(body, requester_id=self.requester_id, status="CLOSED", created=created))
        return await self.store.create_pool(self.requester_id, self.project_id, stored, created)

    async def add(self, pool_id: int, items: list[dict[str, Any]], kind: str = TASK) -> list[str]:
        """Create tasks (or task suites) the way `POST /v1/tasks?allow_defaults=true` does; their ids."""
        params = CreateParams(allow_defaults=True)
        record = new_record(self.requester_id, kind, None, params, None, is_sync=True)
        decoded = decode_items(encode([{"pool_id": str(pool_id), **item} for item in items]), kind)
        outcome = await self.creator.create_at_once(record, decoded, params)
        assert outcome.errors == {}
        return [identifier for _, identifier, _ in outcome.created.created]

    async def open(self, pool_id: int) -> None:
        record = await self.store.get_pool(self.requester_id, pool_id)
        assert record is not None
        operation = finished_operation(self.requester_id, "POOL.OPEN", {"pool_id": str(pool_id)})
        body = pool_body_with_status(record.body, "OPEN", operation.submitted)
        await self.store.replace_pool(self.requester_id, pool_id, "OPEN", body, operation)

    async def update(self, pool_id: int, **fields: Any) -> None:
        """A pool update (`PUT /v1/pools/{id}`), which changes the pool's revision."""
        record = await self.store.get_pool(self.requester_id, pool_id)
        assert record is not None
        body = {**decode(record.body), **fields}
        await self.store.replace_pool(self.requester_id, pool_id, record.status, encode(body), None)

    async def plan(self, pool_id: int) -> PoolPlan:
        source = await self.store.pool_source(pool_id)
        assert source is not None
        return compile_plan(source.pool_id, source.project_id, source.requester_id, source.revision,
                            source.pool_body, source.project_body, source.requester_name)

    async def performer(self, name: str = "worker") -> PerformerRecord:
        return await self.store.create_performer(new_performer_id(), Profile(name, ("EN",), "GB", False),
                                                 os.urandom(16), self.requester_id)

    async def review(self, seq: int, current: str, target: str, comment: str | None, now: str) -> bool:
        """The store's review of the assignment as if its status had been read as `current`."""
        found = await self.store.get_assignment(seq)
        assert found is not None
        return await self.store.review(replace(found[0], status=current), target, comment, now)

    async def take(self, performer: PerformerRecord, plan: PoolPlan, now: str = T0) -> WorkOutcome:
        return await self.store.take(performer.no, performer.id, profile_values(performer.profile), plan, now)

    async def issued(self, performer: PerformerRecord, plan: PoolPlan, now: str = T0) -> WorkOutcome:
        outcome = await self.take(performer, plan, now)
        assert outcome.refusal is None and outcome.record is not None, outcome.refusal
        return outcome


    async def submit(self, performer: PerformerRecord, outcome: WorkOutcome, plan: PoolPlan,
                     now: str = T0, label: Any = "cat") -> WorkOutcome:
        """Answer every task of the suite with `label`: the body of `POST .../submit`."""
        body = {"solutions": [{"output_values": {"label": label}} for _ in outcome.tasks]}
        return await self.store.submit(performer.no, performer.id, record_of(outcome).seq, plan, body, now)

    async def skip(self, performer: PerformerRecord, outcome: WorkOutcome, now: str) -> WorkOutcome:
        return await self.store.skip(performer.no, record_of(outcome).seq, now)

    async def assignment(self, outcome: WorkOutcome | int) -> AssignmentRecord:
        """An assignment as it is stored now."""
        seq = outcome if isinstance(outcome, int) else record_of(outcome).seq
        found = await self.store.get_assignment(seq)
        assert found is not None
        return found[0]

    async def task(self, identifier: str, table: str = "tasks") -> dict[str, Any]:
        body = await self.store.get_task(table, self.requester_id, identifier)
        assert body is not None
        return dict(decode(body))

    async def remaining(self, identifier: str) -> int:
        return int((await self.task(identifier))["remaining_overlap"])

    async def pool_status(self, pool_id: int) -> tuple[str, dict[str, Any]]:
        record = await self.store.get_pool(self.requester_id, pool_id)
        assert record is not None
        return record.status, decode(record.body)


@pytest.fixture
def scene(database_url: str) -> Iterator[Scene]:
    store = open_store(database_url)
    run(store.start())

    async def begin() -> Scene:
        requester = await store.create_requester("requester", os.urandom(16))
        assert check_project(PROJECT) == {}
        project_body = stored_project(PROJECT, status="ACTIVE", created=now_text())
        project = await store.create_project(requester.id, encode(project_body), now_text())
        return Scene(store, requester.id, project, Creator(store, executor))

    with ThreadPoolExecutor(1) as executor:
        yield run(begin())
    run(store.close())


def image(number: int) -> dict[str, Any]:
    return {"input_values": {"image": f"general-{number}"}}


def control(number: int) -> dict[str, Any]:
    return {"input_values": {"image": f"golden-{number}"},
            "known_solutions": [{"output_values": {"label": "cat"}}]}


def golden(number: int) -> dict[str, Any]:
    """A control task as tutorials create them: every performer may meet it."""
    return {**control(number), "infinite_overlap": True}


def record_of(outcome: WorkOutcome) -> AssignmentRecord:
    assert outcome.record is not None, outcome.refusal
    return outcome.record


def images(outcome: WorkOutcome) -> list[str]:
    return [decode(task.body)["input_values"]["image"] for task in outcome.tasks]


ONE_BY_ONE = {"real_tasks_count": 1, "golden_tasks_count": 0, "training_tasks_count": 0}


async def bring_to(scene: Scene, performer: PerformerRecord, plan: PoolPlan, outcome: WorkOutcome,
                    status: str) -> None:
    """Move a fresh ACTIVE assignment to `status` the way it happens for real."""
    taken = record_of(outcome)
    if status == "SKIPPED":
        assert (await scene.skip(performer, outcome, at(1))).refusal is None
    elif status == "EXPIRED":
        assert await scene.store.expire_due(taken.expires) == 1
    elif status in ("SUBMITTED", "ACCEPTED", "REJECTED"):
        submitted = record_of(await scene.submit(performer, outcome, plan, at(1)))
        assert submitted.status == ("ACCEPTED" if plan.auto_accept else "SUBMITTED")
        if status == "REJECTED":
            assert await scene.review(taken.seq, submitted.status, "REJECTED", "wrong", at(2))
        elif status == "ACCEPTED" and not plan.auto_accept:
            assert await scene.review(taken.seq, "SUBMITTED", "ACCEPTED", None, at(2))
    assert (await scene.assignment(outcome)).status == status
