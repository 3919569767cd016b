"""The requester's users in the store: skills, user skills, restrictions and bonuses.

A Protocol with its methods written out over the functions in `users`, so that `Store` lists
them and `SqlStore` inherits them (like `WorkStore`). Reads hand back JSON ready to answer with;
every id is looked up together with the requester, so another requester's object is never found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from talaka.core.bonuses import BonusRow, References, bonus_id
from talaka.core.errors import FieldErrors
from talaka.core.stored import with_id
from talaka.core.users import restriction_json, user_skill_json
from talaka.store import users
from talaka.store.dbapi import fetch_one
from talaka.store.search import Search

if TYPE_CHECKING:
    from talaka.store.base import OperationRecord
    from talaka.store.dbapi import Dialect, Engine

SKILL_COLUMNS = {"id": "id", "created": "created", "name": "name"}
USER_SKILL_COLUMNS = {"id": "us.id", "created": "us.created", "modified": "us.modified",
                      "skill_id": "us.skill_id", "user_id": "p.id"}
RESTRICTION_COLUMNS = {"id": "r.id", "created": "r.created", "scope": "r.scope", "user_id": "p.id",
                       "project_id": "CASE WHEN r.scope = 'PROJECT' THEN r.target END",
                       "pool_id": "CASE WHEN r.scope = 'POOL' THEN r.target END"}
BONUS_COLUMNS = {"id": "b.id", "created": "b.created", "user_id": "p.id",
                 "assignment_id": "(a.pool_id, b.assignment_seq)"}


class UserStore(Protocol):
    engine: Engine
    d: Dialect

    async def known_performers(self, requester_id: int, user_ids: set[str]) -> dict[str, int]:
        """Performer numbers by id, of those ids that name performers this requester may see."""
        if not user_ids:
            return {}
        return await self.engine.read(users.known_performers, self.d, requester_id, user_ids)

    async def bonus_references(self, requester_id: int, user_ids: set[str], seqs: set[int]) -> References:
        performers = await self.known_performers(requester_id, user_ids)
        assignments = await self.engine.read(users.owned_assignments, self.d, requester_id, seqs) if seqs else {}
        return References(performers, assignments)

    # Skills.

    async def create_skill(self, requester_id: int, name: str, body: bytes, created: str) -> int:
        row = await self.engine.write(fetch_one, self.d.u.INSERT_SKILL, (requester_id, name, created, body))
        return int(row[0])

    async def get_skill(self, requester_id: int, skill_id: int) -> bytes | None:
        """The skill's stored body (without its id), if it is the requester's."""
        row = await self.engine.read(fetch_one, self.d.u.GET_SKILL, (skill_id, requester_id))
        return bytes(row[1]) if row else None

    async def replace_skill(self, requester_id: int, skill_id: int, name: str, body: bytes) -> None:
        await self.engine.write(users.changed, self.d.u.REPLACE_SKILL,
                                (name, body, skill_id, requester_id))

    async def find_skills(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        rows, more = await self.engine.read(users.find_rows, self.d, self.d.u.FIND_SKILLS, SKILL_COLUMNS,
                                            requester_id, search)
        return [with_id(str(skill_id), bytes(body)) for skill_id, body in rows], more

    # User skills.

    async def put_user_skill(self, requester_id: int, skill_id: int, performer_no: int, value: float,
                             now: str) -> bytes | None:
        """The `UserSkill` as set, or None when the skill is not the requester's."""
        row = await self.engine.write(users.put_user_skill, self.d, requester_id, skill_id, performer_no, value,
                                      now)
        return user_skill_json(row) if row else None

    async def get_user_skill(self, requester_id: int, user_skill_id: int) -> bytes | None:
        row = await self.engine.read(fetch_one, self.d.u.GET_USER_SKILL, (user_skill_id, requester_id))
        return user_skill_json(row) if row else None

    async def find_user_skills(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        rows, more = await self.engine.read(users.find_rows, self.d, self.d.u.FIND_USER_SKILLS,
                                            USER_SKILL_COLUMNS, requester_id, search)
        return [user_skill_json(row) for row in rows], more

    async def delete_user_skill(self, requester_id: int, user_skill_id: int) -> bool:
        return await self.engine.write(users.changed, self.d.u.DELETE_USER_SKILL,
                                       (user_skill_id, requester_id))

    # Restrictions.

    async def put_restriction(self, requester_id: int, performer_no: int, scope: str, target: int,
                              will_expire: str | None, private_comment: str | None, now: str) -> bytes:
        row = await self.engine.write(users.put_restriction, self.d, requester_id, performer_no, scope, target,
                                      will_expire, private_comment, now)
        return restriction_json(row)

    async def get_restriction(self, requester_id: int, restriction_id: int) -> bytes | None:
        row = await self.engine.read(fetch_one, self.d.u.GET_RESTRICTION, (restriction_id, requester_id))
        return restriction_json(row) if row else None

    async def find_restrictions(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        rows, more = await self.engine.read(users.find_rows, self.d, self.d.u.FIND_RESTRICTIONS,
                                            RESTRICTION_COLUMNS, requester_id, search)
        return [restriction_json(row) for row in rows], more

    async def delete_restriction(self, requester_id: int, restriction_id: int) -> bool:
        return await self.engine.write(users.changed, self.d.u.DELETE_RESTRICTION,
                                       (restriction_id, requester_id))

    # Bonuses.

    async def create_bonuses(self, record: OperationRecord, rows: list[BonusRow],
                             errors: dict[int, tuple[bytes, FieldErrors]]) -> int | None:
        """Write a bonus operation with its bonuses; None when its operation id is taken (nothing written)."""
        return await self.engine.write(users.create_bonuses, self.d, record, rows, errors)

    async def bonus_outcome(self, record: OperationRecord) -> users.Outcome:
        return await self.engine.read(users.bonus_outcome, self.d, record)

    async def get_bonus(self, requester_id: int, number: int) -> bytes | None:
        row = await self.engine.read(fetch_one, self.d.u.GET_BONUS, (number, requester_id))
        return with_id(bonus_id(row[0]), bytes(row[1])) if row else None

    async def find_bonuses(self, requester_id: int, search: Search) -> tuple[list[bytes], bool]:
        columns = BONUS_COLUMNS | {"private_comment": self.d.u.BONUS_COMMENT}
        rows, more = await self.engine.read(users.find_rows, self.d, self.d.u.FIND_BONUSES, columns,
                                            requester_id, search)
        return [with_id(bonus_id(number), bytes(body)) for number, body in rows], more
