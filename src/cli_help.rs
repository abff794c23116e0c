//! `veille --help` in French. The English help is the doc comments of `cli.rs`; the French
//! one is `assets/i18n/help_fr.toml`, one table per command (its path, `import.tenants`),
//! with `about`, an optional `long` and one key per option under `args`. A test keeps
//! every command and option of `cli.rs` translated.

use clap::builder::Resettable;
use clap::{Arg, ArgAction, Command};

const HELP_FR: &str = include_str!("../assets/i18n/help_fr.toml");

/// The command line as the user typed it, its help and its refusals in their language.
pub fn parse() -> crate::cli::Cli {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = crate::i18n::Lang::of_user(lang_asked(&args).as_deref());
    let mut cmd = crate::cli::Cli::command();
    if lang == crate::i18n::Lang::Fr {
        cmd = french(cmd);
    }
    let matches = cmd
        .try_get_matches_from(args)
        .and_then(|m| crate::cli::Cli::from_arg_matches(&m));
    match matches {
        Ok(cli) => cli,
        Err(e) => match french_error(&e).filter(|_| lang == crate::i18n::Lang::Fr) {
            Some(text) => {
                eprintln!("erreur : {text}\n\nPour en savoir plus, essayez « --help ».");
                std::process::exit(2);
            }
            None => e.exit(),
        },
    }
}

/// A refused command line said in French, for the refusals people meet (an unknown
/// option or command, a bad or missing value); `None` leaves clap's own words (the help
/// and the version are not refusals).
fn french_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let said = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) if !v.is_empty() => Some(v.join(" », « ")),
        _ => None,
    };
    let arg = said(ContextKind::InvalidArg).unwrap_or_default();
    let hint = said(ContextKind::SuggestedArg)
        .or_else(|| said(ContextKind::SuggestedSubcommand))
        .map(|s| format!(" ; vouliez-vous dire « {s} » ?"))
        .unwrap_or_default();
    Some(match e.kind() {
        ErrorKind::UnknownArgument => format!("option inconnue « {arg} »{hint}"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »{hint}",
            said(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = said(ContextKind::InvalidValue).unwrap_or_default();
            let valid = said(ContextKind::ValidValue)
                .map(|v| format!(" (valeurs possibles : « {v} »)"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("{arg} attend une valeur{valid}")
            } else {
                format!("« {value} » n'est pas une valeur possible pour {arg}{valid}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("il manque : {arg}"),
        ErrorKind::MissingSubcommand => "il manque la commande (voir --help)".to_owned(),
        ErrorKind::ArgumentConflict => format!(
            "{arg} ne va pas avec {}",
            said(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} : mauvais nombre de valeurs")
        }
        _ => return None,
    })
}

/// The `--lang` of the command line, read before the rest is parsed (the help depends
/// on it).
fn lang_asked(args: &[std::ffi::OsString]) -> Option<String> {
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(lang) = word.strip_prefix("--lang=") {
            return Some(lang.to_owned());
        }
        if word == "--lang" {
            return words.next().map(str::to_owned);
        }
    }
    None
}

/// The command line with its help in French. The global options (--db, --lang) are
/// translated where they are defined and reach the commands as they are; each command's
/// `--help` is made here, as clap's own would be, with a French text.
///
/// # Panics
///
/// If `assets/i18n/help_fr.toml`, built into the program, is not TOML (a unit test reads it).
pub fn french(cmd: Command) -> Command {
    let table: toml::Table = toml::from_str(HELP_FR).expect("assets/i18n/help_fr.toml is valid");
    let mut cmd = translate(cmd, &table, &["veille"])
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Afficher la version"),
        );
    // clap adds its `help` command when the command line is built: built here, so that
    // its line in the list of commands is French too.
    cmd.build();
    help_command(cmd)
}

/// The `help` command clap added, in French, at every level that has commands.
fn help_command(mut cmd: Command) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sc| {
            if sc.get_name() == "help" {
                sc.about("Afficher l'aide de veille ou de la commande donnée")
            } else {
                help_command(sc)
            }
        });
    }
    cmd
}

fn translate(mut cmd: Command, table: &toml::Table, path: &[&str]) -> Command {
    cmd = cmd
        .subcommand_help_heading("Commandes")
        .help_template(
            "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}",
        )
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Afficher l'aide"),
        );
    let entry = lookup(table, path);
    let text = |key: &str| {
        entry
            .and_then(|e| e.get(key))
            .and_then(toml::Value::as_str)
            .map(str::to_owned)
    };
    if let Some(about) = text("about") {
        // The English long text would otherwise show under `--help`.
        cmd = cmd.about(about);
        cmd = match text("long") {
            Some(long) => cmd.long_about(long),
            None => cmd.long_about(Resettable::Reset),
        };
    }
    let args = entry
        .and_then(|e| e.get("args"))
        .and_then(toml::Value::as_table);
    for (id, help) in args.into_iter().flatten() {
        if let Some(help) = help.as_str()
            && cmd.get_arguments().any(|a| a.get_id() == id.as_str())
        {
            let help = help.to_owned();
            cmd = cmd.mut_arg(id.as_str(), |a| a.help(help).long_help(Resettable::Reset));
        }
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(&name);
        cmd = cmd.mut_subcommand(&name, |sc| translate(sc, table, &sub_path));
    }
    cmd
}

/// The table of the command at `path` (`["veille", "import", "tenants"]`).
fn lookup<'t>(table: &'t toml::Table, path: &[&str]) -> Option<&'t toml::Table> {
    let mut at = table;
    for part in path {
        at = at.get(*part)?.as_table()?;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every command and option a user can see has its French text, and the table
    /// names nothing the command line does not have.
    #[test]
    fn every_command_and_option_has_its_french_help() {
        let table: toml::Table = toml::from_str(HELP_FR).unwrap();
        let mut missing = Vec::new();
        walk(
            &crate::cli::Cli::command(),
            &table,
            &["veille"],
            &mut missing,
        );
        assert!(
            missing.is_empty(),
            "missing in help_fr.toml:\n{}",
            missing.join("\n")
        );
    }

    fn walk(cmd: &Command, table: &toml::Table, path: &[&str], missing: &mut Vec<String>) {
        let name = path.join(".");
        let Some(entry) = lookup(table, path) else {
            missing.push(format!("[{name}] about"));
            return;
        };
        if !entry.contains_key("about") {
            missing.push(format!("[{name}] about"));
        }
        let args = entry.get("args").and_then(toml::Value::as_table);
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            let said = arg.get_help().is_some() || arg.get_long_help().is_some();
            if arg.is_hide_set() || !said || id == "help" || id == "version" {
                continue;
            }
            if !args.is_some_and(|a| a.contains_key(id)) {
                missing.push(format!("[{name}.args] {id}"));
            }
        }
        for id in args.into_iter().flat_map(|a| a.keys()) {
            if !cmd.get_arguments().any(|a| a.get_id() == id.as_str()) {
                missing.push(format!(
                    "[{name}.args] {id} is not an option of this command"
                ));
            }
        }
        for sub in cmd.get_subcommands() {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.get_name());
            walk(sub, table, &sub_path, missing);
        }
    }

    #[test]
    fn the_french_help_reads_in_french() {
        let mut cmd = french(crate::cli::Cli::command());
        let help = cmd.render_help().to_string();
        assert!(help.contains("Commandes"), "{help}");
        let import = cmd.find_subcommand_mut("import").unwrap();
        let help = import.render_long_help().to_string();
        assert!(!help.contains("Import the landlord"), "{help}");
    }
}
