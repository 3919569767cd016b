"""The work loop in the store: issuing task suites, submits, skips, expiry, review, pool closing.

Like `talaka.store.sql`, every function runs on a backend thread with a DB-API connection, once
for both backends. Invariants are kept by the database, not by luck of timing:

- a task's overlap: `used` moves in the transaction that moves an assignment, and a take only
  reads tasks with `used < overlap`, locking them on PostgreSQL (`FOR UPDATE SKIP LOCKED`);
- never the same task twice to one performer: the primary key of `issued_tasks`;
- one active assignment per performer and pool: takes of one performer are serialized
  (`Dialect.take_state`), and a take first reads the performer's newest assignment in the pool,
  so the second of two takes answers the first one's assignment;
- a submit after the deadline changes nothing: the update is conditional on `expires > now`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from talaka.core.assignments import AssignedTask, AssignmentRecord, check_submission, same_solutions
from talaka.core.ids import suite_task_id, task_id
from talaka.core.mixer import ONE_TASK_A_SUITE, MixerConfig
from talaka.core.pool_plan import PoolPlan
from talaka.core.pools import pool_body_with_status
from talaka.core.stored import with_id, with_remaining
from talaka.core.timefmt import format_time
from talaka.store.dbapi import Connection, Dialect, slots
from talaka.store.work_records import (
    REFUSED_BUSY,
    REFUSED_NO_TASKS,
    REFUSED_NOT_FOUND,
    REFUSED_NOT_OPEN,
    REFUSED_STATUS,
    StalePlan,
    WorkOutcome,
)

_encode = msgspec.json.encode
_decode = msgspec.json.decode
RESTRICTIONS = (b'"reserved_for"', b'"unavailable_for"')
SWEEP_BATCH = 500


def time_after(now: str, seconds: float) -> str:
    return format_time(datetime.fromisoformat(now).replace(tzinfo=UTC) + timedelta(seconds=seconds))


def assignment_from_row(row: Sequence[Any]) -> AssignmentRecord:
    (seq, pool_id, performer_no, user_id, suite_seq, status, created, expires, submitted, accepted, rejected,
     skipped, expired, reward, tasks, solutions, declined, comment) = row
    return AssignmentRecord(seq, pool_id, performer_no, user_id or "", suite_seq, status, created, expires, submitted,
                            accepted, rejected, skipped, expired, float(reward), _decode(bytes(tasks)),
                            bytes(solutions) if solutions is not None else None,
                            bytes(declined) if declined is not None else None, comment)


def _allowed(body: bytes, performer_id: str) -> bool:
    """Whether a task's `reserved_for` and `unavailable_for` let this performer have it."""
    if RESTRICTIONS[0] not in body and RESTRICTIONS[1] not in body:
        return True
    task: dict[str, Any] = _decode(body)
    reserved = task.get("reserved_for")
    if reserved and performer_id not in reserved:
        return False
    return performer_id not in (task.get("unavailable_for") or ())


def collect(conn: Connection, sql: str, pool_id: int, start: int, performer_no: int, performer_id: str,
             need: int, stop: int | None = None) -> list[tuple[int, int | None, bytes]]:
    """Up to `need` candidates `(seq, overlap, body)` from `start` on, in seq order, that this
    performer may have; pages on past restricted ones without rereading.

    Never asks for more rows than it still needs: on PostgreSQL the read locks what it returns
    until the transaction ends, and a spare row locked here is a row another taker skips."""
    found: list[tuple[int, int | None, bytes]] = []
    after = start
    while len(found) < need:
        batch = need - len(found)
        rows = conn.execute(sql, (pool_id, after, performer_no, batch)).fetchall()
        for seq, overlap, body in rows:
            if stop is not None and seq >= stop:
                return found
            body = bytes(body)
            if _allowed(body, performer_id):
                found.append((seq, overlap, body))
                if len(found) == need:
                    break
        if len(rows) < batch:
            break
        after = rows[-1][0]
    return found


def _golden(conn: Connection, d: Dialect, pool_id: int, performer_no: int, performer_id: str,
            need: int) -> list[tuple[int, int | None, bytes]]:
    """Unseen control tasks from a random point of the pool's control set, wrapping around, so
    that performers do not all meet the same control tasks in the same order."""
    low, high = conn.execute(d.w.GOLDEN_RANGE, (pool_id,)).fetchone()
    if low is None:
        return []
    pivot = random.randint(low, high)
    found = collect(conn, d.w.GOLDEN_TASKS, pool_id, pivot - 1, performer_no, performer_id, need)
    if len(found) < need:
        found += collect(conn, d.w.GOLDEN_TASKS, pool_id, low - 1, performer_no, performer_id,
                          need - len(found), stop=pivot)
    claimed = []
    for seq, overlap, body in found:
        if overlap is None or conn.execute(d.w.CLAIM_GOLDEN, (seq,)).rowcount == 1:
            claimed.append((seq, overlap, body))
    return claimed


def current(conn: Connection, d: Dialect, performer_no: int, plan: PoolPlan,
            now: str) -> tuple[WorkOutcome | None, bool]:
    """The start of every take: a refusal when the pool is not open, the performer's active
    assignment in the pool when there is one, or None when a new suite is to be issued; and
    whether an overdue active one was expired first."""
    state = d.take_state(conn, performer_no, plan.pool_id)
    if state is None or state[0] != "OPEN":
        return WorkOutcome(refusal=REFUSED_NOT_OPEN), False
    if state[1] != plan.revision:
        raise StalePlan(plan.pool_id)
    row = conn.execute(d.w.LATEST_ASSIGNMENT, (performer_no, plan.pool_id)).fetchone()
    active = assignment_from_row(row) if row is not None else None
    if active is not None and active.status == "ACTIVE":
        if active.expires > now:
            return WorkOutcome(active, assigned_tasks(conn, d, active)), False
        end_active(conn, d, active.seq, "EXPIRED", now)
        return None, True
    return None, False


def take(conn: Connection, d: Dialect, performer_no: int, performer_id: str, plan: PoolPlan,
         now: str) -> WorkOutcome:
    """Answer the performer's active assignment in the pool, or issue a new task suite."""
    found, expired = current(conn, d, performer_no, plan, now)
    outcome = found if found is not None else _new_suite(conn, d, performer_no, performer_id, plan, now)
    outcome.expired = expired
    return outcome


def _new_suite(conn: Connection, d: Dialect, performer_no: int, performer_id: str, plan: PoolPlan,
               now: str) -> WorkOutcome:
    w = d.w
    expires = time_after(now, plan.max_duration_seconds)
    mixer = plan.mixer
    if mixer is None:
        suites = collect(conn, w.OPEN_SUITES, plan.pool_id, 0, performer_no, performer_id, 1)
        if suites:
            return _issue_suite(conn, d, performer_no, performer_id, plan, suites[0], now, expires)
        if _others_hold(conn, d, w.PEEK_SUITES, plan.pool_id, performer_no, performer_id, 0, 1):
            return WorkOutcome(refusal=REFUSED_BUSY)
        mixer = ONE_TASK_A_SUITE
    return _issue_mixed(conn, d, performer_no, performer_id, plan, mixer, now, expires)


def _others_hold(conn: Connection, d: Dialect, peek: str, pool_id: int, performer_no: int, performer_id: str,
                 found: int, need: int) -> bool:
    """Whether the locking read came back short only because other takes hold rows it would have
    taken (they may leave overlap on them): then the take is tried again, not refused."""
    if not d.skips_locked or found >= need:
        return False
    return len(collect(conn, peek, pool_id, 0, performer_no, performer_id, need)) > found


def frontier_start(conn: Connection, d: Dialect, pool_id: int) -> int:
    """The seq the pool's open general tasks start after (`talaka.store.frontier`)."""
    read_from = d.frontier.due(pool_id)
    if read_from is not None:
        lowest = conn.execute(d.w.LOWEST_OPEN, (pool_id, read_from)).fetchone()[0]
        d.frontier.remember(pool_id, read_from, lowest)
    return d.frontier.start(pool_id)


def _open_general(conn: Connection, d: Dialect, pool_id: int, performer_no: int, performer_id: str,
                  need: int) -> list[tuple[int, int | None, bytes]]:
    """The oldest open general tasks this performer may have, from the pool's frontier on; below
    it only when that comes up short (overlap another process gave back a moment ago)."""
    start = frontier_start(conn, d, pool_id)
    found = collect(conn, d.w.OPEN_TASKS, pool_id, start, performer_no, performer_id, need)
    if len(found) < need and start > 0:
        found += collect(conn, d.w.OPEN_TASKS, pool_id, 0, performer_no, performer_id, need - len(found),
                          stop=start + 1)
    return found


def _issue_mixed(conn: Connection, d: Dialect, performer_no: int, performer_id: str, plan: PoolPlan,
                 mixer: MixerConfig, now: str, expires: str) -> WorkOutcome:
    w = d.w
    general = (_open_general(conn, d, plan.pool_id, performer_no, performer_id, mixer.real_tasks_count)
               if mixer.real_tasks_count else [])
    golden = (_golden(conn, d, plan.pool_id, performer_no, performer_id, mixer.golden_tasks_count)
              if mixer.golden_tasks_count else [])
    if _others_hold(conn, d, w.PEEK_TASKS, plan.pool_id, performer_no, performer_id, len(general),
                    mixer.real_tasks_count):
        _give_back_golden(conn, d, golden)
        return WorkOutcome(refusal=REFUSED_BUSY)
    sizes = mixer.suite_size(len(general), len(golden))
    if sizes is None:
        _give_back_golden(conn, d, golden)
        return WorkOutcome(refusal=REFUSED_NO_TASKS)
    chosen = mixer.arrange(general[:sizes[0]] + golden[:sizes[1]])
    seqs = [seq for seq, _, _ in chosen]
    general_seqs = [seq for seq, overlap, _ in general[:sizes[0]] if overlap is not None]
    assignment_seq = d.issue_tasks(conn, (plan.pool_id, performer_no, None, now, expires, plan.reward,
                                          _encode(seqs)), seqs, general_seqs)
    record = AssignmentRecord(assignment_seq, plan.pool_id, performer_no, performer_id, None, "ACTIVE", now,
                              expires, None, None, None, None, None, plan.reward, seqs, None, None, None)
    tasks = [AssignedTask(task_id(plan.pool_id, seq), body) for seq, _, body in chosen]
    return WorkOutcome(record, tasks, created=True)


def _give_back_golden(conn: Connection, d: Dialect, golden: list[tuple[int, int | None, bytes]]) -> None:
    """Control tasks of finite overlap claimed for a suite that is not issued."""
    for seq, overlap, _ in golden:
        if overlap is not None:
            conn.execute(d.w.USE_TASKS.format(slots=d.placeholder), (-1, seq))


def _issue_suite(conn: Connection, d: Dialect, performer_no: int, performer_id: str, plan: PoolPlan,
                 suite: tuple[int, int | None, bytes], now: str, expires: str) -> WorkOutcome:
    w = d.w
    suite_seq, _, body = suite
    assignment_seq = conn.execute(w.INSERT_ASSIGNMENT, (
        plan.pool_id, performer_no, suite_seq, now, expires, plan.reward, b"[]")).fetchone()[0]
    conn.execute(w.INSERT_ISSUED_SUITE, (performer_no, suite_seq, assignment_seq))
    conn.execute(w.USE_SUITES, (1, suite_seq))
    record = AssignmentRecord(assignment_seq, plan.pool_id, performer_no, performer_id, suite_seq, "ACTIVE", now,
                              expires, None, None, None, None, None, plan.reward, [], None, None, None)
    return WorkOutcome(record, suite_tasks(plan.pool_id, suite_seq, body), created=True)


def suite_tasks(pool_id: int, suite_seq: int, body: bytes) -> list[AssignedTask]:
    """The tasks inside a task suite, each with an id made of the suite's and its position."""
    tasks = []
    for index, task in enumerate(_decode(body).get("tasks") or []):
        identifier = suite_task_id(pool_id, suite_seq, index)
        tasks.append(AssignedTask(identifier, with_id(identifier, _encode({"pool_id": str(pool_id), **task}))))
    return tasks


def assigned_tasks(conn: Connection, d: Dialect, record: AssignmentRecord) -> list[AssignedTask]:
    return tasks_of_many(conn, d, [record])[record.seq]


def tasks_of_many(conn: Connection, d: Dialect, records: list[AssignmentRecord]) -> dict[int, list[AssignedTask]]:
    """The tasks of each assignment, in its order, read with one query per 500 tasks."""
    wanted = sorted({seq for record in records for seq in record.task_seqs})
    bodies: dict[int, AssignedTask] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for seq, pool_id, overlap, used, body in conn.execute(
                d.w.TASK_BODIES.format(slots=slots(d, len(chunk))), chunk).fetchall():
            identifier = task_id(pool_id, seq)
            bodies[seq] = AssignedTask(identifier, with_id(identifier, with_remaining(bytes(body), overlap, used)))
    result: dict[int, list[AssignedTask]] = {}
    for record in records:
        if record.suite_seq is not None:
            row = conn.execute(d.w.SUITE_BODY, (record.suite_seq,)).fetchone()
            result[record.seq] = suite_tasks(row[0], record.suite_seq, bytes(row[1])) if row else []
        else:
            result[record.seq] = [bodies[seq] for seq in record.task_seqs if seq in bodies]
    return result


def _task_counters(conn: Connection, d: Dialect, statement: str, seqs: list[int], delta: int) -> None:
    if seqs:
        conn.execute(statement.format(slots=slots(d, len(seqs))), (delta, *seqs))


def end_active(conn: Connection, d: Dialect, seq: int, status: str, now: str) -> bool:
    """Move an ACTIVE assignment to SKIPPED or EXPIRED and give its overlap back; False when it
    was no longer ACTIVE (someone else moved it first)."""
    skipped, expired = (now, None) if status == "SKIPPED" else (None, now)
    row = conn.execute(d.w.END_ACTIVE, (status, skipped, expired, seq)).fetchone()
    if row is None:
        return False
    tasks, suite_seq, pool_id = row
    if suite_seq is not None:
        conn.execute(d.w.USE_SUITES, (-1, suite_seq))
    else:
        seqs = _decode(bytes(tasks))
        _task_counters(conn, d, d.w.USE_TASKS, seqs, -1)
        if seqs:
            d.frontier.lower(pool_id, min(seqs))
    return True


def _own_assignment(conn: Connection, d: Dialect, performer_no: int, seq: int) -> AssignmentRecord | None:
    row = conn.execute(d.w.ASSIGNMENT_BY_SEQ, (seq,)).fetchone()
    if row is None or row[2] != performer_no:
        return None
    return assignment_from_row(row)


def submit(conn: Connection, d: Dialect, performer_no: int, performer_id: str, seq: int, plan: PoolPlan,
           body: dict[str, Any], now: str) -> WorkOutcome:
    """Check a performer's answers against the assignment and the project's output spec and store
    them, in one transaction: an ACTIVE assignment before its deadline becomes SUBMITTED (ACCEPTED
    at once when the pool auto-accepts). A repeat of the submit that already went through (the
    same answers) gets the assignment as it is; anything else that is not ACTIVE is refused."""
    w = d.w
    row = conn.execute(w.ASSIGNMENT_ONLY, (seq,)).fetchone()
    if row is None or row[2] != performer_no or row[1] != plan.pool_id:
        return WorkOutcome(refusal=REFUSED_NOT_FOUND)
    record = assignment_from_row(row)
    record.user_id = performer_id
    tasks = assigned_tasks(conn, d, record) if record.suite_seq is not None else None
    solutions, errors = check_submission(body, len(tasks) if tasks is not None else len(record.task_seqs),
                                         plan.output)
    if record.status != "ACTIVE":
        if not errors and same_solutions(record.solutions, solutions):
            return WorkOutcome(record, tasks if tasks is not None else assigned_tasks(conn, d, record))
        return WorkOutcome(record, refusal=REFUSED_STATUS)
    if record.expires <= now:
        end_active(conn, d, seq, "EXPIRED", now)
        record.status, record.expired = "EXPIRED", now
        return WorkOutcome(record, refusal=REFUSED_STATUS, expired=True)
    if errors:
        return WorkOutcome(record, errors=errors)
    if plan.auto_accept:
        status, accepted, auto_accept = "ACCEPTED", now, None
    else:
        status, accepted, auto_accept = "SUBMITTED", None, time_after(now, plan.auto_accept_period_days * 86_400)
    updated = conn.execute(w.SUBMIT, (status, now, accepted, auto_accept, solutions, seq, performer_no, now,
                                      plan.revision)).fetchone()
    if updated is None:
        state = conn.execute(w.POOL_STATE, (plan.pool_id,)).fetchone()
        if state is not None and state[1] != plan.revision:
            raise StalePlan(plan.pool_id)
        return WorkOutcome(_own_assignment(conn, d, performer_no, seq), refusal=REFUSED_STATUS)
    record = assignment_from_row(updated)
    record.user_id = performer_id
    return WorkOutcome(record, tasks if tasks is not None else assigned_tasks(conn, d, record))


def skip(conn: Connection, d: Dialect, performer_no: int, seq: int, now: str) -> WorkOutcome:
    record = _own_assignment(conn, d, performer_no, seq)
    if record is None:
        return WorkOutcome(refusal=REFUSED_NOT_FOUND)
    if record.status != "ACTIVE":
        return WorkOutcome(record, refusal=REFUSED_STATUS)
    overdue = record.expires <= now
    end_active(conn, d, seq, "EXPIRED" if overdue else "SKIPPED", now)
    if overdue:
        record.status, record.expired = "EXPIRED", now
        return WorkOutcome(record, refusal=REFUSED_STATUS, expired=True)
    record.status, record.skipped = "SKIPPED", now
    return WorkOutcome(record, assigned_tasks(conn, d, record))


def set_review(conn: Connection, d: Dialect, seq: int, current: str, target: str, comment: str | None,
               now: str) -> bool:
    """Accept or reject, conditional on the status the caller saw; False when it changed meanwhile.
    (The rules the review feeds are `talaka.store.quality`'s.)"""
    accepted = now if target == "ACCEPTED" else None
    rejected = now if target == "REJECTED" else None
    return bool(conn.execute(d.w.REVIEW, (target, accepted, rejected, comment, seq, current)).rowcount == 1)


def expire_due(conn: Connection, d: Dialect, now: str) -> int:
    """Expire a batch of ACTIVE assignments past their deadline; the count expired here."""
    due = [row[0] for row in conn.execute(d.w.DUE_EXPIRIES, (now, SWEEP_BATCH)).fetchall()]
    return sum(end_active(conn, d, seq, "EXPIRED", now) for seq in due)


def due_accepts(conn: Connection, d: Dialect, now: str) -> list[int]:
    """A batch of SUBMITTED assignments whose review period (`auto_accept_period_day`) ended."""
    return [row[0] for row in conn.execute(d.w.DUE_ACCEPTS, (now, SWEEP_BATCH)).fetchall()]


class _CloseDelay(msgspec.Struct):
    auto_close_after_complete_delay_seconds: int = 0


_decode_delay = msgspec.json.Decoder(_CloseDelay).decode


def close_finished_pools(conn: Connection, d: Dialect, now: str) -> list[tuple[int, str]]:
    """Close open pools that expired (`will_expire`) or whose work is done; `(pool id, reason)` each.

    A pool is done when it has general work, none of it has overlap left to give and nothing is
    ACTIVE (so every unit of overlap is a submitted answer); it
    closes `auto_close_after_complete_delay_seconds` after it was first seen done. Each question
    is one statement over all open pools (index probes per pool inside the database), so a sweep
    costs a few statements however many pools are open.
    """
    w = d.w
    closed: list[tuple[int, str]] = []
    for pool_id, body in conn.execute(w.EXPIRED_POOLS, (now,)).fetchall():
        _close(conn, d, pool_id, bytes(body), "EXPIRED", now)
        closed.append((pool_id, "EXPIRED"))
    done = set()
    for pool_id, body, complete_since in conn.execute(w.DONE_POOLS).fetchall():
        done.add(pool_id)
        body = bytes(body)
        try:
            delay = max(_decode_delay(body).auto_close_after_complete_delay_seconds, 0)
        except msgspec.ValidationError:
            delay = 0
        if time_after(complete_since or now, delay) <= now:
            _close(conn, d, pool_id, body, "COMPLETED", now)
            closed.append((pool_id, "COMPLETED"))
        elif complete_since is None:
            conn.execute(w.SET_COMPLETE_SINCE, (now, pool_id))
    for (pool_id,) in conn.execute(w.WAITING_POOLS).fetchall():
        if pool_id not in done:
            conn.execute(w.SET_COMPLETE_SINCE, (None, pool_id))
    return closed


def _close(conn: Connection, d: Dialect, pool_id: int, body: bytes, reason: str, now: str) -> None:
    conn.execute(d.w.CLOSE_POOL, (d.json(pool_body_with_status(body, "CLOSED", now, reason)), pool_id))
