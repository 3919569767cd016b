"""Every SQL statement of the SQLite backend, by name.

`{table}` is one of `tasks` / `task_suites`, `{slots}` a list of `?`, `{column}` a pool counter,
`{op_no}` an operation's integer key (a literal, so that task rows go to `executemany` exactly as
prepared); the backend fills them from its own values only, never from client input.
"""

LAST_ROWID = "SELECT last_insert_rowid()"

INSERT_REQUESTER = "INSERT INTO requesters (name, created) VALUES (?, ?)"
INSERT_TOKEN = "INSERT INTO tokens (hash, requester_id, created) VALUES (?, ?, ?)"
REQUESTER_FOR_TOKEN = ("SELECT requesters.id, requesters.name FROM tokens "
                       "JOIN requesters ON requesters.id = tokens.requester_id WHERE tokens.hash = ?")
COUNT_REQUESTERS = "SELECT count(*) FROM requesters"

INSERT_PROJECT = "INSERT INTO projects (requester_id, status, created, body) VALUES (?, ?, ?, ?)"
GET_PROJECT = "SELECT id, status, body FROM projects WHERE id = ? AND requester_id = ?"
REPLACE_PROJECT = "UPDATE projects SET status = ?, body = ? WHERE id = ? AND requester_id = ?"

INSERT_POOL = "INSERT INTO pools (requester_id, project_id, status, created, body) VALUES (?, ?, ?, ?, ?)"
GET_POOL = ("SELECT id, project_id, status, revision, task_count, golden_count, suite_count, body "
            "FROM pools WHERE id = ? AND requester_id = ?")
REPLACE_POOL = ("UPDATE pools SET status = ?, body = ?, last_started = coalesce(?, last_started), "
                "revision = revision + ? WHERE id = ? AND requester_id = ?")
BUMP_PROJECT_POOLS = "UPDATE pools SET revision = revision + 1 WHERE project_id = ?"
SET_POOL_STATUS = "UPDATE pools SET status = ?, body = ?, last_started = ? WHERE id = ?"
POOL_OWNER = "SELECT 1 FROM pools WHERE id = ? AND requester_id = ?"
POOL_RULES = ("SELECT pools.id, pools.status, pools.revision, pools.body, projects.body FROM pools "
              "JOIN projects ON projects.id = pools.project_id "
              "WHERE pools.requester_id = ? AND pools.id IN ({slots})")
POOL_REVISIONS = "SELECT id, revision FROM pools WHERE requester_id = ? AND id IN ({slots})"
ADD_POOL_COUNTS = ("UPDATE pools SET {column} = {column} + ?, golden_count = golden_count + ? "
                   "WHERE id = ?")
CLOSED_FILLED_POOL = ("SELECT body FROM pools "
                      "WHERE id = ? AND status = 'CLOSED' AND task_count + suite_count > 0")

INSERT_TASK = ("INSERT INTO {table} (op_no, pool_id, item_idx, overlap, golden, created, body) "
               "VALUES ({op_no}, ?, ?, ?, ?, ?, ?)")
GET_TASK = ("SELECT body FROM {table} WHERE seq = ? AND pool_id = ? "
            "AND pool_id IN (SELECT id FROM pools WHERE requester_id = ?)")
REPLACE_TASK = "UPDATE {table} SET overlap = ?, golden = ?, body = ? WHERE seq = ? AND pool_id = ?"

OPERATION_SELECT = ("SELECT no, id, requester_id, type, status, is_sync, digest, submitted, started, "
                    "finished, progress, cursor, parameters, details FROM operations")
GET_OPERATION = OPERATION_SELECT + " WHERE requester_id = ? AND id = ?"
INSERT_OPERATION = ("INSERT INTO operations (id, requester_id, type, status, is_sync, digest, submitted, "
                    "started, finished, progress, cursor, parameters, details, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
ADVANCE_OPERATION = ("UPDATE operations SET status = ?, started = ?, finished = ?, progress = ?, "
                     "cursor = ?, details = ?, seq_from = coalesce(seq_from, ?), "
                     "seq_to = coalesce(?, seq_to), lease_until = ? "
                     "WHERE no = ? AND lease_owner IS ?")
CLAIM_OPERATION = ("UPDATE operations SET lease_owner = ?, lease_until = ? WHERE no = ("
                   "SELECT no FROM operations WHERE payload IS NOT NULL "
                   "AND (lease_until IS NULL OR lease_until < ?) ORDER BY no LIMIT 1) "
                   "RETURNING no")
DROP_PAYLOAD = "UPDATE operations SET payload = NULL WHERE no = ?"
FAIL_OPERATION = ("UPDATE operations SET status = 'FAIL', finished = ?, progress = 100, details = ?, "
                  "payload = NULL WHERE no = ? AND lease_owner IS ?")
OPERATION_BY_NO = OPERATION_SELECT + " WHERE no = ?"
OPERATION_PAYLOAD = "SELECT payload FROM operations WHERE no = ?"
OPERATION_RANGE = "SELECT type, seq_from, seq_to FROM operations WHERE no = ?"
OPERATION_TASKS = ("SELECT item_idx, pool_id, seq, body FROM {table} "
                   "WHERE seq BETWEEN ? AND ? AND op_no = ? ORDER BY seq")
INSERT_OPERATION_ERROR = "INSERT INTO operation_errors (op_no, item_idx, input, errors) VALUES (?, ?, ?, ?)"
OPERATION_ERRORS = "SELECT item_idx, input, errors FROM operation_errors WHERE op_no = ? ORDER BY item_idx"
