"""Quality control in the store: rules evaluated in the transaction of the event that feeds them.

The work loop's writes (`talaka.store.work`) know nothing of rules; the functions here wrap them:
the submit, skip or review happens, then the events it makes are counted in each performer's
state and the actions fired are carried out before the transaction commits. So a ban is in the
database when the submit that earned it is answered, and the performer's next take (in any server
process) is refused. Actions can make more events (rejecting all of a performer's answers is a
review each, a ban is an access revoked), which join the same queue.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from talaka.core.assignments import AssignedTask, AssignmentRecord
from talaka.core.pool_plan import PoolPlan
from talaka.core.pools import pool_body_with_status
from talaka.core.quality.collectors import Event, PerformerState, decode_state, encode_state
from talaka.core.quality.config import QualityRules, compile_rules
from talaka.core.quality.correctness import answer_key, credit, majority
from talaka.core.quality.engine import Fired, evaluate, feeds
from talaka.store import work
from talaka.store.dbapi import Connection, Dialect, slots
from talaka.store.users import active_restriction, set_user_skill, skill_values, upsert_restriction
from talaka.store.work import time_after
from talaka.store.work_records import WorkOutcome

_decode = msgspec.json.decode
_encode = msgspec.json.encode
MAX_EVENTS = 10_000
"""A bound on one transaction's cascade of events (each action ends: it only moves SUBMITTED
assignments or adds a restriction that exists once), kept as a guard against a loop."""
MAX_CACHED = 10_000
REVIEW_EVENT = {"ACCEPTED": "ACCEPT", "REJECTED": "REJECT"}
Judged = dict[str, list[bool]]
"""Answers judged against a majority, right or not, by MAJORITY_VOTE collector."""


@dataclass(frozen=True, slots=True)
class PoolQuality:
    pool_id: int
    project_id: int
    requester_id: int
    rules: QualityRules


_pools: dict[int, tuple[int, PoolQuality]] = {}
_skill_owners: dict[int, int] = {}


def pool_quality(conn: Connection, d: Dialect, pool_id: int) -> PoolQuality | None:
    """The pool's compiled rules, compiled again only when its revision moved."""
    state = conn.execute(d.w.POOL_STATE, (pool_id,)).fetchone()
    if state is None:
        return None
    cached = _pools.get(pool_id)
    if cached is not None and cached[0] == state[1]:
        return cached[1]
    revision, project_id, requester_id, body = conn.execute(d.qc.POOL_RULES, (pool_id,)).fetchone()
    pool: dict[str, Any] = _decode(bytes(body))
    quality = PoolQuality(pool_id, int(project_id), int(requester_id), compile_rules(pool.get("quality_control")))
    if len(_pools) >= MAX_CACHED:
        _pools.clear()
    _pools[pool_id] = (int(revision), quality)
    return quality


def _seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


class _Run:
    """The events of one transaction in one pool, processed in order; each performer's state is
    read once and written once.

    On PostgreSQL a transaction waits for the lock on its own performer's counts only. Other
    performers' counts (a majority judging their earlier answers) are taken only if nobody holds
    them; when their own submit is holding them, the judgement is left in `quality_pending` and
    counted by that performer's next event (their next take at the latest), so that no two
    submits ever wait on each other."""

    def __init__(self, conn: Connection, d: Dialect, pool: PoolQuality, now: str) -> None:
        self.conn, self.d, self.pool, self.now = conn, d, pool, now
        self.states: dict[int, PerformerState] = {}
        self.deferred: set[int] = set()
        self.stored: set[int] = set()
        """Performers whose counts have a row already (written back with a plain update)."""
        self.queue: deque[tuple[int, Event]] = deque()

    def add(self, performer_no: int, event: Event) -> None:
        if not feeds(self.pool.rules, event.kind):
            return
        if performer_no in self.deferred:
            self.conn.execute(self.d.qc.DEFER, (performer_no, self.pool.pool_id, _encode(event.judged)))
        else:
            self.queue.append((performer_no, event))

    def run(self) -> None:
        done = 0
        while self.queue and done < MAX_EVENTS:
            performer_no, event = self.queue.popleft()
            done += 1
            for fired in evaluate(self.pool.rules, self._state(performer_no), event):
                self._apply(performer_no, fired, event)
        q = self.d.qc
        for performer_no, state in self.states.items():
            if performer_no in self.stored:
                self.conn.execute(q.UPDATE_STATE, (encode_state(state), performer_no, self.pool.pool_id))
            else:
                self.conn.execute(q.SAVE_STATE, (performer_no, self.pool.pool_id, encode_state(state)))

    def lock(self, performer_no: int, others: Iterable[int] = ()) -> None:
        """Take the acting performer's counts (waiting for them), then the others' if they are free."""
        self._state(performer_no)
        for other in sorted(set(others) - {performer_no}):
            if not self._try_state(other):
                self.deferred.add(other)

    def _state(self, performer_no: int) -> PerformerState:
        """A performer's counts, locked until the transaction ends (judgements others left for
        them are counted by `settle` at their next take, which comes before any submit of theirs)."""
        state = self.states.get(performer_no)
        if state is None:
            q = self.d.qc
            key = (performer_no, self.pool.pool_id)
            row = self.conn.execute(q.STATE, key).fetchone()
            if row is None and q.CLAIM_STATE:  # the first count: make the row, so that it can be locked
                self.conn.execute(q.CLAIM_STATE, key)
                row = self.conn.execute(q.STATE, key).fetchone()
            state = self.states[performer_no] = decode_state(bytes(row[0]) if row else None)
            if row is not None:
                self.stored.add(performer_no)
        return state

    def _try_state(self, performer_no: int) -> bool:
        """Take another performer's counts only if no transaction holds them (always, on SQLite)."""
        if not self.d.skips_locked:
            self._state(performer_no)
            return True
        q = self.d.qc
        key = (performer_no, self.pool.pool_id)
        row = self.conn.execute(q.TRY_STATE, key).fetchone()
        if row is None and self.conn.execute(q.STATE_EXISTS, key).fetchone() is None:
            self.conn.execute(q.CLAIM_STATE, key)
            row = self.conn.execute(q.TRY_STATE, key).fetchone()
        if row is None:
            return False
        self.states[performer_no] = decode_state(bytes(row[0]))
        self.stored.add(performer_no)
        return True

    def _apply(self, performer_no: int, fired: Fired, event: Event) -> None:
        action = fired.action
        parameters = action.parameters
        restriction = action.restriction()
        if restriction is not None:
            self._restrict(performer_no, *restriction, parameters.get("private_comment"))
        elif action.type in ("SET_SKILL", "SET_SKILL_FROM_OUTPUT_FIELD"):
            value = (parameters.get("skill_value") if action.type == "SET_SKILL"
                     else fired.stats.get(str(parameters.get("from_field"))))
            skill_id = int(parameters["skill_id"])
            if (isinstance(value, int | float) and self._owns_skill(skill_id)
                    and skill_values(self.conn, self.d, performer_no, (skill_id,)).get(str(skill_id)) != value):
                set_user_skill(self.conn, self.d, skill_id, performer_no, float(value), self.now)
        elif action.type in ("REJECT_ALL_ASSIGNMENTS", "APPROVE_ALL_ASSIGNMENTS"):
            target = "REJECTED" if action.type == "REJECT_ALL_ASSIGNMENTS" else "ACCEPTED"
            comment = parameters.get("public_comment") if target == "REJECTED" else None
            for seq, reward, tasks, suite_seq in self._held(performer_no, ("SUBMITTED",)):
                if work.set_review(self.conn, self.d, seq, "SUBMITTED", target, comment, self.now):
                    self.add(performer_no, review_event(self.conn, self.d, self.pool.rules, target, False, seq,
                                                        float(reward), tasks, suite_seq, self.now))
        elif action.type == "CHANGE_OVERLAP":
            held = ([(event.assignment_seq,)] if event.assignment_seq is not None
                    else self._held(performer_no, ("SUBMITTED", "ACCEPTED")))
            for (seq, *_rest) in held:
                self._grow(seq, int(parameters["delta"]))
            if parameters.get("open_pool"):
                self._reopen()

    def _restrict(self, performer_no: int, scope: str, seconds: int | None, comment: Any) -> None:
        """One restriction per scope: while one is in force, firing again changes nothing."""
        pool = self.pool
        target = {"POOL": pool.pool_id, "PROJECT": pool.project_id}.get(scope, 0)
        if active_restriction(self.conn, self.d, pool.requester_id, performer_no, scope, target, self.now) is not None:
            return
        will_expire = time_after(self.now, seconds) if seconds is not None else None
        upsert_restriction(self.conn, self.d, pool.requester_id, performer_no, scope, target, will_expire,
                           comment if isinstance(comment, str) else None, self.now)
        self.add(performer_no, Event("REVOKED", self.now, assessment={"pool_access_revoked_reason": "RESTRICTION"}))

    def _owns_skill(self, skill_id: int) -> bool:
        """A rule may only write the pool owner's skills (another requester's id does nothing).
        A skill never changes owner, so the owners found are kept for the process."""
        owner = _skill_owners.get(skill_id)
        if owner is None:
            row = self.conn.execute(self.d.u.SKILL_OWNER, (skill_id,)).fetchone()
            if row is None:
                return False
            owner = _skill_owners[skill_id] = int(row[0])
            if len(_skill_owners) > MAX_CACHED:
                _skill_owners.clear()
        return owner == self.pool.requester_id

    def _held(self, performer_no: int, statuses: tuple[str, ...]) -> list[Any]:
        sql = self.d.qc.HELD_BY.format(slots=slots(self.d, len(statuses)))
        return list(self.conn.execute(sql, (performer_no, self.pool.pool_id, *statuses)).fetchall())

    def _grow(self, assignment_seq: int, delta: int) -> None:
        """More overlap for the tasks of one assignment (its suite, or its general tasks), so that
        they are issued again, to other performers (never twice to one)."""
        conn, d = self.conn, self.d
        row = conn.execute(d.w.ASSIGNMENT_ONLY, (assignment_seq,)).fetchone()
        if row is None:
            return
        record = work.assignment_from_row(row)
        if record.suite_seq is not None:
            conn.execute(d.qc.GROW_SUITE, (delta, record.suite_seq))
            return
        grown = []
        for seq in sorted(record.task_seqs):
            updated = conn.execute(d.qc.GROW_TASK, (delta, seq)).fetchone()
            if updated is not None:
                task: dict[str, Any] = _decode(bytes(updated[1]))
                task["overlap"] = int(updated[0])
                conn.execute(d.qc.TASK_BODY, (d.json(_encode(task)), seq))
                grown.append(seq)
        if grown:
            d.frontier.lower(self.pool.pool_id, grown[0])

    def _reopen(self) -> None:
        """Open the pool again if it closed because its work was done (not if its owner closed it)."""
        row = self.conn.execute(self.d.qc.POOL_BODY, (self.pool.pool_id,)).fetchone()
        if row is None or row[0] != "CLOSED":
            return
        body = bytes(row[1])
        if _decode(body).get("last_close_reason") == "COMPLETED":
            opened = pool_body_with_status(body, "OPEN", self.now)
            self.conn.execute(self.d.qc.REOPEN_POOL, (self.d.json(opened), self.pool.pool_id))


def review_event(conn: Connection, d: Dialect, rules: QualityRules, target: str, after_reject: bool, seq: int,
                 reward: float, tasks: Any, suite_seq: int | None, now: str) -> Event:
    """The event of an accept or reject, with ASSIGNMENTS_ASSESSMENT's counts of the suite's
    assignments by status when a rule needs them (for a mixed suite: those holding its first task)."""
    event = Event(target, now, seq, reward=reward, after_reject=after_reject)
    if rules.of("ASSIGNMENTS_ASSESSMENT"):
        if suite_seq is not None:
            rows = conn.execute(d.qc.SUITE_VOTES, (suite_seq,)).fetchall()
        else:
            seqs = _decode(bytes(tasks))
            rows = conn.execute(d.qc.TASK_VOTES, (min(seqs),)).fetchall() if seqs else []
        by_status = {status: int(count) for status, count in rows}
        event.assessment = {"pending_assignments_count": by_status.get("SUBMITTED", 0),
                            "accepted_assignments_count": by_status.get("ACCEPTED", 0),
                            "rejected_assignments_count": by_status.get("REJECTED", 0),
                            "assessment_event": "ACCEPT_AFTER_REJECT" if after_reject else REVIEW_EVENT[target]}
    return event


def _golden_credits(tasks: list[AssignedTask], answers: list[Any]) -> list[float]:
    credits = []
    for task, answer in zip(tasks, answers, strict=False):
        if b'"known_solutions"' in task.body:
            known = _decode(task.body).get("known_solutions")
            if known:
                credits.append(credit(answer.get("output_values"), known))
    return credits


def _judge_majorities(conn: Connection, d: Dialect, rules: QualityRules, record: AssignmentRecord,
                      tasks: list[AssignedTask], answers: list[Any]) -> tuple[Judged, dict[int, Judged]]:
    """MAJORITY_VOTE: the performer's answers to tasks that have a majority, and, for a task that
    gains its majority with this answer, every earlier answer to it (those performers are judged
    now). Reads answers only: the performers' counts are locked and changed afterwards."""
    general = [seq for seq, task in zip(record.task_seqs, tasks, strict=False)
               if b'"known_solutions"' not in task.body or not _decode(task.body).get("known_solutions")]
    mine_judged: Judged = {}
    others_judged: dict[int, Judged] = defaultdict(dict)
    if not general or record.suite_seq is not None:
        return mine_judged, others_judged
    mine = {seq: answer_key(answers[record.task_seqs.index(seq)].get("output_values")) for seq in general}
    votes: dict[int, list[tuple[int, bytes]]] = defaultdict(list)
    decoded: dict[int, tuple[list[int], list[Any]]] = {}
    for task_seq, seq, performer_no, task_list, solutions in conn.execute(
            d.qc.ANSWERS_TO.format(slots=slots(d, len(general))), general).fetchall():
        if performer_no == record.performer_no or solutions is None:
            continue
        if seq not in decoded:
            decoded[seq] = (_decode(bytes(task_list)), _decode(bytes(solutions)))
        their_tasks, their_answers = decoded[seq]
        votes[task_seq].append((performer_no, answer_key(their_answers[their_tasks.index(task_seq)]
                                                         .get("output_values"))))
    for collector in rules.of("MAJORITY_VOTE"):
        threshold = int(collector.parameters["answer_threshold"])
        for task_seq in general:
            others = votes.get(task_seq, [])
            before = majority([key for _, key in others], threshold)
            if before is not None:
                mine_judged.setdefault(collector.uuid, []).append(mine[task_seq] == before)
                continue
            after = majority([key for _, key in others] + [mine[task_seq]], threshold)
            if after is None:
                continue
            mine_judged.setdefault(collector.uuid, []).append(mine[task_seq] == after)
            for performer_no, key in others:
                others_judged[performer_no].setdefault(collector.uuid, []).append(key == after)
    return mine_judged, others_judged


def submit(conn: Connection, d: Dialect, performer_no: int, performer_id: str, seq: int, plan: PoolPlan,
           body: dict[str, Any], now: str) -> WorkOutcome:
    """`work.submit`, then the pool's rules over what the submit (and an instant accept) counted."""
    outcome = work.submit(conn, d, performer_no, performer_id, seq, plan, body, now)
    record = outcome.record
    rules = plan.quality
    if (not rules.collectors or record is None or outcome.refusal is not None or outcome.errors
            or record.submitted != now or record.solutions is None):
        return outcome
    run = _Run(conn, d, PoolQuality(plan.pool_id, plan.project_id, plan.requester_id, rules), now)
    answers: list[Any] = _decode(record.solutions)
    event = Event("SUBMITTED", now, record.seq, submit_seconds=_seconds(record.created, now), reward=record.reward)
    if rules.of("GOLDEN_SET"):
        event.golden_credits = _golden_credits(outcome.tasks, answers)
    others: dict[int, Judged] = {}
    if rules.of("MAJORITY_VOTE"):
        event.judged, others = _judge_majorities(conn, d, rules, record, outcome.tasks, answers)
    run.lock(performer_no, others)
    run.add(performer_no, event)
    for other, judged in others.items():
        run.add(other, Event("JUDGED", now, judged=judged))
    if record.status == "ACCEPTED":
        run.add(performer_no, Event("ACCEPTED", now, record.seq, reward=record.reward, reviewed=False))
    run.run()
    return outcome


def skip(conn: Connection, d: Dialect, performer_no: int, seq: int, now: str) -> WorkOutcome:
    outcome = work.skip(conn, d, performer_no, seq, now)
    record = outcome.record
    if record is not None and outcome.refusal is None:
        pool = pool_quality(conn, d, record.pool_id)
        if pool is not None and feeds(pool.rules, "SKIPPED"):
            run = _Run(conn, d, pool, now)
            run.add(performer_no, Event("SKIPPED", now, record.seq))
            run.run()
    return outcome


def after_review(conn: Connection, d: Dialect, record: AssignmentRecord, target: str, now: str) -> None:
    """Count an accept or reject that just happened (`record` as it was before it)."""
    pool = pool_quality(conn, d, record.pool_id)
    if pool is None or not feeds(pool.rules, target):
        return
    run = _Run(conn, d, pool, now)
    tasks = _encode(record.task_seqs)
    run.add(record.performer_no, review_event(conn, d, pool.rules, target, record.status == "REJECTED", record.seq,
                                              record.reward, tasks, record.suite_seq, now))
    run.run()


def review(conn: Connection, d: Dialect, record: AssignmentRecord, target: str, comment: str | None,
           now: str) -> bool:
    """`PATCH /v1/assignments/{id}`: the review, conditional on the status in `record` (as the
    caller read it), then the rules it feeds."""
    if not work.set_review(conn, d, record.seq, record.status, target, comment, now):
        return False
    after_review(conn, d, record, target, now)
    return True


def accept_due(conn: Connection, d: Dialect, now: str) -> int:
    """Accept SUBMITTED assignments whose review period ended; each accept feeds the rules."""
    accepted = 0
    for seq in work.due_accepts(conn, d, now):
        row = conn.execute(d.w.ASSIGNMENT_BY_SEQ, (seq,)).fetchone()
        if row is not None and conn.execute(d.w.AUTO_ACCEPT, (now, seq)).rowcount == 1:
            accepted += 1
            after_review(conn, d, work.assignment_from_row(row), "ACCEPTED", now)
    return accepted


def settle(conn: Connection, d: Dialect, plan: PoolPlan, performer_no: int, now: str) -> None:
    """Before a take (PostgreSQL, pools with majority vote): count the judgements other submits
    left for this performer while their counts were busy, so that a ban they earn holds now."""
    if not d.skips_locked or not plan.quality.of("MAJORITY_VOTE"):
        return
    pending = conn.execute(d.qc.TAKE_PENDING, (performer_no, plan.pool_id)).fetchall()
    if not pending:
        return
    run = _Run(conn, d, PoolQuality(plan.pool_id, plan.project_id, plan.requester_id, plan.quality), now)
    for (judged,) in pending:
        run.add(performer_no, Event("JUDGED", now, judged=_decode(bytes(judged))))
    run.lock(performer_no)
    run.run()
