//! Which fields each outcome of a call has, so that no saved call contradicts itself:
//! the same rule in the form, the store and the database's triggers (schema v15).

use chrono::{DateTime, Utc};

use super::emergency::{self, Protocol};
use super::{Outcome, Urgency};

/// Why a call's fields cannot go together. The code is the translation key's last part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contradiction {
    /// How the person was, when nobody was reached.
    WellbeingWithoutReached,
    /// Needs, when nobody was reached to tell them.
    NeedsWithoutReached,
    /// A callback promised with no time.
    CallbackWithoutTime,
    /// An emergency intervention request with no details for the team.
    EmergencyWithoutDetails,
    /// An emergency (urgent wellbeing, emergency request) saved without its protocol.
    EmergencyWithoutProtocol,
    /// An emergency protocol on a call that is not an emergency.
    ProtocolWithoutEmergency,
    /// A protocol missing what was decided, or both the request and the reason for none.
    ProtocolIncomplete,
}

impl Contradiction {
    pub fn code(self) -> &'static str {
        match self {
            Contradiction::WellbeingWithoutReached => "wellbeing_without_reached",
            Contradiction::NeedsWithoutReached => "needs_without_reached",
            Contradiction::CallbackWithoutTime => "callback_without_time",
            Contradiction::EmergencyWithoutDetails => "emergency_without_details",
            Contradiction::EmergencyWithoutProtocol => "emergency_without_protocol",
            Contradiction::ProtocolWithoutEmergency => "protocol_without_emergency",
            Contradiction::ProtocolIncomplete => "protocol_incomplete",
        }
    }
}

impl std::fmt::Display for Contradiction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Contradiction::WellbeingWithoutReached => "a call that reached nobody has no wellbeing",
            Contradiction::NeedsWithoutReached => "a call that reached nobody has no needs",
            Contradiction::CallbackWithoutTime => "a callback needs a date and time",
            Contradiction::EmergencyWithoutDetails => {
                "an emergency intervention request needs details for the team"
            }
            Contradiction::EmergencyWithoutProtocol => {
                "an emergency needs its protocol: were the emergency services called, what was decided"
            }
            Contradiction::ProtocolWithoutEmergency => {
                "an emergency protocol belongs only to a call that is an emergency"
            }
            Contradiction::ProtocolIncomplete => {
                "an emergency protocol needs what was decided, and an emergency request or the reason for none"
            }
        })
    }
}

impl Outcome {
    /// Someone was spoken to about the tenant's state: only then are wellbeing and
    /// needs recorded.
    pub fn has_wellbeing(self) -> bool {
        self == Outcome::Reached
    }
}

/// What a call holds, as far as its consistency goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallFields {
    pub outcome: Outcome,
    pub wellbeing: bool,
    pub needs: bool,
    pub callback_at: bool,
}

/// The first contradiction between a call's outcome and its fields.
pub fn call_contradiction(c: CallFields) -> Option<Contradiction> {
    if c.wellbeing && !c.outcome.has_wellbeing() {
        Some(Contradiction::WellbeingWithoutReached)
    } else if c.needs && !c.outcome.has_wellbeing() {
        Some(Contradiction::NeedsWithoutReached)
    } else if c.outcome == Outcome::CallbackRequested && !c.callback_at {
        Some(Contradiction::CallbackWithoutTime)
    } else {
        None
    }
}

/// When an intervention is wanted: as asked, or at once for an emergency given no time
/// (nobody should have to type the clock while the person waits).
pub fn wanted_at(
    urgency: Urgency,
    asked: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    asked.or((urgency == Urgency::Emergency).then_some(now))
}

/// An intervention request's contradiction: an emergency tells the team what happened.
pub fn intervention_contradiction(urgency: Urgency, details: &str) -> Option<Contradiction> {
    (urgency == Urgency::Emergency && details.trim().is_empty())
        .then_some(Contradiction::EmergencyWithoutDetails)
}

/// An emergency's contradiction: urgent wellbeing or an emergency request come with a
/// whole protocol, and a protocol only with them.
pub fn emergency_contradiction(
    urgent: bool,
    emergency_request: bool,
    protocol: Option<&Protocol>,
) -> Option<Contradiction> {
    match (urgent || emergency_request, protocol) {
        (true, None) => Some(Contradiction::EmergencyWithoutProtocol),
        (false, Some(_)) => Some(Contradiction::ProtocolWithoutEmergency),
        (true, Some(p)) => (!emergency::missing(
            Some(p.services),
            &p.decision,
            emergency_request,
            &p.no_request_reason,
        )
        .is_empty())
        .then_some(Contradiction::ProtocolIncomplete),
        (false, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Contradiction; 7] = [
        Contradiction::WellbeingWithoutReached,
        Contradiction::NeedsWithoutReached,
        Contradiction::CallbackWithoutTime,
        Contradiction::EmergencyWithoutDetails,
        Contradiction::EmergencyWithoutProtocol,
        Contradiction::ProtocolWithoutEmergency,
        Contradiction::ProtocolIncomplete,
    ];

    /// The screens and the command line tell each contradiction by its code's text, in
    /// both languages; the English description is the last resort.
    #[test]
    fn every_contradiction_is_told_in_both_languages() {
        use crate::i18n::Lang;
        let codes: std::collections::BTreeSet<&str> = ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), ALL.len(), "two contradictions share a code");
        for c in ALL {
            assert!(c.to_string().len() > 20, "{c:?}: {c}");
            for lang in [Lang::Fr, Lang::En] {
                let key = format!("errors.inconsistent_{}", c.code());
                assert!(lang.lookup(&key).is_some(), "{lang:?} lacks {key}");
            }
        }
    }

    fn fields(outcome: Outcome) -> CallFields {
        CallFields {
            outcome,
            wellbeing: false,
            needs: false,
            callback_at: false,
        }
    }

    #[test]
    fn only_a_reached_call_has_wellbeing_and_needs() {
        for &outcome in Outcome::ALL {
            let reached = outcome == Outcome::Reached;
            let with_wellbeing = CallFields {
                wellbeing: true,
                callback_at: true,
                ..fields(outcome)
            };
            let with_needs = CallFields {
                needs: true,
                callback_at: true,
                ..fields(outcome)
            };
            assert_eq!(
                call_contradiction(with_wellbeing),
                (!reached).then_some(Contradiction::WellbeingWithoutReached),
                "{outcome}"
            );
            assert_eq!(
                call_contradiction(with_needs),
                (!reached).then_some(Contradiction::NeedsWithoutReached),
                "{outcome}"
            );
        }
    }

    #[test]
    fn a_callback_has_a_time_and_an_emergency_details_and_a_time_at_once() {
        assert_eq!(
            call_contradiction(fields(Outcome::CallbackRequested)),
            Some(Contradiction::CallbackWithoutTime)
        );
        assert_eq!(call_contradiction(fields(Outcome::NoAnswer)), None);
        let emergency = |details| intervention_contradiction(Urgency::Emergency, details);
        assert_eq!(emergency("chute, ne se relève pas"), None);
        assert_eq!(
            emergency("  "),
            Some(Contradiction::EmergencyWithoutDetails)
        );
        assert_eq!(intervention_contradiction(Urgency::Urgent, ""), None);
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let later = now + chrono::Duration::hours(2);
        assert_eq!(wanted_at(Urgency::Emergency, None, now), Some(now));
        assert_eq!(wanted_at(Urgency::Emergency, Some(later), now), Some(later));
        assert_eq!(wanted_at(Urgency::Urgent, None, now), None);
    }

    #[test]
    fn an_emergency_has_a_whole_protocol_and_only_an_emergency_has_one() {
        use super::super::emergency::ServicesCalled;
        let protocol = |decision: &str, reason: &str| Protocol {
            services: ServicesCalled::ByOperator,
            decision: decision.into(),
            no_request_reason: reason.into(),
        };
        let whole = protocol("SAMU en route", "");
        assert_eq!(emergency_contradiction(false, false, None), None);
        assert_eq!(
            emergency_contradiction(true, false, None),
            Some(Contradiction::EmergencyWithoutProtocol)
        );
        assert_eq!(
            emergency_contradiction(false, true, None),
            Some(Contradiction::EmergencyWithoutProtocol)
        );
        assert_eq!(
            emergency_contradiction(false, false, Some(&whole)),
            Some(Contradiction::ProtocolWithoutEmergency)
        );
        assert_eq!(emergency_contradiction(false, true, Some(&whole)), None);
        assert_eq!(
            emergency_contradiction(true, false, Some(&whole)),
            Some(Contradiction::ProtocolIncomplete),
            "urgent, no request and no reason"
        );
        let declined = protocol("SAMU en route", "les pompiers sont là");
        assert_eq!(emergency_contradiction(true, false, Some(&declined)), None);
        assert_eq!(
            emergency_contradiction(true, true, Some(&protocol(" ", ""))),
            Some(Contradiction::ProtocolIncomplete)
        );
    }
}
