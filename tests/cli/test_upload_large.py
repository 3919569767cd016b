"""Two million rows through `talaka upload`, killed half-way and run again: every task exactly once."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from tests.cli.uploads import Upload, environment, new_pool, task_count, upload_command
from tests.support.api import client
from tests.support.server import ServerProcess

ROWS = 2_000_000
KILL_AT = 1_000_000
MAX_RSS_KB = 150 * 1024
RUN_SECONDS = 300.0


def write_rows(path: Path) -> None:
    """About 86 MB of TSV: each row's `n` is its number, so a task's row can be told from its input."""
    with path.open("w") as file:
        file.write("INPUT:image\tINPUT:n\n")
        for start in range(0, ROWS, 100_000):
            file.write("".join(f"https://example.com/img/{n}.png\t{n}\n" for n in range(start, start + 100_000)))


def peak_rss_kb(pid: int) -> int:
    """The process's peak resident set size so far (VmHWM), in KB; 0 once it has exited.

    Not `ru_maxrss`: Linux counts into it the memory of the process that forked the child (this
    pytest process) before the child's exec.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def wait_for_exit(process: subprocess.Popen[bytes], timeout: float) -> int:
    """Wait for the process to end, reading its VmHWM meanwhile; return the last reading, in KB."""
    deadline = time.monotonic() + timeout
    peak = 0
    while process.poll() is None:
        peak = max(peak, peak_rss_kb(process.pid))
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"talaka upload did not finish in {timeout} s")
        time.sleep(0.02)
    return peak


def start_upload(server: ServerProcess, path: Path, pool_id: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(upload_command(path, "--pool", pool_id, "--allow-defaults"), stdout=output,
                                stderr=subprocess.STDOUT, env=environment(server), cwd=path.parent)


class _Input(msgspec.Struct):
    n: int


class _Task(msgspec.Struct):
    id: str
    input_values: _Input


class _Page(msgspec.Struct):
    items: list[_Task]
    has_more: bool


def row_counts(server: ServerProcess, pool_id: str) -> bytearray:
    """How many tasks of the pool hold each row's `n`, paging by `id_gt` 100,000 at a time."""
    seen = bytearray(ROWS)
    decode = msgspec.json.Decoder(_Page).decode
    params: dict[str, str | int] = {"pool_id": pool_id, "sort": "id", "limit": 100_000}
    with client(server.url, server.token) as api:
        while True:
            answer = api.get("/tasks", params=params)
            answer.raise_for_status()
            page = decode(answer.content)
            for task in page.items:
                seen[task.input_values.n] += 1
            if not page.has_more:
                return seen
            params["id_gt"] = page.items[-1].id


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # SQLite only, to keep it short: the
# upload's path through the server is the same on PostgreSQL, which test_upload.py covers.
def test_two_million_rows_killed_half_way_then_resumed(own_server: ServerProcess, tmp_path: Path,
                                                       record_property: Callable[[str, object], None]) -> None:
    server = own_server.start()
    pool_id = new_pool(server)
    path = tmp_path / "big.tsv"
    write_rows(path)

    started = time.monotonic()
    first = start_upload(server, path, pool_id, tmp_path / "first.log")
    deadline = started + RUN_SECONDS
    first_rss = 0
    while (created := task_count(server, pool_id)) < KILL_AT:
        first_rss = max(first_rss, peak_rss_kb(first.pid))
        assert first.poll() is None, (tmp_path / "first.log").read_text()
        assert time.monotonic() < deadline, f"only {created} tasks after {RUN_SECONDS} s"
        time.sleep(0.1)
    first_rss = max(first_rss, peak_rss_kb(first.pid))
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    first_seconds = time.monotonic() - started
    assert first.returncode == -signal.SIGKILL
    assert KILL_AT <= created < ROWS

    started = time.monotonic()
    second = start_upload(server, path, pool_id, tmp_path / "second.log")
    second_rss = wait_for_exit(second, RUN_SECONDS)
    second_seconds = time.monotonic() - started
    printed = (tmp_path / "second.log").read_text()
    summary = Upload(second.returncode, printed, "").summary

    print(f"\nkilled at {created:,} tasks after {first_seconds:.1f} s (peak RSS {first_rss / 1024:.0f} MB); "
          f"rerun {second_seconds:.1f} s (peak RSS {second_rss / 1024:.0f} MB)\n{printed}")
    record_property("upload_first_run_seconds", round(first_seconds, 1))
    record_property("upload_rerun_seconds", round(second_seconds, 1))
    record_property("upload_peak_rss_mb", round(max(first_rss, second_rss) / 1024, 1))
    assert second.returncode == 0, printed
    assert summary["Rows read"] == ROWS and summary["Invalid rows"] == 0
    assert summary["Already uploaded"] >= created  # every task committed before the kill was skipped
    assert summary["Tasks created"] + summary["Already uploaded"] == ROWS
    assert task_count(server, pool_id) == ROWS
    seen = row_counts(server, pool_id)
    assert seen.count(1) == ROWS, f"{seen.count(0)} rows missing, {ROWS - seen.count(0) - seen.count(1)} twice"
    assert first_rss < MAX_RSS_KB and second_rss < MAX_RSS_KB
