"""The SQLite backend: the embedded default, a single file in WAL mode."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec

from talaka.core.errors import FieldErrors

from talaka.core import ids
from talaka.core.rules import PoolRefusal, PoolRules
from talaka.core.timefmt import now_text
from talaka.store import sqlite_queries as q
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
    with_id,
)
from talaka.core.pools import pool_body_with_status
from talaka.store.rules import build_pool_rules, log_item_created, log_item_failed
from talaka.store.search import Search, render

TASK_COLUMNS = {"id": "(pool_id, seq)", "pool_id": "pool_id", "overlap": "overlap", "created": "created"}
PROJECT_COLUMNS = {"id": "id", "status": "status", "created": "created"}
POOL_COLUMNS = {"id": "id", "status": "status", "created": "created", "project_id": "project_id",
                "last_started": "last_started"}
OPERATION_COLUMNS = {"id": "no", "type": "type", "status": "status", "submitted": "submitted",
                     "finished": "finished"}
_encode = msgspec.json.encode


def _operation(row: sqlite3.Row | tuple[Any, ...]) -> OperationRecord:
    (no, op_id, requester_id, op_type, status, is_sync, digest, submitted, started, finished,
     progress, cursor, parameters, details) = row
    return OperationRecord(no, op_id, requester_id, op_type, status, bool(is_sync), digest, submitted,
                           started, finished, progress, cursor, parameters, details)


class SqliteStore:
    """Implements `talaka.store.base.Store` on one SQLite file."""

    def __init__(self, path: str, *, synchronous: str = "FULL") -> None:
        from talaka.store.sqlite_engine import Engine

        self.engine = Engine(path, synchronous=synchronous)

    async def start(self) -> None:
        self.engine.start()

    async def close(self) -> None:
        self.engine.close()

    # requesters

    async def create_requester(self, name: str, token_hash: bytes) -> Requester:
        return await self.engine.write(_create_requester, name, token_hash)

    async def requester_for_token(self, token_hash: bytes) -> Requester | None:
        row = await self.engine.read(_fetch_one, q.REQUESTER_FOR_TOKEN, (token_hash,))
        return Requester(row[0], row[1]) if row else None

    async def count_requesters(self) -> int:
        row = await self.engine.read(_fetch_one, q.COUNT_REQUESTERS, ())
        return int(row[0])

    # projects

    async def create_project(self, requester_id: int, body: bytes, created: str) -> int:
        return await self.engine.write(_insert, q.INSERT_PROJECT, (requester_id, "ACTIVE", created, body))

    async def get_project(self, requester_id: int, project_id: int) -> ProjectRecord | None:
        row = await self.engine.read(_fetch_one, q.GET_PROJECT, (project_id, requester_id))
        return ProjectRecord(*row) if row else None

    async def replace_project(self, requester_id: int, project_id: int, status: str, body: bytes,
                              operation: OperationRecord | None) -> None:
        await self.engine.write(_replace_project, requester_id, project_id, status, body, operation)

    async def find_projects(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_bodies, "projects", PROJECT_COLUMNS, requester_id, search)

    # pools

    async def create_pool(self, requester_id: int, project_id: int, body: bytes, created: str) -> int:
        return await self.engine.write(_insert, q.INSERT_POOL, (requester_id, project_id, "CLOSED", created, body))

    async def get_pool(self, requester_id: int, pool_id: int) -> PoolRecord | None:
        row = await self.engine.read(_fetch_one, q.GET_POOL, (pool_id, requester_id))
        return PoolRecord(*row) if row else None

    async def replace_pool(self, requester_id: int, pool_id: int, status: str, body: bytes,
                           operation: OperationRecord | None) -> None:
        await self.engine.write(_replace_pool, requester_id, pool_id, status, body, operation)

    async def find_pools(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_bodies, "pools", POOL_COLUMNS, requester_id, search)

    async def pool_rules(self, requester_id: int, pool_ids: set[int]) -> dict[int, PoolRules | PoolRefusal]:
        rows = await self.engine.read(_pool_rule_rows, requester_id, sorted(pool_ids))
        return build_pool_rules(rows)

    # tasks and task suites

    async def write_batch(self, batch: BatchWrite) -> int:
        return await self.engine.write(_write_batch, batch)

    async def get_task(self, table: str, requester_id: int, task_id: str) -> bytes | None:
        parsed = ids.parse_task_id(task_id)
        if parsed is None:
            return None
        row = await self.engine.read(_fetch_one, q.GET_TASK.format(table=table), (parsed[1], parsed[0], requester_id))
        return with_id(task_id, row[0]) if row else None

    async def replace_task(self, table: str, requester_id: int, task_id: str, overlap: int | None,
                           golden: bool, body: bytes) -> None:
        parsed = ids.parse_task_id(task_id)
        assert parsed is not None, "callers read the task first"
        await self.engine.write(_execute, q.REPLACE_TASK.format(table=table),
                                (overlap, int(golden), body, parsed[1], parsed[0]))

    async def find_tasks(self, table: str, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        return await self.engine.read(_find_tasks, table, requester_id, search)

    # operations

    async def insert_operation(self, record: OperationRecord, payload: bytes) -> OperationRecord:
        return await self.engine.write(_insert_operation, record, payload)

    async def get_operation(self, requester_id: int, operation_id: str) -> OperationRecord | None:
        row = await self.engine.read(_fetch_one, q.GET_OPERATION, (requester_id, operation_id))
        return _operation(row) if row else None

    async def find_operations(self, requester_id: int, search: Search) -> tuple[list[OperationRecord], bool]:
        return await self.engine.read(_find_operations, requester_id, search)

    async def operation_log(self, requester_id: int, operation_id: str) -> bytes | None:
        return await self.engine.read(_operation_log, requester_id, operation_id)

    async def operation_items(self, op_no: int) -> BatchResult:
        return await self.engine.read(_operation_items, op_no)

    async def operation_errors(self, op_no: int) -> dict[int, bytes]:
        rows = await self.engine.read(_fetch_all, q.OPERATION_ERRORS, (op_no,))
        return {item_idx: errors for item_idx, _, errors in rows}

    async def claim_operation(self, owner: str, now: float, until: float) -> OperationRecord | None:
        return await self.engine.write(_claim_operation, owner, now, until)

    async def operation_payload(self, op_no: int) -> bytes | None:
        row = await self.engine.read(_fetch_one, q.OPERATION_PAYLOAD, (op_no,))
        return row[0] if row else None

    async def fail_operation(self, op_no: int, details: bytes, errors: dict[int, tuple[bytes, FieldErrors]],
                             lease_owner: str) -> None:
        await self.engine.write(_fail_operation, op_no, details, errors, lease_owner)


# Functions below run on the engine's threads, with the connection as their first argument.

def _fetch_one(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> Any:
    return conn.execute(sql, params).fetchone()


def _fetch_all(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return conn.execute(sql, params).fetchall()


def _insert(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    cursor = conn.execute(sql, params)
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _execute(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> None:
    conn.execute(sql, params)


def _create_requester(conn: sqlite3.Connection, name: str, token_hash: bytes) -> Requester:
    created = now_text()
    cursor = conn.execute(q.INSERT_REQUESTER, (name, created))
    assert cursor.lastrowid is not None
    conn.execute(q.INSERT_TOKEN, (token_hash, cursor.lastrowid, created))
    return Requester(cursor.lastrowid, name)


def _replace_project(conn: sqlite3.Connection, requester_id: int, project_id: int,
                     status: str, body: bytes, operation: OperationRecord | None) -> None:
    conn.execute(q.REPLACE_PROJECT, (status, body, project_id, requester_id))
    conn.execute(q.BUMP_PROJECT_POOLS, (project_id,))
    if operation is not None:
        _insert_operation(conn, operation, None)


def _replace_pool(conn: sqlite3.Connection, requester_id: int, pool_id: int,
                  status: str, body: bytes, operation: OperationRecord | None) -> None:
    started = now_text() if status == "OPEN" else None
    changes_rules = operation is None or operation.type == "POOL.ARCHIVE"
    conn.execute(q.REPLACE_POOL, (status, body, started, int(changes_rules), pool_id, requester_id))
    if operation is not None:
        _insert_operation(conn, operation, None)


def _find_bodies(conn: sqlite3.Connection, table: str, columns: dict[str, str], requester_id: int,
                 search: Search) -> tuple[list[bytes], bool]:
    where, order, params = render(search, columns, "?")
    sql = (f"SELECT id, body FROM {table} WHERE requester_id = ? AND {where} "
           f"ORDER BY {order or 'id'} LIMIT ?")
    rows = conn.execute(sql, [requester_id, *params, search.limit + 1]).fetchall()
    return [with_id(str(row[0]), row[1]) for row in rows[:search.limit]], len(rows) > search.limit


def _find_tasks(conn: sqlite3.Connection, table: str, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
    where, order, params = render(search, TASK_COLUMNS, "?")
    pool_id = search.equals.get("pool_id")
    if pool_id is not None:
        owned = conn.execute(q.POOL_OWNER, (pool_id, requester_id)).fetchone()
        if owned is None:
            return [], False
        scope, scope_params = "", []
    else:
        scope, scope_params = "pool_id IN (SELECT id FROM pools WHERE requester_id = ?) AND ", [requester_id]
    sql = (f"SELECT pool_id, seq, body FROM {table} WHERE {scope}{where} "
           f"ORDER BY {order or 'pool_id, seq'} LIMIT ?")
    rows = conn.execute(sql, [*scope_params, *params, search.limit + 1]).fetchall()
    task_id = ids.task_id
    items = [with_id(task_id(pool, seq), body) for pool, seq, body in rows[:search.limit]]
    return items, len(rows) > search.limit


def _pool_rule_rows(conn: sqlite3.Connection, requester_id: int, pool_ids: list[int]) -> list[Any]:
    if not pool_ids:
        return []
    slots = ", ".join("?" for _ in pool_ids)
    return conn.execute(q.POOL_RULES.format(slots=slots), [requester_id, *pool_ids]).fetchall()


def _insert_operation(conn: sqlite3.Connection, record: OperationRecord,
                      payload: bytes | None) -> OperationRecord:
    try:
        cursor = conn.execute(q.INSERT_OPERATION, (
            record.id, record.requester_id, record.type, record.status, int(record.is_sync), record.digest,
            record.submitted, record.started, record.finished, record.progress, record.cursor,
            record.parameters, record.details, payload))
    except sqlite3.IntegrityError:
        existing = conn.execute(q.GET_OPERATION, (record.requester_id, record.id)).fetchone()
        raise OperationExists(_operation(existing)) from None
    assert cursor.lastrowid is not None
    record.no = cursor.lastrowid
    return record


def _write_batch(conn: sqlite3.Connection, batch: BatchWrite) -> int:
    _check_revisions(conn, batch.requester_id, batch.revisions)
    record = batch.operation
    if record.no == 0:
        _insert_operation(conn, record, batch.payload)
    rows = batch.rows
    first = last = None
    if rows:
        conn.executemany(q.INSERT_TASK.format(table=batch.table, op_no=int(record.no)), rows)
        last = conn.execute(q.LAST_ROWID).fetchone()[0]
        first = last - len(rows) + 1
    count_column = "task_count" if batch.table == "tasks" else "suite_count"
    for pool_id, (total, golden) in batch.counts.items():
        conn.execute(q.ADD_POOL_COUNTS.format(column=count_column), (total, golden, pool_id))
    if batch.errors:
        conn.executemany(q.INSERT_OPERATION_ERROR, [
            (record.no, idx, item, _encode(errors)) for idx, (item, errors) in batch.errors.items()])
    if batch.open_pools and batch.final:
        for pool_id in batch.revisions:
            _open_if_filled(conn, pool_id)
    advanced = conn.execute(q.ADVANCE_OPERATION, (
        record.status, record.started, record.finished, record.progress, record.cursor, record.details,
        first, last, batch.lease_until, record.no, batch.lease_owner))
    if advanced.rowcount != 1:
        raise LeaseLost(record.id)
    if batch.final:
        conn.execute(q.DROP_PAYLOAD, (record.no,))
    return first or 0


def _open_if_filled(conn: sqlite3.Connection, pool_id: int) -> None:
    row = conn.execute(q.CLOSED_FILLED_POOL, (pool_id,)).fetchone()
    if row is not None:
        now = now_text()
        conn.execute(q.SET_POOL_STATUS, ("OPEN", pool_body_with_status(row[0], "OPEN", now), now, pool_id))


def _check_revisions(conn: sqlite3.Connection, requester_id: int, revisions: dict[int, int]) -> None:
    if not revisions:
        return
    slots = ", ".join("?" for _ in revisions)
    current = dict(conn.execute(q.POOL_REVISIONS.format(slots=slots), [requester_id, *revisions]).fetchall())
    for pool_id, revision in revisions.items():
        if current.get(pool_id, -1) != revision:
            raise StaleRules(pool_id)


def _fail_operation(conn: sqlite3.Connection, op_no: int, details: bytes,
                    errors: dict[int, tuple[bytes, FieldErrors]], lease_owner: str) -> None:
    if conn.execute(q.FAIL_OPERATION, (now_text(), details, op_no, lease_owner)).rowcount != 1:
        raise LeaseLost(op_no)
    conn.executemany(q.INSERT_OPERATION_ERROR, [
        (op_no, idx, item, _encode(found)) for idx, (item, found) in errors.items()])


def _claim_operation(conn: sqlite3.Connection, owner: str, now: float, until: float) -> OperationRecord | None:
    claimed = conn.execute(q.CLAIM_OPERATION, (owner, until, now)).fetchone()
    if claimed is None:
        return None
    return _operation(conn.execute(q.OPERATION_BY_NO, (claimed[0],)).fetchone())


def _find_operations(conn: sqlite3.Connection, requester_id: int,
                     search: Search) -> tuple[list[OperationRecord], bool]:
    where, order, params = render(search, OPERATION_COLUMNS, "?")
    sql = f"{q.OPERATION_SELECT} WHERE requester_id = ? AND {where} ORDER BY {order or 'no'} LIMIT ?"
    rows = conn.execute(sql, [requester_id, *params, search.limit + 1]).fetchall()
    return [_operation(row) for row in rows[:search.limit]], len(rows) > search.limit


def _operation_items(conn: sqlite3.Connection, op_no: int) -> BatchResult:
    row = conn.execute(q.OPERATION_RANGE, (op_no,)).fetchone()
    result = BatchResult(op_no)
    if row is None or row[1] is None:
        return result
    op_type, seq_from, seq_to = row
    kind_table = "task_suites" if op_type.startswith("TASK_SUITE") else "tasks"
    task_id = ids.task_id
    for item_idx, pool_id, seq, body in conn.execute(
            q.OPERATION_TASKS.format(table=kind_table), (seq_from, seq_to, op_no)):
        result.created.append((item_idx, task_id(pool_id, seq), body))
    return result


def _operation_log(conn: sqlite3.Connection, requester_id: int, operation_id: str) -> bytes | None:
    row = conn.execute(q.GET_OPERATION, (requester_id, operation_id)).fetchone()
    if row is None:
        return None
    record = _operation(row)
    if not record.type.endswith("BATCH_CREATE"):
        return b"[]"
    suites = record.type.startswith("TASK_SUITE")
    items: list[tuple[int, bytes]] = []
    for item_idx, object_id, body in _operation_items(conn, record.no).created:
        items.append((item_idx, log_item_created(item_idx, object_id, body, suites=suites)))
    for item_idx, item, errors in conn.execute(q.OPERATION_ERRORS, (record.no,)):
        items.append((item_idx, log_item_failed(item_idx, item, errors, suites=suites)))
    items.sort(key=lambda pair: pair[0])
    return b"[" + b",".join(entry for _, entry in items) + b"]"


