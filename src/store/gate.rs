//! The write gate: operator processes queue for their turn to write in the kernel,
//! before they ask SQLite for its write lock.
//!
//! SQLite has no queue for its write lock: a process that finds it taken sleeps for a
//! while and looks again, with pauses growing to 100 ms. With dozens of processes the
//! lock then sits idle while everyone sleeps, and an unlucky process can wait seconds.
//! An exclusive `flock` on a small file next to the database (`veille.db-lock`) is a
//! real queue: a waiter sleeps in the kernel and is woken the moment the lock is free.
//! Whoever holds the gate begins its IMMEDIATE transaction at once; SQLite's own lock
//! and busy handler stay underneath for writers that do not use the gate (an older
//! veille, the sqlite3 shell).
//!
//! The gate only orders writers. If its file cannot be opened (a read-only folder),
//! writes go straight to SQLite as before.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

pub(crate) struct WriteGate {
    path: PathBuf,
    /// Kept open for the fast path: taking a free gate costs one system call.
    file: Option<File>,
}

/// The gate, held until dropped. Holds its own open file when the wait was long.
pub(crate) enum Turn<'a> {
    Borrowed(&'a File),
    Owned(File),
    /// No gate file: SQLite's lock alone decides.
    Ungated,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let file = match self {
            Turn::Borrowed(f) => *f,
            Turn::Owned(f) => &*f,
            Turn::Ungated => return,
        };
        let _ = file.unlock();
    }
}

/// The gate was not free within the wait.
#[derive(Debug)]
pub(crate) struct GateTimeout;

impl WriteGate {
    pub(crate) fn open(db: &Path) -> WriteGate {
        let mut name = db.as_os_str().to_owned();
        name.push("-lock");
        let path = PathBuf::from(name);
        let file = open_lock_file(&path);
        WriteGate { path, file }
    }

    /// Waits up to `wait` for this process's turn to write.
    pub(crate) fn enter(&self, wait: Duration) -> Result<Turn<'_>, GateTimeout> {
        let Some(file) = &self.file else {
            return Ok(Turn::Ungated);
        };
        match file.try_lock() {
            Ok(()) => return Ok(Turn::Borrowed(file)),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(_)) => return Ok(Turn::Ungated),
        }
        // Sleep in the kernel's queue on a thread of its own, so that the wait can end
        // after `wait`. The thread opens the file anew: a lock belongs to an open file,
        // and the thread may get it after we gave up, when it must let it go at once.
        let Some(own) = open_lock_file(&self.path) else {
            return Ok(Turn::Ungated);
        };
        let (tx, rx) = mpsc::sync_channel::<File>(0);
        std::thread::spawn(move || {
            if own.lock().is_ok() {
                // A rendezvous: this only succeeds while the writer still waits.
                let _ = tx.send(own);
            }
        });
        match rx.recv_timeout(wait) {
            Ok(own) => Ok(Turn::Owned(own)),
            Err(mpsc::RecvTimeoutError::Disconnected) => Ok(Turn::Ungated),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(GateTimeout),
        }
    }
}

/// Opens (creating if needed) the gate file, readable and writable by the operators'
/// group like the database itself.
fn open_lock_file(path: &Path) -> Option<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o660)
        .open(path)
        .or_else(|_| OpenOptions::new().read(true).open(path))
        .ok()?;
    // The umask may have taken the group's write access away at creation.
    if let Ok(meta) = file.metadata()
        && meta.permissions().mode() & 0o777 != 0o660
    {
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o660));
    }
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_writer_waits_its_turn_gives_up_in_time_and_leaves_the_gate_free() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let (mine, theirs) = (WriteGate::open(&db), WriteGate::open(&db));
        let turn = mine.enter(Duration::from_secs(1)).unwrap();
        assert!(
            matches!(turn, Turn::Borrowed(_)),
            "a free gate is taken at once"
        );

        let started = Instant::now();
        assert!(theirs.enter(Duration::from_millis(200)).is_err());
        assert!(started.elapsed() >= Duration::from_millis(200));

        // A writer already waiting goes as soon as the gate is let go.
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(100));
                drop(turn);
            });
            let started = Instant::now();
            let waited = theirs.enter(Duration::from_secs(5)).unwrap();
            assert!(matches!(waited, Turn::Owned(_)));
            assert!(started.elapsed() < Duration::from_secs(2));
        });
        // The writer that gave up earlier did not keep the gate when it freed.
        let started = Instant::now();
        let again = mine.enter(Duration::from_secs(5)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
        drop(again);
    }

    #[test]
    fn the_gate_file_is_shared_with_the_operators_group() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let gate = WriteGate::open(&dir.path().join("veille.db"));
        let mode = std::fs::metadata(&gate.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o660);
    }

    #[test]
    fn without_a_gate_file_writes_go_straight_to_sqlite() {
        let gate = WriteGate::open(Path::new("/nonexistent-folder/veille.db"));
        assert!(matches!(gate.enter(Duration::ZERO).unwrap(), Turn::Ungated));
    }
}
