"""`talaka performer create`: a performer account from the command line, usable at once."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.support.server import ServerProcess


def _create(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "talaka", "performer", "create", *args,
                           "--database", server.database_url], capture_output=True, text=True)


def test_the_last_line_is_a_token_that_works_on_the_performer_api_only(server: ServerProcess) -> None:
    done = _create(server, "Ann Lee", "--languages", "en,DE", "--country", "gb", "--adult-allowed")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"OAuth {token}"}
    me = httpx.get(f"{server.url}/api/performer/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json() == {"id": me.json()["id"], "name": "Ann Lee", "languages": ["EN", "DE"], "country": "GB",
                         "adult_allowed": True}
    assert len(me.json()["id"]) == 32 and int(me.json()["id"], 16) >= 0
    refused = httpx.get(f"{server.url}/api/v1/pools", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "ACCESS_DENIED"
    assert "performer" in refused.json()["message"]


def test_a_bad_profile_is_refused_with_what_to_fix(server: ServerProcess) -> None:
    done = _create(server, "Bob", "--languages", "english", "--country", "Britain")
    assert done.returncode == 2
    assert "languages.0" in done.stderr and "country" in done.stderr
    assert "Performer API token" not in done.stdout
