"""Reads of the work loop: performers, assignment searches, offers, analytics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from talaka.core.assignments import STATUSES, AssignedTask, AssignmentRecord
from talaka.core.performers import Profile
from talaka.core.timefmt import now_text
from talaka.store.dbapi import Connection, Dialect, slots
from talaka.store.search import Search, render
from talaka.store.work import assignment_from_row, frontier_start, tasks_of_many
from talaka.store.work_queries import ASSIGNMENT_COLUMNS, ASSIGNMENT_FROM
from talaka.store.work_records import PerformerRecord, PoolSource

_decode = msgspec.json.decode
ASSIGNMENT_SEARCH_COLUMNS = {
    "id": "(a.pool_id, a.seq)", "pool_id": "a.pool_id", "user_id": "p.id", "created": "a.created",
    "submitted": "a.submitted", "accepted": "a.accepted", "rejected": "a.rejected", "skipped": "a.skipped",
    "expired": "a.expired"}
Page = list[tuple[AssignmentRecord, list[AssignedTask]]]


def performer_from_row(row: Sequence[Any]) -> PerformerRecord:
    no, performer_id, name, languages, country, adult, created = row
    return PerformerRecord(no, performer_id, Profile(name, tuple(_decode(bytes(languages))), country, bool(adult)),
                           created)


def create_performer(conn: Connection, d: Dialect, performer_id: str, profile: Profile, token_hash: bytes,
                     requester_id: int | None) -> PerformerRecord:
    created = now_text()
    no = conn.execute(d.w.INSERT_PERFORMER, (
        performer_id, profile.name, msgspec.json.encode(list(profile.languages)), profile.country,
        int(profile.adult_allowed), created, requester_id)).fetchone()[0]
    conn.execute(d.w.INSERT_PERFORMER_TOKEN, (token_hash, no, created))
    return PerformerRecord(int(no), performer_id, profile, created)


def pool_source(conn: Connection, d: Dialect, pool_id: int) -> PoolSource | None:
    row = conn.execute(d.w.POOL_FOR_WORK, (pool_id,)).fetchone()
    if row is None:
        return None
    status, revision, project_id, requester_id, pool_body, project_body, requester_name = row
    return PoolSource(pool_id, status, revision, project_id, requester_id, bytes(pool_body), bytes(project_body),
                      requester_name)


def pools_with_work(conn: Connection, d: Dialect, performer_no: int, pool_ids: list[int]) -> set[int]:
    """The pools among `pool_ids` with a task or suite left that this performer has not been given."""
    with_work: set[int] = set()
    for pool_id in pool_ids:
        for sql, start in ((d.w.PEEK_TASKS, frontier_start(conn, d, pool_id)), (d.w.PEEK_SUITES, 0)):
            if conn.execute(sql, (pool_id, start, performer_no, 1)).fetchone() is not None:
                with_work.add(pool_id)
                break
    return with_work


def _page(conn: Connection, d: Dialect, sql: str, params: list[Any], limit: int) -> tuple[Page, bool]:
    rows = conn.execute(sql, params).fetchall()
    records = [assignment_from_row(row) for row in rows[:limit]]
    tasks = tasks_of_many(conn, d, records)
    return [(record, tasks[record.seq]) for record in records], len(rows) > limit


def get_assignment(conn: Connection, d: Dialect, seq: int) -> tuple[AssignmentRecord, list[AssignedTask]] | None:
    row = conn.execute(d.w.ASSIGNMENT_BY_SEQ, (seq,)).fetchone()
    if row is None:
        return None
    record = assignment_from_row(row)
    return record, tasks_of_many(conn, d, [record])[record.seq]


class _Where:
    """An AND of SQL conditions and their parameters; `?` in a condition is the dialect's placeholder."""

    def __init__(self, d: Dialect) -> None:
        self.placeholder = d.placeholder
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause.replace("?", self.placeholder))
        self.params += params

    def any_of(self, column: str, values: list[str]) -> None:
        if values:
            self.add(f"{column} IN ({', '.join('?' for _ in values)})", *values)

    def select(self, order: str) -> str:
        return (f"SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM} WHERE {' AND '.join(self.clauses)} "
                f"ORDER BY {order} LIMIT {self.placeholder}")


def find_requester_assignments(conn: Connection, d: Dialect, requester_id: int, search: Search,
                               statuses: list[str]) -> tuple[Page, bool]:
    """A page of `GET /v1/assignments`: only assignments in this requester's pools."""
    where = _Where(d)
    equals = dict(search.equals)
    pool_id = equals.get("pool_id")
    if pool_id is not None:
        if conn.execute(d.w.OWNED_POOL, (pool_id, requester_id)).fetchone() is None:
            return [], False
    else:
        where.add("a.pool_id IN (SELECT id FROM pools WHERE requester_id = ?)", requester_id)
    task = equals.pop("task_id", None)
    if task is not None:
        where.add("a.pool_id = ? AND a.seq IN (SELECT assignment_seq FROM issued_tasks WHERE task_seq = ?)", *task)
    suite = equals.pop("task_suite_id", None)
    if suite is not None:
        where.add("a.pool_id = ? AND (a.seq = ? OR a.suite_seq = ?)", suite[0], suite[1], suite[1])
    where.any_of("a.status", statuses)
    rendered, order, search_params = render(Search(equals=equals, ranges=search.ranges, sort=search.sort),
                                            ASSIGNMENT_SEARCH_COLUMNS, "?")
    where.add(rendered, *search_params)
    return _page(conn, d, where.select(order or "a.pool_id, a.seq"), [*where.params, search.limit + 1],
                 search.limit)


def find_performer_assignments(conn: Connection, d: Dialect, performer_no: int, statuses: list[str],
                               pool_id: int | None, id_gt: tuple[int, int] | None, limit: int,
                               oldest_first: bool) -> tuple[Page, bool]:
    """A page of the performer API's `GET /assignments`: only this performer's own."""
    where = _Where(d)
    where.add("a.performer_no = ?", performer_no)
    where.any_of("a.status", statuses)
    if pool_id is not None:
        where.add("a.pool_id = ?", pool_id)
    if id_gt is not None:
        where.add("(a.pool_id, a.seq) > (?, ?)", *id_gt)
    order = "a.pool_id, a.seq" if oldest_first else "a.seq DESC"
    return _page(conn, d, where.select(order), [*where.params, limit + 1], limit)


def pool_assignments(conn: Connection, d: Dialect, pool_id: int, statuses: list[str], after_seq: int,
                     submitted_from: str | None, submitted_to: str | None, limit: int) -> Page:
    """One chunk of a pool's assignments in id order, for the TSV export."""
    where = _Where(d)
    where.add("a.pool_id = ? AND a.seq > ?", pool_id, after_seq)
    where.any_of("a.status", statuses)
    if submitted_from is not None:
        where.add("a.submitted >= ?", submitted_from)
    if submitted_to is not None:
        where.add("a.submitted <= ?", submitted_to)
    return _page(conn, d, where.select("a.seq"), [*where.params, limit], limit)[0]


@dataclass(frozen=True)
class Completion:
    """How far a pool is: its assignments by status, and the units of overlap answered of all."""

    by_status: dict[str, int]
    performers_by_status: dict[str, int]
    spent: float
    tasks: int
    done: int
    total_overlap: int

    @property
    def percentage(self) -> float:
        return self.done * 100 / self.total_overlap if self.total_overlap else 0.0


def completion(conn: Connection, d: Dialect, pool_id: int) -> Completion:
    w = d.w
    by_status: dict[str, int] = {}
    performers: dict[str, int] = {}
    spent = 0.0
    for status, count, distinct, reward in conn.execute(w.ANALYTICS_ASSIGNMENTS, (pool_id,)).fetchall():
        by_status[status] = int(count)
        performers[status] = int(distinct)
        if status == "ACCEPTED":
            spent = float(reward)
    tasks, overlap, used = conn.execute(w.ANALYTICS_TASKS, (pool_id,)).fetchone()
    suites, suite_overlap, suite_used = conn.execute(w.ANALYTICS_SUITES, (pool_id,)).fetchone()
    done = int(used) + int(suite_used) - _active_slots(conn, d, pool_id)
    return Completion(by_status, performers, spent, int(tasks) + int(suites), done,
                      int(overlap) + int(suite_overlap))


def pool_progress(conn: Connection, d: Dialect, pool_id: int, since: str) -> dict[str, Any]:
    """What the requester's pool page shows every two seconds, in one snapshot: completion,
    assignments by status, performers at work, and the answers submitted since `since` (the rate
    the finishing time is estimated from)."""
    found = completion(conn, d, pool_id)
    recent = int(conn.execute(d.w.SUBMITTED_SINCE, (pool_id, since)).fetchone()[0])
    return {
        "completion_percentage": found.percentage,
        "assignments": {status: found.by_status.get(status, 0) for status in STATUSES},
        "performers_at_work": found.performers_by_status.get("ACTIVE", 0),
        "estimated_assignments_count": _estimated_assignments(found.total_overlap, found.done, found.by_status),
        "submitted_since": since,
        "submitted_recently": recent,
    }


def pool_analytics(conn: Connection, d: Dialect, pool_id: int) -> dict[str, Any]:
    """Every figure `POST /staging/analytics-2` can ask about one pool, from one snapshot."""
    w = d.w
    found = completion(conn, d, pool_id)
    by_status, spent, done = found.by_status, found.spent, found.done
    durations = [(datetime.fromisoformat(submitted) - datetime.fromisoformat(created)).total_seconds()
                 for created, submitted in conn.execute(w.ANALYTICS_SUBMIT_TIMES, (pool_id,)).fetchall()]
    total_overlap = found.total_overlap
    return {
        "completion_percentage": found.percentage,
        "submitted_assignments_count": sum(by_status.get(name, 0) for name in ("SUBMITTED", "ACCEPTED", "REJECTED")),
        "approved_assignments_count": by_status.get("ACCEPTED", 0),
        "rejected_assignments_count": by_status.get("REJECTED", 0),
        "skipped_assignments_count": by_status.get("SKIPPED", 0),
        "expired_assignments_count": by_status.get("EXPIRED", 0),
        "real_tasks_count": found.tasks,
        "spent_budget": round(spent, 6),
        "avg_submit_assignment_millis": sum(durations) * 1000 / len(durations) if durations else 0.0,
        "unique_workers_count": int(conn.execute(w.ANALYTICS_WORKERS, (pool_id,)).fetchone()[0]),
        "unique_submitters_count": int(conn.execute(w.ANALYTICS_SUBMITTERS, (pool_id,)).fetchone()[0]),
        "estimated_assignments_count": _estimated_assignments(total_overlap, done, by_status),
    }


def _active_slots(conn: Connection, d: Dialect, pool_id: int) -> int:
    """Units of general overlap that ACTIVE assignments hold (counted in `used`, not yet answers):
    there are at most as many ACTIVE assignments as performers at work, so this stays small."""
    task_seqs: Counter[int] = Counter()
    suite_seqs: Counter[int] = Counter()
    for tasks, suite_seq in conn.execute(d.w.ACTIVE_IN_POOL, (pool_id,)).fetchall():
        if suite_seq is not None:
            suite_seqs[suite_seq] += 1
        else:
            task_seqs.update(_decode(bytes(tasks)))
    held = 0
    for statement, counts in ((d.w.FINITE_GENERAL, task_seqs), (d.w.FINITE_SUITES, suite_seqs)):
        wanted = sorted(counts)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = conn.execute(statement.format(slots=slots(d, len(chunk))), chunk).fetchall()
            held += sum(counts[row[0]] for row in rows)
    return held


def _estimated_assignments(total_overlap: int, done: int, by_status: dict[str, int]) -> float:
    """Assignments the pool will have had when it is done: those submitted, plus what is left at the
    pool's average number of answers per assignment so far."""
    submitted = sum(by_status.get(name, 0) for name in ("SUBMITTED", "ACCEPTED", "REJECTED"))
    if not done or not submitted:
        return float(submitted + by_status.get("ACTIVE", 0))
    return float(submitted + (total_overlap - done) * submitted / done)
