//! This machine's terminal key for the server it connects to (see
//! `household_core::terminals`). A secret like a password, so not in the preferences store:
//! a file of its own in the data folder, readable by this user only, written atomically.

use household_core::terminals::TerminalKey;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FILE: &str = "terminal-key.json";

#[derive(Serialize, Deserialize)]
struct Stored {
    /// The server the key belongs to (its address as the desktop connects to it).
    server: String,
    key: String,
}

/// Where the key of the machine whose data folder is `data_dir` is kept.
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// The key kept for `server`, if any (a key for another server is not used).
pub fn load(file: &Path, server: &str) -> Option<TerminalKey> {
    let text = std::fs::read_to_string(file).ok()?;
    let stored: Stored = serde_json::from_str(&text).ok()?;
    (stored.server == server)
        .then(|| TerminalKey::parse(&stored.key))
        .flatten()
}

/// Keeps `key` for `server`, replacing any earlier one.
pub fn save(file: &Path, server: &str, key: &TerminalKey) -> std::io::Result<()> {
    let text = serde_json::to_string(&Stored {
        server: server.to_string(),
        key: key.expose().to_string(),
    })
    .map_err(std::io::Error::other)?;
    let tmp = file.with_extension("tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_kept_for_its_server_only_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let file = path_in(dir.path());
        assert!(load(&file, "https://a:8443").is_none());
        let key = TerminalKey::parse(&"ab".repeat(32)).unwrap();
        save(&file, "https://a:8443", &key).unwrap();
        assert_eq!(load(&file, "https://a:8443"), Some(key));
        assert!(load(&file, "https://b:8443").is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by its user only");
        }
    }
}
