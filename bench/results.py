"""Results benchmark: `talaka results` and the server's aggregation on a pool of a million real answers.

    python bench/results.py [--tasks 200000] [--overlap 5] [--performers 48] [--seed 7]
                            [--database postgresql://postgres@127.0.0.1:5432/test] [--keep DIR]

The pool is built for real, through the API: a real `talaka serve` on a fresh database (a SQLite
file, or a new PostgreSQL database on the server `--database` names) gets a project with five
labels, a pool of `--tasks` tasks at overlap `--overlap` in suites of 10, created through the SDK
and opened, and `--performers` performers. Each performer then takes and submits suites on its own
keep-alive connection (raw HTTP/1.1 over asyncio, as `bench/work.py` does) until the pool has
nothing left for them; the pool closes itself when every task has its answers. The crowd is
seeded: each task's true label is drawn from uneven priors, most performers are right with a
chance between 0.65 and 0.95 and otherwise pick another label at random, 15% are close to a coin
with five sides and 5% give the first label to everything, so aggregation has something to do.
Building a million answers takes minutes; with `--keep DIR` the SQLite file and what the later
steps need (token, pool id) are kept in DIR, and a later run with the same DIR measures only.

Then, on a freshly started server (so its memory figures are its own):

- `talaka results POOL -o FILE` in TSV, CSV and JSON lines, each in a process of its own: wall
  time, its CPU time and the server's over the run (the cores are shared, so wall time moves
  with whatever else runs), the process's own peak RSS (see `PEAK_OF`), rows and bytes written,
  and the server's peak RSS while it answered (`VmHWM`, reset before each run through
  `/proc/PID/clear_refs`). The target: under 150 MB for the `talaka results` process.
- The TSV read back with pandas (as `get_assignments_df` reads the export) beside
  `get_assignments_df(pool, status=[SUBMITTED, APPROVED, REJECTED])`: the same columns in the same
  order, the same rows, and whether every cell is equal.
- Server-side aggregation, `aggregate_solutions_by_pool` (DAWID_SKENE, then MAJORITY_VOTE) and
  `wait_operation`: wall time until SUCCESS, the operation's own time (submitted to finished),
  and the server's RSS before, its peak during and its RSS after the operation.
- `talaka results POOL --aggregate dawid-skene --field result` (and majority-vote): time, peak
  RSS, and the accuracy of the labels written against the crowd's true labels.

It prints a table and the whole report as JSON, and exits 1 when a `talaka results` run of every
answer went over 150 MB or the TSV does not read back as `get_assignments_df` does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import database  # noqa: E402
from bench.work import _call, _request, make_performers, rss_mb, server_pids  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

import talaka  # noqa: E402
from talaka.client._assignments import TSV_ID_COLUMNS  # noqa: E402

LABELS: Final = ("cat", "dog", "bird", "fish", "other")
PRIORS: Final = (0.35, 0.25, 0.2, 0.12, 0.08)
SUITE: Final = 10
NEAR_RANDOM_SHARE: Final = 0.15
SPAMMER_SHARE: Final = 0.05
TARGET_MB: Final = 150.0
ANSWER_STATUSES: Final = ["SUBMITTED", "APPROVED", "REJECTED"]
CROWD_ROUNDS: Final = 3
"""A performer stops at its first NO_TASKS_AVAILABLE, which near the end can come while others hold
suites they may yet give back; another round takes whatever such a moment left."""
CLOSE_SECONDS: Final = 60.0
"""How long the pool may take to close once every answer is in (the server sweeps twice a second)."""
PROJECT: Final = {
    "public_name": "bench results", "public_description": "results benchmark",
    "public_instructions": "What is it?",
    "task_spec": {"input_spec": {"image": {"type": "url"}},
                  "output_spec": {"result": {"type": "string", "allowed_values": list(LABELS)}}}}
IMAGE: Final = "https://example.com/items/{:09d}.jpg"


def true_label(number: int) -> int:
    """Task `number`'s true label, from the priors: a multiplicative hash spreads consecutive numbers
    evenly over [0, 1), so the labels follow the priors without keeping a list of a million."""
    point = (number * 2654435761 % 2**32) / 2**32
    for label, prior in enumerate(PRIORS):
        point -= prior
        if point < 0:
            return label
    return len(PRIORS) - 1


def task_number(image: str) -> int:
    return int(image.rsplit("/", 1)[1].split(".")[0])


@dataclass
class Performer:
    """How one member of the crowd answers: right with `accuracy`, else another label at random;
    a spammer answers the first label whatever the task."""

    token: str
    accuracy: float
    spammer: bool
    rng: random.Random

    @classmethod
    def drawn(cls, token: str, index: int, seed: int) -> Performer:
        rng = random.Random(seed * 100_003 + index)
        kind = rng.random()
        accuracy = rng.uniform(0.15, 0.35) if kind < NEAR_RANDOM_SHARE else rng.uniform(0.65, 0.95)
        return cls(token, accuracy, kind > 1 - SPAMMER_SHARE, rng)

    def answer(self, truth: int) -> str:
        if self.spammer:
            return LABELS[0]
        if self.rng.random() < self.accuracy:
            return LABELS[truth]
        return LABELS[self.rng.choice([label for label in range(len(LABELS)) if label != truth])]


class _Task(msgspec.Struct):
    input_values: dict[str, str]


class _Taken(msgspec.Struct):
    id: str
    tasks: list[_Task]


class _Problem(msgspec.Struct):
    code: str = ""


def no_tasks(body: bytes) -> bool:
    return msgspec.json.decode(body, type=_Problem).code == "NO_TASKS_AVAILABLE"


async def _work(port: int, performer: Performer, pool_id: str, done: dict[str, int]) -> None:
    """Take and submit suites until the pool has nothing left for this performer (409
    NO_TASKS_AVAILABLE) or has closed (404)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    take = _request("POST", "/assignments", performer.token, msgspec.json.encode({"pool_id": pool_id}))
    decode = msgspec.json.Decoder(_Taken).decode
    try:
        while True:
            status, body = await _call(reader, writer, take)
            if status == 404 or (status == 409 and no_tasks(body)):
                return
            assert status in (200, 201), f"take answered {status}: {body[:200]!r}"
            taken = decode(body)
            truths = [true_label(task_number(task.input_values["image"])) for task in taken.tasks]
            solutions = [{"output_values": {"result": performer.answer(truth)}} for truth in truths]
            submit = _request("POST", f"/assignments/{taken.id}/submit", performer.token,
                              msgspec.json.encode({"solutions": solutions}))
            status, body = await _call(reader, writer, submit)
            assert status == 200, f"submit answered {status}: {body[:200]!r}"
            done["suites"] += 1
            done["answers"] += len(solutions)
    finally:
        writer.close()


def make_pool(server: ServerProcess, tasks: int, overlap: int) -> str:
    """The five-label pool, created through the SDK and opened (`bench.work.make_pool` fixes overlap 3
    and a cat-or-dog project)."""
    with talaka.Client(server.url, server.token, timeout=600) as client:
        project = client.create_project(PROJECT)
        pool = client.create_pool({
            "project_id": project.id, "private_name": f"bench results {tasks}", "reward_per_assignment": 0.01,
            "assignment_max_duration_seconds": 3600, "defaults": {"default_overlap_for_new_tasks": overlap},
            "mixer_config": {"real_tasks_count": SUITE, "golden_tasks_count": 0, "training_tasks_count": 0}})
        rows: Any = ({"pool_id": pool.id, "input_values": {"image": IMAGE.format(number)}}
                     for number in range(tasks))
        client.create_tasks(rows, allow_defaults=True, open_pool=True)
        assert pool.id is not None
        return pool.id


def build(server: ServerProcess, tasks: int, overlap: int, performers: int, seed: int) -> dict[str, Any]:
    """Make the pool and have the crowd answer all of it; the pool must end CLOSED with every answer."""
    started = time.perf_counter()
    pool_id = make_pool(server, tasks, overlap)
    created = time.perf_counter() - started
    tokens = make_performers(server, performers)
    crowd = [Performer.drawn(token, index, seed) for index, token in enumerate(tokens)]
    done = {"suites": 0, "answers": 0}

    async def everyone() -> None:
        await asyncio.gather(*(_work(server.port, performer, pool_id, done) for performer in crowd))

    started = time.perf_counter()
    for _ in range(CROWD_ROUNDS):
        asyncio.run(everyone())
        if done["answers"] >= tasks * overlap:
            break
    answered = time.perf_counter() - started
    with talaka.Client(server.url, server.token, timeout=600) as client:
        deadline = time.monotonic() + CLOSE_SECONDS
        while (status := client.get_pool(pool_id).status) != "CLOSED" and time.monotonic() < deadline:
            time.sleep(0.2)
    if status != "CLOSED" or done["answers"] != tasks * overlap:
        raise RuntimeError(f"the crowd gave {done['answers']} answers of {tasks * overlap} and the pool is "
                           f"{status}; see the server log")
    return {"pool_id": pool_id, "token": server.token, "tasks": tasks, "overlap": overlap,
            "performers": performers, "seed": seed, "answers": done["answers"], "create_seconds": created,
            "answer_seconds": answered, "answers_per_second": done["answers"] / answered}


# Measuring.

PEAK_OF: Final = """
import os, resource, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
status = os.waitpid(pid, 0)[1]
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as peak:
    peak.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs a command and writes its peak RSS (KiB) and CPU seconds to a file. Linux carries a process's
peak RSS across `exec` from the memory it had before, and a child started from this benchmark (a
fork or vfork of a process holding two million-row DataFrames) begins inside this process's
memory: its `ru_maxrss` would be this process's size. Started from this small interpreter
instead, its peak is its own (at least the ~10 MB this one holds, far below what is measured)."""


def reset_peak(pid: int) -> None:
    """Reset the server's `VmHWM` to its current RSS, so the next reading is this step's peak."""
    for process in server_pids(pid):
        Path(f"/proc/{process}/clear_refs").write_text("5")


def cpu_seconds(pid: int) -> float:
    """CPU time the server's processes have used so far (user and system): the server's share of a
    run, beside the client's, on cores they share."""
    ticks = 0
    for process in server_pids(pid):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    name: str
    seconds: float
    cpu_seconds: float
    server_cpu_seconds: float
    peak_mb: float
    server_peak_mb: float
    rows: int
    bytes: int
    accuracy: float | None = None

    @property
    def met(self) -> bool:
        return self.peak_mb < TARGET_MB


def talaka_results(server: ServerProcess, pool_id: str, folder: Path, name: str,
                   *options: str) -> tuple[Run, Path]:
    """One `talaka results` in a process of its own, started by `PEAK_OF` (see there)."""
    assert server.process is not None
    file_format = options[options.index("--format") + 1] if "--format" in options else "tsv"
    target = folder / f"{name.replace(' ', '-')}.{file_format}"
    peak = folder / "results.peak"
    command = [sys.executable, "-m", "talaka", "results", pool_id, *options, "-o", str(target),
               "--url", server.url]
    log = folder / "results.stderr"
    reset_peak(server.process.pid)
    server_cpu = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    env = {**os.environ, "TALAKA_TOKEN": server.token}
    with log.open("wb") as stderr:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", PEAK_OF, str(peak), *command],
                              stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    seconds = time.perf_counter() - started
    said = log.read_text()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {said}")
    rows = int(said.rsplit("Wrote ", 1)[1].split()[0])
    peak_kib, cpu = peak.read_text().split()
    run = Run(name, seconds, float(cpu), cpu_seconds(server.process.pid) - server_cpu, int(peak_kib) / 1024,
              rss_mb(server.process.pid, "VmHWM:"), rows, target.stat().st_size)
    return run, target


def accuracy(path: Path) -> float:
    """The share of tasks whose aggregated label is the crowd's true one."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = csv.DictReader(file, delimiter="\t")
        right = total = 0
        for row in rows:
            total += 1
            right += row["OUTPUT:result"] == LABELS[true_label(task_number(row["INPUT:image"]))]
    return right / total


def read_back(server: ServerProcess, pool_id: str, tsv: Path) -> dict[str, Any]:
    """The TSV as pandas reads it beside `get_assignments_df` of every answer."""
    import pandas

    frame = pandas.read_csv(tsv, delimiter="\t", dtype=dict.fromkeys(TSV_ID_COLUMNS, str))
    with talaka.Client(server.url, server.token, timeout=600) as client:
        reference = client.get_assignments_df(pool_id, status=ANSWER_STATUSES)
    return {"columns": list(frame.columns), "reference_columns": list(reference.columns),
            "same_columns": list(frame.columns) == list(reference.columns), "rows": len(frame),
            "reference_rows": len(reference), "same_rows": len(frame) == len(reference),
            "same_cells": bool(frame.equals(reference))}


def server_aggregation(server: ServerProcess, pool_id: str, method: str) -> dict[str, Any]:
    """`aggregate_solutions_by_pool` until SUCCESS, with the server's memory before and its peak during."""
    assert server.process is not None
    pid = server.process.pid
    with talaka.Client(server.url, server.token, timeout=600) as client:
        before = {"server_rss_before_mb": rss_mb(pid), "server_peak_before_mb": rss_mb(pid, "VmHWM:")}
        reset_peak(pid)
        started = time.perf_counter()
        operation = client.aggregate_solutions_by_pool(type=method, pool_id=pool_id, fields=["result"])
        done = client.wait_operation(operation, timeout=None)
        seconds = time.perf_counter() - started
    if done.status != "SUCCESS":
        raise RuntimeError(f"{method} ended {done.status}: {done.details}")
    assert done.finished is not None and done.submitted is not None
    own = (done.finished - done.submitted).total_seconds()
    return {"method": method, "seconds": seconds, "operation_seconds": own, **before,
            "server_peak_during_mb": rss_mb(pid, "VmHWM:"), "server_rss_after_mb": rss_mb(pid),
            **done.details}


@contextlib.contextmanager
def place(keep: str | None) -> Iterator[Path]:
    """Where the database and the written files live: `--keep DIR`, or a folder removed afterwards."""
    if keep is not None:
        folder = Path(keep)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory() as temp:
        yield Path(temp)


def measure(server: ServerProcess, state: dict[str, Any], folder: Path) -> dict[str, Any]:
    pool_id = state["pool_id"]
    runs: list[Run] = []
    files: dict[str, Path] = {}
    for file_format in ("tsv", "csv", "jsonl"):
        run, files[file_format] = talaka_results(server, pool_id, folder, f"every answer {file_format}",
                                                 "--format", file_format)
        runs.append(run)
    read = read_back(server, pool_id, files["tsv"])
    for file in files.values():
        file.unlink()
    aggregations = [server_aggregation(server, pool_id, method)
                    for method in ("DAWID_SKENE", "MAJORITY_VOTE")]
    for method in ("dawid-skene", "majority-vote"):
        run, file = talaka_results(server, pool_id, folder, f"--aggregate {method}", "--aggregate", method,
                                   "--field", "result")
        run.accuracy = accuracy(file)
        file.unlink()
        runs.append(run)
    return {"runs": [{**asdict(run), "met": run.met} for run in runs], "read_back": read,
            "server_aggregation": aggregations}


def print_report(report: dict[str, Any]) -> None:
    build, runs = report["build"], report["runs"]
    print(f"\n{report['backend']}: pool {build['pool_id']}, {build['tasks']:,} tasks at overlap "
          f"{build['overlap']}, {build['answers']:,} answers from {build['performers']} performers "
          f"({build['answers_per_second']:,.0f} answers/s while built)")
    print(f"\n| run | seconds | CPU s, client / server | rows | MB written | peak RSS | server peak "
          f"| under {TARGET_MB:.0f} MB | accuracy |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        right = "" if run["accuracy"] is None else f"{run['accuracy']:.4f}"
        met = "yes" if run["met"] else "**no**"
        print(f"| `{run['name']}` | {run['seconds']:.1f} | {run['cpu_seconds']:.1f} / "
              f"{run['server_cpu_seconds']:.1f} | {run['rows']:,} | {run['bytes'] / 2**20:,.0f} | "
              f"{run['peak_mb']:.0f} MB | {run['server_peak_mb']:.0f} MB | {met} | {right} |")
    read = report["read_back"]
    print(f"\nTSV read back by pandas: {read['rows']:,} rows, get_assignments_df {read['reference_rows']:,}; "
          f"same columns: {read['same_columns']}; every cell equal: {read['same_cells']}")
    if not read["same_columns"]:
        print(f"  TSV columns:                {read['columns']}\n"
              f"  get_assignments_df columns: {read['reference_columns']}")
    print("\n| server aggregation | until SUCCESS | operation | server RSS before | peak before "
          "| peak during | RSS after |")
    print("|---|---|---|---|---|---|---|")
    for done in report["server_aggregation"]:
        print(f"| {done['method']} | {done['seconds']:.1f} s | {done['operation_seconds']:.1f} s | "
              f"{done['server_rss_before_mb']:.0f} MB | {done['server_peak_before_mb']:.0f} MB | "
              f"{done['server_peak_during_mb']:.0f} MB | {done['server_rss_after_mb']:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--overlap", type=int, default=5)
    parser.add_argument("--performers", type=int, default=48)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite when left out")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the SQLite database in DIR and reuse it when it is there")
    args = parser.parse_args()
    if args.keep and args.database:
        parser.error("--keep reuses a SQLite file; a PostgreSQL database is made fresh and dropped after "
                     "each run, so leave out one of --keep and --database")
    if args.overlap > args.performers:
        parser.error(f"overlap {args.overlap} needs at least that many performers "
                     f"(--performers {args.performers})")
    env = {"TALAKA_SQLITE_SYNCHRONOUS": os.environ.get("TALAKA_SQLITE_SYNCHRONOUS", "FULL")}
    with place(args.keep) as folder, database(args.database, folder, "results") as url:
        saved = folder / "results.json"
        state = json.loads(saved.read_text()) if args.keep and saved.exists() else None
        if state is not None and (state["tasks"], state["overlap"]) != (args.tasks, args.overlap):
            parser.error(f"{folder} holds a pool of {state['tasks']} tasks at overlap {state['overlap']}; "
                         "use those figures or another --keep DIR")
        server = ServerProcess(url, folder / "server.log", env=env, token=state["token"] if state else "")
        if state is None:
            server.start()
            try:
                state = build(server, args.tasks, args.overlap, args.performers, args.seed)
            finally:
                server.stop()
            if args.keep:
                saved.write_text(json.dumps(state, indent=2))
        server.start()
        try:
            measured = measure(server, state, folder)
        finally:
            server.stop()
    report = {"backend": "postgres" if args.database else "sqlite", "build": state, **measured}
    print(json.dumps(report, indent=2))
    print_report(report)
    read = report["read_back"]
    missed = [run["name"] for run in report["runs"]
              if not run["met"] and not run["name"].startswith("--aggregate")]
    print(f"\ntarget: `talaka results` of every answer under {TARGET_MB:.0f} MB and read back as "
          "get_assignments_df: " + ("met" if not missed and read["same_columns"] and read["same_rows"] else
             f"MISSED ({', '.join(missed) or 'columns or rows differ'})"))
    if missed or not (read["same_columns"] and read["same_rows"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
