//! The call form as data: what the operator chose and typed. Serialisable, so that a
//! draft on disk holds exactly what is on screen. Validation turns it into a
//! `CallToSave` or says which fields need attention.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::super::text_field::TextField;
use super::super::when;
use crate::domain::emergency::{self, Missing, Protocol, ServicesCalled};
use crate::domain::{InterventionKind, Need, NeedCategory, Outcome, Rules, Urgency, Wellbeing};
use crate::store::{CallToSave, Claim, InterventionToSave, ReferralToSave};

/// The fields of the call form, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Outcome,
    CallbackAt,
    CallbackOnlyMe,
    HospitalisedUntil,
    Wellbeing,
    /// The emergency protocol: were the services called, what was decided, and why no
    /// emergency intervention request when there is none.
    EmergencyServices,
    EmergencyDecision,
    NoRequestReason,
    /// Asked only when the tenant's household is not known.
    LivesAlone,
    Needs,
    NeedDetails(NeedCategory),
    Notes,
    Referral(usize),
    AddReferral,
    Intervention(usize),
    AddIntervention,
    Save,
}

impl Field {
    /// Fields where keys are typed as text.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Field::CallbackAt
                | Field::HospitalisedUntil
                | Field::EmergencyDecision
                | Field::NoRequestReason
                | Field::NeedDetails(_)
                | Field::Notes
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedEntry {
    pub category: NeedCategory,
    pub checked: bool,
    pub details: TextField,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralEntry {
    pub service_id: i64,
    pub category: NeedCategory,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterventionEntry {
    pub kind: InterventionKind,
    pub urgency: Urgency,
    pub wanted_at: Option<DateTime<Utc>>,
    pub place: String,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallForm {
    pub outcome: Option<Outcome>,
    pub wellbeing: Option<Wellbeing>,
    pub callback_at: TextField,
    pub callback_only_me: bool,
    pub hospitalised_until: TextField,
    /// One entry per need category, in `NeedCategory::ALL` order.
    pub needs: Vec<NeedEntry>,
    pub notes: TextField,
    pub referrals: Vec<ReferralEntry>,
    pub interventions: Vec<InterventionEntry>,
    /// The emergency protocol, asked when the call is an emergency (drafts written
    /// before it have none).
    #[serde(default)]
    pub emergency_services: Option<ServicesCalled>,
    #[serde(default)]
    pub emergency_decision: TextField,
    #[serde(default)]
    pub no_request_reason: TextField,
    /// The tenant phoned in: nobody dialled, so "no answer" cannot be its outcome.
    #[serde(default)]
    pub incoming: bool,
    /// The tenant's household is not known: the form asks whether they live alone.
    #[serde(default)]
    pub asks_household: bool,
    /// The answer, if given.
    #[serde(default)]
    pub lives_alone: Option<bool>,
}

impl Default for CallForm {
    fn default() -> Self {
        let mut f = CallForm {
            outcome: None,
            wellbeing: None,
            callback_at: TextField::default(),
            callback_only_me: false,
            hospitalised_until: TextField::default(),
            needs: Vec::new(),
            notes: TextField::default(),
            referrals: Vec::new(),
            interventions: Vec::new(),
            emergency_services: None,
            emergency_decision: TextField::default(),
            no_request_reason: TextField::default(),
            incoming: false,
            asks_household: false,
            lives_alone: None,
        };
        f.normalise();
        f
    }
}

/// A field that needs attention, and the translation key saying why.
pub type Problem = (Field, &'static str);

impl CallForm {
    /// Makes `needs` hold every category once, in order (a draft from another
    /// version may differ).
    pub fn normalise(&mut self) {
        let old = std::mem::take(&mut self.needs);
        self.needs = NeedCategory::ALL
            .iter()
            .map(|c| {
                old.iter()
                    .find(|n| n.category == *c)
                    .cloned()
                    .unwrap_or(NeedEntry {
                        category: *c,
                        checked: false,
                        details: TextField::default(),
                    })
            })
            .collect();
    }

    pub fn need(&self, c: NeedCategory) -> Option<&NeedEntry> {
        self.needs.iter().find(|n| n.category == c)
    }

    pub fn need_mut(&mut self, c: NeedCategory) -> Option<&mut NeedEntry> {
        self.needs.iter_mut().find(|n| n.category == c)
    }

    /// The fields in focus order; the conditional ones only when they apply.
    pub fn fields(&self) -> Vec<Field> {
        let mut out = vec![Field::Outcome];
        match self.outcome {
            Some(Outcome::CallbackRequested) => {
                out.extend([Field::CallbackAt, Field::CallbackOnlyMe]);
            }
            Some(Outcome::Hospitalised) => out.push(Field::HospitalisedUntil),
            _ => {}
        }
        if self.asks_wellbeing() {
            out.push(Field::Wellbeing);
        }
        if self.emergency() {
            out.extend([Field::EmergencyServices, Field::EmergencyDecision]);
            if !self.has_emergency_request() {
                out.push(Field::NoRequestReason);
            }
        }
        if self.asks_wellbeing() {
            if self.asks_household {
                out.push(Field::LivesAlone);
            }
            out.push(Field::Needs);
            out.extend(
                self.needs
                    .iter()
                    .filter(|n| n.checked)
                    .map(|n| Field::NeedDetails(n.category)),
            );
        }
        out.push(Field::Notes);
        out.extend((0..self.referrals.len()).map(Field::Referral));
        out.push(Field::AddReferral);
        out.extend((0..self.interventions.len()).map(Field::Intervention));
        out.extend([Field::AddIntervention, Field::Save]);
        out
    }

    /// Wellbeing and needs are asked until an outcome says nobody was reached; then
    /// they are hidden and not saved (what was ticked comes back if the outcome does).
    pub fn asks_wellbeing(&self) -> bool {
        self.outcome.is_none_or(Outcome::has_wellbeing)
    }

    /// The emergency banner shows: the tenant is judged in urgent danger, or an
    /// emergency intervention was requested.
    pub fn emergency(&self) -> bool {
        (self.asks_wellbeing() && self.wellbeing == Some(Wellbeing::Urgent))
            || self.has_emergency_request()
    }

    fn has_emergency_request(&self) -> bool {
        self.interventions
            .iter()
            .any(|i| i.urgency == Urgency::Emergency)
    }

    /// The protocol as it will be saved, when the call is an emergency.
    fn protocol(&self) -> Option<Protocol> {
        if !self.emergency() {
            return None;
        }
        Some(Protocol {
            services: self.emergency_services?,
            decision: self.emergency_decision.value().trim().to_string(),
            no_request_reason: if self.has_emergency_request() {
                String::new()
            } else {
                self.no_request_reason.value().trim().to_string()
            },
        })
    }

    /// The text field behind a field, if it is one.
    pub fn text_mut(&mut self, field: Field) -> Option<&mut TextField> {
        match field {
            Field::CallbackAt => Some(&mut self.callback_at),
            Field::HospitalisedUntil => Some(&mut self.hospitalised_until),
            Field::Notes => Some(&mut self.notes),
            Field::EmergencyDecision => Some(&mut self.emergency_decision),
            Field::NoRequestReason => Some(&mut self.no_request_reason),
            Field::NeedDetails(c) => self.need_mut(c).map(|n| &mut n.details),
            _ => None,
        }
    }

    pub fn text(&self, field: Field) -> Option<&TextField> {
        match field {
            Field::CallbackAt => Some(&self.callback_at),
            Field::HospitalisedUntil => Some(&self.hospitalised_until),
            Field::Notes => Some(&self.notes),
            Field::EmergencyDecision => Some(&self.emergency_decision),
            Field::NoRequestReason => Some(&self.no_request_reason),
            Field::NeedDetails(c) => self.need(c).map(|n| &n.details),
            _ => None,
        }
    }

    /// Nothing chosen or typed yet.
    pub fn is_empty(&self) -> bool {
        *self
            == CallForm {
                asks_household: self.asks_household,
                ..CallForm::default()
            }
    }

    /// Checks the form as it would be saved at `now`.
    pub fn check(&self, now: DateTime<Utc>, rules: &Rules) -> Result<Checked, Vec<Problem>> {
        let mut problems = Vec::new();
        let today = rules.local_date(now);
        let mut callback_at = None;
        let mut hospitalised_until = None;
        match self.outcome {
            None => problems.push((Field::Outcome, "errors.outcome_required")),
            Some(Outcome::Reached) if self.wellbeing.is_none() => {
                problems.push((Field::Wellbeing, "errors.wellbeing_required"));
            }
            Some(Outcome::CallbackRequested) => {
                if self.callback_at.is_blank() {
                    problems.push((Field::CallbackAt, "errors.callback_required"));
                } else {
                    match when::instant(self.callback_at.value(), now, rules.tz, None) {
                        Ok(at) if at < now - chrono::Duration::minutes(1) => {
                            problems.push((Field::CallbackAt, "errors.callback_past"));
                        }
                        Ok(at) => callback_at = Some(at),
                        Err(_) => problems.push((Field::CallbackAt, "errors.callback_invalid")),
                    }
                }
            }
            Some(Outcome::Hospitalised) => {
                if self.hospitalised_until.is_blank() {
                    problems.push((Field::HospitalisedUntil, "errors.hospital_required"));
                } else {
                    match when::day(self.hospitalised_until.value(), today) {
                        Ok(d) => hospitalised_until = Some(d),
                        Err(_) => problems.push((Field::HospitalisedUntil, "errors.date_invalid")),
                    }
                }
            }
            _ => {}
        }
        if self.emergency() {
            // The protocol cannot be skipped: each missing answer keeps the call open.
            let missing = emergency::missing(
                self.emergency_services,
                self.emergency_decision.value(),
                self.has_emergency_request(),
                self.no_request_reason.value(),
            );
            problems.extend(missing.into_iter().map(|m| match m {
                Missing::Services => (Field::EmergencyServices, "errors.emergency_services"),
                Missing::Decision => (Field::EmergencyDecision, "errors.emergency_decision"),
                Missing::RequestOrReason => (Field::NoRequestReason, "errors.emergency_request"),
            }));
        }
        match (self.outcome, problems.is_empty()) {
            (Some(outcome), true) => Ok(Checked {
                outcome,
                callback_at,
                hospitalised_until,
            }),
            _ => Err(problems),
        }
    }

    /// The call to save, once checked.
    pub fn to_save(
        &self,
        checked: &Checked,
        save_id: &str,
        claim: &Claim,
        shift_id: Option<i64>,
        started_at: DateTime<Utc>,
    ) -> CallToSave {
        let reached = checked.outcome.has_wellbeing();
        CallToSave {
            save_id: save_id.to_string(),
            claim: claim.clone(),
            shift_id,
            started_at,
            outcome: checked.outcome,
            wellbeing: self.wellbeing.filter(|_| reached),
            callback_at: checked.callback_at,
            callback_only_me: self.callback_only_me
                && checked.outcome == Outcome::CallbackRequested,
            hospitalised_until: checked.hospitalised_until,
            notes: self.notes.value().trim().to_string(),
            needs: self
                .needs
                .iter()
                .filter(|n| n.checked && reached)
                .map(|n| Need {
                    category: n.category,
                    details: n.details.value().trim().to_string(),
                })
                .collect(),
            referrals: self
                .referrals
                .iter()
                .map(|r| ReferralToSave {
                    service_id: r.service_id,
                    note: r.note.clone(),
                    follow_up_on: r.follow_up_on,
                })
                .collect(),
            interventions: self
                .interventions
                .iter()
                .map(|i| InterventionToSave {
                    kind: i.kind,
                    urgency: i.urgency,
                    wanted_at: i.wanted_at,
                    place: i.place.clone(),
                    details: i.details.clone(),
                })
                .collect(),
            emergency: self.protocol(),
            incoming: self.incoming,
            lives_alone: self.lives_alone.filter(|_| reached && self.asks_household),
        }
    }
}

/// The parts of the form that validation parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub outcome: Outcome,
    pub callback_at: Option<DateTime<Utc>>,
    pub hospitalised_until: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-28T09:42:00Z".parse().unwrap()
    }

    #[test]
    fn an_outcome_is_required_and_reached_needs_wellbeing() {
        let rules = Rules::default();
        let mut f = CallForm::default();
        assert_eq!(
            f.check(now(), &rules).unwrap_err(),
            vec![(Field::Outcome, "errors.outcome_required")]
        );
        f.outcome = Some(Outcome::Reached);
        assert_eq!(
            f.check(now(), &rules).unwrap_err(),
            vec![(Field::Wellbeing, "errors.wellbeing_required")]
        );
        f.wellbeing = Some(Wellbeing::Fine);
        assert!(f.check(now(), &rules).is_ok());
        f.outcome = Some(Outcome::NoAnswer);
        f.wellbeing = None;
        assert!(f.check(now(), &rules).is_ok());
    }

    #[test]
    fn a_callback_needs_a_time_to_come() {
        let rules = Rules::default();
        let mut f = CallForm {
            outcome: Some(Outcome::CallbackRequested),
            ..CallForm::default()
        };
        assert_eq!(
            f.check(now(), &rules).unwrap_err()[0].1,
            "errors.callback_required"
        );
        f.callback_at.set("demain");
        assert_eq!(
            f.check(now(), &rules).unwrap_err()[0].1,
            "errors.callback_invalid"
        );
        f.callback_at.set("28/11 08:00");
        assert_eq!(
            f.check(now(), &rules).unwrap_err()[0].1,
            "errors.callback_past"
        );
        f.callback_at.set("16h30");
        let checked = f.check(now(), &rules).unwrap();
        assert_eq!(
            checked.callback_at,
            Some("2026-11-28T15:30:00Z".parse().unwrap())
        );
        // A time alone that has passed is tomorrow's.
        f.callback_at.set("08:00");
        let checked = f.check(now(), &rules).unwrap();
        assert_eq!(
            checked.callback_at,
            Some("2026-11-29T07:00:00Z".parse().unwrap())
        );
    }

    #[test]
    fn conditional_fields_follow_the_outcome_and_the_needs() {
        let mut f = CallForm::default();
        assert!(!f.fields().contains(&Field::CallbackAt));
        f.outcome = Some(Outcome::CallbackRequested);
        assert!(f.fields().contains(&Field::CallbackAt));
        f.outcome = Some(Outcome::Hospitalised);
        assert!(f.fields().contains(&Field::HospitalisedUntil));
        assert!(!f.fields().contains(&Field::NeedDetails(NeedCategory::Food)));
        f.need_mut(NeedCategory::Food).unwrap().checked = true;
        // Nobody reached: neither wellbeing nor needs, nor the banner of an urgent state.
        f.wellbeing = Some(Wellbeing::Urgent);
        assert!(!f.fields().contains(&Field::Wellbeing));
        assert!(!f.fields().contains(&Field::NeedDetails(NeedCategory::Food)));
        assert!(!f.emergency());
        f.outcome = Some(Outcome::Reached);
        assert!(f.fields().contains(&Field::NeedDetails(NeedCategory::Food)));
        assert!(f.emergency());
        assert!(!f.fields().contains(&Field::LivesAlone), "known households");
        f.asks_household = true;
        assert!(f.fields().contains(&Field::LivesAlone));
    }

    #[test]
    fn the_household_answer_is_saved_only_when_asked_and_someone_answered() {
        let claim = Claim {
            id: 1,
            tenant_id: 1,
            operator_id: 1,
            claimed_at: now(),
            expires_at: now(),
        };
        let mut f = CallForm {
            outcome: Some(Outcome::Reached),
            wellbeing: Some(Wellbeing::Fine),
            asks_household: true,
            lives_alone: Some(false),
            ..CallForm::default()
        };
        let rules = Rules::default();
        let saved = |f: &CallForm| {
            let checked = f.check(now(), &rules).unwrap();
            f.to_save(&checked, "s", &claim, None, now()).lives_alone
        };
        assert_eq!(saved(&f), Some(false));
        f.outcome = Some(Outcome::NoAnswer);
        assert_eq!(saved(&f), None);
    }

    #[test]
    fn what_a_hidden_field_holds_is_not_saved() {
        let mut f = CallForm {
            outcome: Some(Outcome::NoAnswer),
            wellbeing: Some(Wellbeing::Fine),
            ..CallForm::default()
        };
        f.need_mut(NeedCategory::Health).unwrap().checked = true;
        let rules = Rules::default();
        let checked = f.check(now(), &rules).unwrap();
        let claim = Claim {
            id: 1,
            tenant_id: 1,
            operator_id: 1,
            claimed_at: now(),
            expires_at: now(),
        };
        let call = f.to_save(&checked, "s", &claim, None, now());
        assert_eq!((call.wellbeing, call.needs.len()), (None, 0));
    }

    #[test]
    fn only_checked_needs_are_saved_with_their_details() {
        let mut f = CallForm {
            outcome: Some(Outcome::Reached),
            wellbeing: Some(Wellbeing::Worried),
            ..CallForm::default()
        };
        let food = f.need_mut(NeedCategory::Food).unwrap();
        food.checked = true;
        food.details.set(" courses ");
        f.need_mut(NeedCategory::Health)
            .unwrap()
            .details
            .set("typed then unticked");
        let claim = Claim {
            id: 1,
            tenant_id: 2,
            operator_id: 3,
            claimed_at: now(),
            expires_at: now(),
        };
        let checked = f.check(now(), &Rules::default()).unwrap();
        let call = f.to_save(&checked, "x", &claim, Some(4), now());
        assert_eq!(
            call.needs,
            vec![Need {
                category: NeedCategory::Food,
                details: "courses".into()
            }]
        );
    }
}
