"""`talaka serve --health-port`: `/health` and `/ready` from a process of their own.

`/health` there follows the server processes' heartbeats: a stopped (SIGSTOP) server process
turns it 503 `stalled` naming the process, and it recovers when the process runs again (or, with
several workers, when uvicorn has replaced it); a removed heartbeat folder is made again; `/ready`
reads the schema on its own connection; a killed health process is started again, and it leaves
when `serve` dies; a health port in use stops `serve` with a message that says so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from talaka.store.schema import latest_version
from tests.api.test_health import change_schema, wait_for
from tests.support.databases import fresh_database
from tests.support.server import ServerProcess, free_port

STALL_SECONDS = 1
SCHEMA = latest_version("sqlite")


def children(parent: int) -> list[int]:
    """Every child of `parent`, whichever of its threads started it."""
    return [int(pid) for task in Path(f"/proc/{parent}/task").iterdir()
            for pid in (task / "children").read_text().split()]


def server_processes(parent: int) -> list[int]:
    """The uvicorn worker processes under `talaka serve` (not its health process, nor
    multiprocessing's resource tracker)."""
    return [pid for pid in children(parent) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def health_process(parent: int) -> int:
    return next(pid for pid in children(parent) if b"health_port" in Path(f"/proc/{pid}/cmdline").read_bytes())


def heartbeat_folder(health_pid: int) -> Path:
    arguments = Path(f"/proc/{health_pid}/cmdline").read_bytes().decode().split("\0")
    return Path(arguments[arguments.index("--heartbeat-dir") + 1])


def answered_again(url: str, seconds: float = 15) -> bool:
    """Whether `url` answers 200 within `seconds`; a connection to the killed process is reset."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


@pytest.mark.parametrize(("backend", "workers"), [("sqlite", 1), ("postgres", 2)])
def test_health_port_follows_the_server(backend: str, workers: int, tmp_path: Path) -> None:
    health_port = free_port()
    with fresh_database(backend, tmp_path) as database_url:
        server = ServerProcess(database_url, tmp_path / "server.log", workers=workers, health_port=health_port,
                               env={"TALAKA_HEALTH_STALL_SECONDS": str(STALL_SECONDS)}).start()
        assert server.process is not None
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{health_port}", timeout=10) as http:
                deadline = time.monotonic() + 15  # workers start one after another
                while (ok := http.get("/health")).json().get("processes") != workers and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert (ok.status_code, ok.json()) == (200, {"status": "ok", "processes": workers})
                assert ok.headers["cache-control"] == "no-store"
                folder = heartbeat_folder(health_process(server.process.pid))
                shutil.rmtree(folder)  # what a cleaner of /tmp could do: the servers make it again
                time.sleep(1)
                assert sorted(int(beat.name) for beat in folder.iterdir()) == sorted(
                    server_processes(server.process.pid) if workers > 1 else [server.process.pid])
                assert wait_for(lambda: http.get("/health"), 200).json()["processes"] == workers
                if os.geteuid() == 0:  # CAP_SYS_NICE: the health process takes real-time priority
                    assert os.sched_getscheduler(health_process(server.process.pid)) == os.SCHED_RR
                ready = wait_for(lambda: http.get("/ready"), 200)
                assert (ready.status_code, ready.json()) == (200, {"status": "ready", "schema_version": SCHEMA})

                pid = server_processes(server.process.pid)[0] if workers > 1 else server.process.pid
                os.kill(pid, signal.SIGSTOP)
                try:
                    stalled = wait_for(lambda: http.get("/health"), 503, seconds=STALL_SECONDS + 10)
                    assert stalled.status_code == 503
                    assert stalled.json()["status"] == "stalled" and stalled.json()["stalled"] == [pid]
                    assert str(pid) in stalled.json()["message"] and "restart" in stalled.json()["message"]
                    assert http.get("/ready").status_code == 200, "the database is fine while a process hangs"
                finally:
                    with contextlib.suppress(ProcessLookupError):  # uvicorn kills a worker mute for 5 s
                        os.kill(pid, signal.SIGCONT)
                assert wait_for(lambda: http.get("/health"), 200).status_code == 200

                first = health_process(server.process.pid)
                os.kill(first, signal.SIGKILL)
                assert answered_again(f"http://127.0.0.1:{health_port}/health")
                assert health_process(server.process.pid) != first

                change_schema(database_url, f"DELETE FROM schema_version WHERE version = {SCHEMA}")
                behind = wait_for(lambda: http.get("/ready"), 503, seconds=5)  # checked twice a second
                assert (behind.status_code, behind.json()["status"]) == (503, "schema_behind")
                change_schema(database_url, f"INSERT INTO schema_version (version) VALUES ({SCHEMA})")
                assert wait_for(lambda: http.get("/ready"), 200, seconds=5).status_code == 200
            with httpx.Client(base_url=server.url, timeout=10) as main_port:
                assert main_port.get("/health").json() == {"status": "ok"}
            os.kill(server.process.pid, signal.SIGKILL)  # `serve` alone, as its health process sees a crash
            server.process.wait()
            deadline = time.monotonic() + 10
            while not refused(health_port) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert refused(health_port), "the health process outlived the server it answers for"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)  # uvicorn's workers outlive a killed serve
            server.process.wait()


def test_a_health_port_in_use_stops_serve(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        server = ServerProcess(f"sqlite:///{tmp_path / 'talaka.db'}", tmp_path / "server.log", health_port=port)
        with pytest.raises(RuntimeError, match="server exited"):
            server.start()
    assert f"Cannot listen on 127.0.0.1:{port} for --health-port" in server.log_path.read_text()


def test_sigterm_takes_the_health_process_and_its_folder_along(tmp_path: Path) -> None:
    """What systemd's stop does: `serve` shuts down cleanly (exit 0), the health process and the
    heartbeat folder go with it."""
    health_port = free_port()
    server = ServerProcess(f"sqlite:///{tmp_path / 'talaka.db'}", tmp_path / "server.log",
                           health_port=health_port).start()
    assert server.process is not None
    try:
        assert answered_again(f"http://127.0.0.1:{health_port}/health")
        helper = health_process(server.process.pid)
        folder = heartbeat_folder(helper)
        assert folder.is_dir()
        server.stop()
        assert server.process.returncode == 0
        assert not folder.exists(), "the heartbeat folder was left behind"
        assert refused(health_port)
        assert not Path(f"/proc/{helper}").exists(), "the health process outlived serve"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
