"""Trainings in the store: pools marked `training = 1`, which share the pools' ids and endpoints.

A Protocol, so that `Store` lists these methods. `SqlStore` implements them next to the pools' own
(`talaka.store.sql`): a training is created with its skill and, for a clone, its operation in one
transaction, and found with the pools' search; by id it is read and changed as a pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from talaka.store.base import OperationRecord
    from talaka.store.dbapi import Dialect, Engine
    from talaka.store.search import Search


class TrainingStore(Protocol):
    engine: Engine
    d: Dialect

    async def create_training(self, requester_id: int, project_id: int, body: bytes, created: str, skill_name: str,
                              clone: OperationRecord | None = None) -> int:
        """Insert a closed training and the skill that will hold its results; return the training's id.

        `clone` is the finished `TRAINING.CLONE` operation that made it: recorded in the same
        transaction, with the new training's id put into its details.
        """

    async def find_trainings(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        """A page of the requester's trainings (pool searches never return one)."""
