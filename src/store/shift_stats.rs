//! What an operator did in one shift, for the counters at the top of the call screens.

use super::{Result, Store};

/// Counters of one shift.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShiftStats {
    /// Calls saved (every outcome).
    pub calls: i64,
    /// Calls where the tenant was reached.
    pub reached: i64,
    /// Referrals made during those calls.
    pub referrals: i64,
    /// Intervention requests made during those calls.
    pub interventions: i64,
}

impl Store {
    pub fn shift_stats(&self, shift: i64) -> Result<ShiftStats> {
        Ok(self.read().query_row(
            "SELECT (SELECT count(*) FROM calls WHERE shift_id = ?1),
                    (SELECT count(*) FROM calls WHERE shift_id = ?1 AND outcome = 'reached'),
                    (SELECT count(*) FROM referrals r JOIN calls c ON c.id = r.call_id
                       WHERE c.shift_id = ?1),
                    (SELECT count(*) FROM interventions i JOIN calls c ON c.id = i.call_id
                       WHERE c.shift_id = ?1)",
            [shift],
            |r| {
                Ok(ShiftStats {
                    calls: r.get(0)?,
                    reached: r.get(1)?,
                    referrals: r.get(2)?,
                    interventions: r.get(3)?,
                })
            },
        )?)
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
