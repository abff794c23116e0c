//! What an operator is doing during a shift: on a call, between calls, or on a break
//! they marked, with its reason. The coordinator's board shows it for everyone signed in.

use chrono::{DateTime, Utc};

use super::call::coded_enum;

coded_enum! {
    /// Why an operator stepped away from the queue.
    BreakReason {
        Rest = "rest",
        Meal = "meal",
        Meeting = "meeting",
        Other = "other",
    }
}

/// What a signed-in operator is doing now, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Activity {
    /// Holding a tenant: calling, or writing up the call.
    OnCall { since: DateTime<Utc> },
    OnBreak {
        since: DateTime<Utc>,
        reason: BreakReason,
    },
    /// Signed in, holding nobody: since their last call ended, or since sign-in.
    BetweenCalls { since: DateTime<Utc> },
}

impl Activity {
    /// A break an operator marked comes first: a claim still open under it is the lease of
    /// a call left on screen, not someone talking to a tenant. Then an open claim; then
    /// the latest of the shift's start and the operator's last call.
    pub fn of(
        shift_start: DateTime<Utc>,
        last_call_end: Option<DateTime<Utc>>,
        claimed_at: Option<DateTime<Utc>>,
        open_break: Option<(DateTime<Utc>, BreakReason)>,
    ) -> Activity {
        match (open_break, claimed_at) {
            (Some((since, reason)), _) => Activity::OnBreak { since, reason },
            (None, Some(since)) => Activity::OnCall { since },
            (None, None) => Activity::BetweenCalls {
                since: last_call_end.map_or(shift_start, |e| e.max(shift_start)),
            },
        }
    }

    pub fn since(self) -> DateTime<Utc> {
        match self {
            Activity::OnCall { since }
            | Activity::OnBreak { since, .. }
            | Activity::BetweenCalls { since } => since,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    #[test]
    fn a_break_comes_before_a_claim_and_a_claim_before_the_last_call() {
        let start = at("2026-11-28T08:00:00Z");
        let call = Some(at("2026-11-28T09:00:00Z"));
        let claim = Some(at("2026-11-28T09:30:00Z"));
        let pause = Some((at("2026-11-28T09:40:00Z"), BreakReason::Meal));
        assert_eq!(
            Activity::of(start, call, claim, pause),
            Activity::OnBreak {
                since: at("2026-11-28T09:40:00Z"),
                reason: BreakReason::Meal
            }
        );
        assert_eq!(
            Activity::of(start, call, claim, None),
            Activity::OnCall {
                since: at("2026-11-28T09:30:00Z")
            }
        );
        assert_eq!(
            Activity::of(start, call, None, None).since(),
            at("2026-11-28T09:00:00Z")
        );
    }

    #[test]
    fn between_calls_counts_from_sign_in_when_the_last_call_was_before_it() {
        let start = at("2026-11-28T08:00:00Z");
        let yesterday = Some(at("2026-11-27T16:00:00Z"));
        assert_eq!(Activity::of(start, yesterday, None, None).since(), start);
        assert_eq!(Activity::of(start, None, None, None).since(), start);
    }
}
