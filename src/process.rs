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

/// The Unix account running this process, from its real user id (the person who
/// started veille, even through a setgid binary), as the audit log records it.
pub fn account() -> &'static str {
    static ACCOUNT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ACCOUNT.get_or_init(|| account_of(nix::unistd::getuid().as_raw()))
}

/// The real user id of this process.
pub fn uid() -> u32 {
    nix::unistd::getuid().as_raw()
}

/// The name of a user id in the system's accounts, or "uid N" when it has none.
pub fn account_of(uid: u32) -> String {
    match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}

/// Whether this is a setgid veille (the recommended deployment): it runs with the data's
/// group as its effective group, which the person running it does not have.
pub fn is_setgid() -> bool {
    nix::unistd::getegid() != nix::unistd::getgid()
}

/// What a setgid veille does first, before anything reads the environment: nothing the
/// user sets may steer a file opened with the group's rights, and the process keeps the
/// data it reads to itself.
pub fn harden_setgid() {
    // SAFETY: `main` calls this first, before any other thread exists, so nothing reads
    // the environment while it changes.
    unsafe {
        for name in [
            "VEILLE_DB",
            "VEILLE_NOW",
            "VEILLE_DATA_DIR",
            "SQLITE_TMPDIR",
            "TMPDIR",
        ] {
            std::env::remove_var(name);
        }
    }
    // No core dump, and no ptrace or /proc access by the user even after the group is
    // given up: the memory holds what was read from the database.
    let _ = nix::sys::prctl::set_dumpable(false);
    let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
}

/// Gives up the group rights of a setgid veille once the database is open: every file
/// opened from then on (an import, an export, drafts, preferences) is opened with the
/// user's own rights. The group stays the process's saved one, for a second connection
/// to the database (`with_group_rights`). Does nothing in an ordinary veille.
pub fn drop_group_rights() -> std::io::Result<()> {
    if !is_setgid() {
        return Ok(());
    }
    nix::unistd::setegid(nix::unistd::getgid()).map_err(std::io::Error::from)
}

/// Runs `f` (opening the program's database again: the coordinator's board reads on a
/// connection of its own) with the data's group, then gives the group up again.
pub fn with_group_rights<T>(f: impl FnOnce() -> T) -> T {
    let Ok(ids) = nix::unistd::getresgid() else {
        return f();
    };
    if ids.saved == ids.real || ids.effective == ids.saved {
        return f();
    }
    let _ = nix::unistd::setegid(ids.saved);
    let out = f();
    if nix::unistd::setegid(ids.real).is_err() {
        // Never go on with rights the user does not have.
        std::process::abort();
    }
    out
}
