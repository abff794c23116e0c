//! One module per subcommand. Each takes the parsed arguments and a `Context`.

mod audit;
mod backup;
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

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::store::Store;

/// What every command needs: the database path, the clock, the language.
#[derive(Debug, Clone)]
pub struct Context {
    pub db: PathBuf,
    pub clock: Clock,
    pub lang: Option<String>,
}

impl Context {
    pub fn from_cli(global: &crate::cli::Global) -> Result<Context> {
        let clock = match &global.now {
            Some(text) => {
                let start = chrono::DateTime::parse_from_rfc3339(text).with_context(|| {
                    format!("--now '{text}' is not a time like 2026-11-28T09:00:00Z")
                })?;
                Clock::starting_at(start.with_timezone(&chrono::Utc))
            }
            None => Clock::system(),
        };
        Ok(Context {
            db: global
                .db
                .clone()
                .unwrap_or_else(crate::config::default_db_path),
            clock,
            lang: global.lang.clone(),
        })
    }

    /// Opens (creating or upgrading) the database.
    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.db)?)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::from_cli(&cli.global)?;
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
        Some(Command::Backup { file, force }) => backup::run(&ctx, &file, force),
        Some(Command::Audit(args)) => audit::run(&ctx, &args),
        Some(Command::Purge {
            older_than,
            dry_run,
            operator,
        }) => purge::run(&ctx, older_than, dry_run, operator.as_deref()),
        Some(Command::Loadtest(args)) => loadtest::run(&ctx, &args),
        Some(Command::Summary(args)) => summary::run(&ctx, &args),
        Some(Command::Report(args)) => report::run(&ctx, &args),
        Some(Command::Plan(args)) => plan::run(&ctx, &args),
        Some(Command::Export(args)) => export::run(&ctx, &args),
    }
}
