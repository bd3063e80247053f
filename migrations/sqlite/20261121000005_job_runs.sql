-- Scheduled job runs, one row per (job, period): the UNIQUE key is what makes a report or
-- reminder impossible to send twice, across restarts and across app instances on one database.
CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL CHECK (job IN ('professional_monthly_report', 'customer_monthly_report', 'daily_reminder')),
    period       TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    emails       INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    started_at   TEXT    NOT NULL,
    finished_at  TEXT,
    UNIQUE (job, period)
);
