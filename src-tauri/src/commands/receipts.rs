//! Saving a receipt as PDF. The receipt is fetched through the operation of the caller's
//! role (the core checks it is theirs) and drawn here by the core's `receipt_pdf`; the file
//! location only comes from the native save dialog (or `HS_EXPORT_DIR` in the e2e tests).

use super::{Arg, CmdResult};
use crate::host::Host;
use household_core::domain::Role;
use household_core::receipts::Receipt;
use household_core::{receipt_pdf, AppError};
use std::path::PathBuf;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

/// Saves the receipt of request `id` as a PDF where the user chooses; the path, or `None`
/// when the dialog was cancelled. `role` names which of the user's receipt operations to use.
#[tauri::command]
#[specta::specta]
pub async fn save_receipt_pdf(
    handle: tauri::AppHandle,
    host: State<'_, Host>,
    id: Arg<i64>,
    role: Arg<Role>,
) -> CmdResult<Option<String>> {
    let id = id.into_inner();
    let receipt: Receipt = match role.into_inner() {
        Role::Customer => crate::on_host!(&host, customer_receipt(id))?,
        Role::Professional => crate::on_host!(&host, professional_receipt(id))?,
        Role::Admin => crate::on_host!(&host, admin_receipt(id))?,
    };
    let offset = chrono::Local::now().fixed_offset().timezone();
    let bytes = receipt_pdf::render(&receipt, offset);
    let suggested = format!("receipt-{}.pdf", receipt.number);
    let target = match std::env::var_os(super::exports::EXPORT_DIR_ENV) {
        Some(dir) => Some(PathBuf::from(dir).join(&suggested)),
        None => {
            let dialog = handle
                .dialog()
                .file()
                .set_file_name(&suggested)
                .add_filter("PDF", &["pdf"]);
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
                .await
                .map_err(AppError::from_join)?
                .map(|p| {
                    p.into_path()
                        .map_err(|e| AppError::internal(format!("save dialog path: {e}")))
                })
                .transpose()?
        }
    };
    let Some(mut target) = target else {
        return Ok(None);
    };
    if target.extension().is_none() {
        target.set_extension("pdf");
    }
    // Written beside the target and renamed: never a half-written PDF under its name.
    let partial = target.with_extension("pdf.partial");
    tokio::fs::write(&partial, &bytes)
        .await
        .map_err(|e| AppError::CannotSave(format!("Could not save the receipt there: {e}")))?;
    tokio::fs::rename(&partial, &target)
        .await
        .map_err(|e| AppError::CannotSave(format!("Could not save the receipt there: {e}")))?;
    Ok(Some(target.display().to_string()))
}
