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
    "admin_list_services",
    "admin_create_service",
    "admin_update_service",
    "admin_set_service_active",
    "admin_delete_service",
    "admin_list_people",
    "admin_person_detail",
    "admin_professional_document",
    "admin_open_professional_document",
    "admin_approve_professional",
    "admin_reject_professional",
    "admin_block_user",
    "admin_unblock_user",
    "admin_list_requests",
    "admin_request_detail",
    "admin_dashboard",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build failed: {e:#}"));
}
