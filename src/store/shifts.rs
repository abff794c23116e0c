//! Shifts: an operator's session from sign-in to end.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store, time::ts};

impl Store {
    /// Starts a shift for `operator` and returns its id.
    pub fn start_shift(&mut self, operator: i64, now: DateTime<Utc>) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO shifts (operator_id, started_at) VALUES (?1, ?2)",
                params![operator, ts(now)],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Ends a shift and releases any claim its operator still holds.
    pub fn end_shift(&mut self, shift: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE shifts SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
                params![shift, ts(now)],
            )?;
            tx.execute(
                "UPDATE claims INDEXED BY claims_one_open
                 SET released_at = ?2, release_reason = 'abandoned'
                 WHERE released_at IS NULL
                   AND operator_id = (SELECT operator_id FROM shifts WHERE id = ?1)",
                params![shift, ts(now)],
            )?;
            Ok(())
        })
    }
}

/// Writes one line of the audit log inside the caller's transaction.
pub(crate) fn audit(
    tx: &rusqlite::Transaction,
    now: DateTime<Utc>,
    operator: Option<i64>,
    action: &str,
    tenant: Option<i64>,
    details: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, operator_id, action, tenant_id, details) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ts(now), operator, action, tenant, details],
    )?;
    Ok(())
}
