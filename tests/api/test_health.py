"""`/health` and `/ready` on a real server process: no token, JSON; `/ready` is 503 while the
database is unreachable (a relay between server and PostgreSQL is cut) or its schema is not the
code's, and ready again when that is mended, without a restart."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from talaka.store.schema import latest_version
from tests.support.cutoff import Relay
from tests.support.databases import BACKENDS, fresh_database, postgres_server_url, temporary_postgres
from tests.support.server import ServerProcess, free_port

SCHEMA = latest_version("sqlite")


def wait_for(check: Callable[[], httpx.Response], status: int, seconds: float = 15) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def change_schema(database_url: str, statement: str) -> None:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute(statement)
        conn.close()
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(statement)


@pytest.mark.parametrize("backend", BACKENDS)
def test_health_and_schema(backend: str, tmp_path: Path) -> None:
    assert latest_version("postgres") == SCHEMA
    with fresh_database(backend, tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", log_level="info").start()
        try:
            with httpx.Client(base_url=server.url, timeout=10) as http:
                health = http.get("/health")
                assert (health.status_code, health.json()) == (200, {"status": "ok"})
                assert health.headers["content-type"] == "application/json"
                ready = http.get("/ready")
                assert (ready.status_code, ready.json()) == (200, {"status": "ready", "schema_version": SCHEMA})

                change_schema(database_url, f"DELETE FROM schema_version WHERE version = {SCHEMA}")
                behind = http.get("/ready")
                assert behind.status_code == 503
                assert behind.json()["status"] == "schema_behind"
                assert behind.json()["schema_version"] == SCHEMA - 1
                assert "restart" in behind.json()["message"]

                change_schema(database_url, f"INSERT INTO schema_version (version) VALUES ({SCHEMA}), ({SCHEMA + 1})")
                ahead = http.get("/ready")  # a rolling upgrade: the old release still serves
                assert (ahead.status_code, ahead.json()["status"]) == (200, "ready")
                assert ahead.json()["upgrade_pending"] is True and ahead.json()["schema_version"] == SCHEMA + 1

                change_schema(database_url, f"DELETE FROM schema_version WHERE version = {SCHEMA + 1}")
                assert http.get("/ready").status_code == 200
        finally:
            server.stop()
    log = server.log_path.read_text()
    assert "/health" not in log and "/ready" not in log, "health checks must not flood the info log"


def test_ready_follows_the_database(tmp_path: Path) -> None:
    """PostgreSQL behind a relay: cut it and /ready says so within the 2 s timeout while /health
    still answers; restore it and /ready recovers on the same process. The health port's `/ready`
    (its own connection, through the same relay) follows too."""
    server_url = postgres_server_url()
    with temporary_postgres(server_url, "health") as database_url:
        parts = urlsplit(database_url)
        with Relay((parts.hostname or "127.0.0.1", parts.port or 5432)) as relay:
            relayed = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}"))
            server = ServerProcess(relayed, tmp_path / "server.log", health_port=free_port()).start()
            try:
                with httpx.Client(base_url=server.url, timeout=10) as http, \
                        httpx.Client(base_url=f"http://127.0.0.1:{server.health_port}", timeout=10) as port:
                    assert http.get("/ready").status_code == 200
                    assert wait_for(lambda: port.get("/ready"), 200).status_code == 200
                    relay.cut()
                    down = wait_for(lambda: http.get("/ready"), 503)
                    assert down.status_code == 503
                    assert down.json()["status"] == "database_unreachable"
                    started = time.monotonic()
                    assert http.get("/ready").status_code == 503
                    assert time.monotonic() - started < 3.5
                    assert http.get("/health").status_code == 200
                    port_down = wait_for(lambda: port.get("/ready"), 503, seconds=5)
                    assert port_down.json()["status"] == "database_unreachable", port_down.text
                    assert port.get("/health").status_code == 200
                    relay.restore()
                    back = wait_for(lambda: http.get("/ready"), 200, seconds=30)
                    assert back.status_code == 200, back.text
                    port_back = wait_for(lambda: port.get("/ready"), 200, seconds=30)
                    assert port_back.status_code == 200, port_back.text
            finally:
                server.stop()
