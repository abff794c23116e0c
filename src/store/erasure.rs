//! What an objection and an erasure leave of a person. An objection keeps only what is
//! needed to never call them again: the landlord's reference and the objection. An
//! erasure removes the reference too. Both keep the rows of calls, needs, referrals and
//! requests, emptied of their texts, so that the reports' counts stay right.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::shifts::audit;
use super::{Result, Store, StoreError, time};

/// How much of a person is taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The person objects to being called: identity and texts go, the reference stays so
    /// that the next import of the landlord's list does not bring them back.
    Objection,
    /// The right to erasure: the reference goes as well.
    Erase,
}

/// What was (or would be) emptied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Erased {
    pub calls: i64,
    pub needs: i64,
    pub referrals: i64,
    pub interventions: i64,
    pub history_notes: i64,
    /// Whether the WAL, which still held the earlier versions, could be emptied.
    pub journal_emptied: bool,
}

/// The person's own texts, by table: each statement empties one kind for tenant `?1`.
const TEXTS: [(&str, &str, &str); 7] = [
    ("calls", "notes = ''", "tenant_id = ?1 AND notes <> ''"),
    (
        "emergencies",
        "decision = '', no_request_reason = ''",
        "tenant_id = ?1 AND (decision <> '' OR no_request_reason <> '')",
    ),
    ("needs", "details = ''", "tenant_id = ?1 AND details <> ''"),
    ("referrals", "note = ''", "tenant_id = ?1 AND note <> ''"),
    (
        "interventions",
        "details = '', place = '', outcome = CASE WHEN outcome IS NULL THEN NULL ELSE '' END",
        "tenant_id = ?1 AND (details <> '' OR place <> '' OR coalesce(outcome, '') <> '')",
    ),
    (
        "referral_events",
        "note = ''",
        "note <> '' AND referral_id IN (SELECT id FROM referrals WHERE tenant_id = ?1)",
    ),
    (
        "intervention_events",
        "note = ''",
        "note <> '' AND intervention_id IN (SELECT id FROM interventions WHERE tenant_id = ?1)",
    ),
];

/// Everything that says who the person is, where they live and how to reach them.
const IDENTITY: &str = "title = '', last_name = '', first_name = '', birth_date = NULL,
    phone = NULL, phone_alt = NULL, address = '', postcode = '', city = '', building = '',
    staircase = '', floor = '', door = '', access_code = '', notes = '', flag = NULL,
    due_at = NULL, callback_at = NULL, callback_operator_id = NULL";

impl Store {
    /// Reduces what is known of `tenant` (see `Erasure`), or only counts it with
    /// `dry_run`, in one transaction written in the audit log. The texts are gone from the
    /// file (`secure_delete`) and from its journal when nobody else reads it.
    pub fn erase_tenant(
        &mut self,
        tenant: i64,
        how: Erasure,
        by: Option<i64>,
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<Erased> {
        let mut erased = self.write(|tx| {
            let erased_at: Option<String> = tx.query_row(
                "SELECT erased_at FROM tenants WHERE id = ?1",
                [tenant],
                |r| r.get(0),
            )?;
            if erased_at.is_some() {
                return Err(StoreError::Invalid(
                    "this person was erased already: nothing is left to take away".into(),
                ));
            }
            let mut counts = [0i64; 7];
            for (i, (table, set, condition)) in TEXTS.iter().enumerate() {
                counts[i] = if dry_run {
                    tx.query_row(
                        &format!("SELECT count(*) FROM {table} WHERE {condition}"),
                        [tenant],
                        |r| r.get(0),
                    )?
                } else {
                    tx.execute(
                        &format!("UPDATE {table} SET {set} WHERE {condition}"),
                        [tenant],
                    )? as i64
                };
            }
            // An emergency's texts count with its call's.
            let erased = Erased {
                calls: counts[0] + counts[1],
                needs: counts[2],
                referrals: counts[3],
                interventions: counts[4],
                history_notes: counts[5] + counts[6],
                journal_emptied: false,
            };
            if dry_run {
                return Ok(erased);
            }
            let stamp = time::ts(now);
            tx.execute(
                &format!(
                    "UPDATE tenants SET {IDENTITY}, objection_at = coalesce(objection_at, ?2),
                     objection_by = coalesce(objection_by, ?3), updated_at = ?2 WHERE id = ?1"
                ),
                params![tenant, stamp, by],
            )?;
            let action = match how {
                Erasure::Objection => "tenant_objection_recorded",
                Erasure::Erase => {
                    tx.execute(
                        "UPDATE tenants SET external_ref = NULL, erased_at = ?2 WHERE id = ?1",
                        params![tenant, stamp],
                    )?;
                    "tenant_erased"
                }
            };
            let details = format!(
                "texts emptied: {} calls, {} needs, {} referrals, {} requests, {} history notes",
                erased.calls,
                erased.needs,
                erased.referrals,
                erased.interventions,
                erased.history_notes
            );
            audit(tx, now, by, action, Some(tenant), &details)?;
            Ok(erased)
        })?;
        if !dry_run {
            erased.journal_emptied = self.empty_journal()?;
        }
        Ok(erased)
    }
}
