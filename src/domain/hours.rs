//! Calling hours: the part of each local day when tenants may be phoned.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Calling hours in the program's local time, as minutes since midnight.
/// `end` may be 1440 ("24:00"): calls are then allowed until midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingHours {
    pub start: u16,
    pub end: u16,
}

impl Default for CallingHours {
    fn default() -> Self {
        CallingHours {
            start: 9 * 60,
            end: 19 * 60,
        }
    }
}

impl CallingHours {
    pub const ALL_DAY: CallingHours = CallingHours {
        start: 0,
        end: 24 * 60,
    };

    /// Parses "09:00-19:00" (also "9h-19h", "09:00–19:00").
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().replace('–', "-");
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| format!("'{text}' is not a range of hours like 09:00-19:00"))?;
        let start = parse_hhmm(a)?;
        let end = parse_hhmm(b)?;
        if start >= end {
            return Err(format!("calling hours '{text}' end before they start"));
        }
        Ok(CallingHours { start, end })
    }

    fn is_open_at_minute(self, minute: u16) -> bool {
        self.start <= minute && minute < self.end
    }

    /// Whether `now` falls inside the calling hours.
    pub fn is_open(self, now: DateTime<Utc>, tz: Tz) -> bool {
        let local = now.with_timezone(&tz);
        self.is_open_at_minute((local.hour() * 60 + local.minute()) as u16)
    }

    /// The instant calls open on a local date.
    pub fn opening_on(self, date: NaiveDate, tz: Tz) -> DateTime<Utc> {
        local_instant(date, self.start, tz)
    }

    /// The instant calls close on a local date.
    pub fn closing_on(self, date: NaiveDate, tz: Tz) -> DateTime<Utc> {
        local_instant(date, self.end, tz)
    }

    /// `now` if calls are open, otherwise the next opening.
    pub fn next_open(self, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        if self.is_open(now, tz) {
            return now;
        }
        let today = now.with_timezone(&tz).date_naive();
        let opening = self.opening_on(today, tz);
        if now < opening {
            opening
        } else {
            self.opening_on(today + Days::new(1), tz)
        }
    }

    pub fn display(self) -> String {
        format!("{}-{}", hhmm(self.start), hhmm(self.end))
    }
}

/// "HH:MM" for minutes since midnight (1440 shows as 24:00).
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn parse_hhmm(text: &str) -> Result<u16, String> {
    let t = text.trim().to_lowercase().replace('h', ":");
    let (h, m) = match t.split_once(':') {
        Some((h, m)) => (h, if m.is_empty() { "0" } else { m }),
        None => (t.as_str(), "0"),
    };
    let h: u16 = h
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a time like 09:00"))?;
    let m: u16 = m
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a time like 09:00"))?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(format!("'{text}' is not a time of day"));
    }
    Ok(h * 60 + m)
}

/// The UTC instant of a local date and minute of day. Around a daylight-saving jump
/// a local time may not exist (it is moved forward) or exist twice (the first is taken).
pub fn local_instant(date: NaiveDate, minute: u16, tz: Tz) -> DateTime<Utc> {
    let (date, minute) = if minute >= 24 * 60 {
        (date + Days::new(1), minute - 24 * 60)
    } else {
        (date, minute)
    };
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
        .unwrap_or(NaiveTime::MIN);
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // In the gap of a spring-forward: one hour later exists.
            let later = naive + chrono::Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&naive), |t| t.with_timezone(&Utc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn open_inside_local_hours_only() {
        let h = CallingHours::default();
        // 08:30 UTC in November is 09:30 in Paris.
        assert!(h.is_open(utc("2026-11-28T08:30:00Z"), Paris));
        assert!(!h.is_open(utc("2026-11-28T07:59:00Z"), Paris));
        assert!(h.is_open(utc("2026-11-28T17:59:00Z"), Paris));
        assert!(!h.is_open(utc("2026-11-28T18:00:00Z"), Paris));
    }

    #[test]
    fn next_open_is_tomorrow_morning_after_closing() {
        let h = CallingHours::default();
        assert_eq!(
            h.next_open(utc("2026-11-28T19:00:00Z"), Paris),
            utc("2026-11-29T08:00:00Z")
        );
        assert_eq!(
            h.next_open(utc("2026-11-28T05:00:00Z"), Paris),
            utc("2026-11-28T08:00:00Z")
        );
        // Summer time: 09:00 in Paris is 07:00 UTC.
        assert_eq!(
            h.next_open(utc("2026-07-01T02:00:00Z"), Paris),
            utc("2026-07-01T07:00:00Z")
        );
    }

    #[test]
    fn all_day_is_always_open() {
        let h = CallingHours::ALL_DAY;
        assert!(h.is_open(utc("2026-11-28T23:59:00Z"), Paris));
        assert!(h.is_open(utc("2026-11-28T00:00:00Z"), Paris));
    }

    #[test]
    fn hours_with_minutes_open_and_close_on_the_minute() {
        let h = CallingHours::parse("09:30-17:45").unwrap();
        assert_eq!(
            h,
            CallingHours {
                start: 570,
                end: 1065
            }
        );
        assert_eq!(CallingHours::parse("9h30-17h45"), Ok(h));
        assert_eq!(h.display(), "09:30-17:45");
        // November: Paris is UTC+1.
        assert!(!h.is_open(utc("2026-11-28T08:29:00Z"), Paris));
        assert!(h.is_open(utc("2026-11-28T08:30:00Z"), Paris));
        assert!(h.is_open(utc("2026-11-28T16:44:00Z"), Paris));
        assert!(!h.is_open(utc("2026-11-28T16:45:00Z"), Paris));
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(h.opening_on(day, Paris), utc("2026-11-28T08:30:00Z"));
        assert_eq!(h.closing_on(day, Paris), utc("2026-11-28T16:45:00Z"));
    }

    #[test]
    fn a_closing_at_24_00_is_midnight_at_the_end_of_the_day() {
        let h = CallingHours::parse("20:00-24:00").unwrap();
        assert_eq!(
            h,
            CallingHours {
                start: 1200,
                end: 1440
            }
        );
        assert_eq!(h.display(), "20:00-24:00");
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(h.closing_on(day, Paris), utc("2026-11-28T23:00:00Z"));
        assert!(h.is_open(utc("2026-11-28T22:59:00Z"), Paris));
        assert!(!h.is_open(utc("2026-11-28T23:00:00Z"), Paris));
        for bad in [
            "20:00-24:01",
            "20:00-24:30",
            "09:60-10:00",
            "9h-25h",
            "09:00-19:xx",
        ] {
            assert!(CallingHours::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            CallingHours::parse("23:59-24:00"),
            Ok(CallingHours {
                start: 1439,
                end: 1440
            })
        );
    }

    #[test]
    fn daylight_saving_jumps_move_or_pick_the_first_instant() {
        // 29 March 2026, Paris: 02:00 becomes 03:00, so 02:30 does not exist and
        // is read as 03:30 summer time.
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        assert_eq!(
            local_instant(spring, 2 * 60 + 30, Paris),
            utc("2026-03-29T01:30:00Z")
        );
        assert_eq!(
            local_instant(spring, 60, Paris),
            utc("2026-03-29T00:00:00Z")
        );
        // 25 October 2026: 02:30 happens twice; the first (summer time) is taken.
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        assert_eq!(
            local_instant(autumn, 2 * 60 + 30, Paris),
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!(
            CallingHours::parse("09:00-19:00").unwrap(),
            CallingHours::default()
        );
        assert_eq!(
            CallingHours::parse("9h-19h").unwrap(),
            CallingHours::default()
        );
        assert_eq!(
            CallingHours::parse("00:00–24:00").unwrap(),
            CallingHours::ALL_DAY
        );
        assert!(CallingHours::parse("19:00-09:00").is_err());
        assert!(CallingHours::parse("25:00-26:00").is_err());
        assert!(CallingHours::parse("nine to five").is_err());
    }
}
