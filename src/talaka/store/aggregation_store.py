"""Aggregation in the store: reading answers to aggregate, and an operation's results.

A Protocol with its methods written out over the functions in `aggregation`, so that `Store` lists
them and `SqlStore` inherits them (like `UserStore`). Answers are read on a reader (a snapshot on
SQLite); results are written in chunks, each of which renews the operation's lease.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from talaka.store import aggregation

if TYPE_CHECKING:
    from talaka.core.aggregation import AnswerTable
    from talaka.store.base import OperationRecord
    from talaka.store.dbapi import Dialect, Engine
    from talaka.store.search import Search


class AggregationStore(Protocol):
    engine: Engine
    d: Dialect

    async def pool_answers(self, pool_id: int, fields: list[str]) -> AnswerTable:
        """Every answer of the pool's SUBMITTED and ACCEPTED assignments that has a value for `fields`."""
        return await self.engine.read(aggregation.pool_answers, self.d, pool_id, fields)

    async def task_answers(self, pool_id: int, seq: int, fields: list[str]) -> AnswerTable | None:
        """The same for one task; None when the pool has no task `seq`."""
        return await self.engine.read(aggregation.task_answers, self.d, pool_id, seq, fields)

    async def skill_values(self, skill_id: int) -> dict[int, float]:
        return await self.engine.read(aggregation.skill_values, self.d, skill_id)

    async def advance_operation(self, record: OperationRecord, lease_owner: str, lease_until: float) -> None:
        """Write a running operation's status and progress and renew its lease (`LeaseLost` if it
        was taken over)."""
        await self.engine.write(aggregation.advance, self.d, record, lease_owner, lease_until, False)

    async def write_results(self, record: OperationRecord, rows: list[tuple[str, float, bytes]], lease_owner: str,
                            lease_until: float, *, first: bool, final: bool) -> None:
        """One chunk of `(task_id, confidence, output_values)`; `final` also finishes the operation
        as `record` says."""
        await self.engine.write(aggregation.write_results, self.d, record, rows, lease_owner, lease_until,
                                first, final)

    async def results_page(self, op_no: int, search: Search) -> tuple[list[tuple[str, float, bytes]], bool]:
        return await self.engine.read(aggregation.results_page, self.d, op_no, search)
