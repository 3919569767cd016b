"""Training pools in the work loop: suites of training tasks, checked at submit, and the score.

A training issues its tasks (all of them control tasks with a hint, of infinite overlap) in
creation order, `training_tasks_in_task_suite_count` to a suite, each performer getting every task
once. A submit with a wrong answer keeps the assignment ACTIVE: its first answers are kept as
`first_declined_solution_attempt` and the performer gets each wrong task's hint and tries again.
The training skill (the training's own skill, `skills.training_pool_id`) is the percentage of
training answers right at the first attempt, set once the performer has done
`task_suites_required_to_pass` suites, or every suite the training could give them.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec

from talaka.core.assignments import AssignedTask, AssignmentRecord, check_submission
from talaka.core.pool_plan import PoolPlan
from talaka.core.quality.correctness import credit
from talaka.store import work
from talaka.store.dbapi import Connection, Dialect
from talaka.store.users import set_user_skill
from talaka.store.work_records import REFUSED_NO_TASKS, REFUSED_NOT_FOUND, WorkOutcome

_decode = msgspec.json.decode
_encode = msgspec.json.encode


class TrainingScore(msgspec.Struct):
    """A performer's progress in a training (kept in `quality_state` under the training's id)."""

    suites: int = 0
    answers: int = 0
    credit: float = 0.0


_decode_score = msgspec.json.Decoder(TrainingScore).decode


def has_work(conn: Connection, d: Dialect, performer_no: int, pool_id: int) -> bool:
    return conn.execute(d.w.GOLDEN_TASKS, (pool_id, 0, performer_no, 1)).fetchone() is not None


def finished(conn: Connection, d: Dialect, performer_no: int, plan: PoolPlan) -> bool:
    """Whether the performer has a score in this training: they did what it asks, and it is neither
    offered to them nor gives them more suites (`retry_training_after_days` is not acted on)."""
    row = conn.execute(d.qc.PASSED_TRAINING, (performer_no, plan.pool_id, plan.requester_id)).fetchone()
    return row is not None


def take(conn: Connection, d: Dialect, performer_no: int, performer_id: str, plan: PoolPlan,
         now: str) -> WorkOutcome:
    found, expired = work.current(conn, d, performer_no, plan, now)
    outcome = found if found is not None else _new_suite(conn, d, performer_no, performer_id, plan, now)
    outcome.expired = expired
    return outcome


def _new_suite(conn: Connection, d: Dialect, performer_no: int, performer_id: str, plan: PoolPlan,
               now: str) -> WorkOutcome:
    assert plan.training is not None
    if finished(conn, d, performer_no, plan):
        return WorkOutcome(refusal=REFUSED_NO_TASKS)
    chosen = work.collect(conn, d.w.GOLDEN_TASKS, plan.pool_id, 0, performer_no, performer_id,
                          plan.training.tasks_in_suite)
    if not chosen:
        return WorkOutcome(refusal=REFUSED_NO_TASKS)
    if plan.training.shuffle:
        random.shuffle(chosen)
    seqs = [seq for seq, _, _ in chosen]
    expires = work.time_after(now, plan.max_duration_seconds)
    assignment_seq = d.issue_tasks(conn, (plan.pool_id, performer_no, None, now, expires, 0.0, _encode(seqs)),
                                   seqs, [])
    record = AssignmentRecord(assignment_seq, plan.pool_id, performer_no, performer_id, None, "ACTIVE", now,
                              expires, None, None, None, None, None, 0.0, seqs, None, None, None)
    return WorkOutcome(record, work.assigned_tasks(conn, d, record), created=True)


def _verdicts(tasks: list[AssignedTask], answers: list[Any]) -> tuple[list[float], list[dict[str, Any]]]:
    """Each answer's credit, and the feedback: every task with whether it was right and, if not, its hint."""
    credits, feedback = [], []
    for index, (task, answer) in enumerate(zip(tasks, answers, strict=True)):
        body: dict[str, Any] = _decode(task.body)
        value = credit(answer.get("output_values"), body.get("known_solutions"))
        credits.append(value)
        right = value > 0 or not body.get("known_solutions")
        feedback.append({"task_index": index, "correct": right,
                         "hint": None if right else body.get("message_on_unknown_solution")})
    return credits, feedback


def submit(conn: Connection, d: Dialect, performer_no: int, performer_id: str, seq: int, plan: PoolPlan,
           body: dict[str, Any], now: str) -> WorkOutcome:
    row = conn.execute(d.w.ASSIGNMENT_ONLY, (seq,)).fetchone()
    if row is None or row[2] != performer_no or row[1] != plan.pool_id:
        return WorkOutcome(refusal=REFUSED_NOT_FOUND)
    record = work.assignment_from_row(row)
    if record.status != "ACTIVE" or record.expires <= now:
        return work.submit(conn, d, performer_no, performer_id, seq, plan, body, now)
    record.user_id = performer_id
    tasks = work.assigned_tasks(conn, d, record)
    solutions, errors = check_submission(body, len(tasks), plan.output)
    if errors:
        return WorkOutcome(record, errors=errors)
    credits, feedback = _verdicts(tasks, _decode(solutions))
    if not all(item["correct"] for item in feedback):
        if record.declined is None:
            conn.execute(d.qc.DECLINE, (solutions, seq))
            record.declined = solutions
        return WorkOutcome(record, tasks, feedback=_encode(feedback))
    outcome = work.submit(conn, d, performer_no, performer_id, seq, plan, body, now)
    if outcome.record is not None and outcome.refusal is None and not outcome.errors:
        first = credits if record.declined is None else _verdicts(tasks, _decode(record.declined))[0]
        _score(conn, d, performer_no, plan, first, now)
        outcome.feedback = _encode(feedback)
    return outcome


def _score(conn: Connection, d: Dialect, performer_no: int, plan: PoolPlan, first_credits: list[float],
           now: str) -> None:
    assert plan.training is not None
    row = conn.execute(d.qc.STATE, (performer_no, plan.pool_id)).fetchone()
    score = _decode_score(bytes(row[0])) if row else TrainingScore()
    score.suites += 1
    score.answers += len(first_credits)
    score.credit += sum(first_credits)
    conn.execute(d.qc.SAVE_STATE, (performer_no, plan.pool_id, _encode(score)))
    if score.answers and (score.suites >= plan.training.suites_to_pass
                          or not has_work(conn, d, performer_no, plan.pool_id)):
        skill = conn.execute(d.t.TRAINING_SKILL, (plan.pool_id,)).fetchone()  # made with the training
        set_user_skill(conn, d, int(skill[0]), performer_no, round(100.0 * score.credit / score.answers, 6), now)
