"""Tokens that can be rotated, added, revoked, and accounts that can be disabled, through the CLI
on a database two server processes share: a change reaches both processes within a second, a
refused token's 401 says why, toloka-kit gets `AuthenticationApiError`, and no table holds a token
in clear."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import toloka.client as toloka
from toloka.client.exceptions import AuthenticationApiError

from tests.support.databases import BACKENDS, fresh_database
from tests.support.server import ServerProcess

PROMISED_SECONDS = 1.0


def talaka(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "talaka", *args, "--database", database_url],
                          capture_output=True, text=True, timeout=120)
    return done


def new_token(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(params=BACKENDS)
def two_servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, list[ServerProcess]]]:
    with fresh_database(request.param, tmp_path) as database_url:
        first = ServerProcess(database_url, tmp_path / "first.log").start()
        second = ServerProcess(database_url, tmp_path / "second.log", token=first.token).start()
        try:
            yield database_url, [first, second]
        finally:
            second.stop()
            first.stop()


def status(server: ServerProcess, token: str, path: str = "/api/v1/requester") -> httpx.Response:
    return httpx.get(server.url + path, headers={"Authorization": f"OAuth {token}"}, timeout=10)


def refused_within(servers: list[ServerProcess], token: str, path: str = "/api/v1/requester") -> float:
    """Seconds until every server refuses `token` (each was serving it from its cache before)."""
    started = time.monotonic()
    waiting = list(servers)
    while waiting:
        waiting = [server for server in waiting if status(server, token, path).status_code != 401]
        if time.monotonic() - started > 10:
            break
        time.sleep(0.02)
    assert not waiting, "a server still accepts the token after 10 s"
    return time.monotonic() - started


def test_rotation_reaches_every_process(two_servers: tuple[str, list[ServerProcess]]) -> None:
    database_url, servers = two_servers
    old = servers[0].token
    for server in servers:  # both processes now hold the old token in their caches
        for _ in range(3):
            assert status(server, old).status_code == 200
    new = new_token(talaka(database_url, "requester", "token", "admin", "--rotate"))
    elapsed = refused_within(servers, old)
    assert elapsed < PROMISED_SECONDS, f"the old token was accepted for {elapsed:.2f} s after the rotation"
    for server in servers:
        refused = status(server, old)
        assert refused.json()["code"] == "AUTHENTICATION_ERROR"
        assert "revoked" in refused.json()["message"] and "default" in refused.json()["message"]
        assert status(server, new).status_code == 200
    with pytest.raises(AuthenticationApiError):
        toloka.TolokaClient(old, url=servers[1].url, retries=0).get_requester()
    assert toloka.TolokaClient(new, url=servers[1].url, retries=0).get_requester().id


def test_labels_disable_and_performers(two_servers: tuple[str, list[ServerProcess]], tmp_path: Path) -> None:
    database_url, servers = two_servers
    main = servers[0].token
    ci = new_token(talaka(database_url, "requester", "token", "admin", "--add", "ci"))
    again = talaka(database_url, "requester", "token", "admin", "--add", "ci")
    assert again.returncode == 1 and "already has a token labelled 'ci'" in again.stderr
    listed = talaka(database_url, "requester", "list")
    assert "admin (id 1)  active" in listed.stdout and "tokens: default, ci" in listed.stdout
    for server in servers:
        assert status(server, ci).status_code == 200 and status(server, main).status_code == 200

    assert talaka(database_url, "requester", "token", "admin", "--revoke", "ci").returncode == 0
    assert refused_within(servers, ci) < PROMISED_SECONDS
    assert all(status(server, main).status_code == 200 for server in servers), "the other label still works"

    assert talaka(database_url, "requester", "disable", "admin").returncode == 0
    assert refused_within(servers, main) < PROMISED_SECONDS
    assert "disabled" in status(servers[1], main).json()["message"]
    assert talaka(database_url, "requester", "enable", "admin").returncode == 0
    deadline = time.monotonic() + PROMISED_SECONDS
    while status(servers[1], main).status_code != 200:
        assert time.monotonic() < deadline, "the enabled account is still refused"
        time.sleep(0.02)

    created = talaka(database_url, "performer", "create", "Ann")
    performer_id = created.stdout.split("(id ")[1].split(")")[0]
    first = new_token(created)
    assert status(servers[0], first, "/api/performer/v1/me").status_code == 200
    second = new_token(talaka(database_url, "performer", "token", performer_id, "--rotate"))
    assert refused_within(servers, first, "/api/performer/v1/me") < PROMISED_SECONDS
    assert all(status(server, second, "/api/performer/v1/me").status_code == 200 for server in servers)
    assert talaka(database_url, "performer", "disable", performer_id).returncode == 0
    assert refused_within(servers, second, "/api/performer/v1/me") < PROMISED_SECONDS
    assert "performer list" not in talaka(database_url, "performer", "list").stderr
    assert f"{performer_id}  disabled since" in talaka(database_url, "performer", "list").stdout

    tokens = [main, ci, first, second]
    for text in table_text(database_url):
        for token in tokens:
            assert token not in text, "a token is stored in clear"


def table_text(database_url: str) -> list[str]:
    """Every row of every table as text (PostgreSQL), or the database's files (SQLite)."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(FULL)")
        conn.close()
        return [candidate.read_bytes().decode("latin-1") for candidate in path.parent.glob(path.name + "*")]
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        return [str(row[0]) for table in tables for row in conn.execute(f'SELECT t::text FROM "{table}" AS t')]
