-- Talaka schema, version 1 (SQLite).
-- Objects keep the JSON the client sent (`body`) so that `get` returns exactly what `create`
-- answered, unknown fields included; the columns beside it are only what queries filter on.

CREATE TABLE requesters (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    created TEXT NOT NULL
);

CREATE TABLE tokens (
    hash         BLOB PRIMARY KEY,
    requester_id INTEGER NOT NULL REFERENCES requesters (id),
    created      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    requester_id INTEGER NOT NULL REFERENCES requesters (id),
    status       TEXT NOT NULL,
    created      TEXT NOT NULL,
    body         BLOB NOT NULL
);
CREATE INDEX projects_by_requester ON projects (requester_id, id);

CREATE TABLE pools (
    id             INTEGER PRIMARY KEY,
    requester_id   INTEGER NOT NULL REFERENCES requesters (id),
    project_id     INTEGER NOT NULL REFERENCES projects (id),
    status         TEXT NOT NULL,
    created        TEXT NOT NULL,
    last_started   TEXT,
    revision       INTEGER NOT NULL DEFAULT 0,
    body           BLOB NOT NULL
);
CREATE INDEX pools_by_requester ON pools (requester_id, id);
CREATE INDEX pools_by_project ON pools (project_id, id);

-- Task counts per pool as rows added by each batch and summed on read: writers never update a
-- shared counter row, so concurrent batches into one pool never wait for each other.
CREATE TABLE pool_counts (
    pool_id INTEGER NOT NULL REFERENCES pools (id),
    tasks   INTEGER NOT NULL,
    golden  INTEGER NOT NULL,
    suites  INTEGER NOT NULL
);
CREATE INDEX pool_counts_by_pool ON pool_counts (pool_id);

-- `seq` is the database-wide creation sequence; the task id is `%010x--%024x` of (pool_id, seq).
-- `body` is the task's JSON object without its `id`, which is derived from the two columns.
CREATE TABLE tasks (
    seq      INTEGER PRIMARY KEY,
    pool_id  INTEGER NOT NULL,
    op_no    INTEGER NOT NULL,
    item_idx INTEGER NOT NULL,
    overlap  INTEGER,
    golden   INTEGER NOT NULL,
    created  TEXT NOT NULL,
    body     BLOB NOT NULL
);
CREATE INDEX tasks_by_pool ON tasks (pool_id, seq);

CREATE TABLE task_suites (
    seq      INTEGER PRIMARY KEY,
    pool_id  INTEGER NOT NULL,
    op_no    INTEGER NOT NULL,
    item_idx INTEGER NOT NULL,
    overlap  INTEGER,
    golden   INTEGER NOT NULL,
    created  TEXT NOT NULL,
    body     BLOB NOT NULL
);
CREATE INDEX task_suites_by_pool ON task_suites (pool_id, seq);

-- One row per operation, synchronous batch creates included: they are what makes a repeated
-- `operation_id` answer the first result instead of creating anything twice.
CREATE TABLE operations (
    no           INTEGER PRIMARY KEY,
    id           TEXT NOT NULL,
    requester_id INTEGER NOT NULL REFERENCES requesters (id),
    type         TEXT NOT NULL,
    status       TEXT NOT NULL,
    is_sync      INTEGER NOT NULL,
    digest       BLOB,
    submitted    TEXT NOT NULL,
    started      TEXT,
    finished     TEXT,
    progress     INTEGER NOT NULL DEFAULT 0,
    cursor       INTEGER NOT NULL DEFAULT 0,
    seq_from     INTEGER,
    seq_to       INTEGER,
    parameters   BLOB NOT NULL,
    details      BLOB NOT NULL,
    payload      BLOB,
    lease_owner  TEXT,
    lease_until  REAL,
    UNIQUE (requester_id, id)
);
-- Operations still to run (accepted, or interrupted): they keep their request body until done.
CREATE INDEX operations_unfinished ON operations (no) WHERE payload IS NOT NULL;

-- Items that failed validation, with the input they were sent with, for the operation log.
CREATE TABLE operation_errors (
    op_no    INTEGER NOT NULL,
    item_idx INTEGER NOT NULL,
    input    BLOB NOT NULL,
    errors   BLOB NOT NULL,
    PRIMARY KEY (op_no, item_idx)
) WITHOUT ROWID;

-- Task-creating requests per requester and quota window, reserved in blocks by each process.
CREATE TABLE quota_usage (
    requester_id  INTEGER NOT NULL REFERENCES requesters (id),
    quota         TEXT NOT NULL,
    window_number INTEGER NOT NULL,
    used          INTEGER NOT NULL,
    PRIMARY KEY (requester_id, quota, window_number)
);
