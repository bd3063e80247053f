//! The Tauri commands of every UI operation, generated from the core's operation table
//! (`household_core::household_operations!`): one command per `ui` row, with the row's name,
//! arguments, result and documentation. Each runs the operation where the [`Host`] says.

#![allow(unused_imports)]

use super::{Arg, CmdResult};
use crate::host::Host;
use household_core::api::*;
use tauri::State;

/// Runs an operation on the host; a `sign_in` keeps the token, a `sign_out` forgets it.
macro_rules! run_on_host {
    (sign_in, $host:ident, $name:ident, ($($arg:ident),*)) => {{
        let session = $crate::on_host!(sign_in &$host, $name($($arg),*))?;
        Ok($host.keep_session(session))
    }};
    (sign_out, $host:ident, $name:ident, ($($arg:ident),*)) => {{
        let result = $crate::on_host!(&$host, $name($($arg),*));
        $host.signed_out();
        result
    }};
    ($kind:ident, $host:ident, $name:ident, ($($arg:ident),*)) => {{
        $crate::on_host!(&$host, $name($($arg),*))
    }};
}

/// One command for a `ui` row; nothing for a `host` row.
macro_rules! command_for {
    (host, $($rest:tt)*) => {};
    (ui, [$($doc:literal)*] $name:ident $kind:ident ($($arg:ident : $ty:ty),*) -> $out:ty) => {
        $(#[doc = $doc])*
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(host: State<'_, Host>, $($arg: Arg<$ty>),*) -> CmdResult<$out> {
            $(let $arg = $arg.into_inner();)*
            run_on_host!($kind, host, $name, ($($arg),*))
        }
    };
}

/// The names of the `ui` rows, collected for tauri-specta (with the desktop's own commands).
macro_rules! ui_command_list {
    (@acc [$($done:ident)*]) => {
        /// Every command the webview may call: the UI operations, then the desktop's own.
        pub fn commands() -> tauri_specta::Commands<tauri::Wry> {
            tauri_specta::collect_commands![
                $($done,)*
                super::desktop::get_theme,
                super::desktop::set_theme,
                super::desktop::get_settings,
                super::desktop::save_settings,
                super::desktop::admin_open_professional_document,
                super::desktop::connection_info,
                super::desktop::probe_server,
                super::desktop::connect_server,
                super::desktop::use_this_computer,
                super::desktop::enrol_this_computer,
                super::desktop::kiosk_status,
                super::desktop::unlock_kiosk,
                super::desktop::lock_kiosk,
                super::exports::admin_start_export,
                super::exports::admin_export_job,
                super::exports::admin_list_exports,
                super::exports::admin_open_export,
                super::exports::admin_reveal_export,
                super::backups::admin_inspect_backup,
                super::backups::admin_pick_backup_file,
                super::backups::admin_pick_backup_folder,
                super::backups::admin_restore_backup,
                super::receipts::save_receipt_pdf,
                super::about::about,
                super::about::diagnostics,
            ]
        }
    };
    (@acc [$($done:ident)*] ui $name:ident $($rest:tt)*) => {
        ui_command_list!(@acc [$($done)* $name] $($rest)*);
    };
    (@acc [$($done:ident)*] host $name:ident $($rest:tt)*) => {
        ui_command_list!(@acc [$($done)*] $($rest)*);
    };
}

macro_rules! tauri_commands {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident($kind:ident, $vis:ident) |$app:ident, $caller:ident, $actor:ident|
            ($($arg:ident : $ty:ty),* $(,)?) -> $out:ty $body:block
    )*) => {
        $(command_for!($vis, [$($doc)*] $name $kind ($($arg : $ty),*) -> $out);)*
        ui_command_list!(@acc [] $($vis $name)*);
    };
}

household_core::household_operations!(tauri_commands);
