"""Skills, user skills, restrictions and bonuses on a connection.

The first functions run inside a caller's transaction (a take, a submit, a review, or the request of
`/v1/user-restrictions` and `/v1/user-skills`), so that a ban a rule sets is visible to the
performer's next take in any server process. The rest are the requester API's reads and writes,
each a transaction of its own, run by `talaka.store.user_store`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec

from talaka.core.bonuses import BonusRow, bonus_id, log_item_persisted, log_item_refused
from talaka.core.errors import FieldErrors
from talaka.core.users import TARGET_FIELDS
from talaka.store.dbapi import Connection, Dialect, slots
from talaka.store.search import Search, render

if TYPE_CHECKING:
    from talaka.store.base import OperationRecord

SCOPES_WITH_TARGET = TARGET_FIELDS
_encode = msgspec.json.encode


def upsert_restriction(conn: Connection, d: Dialect, requester_id: int, performer_no: int, scope: str, target: int,
                       will_expire: str | None, private_comment: str | None, now: str) -> int:
    """The one restriction of this performer for this scope and target, created or replaced."""
    row = conn.execute(d.u.UPSERT_RESTRICTION, (requester_id, performer_no, scope, target, now, will_expire,
                                                private_comment)).fetchone()
    return int(row[0])


def active_restriction(conn: Connection, d: Dialect, requester_id: int, performer_no: int, scope: str, target: int,
                       now: str) -> int | None:
    """The id of the performer's restriction for exactly this scope and target, if it is in force."""
    row = conn.execute(d.u.ACTIVE_RESTRICTION, (performer_no, requester_id, scope, target, now)).fetchone()
    return int(row[0]) if row is not None else None


def restricted(conn: Connection, d: Dialect, performer_no: int, requester_id: int, project_id: int, pool_id: int,
               now: str) -> str | None:
    """The scope of a restriction in force that keeps the performer out of this pool, if any."""
    row = conn.execute(d.u.RESTRICTED, (performer_no, requester_id, project_id, pool_id, now)).fetchone()
    return str(row[0]) if row is not None else None


def set_user_skill(conn: Connection, d: Dialect, skill_id: int, performer_no: int, value: float, now: str) -> int:
    row = conn.execute(d.u.UPSERT_USER_SKILL, (skill_id, performer_no, value, now, now)).fetchone()
    return int(row[0])


def skill_values(conn: Connection, d: Dialect, performer_no: int, skill_ids: Iterable[int]) -> dict[str, float]:
    """The performer's values of these skills, keyed by the skill's id as the filters write it."""
    wanted = sorted(set(skill_ids))
    if not wanted:
        return {}
    rows = conn.execute(d.u.SKILL_VALUES.format(slots=slots(d, len(wanted))), (performer_no, *wanted)).fetchall()
    return {str(skill_id): float(value) for skill_id, value in rows}


# The requester API's reads and writes.

LOOKUP_CHUNK = 500
"""Ids per `IN (...)` list: well under SQLite's limit on bound parameters."""


def known_performers(conn: Connection, d: Dialect, requester_id: int, user_ids: Iterable[str]) -> dict[str, int]:
    """The numbers of those performers the requester created or had work from, by id."""
    wanted = sorted(set(user_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        part = wanted[start:start + LOOKUP_CHUNK]
        rows = conn.execute(d.u.KNOWN_PERFORMERS.format(slots=slots(d, len(part))), (*part, requester_id,
                                                                                      requester_id))
        found.update((str(user_id), int(no)) for user_id, no in rows.fetchall())
    return found


def owned_assignments(conn: Connection, d: Dialect, requester_id: int,
                      seqs: Iterable[int]) -> dict[int, tuple[int, int]]:
    """`seq -> (pool id, performer no)` of those assignments that are in the requester's pools."""
    wanted = sorted(set(seqs))
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        part = wanted[start:start + LOOKUP_CHUNK]
        rows = conn.execute(d.u.OWNED_ASSIGNMENTS.format(slots=slots(d, len(part))), (*part, requester_id))
        found.update((int(seq), (int(pool_id), int(no))) for seq, pool_id, no in rows.fetchall())
    return found


def find_rows(conn: Connection, d: Dialect, statement: str, columns: dict[str, str], requester_id: int,
              search: Search) -> tuple[list[Any], bool]:
    """One page of a `FIND_*` statement: the rows (at most `search.limit`) and whether more match."""
    where, order, params = render(search, columns, d.placeholder)
    sql = statement.format(where=where, order=order or columns["id"])
    rows = conn.execute(sql, [requester_id, *params, search.limit + 1]).fetchall()
    return rows[:search.limit], len(rows) > search.limit


def put_user_skill(conn: Connection, d: Dialect, requester_id: int, skill_id: int, performer_no: int,
                   value: float, now: str) -> Any:
    """Set the performer's value of one of the requester's skills; the row as read back, or None when
    the skill is not the requester's."""
    owner = conn.execute(d.u.SKILL_OWNER, (skill_id,)).fetchone()
    if owner is None or int(owner[0]) != requester_id:
        return None
    user_skill_id = set_user_skill(conn, d, skill_id, performer_no, value, now)
    return conn.execute(d.u.GET_USER_SKILL, (user_skill_id, requester_id)).fetchone()


def put_restriction(conn: Connection, d: Dialect, requester_id: int, performer_no: int, scope: str, target: int,
                    will_expire: str | None, private_comment: str | None, now: str) -> Any:
    """The restriction created or replaced (the same id for the same performer, scope and target), read back."""
    restriction_id = upsert_restriction(conn, d, requester_id, performer_no, scope, target, will_expire,
                                        private_comment, now)
    return conn.execute(d.u.GET_RESTRICTION, (restriction_id, requester_id)).fetchone()


def changed(conn: Connection, statement: str, params: tuple[Any, ...]) -> bool:
    """Run an UPDATE or a DELETE; whether it touched a row."""
    return bool(conn.execute(statement, params).rowcount)


def create_bonuses(conn: Connection, d: Dialect, record: OperationRecord, rows: list[BonusRow],
                   errors: dict[int, tuple[bytes, FieldErrors]]) -> int | None:
    """The operation, its bonuses and its refused items in one transaction; the operation's number, or
    None when the requester already has an operation with this id (nothing is written then).

    The bonuses get consecutive ids (see `LOCK_BONUSES`), which the operation keeps as its range: its
    log pairs them, in order, with the items that were not refused.
    """
    if d.u.LOCK_BONUSES:
        conn.execute(d.u.LOCK_BONUSES)
    inserted = conn.execute(d.q.INSERT_OPERATION, (
        record.id, record.requester_id, record.type, record.status, int(record.is_sync), record.digest,
        record.submitted, record.started, record.finished, record.progress, record.cursor,
        d.json(record.parameters), d.json(record.details), None)).fetchone()
    if inserted is None:
        return None
    op_no = int(inserted[0])
    ids = [int(conn.execute(d.u.INSERT_BONUS, (record.requester_id, *row)).fetchone()[0]) for row in rows]
    if ids:
        assert ids == list(range(ids[0], ids[0] + len(ids))), "a batch's bonus ids are consecutive"
        conn.execute(d.u.SET_BONUS_RANGE, (ids[0], ids[-1], op_no))
    if errors:
        conn.cursor().executemany(d.q.INSERT_OPERATION_ERROR, [
            (op_no, idx, d.json(item), d.json(_encode(found))) for idx, (item, found) in errors.items()])
    return op_no


Outcome = tuple[list[tuple[int, str, bytes]], dict[int, tuple[bytes, bytes]]]
"""What a bonus operation did: `(item index, bonus id, stored body)` of each bonus it created, and
`index -> (the item as sent, its problems)` of each refused item (both JSON)."""


def bonus_outcome(conn: Connection, d: Dialect, record: OperationRecord) -> Outcome:
    refused = {int(idx): (bytes(item), bytes(found))
               for idx, item, found in conn.execute(d.q.OPERATION_ERRORS, (record.no,)).fetchall()}
    created: list[tuple[int, str, bytes]] = []
    _, seq_from, seq_to = conn.execute(d.q.OPERATION_RANGE, (record.no,)).fetchone()
    if seq_from is not None:
        total = int(msgspec.json.decode(record.details)["total_count"])
        positions = [idx for idx in range(total) if idx not in refused]
        rows = conn.execute(d.u.BONUSES_IN_RANGE, (seq_from, seq_to, record.requester_id)).fetchall()
        created = [(idx, bonus_id(number), bytes(body)) for idx, (number, body) in zip(positions, rows, strict=True)]
    return created, refused


def bonus_log(conn: Connection, d: Dialect, record: OperationRecord) -> bytes:
    """`GET /v1/operations/{id}/log` of a `USER_BONUS.BATCH_CREATE`: each item by index, created or refused."""
    created, refused = bonus_outcome(conn, d, record)
    items = [(idx, log_item_persisted(idx, object_id, body)) for idx, object_id, body in created]
    items += [(idx, log_item_refused(idx, item, found)) for idx, (item, found) in refused.items()]
    return b"[" + b",".join(entry for _, entry in sorted(items)) + b"]"
