// The app's own commands get ACL permissions (`allow-<command>`), granted only to the main
// window by capabilities/main.json: a command missing here cannot be invoked at all.
const COMMANDS: &[&str] = &[
    "app_status",
    "create_first_admin",
    "load_demo_data",
    "login",
    "logout",
    "touch_session",
    "register_customer",
    "register_professional",
    "list_public_services",
    "home_summary",
    "get_settings",
    "save_settings",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build failed: {e:#}"));
}
