//! The no-answer ladder ("levée de doute"): a tenant who lives alone and cannot be
//! reached after `attempts_per_day` unanswered attempts on each of `days` consecutive
//! days gets a welfare visit by a field team, requested automatically, once per streak.
//! A tenant whose household is not known counts as living alone unless a coordinator
//! says otherwise: a blank cell in a list must not take anyone out of this safety net.

use chrono::{Days, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ladder {
    pub attempts_per_day: u32,
    pub days: u32,
    /// Whether a tenant whose household is unknown is treated as living alone.
    pub unknown_counts_as_alone: bool,
}

impl Default for Ladder {
    fn default() -> Self {
        Ladder {
            attempts_per_day: 3,
            days: 2,
            unknown_counts_as_alone: true,
        }
    }
}

impl Ladder {
    /// Whether the ladder watches a tenant who lives alone (`Some(true)`), does not
    /// (`Some(false)`) or of whom it is not known (`None`).
    pub fn watches(&self, lives_alone: Option<bool>) -> bool {
        lives_alone.unwrap_or(self.unknown_counts_as_alone)
    }

    /// Whether the unanswered attempts since the tenant was last reached (their local
    /// dates, in any order) call for a welfare visit on `today`.
    pub fn triggers(&self, unanswered_on: &[NaiveDate], today: NaiveDate) -> bool {
        (0..self.days).all(|back| {
            let day = today.checked_sub_days(Days::new(u64::from(back)));
            let n = unanswered_on.iter().filter(|d| Some(**d) == day).count();
            n as u32 >= self.attempts_per_day
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn days(spec: &[(&str, usize)]) -> Vec<NaiveDate> {
        spec.iter()
            .flat_map(|(day, n)| std::iter::repeat_n(d(day), *n))
            .collect()
    }

    #[test]
    fn three_a_day_on_two_consecutive_days_triggers() {
        let l = Ladder::default();
        let a = days(&[("2026-11-27", 3), ("2026-11-28", 3)]);
        assert!(l.triggers(&a, d("2026-11-28")));
    }

    #[test]
    fn not_enough_attempts_or_a_gap_does_not() {
        let l = Ladder::default();
        assert!(!l.triggers(
            &days(&[("2026-11-27", 3), ("2026-11-28", 2)]),
            d("2026-11-28")
        ));
        assert!(
            !l.triggers(
                &days(&[("2026-11-26", 3), ("2026-11-28", 3)]),
                d("2026-11-28")
            ),
            "days must follow each other"
        );
        assert!(
            !l.triggers(&days(&[("2026-11-28", 6)]), d("2026-11-28")),
            "one bad day is not two"
        );
        assert!(!l.triggers(&[], d("2026-11-28")));
    }

    #[test]
    fn parameters_are_honoured() {
        let l = Ladder {
            attempts_per_day: 2,
            days: 3,
            ..Ladder::default()
        };
        let a = days(&[("2026-11-26", 2), ("2026-11-27", 2), ("2026-11-28", 2)]);
        assert!(l.triggers(&a, d("2026-11-28")));
        assert!(!l.triggers(&a[2..], d("2026-11-28")));
    }

    #[test]
    fn an_unknown_household_is_watched_unless_a_coordinator_says_otherwise() {
        let mut l = Ladder::default();
        assert!(l.watches(Some(true)) && l.watches(None) && !l.watches(Some(false)));
        l.unknown_counts_as_alone = false;
        assert!(l.watches(Some(true)) && !l.watches(None) && !l.watches(Some(false)));
    }
}
