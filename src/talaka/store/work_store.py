"""The work loop's part of the store: async methods over the functions in `work` and `work_reads`.

A Protocol with its methods written out, so that `Store` lists them and `SqlStore` inherits them.

Takes, submits, skips, reviews and sweeps are writes (on SQLite they join the group commit);
everything else reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from talaka.core.assignments import AssignedTask, AssignmentRecord
from talaka.core.performers import Profile
from talaka.core.pool_plan import PoolPlan
from talaka.store import eligibility, quality, training_work, work, work_reads
from talaka.store.dbapi import fetch_all, fetch_one
from talaka.store.search import Search
from talaka.store.work_records import PerformerRecord, PoolSource, WorkOutcome

if TYPE_CHECKING:
    from talaka.store.dbapi import Dialect, Engine

Found = tuple[AssignmentRecord, list[AssignedTask]]


class WorkStore(Protocol):
    engine: Engine
    d: Dialect

    async def create_performer(self, performer_id: str, profile: Profile, token_hash: bytes,
                               requester_id: int | None) -> PerformerRecord:
        return await self.engine.write(work_reads.create_performer, self.d, performer_id, profile, token_hash,
                                       requester_id)

    async def performer_for_token(self, token_hash: bytes) -> PerformerRecord | None:
        row = await self.engine.read(fetch_one, self.d.w.PERFORMER_FOR_TOKEN, (token_hash,))
        return work_reads.performer_from_row(row) if row else None

    async def is_performer_token(self, token_hash: bytes) -> bool:
        return await self.engine.read(fetch_one, self.d.w.IS_PERFORMER_TOKEN, (token_hash,)) is not None

    async def performer_by_id(self, performer_id: str) -> PerformerRecord | None:
        row = await self.engine.read(fetch_one, self.d.w.PERFORMER_BY_ID, (performer_id,))
        return work_reads.performer_from_row(row) if row else None

    async def performer_known_to(self, performer_no: int, requester_id: int) -> bool:
        """Whether a requester created this performer or has had work done by them."""
        row = await self.engine.read(fetch_one, self.d.w.PERFORMER_KNOWN_TO,
                                     (performer_no, requester_id, performer_no, requester_id))
        return row is not None

    async def performers_known_to(self, requester_id: int, id_gt: str, limit: int) -> tuple[list[PerformerRecord], bool]:
        """A page of the performers a requester created or has had work from, by id after `id_gt`,
        and whether more follow."""
        rows = await self.engine.read(fetch_all, self.d.w.PERFORMERS_KNOWN_TO,
                                      (id_gt, requester_id, requester_id, limit + 1))
        return [work_reads.performer_from_row(row) for row in rows[:limit]], len(rows) > limit

    async def recent_performers(self, since: str) -> list[PerformerRecord]:
        """Performers who took a task suite anywhere since `since`."""
        rows = await self.engine.read(fetch_all, self.d.w.RECENT_PERFORMERS, (since,))
        return [work_reads.performer_from_row(row) for row in rows]

    async def pool_source(self, pool_id: int) -> PoolSource | None:
        return await self.engine.read(work_reads.pool_source, self.d, pool_id)

    async def open_pools(self) -> list[tuple[int, int]]:
        rows = await self.engine.read(fetch_all, self.d.w.OPEN_POOLS, ())
        return [(int(pool_id), int(revision)) for pool_id, revision in rows]

    async def offers(self, performer_no: int, profile: Mapping[str, Any], plans: list[PoolPlan],
                     now: str) -> set[int]:
        """The pools among `plans` the performer may work in now and that hold work for them."""
        return await self.engine.read(eligibility.offers, self.d, performer_no, profile, plans, now)

    async def take(self, performer_no: int, performer_id: str, profile: Mapping[str, Any], plan: PoolPlan,
                   now: str) -> WorkOutcome:
        return await self.engine.write(eligibility.take, self.d, performer_no, performer_id, profile, plan, now)

    async def submit(self, performer_no: int, performer_id: str, seq: int, plan: PoolPlan, body: dict[str, Any],
                     now: str) -> WorkOutcome:
        submit = training_work.submit if plan.training is not None else quality.submit
        return await self.engine.write(submit, self.d, performer_no, performer_id, seq, plan, body, now)

    async def skip(self, performer_no: int, seq: int, now: str) -> WorkOutcome:
        return await self.engine.write(quality.skip, self.d, performer_no, seq, now)

    async def review(self, record: AssignmentRecord, target: str, comment: str | None, now: str) -> bool:
        """Accept or reject, if the assignment still has `record.status`; False when it changed meanwhile."""
        return await self.engine.write(quality.review, self.d, record, target, comment, now)

    async def get_assignment(self, seq: int) -> Found | None:
        return await self.engine.read(work_reads.get_assignment, self.d, seq)

    async def owns_pool(self, requester_id: int, pool_id: int) -> bool:
        return await self.engine.read(fetch_one, self.d.w.OWNED_POOL, (pool_id, requester_id)) is not None

    async def find_requester_assignments(self, requester_id: int, search: Search,
                                         statuses: list[str]) -> tuple[list[Found], bool]:
        return await self.engine.read(work_reads.find_requester_assignments, self.d, requester_id, search, statuses)

    async def find_performer_assignments(self, performer_no: int, statuses: list[str], pool_id: int | None,
                                         id_gt: tuple[int, int] | None, limit: int,
                                         oldest_first: bool) -> tuple[list[Found], bool]:
        return await self.engine.read(work_reads.find_performer_assignments, self.d, performer_no, statuses,
                                      pool_id, id_gt, limit, oldest_first)

    async def pool_assignments(self, pool_id: int, statuses: list[str], after_seq: int, submitted_from: str | None,
                               submitted_to: str | None, limit: int) -> list[Found]:
        return await self.engine.read(work_reads.pool_assignments, self.d, pool_id, statuses, after_seq,
                                      submitted_from, submitted_to, limit)

    async def pool_analytics(self, pool_id: int) -> dict[str, object]:
        return await self.engine.read(work_reads.pool_analytics, self.d, pool_id)

    async def pool_progress(self, pool_id: int, since: str) -> dict[str, object]:
        return await self.engine.read(work_reads.pool_progress, self.d, pool_id, since)

    async def expire_due(self, now: str) -> int:
        return await self.engine.write(work.expire_due, self.d, now)

    async def accept_due(self, now: str) -> int:
        return await self.engine.write(quality.accept_due, self.d, now)

    async def close_finished_pools(self, now: str) -> list[tuple[int, str]]:
        return await self.engine.write(work.close_finished_pools, self.d, now)

