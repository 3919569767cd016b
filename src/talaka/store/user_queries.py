"""SQL of the requester's users: skills, user skills, restrictions and bonuses, written once with `?`.

Rendered per dialect like `talaka.store.queries.Queries`. Quality-control rules write restrictions
and skills with the same upserts as `PUT /v1/user-restrictions` and `PUT /v1/user-skills`, inside
the transaction of the event that fired them.
"""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements

ACTIVE = "(will_expire IS NULL OR will_expire > ?)"


@dataclass(frozen=True)
class UserQueries(Statements):
    UPSERT_RESTRICTION: str = (
        "INSERT INTO user_restrictions (requester_id, performer_no, scope, target, created, will_expire, "
        "private_comment) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (performer_no, requester_id, scope, target) "
        "DO UPDATE SET will_expire = excluded.will_expire, private_comment = excluded.private_comment "
        "RETURNING id")
    ACTIVE_RESTRICTION: str = (
        "SELECT id, scope FROM user_restrictions WHERE performer_no = ? AND requester_id = ? "
        "AND scope = ? AND target = ? AND " + ACTIVE)
    RESTRICTED: str = (
        "SELECT scope FROM user_restrictions WHERE performer_no = ? AND requester_id = ? "
        "AND ((scope = 'ALL_PROJECTS' AND target = 0) OR (scope = 'PROJECT' AND target = ?) "
        "OR (scope = 'POOL' AND target = ?)) AND " + ACTIVE + " LIMIT 1")
    UPSERT_USER_SKILL: str = (
        "INSERT INTO user_skills (skill_id, performer_no, value, created, modified) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (performer_no, skill_id) DO UPDATE SET value = excluded.value, modified = excluded.modified "
        "RETURNING id")
    SKILL_VALUES: str = "SELECT skill_id, value FROM user_skills WHERE performer_no = ? AND skill_id IN ({slots})"
    SKILL_OWNER: str = "SELECT requester_id FROM skills WHERE id = ?"


SQLITE = UserQueries().for_dialect("?")
POSTGRES = UserQueries().for_dialect("%s")
