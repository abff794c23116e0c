use clap::Parser;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    let cli = veille::cli::Cli::parse();
    match veille::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("veille: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// SQLite frees its whole page cache whenever another operator has written, and reads
/// the pages back at once: glibc would hand that memory to the system at every free and
/// fault it in again (a sixth of a save's time under load). Freed memory stays in the
/// process instead; the peak, which is what an operator's screen costs, is unchanged.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 16 << 20);
    }
}
