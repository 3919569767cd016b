"""The health port: `/health` and `/ready` answered by a process of their own.

`talaka serve --health-port P` starts this process beside the server (`HealthPort`), restarts it
if it dies, and stops it on the way out. Inside a server process the two endpoints share one
interpreter lock with the requests: when uploads and page reads keep every thread busy, a poll
waits for its turn like any request, for tens to hundreds of milliseconds (`docs/performance.md`,
"Health checks under load"). Here nothing else runs, so a load balancer's poll is answered in
about a millisecond however hard the server works.

`/health` here is 200 while every server process's event loop turns (their heartbeat files,
`api/heartbeat.py`); a process whose file is older than `TALAKA_HEALTH_STALL_SECONDS` (10 unless
set) makes it 503 `stalled`, so a hung server is reported and a merely busy one is not. `/ready`
gives the server's own answers, from its check run on a database connection of this process.
Both verdicts are made on a schedule of their own (`LivenessWatch`, `ReadinessWatch`) and a poll
gets the latest: polls never wait for a file or the database, and a database that stops
answering is reported once its last answer is older than the check's timeout.

The process leaves when the `talaka serve` process that started it is gone.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import msgspec
import uvloop
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka.api import health
from talaka.api.heartbeat import heartbeat_ages
from talaka.api.http import json_bytes
from talaka.config import Settings
from talaka.shutdown import exit_cleanly_on_sigterm
from talaka.store.dbapi import fetch_one
from talaka.store.queries import Queries
from talaka.store.schema import latest_version

PARENT_CHECK_SECONDS = 1.0
RESTART_SECONDS = (1.0, 30.0)
"""The first and the longest wait before starting a health process that died again."""
STEADY_SECONDS = 10.0
"""A health process that ran this long before dying is started again after the shortest wait."""
READY_REFRESH_SECONDS = 0.5
LIVENESS_REFRESH_SECONDS = 0.25
REALTIME_PRIORITY = 1
"""`SCHED_RR` at the lowest real-time priority, as keepalived runs its checkers: on cores the server
keeps busy, a woken process at normal priority can wait a scheduler slice for one, which was most
of this port's 99th percentile (5 ms) under the load test; at this priority it was 0.8-2.3 ms. The
kernel leaves at least 5 % of every second to normal tasks (`sched_rt_runtime_us`), and this
process only answers polls and makes two small checks a second."""
FALLBACK_NICENESS = -10
log = logging.getLogger("talaka.health")


class SchemaProbe:
    """The database's schema version, read on a connection of this process (no pool, no migration)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="talaka-health-probe")
        self._run = self._runner(database_url)

    def _runner(self, database_url: str) -> Callable[[Callable[..., Any], tuple[Any, ...]], Any]:
        if database_url.startswith("sqlite:///"):
            from talaka.store.sqlite_engine import connect

            path = database_url.removeprefix("sqlite:///")
            conns: list[Any] = []

            def on_sqlite(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
                if not conns:
                    conns.append(connect(path, readonly=True))
                return function(conns[0], *args)

            return on_sqlite
        from talaka.store.postgres_engine import ProbeConnection

        return ProbeConnection(database_url).run

    async def schema_versions(self) -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        row = await loop.run_in_executor(self._thread, self._run, fetch_one, (Queries.SCHEMA_VERSION, ()))
        dialect = "sqlite" if self.database_url.startswith("sqlite") else "postgres"
        return int(row[0]), latest_version(dialect)


class ReadinessWatch:
    """The latest `/ready` answer, refreshed every `READY_REFRESH_SECONDS`."""

    def __init__(self, source: health.SchemaSource) -> None:
        self.source = source
        self.answer: Response | None = None
        self.answered_at = 0.0

    async def run(self) -> None:
        while True:
            checked = asyncio.wait_for(self.source.schema_versions(), health.READY_TIMEOUT_SECONDS)
            self.answer = await health.readiness_answer(checked)
            self.answered_at = time.monotonic()
            await asyncio.sleep(READY_REFRESH_SECONDS)

    async def latest(self, request: Request) -> Response:
        if self.answer is None:
            return _unhealthy("starting", "The first readiness check has not finished yet")
        silent = time.monotonic() - self.answered_at
        if silent > health.READY_TIMEOUT_SECONDS + READY_REFRESH_SECONDS:
            return _unhealthy("database_unreachable", f"The database has not answered for {silent:.1f} s")
        return self.answer


class LivenessWatch:
    """The latest `/health` answer, read off the heartbeat files every `LIVENESS_REFRESH_SECONDS`
    (they change every `HEARTBEAT_SECONDS`), so that a poll only sends bytes made beforehand."""

    def __init__(self, folder: Path, stall_seconds: float) -> None:
        self.folder = folder
        self.stall_seconds = stall_seconds
        self.answer = self.judge()

    def judge(self) -> Response:
        ages = heartbeat_ages(self.folder)
        if not ages:
            return _unhealthy("starting", "No server process has started yet (or every one has stopped)")
        stalled = {pid: age for pid, age in ages.items() if age > self.stall_seconds}
        if stalled:
            pid, age = max(stalled.items(), key=lambda item: item[1])
            return _unhealthy("stalled", f"Server process {pid} has not turned its event loop for {age:.1f} s "
                              f"(the limit is {self.stall_seconds:g} s): restart it", stalled=sorted(stalled))
        return json_bytes(msgspec.json.encode({"status": "ok", "processes": len(ages)}), headers=health.NO_STORE)

    async def run(self) -> None:
        while True:
            try:
                self.answer = self.judge()
            except Exception as error:  # a verdict that stopped changing would be a lie
                log.exception("reading the heartbeat files failed")
                self.answer = _unhealthy("unknown", f"The heartbeat files cannot be read: {type(error).__name__}")
            await asyncio.sleep(LIVENESS_REFRESH_SECONDS)

    async def latest(self, request: Request) -> Response:
        return self.answer


def _unhealthy(status: str, message: str, **more: object) -> Response:
    return json_bytes(msgspec.json.encode({"status": status, "message": message, **more}), 503,
                      headers=health.NO_STORE)


class HealthPort:
    """The health process as `serve` runs it: the port bound here (a port in use fails at once),
    the process started again whenever it dies while `serve` runs, and stopped when `serve` stops."""

    def __init__(self, host: str, port: int, heartbeat_dir: Path, log_level: str) -> None:
        self.listening = socket.create_server((host, port))
        self.command = [sys.executable, "-m", "talaka.api.health_port", "--fd", str(self.listening.fileno()),
                        "--parent", str(os.getpid()), "--heartbeat-dir", str(heartbeat_dir),
                        "--log-level", log_level]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.command, pass_fds=[self.listening.fileno()])

    def start(self) -> None:
        threading.Thread(target=self._keep_running, name="talaka-health-port", daemon=True).start()

    def _keep_running(self) -> None:
        wait = RESTART_SECONDS[0]
        while True:
            started = time.monotonic()
            code = self._process.wait()
            if time.monotonic() - started >= STEADY_SECONDS:
                wait = RESTART_SECONDS[0]
            if self._stopping.wait(wait):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                log.warning("the health process exited (%s); starting it again", code)
                self._process = self._spawn()
            wait = min(wait * 2, RESTART_SECONDS[1])

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self.listening.close()


def health_app(liveness: LivenessWatch, readiness: ReadinessWatch) -> Starlette:
    return Starlette(routes=[Route("/health", liveness.latest, methods=["GET", "HEAD"]),
                             Route("/ready", readiness.latest, methods=["GET", "HEAD"])])


async def _serve(args: argparse.Namespace, priority: str) -> None:
    import uvicorn

    from talaka.logs import configure_logging

    settings = Settings.from_env()
    liveness = LivenessWatch(args.heartbeat_dir, settings.health_stall_seconds)
    readiness = ReadinessWatch(SchemaProbe(settings.database_url))
    app = health_app(liveness, readiness)
    config = uvicorn.Config(app, http="httptools", access_log=False,
                            log_config=configure_logging(args.log_level), log_level=args.log_level,
                            lifespan="off")
    server = uvicorn.Server(config)
    log.info("health port ready at %s priority", priority)

    async def watch_parent() -> None:
        while os.getppid() == args.parent:
            await asyncio.sleep(PARENT_CHECK_SECONDS)
        server.should_exit = True

    watcher = asyncio.ensure_future(watch_parent())
    checks = [asyncio.ensure_future(liveness.run()), asyncio.ensure_future(readiness.run())]
    try:
        # socket(fileno=) reads the family and protocol off the descriptor (uvicorn's own `fd`
        # option takes it for a Unix socket), so that TCP_NODELAY is set on every connection
        await server.serve(sockets=[socket.socket(fileno=args.fd)])
    finally:
        watcher.cancel()
        for check in checks:
            check.cancel()
        shutil.rmtree(args.heartbeat_dir, ignore_errors=True)  # a killed serve could not


def take_priority() -> str:
    """The best priority this process may have: real-time, a lower niceness, or the server's
    (each step needs `CAP_SYS_NICE`, docs/operations.md)."""
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(REALTIME_PRIORITY))
        return "real-time (SCHED_RR)"
    except OSError:  # no CAP_SYS_NICE, or a container or cgroup with no real-time budget
        pass
    try:
        os.nice(FALLBACK_NICENESS)
        return f"nice {FALLBACK_NICENESS}"
    except OSError:
        return "the server's"


def main() -> None:
    priority = take_priority()
    parser = argparse.ArgumentParser(description="The health port of `talaka serve` (started by it)")
    parser.add_argument("--fd", type=int, required=True, help="the listening socket, bound by talaka serve")
    parser.add_argument("--parent", type=int, required=True, help="the pid of talaka serve")
    parser.add_argument("--heartbeat-dir", type=Path, required=True, help="where the server processes beat")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    exit_cleanly_on_sigterm()
    uvloop.run(_serve(args, priority))


if __name__ == "__main__":
    main()
