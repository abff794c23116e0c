//! `veille demo`: a database filled with realistic synthetic data, then the operator
//! screen on it.
//!
//! Each run makes a fresh demo and replaces the previous one: a trainer gets the same
//! starting point for every session (same seed, same people, the story dated from
//! today, with calls due now and callbacks due today). It never replaces a file it did
//! not make. If people have worked in the old demo, it asks before replacing it when
//! run from a terminal; answering no opens the old demo as it is.
//!
//! Without `--db`, the demo has a file of its own (`demo.db` next to the program's
//! default database), so trying veille never touches real data.

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};

use super::Context;
use crate::cli::DemoArgs;
use crate::demo::{self, Params, Summary};
use crate::store::Store;
use crate::store::demo::{DemoFile, DemoWork, inspect_demo_file};

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<()> {
    if args.tenants == 0 || args.tenants > demo::MAX_TENANTS {
        anyhow::bail!(
            "--tenants {} is out of range: a demo has between 1 and {} tenants",
            args.tenants,
            demo::MAX_TENANTS
        );
    }
    if args.weeks > demo::MAX_WEEKS {
        anyhow::bail!(
            "--weeks {} is out of range: a demo has at most {} weeks of history",
            args.weeks,
            demo::MAX_WEEKS
        );
    }
    // Never the program's file: the default database, or the one a setgid veille serves.
    let own_file = ctx.setgid || ctx.db == crate::config::default_db_path();
    let path = if own_file {
        crate::config::data_dir().join("demo.db")
    } else {
        ctx.db.clone()
    };
    let demo_ctx = Context {
        db: path.clone(),
        ..ctx.clone()
    };

    if path.exists() {
        match inspect_demo_file(&path)? {
            DemoFile::NotDemo => anyhow::bail!(
                "{} is not a demo database, so veille demo leaves it as it is: it only \
                 replaces databases it made itself. Give another file with --db.",
                path.display()
            ),
            DemoFile::Demo(work) if !work.is_empty() && std::io::stdin().is_terminal() => {
                if !confirm_replace(&path, work, !args.no_tui)? {
                    if args.no_tui {
                        println!("Kept {} as it is.", path.display());
                        return Ok(());
                    }
                    return crate::tui::run(&demo_ctx, args.operator.as_deref());
                }
            }
            DemoFile::Demo(_) => {}
        }
    }

    let started = Instant::now();
    let params = Params {
        tenants: args.tenants,
        weeks: args.weeks,
        seed: args.seed,
        now: demo::anchor(ctx.clock.now()),
        lang: ctx.language(),
    };
    let summary = build(&path, &params)?;
    print_summary(&path, own_file, &params, &summary, started.elapsed());
    if args.no_tui {
        return Ok(());
    }
    crate::tui::run(&demo_ctx, args.operator.as_deref())
}

/// Asks whether to replace a demo people have worked in. No answer (end of input) is no.
fn confirm_replace(path: &Path, work: DemoWork, opens: bool) -> Result<bool> {
    let mut done = Vec::new();
    if work.calls > 0 {
        done.push(counted(work.calls, "call saved", "calls saved"));
    }
    if work.claims > 0 {
        done.push(counted(work.claims, "tenant taken", "tenants taken"));
    }
    let otherwise = if opens {
        "open it as it is"
    } else {
        "keep it as it is"
    };
    print!(
        "{} holds work done since the demo was made ({}).\n\
         Replace it with a fresh demo? Answer n to {otherwise}. [y/N] ",
        path.display(),
        done.join(", "),
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(crate::domain::parse::yes_no(&answer).unwrap_or(false))
}

fn counted(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Makes the demo in a new file beside `path`, then puts it in place of `path`: if
/// anything fails on the way, the previous file is left untouched.
fn build(path: &Path, params: &Params) -> Result<Summary> {
    let name = path
        .file_name()
        .map_or_else(|| "demo.db".into(), |n| n.to_string_lossy().into_owned());
    let building = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    remove_database_files(&building)?;
    let made = make(&building, params);
    let placed = made.and_then(|summary| {
        // Someone may have put another database here meanwhile: check again.
        if path.exists() && inspect_demo_file(path)? == DemoFile::NotDemo {
            anyhow::bail!(
                "{} was replaced by a database that is not a demo while the demo was being \
                 made; it is left as it is",
                path.display()
            );
        }
        // The old demo's journal files belong to the old file: remove them with it.
        remove_database_files(path)?;
        std::fs::rename(&building, path)
            .with_context(|| format!("cannot put the demo database at {}", path.display()))?;
        // Companions left under the building name go too.
        remove_database_files(&building)?;
        Ok(summary)
    });
    if placed.is_err() {
        let _ = remove_database_files(&building);
    }
    placed
}

fn make(file: &Path, params: &Params) -> Result<Summary> {
    let mut store = Store::open(file)?;
    for (key, value) in demo::settings(params) {
        store.set_setting(&key, &value)?;
    }
    let rules = store.rules()?;
    let bulk = demo::generate(params, &rules, &store.services()?)?;
    store.insert_bulk(&bulk)?;
    store.checkpoint_and_close()?;
    Ok(demo::summary(&bulk, params.now, &rules))
}

/// Removes a database file and its -wal and -shm companions, and the -lock file an
/// older veille kept beside it, those that exist.
fn remove_database_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-lock"] {
        let mut name = OsString::from(path.as_os_str());
        name.push(suffix);
        let file = PathBuf::from(name);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("cannot remove {}", file.display()));
            }
        }
    }
    Ok(())
}

fn print_summary(
    path: &Path,
    own_file: bool,
    params: &Params,
    s: &Summary,
    took: std::time::Duration,
) {
    let n = |count: usize, one: &str, many: &str| counted(count as i64, one, many);
    println!("Demo database made: {}", path.display());
    if own_file {
        println!("  (a file of its own: the demo never touches the program's database)");
    }
    println!(
        "  {} in {} of Paris ({} living alone), 2 cohorts",
        n(s.tenants, "tenant", "tenants"),
        n(s.arrondissements, "arrondissement", "arrondissements"),
        s.living_alone
    );
    println!(
        "  {}, {}, {}",
        n(s.logins.len(), "operator", "operators"),
        n(s.coordinators.len(), "coordinator", "coordinators"),
        n(s.field_teams, "field team", "field teams")
    );
    println!(
        "  {} of history: {} ({} reached), {},",
        n(params.weeks as usize, "week", "weeks"),
        n(s.calls, "call", "calls"),
        s.reached,
        n(s.shifts, "shift", "shifts")
    );
    println!(
        "    {} ({} open), {} ({} open)",
        n(s.referrals, "referral", "referrals"),
        s.open_referrals,
        n(
            s.interventions,
            "intervention request",
            "intervention requests"
        ),
        s.open_interventions
    );
    println!(
        "  Now: {} due, {} due today (calls allowed at any hour)",
        n(s.due_now, "tenant", "tenants"),
        n(s.callbacks_today, "callback", "callbacks")
    );
    let mut logins: Vec<&str> = s.logins.iter().take(3).map(String::as_str).collect();
    if s.logins.len() > 3 {
        logins.push("…");
    }
    match s.coordinators.first() {
        Some(c) => println!("  Sign in as {c} (coordinator) or {}", logins.join(", ")),
        None => println!("  Sign in as {}", logins.join(", ")),
    }
    println!("Open it with: veille --db {}", shell_quoted(path));
    println!(
        "Made in {:.1} s from seed {}. Running veille demo again replaces it with a fresh one.",
        took.as_secs_f64(),
        params.seed
    );
}

/// A path as it can be pasted in a shell.
fn shell_quoted(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(
            shell_quoted(Path::new("/home/ana/.local/share/veille/demo.db")),
            "/home/ana/.local/share/veille/demo.db"
        );
        assert_eq!(
            shell_quoted(Path::new("/home/ana/Mes documents/l'essai.db")),
            r"'/home/ana/Mes documents/l'\''essai.db'"
        );
    }
}
