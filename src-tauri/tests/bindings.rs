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

// ---- licences -----------------------------------------------------------------------------

/// One bundled library in `src-tauri/licences.json` (the About dialog lists them).
#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Licence {
    ecosystem: String,
    name: String,
    version: String,
    licence: String,
}

/// The libraries the desktop app ships: every crate household-app reaches through normal
/// (not dev, not build) dependencies, per `cargo metadata`, and every npm package the UI
/// bundle depends on at run time, per `ui/package-lock.json` (entries not marked dev).
fn bundled_libraries() -> Vec<Licence> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .arg("--manifest-path")
        .arg(repo_file("Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata json");
    let packages: std::collections::HashMap<&str, &serde_json::Value> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id"), p))
        .collect();
    let nodes: std::collections::HashMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| (n["id"].as_str().expect("id"), n))
        .collect();
    let root = packages
        .values()
        .find(|p| p["name"] == "household-app")
        .expect("household-app")["id"]
        .as_str()
        .expect("id");
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().expect("pkg"));
            }
        }
    }
    let mut out: Vec<Licence> = seen
        .into_iter()
        .map(|id| packages[id])
        .filter(|p| p["source"].is_string()) // the project's own crates are not "libraries"
        .map(|p| Licence {
            ecosystem: "crates.io".into(),
            name: p["name"].as_str().unwrap_or_default().into(),
            version: p["version"].as_str().unwrap_or_default().into(),
            licence: p["license"]
                .as_str()
                .unwrap_or("see the crate's licence file")
                .into(),
        })
        .collect();
    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_file("ui/package-lock.json")).expect("package-lock"),
    )
    .expect("lock json");
    for (path, p) in lock["packages"].as_object().expect("packages") {
        let Some(name) = path
            .rsplit("node_modules/")
            .next()
            .filter(|_| !path.is_empty())
        else {
            continue;
        };
        if p["dev"].as_bool() == Some(true) || p["devOptional"].as_bool() == Some(true) {
            continue;
        }
        out.push(Licence {
            ecosystem: "npm".into(),
            name: name.into(),
            version: p["version"].as_str().unwrap_or_default().into(),
            licence: p["license"].as_str().unwrap_or("see the package").into(),
        });
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn committed_licences_list_every_bundled_library() {
    let fresh = serde_json::to_string_pretty(&bundled_libraries()).expect("json") + "\n";
    let path = repo_file("src-tauri/licences.json");
    if std::env::var_os("UPDATE_LICENCES").is_some() {
        std::fs::write(&path, &fresh).expect("write licences");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "src-tauri/licences.json is out of date with Cargo.lock / ui/package-lock.json; run \
         `UPDATE_LICENCES=1 cargo test -p household-app --test bindings` and commit the result"
    );
}
