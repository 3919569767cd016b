"""`--log-format json`: every line of a server's log parses as one JSON object; a request's line
carries the request id that its answer's `X-Request-Id` header and error body carry, its route,
status, duration and requester; and no token appears anywhere in the log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.databases import fresh_database
from tests.support.server import ServerProcess


def read_lines(path: Path) -> list[dict[str, object]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines, f"{path} is empty"
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("workers", [1, 2])
def test_json_lines_carry_the_request(tmp_path: Path, workers: int) -> None:
    with fresh_database("sqlite", tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", env={"TALAKA_LOG_FORMAT": "json"},
                               log_level="info", workers=workers).start()
        try:
            other = server.new_requester("second")
            headers = {"Authorization": f"OAuth {server.token}"}
            with httpx.Client(base_url=server.url, timeout=30) as http:
                missing = http.get("/api/v1/pools/987654", headers=headers)
                refused = http.get("/api/v1/projects", headers={"Authorization": "OAuth not-a-token"})
                listed = http.get("/api/v1/projects", headers={"Authorization": f"OAuth {other}"})
        finally:
            server.stop()
        entries = read_lines(server.log_path)
        log_text = server.log_path.read_text(encoding="utf-8")

    assert missing.status_code == 404 and refused.status_code == 401 and listed.status_code == 200
    for answer in (missing, refused, listed):
        request_id = answer.headers["x-request-id"]
        if answer.status_code >= 400:
            assert answer.json()["request_id"] == request_id
        line = next(entry for entry in entries if entry.get("request_id") == request_id)
        assert line["status"] == answer.status_code
        assert line["level"] == "info" and line["logger"] == "talaka.access"
        assert isinstance(line["duration_ms"], float | int) and line["duration_ms"] >= 0
        assert isinstance(line["time"], str) and line["time"].endswith("Z")
    by_id = {entry.get("request_id"): entry for entry in entries}
    assert by_id[missing.headers["x-request-id"]]["route"] == "/api/v1/pools/{pool_id}"
    assert by_id[missing.headers["x-request-id"]]["path"] == "/api/v1/pools/987654"
    assert by_id[missing.headers["x-request-id"]]["requester"] is not None
    assert "requester" not in by_id[refused.headers["x-request-id"]]
    assert {entry["logger"] for entry in entries} >= {"talaka.access", "uvicorn.error"}
    for token in (server.token, other, "not-a-token"):
        assert token not in log_text


def test_log_format_is_checked() -> None:
    done = subprocess.run([sys.executable, "-m", "talaka", "serve", "--log-format", "xml"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "'text'" in done.stderr and "'json'" in done.stderr
