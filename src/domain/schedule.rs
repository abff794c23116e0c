//! When a tenant is called next, decided from how the last call ended.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Outcome, Rules, TenantStatus};

/// Unanswered attempts on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub day: NaiveDate,
    pub count: u32,
}

/// What the call said about the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallResult {
    pub outcome: Outcome,
    /// When the tenant asked to be called back (required for `CallbackRequested`).
    pub callback_at: Option<DateTime<Utc>>,
    /// The operator who promised the callback, when they keep it for themselves.
    pub callback_operator: Option<i64>,
    /// Until when the tenant is in hospital (required for `Hospitalised`).
    pub hospitalised_until: Option<NaiveDate>,
}

/// Something a coordinator must look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flag {
    DeceasedReported,
    WrongNumber,
}

impl Flag {
    pub fn code(self) -> &'static str {
        match self {
            Flag::DeceasedReported => "deceased_reported",
            Flag::WrongNumber => "wrong_number",
        }
    }
}

/// The tenant's schedule after a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextCall {
    pub status: TenantStatus,
    /// When the tenant is next due; `None` takes them out of the queue.
    pub due_at: Option<DateTime<Utc>>,
    pub paused_until: Option<NaiveDate>,
    /// Set when the next call is a promised callback.
    pub callback_at: Option<DateTime<Utc>>,
    pub callback_operator: Option<i64>,
    pub attempts: Option<Attempts>,
    pub flag: Option<Flag>,
}

/// Why a call cannot be scheduled as entered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("a callback needs a date and time")]
    CallbackWithoutTime,
    #[error("the callback time is in the past")]
    CallbackInPast,
    #[error("a hospital stay needs the date until which calls are paused")]
    HospitalisedWithoutDate,
}

/// The next call after `result`, made at `now`, for a tenant of a cohort called
/// every `cadence_days`, with `previous` unanswered attempts on record.
pub fn next_call(
    rules: &Rules,
    now: DateTime<Utc>,
    cadence_days: u32,
    previous: Option<Attempts>,
    result: &CallResult,
) -> Result<NextCall, ScheduleError> {
    let today = rules.local_date(now);
    let active = |due_at: DateTime<Utc>| NextCall {
        status: TenantStatus::Active,
        due_at: Some(due_at),
        paused_until: None,
        callback_at: None,
        callback_operator: None,
        attempts: None,
        flag: None,
    };
    let next = match result.outcome {
        Outcome::Reached => {
            let day = today + Days::new(u64::from(cadence_days.max(1)));
            active(rules.hours.opening_on(day, rules.tz))
        }
        Outcome::NoAnswer | Outcome::Busy | Outcome::Voicemail => {
            let count = match previous {
                Some(a) if a.day == today => a.count + 1,
                _ => 1,
            };
            let retry = now + rules.retry_after;
            let closing = rules.hours.closing_on(today, rules.tz);
            let due_at = if count >= rules.max_attempts_per_day || retry >= closing {
                rules.hours.opening_on(today + Days::new(1), rules.tz)
            } else {
                retry
            };
            NextCall {
                attempts: Some(Attempts { day: today, count }),
                ..active(due_at)
            }
        }
        Outcome::CallbackRequested => {
            let at = result
                .callback_at
                .ok_or(ScheduleError::CallbackWithoutTime)?;
            // A minute of slack: the operator may type "now" and save a moment later.
            if at < now - chrono::Duration::minutes(1) {
                return Err(ScheduleError::CallbackInPast);
            }
            NextCall {
                callback_at: Some(at),
                callback_operator: result.callback_operator,
                ..active(at)
            }
        }
        Outcome::Refused => NextCall {
            status: TenantStatus::Refuses,
            due_at: None,
            ..active(now)
        },
        Outcome::Hospitalised => {
            let until = result
                .hospitalised_until
                .ok_or(ScheduleError::HospitalisedWithoutDate)?;
            NextCall {
                status: TenantStatus::Hospitalised,
                due_at: Some(rules.hours.opening_on(until.max(today), rules.tz)),
                paused_until: Some(until),
                ..active(now)
            }
        }
        Outcome::DeceasedReported => NextCall {
            status: TenantStatus::Deceased,
            due_at: None,
            flag: Some(Flag::DeceasedReported),
            ..active(now)
        },
        Outcome::WrongNumber => NextCall {
            due_at: None,
            flag: Some(Flag::WrongNumber),
            ..active(now)
        },
    };
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn result(outcome: Outcome) -> CallResult {
        CallResult {
            outcome,
            callback_at: None,
            callback_operator: None,
            hospitalised_until: None,
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    // Saturday 28 November 2026, 10:00 in Paris.
    const NOW: &str = "2026-11-28T09:00:00Z";

    #[test]
    fn reached_is_due_again_at_opening_one_cadence_later() {
        let next = next_call(
            &Rules::default(),
            utc(NOW),
            7,
            None,
            &result(Outcome::Reached),
        )
        .unwrap();
        assert_eq!(next.status, TenantStatus::Active);
        assert_eq!(next.due_at, Some(utc("2026-12-05T08:00:00Z")));
        assert_eq!(next.attempts, None);
    }

    #[test]
    fn unanswered_retries_later_the_same_day_then_moves_to_the_next() {
        let rules = Rules::default();
        let first = next_call(&rules, utc(NOW), 7, None, &result(Outcome::NoAnswer)).unwrap();
        assert_eq!(first.due_at, Some(utc("2026-11-28T11:00:00Z")));
        assert_eq!(
            first.attempts,
            Some(Attempts {
                day: date("2026-11-28"),
                count: 1
            })
        );

        let second = next_call(
            &rules,
            utc("2026-11-28T11:00:00Z"),
            7,
            first.attempts,
            &result(Outcome::Busy),
        )
        .unwrap();
        assert_eq!(second.due_at, Some(utc("2026-11-28T13:00:00Z")));
        assert_eq!(second.attempts.unwrap().count, 2);

        let third = next_call(
            &rules,
            utc("2026-11-28T13:00:00Z"),
            7,
            second.attempts,
            &result(Outcome::Voicemail),
        )
        .unwrap();
        assert_eq!(
            third.due_at,
            Some(utc("2026-11-29T08:00:00Z")),
            "third attempt of the day moves to tomorrow's opening"
        );
        assert_eq!(third.attempts.unwrap().count, 3);

        // Next day, the count starts again.
        let fourth = next_call(
            &rules,
            utc("2026-11-29T08:05:00Z"),
            7,
            third.attempts,
            &result(Outcome::NoAnswer),
        )
        .unwrap();
        assert_eq!(
            fourth.attempts,
            Some(Attempts {
                day: date("2026-11-29"),
                count: 1
            })
        );
        assert_eq!(fourth.due_at, Some(utc("2026-11-29T10:05:00Z")));
    }

    #[test]
    fn unanswered_late_in_the_day_moves_to_tomorrow() {
        // 17:30 in Paris: a retry at 19:30 would fall after closing.
        let next = next_call(
            &Rules::default(),
            utc("2026-11-28T16:30:00Z"),
            7,
            None,
            &result(Outcome::NoAnswer),
        )
        .unwrap();
        assert_eq!(next.due_at, Some(utc("2026-11-29T08:00:00Z")));
    }

    #[test]
    fn callback_needs_a_time_in_the_future_and_keeps_its_operator() {
        let rules = Rules::default();
        assert_eq!(
            next_call(
                &rules,
                utc(NOW),
                7,
                None,
                &result(Outcome::CallbackRequested)
            ),
            Err(ScheduleError::CallbackWithoutTime)
        );
        let mut r = result(Outcome::CallbackRequested);
        r.callback_at = Some(utc("2026-11-28T08:00:00Z"));
        assert_eq!(
            next_call(&rules, utc(NOW), 7, None, &r),
            Err(ScheduleError::CallbackInPast)
        );
        r.callback_at = Some(utc("2026-11-28T14:30:00Z"));
        r.callback_operator = Some(4);
        let next = next_call(&rules, utc(NOW), 7, None, &r).unwrap();
        assert_eq!(next.due_at, Some(utc("2026-11-28T14:30:00Z")));
        assert_eq!(next.callback_at, next.due_at);
        assert_eq!(next.callback_operator, Some(4));
    }

    #[test]
    fn a_callback_set_to_now_is_kept_for_a_minute() {
        let rules = Rules::default();
        let mut r = result(Outcome::CallbackRequested);
        let now = utc(NOW);
        // "Now" typed, saved up to a minute later: still a callback, due at once.
        for late in [0, 30, 60] {
            r.callback_at = Some(now - chrono::Duration::seconds(late));
            let next = next_call(&rules, now, 7, None, &r).unwrap();
            assert_eq!(next.due_at, r.callback_at, "{late} s late");
        }
        r.callback_at = Some(now - chrono::Duration::seconds(61));
        assert_eq!(
            next_call(&rules, now, 7, None, &r),
            Err(ScheduleError::CallbackInPast)
        );
    }

    #[test]
    fn refused_deceased_and_wrong_number_leave_the_queue() {
        let rules = Rules::default();
        let refused = next_call(&rules, utc(NOW), 7, None, &result(Outcome::Refused)).unwrap();
        assert_eq!(
            (refused.status, refused.due_at, refused.flag),
            (TenantStatus::Refuses, None, None)
        );
        let deceased = next_call(
            &rules,
            utc(NOW),
            7,
            None,
            &result(Outcome::DeceasedReported),
        )
        .unwrap();
        assert_eq!(
            (deceased.status, deceased.due_at, deceased.flag),
            (TenantStatus::Deceased, None, Some(Flag::DeceasedReported))
        );
        let wrong = next_call(&rules, utc(NOW), 7, None, &result(Outcome::WrongNumber)).unwrap();
        assert_eq!(
            (wrong.status, wrong.due_at, wrong.flag),
            (TenantStatus::Active, None, Some(Flag::WrongNumber))
        );
    }

    #[test]
    fn flags_have_the_codes_the_store_keeps() {
        assert_eq!(Flag::DeceasedReported.code(), "deceased_reported");
        assert_eq!(Flag::WrongNumber.code(), "wrong_number");
    }

    #[test]
    fn hospitalised_pauses_until_the_date() {
        let rules = Rules::default();
        assert_eq!(
            next_call(&rules, utc(NOW), 7, None, &result(Outcome::Hospitalised)),
            Err(ScheduleError::HospitalisedWithoutDate)
        );
        let mut r = result(Outcome::Hospitalised);
        r.hospitalised_until = Some(date("2026-12-10"));
        let next = next_call(&rules, utc(NOW), 7, None, &r).unwrap();
        assert_eq!(next.status, TenantStatus::Hospitalised);
        assert_eq!(next.paused_until, Some(date("2026-12-10")));
        assert_eq!(next.due_at, Some(utc("2026-12-10T08:00:00Z")));
    }
}
