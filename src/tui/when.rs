//! Dates and times as operators type them in the form, read in the program's time zone:
//! `14:30`, `02/12 10:00`, and as people say them on the phone, in French or English:
//! `demain 10h`, `jeudi 14h30`, `dans 2h`, `tomorrow 10am`, `in 30 min`. A time alone is
//! the next such time: `10h` typed at 11:00 is tomorrow at 10:00.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::domain::{hours::local_instant, parse};
use crate::i18n::Lang;

/// Why a typed date or time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenError {
    NotADate,
    NotADateTime,
}

/// A day as `dd/mm/yyyy`, `dd/mm` (the next such day from `today`) or `yyyy-mm-dd`, or a
/// spoken day: `aujourd'hui`, `demain`, `après-demain`, a weekday (the next one, today
/// included), `today`, `tomorrow`.
pub fn day(text: &str, today: NaiveDate) -> Result<NaiveDate, WhenError> {
    let t = text.trim();
    if let Some(d) = spoken_day(t, today) {
        return Ok(d);
    }
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

/// `aujourd'hui`, `demain`, `après-demain`, a weekday, in French or English.
fn spoken_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    // Folded: lower case, no accents, no spaces or punctuation ("après-demain").
    let word = parse::fold(text);
    let ahead = match word.as_str() {
        "aujourdhui" | "auj" | "today" => 0,
        "demain" | "tomorrow" => 1,
        "apresdemain" => 2,
        _ => {
            let wanted = weekday(&word)?;
            (7 + wanted.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7
        }
    };
    today.checked_add_days(chrono::Days::new(u64::from(ahead)))
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "lundi" | "lun" | "monday" | "mon" => Weekday::Mon,
        "mardi" | "mar" | "tuesday" | "tue" => Weekday::Tue,
        "mercredi" | "mer" | "wednesday" | "wed" => Weekday::Wed,
        "jeudi" | "jeu" | "thursday" | "thu" => Weekday::Thu,
        "vendredi" | "ven" | "friday" | "fri" => Weekday::Fri,
        "samedi" | "sam" | "saturday" | "sat" => Weekday::Sat,
        "dimanche" | "dim" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// A time of day: `14:30`, `14h`, `9h15`, `10am`, `2:30 pm`.
fn time_of_day(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_lowercase().replace(' ', "");
    let (t, shift) = if let Some(t) = t.strip_suffix("am") {
        (t, Some(false))
    } else if let Some(t) = t.strip_suffix("pm") {
        (t, Some(true))
    } else {
        (t.as_str(), None)
    };
    let time = parse::time(t).ok()?;
    match shift {
        None => Some(time),
        Some(pm) if (1..=12).contains(&time.hour()) => {
            let hour = time.hour() % 12 + if pm { 12 } else { 0 };
            time.with_hour(hour)
        }
        Some(_) => None,
    }
}

/// `dans 2h`, `dans 30 min`, `dans 1h30`, `in 2 hours`, `in 45 minutes`.
fn relative(text: &str) -> Option<Duration> {
    let t = parse::fold_keep_spaces(text);
    let rest = t
        .strip_prefix("dans ")
        .or_else(|| t.strip_prefix("in "))?
        .replace(' ', "");
    let minutes_word = |s: &str| -> Option<i64> {
        let n = ["minutes", "minute", "mins", "min", "mn"]
            .iter()
            .find_map(|u| s.strip_suffix(u))?;
        n.parse().ok()
    };
    if let Some(m) = minutes_word(&rest) {
        return Some(Duration::minutes(m));
    }
    let (h, after) = ["heures", "heure", "hours", "hour", "h"]
        .iter()
        .find_map(|u| rest.split_once(u))?;
    let h: i64 = h.parse().ok()?;
    let m: i64 = match after.trim_end_matches("min") {
        "" => 0,
        m => m.parse().ok()?,
    };
    (h <= 24 * 7 && m < 60).then(|| Duration::minutes(h * 60 + m))
}

/// An instant: `hh:mm` (the next such time from `now`), `dd/mm hh:mm`, `dd/mm/yyyy hh:mm`,
/// a spoken day and time (`demain 10h`, `jeudi 14h30`, `tomorrow 10am`), a delay
/// (`dans 2h`, `in 30 min`), or a day alone (at `default_time`).
pub fn instant(
    text: &str,
    now: DateTime<Utc>,
    tz: Tz,
    default_time: Option<NaiveTime>,
) -> Result<DateTime<Utc>, WhenError> {
    let t = text.trim();
    if let Some(delay) = relative(t) {
        let at = now + delay;
        return Ok(at - Duration::seconds(i64::from(at.second())));
    }
    let today = now.with_timezone(&tz).date_naive();
    // "demain à 10h", "thursday at 2pm": the little word between goes.
    let words: Vec<&str> = t
        .split_whitespace()
        .filter(|w| !matches!(w.to_lowercase().as_str(), "à" | "a" | "at" | "le" | "on"))
        .collect();
    let at = |date: NaiveDate, time: NaiveTime| {
        local_instant(date, (time.hour() * 60 + time.minute()) as u16, tz)
    };
    match words.as_slice() {
        [] => Err(WhenError::NotADateTime),
        // A time alone: today, or tomorrow once it has passed (a minute's slack for
        // "now").
        [one] if time_of_day(one).is_some() && day(one, today).is_err() => {
            let time = time_of_day(one).ok_or(WhenError::NotADateTime)?;
            let today_at = at(today, time);
            if today_at >= now - Duration::minutes(1) {
                Ok(today_at)
            } else {
                Ok(at(today + Duration::days(1), time))
            }
        }
        [one] => {
            let date = day(one, today).map_err(|_| WhenError::NotADateTime)?;
            let time = default_time.ok_or(WhenError::NotADateTime)?;
            Ok(at(date, time))
        }
        [first, rest @ ..] => {
            let (date, time) = (day(first, today), time_of_day(&rest.join(" ")));
            let (Ok(date), Some(time)) = (date, time) else {
                // "après demain 10h" is two words for the day.
                let two = rest
                    .first()
                    .map(|second| format!("{first} {second}"))
                    .and_then(|d| spoken_day(&d, today))
                    .zip(time_of_day(&rest[1..].join(" ")));
                return two.map(|(d, tm)| at(d, tm)).ok_or(WhenError::NotADateTime);
            };
            let instant = at(date, time);
            // "jeudi 10h" said on a Thursday at 11:00 is next Thursday.
            if instant < now - Duration::minutes(1) && weekday(&parse::fold(first)).is_some() {
                return Ok(at(date + Duration::days(7), time));
            }
            Ok(instant)
        }
    }
}

/// What to show beside a date-and-time field: how its text was read once it reads as an
/// instant, the expected format otherwise.
pub fn hint(text: &str, now: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    if text.trim().is_empty() {
        return lang.t("form.hint_date_time").to_string();
    }
    instant(text, now, tz, None).map_or_else(
        |_| lang.t("form.hint_date_time").to_string(),
        |at| echo(at, tz, lang),
    )
}

/// How an instant was read, to echo it beside the field before saving:
/// "→ jeu. 03/12 10:00" / "→ Thu 03/12 10:00".
pub fn echo(at: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let local = at.with_timezone(&tz);
    let day = match lang {
        Lang::Fr => ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }[local.weekday().num_days_from_monday() as usize];
    format!("→ {day} {}", local.format("%d/%m %H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn days_with_or_without_year_and_spoken() {
        // Saturday 28 November 2026.
        let today = date("2026-11-28");
        assert_eq!(day("05/12/2026", today), Ok(date("2026-12-05")));
        assert_eq!(day("05/12", today), Ok(date("2026-12-05")));
        assert_eq!(day("03/01", today), Ok(date("2027-01-03")));
        assert_eq!(day("2026-12-05", today), Ok(date("2026-12-05")));
        assert_eq!(day("31/02", today), Err(WhenError::NotADate));
        assert_eq!(day("demain", today), Ok(date("2026-11-29")));
        assert_eq!(day("Après-demain", today), Ok(date("2026-11-30")));
        assert_eq!(day("lundi", today), Ok(date("2026-11-30")));
        assert_eq!(day("samedi", today), Ok(date("2026-11-28")));
        assert_eq!(day("Thursday", today), Ok(date("2026-12-03")));
        assert_eq!(day("jeu.", today), Ok(date("2026-12-03")));
        assert_eq!(day("bientôt", today), Err(WhenError::NotADate));
    }

    #[test]
    fn instants_in_local_time() {
        // Saturday 28 November 2026, 10:42 in Paris.
        let now = utc("2026-11-28T09:42:00Z");
        let at = |s: &str| instant(s, now, Paris, None);
        assert_eq!(at("14:30"), Ok(utc("2026-11-28T13:30:00Z")));
        assert_eq!(at("14h"), Ok(utc("2026-11-28T13:00:00Z")));
        assert_eq!(at("02/12 9h15"), Ok(utc("2026-12-02T08:15:00Z")));
        assert_eq!(at("02/12/2026 09:15"), Ok(utc("2026-12-02T08:15:00Z")));
        assert_eq!(at("02/12"), Err(WhenError::NotADateTime));
        assert_eq!(
            instant("02/12", now, Paris, NaiveTime::from_hms_opt(9, 0, 0)),
            Ok(utc("2026-12-02T08:00:00Z"))
        );
        assert_eq!(at("25:00"), Err(WhenError::NotADateTime));
        assert_eq!(at(""), Err(WhenError::NotADateTime));
        assert_eq!(at("bientôt"), Err(WhenError::NotADateTime));
    }

    #[test]
    fn times_as_people_say_them() {
        // Saturday 28 November 2026, 10:42 in Paris.
        let now = utc("2026-11-28T09:42:00Z");
        let at = |s: &str| instant(s, now, Paris, None);
        assert_eq!(at("10h"), Ok(utc("2026-11-29T09:00:00Z")), "the next 10:00");
        assert_eq!(at("10:42"), Ok(utc("2026-11-28T09:42:00Z")), "now is today");
        assert_eq!(at("demain 10h"), Ok(utc("2026-11-29T09:00:00Z")));
        assert_eq!(at("demain à 10h"), Ok(utc("2026-11-29T09:00:00Z")));
        assert_eq!(at("après-demain 9h"), Ok(utc("2026-11-30T08:00:00Z")));
        assert_eq!(at("après demain 9h"), Ok(utc("2026-11-30T08:00:00Z")));
        assert_eq!(at("jeudi 14h30"), Ok(utc("2026-12-03T13:30:00Z")));
        assert_eq!(at("samedi 10h"), Ok(utc("2026-12-05T09:00:00Z")), "passed");
        assert_eq!(
            at("samedi 16h"),
            Ok(utc("2026-11-28T15:00:00Z")),
            "later today"
        );
        assert_eq!(at("dans 2h"), Ok(utc("2026-11-28T11:42:00Z")));
        assert_eq!(at("dans 1h30"), Ok(utc("2026-11-28T11:12:00Z")));
        assert_eq!(at("dans 30 min"), Ok(utc("2026-11-28T10:12:00Z")));
        assert_eq!(at("tomorrow 10am"), Ok(utc("2026-11-29T09:00:00Z")));
        assert_eq!(at("tomorrow at 2:30 pm"), Ok(utc("2026-11-29T13:30:00Z")));
        assert_eq!(at("12pm"), Ok(utc("2026-11-28T11:00:00Z")), "noon");
        assert_eq!(at("12am"), Ok(utc("2026-11-28T23:00:00Z")), "midnight");
        assert_eq!(at("in 45 minutes"), Ok(utc("2026-11-28T10:27:00Z")));
        assert_eq!(at("in 2 hours"), Ok(utc("2026-11-28T11:42:00Z")));
        assert_eq!(at("13pm"), Err(WhenError::NotADateTime));
        assert_eq!(at("dans beaucoup"), Err(WhenError::NotADateTime));
    }

    #[test]
    fn the_echo_says_the_day_and_the_local_time() {
        let at = utc("2026-12-03T09:00:00Z");
        assert_eq!(echo(at, Paris, Lang::Fr), "→ jeu. 03/12 10:00");
        assert_eq!(echo(at, Paris, Lang::En), "→ Thu 03/12 10:00");
    }
}
