//! The TypeScript bindings in ui/src/bindings.ts are generated from the Rust command
//! signatures; this test fails when they drift. Regenerate with:
//! `UPDATE_BINDINGS=1 cargo test -p household-app --test bindings`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers may panic
use std::path::PathBuf;

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

fn generated() -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bindings.ts");
    household_app::export_bindings(&path).expect("export bindings");
    std::fs::read_to_string(&path).expect("read generated bindings")
}

#[test]
fn committed_bindings_match_the_rust_commands() {
    let fresh = generated();
    let committed_path = repo_file("ui/src/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is out of date with the Rust commands; run \
         `UPDATE_BINDINGS=1 cargo test -p household-app --test bindings` and commit the result"
    );
}

/// The capability of the main window: listening to events plus every command the UI can
/// call, in the order of the command list, and nothing else.
fn capability(bindings: &str) -> serde_json::Value {
    let mut permissions = vec![
        "core:event:allow-listen".to_string(),
        "core:event:allow-unlisten".to_string(),
    ];
    permissions.extend(
        bindings
            .split("TAURI_INVOKE(\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(|c| format!("allow-{}", c.replace('_', "-"))),
    );
    serde_json::json!({
        "$schema": "../gen/schemas/desktop-schema.json",
        "identifier": "main-window",
        "description": "What the main window may call: the app's own commands and listening to events. Nothing else. Generated with the bindings: UPDATE_BINDINGS=1 cargo test -p household-app --test bindings",
        "windows": ["main"],
        "local": true,
        "permissions": permissions,
    })
}

/// Every command the UI can call is granted to the main window, and nothing else is (the
/// build script reads the command list for the ACL manifest from the same file).
#[test]
fn capability_grants_exactly_the_exported_commands() {
    let fresh = capability(&generated());
    let path = repo_file("src-tauri/capabilities/main.json");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let text = serde_json::to_string_pretty(&fresh).expect("capability json") + "\n";
        std::fs::write(&path, text).expect("write capability");
        return;
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("capability file"))
            .expect("capability json");
    assert!(
        fresh["permissions"].as_array().map_or(0, Vec::len) > 10,
        "too few commands found: {fresh}"
    );
    assert_eq!(
        committed, fresh,
        "src-tauri/capabilities/main.json is out of date; run \
         `UPDATE_BINDINGS=1 cargo test -p household-app --test bindings` and commit the result"
    );
}
