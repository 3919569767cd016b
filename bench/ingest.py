"""Ingest benchmark: end-to-end task creation against the raw database ceiling, in one run.

    python bench/ingest.py [--tasks 1000000] [--per-request 10000] [--in-flight 2]
                           [--database postgresql://postgres@127.0.0.1:5432/test]

(a) end to end: a real `talaka serve` process on a fresh database (a SQLite file, or a new
    PostgreSQL database on the server `--database` names); request bodies are built before the
    clock starts; the clock runs from the first request byte until every operation is committed
    (SUCCESS). 10% of the tasks are golden.
(b) ceiling: the same rows inserted straight into another fresh database with the same schema, in
    transactions of the same size: `executemany` for SQLite, binary COPY (buffers built before the
    clock starts) for PostgreSQL.
(c) single-task `create_task` (sync) throughput and latency with 16 concurrent keep-alive clients.
The figures are printed as JSON and a summary; ratios are what to compare across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from talaka.core.batch import Row  # noqa: E402
from talaka.core.timefmt import now_text  # noqa: E402
from talaka.store.sqlite_engine import connect, migrate  # noqa: E402
from tests.support.databases import temporary_postgres  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

PROJECT = {
    "public_name": "bench", "public_description": "ingest benchmark",
    "task_spec": {
        "input_spec": {"image": {"type": "url", "required": True},
                       "hint": {"type": "string", "required": False, "max_length": 100},
                       "rank": {"type": "integer", "required": False, "min_value": 0, "max_value": 100}},
        "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog", "other"]}}}}


def make_task(pool_id: str, number: int) -> dict[str, Any]:
    """~120 bytes of input_values; every tenth task is golden."""
    task: dict[str, Any] = {"pool_id": pool_id, "input_values": {
        "image": f"https://storage.example.com/datasets/pets/{number:09d}.jpg",
        "hint": "Is it a cat or a dog? Look at the ears", "rank": number % 100}}
    if number % 10 == 0:
        task["known_solutions"] = [{"output_values": {"label": "cat"}, "correctness_weight": 1}]
    return task


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def end_to_end(server: ServerProcess, total: int, per_request: int, in_flight: int) -> dict[str, float]:
    headers = {"Authorization": f"OAuth {server.token}", "Content-Type": "application/json"}
    api = httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=300)
    project = api.post("/projects", json=PROJECT).json()
    pool = api.post("/pools", json={"project_id": project["id"], "private_name": "bench",
                                    "defaults": {"default_overlap_for_new_tasks": 3}}).json()
    bodies = [msgspec.json.encode([make_task(pool["id"], start + offset) for offset in range(per_request)])
              for start in range(0, total, per_request)]
    pending = list(reversed(bodies))
    operations: list[dict[str, Any]] = []
    lock = threading.Lock()

    def sender() -> None:
        with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=300) as client:
            while True:
                with lock:
                    if not pending:
                        return
                    body = pending.pop()
                answer = client.post("/tasks", content=body, params={
                    "operation_id": str(uuid.uuid4()), "async_mode": "true", "allow_defaults": "true"})
                answer.raise_for_status()
                operation = answer.json()
                while operation["status"] not in ("SUCCESS", "FAIL"):
                    time.sleep(0.02)
                    operation = client.get(f"/operations/{operation['id']}").json()
                with lock:
                    operations.append(operation)

    started = time.perf_counter()
    threads = [threading.Thread(target=sender) for _ in range(in_flight)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    created = sum(operation["details"]["created_count"] for operation in operations)
    assert created == total, f"created {created} of {total}"
    stored = api.get(f"/pools/{pool['id']}").json()
    assert stored["id"] == pool["id"]
    return {"tasks": total, "seconds": elapsed, "tasks_per_second": total / elapsed,
            "body_mb": sum(map(len, bodies)) / 1e6}


def ceiling_rows(total: int) -> list[Row]:
    encode = msgspec.json.encode
    created = now_text()
    rows: list[Row] = []
    for number in range(total):
        task = make_task("1", number)
        body = encode({**task, "overlap": 3, "infinite_overlap": False, "remaining_overlap": 3, "created": created})
        rows.append((1, number, 3, int("known_solutions" in task), created, body))
    return rows


def sqlite_ceiling(rows: list[Row], per_request: int, folder: Path) -> float:
    conn = connect(str(folder / "ceiling.db"))
    migrate(conn)
    batches = [[(start + offset + 1, *row) for offset, row in enumerate(rows[start:start + per_request])]
               for start in range(0, len(rows), per_request)]
    started = time.perf_counter()
    for batch in batches:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO tasks (seq, pool_id, item_idx, overlap, golden, created, body, op_no) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, 1)", batch)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def postgres_ceiling(rows: list[Row], per_request: int, url: str) -> float:
    import psycopg

    from talaka.store.postgres import COPY_TASKS, encode_copy
    from talaka.store.postgres_engine import migrate as migrate_postgres

    buffers = [encode_copy(rows[start:start + per_request], range(start + 1, start + 1 + per_request), 1)
               for start in range(0, len(rows), per_request)]
    with psycopg.connect(url) as conn:
        migrate_postgres(conn)
        started = time.perf_counter()
        for buffer in buffers:
            with conn.transaction(), conn.cursor().copy(COPY_TASKS.format(table="tasks")) as copy:
                copy.write(buffer)
        return time.perf_counter() - started


@contextmanager
def database(url: str | None, folder: Path, name: str) -> Iterator[str]:
    """A fresh database: a SQLite file in `folder`, or a new database on the PostgreSQL server `url`."""
    if url is None:
        yield f"sqlite:///{folder / name}.db"
        return
    with temporary_postgres(url, f"bench_{name}") as database_url:
        yield database_url


async def _single_client(port: int, template: bytes, deadline: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            request = template.replace(b"OPERATION-ID", str(uuid.uuid4()).encode())
            sent = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - sent)
            assert status == 201, f"create_task answered {status}"
    finally:
        writer.close()


def single_tasks(server: ServerProcess, clients: int, seconds: float) -> dict[str, float]:
    headers = {"Authorization": f"OAuth {server.token}"}
    api = httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=60)
    project = api.post("/projects", json=PROJECT).json()
    pool = api.post("/pools", json={"project_id": project["id"], "private_name": "single",
                                    "defaults": {"default_overlap_for_new_tasks": 1}}).json()
    body = msgspec.json.encode({**make_task(pool["id"], 7), "__item_idx": "0"})
    template = (b"POST /api/v1/tasks?operation_id=OPERATION-ID&async_mode=false&allow_defaults=true HTTP/1.1\r\n"
                b"Host: 127.0.0.1\r\nAuthorization: OAuth " + server.token.encode() + b"\r\n"
                b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    latencies: list[float] = []

    async def run() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_single_client(server.port, template, deadline, latencies) for _ in range(clients)))

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "requests_per_second": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--per-request", type=int, default=10_000)
    parser.add_argument("--in-flight", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite when left out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        with database(args.database, folder, "server") as url:
            server = ServerProcess(url, folder / "server.log", log_level="info").start()
            try:
                e2e = end_to_end(server, args.tasks, args.per_request, args.in_flight)
                assert server.process is not None
                e2e["server_peak_rss_mb"] = peak_rss_mb(server.process.pid)
                single = single_tasks(server, args.clients, args.seconds)
            finally:
                server.stop()
        rows = ceiling_rows(args.tasks)
        with database(args.database, folder, "ceiling") as url:
            seconds = (postgres_ceiling(rows, args.per_request, url) if args.database
                       else sqlite_ceiling(rows, args.per_request, folder))
    raw = {"tasks": args.tasks, "seconds": seconds, "tasks_per_second": args.tasks / seconds}
    report = {"backend": "postgres" if args.database else "sqlite", "end_to_end": e2e, "ceiling": raw,
              "ratio": e2e["tasks_per_second"] / raw["tasks_per_second"], "single_create_task": single}
    print(json.dumps(report, indent=2))
    print(f"{report['backend']}: end to end {e2e['tasks_per_second']:,.0f} tasks/s, ceiling {raw['tasks_per_second']:,.0f} tasks/s, "
          f"ratio {report['ratio']:.2f}; server peak RSS {e2e['server_peak_rss_mb']:.0f} MB; "
          f"create_task x{single['clients']}: {single['requests_per_second']:,.0f} req/s, "
          f"p99 {single['p99_ms']:.1f} ms")


if __name__ == "__main__":
    main()
