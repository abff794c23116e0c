//! The "reached per day" series over any run of days, for the coordinator's chart: the
//! program report of one week carries only that week's days, the chart shows the last
//! weeks. Each day is counted as `ProgramReport::reached_per_day` counts it (unique
//! people reached that local day), so the two agree on the days they share: both come
//! from the same pass over the calls (`report::calls`).

use chrono_tz::Tz;

use super::report::DayCount;
use super::report::calls::{CallScan, count_calls};
use super::report::ids::IdMap;
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
        let scope = match cohort {
            Some(id) => {
                let mut scope = IdMap::with_max_id(0);
                let mut stmt = snapshot.prepare("SELECT id FROM tenants WHERE cohort_id = ?1")?;
                let mut tenants = stmt.query([id])?;
                while let Some(r) = tenants.next()? {
                    *scope.get_mut(r.get(0)?) = true;
                }
                Some(scope)
            }
            None => None,
        };
        let (from, to) = days.bounds(tz);
        let calls = count_calls(
            &snapshot,
            Some(&self.path),
            &CallScan {
                from: time::ts(from),
                to: time::ts(to),
                week_start: time::ts(from),
                day_starts: CallScan::day_starts(days.days().map(|d| Period::day(d).bounds(tz))),
                reached_since: Vec::new(),
                scope: scope.as_ref(),
                operators: false,
            },
        )?;
        snapshot.finish()?;
        Ok(days
            .days()
            .zip(calls.reached_per_day)
            .map(|(day, n)| DayCount {
                day,
                tenants_reached_unique: n,
            })
            .collect())
    }
}
