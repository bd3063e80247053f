-- Server-side sessions (issue #11): every signed-in desktop holds a random 256-bit bearer
-- token; only its SHA-256 is stored. Ended sessions keep their reason for a while so the
-- desktop can say why it was signed out.
CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    token_hash         TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client             TEXT    NOT NULL DEFAULT '',
    idle_timeout_secs  INTEGER NOT NULL CHECK (idle_timeout_secs > 0),
    created_at         TEXT    NOT NULL,
    last_seen_at       TEXT    NOT NULL,
    ended_at           TEXT,
    end_reason         TEXT CHECK (end_reason IN ('idle', 'logout', 'blocked', 'password_changed', 'revoked')),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX idx_sessions_user_live ON sessions (user_id, ended_at);

-- The business's settings (idle policy, reminder time, outgoing mail): one JSON document,
-- owned by whoever owns the database (the standalone app or the server), changed by admins.
CREATE TABLE business_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    settings    TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);
