#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    veille::process::keep_freed_memory();
    let cli = veille::cli::Cli::parse();
    match veille::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("veille: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
