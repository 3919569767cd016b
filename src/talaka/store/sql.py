"""The store, written once for both SQL backends.

Every function below runs on a backend thread with a DB-API connection (sqlite3 or psycopg,
whose `execute` and cursors look alike) and a `Dialect` that holds the statements and the few
things that differ: how a JSON body is passed and how a batch of task rows is inserted. The
backends add their engine: how connections, threads and transactions are run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import msgspec

from talaka.core import ids
from talaka.core.bonuses import OPERATION_TYPE as BONUS_OPERATION
from talaka.core.errors import FieldErrors
from talaka.core.pools import pool_body_with_status
from talaka.core.rules import PoolRefusal, PoolRules
from talaka.core.stored import with_id, with_remaining
from talaka.core.timefmt import now_text
from talaka.core.trainings import clone_details, training_skill
from talaka.store import users
from talaka.store.account_store import AccountStore
from talaka.store.aggregation_store import AggregationStore
from talaka.store.base import (
    BatchResult,
    BatchWrite,
    LeaseLost,
    OperationExists,
    OperationRecord,
    PoolRecord,
    ProjectRecord,
    Requester,
    StaleRules,
)
from talaka.store.dbapi import Connection, Dialect, Engine, TimedEngine, fetch_all, fetch_one, slots
from talaka.store.queries import Queries
from talaka.store.rules import build_pool_rules, log_item_created, log_item_failed
from talaka.store.schema import latest_version
from talaka.store.search import Search, render
from talaka.store.training_store import TrainingStore
from talaka.store.user_store import UserStore
from talaka.store.work_store import WorkStore

TASK_COLUMNS = {"id": "(pool_id, seq)", "seq": "seq", "pool_id": "pool_id", "overlap": "overlap",
                "created": "created"}
PROJECT_COLUMNS = {"id": "id", "status": "status", "created": "created"}
POOL_COLUMNS = {"id": "id", "status": "status", "created": "created", "project_id": "project_id",
                "last_started": "last_started", "training": "training"}
OPERATION_COLUMNS = {"id": "no", "type": "type", "status": "status", "submitted": "submitted",
                     "finished": "finished"}
_encode = msgspec.json.encode
def _operation(row: Sequence[Any]) -> OperationRecord:
    (no, op_id, requester_id, op_type, status, is_sync, digest, submitted, started, finished,
     progress, cursor, parameters, details) = row
    return OperationRecord(no, op_id, requester_id, op_type, status, bool(is_sync), digest and bytes(digest),
                           submitted, started, finished, progress, cursor, bytes(parameters), bytes(details))


class SqlStore(WorkStore, UserStore, TrainingStore, AggregationStore, AccountStore):
    """Implements `talaka.store.base.Store` on an engine and a dialect."""

    def __init__(self, engine: Engine, dialect: Dialect) -> None:
        self.engine: Engine = TimedEngine(engine)
        self.d = dialect
        self.q = dialect.q

    async def start(self) -> None:
        self.engine.start()

    async def close(self) -> None:
        self.engine.close()

    async def create_requester(self, name: str, token_hash: bytes) -> Requester:
        return await self.engine.write(_create_requester, self.q, name, token_hash)

    async def requester_for_token(self, token_hash: bytes) -> Requester | None:
        row = await self.engine.read(fetch_one, self.q.REQUESTER_FOR_TOKEN, (token_hash,))
        return Requester(row[0], row[1]) if row else None

    async def count_requesters(self) -> int:
        row = await self.engine.read(fetch_one, self.q.COUNT_REQUESTERS, ())
        return int(row[0])

    async def schema_versions(self) -> tuple[int, int]:
        """`(the database's schema version, the version this code expects)`; a query, so it fails
        when the database cannot be reached. It runs on the engine's probe lane, never queued
        behind the requests it is asked about."""
        row = await self.engine.probe(fetch_one, self.q.SCHEMA_VERSION, ())
        return int(row[0]), latest_version(self.d.name)

    async def unfinished_operations(self) -> dict[str, int]:
        """Operations still holding their request, by status (the partial index keeps it cheap)."""
        rows = await self.engine.read(fetch_all, self.q.UNFINISHED_OPERATIONS, ())
        return {str(status): int(count) for status, count in rows}

    async def create_project(self, requester_id: int, body: bytes, created: str) -> int:
        row = await self.engine.write(fetch_one, self.q.INSERT_PROJECT,
                                      (requester_id, "ACTIVE", created, self.d.json(body)))
        return int(row[0])

    async def get_project(self, requester_id: int, project_id: int) -> ProjectRecord | None:
        row = await self.engine.read(fetch_one, self.q.GET_PROJECT, (project_id, requester_id))
        return ProjectRecord(row[0], row[1], bytes(row[2])) if row else None

    async def replace_project(self, requester_id: int, project_id: int, status: str, body: bytes,
                              operation: OperationRecord | None) -> None:
        await self.engine.write(_replace_project, self.d, requester_id, project_id, status, body, operation)

    async def find_projects(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_bodies, self.d, "projects", PROJECT_COLUMNS, requester_id, search)

    async def create_pool(self, requester_id: int, project_id: int, body: bytes, created: str) -> int:
        row = await self.engine.write(fetch_one, self.q.INSERT_POOL,
                                      (requester_id, project_id, "CLOSED", created, self.d.json(body)))
        return int(row[0])

    async def get_pool(self, requester_id: int, pool_id: int) -> PoolRecord | None:
        row = await self.engine.read(fetch_one, self.q.GET_POOL, (pool_id, requester_id))
        if row is None:
            return None
        pool_id, project_id, status, revision, tasks, golden, suites, body = row
        return PoolRecord(pool_id, project_id, status, revision, tasks, golden, suites, bytes(body))

    async def replace_pool(self, requester_id: int, pool_id: int, status: str, body: bytes,
                           operation: OperationRecord | None) -> None:
        await self.engine.write(_replace_pool, self.d, requester_id, pool_id, status, body, operation)

    async def find_pools(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_bodies, self.d, "pools", POOL_COLUMNS, requester_id,
                                      _marked(search, training=0))

    async def create_training(self, requester_id: int, project_id: int, body: bytes, created: str, skill_name: str,
                              clone: OperationRecord | None = None) -> int:
        return await self.engine.write(_create_training, self.d, requester_id, project_id, body, created, skill_name,
                                       clone)

    async def find_trainings(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_bodies, self.d, "pools", POOL_COLUMNS, requester_id,
                                      _marked(search, training=1))

    async def pool_rules(self, requester_id: int, pool_ids: set[int]) -> dict[int, PoolRules | PoolRefusal]:
        rows = await self.engine.read(_pool_rule_rows, self.d, requester_id, sorted(pool_ids))
        return build_pool_rules(rows)

    async def write_batch(self, batch: BatchWrite) -> Sequence[int]:
        return await self.engine.write(_write_batch, self.d, batch)

    async def get_task(self, table: str, requester_id: int, task_id: str) -> bytes | None:
        parsed = ids.parse_task_id(task_id)
        if parsed is None:
            return None
        row = await self.engine.read(fetch_one, self.q.GET_TASK.format(table=table),
                                     (parsed[1], parsed[0], requester_id))
        return with_id(task_id, with_remaining(bytes(row[0]), row[1], row[2])) if row else None

    async def replace_task(self, table: str, requester_id: int, task_id: str, overlap: int | None,
                           golden: bool, body: bytes) -> None:
        parsed = ids.parse_task_id(task_id)
        assert parsed is not None, "callers read the task first"
        await self.engine.write(_replace_task, self.d, table, parsed[0], parsed[1], overlap, golden, body)

    async def find_tasks(self, table: str, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_tasks, self.d, table, requester_id, search)

    async def insert_operation(self, record: OperationRecord, payload: bytes | None) -> OperationRecord:
        return await self.engine.write(_insert_operation, self.d, record, payload)

    async def get_operation(self, requester_id: int, operation_id: str) -> OperationRecord | None:
        row = await self.engine.read(fetch_one, self.q.GET_OPERATION, (requester_id, operation_id))
        return _operation(row) if row else None

    async def find_operations(self, requester_id: int, search: Search) -> tuple[list[OperationRecord], bool]:
        return await self.engine.read(_find_operations, self.d, requester_id, search)

    async def operation_log(self, requester_id: int, operation_id: str) -> bytes | None:
        return await self.engine.read(_operation_log, self.d, requester_id, operation_id)

    async def operation_items(self, op_no: int) -> BatchResult:
        return await self.engine.read(_operation_items, self.q, op_no)

    async def operation_errors(self, op_no: int) -> dict[int, bytes]:
        rows = await self.engine.read(fetch_all, self.q.OPERATION_ERRORS, (op_no,))
        return {item_idx: bytes(errors) for item_idx, _, errors in rows}

    async def claim_operation(self, owner: str, now: float, until: float) -> OperationRecord | None:
        return await self.engine.write(_claim_operation, self.q, owner, now, until)

    async def operation_payload(self, op_no: int) -> bytes | None:
        row = await self.engine.read(fetch_one, self.q.OPERATION_PAYLOAD, (op_no,))
        return bytes(row[0]) if row and row[0] is not None else None

    async def fail_operation(self, op_no: int, details: bytes, errors: dict[int, tuple[bytes, FieldErrors]],
                             lease_owner: str) -> None:
        await self.engine.write(_fail_operation, self.d, op_no, details, errors, lease_owner)

    async def reserve_quota(self, requester_id: int, quota: str, window: int, want: int,
                            limit: int) -> tuple[int, int]:
        return await self.engine.write(_reserve_quota, self.q, requester_id, quota, window, want, limit)


def _execute(conn: Connection, sql: str, params: Sequence[Any]) -> None:
    conn.execute(sql, params)


def _create_requester(conn: Connection, q: Queries, name: str, token_hash: bytes) -> Requester:
    created = now_text()
    requester_id = int(conn.execute(q.INSERT_REQUESTER, (name, created)).fetchone()[0])
    conn.execute(q.INSERT_TOKEN, (token_hash, requester_id, created))
    return Requester(requester_id, name)


def _replace_task(conn: Connection, d: Dialect, table: str, pool_id: int, seq: int, overlap: int | None,
                  golden: bool, body: bytes) -> None:
    """Rewrite a task; a change of its golden flag is counted for the pool like any other."""
    was_golden = conn.execute(d.q.TASK_GOLDEN.format(table=table), (seq, pool_id)).fetchone()[0]
    conn.execute(d.q.REPLACE_TASK.format(table=table), (overlap, int(golden), d.json(body), seq, pool_id))
    if bool(was_golden) != golden:
        conn.execute(d.q.ADD_POOL_COUNTS, (pool_id, 0, 1 if golden else -1, 0))


def _replace_project(conn: Connection, d: Dialect, requester_id: int, project_id: int,
                     status: str, body: bytes, operation: OperationRecord | None) -> None:
    conn.execute(d.q.REPLACE_PROJECT, (status, d.json(body), project_id, requester_id))
    conn.execute(d.q.BUMP_PROJECT_POOLS, (project_id,))
    if operation is not None:
        _insert_operation(conn, d, operation, None)


def _replace_pool(conn: Connection, d: Dialect, requester_id: int, pool_id: int,
                  status: str, body: bytes, operation: OperationRecord | None) -> None:
    started = now_text() if status == "OPEN" else None
    changes_rules = operation is None or operation.type.endswith(".ARCHIVE")  # POOL. or TRAINING.ARCHIVE
    conn.execute(d.q.REPLACE_POOL, (status, d.json(body), started, int(changes_rules), pool_id, requester_id))
    if operation is not None:
        _insert_operation(conn, d, operation, None)


def _marked(search: Search, *, training: int) -> Search:
    """The search narrowed to trainings (1) or to regular pools (0): the two share the `pools` table."""
    return replace(search, equals={"training": training, **search.equals})


def _create_training(conn: Connection, d: Dialect, requester_id: int, project_id: int, body: bytes, created: str,
                     skill_name: str, clone: OperationRecord | None) -> int:
    row = conn.execute(d.t.INSERT_TRAINING, (requester_id, project_id, created, d.json(body))).fetchone()
    training_id = int(row[0])
    conn.execute(d.t.INSERT_TRAINING_SKILL, (requester_id, skill_name, training_id, created,
                                             training_skill(training_id, skill_name, requester_id, created)))
    if clone is not None:
        clone.details = clone_details(training_id)
        _insert_operation(conn, d, clone, None)
    return training_id


def _find_bodies(conn: Connection, d: Dialect, table: str, columns: dict[str, str], requester_id: int,
                 search: Search) -> tuple[list[bytes], bool]:
    where, order, params = render(search, columns, d.placeholder)
    sql = (f"SELECT id, body FROM {table} WHERE requester_id = {d.placeholder} AND {where} "
           f"ORDER BY {order or 'id'} LIMIT {d.placeholder}")
    rows = conn.execute(sql, [requester_id, *params, search.limit + 1]).fetchall()
    return [with_id(str(row[0]), bytes(row[1])) for row in rows[:search.limit]], len(rows) > search.limit


def _within_pool(search: Search, pool_id: int) -> Search | None:
    """The search with id bounds as bounds on `seq` alone, which the `(pool_id, seq)` index serves
    as a range; None when the bounds exclude the pool altogether."""
    ranges: list[tuple[str, str, Any]] = []
    for name, op, value in search.ranges:
        if name != "id":
            ranges.append((name, op, value))
        elif value[0] == pool_id:
            ranges.append(("seq", op, value[1]))
        elif (value[0] < pool_id) != (op in ("gt", "gte")):
            return None
    sort = [("seq" if name == "id" else name, descending) for name, descending in search.sort]
    return Search(equals=search.equals, ranges=ranges, sort=sort or [("seq", False)], limit=search.limit)


def _find_tasks(conn: Connection, d: Dialect, table: str, requester_id: int,
                search: Search) -> tuple[list[bytes], bool]:
    pool_id = search.equals.get("pool_id")
    scope_params: list[Any] = []
    scope = ""
    if pool_id is not None:
        if conn.execute(d.q.POOL_OWNER, (pool_id, requester_id)).fetchone() is None:
            return [], False
        narrowed = _within_pool(search, pool_id)
        if narrowed is None:
            return [], False
        search = narrowed
    else:
        scope = f"pool_id IN (SELECT id FROM pools WHERE requester_id = {d.placeholder}) AND "
        scope_params = [requester_id]
    where, order, params = render(search, TASK_COLUMNS, d.placeholder)
    sql = (f"SELECT pool_id, seq, body, overlap, used FROM {table} WHERE {scope}{where} "
           f"ORDER BY {order or 'pool_id, seq'} LIMIT {d.placeholder}")
    rows = conn.execute(sql, [*scope_params, *params, search.limit + 1]).fetchall()
    task_id = ids.task_id
    items = [with_id(task_id(pool, seq), with_remaining(bytes(body), overlap, used))
             for pool, seq, body, overlap, used in rows[:search.limit]]
    return items, len(rows) > search.limit


def _pool_rule_rows(conn: Connection, d: Dialect, requester_id: int, pool_ids: list[int]) -> list[Any]:
    if not pool_ids:
        return []
    rows = conn.execute(d.q.POOL_RULES.format(slots=slots(d, len(pool_ids))), [requester_id, *pool_ids])
    return [(pool_id, status, revision, training, bytes(pool), bytes(project))
            for pool_id, status, revision, training, pool, project in rows.fetchall()]


def _insert_operation(conn: Connection, d: Dialect, record: OperationRecord,
                      payload: bytes | None) -> OperationRecord:
    """Insert the operation; an existing `(requester, operation_id)` raises `OperationExists`.

    `ON CONFLICT DO NOTHING` rather than catching the violation, because in PostgreSQL a failed
    statement would abort the whole transaction it runs in.
    """
    inserted = conn.execute(d.q.INSERT_OPERATION, (
        record.id, record.requester_id, record.type, record.status, int(record.is_sync), record.digest,
        record.submitted, record.started, record.finished, record.progress, record.cursor,
        d.json(record.parameters), d.json(record.details), payload)).fetchone()
    if inserted is None:
        existing = conn.execute(d.q.GET_OPERATION, (record.requester_id, record.id)).fetchone()
        raise OperationExists(_operation(existing))
    record.no = int(inserted[0])
    return record


def _write_batch(conn: Connection, d: Dialect, batch: BatchWrite) -> Sequence[int]:
    q = d.q
    _check_revisions(conn, d, batch.requester_id, batch.revisions)
    record = batch.operation
    if record.no == 0:
        _insert_operation(conn, d, record, batch.payload)
    seqs: Sequence[int] = d.insert_tasks(conn, batch.table, record.no, batch.rows) if batch.rows else ()
    suites = batch.table == "task_suites"
    for pool_id, (total, golden) in batch.counts.items():
        conn.execute(q.ADD_POOL_COUNTS, (pool_id, 0 if suites else total, golden, total if suites else 0))
    if batch.errors:
        _insert_errors(conn, d, record.no, batch.errors)
    if batch.final:
        for pool_id in sorted(batch.open_pools):
            _open_if_filled(conn, d, pool_id)
    advanced = conn.execute(q.ADVANCE_OPERATION, (
        record.status, record.started, record.finished, record.progress, record.cursor, d.json(record.details),
        seqs[0] if seqs else None, seqs[-1] if seqs else None, batch.lease_until, batch.final, record.no,
        batch.lease_owner))
    if advanced.rowcount != 1:
        raise LeaseLost(record.id)
    return seqs


def _insert_errors(conn: Connection, d: Dialect, op_no: int, errors: dict[int, tuple[bytes, FieldErrors]]) -> None:
    cursor = conn.cursor()
    cursor.executemany(d.q.INSERT_OPERATION_ERROR, [
        (op_no, idx, d.json(item), d.json(_encode(found))) for idx, (item, found) in errors.items()])


def _open_if_filled(conn: Connection, d: Dialect, pool_id: int) -> None:
    row = conn.execute(d.q.CLOSED_FILLED_POOL, (pool_id,)).fetchone()
    if row is not None:
        now = now_text()
        body = pool_body_with_status(bytes(row[0]), "OPEN", now)
        conn.execute(d.q.SET_POOL_STATUS, ("OPEN", d.json(body), now, pool_id))


def _check_revisions(conn: Connection, d: Dialect, requester_id: int, revisions: dict[int, int]) -> None:
    if not revisions:
        return
    sql = d.q.POOL_REVISIONS.format(slots=slots(d, len(revisions)))
    current = dict(conn.execute(sql, [requester_id, *revisions]).fetchall())
    for pool_id, revision in revisions.items():
        if current.get(pool_id, -1) != revision:
            raise StaleRules(pool_id)


def _fail_operation(conn: Connection, d: Dialect, op_no: int, details: bytes,
                    errors: dict[int, tuple[bytes, FieldErrors]], lease_owner: str) -> None:
    if conn.execute(d.q.FAIL_OPERATION, (now_text(), d.json(details), op_no, lease_owner)).rowcount != 1:
        raise LeaseLost(op_no)
    _insert_errors(conn, d, op_no, errors)


def _claim_operation(conn: Connection, q: Queries, owner: str, now: float, until: float) -> OperationRecord | None:
    claimed = conn.execute(q.CLAIM_OPERATION, (owner, until, now)).fetchone()
    if claimed is None:
        return None
    return _operation(conn.execute(q.OPERATION_BY_NO, (claimed[0],)).fetchone())


def _reserve_quota(conn: Connection, q: Queries, requester_id: int, quota: str, window: int, want: int,
                   limit: int) -> tuple[int, int]:
    key = (requester_id, quota, window)
    if conn.execute(q.INSERT_QUOTA, key).rowcount == 1:
        conn.execute(q.DROP_OLD_QUOTAS, (requester_id, quota, window - 1))
    used = int(conn.execute(q.QUOTA_USED, key).fetchone()[0])
    granted = max(0, min(want, limit - used))
    if granted:
        conn.execute(q.SET_QUOTA_USED, (used + granted, *key))
    return granted, used + granted


def _find_operations(conn: Connection, d: Dialect, requester_id: int,
                     search: Search) -> tuple[list[OperationRecord], bool]:
    where, order, params = render(search, OPERATION_COLUMNS, d.placeholder)
    sql = (f"{d.q.OPERATION_SELECT} WHERE requester_id = {d.placeholder} AND {where} "
           f"ORDER BY {order or 'no'} LIMIT {d.placeholder}")
    rows = conn.execute(sql, [requester_id, *params, search.limit + 1]).fetchall()
    return [_operation(row) for row in rows[:search.limit]], len(rows) > search.limit


def _operation_items(conn: Connection, q: Queries, op_no: int) -> BatchResult:
    row = conn.execute(q.OPERATION_RANGE, (op_no,)).fetchone()
    result = BatchResult(op_no)
    if row is None or row[1] is None:
        return result
    op_type, seq_from, seq_to = row
    table = "task_suites" if op_type.startswith("TASK_SUITE") else "tasks"
    task_id = ids.task_id
    for item_idx, pool_id, seq, body in conn.execute(q.OPERATION_TASKS.format(table=table),
                                                     (seq_from, seq_to, op_no)).fetchall():
        result.created.append((item_idx, task_id(pool_id, seq), bytes(body)))
    return result


def _operation_log(conn: Connection, d: Dialect, requester_id: int, operation_id: str) -> bytes | None:
    q = d.q
    row = conn.execute(q.GET_OPERATION, (requester_id, operation_id)).fetchone()
    if row is None:
        return None
    record = _operation(row)
    if record.type == BONUS_OPERATION:
        return users.bonus_log(conn, d, record)
    if not record.type.endswith("BATCH_CREATE"):
        return b"[]"
    suites = record.type.startswith("TASK_SUITE")
    items: list[tuple[int, bytes]] = []
    for item_idx, object_id, body in _operation_items(conn, q, record.no).created:
        items.append((item_idx, log_item_created(item_idx, object_id, body, suites=suites)))
    for item_idx, item, errors in conn.execute(q.OPERATION_ERRORS, (record.no,)).fetchall():
        items.append((item_idx, log_item_failed(item_idx, bytes(item), bytes(errors), suites=suites)))
    items.sort(key=lambda pair: pair[0])
    return b"[" + b",".join(entry for _, entry in items) + b"]"
