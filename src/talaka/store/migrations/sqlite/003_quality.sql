-- Talaka schema, version 3 (SQLite): quality control, skills, restrictions, bonuses and trainings.

-- A training shares the pools' id space and endpoints (`/v1/pools/{id}` answers for it), so it is
-- a row of `pools` marked here; pool searches leave these rows out and training searches read only them.
ALTER TABLE pools ADD COLUMN training INTEGER NOT NULL DEFAULT 0;

-- A requester's skills. `training_pool_id` names the training whose results the skill holds
-- (made with the training, in the same transaction).
CREATE TABLE skills (
    id               INTEGER PRIMARY KEY,
    requester_id     INTEGER NOT NULL REFERENCES requesters (id),
    name             TEXT NOT NULL,
    training_pool_id INTEGER,
    created          TEXT NOT NULL,
    body             BLOB NOT NULL
);
CREATE INDEX skills_by_requester ON skills (requester_id, id);
CREATE UNIQUE INDEX skills_by_training ON skills (training_pool_id) WHERE training_pool_id IS NOT NULL;

-- One value per performer and skill: `PUT /v1/user-skills` and rules replace it in place.
CREATE TABLE user_skills (
    id           INTEGER PRIMARY KEY,
    skill_id     INTEGER NOT NULL REFERENCES skills (id),
    performer_no INTEGER NOT NULL REFERENCES performers (no),
    value        REAL NOT NULL,
    created      TEXT NOT NULL,
    modified     TEXT NOT NULL
);
CREATE UNIQUE INDEX user_skills_one_value ON user_skills (performer_no, skill_id);
CREATE INDEX user_skills_by_skill ON user_skills (skill_id, id);

-- One restriction per performer, requester, scope and target (a pool or project id by scope, 0 for
-- ALL_PROJECTS): a rule that fires again, or a second PUT, updates it instead of adding another.
-- A take reads the performer's restrictions from this requester through the unique index.
CREATE TABLE user_restrictions (
    id              INTEGER PRIMARY KEY,
    requester_id    INTEGER NOT NULL REFERENCES requesters (id),
    performer_no    INTEGER NOT NULL REFERENCES performers (no),
    scope           TEXT NOT NULL,
    target          INTEGER NOT NULL,
    created         TEXT NOT NULL,
    will_expire     TEXT,
    private_comment TEXT
);
CREATE UNIQUE INDEX user_restrictions_one_per_scope ON user_restrictions (performer_no, requester_id, scope, target);
CREATE INDEX user_restrictions_by_requester ON user_restrictions (requester_id, id);

-- Bonuses are bookkeeping: recorded and summed per performer, paid by nobody.
CREATE TABLE user_bonuses (
    id             INTEGER PRIMARY KEY,
    requester_id   INTEGER NOT NULL REFERENCES requesters (id),
    performer_no   INTEGER NOT NULL REFERENCES performers (no),
    assignment_seq INTEGER,
    amount         REAL NOT NULL,
    created        TEXT NOT NULL,
    body           BLOB NOT NULL
);
CREATE INDEX user_bonuses_by_requester ON user_bonuses (requester_id, id);
CREATE INDEX user_bonuses_by_performer ON user_bonuses (performer_no, id);

-- What the pool's quality-control collectors have counted for one performer (msgspec JSON of
-- `talaka.core.quality.state.PerformerState`): read and written once per event that feeds a rule.
CREATE TABLE quality_state (
    performer_no INTEGER NOT NULL,
    pool_id      INTEGER NOT NULL,
    state        BLOB NOT NULL,
    PRIMARY KEY (performer_no, pool_id)
) WITHOUT ROWID;

-- Majority-vote judgements of a performer's answers made by another performer's submit while the
-- performer's own counts were held by their own transaction (PostgreSQL): counted by the
-- performer's next event, their next take at the latest, so that submits never wait on each other.
CREATE TABLE quality_pending (
    seq          INTEGER PRIMARY KEY,
    performer_no INTEGER NOT NULL,
    pool_id      INTEGER NOT NULL,
    judged       BLOB NOT NULL
);
CREATE INDEX quality_pending_by_performer ON quality_pending (performer_no, pool_id);

-- The assignments of one task suite, which ASSIGNMENTS_ASSESSMENT counts by status.
CREATE INDEX assignments_by_suite ON assignments (suite_seq) WHERE suite_seq IS NOT NULL;
