"""Skills: create, get, find and update the requester's skills (a training's skill is listed too).

A skill is stored as the client's JSON (`owner`, `created` and `training` set by the server), like a
pool; its `name` is also a column, which `GET /v1/skills?name=` matches exactly (tutorials look a
skill up by name before creating it).
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import json_bytes, read_checked, resource
from talaka.api.objects import finder, path_id
from talaka.api.operations import not_found
from talaka.api.search_params import SKILLS
from talaka.core.stored import with_id
from talaka.core.timefmt import now_text
from talaka.core.users import check_skill, stored_skill, updated_skill
from talaka.store.base import Requester

_encode = msgspec.json.encode


async def _skill(api: Api, requester: Requester, raw_id: str) -> tuple[int, bytes]:
    skill_id = path_id(raw_id)
    body = await api.store.get_skill(requester.id, skill_id)
    if body is None:
        raise not_found("skill", raw_id)
    return skill_id, body


async def create_skill(request: Request) -> Response:
    api, requester = await authorized(request)
    body = await read_checked(request, api.settings.max_body_bytes, "skill", check_skill)
    created = now_text()
    stored = _encode(stored_skill(body, requester_id=requester.id, created=created))
    skill_id = await api.store.create_skill(requester.id, body["name"], stored, created)
    return json_bytes(with_id(str(skill_id), stored), 201)


async def get_skill(request: Request) -> Response:
    api, requester = await authorized(request)
    skill_id, body = await _skill(api, requester, request.path_params["skill_id"])
    return json_bytes(with_id(str(skill_id), body))


async def update_skill(request: Request) -> Response:
    api, requester = await authorized(request)
    skill_id, old = await _skill(api, requester, request.path_params["skill_id"])
    body = await read_checked(request, api.settings.max_body_bytes, "skill", check_skill)
    stored = _encode(updated_skill(msgspec.json.decode(old), body))
    await api.store.replace_skill(requester.id, skill_id, body["name"], stored)
    return json_bytes(with_id(str(skill_id), stored))


routes = [
    resource("/skills", POST=create_skill, GET=finder(SKILLS, lambda store: store.find_skills)),
    resource("/skills/{skill_id}", GET=get_skill, PUT=update_skill),
]
