"""SDK benchmark: Talaka's `Client.create_tasks` beside toloka-kit's `TolokaClient.create_tasks`.

    python bench/sdk.py [--tasks 1000000] [--toloka-tasks 100000] [--chunk-size 10000] [--in-flight 4]
                        [--database URL]

Both clients talk to one real `talaka serve` process (a fresh SQLite file unless `--database`
names a fresh database), each into a pool of its own. Task objects are built before the clock
starts; the clock runs until `create_tasks` has returned every created task as an object. Each
task has ~120 bytes of `input_values`, every tenth is golden, `allow_defaults=True`, default
(async) mode, `skip_invalid_items` left out.

toloka-kit sends all its tasks in one request (so at most the server's 100,000 a request),
then reads them back 50 per request, so its run is smaller by default: compare the RATES
(tasks/s), not the totals. Talaka's SDK is also timed at toloka-kit's size, for a same-size rate.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.server import ServerProcess

import talaka

PROJECT: dict[str, Any] = {
    "public_name": "sdk bench", "public_description": "SDK create_tasks benchmark",
    "task_spec": {
        "input_spec": {"image": {"type": "url", "required": True},
                       "hint": {"type": "string", "required": False, "max_length": 100},
                       "rank": {"type": "integer", "required": False, "min_value": 0, "max_value": 100}},
        "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog", "other"]}}}}


def input_values(number: int) -> dict[str, Any]:
    return {"image": f"https://storage.example.com/datasets/pets/{number:09d}.jpg",
            "hint": "Is it a cat or a dog? Look at the ears", "rank": number % 100}


def new_pool(client: talaka.Client, name: str) -> str:
    project = client.create_project(PROJECT)
    pool = client.create_pool(talaka.Pool(project_id=project.id, private_name=name,
                                          defaults={"default_overlap_for_new_tasks": 3}))
    assert pool.id is not None
    return pool.id


def talaka_run(server: ServerProcess, count: int, chunk_size: int, in_flight: int) -> dict[str, float]:
    with talaka.Client(server.url, server.token, chunk_size=chunk_size, max_in_flight=in_flight) as client:
        pool_id = new_pool(client, f"talaka sdk {count}")
        golden = [talaka.KnownSolution(output_values={"label": "cat"}, correctness_weight=1)]
        tasks = [talaka.Task(pool_id=pool_id, input_values=input_values(number),
                             known_solutions=golden if number % 10 == 0 else None) for number in range(count)]
        started = time.perf_counter()
        result = client.create_tasks(tasks, allow_defaults=True, progress=False)
        elapsed = time.perf_counter() - started
    assert len(result.items) == count and not result.validation_errors
    for index in (0, count // 2, count - 1):
        task = result.items[str(index)]
        assert task.id and task.input_values == input_values(index), index
    return {"tasks": count, "seconds": elapsed, "tasks_per_second": count / elapsed}


def toloka_run(server: ServerProcess, count: int) -> dict[str, float]:
    warnings.simplefilter("ignore")
    import toloka.client as toloka

    with talaka.Client(server.url, server.token) as client:
        pool_id = new_pool(client, f"toloka-kit {count}")
    kit = toloka.TolokaClient(server.token, url=server.url, timeout=300)
    golden = [toloka.task.BaseTask.KnownSolution(output_values={"label": "cat"}, correctness_weight=1)]
    tasks = [toloka.Task(pool_id=pool_id, input_values=input_values(number),
                         known_solutions=golden if number % 10 == 0 else None) for number in range(count)]
    started = time.perf_counter()
    result = kit.create_tasks(tasks, allow_defaults=True)
    elapsed = time.perf_counter() - started
    assert len(result.items) == count and not result.validation_errors
    assert result.items[str(count - 1)].input_values == input_values(count - 1)
    return {"tasks": count, "seconds": elapsed, "tasks_per_second": count / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks for Talaka's SDK")
    parser.add_argument("--toloka-tasks", type=int, default=100_000, help="tasks for toloka-kit (<= 100,000)")
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--database", help="a fresh database URL; by default a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        url = args.database or f"sqlite:///{folder / 'talaka.db'}"
        server = ServerProcess(url, folder / "server.log").start()
        try:
            sdk = talaka_run(server, args.tasks, args.chunk_size, args.in_flight)
            sdk_same = talaka_run(server, args.toloka_tasks, args.chunk_size, args.in_flight)
            kit = toloka_run(server, args.toloka_tasks)
        finally:
            server.stop()
    report = {
        "compared": "tasks per second (the runs have different sizes; compare rates, not totals)",
        "talaka_sdk": sdk, "toloka_kit": kit, "talaka_sdk_at_toloka_kit_size": sdk_same,
        "rate_ratio": sdk["tasks_per_second"] / kit["tasks_per_second"],
        "same_size_rate_ratio": sdk_same["tasks_per_second"] / kit["tasks_per_second"],
        "settings": {"chunk_size": args.chunk_size, "in_flight": args.in_flight,
                     "backend": "sqlite" if args.database is None else "given"},
    }
    print(json.dumps(report, indent=2))
    print(f"rates, not totals: Talaka SDK {sdk['tasks_per_second']:,.0f} tasks/s "
          f"({sdk['tasks']:,} tasks, {sdk['seconds']:.1f} s) vs toloka-kit "
          f"{kit['tasks_per_second']:,.0f} tasks/s "
          f"({kit['tasks']:,} tasks, {kit['seconds']:.1f} s): {report['rate_ratio']:.1f}x; at the same size "
          f"{sdk_same['tasks_per_second']:,.0f} tasks/s, {report['same_size_rate_ratio']:.1f}x")


if __name__ == "__main__":
    main()
