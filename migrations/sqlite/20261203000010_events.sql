-- The durable event log the desktops follow (live updates): written in the same transaction
-- as the change it reports, read in id order from a client's cursor, so a desktop that was
-- away (dropped connection, server restart) resumes where it left off. Rows say only what
-- changed and who may hear of it; the desktop fetches the details through the usual checks.
-- AUTOINCREMENT: ids are never reused, even after old rows are purged, so a cursor stays valid.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    subject_id  INTEGER,
    -- the audience: one user, or everyone of a role (professionals: of one service, if set),
    -- or, all three NULL, everyone signed in
    to_user     INTEGER,
    to_role     TEXT CHECK (to_role IN ('admin', 'professional', 'customer')),
    to_service  INTEGER,
    -- left out of a role audience (the assigned professional hears through to_user already)
    except_user INTEGER,
    created_at  TEXT    NOT NULL
);
CREATE INDEX idx_events_created ON events (created_at);
