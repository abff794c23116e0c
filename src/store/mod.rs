//! The only code that speaks SQL. One `Store` is one connection to the shared file;
//! each operator process has its own. Every write a user makes is one transaction
//! that takes SQLite's write lock when it begins (see `Store::write`).

mod backup;
mod board;
mod breaks;
pub mod bulk;
mod calls;
mod cohorts;
mod contents;
pub mod demo;
pub mod doctor;
mod emergencies;
mod erasure;
mod error;
mod export;
mod followup;
mod forecast;
mod health;
mod imports;
mod migrate;
mod operators;
mod purge;
mod queue;
mod report;
mod report_days;
mod search;
mod services;
mod settings;
mod shift_stats;
mod shifts;
mod summary;
mod tenant_changes;
mod tenants;
pub mod time;
pub mod verify;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use backup::AuditEntry;
pub use board::{Board, EmergencyWaiting, OperatorNow, UnassignedRequest};
pub use calls::{CallToSave, InterventionToSave, ReferralToSave, SavedCall, new_save_id};
pub use cohorts::{Cohort, NewCohort};
pub use contents::Contents;
pub use emergencies::WaitingEmergency;
pub use erasure::{Erased, Erasure};
pub use error::StoreError;
pub use export::{Cell, Export, export_columns, health_columns};
pub use followup::{
    Event, FieldTeam, InterventionFilter, InterventionRow, ReferralFilter, ReferralRow,
};
pub use forecast::{PACE_DAYS, USUAL_WEEKS, WeekForecast};
pub use health::PastNeed;
pub use imports::{ImportCounts, OperatorColumn, TenantColumn, TenantImport, TenantRows};
pub use migrate::SCHEMA_VERSION;
pub use operators::{NewOperator, Operator};
pub use purge::Purged;
pub use queue::{Claim, QueueEntry};
pub use report::{
    CategoryFigures, CohortFigures, DayCount, EmergencyFigures, ProgramReport, SERIES_DAYS,
    WeekFigures,
};
pub use services::Service;
pub use shift_stats::ShiftStats;
pub use summary::{
    CallbackLine, ClaimLine, ConcernLine, DraftLine, HandoverNote, InterventionLine, ServiceCount,
    ShiftLine, ShiftSummary,
};
pub use tenants::{NewTenant, Tenant, TenantCard, Upserted};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How long one attempt waits for the write lock inside SQLite before we look again.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Compiled statements kept per connection (see `configure`).
const STATEMENT_CACHE: usize = 256;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// How long `write` keeps retrying a locked database before giving up.
    retry_for: Duration,
    /// Times a write found the database locked and tried again (for the load tool).
    busy_retries: u64,
    /// How long one attempt waits inside SQLite for the write lock.
    busy_wait: Duration,
    /// The claims taken through this connection, that is by this terminal: ending its
    /// shift releases these and no claim of the same operator's other terminal.
    claims_taken: Vec<i64>,
}

/// SQL run through veille can never corrupt the file on purpose (writing the schema
/// directly, or the pages under it).
fn defensive(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema to the
    /// current version. Missing parent folders are created.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Folder {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        let created = !path.exists();
        if created {
            create_private_file(path)?;
        }
        let conn = Connection::open_with_flags(
            path,
            // No URI filenames: a path is a path, never options for SQLite.
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::from_open(e, path))?;
        let mut store = Store::on(conn, path);
        store.configure().map_err(|e| e.at(path))?;
        store.migrate().map_err(|e| e.at(path))?;
        // After the migrations: one of them rewrites table definitions in place.
        defensive(&store.conn)?;
        Ok(store)
    }

    /// Opens an existing database without creating or migrating it (for `doctor`).
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY))
            .map_err(|e| StoreError::from_open(e, path))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        defensive(&conn)?;
        Ok(Store::on(conn, path))
    }

    fn on(conn: Connection, path: &Path) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
            retry_for: Duration::from_secs(60),
            busy_retries: 0,
            busy_wait: BUSY_TIMEOUT,
            claims_taken: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Times a write found the database locked and tried again since opening.
    pub fn busy_retries(&self) -> u64 {
        self.busy_retries
    }

    /// Sets how long writes wait for a locked database before reporting `Busy`; the
    /// wait inside SQLite is capped by it too, so a screen can keep a short one and stay
    /// responsive while it retries on its own.
    pub fn set_retry_for(&mut self, d: Duration) {
        self.retry_for = d;
        self.busy_wait = d.min(BUSY_TIMEOUT);
        let _ = self.conn.busy_timeout(self.busy_wait);
    }

    fn configure(&mut self) -> Result<()> {
        // Many operator processes share this file. WAL lets readers go on while one
        // process writes, so screens never freeze behind a save.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Other(format!(
                "the database could not switch to WAL journaling (it reports '{mode}')"
            )));
        }
        // A committed call must survive a power cut: FULL syncs the WAL at every commit
        // (NORMAL could lose the last commits on power loss; see `commit_once`).
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        // Waiting for the write lock inside SQLite is cheaper than failing and retrying;
        // `write` still retries if this runs out under heavy contention.
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Text that is overwritten or deleted (a purge, a corrected note) must not stay
        // readable in the file's free space: SQLite zeroes what it frees, cells and pages.
        self.conn.pragma_update(None, "secure_delete", true)?;
        // The schema's references (a call's tenant, a need's call) are enforced.
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every statement of a claim and a save stays compiled between calls: rusqlite
        // keeps 16 by default, fewer than one call uses, and recompiling them all at
        // every call cost more than running them.
        self.conn
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Plans do not depend on the values bound: otherwise SQLite recompiles a
        // statement whenever a value it looked at changes (a LIMIT, a value compared
        // with a partial index's condition), which was half of a claim's work. Queries
        // state partial indexes' conditions word for word, so no plan needs the values.
        self.conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        // 256 KiB of page cache per process instead of SQLite's 2 MiB: hundreds of operator
        // processes read the same file, which the system already caches once for all.
        self.conn.pragma_update(None, "cache_size", -256)?;
        // The WAL is copied back into the database every 2,000 pages (8 MiB) rather than
        // SQLite's 1,000: the pages every call rewrites (the newest leaf of each index)
        // are copied once per checkpoint, whose work, done while holding the write lock,
        // then falls by about a tenth per save at saturation.
        self.conn.pragma_update(None, "wal_autocheckpoint", 2000)?;
        Ok(())
    }

    /// Runs `f` in one write transaction that takes the lock at BEGIN (IMMEDIATE), so
    /// that it never fails half-way on a lock upgrade. A locked database is retried for
    /// `retry_for` before `StoreError::Busy` is returned; `f` may run more than once and
    /// must not have effects outside the transaction.
    pub fn write<T>(&mut self, mut f: impl FnMut(&Transaction) -> Result<T>) -> Result<T> {
        self.retrying(|store| store.commit_once(&mut f))
    }

    /// Runs `attempt` until it succeeds, fails otherwise than on a lock, or `retry_for`
    /// has passed.
    fn retrying<T>(&mut self, mut attempt: impl FnMut(&mut Store) -> Result<T>) -> Result<T> {
        let deadline = Instant::now() + self.retry_for;
        let mut pause = Duration::from_millis(2);
        loop {
            match attempt(self) {
                Err(e) if e.is_busy() && Instant::now() < deadline => {
                    self.busy_retries += 1;
                    // Jitter so that processes woken together do not collide again.
                    let jitter = fastrand::u64(0..=pause.as_millis() as u64);
                    std::thread::sleep(pause + Duration::from_millis(jitter));
                    pause = (pause * 2).min(Duration::from_millis(250));
                }
                other => return other.map_err(|e| e.at(&self.path)),
            }
        }
    }

    /// One IMMEDIATE transaction: SQLite's write lock is taken at BEGIN (its busy
    /// handler waits up to `busy_wait` for it) and the WAL is synced by SQLite itself
    /// before COMMIT returns (`synchronous=FULL`). SQLite publishes a commit to other
    /// connections only once that sync has succeeded, and syncs through the descriptor
    /// it has held since opening, so a write error the disk reported meanwhile is seen:
    /// a save whose sync failed is never acknowledged, nor seen by anyone. Every write
    /// is synced, claims too: a commit left unsynced could be lost by the disk after a
    /// colleague's later save was acknowledged, and take that save with it when the WAL
    /// is read back after a power cut.
    fn commit_once<T>(&mut self, f: &mut impl FnMut(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The connection, for reads. Reads in WAL mode never wait for writers.
    fn read(&self) -> &Connection {
        &self.conn
    }
}

/// Creates an empty database file readable and writable by its owner and group only:
/// it holds health information, and the operators of a shared server write it through
/// their common group. The mode is set explicitly so that a umask of 022 does not take
/// the group's write access away. SQLite gives the -wal and -shm files the same mode.
pub(crate) fn create_private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let folder_error = |e| StoreError::Folder {
        path: path.to_path_buf(),
        source: e,
    };
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o660)
        .open(path)
    {
        Ok(_) => std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
            .map_err(folder_error),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(folder_error(e)),
    }
}

/// Gives an existing database file the mode `create_private_file` gives a new one (a
/// file another program wrote, such as a restored replica).
pub fn make_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660)).map_err(|e| {
        StoreError::Folder {
            path: path.to_path_buf(),
            source: e,
        }
    })
}

/// Runs `sql` with one text parameter per `?` and maps each row with `f`.
pub(crate) fn rows<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let out = stmt
        .query_map(params, f)?
        .collect::<rusqlite::Result<Vec<T>>>()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_commits_at_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("veille.db")).unwrap();
        let synchronous = |store: &Store| -> i64 {
            store
                .read()
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(synchronous(&store), 2);
        let failed: Result<()> = store.write(|_| Err(StoreError::Invalid("refused".into())));
        assert!(failed.is_err());
        store
            .write(|tx| Ok(tx.execute("UPDATE settings SET value = value", [])?))
            .unwrap();
        assert_eq!(synchronous(&store), 2);
    }
}
