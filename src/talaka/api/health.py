"""`GET /health` and `GET /ready` for load balancers and orchestrators: no token, JSON, cheap.

`/health` says the process answers, and nothing else: it touches no database, so a slow database
never makes a load balancer kill a healthy process. `/ready` says this process can serve: the
database answers within `READY_TIMEOUT_SECONDS` and its schema has every migration this code needs.
A schema behind the code (a database restored from an older backup under a running server) is not
ready. A schema ahead of it is ready, with `upgrade_pending`: migrations only add tables, columns
and indexes, so the old release keeps working while a rolling upgrade restarts processes one by one
(`docs/operations.md`); marking it not ready would take every old process out at once.

Both stay fast on a busy server: `/ready`'s query runs on the store's probe lane (its own thread
and connection), and polls that arrive while a check runs share its answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Protocol

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka.api.http import json_bytes

READY_TIMEOUT_SECONDS = 2.0
NO_STORE = {"Cache-Control": "no-store"}
log = logging.getLogger("talaka.health")


async def health(request: Request) -> Response:
    return json_bytes(b'{"status":"ok"}', headers=NO_STORE)


class SchemaSource(Protocol):
    async def schema_versions(self) -> tuple[int, int]: ...


class Readiness:
    """One readiness query at a time per process: a flood of polls, or a database that hangs,
    never piles queries up; each poll still waits at most `READY_TIMEOUT_SECONDS`."""

    def __init__(self, source: SchemaSource) -> None:
        self.source = source
        self._running: asyncio.Future[tuple[int, int]] | None = None

    async def versions(self) -> tuple[int, int]:
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(self.source.schema_versions())
            self._running.add_done_callback(_retrieve)
        return await asyncio.wait_for(asyncio.shield(self._running), READY_TIMEOUT_SECONDS)


def _retrieve(done: asyncio.Future[tuple[int, int]]) -> None:
    """Mark the outcome seen: a check every poll gave up on must not log as never retrieved."""
    if not done.cancelled():
        done.exception()


async def ready(request: Request) -> Response:
    readiness: Readiness = request.app.state.readiness
    return await readiness_answer(readiness.versions())


async def readiness_answer(versions: Awaitable[tuple[int, int]]) -> Response:
    """`/ready`'s answer once the schema check `versions` ends: in time, late, or failed."""
    try:
        database, expected = await versions
    except TimeoutError:
        return _not_ready("database_unreachable",
                          f"The database did not answer within {READY_TIMEOUT_SECONDS:g} s")
    except Exception as error:  # any driver error means the same thing here: the database cannot serve
        log.warning("readiness check failed: %s", error)
        return _not_ready("database_unreachable", f"The database cannot be reached: {type(error).__name__}")
    if database < expected:
        return _not_ready("schema_behind", f"The database schema is version {database}; this server needs "
                          f"{expected}: restart it (it migrates on start)", database, expected)
    body: dict[str, object] = {"status": "ready", "schema_version": database}
    if database > expected:
        body.update(upgrade_pending=True, expected_schema_version=expected,
                    message=f"The database schema is version {database}, newer than this server's {expected}: "
                            "restart it with the release that migrated the database")
    return json_bytes(msgspec.json.encode(body), headers=NO_STORE)


def _not_ready(status: str, message: str, database: int | None = None, expected: int | None = None) -> Response:
    body: dict[str, object] = {"status": status, "message": message}
    if database is not None:
        body.update(schema_version=database, expected_schema_version=expected)
    return json_bytes(msgspec.json.encode(body), 503, headers=NO_STORE)


routes = [Route("/health", health, methods=["GET", "HEAD"]), Route("/ready", ready, methods=["GET", "HEAD"])]
QUIET_PATHS = frozenset({"/health", "/ready"})
"""Polled every second by monitors: their requests are logged at debug level, not info."""
