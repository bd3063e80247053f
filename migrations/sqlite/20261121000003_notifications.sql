-- Notification outbox: written in the same transaction as the change it reports, so nothing
-- is lost if the app closes; shown as OS notifications and in the in-app centre.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    request_id  INTEGER REFERENCES service_requests (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    -- when it was shown as an OS notification (or summarised); NULL = not yet
    shown_at    TEXT,
    read_at     TEXT
);
CREATE INDEX idx_notifications_user ON notifications (user_id, id);
CREATE INDEX idx_notifications_unshown ON notifications (user_id, shown_at);
