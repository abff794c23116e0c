//! The "reached per day" series over any run of days, for the coordinator's chart: the
//! program report of one week carries only that week's days, the chart shows the last
//! weeks. Each day is counted as `ProgramReport::reached_per_day` counts it (unique
//! people reached that local day), so the two agree on the days they share.

use chrono_tz::Tz;
use rusqlite::params;

use super::report::{DayCount, count_at};
use super::{Result, Store, time};
use crate::domain::period::Period;

impl Store {
    /// Tenants reached (unique people) each local day of `days`, oldest first, for every
    /// cohort or only `cohort`.
    pub fn reached_per_day(
        &self,
        days: Period,
        cohort: Option<i64>,
        tz: Tz,
    ) -> Result<Vec<DayCount>> {
        let conn = self.read();
        // One snapshot, so the days agree with each other while operators save calls.
        let snapshot = conn.unchecked_transaction()?;
        let mut out = Vec::new();
        {
            let mut stmt = snapshot.prepare(
                "SELECT count(DISTINCT c.tenant_id) FROM calls c JOIN tenants t ON t.id = c.tenant_id
                 WHERE c.outcome = 'reached' AND c.ended_at >= ?1 AND c.ended_at < ?2
                   AND (?3 IS NULL OR t.cohort_id = ?3)",
            )?;
            for day in days.days() {
                let (from, to) = Period::day(day).bounds(tz);
                let n = stmt.query_row(params![time::ts(from), time::ts(to), cohort], |r| {
                    count_at(r, 0)
                })?;
                out.push(DayCount {
                    day,
                    tenants_reached_unique: n,
                });
            }
        }
        snapshot.finish()?;
        Ok(out)
    }
}
