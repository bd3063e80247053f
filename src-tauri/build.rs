// The app's own commands get ACL permissions (`allow-<command>`), granted only to the main
// window by capabilities/main.json. That file is generated with the TypeScript bindings from
// the command list in src/lib.rs (`UPDATE_BINDINGS=1 cargo test -p household-app --test
// bindings`), so the manifest's command list is read back from it: one list, no copy.

fn main() {
    let path = "capabilities/main.json";
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let cap: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    let commands: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} has no permissions list"))
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|c| c.replace('-', "_"))
        .collect();
    let commands: Vec<&'static str> = commands
        .into_iter()
        .map(|c| &*Box::leak(c.into_boxed_str()))
        .collect();
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(Box::leak(commands.into_boxed_slice())),
    ))
    .unwrap_or_else(|e| panic!("tauri build failed: {e:#}"));
}
