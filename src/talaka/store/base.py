"""The storage interface every backend implements, and the records that cross it.

Bodies cross as JSON bytes: the store keeps each object's JSON without its `id` (the id is
derived from columns) and hands back complete JSON objects, so the API answers reads by
concatenating bytes instead of decoding and re-encoding objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from talaka.core.batch import BODY, ITEM_IDX, POOL, Row
from talaka.core.errors import FieldErrors
from talaka.core.ids import task_id
from talaka.core.rules import PoolRefusal, PoolRules
from talaka.store.account_store import AccountStore
from talaka.store.aggregation_store import AggregationStore
from talaka.store.search import Search
from talaka.store.training_store import TrainingStore
from talaka.store.user_store import UserStore
from talaka.store.work_store import WorkStore


@dataclass(frozen=True, slots=True)
class Requester:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    status: str
    body: bytes


@dataclass(frozen=True, slots=True)
class PoolRecord:
    id: int
    project_id: int
    status: str
    revision: int
    task_count: int
    golden_count: int
    suite_count: int
    body: bytes


@dataclass(slots=True)
class OperationRecord:
    no: int
    id: str
    requester_id: int
    type: str
    status: str
    is_sync: bool
    digest: bytes | None
    submitted: str
    started: str | None
    finished: str | None
    progress: int
    cursor: int
    parameters: bytes
    details: bytes


@dataclass(slots=True)
class BatchWrite:
    """Everything one create request (or one chunk of an operation) writes in one transaction.

    `operation` is inserted when its `no` is 0 (a request answered at once), which is where a
    repeated `operation_id` is caught by the unique key; otherwise the existing operation row is
    advanced to `cursor`. `open_pools` are the closed pools to open when the batch is final
    (`open_pool=true`): only those that received tasks.
    """

    requester_id: int
    table: str
    rows: list[Row]
    counts: dict[int, tuple[int, int]]
    errors: dict[int, tuple[bytes, FieldErrors]]
    revisions: dict[int, int]
    open_pools: frozenset[int]
    operation: OperationRecord
    final: bool = True
    payload: bytes | None = None
    lease_owner: str | None = None
    lease_until: float | None = None


@dataclass(slots=True)
class BatchResult:
    """What was created: `(item_idx, id, JSON without the id)` per task, in input order."""

    op_no: int
    created: list[tuple[int, str, bytes]] = field(default_factory=list)


def created_items(rows: list[Row], seqs: Sequence[int]) -> list[tuple[int, str, bytes]]:
    """Inserted rows and the sequence numbers they got, as `BatchResult.created`."""
    return [(row[ITEM_IDX], task_id(row[POOL], seq), row[BODY]) for row, seq in zip(rows, seqs, strict=True)]


class StaleRules(Exception):
    """A pool changed between validation and the write; validate again with fresh rules."""


class LeaseLost(Exception):
    """Another runner took this operation over (this one's lease expired); stop without writing."""


class OperationExists(Exception):
    """The requester already has an operation with this id."""

    def __init__(self, record: OperationRecord) -> None:
        super().__init__(record.id)
        self.record = record


class Store(WorkStore, UserStore, TrainingStore, AggregationStore, AccountStore, Protocol):
    """One storage interface; `sqlite` and `postgres` implement it (the work loop's methods are
    written once in `WorkStore`, `UserStore` and `TrainingStore`)."""

    async def start(self) -> None: ...
    async def close(self) -> None: ...

    async def create_requester(self, name: str, token_hash: bytes) -> Requester: ...
    async def requester_for_token(self, token_hash: bytes) -> Requester | None: ...
    async def count_requesters(self) -> int: ...
    async def schema_versions(self) -> tuple[int, int]: ...
    async def unfinished_operations(self) -> dict[str, int]: ...

    async def create_project(self, requester_id: int, body: bytes, created: str) -> int: ...
    async def get_project(self, requester_id: int, project_id: int) -> ProjectRecord | None: ...
    async def replace_project(self, requester_id: int, project_id: int, status: str, body: bytes,
                              operation: OperationRecord | None) -> None: ...
    async def find_projects(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]: ...

    async def create_pool(self, requester_id: int, project_id: int, body: bytes, created: str) -> int: ...
    async def get_pool(self, requester_id: int, pool_id: int) -> PoolRecord | None: ...
    async def replace_pool(self, requester_id: int, pool_id: int, status: str, body: bytes,
                           operation: OperationRecord | None) -> None: ...
    async def find_pools(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]: ...
    async def pool_rules(self, requester_id: int, pool_ids: set[int]) -> dict[int, PoolRules | PoolRefusal]: ...

    async def write_batch(self, batch: BatchWrite) -> Sequence[int]:
        """Write the batch; return the sequence numbers its rows got, in order."""
    async def get_task(self, table: str, requester_id: int, task_id: str) -> bytes | None: ...
    async def replace_task(self, table: str, requester_id: int, task_id: str, overlap: int | None,
                           golden: bool, body: bytes) -> None: ...
    async def find_tasks(self, table: str, requester_id: int, search: Search) -> tuple[list[bytes], bool]: ...

    async def insert_operation(self, record: OperationRecord, payload: bytes | None) -> OperationRecord: ...
    async def get_operation(self, requester_id: int, operation_id: str) -> OperationRecord | None: ...
    async def find_operations(self, requester_id: int, search: Search) -> tuple[list[OperationRecord], bool]: ...
    async def operation_log(self, requester_id: int, operation_id: str) -> bytes | None: ...
    async def operation_items(self, op_no: int) -> BatchResult: ...
    async def operation_errors(self, op_no: int) -> dict[int, bytes]: ...
    async def reserve_quota(self, requester_id: int, quota: str, window: int, want: int,
                            limit: int) -> tuple[int, int]:
        """Take up to `want` requests of a quota window for this process: `(granted, used in all)`."""
    async def claim_operation(self, owner: str, now: float, until: float) -> OperationRecord | None:
        """Lease the oldest unfinished operation whose lease is free or expired at `now`."""
    async def operation_payload(self, op_no: int) -> bytes | None: ...
    async def fail_operation(self, op_no: int, details: bytes, errors: dict[int, tuple[bytes, FieldErrors]],
                             lease_owner: str) -> None: ...
