//! Lifecycles of referrals and intervention requests: which status may follow which,
//! and what a closing step must say.

use super::call::coded_enum;
use super::{InterventionStatus, ReferralStatus};

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    Referral {
        from: ReferralStatus,
        to: ReferralStatus,
    },
    Intervention {
        from: InterventionStatus,
        to: InterventionStatus,
    },
    NoteRequired(&'static str),
    TeamRequired,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            TransitionError::Referral { from, to } => crate::tr!(
                "une orientation ne peut pas passer de {from} à {to}",
                "a referral cannot go from {from} to {to}"
            ),
            TransitionError::Intervention { from, to } => crate::tr!(
                "une demande d'intervention ne peut pas passer de {from} à {to}",
                "an intervention request cannot go from {from} to {to}"
            ),
            TransitionError::NoteRequired(what) => crate::tr!(
                "clore ({what}) demande une note qui dit comment cela s'est fini",
                "closing ({what}) needs a note saying how it ended"
            ),
            TransitionError::TeamRequired => crate::tr!(
                "confier demande une équipe de terrain",
                "assigning needs a field team"
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for TransitionError {}

/// proposed → sent → in progress → done, and declined from any open status. A step may
/// be skipped forward (a service can start the day it is asked), never backward.
pub fn referral_step(
    from: ReferralStatus,
    to: ReferralStatus,
    note: &str,
) -> Result<(), TransitionError> {
    use ReferralStatus::{Declined, Done, InProgress, Proposed, Sent};
    let rank = |s| match s {
        Proposed => 0,
        Sent => 1,
        InProgress => 2,
        Done | Declined => 3,
    };
    let allowed = from.is_open() && to != from && rank(to) > rank(from);
    if !allowed {
        return Err(TransitionError::Referral { from, to });
    }
    if !to.is_open() && note.trim().is_empty() {
        return Err(TransitionError::NoteRequired(to.code()));
    }
    Ok(())
}

coded_enum! {
    /// How a field intervention ended.
    InterventionOutcome {
        Done = "done",
        NotHome = "not_home",
        Refused = "refused",
        HandedToEmergency = "handed_to_emergency",
        Cancelled = "cancelled",
    }
}

impl InterventionOutcome {
    /// The status an intervention takes when closed with this outcome.
    pub fn status(self) -> InterventionStatus {
        match self {
            InterventionOutcome::Cancelled => InterventionStatus::Cancelled,
            _ => InterventionStatus::Done,
        }
    }
}

/// requested → assigned → done / cancelled; requested → done / cancelled (handled without
/// a team, e.g. handed to emergency services); assigned → assigned (re-assigned to another
/// team or time).
pub fn intervention_step(
    from: InterventionStatus,
    to: InterventionStatus,
    note: &str,
    has_team: bool,
) -> Result<(), TransitionError> {
    use InterventionStatus::{Assigned, Cancelled, Done, Requested};
    let allowed = matches!(
        (from, to),
        (Requested | Assigned, Assigned | Done | Cancelled)
    );
    if !allowed {
        return Err(TransitionError::Intervention { from, to });
    }
    if to == Assigned && !has_team {
        return Err(TransitionError::TeamRequired);
    }
    if !to.is_open() && note.trim().is_empty() {
        return Err(TransitionError::NoteRequired(to.code()));
    }
    Ok(())
}

/// An emergency request still waiting for a team after the alert delay: it must not be
/// silently left, so lists highlight it.
pub fn emergency_waiting_too_long(
    urgency: super::Urgency,
    status: InterventionStatus,
    requested_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    rules: &super::Rules,
) -> bool {
    urgency == super::Urgency::Emergency
        && status == InterventionStatus::Requested
        && now - requested_at >= rules.emergency_unassigned_alert
}

#[cfg(test)]
mod tests {
    use super::*;
    use InterventionStatus as I;
    use ReferralStatus as R;

    #[test]
    fn every_referral_transition_is_either_allowed_or_refused_with_a_reason() {
        let allowed = [
            (R::Proposed, R::Sent),
            (R::Proposed, R::InProgress),
            (R::Proposed, R::Done),
            (R::Proposed, R::Declined),
            (R::Sent, R::InProgress),
            (R::Sent, R::Done),
            (R::Sent, R::Declined),
            (R::InProgress, R::Done),
            (R::InProgress, R::Declined),
        ];
        for &from in R::ALL {
            for &to in R::ALL {
                let result = referral_step(from, to, "repas livrés depuis lundi");
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(from, to)),
                    "{from} → {to}: {result:?}"
                );
                if let Err(e) = result {
                    assert!(
                        e.to_string().contains(from.code()) && e.to_string().contains(to.code())
                    );
                }
            }
        }
    }

    #[test]
    fn closing_a_referral_needs_a_note() {
        assert_eq!(
            referral_step(R::Sent, R::Done, " "),
            Err(TransitionError::NoteRequired("done"))
        );
        assert_eq!(
            referral_step(R::Sent, R::Declined, ""),
            Err(TransitionError::NoteRequired("declined"))
        );
        assert_eq!(referral_step(R::Proposed, R::Sent, ""), Ok(()));
    }

    #[test]
    fn every_intervention_transition_is_either_allowed_or_refused() {
        let allowed = [
            (I::Requested, I::Assigned),
            (I::Assigned, I::Assigned),
            (I::Requested, I::Done),
            (I::Requested, I::Cancelled),
            (I::Assigned, I::Done),
            (I::Assigned, I::Cancelled),
        ];
        for &from in I::ALL {
            for &to in I::ALL {
                let result = intervention_step(from, to, "fait", true);
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(from, to)),
                    "{from} → {to}: {result:?}"
                );
            }
        }
        assert_eq!(
            intervention_step(I::Requested, I::Assigned, "", false),
            Err(TransitionError::TeamRequired)
        );
        assert_eq!(
            intervention_step(I::Assigned, I::Done, "", true),
            Err(TransitionError::NoteRequired("done"))
        );
    }

    #[test]
    fn only_assigning_needs_a_team_and_only_closing_a_note() {
        // Handed to emergency services or cancelled without a team ever assigned.
        assert_eq!(
            intervention_step(I::Requested, I::Done, "pompiers", false),
            Ok(())
        );
        assert_eq!(
            intervention_step(I::Requested, I::Cancelled, "doublon", false),
            Ok(())
        );
        // Assigning says nothing yet about how it ended.
        assert_eq!(
            intervention_step(I::Requested, I::Assigned, "", true),
            Ok(())
        );
        assert_eq!(
            intervention_step(I::Assigned, I::Assigned, " ", true),
            Ok(())
        );
    }

    #[test]
    fn an_unassigned_emergency_is_highlighted_after_the_delay() {
        use crate::domain::{Rules, Urgency};
        let rules = Rules::default();
        let at: chrono::DateTime<chrono::Utc> = "2026-11-28T09:00:00Z".parse().unwrap();
        let later = at + rules.emergency_unassigned_alert;
        assert!(!emergency_waiting_too_long(
            Urgency::Emergency,
            I::Requested,
            at,
            later - chrono::Duration::seconds(1),
            &rules
        ));
        assert!(emergency_waiting_too_long(
            Urgency::Emergency,
            I::Requested,
            at,
            later,
            &rules
        ));
        assert!(!emergency_waiting_too_long(
            Urgency::Emergency,
            I::Assigned,
            at,
            later,
            &rules
        ));
        assert!(!emergency_waiting_too_long(
            Urgency::Urgent,
            I::Requested,
            at,
            later,
            &rules
        ));
    }

    #[test]
    fn outcomes_close_as_done_except_cancelled() {
        assert_eq!(InterventionOutcome::NotHome.status(), I::Done);
        assert_eq!(InterventionOutcome::HandedToEmergency.status(), I::Done);
        assert_eq!(InterventionOutcome::Cancelled.status(), I::Cancelled);
    }
}
