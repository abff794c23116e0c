//! Schema versions, kept in `PRAGMA user_version`. Each migration is a SQL file run
//! in one transaction; a file from a newer version of veille is refused.

use rusqlite::TransactionBehavior;

use super::{Result, Store, StoreError};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_indexes_for_shifts.sql"),
    include_str!("migrations/003_covering_calls_index.sql"),
    include_str!("migrations/004_calls_ended_with_start.sql"),
    include_str!("migrations/005_due_callbacks_index.sql"),
    include_str!("migrations/006_calls_tenant_with_outcome.sql"),
    include_str!("migrations/007_open_claims_by_operator.sql"),
    include_str!("migrations/008_queue_indexes_without_lists.sql"),
    include_str!("migrations/009_checks_without_lists.sql"),
    include_str!("migrations/010_covering_queue_indexes.sql"),
    include_str!("migrations/011_claims_without_sequence.sql"),
    include_str!("migrations/012_calls_without_shift_index.sql"),
    include_str!("migrations/013_unix_accounts.sql"),
    include_str!("migrations/014_breaks.sql"),
    include_str!("migrations/015_consistent_calls.sql"),
    include_str!("migrations/016_emergencies.sql"),
    include_str!("migrations/017_incoming_calls.sql"),
    include_str!("migrations/018_quick_records_by_operator.sql"),
    include_str!("migrations/019_lives_alone_unknown.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

impl Store {
    pub(super) fn migrate(&mut self) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        // Another process may be migrating the same file: the IMMEDIATE transaction
        // serialises us, and the version is read again inside it.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        while version < SCHEMA_VERSION {
            let sql = MIGRATIONS[version as usize];
            tx.execute_batch(sql)?;
            if sql.contains("PRAGMA writable_schema = ON") {
                // Definitions rewritten in place: every connection must read them again.
                let schema: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
                tx.pragma_update(None, "schema_version", schema + 1)?;
            }
            version += 1;
            tx.pragma_update(None, "user_version", version)?;
        }
        if found == 0 {
            super::services::seed_catalogue(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migration's file number is the schema version it makes: a file skipped or
    /// numbered out of place would make the documented versions lie.
    #[test]
    fn migration_files_are_numbered_by_the_version_they_make() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/migrations");
        let mut numbers: Vec<i64> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let name = entry.unwrap().file_name().into_string().unwrap();
                name[..3].parse().unwrap()
            })
            .collect();
        numbers.sort_unstable();
        let expected: Vec<i64> = (1..=SCHEMA_VERSION).collect();
        assert_eq!(numbers, expected);
        // …and MIGRATIONS lists them in that order.
        let listed: Vec<i64> = include_str!("migrate.rs")
            .lines()
            .filter_map(|line| line.trim().strip_prefix("include_str!(\"migrations/"))
            .map(|rest| rest[..3].parse().unwrap())
            .collect();
        assert_eq!(listed, expected);
    }
}
