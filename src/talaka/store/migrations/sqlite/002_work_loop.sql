-- Talaka schema, version 2 (SQLite): performers, assignments and the counters that issue work.

-- A performer is an account of the instance (a Toloker); `id` is the opaque hex id every Toloka
-- object shows as `user_id`, `no` the key other tables join on.
CREATE TABLE performers (
    no            INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    languages     BLOB NOT NULL,
    country       TEXT,
    adult_allowed INTEGER NOT NULL,
    created       TEXT NOT NULL,
    created_by    INTEGER REFERENCES requesters (id)
);

CREATE TABLE performer_tokens (
    hash         BLOB PRIMARY KEY,
    performer_no INTEGER NOT NULL REFERENCES performers (no),
    created      TEXT NOT NULL
) WITHOUT ROWID;

-- `used`: assignments that hold the task's overlap (ACTIVE, SUBMITTED, ACCEPTED, REJECTED), moved in
-- the transaction that moves an assignment. With nothing ACTIVE, it is also the count of answers, so
-- no second counter is kept: a submit writes no task row.
ALTER TABLE tasks ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_suites ADD COLUMN used INTEGER NOT NULL DEFAULT 0;

-- The issuing frontier: only tasks that still have overlap to give are in these indexes, so a
-- take reads a few index entries at the front whatever the pool's size, and a pool whose frontier
-- is empty and that has nothing ACTIVE is done.
CREATE INDEX tasks_open ON tasks (pool_id, seq) WHERE golden = 0 AND (overlap IS NULL OR used < overlap);
CREATE INDEX tasks_golden ON tasks (pool_id, seq) WHERE golden = 1;
-- Every task suite is work to be done, control tasks mixed in or not (`golden` marks a suite that
-- holds any control task), so the suites' frontier has no `golden` condition.
CREATE INDEX task_suites_open ON task_suites (pool_id, seq) WHERE overlap IS NULL OR used < overlap;

CREATE INDEX pools_open ON pools (status) WHERE status = 'OPEN';
ALTER TABLE pools ADD COLUMN complete_since TEXT;

-- One row per issued task suite. The id is `%010x--%024x` of (pool_id, seq), like a task's.
-- `tasks` is the JSON list of the task seqs (or, for a pool of task suites, `[suite seq]`).
CREATE TABLE assignments (
    seq            INTEGER PRIMARY KEY,
    pool_id        INTEGER NOT NULL,
    performer_no   INTEGER NOT NULL REFERENCES performers (no),
    suite_seq      INTEGER,
    status         TEXT NOT NULL,
    created        TEXT NOT NULL,
    expires        TEXT NOT NULL,
    submitted      TEXT,
    accepted       TEXT,
    rejected       TEXT,
    skipped        TEXT,
    expired        TEXT,
    auto_accept    TEXT,
    reward         REAL NOT NULL,
    tasks          BLOB NOT NULL,
    solutions      BLOB,
    declined       BLOB,
    public_comment TEXT
);
CREATE INDEX assignments_by_pool ON assignments (pool_id, seq);
CREATE INDEX assignments_by_performer ON assignments (performer_no, seq);
CREATE INDEX assignments_submitted ON assignments (pool_id, submitted) WHERE submitted IS NOT NULL;
-- A performer's ACTIVE assignment in a pool is their newest there: takes read this one backwards.
-- (Not a unique partial index on ACTIVE: on PostgreSQL every finished assignment would leave a
-- dead entry under the same key until vacuum, and each take's uniqueness check would visit them
-- all. One ACTIVE per performer and pool is kept by serialized takes instead.)
CREATE INDEX assignments_by_performer_pool ON assignments (performer_no, pool_id, seq);
-- ACTIVE ones by pool, read newest first (the old entries are the dead ones).
CREATE INDEX assignments_active_by_pool ON assignments (pool_id, seq) WHERE status = 'ACTIVE';
CREATE INDEX assignments_due ON assignments (expires) WHERE status = 'ACTIVE';
CREATE INDEX assignments_to_accept ON assignments (auto_accept) WHERE status = 'SUBMITTED';

-- What each performer has been given: the primary key is what makes "never the same task twice"
-- hold under any concurrency, and what a take's anti-join reads.
CREATE TABLE issued_tasks (
    performer_no   INTEGER NOT NULL,
    task_seq       INTEGER NOT NULL,
    assignment_seq INTEGER NOT NULL,
    PRIMARY KEY (performer_no, task_seq)
) WITHOUT ROWID;
CREATE INDEX issued_tasks_by_task ON issued_tasks (task_seq, assignment_seq);

CREATE TABLE issued_suites (
    performer_no   INTEGER NOT NULL,
    suite_seq      INTEGER NOT NULL,
    assignment_seq INTEGER NOT NULL,
    PRIMARY KEY (performer_no, suite_seq)
) WITHOUT ROWID
