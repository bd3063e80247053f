-- Scheduled daily backups (issue #14): as migrations/sqlite/20261203000014.
ALTER TABLE job_runs DROP CONSTRAINT job_runs_job_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_job_check
    CHECK (job IN ('professional_monthly_report', 'customer_monthly_report', 'daily_reminder', 'daily_backup'));
