"""`talaka backup` of a live SQLite database while four uploaders write, and `talaka restore` of
the copy: the copy passes `integrity_check`, holds every task whose create was answered before the
backup began, and a server started on the restored database serves them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.api import client, image_tasks, make_pool
from tests.support.server import ServerProcess

UPLOADERS = 4
BATCH = 200
ENV = {"TALAKA_REQUESTS_PER_MINUTE": "1000000", "TALAKA_REQUESTS_PER_DAY": "100000000"}


def talaka(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "talaka", *args], capture_output=True, text=True, timeout=300)


class Uploaders:
    """Threads that create tasks with sync requests and remember when each answer came back."""

    def __init__(self, url: str, token: str, pool_id: str) -> None:
        self.url, self.token, self.pool_id = url, token, pool_id
        self.answered: list[tuple[float, list[str]]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(UPLOADERS)]

    def run(self, number: int) -> None:
        with client(self.url, self.token) as api:
            batch = 0
            while not self.stop.is_set():
                tasks = image_tasks(self.pool_id, BATCH, prefix=f"u{number}b{batch}")
                answer = api.post("/tasks", json=tasks, params={"allow_defaults": "true", "async_mode": "false"})
                done = time.monotonic()
                if answer.status_code != 201:
                    self.failures.append(f"{answer.status_code} {answer.text[:200]}")
                    return
                ids = [item["id"] for item in answer.json()["items"].values()]
                with self.lock:
                    self.answered.append((done, ids))
                batch += 1

    def __enter__(self) -> Uploaders:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def test_backup_while_writing_and_restore(tmp_path: Path) -> None:
    database = tmp_path / "live.db"
    server = ServerProcess(f"sqlite:///{database}", tmp_path / "server.log", env=ENV).start()
    copy = tmp_path / "backup.db"
    try:
        with client(server.url, server.token) as api:
            pool_id = make_pool(api)
        with Uploaders(server.url, server.token, pool_id) as uploaders:
            while len(uploaders.answered) < 20 and not uploaders.failures:
                time.sleep(0.05)
            began = time.monotonic()
            done = talaka("backup", str(copy), "--database", f"sqlite:///{database}")
            ended = time.monotonic()
            while len([1 for at, _ in uploaders.answered if at > ended]) < 8 and not uploaders.failures:
                time.sleep(0.05)  # the writes went on during and after the backup
        assert not uploaders.failures, uploaders.failures
        assert done.returncode == 0, done.stderr
        assert "checked" in done.stderr
        during = [ids for at, ids in uploaders.answered if began < at < ended]
        assert during, "no create was answered while the backup ran: the test did not test a live copy"
        before = {task_id for at, ids in uploaders.answered if at < began for task_id in ids}
        everything = {task_id for _, ids in uploaders.answered for task_id in ids}
    finally:
        server.stop()

    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = conn.execute("SELECT count(*) FROM tasks").fetchone()[0]
    conn.close()
    assert len(before) <= stored < len(everything)
    assert not Path(str(copy) + "-wal").exists()

    restored = tmp_path / "restored.db"
    done = talaka("restore", str(copy), "--database", f"sqlite:///{restored}")
    assert done.returncode == 0, done.stderr
    server = ServerProcess(f"sqlite:///{restored}", tmp_path / "restored.log", env=ENV, token=server.token).start()
    try:
        with client(server.url, server.token) as api:
            served: set[str] = set()
            last = ""
            while True:
                page = api.get("/tasks", params={"pool_id": pool_id, "sort": "id", "limit": 100_000,
                                                 **({"id_gt": last} if last else {})}).json()
                served.update(item["id"] for item in page["items"])
                if not page["has_more"]:
                    break
                last = page["items"][-1]["id"]
    finally:
        server.stop()
    assert before <= served, f"{len(before - served)} tasks answered before the backup are missing"
    assert len(served) == stored


@pytest.mark.parametrize("problem", ["postgres", "exists", "in-use"])
def test_refusals_say_what_to_do(tmp_path: Path, problem: str) -> None:
    database = tmp_path / "db.sqlite"
    if problem == "postgres":
        done = talaka("backup", str(tmp_path / "x.db"), "--database", "postgresql://postgres@127.0.0.1/test")
        assert done.returncode == 1 and "pg_dump" in done.stderr
        return
    assert talaka("migrate", "--database", f"sqlite:///{database}").returncode == 0
    if problem == "exists":
        (tmp_path / "taken.db").write_bytes(b"")
        done = talaka("backup", str(tmp_path / "taken.db"), "--database", f"sqlite:///{database}")
        assert done.returncode == 1 and "already exists" in done.stderr
        return
    backup_path = tmp_path / "copy.db"
    assert talaka("backup", str(backup_path), "--database", f"sqlite:///{database}").returncode == 0
    holder = sqlite3.connect(database)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = talaka("restore", str(backup_path), "--database", f"sqlite:///{database}")
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 1 and "stop every talaka serve" in done.stderr
