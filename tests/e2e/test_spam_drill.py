"""The spam drill: 20 honest performers and 10 spammers work one pool, once with the four rules of
the image-classification tutorial and once without.

Honest performers are right 90% of the time (exactly: every tenth answer of theirs is wrong, from a
point of their own, so that a run cannot ban one by bad luck) and take longer
than the fast-submit threshold over each suite; spammers answer at random and submit at once. With
the rules, every spammer must be banned before answering 5% of the pool's tasks and no honest
performer may be banned; the accuracy of majority vote against the truth is measured with and
without the rules and written to `test-output/quality/spam-drill-<backend>.md` (the table in
`docs/quality.md` comes from such a run).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from toloka.client import Pool, TolokaClient, actions, collectors, conditions

import talaka
from tests.e2e.crowd import LABELS, new_performers, truth
from tests.e2e.quality import pool_with_rules, wait_for_status
from tests.support.server import ServerProcess

HONEST, SPAMMERS = 20, 10
GENERAL, GOLDEN, OVERLAP, REAL, GOLDEN_PER_SUITE = 200, 40, 3, 4, 1
FAST_SECONDS = 1
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "quality"


def tutorial_rules(pool: Pool) -> None:
    """The image-classification tutorial's four rules: fast submits, control tasks, majority vote,
    skipped suites in a row, each a restriction from the project."""
    def ban(reason: str) -> actions.RestrictionV2:
        return actions.RestrictionV2(scope="PROJECT", duration=1, duration_unit="DAYS", private_comment=reason)

    pool.quality_control.add_action(
        collector=collectors.AssignmentSubmitTime(history_size=5, fast_submit_threshold_seconds=FAST_SECONDS),
        conditions=[conditions.FastSubmittedCount >= 2], action=ban("Fast responses"))
    pool.quality_control.add_action(
        collector=collectors.GoldenSet(history_size=10),
        conditions=[conditions.GoldenSetAnswersCount >= 3, conditions.GoldenSetCorrectAnswersRate < 30],
        action=ban("Control tasks failed"))
    pool.quality_control.add_action(
        collector=collectors.MajorityVote(answer_threshold=2, history_size=10),
        conditions=[conditions.TotalAnswersCount >= 10, conditions.CorrectAnswersRate < 50],
        action=ban("Disagrees with the majority"))
    pool.quality_control.add_action(
        collector=collectors.SkippedInRowAssignments(), conditions=[conditions.SkippedInRowCount >= 3],
        action=ban("Skipped too many"))


@dataclass
class Worker:
    spammer: bool
    user_id: str
    token: str
    rng: random.Random
    answered: int = 0
    suites: int = 0
    general_answers: int = 0
    banned: bool = False

    def label(self, image: str) -> str:
        if self.spammer:
            return self.rng.choice(LABELS)
        self.answered += 1
        right = truth(image)
        return right if self.answered % 10 else self.rng.choice([label for label in LABELS if label != right])


@dataclass
class Drill:
    server: ServerProcess
    pool_id: str
    workers: list[Worker]
    errors: list[BaseException] = field(default_factory=list)

    def run(self) -> None:
        threads = [threading.Thread(target=self._guarded, args=(worker,), daemon=True) for worker in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self.errors:
            raise self.errors[0]

    def _guarded(self, worker: Worker) -> None:
        try:
            self._work(worker)
        except BaseException as error:  # noqa: BLE001 - re-raised by run()
            self.errors.append(error)

    def _work(self, worker: Worker) -> None:
        with talaka.Performer(self.server.url, worker.token) as me:
            while True:
                try:
                    taken = me.take(self.pool_id)
                except talaka.AccessDeniedApiError as refusal:
                    worker.banned = refusal.reason == "RESTRICTED"
                    return
                except (talaka.NoTasksAvailable, talaka.DoesNotExistApiError):
                    return
                if not worker.spammer:
                    time.sleep(FAST_SECONDS + 0.05)  # looking at the pictures
                solutions = [{"result": worker.label(task.input_values["image"])} for task in taken.tasks]
                me.submit(taken.id, solutions)
                worker.suites += 1
                worker.general_answers += sum(1 for task in taken.tasks if not is_golden(task.input_values["image"]))


def is_golden(image: str) -> bool:
    """`golden_images` numbers its pictures from 1000 on."""
    return int(image.rsplit("/", 1)[1].split(".")[0]) >= 1000


def majority_accuracy(toloka: TolokaClient, pool_id: str) -> tuple[float, int]:
    """The share of general tasks whose majority label (a tie is no majority) is the truth, and how
    many answers the pool got."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    images: dict[str, str] = {}
    answers = 0
    for assignment in toloka.get_assignments(pool_id=pool_id):
        for task, solution in zip(assignment.tasks, assignment.solutions or [], strict=False):
            if task.known_solutions:
                continue
            votes[task.id][solution.output_values["result"]] += 1
            images[task.id] = task.input_values["image"]
            answers += 1
    right = 0
    for task_id, counted in votes.items():
        ranked = counted.most_common(2)
        if (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) and ranked[0][0] == truth(images[task_id]):
            right += 1
    return right / GENERAL, answers


def drill(toloka: TolokaClient, server: ServerProcess, rules: Callable[[Pool], None]) -> tuple[list[Worker], Pool]:
    pool = pool_with_rules(toloka, rules, general=GENERAL, golden=GOLDEN, real=REAL,
                           golden_per_suite=GOLDEN_PER_SUITE, overlap=OVERLAP)
    made = new_performers(server, HONEST + SPAMMERS)
    workers = [Worker(number >= HONEST, user_id, token, random.Random(number), answered=number % 10)
               for number, (user_id, token) in enumerate(made)]
    Drill(server, pool.id, workers).run()
    return workers, wait_for_status(toloka, pool.id, closed=True)


def test_spammers_are_banned_early_and_honest_performers_never(toloka: TolokaClient, server: ServerProcess,
                                                              request: pytest.FixtureRequest) -> None:
    guarded, guarded_pool = drill(toloka, server, tutorial_rules)
    honest = [worker for worker in guarded if not worker.spammer]
    spammers = [worker for worker in guarded if worker.spammer]
    why = {worker.user_id: [(r.private_comment, r.created) for r in toloka.get_user_restrictions(user_id=worker.user_id)]
           for worker in honest if worker.banned}
    assert why == {}, f"honest performers banned: {why}"
    assert all(worker.banned for worker in spammers)
    most = max(worker.general_answers for worker in spammers)
    assert most < 0.05 * GENERAL, f"a spammer answered {most} of {GENERAL} tasks before the ban"
    with_rules, answers_with = majority_accuracy(toloka, guarded_pool.id)

    unguarded, unguarded_pool = drill(toloka, server, lambda pool: None)
    without_rules, answers_without = majority_accuracy(toloka, unguarded_pool.id)
    spam_share = sum(worker.general_answers for worker in unguarded if worker.spammer) / answers_without
    assert with_rules >= without_rules

    backend = request.node.callspec.id if hasattr(request.node, "callspec") else "server"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"spam-drill-{backend}.md").write_text(
        "| run | answers | spammers' share of answers | spammers banned | honest banned | "
        "most general answers by a spammer | majority-vote accuracy |\n|---|---|---|---|---|---|---|\n"
        f"| with the 4 rules | {answers_with} | "
        f"{sum(w.general_answers for w in spammers) / answers_with:.1%} | {sum(w.banned for w in spammers)}/10 | "
        f"0/20 | {most} ({most / GENERAL:.1%} of the pool) | {with_rules:.1%} |\n"
        f"| without rules | {answers_without} | {spam_share:.1%} | 0/10 | 0/20 | "
        f"{max(w.general_answers for w in unguarded if w.spammer)} | {without_rules:.1%} |\n")
