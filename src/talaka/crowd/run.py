"""The simulation against a server: make the performers, let them work the pool, aggregate.

Each virtual performer is an account of its own, made for this run with `POST /api/v1/performers`
(so no earlier restriction or quality count follows it in), and works through the performer API
with `talaka.AsyncPerformer`, all of them concurrently in one event loop: take a suite, look at it
for `seconds_per_task` a task (spammers do not look), submit, again, until a take is refused. A
take answered 409 (nothing left for this performer) is tried again after a pause while anyone is
still in the middle of a suite, since work can come back (an expired suite, a rule that raises the
overlap); once nobody is, the crowd is done. 404 (the pool closed) and 403 (banned, filtered)
end a performer at once.

Afterwards the pool is aggregated on the server, with majority vote and Dawid-Skene, and the
restrictions the pool's rules wrote on the crowd are read back; `report` turns all of it into
figures.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeVar

from talaka.crowd.behaviour import Accuracy, Member, answer, answer_field, make_crowd, suite_seconds
from talaka.crowd.truth import TruthFile, Truths, pool_truths

if TYPE_CHECKING:
    from talaka.client._async import AsyncClient, AsyncPerformer
    from talaka.client._models import PerformerAssignment, Pool, Task
    from talaka.client._progress import Progress

T = TypeVar("T")
METHODS: Final = ("MAJORITY_VOTE", "DAWID_SKENE")
FIRST_PAUSE, LAST_PAUSE = 0.05, 2.0
"""How long a performer told "nothing left" waits before asking again, doubling between the two."""
CLOSE_WAIT_SECONDS = 10.0
"""How long to watch for a pool whose work is done to close (the server sweeps twice a second),
beyond its `auto_close_after_complete_delay_seconds`."""
REQUESTS_AT_ONCE = 8
"""Requester calls in flight at once (making performers, reading their restrictions)."""
RESTRICTION_ACTIONS: Final = frozenset({"RESTRICTION", "RESTRICTION_V2"})
DEFAULT_ACCURACY: Final = Accuracy("uniform", 0.7, 0.95)

# Why a performer stopped.
NOTHING_LEFT: Final = "nothing left for them"
POOL_CLOSED: Final = "the pool closed"
BANNED: Final = "banned"
TIMED_OUT: Final = "by --timeout"
REFUSALS: Final = {"RESTRICTED": BANNED, "FILTER": "refused by the pool's filter",
                   "TRAINING_REQUIRED": "a training required"}


class SimulationError(Exception):
    """The simulation cannot go on; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Options:
    """What `talaka simulate` was asked to do."""

    pool_id: str
    performers: int = 50
    accuracy: Accuracy = DEFAULT_ACCURACY
    spammer_share: float = 0.1
    seconds_per_task: float = 0.0
    truth_file: TruthFile | None = None
    field: str | None = None
    seed: int = 0
    timeout: float | None = None
    open_pool: bool = False
    progress: bool | None = None


@dataclass
class Worker:
    """One virtual performer's account and what happened to it."""

    member: Member
    user_id: str
    token: str
    suites: int = 0
    answers: int = 0
    expired: int = 0
    """suites whose submit came too late (the suite had expired or was no longer ACTIVE)"""
    given_back: int = 0
    """suites skipped because `--timeout` stopped the crowd while the performer looked at them"""
    stopped: str = ""
    banned_by: list[str] = field(default_factory=list)
    """the rules whose restrictions this performer got, labelled by `rule_labels`"""


@dataclass
class Aggregated:
    """One method's result on the server: task id -> label, and how many answers it read."""

    method: str
    labels: dict[str, Any]
    answers: int
    failure: str | None = None


@dataclass
class Outcome:
    """Everything that happened, for `report`."""

    options: Options
    pool_before: Pool
    pool_after: Pool
    field: str
    labels: list[Any]
    truths: Truths
    workers: list[Worker]
    answers: list[tuple[int, str, Any]]
    """(member number, task id, label) of every answer the server took"""
    needed: int
    """general answers the pool still needed when the crowd started"""
    before: int
    """general answers the pool held (or had handed out) before the crowd started: aggregation counts them"""
    seconds_to_last_answer: float | None
    seconds_to_close: float | None
    crowd_seconds: float
    timed_out: bool
    aggregated: dict[str, Aggregated]


def rule_labels(quality_control: Mapping[str, Any] | None) -> dict[str | None, str]:
    """A restriction's `private_comment` -> the rule that writes it, e.g. `GOLDEN_SET: Control
    tasks failed`: the collector type of each pool rule whose action restricts, with its comment
    (rules sharing a comment are listed together)."""
    types: dict[str | None, list[str]] = {}
    for config in (quality_control or {}).get("configs") or ():
        collector = str((config.get("collector_config") or {}).get("type", "?"))
        for rule in config.get("rules") or ():
            action = rule.get("action") or {}
            if action.get("type") in RESTRICTION_ACTIONS:
                comment = (action.get("parameters") or {}).get("private_comment")
                comment = comment if isinstance(comment, str) and comment else None
                names = types.setdefault(comment, [])
                if collector not in names:
                    names.append(collector)
    return {comment: "/".join(names) + (f": {comment}" if comment else "") for comment, names in types.items()}


def label_restriction(labels: Mapping[str | None, str], comment: str | None) -> str:
    key = comment or None
    if key in labels:
        return labels[key]
    return f"not a rule of this pool: {comment}" if comment else "not a rule of this pool"


async def simulate(options: Options, url: str, token: str) -> Outcome:
    """Run the whole simulation: check the pool, read the truth, let the crowd work, aggregate."""
    from talaka.client._async import AsyncClient
    from talaka.client._progress import Progress

    async with AsyncClient(url, token) as client:
        pool = await _workable_pool(client, options)
        project = await client.get_project(str(pool.project_id))
        spec = project.task_spec or {}
        name, labels = answer_field(spec.get("output_spec") or {}, options.field)
        tasks = [task async for task in client.get_tasks(pool_id=options.pool_id)]
        truths = pool_truths(tasks, name, labels, options.seed, options.truth_file, spec.get("input_spec"),
                             spec.get("output_spec"))
        if not truths.general:
            raise SimulationError(f"pool {options.pool_id} has no general tasks (tasks without known solutions) "
                                  "to work on; upload some first")
        needed, before = _overlap_counts(tasks, pool)
        members = make_crowd(options.performers, options.spammer_share, options.accuracy, options.seed)
        workers = await _new_performers(url, token, members, options.pool_id)
        crowd = Crowd(url, options, workers, truths, name, labels, Progress(options.progress))
        crowd.progress.start("answers", needed, unit=" answers")
        try:
            timed_out = await crowd.run()
        finally:
            crowd.progress.close()
        pool_after, seconds_to_close = await _watch_close(client, pool, crowd, needed)
        aggregated = dict(zip(METHODS, await asyncio.gather(*(_aggregate(client, method, options.pool_id, name)
                                                               for method in METHODS)), strict=True))
        await _read_bans(client, workers, rule_labels(pool.quality_control))
    return Outcome(options, pool, pool_after, name, labels, truths, workers, crowd.answers, needed, before,
                   crowd.since_start(crowd.last_answer), seconds_to_close, crowd.seconds,
                   timed_out, aggregated)


async def _workable_pool(client: AsyncClient, options: Options) -> Pool:
    from talaka.client._exceptions import DoesNotExistApiError

    try:
        pool = await client.get_pool(options.pool_id)
    except DoesNotExistApiError:
        raise SimulationError(f"there is no pool {options.pool_id} among this requester's pools") from None
    if pool.type == "TRAINING":
        raise SimulationError(f"pool {options.pool_id} is a training; simulate a pool of general tasks")
    if pool.status == "OPEN":
        return pool
    if pool.status == "CLOSED" and options.open_pool:
        return await client.open_pool(options.pool_id)
    how = "pass --open-pool to open it first" if pool.status == "CLOSED" else "simulate an open or closed pool"
    raise SimulationError(f"pool {options.pool_id} is {pool.status}, so nobody can work in it; {how}")


def _overlap_counts(tasks: list[Task], pool: Pool) -> tuple[int, int]:
    """General answers still to give (the remaining overlap of every general task), and those given
    (or being given) before the crowd came."""
    default = int((pool.defaults or {}).get("default_overlap_for_new_tasks") or 1)
    needed = before = 0
    for task in tasks:
        if task.known_solutions or task.infinite_overlap:
            continue
        overlap = task.overlap or default
        remaining = overlap if task.remaining_overlap is None else task.remaining_overlap
        needed += remaining
        before += max(overlap - remaining, 0)
    return needed, before


async def _limited(calls: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the calls, `REQUESTS_AT_ONCE` at a time, and return their results in order."""
    gate = asyncio.Semaphore(REQUESTS_AT_ONCE)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(call) for call in calls)))


async def _new_performers(url: str, token: str, members: list[Member], pool_id: str) -> list[Worker]:
    """A new performer account per member, named after the pool and the run."""
    import httpx

    from talaka.client import _core

    run = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(base_url=_core.base_url(url), headers=_core.auth_headers(token),
                                 timeout=_core.DEFAULT_TIMEOUT) as http:

        def make(member: Member) -> Callable[[], Awaitable[Worker]]:
            async def call() -> Worker:
                name = f"simulated {member.group} {member.number} (pool {pool_id}, run {run})"
                reply = await http.post("/v1/performers", json={"name": name})
                if reply.status_code != 201:
                    raise SimulationError(f"the server refused to make a performer ({reply.status_code}): "
                                          f"{reply.text[:300]}")
                made = reply.json()
                return Worker(member, str(made["id"]), str(made["token"]))
            return call

        return await _limited([make(member) for member in members])


class Crowd:
    """The workers working one pool concurrently, and what the server took from them."""

    def __init__(self, url: str, options: Options, workers: list[Worker], truths: Truths, name: str,
                 labels: list[Any], progress: Progress) -> None:
        self.url = url
        self.options = options
        self.workers = workers
        self.truths = truths
        self.name = name
        self.labels = labels
        self.progress = progress
        self.answers: list[tuple[int, str, Any]] = []
        self.busy = 0
        """performers between a take and its submit: while any is, work may still come back"""
        self.started = 0.0
        self.last_answer: float | None = None
        self.seconds = 0.0
        """from the first take until every worker stopped"""

    def since_start(self, moment: float | None) -> float | None:
        return None if moment is None else moment - self.started

    async def run(self) -> bool:
        """Let every worker work until each stops; True when `--timeout` stopped them first."""
        self.started = time.monotonic()
        running = [asyncio.create_task(self._work(worker), name=f"performer-{worker.member.number}")
                   for worker in self.workers]
        try:
            done, pending = await asyncio.wait(running, timeout=self.options.timeout,
                                               return_when=asyncio.FIRST_EXCEPTION)
        finally:
            self.seconds = time.monotonic() - self.started
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            failure = task.exception()
            if failure is not None:
                raise failure
        for worker in self.workers:
            worker.stopped = worker.stopped or TIMED_OUT
        return bool(pending)

    async def _work(self, worker: Worker) -> None:
        from talaka.client._async import AsyncPerformer
        from talaka.client._exceptions import AccessDeniedApiError, DoesNotExistApiError, NoTasksAvailable

        pause = FIRST_PAUSE
        async with AsyncPerformer(self.url, worker.token) as me:
            while True:
                try:
                    assignment = await me.take(self.options.pool_id)
                except NoTasksAvailable:
                    if not self.busy:
                        worker.stopped = NOTHING_LEFT
                        return
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, LAST_PAUSE)
                    continue
                except DoesNotExistApiError:
                    worker.stopped = POOL_CLOSED
                    return
                except AccessDeniedApiError as refusal:
                    worker.stopped = REFUSALS.get(refusal.reason or "", f"refused: {refusal}")
                    return
                pause = FIRST_PAUSE
                self.busy += 1
                try:
                    await self._answer(worker, me, assignment)
                finally:
                    self.busy -= 1

    async def _answer(self, worker: Worker, me: AsyncPerformer, assignment: PerformerAssignment) -> None:
        from talaka.client._exceptions import InappropriateStatus, ValidationApiError

        member, truth = worker.member, self.truths.truth
        worker.suites += 1
        seconds = suite_seconds(member, len(assignment.tasks), self.options.seconds_per_task)
        if seconds:
            try:
                await asyncio.sleep(seconds)
            except asyncio.CancelledError:
                await self._give_back(worker, me, assignment.id)
                raise
        given = [(task.id, answer(member, task.id, truth.get(task.id), self.labels, self.options.seed,
                                  known=task.id in truth)) for task in assignment.tasks]
        try:
            await me.submit(assignment.id, [{self.name: label} for _, label in given])
        except InappropriateStatus:
            worker.expired += 1
            return
        except ValidationApiError as refused:
            raise SimulationError(f"the server refused the crowd's answers to field {self.name!r}: {refused}; "
                                  "check the project's output_spec") from refused
        self.last_answer = time.monotonic()
        worker.answers += len(given)
        self.answers.extend((member.number, task_id, label) for task_id, label in given)
        general = sum(1 for task_id, _ in given if task_id not in self.truths.control_set)
        self.progress.advance(general)

    @staticmethod
    async def _give_back(worker: Worker, me: AsyncPerformer, assignment_id: str) -> None:
        """Skip a suite the crowd was stopped in the middle of, so that the pool is not left waiting
        for it to expire; if the skip fails, it expires at its deadline all the same."""
        import httpx

        from talaka.client._exceptions import TalakaError

        try:
            await me.skip(assignment_id)
        except (TalakaError, httpx.HTTPError):
            return
        worker.given_back += 1


async def _watch_close(client: AsyncClient, pool: Pool, crowd: Crowd, needed: int) -> tuple[Pool, float | None]:
    """The pool once it closed, when the crowd gave every answer it needed (the server closes a
    finished pool within a sweep and its `auto_close_after_complete_delay_seconds`); the pool as it
    is otherwise. Also the seconds from the crowd's start until it was seen closed."""
    pool_id = str(pool.id)
    current = await client.get_pool(pool_id)
    given = sum(1 for _, task_id, _ in crowd.answers if task_id not in crowd.truths.control_set)
    if given >= needed:
        deadline = time.monotonic() + CLOSE_WAIT_SECONDS + (pool.auto_close_after_complete_delay_seconds or 0)
        while current.status == "OPEN" and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            current = await client.get_pool(pool_id)
    if current.status == "OPEN":
        return current, None
    return current, crowd.since_start(time.monotonic())


async def _aggregate(client: AsyncClient, method: str, pool_id: str, name: str) -> Aggregated:
    """The pool aggregated on the server by `method`: every general task's label."""
    operation = await client.wait_operation(
        await client.aggregate_solutions_by_pool(type=method, pool_id=pool_id, fields=[name]))
    if operation.status != "SUCCESS":
        return Aggregated(method, {}, 0, f"the aggregation operation {operation.id} ended {operation.status}")
    labels = {str(solution.task_id): (solution.output_values or {}).get(name)
              async for solution in client.get_aggregated_solutions(operation.id)}
    return Aggregated(method, labels, int(operation.details.get("answers_count") or 0))


async def _read_bans(client: AsyncClient, workers: list[Worker], labels: Mapping[str | None, str]) -> None:
    """Each worker's restrictions, by the rule that wrote them (the performers are new, so every
    restriction they have comes from this run)."""

    def read(worker: Worker) -> Callable[[], Awaitable[None]]:
        async def call() -> None:
            found = [restriction async for restriction in client.get_user_restrictions(user_id=worker.user_id)]
            worker.banned_by = sorted({label_restriction(labels, restriction.private_comment)
                                       for restriction in found})
        return call

    await _limited([read(worker) for worker in workers])
