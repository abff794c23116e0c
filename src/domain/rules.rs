//! The program's tunable rules, kept together so they can be read and shown.

use chrono::Duration;
use chrono_tz::Tz;

use super::CallingHours;
use crate::tr;

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
    /// How soon after an emergency call its tenant is called again (the same day).
    pub emergency_callback: Duration,
    /// The ages a birth date in an imported list may give (inclusive): a date typed wrong
    /// (2090, or a child's) is refused on its line.
    pub import_ages: (u32, u32),
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
            emergency_callback: Duration::minutes(60),
            import_ages: (60, 120),
        }
    }
}

/// The longest a minutes setting may be: a year. Far beyond any sensible value, and far
/// below what would push a lease end or a retry past the dates the calendar can hold
/// (a larger one made every claim panic).
const MAX_MINUTES: i64 = 366 * 24 * 60;

impl Rules {
    /// Changes one rule from its stored setting. Unknown keys are ignored (they may be
    /// other settings); a bad value is refused with the key, the value and what is expected.
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = |expected: String| {
            tr!(
                "le réglage {key} = « {value} » n'est pas valable : {expected}",
                "setting {key} = '{value}' is not valid: {expected}"
            )
        };
        let minutes = || {
            value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|m| (1..=MAX_MINUTES).contains(m))
                .map(Duration::minutes)
                .ok_or_else(|| {
                    bad(tr!(
                        "attendu des minutes de 1 à {MAX_MINUTES}",
                        "expected minutes from 1 to {MAX_MINUTES}"
                    ))
                })
        };
        let count = || {
            value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    bad(tr!(
                        "attendu un nombre entier à partir de 1",
                        "expected a whole number from 1"
                    ))
                })
        };
        match key {
            "timezone" => {
                self.tz = value.trim().parse().map_err(|_| {
                    bad(tr!(
                        "attendu un fuseau horaire comme Europe/Paris",
                        "expected a time zone such as Europe/Paris"
                    ))
                })?;
            }
            "calling_hours" => self.hours = CallingHours::parse(value).map_err(bad)?,
            "lease_minutes" => self.lease = minutes()?,
            "retry_minutes" => self.retry_after = minutes()?,
            "callback_grace_minutes" => self.callback_grace = minutes()?,
            "emergency_alert_minutes" => self.emergency_unassigned_alert = minutes()?,
            "emergency_callback_minutes" => {
                // Within the day: the point is to hear from the person again today.
                let m = minutes()?;
                if m > Duration::hours(12) {
                    return Err(bad(tr!(
                        "attendu des minutes de 1 à 720 (le jour même)",
                        "expected minutes from 1 to 720 (the same day)"
                    )));
                }
                self.emergency_callback = m;
            }
            "ladder_attempts_per_day" => self.ladder.attempts_per_day = count()?,
            "ladder_days" => self.ladder.days = count()?,
            "max_attempts_per_day" => self.max_attempts_per_day = count()?,
            "unknown_lives_alone_counts_as_alone" => {
                self.ladder.unknown_counts_as_alone = match value.trim() {
                    "" => return Err(bad(tr!("attendu oui ou non", "expected yes or no"))),
                    v => super::parse::yes_no(v)
                        .map_err(|_| bad(tr!("attendu oui ou non", "expected yes or no")))?,
                };
            }
            "import_ages" => {
                let expected = || {
                    bad(tr!(
                        "attendu deux âges comme 60-120, le premier le plus petit",
                        "expected two ages such as 60-120, the first the smaller"
                    ))
                };
                let (low, high) = value.trim().split_once('-').ok_or_else(expected)?;
                let age = |t: &str| t.trim().parse::<u32>().ok().filter(|a| *a <= 150);
                match (age(low), age(high)) {
                    (Some(low), Some(high)) if low < high => self.import_ages = (low, high),
                    _ => return Err(expected()),
                }
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

/// The settings keys a coordinator may change, with what they mean in French and English.
pub const SETTINGS_HELP: &[(&str, &str, &str)] = &[
    (
        "calling_hours",
        "heures locales où les locataires peuvent être appelés, par exemple 09:00-19:00",
        "local hours when tenants may be called, e.g. 09:00-19:00",
    ),
    (
        "timezone",
        "le fuseau horaire du programme, par exemple Europe/Paris",
        "the program's time zone, e.g. Europe/Paris",
    ),
    (
        "lease_minutes",
        "combien de temps dure une prise en charge sans renouvellement (20)",
        "how long a claim lasts without renewal (20)",
    ),
    (
        "retry_minutes",
        "attente avant de réessayer après une absence de réponse (120)",
        "wait before trying again after no answer (120)",
    ),
    (
        "max_attempts_per_day",
        "tentatives sans réponse par jour avant de passer au lendemain (3)",
        "unanswered attempts a day before the next day (3)",
    ),
    (
        "callback_grace_minutes",
        "combien de temps un rappel personnel attend son opérateur (15)",
        "how long a personal callback waits for its operator (15)",
    ),
    (
        "ladder_attempts_per_day",
        "tentatives sans réponse par jour qui comptent pour une visite de contrôle (3)",
        "unanswered attempts a day that count toward a welfare visit (3)",
    ),
    (
        "ladder_days",
        "jours de suite avec de telles tentatives avant de demander une visite de contrôle (2)",
        "consecutive days of such attempts before a welfare visit is asked (2)",
    ),
    (
        "unknown_lives_alone_counts_as_alone",
        "si un locataire dont on ne sait pas s'il vit seul est suivi par l'échelle des visites de contrôle comme quelqu'un qui vit seul (oui)",
        "whether a tenant not known to live alone or not is watched by the welfare-visit \
         ladder as one who lives alone (yes)",
    ),
    (
        "emergency_alert_minutes",
        "combien de temps une urgence peut attendre une équipe avant d'être mise en évidence (15)",
        "how long an emergency may wait for a team before it is highlighted (15)",
    ),
    (
        "emergency_callback_minutes",
        "dans combien de temps un locataire est rappelé après un appel d'urgence, le jour même (60)",
        "how soon a tenant is called again after an emergency call, the same day (60)",
    ),
    (
        "import_ages",
        "les âges que peut donner une date de naissance dans une liste importée, par exemple 60-120",
        "the ages a birth date in an imported list may give, e.g. 60-120",
    ),
];

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::domain::queue::{self, Candidate};
    use crate::domain::schedule::{CallResult, next_call};
    use crate::domain::{InterventionStatus, Outcome, Urgency};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn with(key: &str, value: &str) -> Rules {
        let mut rules = Rules::default();
        rules
            .apply(key, value)
            .unwrap_or_else(|e| panic!("{key} = {value}: {e}"));
        rules
    }

    fn unanswered(rules: &Rules, now: &str) -> Option<DateTime<Utc>> {
        let result = CallResult {
            outcome: Outcome::NoAnswer,
            callback_at: None,
            callback_operator: None,
            hospitalised_until: None,
        };
        next_call(rules, utc(now), 7, None, &result).unwrap().due_at
    }

    // Saturday 28 November 2026, 10:00 in Paris.
    const NOW: &str = "2026-11-28T09:00:00Z";

    #[test]
    fn each_minutes_setting_sets_its_own_rule() {
        let d = Rules::default();
        let m = Duration::minutes;
        assert_eq!(
            with("lease_minutes", "7"),
            Rules {
                lease: m(7),
                ..d.clone()
            }
        );
        assert_eq!(
            with("retry_minutes", " 45 "),
            Rules {
                retry_after: m(45),
                ..d.clone()
            }
        );
        assert_eq!(
            with("callback_grace_minutes", "30"),
            Rules {
                callback_grace: m(30),
                ..d.clone()
            }
        );
        assert_eq!(
            with("emergency_alert_minutes", "5"),
            Rules {
                emergency_unassigned_alert: m(5),
                ..d.clone()
            }
        );
        // Up to a year (of 366 days).
        assert_eq!(with("retry_minutes", "527040").retry_after, m(527_040));
        let err = Rules::default()
            .apply("retry_minutes", "527041")
            .unwrap_err();
        assert!(err.ends_with("expected minutes from 1 to 527040"), "{err}");
        assert_eq!(with("lease_minutes", "1").lease, m(1));
    }

    #[test]
    fn each_count_setting_sets_its_own_rule() {
        let d = Rules::default();
        assert_eq!(
            with("max_attempts_per_day", "5"),
            Rules {
                max_attempts_per_day: 5,
                ..d.clone()
            }
        );
        let ladder = |attempts_per_day, days| super::super::ladder::Ladder {
            attempts_per_day,
            days,
            ..Default::default()
        };
        assert_eq!(
            with("ladder_attempts_per_day", "4"),
            Rules {
                ladder: ladder(4, 2),
                ..d.clone()
            }
        );
        assert_eq!(
            with("ladder_days", "1"),
            Rules {
                ladder: ladder(3, 1),
                ..d.clone()
            }
        );
        for (value, counts) in [("non", false), ("no", false), ("oui", true), ("yes", true)] {
            let rules = with("unknown_lives_alone_counts_as_alone", value);
            assert_eq!(rules.ladder.unknown_counts_as_alone, counts, "{value}");
        }
        for bad in ["", "maybe"] {
            assert!(
                Rules::default()
                    .apply("unknown_lives_alone_counts_as_alone", bad)
                    .is_err()
            );
        }
    }

    #[test]
    fn timezone_and_calling_hours_are_set() {
        let d = Rules::default();
        assert_eq!(
            with("timezone", " America/Martinique "),
            Rules {
                tz: chrono_tz::America::Martinique,
                ..d.clone()
            }
        );
        assert_eq!(
            with("calling_hours", "10:00-18:30"),
            Rules {
                hours: CallingHours {
                    start: 600,
                    end: 1110
                },
                ..d.clone()
            }
        );
    }

    #[test]
    fn retry_and_attempts_settings_change_when_an_unanswered_tenant_is_due() {
        assert_eq!(
            unanswered(&Rules::default(), NOW),
            Some(utc("2026-11-28T11:00:00Z"))
        );
        let rules = with("retry_minutes", "30");
        assert_eq!(unanswered(&rules, NOW), Some(utc("2026-11-28T09:30:00Z")));
        // One attempt a day: the first unanswered call already moves to tomorrow.
        let rules = with("max_attempts_per_day", "1");
        assert_eq!(unanswered(&rules, NOW), Some(utc("2026-11-29T08:00:00Z")));
    }

    #[test]
    fn timezone_and_hours_settings_move_the_next_opening() {
        // 22:00 UTC on the 28th is already the 29th in Réunion (UTC+4).
        let reunion = with("timezone", "Indian/Reunion");
        assert_eq!(
            reunion.local_date(utc("2026-11-28T22:00:00Z")),
            "2026-11-29".parse::<chrono::NaiveDate>().unwrap()
        );
        assert_eq!(
            Rules::default().local_date(utc("2026-11-28T22:00:00Z")),
            "2026-11-28".parse::<chrono::NaiveDate>().unwrap()
        );
        // 17:30 in Paris: a retry at 19:30 is after the default closing, not after 20:00.
        let late = "2026-11-28T16:30:00Z";
        assert_eq!(
            unanswered(&Rules::default(), late),
            Some(utc("2026-11-29T08:00:00Z"))
        );
        let rules = with("calling_hours", "08:00-20:00");
        assert_eq!(unanswered(&rules, late), Some(utc("2026-11-28T18:30:00Z")));
    }

    #[test]
    fn grace_and_emergency_settings_change_what_the_lists_show() {
        let promised = Candidate {
            tenant_id: 1,
            due_at: utc(NOW),
            cohort_priority: 1,
            callback_at: Some(utc(NOW)),
            callback_operator: Some(2),
        };
        let now = utc(NOW) + Duration::minutes(20);
        // A colleague's callback 20 minutes late: past the default 15 minutes, not past 30.
        let offered = |r: &Rules| queue::order(vec![promised.clone()], 9, now, r.callback_grace);
        assert_eq!(offered(&Rules::default()).len(), 1);
        assert!(offered(&with("callback_grace_minutes", "30")).is_empty());

        let waiting = |r: &Rules| {
            crate::domain::lifecycle::emergency_waiting_too_long(
                Urgency::Emergency,
                InterventionStatus::Requested,
                utc(NOW),
                utc(NOW) + Duration::minutes(10),
                r,
            )
        };
        assert!(!waiting(&Rules::default()));
        assert!(waiting(&with("emergency_alert_minutes", "10")));
    }

    #[test]
    fn ladder_settings_change_when_a_welfare_visit_is_asked() {
        let today: chrono::NaiveDate = "2026-11-28".parse().unwrap();
        let two_today = [today, today];
        assert!(!Rules::default().ladder.triggers(&two_today, today));
        let mut rules = with("ladder_days", "1");
        assert!(!rules.ladder.triggers(&two_today, today));
        rules.apply("ladder_attempts_per_day", "2").unwrap();
        assert!(rules.ladder.triggers(&two_today, today));
    }

    #[test]
    fn bad_values_are_refused_naming_key_value_and_what_is_expected() {
        let too_long = (MAX_MINUTES + 1).to_string();
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "lease_minutes",
                &[
                    "0",
                    "-5",
                    "abc",
                    "",
                    "1.5",
                    &too_long,
                    "99999999999999999999",
                ],
                "minutes from 1",
            ),
            ("retry_minutes", &["0", "-1", "two"], "minutes from 1"),
            (
                "callback_grace_minutes",
                &["0", "-15", "15m"],
                "minutes from 1",
            ),
            (
                "emergency_alert_minutes",
                &["0", "-1", "soon"],
                "minutes from 1",
            ),
            (
                "max_attempts_per_day",
                &["0", "-1", "three", "1.5"],
                "whole number from 1",
            ),
            (
                "ladder_attempts_per_day",
                &["0", "-3", "x"],
                "whole number from 1",
            ),
            (
                "ladder_days",
                &["0", "-2", "deux", ""],
                "whole number from 1",
            ),
            ("timezone", &["Mars/Olympus", "", "UTC+2"], "time zone"),
            (
                "calling_hours",
                &["late", "19:00-09:00", "09:00-25:00"],
                "calling_hours",
            ),
        ];
        for (key, values, expected) in cases {
            for value in *values {
                let mut rules = Rules::default();
                let err = rules.apply(key, value).unwrap_err();
                assert!(
                    err.contains(&format!("setting {key} = '{value}' is not valid"))
                        && err.contains(expected),
                    "{key} = {value}: {err}"
                );
                assert_eq!(rules, Rules::default(), "{key} = {value} changed a rule");
            }
        }
    }

    #[test]
    fn a_refused_calling_hours_says_why() {
        let err = Rules::default()
            .apply("calling_hours", "19:00-09:00")
            .unwrap_err();
        assert!(err.contains("end before they start"), "{err}");
    }

    #[test]
    fn unknown_keys_change_nothing() {
        let mut rules = Rules::default();
        assert_eq!(rules.apply("demo", "1"), Ok(()));
        assert_eq!(rules.apply("colour", "0"), Ok(()));
        assert_eq!(rules, Rules::default());
    }

    #[test]
    fn every_rule_is_offered_to_coordinators_and_accepts_its_default() {
        // Each key in the help is a rule `apply` knows (a bad value is refused), and
        // each rule `apply` knows is in the help (so `veille settings set` accepts it).
        let defaults = [
            ("calling_hours", "09:00-19:00"),
            ("timezone", "Europe/Paris"),
            ("lease_minutes", "20"),
            ("retry_minutes", "120"),
            ("max_attempts_per_day", "3"),
            ("callback_grace_minutes", "15"),
            ("ladder_attempts_per_day", "3"),
            ("ladder_days", "2"),
            ("unknown_lives_alone_counts_as_alone", "yes"),
            ("emergency_alert_minutes", "15"),
            ("emergency_callback_minutes", "60"),
            ("import_ages", "60-120"),
        ];
        let keys: Vec<&str> = SETTINGS_HELP.iter().map(|(k, _, _)| *k).collect();
        assert_eq!(keys, defaults.map(|(k, _)| k));
        for (key, value) in defaults {
            assert!(Rules::default().apply(key, "nonsense").is_err(), "{key}");
            assert_eq!(with(key, value), Rules::default(), "{key}");
            let (_, fr, help) = SETTINGS_HELP.iter().find(|(k, _, _)| *k == key).unwrap();
            let shown =
                if key.ends_with("_minutes") || key.contains("attempts") || key == "ladder_days" {
                    format!("({value})")
                } else {
                    String::new()
                };
            assert!(help.contains(&shown), "{key}: {help}");
            assert!(fr.contains(&shown), "{key}: {fr}");
        }
    }
}
