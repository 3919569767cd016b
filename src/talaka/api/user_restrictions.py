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
from talaka.api.http import json_bytes, no_content, page, read_object, resource, validation_error
from talaka.api.objects import path_id
from talaka.api.operations import not_found
from talaka.api.search_params import USER_RESTRICTIONS, parse_search
from talaka.core.timefmt import now_text
from talaka.core.users import check_restriction, missing, unknown_performer
from talaka.store.base import Requester


async def _target_owned(api: Api, requester: Requester, scope: str, target: str) -> bool:
    if scope == "PROJECT":
        return await api.store.get_project(requester.id, path_id(target)) is not None
    return await api.store.get_pool(requester.id, path_id(target)) is not None


async def set_user_restriction(request: Request) -> Response:
    api, requester = await authorized(request)
    body = await read_object(request, api.settings.max_body_bytes, "user restriction")
    wanted, errors = check_restriction(body)
    performer_no = None
    if wanted.user_id is not None:
        performer_no = (await api.store.known_performers(requester.id, {wanted.user_id})).get(wanted.user_id)
        if performer_no is None:
            errors["user_id"] = unknown_performer()
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


async def get_user_restriction(request: Request) -> Response:
    api, requester = await authorized(request)
    raw_id = request.path_params["user_restriction_id"]
    answer = await api.store.get_restriction(requester.id, path_id(raw_id))
    if answer is None:
        raise not_found("user restriction", raw_id)
    return json_bytes(answer)


async def find_user_restrictions(request: Request) -> Response:
    api, requester = await authorized(request, None)
    search = parse_search(request.query_params, USER_RESTRICTIONS)
    items, has_more = await api.store.find_restrictions(requester.id, search)
    return page(items, has_more)


async def delete_user_restriction(request: Request) -> Response:
    api, requester = await authorized(request)
    raw_id = request.path_params["user_restriction_id"]
    if not await api.store.delete_restriction(requester.id, path_id(raw_id)):
        raise not_found("user restriction", raw_id)
    return no_content()


routes = [
    resource("/user-restrictions", PUT=set_user_restriction, GET=find_user_restrictions),
    resource("/user-restrictions/{user_restriction_id}", GET=get_user_restriction,
             DELETE=delete_user_restriction),
]
