"""Restrictions and user skills on a connection: what a take checks and what rules write.

Functions here run inside a caller's transaction (a take, a submit, a review, or the request of
`/v1/user-restrictions` and `/v1/user-skills`), so that a ban a rule sets is visible to the
performer's next take in any server process.
"""

from __future__ import annotations

from collections.abc import Iterable

from talaka.store.dbapi import Connection, Dialect, slots

SCOPES_WITH_TARGET = {"POOL": "pool_id", "PROJECT": "project_id"}


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
