"""What the work-loop end-to-end tests share: a tutorial's project and pool, and a crowd of performers.

The requester side is toloka-kit 1.2.3 written the way Toloka's tutorials write it; the crowd is
real programs working through the performer API with `talaka.Performer`, one thread each, as
independent people would. Every test makes its own project, pool and performers, so tests that
share a session server never see each other's work.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import toloka.client.project.template_builder as tb
from toloka.client import Pool, Project, Task, TolokaClient
from toloka.client.analytics_request import CompletionPercentagePoolAnalytics
from toloka.client.project.field_spec import StringSpec, UrlSpec
from toloka.client.project.task_spec import TaskSpec
from toloka.client.project.view_spec import TemplateBuilderViewSpec

import talaka
from tests.support.server import ServerProcess

LABELS = ("cat", "dog", "other")
POLL_SECONDS = 0.2
# Not an assertion on speed: only a way out of a loop that would otherwise spin until pytest's timeout.
HANG_SECONDS = 60.0

Answer = Callable[[int, str], str]
"""(performer number, image url) -> the label that performer gives."""


def truth(image: str) -> str:
    """The label an image "really" has: its number modulo the labels."""
    return LABELS[int(image.rsplit("/", 1)[1].split(".")[0]) % len(LABELS)]


def mostly_right(performer: int, image: str) -> str:
    """Performer 0 answers "other" to everything; the others answer the truth."""
    return "other" if performer == 0 else truth(image)


def tutorial_project(client: TolokaClient) -> Project:
    """The image-classification tutorial's project: an image and a button radio group in Template Builder."""
    view = tb.ListViewV1(
        [
            tb.ImageViewV1(tb.InputData("image"), ratio=[1, 1], rotatable=True),
            tb.ButtonRadioGroupFieldV1(
                tb.OutputData("result"),
                [tb.GroupFieldOption(label, label.title()) for label in LABELS],
                validation=tb.RequiredConditionV1(hint="choose one of the options"),
            ),
        ]
    )
    plugins = [
        tb.TolokaPluginV1("scroll", task_width=500),
        tb.HotkeysPluginV1(
            **{
                f"key_{number}": tb.SetActionV1(tb.OutputData("result"), label)
                for number, label in enumerate(LABELS, 1)
            }
        ),
    ]
    project = Project(
        public_name="Cats vs dogs",
        public_description="Look at the picture and say who is on it",
        public_instructions="Choose <b>Cat</b>, <b>Dog</b> or <b>Other</b>.",
        task_spec=TaskSpec(
            input_spec={"image": UrlSpec()},
            output_spec={"result": StringSpec(allowed_values=list(LABELS))},
            view_spec=TemplateBuilderViewSpec(view=view, plugins=plugins),
        ),
    )
    return client.create_project(project)


def tutorial_pool(
    client: TolokaClient, project: Project, *, auto_accept: bool, real: int, golden: int, overlap: int = 3
) -> Pool:
    """A tutorial's pool: defaults, a mixer, a deadline per suite and a date to expire."""
    pool = Pool(
        project_id=project.id,
        private_name="Cats vs dogs",
        may_contain_adult_content=False,
        will_expire=datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(days=365),
        reward_per_assignment=0.01,
        assignment_max_duration_seconds=600,
        auto_accept_solutions=auto_accept,
        defaults=Pool.Defaults(default_overlap_for_new_tasks=overlap),
    )
    pool.set_mixer_config(real_tasks_count=real, golden_tasks_count=golden, training_tasks_count=0)
    return client.create_pool(pool)


def images(pool_id: str, count: int, start: int = 0) -> list[Task]:
    return [
        Task(pool_id=pool_id, input_values={"image": f"https://example.com/cats/{number}.png"})
        for number in range(start, start + count)
    ]


def golden_images(pool_id: str, count: int) -> list[Task]:
    """Control tasks as tutorials make them: a known solution and infinite overlap."""
    tasks = images(pool_id, count, start=1000)
    for task in tasks:
        task.known_solutions = [
            Task.KnownSolution(output_values={"result": truth(task.input_values["image"])})
        ]
        task.infinite_overlap = True
    return tasks


def new_performers(server: ServerProcess, count: int) -> list[tuple[str, str]]:
    """`count` new performers, made with `POST /api/v1/performers`: (id, token) each."""
    made = []
    with httpx.Client(
        base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"}, timeout=60
    ) as api:
        for _ in range(count):
            answer = api.post("/performers", json={"name": f"crowd-{uuid.uuid4().hex[:8]}"})
            assert answer.status_code == 201, answer.text
            made.append((answer.json()["id"], answer.json()["token"]))
    return made


@dataclass(frozen=True)
class Submitted:
    """One suite a performer submitted, as the performer API answered the submit."""

    performer_id: str
    assignment_id: str
    task_ids: tuple[str, ...]
    labels: tuple[str, ...]
    status: str


@dataclass
class Crowd:
    """Performers that each work one pool in a thread of their own until it holds nothing for them.

    A performer looks for the pool among the pools offered to them, takes a suite, answers every
    task and submits, again and again; they stop when the pool is no longer offered to them, or
    when a take answers 409 NO_TASKS_AVAILABLE or 404 (the pool closed). Nobody here skips and no
    suite expires, so overlap is never given back: a 409 that was true stays true, and a pool that
    does not complete after every performer stopped means a take was refused wrongly.
    """

    server: ServerProcess
    pool_id: str
    members: list[tuple[str, str]]
    answer: Answer = mostly_right
    wait_for_review: bool = False
    """take the next suite only once the last one is accepted or rejected (so a reviewer who
    streams must answer while the pool is still open)"""
    submitted: list[Submitted] = field(default_factory=list)
    stops: dict[str, str] = field(default_factory=dict)
    """performer id -> why they stopped, for the message when a pool never closes"""
    errors: list[BaseException] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done_at: float | None = None

    def start(self) -> Crowd:
        for number, (performer_id, token) in enumerate(self.members):
            thread = threading.Thread(
                target=self._guarded,
                args=(number, performer_id, token),
                name=f"performer-{number}",
                daemon=True,
            )
            thread.start()
            self.threads.append(thread)
        return self

    def join(self) -> list[Submitted]:
        """Wait for every performer to stop; re-raise the first thing that went wrong in one."""
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]
        return self.submitted

    @property
    def done(self) -> bool:
        return all(not thread.is_alive() for thread in self.threads)

    def check(self, client: TolokaClient, pool_id: str) -> None:
        """Called while waiting for the pool to close: raise what went wrong in a performer, or,
        when every performer stopped long ago and the pool is still open, what the pool holds."""
        if self.errors:
            raise self.errors[0]
        if self.done and self._done_at is None:
            self._done_at = time.monotonic()
        if self._done_at is not None and time.monotonic() - self._done_at > HANG_SECONDS:
            raise AssertionError(
                f"every performer stopped, yet pool {pool_id} is still open; {stuck(client, pool_id, self)}"
            )

    def _guarded(self, number: int, performer_id: str, token: str) -> None:
        try:
            self._work(number, performer_id, token)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread by join()
            with self._lock:
                self.errors.append(error)

    def _work(self, number: int, performer_id: str, token: str) -> None:
        with talaka.Performer(self.server.url, token) as me:
            while any(offer.pool_id == self.pool_id for offer in me.pools()):
                try:
                    assignment = me.take(self.pool_id)
                except (talaka.NoTasksAvailable, talaka.DoesNotExistApiError) as refusal:
                    self.stops[performer_id] = f"take: {refusal}"
                    return
                assert assignment.status == "ACTIVE", assignment
                labels = tuple(self.answer(number, task.input_values["image"]) for task in assignment.tasks)
                done = me.submit(assignment.id, [{"result": label} for label in labels])
                with self._lock:
                    self.submitted.append(
                        Submitted(
                            performer_id,
                            assignment.id,
                            tuple(task.id for task in assignment.tasks),
                            labels,
                            str(done.status),
                        )
                    )
                while self.wait_for_review and me.get_assignment(done.id).status == "SUBMITTED":
                    time.sleep(POLL_SECONDS)
            self.stops[performer_id] = "the pool is no longer offered"


def wait_like_a_tutorial(client: TolokaClient, pool: Pool, crowd: Crowd) -> tuple[Pool, list[float]]:
    """The tutorials' loop, with a short sleep: poll the pool, read the completion percentage.

    Returns the closed pool and every percentage read on the way.
    """
    percentages: list[float] = []
    pool = client.get_pool(pool.id)
    while not pool.is_closed():
        op = client.get_analytics([CompletionPercentagePoolAnalytics(subject_id=pool.id)])
        op = client.wait_operation(op)
        percentage = op.details["value"][0]["result"]["value"]
        percentages.append(percentage)
        time.sleep(POLL_SECONDS)
        pool = client.get_pool(pool.id)
        crowd.check(client, pool.id)
    return pool, percentages


def stuck(client: TolokaClient, pool_id: str, crowd: Crowd) -> str:
    """What a pool that does not close holds: its unfinished tasks, its assignments, why performers stopped."""
    open_tasks = [
        (task.id, task.remaining_overlap)
        for task in client.get_tasks(pool_id=pool_id)
        if not task.known_solutions and task.remaining_overlap
    ]
    statuses = Counter(str(assignment.status) for assignment in client.get_assignments(pool_id=pool_id))
    return (
        f"tasks with overlap left: {open_tasks}; assignments: {dict(statuses)}; why performers stopped: "
        f"{crowd.stops}"
    )


def completion(client: TolokaClient, pool_id: str) -> float:
    op = client.wait_operation(client.get_analytics([CompletionPercentagePoolAnalytics(subject_id=pool_id)]))
    return float(op.details["value"][0]["result"]["value"])


def answers_per_task(submitted: list[Submitted], general: set[str]) -> dict[str, list[str]]:
    """General task id -> the performers who answered it, from what the crowd submitted."""
    found: dict[str, list[str]] = {task_id: [] for task_id in general}
    for suite in submitted:
        for task_id in suite.task_ids:
            if task_id in general:
                found[task_id].append(suite.performer_id)
    return found


def overlap_counts(found: dict[str, list[str]]) -> Counter[tuple[int, int]]:
    """(answers, distinct performers) -> how many tasks have that."""
    return Counter((len(performers), len(set(performers))) for performers in found.values())
