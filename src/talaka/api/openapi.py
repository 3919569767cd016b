"""`GET /openapi.json`: the API description."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka.api.http import json_value


async def openapi_json(request: Request) -> Response:
    return json_value({"openapi": "3.1.0", "info": {"title": "Talaka", "version": "0.1.0"}, "paths": {}})


routes = [Route("/openapi.json", openapi_json, methods=["GET"])]
