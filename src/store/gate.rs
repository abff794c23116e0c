//! The write gate: operator processes queue for their turn to write in the kernel,
//! before they ask SQLite for its write lock.
//!
//! SQLite has no queue for its write lock: a process that finds it taken sleeps for a
//! while and looks again, with pauses growing to 100 ms. With dozens of processes the
//! lock then sits idle while everyone sleeps, and an unlucky process can wait seconds.
//!
//! The gate is a process-shared, robust mutex living in a small file next to the
//! database (`veille.db-lock`), which every operator process maps into memory. A waiter
//! sleeps on it in the kernel and is woken the moment the holder lets go: one system
//! call to wait and one to wake, and a timed wait, so that a screen can give up and say
//! so. "Robust" means that when a process dies holding it (a killed terminal), the
//! kernel hands it to the next waiter, who is told so and carries on; SQLite has already
//! rolled the dead process's transaction back. Whoever holds the gate begins its
//! IMMEDIATE transaction at once; SQLite's own lock and busy handler stay underneath for
//! writers that do not use the gate (an older veille, the sqlite3 shell).
//!
//! The gate only orders writers. If its file cannot be opened or mapped (a read-only
//! folder), writes go straight to SQLite as before.

use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What the gate file holds: a mark saying the mutex is ready, then the mutex.
#[repr(C, align(64))]
struct GateMemory {
    ready: AtomicU64,
    mutex: libc::pthread_mutex_t,
}

/// Written once the mutex is set up; it also names the layout, so that a file left by a
/// differently built veille is never taken for a mutex.
const READY: u64 =
    u64::from_le_bytes(*b"veilgat1") ^ std::mem::size_of::<libc::pthread_mutex_t>() as u64;

pub(crate) struct WriteGate {
    /// The mapped gate, or `None` when writes go straight to SQLite.
    memory: Option<NonNull<GateMemory>>,
}

// SAFETY: the mapping is shared between processes by design and only ever touched
// through the pthread calls, which are made for concurrent use; a `Turn`, which unlocks
// and must stay on its thread, is not `Send`.
unsafe impl Send for WriteGate {}
// SAFETY: as above; taking and leaving the mutex from several threads is what it is for.
unsafe impl Sync for WriteGate {}

impl Drop for WriteGate {
    fn drop(&mut self) {
        if let Some(memory) = self.memory {
            // SAFETY: mapped in `map_gate` with this size; no `Turn` outlives the gate.
            unsafe { libc::munmap(memory.as_ptr().cast(), std::mem::size_of::<GateMemory>()) };
        }
    }
}

/// The gate, held until dropped, on the thread that took it.
pub(crate) struct Turn<'a> {
    mutex: Option<&'a WriteGate>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(mutex) = self.mutex.and_then(|g| g.mutex()) {
            // SAFETY: this thread locked it in `enter`.
            unsafe { libc::pthread_mutex_unlock(mutex) };
        }
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
        let memory = open_lock_file(&path).and_then(|f| map_gate(&f));
        WriteGate { memory }
    }

    fn mutex(&self) -> Option<*mut libc::pthread_mutex_t> {
        // SAFETY: the mapping lives as long as `self`.
        self.memory.map(|m| unsafe { &raw mut (*m.as_ptr()).mutex })
    }

    /// Waits up to `wait` for this process's turn to write.
    pub(crate) fn enter(&self, wait: Duration) -> Result<Turn<'_>, GateTimeout> {
        let ungated = Turn {
            mutex: None,
            _not_send: PhantomData,
        };
        let Some(mutex) = self.mutex() else {
            return Ok(ungated);
        };
        // SAFETY: `mutex` points into the live mapping, set up by `map_gate`.
        let mut rc = unsafe { libc::pthread_mutex_trylock(mutex) };
        if rc == libc::EBUSY && !wait.is_zero() {
            let deadline = deadline_after(wait);
            // SAFETY: as above.
            rc = unsafe { libc::pthread_mutex_timedlock(mutex, &deadline) };
        }
        match rc {
            0 => {}
            // The holder died: the gate is ours, and nothing it guards needs repair.
            libc::EOWNERDEAD => {
                // SAFETY: we hold it; marking it consistent keeps it usable.
                unsafe { libc::pthread_mutex_consistent(mutex) };
            }
            libc::EBUSY | libc::ETIMEDOUT => return Err(GateTimeout),
            // A mutex that cannot be used: SQLite's lock alone decides.
            _ => return Ok(ungated),
        }
        Ok(Turn {
            mutex: Some(self),
            _not_send: PhantomData,
        })
    }

    #[cfg(test)]
    fn is_gated(&self) -> bool {
        self.memory.is_some()
    }
}

/// The realtime instant `wait` from now, as `pthread_mutex_timedlock` wants it.
fn deadline_after(wait: Duration) -> libc::timespec {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    let nanos = now.tv_nsec as u64 + u64::from(wait.subsec_nanos());
    libc::timespec {
        tv_sec: now.tv_sec
            + wait.as_secs() as libc::time_t
            + (nanos / 1_000_000_000) as libc::time_t,
        tv_nsec: (nanos % 1_000_000_000) as _,
    }
}

/// Maps the gate file and sets the mutex up the first time. Setting up happens under an
/// exclusive `flock` of the file, so that two processes starting together do not both
/// initialise it, and never while anyone could be using it: the ready mark is written
/// last and a mutex is only ever set up where it is missing.
fn map_gate(file: &File) -> Option<NonNull<GateMemory>> {
    use std::os::fd::AsRawFd;
    let size = std::mem::size_of::<GateMemory>();
    if file.metadata().ok()?.len() < size as u64 {
        file.lock().ok()?;
        let grown = file.metadata().ok()?.len() >= size as u64 || file.set_len(size as u64).is_ok();
        let _ = file.unlock();
        if !grown {
            return None;
        }
    }
    // SAFETY: a shared mapping of `size` bytes of a file at least that long.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return None;
    }
    let memory = NonNull::new(ptr.cast::<GateMemory>())?;
    // SAFETY: the mapping is live and suitably aligned (page-aligned).
    let gate = unsafe { &*memory.as_ptr() };
    let ready = gate.ready.load(Ordering::Acquire) == READY
        || (file.lock().is_ok() && {
            let ok = gate.ready.load(Ordering::Acquire) == READY
                // SAFETY: nobody uses a mutex before its ready mark, and we hold the flock
                // that every initialiser takes.
                || unsafe { init_mutex(&raw mut (*memory.as_ptr()).mutex) }
                    && {
                        gate.ready.store(READY, Ordering::Release);
                        true
                    };
            let _ = file.unlock();
            ok
        });
    if !ready {
        // SAFETY: mapped above with this size.
        unsafe { libc::munmap(ptr, size) };
        return None;
    }
    Some(memory)
}

/// Sets up a process-shared, robust mutex at `mutex`.
///
/// # Safety
/// `mutex` must point to writable shared memory that no process is using as a mutex.
unsafe fn init_mutex(mutex: *mut libc::pthread_mutex_t) -> bool {
    // SAFETY: plain pthread calls on a local attribute object and the given memory.
    unsafe {
        let mut attr = std::mem::MaybeUninit::<libc::pthread_mutexattr_t>::uninit();
        if libc::pthread_mutexattr_init(attr.as_mut_ptr()) != 0 {
            return false;
        }
        let attr = attr.as_mut_ptr();
        let ok = libc::pthread_mutexattr_setpshared(attr, libc::PTHREAD_PROCESS_SHARED) == 0
            && libc::pthread_mutexattr_setrobust(attr, libc::PTHREAD_MUTEX_ROBUST) == 0
            && libc::pthread_mutex_init(mutex, attr) == 0;
        libc::pthread_mutexattr_destroy(attr);
        ok
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
        assert!(mine.is_gated() && theirs.is_gated());
        std::thread::scope(|s| {
            let (taken_tx, taken_rx) = std::sync::mpsc::channel();
            let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
            let holder = s.spawn(move || {
                let turn = mine.enter(Duration::from_secs(1)).unwrap();
                taken_tx.send(()).unwrap();
                go_rx.recv().unwrap();
                std::thread::sleep(Duration::from_millis(100));
                drop(turn);
                mine
            });
            taken_rx.recv().unwrap();

            let started = Instant::now();
            assert!(theirs.enter(Duration::from_millis(200)).is_err());
            assert!(started.elapsed() >= Duration::from_millis(200));
            assert!(theirs.enter(Duration::ZERO).is_err(), "no wait: taken");

            // A writer already waiting goes as soon as the gate is let go.
            go_tx.send(()).unwrap();
            let started = Instant::now();
            let waited = theirs.enter(Duration::from_secs(5)).unwrap();
            assert!(started.elapsed() < Duration::from_secs(2));
            drop(waited);
            let mine = holder.join().unwrap();
            let again = mine.enter(Duration::ZERO).unwrap();
            drop(again);
        });
    }

    #[test]
    fn a_gate_whose_holder_died_goes_to_the_next_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let gate = WriteGate::open(&db);
        // A thread that ends holding the gate is, for a robust mutex, a dead holder.
        std::thread::scope(|s| {
            s.spawn(|| std::mem::forget(gate.enter(Duration::ZERO).unwrap()));
        });
        let started = Instant::now();
        let turn = gate.enter(Duration::from_secs(5)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
        drop(turn);
        drop(gate.enter(Duration::ZERO).unwrap());
    }

    #[test]
    fn the_gate_file_is_shared_with_the_operators_group() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let gate = WriteGate::open(&dir.path().join("veille.db"));
        assert!(gate.is_gated());
        let mode = std::fs::metadata(dir.path().join("veille.db-lock"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o660);
    }

    #[test]
    fn without_a_gate_file_writes_go_straight_to_sqlite() {
        let gate = WriteGate::open(Path::new("/nonexistent-folder/veille.db"));
        assert!(!gate.is_gated());
        assert!(gate.enter(Duration::ZERO).unwrap().mutex.is_none());
    }
}
