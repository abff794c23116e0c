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
//! folder), writes go straight to SQLite as before. The file also keeps the mutex across
//! a power cut, possibly held by a thread that no longer exists: a mutex set up in an
//! earlier boot is set up afresh, and a process that waited its full time for a holder
//! that no longer exists stops using the gate.

use std::cell::UnsafeCell;
use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// What the gate file holds: a mark saying the mutex is ready, the boot it was set up
/// in, then the mutex.
#[repr(C, align(64))]
struct GateMemory {
    ready: AtomicU64,
    boot: UnsafeCell<Boot>,
    mutex: UnsafeCell<libc::pthread_mutex_t>,
}

/// `/proc/sys/kernel/random/boot_id`: the same for every process until the next boot.
type Boot = [u8; 36];

/// Written once the mutex is set up; it also names the layout, so that a file left by a
/// differently built veille is never taken for a mutex.
const READY: u64 = u64::from_le_bytes(*b"veilgat3")
    ^ (std::mem::size_of::<libc::pthread_mutex_t>() as u64) << 8
    ^ if cfg!(target_env = "gnu") { 1 } else { 2 };

pub(crate) struct WriteGate {
    /// The mapped gate, or `None` when writes go straight to SQLite.
    memory: Option<NonNull<GateMemory>>,
    /// Set when the gate was found held by a thread that no longer exists: from then
    /// on this process writes without it.
    stale: AtomicBool,
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
/// Not `Send` (a raw pointer): a mutex is let go by the thread that took it.
pub(crate) struct Turn<'a> {
    mutex: Option<*mut libc::pthread_mutex_t>,
    _gate: PhantomData<&'a WriteGate>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(mutex) = self.mutex {
            // SAFETY: this thread locked it in `enter`, and the gate's mapping outlives
            // the turn.
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
        WriteGate {
            memory,
            stale: AtomicBool::new(false),
        }
    }

    fn mutex(&self) -> Option<*mut libc::pthread_mutex_t> {
        if self.stale.load(Ordering::Relaxed) {
            return None;
        }
        // SAFETY: the mapping lives as long as `self`.
        self.memory.map(|m| unsafe { (*m.as_ptr()).mutex.get() })
    }

    /// Waits up to `wait` for this process's turn to write.
    pub(crate) fn enter(&self, wait: Duration) -> Result<Turn<'_>, GateTimeout> {
        let ungated = Turn {
            mutex: None,
            _gate: PhantomData,
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
            libc::ETIMEDOUT if !holder_exists(mutex) => {
                self.stale.store(true, Ordering::Relaxed);
                return Ok(ungated);
            }
            libc::EBUSY | libc::ETIMEDOUT => return Err(GateTimeout),
            // A mutex that cannot be used: SQLite's lock alone decides.
            _ => return Ok(ungated),
        }
        Ok(Turn {
            mutex: Some(mutex),
            _gate: PhantomData,
        })
    }

    /// Whether this process's writes queue at the gate (see `veille doctor`).
    pub(crate) fn is_gated(&self) -> bool {
        self.memory.is_some() && !self.stale.load(Ordering::Relaxed)
    }
}

/// Whether the thread holding `mutex` still exists. A mutex read back from its file after
/// a crash of the whole machine, or copied while held, names a thread gone with it.
#[cfg(target_env = "gnu")]
fn holder_exists(mutex: *mut libc::pthread_mutex_t) -> bool {
    // glibc keeps a robust mutex's holder, as a thread id, in its first word.
    // SAFETY: `mutex` points into the live mapping; a racy read only risks a wrong
    // answer, and a wrong "gone" costs the gate's ordering, never a write.
    let word = unsafe { std::ptr::read_volatile(mutex.cast::<i32>()) } & 0x3fff_ffff;
    word == 0 || Path::new(&format!("/proc/{word}")).exists()
}

#[cfg(not(target_env = "gnu"))]
fn holder_exists(_: *mut libc::pthread_mutex_t) -> bool {
    true
}

/// This boot's identifier, or zeros where the system does not tell it.
fn this_boot() -> Boot {
    let mut boot = [0; 36];
    if let Ok(id) = std::fs::read("/proc/sys/kernel/random/boot_id") {
        let n = id.len().min(boot.len());
        boot[..n].copy_from_slice(&id[..n]);
    }
    boot
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
        tv_sec: now
            .tv_sec
            .saturating_add(wait.as_secs() as libc::time_t)
            .saturating_add((nanos / 1_000_000_000) as libc::time_t),
        tv_nsec: (nanos % 1_000_000_000) as _,
    }
}

/// Maps the gate file and sets the mutex up when it is missing or was set up in an
/// earlier boot (no process of that boot can still use it). This happens under an
/// exclusive `flock` of the file, taken by every process that maps it, so that two
/// processes starting together do not both set it up, and never while anyone could be
/// using it: the ready mark is written last.
fn map_gate(file: &File) -> Option<NonNull<GateMemory>> {
    file.lock().ok()?;
    let memory = map_locked(file);
    let _ = file.unlock();
    memory
}

fn map_locked(file: &File) -> Option<NonNull<GateMemory>> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::FileExt;
    let size = std::mem::size_of::<GateMemory>();
    if file.metadata().ok()?.len() < size as u64 {
        // Written out rather than extended, so that the disk space is taken now: a
        // mapping of a file with no room behind it kills the process at its first write
        // when the disk is full.
        file.write_all_at(&vec![0; size], 0).ok()?;
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
    // SAFETY: the mapping is live and page-aligned; the fields others write are atomics
    // or behind `UnsafeCell`.
    let gate = unsafe { memory.as_ref() };
    let boot = this_boot();
    // SAFETY: the boot is only written under the flock we hold.
    let same_boot = unsafe { *gate.boot.get() } == boot;
    let ready = (gate.ready.load(Ordering::Acquire) == READY && same_boot)
        // SAFETY: a mutex missing or from an earlier boot is used by no process.
        || unsafe { init_mutex(gate.mutex.get()) } && {
            // SAFETY: under the flock, as above.
            unsafe { *gate.boot.get() = boot };
            gate.ready.store(READY, Ordering::Release);
            true
        };
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

    /// Copies the gate file of `from` to that of `to` while a thread holds the gate; the
    /// thread then ends, holding it still when `keep_holding`. The original gate is
    /// returned to be kept mapped: the kernel frees a dead thread's mutex by its address,
    /// which, unmapped, could be the copy's a moment later.
    fn copy_while_held(from: &Path, to: &Path, keep_holding: bool) -> WriteGate {
        let gate = WriteGate::open(from);
        let lock = |db: &Path| PathBuf::from(format!("{}-lock", db.display()));
        std::thread::scope(|s| {
            s.spawn(|| {
                let turn = gate.enter(Duration::ZERO).unwrap();
                std::fs::copy(lock(from), lock(to)).unwrap();
                if keep_holding {
                    // Ends holding it: for the original file the kernel marks it free.
                    std::mem::forget(turn);
                }
            });
        });
        gate
    }

    #[test]
    fn a_gate_left_held_by_a_thread_that_is_gone_is_not_waited_for_again() {
        let dir = tempfile::tempdir().unwrap();
        let (db, copy) = (dir.path().join("a.db"), dir.path().join("b.db"));
        // As after a crash of the whole machine: the file says a gone thread holds it.
        let original = copy_while_held(&db, &copy, true);
        let gate = WriteGate::open(&copy);
        let started = Instant::now();
        let turn = gate.enter(Duration::from_millis(200)).unwrap();
        assert!(turn.mutex.is_none(), "written without the gate");
        assert!(started.elapsed() >= Duration::from_millis(200));
        drop(turn);
        let started = Instant::now();
        assert!(gate.enter(Duration::from_secs(5)).unwrap().mutex.is_none());
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "not waited for again"
        );
        // The original is handed on by the kernel as its holder's thread ends, which may
        // be a moment after the scope saw the thread's work done.
        let turn = original.enter(Duration::from_secs(5)).unwrap();
        assert!(turn.mutex.is_some());
    }

    #[test]
    fn a_gate_set_up_in_an_earlier_boot_is_set_up_afresh() {
        use std::os::unix::fs::FileExt;
        let dir = tempfile::tempdir().unwrap();
        let (db, copy) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let _original = copy_while_held(&db, &copy, false);
        let held = WriteGate::open(&copy);
        assert!(
            held.enter(Duration::ZERO).is_err(),
            "the copy says it is held"
        );
        drop(held);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join("b.db-lock"))
            .unwrap();
        let boot = std::mem::offset_of!(GateMemory, boot) as u64;
        file.write_all_at(&[b'x'; 36], boot).unwrap();
        let gate = WriteGate::open(&copy);
        let turn = gate.enter(Duration::ZERO).unwrap();
        assert!(turn.mutex.is_some(), "set up afresh and free");
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
