-- The whole schema of the original design, ready for the later workflows.
-- Portable on purpose (TEXT ISO-8601 UTC timestamps, CHECK constraints, no SQLite-only
-- collations): a shared PostgreSQL backend is the next step after SQLite.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT    NOT NULL UNIQUE,          -- stored lower-case
    email           TEXT    NOT NULL UNIQUE,          -- stored lower-case
    full_name       TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'professional', 'customer')),
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    blocked_reason  TEXT,
    blocked_at      TEXT,
    last_login_at   TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (length(username) BETWEEN 3 AND 32),
    CHECK (status = 'active' OR blocked_reason IS NOT NULL)
);
CREATE INDEX idx_users_role_status ON users (role, status);

CREATE TABLE services (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL,
    name_key           TEXT    NOT NULL UNIQUE,       -- lower-cased name: case-insensitive uniqueness
    description        TEXT    NOT NULL DEFAULT '',
    base_price_minor   INTEGER NOT NULL CHECK (base_price_minor >= 0),
    estimated_minutes  INTEGER NOT NULL CHECK (estimated_minutes > 0),
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX idx_services_active ON services (is_active, name_key);

CREATE TABLE customers (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    phone       TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    pincode     TEXT    NOT NULL CHECK (length(pincode) = 6)
);
CREATE INDEX idx_customers_pincode ON customers (pincode);

CREATE TABLE professionals (
    user_id               INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    service_id            INTEGER NOT NULL REFERENCES services (id),
    experience_years      INTEGER NOT NULL CHECK (experience_years BETWEEN 0 AND 70),
    description           TEXT    NOT NULL DEFAULT '',
    phone                 TEXT    NOT NULL,
    pincode               TEXT    NOT NULL CHECK (length(pincode) = 6),
    verification_status   TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (verification_status IN ('pending', 'approved', 'rejected')),
    verification_note     TEXT,
    verified_by           INTEGER REFERENCES users (id),
    verified_at           TEXT,
    document_sha256       TEXT    NOT NULL CHECK (length(document_sha256) = 64),
    document_mime         TEXT    NOT NULL CHECK (document_mime IN ('application/pdf', 'image/png', 'image/jpeg')),
    document_name         TEXT    NOT NULL,            -- the uploader's file name, for display only
    document_size         INTEGER NOT NULL CHECK (document_size BETWEEN 1 AND 5242880),
    document_uploaded_at  TEXT    NOT NULL
);
-- The professional's feed and the customer's pincode search both go through this one.
CREATE INDEX idx_professionals_service_area ON professionals (service_id, pincode, verification_status);
CREATE INDEX idx_professionals_status ON professionals (verification_status);

CREATE TABLE service_requests (
    id               INTEGER PRIMARY KEY,
    service_id       INTEGER NOT NULL REFERENCES services (id),
    customer_id      INTEGER NOT NULL REFERENCES users (id),
    professional_id  INTEGER REFERENCES users (id),
    status           TEXT    NOT NULL DEFAULT 'requested'
                     CHECK (status IN ('requested', 'assigned', 'completed', 'closed', 'rejected', 'cancelled')),
    scheduled_for    TEXT    NOT NULL,
    address          TEXT    NOT NULL,
    pincode          TEXT    NOT NULL CHECK (length(pincode) = 6),
    remarks          TEXT    NOT NULL DEFAULT '',
    completion_note  TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    assigned_at      TEXT,
    completed_at     TEXT,
    closed_at        TEXT,
    cancelled_at     TEXT,
    -- a request past 'requested' always names its professional (cancelled/rejected may or may not)
    CHECK (status NOT IN ('assigned', 'completed', 'closed') OR professional_id IS NOT NULL)
);
CREATE INDEX idx_requests_feed ON service_requests (service_id, status, pincode, created_at);
CREATE INDEX idx_requests_customer ON service_requests (customer_id, created_at);
CREATE INDEX idx_requests_professional ON service_requests (professional_id, status, created_at);
CREATE INDEX idx_requests_status_created ON service_requests (status, created_at);
CREATE INDEX idx_requests_created ON service_requests (created_at);

-- A professional who declines an open request: hidden from their feed, still open for others.
CREATE TABLE request_rejections (
    request_id       INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    professional_id  INTEGER NOT NULL REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    PRIMARY KEY (request_id, professional_id)
);

-- Append-only status history of every request: who changed what, when.
CREATE TABLE request_events (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id),
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    note         TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX idx_request_events_request ON request_events (request_id, id);

-- One review row per request: the customer's review of the job and the professional's
-- rating of the customer; either side may come first.
CREATE TABLE reviews (
    id                 INTEGER PRIMARY KEY,
    request_id         INTEGER NOT NULL UNIQUE REFERENCES service_requests (id) ON DELETE CASCADE,
    rating             INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment            TEXT    CHECK (comment IS NULL OR length(comment) <= 1000),
    reviewed_at        TEXT,
    customer_rating    INTEGER CHECK (customer_rating BETWEEN 1 AND 5),
    customer_comment   TEXT    CHECK (customer_comment IS NULL OR length(customer_comment) <= 1000),
    customer_rated_at  TEXT,
    CHECK (rating IS NOT NULL OR customer_rating IS NOT NULL)
);

CREATE TABLE export_jobs (
    id             INTEGER PRIMARY KEY,
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('closed_requests', 'requests', 'professionals', 'customers')),
    filters        TEXT    NOT NULL DEFAULT '{}',     -- JSON
    status         TEXT    NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    rows_written   INTEGER NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    rows_total     INTEGER CHECK (rows_total IS NULL OR rows_total >= 0),
    file_path      TEXT,
    file_size      INTEGER,
    error          TEXT,
    created_at     TEXT    NOT NULL,
    started_at     TEXT,
    finished_at    TEXT
);
CREATE INDEX idx_export_jobs_status ON export_jobs (status, created_at);

-- Append-only log of admin actions and account events (approve, reject, block, service edits...).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    actor_id     INTEGER REFERENCES users (id),
    action       TEXT    NOT NULL,
    target_type  TEXT    NOT NULL,
    target_id    INTEGER,
    detail       TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);
CREATE INDEX idx_audit_target ON audit_log (target_type, target_id, id);

-- Failed-login throttling, keyed by the normalised login string (so unknown accounts are
-- throttled exactly like real ones and reveal nothing).
CREATE TABLE login_throttle (
    login_key        TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_failure_at  TEXT    NOT NULL,
    locked_until     TEXT
);
