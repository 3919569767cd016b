"""Health checks under load: how long `/health` and `/ready` take while a server is busy.

    python bench/health.py [--seconds 30] [--uploaders 8] [--readers 50]
                           [--database postgresql://postgres@127.0.0.1:5432/test] [--workers 2]

A real `talaka serve` on a fresh database gets the load of `tests/ops/test_load.py`: `--uploaders`
clients sending async creates of 10,000 tasks one after another, and `--readers` clients paging
through the pool as toloka-kit does. Meanwhile a monitor polls `/health` and `/ready` on the
server's port and on its health port (`--health-port`) in turn, 20 times a second each, on one
keep-alive connection per port with a lean client, and records how long each answer took. It
reports p50, p99 and the maximum of each, with the same figures measured on the idle server
first, and the load's own throughput so that a run that did not load the server shows itself.
Each client process is separate from the server's, and all of them share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.api import make_pool  # noqa: E402 (the repository's root is on the path now)
from tests.support.databases import temporary_postgres  # noqa: E402
from tests.support.server import ServerProcess, free_port  # noqa: E402

POLL_HZ = 20
TASKS_PER_REQUEST = 10_000
PAGE = 1_000
PATHS = ("/health", "/ready")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def monitor(urls: dict[str, str], until: float) -> dict[str, list[float]]:
    """Poll as a load balancer does: one keep-alive connection per port and a lean client
    (`http.client`), so that the figures are the server's and the network's, not an HTTP library's."""
    connections = {name: http.client.HTTPConnection(httpx.URL(url).host, httpx.URL(url).port, timeout=10)
                   for name, url in urls.items()}
    timings: dict[str, list[float]] = {f"{name} {path}": [] for name in urls for path in PATHS}
    try:
        while time.monotonic() < until:
            for name, connection in connections.items():
                for path in PATHS:
                    started = time.perf_counter()
                    connection.request("GET", path)
                    answer = connection.getresponse()
                    body = answer.read()
                    timings[f"{name} {path}"].append((time.perf_counter() - started) * 1000)
                    assert answer.status == 200, body
            time.sleep(1 / POLL_HZ)
    finally:
        for connection in connections.values():
            connection.close()
    return timings


async def uploader(url: str, token: str, pool_id: str, number: int, until: float, counts: dict[str, int]) -> None:
    headers = {"Authorization": f"OAuth {token}"}
    async with httpx.AsyncClient(base_url=url + "/api/v1", headers=headers, timeout=300) as api:
        batch = 0
        while time.monotonic() < until:
            tasks = [{"pool_id": pool_id, "input_values": {"image": f"https://example.com/{number}/{batch}/{i}.png"}}
                     for i in range(TASKS_PER_REQUEST)]
            answer = await api.post("/tasks", json=tasks, params={
                "operation_id": str(uuid.uuid4()), "async_mode": "true", "allow_defaults": "true"})
            if answer.status_code == 202:
                counts["tasks"] += answer.json()["details"].get("created_count", 0)
            batch += 1


async def reader(url: str, token: str, pool_id: str, until: float, counts: dict[str, int]) -> None:
    headers = {"Authorization": f"OAuth {token}"}
    async with httpx.AsyncClient(base_url=url + "/api/v1", headers=headers, timeout=300) as api:
        last = ""
        while time.monotonic() < until:
            params = {"pool_id": pool_id, "sort": "id", "limit": PAGE, **({"id_gt": last} if last else {})}
            page = (await api.get("/tasks", params=params)).json()
            counts["reads"] += 1
            last = page["items"][-1]["id"] if page["items"] and page["has_more"] else ""


async def load(url: str, token: str, pool_id: str, seconds: float, uploaders: int, readers: int) -> None:
    until = time.monotonic() + seconds
    counts = {"tasks": 0, "reads": 0}
    clients = [uploader(url, token, pool_id, n, until, counts) for n in range(uploaders)]
    clients += [reader(url, token, pool_id, until, counts) for _ in range(readers)]
    await asyncio.gather(*clients)
    print(f"load: {counts['tasks'] / seconds:,.0f} tasks/s created, {counts['reads'] / seconds:,.0f} pages/s read")


def load_process(*args: object) -> None:
    asyncio.run(load(*args))  # type: ignore[arg-type]


def prioritize_monitor() -> None:
    """A load balancer runs on a machine of its own; here the monitor shares two cores with the
    load's clients, and a poll's answer would wait for the monitor to be scheduled (up to a
    scheduler slice: most of a 5 ms p99). Real-time priority (root only) keeps that wait out of
    the figures; the server's processes keep the priority they take themselves."""
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(1))
    except PermissionError:
        print("note: not root, so the monitor runs at normal priority and its own scheduling delays "
              "are part of the figures")


def run(url: str, token: str, seconds: float, uploaders: int, readers: int, health_url: str) -> None:
    """The monitor in this process, the load in another, so neither's client work delays the other."""
    ports = {"server": url, "health port": health_url}
    deadline = time.monotonic() + 30
    while any(httpx.get(port + path).status_code != 200 for port in ports.values() for path in PATHS):
        assert time.monotonic() < deadline, "the server did not become ready"
        time.sleep(0.1)
    idle = monitor(ports, time.monotonic() + min(10.0, seconds / 3))
    with httpx.Client(base_url=url + "/api/v1", headers={"Authorization": f"OAuth {token}"}, timeout=60) as api:
        pool_id = make_pool(api)
    worker = multiprocessing.Process(target=load_process, args=(url, token, pool_id, seconds, uploaders, readers))
    worker.start()
    prioritize_monitor()
    time.sleep(2)  # let the load build up
    busy = monitor(ports, time.monotonic() + seconds - 2)
    worker.join()
    print(f"{'':20} {'idle p50':>9} {'idle p99':>9} {'busy p50':>9} {'busy p99':>9} {'busy max':>9} {'polls':>6}")
    for name in busy:
        print(f"{name:20} {statistics.median(idle[name]):8.2f}ms {percentile(idle[name], 0.99):8.2f}ms "
              f"{statistics.median(busy[name]):8.2f}ms {percentile(busy[name], 0.99):8.2f}ms "
              f"{max(busy[name]):8.2f}ms {len(busy[name]):6d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--uploaders", type=int, default=8)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite when absent")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    env = {"TALAKA_REQUESTS_PER_MINUTE": "1000000", "TALAKA_REQUESTS_PER_DAY": "100000000"}
    with tempfile.TemporaryDirectory() as folder:
        if args.database:
            with temporary_postgres(args.database, "bench") as url:
                serve(url, Path(folder), env, args)
        else:
            serve(f"sqlite:///{folder}/talaka.db", Path(folder), env, args)


def serve(database_url: str, folder: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    server = ServerProcess(database_url, folder / "server.log", env=env, workers=args.workers,
                           health_port=free_port()).start()
    try:
        print(f"{database_url.split(':', 1)[0]}, {args.workers} server process(es), {args.uploaders} uploaders, "
              f"{args.readers} readers, {args.seconds:.0f} s")
        run(server.url, server.token, args.seconds, args.uploaders, args.readers,
            f"http://127.0.0.1:{server.health_port}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
