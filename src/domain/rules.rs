//! The program's tunable rules, kept together so they can be read and shown.

use chrono::Duration;
use chrono_tz::Tz;

use super::CallingHours;

/// Parameters of the queue and scheduling rules. Stored in the database's
/// `settings` table so that every operator process applies the same ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// The program's local time zone (for calling hours and "today").
    pub tz: Tz,
    pub hours: CallingHours,
    /// How long a claim lasts without renewal.
    pub lease: Duration,
    /// Wait before trying again after no answer / busy / voicemail.
    pub retry_after: Duration,
    /// Unanswered attempts a day before moving to the next day.
    pub max_attempts_per_day: u32,
    /// How long a callback promised by one operator waits for them before anyone may take it.
    pub callback_grace: Duration,
    /// When unanswered calls to a tenant who lives alone ask for a welfare visit.
    pub ladder: super::ladder::Ladder,
    /// How long an emergency intervention request may stay unassigned before it is highlighted.
    pub emergency_unassigned_alert: Duration,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            tz: chrono_tz::Europe::Paris,
            hours: CallingHours::default(),
            lease: Duration::minutes(20),
            retry_after: Duration::hours(2),
            max_attempts_per_day: 3,
            callback_grace: Duration::minutes(15),
            ladder: super::ladder::Ladder::default(),
            emergency_unassigned_alert: Duration::minutes(15),
        }
    }
}

impl Rules {
    /// Changes one rule from its stored setting. Unknown keys are ignored (they may be
    /// other settings); a bad value is refused with the key and the value named.
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = || format!("setting {key} = '{value}' is not valid");
        let minutes = || {
            value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|m| *m > 0)
                .map(Duration::minutes)
                .ok_or_else(bad)
        };
        match key {
            "timezone" => self.tz = value.trim().parse().map_err(|_| bad())?,
            "calling_hours" => {
                self.hours = CallingHours::parse(value).map_err(|e| format!("{}: {e}", bad()))?
            }
            "lease_minutes" => self.lease = minutes()?,
            "retry_minutes" => self.retry_after = minutes()?,
            "callback_grace_minutes" => self.callback_grace = minutes()?,
            "emergency_alert_minutes" => self.emergency_unassigned_alert = minutes()?,
            "ladder_attempts_per_day" => {
                self.ladder.attempts_per_day = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(bad)?
            }
            "ladder_days" => {
                self.ladder.days = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(bad)?
            }
            "max_attempts_per_day" => {
                self.max_attempts_per_day = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(bad)?
            }
            _ => {}
        }
        Ok(())
    }

    /// The local calendar date of an instant.
    pub fn local_date(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }
}

/// The settings keys a coordinator may change, with what they mean.
pub const SETTINGS_HELP: &[(&str, &str)] = &[
    (
        "calling_hours",
        "local hours when tenants may be called, e.g. 09:00-19:00",
    ),
    ("timezone", "the program's time zone, e.g. Europe/Paris"),
    (
        "lease_minutes",
        "how long a claim lasts without renewal (20)",
    ),
    (
        "retry_minutes",
        "wait before trying again after no answer (120)",
    ),
    (
        "max_attempts_per_day",
        "unanswered attempts a day before the next day (3)",
    ),
    (
        "callback_grace_minutes",
        "how long a personal callback waits for its operator (15)",
    ),
];
