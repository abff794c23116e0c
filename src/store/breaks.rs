//! Breaks: an operator steps away from the queue and says why, then comes back.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, time};
use crate::domain::shift::BreakReason;

impl Store {
    /// Starts a break in `shift`. An operator already on a break keeps the one they are on.
    pub fn start_break(
        &mut self,
        shift: i64,
        reason: BreakReason,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let operator: Option<i64> = tx
                .query_row(
                    "SELECT operator_id FROM shifts WHERE id = ?1 AND ended_at IS NULL",
                    [shift],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(operator) = operator else {
                return Err(StoreError::Invalid(format!(
                    "shift {shift} is not open: sign in again to take a break"
                )));
            };
            tx.execute(
                "INSERT INTO breaks (shift_id, operator_id, reason, note, started_at)
                 SELECT ?1, ?2, ?3, ?4, ?5
                 WHERE NOT EXISTS (SELECT 1 FROM breaks WHERE operator_id = ?2 AND ended_at IS NULL)",
                params![shift, operator, reason.code(), note, time::ts(now)],
            )?;
            Ok(())
        })
    }

    /// Ends `operator`'s open break, if any.
    pub fn end_break(&mut self, operator: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| end_breaks(tx, operator, now))
    }

    /// `operator`'s open break: since when, and why.
    pub fn open_break(&self, operator: i64) -> Result<Option<(DateTime<Utc>, BreakReason)>> {
        let found: Option<(String, String)> = self
            .read()
            .query_row(
                "SELECT started_at, reason FROM breaks WHERE operator_id = ?1 AND ended_at IS NULL",
                [operator],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        found
            .map(|(at, reason)| {
                Ok((
                    time::parse_ts(&at)?,
                    BreakReason::from_code(&reason).unwrap_or(BreakReason::Other),
                ))
            })
            .transpose()
    }
}

/// Ends `operator`'s open break inside the caller's transaction (a break never outlives
/// the shift it was taken in).
pub(super) fn end_breaks(
    tx: &rusqlite::Transaction,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE breaks SET ended_at = ?2 WHERE operator_id = ?1 AND ended_at IS NULL",
        params![operator, time::ts(now)],
    )?;
    Ok(())
}
