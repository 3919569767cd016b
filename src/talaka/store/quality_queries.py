"""SQL of quality control: the collectors' state per performer and pool, and what rules read and change."""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements

ANSWERS = "FROM issued_tasks AS i JOIN assignments AS a ON a.seq = i.assignment_seq WHERE i.task_seq"


@dataclass(frozen=True)
class QualityQueries(Statements):
    CLAIM_STATE: str = ""
    """PostgreSQL: make the row if it is missing, so that `STATE` can lock it (see `POSTGRES`)."""
    STATE: str = "SELECT state FROM quality_state WHERE performer_no = ? AND pool_id = ?"
    TRY_STATE: str = "SELECT state FROM quality_state WHERE performer_no = ? AND pool_id = ?"
    STATE_EXISTS: str = "SELECT 1 FROM quality_state WHERE performer_no = ? AND pool_id = ?"
    DEFER: str = "INSERT INTO quality_pending (performer_no, pool_id, judged) VALUES (?, ?, ?)"
    TAKE_PENDING: str = "DELETE FROM quality_pending WHERE performer_no = ? AND pool_id = ? RETURNING judged"
    UPDATE_STATE: str = "UPDATE quality_state SET state = ? WHERE performer_no = ? AND pool_id = ?"
    SAVE_STATE: str = ("INSERT INTO quality_state (performer_no, pool_id, state) VALUES (?, ?, ?) "
                       "ON CONFLICT (performer_no, pool_id) DO UPDATE SET state = excluded.state")
    POOL_RULES: str = "SELECT revision, project_id, requester_id, body FROM pools WHERE id = ?"
    TASK_KINDS: str = "SELECT seq, golden, CASE WHEN golden = 1 THEN body END FROM tasks WHERE seq IN ({slots})"
    ANSWERS_TO: str = ("SELECT i.task_seq, a.seq, a.performer_no, a.tasks, a.solutions " + ANSWERS
                       + " IN ({slots}) AND a.status IN ('SUBMITTED', 'ACCEPTED')")
    TASK_VOTES: str = "SELECT a.status, count(*) " + ANSWERS + " = ? GROUP BY a.status"
    SUITE_VOTES: str = "SELECT status, count(*) FROM assignments WHERE suite_seq = ? GROUP BY status"
    HELD_BY: str = ("SELECT seq, reward, tasks, suite_seq FROM assignments "
                    "WHERE performer_no = ? AND pool_id = ? AND status IN ({slots}) ORDER BY seq")
    GROW_TASK: str = ("UPDATE tasks SET overlap = overlap + ? WHERE seq = ? AND golden = 0 AND overlap IS NOT NULL "
                      "RETURNING overlap, body")
    TASK_BODY: str = "UPDATE tasks SET body = ? WHERE seq = ?"
    GROW_SUITE: str = "UPDATE task_suites SET overlap = overlap + ? WHERE seq = ? AND overlap IS NOT NULL"
    POOL_BODY: str = "SELECT status, body FROM pools WHERE id = ?"
    REOPEN_POOL: str = ("UPDATE pools SET status = 'OPEN', body = ?, complete_since = NULL "
                        "WHERE id = ? AND status = 'CLOSED'")

    PASSED_TRAINING: str = (
        "SELECT us.value FROM skills AS s JOIN user_skills AS us ON us.skill_id = s.id AND us.performer_no = ? "
        "WHERE s.training_pool_id = ? AND s.requester_id = ?")
    DECLINE: str = "UPDATE assignments SET declined = ? WHERE seq = ? AND declined IS NULL"


SQLITE = QualityQueries().for_dialect("?")
POSTGRES = QualityQueries().for_dialect(
    "%s",
    ANSWERS_TO="SELECT i.task_seq, a.seq, a.performer_no, a.tasks, a.solutions FROM issued_tasks AS i, LATERAL "
               "(SELECT seq, performer_no, tasks, solutions FROM assignments WHERE seq = i.assignment_seq "
               "AND status IN ('SUBMITTED', 'ACCEPTED') OFFSET 0) AS a WHERE i.task_seq IN ({slots})",
    CLAIM_STATE="INSERT INTO quality_state (performer_no, pool_id, state) VALUES (%s, %s, '') ON CONFLICT DO NOTHING",
    STATE=QualityQueries.STATE.replace("?", "%s") + " FOR UPDATE",
    TRY_STATE=QualityQueries.TRY_STATE.replace("?", "%s") + " FOR UPDATE SKIP LOCKED")
"""A performer's state may be changed by another performer's submit (a majority that judges their
answers): on PostgreSQL each transaction locks the states it reads until it commits, so that two
read-modify-writes of one state cannot lose each other's counts. SQLite has one writer.

`ANSWERS_TO` looks each assignment up by its key behind an optimization fence (`OFFSET 0`): as a
join, the prepared statement's generic plan hashed the whole `assignments` table on every submit
(a sequential scan whose cost grew with the pool's work)."""
