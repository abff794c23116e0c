#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    veille::process::keep_freed_memory();
    if veille::process::is_setgid() {
        veille::process::harden_setgid();
    }
    let cli = veille::cli_help::parse();
    match veille::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Errors may quote stored text or file contents: no control character reaches
            // the terminal.
            let text: String = format!("{e:#}")
                .chars()
                .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
                .collect();
            eprintln!("veille: {text}");
            std::process::ExitCode::FAILURE
        }
    }
}
