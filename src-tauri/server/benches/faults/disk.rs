//! A small disk for the server's data folder, so that the bench can fill it (Linux, root: a
//! tmpfs of a fixed size; elsewhere the disk phase is skipped).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on a folder, unmounted when dropped.
pub struct SmallDisk {
    pub root: PathBuf,
    ballast: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `mib` MiB on `root` (created); `Err` says why not.
    pub fn mount(root: &Path, mib: u64) -> Result<SmallDisk, String> {
        std::fs::create_dir_all(root).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m,mode=0700")])
            .arg("household-faults-bench")
            .arg(root)
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed (needs root): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(SmallDisk {
            root: root.to_owned(),
            ballast: root.join("ballast"),
        })
    }

    /// Fills what is left of the disk with a ballast file; returns the MiB written.
    pub fn fill(&self) -> u64 {
        let mut file = std::fs::File::create(&self.ballast).unwrap();
        let chunk = vec![0u8; 1 << 20];
        let mut written = 0u64;
        loop {
            match file.write_all(&chunk) {
                Ok(()) => written += 1,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        // What is left is smaller than a chunk: take that too.
        let mut small = vec![0u8; 4096];
        while file.write_all(&small).is_ok() {}
        small.clear();
        let _ = file.sync_all();
        written
    }

    /// Gives the space back.
    pub fn empty(&self) {
        std::fs::remove_file(&self.ballast).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.root).status();
    }
}
