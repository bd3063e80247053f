-- Scheduled daily backups (issue #14) are a job like the reports: one run per (job, day) in
-- job_runs, whose CHECK lists the jobs, so the table is rebuilt with the new name.
CREATE TABLE job_runs_new (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL CHECK (job IN ('professional_monthly_report', 'customer_monthly_report', 'daily_reminder', 'daily_backup')),
    period       TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    emails       INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    started_at   TEXT    NOT NULL,
    finished_at  TEXT,
    UNIQUE (job, period)
);
INSERT INTO job_runs_new (id, job, period, status, emails, error, started_at, finished_at)
    SELECT id, job, period, status, emails, error, started_at, finished_at FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_new RENAME TO job_runs;
