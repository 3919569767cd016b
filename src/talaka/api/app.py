"""The ASGI application: routes under `/api/v1`, the error envelope, request ids and access log."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talaka import web
from talaka.api import (
    aggregated_solutions,
    analytics,
    assignments,
    health,
    metrics,
    openapi,
    operations,
    performers,
    pools,
    projects,
    requester,
    skills,
    tasks,
    trainings,
    user_bonuses,
    user_restrictions,
    user_skills,
)
from talaka.api.context import Api
from talaka.api.heartbeat import beat
from talaka.api.performer import routes as performer_routes
from talaka.config import Settings
from talaka.core.errors import TalakaProblem
from talaka.metrics import observe_request
from talaka.ops.runner import build_runner
from talaka.ops.sweeper import Sweeper
from talaka.store.base import Store

log = logging.getLogger("talaka.access")
errors_log = logging.getLogger("talaka.errors")
HTTP_CODES = {401: "AUTHENTICATION_ERROR", 403: "ACCESS_DENIED", 404: "DOES_NOT_EXIST",
              405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def envelope(request_id: str, code: str, message: str, payload: Any = None) -> bytes:
    return msgspec.json.encode({"request_id": request_id, "code": code, "message": message, "payload": payload})


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TalakaProblem)
    body = envelope(_request_id(request), exc.code, exc.message, exc.payload)
    return Response(body, status_code=exc.status, media_type="application/json", headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "INVALID_REQUEST")
    message = ("No such endpoint: see /openapi.json for the API" if exc.status_code == 404
               else f"{exc.detail}: see /openapi.json for the methods this path takes")
    body = envelope(_request_id(request), code, message)
    return Response(body, status_code=exc.status_code, media_type="application/json", headers=exc.headers)


async def _crash(request: Request, exc: Exception) -> Response:
    errors_log.exception("request %s failed", _request_id(request), exc_info=exc)
    request.scope.setdefault("state", {})["answered"] = True
    body = envelope(_request_id(request), "INTERNAL_ERROR",
                    "The server failed to handle the request; it has been logged under this request_id")
    return Response(body, status_code=500, media_type="application/json")


UNTEMPLATED = frozenset({"/health", "/ready", "/metrics", "/openapi.json"})


def _route_label(scope: Scope, status: int) -> str:
    """The route template for metrics (API routes record theirs), never a raw path, so that ids in
    paths cannot grow the number of series."""
    route = scope["state"].get("route")
    if route:
        return str(route)
    path = scope["path"]
    if path in UNTEMPLATED:
        return str(path)
    if path.startswith("/static/"):
        return "/static/{name}"
    return "unmatched" if status == 404 else "web"


class RequestIds:
    """Give every request an id: in `scope["state"]`, in the `X-Request-Id` header and in the log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = os.urandom(16).hex()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if status == 500 and state.get("answered"):
                return  # `_crash` answered with the envelope and logged it; keep the connection
            raise
        finally:
            seconds = time.perf_counter() - started
            observe_request(scope["method"], _route_label(scope, status), status, seconds)
            level = logging.DEBUG if scope["path"] in health.QUIET_PATHS else logging.INFO
            if log.isEnabledFor(level):
                duration_ms = round(seconds * 1000, 1)
                requester = state.get("requester_id")
                log.log(level, "%s %s %s %d %.1fms requester=%s", request_id, scope["method"], scope["path"], status,
                         duration_ms, requester or "-",
                         extra={"request_id": request_id, "method": scope["method"], "path": scope["path"],
                                "route": state.get("route"), "status": status, "duration_ms": duration_ms,
                                "requester": requester})


def app_from_env() -> ASGIApp:
    """The app as `talaka serve --workers N` starts it in each worker process (settings from the environment)."""
    from talaka.logs import configure_logging
    from talaka.store import open_store

    configure_logging()
    settings = Settings.from_env()
    return create_app(open_store(settings.database_url, settings), settings)


def create_app(store: Store, settings: Settings) -> ASGIApp:
    """The whole server as one ASGI app; request ids wrap everything, so even a 500 carries one."""
    runner, executor = build_runner(store, settings)
    sweeper = Sweeper(store)
    api = Api(store, settings, runner.creator, runner)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.start()
        if settings.run_operations:
            await runner.start()
            await sweeper.start()
        heartbeat = asyncio.ensure_future(beat(Path(settings.heartbeat_dir))) if settings.heartbeat_dir else None
        try:
            yield
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            await sweeper.stop()
            await runner.stop()
            executor.shutdown(wait=True)
            await store.close()

    v1 = Router([*requester.routes, *projects.routes, *pools.routes, *tasks.routes, *operations.routes,
                 *performers.routes, *assignments.routes, *skills.routes, *user_skills.routes,
                 *user_restrictions.routes, *user_bonuses.routes, *trainings.routes,
                 *aggregated_solutions.routes], redirect_slashes=False)
    app = Starlette(
        routes=[Mount("/api/v1", app=v1), Mount("/api/performer/v1", app=performer_routes.router()),
                Mount("/api/staging", app=Router(analytics.routes, redirect_slashes=False)),
                Mount("/api/new/requester", app=Router(assignments.tsv_routes, redirect_slashes=False)),
                *health.routes, *metrics.routes, *openapi.routes, *web.routes],
        exception_handlers={TalakaProblem: _problem, HTTPException: _http_error, Exception: _crash},
        lifespan=lifespan)
    app.router.redirect_slashes = False
    app.state.api = api
    app.state.readiness = health.Readiness(store)
    return RequestIds(app)
