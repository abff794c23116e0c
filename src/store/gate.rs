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
//!
//! The same file shares the syncs of durable writes (group commit). Each write, once
//! committed, takes a ticket; the process that syncs the WAL notes the last ticket its
//! sync covers, and a writer whose ticket is already covered is acknowledged without a
//! sync of its own. A second robust mutex lets one process sync at a time, so that those
//! who come meanwhile wait for it and are then, usually, covered.

use std::cell::UnsafeCell;
use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::board::{BoardMemory, SLOT_BYTES, SLOTS};

/// What the gate file holds: a mark saying the mutex is ready, the boot it was set up
/// in, then the mutex.
#[repr(C, align(64))]
struct GateMemory {
    ready: AtomicU64,
    boot: UnsafeCell<Boot>,
    mutex: UnsafeCell<libc::pthread_mutex_t>,
}

/// What follows the gate in its file: the shared syncs (see `WriteGate::sync`). It was
/// added after the gate, whose layout stays as it was, so that a veille of before still
/// finds its mutex where it left it.
#[repr(C, align(64))]
struct SyncMemory {
    ready: AtomicU64,
    boot: UnsafeCell<Boot>,
    /// Durable writes committed: each takes the next number, its ticket.
    committed: AtomicU64,
    /// Every ticket up to this one is on disk.
    synced: AtomicU64,
    /// Held by the process syncing for everyone.
    mutex: UnsafeCell<libc::pthread_mutex_t>,
}

/// The whole file. Each part was added after the ones before, whose layout stays.
#[repr(C)]
struct SharedMemory {
    gate: GateMemory,
    sync: SyncMemory,
    board: BoardMemory,
}

/// `/proc/sys/kernel/random/boot_id`: the same for every process until the next boot.
pub(super) type Boot = [u8; 36];

/// Written once the mutex is set up; it also names the layout, so that a file left by a
/// differently built veille is never taken for a mutex.
const READY: u64 = u64::from_le_bytes(*b"veilgat3")
    ^ (std::mem::size_of::<libc::pthread_mutex_t>() as u64) << 8
    ^ if cfg!(target_env = "gnu") { 1 } else { 2 };

/// Written once the shared syncs are set up, naming their layout like `READY`.
const SYNC_READY: u64 = u64::from_le_bytes(*b"veilsyn1")
    ^ (std::mem::size_of::<SyncMemory>() as u64) << 8
    ^ if cfg!(target_env = "gnu") { 1 } else { 2 };

/// Written once the save board is set up, naming its layout like `READY`.
/// Its version goes up whenever what the slots' states mean changes.
const BOARD_READY: u64 = u64::from_le_bytes(*b"veilbrd2")
    ^ (std::mem::size_of::<BoardMemory>() as u64) << 8
    ^ (SLOTS * SLOT_BYTES) as u64;

pub(crate) struct WriteGate {
    /// The mapped file, or `None` when writes go straight to SQLite and each durable
    /// write syncs on its own.
    memory: Option<NonNull<SharedMemory>>,
    /// Set when the gate was found held by a thread that no longer exists: from then
    /// on this process writes without it.
    stale: AtomicBool,
    /// The same, for the shared syncs: from then on this process syncs on its own.
    sync_stale: AtomicBool,
    /// Whether the save board could be set up (see `board`).
    has_board: bool,
}

// SAFETY: the mapping is shared between processes by design and only ever touched
// through the pthread calls and atomics, which are made for concurrent use; a `Turn`,
// which unlocks and must stay on its thread, is not `Send`.
unsafe impl Send for WriteGate {}
// SAFETY: as above; taking and leaving the mutex from several threads is what it is for.
unsafe impl Sync for WriteGate {}

impl Drop for WriteGate {
    fn drop(&mut self) {
        if let Some(memory) = self.memory {
            // SAFETY: mapped in `map_gate` with this size; no `Turn` outlives the gate.
            unsafe { libc::munmap(memory.as_ptr().cast(), std::mem::size_of::<SharedMemory>()) };
        }
    }
}

/// The gate (or the shared syncs' mutex), held until dropped, on the thread that took
/// it. Not `Send` (a raw pointer): a mutex is let go by the thread that took it.
pub(crate) struct Turn<'a> {
    mutex: Option<*mut libc::pthread_mutex_t>,
    /// The save board, whose savers are told when the gate is let go.
    board: Option<&'a BoardMemory>,
    _gate: PhantomData<&'a WriteGate>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(mutex) = self.mutex {
            // SAFETY: this thread locked it in `lock`, and the gate's mapping outlives
            // the turn.
            unsafe { libc::pthread_mutex_unlock(mutex) };
            if let Some(board) = self.board {
                board.wake_one();
            }
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
        let mapped = open_lock_file(&path).and_then(|f| map_gate(&f));
        WriteGate {
            memory: mapped.map(|m| m.memory),
            stale: AtomicBool::new(false),
            sync_stale: AtomicBool::new(!mapped.is_some_and(|m| m.syncs)),
            has_board: mapped.is_some_and(|m| m.board),
        }
    }

    fn mutex(&self) -> Option<*mut libc::pthread_mutex_t> {
        if self.stale.load(Ordering::Relaxed) {
            return None;
        }
        // SAFETY: the mapping lives as long as `self`.
        self.memory
            .map(|m| unsafe { (*m.as_ptr()).gate.mutex.get() })
    }

    /// The shared syncs, unless this process syncs on its own.
    fn syncs(&self) -> Option<&SyncMemory> {
        if self.sync_stale.load(Ordering::Relaxed) {
            return None;
        }
        // SAFETY: the mapping lives as long as `self`.
        self.memory.map(|m| unsafe { &(*m.as_ptr()).sync })
    }

    /// The save board, while this process's writes queue at the gate: only the gate's
    /// holder may take calls from it.
    pub(crate) fn board(&self) -> Option<&BoardMemory> {
        if !self.has_board || !cfg!(target_os = "linux") {
            return None;
        }
        self.mutex()?;
        // SAFETY: the mapping lives as long as `self`.
        self.memory.map(|m| unsafe { &(*m.as_ptr()).board })
    }

    /// Waits up to `wait` for this process's turn to write.
    pub(crate) fn enter(&self, wait: Duration) -> Result<Turn<'_>, GateTimeout> {
        let Some(mutex) = self.mutex() else {
            return Ok(Turn::none());
        };
        // SAFETY: the gate's mutex, in the mapping `self` keeps alive.
        match unsafe { lock(mutex, wait) } {
            Locked::Yes(turn) => Ok(turn.waking(self.board())),
            Locked::HolderGone => {
                self.stale.store(true, Ordering::Relaxed);
                Ok(Turn::none())
            }
            Locked::TimedOut => Err(GateTimeout),
            // A mutex that cannot be used: SQLite's lock alone decides.
            Locked::Unusable => Ok(Turn::none()),
        }
    }

    /// Whether nobody holds the gate and no request waits on the board: a writer then
    /// goes straight to the gate, sparing the board's posting when it has no colleague
    /// to share a commit with. A racy look: at worst the writer waits its turn at the
    /// gate, as it did before the board.
    pub(crate) fn is_idle(&self) -> bool {
        let Some(mutex) = self.mutex() else {
            return true;
        };
        lock_is_free(mutex) && self.board().is_none_or(BoardMemory::is_empty)
    }

    /// Takes the gate if it is free now, for a saver whose call waits on the board.
    pub(crate) fn try_enter(&self) -> Option<Turn<'_>> {
        let mutex = self.mutex()?;
        // SAFETY: the gate's mutex, in the mapping `self` keeps alive.
        match unsafe { lock(mutex, Duration::ZERO) } {
            Locked::Yes(turn) => Some(turn.waking(self.board())),
            _ => None,
        }
    }

    /// Stops using the gate if its holder no longer exists (see `lock`): a saver whose
    /// wait on the board ran out checks it, as `enter` does when its own wait runs out.
    pub(crate) fn check_holder(&self) {
        if let Some(mutex) = self.mutex()
            && !holder_exists(mutex)
        {
            self.stale.store(true, Ordering::Relaxed);
        }
    }

    /// Numbers a durable write that has just committed, for `sync`.
    pub(crate) fn ticket(&self) -> Option<u64> {
        self.syncs()
            .map(|s| s.committed.fetch_add(1, Ordering::AcqRel) + 1)
    }

    /// Makes the write numbered `ticket` durable with `sync`, which must make durable
    /// everything committed before it is called (one `fdatasync` of the WAL).
    ///
    /// Writers who finish together share one sync: whoever takes the syncs' mutex first
    /// syncs for every ticket taken so far, and those who waited behind it find their
    /// write already on disk. One disk flush then acknowledges several saves; a sync per
    /// save, which the disk runs one after the other, left processes waiting on the disk
    /// while the processors had nothing to do. Without a ticket (no shared file) this
    /// process syncs on its own, and also if the mutex does not come within `wait`: its
    /// sync still counts for the others.
    pub(crate) fn sync<E>(
        &self,
        ticket: Option<u64>,
        wait: Duration,
        sync: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let (Some(ticket), Some(shared)) = (ticket, self.syncs()) else {
            return sync();
        };
        if shared.synced.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // SAFETY: the syncs' mutex, in the mapping `self` keeps alive.
        let _held = match unsafe { lock(shared.mutex.get(), wait) } {
            Locked::Yes(turn) => Some(turn),
            Locked::HolderGone => {
                self.sync_stale.store(true, Ordering::Relaxed);
                None
            }
            Locked::TimedOut | Locked::Unusable => None,
        };
        if shared.synced.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // Every ticket up to this one belongs to a write already committed: the sync
        // that starts now covers them all.
        let covered = shared.committed.load(Ordering::Acquire);
        sync()?;
        shared.synced.fetch_max(covered, Ordering::AcqRel);
        Ok(())
    }

    /// Whether this process's writes queue at the gate (see `veille doctor`).
    pub(crate) fn is_gated(&self) -> bool {
        self.memory.is_some() && !self.stale.load(Ordering::Relaxed)
    }
}

enum Locked<'a> {
    Yes(Turn<'a>),
    /// Not free within the wait, and held by a thread that no longer exists.
    HolderGone,
    TimedOut,
    Unusable,
}

impl<'a> Turn<'a> {
    fn none() -> Self {
        Turn {
            mutex: None,
            board: None,
            _gate: PhantomData,
        }
    }

    /// Wakes a saver of `board` when let go.
    fn waking(self, board: Option<&'a BoardMemory>) -> Self {
        let mut turn = self;
        turn.board = board;
        turn
    }
}

/// Takes `mutex`, waiting up to `wait`.
///
/// # Safety
/// `mutex` must point to a mutex set up by `init_mutex` in a mapping that outlives the
/// returned turn.
unsafe fn lock<'a>(mutex: *mut libc::pthread_mutex_t, wait: Duration) -> Locked<'a> {
    // SAFETY: `mutex` points into the live mapping, set up by `map_gate`.
    let mut rc = unsafe { libc::pthread_mutex_trylock(mutex) };
    if rc == libc::EBUSY && !wait.is_zero() {
        let deadline = deadline_after(wait);
        // SAFETY: as above.
        rc = unsafe { libc::pthread_mutex_timedlock(mutex, &deadline) };
    }
    match rc {
        0 => {}
        // The holder died: the mutex is ours, and nothing it guards needs repair.
        libc::EOWNERDEAD => {
            // SAFETY: we hold it; marking it consistent keeps it usable.
            unsafe { libc::pthread_mutex_consistent(mutex) };
        }
        libc::ETIMEDOUT if !holder_exists(mutex) => return Locked::HolderGone,
        libc::EBUSY | libc::ETIMEDOUT => return Locked::TimedOut,
        _ => return Locked::Unusable,
    }
    Locked::Yes(Turn {
        mutex: Some(mutex),
        board: None,
        _gate: PhantomData,
    })
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

/// Whether nobody holds `mutex` at this instant (see `holder_exists`).
#[cfg(target_env = "gnu")]
fn lock_is_free(mutex: *mut libc::pthread_mutex_t) -> bool {
    // SAFETY: as in `holder_exists`; a racy read only risks a wrong answer, and a wrong
    // "free" costs a wait at the gate.
    unsafe { std::ptr::read_volatile(mutex.cast::<i32>()) == 0 }
}

#[cfg(not(target_env = "gnu"))]
fn lock_is_free(_: *mut libc::pthread_mutex_t) -> bool {
    false
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
fn map_gate(file: &File) -> Option<Mapped> {
    file.lock().ok()?;
    let memory = map_locked(file);
    let _ = file.unlock();
    memory
}

/// The mapping, and which of the parts after the gate could be set up in it too
/// (without them, the gate still orders writers, and each syncs and saves on its own).
#[derive(Clone, Copy)]
struct Mapped {
    memory: NonNull<SharedMemory>,
    syncs: bool,
    board: bool,
}

fn map_locked(file: &File) -> Option<Mapped> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::FileExt;
    let size = std::mem::size_of::<SharedMemory>();
    let len = file.metadata().ok()?.len();
    // Zeros go where the file has nothing yet, never over a gate that may be in use:
    // the file of an older veille holds the gate alone.
    let from = if len < std::mem::size_of::<GateMemory>() as u64 {
        0
    } else {
        len
    };
    if from < size as u64 {
        // Written out rather than extended, so that the disk space is taken now: a
        // mapping of a file with no room behind it kills the process at its first write
        // when the disk is full.
        file.write_all_at(&vec![0; size - from as usize], from)
            .ok()?;
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
    let memory = NonNull::new(ptr.cast::<SharedMemory>())?;
    // SAFETY: the mapping is live and page-aligned; the fields others write are atomics
    // or behind `UnsafeCell`.
    let shared = unsafe { memory.as_ref() };
    let boot = this_boot();
    let (gate, syncs) = (&shared.gate, &shared.sync);
    // SAFETY: a mutex missing or from an earlier boot is used by no process.
    if !set_up(&gate.ready, &gate.boot, READY, boot, || unsafe {
        init_mutex(gate.mutex.get())
    }) {
        // SAFETY: mapped above with this size.
        unsafe { libc::munmap(ptr, size) };
        return None;
    }
    // The counters are kept as they are: they only grow, and a sync noted as covering
    // a ticket must never be taken for one covering a later ticket.
    // SAFETY: as above.
    let syncs_ready = set_up(&syncs.ready, &syncs.boot, SYNC_READY, boot, || unsafe {
        init_mutex(syncs.mutex.get())
    });
    let board = &shared.board;
    // A board of another layout set up in this boot may be in use by another build of
    // veille: it is left alone, and this process writes without it until the next boot.
    let mark = board.ready.load(Ordering::Acquire);
    // SAFETY: the boot is only written under the flock we hold.
    let foreign = mark != 0 && mark != BOARD_READY && unsafe { *board.boot.get() } == boot;
    let board_ready = !foreign
        && set_up(&board.ready, &board.boot, BOARD_READY, boot, || {
            board.clear()
        });
    Some(Mapped {
        memory,
        syncs: syncs_ready,
        board: board_ready,
    })
}

/// Runs `init` on a part of the file unless it was set up in this boot; the ready mark
/// is written last. Called under the file's flock, which guards the marks and boots.
fn set_up(
    ready: &AtomicU64,
    its_boot: &UnsafeCell<Boot>,
    mark: u64,
    boot: Boot,
    init: impl FnOnce() -> bool,
) -> bool {
    // SAFETY: the boot is only written under the flock our caller holds.
    if ready.load(Ordering::Acquire) == mark && unsafe { *its_boot.get() } == boot {
        return true;
    }
    if !init() {
        return false;
    }
    // SAFETY: as above.
    unsafe { *its_boot.get() = boot };
    ready.store(mark, Ordering::Release);
    true
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

    /// Takes the syncs' mutex of `gate` at once, as a syncer does; panics if it is taken.
    fn take_syncs(gate: &WriteGate) -> Turn<'_> {
        let shared = gate.syncs().unwrap();
        // SAFETY: the gate's own mutex, mapped while the gate lives.
        match unsafe { lock(shared.mutex.get(), Duration::ZERO) } {
            Locked::Yes(turn) => turn,
            _ => panic!("the syncs' mutex is taken"),
        }
    }

    /// Runs `gate.sync` for `ticket` and tells whether its own sync ran.
    fn synced_itself(gate: &WriteGate, ticket: Option<u64>) -> bool {
        let mut ran = false;
        gate.sync::<()>(ticket, Duration::from_secs(5), || {
            ran = true;
            Ok(())
        })
        .unwrap();
        ran
    }

    #[test]
    fn a_sync_covers_every_write_committed_before_it_and_no_later_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let (mine, theirs) = (WriteGate::open(&db), WriteGate::open(&db));
        let first = theirs.ticket();
        let second = mine.ticket();
        assert!(
            first.unwrap() < second.unwrap(),
            "tickets follow one another"
        );
        assert!(synced_itself(&mine, second));
        assert!(
            !synced_itself(&theirs, first),
            "covered by the sync after it"
        );
        let third = theirs.ticket();
        assert!(
            synced_itself(&theirs, third),
            "committed after the last sync"
        );
        // A sync that fails covers nothing.
        let fourth = mine.ticket();
        assert!(mine.sync(fourth, Duration::ZERO, || Err("disk")).is_err());
        assert!(synced_itself(&theirs, fourth));
    }

    #[test]
    fn writers_finishing_together_share_their_syncs_and_each_is_covered() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let syncs = AtomicU64::new(0);
        let writes = 8 * 50;
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    let gate = WriteGate::open(&db);
                    for _ in 0..50 {
                        let ticket = gate.ticket().unwrap();
                        gate.sync::<()>(Some(ticket), Duration::from_secs(5), || {
                            syncs.fetch_add(1, Ordering::Relaxed);
                            std::thread::sleep(Duration::from_millis(1));
                            Ok(())
                        })
                        .unwrap();
                        // Acknowledged: a sync that began after this commit has ended.
                        let shared = gate.syncs().unwrap();
                        assert!(shared.synced.load(Ordering::Acquire) >= ticket);
                    }
                });
            }
        });
        let syncs = syncs.into_inner();
        assert!(syncs < writes, "{syncs} syncs for {writes} writes");
    }

    #[test]
    fn a_sync_whose_syncer_died_goes_to_the_next_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let gate = WriteGate::open(&db);
        // A thread that ends holding the syncs' mutex is, for a robust mutex, dead.
        std::thread::scope(|s| {
            s.spawn(|| std::mem::forget(take_syncs(&gate)));
        });
        let shared = gate.syncs().unwrap();
        let started = Instant::now();
        let ticket = gate.ticket().unwrap();
        // Waits for the dead syncer no longer than a moment, and syncs under the mutex.
        assert!(
            gate.sync::<()>(Some(ticket), Duration::from_secs(5), || Ok(()))
                .is_ok()
        );
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(shared.synced.load(Ordering::Acquire) >= ticket);
        assert!(gate.syncs().is_some(), "still shared");
        drop(take_syncs(&gate));
    }

    #[test]
    fn a_write_committed_while_a_sync_runs_is_not_covered_by_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let (mine, theirs) = (WriteGate::open(&db), WriteGate::open(&db));
        let before = mine.ticket();
        let mut during = None;
        mine.sync::<()>(before, Duration::from_secs(5), || {
            // A colleague commits while the disk is syncing.
            during = theirs.ticket();
            Ok(())
        })
        .unwrap();
        assert!(!synced_itself(&mine, before), "covered: it came before");
        assert!(
            synced_itself(&theirs, during),
            "not covered: it came during"
        );
    }

    #[test]
    fn the_shared_syncs_are_set_up_afresh_in_a_new_boot_and_keep_their_count() {
        use std::os::unix::fs::FileExt;
        let dir = tempfile::tempdir().unwrap();
        let (db, copy) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let lock_file = |db: &Path| PathBuf::from(format!("{}-lock", db.display()));
        let gate = WriteGate::open(&db);
        let last = (0..5).filter_map(|_| gate.ticket()).last().unwrap();
        // The copy says a thread holds the syncs' mutex, as after a crash of the machine.
        std::thread::scope(|s| {
            s.spawn(|| {
                let _held = take_syncs(&gate);
                std::fs::copy(lock_file(&db), lock_file(&copy)).unwrap();
            });
        });
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(lock_file(&copy))
            .unwrap();
        let boot = (std::mem::offset_of!(SharedMemory, sync)
            + std::mem::offset_of!(SyncMemory, boot)) as u64;
        file.write_all_at(&[b'x'; 36], boot).unwrap();
        let rebooted = WriteGate::open(&copy);
        let shared = rebooted.syncs().unwrap();
        let ticket = rebooted.ticket().unwrap();
        assert_eq!(ticket, last + 1, "tickets go on from where they were");
        let started = Instant::now();
        assert!(synced_itself(&rebooted, Some(ticket)));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the mutex is free"
        );
        assert!(shared.synced.load(Ordering::Acquire) >= ticket);
    }

    #[test]
    fn the_file_of_an_older_veille_gets_the_shared_syncs_without_losing_its_gate() {
        let dir = tempfile::tempdir().unwrap();
        let (db, old) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let lock_file = |db: &Path| PathBuf::from(format!("{}-lock", db.display()));
        // An older veille's file: the gate alone, held by one of its processes.
        let original = copy_while_held(&db, &old, false);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(lock_file(&old))
            .unwrap();
        file.set_len(std::mem::size_of::<GateMemory>() as u64)
            .unwrap();
        let gate = WriteGate::open(&old);
        assert!(gate.enter(Duration::ZERO).is_err(), "its holder keeps it");
        let len = std::fs::metadata(lock_file(&old)).unwrap().len();
        assert_eq!(len, std::mem::size_of::<SharedMemory>() as u64);
        let ticket = gate.ticket().unwrap();
        assert!(synced_itself(&gate, Some(ticket)));
        // Set up once: a process starting later shares the same tickets.
        let later = WriteGate::open(&old);
        assert_eq!(later.ticket(), Some(ticket + 1));
        drop(original);
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
