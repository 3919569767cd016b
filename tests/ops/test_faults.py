"""Faults against a real server process: SIGKILL mid-stream, a full disk, a busy SQLite file.

After each fault the test restarts (or keeps) the server and checks, through the API only, that:
every 2xx answer's data is there; a request whose answer was lost is there whole or not at all;
pool counters equal the tasks that can be listed; operation logs match the tasks; the pool's
status column and its JSON agree. Each test prints one `FIGURES` line (run with `-s` to see them);
docs/reliability.md quotes them.
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.api import all_tasks, client, make_pool, wait_operation
from tests.support.server import ServerProcess

SYNC = {"async_mode": "false", "allow_defaults": "true"}
IMAGE = re.compile(r"https://example\.com/(?P<batch>[a-z]+\d+)/(?P<number>\d+)\.png")


def batch_tasks(pool_id: str, batch: str, count: int, padding: int = 0) -> list[dict[str, Any]]:
    """Tasks whose images name their batch, so the tasks of each request can be counted later."""
    tail = "?" + "p" * padding if padding else ""
    return [{"pool_id": pool_id, "input_values": {"image": f"https://example.com/{batch}/{number}.png{tail}"}}
            for number in range(count)]


def by_batch(tasks: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        match = IMAGE.match(task["input_values"]["image"])
        assert match is not None, task
        groups.setdefault(match["batch"], []).append(task)
    return groups


def counts(api: httpx.Client, pool_id: str) -> dict[str, Any]:
    answer = api.get(f"/pools/{pool_id}/counts")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def figures(name: str, **numbers: Any) -> None:
    print(f"\nFIGURES {name}: " + ", ".join(f"{key}={value}" for key, value in numbers.items()))


# --------------------------------------------------------------------- SIGKILL during sync creates


@dataclass
class Stream:
    """Sync create requests sent from several threads; what each request got back."""

    url: str
    token: str
    pool_id: str
    tasks_per_request: int
    numbers: Iterator[int] = field(default_factory=itertools.count)
    bodies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    operations: dict[str, str] = field(default_factory=dict)
    answered: dict[str, list[str]] = field(default_factory=dict)
    lost: set[str] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send_until_refused(self, limit: int) -> None:
        with client(self.url, self.token) as api:
            while True:
                with self.lock:
                    number = next(self.numbers)
                if number >= limit:
                    return
                batch = f"r{number}"
                body = batch_tasks(self.pool_id, batch, self.tasks_per_request)
                operation_id = str(uuid.uuid4())
                with self.lock:
                    self.bodies[batch], self.operations[batch] = body, operation_id
                try:
                    answer = api.post("/tasks", json=body, params={**SYNC, "operation_id": operation_id})
                except httpx.TransportError:
                    with self.lock:
                        self.lost.add(batch)
                    return
                with self.lock:
                    if answer.status_code == 201:
                        self.answered[batch] = [task["id"] for task in answer.json()["items"].values()]
                    else:
                        self.unexpected.append(f"{batch}: {answer.status_code} {answer.text[:300]}")


def run_until_killed(server: ServerProcess, stream: Stream, *, threads: int, kill_after: int, limit: int) -> None:
    """Send from `threads` threads; SIGKILL the server once `kill_after` more requests were answered."""
    target = len(stream.answered) + kill_after
    workers = [threading.Thread(target=stream.send_until_refused, args=(limit,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while len(stream.answered) < target and time.monotonic() < deadline and any(w.is_alive() for w in workers):
        time.sleep(0.005)
    server.kill()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)


def test_sigkill_during_a_stream_of_sync_creates(own_server: ServerProcess) -> None:
    per_request, rounds = 25, 3
    own_server.start()
    with client(own_server.url, own_server.token) as api:
        pool_id = make_pool(api)
    stream = Stream(own_server.url, own_server.token, pool_id, per_request)
    for _ in range(rounds):
        run_until_killed(own_server, stream, threads=6, kill_after=40, limit=10_000)
        own_server.start()
    assert not stream.unexpected, stream.unexpected[:5]
    assert stream.lost, "the kill caught requests in flight"

    with client(own_server.url, own_server.token) as api:
        groups = by_batch(all_tasks(api, pool_id))
        for batch, ids in stream.answered.items():
            assert sorted(task["id"] for task in groups.get(batch, [])) == sorted(ids), f"{batch} was answered 201"
        committed_but_lost = 0
        for batch in stream.lost:
            found = len(groups.get(batch, []))
            assert found in (0, per_request), f"{batch}: {found} of {per_request} tasks: half created"
            operation = api.get(f"/operations/{stream.operations[batch]}")
            if found:
                committed_but_lost += 1
                assert operation.status_code == 200 and operation.json()["status"] == "SUCCESS", operation.text
                assert operation.json()["details"]["created_count"] == per_request
            else:
                assert operation.status_code == 404, "an operation without its tasks"
        assert set(groups) <= set(stream.bodies), "tasks of a request that was never sent"
        total = sum(len(group) for group in groups.values())
        assert counts(api, pool_id)["task_count"] == total

        for batch in sorted(stream.lost):
            again = api.post("/tasks", json=stream.bodies[batch], params={**SYNC, "operation_id": stream.operations[batch]})
            assert again.status_code == 201, again.text
        groups = by_batch(all_tasks(api, pool_id))
        sent = set(stream.answered) | stream.lost
        assert {batch: len(groups[batch]) for batch in sent} == dict.fromkeys(sent, per_request), \
            "retrying a lost request with its operation_id leaves exactly one copy"
        assert counts(api, pool_id)["task_count"] == per_request * len(sent)
    figures("sync-stream", backend=own_server.database_url.split(":")[0], kills=rounds,
            answered=len(stream.answered), lost=len(stream.lost), lost_but_committed=committed_but_lost,
            tasks=per_request * len(sent), lost_objects=0)


# ------------------------------------------------------------------ SIGKILL during async operations


def test_sigkill_during_async_operations(own_server: ServerProcess) -> None:
    per_operation, operations, kills = 6_000, 3, 2
    own_server.env.update(TALAKA_OPERATION_CHUNK_ITEMS="500", TALAKA_OPERATION_LEASE_SECONDS="1",
                          TALAKA_INLINE_ASYNC_ITEMS="100")
    own_server.start()
    with client(own_server.url, own_server.token) as api:
        pool_id = make_pool(api)
        accepted = []
        for number in range(operations):
            answer = api.post("/tasks", json=batch_tasks(pool_id, f"op{number}", per_operation),
                              params={"async_mode": "true", "allow_defaults": "true"})
            assert answer.status_code == 202, answer.text
            accepted.append(answer.json()["id"])
    caught = 0
    for _ in range(kills):
        with client(own_server.url, own_server.token) as api:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                progress = [api.get(f"/operations/{operation}").json()["progress"] for operation in accepted]
                if any(0 < value < 100 for value in progress):
                    caught += 1
                    break
        own_server.kill()
        own_server.start()
        with client(own_server.url, own_server.token) as api:
            before = counts(api, pool_id)["task_count"]
            listed = len(all_tasks(api, pool_id))
            after = counts(api, pool_id)["task_count"]
            assert before <= listed <= after, "the counters and the tasks were committed together"
    assert caught, "at least one kill landed while an operation ran"

    with client(own_server.url, own_server.token) as api:
        for operation_id in accepted:
            operation = wait_operation(api, operation_id)
            assert operation["status"] == "SUCCESS"
            assert operation["details"]["created_count"] == per_operation
        tasks = all_tasks(api, pool_id)
        groups = by_batch(tasks)
        assert {batch: len(group) for batch, group in groups.items()} == {
            f"op{number}": per_operation for number in range(operations)}
        assert counts(api, pool_id)["task_count"] == len(tasks) == per_operation * operations
        images = {task["id"]: task["input_values"]["image"] for task in tasks}
        for number, operation_id in enumerate(accepted):
            log = api.get(f"/operations/{operation_id}/log").json()
            assert len(log) == per_operation
            assert {item["type"] for item in log} == {"TASK_CREATE"} and all(item["success"] for item in log)
            assert sorted(int(item["input"]["__item_idx"]) for item in log) == list(range(per_operation))
            for item in log:
                task_id = item["output"]["task_id"]
                assert images[task_id] == item["input"]["input_values"]["image"], "the log names the wrong task"
                assert images[task_id].endswith(f"/{item['input']['__item_idx']}.png")
            assert {item["output"]["task_id"] for item in log} == {task["id"] for task in groups[f"op{number}"]}
    figures("async-operations", backend=own_server.database_url.split(":")[0], kills=kills, caught_mid_run=caught,
            operations=operations, tasks=per_operation * operations, lost_objects=0, duplicates=0)


# --------------------------------------------------------------------- SIGKILL during pool opening


def toggle_until_killed(url: str, token: str, pool_id: str, acknowledged: list[str], attempted: list[str]) -> None:
    """Open and close the pool as fast as answers come, until the server is gone."""
    with client(url, token) as toggler:
        for target in itertools.cycle(("open", "close")):
            attempted.append(target)
            try:
                answer = toggler.post(f"/pools/{pool_id}/{target}")
            except httpx.TransportError:
                return
            assert answer.status_code in (202, 204), answer.text
            acknowledged.append(target)


def test_sigkill_during_pool_opening(own_server: ServerProcess) -> None:
    own_server.start()
    with client(own_server.url, own_server.token) as api:
        pool_id = make_pool(api)
        assert api.post("/tasks", json=batch_tasks(pool_id, "open0", 3), params=SYNC).status_code == 201
    changes = 0
    status = "CLOSED"
    for delay in (0.05, 0.2, 0.45):
        initial = status
        acknowledged: list[str] = []
        attempted: list[str] = []
        worker = threading.Thread(target=toggle_until_killed,
                                  args=(own_server.url, own_server.token, pool_id, acknowledged, attempted))
        worker.start()
        time.sleep(delay)
        own_server.kill()
        worker.join(timeout=30)
        own_server.start()
        changes += len(acknowledged)
        with client(own_server.url, own_server.token) as api:
            pool = api.get(f"/pools/{pool_id}")
            assert pool.status_code == 200, pool.text
            status = pool.json()["status"]
            state = {"open": "OPEN", "close": "CLOSED"}
            possible = {state[acknowledged[-1]] if acknowledged else initial, state[attempted[-1]]}
            assert status in possible, (status, acknowledged[-3:], attempted[-3:])
            other = "CLOSED" if status == "OPEN" else "OPEN"
            assert pool_id in {item["id"] for item in api.get("/pools", params={"status": status}).json()["items"]}
            assert pool_id not in {item["id"] for item in api.get("/pools", params={"status": other}).json()["items"]}
            operations = api.get("/operations", params={"limit": 500}).json()["items"]
            assert {operation["status"] for operation in operations} == {"SUCCESS"}
            assert counts(api, pool_id)["task_count"] == 3
    with client(own_server.url, own_server.token) as api:
        for target, status in (("close", "CLOSED"), ("open", "OPEN"), ("close", "CLOSED")):
            assert api.post(f"/pools/{pool_id}/{target}").status_code in (202, 204)
            assert api.get(f"/pools/{pool_id}").json()["status"] == status
    figures("pool-opening", backend=own_server.database_url.split(":")[0], kills=3, acknowledged_changes=changes,
            torn_pools=0)


# ----------------------------------------------------------------------------------- SQLite only


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs of our own: the disk the SQLite database fills up."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs to fill (needs root): {mounted.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


@pytest.fixture
def disk_server(small_disk: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server whose SQLite database lives on the small disk (stopped before the disk is unmounted)."""
    process = ServerProcess(f"sqlite:///{small_disk / 'talaka.db'}", tmp_path / "server.log")
    yield process
    process.stop()


def test_a_full_disk_refuses_uploads_with_503_and_keeps_everything_else(disk_server: ServerProcess,
                                                                         small_disk: Path) -> None:
    """Fill the disk, check the refusal and what was kept, free the filler, upload again.

    The filler takes 4 of the 6 MB so that the write-ahead log never reaches its 1,000-page
    checkpoint before the disk is full: what is freed then covers the checkpoint, which copies the
    log into the database file and so needs as much room again (see docs/reliability.md).
    """
    filler = small_disk / "filler"
    filler.write_bytes(os.urandom(4_000_000))
    disk_server.start()
    answered: dict[str, list[str]] = {}
    with client(disk_server.url, disk_server.token) as api:
        pool_id = make_pool(api)
        refusal = None
        for number in range(300):
            batch = f"d{number}"
            answer = api.post("/tasks", json=batch_tasks(pool_id, batch, 100, padding=400), params=SYNC)
            if answer.status_code != 201:
                refusal = answer
                break
            answered[batch] = [task["id"] for task in answer.json()["items"].values()]
        assert refusal is not None, "the disk never filled up"
        assert refusal.status_code == 503, refusal.text
        body = refusal.json()
        assert set(body) == {"request_id", "code", "message", "payload"}
        assert body["code"] == "REMOTE_SERVICE_UNAVAILABLE"
        assert "nothing of it was kept" in body["message"]
        assert refusal.headers["x-request-id"] == body["request_id"]
        assert answered, "some uploads fitted before the disk filled"

        assert disk_server.process is not None and disk_server.process.poll() is None, "the server is alive"
        assert api.get("/requester").status_code == 200
        assert api.get(f"/pools/{pool_id}").status_code == 200

        def check_everything_answered_is_there() -> None:
            groups = by_batch(all_tasks(api, pool_id))
            for batch, ids in answered.items():
                assert sorted(task["id"] for task in groups[batch]) == sorted(ids)
            assert set(groups) == set(answered), "nothing of a refused upload is visible"
            assert counts(api, pool_id)["task_count"] == 100 * len(answered)

        check_everything_answered_is_there()
        refused_again = api.post("/tasks", json=batch_tasks(pool_id, "refused", 100, padding=400), params=SYNC)
        assert refused_again.status_code == 503, "still full, still refused cleanly"

        filler.unlink()
        for number in range(300, 303):
            batch = f"d{number}"
            answer = api.post("/tasks", json=batch_tasks(pool_id, batch, 100, padding=400), params=SYNC)
            assert answer.status_code == 201, f"after freeing space: {answer.status_code} {answer.text[:300]}"
            answered[batch] = [task["id"] for task in answer.json()["items"].values()]
        check_everything_answered_is_there()

    disk_server.stop()
    with sqlite3.connect(f"file:{small_disk / 'talaka.db'}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    disk_server.start()
    with client(disk_server.url, disk_server.token) as api:
        groups = by_batch(all_tasks(api, pool_id))
        assert {batch: sorted(task["id"] for task in group) for batch, group in groups.items()} == {
            batch: sorted(ids) for batch, ids in answered.items()}
    figures("full-disk", uploads_answered=len(answered), refusals=2, tasks=100 * len(answered), lost_objects=0)


def test_database_is_locked_never_reaches_a_client(tmp_path: Path) -> None:
    """`talaka requester create` processes write to the same SQLite file while the server takes uploads."""
    server = ServerProcess(f"sqlite:///{tmp_path / 'talaka.db'}", tmp_path / "server.log", log_level="info")
    try:
        server.start()
        with client(server.url, server.token) as api:
            pool_id = make_pool(api)
        statuses: Counter[int] = Counter()
        problems: list[str] = []
        stop = threading.Event()
        numbers = itertools.count()

        def upload() -> None:
            with client(server.url, server.token) as uploader:
                while not stop.is_set():
                    batch = f"u{next(numbers)}"
                    answer = uploader.post("/tasks", json=batch_tasks(pool_id, batch, 50), params=SYNC)
                    statuses[answer.status_code] += 1
                    if answer.status_code != 201 or "locked" in answer.text:
                        problems.append(f"{batch}: {answer.status_code} {answer.text[:300]}")

        uploaders = [threading.Thread(target=upload) for _ in range(3)]
        for uploader in uploaders:
            uploader.start()
        tokens: dict[str, str] = {}
        try:
            for round_number in range(3):
                creators = {f"busy{round_number}-{number}": subprocess.Popen(
                    [sys.executable, "-m", "talaka", "requester", "create", f"busy{round_number}-{number}",
                     "--database", server.database_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for number in range(4)}
                for name, creator in creators.items():
                    out, err = creator.communicate(timeout=60)
                    assert creator.returncode == 0, err
                    assert "locked" not in err
                    tokens[name] = out.strip().splitlines()[-1]
        finally:
            stop.set()
            for uploader in uploaders:
                uploader.join(timeout=60)
        assert not problems, problems[:5]
        assert statuses[201] >= 10, statuses
        with httpx.Client(base_url=server.url + "/api/v1", timeout=60) as http:
            for name, token in tokens.items():
                who = http.get("/requester", headers={"Authorization": f"OAuth {token}"})
                assert who.status_code == 200 and who.json()["public_name"] == {"EN": name}
        with client(server.url, server.token) as api:
            assert counts(api, pool_id)["task_count"] == 50 * statuses[201] == len(all_tasks(api, pool_id))
    finally:
        server.stop()
    assert "database is locked" not in server.log_path.read_text(errors="replace")
    figures("busy-sqlite", uploads=sum(statuses.values()), requesters_created=len(tokens), locked_errors=0)
