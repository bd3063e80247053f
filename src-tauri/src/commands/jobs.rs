//! Background jobs for the admin: scheduled runs and the email queue.

use super::{Arg, CmdResult};
use crate::prefs::Prefs;
use household_core::scheduler::{self, Job};
use household_core::store::email::EmailRow;
use household_core::store::jobs::JobRunRow;
use household_core::App;
use tauri::State;

/// Recorded scheduled-job runs, newest first.
#[tauri::command]
#[specta::specta]
pub async fn admin_job_runs(app: State<'_, App>) -> CmdResult<Vec<JobRunRow>> {
    let actor = app.actor().await?;
    Ok(scheduler::runs(&app, &actor).await?)
}

/// Runs a job now for its due period (refused if it already ran for that period).
#[tauri::command]
#[specta::specta]
pub async fn admin_run_job_now(
    app: State<'_, App>,
    prefs: State<'_, Prefs>,
    job: Arg<Job>,
) -> CmdResult<JobRunRow> {
    let job = job.into_inner();
    let actor = app.actor().await?;
    Ok(scheduler::run_now(&app, &actor, job, &crate::schedule(&prefs)).await?)
}

/// The email queue with statuses and errors, newest first.
#[tauri::command]
#[specta::specta]
pub async fn admin_email_queue(app: State<'_, App>) -> CmdResult<Vec<EmailRow>> {
    let actor = app.actor().await?;
    Ok(household_core::email::queue(&app, &actor).await?)
}
