-- Enrolled terminals (issue #12): each machine that connects to a server is enrolled by an
-- admin (a name, a profile, a one-time code typed on that machine) and then carries its own
-- random key; only SHA-256 hashes of the code and the key are stored. A counter terminal
-- admits only customers. Revoking a terminal ends its sessions at once.
CREATE TABLE terminals (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    profile          TEXT    NOT NULL CHECK (profile IN ('staff', 'counter')),
    code_hash        TEXT    UNIQUE CHECK (code_hash IS NULL OR length(code_hash) = 64),
    code_expires_at  TEXT,
    key_hash         TEXT    UNIQUE CHECK (key_hash IS NULL OR length(key_hash) = 64),
    enrolled_at      TEXT,
    app_version      TEXT,
    last_seen_at     TEXT,
    revoked_at       TEXT,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL
);

-- Sessions remember the terminal they were started on, and may end because that terminal
-- was disconnected (a new end reason: the CHECK is rebuilt with the table).
CREATE TABLE sessions_new (
    id                 INTEGER PRIMARY KEY,
    token_hash         TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client             TEXT    NOT NULL DEFAULT '',
    idle_timeout_secs  INTEGER NOT NULL CHECK (idle_timeout_secs > 0),
    created_at         TEXT    NOT NULL,
    last_seen_at       TEXT    NOT NULL,
    ended_at           TEXT,
    end_reason         TEXT CHECK (end_reason IN ('idle', 'logout', 'blocked', 'password_changed', 'revoked', 'disconnected')),
    terminal_id        INTEGER REFERENCES terminals (id) ON DELETE SET NULL,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
INSERT INTO sessions_new
    (id, token_hash, user_id, client, idle_timeout_secs, created_at, last_seen_at, ended_at, end_reason)
    SELECT id, token_hash, user_id, client, idle_timeout_secs, created_at, last_seen_at, ended_at, end_reason
    FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX idx_sessions_user_live ON sessions (user_id, ended_at);
CREATE INDEX idx_sessions_terminal_live ON sessions (terminal_id, ended_at);
