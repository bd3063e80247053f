-- Outgoing email, sent by a background task with retries and back-off. `dedupe_key` makes a
-- report or reminder impossible to queue twice; a message is claimed ('sending') before it is
-- handed to the transport, so nothing is ever sent twice even across a crash.
CREATE TABLE email_queue (
    id               INTEGER PRIMARY KEY,
    to_address       TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    text_body        TEXT    NOT NULL,
    html_body        TEXT    NOT NULL,
    dedupe_key       TEXT    UNIQUE,
    status           TEXT    NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TEXT    NOT NULL,
    last_error       TEXT,
    created_at       TEXT    NOT NULL,
    sent_at          TEXT
);
CREATE INDEX idx_email_queue_due ON email_queue (status, next_attempt_at);
