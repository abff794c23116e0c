//! The save board: saves waiting for the write gate, posted where whoever gets the gate
//! can see them, so that one transaction commits every save waiting at that moment.
//!
//! At saturation the gate is held nearly all the time, and most of a save's time in it
//! is not the save itself: it is committing (writing the pages to the WAL) and reading
//! again the pages colleagues changed since (SQLite drops a connection's cached pages
//! whenever another process has written). Saves committed together share both: the
//! newest leaf of each index is read and written once for all of them.
//!
//! A saver posts its call on a free slot of the board, then tries the gate. Whoever gets
//! it — this saver or another — takes every posted call and saves each in its own
//! savepoint of one transaction, then answers each slot with the outcome and the ticket
//! of that commit (see `WriteGate::sync`). A saver waits on its slot, woken when it is
//! answered or when the gate is let go, which is its chance to take the gate itself.
//!
//! Nothing here can lose a save or record one twice. A call taken by a process killed
//! before it answered is taken again by the next one, and a call it had committed is
//! then found by its save identifier and answered as already saved. A saver gives up
//! only a call nobody has taken: when its wait runs out, it takes its call back. Each
//! slot carries a generation in its state word, so that whoever held a slot before it
//! was given to someone else cannot touch it any more.
//!
//! The board lives in the gate's file (see `gate`); all slot state changes are
//! compare-and-swaps on one 32-bit word, and the waits are futexes on another.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Slots on the board: more than the saves that wait together in practice; a saver
/// who finds none free saves on its own.
pub(crate) const SLOTS: usize = 64;

/// The room for a call (or its answer) in a slot. A call with more text than this
/// saves on its own.
pub(crate) const SLOT_BYTES: usize = 4096;

/// The kinds of a slot's state, in the low bits of its word; the generation is above.
const FREE: u32 = 0;
/// Its owner is writing its call.
const FILLING: u32 = 1;
/// The call waits for whoever holds the gate.
const POSTED: u32 = 2;
/// A gate holder is saving it.
const TAKEN: u32 = 3;
/// The answer is in the slot.
const ANSWERED: u32 = 4;
const KIND_BITS: u32 = 3;
const KIND_MASK: u32 = (1 << KIND_BITS) - 1;

#[repr(C, align(64))]
pub(crate) struct Slot {
    /// Generation and kind (see the kinds above).
    state: AtomicU32,
    /// Bumped whenever the slot's owner should look again: its futex.
    nudge: AtomicU32,
    /// The owner's process id, to free the slots of owners that died.
    owner: AtomicU32,
    /// Bytes used in the slot's part of `BoardMemory::bytes`.
    len: AtomicU32,
    /// The commit that saved the call (see `WriteGate::ticket`); 0 for none.
    ticket: AtomicU64,
}

#[repr(C, align(64))]
pub(crate) struct BoardMemory {
    pub(super) ready: AtomicU64,
    pub(super) boot: UnsafeCell<super::gate::Boot>,
    /// The slots' states together, so that a look at all of them reads one page.
    slots: [Slot; SLOTS],
    bytes: [UnsafeCell<[u8; SLOT_BYTES]>; SLOTS],
}

// SAFETY: the board is shared between processes by design. A slot's bytes are only
// touched by whoever its state word names (its owner while filling or answered, the
// gate holder while taken), and the boot only under the gate file's flock.
unsafe impl Sync for BoardMemory {}

/// A slot this process posted a call on, as of the generation it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Posted {
    index: usize,
    generation: u32,
}

/// A call taken from the board by the gate holder.
pub(crate) struct Taken {
    posted: Posted,
    pub(crate) bytes: Vec<u8>,
}

/// Where a posted call stands, for its owner.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Nobody has taken it yet.
    Waiting,
    /// A gate holder is saving it (or was, and died: the next holder takes it again).
    Taken,
    /// Saved or refused: the answer and the commit's ticket.
    Answered(Vec<u8>, u64),
    /// The slot was given to someone else (this process was taken for dead): whether
    /// the call was saved is not known here; saving it again tells, by its identifier.
    Lost,
}

fn word(generation: u32, kind: u32) -> u32 {
    generation << KIND_BITS | kind
}

fn kind(word: u32) -> u32 {
    word & KIND_MASK
}

fn generation(word: u32) -> u32 {
    word >> KIND_BITS
}

impl Slot {
    fn nudge(&self) {
        self.nudge.fetch_add(1, Ordering::Release);
        futex_wake(&self.nudge);
    }
}

impl BoardMemory {
    /// Copies `bytes` into slot `index`.
    ///
    /// # Safety
    /// The caller alone may write the slot's bytes now (its owner while filling, the
    /// gate holder while it is taken).
    unsafe fn write(&self, index: usize, bytes: &[u8]) {
        // SAFETY: `bytes` fits (checked by callers) and nobody else touches the slot.
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.bytes[index].get().cast(),
                bytes.len(),
            )
        };
        self.slots[index]
            .len
            .store(bytes.len() as u32, Ordering::Relaxed);
    }

    /// Copies slot `index`'s bytes out.
    ///
    /// # Safety
    /// Nobody writes them meanwhile (see `write`).
    unsafe fn read(&self, index: usize) -> Vec<u8> {
        let len = (self.slots[index].len.load(Ordering::Relaxed) as usize).min(SLOT_BYTES);
        let mut out = vec![0; len];
        // SAFETY: `len` bytes lie within the slot, and nobody writes them meanwhile.
        unsafe {
            std::ptr::copy_nonoverlapping(self.bytes[index].get().cast(), out.as_mut_ptr(), len)
        };
        out
    }

    /// Empties every slot: nothing posted in an earlier boot waits any more (its saver
    /// is gone with it, and its form was kept as a draft). Called under the gate file's
    /// flock when no process of this boot has used the board yet.
    pub(super) fn clear(&self) -> bool {
        for slot in &self.slots {
            slot.state.store(word(0, FREE), Ordering::Relaxed);
            slot.owner.store(0, Ordering::Relaxed);
        }
        true
    }

    /// Posts `bytes` on a free slot; `None` when they do not fit or no slot is free.
    pub(crate) fn post(&self, bytes: &[u8]) -> Option<Posted> {
        if bytes.len() > SLOT_BYTES {
            return None;
        }
        let start = fastrand::usize(..SLOTS);
        let posted = (0..SLOTS)
            .map(|i| (start + i) % SLOTS)
            .find_map(|i| self.fill(i))
            .or_else(|| {
                self.free_orphans();
                (0..SLOTS).find_map(|i| self.fill(i))
            })?;
        let slot = &self.slots[posted.index];
        slot.owner.store(std::process::id(), Ordering::Relaxed);
        // SAFETY: the slot is ours while filling.
        unsafe { self.write(posted.index, bytes) };
        slot.state.store(
            word(posted.generation, POSTED),
            // The bytes are visible to whoever sees the call posted.
            Ordering::Release,
        );
        Some(posted)
    }

    /// Takes slot `index` for filling if it is free.
    fn fill(&self, index: usize) -> Option<Posted> {
        let slot = &self.slots[index];
        let now = slot.state.load(Ordering::Relaxed);
        if kind(now) != FREE {
            return None;
        }
        let generation = generation(now).wrapping_add(1) & (u32::MAX >> KIND_BITS);
        slot.state
            .compare_exchange(
                now,
                word(generation, FILLING),
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .ok()?;
        Some(Posted { index, generation })
    }

    /// Frees the slots left by savers that died: answered, or still being filled.
    fn free_orphans(&self) {
        for slot in &self.slots {
            let now = slot.state.load(Ordering::Acquire);
            if matches!(kind(now), ANSWERED | FILLING)
                && !process_exists(slot.owner.load(Ordering::Relaxed))
            {
                let _ = slot.state.compare_exchange(
                    now,
                    word(generation(now), FREE),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
        }
    }

    /// Where the call on `posted` stands; an answer is taken and the slot freed.
    pub(crate) fn standing(&self, posted: Posted) -> Standing {
        let slot = &self.slots[posted.index];
        let now = slot.state.load(Ordering::Acquire);
        if generation(now) != posted.generation {
            return Standing::Lost;
        }
        match kind(now) {
            ANSWERED => {
                // SAFETY: answered slots are written by nobody until freed.
                let bytes = unsafe { self.read(posted.index) };
                let ticket = slot.ticket.load(Ordering::Relaxed);
                let freed = slot.state.compare_exchange(
                    now,
                    word(posted.generation, FREE),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
                if freed.is_err() {
                    return Standing::Lost;
                }
                Standing::Answered(bytes, ticket)
            }
            TAKEN => Standing::Taken,
            POSTED => Standing::Waiting,
            // Taken back or read already: nothing more will come.
            _ => Standing::Lost,
        }
    }

    /// Takes the call back if nobody has taken it; `false` if someone has.
    pub(crate) fn withdraw(&self, posted: Posted) -> bool {
        self.slots[posted.index]
            .state
            .compare_exchange(
                word(posted.generation, POSTED),
                word(posted.generation, FREE),
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_ok()
    }

    /// The current value of the owner's futex, read before looking at the slot.
    pub(crate) fn nudges(&self, posted: Posted) -> u32 {
        self.slots[posted.index].nudge.load(Ordering::Acquire)
    }

    /// Sleeps until the slot is nudged after `seen` was read, or `wait` has passed.
    pub(crate) fn wait(&self, posted: Posted, seen: u32, wait: Duration) {
        futex_wait(&self.slots[posted.index].nudge, seen, wait);
    }

    /// Takes every posted call, and those a gate holder took and did not answer (it
    /// died); `own` first. The caller must hold the gate.
    pub(crate) fn take(&self, own: Option<Posted>) -> Vec<Taken> {
        let mut taken = Vec::new();
        let own = own.map(|p| p.index);
        let others = (0..SLOTS).filter(|&i| Some(i) != own);
        let order = own.into_iter().chain(others);
        for index in order {
            let slot = &self.slots[index];
            let now = slot.state.load(Ordering::Acquire);
            if !matches!(kind(now), POSTED | TAKEN) {
                continue;
            }
            let generation = generation(now);
            if slot
                .state
                .compare_exchange(
                    now,
                    word(generation, TAKEN),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                taken.push(Taken {
                    posted: Posted { index, generation },
                    // SAFETY: taken slots are written only by the gate holder: us.
                    bytes: unsafe { self.read(index) },
                });
            }
        }
        taken
    }

    /// Whether `taken` is the call on `posted`.
    pub(crate) fn is(&self, taken: &Taken, posted: Posted) -> bool {
        taken.posted == posted
    }

    /// Answers a taken call, and wakes its owner.
    pub(crate) fn answer(&self, taken: &Taken, bytes: &[u8], ticket: u64) {
        let slot = &self.slots[taken.posted.index];
        // SAFETY: the slot is taken, and we hold the gate.
        unsafe { self.write(taken.posted.index, &bytes[..bytes.len().min(SLOT_BYTES)]) };
        slot.ticket.store(ticket, Ordering::Relaxed);
        let answered = slot.state.compare_exchange(
            word(taken.posted.generation, TAKEN),
            word(taken.posted.generation, ANSWERED),
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
        if answered.is_ok() {
            slot.nudge();
        }
    }

    /// Puts a taken call back on the board, for its owner to save itself.
    pub(crate) fn put_back(&self, taken: &Taken) {
        let slot = &self.slots[taken.posted.index];
        let back = slot.state.compare_exchange(
            word(taken.posted.generation, TAKEN),
            word(taken.posted.generation, POSTED),
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
        if back.is_ok() {
            slot.nudge();
        }
    }

    /// Wakes the owner of one posted call: the gate has just been let go, and it may
    /// take it. One rather than all, so that they do not all rush at it.
    pub(crate) fn wake_one(&self) {
        let start = fastrand::usize(..SLOTS);
        if let Some(slot) = (0..SLOTS)
            .map(|i| &self.slots[(start + i) % SLOTS])
            .find(|s| kind(s.state.load(Ordering::Relaxed)) == POSTED)
        {
            slot.nudge();
        }
    }

    /// Calls posted and not yet answered (for tests).
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(kind(s.state.load(Ordering::Acquire)), POSTED | TAKEN))
            .count()
    }
}

/// Whether process `pid` exists (a process of another user counts as existing).
fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    pid > 0
        && (unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH))
}

/// Sleeps while `word` holds `seen`, for at most `wait`. The word is in a shared
/// mapping, so the futex is not private to this process.
fn futex_wait(word: &AtomicU32, seen: u32, wait: Duration) {
    let timeout = libc::timespec {
        tv_sec: wait.as_secs().min(i32::MAX as u64) as libc::time_t,
        tv_nsec: wait.subsec_nanos() as _,
    };
    // SAFETY: FUTEX_WAIT reads the word at this address and sleeps; the mapping
    // outlives the call. Spurious and early returns are handled by our callers.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            seen,
            &timeout as *const libc::timespec,
            std::ptr::null::<u32>(),
            0,
        )
    };
}

fn futex_wake(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE only wakes sleepers on this address.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            i32::MAX,
            std::ptr::null::<libc::timespec>(),
            std::ptr::null::<u32>(),
            0,
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> Box<BoardMemory> {
        // SAFETY: all-zero bytes are a valid board (atomics and bytes), every slot free.
        let board: Box<BoardMemory> = unsafe { Box::new_zeroed().assume_init() };
        assert!(board.clear());
        board
    }

    #[test]
    fn a_posted_call_is_taken_answered_and_its_slot_freed() {
        let board = board();
        let posted = board.post(b"call").unwrap();
        assert_eq!(board.standing(posted), Standing::Waiting);
        let taken = board.take(None);
        assert_eq!(taken.len(), 1);
        assert!(board.is(&taken[0], posted));
        assert_eq!(taken[0].bytes, b"call");
        assert_eq!(board.standing(posted), Standing::Taken);
        assert!(
            !board.withdraw(posted),
            "taken: no longer the owner's to take back"
        );
        board.answer(&taken[0], b"saved", 7);
        assert_eq!(
            board.standing(posted),
            Standing::Answered(b"saved".to_vec(), 7)
        );
        assert!(board.take(None).is_empty(), "the slot is free again");
    }

    #[test]
    fn a_call_taken_back_is_not_taken_and_its_old_owner_cannot_touch_the_slot_again() {
        let board = board();
        let first = board.post(b"first").unwrap();
        assert!(board.withdraw(first));
        assert!(board.take(None).is_empty());
        // The slot is given again: the first owner's handle no longer works on it.
        let posted: Vec<Posted> = (0..SLOTS).map(|_| board.post(b"x").unwrap()).collect();
        assert!(board.post(b"one more").is_none(), "every slot is in use");
        let reused = posted.iter().find(|p| p.index == first.index).unwrap();
        assert_ne!(reused.generation, first.generation);
        assert!(!board.withdraw(first));
        assert_eq!(board.standing(*reused), Standing::Waiting);
    }

    #[test]
    fn calls_a_dead_holder_took_are_taken_again_and_put_back_ones_wait_for_their_owner() {
        let board = board();
        let a = board.post(b"a").unwrap();
        let b = board.post(b"b").unwrap();
        // A holder takes both and dies before answering.
        let lost = board.take(None);
        assert_eq!(lost.len(), 2);
        let again = board.take(None);
        assert_eq!(again.len(), 2, "the next holder takes them again");
        let (for_a, for_b) = if board.is(&again[0], a) {
            (&again[0], &again[1])
        } else {
            (&again[1], &again[0])
        };
        board.put_back(for_b);
        assert_eq!(board.standing(b), Standing::Waiting);
        assert!(board.withdraw(b));
        // A call taken back cannot be answered any more, nor put back.
        board.answer(for_b, b"saved", 4);
        board.put_back(for_b);
        assert_eq!(board.standing(b), Standing::Lost);
        board.answer(for_a, b"saved", 3);
        assert_eq!(board.standing(a), Standing::Answered(b"saved".to_vec(), 3));
        assert!(lost.iter().all(|t| board.is(t, a) || board.is(t, b)));
    }

    #[test]
    fn a_holder_takes_its_own_call_first_and_each_call_once() {
        let board = board();
        let posted: Vec<Posted> = (0..10).map(|_| board.post(b"x").unwrap()).collect();
        let own = posted[7];
        let taken = board.take(Some(own));
        assert_eq!(taken.len(), 10);
        assert!(board.is(&taken[0], own));
        // Taken again, as after the death of the holder that took them.
        let again = board.take(Some(own));
        assert!(board.is(&again[0], own));
        let mut slots: Vec<usize> = again.iter().map(|t| t.posted.index).collect();
        slots.sort();
        slots.dedup();
        assert_eq!(slots.len(), 10, "every call taken, each once");
        assert_eq!(again.len(), 10);
    }

    #[test]
    fn a_call_too_long_for_a_slot_is_not_posted() {
        let board = board();
        assert!(board.post(&vec![b'x'; SLOT_BYTES + 1]).is_none());
        assert!(board.post(&vec![b'x'; SLOT_BYTES]).is_some());
    }

    #[test]
    fn slots_of_savers_that_died_are_freed_when_the_board_is_full() {
        let board = board();
        let posted: Vec<Posted> = (0..SLOTS).map(|_| board.post(b"x").unwrap()).collect();
        for taken in board.take(None) {
            board.answer(&taken, b"saved", 1);
        }
        // Their owners died without reading their answers.
        for slot in &board.slots {
            slot.owner.store(u32::MAX >> 1, Ordering::Relaxed);
        }
        let again = board.post(b"new").unwrap();
        assert!(posted.iter().any(|p| p.index == again.index));
    }

    #[test]
    fn an_owner_waiting_on_its_slot_wakes_when_it_is_answered() {
        let board = board();
        let posted = board.post(b"call").unwrap();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let started = std::time::Instant::now();
                loop {
                    let seen = board.nudges(posted);
                    if let Standing::Answered(bytes, _) = board.standing(posted) {
                        return (bytes, started.elapsed());
                    }
                    board.wait(posted, seen, Duration::from_secs(10));
                }
            });
            std::thread::sleep(Duration::from_millis(50));
            let taken = board.take(None);
            board.answer(&taken[0], b"saved", 1);
            let (bytes, waited) = waiter.join().unwrap();
            assert_eq!(bytes, b"saved");
            assert!(waited < Duration::from_secs(5), "woken, not timed out");
        });
    }
}
