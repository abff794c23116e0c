//! The week's forecast: will everyone due this week be reached by Sunday, and how many
//! operator-hours are missing (or spare) to reach them? docs/REPORT.md gives the method.
//!
//! Operators take the queue in priority order, so the hours left in the week go to the
//! highest-priority cohort first, then to the next: a cohort is reached at the program's
//! measured pace (people reached per operator-hour) for as long as hours remain.

/// One cohort's week so far.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CohortWeek {
    pub name: String,
    /// 1 is called first.
    pub priority: i64,
    /// Tenants to reach this week: those reached since Monday and those still due by Sunday.
    pub due: u32,
    /// Tenants reached since Monday.
    pub reached: u32,
}

/// What the last days measured, and the hours the rest of the week usually has.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Pace {
    /// People reached in the measured days.
    pub reached: u32,
    /// Operator-hours worked in the same days.
    pub operator_hours: f64,
}

impl Pace {
    /// People reached per operator-hour; `None` before anyone has worked.
    pub fn per_hour(&self) -> Option<f64> {
        (self.operator_hours > 0.0 && self.reached > 0)
            .then(|| f64::from(self.reached) / self.operator_hours)
    }
}

/// The forecast for one cohort, or for the whole program.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Forecast {
    pub name: String,
    pub due: u32,
    pub reached: u32,
    /// Reached by Sunday at the measured pace with the hours left; `None` without a pace.
    pub reached_by_sunday: Option<u32>,
    /// Operator-hours still needed beyond the hours left to reach everyone due (0 when
    /// the week will be done); `None` without a pace.
    pub hours_missing: Option<f64>,
    /// Operator-hours left after everyone due is reached.
    pub hours_spare: Option<f64>,
}

/// The week's forecast per cohort (in the order given back: priority first) and for the
/// program (last), with `hours_left` operator-hours still to come this week.
pub fn week(cohorts: &[CohortWeek], pace: Pace, hours_left: f64) -> Vec<Forecast> {
    let mut cohorts: Vec<&CohortWeek> = cohorts.iter().collect();
    cohorts.sort_by_key(|c| c.priority);
    let per_hour = pace.per_hour();
    let mut left = hours_left.max(0.0);
    let mut out: Vec<Forecast> = cohorts
        .iter()
        .map(|c| {
            let to_reach = c.due.saturating_sub(c.reached);
            let Some(per_hour) = per_hour else {
                return Forecast {
                    name: c.name.clone(),
                    due: c.due,
                    reached: c.reached,
                    reached_by_sunday: None,
                    hours_missing: None,
                    hours_spare: None,
                };
            };
            let needed = f64::from(to_reach) / per_hour;
            let used = needed.min(left);
            left -= used;
            let more = reached_in(used, per_hour).min(to_reach);
            Forecast {
                name: c.name.clone(),
                due: c.due,
                reached: c.reached,
                reached_by_sunday: Some(c.reached + more),
                hours_missing: Some(needed - used),
                hours_spare: None,
            }
        })
        .collect();
    let sum = |f: fn(&Forecast) -> Option<f64>| -> Option<f64> { out.iter().map(f).sum() };
    let program = Forecast {
        name: String::new(),
        due: out.iter().map(|f| f.due).sum(),
        reached: out.iter().map(|f| f.reached).sum(),
        reached_by_sunday: out.iter().map(|f| f.reached_by_sunday).sum(),
        hours_missing: sum(|f| f.hours_missing),
        hours_spare: per_hour.map(|_| left),
    };
    out.push(program);
    out
}

/// Whole people reached in `hours` at `per_hour`, rounded down: a forecast promises no
/// one it cannot count on.
fn reached_in(hours: f64, per_hour: f64) -> u32 {
    // Saturating float-to-int conversion; a tiny epsilon keeps 10.0 from reading as 9.
    let people = (hours * per_hour + 1e-9).floor();
    if people <= 0.0 {
        0
    } else if people >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        people as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hours worked without reaching anyone give no pace yet, not a pace of zero (which
    /// would forecast that nobody is ever reached).
    #[test]
    fn there_is_no_pace_until_someone_is_reached() {
        let pace = |reached, operator_hours| Pace {
            reached,
            operator_hours,
        };
        assert_eq!(pace(0, 12.0).per_hour(), None);
        assert_eq!(pace(5, 0.0).per_hour(), None);
        assert_eq!(pace(30, 12.0).per_hour(), Some(2.5));
    }

    fn cohort(name: &str, priority: i64, due: u32, reached: u32) -> CohortWeek {
        CohortWeek {
            name: name.into(),
            priority,
            due,
            reached,
        }
    }

    /// 40,000 isolated seniors a week; 400 volunteers reaching 10 people an hour.
    fn pace() -> Pace {
        Pace {
            reached: 12_000,
            operator_hours: 1_200.0,
        }
    }

    #[test]
    fn a_program_on_pace_reaches_everyone_with_hours_to_spare() {
        // Thursday morning: 24,000 of 40,000 reached, 1,700 operator-hours usual until Sunday.
        let f = week(&[cohort("isolés", 1, 40_000, 24_000)], pace(), 1_700.0);
        assert_eq!(f[0].reached_by_sunday, Some(40_000));
        assert_eq!(f[0].hours_missing, Some(0.0));
        let program = &f[1];
        assert_eq!(program.reached_by_sunday, Some(40_000));
        assert_eq!(program.hours_missing, Some(0.0));
        assert_eq!(program.hours_spare, Some(100.0));
    }

    #[test]
    fn a_program_short_of_hands_says_how_many_hours_are_missing() {
        // 16,000 still to reach at 10 an hour: 1,600 hours needed, 1,000 usual.
        let f = week(&[cohort("isolés", 1, 40_000, 24_000)], pace(), 1_000.0);
        assert_eq!(f[0].reached_by_sunday, Some(34_000));
        assert_eq!(f[0].hours_missing, Some(600.0));
        assert_eq!(f[1].hours_spare, Some(0.0));
    }

    #[test]
    fn a_cohort_of_fifteen_thousand_taken_on_on_wednesday_waits_behind_the_first() {
        // The second cohort's 15,000 join on Wednesday; the first is on pace.
        let cohorts = [
            cohort("non isolés", 2, 15_000, 0),
            cohort("isolés", 1, 40_000, 20_000),
        ];
        let f = week(&cohorts, pace(), 2_500.0);
        // Priority first: the isolated are all reached (2,000 hours), the 500 hours left
        // reach 5,000 of the newcomers; 1,000 hours more would reach the other 10,000.
        assert_eq!(f[0].name, "isolés");
        assert_eq!(f[0].reached_by_sunday, Some(40_000));
        assert_eq!(f[0].hours_missing, Some(0.0));
        assert_eq!(f[1].name, "non isolés");
        assert_eq!(f[1].reached_by_sunday, Some(5_000));
        assert_eq!(f[1].hours_missing, Some(1_000.0));
        let program = &f[2];
        assert_eq!(
            (program.due, program.reached, program.reached_by_sunday),
            (55_000, 20_000, Some(45_000))
        );
        assert_eq!(program.hours_missing, Some(1_000.0));
        assert_eq!(program.hours_spare, Some(0.0));
    }

    #[test]
    fn without_a_measured_pace_there_is_no_forecast_only_the_counts() {
        let none = Pace {
            reached: 0,
            operator_hours: 0.0,
        };
        let f = week(&[cohort("isolés", 1, 100, 0)], none, 50.0);
        assert_eq!((f[0].due, f[0].reached), (100, 0));
        assert_eq!(f[0].reached_by_sunday, None);
        assert_eq!(f[1].hours_missing, None);
        assert_eq!(f[1].hours_spare, None);
        // Hours worked but nobody reached yet is no pace either.
        let nobody = Pace {
            reached: 0,
            operator_hours: 10.0,
        };
        assert_eq!(nobody.per_hour(), None);
    }

    #[test]
    fn a_week_already_done_needs_nothing_and_negative_hours_count_as_none() {
        let f = week(&[cohort("isolés", 1, 100, 100)], pace(), -5.0);
        assert_eq!(f[0].reached_by_sunday, Some(100));
        assert_eq!(f[0].hours_missing, Some(0.0));
        assert_eq!(f[1].hours_spare, Some(0.0));
    }

    #[test]
    fn people_are_counted_whole_and_never_beyond_those_due() {
        assert_eq!(reached_in(0.95, 10.0), 9);
        assert_eq!(reached_in(1.0, 10.0), 10);
        assert_eq!(reached_in(-1.0, 10.0), 0);
        assert_eq!(reached_in(1e12, 1e12), u32::MAX);
        // 3 an hour for 10 hours is 30, but only 7 are still due.
        let slow = Pace {
            reached: 30,
            operator_hours: 10.0,
        };
        let f = week(&[cohort("isolés", 1, 10, 3)], slow, 10.0);
        assert_eq!(f[0].reached_by_sunday, Some(10));
    }
}
