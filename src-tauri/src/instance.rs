//! One running app per data folder: a second launch on the same data asks the running one
//! to bring its window to the front and exits, instead of opening a second session on the
//! same database. Instances with different data folders (tests, a trainer's second desk) run
//! side by side, which is why this is per folder (an exclusive lock on
//! `<data>/.instance.lock`) rather than per installed app (tauri-plugin-single-instance
//! keys on the app's identifier). The running instance listens on a loopback port written
//! to `<data>/.instance.port`; all it accepts is "focus".

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

const LOCK_FILE: &str = ".instance.lock";
const PORT_FILE: &str = ".instance.port";

/// This process owns the data folder while it holds this (the lock ends with the process).
#[derive(Debug)]
pub struct Claim {
    _lock: File,
    listener: TcpListener,
}

/// What the start-up found.
#[derive(Debug)]
pub enum Start {
    /// Nobody else runs on this folder: carry on.
    First(Claim),
    /// Another instance runs on it and was asked to come to the front (`true` if it answered).
    Second { focused: bool },
}

/// Takes the data folder, or hands over to the instance that has it.
pub fn claim(data_dir: &Path) -> std::io::Result<Start> {
    std::fs::create_dir_all(data_dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(LOCK_FILE))?;
    match lock.try_lock() {
        Ok(()) => {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            let port = listener.local_addr()?.port();
            std::fs::write(data_dir.join(PORT_FILE), port.to_string())?;
            Ok(Start::First(Claim {
                _lock: lock,
                listener,
            }))
        }
        Err(std::fs::TryLockError::WouldBlock) => Ok(Start::Second {
            focused: ask_to_focus(data_dir),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

fn ask_to_focus(data_dir: &Path) -> bool {
    let Some(port) = std::fs::read_to_string(data_dir.join(PORT_FILE))
        .ok()
        .and_then(|p| p.trim().parse::<u16>().ok())
    else {
        return false;
    };
    let Ok(mut stream) =
        TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), Duration::from_secs(2))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"focus\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).is_ok() && answer.trim() == "ok"
}

impl Claim {
    /// Answers later launches on a thread of its own: `on_focus` runs for each.
    pub fn serve(self, on_focus: impl Fn() + Send + 'static) {
        std::thread::spawn(move || {
            let _keep = self._lock;
            for stream in self.listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.read_line(&mut line).is_ok() && line.trim() == "focus" {
                    on_focus();
                    let _ = (&stream).write_all(b"ok\n");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_second_launch_on_the_same_folder_focuses_the_first_and_others_run_alongside() {
        let dir = tempfile::tempdir().unwrap();
        let Start::First(first) = claim(dir.path()).unwrap() else {
            panic!("the first launch owns the folder");
        };
        let focused = Arc::new(AtomicUsize::new(0));
        {
            let focused = focused.clone();
            first.serve(move || {
                focused.fetch_add(1, Ordering::SeqCst);
            });
        }
        match claim(dir.path()).unwrap() {
            Start::Second { focused: true } => {}
            other => panic!("expected a handed-over second launch, got {other:?}"),
        }
        assert_eq!(focused.load(Ordering::SeqCst), 1);
        // Another data folder is another business: it starts normally.
        let other = tempfile::tempdir().unwrap();
        assert!(matches!(claim(other.path()).unwrap(), Start::First(_)));
    }
}
