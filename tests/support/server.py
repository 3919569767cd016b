"""A real `talaka serve` process on a free 127.0.0.1 port, for end-to-end tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STARTUP_SECONDS = 30.0
SERVER_LOGS: set[Path] = set()
"""Every log file a server process of this test session wrote, for `token_leaks`."""
KNOWN_TOKENS: set[str] = set()
TOKEN_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
"""What `secrets.token_urlsafe(32)` makes: 43 URL-safe characters (request ids are 32 hex digits)."""


def token_leaks() -> list[str]:
    """Lines of the session's server logs that hold a token: one this session knows, or anything
    shaped like one (tokens made through the API by tests are not all known here)."""
    found = []
    for path in sorted(SERVER_LOGS):
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if TOKEN_SHAPE.search(line) or any(token in line for token in KNOWN_TOKENS):
                found.append(f"{path}:{number}: {line[:200]}")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerProcess:
    """One server process; `restart` keeps the database and the port."""

    database_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    log_level: str = "warning"
    workers: int = 1
    port: int = field(default_factory=free_port)
    health_port: int | None = None
    """Also serve the health port (`--health-port`) here."""
    token: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "talaka", "serve", "--port", str(self.port),
                   "--database", self.database_url, "--log-level", self.log_level, "--workers", str(self.workers)]
        if self.health_port is not None:
            command += ["--health-port", str(self.health_port)]
        output = self.log_path.with_suffix(".out")
        with self.log_path.open("ab") as log, output.open("wb") as out:
            # a session of its own, so that `kill` reaches uvicorn's worker processes and the
            # health process too, as a crash of the machine's service would
            self.process = subprocess.Popen(command, stdout=out, stderr=log, env={**os.environ, **self.env},
                                            start_new_session=True)
        self._wait_ready(output)
        SERVER_LOGS.add(self.log_path)
        KNOWN_TOKENS.add(self.token)
        return self

    def _wait_ready(self, output: Path) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.token and time.monotonic() < deadline:
            printed = output.read_text()
            if printed.endswith("\n"):
                self.token = printed.splitlines()[0].strip()
            elif self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log_path}")
            else:
                time.sleep(0.05)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(self.url + "/openapi.json", timeout=1).status_code == 200 and self._health_port_ready():
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not start in {STARTUP_SECONDS} s; see {self.log_path}")

    def _health_port_ready(self) -> bool:
        """With a health port, started means ready there too, as a load balancer would wait for."""
        if self.health_port is None:
            return True
        return httpx.get(f"http://127.0.0.1:{self.health_port}/ready", timeout=1).status_code == 200

    def kill(self) -> None:
        """SIGKILL to every process of the server: no clean shutdown, exactly like a crash."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()

    def start_worker(self) -> subprocess.Popen[bytes]:
        """A `talaka worker` process on this server's database, with this server's environment."""
        with self.log_path.open("ab") as log:
            return subprocess.Popen([sys.executable, "-m", "talaka", "worker", "--database", self.database_url,
                                     "--log-level", self.log_level], stdout=log, stderr=log,
                                    env={**os.environ, **self.env})

    def new_requester(self, name: str) -> str:
        """Create another requester with the CLI; return its token."""
        done = subprocess.run([sys.executable, "-m", "talaka", "requester", "create", name,
                               "--database", self.database_url], capture_output=True, check=True, text=True)
        token = done.stdout.strip().splitlines()[-1]
        KNOWN_TOKENS.add(token)
        return token
