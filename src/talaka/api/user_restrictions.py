"""User restrictions: keep a performer out of all the requester's projects, one project or one pool;
set (an upsert: one restriction per performer, scope and target, so a second PUT keeps the id), read,
found and lifted.

Quality-control rules write restrictions with the same upsert (`store.users.upsert_restriction`), and
a take reads them in its own transaction, so a restriction set here applies to the next take.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import json_bytes, read_object, resource, validation_error
from talaka.api.objects import deleter, finder, getter, known_performer, path_id
from talaka.api.search_params import USER_RESTRICTIONS
from talaka.core.timefmt import now_text
from talaka.core.users import check_restriction, missing
from talaka.store.base import Requester


async def _target_owned(api: Api, requester: Requester, scope: str, target: str) -> bool:
    if scope == "PROJECT":
        return await api.store.get_project(requester.id, path_id(target)) is not None
    return await api.store.get_pool(requester.id, path_id(target)) is not None


async def set_user_restriction(request: Request) -> Response:
    api, requester = await authorized(request)
    body = await read_object(request, api.settings.max_body_bytes, "user restriction")
    wanted, errors = check_restriction(body)
    performer_no = await known_performer(api, requester, wanted.user_id, errors)
    field = wanted.target_field
    if field is not None and wanted.target is not None \
            and not await _target_owned(api, requester, wanted.scope, wanted.target):
        errors[field] = missing(field.removesuffix("_id"))
    if errors:
        raise validation_error(errors, "user restriction")
    assert performer_no is not None
    target = path_id(wanted.target) if wanted.target is not None else 0
    return json_bytes(await api.store.put_restriction(requester.id, performer_no, wanted.scope, target,
                                                      wanted.will_expire, wanted.private_comment, now_text()))


routes = [
    resource("/user-restrictions", PUT=set_user_restriction,
             GET=finder(USER_RESTRICTIONS, lambda store: store.find_restrictions)),
    resource("/user-restrictions/{user_restriction_id}",
             GET=getter("user restriction", lambda store: store.get_restriction),
             DELETE=deleter("user restriction", lambda store: store.delete_restriction)),
]
