"""Aggregation in the store: a pool's answers read into an `AnswerTable`, an operation's results
written and paged.

Answers are read a page of assignments at a time, in id order, and only their task list and
solutions are decoded (with typed decoders that skip everything else), so a million answers
cost one pass over the assignments and no task bodies; control tasks are read once, for their
known solutions. A task is keyed by its sequence number, or by `(suite, position)` inside a task
suite, and named by its wire id only for the tasks reported.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from talaka.core.aggregation.request import answer_value
from talaka.core.ids import suite_task_id, task_id
from talaka.store import base
from talaka.store.dbapi import Connection, Dialect, slots
from talaka.store.search import Search, render

if TYPE_CHECKING:
    from talaka.core.aggregation.answers import AnswerTable
    from talaka.store.base import OperationRecord

PAGE_ASSIGNMENTS = 2_000
SUITES_PER_READ = 500
RESULT_COLUMNS = {"task_id": "task_id"}


class _Solution(msgspec.Struct):
    output_values: Any = None


class _KnownSolutions(msgspec.Struct):
    known_solutions: list[_Solution] | None = None


class _SuiteTasks(msgspec.Struct):
    tasks: list[_KnownSolutions] = []


_solutions = msgspec.json.Decoder(list[_Solution]).decode
_task_seqs = msgspec.json.Decoder(list[int]).decode
_known = msgspec.json.Decoder(_KnownSolutions).decode
_suite = msgspec.json.Decoder(_SuiteTasks).decode
_canonical = msgspec.json.Encoder(order="sorted").encode


def pool_answers(conn: Connection, d: Dialect, pool_id: int, fields: list[str]) -> AnswerTable:
    """Every counted answer of the pool, control tasks marked with their known answer."""
    from talaka.core.aggregation.answers import AnswerTable  # NumPy loads with the first aggregation

    table = AnswerTable()
    suites: set[int] = set()
    after = 0
    while rows := conn.execute(d.ag.POOL_ANSWERS, (pool_id, after, PAGE_ASSIGNMENTS)).fetchall():
        for _, performer_no, suite_seq, tasks, solutions in rows:
            _add_assignment(table, performer_no, suite_seq, tasks, solutions, fields)
            if suite_seq is not None:
                suites.add(suite_seq)
        after = rows[-1][0]
    for seq, body in conn.execute(d.ag.POOL_CONTROL_TASKS, (pool_id,)).fetchall():
        _mark_control(table, seq, _known(bytes(body)).known_solutions, fields)
    ordered = sorted(suites)
    for start in range(0, len(ordered), SUITES_PER_READ):
        chunk = ordered[start:start + SUITES_PER_READ]
        for suite_seq, body in conn.execute(d.ag.SUITE_BODIES.format(slots=slots(d, len(chunk))), chunk).fetchall():
            for position, task in enumerate(_suite(bytes(body)).tasks):
                if task.known_solutions:
                    _mark_control(table, (suite_seq, position), task.known_solutions, fields)
    return table


def task_answers(conn: Connection, d: Dialect, pool_id: int, seq: int, fields: list[str]) -> AnswerTable | None:
    """The counted answers to one task of the pool (control or not); None when the pool has no such task."""
    from talaka.core.aggregation.answers import AnswerTable

    if conn.execute(d.ag.TASK_IN_POOL, (seq, pool_id)).fetchone() is None:
        return None
    table = AnswerTable()
    for _, performer_no, _, tasks, solutions in conn.execute(d.ag.TASK_ANSWERS, (seq, pool_id)).fetchall():
        for key, solution in zip(_task_seqs(bytes(tasks)), _solutions(bytes(solutions)), strict=False):
            value = answer_value(solution.output_values, fields) if key == seq else None
            if value is not None:
                table.add(key, performer_no, value)
    return table


def _add_assignment(table: AnswerTable, performer_no: int, suite_seq: int | None, tasks: bytes,
                    solutions: bytes | None, fields: list[str]) -> None:
    if solutions is None:
        return
    answers = _solutions(bytes(solutions))
    keys: Iterable[Hashable] = (_task_seqs(bytes(tasks)) if suite_seq is None
                                else ((suite_seq, position) for position in range(len(answers))))
    for key, solution in zip(keys, answers, strict=False):
        value = answer_value(solution.output_values, fields)
        if value is not None:
            table.add(key, performer_no, value)


def _mark_control(table: AnswerTable, key: Hashable, known: list[_Solution] | None, fields: list[str]) -> None:
    """A control task's right answer is known when its known solutions agree on the fields' value
    (several different right answers leave it unknown: it still is not reported)."""
    values = {_canonical(value): value for solution in known or []
              if (value := answer_value(solution.output_values, fields)) is not None}
    if len(values) == 1:
        table.mark_control(key, next(iter(values.values())), known=True)
    else:
        table.mark_control(key)


def wire_task_ids(pool_id: int, keys: Sequence[Hashable]) -> list[str]:
    """The wire id of each task key: a task's, or `{suite id}-{position}` for a task in a suite."""
    ids = []
    for key in keys:
        if isinstance(key, tuple):
            ids.append(suite_task_id(pool_id, *key))
        else:
            assert isinstance(key, int), key
            ids.append(task_id(pool_id, key))
    return ids


def skill_values(conn: Connection, d: Dialect, skill_id: int) -> dict[int, float]:
    """performer number -> their value of the skill."""
    return {int(no): float(value) for no, value in conn.execute(d.ag.SKILL_VALUES, (skill_id,)).fetchall()}


def advance(conn: Connection, d: Dialect, record: OperationRecord, lease_owner: str, lease_until: float,
            final: bool) -> None:
    """Write the operation's status, progress and details, renewing its lease; `final` also drops its
    request body, which takes it off the runners' list."""
    advanced = conn.execute(d.q.ADVANCE_OPERATION, (
        record.status, record.started, record.finished, record.progress, record.cursor, d.json(record.details),
        None, None, lease_until, final, record.no, lease_owner))
    if advanced.rowcount != 1:
        raise base.LeaseLost(record.id)  # the module, not the name: `base` imports this module's protocol


def write_results(conn: Connection, d: Dialect, record: OperationRecord, rows: list[tuple[str, float, bytes]],
                  lease_owner: str, lease_until: float, first: bool, final: bool) -> None:
    """One chunk of results, with the operation's progress; the first chunk clears what an earlier,
    interrupted run of the same operation wrote."""
    advance(conn, d, record, lease_owner, lease_until, final)
    if first:
        conn.execute(d.ag.DROP_RESULTS, (record.no,))
    conn.cursor().executemany(d.ag.INSERT_RESULT, [(record.no, *row) for row in rows])


def results_page(conn: Connection, d: Dialect, op_no: int, search: Search) -> tuple[list[tuple[str, float, bytes]], bool]:
    where, order, params = render(search, RESULT_COLUMNS, d.placeholder)
    sql = f"{d.ag.RESULTS} AND {where} ORDER BY {order or 'task_id'} LIMIT {d.placeholder}"
    rows = conn.execute(sql, [op_no, *params, search.limit + 1]).fetchall()
    found = [(str(task), float(confidence), bytes(values)) for task, confidence, values in rows[:search.limit]]
    return found, len(rows) > search.limit

