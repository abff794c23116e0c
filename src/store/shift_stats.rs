//! What an operator did in one shift, for the counters at the top of the call screens.

use super::{Result, Store};

/// Counters of one shift.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShiftStats {
    /// Calls saved (every outcome).
    pub calls: i64,
    /// Calls where the tenant was reached.
    pub reached: i64,
    /// Referrals made during those calls, and from the quick entry during the shift.
    pub referrals: i64,
    /// Intervention requests made the same ways.
    pub interventions: i64,
}

impl Store {
    pub fn shift_stats(&self, shift: i64) -> Result<ShiftStats> {
        // The shift's calls are among its operator's calls ended since it began, read
        // through `calls_operator`: the cost is the shift's own calls (schema v12 has no
        // index by shift). Referrals and requests made outside a call count too, as the
        // end-of-shift summary counts them (schema v19 indexes them by operator).
        Ok(self
            .read()
            .prepare_cached(
                "WITH mine AS MATERIALIZED (
                 SELECT c.id, c.outcome FROM shifts s
                 JOIN calls c ON c.operator_id = s.operator_id AND c.ended_at >= s.started_at
                 WHERE s.id = ?1 AND c.shift_id = ?1),
               shift AS (SELECT operator_id, started_at,
                           coalesce(ended_at, '9999-12-31') AS ended_at FROM shifts WHERE id = ?1)
             SELECT (SELECT count(*) FROM mine),
                    (SELECT count(*) FROM mine WHERE outcome = 'reached'),
                    (SELECT count(*) FROM referrals r JOIN mine m ON m.id = r.call_id)
                    + (SELECT count(*) FROM referrals r INDEXED BY referrals_quick, shift s
                       WHERE r.call_id IS NULL AND r.created_by = s.operator_id
                         AND r.created_at >= s.started_at AND r.created_at <= s.ended_at),
                    (SELECT count(*) FROM interventions i JOIN mine m ON m.id = i.call_id)
                    + (SELECT count(*) FROM interventions i INDEXED BY interventions_quick, shift s
                       WHERE i.call_id IS NULL AND i.created_by = s.operator_id
                         AND i.created_at >= s.started_at AND i.created_at <= s.ended_at)",
            )?
            .query_row([shift], |r| {
                Ok(ShiftStats {
                    calls: r.get(0)?,
                    reached: r.get(1)?,
                    referrals: r.get(2)?,
                    interventions: r.get(3)?,
                })
            })?)
    }

    /// Whether a call with this save identifier is already recorded (a draft whose save
    /// landed just before a crash must not be saved again).
    pub fn call_saved(&self, save_id: &str) -> Result<bool> {
        Ok(self.read().query_row(
            "SELECT EXISTS (SELECT 1 FROM calls WHERE save_id = ?1)",
            [save_id],
            |r| r.get(0),
        )?)
    }
}
