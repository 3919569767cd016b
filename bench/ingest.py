"""Ingest benchmark: end-to-end task creation against the raw database ceiling, in one run.

    python bench/ingest.py [--tasks 1000000] [--per-request 10000] [--in-flight 2]

(a) end to end: a real `talaka serve` process on a fresh SQLite file; request bodies are built
    before the clock starts; the clock runs from the first request byte until every operation is
    committed (SUCCESS). 10% of the tasks are golden.
(b) ceiling: the same rows inserted with `executemany` straight into a fresh database with the
    same schema, in transactions of the same size.
(c) single-task `create_task` (sync) throughput and latency with 16 concurrent keep-alive clients.
The figures are printed as JSON and a summary; ratios are what to compare across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from talaka.core.ids import task_id  # noqa: E402
from talaka.core.timefmt import now_text  # noqa: E402
from talaka.store.sqlite_engine import connect, migrate  # noqa: E402
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


def ceiling(total: int, per_request: int, folder: Path) -> dict[str, float]:
    conn = connect(str(folder / "ceiling.db"))
    migrate(conn)
    encode = msgspec.json.encode
    created = now_text()
    rows = []
    for number in range(total):
        task = make_task("1", number)
        body = encode({**task, "overlap": 3, "infinite_overlap": False, "remaining_overlap": 3, "created": created})
        rows.append((number + 1, 1, 1, number, 3, int("known_solutions" in task), created, body))
    assert task_id(1, 1)
    started = time.perf_counter()
    for start in range(0, total, per_request):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO tasks (seq, pool_id, op_no, item_idx, overlap, golden, created, body) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows[start:start + per_request])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return {"tasks": total, "seconds": elapsed, "tasks_per_second": total / elapsed}


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        server = ServerProcess(f"sqlite:///{folder / 'talaka.db'}", folder / "server.log", log_level="info").start()
        try:
            e2e = end_to_end(server, args.tasks, args.per_request, args.in_flight)
            assert server.process is not None
            e2e["server_peak_rss_mb"] = peak_rss_mb(server.process.pid)
            single = single_tasks(server, args.clients, args.seconds)
        finally:
            server.stop()
        raw = ceiling(args.tasks, args.per_request, folder)
    report = {"end_to_end": e2e, "ceiling": raw, "ratio": e2e["tasks_per_second"] / raw["tasks_per_second"],
              "single_create_task": single}
    print(json.dumps(report, indent=2))
    print(f"end to end {e2e['tasks_per_second']:,.0f} tasks/s, ceiling {raw['tasks_per_second']:,.0f} tasks/s, "
          f"ratio {report['ratio']:.2f}; server peak RSS {e2e['server_peak_rss_mb']:.0f} MB; "
          f"create_task x{single['clients']}: {single['requests_per_second']:,.0f} req/s, "
          f"p99 {single['p99_ms']:.1f} ms")


if __name__ == "__main__":
    main()
