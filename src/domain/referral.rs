//! Referrals (orientation to a service) and intervention requests (a field team must go).

use super::call::coded_enum;

coded_enum! {
    /// Lifecycle of a referral: proposed → sent → in progress → done / declined.
    ReferralStatus {
        Proposed = "proposed",
        Sent = "sent",
        InProgress = "in_progress",
        Done = "done",
        Declined = "declined",
    }
}

impl ReferralStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Proposed | Self::Sent | Self::InProgress)
    }
}

coded_enum! {
    /// Why a field team must go.
    InterventionKind {
        Accompaniment = "accompaniment",
        WelfareVisit = "welfare_visit",
        Delivery = "delivery",
        Other = "other",
    }
}

coded_enum! {
    /// How soon. An emergency also tells the operator to call 15 / 112 at once.
    Urgency {
        Routine = "routine",
        Urgent = "urgent",
        Emergency = "emergency",
    }
}

coded_enum! {
    /// Lifecycle of an intervention request: requested → assigned → done / cancelled.
    InterventionStatus {
        Requested = "requested",
        Assigned = "assigned",
        Done = "done",
        Cancelled = "cancelled",
    }
}

impl InterventionStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Requested | Self::Assigned)
    }
}
