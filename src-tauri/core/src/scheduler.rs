//! Scheduled jobs: monthly reports to professionals and customers on the 1st, a daily
//! reminder to professionals with waiting work, the daily backup (when switched on). Each (job, period) runs at most once, recorded
//! in `job_runs` (UNIQUE), so nothing is sent twice across restarts or two app instances; at
//! start-up the latest missed period of each job is caught up.

use crate::email;
use crate::error::{AppError, AppResult};
use crate::exports::money;
use crate::store::{self, jobs::JobRunRow};
use crate::App;
use crate::Timestamp;
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc,
};
use serde_json::json;

/// The scheduled jobs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Job {
    ProfessionalMonthlyReport,
    CustomerMonthlyReport,
    DailyReminder,
    DailyBackup,
}

impl Job {
    /// Every job.
    pub const ALL: [Job; 4] = [
        Job::ProfessionalMonthlyReport,
        Job::CustomerMonthlyReport,
        Job::DailyReminder,
        Job::DailyBackup,
    ];

    /// The value stored in `job_runs.job`.
    pub fn as_str(self) -> &'static str {
        match self {
            Job::ProfessionalMonthlyReport => "professional_monthly_report",
            Job::CustomerMonthlyReport => "customer_monthly_report",
            Job::DailyReminder => "daily_reminder",
            Job::DailyBackup => "daily_backup",
        }
    }
}

/// When jobs fire, in the terminal's local time.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// The local UTC offset (the shell passes the machine's).
    pub offset: FixedOffset,
    /// The daily reminder's time (default 18:00).
    pub reminder_time: NaiveTime,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            offset: Utc.fix(),
            reminder_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        }
    }
}

/// The period a job is due for at `now`: last month ("2026-10") for the monthly reports; the
/// latest day whose reminder time has passed ("2026-11-21") for the reminder.
pub fn due_period(job: Job, now: DateTime<Utc>, schedule: &Schedule) -> String {
    let local = now.with_timezone(&schedule.offset);
    match job {
        Job::ProfessionalMonthlyReport | Job::CustomerMonthlyReport => {
            let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
            (first - Duration::days(1)).format("%Y-%m").to_string()
        }
        Job::DailyReminder => {
            let day = if local.time() >= schedule.reminder_time {
                local.date_naive()
            } else {
                local.date_naive() - Duration::days(1)
            };
            day.format("%Y-%m-%d").to_string()
        }
        Job::DailyBackup => local.date_naive().format("%Y-%m-%d").to_string(),
    }
}

/// The UTC bounds [from, to) of a "YYYY-MM" period in local time, as stored timestamps.
fn month_bounds(period: &str, offset: FixedOffset) -> AppResult<(Timestamp, Timestamp)> {
    let start = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
        .map_err(AppError::internal)?;
    let next = if start.month() == 12 {
        NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
    }
    .ok_or_else(|| AppError::internal("bad month"))?;
    let utc = |d: NaiveDate| {
        offset
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| Timestamp::from(t.with_timezone(&Utc)))
            .ok_or_else(|| AppError::internal("bad local time"))
    };
    Ok((utc(start)?, utc(next)?))
}

/// The schedule the business settings call for, in the business's time zone (this
/// machine's: the one that owns the database).
pub async fn business_schedule(app: &App) -> AppResult<Schedule> {
    let settings = crate::settings::current(app).await?;
    let default = Schedule::default();
    Ok(Schedule {
        offset: app.clock.local_offset(),
        reminder_time: settings.reminder().unwrap_or(default.reminder_time),
    })
}

/// Recorded runs for the admin page (newest first).
pub async fn runs(app: &App, actor: &crate::Actor) -> AppResult<Vec<JobRunRow>> {
    actor.require(crate::domain::Role::Admin)?;
    Ok(store::jobs::list(&app.pool, 100).await?)
}

/// "Run now" for the admin: runs the job for its due period unless it already ran (then
/// `conflict` naming the period: a report is never sent twice).
pub async fn run_now(
    app: &App,
    actor: &crate::Actor,
    job: Job,
    schedule: &Schedule,
) -> AppResult<JobRunRow> {
    actor.require(crate::domain::Role::Admin)?;
    let period = due_period(job, app.clock.now(), schedule);
    run_for(app, job, &period, schedule).await?.ok_or_else(|| {
        AppError::Conflict(format!(
            "This job already ran for {period}; it is never sent twice."
        ))
    })
}

/// Runs every job that is due and not yet run for its period; returns the runs it made.
pub async fn run_due(app: &App, schedule: &Schedule) -> AppResult<Vec<JobRunRow>> {
    let now = app.clock.now();
    let mut done = Vec::new();
    for job in Job::ALL {
        if job == Job::DailyBackup && !crate::admin::backups::daily_enabled(app).await? {
            continue;
        }
        if let Some(run) = run_for(app, job, &due_period(job, now, schedule), schedule).await? {
            done.push(run);
        }
    }
    Ok(done)
}

/// Runs one job for one period unless it already ran ("run now" uses this for the due
/// period). `None` when it had already run.
pub async fn run_for(
    app: &App,
    job: Job,
    period: &str,
    schedule: &Schedule,
) -> AppResult<Option<JobRunRow>> {
    let Some(id) = store::jobs::claim(&app.pool, job.as_str(), period, app.now()).await? else {
        return Ok(None);
    };
    let result = match job {
        Job::ProfessionalMonthlyReport => professional_reports(app, period, schedule).await,
        Job::CustomerMonthlyReport => customer_reports(app, period, schedule).await,
        Job::DailyReminder => reminders(app, period).await,
        Job::DailyBackup => crate::admin::backups::scheduled(app).await,
    };
    let now = app.now();
    match &result {
        Ok(n) => {
            store::jobs::finish(
                &app.pool,
                id,
                crate::domain::RunStatus::Succeeded,
                *n,
                None,
                now,
            )
            .await?
        }
        Err(e) => {
            store::jobs::finish(
                &app.pool,
                id,
                crate::domain::RunStatus::Failed,
                0,
                Some(&e.to_string()),
                now,
            )
            .await?
        }
    }
    tracing::info!(
        job = job.as_str(),
        period,
        ok = result.is_ok(),
        "scheduled job ran"
    );
    Ok(store::jobs::list(&app.pool, 50)
        .await?
        .into_iter()
        .find(|r| r.id == id))
}

async fn professional_reports(app: &App, period: &str, schedule: &Schedule) -> AppResult<i64> {
    let (from, to) = month_bounds(period, schedule.offset)?;
    let mut queued = 0;
    for (id, name, address) in store::jobs::professionals(&app.pool).await? {
        let jobs = store::jobs::completed_jobs(&app.pool, id, from, to).await?;
        let rated: Vec<i64> = jobs.iter().filter_map(|j| j.rating).collect();
        let avg = (!rated.is_empty()).then(|| {
            format!(
                "{:.1}",
                rated.iter().sum::<i64>() as f64 / rated.len() as f64
            )
        });
        let ctx = json!({ "name": name, "period": period, "jobs": jobs, "total": jobs.len(), "avg": avg });
        let (text, html) = email::render(PRO_REPORT_TXT, PRO_REPORT_HTML, &ctx)?;
        let key = format!("professional_monthly_report:{period}:{id}");
        if store::email::enqueue(
            &app.pool,
            &address,
            &format!("Your jobs in {period}"),
            &text,
            &html,
            Some(&key),
            app.now(),
        )
        .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

async fn customer_reports(app: &App, period: &str, schedule: &Schedule) -> AppResult<i64> {
    let (from, to) = month_bounds(period, schedule.offset)?;
    let mut queued = 0;
    for (id, name, address, made, completed, closed, spent) in
        store::jobs::customer_activity(&app.pool, from, to).await?
    {
        let ctx = json!({ "name": name, "period": period, "made": made, "completed": completed, "closed": closed, "spent": money(spent) });
        let (text, html) = email::render(CUSTOMER_REPORT_TXT, CUSTOMER_REPORT_HTML, &ctx)?;
        let key = format!("customer_monthly_report:{period}:{id}");
        if store::email::enqueue(
            &app.pool,
            &address,
            &format!("Your activity in {period}"),
            &text,
            &html,
            Some(&key),
            app.now(),
        )
        .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

async fn reminders(app: &App, period: &str) -> AppResult<i64> {
    let mut queued = 0;
    for (id, name, address, open, assigned) in store::jobs::reminder_targets(&app.pool).await? {
        let ctx = json!({ "name": name, "open": open, "assigned": assigned });
        let (text, html) = email::render(REMINDER_TXT, REMINDER_HTML, &ctx)?;
        let key = format!("daily_reminder:{period}:{id}");
        if store::email::enqueue(
            &app.pool,
            &address,
            "Requests are waiting for you",
            &text,
            &html,
            Some(&key),
            app.now(),
        )
        .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

const PRO_REPORT_TXT: &str = "Hello {{ name }},

Your jobs completed in {{ period }}: {{ total }}.{% if avg %} Average rating: {{ avg }}.{% endif %}
{% for j in jobs %}- {{ j.completed_at[:10] }}  {{ j.service }}  PIN {{ j.pincode }}  {% if j.rating %}{{ j.rating }}/5{% else %}not rated{% endif %}
{% else %}No jobs were completed this month.
{% endfor %}
Household Services";

const PRO_REPORT_HTML: &str = "<p>Hello {{ name }},</p>
<p>Your jobs completed in <strong>{{ period }}</strong>: <strong>{{ total }}</strong>.{% if avg %} Average rating: <strong>{{ avg }}</strong>.{% endif %}</p>
{% if jobs %}<table><tr><th>Date</th><th>Service</th><th>Area</th><th>Rating</th></tr>
{% for j in jobs %}<tr><td>{{ j.completed_at[:10] }}</td><td>{{ j.service }}</td><td>{{ j.pincode }}</td><td>{% if j.rating %}{{ j.rating }}/5{% else %}—{% endif %}</td></tr>
{% endfor %}</table>{% else %}<p>No jobs were completed this month.</p>{% endif %}
<p>Household Services</p>";

const CUSTOMER_REPORT_TXT: &str = "Hello {{ name }},
{% if not made and not completed and not closed %}
You made no requests in {{ period }}. Whenever something at home needs fixing, we are here.
{% endif %}
Your activity in {{ period }}:
- requests made: {{ made }}
- completed: {{ completed }}
- closed: {{ closed }}
- spending at base prices: {{ spent }}

Household Services";

const CUSTOMER_REPORT_HTML: &str = "<p>Hello {{ name }},</p><p>Your activity in <strong>{{ period }}</strong>:</p>
<ul><li>Requests made: {{ made }}</li><li>Completed: {{ completed }}</li><li>Closed: {{ closed }}</li><li>Spending at base prices: {{ spent }}</li></ul>
<p>Household Services</p>";

const REMINDER_TXT: &str = "Hello {{ name }},

{% if open %}{{ open }} open request(s) in your area are waiting in your feed.
{% endif %}{% if assigned %}{{ assigned }} assigned job(s) are not completed yet.
{% endif %}
Household Services";

const REMINDER_HTML: &str = "<p>Hello {{ name }},</p><ul>{% if open %}<li>{{ open }} open request(s) in your area are waiting in your feed.</li>{% endif %}{% if assigned %}<li>{{ assigned }} assigned job(s) are not completed yet.</li>{% endif %}</ul><p>Household Services</p>";
