//! From the screen to the phone: the number as it is dialled (with the caller-ID-hiding
//! prefix a volunteer calling from their own phone may use, #31# in France), copied to
//! the operator's own clipboard by the terminal (OSC 52: it works over SSH too), and
//! handed to a softphone's command line when one is configured.

use std::process::{Command, Stdio};

use base64::Engine as _;

/// The number to dial: its digits (and a leading +), after the prefix if any. `None` when
/// what is stored has no digit. Only digits, `+`, `#` and `*` can come out, whatever the
/// stored text or the prefix hold.
pub fn dialable(stored: &str, prefix: Option<&str>) -> Option<String> {
    let number: String = stored.chars().filter(|c| dialled(*c)).collect();
    if !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}{number}",
        self::prefix(prefix).unwrap_or_default()
    ))
}

/// The prefix as it is dialled (its digits, `+`, `#`, `*`), if it has any.
pub fn prefix(prefix: Option<&str>) -> Option<String> {
    let p: String = prefix?.chars().filter(|c| dialled(*c)).collect();
    (!p.is_empty()).then_some(p)
}

/// What a phone keypad can dial.
fn dialled(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '+' | '#' | '*')
}

/// The escape sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// Starts the configured dial command (`linphonecsh dial {number}`): its words, with
/// `{number}` replaced, run without a shell, detached from the screen.
pub fn run_dial_command(command: &str, number: &str) -> std::io::Result<()> {
    let mut words = command
        .split_whitespace()
        .map(|w| w.replace("{number}", number));
    let Some(program) = words.next() else {
        return Err(std::io::Error::other("the dial command is empty"));
    };
    Command::new(program)
        .args(words)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_a_phone_dials_comes_out() {
        assert_eq!(
            dialable("01 99 00 12 34", None).as_deref(),
            Some("0199001234")
        );
        assert_eq!(
            dialable("01 99 00 12 34", Some("#31#")).as_deref(),
            Some("#31#0199001234")
        );
        assert_eq!(
            dialable("+33 1 99 00 12 34", None).as_deref(),
            Some("+33199001234")
        );
        assert_eq!(
            dialable("01 99; rm -rf / $(reboot)\x1b]", Some("#31# && x")).as_deref(),
            Some("#31#0199")
        );
        assert_eq!(dialable("inconnu", None), None);
    }

    #[test]
    fn the_clipboard_sequence_carries_the_number_in_base64() {
        assert_eq!(osc52("0199001234"), "\x1b]52;c;MDE5OTAwMTIzNA==\x07");
    }

    #[test]
    fn the_dial_command_runs_without_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("dialled");
        let script = dir.path().join("dial.sh");
        std::fs::write(&script, "#!/bin/sh\nprintf '%s' \"$1\" > \"$2\"\n").unwrap();
        let mut p = std::fs::metadata(&script).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o755);
        std::fs::set_permissions(&script, p).unwrap();
        let command = format!("{} {{number}} {}", script.display(), out.display());
        run_dial_command(&command, "#31#0199001234").unwrap();
        let start = std::time::Instant::now();
        while !out.exists() && start.elapsed() < std::time::Duration::from_secs(5) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "#31#0199001234");
        assert!(run_dial_command("  ", "1").is_err());
    }
}
