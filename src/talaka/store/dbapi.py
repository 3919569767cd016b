"""What the store's functions run on: a DB-API connection, a dialect and an engine.

Shared by `sql` (objects, tasks, operations) and `work` (the work loop), which both run their
functions on backend threads with these.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from talaka.core.batch import Row
from talaka.metrics import timed
from talaka.store.account_queries import AccountQueries
from talaka.store.aggregation_queries import AggregationQueries
from talaka.store.frontier import Frontier
from talaka.store.quality_queries import QualityQueries
from talaka.store.queries import Queries
from talaka.store.training_queries import TrainingQueries
from talaka.store.user_queries import UserQueries
from talaka.store.work_queries import WorkQueries

T = TypeVar("T")
Connection = Any
"""A DB-API connection with `execute` returning a cursor (sqlite3 or psycopg)."""


class Dialect(Protocol):
    q: Queries
    w: WorkQueries
    u: UserQueries
    qc: QualityQueries
    t: TrainingQueries
    ag: AggregationQueries
    ac: AccountQueries
    name: str
    """`sqlite` or `postgres`: the folder of its migrations."""
    placeholder: str
    skips_locked: bool
    """Whether frontier reads skip rows other transactions have locked (PostgreSQL)."""
    frontier: Frontier

    def json(self, body: bytes) -> Any:
        """A JSON body as this driver binds it to a JSON column."""

    def insert_tasks(self, conn: Connection, table: str, op_no: int, rows: list[Row]) -> Sequence[int]:
        """Insert task rows in order; return their sequence numbers, ascending."""

    def issue_tasks(self, conn: Connection, assignment: Sequence[Any], seqs: list[int],
                    general_seqs: list[int]) -> int:
        """Insert a mixed suite's assignment (the values of `INSERT_ASSIGNMENT`), record its tasks
        as issued to the performer, and count them against the overlap of `general_seqs` (the
        finite ones, already locked by the take); return the assignment's seq."""

    def take_state(self, conn: Connection, performer_no: int, pool_id: int) -> Any:
        """The pool's `(status, revision)` row (None when there is no such pool); where writers run
        concurrently, also serializes takes of one performer until the transaction ends."""


class Engine(Protocol):
    def start(self) -> None: ...
    def close(self) -> None: ...
    def read(self, function: Callable[..., T], *args: Any) -> Awaitable[T]: ...
    def write(self, function: Callable[..., T], *args: Any) -> Awaitable[T]: ...
    def probe(self, function: Callable[..., T], *args: Any) -> Awaitable[T]: ...


class TimedEngine:
    """An engine whose every call is timed into the `talaka_database_seconds` histogram."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner

    def start(self) -> None:
        self.inner.start()

    def close(self) -> None:
        self.inner.close()

    def read(self, function: Callable[..., T], *args: Any) -> Awaitable[T]:
        return timed("read", self.inner.read(function, *args))

    def write(self, function: Callable[..., T], *args: Any) -> Awaitable[T]:
        return timed("write", self.inner.write(function, *args))

    def probe(self, function: Callable[..., T], *args: Any) -> Awaitable[T]:
        return self.inner.probe(function, *args)  # readiness checks are not the database time of requests


def fetch_one(conn: Connection, sql: str, params: Sequence[Any]) -> Any:
    return conn.execute(sql, params).fetchone()


def fetch_all(conn: Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    return list(conn.execute(sql, params).fetchall())


def slots(d: Dialect, count: int) -> str:
    """`count` placeholders, comma-separated, for an `IN (...)` list."""
    return ", ".join(d.placeholder for _ in range(count))
