"""Work-loop benchmark: performers taking and submitting task suites as fast as they can.

    python bench/work.py [--tasks 1000000] [--small-tasks 10000] [--rules-tasks 100000] [--performers 32]
                         [--seconds 30] [--database postgresql://postgres@127.0.0.1:5432/test] [--workers 2]

A real `talaka serve` on a fresh database (a SQLite file, or a new PostgreSQL database on the
server `--database` names, served by `--workers` processes) gets a pool of `--tasks` tasks
(overlap 3, suites of 10 general tasks) and `--performers` performers. A second process then runs
every performer on its own keep-alive connection (raw HTTP/1.1 over asyncio, so the load
generator costs little of the shared CPU): take a suite, submit an answer for each task, again,
for `--seconds`. It reports suites and answers per second, p50/p99 of take and of submit, and the
server's RSS. Then the same with a pool of `--small-tasks` tasks, so that the take latency in the
big pool can be compared with the small one's (issuing must not scan the pool): the small run
stops early when the pool runs out of work.

Then quality control's cost: two pools of `--rules-tasks` tasks with one control task in each suite
(9 general + 1 golden), one without rules and one with the image-classification tutorial's four
rules (fast submits, control tasks, majority vote, skips in a row), run one after the other; the
submit p99 of the second over the first is the figure the rules must keep under 1.5. The crowd
answers every task alike and rightly, so no rule bans anyone (the run would end); the fast-submit
rule's action sets a skill instead, so that it fires on every submit, the worst case of an action.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import talaka  # noqa: E402
from bench.ingest import database  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

PROJECT = {
    "public_name": "bench", "public_description": "work-loop benchmark", "public_instructions": "Cat or dog?",
    "task_spec": {"input_spec": {"image": {"type": "url"}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}}}
SUITE = 10
OVERLAP = 3


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def server_pids(pid: int) -> list[int]:
    """The server process and its worker processes (`--workers N` forks them)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


def rss_mb(pid: int, field: str = "VmRSS:") -> float:
    """Resident memory of the server and its workers together (`VmHWM:` for the peaks)."""
    return sum(_status_mb(process, field) for process in server_pids(pid))


def tutorial_rules(skill_id: str) -> dict[str, Any]:
    """The image-classification tutorial's four rules as the wire has them (see the docstring)."""
    def rule(collector: dict[str, Any], conditions: list[tuple[str, str, float]],
             action: dict[str, Any] | None = None) -> dict[str, Any]:
        ban = {"type": "RESTRICTION_V2", "parameters": {"scope": "PROJECT", "duration": 1, "duration_unit": "DAYS"}}
        return {"collector_config": collector, "rules": [{
            "conditions": [{"key": key, "operator": operator, "value": value} for key, operator, value in conditions],
            "action": action or ban}]}

    return {"configs": [
        rule({"type": "ASSIGNMENT_SUBMIT_TIME", "parameters": {"history_size": 5, "fast_submit_threshold_seconds": 20}},
             [("fast_submitted_count", "GTE", 1)],
             {"type": "SET_SKILL", "parameters": {"skill_id": skill_id, "skill_value": 100}}),
        rule({"type": "GOLDEN_SET", "parameters": {"history_size": 10}},
             [("golden_set_answers_count", "GTE", 3), ("golden_set_correct_answers_rate", "LT", 60)]),
        rule({"type": "MAJORITY_VOTE", "parameters": {"answer_threshold": 2, "history_size": 10}},
             [("total_answers_count", "GTE", 4), ("correct_answers_rate", "LT", 75)]),
        rule({"type": "SKIPPED_IN_ROW_ASSIGNMENTS"}, [("skipped_in_row_count", "GTE", 3)]),
    ]}


def make_pool(server: ServerProcess, tasks: int, *, golden: int = 0, rules: bool = False) -> str:
    """A pool of `tasks` tasks (and `golden` control tasks, one in each suite), created through the
    SDK and opened; with `rules`, the tutorial's four."""
    with talaka.Client(server.url, server.token, timeout=600) as client:
        project = client.create_project(PROJECT)
        body: dict[str, Any] = {
            "project_id": project.id, "private_name": f"bench {tasks}", "reward_per_assignment": 0.01,
            "assignment_max_duration_seconds": 3600, "defaults": {"default_overlap_for_new_tasks": OVERLAP},
            "mixer_config": {"real_tasks_count": SUITE - (1 if golden else 0), "golden_tasks_count": 1 if golden else 0,
                             "training_tasks_count": 0}}
        if rules:
            body["quality_control"] = tutorial_rules(client.create_skill(name="fast", hidden=True).id)
        pool = client.create_pool(body)
        rows: Any = ({"pool_id": pool.id, "input_values": {"image": f"https://example.com/pets/{number:09d}.jpg"}}
                     for number in range(tasks))
        if golden:
            control = ({"pool_id": pool.id, "input_values": {"image": f"https://example.com/cats/{number:06d}.jpg"},
                        "known_solutions": [{"output_values": {"label": "cat"}}], "infinite_overlap": True}
                       for number in range(golden))
            client.create_tasks(control, allow_defaults=True)
        client.create_tasks(rows, allow_defaults=True, open_pool=True)
        return pool.id


def make_performers(server: ServerProcess, count: int) -> list[str]:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"OAuth {server.token}"}) as api:
        return [api.post("/api/v1/performers", json={"name": f"bench {number}"}).json()["token"]
                for number in range(count)]


async def _call(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return status, await reader.readexactly(length)


def _request(method: str, path: str, token: str, body: bytes) -> bytes:
    return (f"{method} /api/performer/v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: OAuth {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


class _Taken(msgspec.Struct):
    id: str
    tasks: list[msgspec.Raw]


async def _performer(port: int, token: str, pool_id: str, deadline: float, figures: dict[str, list[float]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    take = _request("POST", "/assignments", token, msgspec.json.encode({"pool_id": pool_id}))
    answer = {"output_values": {"label": "cat"}}
    decode = msgspec.json.Decoder(_Taken).decode
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, body = await _call(reader, writer, take)
            if status == 409:
                figures["ended"].append(time.perf_counter())
                return
            assert status in (200, 201), f"take answered {status}: {body[:200]!r}"
            figures["take"].append(time.perf_counter() - started)
            taken = decode(body)
            submit = _request("POST", f"/assignments/{taken.id}/submit", token,
                              msgspec.json.encode({"solutions": [answer] * len(taken.tasks)}))
            started = time.perf_counter()
            status, body = await _call(reader, writer, submit)
            assert status == 200, f"submit answered {status}: {body[:200]!r}"
            figures["submit"].append(time.perf_counter() - started)
            figures["answers"].append(len(taken.tasks))
    finally:
        writer.close()


def run_load(port: int, tokens: list[str], pool_id: str, seconds: float) -> dict[str, Any]:
    """The load generator's side (run in its own process by `--load`)."""
    figures: dict[str, list[float]] = {"take": [], "submit": [], "answers": [], "ended": []}

    async def run() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_performer(port, token, pool_id, deadline, figures) for token in tokens))

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = (min(figures["ended"]) if figures["ended"] else time.perf_counter()) - started
    take, submit = sorted(figures["take"]), sorted(figures["submit"])
    suites = len(submit)
    return {"performers": len(tokens), "seconds": elapsed, "suites": suites,
            "suites_per_second": suites / elapsed, "answers_per_second": sum(figures["answers"]) / elapsed,
            "take_p50_ms": statistics.median(take) * 1000, "take_p99_ms": take[int(len(take) * 0.99)] * 1000,
            "submit_p50_ms": statistics.median(submit) * 1000,
            "submit_p99_ms": submit[int(len(submit) * 0.99)] * 1000}


def measure(server: ServerProcess, tasks: int, tokens: list[str], seconds: float, *, golden: int = 0,
            rules: bool = False) -> dict[str, Any]:
    pool_id = make_pool(server, tasks, golden=golden, rules=rules)
    command = [sys.executable, __file__, "--load", json.dumps({"port": server.port, "tokens": tokens,
                                                               "pool_id": pool_id, "seconds": seconds})]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    assert server.process is not None
    result["tasks"] = tasks
    result["server_rss_mb"] = rss_mb(server.process.pid)
    result["server_peak_rss_mb"] = rss_mb(server.process.pid, "VmHWM:")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--small-tasks", type=int, default=10_000)
    parser.add_argument("--rules-tasks", type=int, default=100_000)
    parser.add_argument("--performers", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite when left out")
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only)")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        spec = json.loads(args.load)
        print(json.dumps(run_load(spec["port"], spec["tokens"], spec["pool_id"], spec["seconds"])))
        return
    with tempfile.TemporaryDirectory() as temp, database(args.database, Path(temp), "work") as url:
        env = {"TALAKA_SQLITE_SYNCHRONOUS": os.environ.get("TALAKA_SQLITE_SYNCHRONOUS", "FULL")}
        server = ServerProcess(url, Path(temp) / "server.log", env=env, workers=args.workers).start()
        try:
            tokens = make_performers(server, args.performers)
            big = measure(server, args.tasks, tokens, args.seconds)
            small = measure(server, args.small_tasks, tokens, args.seconds)
            golden = max(args.rules_tasks // 100, 100)
            plain = measure(server, args.rules_tasks, tokens[:len(tokens) // 2], args.seconds, golden=golden)
            ruled = measure(server, args.rules_tasks, tokens[len(tokens) // 2:], args.seconds, golden=golden,
                            rules=True)
        finally:
            server.stop()
    report = {"backend": "postgres" if args.database else "sqlite", "workers": args.workers, "big": big,
              "small": small, "take_p50_ratio": big["take_p50_ms"] / small["take_p50_ms"], "no_rules": plain,
              "rules": ruled, "rules_submit_p99_ratio": ruled["submit_p99_ms"] / plain["submit_p99_ms"]}
    print(json.dumps(report, indent=2))
    for name, run in (("big", big), ("small", small), ("no rules", plain), ("4 rules", ruled)):
        print(f"{report['backend']} {name} pool ({run['tasks']:,} tasks, {run['performers']} performers): "
              f"{run['suites_per_second']:,.0f} suites/s, {run['answers_per_second']:,.0f} answers/s; take p50 "
              f"{run['take_p50_ms']:.1f} ms p99 {run['take_p99_ms']:.1f} ms; submit p50 {run['submit_p50_ms']:.1f} "
              f"ms p99 {run['submit_p99_ms']:.1f} ms; server RSS {run['server_rss_mb']:.0f} MB")
    print(f"take p50, big pool / small pool: {report['take_p50_ratio']:.2f}")
    print(f"submit p99, 4 rules / no rules: {report['rules_submit_p99_ratio']:.2f}")


if __name__ == "__main__":
    main()
