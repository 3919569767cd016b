"""`GET /requester`: who the token belongs to."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka.api.context import Api
from talaka.api.http import check_params, json_value


async def get_requester(request: Request) -> Response:
    api: Api = request.app.state.api
    requester = await api.authenticate(request)
    check_params(request.query_params, frozenset())
    return json_value({"id": str(requester.id), "balance": 0, "public_name": {"EN": requester.name},
                       "company": {"id": str(requester.id), "superintendent_id": str(requester.id)}})


routes = [Route("/requester", get_requester, methods=["GET"])]
