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
    ///
    /// Without --db the demo has a file of its own (demo.db in the data folder), never the
    /// program's database. Running it again replaces the previous demo with a fresh one: the
    /// same seed gives the same people and story, dated from today. A database the demo did
    /// not make is never replaced. If people have worked in the old demo, veille asks first
    /// (on a terminal); answering no opens the old demo as it is.
    Demo(DemoArgs),
    /// Import the landlord's tenant list or the list of operators from a CSV file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Show the queue as the rules order it, without claiming anyone.
    Queue(QueueArgs),
    /// List, add and change cohorts.
    #[command(subcommand)]
    Cohorts(CohortsCommand),
    /// List the operators, or link one to the Unix account they log in with.
    Operators(OperatorsArgs),
    /// Look up a tenant, list those flagged to a coordinator, and fix what calls found.
    #[command(subcommand)]
    Tenants(TenantsCommand),
    /// Orient a tenant to a service (outside a call).
    Refer(ReferArgs),
    /// Ask a field team to go to a tenant (outside a call).
    Intervene(InterveneArgs),
    /// Follow referrals: list the open ones, change their status, read their history.
    #[command(subcommand)]
    Referrals(ReferralsCommand),
    /// Dispatch intervention requests: list, assign to a field team, close.
    #[command(subcommand)]
    Interventions(InterventionsCommand),
    /// Field teams: list, add, change members.
    #[command(subcommand)]
    Teams(TeamsCommand),
    /// Show or change the program's settings (calling hours, lease, retries).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Check the database file: integrity, schema version, journal, file system, free disk,
    /// backup, replication.
    Doctor(DoctorArgs),
    /// Bring a Litestream replica back as a working database, check it, and say what time it
    /// reflects.
    Restore(RestoreArgs),
    /// Make a consistent copy of the database while operators work.
    Backup {
        /// Where to write the copy.
        file: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Wipe call notes and health details older than the retention period (counts are kept).
    Purge {
        /// Retention period in months.
        #[arg(long, value_name = "MONTHS")]
        older_than: u32,
        /// Only count what would be wiped.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Read the audit log: who did what, newest first.
    Audit(AuditArgs),
    /// Run many operator processes claiming and saving calls on one file, and print what was measured.
    Loadtest(LoadtestArgs),
    /// An operator's end-of-shift summary: their last shift, a chosen shift, or a period.
    Summary(SummaryArgs),
    /// Program-wide figures for coordinators and partners (definitions in docs/REPORT.md).
    Report(ReportArgs),
    /// The operator-hours the coming week needs, day by day, and what a new cohort would cost.
    Plan(PlanArgs),
    /// The coordinator's live board: who is on a call or on a break, who is due, what waits.
    Board(BoardArgs),
    /// Export referrals, intervention requests, calls or tenants as CSV or JSON.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct OperatorArg {
    /// The operator (login or number).
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Litestream's configuration naming the replica (Litestream's default:
    /// /etc/litestream.yml).
    #[arg(long, value_name = "PATH")]
    pub litestream_config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The replica: its URL (file:///…, s3://…, sftp://…) or the database's path as named in
    /// Litestream's configuration.
    pub replica: String,
    /// The new database file to write; it must not exist.
    pub output: PathBuf,
    /// Restore the file as it was at this instant (2026-12-03T10:00:00Z) instead of the newest.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Litestream's configuration (for a replica named by its database's path).
    #[arg(long, value_name = "PATH")]
    pub litestream_config: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OperatorsArgs {
    #[command(subcommand)]
    pub command: Option<OperatorsCommand>,
    #[command(flatten)]
    pub list: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum OperatorsCommand {
    /// Link an operator to the Unix account they log in with: veille then acts as that
    /// operator for that account, and only for it.
    Link {
        /// The operator (login or number).
        login: String,
        /// The Unix account (as `id -un` prints it when that person is logged in).
        account: String,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Undo a link: the account can no longer act as the operator.
    Unlink {
        login: String,
        #[command(flatten)]
        by: ActingCoordinator,
    },
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
    #[arg(long, default_value_t = 10_000)]
    pub tenants: usize,
    /// Seed of the generator: the same seed makes the same database.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Weeks of past calls, referrals and interventions to make.
    #[arg(long, default_value_t = 6)]
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
    #[command(flatten)]
    pub by: ActingCoordinator,
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
        #[command(flatten)]
        by: ActingCoordinator,
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
        #[command(flatten)]
        by: ActingCoordinator,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Show a tenant's card (by the landlord's reference or veille's number).
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
        /// Also the health details of past calls: coordinators only, written in the audit log.
        #[arg(long)]
        health: bool,
        /// Who reads the card (login or number), written in the audit log; default: the
        /// operator linked to your account.
        #[arg(long, value_name = "ID")]
        operator: Option<String>,
    },
    /// Tenants a coordinator must look at: deceased reported, wrong number, refusals.
    Flagged(JsonFlag),
    /// Put a tenant back in the queue, due now (after a refusal or a flag).
    Reopen {
        reference: String,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Record a corrected phone number (a wrong-number flag is cleared and the tenant is due again).
    Phone {
        reference: String,
        number: String,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Correct a tenant's name (letters a spreadsheet lost, a spelling); a later import of
    /// the landlord's list with the letters lost again does not undo it.
    Name {
        reference: String,
        /// The last name as it should be written.
        #[arg(long, value_name = "NAME")]
        last_name: Option<String>,
        /// The first name as it should be written.
        #[arg(long, value_name = "NAME")]
        first_name: Option<String>,
        /// Madame, Monsieur…
        #[arg(long, value_name = "TITLE")]
        title: Option<String>,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Confirm a tenant's status: active, paused or hospitalised (with --until), moved, deceased.
    Status {
        reference: String,
        status: String,
        /// The date calls resume, for paused and hospitalised (dd/mm/yyyy).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Record that the tenant objects to being called (out of every queue), or withdraw it.
    ///
    /// An objection keeps only the landlord's reference and the objection: the name,
    /// phones, address and every text about the person are wiped (counts stay).
    Object {
        reference: String,
        /// The tenant agrees to be called again.
        #[arg(long, conflicts_with = "dry_run")]
        withdraw: bool,
        /// Only say what would be wiped.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Erase a person at their request: identity, reference and every text about them are
    /// wiped from the file and its journal; the counts of calls stay.
    Erase {
        reference: String,
        /// Only say what would be wiped.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        by: ActingCoordinator,
    },
}

#[derive(Debug, Args)]
pub struct ReferArgs {
    /// The tenant (the landlord's reference or veille's number).
    #[arg(long, value_name = "REF")]
    pub tenant: String,
    /// The service, by its code (see `veille referrals services`).
    #[arg(long, value_name = "CODE")]
    pub service: String,
    #[arg(long, default_value = "")]
    pub note: String,
    /// When to check on it (dd/mm/yyyy).
    #[arg(long, value_name = "DATE")]
    pub follow_up: Option<String>,
    /// Who records it (login or number); default: the operator linked to your account.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}

#[derive(Debug, Args)]
pub struct InterveneArgs {
    /// The tenant (the landlord's reference or veille's number).
    #[arg(long, value_name = "REF")]
    pub tenant: String,
    /// accompaniment, welfare_visit, delivery or other.
    #[arg(long)]
    pub kind: String,
    /// routine, urgent or emergency.
    #[arg(long, default_value = "routine")]
    pub urgency: String,
    /// When the team should be there (dd/mm/yyyy hh:mm, local time).
    #[arg(long, value_name = "DATE TIME")]
    pub when: Option<String>,
    /// Where (for an accompaniment: the appointment's address).
    #[arg(long, default_value = "")]
    pub place: String,
    /// What the team should know (needed for an emergency, which is wanted at once
    /// unless --when says otherwise).
    #[arg(long, default_value = "")]
    pub details: String,
    /// Who records it (login or number); default: the operator linked to your account.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReferralsCommand {
    /// Open referrals (or those of a status), by follow-up date; overdue ones are marked.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Only those made by this operator.
        #[arg(long, value_name = "ID")]
        operator: Option<String>,
        /// Only those whose follow-up date has passed.
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        json: bool,
    },
    /// Move a referral on: sent, in_progress, done or declined (done/declined need --note).
    Set {
        id: i64,
        status: String,
        #[arg(long, default_value = "")]
        note: String,
        /// Next follow-up date (dd/mm/yyyy).
        #[arg(long, value_name = "DATE")]
        follow_up: Option<String>,
        /// Who moves it on (login or number); default: the operator linked to your account.
        #[arg(long, value_name = "ID")]
        operator: Option<String>,
    },
    /// Every status a referral went through, with who and when.
    History { id: i64 },
    /// The service catalogue.
    Services,
}

#[derive(Debug, Subcommand)]
pub enum InterventionsCommand {
    /// Open requests, emergencies first; an emergency unassigned for too long is marked.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        urgency: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Give a request to a field team, for a planned time.
    Assign {
        id: i64,
        #[arg(long)]
        team: String,
        /// Planned time (dd/mm/yyyy hh:mm, local time).
        #[arg(long, value_name = "DATE TIME")]
        at: Option<String>,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Close a request: done, not_home, refused, handed_to_emergency or cancelled, with a note.
    Close {
        id: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        by: ActingCoordinator,
    },
    /// Every status a request went through, with who and when.
    History { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// The field teams and their members.
    List,
    /// Add a team, or change its members.
    Set {
        name: String,
        /// Members, e.g. "Karim B., Julie T.".
        #[arg(long)]
        members: Option<String>,
        /// The team no longer goes out.
        #[arg(long, conflicts_with = "activate")]
        deactivate: bool,
        #[arg(long)]
        activate: bool,
        #[command(flatten)]
        by: ActingCoordinator,
    },
}

/// The coordinator acting, when the account running veille may act for several (the
/// administrator, a demo); otherwise the operator linked to the account.
#[derive(Debug, Args)]
pub struct ActingCoordinator {
    /// The coordinator doing this (login or number), written in the audit log; default:
    /// the operator linked to your account.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the settings in force.
    Show,
    /// Change one setting (see `veille settings show` for the keys).
    Set {
        key: String,
        value: String,
        #[command(flatten)]
        by: ActingCoordinator,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only entries from this date (dd/mm/yyyy or yyyy-mm-dd, local time).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only what this operator did (login or number).
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
    /// Only what concerns this tenant (reference or number).
    #[arg(long, value_name = "REF")]
    pub tenant: Option<String>,
    /// At most this many entries.
    #[arg(long, default_value_t = 200)]
    pub limit: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
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
    /// Seconds over which the operators start, evenly spread, as a shift's operators
    /// sign in one after another; each then runs for --seconds.
    #[arg(long, default_value_t = 0)]
    pub ramp_up: u64,
    /// Kill this many workers with SIGKILL at random instants, starting new ones in their
    /// place. Workers that have saved a call are chosen first, to be killed mid-work.
    #[arg(long, default_value_t = 0)]
    pub kill: usize,
    /// Write the save identifiers acknowledged to the operators to this file, one a line.
    #[arg(long, value_name = "FILE")]
    pub acks: Option<PathBuf>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// Internal: run as one worker process of a load test.
    #[arg(long, hide = true)]
    pub worker: Option<usize>,
}

/// Text for people, JSON for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// The operator (login or number); default: the one who signed in last on this machine.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
    /// The shift: `last` (default) or its number.
    #[arg(long, value_name = "last|ID", conflicts_with_all = ["since", "until"])]
    pub shift: Option<String>,
    /// First day of a period instead of a shift (dd/mm/yyyy or yyyy-mm-dd; default: --until).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Last day of the period, included (default: today).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day counted (dd/mm/yyyy or yyyy-mm-dd; default: the start of the program).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Last day counted, included (default: today). "This week" is the week of this day.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only the tenants of this cohort.
    #[arg(long, value_name = "NAME")]
    pub cohort: Option<String>,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Also say what adding this many tenants, called every week, would cost.
    #[arg(long, value_name = "TENANTS")]
    pub add: Option<u32>,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportWhat {
    Referrals,
    Interventions,
    Calls,
    Tenants,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark: how spreadsheet software recognises UTF-8.
    #[value(name = "utf8-bom")]
    Utf8Bom,
    Utf8,
    /// For old spreadsheet software; characters it lacks become '?'.
    #[value(name = "windows-1252")]
    Windows1252,
}

#[derive(Debug, Args)]
#[command(
    after_help = "By default the CSV is made for French spreadsheet software: ';' between \
    columns, UTF-8 with a byte-order mark, dates as dd/mm/yyyy and times in local time. \
    --plain makes it for programs: ',' between columns, UTF-8, ISO dates and UTC times."
)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub what: ExportWhat,
    /// Only rows made (calls: ended; tenants: changed) from this day (dd/mm/yyyy or yyyy-mm-dd).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only rows made until this day, included.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write to this file instead of the standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV for programs: ',' separator, UTF-8 without BOM, ISO dates, UTC times.
    #[arg(long)]
    pub plain: bool,
    /// Column separator: ';' ',' 'tab' or '|' (default ';', or ',' with --plain).
    #[arg(long, value_name = "CHAR")]
    pub separator: Option<String>,
    /// Text encoding of the CSV (default utf8-bom, or utf8 with --plain).
    #[arg(long, value_enum)]
    pub encoding: Option<CsvEncoding>,
    /// Add the columns that may hold health details (call notes, needs details). Written
    /// in the audit log with who asked.
    #[arg(long)]
    pub include_health: bool,
    /// The coordinator making the export (login or number), written in the audit log;
    /// default: the operator linked to your account.
    #[arg(long, value_name = "ID")]
    pub operator: Option<String>,
}
