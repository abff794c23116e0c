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
        }
    }
}

impl Rules {
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
