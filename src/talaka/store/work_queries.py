"""The work loop's SQL statements (performers, assignments, issuing), written once with `?`.

Rendered per dialect like `talaka.store.queries.Queries`; PostgreSQL replaces the frontier reads
to lock what it takes (`FOR UPDATE SKIP LOCKED`), so concurrent takers in several processes pass
each other instead of queueing on the oldest tasks. `{slots}` is a list of placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements

ASSIGNMENT_COLUMNS = ("a.seq, a.pool_id, a.performer_no, p.id, a.suite_seq, a.status, a.created, a.expires, "
                      "a.submitted, a.accepted, a.rejected, a.skipped, a.expired, a.reward, a.tasks, "
                      "a.solutions, a.declined, a.public_comment")
ASSIGNMENT_FROM = "FROM assignments AS a JOIN performers AS p ON p.no = a.performer_no"
ASSIGNMENT_SELECT = f"SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM}"
PERFORMER_SELECT = ("SELECT performers.no, performers.id, performers.name, performers.languages, "
                    "performers.country, performers.adult_allowed, performers.created FROM performers")
NOT_ISSUED = "(SELECT 1 FROM issued_tasks AS i WHERE i.performer_no = ? AND i.task_seq = t.seq) IS NULL"
"""Not given to this performer yet, as a scalar subquery: one primary-key probe per candidate row. As
`NOT EXISTS` the planner may make it an anti-join that reads every task the performer was ever
given, which PostgreSQL's generic plan for the prepared statement did: a take's cost then grew
with the performer's history."""


@dataclass(frozen=True)
class WorkQueries(Statements):
    INSERT_PERFORMER: str = ("INSERT INTO performers (id, name, languages, country, adult_allowed, created, "
                             "created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING no")
    INSERT_PERFORMER_TOKEN: str = "INSERT INTO performer_tokens (hash, performer_no, created) VALUES (?, ?, ?)"
    PERFORMER_FOR_TOKEN: str = (PERFORMER_SELECT + " JOIN performer_tokens AS t ON t.performer_no = performers.no "
                                "WHERE t.hash = ? AND t.revoked IS NULL AND performers.disabled IS NULL")
    PERFORMER_BY_ID: str = PERFORMER_SELECT + " WHERE performers.id = ?"
    IS_PERFORMER_TOKEN: str = "SELECT 1 FROM performer_tokens WHERE hash = ?"
    PERFORMER_KNOWN_TO: str = (
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM performers WHERE no = ? AND created_by = ?) OR EXISTS (SELECT 1 "
        "FROM assignments AS a JOIN pools ON pools.id = a.pool_id WHERE a.performer_no = ? "
        "AND pools.requester_id = ?)")
    RECENT_PERFORMERS: str = (PERFORMER_SELECT + " WHERE performers.no IN (SELECT performer_no FROM assignments "
                              "WHERE created >= ?)")
    PERFORMERS_KNOWN_TO: str = (
        PERFORMER_SELECT + " WHERE performers.id > ? AND (performers.created_by = ? OR EXISTS (SELECT 1 "
        "FROM assignments AS a JOIN pools ON pools.id = a.pool_id WHERE a.performer_no = performers.no "
        "AND pools.requester_id = ?)) ORDER BY performers.id LIMIT ?")
    """A page of the performers `PERFORMER_KNOWN_TO` lets a requester see, by id."""

    POOL_FOR_WORK: str = (
        "SELECT pools.status, pools.revision, pools.project_id, pools.requester_id, pools.body, projects.body, "
        "requesters.name FROM pools JOIN projects ON projects.id = pools.project_id "
        "JOIN requesters ON requesters.id = pools.requester_id WHERE pools.id = ?")
    POOL_STATE: str = "SELECT status, revision FROM pools WHERE id = ?"
    OPEN_POOLS: str = "SELECT id, revision FROM pools WHERE status = 'OPEN'"
    DONE_POOLS: str = (
        "SELECT p.id, p.body, p.complete_since FROM pools AS p WHERE p.status = 'OPEN' "
        "AND (SELECT seq FROM tasks WHERE pool_id = p.id AND golden = 0 AND (overlap IS NULL OR used < overlap) "
        "ORDER BY seq DESC LIMIT 1) IS NULL "
        "AND (SELECT seq FROM task_suites WHERE pool_id = p.id AND (overlap IS NULL OR used < overlap) "
        "ORDER BY seq DESC LIMIT 1) IS NULL "
        "AND (SELECT seq FROM assignments WHERE pool_id = p.id AND status = 'ACTIVE' ORDER BY seq DESC LIMIT 1) "
        "IS NULL AND (EXISTS (SELECT 1 FROM tasks WHERE pool_id = p.id AND golden = 0) "
        "OR EXISTS (SELECT 1 FROM task_suites WHERE pool_id = p.id))")
    """Open pools whose frontier is empty and with nothing ACTIVE: every unit of overlap is held by
    a submitted answer (a rejected one included, as in Toloka). Each question reads its index
    newest first: on PostgreSQL the old entries are dead row versions until vacuum, and open tasks
    and ACTIVE assignments are at the new end."""
    EXPIRED_POOLS: str = ("SELECT id, body FROM pools WHERE status = 'OPEN' "
                          "AND json_extract(CAST(body AS TEXT), '$.will_expire') <= ?")
    WAITING_POOLS: str = "SELECT id FROM pools WHERE status = 'OPEN' AND complete_since IS NOT NULL"
    SET_COMPLETE_SINCE: str = "UPDATE pools SET complete_since = ? WHERE id = ? AND status = 'OPEN'"
    CLOSE_POOL: str = ("UPDATE pools SET status = 'CLOSED', body = ?, complete_since = NULL "
                       "WHERE id = ? AND status = 'OPEN'")
    OPEN_TASKS: str = (
        "SELECT t.seq, t.overlap, t.body FROM tasks AS t WHERE t.pool_id = ? AND t.golden = 0 "
        "AND (t.overlap IS NULL OR t.used < t.overlap) AND t.seq > ? AND " + NOT_ISSUED
        + " ORDER BY t.seq LIMIT ?")
    LOWEST_OPEN: str = ("SELECT min(seq) FROM tasks WHERE pool_id = ? AND golden = 0 "
                        "AND (overlap IS NULL OR used < overlap) AND seq > ?")
    PEEK_TASKS: str = OPEN_TASKS
    """`OPEN_TASKS` without the lock PostgreSQL's version takes: what a locking read skipped."""
    GOLDEN_TASKS: str = (
        "SELECT t.seq, t.overlap, t.body FROM tasks AS t WHERE t.pool_id = ? AND t.golden = 1 "
        "AND t.seq > ? AND (t.overlap IS NULL OR t.used < t.overlap) AND " + NOT_ISSUED
        + " ORDER BY t.seq LIMIT ?")
    GOLDEN_RANGE: str = "SELECT min(seq), max(seq) FROM tasks WHERE pool_id = ? AND golden = 1"
    OPEN_SUITES: str = (
        "SELECT t.seq, t.overlap, t.body FROM task_suites AS t WHERE t.pool_id = ? "
        "AND (t.overlap IS NULL OR t.used < t.overlap) AND t.seq > ? AND (SELECT 1 FROM issued_suites "
        "AS i WHERE i.performer_no = ? AND i.suite_seq = t.seq) IS NULL ORDER BY t.seq LIMIT ?")
    PEEK_SUITES: str = OPEN_SUITES
    CLAIM_GOLDEN: str = "UPDATE tasks SET used = used + 1 WHERE seq = ? AND used < overlap"
    INSERT_ASSIGNMENT: str = (
        "INSERT INTO assignments (pool_id, performer_no, suite_seq, status, created, expires, reward, tasks) "
        "VALUES (?, ?, ?, 'ACTIVE', ?, ?, ?, ?) RETURNING seq")
    INSERT_ISSUED_TASK: str = "INSERT INTO issued_tasks (performer_no, task_seq, assignment_seq) VALUES (?, ?, ?)"
    INSERT_ISSUED_SUITE: str = ("INSERT INTO issued_suites (performer_no, suite_seq, assignment_seq) "
                                "VALUES (?, ?, ?)")
    USE_TASKS: str = "UPDATE tasks SET used = used + ? WHERE seq IN ({slots}) AND overlap IS NOT NULL"
    USE_SUITES: str = "UPDATE task_suites SET used = used + ? WHERE seq = ? AND overlap IS NOT NULL"
    TASK_BODIES: str = "SELECT seq, pool_id, overlap, used, body FROM tasks WHERE seq IN ({slots})"
    SUITE_BODY: str = "SELECT pool_id, body FROM task_suites WHERE seq = ?"

    ASSIGNMENT_BY_SEQ: str = ASSIGNMENT_SELECT + " WHERE a.seq = ?"
    LATEST_ASSIGNMENT: str = (ASSIGNMENT_SELECT + " WHERE a.performer_no = ? AND a.pool_id = ? "
                              "ORDER BY a.seq DESC LIMIT 1")
    """A performer's newest assignment in a pool: their ACTIVE one there, if they have one."""
    SUBMIT: str = ("UPDATE assignments SET status = ?, submitted = ?, accepted = ?, auto_accept = ?, solutions = ? "
                   "WHERE seq = ? AND performer_no = ? AND status = 'ACTIVE' AND expires > ? "
                   "AND EXISTS (SELECT 1 FROM pools WHERE id = assignments.pool_id AND revision = ?) RETURNING "
                   + ASSIGNMENT_COLUMNS.replace("a.", "").replace("p.id", "NULL"))
    ASSIGNMENT_ONLY: str = "SELECT " + ASSIGNMENT_COLUMNS.replace("p.id", "NULL") + " FROM assignments AS a WHERE a.seq = ?"
    END_ACTIVE: str = ("UPDATE assignments SET status = ?, skipped = ?, expired = ? "
                       "WHERE seq = ? AND status = 'ACTIVE' RETURNING tasks, suite_seq, pool_id")
    REVIEW: str = ("UPDATE assignments SET status = ?, accepted = coalesce(?, accepted), "
                   "rejected = coalesce(?, rejected), public_comment = coalesce(?, public_comment), auto_accept = NULL WHERE seq = ? AND status = ?")
    DUE_EXPIRIES: str = "SELECT seq FROM assignments WHERE status = 'ACTIVE' AND expires <= ? ORDER BY expires LIMIT ?"
    DUE_ACCEPTS: str = ("SELECT seq FROM assignments WHERE status = 'SUBMITTED' AND auto_accept <= ? "
                        "ORDER BY auto_accept LIMIT ?")
    AUTO_ACCEPT: str = ("UPDATE assignments SET status = 'ACCEPTED', accepted = ?, auto_accept = NULL "
                        "WHERE seq = ? AND status = 'SUBMITTED'")
    OWNED_POOL: str = "SELECT 1 FROM pools WHERE id = ? AND requester_id = ?"

    ANALYTICS_ASSIGNMENTS: str = (
        "SELECT status, count(*), count(DISTINCT performer_no), coalesce(sum(reward), 0) FROM assignments "
        "WHERE pool_id = ? GROUP BY status")
    SUBMITTED_SINCE: str = ("SELECT count(*) FROM assignments WHERE pool_id = ? AND submitted IS NOT NULL "
                            "AND submitted >= ?")
    ANALYTICS_WORKERS: str = "SELECT count(DISTINCT performer_no) FROM assignments WHERE pool_id = ?"
    ANALYTICS_SUBMITTERS: str = ("SELECT count(DISTINCT performer_no) FROM assignments WHERE pool_id = ? "
                                 "AND status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED')")
    ANALYTICS_SUBMIT_TIMES: str = ("SELECT created, submitted FROM assignments WHERE pool_id = ? "
                                   "AND submitted IS NOT NULL")
    ANALYTICS_TASKS: str = ("SELECT count(*), coalesce(sum(overlap), 0), coalesce(sum(used), 0) FROM tasks "
                            "WHERE pool_id = ? AND golden = 0 AND overlap IS NOT NULL")
    ANALYTICS_SUITES: str = ("SELECT count(*), coalesce(sum(overlap), 0), coalesce(sum(used), 0) FROM task_suites "
                             "WHERE pool_id = ? AND overlap IS NOT NULL")
    ACTIVE_IN_POOL: str = "SELECT tasks, suite_seq FROM assignments WHERE pool_id = ? AND status = 'ACTIVE'"
    FINITE_GENERAL: str = "SELECT seq FROM tasks WHERE seq IN ({slots}) AND golden = 0 AND overlap IS NOT NULL"
    FINITE_SUITES: str = "SELECT seq FROM task_suites WHERE seq IN ({slots}) AND overlap IS NOT NULL"

def _locking(statement: str) -> str:
    return statement.replace("?", "%s") + " FOR UPDATE OF t SKIP LOCKED"


def _in_seq_order(statement: str) -> str:
    """A counter update over many tasks that locks them in seq order first: expiries and skips of
    suites sharing tasks (overlap 3 means three suites of the same ten tasks) would otherwise lock
    them in whatever order each plan visits them, and deadlock."""
    where = "WHERE seq IN ({slots}) AND overlap IS NOT NULL"
    assert where in statement
    return statement.replace("?", "%s").replace(where, "WHERE seq IN (SELECT seq FROM tasks WHERE seq IN ({slots}) "
                                                       "AND overlap IS NOT NULL ORDER BY seq FOR UPDATE)")


SQLITE = WorkQueries().for_dialect("?")
POSTGRES = WorkQueries().for_dialect("%s", OPEN_TASKS=_locking(WorkQueries.OPEN_TASKS),
                                     OPEN_SUITES=_locking(WorkQueries.OPEN_SUITES),
                                     EXPIRED_POOLS=WorkQueries.EXPIRED_POOLS.replace("?", "%s").replace(
                                         "json_extract(CAST(body AS TEXT), '$.will_expire')",
                                         "(body ->> 'will_expire')"),
                                     USE_TASKS=_in_seq_order(WorkQueries.USE_TASKS))
