//! The in-app notification centre.

use super::{Arg, CmdResult};
use household_core::notifications::{self, NotificationCentre};
use household_core::App;
use tauri::State;

/// The signed-in user's latest notifications and unread count. Not counted as activity:
/// the bell refreshes in the background and must not keep an idle session alive.
#[tauri::command]
#[specta::specta]
pub async fn notifications_centre(app: State<'_, App>) -> CmdResult<NotificationCentre> {
    let actor = app.actor_passive().await?;
    Ok(notifications::centre(&app, &actor).await?)
}

/// Marks one notification read, or all of them when `id` is null.
#[tauri::command]
#[specta::specta]
pub async fn notifications_mark_read(app: State<'_, App>, id: Arg<Option<i64>>) -> CmdResult<()> {
    let id = id.into_inner();
    let actor = app.actor().await?;
    Ok(notifications::mark_read(&app, &actor, id).await?)
}
