//! The inputs of the week's forecast (`domain::forecast`): each cohort's week so far,
//! the pace of the last days, and the operator-hours the rest of the week usually has.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Result, Store, rows, time};
use crate::domain::forecast::{self, CohortWeek, Forecast, Pace};
use crate::domain::period::{self, Period};

/// Days the pace is measured on (today included).
pub const PACE_DAYS: u64 = 7;
/// Past weeks whose same weekday gives a day's usual operator-hours.
pub const USUAL_WEEKS: u64 = 3;
/// A shift left open (a terminal that died) counts at most this long.
const LONGEST_SHIFT_HOURS: i64 = 12;

/// Will everyone due this week be reached by Sunday?
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WeekForecast {
    pub week_start: NaiveDate,
    pub week_end: NaiveDate,
    pub pace: Pace,
    /// People reached per operator-hour over the last `PACE_DAYS` days.
    pub reached_per_hour: Option<f64>,
    /// Operator-hours usual for the rest of the week (today's minus those already worked).
    pub hours_left: f64,
    /// One per active cohort, priority first; the program's last, with an empty name.
    pub cohorts: Vec<Forecast>,
}

/// A stretch of one operator's work.
struct Span {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Store {
    pub fn week_forecast(&self, now: DateTime<Utc>, tz: Tz) -> Result<WeekForecast> {
        let today = now.with_timezone(&tz).date_naive();
        let monday = period::week_monday(today);
        let sunday = monday + Days::new(6);
        let week = Period {
            since: monday,
            until: today,
        };
        let mut cohorts = Vec::new();
        for c in self.cohorts()?.into_iter().filter(|c| c.active) {
            let figures = self.program_report(week, Some(c.id), now, tz)?.week;
            cohorts.push(CohortWeek {
                name: c.name,
                priority: c.priority,
                due: count(figures.tenants_due_unique),
                reached: count(figures.tenants_reached_unique),
            });
        }

        let spans = self.work_spans(
            period::start_of(days_before(today, 7 * USUAL_WEEKS), tz),
            now,
        )?;
        let worked = |from, to| worked(&spans, from, to);
        let pace_days = Period {
            since: days_before(today, PACE_DAYS - 1),
            until: today,
        };
        let (pace_from, _) = pace_days.bounds(tz);
        let pace = Pace {
            reached: count(
                self.program_report(pace_days, None, now, tz)?
                    .tenants_reached_unique,
            ),
            operator_hours: worked(pace_from, now),
        };

        let usual = |day| usual_hours(&spans, day, tz);
        let (today_start, _) = Period::day(today).bounds(tz);
        let hours_left = (usual(today) - worked(today_start, now)).max(0.0)
            + today
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= sunday)
                .map(usual)
                .sum::<f64>();
        Ok(WeekForecast {
            week_start: monday,
            week_end: sunday,
            reached_per_hour: pace.per_hour(),
            pace,
            hours_left,
            cohorts: forecast::week(&cohorts, pace, hours_left),
        })
    }

    /// The operator-hours usual on each day of the week starting `monday`: the mean of
    /// the same weekday in the `USUAL_WEEKS` weeks before.
    pub fn usual_week(&self, monday: NaiveDate, now: DateTime<Utc>, tz: Tz) -> Result<[f64; 7]> {
        let spans = self.work_spans(
            period::start_of(days_before(monday, 7 * USUAL_WEEKS), tz),
            now,
        )?;
        Ok(std::array::from_fn(|i| {
            usual_hours(&spans, monday + Days::new(i as u64), tz)
        }))
    }

    /// Every operator's shifts that reach past `from`, each ended at its end, or (left
    /// open by a terminal that died) at the operator's next shift or now, and never
    /// longer than `LONGEST_SHIFT_HOURS`.
    fn work_spans(&self, from: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<Span>> {
        let shifts: Vec<(i64, String, Option<String>)> = rows(
            self.read(),
            "SELECT operator_id, started_at, ended_at FROM shifts
             WHERE started_at < ?2 AND coalesce(ended_at, ?2) > ?1
             ORDER BY operator_id, started_at",
            [time::ts(from), time::ts(now)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut spans = Vec::with_capacity(shifts.len());
        for (i, (operator, started, ended)) in shifts.iter().enumerate() {
            let start = time::parse_ts(started)?;
            let next = shifts
                .get(i + 1)
                .filter(|(o, _, _)| o == operator)
                .map(|(_, s, _)| time::parse_ts(s))
                .transpose()?;
            let end = match ended {
                Some(e) => time::parse_ts(e)?,
                None => next.unwrap_or(now).min(now),
            };
            spans.push(Span {
                from: start,
                to: end.min(start + chrono::Duration::hours(LONGEST_SHIFT_HOURS)),
            });
        }
        Ok(spans)
    }
}

/// Operator-hours of `spans` between `from` and `to`.
fn worked(spans: &[Span], from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    spans
        .iter()
        .map(|s| (s.to.min(to) - s.from.max(from)).num_seconds().max(0) as f64)
        .sum::<f64>()
        / 3600.0
}

/// The mean operator-hours of `day`'s weekday in the `USUAL_WEEKS` weeks before it.
fn usual_hours(spans: &[Span], day: NaiveDate, tz: Tz) -> f64 {
    (1..=USUAL_WEEKS)
        .map(|k| {
            let (from, to) = Period::day(days_before(day, 7 * k)).bounds(tz);
            worked(spans, from, to)
        })
        .sum::<f64>()
        / USUAL_WEEKS as f64
}

fn days_before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).unwrap_or(day)
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
