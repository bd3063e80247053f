//! The TypeScript bindings in ui/src/bindings.ts are generated from the Rust command
//! signatures; this test fails when they drift. Regenerate with:
//! `UPDATE_BINDINGS=1 cargo test -p household-app --test bindings`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers may panic
use std::collections::BTreeSet;
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

/// Every command the UI can call is granted to the main window, and nothing else is.
#[test]
fn capability_grants_exactly_the_exported_commands() {
    let bindings = generated();
    let exported: BTreeSet<String> = bindings
        .split("TAURI_INVOKE(\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert!(exported.len() >= 10, "too few commands found: {exported:?}");
    let cap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_file("src-tauri/capabilities/main.json"))
            .expect("capability file"),
    )
    .expect("capability json");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("permissions array")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| p.starts_with("allow-"))
        .map(String::from)
        .collect();
    assert_eq!(granted, exported);
}
