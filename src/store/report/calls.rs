//! The report's figures about calls, counted in one pass over the calls of the period
//! read in end order from the `calls_ended` index alone: calls by outcome and their
//! length, people called and reached, people reached this week and each day of the
//! series, and for "due this week" whether a tenant was reached since a given instant. Counting people here, with a mark per tenant, replaces SQLite's
//! `count(DISTINCT …)`, whose temporary B-trees took seconds over a million calls; the
//! definitions stay those of docs/REPORT.md.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params_from_iter};

use super::ids::IdMap;
use crate::domain::Outcome;
use crate::store::{Result, time};

/// What to count, as instants written as the database writes them (text order is time
/// order, so the pass compares text exactly as SQL does).
pub(crate) struct CallScan<'a> {
    /// The period: `[from, to)`.
    pub from: String,
    pub to: String,
    /// Reached calls from here to `to` count as reached this week.
    pub week_start: String,
    /// The series: day `i` is `[day_starts[i], day_starts[i + 1])`.
    pub day_starts: Vec<String>,
    /// Instants for which `CallFigures::reached_since` must answer.
    pub reached_since: Vec<String>,
    /// Only these tenants' calls count (a cohort); every call when `None`.
    pub scope: Option<&'a IdMap<bool>>,
    /// Count the operators of the period's calls (which costs a column read per call).
    pub operators: bool,
}

impl CallScan<'_> {
    /// A day's `[start, end)` for each of `days` (consecutive), as `day_starts` wants them.
    pub(crate) fn day_starts(
        days: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    ) -> Vec<String> {
        let mut starts = Vec::new();
        let mut end = None;
        for (a, b) in days {
            starts.push(time::ts(a));
            end = Some(b);
        }
        starts.extend(end.map(time::ts));
        starts
    }
}

#[derive(Debug)]
pub(crate) struct CallFigures {
    /// Every outcome, zeros included.
    pub by_outcome: BTreeMap<Outcome, u64>,
    /// Total length in seconds of the period's calls, and of its reached calls, as
    /// SQLite's total() of their julianday() differences gives it.
    pub seconds: f64,
    pub reached_seconds: f64,
    pub tenants_called_unique: u64,
    pub tenants_reached_unique: u64,
    pub week_reached_unique: u64,
    /// Operators who ended calls in the period, when `CallScan::operators` asked.
    pub operators_active_unique: Option<u64>,
    /// People reached each day of the series.
    pub reached_per_day: Vec<u64>,
    tenants: IdMap<TenantMark>,
    /// For each `reached_since` instant, the position of the first call read at or after it.
    since_positions: Vec<u32>,
}

impl CallFigures {
    /// Whether `tenant` has a reached call from `CallScan::reached_since[i]` to `to`.
    pub(crate) fn reached_since(&self, tenant: i64, i: usize) -> bool {
        self.tenants.get(tenant).last_reached >= self.since_positions[i]
    }
}

/// What the pass has seen of one tenant.
#[derive(Debug, Clone, Copy, Default)]
struct TenantMark {
    called: bool,
    reached: bool,
    reached_this_week: bool,
    /// 1 + the series day on which the tenant was last counted reached; 0 for none.
    day: u32,
    /// Position (from 1) of the tenant's last reached call read; 0 for none.
    last_reached: u32,
}

/// Reads the calls from the earliest instant `scan` needs to `to`, once, in end order.
pub(crate) fn count_calls(conn: &Connection, scan: &CallScan) -> Result<CallFigures> {
    let start = scan
        .day_starts
        .iter()
        .take(1)
        .chain([&scan.week_start])
        .chain(&scan.reached_since)
        .fold(&scan.from, |a, b| a.min(b));
    let mut since_order: Vec<usize> = (0..scan.reached_since.len()).collect();
    since_order.sort_by(|a, b| scan.reached_since[*a].cmp(&scan.reached_since[*b]));
    let mut since_positions = vec![u32::MAX; scan.reached_since.len()];
    let mut next_since = 0;
    let max_tenant: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) FROM tenants", [], |r| r.get(0))?;
    let mut tenants: IdMap<TenantMark> = IdMap::with_max_id(max_tenant);
    let (mut called, mut reached_unique, mut week_reached) = (0, 0, 0);
    let mut reached_per_day = vec![0; scan.day_starts.len().saturating_sub(1)];
    let mut by_outcome = [0u64; Outcome::ALL.len()];
    let mut operators: Option<IdMap<bool>> = scan.operators.then(|| IdMap::with_max_id(0));
    let mut operators_active = 0;
    let (mut seconds, mut reached_seconds) = (Total::default(), Total::default());
    let (mut ends, mut starts) = (InstantReader::default(), InstantReader::default());
    // Calls come in end order: once a call is past an instant, every later one is, so
    // each instant is compared with the calls only until one passes it.
    let mut in_period = false;
    let mut in_week = false;
    // The series day of the last reached call read (`days` when past the series).
    let days = scan.day_starts.len().saturating_sub(1);
    let mut day: Option<usize> = None;

    // When the period ends after the last call, as a report up to today does, SQLite
    // need not compare every call with its end.
    let last: Option<String> =
        conn.query_row("SELECT max(ended_at) FROM calls", [], |r| r.get(0))?;
    let bounded = last.is_some_and(|last| last >= scan.to);
    let mut stmt = conn.prepare_cached(if bounded {
        "SELECT ended_at, outcome, tenant_id, started_at, operator_id FROM calls
         WHERE ended_at >= ?1 AND ended_at < ?2 ORDER BY ended_at"
    } else {
        "SELECT ended_at, outcome, tenant_id, started_at, operator_id FROM calls
         WHERE ended_at >= ?1 ORDER BY ended_at"
    })?;
    let bounds = [start, &scan.to];
    let mut rows = stmt.query(params_from_iter(&bounds[..if bounded { 2 } else { 1 }]))?;
    let mut position = 0u32;
    while let Some(r) = rows.next()? {
        position += 1;
        let ended = text_at(r, 0)?;
        while next_since < since_order.len()
            && ended >= scan.reached_since[since_order[next_since]].as_bytes()
        {
            since_positions[since_order[next_since]] = position;
            next_since += 1;
        }
        in_period = in_period || ended >= scan.from.as_bytes();
        in_week = in_week || ended >= scan.week_start.as_bytes();
        let tenant = int_at(r, 2)?;
        if scan.scope.is_some_and(|s| !s.get(tenant)) {
            continue;
        }
        let outcome = outcome_of(text_at(r, 1)?);
        let reached = outcome == Some(Outcome::Reached);
        let mark = tenants.get_mut(tenant);
        if reached {
            mark.last_reached = position;
            if in_week && !mark.reached_this_week {
                mark.reached_this_week = true;
                week_reached += 1;
            }
            let mut next = day.map_or(0, |d| d + 1);
            while next < scan.day_starts.len() && ended >= scan.day_starts[next].as_bytes() {
                day = Some(next);
                next += 1;
            }
            if let Some(d) = day.filter(|d| *d < days)
                && mark.day != d as u32 + 1
            {
                mark.day = d as u32 + 1;
                reached_per_day[d] += 1;
            }
        }
        if !in_period {
            continue;
        }
        if !mark.called {
            mark.called = true;
            called += 1;
        }
        if reached && !mark.reached {
            mark.reached = true;
            reached_unique += 1;
        }
        if let Some(operators) = &mut operators {
            let seen = operators.get_mut(int_at(r, 4)?);
            if !*seen {
                *seen = true;
                operators_active += 1;
            }
        }
        if let Some(o) = outcome {
            // `ALL` lists the outcomes in declaration order.
            by_outcome[o as usize] += 1;
        }
        // A time SQLite's julianday() could not read adds nothing, as in total().
        if let (Some(e), Some(s)) = (ends.millis(ended), starts.millis(text_at(r, 3)?)) {
            let length = (julian_day(e) - julian_day(s)) * 86400.0;
            seconds.add(length);
            if reached {
                reached_seconds.add(length);
            }
        }
    }
    Ok(CallFigures {
        by_outcome: Outcome::ALL.iter().copied().zip(by_outcome).collect(),
        seconds: seconds.value(),
        reached_seconds: reached_seconds.value(),
        tenants_called_unique: called,
        tenants_reached_unique: reached_unique,
        week_reached_unique: week_reached,
        operators_active_unique: operators.map(|_| operators_active),
        reached_per_day,
        tenants,
        since_positions,
    })
}

/// SQLite's julianday() of an instant given in milliseconds since 1970: its integer
/// milliseconds since the Julian epoch over 86,400,000.
fn julian_day(unix_millis: i64) -> f64 {
    (unix_millis + 210_866_760_000_000) as f64 / 86_400_000.0
}

/// A sum of floats as SQLite's total() makes it (Kahan–Babuška–Neumaier): the call
/// lengths summed here equal, to the last bit, the total of
/// `(julianday(ended_at) - julianday(started_at)) * 86400.0` in docs/REPORT.md, so an
/// average that falls near half a second rounds the same way.
#[derive(Debug, Default)]
struct Total {
    sum: f64,
    error: f64,
}

impl Total {
    fn add(&mut self, r: f64) {
        let s = self.sum;
        let t = s + r;
        self.error += if s.abs() > r.abs() {
            (s - t) + r
        } else {
            (r - t) + s
        };
        self.sum = t;
    }

    fn value(&self) -> f64 {
        if self.error.is_finite() {
            self.sum + self.error
        } else {
            self.sum
        }
    }
}

/// A text column's bytes, borrowed from the row (no copy per call read).
#[inline]
pub(crate) fn text_at<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r [u8]> {
    let v = r.get_ref(i)?;
    v.as_bytes()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
}

#[inline]
pub(crate) fn int_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<i64> {
    let v = r.get_ref(i)?;
    v.as_i64()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
}

/// An outcome from its code's bytes; reached, the commonest, is tried first.
#[inline]
fn outcome_of(code: &[u8]) -> Option<Outcome> {
    Outcome::ALL
        .iter()
        .copied()
        .find(|o| o.code().as_bytes() == code)
}

/// The same as text (codes are ASCII).
pub(crate) fn str_at<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    std::str::from_utf8(text_at(r, i)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Reads instants as the database writes them (`2026-11-28T09:00:00.000Z`) without
/// allocating, and remembers the last date read: calls come in end order, so nearly
/// every call shares its date with the one before. Other forms are read by chrono.
#[derive(Default)]
struct InstantReader {
    date: [u8; 10],
    days: i64,
}

impl InstantReader {
    /// Milliseconds since 1970; `None` for text that is not an instant (SQLite's
    /// julianday() gives NULL for it, which total() skips).
    #[inline]
    fn millis(&mut self, text: &[u8]) -> Option<i64> {
        let Ok(text) = <&[u8; 24]>::try_from(text) else {
            return chrono_millis(text);
        };
        if text[10] != b'T'
            || text[13] != b':'
            || text[16] != b':'
            || text[19] != b'.'
            || text[23] != b'Z'
        {
            return chrono_millis(text);
        }
        let date: [u8; 10] = text[..10].try_into().ok()?;
        if date != self.date {
            if date[4] != b'-' || date[7] != b'-' {
                return None;
            }
            let (year, month, day) = (
                digits(&date[0..4])?,
                digits(&date[5..7])?,
                digits(&date[8..10])?,
            );
            self.days = days_from_civil(year, month, day);
            self.date = date;
        }
        let d = |i: usize| {
            let d = text[i].wrapping_sub(b'0');
            (d <= 9).then_some(i64::from(d))
        };
        let (h, m, s, ms) = (
            d(11)? * 10 + d(12)?,
            d(14)? * 10 + d(15)?,
            d(17)? * 10 + d(18)?,
            d(20)? * 100 + d(21)? * 10 + d(22)?,
        );
        Some(((self.days * 24 + h) * 60 + m) * 60_000 + s * 1000 + ms)
    }
}

fn chrono_millis(text: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    time::parse_ts(text).ok().map(|t| t.timestamp_millis())
}

fn digits(text: &[u8]) -> Option<i64> {
    text.iter().try_fold(0i64, |n, c| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then(|| n * 10 + i64::from(d))
    })
}

/// Days from 1970-01-01 to a civil date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_chrono_reads_them() {
        for text in [
            "1970-01-01T00:00:00.000Z",
            "2000-02-29T23:59:59.999Z",
            "2026-03-01T00:00:00.001Z",
            "2026-11-28T09:05:00.000Z",
            "2099-12-31T12:34:56.789Z",
        ] {
            let chrono = time::parse_ts(text).unwrap().timestamp_millis();
            let mut reader = InstantReader::default();
            assert_eq!(reader.millis(text.as_bytes()), Some(chrono), "{text}");
            // Again, with the date remembered.
            assert_eq!(reader.millis(text.as_bytes()), Some(chrono), "{text}");
        }
        // Forms the database does not write are still read, or skipped as SQLite would.
        let mut reader = InstantReader::default();
        assert_eq!(
            reader.millis(b"2026-11-28T09:05:00Z"),
            Some(
                time::parse_ts("2026-11-28T09:05:00.000Z")
                    .unwrap()
                    .timestamp_millis()
            )
        );
        assert_eq!(reader.millis(b"yesterday"), None);
        assert_eq!(reader.millis(b"2026-11-28T09:x5:00.000Z"), None);
    }

    #[test]
    fn call_lengths_sum_as_sqlite_sums_them() {
        let conn = Connection::open_in_memory().unwrap();
        let calls = [
            ("2026-11-28T09:00:00.000Z", "2026-11-28T09:05:00.000Z"),
            ("2026-11-28T09:10:00.000Z", "2026-11-28T09:12:00.000Z"),
            ("2026-11-28T09:20:00.250Z", "2026-11-28T09:24:31.750Z"),
            ("2026-10-24T23:58:00.000Z", "2026-10-25T00:01:00.001Z"),
        ];
        let mut total = Total::default();
        let mut reader = (InstantReader::default(), InstantReader::default());
        let mut values = Vec::new();
        for (started, ended) in calls {
            let e = reader.0.millis(ended.as_bytes()).unwrap();
            let s = reader.1.millis(started.as_bytes()).unwrap();
            total.add((julian_day(e) - julian_day(s)) * 86400.0);
            values.push(format!("('{started}', '{ended}')"));
        }
        let sql: f64 = conn
            .query_row(
                &format!(
                    "SELECT total((julianday(column2) - julianday(column1)) * 86400.0)
                     FROM (VALUES {})",
                    values.join(", ")
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            total.value().to_bits(),
            sql.to_bits(),
            "{} {sql}",
            total.value()
        );
    }
}
