"""Pieces the resource routes share: status-change operations, id lookups, and the handlers that read,
find and delete an object the store keeps as its wire JSON (the same logic for every such resource)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import Handler, json_bytes, no_content, page
from talaka.api.operations import not_found
from talaka.api.search_params import Resource, parse_search
from talaka.core.errors import FieldErrors
from talaka.core.ids import new_operation_id, parse_numeric_id
from talaka.core.timefmt import now_text
from talaka.core.users import unknown_performer
from talaka.store.base import OperationRecord, Requester, Store
from talaka.store.search import Search

Find = Callable[[int, Search], Awaitable[tuple[list[bytes], bool]]]
"""A store's search of one resource: (requester, search) -> a page of wire JSON, and whether more match."""
Get = Callable[[int, int], Awaitable[bytes | None]]
"""A store's read of one object: (requester, id) -> its wire JSON, or None when it is not the requester's."""
Delete = Callable[[int, int], Awaitable[bool]]
"""A store's delete of one object: (requester, id) -> whether the requester had it."""


def finished_operation(requester_id: int, operation_type: str, parameters: object,
                       details: bytes = b"{}") -> OperationRecord:
    """Work done at once (a status change, analytics), recorded as the operation toloka-kit waits on."""
    now = now_text()
    return OperationRecord(no=0, id=new_operation_id(), requester_id=requester_id, type=operation_type,
                           status="SUCCESS", is_sync=False, digest=None, submitted=now, started=now,
                           finished=now, progress=100, cursor=0, parameters=msgspec.json.encode(parameters),
                           details=details)


def path_id(value: str) -> int:
    """A numeric id from the path; a malformed one is simply not found (-1 matches nothing)."""
    parsed = parse_numeric_id(value)
    return -1 if parsed is None else parsed


async def known_performer(api: Api, requester: Requester, user_id: str | None,
                          errors: FieldErrors) -> int | None:
    """The number of the performer `user_id` names if the requester may see them (one it created, or
    who worked in its pools); otherwise None, and an unknown one is an error of `user_id`."""
    if user_id is None:
        return None
    performer_no = (await api.store.known_performers(requester.id, {user_id})).get(user_id)
    if performer_no is None:
        errors["user_id"] = unknown_performer()
    return performer_no


def finder(resource: Resource, find: Callable[[Store], Find]) -> Handler:
    """`GET` of a collection: a page of the requester's objects that match the query's `resource`
    parameters, as `find` picks them from the store."""

    async def find_objects(request: Request) -> Response:
        api, requester = await authorized(request, None)
        items, has_more = await find(api.store)(requester.id, parse_search(request.query_params, resource))
        return page(items, has_more)

    return find_objects


def getter(kind: str, get: Callable[[Store], Get]) -> Handler:
    """`GET` of one object by the path's `{<kind>_id}` (`user skill`: `user_skill_id`); 404 when it is
    not the requester's."""
    param = f"{kind.replace(' ', '_')}_id"

    async def get_object(request: Request) -> Response:
        api, requester = await authorized(request)
        raw_id = request.path_params[param]
        answer = await get(api.store)(requester.id, path_id(raw_id))
        if answer is None:
            raise not_found(kind, raw_id)
        return json_bytes(answer)

    return get_object


def deleter(kind: str, delete: Callable[[Store], Delete]) -> Handler:
    """`DELETE` of one object by the path's `{<kind>_id}`: 204, or 404 when it is not the requester's."""
    param = f"{kind.replace(' ', '_')}_id"

    async def delete_object(request: Request) -> Response:
        api, requester = await authorized(request)
        raw_id = request.path_params[param]
        if not await delete(api.store)(requester.id, path_id(raw_id)):
            raise not_found(kind, raw_id)
        return no_content()

    return delete_object
