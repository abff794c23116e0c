//! Saving a call: the call, its needs, referrals and intervention requests, the
//! tenant's next call and the release of the claim, all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{Claim, Result, Store, StoreError, time};
use crate::domain::consistency::{
    CallFields, call_contradiction, emergency_contradiction, intervention_contradiction, wanted_at,
};
use crate::domain::emergency::{self, Protocol};
use crate::domain::schedule::{self, Attempts, CallResult, NextCall};
use crate::domain::{InterventionKind, Need, Outcome, Rules, Urgency, Wellbeing};

/// A call as the operator filled it in. Serialisable so that a draft can be kept on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallToSave {
    /// Made by the client once per call: saving again after a crash or a lost reply
    /// finds the call already there instead of recording it twice.
    pub save_id: String,
    pub claim: Claim,
    pub shift_id: Option<i64>,
    pub started_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub wellbeing: Option<Wellbeing>,
    pub callback_at: Option<DateTime<Utc>>,
    /// The operator keeps the callback for themselves (others may take it after a grace period).
    pub callback_only_me: bool,
    pub hospitalised_until: Option<NaiveDate>,
    pub notes: String,
    pub needs: Vec<Need>,
    pub referrals: Vec<ReferralToSave>,
    pub interventions: Vec<InterventionToSave>,
    /// The emergency protocol, for a call that is an emergency (and only then).
    #[serde(default)]
    pub emergency: Option<Protocol>,
    /// The tenant phoned the program (found by the quick search), rather than the
    /// program phoning them.
    #[serde(default)]
    pub incoming: bool,
    /// Whether the tenant lives alone, asked during the call because it was not known.
    #[serde(default)]
    pub lives_alone: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralToSave {
    pub service_id: i64,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterventionToSave {
    pub kind: InterventionKind,
    pub urgency: Urgency,
    pub wanted_at: Option<DateTime<Utc>>,
    pub place: String,
    pub details: String,
}

/// What saving did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCall {
    pub call_id: i64,
    /// True when this save had already been recorded (the same `save_id`).
    pub already_saved: bool,
    /// The tenant's schedule after the call (`None` when already saved).
    pub next: Option<NextCall>,
    /// A welfare visit requested by the no-answer ladder with this save.
    pub welfare_visit: Option<i64>,
}

/// A fresh save identifier: unique across processes and machines for practical purposes.
pub fn new_save_id(now: DateTime<Utc>) -> String {
    format!(
        "{}-{}-{:016x}",
        now.timestamp_millis(),
        std::process::id(),
        fastrand::u64(..)
    )
}

impl Store {
    /// Saves a call made under `call.claim`, at `now`. Refused with `ClaimLost` when
    /// another operator has claimed the tenant since; the caller keeps the form.
    pub fn save_call(
        &mut self,
        call: &CallToSave,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> Result<SavedCall> {
        self.write(|tx| save_in(tx, call, now, rules))
    }
}

fn save_in(
    tx: &Transaction,
    call: &CallToSave,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<SavedCall> {
    if let Some(call_id) = already_saved(tx, &call.save_id)? {
        return Ok(SavedCall {
            call_id,
            already_saved: true,
            next: None,
            welfare_visit: None,
        });
    }
    check_consistent(call)?;
    let claim = &call.claim;
    check_claim_still_held(tx, claim)?;
    let mut next = next_call(tx, call, now, rules)?;
    if call.emergency.is_some() && next.due_at.is_some() {
        // An emergency is called again the same day, whatever the outcome's schedule.
        next.due_at = Some(emergency::follow_up_call(
            next.due_at,
            now,
            rules.emergency_callback,
        ));
    }

    let now_s = time::ts(now);
    let call_id = insert_call(tx, call, &now_s)?;
    insert_needs(tx, call, call_id)?;
    insert_referrals(tx, call, call_id, &now_s)?;
    insert_interventions(tx, call, call_id, now)?;
    insert_emergency(tx, call, call_id, &now_s)?;
    update_tenant(tx, call, &next, &now_s)?;
    record_household(tx, call, &now_s)?;
    tx.prepare_cached(
        "UPDATE claims SET released_at = ?2, release_reason = 'saved' WHERE id = ?1",
    )?
    .execute(params![claim.id, now_s])?;
    let welfare_visit = if call.outcome.is_unanswered() {
        no_answer_ladder(tx, claim, now, rules)?
    } else {
        None
    };
    Ok(SavedCall {
        call_id,
        already_saved: false,
        next: Some(next),
        welfare_visit,
    })
}

/// Records what the tenant said about their household, when it was not known: an
/// answer never overwrites what a coordinator or an earlier call recorded.
fn record_household(tx: &Transaction, call: &CallToSave, now_s: &str) -> Result<()> {
    let Some(alone) = call.lives_alone else {
        return Ok(());
    };
    tx.prepare_cached(
        "UPDATE tenants SET lives_alone = ?2, updated_at = ?3 WHERE id = ?1 AND lives_alone IS NULL",
    )?
    .execute(params![call.claim.tenant_id, alone, now_s])?;
    Ok(())
}

/// The call saved earlier under this save id: a retried save must not save twice.
fn already_saved(tx: &Transaction, save_id: &str) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT id FROM calls WHERE save_id = ?1")?
        .query_row([save_id], |r| r.get(0))
        .optional()?)
}

/// Refuses a call whose fields contradict its outcome, before anything is written (the
/// database's triggers refuse it too, for any other writer).
fn check_consistent(call: &CallToSave) -> Result<()> {
    let fields = CallFields {
        outcome: call.outcome,
        wellbeing: call.wellbeing.is_some(),
        needs: !call.needs.is_empty(),
        callback_at: call.callback_at.is_some(),
    };
    let emergency_request = call
        .interventions
        .iter()
        .any(|i| i.urgency == Urgency::Emergency);
    let found = call_contradiction(fields)
        .or_else(|| {
            call.interventions
                .iter()
                .find_map(|i| intervention_contradiction(i.urgency, &i.details))
        })
        .or_else(|| {
            emergency_contradiction(
                call.wellbeing == Some(Wellbeing::Urgent),
                emergency_request,
                call.emergency.as_ref(),
            )
        });
    match found {
        Some(c) => Err(StoreError::Inconsistent(c)),
        None => Ok(()),
    }
}

/// Fails with `ClaimLost` unless the operator still holds the tenant under this claim.
fn check_claim_still_held(tx: &Transaction, claim: &Claim) -> Result<()> {
    let (holder, reason, newest): (i64, Option<String>, i64) = tx
        .prepare_cached(
            // An open claim is the tenant's newest (one open claim per tenant): only a
            // released one needs the look for a newer claim.
            "SELECT k.operator_id, k.release_reason,
                    CASE WHEN k.released_at IS NULL THEN k.id
                         ELSE (SELECT max(id) FROM claims WHERE tenant_id = k.tenant_id) END
             FROM claims k WHERE k.id = ?1 AND k.tenant_id = ?2",
        )?
        .query_row(params![claim.id, claim.tenant_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or(StoreError::ClaimLost)?;
    if holder != claim.operator_id || newest != claim.id || reason.as_deref() == Some("saved") {
        return Err(StoreError::ClaimLost);
    }
    Ok(())
}

/// When and how the tenant is called next, after this call.
fn next_call(
    tx: &Transaction,
    call: &CallToSave,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<NextCall> {
    let claim = &call.claim;
    let (cadence, attempts_day, attempts_count): (u32, Option<String>, u32) = tx
        .prepare_cached(
            "SELECT c.cadence_days, t.attempts_day, t.attempts_count
         FROM tenants t JOIN cohorts c ON c.id = t.cohort_id WHERE t.id = ?1",
        )?
        .query_row([claim.tenant_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let previous = match attempts_day {
        Some(d) => Some(Attempts {
            day: time::parse_day(&d)?,
            count: attempts_count,
        }),
        None => None,
    };
    let result = CallResult {
        outcome: call.outcome,
        callback_at: call.callback_at,
        callback_operator: call.callback_only_me.then_some(claim.operator_id),
        hospitalised_until: call.hospitalised_until,
    };
    schedule::next_call(rules, now, cadence, previous, &result)
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Inserts the call itself and returns its id.
fn insert_call(tx: &Transaction, call: &CallToSave, now_s: &str) -> Result<i64> {
    let claim = &call.claim;
    tx.prepare_cached(
        "INSERT INTO calls (save_id, tenant_id, operator_id, shift_id, claim_id, started_at, ended_at,
           outcome, wellbeing, callback_at, hospitalised_until, notes, incoming)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        call.save_id,
        claim.tenant_id,
        claim.operator_id,
        call.shift_id,
        claim.id,
        time::ts(call.started_at),
        now_s,
        call.outcome.code(),
        call.wellbeing.map(super::super::domain::call::Wellbeing::code),
        call.callback_at.map(time::ts),
        call.hospitalised_until.map(time::day),
        call.notes,
        call.incoming,
    ])?;
    Ok(tx.last_insert_rowid())
}

fn insert_needs(tx: &Transaction, call: &CallToSave, call_id: i64) -> Result<()> {
    for need in &call.needs {
        tx.prepare_cached(
            "INSERT INTO needs (call_id, tenant_id, category, details) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            call_id,
            call.claim.tenant_id,
            need.category.code(),
            need.details
        ])?;
    }
    Ok(())
}

/// Each referral takes its service's category, and starts its history as "proposed".
fn insert_referrals(tx: &Transaction, call: &CallToSave, call_id: i64, now_s: &str) -> Result<()> {
    let claim = &call.claim;
    for r in &call.referrals {
        let category: String = tx
            .prepare_cached("SELECT category FROM services WHERE id = ?1")?
            .query_row([r.service_id], |row| row.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no service with id {}", r.service_id)))?;
        tx.prepare_cached(
            "INSERT INTO referrals (tenant_id, call_id, service_id, category, note, follow_up_on,
               created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![
            claim.tenant_id,
            call_id,
            r.service_id,
            category,
            r.note,
            r.follow_up_on.map(time::day),
            claim.operator_id,
            now_s
        ])?;
        let referral = tx.last_insert_rowid();
        tx.prepare_cached(
            "INSERT INTO referral_events (referral_id, status, note, operator_id, at) VALUES (?1, 'proposed', ?2, ?3, ?4)",
        )?
        .execute(params![referral, r.note, claim.operator_id, now_s])?;
    }
    Ok(())
}

/// Each intervention request starts its history as "requested".
fn insert_interventions(
    tx: &Transaction,
    call: &CallToSave,
    call_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let claim = &call.claim;
    let now_s = time::ts(now);
    for i in &call.interventions {
        let wanted = wanted_at(i.urgency, i.wanted_at, now);
        tx.prepare_cached(
            "INSERT INTO interventions (tenant_id, call_id, kind, urgency, wanted_at, place, details,
               created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            claim.tenant_id, call_id, i.kind.code(), i.urgency.code(), wanted.map(time::ts),
            i.place, i.details, claim.operator_id, now_s
        ])?;
        let intervention = tx.last_insert_rowid();
        tx.prepare_cached(
            "INSERT INTO intervention_events (intervention_id, status, note, operator_id, at) VALUES (?1, 'requested', '', ?2, ?3)",
        )?
        .execute(params![intervention, claim.operator_id, now_s])?;
    }
    Ok(())
}

/// The emergency protocol beside its call, waiting for a coordinator to take it.
fn insert_emergency(tx: &Transaction, call: &CallToSave, call_id: i64, now_s: &str) -> Result<()> {
    if let Some(p) = &call.emergency {
        tx.prepare_cached(
            "INSERT INTO emergencies (call_id, tenant_id, operator_id, at, services, decision,
               no_request_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            call_id,
            call.claim.tenant_id,
            call.claim.operator_id,
            now_s,
            p.services.code(),
            p.decision,
            p.no_request_reason
        ])?;
    }
    Ok(())
}

/// Writes the tenant's next call, attempts and last call onto the tenant.
fn update_tenant(tx: &Transaction, call: &CallToSave, next: &NextCall, now_s: &str) -> Result<()> {
    let (attempts_day, attempts_count) = match next.attempts {
        Some(a) => (Some(time::day(a.day)), a.count),
        None => (None, 0),
    };
    tx.prepare_cached(
        "UPDATE tenants SET status = ?2, due_at = ?3, paused_until = ?4, callback_at = ?5,
           callback_operator_id = ?6, attempts_day = ?7, attempts_count = ?8, last_call_at = ?9,
           last_outcome = ?10, flag = coalesce(?11, flag), updated_at = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        call.claim.tenant_id,
        next.status.code(),
        next.due_at.map(time::ts),
        next.paused_until.map(time::day),
        next.callback_at.map(time::ts),
        next.callback_operator,
        attempts_day,
        attempts_count,
        now_s,
        call.outcome.code(),
        next.flag.map(super::super::domain::schedule::Flag::code),
    ])?;
    Ok(())
}

/// Requests a welfare visit when a tenant who lives alone (or may: see `Ladder::watches`) has not answered often enough
/// (see `domain::ladder`), once per streak: not again until they have been reached.
fn no_answer_ladder(
    tx: &Transaction,
    claim: &Claim,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<Option<i64>> {
    let lives_alone: Option<bool> = tx
        .prepare_cached("SELECT lives_alone FROM tenants WHERE id = ?1")?
        .query_row([claim.tenant_id], |r| r.get(0))?;
    if !rules.ladder.watches(lives_alone) {
        return Ok(None);
    }
    let last_reached: Option<String> = tx
        .prepare_cached(
            "SELECT max(ended_at) FROM calls WHERE tenant_id = ?1 AND outcome = 'reached'",
        )?
        .query_row([claim.tenant_id], |r| r.get(0))?;
    let since = last_reached.unwrap_or_default();
    let already: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM interventions WHERE tenant_id = ?1
           AND auto_reason = 'no_answer_ladder' AND created_at > ?2)",
        )?
        .query_row(params![claim.tenant_id, since], |r| r.get(0))?;
    if already {
        return Ok(None);
    }
    let attempts: Vec<(DateTime<Utc>, String)> = super::rows(
        tx,
        "SELECT ended_at, outcome FROM calls WHERE tenant_id = ?1 AND ended_at > ?2
           AND outcome IN ('no_answer', 'busy', 'voicemail') ORDER BY ended_at",
        params![claim.tenant_id, since],
        |r| Ok((time::req_ts(r.get(0)?)?, r.get(1)?)),
    )?;
    let days: Vec<NaiveDate> = attempts
        .iter()
        .map(|(at, _)| rules.local_date(*at))
        .collect();
    if !rules.ladder.triggers(&days, rules.local_date(now)) {
        return Ok(None);
    }
    let listed: Vec<String> = attempts
        .iter()
        .map(|(at, outcome)| {
            format!(
                "{} {outcome}",
                at.with_timezone(&rules.tz).format("%d/%m %H:%M")
            )
        })
        .collect();
    let details = format!(
        "levée de doute: {} unanswered calls ({})",
        attempts.len(),
        listed.join(", ")
    );
    let now_s = time::ts(now);
    tx.prepare_cached(
        "INSERT INTO interventions (tenant_id, call_id, kind, urgency, details, auto_reason,
           created_by, created_at, updated_at)
         VALUES (?1, (SELECT max(id) FROM calls WHERE claim_id = ?2), 'welfare_visit', 'urgent', ?3,
           'no_answer_ladder', ?4, ?5, ?5)",
    )?
    .execute(params![
        claim.tenant_id,
        claim.id,
        details,
        claim.operator_id,
        now_s
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO intervention_events (intervention_id, status, note, operator_id, at)
         VALUES (?1, 'requested', 'automatic: no-answer ladder', ?2, ?3)",
    )?
    .execute(params![id, claim.operator_id, now_s])?;
    Ok(Some(id))
}
