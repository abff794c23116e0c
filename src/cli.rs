//! The command line: `veille` alone opens the operator screen; subcommands do the rest.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "veille",
    version,
    about = "Weekly wellness-check calls for elderly tenants: the operators' terminal app",
    long_about = "veille alone opens the operator screen on the database. Many operators can \
                  work at once on one shared database file (--db or VEILLE_DB)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Sign in as this operator (login or number) when the operator screen opens.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The database file (default: veille.db in the platform data folder).
    #[arg(long, global = true, env = "VEILLE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of the screens and messages: fr or en (default: config, then LANG).
    #[arg(long, global = true, value_name = "fr|en")]
    pub lang: Option<String>,
    /// Run as if the clock read this instant (RFC 3339), for tests and demonstrations.
    #[arg(
        long,
        global = true,
        env = "VEILLE_NOW",
        hide = true,
        value_name = "TIME"
    )]
    pub now: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty database, or bring an existing one to the current schema.
    Init,
    /// Create a database filled with realistic synthetic data, then open the operator screen on it.
    Demo(DemoArgs),
    /// Import the landlord's tenant list or the list of operators from a CSV file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Show the queue as the rules order it, without claiming anyone.
    Queue(QueueArgs),
    /// List, add and change cohorts.
    #[command(subcommand)]
    Cohorts(CohortsCommand),
    /// List the operators.
    Operators(JsonFlag),
    /// Show or change the program's settings (calling hours, lease, retries).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Check the database file: integrity, schema version, journal, file system, free disk.
    Doctor(JsonFlag),
    /// Run many operator processes claiming and saving calls on one file, and print what was measured.
    Loadtest(LoadtestArgs),
}

#[derive(Debug, Args)]
pub struct OperatorArg {
    /// The operator (login or number).
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of tenants to make.
    #[arg(long, default_value_t = 2000)]
    pub tenants: usize,
    /// Seed of the generator: the same seed makes the same database.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Weeks of past calls, referrals and interventions to make.
    #[arg(long, default_value_t = 3)]
    pub weeks: u32,
    /// Only create the database; do not open the operator screen.
    #[arg(long)]
    pub no_tui: bool,
    /// Sign in as this operator when the screen opens.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import tenants (the landlord's list). Re-importing updates tenants by their reference.
    Tenants(ImportArgs),
    /// Import operators and coordinators.
    Operators(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (`;` or `,` separated, UTF-8 or Windows-1252).
    pub file: PathBuf,
    /// Put the imported tenants in this cohort (default: the first cohort by priority).
    #[arg(long, value_name = "NAME")]
    pub cohort: Option<String>,
    /// Import the valid rows and list the others (default: write nothing if any row is bad).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Only check the file and report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(flatten)]
    pub operator: OperatorArg,
    /// How many tenants to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CohortsCommand {
    /// List the cohorts in calling order.
    List(JsonFlag),
    /// Add a cohort (by default behind the existing ones, weekly, from today).
    Add {
        name: String,
        /// 1 is called first (default: after the existing cohorts).
        #[arg(long)]
        priority: Option<i64>,
        /// Days between two rounds of calls.
        #[arg(long, default_value_t = 7)]
        cadence: u32,
        /// Date from which the cohort is called (dd/mm/yyyy or yyyy-mm-dd; default today).
        #[arg(long, value_name = "DATE")]
        starts: Option<String>,
    },
    /// Change a cohort's priority, cadence, start date, or pause it.
    Set {
        name: String,
        #[arg(long)]
        priority: Option<i64>,
        #[arg(long)]
        cadence: Option<u32>,
        #[arg(long, value_name = "DATE")]
        starts: Option<String>,
        /// Stop calling this cohort (its tenants leave the queue).
        #[arg(long, conflicts_with = "resume")]
        pause: bool,
        /// Call this cohort again.
        #[arg(long)]
        resume: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the settings in force.
    Show,
    /// Change one setting (see `veille settings show` for the keys).
    Set { key: String, value: String },
}

#[derive(Debug, Args)]
pub struct LoadtestArgs {
    /// Number of operator processes.
    #[arg(long, default_value_t = 8)]
    pub operators: usize,
    /// How long to run (seconds); 0 runs until the queue is empty.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Milliseconds each operator spends "on the phone" before saving.
    #[arg(long, default_value_t = 0)]
    pub think_ms: u64,
    /// Internal: run as one worker process of a load test.
    #[arg(long, hide = true)]
    pub worker: Option<usize>,
}
