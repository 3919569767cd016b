"""The SQLite backend: the embedded default, a single file in WAL mode."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from talaka.core.batch import Row
from talaka.store.account_queries import SQLITE as ACCOUNTS_SQLITE
from talaka.store.account_queries import AccountQueries
from talaka.store.aggregation_queries import SQLITE as AGGREGATION_SQLITE
from talaka.store.aggregation_queries import AggregationQueries
from talaka.store.frontier import Frontier
from talaka.store.quality_queries import SQLITE as QUALITY_SQLITE
from talaka.store.quality_queries import QualityQueries
from talaka.store.queries import Queries
from talaka.store.sql import SqlStore
from talaka.store.sqlite_engine import Engine
from talaka.store.training_queries import SQLITE as TRAININGS_SQLITE
from talaka.store.training_queries import TrainingQueries
from talaka.store.user_queries import SQLITE as USERS_SQLITE
from talaka.store.user_queries import UserQueries
from talaka.store.work_queries import SQLITE as WORK_SQLITE
from talaka.store.work_queries import WorkQueries

LAST_ROWID = "SELECT last_insert_rowid()"


class SqliteDialect:
    q = Queries().for_dialect("?")
    w: WorkQueries = WORK_SQLITE
    u: UserQueries = USERS_SQLITE
    qc: QualityQueries = QUALITY_SQLITE
    t: TrainingQueries = TRAININGS_SQLITE
    ag: AggregationQueries = AGGREGATION_SQLITE
    ac: AccountQueries = ACCOUNTS_SQLITE
    name = "sqlite"
    placeholder = "?"
    skips_locked = False

    def __init__(self) -> None:
        self.frontier = Frontier()

    def json(self, body: bytes) -> bytes:
        return body

    def insert_tasks(self, conn: sqlite3.Connection, table: str, op_no: int, rows: list[Row]) -> Sequence[int]:
        """`executemany` of the prepared tuples; one writer means the new rowids are consecutive."""
        conn.executemany(self.q.INSERT_TASK.format(table=table, op_no=int(op_no)), rows)
        last: int = conn.execute(LAST_ROWID).fetchone()[0]
        return range(last - len(rows) + 1, last + 1)

    def issue_tasks(self, conn: sqlite3.Connection, assignment: Sequence[Any], seqs: list[int],
                    general_seqs: list[int]) -> int:
        w = self.w
        assignment_seq: int = conn.execute(w.INSERT_ASSIGNMENT, assignment).fetchone()[0]
        performer_no = assignment[1]
        conn.executemany(w.INSERT_ISSUED_TASK, [(performer_no, seq, assignment_seq) for seq in seqs])
        if general_seqs:
            conn.execute(w.USE_TASKS.format(slots=", ".join("?" * len(general_seqs))), (1, *general_seqs))
        return assignment_seq

    def take_state(self, conn: sqlite3.Connection, performer_no: int, pool_id: int) -> Any:
        """No lock needed: every write runs on the one writer thread, one after another."""
        return conn.execute(self.w.POOL_STATE, (pool_id,)).fetchone()


class SqliteStore(SqlStore):
    def __init__(self, path: str, *, synchronous: str = "FULL") -> None:
        super().__init__(Engine(path, synchronous=synchronous), SqliteDialect())
