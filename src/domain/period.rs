//! Periods of local days, as people give them (`--since 01/11/2026 --until 28/11/2026`),
//! turned into the UTC instants the database is searched with.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use super::hours::local_instant;

/// Whole local days from `since` to `until`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    pub since: NaiveDate,
    pub until: NaiveDate,
}

impl Period {
    /// Refuses a period that ends before it starts, naming both dates.
    pub fn new(since: NaiveDate, until: NaiveDate) -> Result<Period, String> {
        if since > until {
            return Err(format!(
                "the period ends ({}) before it starts ({})",
                until.format("%d/%m/%Y"),
                since.format("%d/%m/%Y")
            ));
        }
        Ok(Period { since, until })
    }

    /// One local day.
    pub fn day(day: NaiveDate) -> Period {
        Period {
            since: day,
            until: day,
        }
    }

    /// The instants `[from, to)`: local midnight starting `since`, local midnight after `until`.
    pub fn bounds(&self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        (start_of(self.since, tz), start_of(next_day(self.until), tz))
    }

    /// The days of the period, oldest first.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let until = self.until;
        self.since.iter_days().take_while(move |d| *d <= until)
    }

    /// The last `n` days of the period (all of them when it is shorter).
    #[must_use]
    pub fn last_days(&self, n: u64) -> Period {
        let since = self
            .until
            .checked_sub_days(Days::new(n.saturating_sub(1)))
            .unwrap_or(self.since)
            .max(self.since);
        Period {
            since,
            until: self.until,
        }
    }
}

/// The local midnight that starts `day`, in UTC.
pub fn start_of(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    local_instant(day, 0, tz)
}

/// The Monday of the ISO week (Monday to Sunday) that holds `day`.
pub fn week_monday(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// `2026-W48`: the ISO week that holds `day`.
pub fn iso_week_label(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn local_days_become_utc_bounds_across_summer_time() {
        // Winter: Paris is UTC+1.
        let p = Period::new(d("2026-11-01"), d("2026-11-28")).unwrap();
        assert_eq!(
            p.bounds(Paris),
            (utc("2026-10-31T23:00:00Z"), utc("2026-11-28T23:00:00Z"))
        );
        // The period holds the night summer time ends (25 October 2026).
        let p = Period::new(d("2026-10-24"), d("2026-10-25")).unwrap();
        assert_eq!(
            p.bounds(Paris),
            (utc("2026-10-23T22:00:00Z"), utc("2026-10-25T23:00:00Z"))
        );
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        let err = Period::new(d("2026-11-28"), d("2026-11-01")).unwrap_err();
        assert!(
            err.contains("01/11/2026") && err.contains("28/11/2026"),
            "{err}"
        );
        assert!(Period::new(d("2026-11-28"), d("2026-11-28")).is_ok());
    }

    #[test]
    fn iso_weeks_start_on_monday() {
        // Saturday 28 November 2026 is in week 48, which starts Monday 23.
        assert_eq!(week_monday(d("2026-11-28")), d("2026-11-23"));
        assert_eq!(week_monday(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(week_monday(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(iso_week_label(d("2026-11-28")), "2026-W48");
        // 1 January 2027 is a Friday of 2026's week 53.
        assert_eq!(iso_week_label(d("2027-01-01")), "2026-W53");
    }

    #[test]
    fn last_days_stay_inside_the_period() {
        let p = Period::new(d("2026-11-01"), d("2026-11-28")).unwrap();
        let last = p.last_days(7);
        assert_eq!((last.since, last.until), (d("2026-11-22"), d("2026-11-28")));
        assert_eq!(last.days().count(), 7);
        let short = Period::new(d("2026-11-26"), d("2026-11-28")).unwrap();
        assert_eq!(short.last_days(28), short);
        assert_eq!(Period::day(d("2026-11-28")).days().count(), 1);
    }
}
