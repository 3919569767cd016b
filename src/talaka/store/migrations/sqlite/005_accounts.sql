-- Talaka schema, version 5: accounts that can be disabled, and named tokens that can be revoked.

-- A token keeps its row when revoked, so that a request bearing it is told it was revoked rather
-- than that it never existed. At most one live token per label and account.
ALTER TABLE tokens ADD COLUMN label TEXT NOT NULL DEFAULT 'default';
ALTER TABLE tokens ADD COLUMN revoked TEXT;
ALTER TABLE performer_tokens ADD COLUMN label TEXT NOT NULL DEFAULT 'default';
ALTER TABLE performer_tokens ADD COLUMN revoked TEXT;
ALTER TABLE requesters ADD COLUMN disabled TEXT;
ALTER TABLE performers ADD COLUMN disabled TEXT;
CREATE UNIQUE INDEX tokens_live_label ON tokens (requester_id, label) WHERE revoked IS NULL;
CREATE UNIQUE INDEX performer_tokens_live_label ON performer_tokens (performer_no, label) WHERE revoked IS NULL;

-- Raised by every change that takes access away (a revoke, a rotation, a disable). Server processes
-- read it at most every half second and drop their token caches when it moved, so such a change
-- reaches every process within a second without a message bus.
CREATE TABLE account_changes (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO account_changes (id, epoch) VALUES (1, 0);
