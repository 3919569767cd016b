"""The PostgreSQL backend (`pip install 'talaka[postgres]'`): shared truth for many processes."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from talaka.core.batch import Row
from talaka.store.account_queries import POSTGRES as ACCOUNTS_POSTGRES
from talaka.store.account_queries import AccountQueries
from talaka.store.aggregation_queries import POSTGRES as AGGREGATION_POSTGRES
from talaka.store.aggregation_queries import AggregationQueries
from talaka.store.frontier import Frontier
from talaka.store.postgres_engine import Engine, JsonText
from talaka.store.quality_queries import POSTGRES as QUALITY_POSTGRES
from talaka.store.quality_queries import QualityQueries
from talaka.store.queries import Queries
from talaka.store.sql import SqlStore
from talaka.store.training_queries import POSTGRES as TRAININGS_POSTGRES
from talaka.store.training_queries import TrainingQueries
from talaka.store.user_queries import POSTGRES as USERS_POSTGRES
from talaka.store.user_queries import UserQueries
from talaka.store.work_queries import POSTGRES as WORK_POSTGRES
from talaka.store.work_queries import WorkQueries

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)
COPY_TASKS = ("COPY {table} (seq, pool_id, op_no, item_idx, overlap, golden, created, body) "
              "FROM STDIN (FORMAT BINARY)")
NEXT_SEQS = "SELECT nextval('{table}_seq') FROM generate_series(1, %s)"
INSERT_FEW = ("INSERT INTO {table} (seq, pool_id, op_no, item_idx, overlap, golden, created, body) "
              "VALUES (nextval('{table}_seq'), %s, {op_no}, %s, %s, %s, %s, %s) RETURNING seq")
COPY_FROM_ROWS = 32
TAKE_LOCKS = 0x7A1A
"""The advisory lock space of takes (the two-key form, so it never meets the migration lock)."""
ISSUE_TASKS = (
    "WITH assignment AS (" + WorkQueries.INSERT_ASSIGNMENT.replace("?", "%s") + "), "
    "issued AS (INSERT INTO issued_tasks (performer_no, task_seq, assignment_seq) "
    "SELECT %s, unnest(%s::bigint[]), assignment.seq FROM assignment), "
    "used AS (UPDATE tasks SET used = used + 1 WHERE seq = ANY(%s::bigint[]) AND overlap IS NOT NULL) "
    "SELECT seq FROM assignment")
TAKE_STATE = ("SELECT p.status, p.revision FROM (SELECT pg_advisory_xact_lock(%s::int, %s::int)) AS locked "
              "LEFT JOIN pools AS p ON p.id = %s")
_FIXED = struct.Struct(">hiqiqiqii")
_INT = struct.Struct(">ii")
_LENGTH = struct.Struct(">i")
_NULL = _LENGTH.pack(-1)
_JSONB_VERSION = b"\x01"


def encode_copy(rows: list[Row], seqs: Sequence[int], op_no: int) -> bytes:
    """Task rows in PostgreSQL's binary COPY format, for the columns of `COPY_TASKS`.

    Built by hand because the rows are already final bytes: the body goes in as jsonb text behind
    its version byte, without passing through Python objects or a per-value adapter.
    """
    parts = [COPY_HEADER]
    append = parts.append
    fixed = _FIXED.pack
    integer = _INT.pack
    length = _LENGTH.pack
    created_fields: dict[str, bytes] = {}
    for (pool_id, item_idx, overlap, golden, created, body), seq in zip(rows, seqs, strict=True):
        append(fixed(8, 8, seq, 8, pool_id, 8, op_no, 4, item_idx))
        append(_NULL if overlap is None else integer(4, overlap))
        append(integer(4, golden))
        created_field = created_fields.get(created)
        if created_field is None:
            text = created.encode()
            created_field = created_fields[created] = length(len(text)) + text
        append(created_field)
        append(length(len(body) + 1))
        append(_JSONB_VERSION)
        append(body)
    append(COPY_TRAILER)
    return b"".join(parts)


class PostgresDialect:
    name = "postgres"
    placeholder = "%s"
    skips_locked = True
    q = Queries().for_dialect(
        "%s",
        ADVANCE_OPERATION=Queries.ADVANCE_OPERATION.replace("?", "%s").replace(
            "lease_owner IS %s", "lease_owner IS NOT DISTINCT FROM %s"),
        FAIL_OPERATION=Queries.FAIL_OPERATION.replace("?", "%s").replace(
            "lease_owner IS %s", "lease_owner IS NOT DISTINCT FROM %s"),
        CLAIM_OPERATION=Queries.CLAIM_OPERATION.replace("?", "%s").replace(
            "ORDER BY no LIMIT 1)", "ORDER BY no LIMIT 1 FOR UPDATE SKIP LOCKED)"),
        POOL_REVISIONS=Queries.POOL_REVISIONS.replace("?", "%s") + " FOR SHARE",
        QUOTA_USED=Queries.QUOTA_USED.replace("?", "%s") + " FOR UPDATE",
    )

    w: WorkQueries = WORK_POSTGRES
    u: UserQueries = USERS_POSTGRES
    qc: QualityQueries = QUALITY_POSTGRES
    t: TrainingQueries = TRAININGS_POSTGRES
    ag: AggregationQueries = AGGREGATION_POSTGRES
    ac: AccountQueries = ACCOUNTS_POSTGRES

    def __init__(self) -> None:
        self.frontier = Frontier()

    def json(self, body: bytes) -> JsonText:
        return JsonText(body)

    def insert_tasks(self, conn: Any, table: str, op_no: int, rows: list[Row]) -> Sequence[int]:
        """Binary COPY, with sequence numbers taken from the table's sequence first; a few rows
        (a single `create_task`) take one plain INSERT each, which costs fewer round trips."""
        if len(rows) < COPY_FROM_ROWS:
            sql = INSERT_FEW.format(table=table, op_no=int(op_no))
            return [conn.execute(sql, (*row[:5], JsonText(row[5]))).fetchone()[0] for row in rows]
        seqs = [row[0] for row in conn.execute(NEXT_SEQS.format(table=table), (len(rows),)).fetchall()]
        with conn.cursor().copy(COPY_TASKS.format(table=table)) as copy:
            copy.write(encode_copy(rows, seqs, op_no))
        return seqs

    def issue_tasks(self, conn: Any, assignment: Sequence[Any], seqs: list[int], general_seqs: list[int]) -> int:
        """One statement (one round trip) for the assignment, its issued tasks and the overlap they
        use; the general tasks are already locked by the take's frontier read."""
        row = conn.execute(ISSUE_TASKS, (*assignment, assignment[1], seqs, general_seqs)).fetchone()
        return int(row[0])

    def take_state(self, conn: Any, performer_no: int, pool_id: int) -> Any:
        """One round trip: a transaction-scoped advisory lock per performer (a second take by the
        same performer waits for the first and then finds its assignment; a performer takes one
        suite at a time, so a lock per performer rather than per pool costs nothing) and the pool's
        state."""
        return conn.execute(TAKE_STATE, (TAKE_LOCKS, performer_no % 2**31, pool_id)).fetchone()


class PostgresStore(SqlStore):
    def __init__(self, url: str) -> None:
        super().__init__(Engine(url), PostgresDialect())
