"""SQL of aggregation, written once with `?`, rendered per dialect: reading a pool's answers, and
writing and paging an operation's results."""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements

_ANSWERS = "SELECT a.seq, a.performer_no, a.suite_seq, a.tasks, a.solutions FROM assignments AS a "
_COUNTED = "a.status IN ('SUBMITTED', 'ACCEPTED')"


@dataclass(frozen=True)
class AggregationQueries(Statements):
    POOL_ANSWERS: str = _ANSWERS + f"WHERE a.pool_id = ? AND a.seq > ? AND {_COUNTED} ORDER BY a.seq LIMIT ?"
    TASK_ANSWERS: str = (_ANSWERS + "JOIN issued_tasks AS i ON i.assignment_seq = a.seq "
                         f"WHERE i.task_seq = ? AND a.pool_id = ? AND {_COUNTED}")
    POOL_CONTROL_TASKS: str = "SELECT seq, body FROM tasks WHERE pool_id = ? AND golden = 1"
    TASK_IN_POOL: str = "SELECT golden, body FROM tasks WHERE seq = ? AND pool_id = ?"
    SUITE_BODIES: str = "SELECT seq, body FROM task_suites WHERE seq IN ({slots})"
    SKILL_VALUES: str = "SELECT performer_no, value FROM user_skills WHERE skill_id = ?"
    DROP_RESULTS: str = "DELETE FROM aggregated_solutions WHERE op_no = ?"
    INSERT_RESULT: str = ("INSERT INTO aggregated_solutions (op_no, task_id, confidence, output_values) "
                          "VALUES (?, ?, ?, ?)")
    RESULTS: str = "SELECT task_id, confidence, output_values FROM aggregated_solutions WHERE op_no = ?"


SQLITE = AggregationQueries().for_dialect("?")
POSTGRES = AggregationQueries().for_dialect("%s")
