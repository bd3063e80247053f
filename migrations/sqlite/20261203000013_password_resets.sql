-- One-time password-reset codes (issue #14): an admin issues one for a user who forgot their
-- password (the customer at the counter), or "Forgot password" emails one. Only the SHA-256
-- of a code is stored; a code works once, for 15 minutes, and issuing a new one for the same
-- user withdraws the earlier ones.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL UNIQUE CHECK (length(code_hash) = 64),
    channel     TEXT    NOT NULL CHECK (channel IN ('admin', 'email')),
    issued_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX idx_password_resets_user ON password_resets (user_id);
