"""Every SQL statement of both backends, by name, written once with `?` placeholders.

`Queries.for_dialect` renders them for a driver: SQLite keeps `?`, PostgreSQL gets `%s`, and a
dialect replaces the few statements whose SQL really differs (listed in its module). Format
fields: `{table}` is `tasks` or `task_suites`, `{slots}` a list of placeholders, `{op_no}` an
operation's integer key; the backend fills them from its own values, never from client input.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Self


class Statements:
    """A frozen dataclass of SQL statements that can render itself for a driver."""

    def for_dialect(self, placeholder: str, **overrides: str) -> Self:
        """The statements with `placeholder` for `?`, and a dialect's own versions of some."""
        unknown = set(overrides) - {item.name for item in fields(self)}  # type: ignore[arg-type]
        assert not unknown, f"no such statements: {unknown}"
        rendered = {item.name: getattr(self, item.name).replace("?", placeholder)
                    for item in fields(self)}  # type: ignore[arg-type]
        return replace(self, **{**rendered, **overrides})  # type: ignore[type-var]


@dataclass(frozen=True)
class Queries(Statements):
    INSERT_REQUESTER: str = "INSERT INTO requesters (name, created) VALUES (?, ?) RETURNING id"
    INSERT_TOKEN: str = "INSERT INTO tokens (hash, requester_id, created) VALUES (?, ?, ?)"
    REQUESTER_FOR_TOKEN: str = ("SELECT requesters.id, requesters.name FROM tokens "
                                "JOIN requesters ON requesters.id = tokens.requester_id WHERE tokens.hash = ? "
                                "AND tokens.revoked IS NULL AND requesters.disabled IS NULL")
    COUNT_REQUESTERS: str = "SELECT count(*) FROM requesters"
    SCHEMA_VERSION: str = "SELECT coalesce(max(version), 0) FROM schema_version"
    UNFINISHED_OPERATIONS: str = ("SELECT status, count(*) FROM operations WHERE payload IS NOT NULL "
                                  "GROUP BY status")

    INSERT_PROJECT: str = ("INSERT INTO projects (requester_id, status, created, body) VALUES (?, ?, ?, ?) "
                           "RETURNING id")
    GET_PROJECT: str = "SELECT id, status, body FROM projects WHERE id = ? AND requester_id = ?"
    REPLACE_PROJECT: str = "UPDATE projects SET status = ?, body = ? WHERE id = ? AND requester_id = ?"

    INSERT_POOL: str = ("INSERT INTO pools (requester_id, project_id, status, created, body) "
                        "VALUES (?, ?, ?, ?, ?) RETURNING id")
    GET_POOL: str = (
        "SELECT pools.id, pools.project_id, pools.status, pools.revision, "
        "CAST(coalesce(sum(counts.tasks), 0) AS BIGINT), CAST(coalesce(sum(counts.golden), 0) AS BIGINT), "
        "CAST(coalesce(sum(counts.suites), 0) AS BIGINT), pools.body FROM pools "
        "LEFT JOIN pool_counts AS counts ON counts.pool_id = pools.id "
        "WHERE pools.id = ? AND pools.requester_id = ? GROUP BY pools.id")
    REPLACE_POOL: str = ("UPDATE pools SET status = ?, body = ?, last_started = coalesce(?, last_started), "
                         "revision = revision + ?, complete_since = NULL WHERE id = ? AND requester_id = ?")
    BUMP_PROJECT_POOLS: str = "UPDATE pools SET revision = revision + 1 WHERE project_id = ?"
    SET_POOL_STATUS: str = "UPDATE pools SET status = ?, body = ?, last_started = ? WHERE id = ?"
    POOL_OWNER: str = "SELECT 1 FROM pools WHERE id = ? AND requester_id = ?"
    POOL_RULES: str = ("SELECT pools.id, pools.status, pools.revision, pools.training, pools.body, projects.body "
                       "FROM pools JOIN projects ON projects.id = pools.project_id "
                       "WHERE pools.requester_id = ? AND pools.id IN ({slots})")
    POOL_REVISIONS: str = "SELECT id, revision FROM pools WHERE requester_id = ? AND id IN ({slots})"
    ADD_POOL_COUNTS: str = "INSERT INTO pool_counts (pool_id, tasks, golden, suites) VALUES (?, ?, ?, ?)"
    CLOSED_FILLED_POOL: str = ("SELECT body FROM pools WHERE id = ? AND status = 'CLOSED' "
                               "AND EXISTS (SELECT 1 FROM pool_counts WHERE pool_id = pools.id)")

    INSERT_TASK: str = ("INSERT INTO {table} (op_no, pool_id, item_idx, overlap, golden, created, body) "
                        "VALUES ({op_no}, ?, ?, ?, ?, ?, ?)")
    GET_TASK: str = ("SELECT body, overlap, used FROM {table} WHERE seq = ? AND pool_id = ? "
                     "AND pool_id IN (SELECT id FROM pools WHERE requester_id = ?)")
    TASK_GOLDEN: str = "SELECT golden FROM {table} WHERE seq = ? AND pool_id = ?"
    REPLACE_TASK: str = "UPDATE {table} SET overlap = ?, golden = ?, body = ? WHERE seq = ? AND pool_id = ?"

    OPERATION_SELECT: str = ("SELECT no, id, requester_id, type, status, is_sync, digest, submitted, started, "
                             "finished, progress, cursor, parameters, details FROM operations")
    GET_OPERATION: str = OPERATION_SELECT + " WHERE requester_id = ? AND id = ?"
    OPERATION_BY_NO: str = OPERATION_SELECT + " WHERE no = ?"
    INSERT_OPERATION: str = (
        "INSERT INTO operations (id, requester_id, type, status, is_sync, digest, submitted, started, "
        "finished, progress, cursor, parameters, details, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (requester_id, id) DO NOTHING RETURNING no")
    ADVANCE_OPERATION: str = (
        "UPDATE operations SET status = ?, started = ?, finished = ?, progress = ?, cursor = ?, details = ?, "
        "seq_from = coalesce(seq_from, ?), seq_to = coalesce(?, seq_to), lease_until = ?, "
        "payload = CASE WHEN ? THEN NULL ELSE payload END WHERE no = ? AND lease_owner IS ?")
    CLAIM_OPERATION: str = ("UPDATE operations SET lease_owner = ?, lease_until = ? WHERE no = ("
                            "SELECT no FROM operations WHERE payload IS NOT NULL "
                            "AND (lease_until IS NULL OR lease_until < ?) ORDER BY no LIMIT 1) RETURNING no")
    FAIL_OPERATION: str = ("UPDATE operations SET status = 'FAIL', finished = ?, progress = 100, details = ?, "
                           "payload = NULL WHERE no = ? AND lease_owner IS ?")
    OPERATION_PAYLOAD: str = "SELECT payload FROM operations WHERE no = ?"
    OPERATION_RANGE: str = "SELECT type, seq_from, seq_to FROM operations WHERE no = ?"
    OPERATION_TASKS: str = ("SELECT item_idx, pool_id, seq, body FROM {table} "
                            "WHERE seq BETWEEN ? AND ? AND op_no = ? ORDER BY seq")
    INSERT_OPERATION_ERROR: str = ("INSERT INTO operation_errors (op_no, item_idx, input, errors) "
                                   "VALUES (?, ?, ?, ?)")
    OPERATION_ERRORS: str = ("SELECT item_idx, input, errors FROM operation_errors WHERE op_no = ? "
                             "ORDER BY item_idx")

    INSERT_QUOTA: str = ("INSERT INTO quota_usage (requester_id, quota, window_number, used) VALUES (?, ?, ?, 0) "
                         "ON CONFLICT DO NOTHING")
    QUOTA_USED: str = "SELECT used FROM quota_usage WHERE requester_id = ? AND quota = ? AND window_number = ?"
    SET_QUOTA_USED: str = ("UPDATE quota_usage SET used = ? "
                           "WHERE requester_id = ? AND quota = ? AND window_number = ?")
    DROP_OLD_QUOTAS: str = "DELETE FROM quota_usage WHERE requester_id = ? AND quota = ? AND window_number < ?"
