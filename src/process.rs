//! What veille asks of its own process from the operating system. The only module
//! allowed `unsafe`: each block says why it is sound.
#![allow(unsafe_code)]

/// SQLite frees its whole page cache whenever another operator has written, and reads
/// the pages back at once: glibc would hand that memory to the system at every free and
/// fault it in again (a sixth of a save's time under load). Freed memory stays in the
/// process instead; the peak, which is what an operator's screen costs, is unchanged.
/// Call it first thing in `main`, before any other thread exists.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` changes the allocator's settings; `main` calls this before any
    // other thread exists, so no allocation runs beside it.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 16 << 20);
    }
}

/// `veille queue | head` must stop quietly when `head` has read enough, as command-line
/// tools do, instead of failing on the closed pipe. (The operator screen keeps Rust's
/// default, so that it always restores the terminal itself.)
pub fn quiet_on_closed_pipe() {
    use nix::sys::signal::{SigHandler, Signal, signal};
    // SAFETY: restores the default action, so no handler of ours ever runs; called before
    // any other thread exists.
    unsafe {
        let _ = signal(Signal::SIGPIPE, SigHandler::SigDfl);
    }
}
