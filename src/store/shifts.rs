//! Shifts: an operator's session from sign-in to end.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, time::ts};
use crate::domain::period;

/// When a shift was last active: its start, or the end of its operator's last call in it.
const LAST_ACTIVITY: &str = "max(s.started_at, coalesce(
      (SELECT max(c.ended_at) FROM calls c
       WHERE c.operator_id = s.operator_id AND c.ended_at >= s.started_at
         AND c.shift_id = s.id),
      s.started_at))";

impl Store {
    /// Starts a shift for `operator` and returns its id, or goes on with the shift they
    /// left open earlier the same local day (a crash, a closed window, a second
    /// terminal): the end-of-shift summary then counts what was done before as well.
    /// Older shifts left open by a dead terminal are closed at their last activity.
    pub fn start_shift(&mut self, operator: i64, now: DateTime<Utc>) -> Result<i64> {
        let rules = self.rules()?;
        let today = ts(period::start_of(rules.local_date(now), rules.tz));
        self.write(|tx| {
            let open: Option<i64> = tx
                .prepare_cached(&format!(
                    "SELECT s.id FROM shifts s
                     WHERE s.operator_id = ?1 AND s.ended_at IS NULL
                       AND s.id = (SELECT max(id) FROM shifts WHERE operator_id = ?1)
                       AND {LAST_ACTIVITY} >= ?2"
                ))?
                .query_row(params![operator, today], |r| r.get(0))
                .optional()?;
            // Signing in is coming back: a break left open by a terminal that died is over.
            super::breaks::end_breaks(tx, operator, now)?;
            tx.prepare_cached(&format!(
                "UPDATE shifts AS s SET ended_at = {LAST_ACTIVITY}
                 WHERE s.operator_id = ?1 AND s.ended_at IS NULL AND s.id IS NOT ?2"
            ))?
            .execute(params![operator, open])?;
            let (shift, action) = match open {
                Some(shift) => (shift, "shift_resumed"),
                None => {
                    tx.execute(
                        "INSERT INTO shifts (operator_id, started_at) VALUES (?1, ?2)",
                        params![operator, ts(now)],
                    )?;
                    (tx.last_insert_rowid(), "shift_started")
                }
            };
            audit(
                tx,
                now,
                Some(operator),
                action,
                None,
                &format!("shift {shift}"),
            )?;
            Ok(shift)
        })
    }

    /// Ends a shift and releases the claims this terminal took. A colleague terminal of
    /// the same operator sharing the shift keeps its own claims, and the shift ends at
    /// the last terminal to leave.
    pub fn end_shift(&mut self, shift: i64, now: DateTime<Utc>) -> Result<()> {
        let taken = std::mem::take(&mut self.claims_taken);
        let result = self.write(|tx| {
            tx.execute(
                "UPDATE shifts SET ended_at = ?2
                 WHERE id = ?1 AND (ended_at IS NULL OR ended_at < ?2)",
                params![shift, ts(now)],
            )?;
            let mut release = tx.prepare_cached(
                "UPDATE claims SET released_at = ?2, release_reason = 'abandoned'
                 WHERE id = ?1 AND released_at IS NULL
                   AND operator_id = (SELECT operator_id FROM shifts WHERE id = ?3)",
            )?;
            tx.execute(
                "UPDATE breaks SET ended_at = ?2 WHERE shift_id = ?1 AND ended_at IS NULL",
                params![shift, ts(now)],
            )?;
            for claim in &taken {
                release.execute(params![claim, ts(now), shift])?;
            }
            Ok(())
        });
        if result.is_err() {
            self.claims_taken = taken;
        }
        result
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
