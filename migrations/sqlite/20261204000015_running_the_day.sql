-- Running the day (issue #15): availability, verified completion, expiring requests, receipts
-- and complaints.
--
-- `service_requests` gains the status 'expired', whose CHECK only a rebuild can change on
-- SQLite: build the new table, copy, drop the old one, rename (SQLite's documented
-- procedure). Other tables reference it: core/src/db.rs runs migrations with foreign keys
-- off, so dropping the old table does not cascade-delete their rows, and checks every
-- foreign key afterwards.
CREATE TABLE service_requests_new (
    id               INTEGER PRIMARY KEY,
    service_id       INTEGER NOT NULL REFERENCES services (id),
    customer_id      INTEGER NOT NULL REFERENCES users (id),
    professional_id  INTEGER REFERENCES users (id),
    status           TEXT    NOT NULL DEFAULT 'requested'
                     CHECK (status IN ('requested', 'assigned', 'completed', 'closed', 'rejected', 'cancelled', 'expired')),
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
    price_minor      INTEGER NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    client_key       TEXT,
    -- how long the visit takes (the service's estimate when booked): the professional is
    -- busy from scheduled_for for this long
    duration_minutes INTEGER NOT NULL DEFAULT 60 CHECK (duration_minutes BETWEEN 1 AND 1440),
    -- the code the customer reads out when the job is done (set while assigned)
    completion_code  TEXT    CHECK (completion_code IS NULL OR length(completion_code) = 6),
    code_failures    INTEGER NOT NULL DEFAULT 0 CHECK (code_failures >= 0),
    code_locked_until TEXT,
    CHECK (status NOT IN ('assigned', 'completed', 'closed') OR professional_id IS NOT NULL)
);
INSERT INTO service_requests_new (id, service_id, customer_id, professional_id, status, scheduled_for,
    address, pincode, remarks, completion_note, created_at, updated_at, assigned_at, completed_at,
    closed_at, cancelled_at, price_minor, client_key, duration_minutes)
SELECT r.id, r.service_id, r.customer_id, r.professional_id, r.status, r.scheduled_for,
    r.address, r.pincode, r.remarks, r.completion_note, r.created_at, r.updated_at, r.assigned_at,
    r.completed_at, r.closed_at, r.cancelled_at, r.price_minor, r.client_key,
    (SELECT MIN(MAX(s.estimated_minutes, 1), 1440) FROM services s WHERE s.id = r.service_id)
FROM service_requests r;
DROP TABLE service_requests;
ALTER TABLE service_requests_new RENAME TO service_requests;
CREATE INDEX idx_requests_feed ON service_requests (service_id, status, pincode, created_at);
CREATE INDEX idx_requests_customer ON service_requests (customer_id, created_at);
CREATE INDEX idx_requests_professional ON service_requests (professional_id, status, created_at);
CREATE INDEX idx_requests_status_created ON service_requests (status, created_at);
CREATE INDEX idx_requests_created ON service_requests (created_at);
CREATE INDEX idx_requests_status_scheduled ON service_requests (status, scheduled_for);
CREATE INDEX idx_requests_scheduled ON service_requests (scheduled_for);
CREATE INDEX idx_requests_service_created ON service_requests (service_id, created_at);
CREATE INDEX idx_requests_professional_created ON service_requests (professional_id, created_at);
CREATE INDEX idx_requests_professional_visit ON service_requests (professional_id, status, scheduled_for);
CREATE INDEX idx_requests_professional_scheduled ON service_requests (professional_id, scheduled_for);
CREATE UNIQUE INDEX idx_requests_client_key ON service_requests (customer_id, client_key)
    WHERE client_key IS NOT NULL;

-- Receipts are a new export kind: export_jobs' CHECK lists the kinds (nothing references it).
CREATE TABLE export_jobs_new (
    id             INTEGER PRIMARY KEY,
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('closed_requests', 'requests', 'professionals', 'customers', 'receipts')),
    filters        TEXT    NOT NULL DEFAULT '{}',
    status         TEXT    NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    rows_written   INTEGER NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    rows_total     INTEGER CHECK (rows_total IS NULL OR rows_total >= 0),
    file_path      TEXT,
    file_size      INTEGER,
    error          TEXT,
    created_at     TEXT    NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    client_key     TEXT
);
INSERT INTO export_jobs_new SELECT id, requested_by, kind, filters, status, rows_written, rows_total,
    file_path, file_size, error, created_at, started_at, finished_at, client_key FROM export_jobs;
DROP TABLE export_jobs;
ALTER TABLE export_jobs_new RENAME TO export_jobs;
CREATE INDEX idx_export_jobs_status ON export_jobs (status, created_at);
CREATE UNIQUE INDEX idx_export_jobs_client_key ON export_jobs (requested_by, client_key)
    WHERE client_key IS NOT NULL;

-- A professional's weekly hours: one range per working day (0 = Monday ... 6 = Sunday), in
-- minutes from local midnight. No rows: the default week (core/src/availability.rs).
CREATE TABLE working_hours (
    professional_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    weekday          INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute     INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute       INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute),
    PRIMARY KEY (professional_id, weekday)
);

-- Days a professional does not work (holidays, leave), as local dates "YYYY-MM-DD".
CREATE TABLE days_off (
    professional_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day              TEXT    NOT NULL CHECK (length(day) = 10),
    PRIMARY KEY (professional_id, day)
);

-- Extra line items the professional adds to a completed job (parts, extra time).
CREATE TABLE request_extras (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    description   TEXT    NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor BETWEEN 1 AND 100000000),
    created_at    TEXT    NOT NULL
);
CREATE INDEX idx_request_extras_request ON request_extras (request_id, id);

-- One receipt per closed request; `number` runs 1, 2, 3... without gaps (issued inside the
-- business-wide write lock). Names and the business's details are copied: a receipt never
-- changes after it is issued.
CREATE TABLE receipts (
    id                 INTEGER PRIMARY KEY,
    number             INTEGER NOT NULL UNIQUE CHECK (number >= 1),
    request_id         INTEGER NOT NULL UNIQUE REFERENCES service_requests (id),
    issued_at          TEXT    NOT NULL,
    business_name      TEXT    NOT NULL,
    business_address   TEXT    NOT NULL,
    customer_name      TEXT    NOT NULL,
    professional_name  TEXT    NOT NULL,
    service_name       TEXT    NOT NULL,
    visit_at           TEXT    NOT NULL,
    base_minor         INTEGER NOT NULL CHECK (base_minor >= 0),
    extras_minor       INTEGER NOT NULL CHECK (extras_minor >= 0),
    total_minor        INTEGER NOT NULL CHECK (total_minor = base_minor + extras_minor),
    payment_method     TEXT    NOT NULL CHECK (payment_method IN ('cash', 'upi', 'card')),
    payment_reference  TEXT    NOT NULL DEFAULT '',
    CHECK (payment_method = 'cash' OR length(payment_reference) > 0)
);
CREATE INDEX idx_receipts_issued ON receipts (issued_at);

-- A customer's complaint about a closed request; an admin resolves it with a note.
CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES service_requests (id),
    customer_id      INTEGER NOT NULL REFERENCES users (id),
    professional_id  INTEGER REFERENCES users (id),
    category         TEXT    NOT NULL CHECK (category IN ('quality', 'damage', 'conduct', 'billing', 'lateness', 'other')),
    body             TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    photo_sha256     TEXT    CHECK (photo_sha256 IS NULL OR length(photo_sha256) = 64),
    photo_mime       TEXT    CHECK (photo_mime IS NULL OR photo_mime IN ('application/pdf', 'image/png', 'image/jpeg')),
    photo_name       TEXT,
    photo_size       INTEGER CHECK (photo_size IS NULL OR photo_size BETWEEN 1 AND 5242880),
    status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution       TEXT,
    resolved_by      INTEGER REFERENCES users (id),
    resolved_at      TEXT,
    created_at       TEXT    NOT NULL,
    CHECK (status = 'open' OR resolution IS NOT NULL)
);
CREATE INDEX idx_complaints_status ON complaints (status, created_at);
CREATE INDEX idx_complaints_request ON complaints (request_id);
CREATE INDEX idx_complaints_professional ON complaints (professional_id, status);
