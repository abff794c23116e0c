//! Shifts: an operator's session from sign-in to end.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, time::ts};

/// A sign-in this soon after the operator's last activity in a shift left open goes on
/// with that shift: longer than a claim's lease, shorter than a break between shifts.
const RESUME_WITHIN: chrono::Duration = chrono::Duration::minutes(30);

impl Store {
    /// Starts a shift for `operator` and returns its id, or goes on with the shift their
    /// terminal left open minutes ago (a crash, a closed window): the end-of-shift summary
    /// then counts the calls made before as well.
    pub fn start_shift(&mut self, operator: i64, now: DateTime<Utc>) -> Result<i64> {
        let resume_after = ts(now - RESUME_WITHIN);
        self.write(|tx| {
            // The operator's newest open shift, if it started or saw a call of theirs
            // within the last minutes.
            let open: Option<i64> = tx
                .prepare_cached(
                    "SELECT s.id FROM shifts s
                     WHERE s.operator_id = ?1 AND s.ended_at IS NULL
                       AND s.id = (SELECT max(id) FROM shifts WHERE operator_id = ?1)
                       AND max(s.started_at, coalesce(
                             (SELECT max(c.ended_at) FROM calls c
                              WHERE c.operator_id = ?1 AND c.ended_at >= s.started_at),
                             s.started_at)) >= ?2",
                )?
                .query_row(params![operator, resume_after], |r| r.get(0))
                .optional()?;
            // Signing in is coming back: a break left open by a terminal that died is over.
            super::breaks::end_breaks(tx, operator, now)?;
            if let Some(shift) = open {
                return Ok(shift);
            }
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
            tx.execute(
                "UPDATE breaks SET ended_at = ?2 WHERE shift_id = ?1 AND ended_at IS NULL",
                params![shift, ts(now)],
            )?;
            Ok(())
        })
    }
}

/// Writes one line of the audit log inside the caller's transaction, with the Unix
/// account of this process beside the operator.
pub(crate) fn audit(
    tx: &rusqlite::Transaction,
    now: DateTime<Utc>,
    operator: Option<i64>,
    action: &str,
    tenant: Option<i64>,
    details: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, operator_id, action, tenant_id, details, unix_account)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            ts(now),
            operator,
            action,
            tenant,
            details,
            crate::process::account()
        ],
    )?;
    Ok(())
}
