"""A crowd of performers as real programs: processes of `talaka.Performer` threads working one pool.

Each process (`python -m tests.ops.crowd SPEC JOURNAL`) runs its performers in threads, and each
performer takes suites until the pool closes: it answers most of them, skips some, and abandons
some (it stops touching the suite and waits, reading it, until the server's sweep expires it).
Everything a performer learned from a 2xx answer goes to the journal, one JSON line per event,
flushed at once, so that a test can compare what performers were told with what the server kept.

A performer rides out a server that is down: the SDK retries transport errors, and when its
retries run out the performer sends the same request again (take and submit are safe to repeat).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

import talaka

REPO = Path(__file__).resolve().parents[2]
PAUSE_SECONDS = 0.5
"""How long a performer waits to ask again: nothing to take, its suite not expired yet, or no server."""
OUTAGES = (httpx.TransportError, talaka.InternalApiError)
"""What a server that is down looks like once the SDK's retries are spent (and a 500, noted as a bug)."""


@dataclass
class CrowdSpec:
    """What one crowd process does: `performers` are `[url, token]` pairs."""

    pool_id: str
    performers: list[list[str]]
    seconds: float
    skip_rate: float
    abandon_rate: float
    seed: int


@dataclass
class Journal:
    """JSON lines shared by the threads of one process; each line is flushed as it is written."""

    out: TextIO
    lock: threading.Lock = field(default_factory=threading.Lock)

    def write(self, performer: str, kind: str, **details: Any) -> None:
        line = json.dumps({"performer": performer, "kind": kind, **details})
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()


def action(request: httpx.Request) -> str:
    """`take`, `submit`, `skip` or `read`: what a performer's request was for."""
    if request.method == "GET":
        return "read"
    return request.url.path.rsplit("/", 1)[-1].replace("assignments", "take")


class WatchedTransport(httpx.HTTPTransport):
    """httpx's own transport, noting each failed request in the journal (the SDK retries it unseen)."""

    def __init__(self, journal: Journal, name: str) -> None:
        super().__init__()
        self.journal = journal
        self.name = name

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except httpx.TransportError as error:
            self.journal.write(self.name, "transport_error", request=action(request),
                               message=f"{type(error).__name__}: {error}"[:200])
            raise


@dataclass
class Worker:
    """One performer's loop; `name` is its token's tail, enough to tell performers apart in a journal."""

    sdk: talaka.Performer
    spec: CrowdSpec
    journal: Journal
    rng: random.Random
    name: str
    deadline: float

    def run(self) -> None:
        try:
            while time.monotonic() < self.deadline:
                try:
                    assignment = self.sdk.take(self.spec.pool_id)
                except talaka.DoesNotExistApiError:
                    self.journal.write(self.name, "finished")
                    return
                except talaka.NoTasksAvailable:
                    self.pause()
                except OUTAGES as error:
                    self.note_outage(error)
                else:
                    self.work_on(assignment)
            self.journal.write(self.name, "timed_out")
        except Exception as error:  # noqa: BLE001 - the test reads it from the journal and fails
            self.journal.write(self.name, "error", message=f"{type(error).__name__}: {error}")

    def work_on(self, assignment: talaka.PerformerAssignment) -> None:
        tasks = [task.id for task in assignment.tasks]
        choice = self.rng.random()
        if choice < self.spec.skip_rate:
            self.repeat(lambda: self.skip(assignment.id, tasks))
        elif choice < self.spec.skip_rate + self.spec.abandon_rate:
            self.journal.write(self.name, "abandoned", assignment=assignment.id, tasks=tasks)
            self.repeat(lambda: self.watch_expiry(assignment.id))
        else:
            solutions = [{"output_values": {"label": self.rng.choice(["cat", "dog"])}} for _ in tasks]
            self.repeat(lambda: self.submit(assignment.id, tasks, solutions))

    def repeat(self, step: Callable[[], bool]) -> None:
        """Run `step` until it is done (True) or the deadline passes, through server outages."""
        while time.monotonic() < self.deadline:
            try:
                if step():
                    return
            except OUTAGES as error:
                self.note_outage(error)

    def skip(self, assignment_id: str, tasks: list[str]) -> bool:
        try:
            skipped = self.sdk.skip(assignment_id)
        except talaka.InappropriateStatus as refused:
            self.journal.write(self.name, "skip_refused", assignment=assignment_id, tasks=tasks,
                               status=(refused.payload or {}).get("status"))
            return True
        self.journal.write(self.name, "skipped", assignment=assignment_id, tasks=tasks, status=skipped.status)
        return True

    def submit(self, assignment_id: str, tasks: list[str], solutions: list[dict[str, Any]]) -> bool:
        try:
            submitted = self.sdk.submit(assignment_id, solutions)
        except talaka.InappropriateStatus as refused:
            self.journal.write(self.name, "submit_refused", assignment=assignment_id, tasks=tasks,
                               status=(refused.payload or {}).get("status"))
            return True
        self.journal.write(self.name, "submitted", assignment=assignment_id, tasks=tasks, solutions=solutions,
                           status=submitted.status)
        return True

    def watch_expiry(self, assignment_id: str) -> bool:
        """Read the abandoned suite (reading changes nothing) until the sweep has moved it on."""
        status = self.sdk.get_assignment(assignment_id).status
        if status == "ACTIVE":
            self.pause()
            return False
        self.journal.write(self.name, "expired", assignment=assignment_id, status=status)
        return True

    def note_outage(self, error: Exception) -> None:
        kind = "server_error" if isinstance(error, talaka.ApiError) else "outage"
        self.journal.write(self.name, kind, message=f"{type(error).__name__}: {error}"[:300])
        self.pause()

    def pause(self) -> None:
        time.sleep(self.rng.uniform(PAUSE_SECONDS / 2, PAUSE_SECONDS))


def work(spec: CrowdSpec, journal_path: Path) -> None:
    """Run every performer of `spec` in its own thread until the pool closes or time runs out."""
    deadline = time.monotonic() + spec.seconds
    with journal_path.open("a", encoding="utf-8") as out:
        journal = Journal(out)
        threads, sdks = [], []
        for index, (url, token) in enumerate(spec.performers):
            name = token[-8:]
            sdk = talaka.Performer(url, token, timeout=httpx.Timeout(30.0, connect=5.0),
                                   transport=WatchedTransport(journal, name))
            sdks.append(sdk)
            worker = Worker(sdk, spec, journal, random.Random(spec.seed * 1000 + index), name, deadline)
            threads.append(threading.Thread(target=worker.run, name=f"performer-{index}"))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for sdk in sdks:
            sdk.close()


@dataclass
class Crowd:
    """Performer processes started by a test; `events` reads their journals so far."""

    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    journals: list[Path] = field(default_factory=list)

    def start(self, specs: list[CrowdSpec]) -> Crowd:
        for number, spec in enumerate(specs):
            spec_path = self.folder / f"crowd-{number}.json"
            spec_path.write_text(json.dumps(asdict(spec)))
            journal = self.folder / f"crowd-{number}.jsonl"
            journal.touch()
            self.journals.append(journal)
            with (self.folder / f"crowd-{number}.log").open("wb") as log:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "tests.ops.crowd", str(spec_path), str(journal)],
                    cwd=REPO, stdout=log, stderr=subprocess.STDOUT))
        return self

    def running(self) -> bool:
        return any(process.poll() is None for process in self.processes)

    def wait(self, timeout: float) -> list[dict[str, Any]]:
        """Every event, once every process has ended (each stops by itself at its spec's deadline)."""
        for process in self.processes:
            code = process.wait(timeout=timeout)
            assert code == 0, f"a crowd process exited with {code}; see {self.folder}/crowd-*.log"
        return self.events()

    def events(self) -> list[dict[str, Any]]:
        lines = (line for journal in self.journals for line in journal.read_text().splitlines())
        return [json.loads(line) for line in lines if line.endswith("}")]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def crowd_specs(pool_id: str, performers: list[tuple[str, str]], processes: int, *, seconds: float,
                skip_rate: float, abandon_rate: float) -> list[CrowdSpec]:
    """`performers` (`(url, token)`) dealt round-robin over `processes` specs."""
    return [CrowdSpec(pool_id, [list(pair) for pair in performers[number::processes]], seconds, skip_rate,
                      abandon_rate, seed=number) for number in range(processes)]


if __name__ == "__main__":
    work(CrowdSpec(**json.loads(Path(sys.argv[1]).read_text())), Path(sys.argv[2]))
