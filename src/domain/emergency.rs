//! The emergency protocol: what a call judged urgent must record before it is saved.
//! An urgent wellbeing or an emergency intervention request makes a call an emergency;
//! the operator then says whether the emergency services were called and what was
//! decided, and either asks for an emergency intervention or says why not. The tenant is
//! called again the same day and the coordinators are alerted until one takes it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::call::coded_enum;

coded_enum! {
    /// Whether the emergency services (15, 112, 18) were called.
    ServicesCalled {
        ByOperator = "by_operator",
        AlreadyCalled = "already_called",
        Refused = "refused",
        NotNeeded = "not_needed",
    }
}

/// What the operator recorded of an emergency, saved with the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protocol {
    pub services: ServicesCalled,
    /// What was decided with the person (or the services): never empty.
    pub decision: String,
    /// Why no emergency intervention was asked for; empty when one was.
    pub no_request_reason: String,
}

/// What is missing from an emergency's protocol, first missing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Services,
    Decision,
    /// Neither an emergency intervention request nor the reason for none.
    RequestOrReason,
}

/// What an emergency still lacks before it can be saved.
pub fn missing(
    services: Option<ServicesCalled>,
    decision: &str,
    has_emergency_request: bool,
    no_request_reason: &str,
) -> Vec<Missing> {
    let mut out = Vec::new();
    if services.is_none() {
        out.push(Missing::Services);
    }
    if decision.trim().is_empty() {
        out.push(Missing::Decision);
    }
    if !has_emergency_request && no_request_reason.trim().is_empty() {
        out.push(Missing::RequestOrReason);
    }
    out
}

/// When an emergency's tenant is called again: the same day, `after` the call, unless
/// the schedule already has them earlier.
pub fn follow_up_call(
    scheduled: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    after: Duration,
) -> DateTime<Utc> {
    let soon = now + after;
    scheduled.map_or(soon, |at| at.min(soon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emergency_says_whether_services_were_called_what_was_decided_and_the_request() {
        use Missing::*;
        assert_eq!(
            missing(None, " ", false, ""),
            vec![Services, Decision, RequestOrReason]
        );
        let called = Some(ServicesCalled::ByOperator);
        assert_eq!(
            missing(called, "SAMU en route", false, ""),
            vec![RequestOrReason]
        );
        assert!(missing(called, "SAMU en route", true, "").is_empty());
        assert!(missing(called, "SAMU en route", false, "fille sur place").is_empty());
    }

    #[test]
    fn the_follow_up_call_is_the_same_day_unless_one_comes_sooner() {
        let now: DateTime<Utc> = "2026-11-28T10:00:00Z".parse().unwrap();
        let hour = Duration::hours(1);
        assert_eq!(follow_up_call(None, now, hour), now + hour);
        let next_week = now + Duration::days(7);
        assert_eq!(follow_up_call(Some(next_week), now, hour), now + hour);
        let sooner = now + Duration::minutes(20);
        assert_eq!(follow_up_call(Some(sooner), now, hour), sooner);
    }
}
