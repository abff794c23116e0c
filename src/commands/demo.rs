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
use crate::tr;

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<()> {
    if args.tenants == 0 || args.tenants > demo::MAX_TENANTS {
        anyhow::bail!(tr!(
            "--tenants {} est hors limites : une démo a entre 1 et {} locataires",
            "--tenants {} is out of range: a demo has between 1 and {} tenants",
            args.tenants,
            demo::MAX_TENANTS
        ));
    }
    if args.weeks > demo::MAX_WEEKS {
        anyhow::bail!(tr!(
            "--weeks {} est hors limites : une démo a au plus {} semaines d'historique",
            "--weeks {} is out of range: a demo has at most {} weeks of history",
            args.weeks,
            demo::MAX_WEEKS
        ));
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
            DemoFile::NotDemo => anyhow::bail!(tr!(
                "{} n'est pas une base de démonstration, donc veille demo la laisse telle quelle : \
                 il ne remplace que les bases qu'il a faites lui-même. Donnez un autre fichier avec --db.",
                "{} is not a demo database, so veille demo leaves it as it is: it only \
                 replaces databases it made itself. Give another file with --db.",
                shown(&path)
            )),
            DemoFile::Demo(work) if !work.is_empty() && std::io::stdin().is_terminal() => {
                if !confirm_replace(&path, work, !args.no_tui)? {
                    if args.no_tui {
                        let path = shown(&path);
                        tell!("{path} est gardé tel quel.", "Kept {path} as it is.");
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
        done.push(counted(
            work.calls,
            ["appel enregistré", "appels enregistrés"],
            ["call saved", "calls saved"],
        ));
    }
    if work.claims > 0 {
        done.push(counted(
            work.claims,
            ["locataire pris", "locataires pris"],
            ["tenant taken", "tenants taken"],
        ));
    }
    let otherwise = if opens {
        tr!("l'ouvrir telle quelle", "open it as it is")
    } else {
        tr!("la garder telle quelle", "keep it as it is")
    };
    let (path, done) = (shown(path), done.join(", "));
    print!(
        "{}",
        tr!(
            "{path} contient du travail fait depuis que la démo a été faite ({done}).\n\
             La remplacer par une nouvelle démo ? Répondez n pour {otherwise}. [o/N] ",
            "{path} holds work done since the demo was made ({done}).\n\
             Replace it with a fresh demo? Answer n to {otherwise}. [y/N] "
        )
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(crate::domain::parse::yes_no(&answer).unwrap_or(false))
}

fn counted(n: i64, fr: [&str; 2], en: [&str; 2]) -> String {
    crate::i18n::count(usize::try_from(n).unwrap_or(0), fr, en)
}

/// A path as the terminal may show it.
fn shown(path: &Path) -> String {
    super::printable(&path.display().to_string())
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
            anyhow::bail!(tr!(
                "{} a été remplacé par une base qui n'est pas une démo pendant que la démo se \
                 faisait ; il est laissé tel quel",
                "{} was replaced by a database that is not a demo while the demo was being \
                 made; it is left as it is",
                shown(path)
            ));
        }
        // The old demo's journal files belong to the old file: remove them with it.
        remove_database_files(path)?;
        std::fs::rename(&building, path).with_context(|| {
            tr!(
                "impossible de mettre la base de démonstration à {}",
                "cannot put the demo database at {}",
                shown(path)
            )
        })?;
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
                return Err(e).with_context(|| {
                    tr!(
                        "impossible de supprimer {}",
                        "cannot remove {}",
                        shown(&file)
                    )
                });
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
    let n = |count: usize, fr, en| counted(count as i64, fr, en);
    let file = shown(path);
    tell!(
        "Base de démonstration faite : {file}",
        "Demo database made: {file}"
    );
    if own_file {
        tell!(
            "  (un fichier à elle : la démo ne touche jamais à la base du programme)",
            "  (a file of its own: the demo never touches the program's database)"
        );
    }
    let (tenants, places, alone) = (
        n(
            s.tenants,
            ["locataire", "locataires"],
            ["tenant", "tenants"],
        ),
        n(
            s.arrondissements,
            ["arrondissement", "arrondissements"],
            ["arrondissement", "arrondissements"],
        ),
        s.living_alone,
    );
    tell!(
        "  {tenants} dans {places} de Paris ({alone} vivant seuls), 2 cohortes",
        "  {tenants} in {places} of Paris ({alone} living alone), 2 cohorts"
    );
    say!(
        "  {}, {}, {}",
        n(
            s.logins.len(),
            ["opérateur", "opérateurs"],
            ["operator", "operators"]
        ),
        n(
            s.coordinators.len(),
            ["coordinateur", "coordinateurs"],
            ["coordinator", "coordinators"]
        ),
        n(
            s.field_teams,
            ["équipe de terrain", "équipes de terrain"],
            ["field team", "field teams"]
        )
    );
    let (weeks, calls, reached, shifts) = (
        n(
            params.weeks as usize,
            ["semaine", "semaines"],
            ["week", "weeks"],
        ),
        n(s.calls, ["appel", "appels"], ["call", "calls"]),
        s.reached,
        n(s.shifts, ["service", "services"], ["shift", "shifts"]),
    );
    tell!(
        "  {weeks} d'historique : {calls} ({reached} joints), {shifts},",
        "  {weeks} of history: {calls} ({reached} reached), {shifts},"
    );
    let (referrals, open_referrals, requests, open_requests) = (
        n(
            s.referrals,
            ["orientation", "orientations"],
            ["referral", "referrals"],
        ),
        s.open_referrals,
        n(
            s.interventions,
            ["demande d'intervention", "demandes d'intervention"],
            ["intervention request", "intervention requests"],
        ),
        s.open_interventions,
    );
    tell!(
        "    {referrals} ({open_referrals} ouvertes), {requests} ({open_requests} ouvertes)",
        "    {referrals} ({open_referrals} open), {requests} ({open_requests} open)"
    );
    let (due, callbacks) = (
        n(
            s.due_now,
            ["locataire", "locataires"],
            ["tenant", "tenants"],
        ),
        n(
            s.callbacks_today,
            ["rappel", "rappels"],
            ["callback", "callbacks"],
        ),
    );
    tell!(
        "  Maintenant : {due} à appeler, {callbacks} prévus aujourd'hui (appels permis à toute heure)",
        "  Now: {due} due, {callbacks} due today (calls allowed at any hour)"
    );
    let mut logins: Vec<&str> = s.logins.iter().take(3).map(String::as_str).collect();
    if s.logins.len() > 3 {
        logins.push("…");
    }
    let logins = logins.join(", ");
    match s.coordinators.first() {
        Some(c) => tell!(
            "  Connectez-vous comme {c} (coordinateur) ou {logins}",
            "  Sign in as {c} (coordinator) or {logins}"
        ),
        None => tell!("  Connectez-vous comme {logins}", "  Sign in as {logins}"),
    }
    let open = shell_quoted(path);
    tell!(
        "Pour l'ouvrir : veille --db {open}",
        "Open it with: veille --db {open}"
    );
    let (took, seed) = (took.as_secs_f64(), params.seed);
    tell!(
        "Faite en {took:.1} s avec la graine {seed}. Relancer veille demo la remplace par une nouvelle.",
        "Made in {took:.1} s from seed {seed}. Running veille demo again replaces it with a fresh one."
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
