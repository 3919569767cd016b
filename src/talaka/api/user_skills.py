"""User skills: a performer's value of one of the requester's skills, set (an upsert), read, found and
removed.

The skill must be the requester's and the performer one it may see (`GET /v1/user-metadata` decides
the same way: one it created, or who worked in its pools); anything else is a `VALIDATION_ERROR` of
that field, `ENTITY_DOES_NOT_EXIST`, whether or not the id exists for someone else.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import authorized
from talaka.api.http import json_bytes, read_object, resource, validation_error
from talaka.api.objects import deleter, finder, getter, known_performer, path_id
from talaka.api.search_params import USER_SKILLS
from talaka.core.timefmt import now_text
from talaka.core.users import check_user_skill, missing


async def set_user_skill(request: Request) -> Response:
    api, requester = await authorized(request)
    wanted, errors = check_user_skill(await read_object(request, api.settings.max_body_bytes, "user skill"))
    performer_no = await known_performer(api, requester, wanted.user_id, errors)
    skill_id = path_id(wanted.skill_id) if wanted.skill_id is not None else None
    if skill_id is not None and await api.store.get_skill(requester.id, skill_id) is None:
        errors["skill_id"] = missing("skill")
    if errors:
        raise validation_error(errors, "user skill")
    assert skill_id is not None and performer_no is not None
    answer = await api.store.put_user_skill(requester.id, skill_id, performer_no, wanted.value, now_text())
    if answer is None:
        raise validation_error({"skill_id": missing("skill")}, "user skill")
    return json_bytes(answer)


routes = [
    resource("/user-skills", PUT=set_user_skill,
             GET=finder(USER_SKILLS, lambda store: store.find_user_skills)),
    resource("/user-skills/{user_skill_id}", GET=getter("user skill", lambda store: store.get_user_skill),
             DELETE=deleter("user skill", lambda store: store.delete_user_skill)),
]
