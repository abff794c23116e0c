//! One module per subcommand. Each takes the parsed arguments and a `Context`.

/// `println!` for command output that may hold stored text: no escape sequence from the
/// data reaches the terminal (see `printable_lines`). JSON is printed as it is: its
/// strings escape control characters already.
macro_rules! say {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", $crate::commands::printable_lines(&format!($($arg)*)))
    };
}

/// Prints a line in the user's language (see `tr!`), control characters removed.
macro_rules! tell {
    ($($arg:tt)*) => {
        println!("{}", $crate::commands::printable_lines(&$crate::tr!($($arg)*)))
    };
}

/// Appends a line in the user's language (see `tr!`) to a `String`.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&$crate::tr!($($arg)*));
        $out.push('\n');
    }};
}

mod audit;
mod backup;
mod board;
mod cohorts;
mod demo;
mod doctor;
mod export;
mod followup;
mod import;
mod init;
mod loadtest;
mod operators;
mod plan;
mod purge;
mod queue;
mod report;
mod restore;
mod settings;
mod summary;
mod tenants;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::context::Context;

pub fn run(cli: Cli) -> Result<()> {
    crate::i18n::set_cli_lang(crate::i18n::Lang::of_user(cli.global.lang.as_deref()));
    let ctx = Context::from_cli(&cli.global)?;
    // Commands that never open the program's database have no use for a setgid
    // veille's group: they run with the user's own rights from the start.
    if matches!(
        cli.command,
        Some(Command::Demo(_) | Command::Restore(_) | Command::Loadtest(_))
    ) {
        crate::process::drop_group_rights()?;
    }
    if cli.command.is_some() {
        crate::process::quiet_on_closed_pipe();
    }
    match cli.command {
        None => crate::tui::run(&ctx, cli.operator.as_deref()),
        Some(Command::Init) => init::run(&ctx),
        Some(Command::Demo(args)) => demo::run(&ctx, &args),
        Some(Command::Import(cmd)) => import::run(&ctx, &cmd),
        Some(Command::Queue(args)) => queue::run(&ctx, &args),
        Some(Command::Cohorts(cmd)) => cohorts::run(&ctx, &cmd),
        Some(Command::Operators(args)) => operators::run(&ctx, &args),
        Some(Command::Refer(args)) => followup::refer(&ctx, &args),
        Some(Command::Intervene(args)) => followup::intervene(&ctx, &args),
        Some(Command::Referrals(cmd)) => followup::referrals(&ctx, &cmd),
        Some(Command::Interventions(cmd)) => followup::interventions(&ctx, &cmd),
        Some(Command::Teams(cmd)) => followup::teams(&ctx, &cmd),
        Some(Command::Settings(cmd)) => settings::run(&ctx, &cmd),
        Some(Command::Tenants(cmd)) => tenants::run(&ctx, &cmd),
        Some(Command::Doctor(args)) => doctor::run(&ctx, &args),
        Some(Command::Restore(args)) => restore::run(&args),
        Some(Command::Backup { file, force, by }) => {
            backup::run(&ctx, &file, force, by.operator.as_deref())
        }
        Some(Command::Audit(args)) => audit::run(&ctx, &args),
        Some(Command::Purge {
            older_than,
            dry_run,
            by,
        }) => purge::run(&ctx, older_than, dry_run, by.operator.as_deref()),
        Some(Command::Loadtest(args)) => loadtest::run(&ctx, &args),
        Some(Command::Summary(args)) => summary::run(&ctx, &args),
        Some(Command::Report(args)) => report::run(&ctx, &args),
        Some(Command::Plan(args)) => plan::run(&ctx, &args),
        Some(Command::Board(args)) => board::run(&ctx, &args),
        Some(Command::Export(args)) => export::run(&ctx, &args),
    }
}

/// The name of a domain code in the command line's language: `named("urgency",
/// "emergency")` is "Urgence" or "Emergency". A code without a name (written by a later
/// veille) is shown as it is.
pub(crate) fn named<'a>(kind: &str, code: &'a str) -> &'a str {
    crate::i18n::cli_lang()
        .lookup(&format!("{kind}.{code}"))
        .unwrap_or(code)
}

/// "lun." or "Mon": a day's short name in the command line's language.
pub(crate) fn weekday(day: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike;
    let i = day.weekday().num_days_from_monday() as usize;
    match crate::i18n::cli_lang() {
        crate::i18n::Lang::Fr => ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."][i],
        crate::i18n::Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// A figure's line: its name, in the user's language, in a column `width` wide, then its
/// value.
pub(crate) fn figure(out: &mut String, width: usize, [fr, en]: [&str; 2], value: &str) {
    use std::fmt::Write as _;
    let what = match crate::i18n::cli_lang() {
        crate::i18n::Lang::Fr => fr,
        crate::i18n::Lang::En => en,
    };
    let _ = writeln!(out, "{what:<width$}{value}");
}

/// "oui"/"non" or "yes"/"no".
pub(crate) fn yes_no(yes: bool) -> String {
    if yes {
        crate::tr!("oui", "yes")
    } else {
        crate::tr!("non", "no")
    }
}

/// Text from a path, a file or another program as a terminal may show it on one line: a
/// control character (the start of an escape sequence) or a bidirectional override becomes
/// `?`.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() || is_bidi(c) { '?' } else { c })
        .collect()
}

/// Lines of text for the terminal, stored text and file contents among them: as
/// `printable`, with line breaks and tabs kept (notes have lines).
pub(crate) fn printable_lines(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || is_bidi(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// The characters that reorder what follows them on screen: text could show one thing
/// and be another.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}
