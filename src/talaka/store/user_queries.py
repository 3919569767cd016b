"""SQL of the requester's users: skills, user skills, restrictions and bonuses, written once with `?`.

Rendered per dialect like `talaka.store.queries.Queries`. Quality-control rules write restrictions
and skills with the same upserts as `PUT /v1/user-restrictions` and `PUT /v1/user-skills`, inside
the transaction of the event that fired them. Format fields: `{slots}` a list of placeholders;
`{where}` and `{order}` a search rendered by `talaka.store.search.render` over the columns that
`talaka.store.user_store` whitelists.
"""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements

ACTIVE = "(will_expire IS NULL OR will_expire > ?)"
USER_SKILL_SELECT = ("SELECT us.id, us.skill_id, p.id, us.value, us.created, us.modified FROM user_skills AS us "
                     "JOIN skills AS s ON s.id = us.skill_id JOIN performers AS p ON p.no = us.performer_no")
RESTRICTION_SELECT = ("SELECT r.id, r.scope, p.id, r.target, r.created, r.will_expire, r.private_comment "
                      "FROM user_restrictions AS r JOIN performers AS p ON p.no = r.performer_no")


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

    KNOWN_PERFORMERS: str = (
        "SELECT p.id, p.no FROM performers AS p WHERE p.id IN ({slots}) AND (p.created_by = ? OR EXISTS "
        "(SELECT 1 FROM assignments AS a JOIN pools ON pools.id = a.pool_id WHERE a.performer_no = p.no "
        "AND pools.requester_id = ?))")
    """`PERFORMER_KNOWN_TO` (the rule of `GET /v1/user-metadata`) for many ids at once."""
    OWNED_ASSIGNMENTS: str = ("SELECT a.seq, a.pool_id, a.performer_no FROM assignments AS a "
                              "JOIN pools ON pools.id = a.pool_id WHERE a.seq IN ({slots}) AND pools.requester_id = ?")

    INSERT_SKILL: str = "INSERT INTO skills (requester_id, name, created, body) VALUES (?, ?, ?, ?) RETURNING id"
    GET_SKILL: str = "SELECT id, body FROM skills WHERE id = ? AND requester_id = ?"
    REPLACE_SKILL: str = "UPDATE skills SET name = ?, body = ? WHERE id = ? AND requester_id = ?"
    FIND_SKILLS: str = "SELECT id, body FROM skills WHERE requester_id = ? AND {where} ORDER BY {order} LIMIT ?"

    GET_USER_SKILL: str = USER_SKILL_SELECT + " WHERE us.id = ? AND s.requester_id = ?"
    FIND_USER_SKILLS: str = USER_SKILL_SELECT + " WHERE s.requester_id = ? AND {where} ORDER BY {order} LIMIT ?"
    DELETE_USER_SKILL: str = ("DELETE FROM user_skills WHERE id = ? "
                              "AND skill_id IN (SELECT id FROM skills WHERE requester_id = ?)")

    GET_RESTRICTION: str = RESTRICTION_SELECT + " WHERE r.id = ? AND r.requester_id = ?"
    FIND_RESTRICTIONS: str = RESTRICTION_SELECT + " WHERE r.requester_id = ? AND {where} ORDER BY {order} LIMIT ?"
    DELETE_RESTRICTION: str = "DELETE FROM user_restrictions WHERE id = ? AND requester_id = ?"

    LOCK_BONUSES: str = ""
    """Nothing on SQLite, whose one writer already runs batches one after another. PostgreSQL locks the
    table against other writers for the transaction, so that one batch's ids are consecutive and its
    operation can name them by range (`operations.seq_from` and `seq_to`)."""
    INSERT_BONUS: str = ("INSERT INTO user_bonuses (requester_id, performer_no, assignment_seq, amount, created, "
                         "body) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
    SET_BONUS_RANGE: str = "UPDATE operations SET seq_from = ?, seq_to = ? WHERE no = ?"
    BONUSES_IN_RANGE: str = ("SELECT id, body FROM user_bonuses WHERE id BETWEEN ? AND ? AND requester_id = ? "
                             "ORDER BY id")
    GET_BONUS: str = "SELECT id, body FROM user_bonuses WHERE id = ? AND requester_id = ?"
    FIND_BONUSES: str = ("SELECT b.id, b.body FROM user_bonuses AS b JOIN performers AS p ON p.no = b.performer_no "
                         "LEFT JOIN assignments AS a ON a.seq = b.assignment_seq "
                         "WHERE b.requester_id = ? AND {where} ORDER BY {order} LIMIT ?")
    BONUS_COMMENT: str = "json_extract(CAST(b.body AS TEXT), '$.private_comment')"
    """The expression a search by `private_comment` compares (the comment is only in the body)."""


SQLITE = UserQueries().for_dialect("?")
POSTGRES = UserQueries().for_dialect(
    "%s", LOCK_BONUSES="LOCK TABLE user_bonuses IN SHARE ROW EXCLUSIVE MODE",
    BONUS_COMMENT="(convert_from(b.body, 'UTF8')::jsonb ->> 'private_comment')")
