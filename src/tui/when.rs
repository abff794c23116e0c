//! Dates and times as operators type them in the form, read in the program's time zone.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::{hours::local_instant, parse};

/// Why a typed date or time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenError {
    NotADate,
    NotADateTime,
}

/// A day as `dd/mm/yyyy`, `dd/mm` (the next such day from `today`) or `yyyy-mm-dd`.
pub fn day(text: &str, today: NaiveDate) -> Result<NaiveDate, WhenError> {
    let t = text.trim();
    if let Ok(d) = parse::date(t) {
        return Ok(d);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    if parts.len() == 2 {
        let d: u32 = parts[0].trim().parse().map_err(|_| WhenError::NotADate)?;
        let m: u32 = parts[1].trim().parse().map_err(|_| WhenError::NotADate)?;
        for year in [today.year(), today.year() + 1] {
            if let Some(date) = NaiveDate::from_ymd_opt(year, m, d).filter(|x| *x >= today) {
                return Ok(date);
            }
        }
    }
    Err(WhenError::NotADate)
}

/// An instant as `hh:mm` (today), `dd/mm hh:mm`, `dd/mm/yyyy hh:mm`, or a day alone
/// (at `default_time`).
pub fn instant(
    text: &str,
    today: NaiveDate,
    tz: Tz,
    default_time: Option<NaiveTime>,
) -> Result<DateTime<Utc>, WhenError> {
    let t = text.trim();
    let (d, tm) = match t.split_once([' ', 'T']) {
        Some((d, tm)) => (Some(d), tm.trim()),
        None if t.contains(':') || t.to_lowercase().contains('h') => (None, t),
        None => (Some(t), ""),
    };
    let date = match d {
        Some(d) => day(d, today).map_err(|_| WhenError::NotADateTime)?,
        None => today,
    };
    let time = if tm.is_empty() {
        default_time.ok_or(WhenError::NotADateTime)?
    } else {
        parse::time(tm).map_err(|_| WhenError::NotADateTime)?
    };
    let minute = (time.hour() * 60 + time.minute()) as u16;
    Ok(local_instant(date, minute, tz))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn days_with_or_without_year() {
        let today = date("2026-11-28");
        assert_eq!(day("05/12/2026", today), Ok(date("2026-12-05")));
        assert_eq!(day("05/12", today), Ok(date("2026-12-05")));
        assert_eq!(day("03/01", today), Ok(date("2027-01-03")));
        assert_eq!(day("2026-12-05", today), Ok(date("2026-12-05")));
        assert_eq!(day("31/02", today), Err(WhenError::NotADate));
        assert_eq!(day("demain", today), Err(WhenError::NotADate));
    }

    #[test]
    fn instants_in_local_time() {
        let today = date("2026-11-28");
        let at = |s: &str| instant(s, today, Paris, None);
        assert_eq!(at("14:30"), Ok("2026-11-28T13:30:00Z".parse().unwrap()));
        assert_eq!(at("14h"), Ok("2026-11-28T13:00:00Z".parse().unwrap()));
        assert_eq!(
            at("02/12 9h15"),
            Ok("2026-12-02T08:15:00Z".parse().unwrap())
        );
        assert_eq!(
            at("02/12/2026 09:15"),
            Ok("2026-12-02T08:15:00Z".parse().unwrap())
        );
        assert_eq!(at("02/12"), Err(WhenError::NotADateTime));
        assert_eq!(
            instant("02/12", today, Paris, NaiveTime::from_hms_opt(9, 0, 0)),
            Ok("2026-12-02T08:00:00Z".parse().unwrap())
        );
        assert_eq!(at("25:00"), Err(WhenError::NotADateTime));
        assert_eq!(at(""), Err(WhenError::NotADateTime));
    }
}
