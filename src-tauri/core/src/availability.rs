//! When professionals work: weekly hours and days off, the slots customers are offered, the
//! one-job-per-slot rule, and the professional's week calendar.
//!
//! Hours are local times of the business (the UTC offset of the machine that owns the
//! database, `Clock::local_offset`). A professional who never set hours works the default
//! week ([`DEFAULT_HOURS`] every day) so a new business can take bookings at once. A job holds
//! its professional from its visit time for its `duration_minutes` (the service's estimate
//! when booked).

use crate::domain::Role;
use crate::error::{AllValid, AppError, AppResult};
use crate::session::Actor;
use crate::store::{self, availability::BusyJob, Ex};
use crate::timestamp::Timestamp;
use crate::App;
use chrono::{Datelike, Duration, FixedOffset, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::{BTreeSet, HashSet};

/// The working hours of a professional who never set theirs, in minutes from midnight.
pub const DEFAULT_HOURS: (i64, i64) = (8 * 60, 20 * 60);
/// Offered visit times start on this grid from the start of each working range.
pub const SLOT_STEP_MINUTES: i64 = 30;
/// The most days one slots query or calendar covers.
pub const MAX_DAYS: u32 = 31;
/// Most days off one professional keeps.
const MAX_DAYS_OFF: usize = 366;
/// How far back a job may start and still overlap (the longest visit is a day).
const LONGEST_JOB: Duration = Duration::minutes(1440);

/// One working day of the week: `weekday` 0 = Monday … 6 = Sunday, times "HH:MM" (the end
/// may be "24:00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DayHours {
    pub weekday: u8,
    pub start: String,
    pub end: String,
}

/// A professional's availability as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct Availability {
    /// The working days (a day not listed is not worked).
    pub days: Vec<DayHours>,
    /// Days off, "YYYY-MM-DD", in order.
    pub days_off: Vec<String>,
    /// True while the professional has never set hours (the default week applies).
    pub is_default: bool,
}

/// New weekly hours and days off.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct AvailabilityInput {
    pub days: Vec<DayHours>,
    pub days_off: Vec<String>,
}

/// Which offered times to list.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct SlotQuery {
    pub service_id: i64,
    /// The visit's PIN code; the customer's own when `None`.
    pub pincode: Option<String>,
    /// The first day, "YYYY-MM-DD" (local); today when empty.
    pub from_day: String,
    /// How many days (1-31).
    pub days: u32,
}

/// The times offered on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DaySlots {
    pub day: String,
    pub slots: Vec<Timestamp>,
}

/// One day of a professional's week.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct WeekDay {
    pub day: String,
    /// Their hours that day (`None`: not a working day, or a day off).
    pub hours: Option<DayHours>,
    pub day_off: bool,
    /// Their assigned jobs that day, by time.
    pub jobs: Vec<BusyJob>,
    /// Visit times still free that day (for a job of their service's length).
    pub free_slots: Vec<Timestamp>,
}

/// A professional's week.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct WeekView {
    pub days: Vec<WeekDay>,
    /// The length of a visit of their service, in minutes.
    pub slot_minutes: i64,
}

fn minutes_text(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn parse_minutes(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let total = h * 60 + m;
    ((0..60).contains(&m) && (0..=1440).contains(&total) && h <= 24).then_some(total)
}

/// Parses a local date "YYYY-MM-DD".
pub fn parse_day(field: &str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::validation(
            field,
            format!("Enter the date as YYYY-MM-DD, not {text:?}."),
        )
    })
}

/// A week of working ranges, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week([Option<(i64, i64)>; 7]);

impl Week {
    /// The week from stored rows; the default week when there are none.
    pub fn from_rows(rows: &[(i64, i64, i64)]) -> Week {
        if rows.is_empty() {
            return Week([Some(DEFAULT_HOURS); 7]);
        }
        let mut days = [None; 7];
        for &(w, s, e) in rows {
            if let Some(d) = usize::try_from(w).ok().and_then(|w| days.get_mut(w)) {
                *d = Some((s, e));
            }
        }
        Week(days)
    }

    /// The working range of a weekday (0 = Monday).
    pub fn on(&self, weekday: u32) -> Option<(i64, i64)> {
        self.0.get(weekday as usize).copied().flatten()
    }

    fn as_days(&self) -> Vec<DayHours> {
        (0u8..7)
            .filter_map(|w| {
                self.on(u32::from(w)).map(|(s, e)| DayHours {
                    weekday: w,
                    start: minutes_text(s),
                    end: minutes_text(e),
                })
            })
            .collect()
    }
}

/// Stored working ranges: (weekday, start minute, end minute).
type HoursRows = Vec<(i64, i64, i64)>;

/// Checks new hours and days off: every bad field at once.
fn validate(input: &AvailabilityInput) -> AppResult<(HoursRows, Vec<String>)> {
    let days = (|| {
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for d in &input.days {
            if d.weekday > 6 || !seen.insert(d.weekday) {
                return Err(AppError::validation(
                    "days",
                    "Each day of the week can have one range of hours.",
                ));
            }
            let (Some(s), Some(e)) = (parse_minutes(&d.start), parse_minutes(&d.end)) else {
                return Err(AppError::validation(
                    "days",
                    "Enter the hours as HH:MM, e.g. 09:00 to 18:00.",
                ));
            };
            if s >= e || s >= 1440 {
                return Err(AppError::validation(
                    "days",
                    "Each day's hours must end after they start.",
                ));
            }
            rows.push((i64::from(d.weekday), s, e));
        }
        if rows.is_empty() {
            return Err(AppError::validation(
                "days",
                "Choose at least one working day (use days off for holidays and leave).",
            ));
        }
        rows.sort_unstable();
        Ok(rows)
    })();
    let off = (|| {
        let set: BTreeSet<NaiveDate> = input
            .days_off
            .iter()
            .map(|d| parse_day("days_off", d))
            .collect::<AppResult<_>>()?;
        if set.len() > MAX_DAYS_OFF {
            return Err(AppError::validation(
                "days_off",
                format!("At most {MAX_DAYS_OFF} days off can be kept."),
            ));
        }
        Ok(set
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect())
    })();
    (days, off).all_valid()
}

/// Whether `user_id` is a professional (the admin's edits name one).
async fn require_professional(app: &App, user_id: i64) -> AppResult<()> {
    store::professionals::verification(&app.pool, user_id)
        .await?
        .map(|_| ())
        .ok_or_else(|| AppError::NotFound("That professional does not exist.".into()))
}

async fn read(app: &App, professional_id: i64) -> AppResult<Availability> {
    let rows = store::availability::hours(&app.pool, professional_id).await?;
    let days_off = store::availability::days_off(&app.pool, professional_id).await?;
    Ok(Availability {
        days: Week::from_rows(&rows).as_days(),
        days_off,
        is_default: rows.is_empty(),
    })
}

async fn write(
    app: &App,
    actor: &Actor,
    professional_id: i64,
    input: AvailabilityInput,
) -> AppResult<Availability> {
    let (days, off) = validate(&input)?;
    let now = app.now();
    let mut tx = app.write_tx().await?;
    store::availability::replace_hours(&mut tx, professional_id, &days).await?;
    store::availability::replace_days_off(&mut tx, professional_id, &off).await?;
    if actor.user_id != professional_id {
        store::audit::append(
            &mut tx,
            Some(actor.user_id),
            "availability.changed",
            "user",
            Some(professional_id),
            &format!("{} working day(s), {} day(s) off", days.len(), off.len()),
            now,
        )
        .await?;
    }
    crate::live::person_changed(&mut tx, professional_id, now).await?;
    tx.commit().await?;
    read(app, professional_id).await
}

/// The signed-in professional's hours and days off.
pub async fn own(app: &App, actor: &Actor) -> AppResult<Availability> {
    actor.require(Role::Professional)?;
    read(app, actor.user_id).await
}

/// Saves the signed-in professional's hours and days off.
pub async fn save_own(
    app: &App,
    actor: &Actor,
    input: AvailabilityInput,
) -> AppResult<Availability> {
    actor.require(Role::Professional)?;
    write(app, actor, actor.user_id, input).await
}

/// A professional's hours and days off, for an admin.
pub async fn of_professional(app: &App, actor: &Actor, user_id: i64) -> AppResult<Availability> {
    actor.require(Role::Admin)?;
    require_professional(app, user_id).await?;
    read(app, user_id).await
}

/// An admin sets a professional's hours and days off (audited).
pub async fn save_for_professional(
    app: &App,
    actor: &Actor,
    user_id: i64,
    input: AvailabilityInput,
) -> AppResult<Availability> {
    actor.require(Role::Admin)?;
    require_professional(app, user_id).await?;
    write(app, actor, user_id, input).await
}

/// One professional's time between two instants: their week, days off and assigned jobs.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub professional_id: i64,
    pub week: Week,
    off: HashSet<NaiveDate>,
    /// Assigned jobs that may overlap the window, by time.
    pub jobs: Vec<BusyJob>,
}

impl Calendar {
    /// Loads a professional's calendar for visits in `[from, to)`.
    pub async fn load(
        ex: &mut Ex<'_>,
        professional_id: i64,
        from: Timestamp,
        to: Timestamp,
    ) -> AppResult<Calendar> {
        let rows = store::availability::hours(ex.reborrow(), professional_id).await?;
        let off = store::availability::days_off(ex.reborrow(), professional_id)
            .await?
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect();
        let jobs =
            store::availability::busy(ex.reborrow(), professional_id, from - LONGEST_JOB, to)
                .await?;
        Ok(Calendar {
            professional_id,
            week: Week::from_rows(&rows),
            off,
            jobs,
        })
    }

    /// Whether `day` is one of their days off.
    pub fn is_day_off(&self, day: NaiveDate) -> bool {
        self.off.contains(&day)
    }

    /// Their working range on a local day (`None` when they do not work it).
    pub fn hours_on(&self, day: NaiveDate) -> Option<(i64, i64)> {
        if self.is_day_off(day) {
            return None;
        }
        self.week.on(day.weekday().num_days_from_monday())
    }

    /// Whether a visit of `minutes` from `start` lies inside their hours of that day.
    pub fn works(&self, start: Timestamp, minutes: i64, offset: FixedOffset) -> bool {
        let local = start.at_offset(offset);
        let Some((s, e)) = self.hours_on(local.date_naive()) else {
            return false;
        };
        let m = i64::from(local.hour() * 60 + local.minute());
        local.second() == 0 && m >= s && m + minutes <= e
    }

    /// The assigned job (other than `except`) that overlaps a visit of `minutes` from `start`.
    pub fn clash(&self, start: Timestamp, minutes: i64, except: Option<i64>) -> Option<&BusyJob> {
        let end = start + Duration::minutes(minutes);
        self.jobs.iter().find(|j| {
            Some(j.request_id) != except
                && j.scheduled_for < end
                && start < j.scheduled_for + Duration::minutes(j.duration_minutes)
        })
    }

    /// Whether they work and are free for a visit of `minutes` from `start`.
    pub fn can_take(
        &self,
        start: Timestamp,
        minutes: i64,
        offset: FixedOffset,
        except: Option<i64>,
    ) -> bool {
        self.works(start, minutes, offset) && self.clash(start, minutes, except).is_none()
    }

    /// The free visit times of `minutes` on a local day that start after `after`.
    pub fn free_slots(
        &self,
        day: NaiveDate,
        minutes: i64,
        offset: FixedOffset,
        after: Timestamp,
    ) -> Vec<Timestamp> {
        let Some((s, e)) = self.hours_on(day) else {
            return Vec::new();
        };
        let midnight = Timestamp::from(crate::clock::local_day_start(day, offset));
        let mut out = Vec::new();
        let mut m = s;
        while m + minutes <= e {
            let at = midnight + Duration::minutes(m);
            if at > after && self.clash(at, minutes, None).is_none() {
                out.push(at);
            }
            m += SLOT_STEP_MINUTES;
        }
        out
    }
}

/// The length of a visit of a service (its estimate, kept within a day).
pub async fn visit_minutes(ex: impl Into<Ex<'_>>, service_id: i64) -> AppResult<i64> {
    let minutes = store::services::estimated_minutes(ex, service_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That service does not exist.".into()))?;
    Ok(minutes.clamp(1, 1440))
}

/// The calendars of every professional who could take work of a service in a PIN code.
pub async fn calendars(
    ex: &mut Ex<'_>,
    service_id: i64,
    pincode: Option<&str>,
    from: Timestamp,
    to: Timestamp,
) -> AppResult<Vec<(store::availability::Candidate, Calendar)>> {
    let mut out = Vec::new();
    for c in store::availability::candidates(ex.reborrow(), service_id, pincode).await? {
        let cal = Calendar::load(ex, c.user_id, from, to).await?;
        out.push((c, cal));
    }
    Ok(out)
}

/// The visit times offered for a service in a PIN code over `days` local days from `first`:
/// a time is offered when at least one approved, unblocked professional of that service and
/// area works then and has no job that overlaps it. Only future times.
pub async fn offered_slots(
    app: &App,
    service_id: i64,
    pincode: &str,
    first: NaiveDate,
    days: u32,
) -> AppResult<Vec<DaySlots>> {
    let offset = app.clock.local_offset();
    let minutes = visit_minutes(&app.pool, service_id).await?;
    let from = Timestamp::from(crate::clock::local_day_start(first, offset));
    let to = from + Duration::days(i64::from(days.clamp(1, MAX_DAYS)));
    let cals = calendars(
        &mut Ex::from(&app.pool),
        service_id,
        Some(pincode),
        from,
        to,
    )
    .await?;
    let now = app.now();
    Ok(first
        .iter_days()
        .take(days.clamp(1, MAX_DAYS) as usize)
        .map(|day| {
            let slots: BTreeSet<Timestamp> = cals
                .iter()
                .flat_map(|(_, cal)| cal.free_slots(day, minutes, offset, now))
                .collect();
            DaySlots {
                day: day.format("%Y-%m-%d").to_string(),
                slots: slots.into_iter().collect(),
            }
        })
        .collect())
}

/// The customer's slots query.
pub async fn slots_for_customer(
    app: &App,
    actor: &Actor,
    q: SlotQuery,
) -> AppResult<Vec<DaySlots>> {
    actor.require(Role::Customer)?;
    let pincode = match q
        .pincode
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => crate::domain::Pincode::parse(p)?.as_str().to_owned(),
        None => {
            store::customers::profile(&app.pool, actor.user_id)
                .await?
                .ok_or_else(|| {
                    AppError::internal(format!("customer {} has no profile", actor.user_id))
                })?
                .pincode
        }
    };
    let first = if q.from_day.trim().is_empty() {
        app.clock.local_today()
    } else {
        parse_day("from_day", &q.from_day)?
    };
    if !(1..=MAX_DAYS).contains(&q.days) {
        return Err(AppError::validation(
            "days",
            format!("Ask for 1 to {MAX_DAYS} days."),
        ));
    }
    offered_slots(app, q.service_id, &pincode, first, q.days).await
}

/// Refuses a booking at a time no professional of the service and area can take
/// (inside the booking's transaction).
pub(crate) async fn ensure_bookable(
    app: &App,
    tx: &mut store::Tx,
    service_id: i64,
    pincode: &str,
    at: Timestamp,
    minutes: i64,
) -> AppResult<()> {
    let offset = app.clock.local_offset();
    let cals = calendars(
        &mut Ex::from(&mut *tx),
        service_id,
        Some(pincode),
        at,
        at + Duration::minutes(minutes),
    )
    .await?;
    if cals
        .iter()
        .any(|(_, cal)| cal.can_take(at, minutes, offset, None))
    {
        return Ok(());
    }
    Err(AppError::validation(
        "scheduled_for",
        if cals.is_empty() {
            "No professional offers this service in that PIN code yet.".to_owned()
        } else {
            "No professional is free at that time. Choose one of the offered times.".to_owned()
        },
    ))
}

/// Who takes a job, for the refusal's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Taker {
    /// The professional themselves (accepting).
    Themselves,
    /// An admin gives it to them (the dispatch board).
    Assigned,
}

/// Refuses to give `professional_id` a job that overlaps one of their assigned jobs
/// (`conflict`, naming it), inside the assigning transaction.
pub(crate) async fn ensure_free(
    app: &App,
    tx: &mut store::Tx,
    professional_id: i64,
    request: &store::requests::RequestState,
    taker: Taker,
) -> AppResult<()> {
    let start = request.scheduled_for;
    let minutes = request.duration_minutes;
    let cal = Calendar::load(
        &mut Ex::from(&mut *tx),
        professional_id,
        start,
        start + Duration::minutes(minutes),
    )
    .await?;
    if let Some(job) = cal.clash(start, minutes, Some(request.id)) {
        let at = job.scheduled_for.at_offset(app.clock.local_offset());
        return Err(AppError::Conflict(format!(
            "{} a job at that time: {} for {} at {}.",
            match taker {
                Taker::Themselves => "You already have",
                Taker::Assigned => "That professional already has",
            },
            job.service_name,
            job.customer_name,
            at.format("%-d %b, %H:%M")
        )));
    }
    Ok(())
}

/// The signed-in professional's week from `first_day` (seven days): hours, jobs, free times.
pub async fn week(app: &App, actor: &Actor, first_day: &str) -> AppResult<WeekView> {
    actor.require(Role::Professional)?;
    let first = if first_day.trim().is_empty() {
        app.clock.local_today()
    } else {
        parse_day("first_day", first_day)?
    };
    let (service_id, _) = store::professionals::service_area(&app.pool, actor.user_id)
        .await?
        .ok_or_else(|| {
            AppError::internal(format!("professional {} has no profile", actor.user_id))
        })?;
    let minutes = visit_minutes(&app.pool, service_id).await?;
    let offset = app.clock.local_offset();
    let from = Timestamp::from(crate::clock::local_day_start(first, offset));
    let to = from + Duration::days(7);
    let cal = Calendar::load(&mut Ex::from(&app.pool), actor.user_id, from, to).await?;
    let now = app.now();
    let days = first
        .iter_days()
        .take(7)
        .map(|day| {
            let day_start = Timestamp::from(crate::clock::local_day_start(day, offset));
            let day_end = day_start + Duration::days(1);
            WeekDay {
                day: day.format("%Y-%m-%d").to_string(),
                hours: cal.hours_on(day).map(|(s, e)| DayHours {
                    weekday: day.weekday().num_days_from_monday() as u8,
                    start: minutes_text(s),
                    end: minutes_text(e),
                }),
                day_off: cal.is_day_off(day),
                jobs: cal
                    .jobs
                    .iter()
                    .filter(|j| j.scheduled_for >= day_start && j.scheduled_for < day_end)
                    .cloned()
                    .collect(),
                free_slots: cal.free_slots(day, minutes, offset, now),
            }
        })
        .collect();
    Ok(WeekView {
        days,
        slot_minutes: minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_parse_and_print() {
        assert_eq!(parse_minutes("09:30"), Some(570));
        assert_eq!(parse_minutes("24:00"), Some(1440));
        assert_eq!(parse_minutes("24:30"), None);
        assert_eq!(parse_minutes("9"), None);
        assert_eq!(parse_minutes("10:60"), None);
        assert_eq!(minutes_text(570), "09:30");
    }

    #[test]
    fn a_week_needs_a_working_day_and_sane_ranges() {
        let day = |w: u8, s: &str, e: &str| DayHours {
            weekday: w,
            start: s.into(),
            end: e.into(),
        };
        let bad = AvailabilityInput {
            days: vec![],
            days_off: vec!["2026-13-01".into()],
        };
        let err = validate(&bad).unwrap_err();
        assert_eq!(err.fields(), ["days", "days_off"]);
        let backwards = AvailabilityInput {
            days: vec![day(0, "18:00", "09:00")],
            days_off: vec![],
        };
        assert_eq!(validate(&backwards).unwrap_err().fields(), ["days"]);
        let twice = AvailabilityInput {
            days: vec![day(0, "09:00", "12:00"), day(0, "13:00", "18:00")],
            days_off: vec![],
        };
        assert_eq!(validate(&twice).unwrap_err().fields(), ["days"]);
        let good = AvailabilityInput {
            days: vec![day(4, "10:00", "16:00"), day(0, "09:00", "24:00")],
            days_off: vec![
                "2026-12-25".into(),
                "2026-12-24".into(),
                "2026-12-25".into(),
            ],
        };
        let (rows, off) = validate(&good).unwrap();
        assert_eq!(rows, vec![(0, 540, 1440), (4, 600, 960)]);
        assert_eq!(off, vec!["2026-12-24", "2026-12-25"]);
    }

    #[test]
    fn no_rows_is_the_default_week() {
        let w = Week::from_rows(&[]);
        for d in 0..7 {
            assert_eq!(w.on(d), Some(DEFAULT_HOURS));
        }
        let w = Week::from_rows(&[(2, 600, 700)]);
        assert_eq!(w.on(2), Some((600, 700)));
        assert_eq!(w.on(3), None);
    }
}
