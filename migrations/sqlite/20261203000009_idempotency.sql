-- Writes a connected desktop may retry after a lost reply apply once (issue #11): the
-- desktop sends the same key with every attempt of one booking or export, and the key is
-- stored with the row it made, in the same transaction. Other retried writes (accept,
-- close, review) are guarded by the state machine; their first answer is kept here so a
-- retry gets it again.
ALTER TABLE service_requests ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX idx_requests_client_key ON service_requests (customer_id, client_key)
    WHERE client_key IS NOT NULL;
ALTER TABLE export_jobs ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX idx_export_jobs_client_key ON export_jobs (requested_by, client_key)
    WHERE client_key IS NOT NULL;

CREATE TABLE idempotent_replies (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT    NOT NULL CHECK (length(key) BETWEEN 8 AND 100),
    operation   TEXT    NOT NULL,
    reply       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idx_idempotent_replies_created ON idempotent_replies (created_at);
