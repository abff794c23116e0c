//! The save board: claims and saves waiting for the write gate, posted where whoever
//! gets the gate can see them, so that one transaction commits every request waiting at
//! that moment.
//!
//! At saturation the gate is held nearly all the time, and most of a request's time in
//! it is not the request itself: it is committing (writing the pages to the WAL) and
//! reading again the pages colleagues changed since (SQLite drops a connection's cached
//! pages whenever another process has written). Requests committed together share both:
//! the newest leaf of each index is read and written once for all of them.
//!
//! A process posts its request on a free slot of the board, then tries the gate. Whoever
//! gets it — this process or another — takes every posted request and does each in its
//! own savepoint of one transaction, then answers each slot with the outcome and the
//! ticket of that commit (see `WriteGate::sync`). A poster waits on its slot, woken when
//! it is answered or when the gate is let go, which is its chance to take the gate.
//!
//! A request is never done twice by the board. One that a holder took and did not answer
//! (it died) is not done again by the next holder: it is returned to its owner, who does
//! it alone, as it would without the board; a save is then found by its identifier if
//! the holder had committed it, and a claim by its operator and time (see
//! `queue::claim_from`). So a request that made a holder die cannot make the next ones
//! die too. Each slot carries a generation in its state word, so that whoever held a slot
//! before it was given to someone else cannot touch it any more. All state changes are
//! compare-and-swaps on that word; the waits are futexes on another.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Slots on the board: more than the requests that wait together in practice; a
/// process that finds none free writes alone.
pub(crate) const SLOTS: usize = 64;

/// The room for a request (or its answer) in a slot. A call with more text than this
/// is saved alone.
pub(crate) const SLOT_BYTES: usize = 4096;

/// The kinds of a slot's state, in the low bits of its word; the generation is above.
const FREE: u32 = 0;
/// Its owner is writing its request.
const FILLING: u32 = 1;
/// The request waits for whoever holds the gate.
const POSTED: u32 = 2;
/// A gate holder is doing it.
const TAKEN: u32 = 3;
/// The answer is in the slot.
const ANSWERED: u32 = 4;
/// Given back to its owner, to do alone: its holder died, or could not do it.
const RETURNED: u32 = 5;
/// Its owner stopped waiting for the holder that took it; the holder frees the slot.
const ABANDONED: u32 = 6;
const KIND_BITS: u32 = 3;
const KIND_MASK: u32 = (1 << KIND_BITS) - 1;

/// One slot's state; its bytes are in `BoardMemory::bytes`.
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
    /// The commit that did the request (see `WriteGate::ticket`); 0 for none.
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
// gate holder while it is taken), and the boot only under the gate file's flock.
unsafe impl Sync for BoardMemory {}

/// A slot this process posted a request on, as of the generation it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Posted {
    index: usize,
    generation: u32,
}

/// A request taken from the board by the gate holder.
pub(crate) struct Taken {
    posted: Posted,
    pub(crate) bytes: Vec<u8>,
}

/// Where a posted request stands, for its owner.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Nobody has taken it yet.
    Waiting,
    /// A gate holder is doing it.
    Taken,
    /// Done or refused: the answer and the commit's ticket.
    Answered(Vec<u8>, u64),
    /// Given back: its owner does it alone. The slot is free again.
    Returned,
    /// The slot was given to someone else (this process was taken for dead): what
    /// became of the request is not known here; doing it again tells, as after a return.
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

    /// Moves the slot from `from` to `to` within generation `generation`.
    fn turn(&self, generation: u32, from: u32, to: u32) -> bool {
        self.state
            .compare_exchange(
                word(generation, from),
                word(generation, to),
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_ok()
    }
}

impl BoardMemory {
    /// Copies `bytes` into slot `index`.
    ///
    /// # Safety
    /// The caller alone may write the slot's bytes now (its owner while filling, the
    /// gate holder while it is taken).
    unsafe fn write(&self, index: usize, bytes: &[u8]) {
        let bytes = &bytes[..bytes.len().min(SLOT_BYTES)];
        // SAFETY: `bytes` fits, and nobody else touches the slot.
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

    /// Empties every slot: nothing posted in an earlier boot waits any more (its poster
    /// is gone with it, and a call's form was kept as a draft). Called under the gate
    /// file's flock when no process of this boot has used the board yet.
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
        // Release: the bytes and the owner are visible to whoever sees the request.
        slot.turn(posted.generation, FILLING, POSTED)
            .then_some(posted)
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

    /// Frees the slots left by posters that died: posted, answered or returned. A slot
    /// being filled is left alone: its owner field may still name the one before.
    fn free_orphans(&self) {
        for slot in &self.slots {
            let now = slot.state.load(Ordering::Acquire);
            if matches!(kind(now), POSTED | ANSWERED | RETURNED)
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

    /// Where the request on `posted` stands. An answer is read and the slot freed, and
    /// a returned request's slot freed.
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
                if !slot.turn(posted.generation, ANSWERED, FREE) {
                    return Standing::Lost;
                }
                Standing::Answered(bytes, ticket)
            }
            RETURNED if slot.turn(posted.generation, RETURNED, FREE) => Standing::Returned,
            TAKEN => Standing::Taken,
            POSTED => Standing::Waiting,
            _ => Standing::Lost,
        }
    }

    /// Takes the request back if nobody has taken it; `false` if someone has.
    pub(crate) fn withdraw(&self, posted: Posted) -> bool {
        self.slots[posted.index].turn(posted.generation, POSTED, FREE)
    }

    /// Stops waiting for the holder doing the request; `false` if it is no longer taken.
    pub(crate) fn abandon(&self, posted: Posted) -> bool {
        self.slots[posted.index].turn(posted.generation, TAKEN, ABANDONED)
    }

    /// The current value of the owner's futex, read before looking at the slot.
    pub(crate) fn nudges(&self, posted: Posted) -> u32 {
        self.slots[posted.index].nudge.load(Ordering::Acquire)
    }

    /// Sleeps until the slot is nudged after `seen` was read, or `wait` has passed.
    pub(crate) fn wait(&self, posted: Posted, seen: u32, wait: Duration) {
        futex_wait(&self.slots[posted.index].nudge, seen, wait);
    }

    /// Takes every posted request, `own` first. Requests a holder took and did not
    /// answer (it died) are returned to their owners, and slots their owners abandoned
    /// to such a holder are freed. The caller must hold the gate.
    pub(crate) fn take(&self, own: Option<Posted>) -> Vec<Taken> {
        let mut taken = Vec::new();
        let own = own.map(|p| p.index);
        let others = (0..SLOTS).filter(|&i| Some(i) != own);
        for index in own.into_iter().chain(others) {
            let slot = &self.slots[index];
            let now = slot.state.load(Ordering::Acquire);
            let generation = generation(now);
            match kind(now) {
                POSTED if slot.turn(generation, POSTED, TAKEN) => taken.push(Taken {
                    posted: Posted { index, generation },
                    // SAFETY: taken slots are written only by the gate holder: us.
                    bytes: unsafe { self.read(index) },
                }),
                TAKEN if slot.turn(generation, TAKEN, RETURNED) => slot.nudge(),
                ABANDONED => {
                    slot.turn(generation, ABANDONED, FREE);
                }
                _ => {}
            }
        }
        taken
    }

    /// Whether `taken` is the request on `posted`.
    pub(crate) fn is(&self, taken: &Taken, posted: Posted) -> bool {
        taken.posted == posted
    }

    /// Answers a taken request, and wakes its owner; frees the slot if its owner has
    /// stopped waiting.
    pub(crate) fn answer(&self, taken: &Taken, bytes: &[u8], ticket: u64) {
        let Posted { index, generation } = taken.posted;
        let slot = &self.slots[index];
        // SAFETY: the slot is taken (or abandoned to us), and we hold the gate.
        unsafe { self.write(index, bytes) };
        slot.ticket.store(ticket, Ordering::Relaxed);
        if slot.turn(generation, TAKEN, ANSWERED) {
            slot.nudge();
        } else {
            slot.turn(generation, ABANDONED, FREE);
        }
    }

    /// Returns a taken request to its owner, to do alone.
    pub(crate) fn give_back(&self, taken: &Taken) {
        let Posted { index, generation } = taken.posted;
        let slot = &self.slots[index];
        if slot.turn(generation, TAKEN, RETURNED) {
            slot.nudge();
        } else {
            slot.turn(generation, ABANDONED, FREE);
        }
    }

    /// Wakes the owner of one posted request: the gate has just been let go, and it may
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

    /// Whether no request waits to be done or is being done.
    pub(crate) fn is_empty(&self) -> bool {
        self.slots
            .iter()
            .all(|s| !matches!(kind(s.state.load(Ordering::Relaxed)), POSTED | TAKEN))
    }

    /// Requests posted and not yet answered (for tests).
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
#[cfg(target_os = "linux")]
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

#[cfg(target_os = "linux")]
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

// Elsewhere the board is not used (see `WriteGate::board`); these keep it building.
#[cfg(not(target_os = "linux"))]
fn futex_wait(_: &AtomicU32, _: u32, wait: Duration) {
    std::thread::sleep(wait.min(Duration::from_millis(1)));
}

#[cfg(not(target_os = "linux"))]
fn futex_wake(_: &AtomicU32) {}

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
    fn requests_a_dead_holder_took_are_returned_to_their_owners_not_done_again() {
        let board = board();
        let a = board.post(b"a").unwrap();
        let b = board.post(b"b").unwrap();
        // A holder takes both and dies before answering.
        let lost = board.take(None);
        assert_eq!(lost.len(), 2);
        let c = board.post(b"c").unwrap();
        let next = board.take(Some(c));
        assert_eq!(next.len(), 1, "the next holder does only the new request");
        assert!(board.is(&next[0], c));
        assert_eq!(board.standing(a), Standing::Returned);
        assert_eq!(board.standing(b), Standing::Returned);
        assert_eq!(board.standing(a), Standing::Lost, "its slot is free again");
        // The dead holder's handles can do nothing more.
        board.answer(&lost[0], b"late", 9);
        board.give_back(&lost[1]);
        assert_eq!(board.waiting(), 1);
    }

    #[test]
    fn a_request_given_back_goes_to_its_owner_and_an_abandoned_one_frees_its_slot() {
        let board = board();
        let a = board.post(b"a").unwrap();
        let b = board.post(b"b").unwrap();
        let taken = board.take(None);
        let (for_a, for_b) = if board.is(&taken[0], a) {
            (&taken[0], &taken[1])
        } else {
            (&taken[1], &taken[0])
        };
        board.give_back(for_a);
        assert_eq!(board.standing(a), Standing::Returned);
        assert!(!board.withdraw(b), "taken");
        assert!(board.abandon(b));
        board.answer(for_b, b"saved", 1);
        assert_eq!(board.standing(b), Standing::Lost, "nobody reads the answer");
        assert_eq!(board.waiting(), 0);
        let posted: Vec<Posted> = (0..SLOTS).map(|_| board.post(b"x").unwrap()).collect();
        assert!(
            posted.iter().any(|p| p.index == b.index),
            "its slot is free"
        );
        // Abandoned to a holder that then died: the next holder frees the slot.
        let d = posted[0];
        let taken = board.take(None);
        assert!(board.abandon(d));
        drop(taken);
        assert_eq!(board.take(None).len(), 0);
        assert!(board.post(b"y").is_some(), "the abandoned slot was freed");
    }

    #[test]
    fn a_holder_takes_its_own_request_first_and_each_request_once() {
        let board = board();
        let posted: Vec<Posted> = (0..10).map(|_| board.post(b"x").unwrap()).collect();
        let own = posted[7];
        let taken = board.take(Some(own));
        assert_eq!(taken.len(), 10);
        assert!(board.is(&taken[0], own));
        let mut slots: Vec<usize> = taken.iter().map(|t| t.posted.index).collect();
        slots.sort();
        slots.dedup();
        assert_eq!(slots.len(), 10, "every request taken, each once");
    }

    #[test]
    fn a_call_too_long_for_a_slot_is_not_posted() {
        let board = board();
        assert!(board.post(&vec![b'x'; SLOT_BYTES + 1]).is_none());
        assert!(board.post(&vec![b'x'; SLOT_BYTES]).is_some());
    }

    #[test]
    fn slots_of_posters_that_died_are_freed_when_the_board_is_full() {
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
        // A slot being filled is never taken for an orphan: its owner field may still
        // name the owner before.
        let board = self::board();
        let filling: Vec<Posted> = (0..SLOTS).map(|i| board.fill(i).unwrap()).collect();
        for slot in &board.slots {
            slot.owner.store(u32::MAX >> 1, Ordering::Relaxed);
        }
        assert!(board.post(b"new").is_none());
        assert!(
            filling
                .iter()
                .all(|p| kind(board.slots[p.index].state.load(Ordering::Relaxed)) == FILLING)
        );
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
