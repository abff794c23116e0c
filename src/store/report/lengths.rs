//! Call lengths as docs/REPORT.md defines them, `(julianday(ended_at) -
//! julianday(started_at)) * 86400.0` summed by SQLite's total(), made without SQLite:
//! instants read from their text without allocating, and a sum that equals total()'s
//! to the last bit, because it adds the same lengths in the same order.

use crate::store::time;

/// SQLite's julianday() of an instant given in milliseconds since 1970: its integer
/// milliseconds since the Julian epoch over 86,400,000.
pub(crate) fn julian_day(unix_millis: i64) -> f64 {
    (unix_millis + 210_866_760_000_000) as f64 / 86_400_000.0
}

/// A sum of floats as SQLite's total() makes it (Kahan–Babuška–Neumaier): the call
/// lengths summed here equal, to the last bit, the total of
/// `(julianday(ended_at) - julianday(started_at)) * 86400.0` in docs/REPORT.md, so an
/// average that falls near half a second rounds the same way.
#[derive(Debug, Default)]
pub(crate) struct Total {
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

    fn is_empty(&self) -> bool {
        self.sum == 0.0 && self.error == 0.0
    }

    fn value(&self) -> f64 {
        if self.error.is_finite() {
            self.sum + self.error
        } else {
            self.sum
        }
    }
}

/// The lengths of one run of calls read in end order, and of its reached calls:
/// summed as they come for the period's first run, listed for a later one, so that the
/// first run's sums go on with them in end order (a float sum depends on its order).
#[derive(Debug)]
pub(crate) enum Lengths {
    Summed { all: Total, reached: Total },
    Listed { all: Vec<f64>, reached: Vec<f64> },
}

impl Lengths {
    pub(crate) fn summed() -> Self {
        Lengths::Summed {
            all: Total::default(),
            reached: Total::default(),
        }
    }

    pub(crate) fn listed() -> Self {
        Lengths::Listed {
            all: Vec::new(),
            reached: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn add(&mut self, length: f64, reached: bool) {
        match self {
            Lengths::Summed { all, reached: r } => {
                all.add(length);
                if reached {
                    r.add(length);
                }
            }
            Lengths::Listed { all, reached: r } => {
                all.push(length);
                if reached {
                    r.push(length);
                }
            }
        }
    }

    /// Seconds of every call and of the reached calls of consecutive runs, oldest first:
    /// the first run summed, the others listed.
    pub(crate) fn seconds(runs: impl IntoIterator<Item = Lengths>) -> (f64, f64) {
        let (mut all, mut reached) = (Total::default(), Total::default());
        for run in runs {
            match run {
                // The first run: its sums are where the others go on.
                Lengths::Summed { all: a, reached: r } if all.is_empty() => (all, reached) = (a, r),
                // Not made by count_calls: still counted, if not to the last bit.
                Lengths::Summed { all: a, reached: r } => {
                    all.add(a.value());
                    reached.add(r.value());
                }
                Lengths::Listed { all: a, reached: r } => {
                    for l in a {
                        all.add(l);
                    }
                    for l in r {
                        reached.add(l);
                    }
                }
            }
        }
        (all.value(), reached.value())
    }
}

/// Reads instants as the database writes them (`2026-11-28T09:00:00.000Z`) without
/// allocating, and remembers the last date read: calls come in end order, so nearly
/// every call shares its date with the one before. Other forms are read by chrono.
#[derive(Default)]
pub(crate) struct InstantReader {
    date: [u8; 10],
    days: i64,
}

impl InstantReader {
    /// Milliseconds since 1970; `None` for text that is not an instant (SQLite's
    /// julianday() gives NULL for it, which total() skips).
    #[inline]
    pub(crate) fn millis(&mut self, text: &[u8]) -> Option<i64> {
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
    use rusqlite::Connection;

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
