"""Running `talaka upload` as a process, and the pools and files it fills."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.api import all_tasks, client
from tests.support.server import ServerProcess

PROJECT: dict[str, Any] = {
    "public_name": "upload", "public_description": "classify images",
    "task_spec": {"input_spec": {"image": {"type": "url", "required": True},
                                 "n": {"type": "integer", "required": False}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}}}
"""A required URL, an optional integer (so the reader converts it), a golden label with allowed values."""


@dataclass(frozen=True)
class Upload:
    """A finished `talaka upload` process."""

    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, int]:
        """The summary's counts: `{"Rows read": 9, "Tasks created": 3, ...}` (not the time taken)."""
        return {name: int(number.replace(",", "")) for name, number
                in re.findall(r"^([A-Z][a-z ]+):\s+([0-9,]+)", self.stdout, flags=re.MULTILINE)
                if name != "Elapsed"}


def environment(server: ServerProcess) -> dict[str, str]:
    return {**os.environ, "TALAKA_URL": server.url, "TALAKA_TOKEN": server.token}


def upload_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "talaka", "upload", *map(str, args)]


def talaka_upload(server: ServerProcess, *args: str | Path, cwd: Path, stdin: bytes | None = None,
                  env: dict[str, str] | None = None) -> Upload:
    done = subprocess.run(upload_command(*args), input=stdin, capture_output=True, cwd=cwd, check=False,
                          env=env or environment(server), timeout=180)
    return Upload(done.returncode, done.stdout.decode(), done.stderr.decode())


def new_pool(server: ServerProcess, project: dict[str, Any] = PROJECT, default_overlap: int = 1) -> str:
    with client(server.url, server.token) as api:
        created = api.post("/projects", json=project)
        created.raise_for_status()
        pool = api.post("/pools", json={"project_id": created.json()["id"], "private_name": "upload",
                                        "defaults": {"default_overlap_for_new_tasks": default_overlap}})
        pool.raise_for_status()
        return str(pool.json()["id"])


def pool_tasks(server: ServerProcess, pool_id: str) -> list[dict[str, Any]]:
    with client(server.url, server.token) as api:
        return all_tasks(api, pool_id)


def pool_info(server: ServerProcess, pool_id: str, suffix: str = "") -> dict[str, Any]:
    with client(server.url, server.token) as api:
        answer = api.get(f"/pools/{pool_id}{suffix}")
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found


def task_count(server: ServerProcess, pool_id: str) -> int:
    return int(pool_info(server, pool_id, "/counts")["task_count"])


def read_errors(path: Path) -> list[tuple[int, str, str]]:
    """The errors file as sorted `(line, field, code)`; checks its header and that every row has a message."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["line", "field", "code", "message"]
    assert all(len(row) == 4 and row[3] for row in rows[1:]), rows
    return sorted((int(line), field, code) for line, field, code, _ in rows[1:])
