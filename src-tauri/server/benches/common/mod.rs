//! What the server's benches share: settings from the environment, the process's memory,
//! and the seed data's password and tiny PDF.
#![allow(dead_code)] // each bench uses part of it

/// The password of every account a bench creates.
pub const PASSWORD: &str = "correct horse battery";
/// A minimal PDF, base64, for professional registrations.
pub const PDF_BASE64: &str = "JVBERi0xLjQKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8Pj4KJSVFT0Y=";

/// A number from the environment variable `name`, or `default`.
pub fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// VmRSS and VmHWM of this process (the server, its clients and SQLite's caches), in MiB.
pub fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or("n/a".to_string(), |kb| format!("{:.0} MiB", kb / 1024.0))
    };
    format!("VmRSS {} (peak VmHWM {})", field("VmRSS:"), field("VmHWM:"))
}
