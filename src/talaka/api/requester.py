"""`GET /requester`: who the token belongs to."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import authorized
from talaka.api.http import json_value, resource


async def get_requester(request: Request) -> Response:
    api, requester = await authorized(request)
    return json_value({"id": str(requester.id), "balance": 0, "public_name": {"EN": requester.name},
                       "company": {"id": str(requester.id), "superintendent_id": str(requester.id)}})


routes = [resource("/requester", GET=get_requester)]
