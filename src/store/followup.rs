//! Follow-up of referrals and dispatch of intervention requests: creating them outside
//! a call, moving them through their lifecycle (history kept in the *_events tables),
//! listing the open ones, and the field teams.

use crate::tr;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::shifts::audit;
use super::{Result, Store, StoreError, rows, time};
use crate::domain::consistency::{self, intervention_contradiction};
use crate::domain::lifecycle::{self, InterventionOutcome};
use crate::domain::parse::fold;
use crate::domain::{InterventionKind, InterventionStatus, NeedCategory, ReferralStatus, Urgency};

/// An open or closed referral as the follow-up lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReferralRow {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_ref: Option<String>,
    pub tenant_name: String,
    /// The tenant's phone, to call them about it.
    pub phone: Option<String>,
    pub service_fr: String,
    pub service_en: String,
    pub category: NeedCategory,
    pub status: ReferralStatus,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_by_id: i64,
    pub created_at: DateTime<Utc>,
}

/// An intervention request as the dispatch list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InterventionRow {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_ref: Option<String>,
    pub tenant_name: String,
    /// The tenant's phone, to call them about it.
    pub phone: Option<String>,
    pub address: String,
    pub kind: InterventionKind,
    pub urgency: Urgency,
    pub status: InterventionStatus,
    pub wanted_at: Option<DateTime<Utc>>,
    pub place: String,
    pub details: String,
    pub team: Option<String>,
    pub planned_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub automatic: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One step in the history of a referral or an intervention request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub status: String,
    pub note: String,
    pub operator: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldTeam {
    pub id: i64,
    pub name: String,
    pub members: String,
    pub active: bool,
}

/// Which referrals a follow-up list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    /// Open ones only (proposed, sent, in progress) unless a status is given.
    pub status: Option<ReferralStatus>,
    pub category: Option<NeedCategory>,
    /// Only those this operator made.
    pub operator: Option<i64>,
    pub tenant: Option<i64>,
}

/// Which intervention requests a dispatch list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterventionFilter {
    /// Open ones only (requested, assigned) unless a status is given.
    pub status: Option<InterventionStatus>,
    pub urgency: Option<Urgency>,
    pub operator: Option<i64>,
    pub tenant: Option<i64>,
}

const REFERRAL_SELECT: &str = "SELECT r.id, r.tenant_id, t.external_ref,
        trim(t.first_name || ' ' || t.last_name), s.name_fr, s.name_en, r.category, r.status, substr(r.note, 1, 2000),
        r.follow_up_on, o.name, r.created_by, r.created_at, t.phone
     FROM referrals r JOIN tenants t ON t.id = r.tenant_id JOIN services s ON s.id = r.service_id
     JOIN operators o ON o.id = r.created_by";

fn referral_from_row(r: &rusqlite::Row) -> rusqlite::Result<ReferralRow> {
    Ok(ReferralRow {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        tenant_ref: r.get(2)?,
        tenant_name: r.get(3)?,
        service_fr: r.get(4)?,
        service_en: r.get(5)?,
        category: NeedCategory::from_code(&r.get::<_, String>(6)?).unwrap_or(NeedCategory::Other),
        status: ReferralStatus::from_code(&r.get::<_, String>(7)?)
            .unwrap_or(ReferralStatus::Proposed),
        note: r.get(8)?,
        follow_up_on: time::opt_day(r.get(9)?)?,
        created_by: r.get(10)?,
        created_by_id: r.get(11)?,
        created_at: time::req_ts(r.get(12)?)?,
        phone: r.get(13)?,
    })
}

const INTERVENTION_SELECT: &str = "SELECT i.id, i.tenant_id, t.external_ref,
        trim(t.first_name || ' ' || t.last_name),
        trim(t.address || ', ' || t.postcode || ' ' || t.city, ', '),
        i.kind, i.urgency, i.status, i.wanted_at, substr(i.place, 1, 2000),
        substr(i.details, 1, 2000), f.name, i.planned_at,
        i.outcome, i.auto_reason IS NOT NULL, o.name, i.created_at, t.phone
     FROM interventions i JOIN tenants t ON t.id = i.tenant_id JOIN operators o ON o.id = i.created_by
     LEFT JOIN field_teams f ON f.id = i.team_id";

fn intervention_from_row(r: &rusqlite::Row) -> rusqlite::Result<InterventionRow> {
    Ok(InterventionRow {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        tenant_ref: r.get(2)?,
        tenant_name: r.get(3)?,
        address: r.get(4)?,
        kind: InterventionKind::from_code(&r.get::<_, String>(5)?)
            .unwrap_or(InterventionKind::Other),
        urgency: Urgency::from_code(&r.get::<_, String>(6)?).unwrap_or(Urgency::Routine),
        status: InterventionStatus::from_code(&r.get::<_, String>(7)?)
            .unwrap_or(InterventionStatus::Requested),
        wanted_at: time::opt_ts(r.get(8)?)?,
        place: r.get(9)?,
        details: r.get(10)?,
        team: r.get(11)?,
        planned_at: time::opt_ts(r.get(12)?)?,
        outcome: r.get(13)?,
        automatic: r.get(14)?,
        created_by: r.get(15)?,
        created_at: time::req_ts(r.get(16)?)?,
        phone: r.get(17)?,
    })
}

fn referral_status(tx: &Transaction, id: i64) -> Result<ReferralStatus> {
    let s: Option<String> = tx
        .query_row("SELECT status FROM referrals WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    s.and_then(|s| ReferralStatus::from_code(&s))
        .ok_or_else(|| {
            StoreError::NotFound(tr!(
                "aucune orientation numéro {id}",
                "no referral number {id}"
            ))
        })
}

fn intervention_state(tx: &Transaction, id: i64) -> Result<(InterventionStatus, Option<i64>)> {
    let s: Option<(String, Option<i64>)> = tx
        .query_row(
            "SELECT status, team_id FROM interventions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    s.and_then(|(s, team)| InterventionStatus::from_code(&s).map(|s| (s, team)))
        .ok_or_else(|| {
            StoreError::NotFound(tr!(
                "aucune demande d'intervention numéro {id}",
                "no intervention request number {id}"
            ))
        })
}

impl Store {
    /// Orients a tenant to a service outside a call (quick entry).
    pub fn create_referral(
        &mut self,
        tenant: i64,
        service: i64,
        note: &str,
        follow_up_on: Option<NaiveDate>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.write(|tx| {
            let category: String = tx
                .query_row("SELECT category FROM services WHERE id = ?1", [service], |r| r.get(0))
                .optional()?
                .ok_or_else(|| StoreError::Invalid(tr!(
                    "aucun service numéro {service}",
                    "no service number {service}"
                )))?;
            let now_s = time::ts(now);
            tx.execute(
                "INSERT INTO referrals (tenant_id, service_id, category, note, follow_up_on, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![tenant, service, category, note, follow_up_on.map(time::day), by, now_s],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO referral_events (referral_id, status, note, operator_id, at) VALUES (?1, 'proposed', ?2, ?3, ?4)",
                params![id, note, by, now_s],
            )?;
            // Outside a call nothing else ties the referral to the account that made it.
            audit(tx, now, Some(by), "referral_made", Some(tenant), &format!("referral {id}"))?;
            Ok(id)
        })
    }

    /// Asks a field team to go, outside a call (quick entry).
    #[allow(clippy::too_many_arguments)]
    pub fn create_intervention(
        &mut self,
        tenant: i64,
        kind: InterventionKind,
        urgency: Urgency,
        wanted_at: Option<DateTime<Utc>>,
        place: &str,
        details: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if let Some(c) = intervention_contradiction(urgency, details) {
            return Err(StoreError::Inconsistent(c));
        }
        let wanted_at = consistency::wanted_at(urgency, wanted_at, now);
        self.write(|tx| {
            let now_s = time::ts(now);
            tx.execute(
                "INSERT INTO interventions (tenant_id, kind, urgency, wanted_at, place, details, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![tenant, kind.code(), urgency.code(), wanted_at.map(time::ts), place, details, by, now_s],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO intervention_events (intervention_id, status, note, operator_id, at) VALUES (?1, 'requested', '', ?2, ?3)",
                params![id, by, now_s],
            )?;
            audit(tx, now, Some(by), "intervention_requested", Some(tenant), &format!("request {id}"))?;
            Ok(id)
        })
    }

    /// Moves a referral to `to`, keeping the step in its history. Refused steps say why.
    pub fn set_referral_status(
        &mut self,
        id: i64,
        to: ReferralStatus,
        note: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let from = referral_status(tx, id)?;
            lifecycle::referral_step(from, to, note).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let now_s = time::ts(now);
            tx.execute("UPDATE referrals SET status = ?2, updated_at = ?3 WHERE id = ?1", params![id, to.code(), now_s])?;
            tx.execute(
                "INSERT INTO referral_events (referral_id, status, note, operator_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, to.code(), note.trim(), by, now_s],
            )?;
            Ok(())
        })
    }

    /// Sets the next follow-up date of a referral.
    pub fn set_referral_follow_up(
        &mut self,
        id: i64,
        on: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE referrals SET follow_up_on = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, on.map(time::day), time::ts(now)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(tr!(
                    "aucune orientation numéro {id}",
                    "no referral number {id}"
                )));
            }
            Ok(())
        })
    }

    pub fn referral(&self, id: i64) -> Result<ReferralRow> {
        self.read()
            .query_row(
                &format!("{REFERRAL_SELECT} WHERE r.id = ?1"),
                [id],
                referral_from_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NotFound(tr!(
                    "aucune orientation numéro {id}",
                    "no referral number {id}"
                ))
            })
    }

    /// Referrals by follow-up date (those without a date last), then age.
    pub fn referrals(&self, f: &ReferralFilter) -> Result<Vec<ReferralRow>> {
        rows(
            self.read(),
            &format!(
                "{REFERRAL_SELECT}
                 WHERE (?1 IS NULL AND r.status IN ('proposed', 'sent', 'in_progress') OR r.status = ?1)
                   AND (?2 IS NULL OR r.category = ?2) AND (?3 IS NULL OR r.created_by = ?3)
                   AND (?4 IS NULL OR r.tenant_id = ?4)
                 ORDER BY r.follow_up_on IS NULL, r.follow_up_on, r.created_at"
            ),
            params![f.status.map(super::super::domain::referral::ReferralStatus::code), f.category.map(super::super::domain::call::NeedCategory::code), f.operator, f.tenant],
            referral_from_row,
        )
    }

    pub fn referral_history(&self, id: i64) -> Result<Vec<Event>> {
        rows(
            self.read(),
            "SELECT e.status, substr(e.note, 1, 2000), o.name, e.at FROM referral_events e
             LEFT JOIN operators o ON o.id = e.operator_id WHERE e.referral_id = ?1 ORDER BY e.at, e.id",
            [id],
            |r| Ok(Event { status: r.get(0)?, note: r.get(1)?, operator: r.get(2)?, at: time::req_ts(r.get(3)?)? }),
        )
    }

    /// Gives an intervention request to a field team, for a planned time.
    pub fn assign_intervention(
        &mut self,
        id: i64,
        team: i64,
        planned_at: Option<DateTime<Utc>>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let (from, _) = intervention_state(tx, id)?;
            lifecycle::intervention_step(from, InterventionStatus::Assigned, "", true)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let name: String = tx
                .query_row("SELECT name FROM field_teams WHERE id = ?1", [team], |r| r.get(0))
                .optional()?
                .ok_or_else(|| StoreError::NotFound(tr!(
                    "aucune équipe de terrain numéro {team}",
                    "no field team number {team}"
                )))?;
            let now_s = time::ts(now);
            tx.execute(
                "UPDATE interventions SET status = 'assigned', team_id = ?2, planned_at = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, team, planned_at.map(time::ts), now_s],
            )?;
            tx.execute(
                "INSERT INTO intervention_events (intervention_id, status, note, operator_id, at) VALUES (?1, 'assigned', ?2, ?3, ?4)",
                params![id, format!("team: {name}"), by, now_s],
            )?;
            Ok(())
        })
    }

    /// Closes an intervention request with how it ended and a note.
    pub fn close_intervention(
        &mut self,
        id: i64,
        outcome: InterventionOutcome,
        note: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let (from, team) = intervention_state(tx, id)?;
            let to = outcome.status();
            lifecycle::intervention_step(from, to, note, team.is_some()).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let now_s = time::ts(now);
            tx.execute(
                "UPDATE interventions SET status = ?2, outcome = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, to.code(), outcome.code(), now_s],
            )?;
            tx.execute(
                "INSERT INTO intervention_events (intervention_id, status, note, operator_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, to.code(), format!("{}: {}", outcome.code(), note.trim()), by, now_s],
            )?;
            Ok(())
        })
    }

    pub fn intervention(&self, id: i64) -> Result<InterventionRow> {
        self.read()
            .query_row(
                &format!("{INTERVENTION_SELECT} WHERE i.id = ?1"),
                [id],
                intervention_from_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NotFound(tr!(
                    "aucune demande d'intervention numéro {id}",
                    "no intervention request number {id}"
                ))
            })
    }

    /// Intervention requests, emergencies first, then urgent, then by the time wanted.
    pub fn interventions(&self, f: &InterventionFilter) -> Result<Vec<InterventionRow>> {
        rows(
            self.read(),
            &format!(
                "{INTERVENTION_SELECT}
                 WHERE (?1 IS NULL AND i.status IN ('requested', 'assigned') OR i.status = ?1)
                   AND (?2 IS NULL OR i.urgency = ?2) AND (?3 IS NULL OR i.created_by = ?3)
                   AND (?4 IS NULL OR i.tenant_id = ?4)
                 ORDER BY CASE i.urgency WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                   coalesce(i.planned_at, i.wanted_at, i.created_at), i.id"
            ),
            params![
                f.status
                    .map(super::super::domain::referral::InterventionStatus::code),
                f.urgency.map(super::super::domain::referral::Urgency::code),
                f.operator,
                f.tenant
            ],
            intervention_from_row,
        )
    }

    pub fn intervention_history(&self, id: i64) -> Result<Vec<Event>> {
        rows(
            self.read(),
            "SELECT e.status, substr(e.note, 1, 2000), o.name, e.at FROM intervention_events e
             LEFT JOIN operators o ON o.id = e.operator_id WHERE e.intervention_id = ?1 ORDER BY e.at, e.id",
            [id],
            |r| Ok(Event { status: r.get(0)?, note: r.get(1)?, operator: r.get(2)?, at: time::req_ts(r.get(3)?)? }),
        )
    }

    pub fn field_teams(&self) -> Result<Vec<FieldTeam>> {
        rows(
            self.read(),
            "SELECT id, name, members, active FROM field_teams ORDER BY active DESC, name",
            [],
            |r| {
                Ok(FieldTeam {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    members: r.get(2)?,
                    active: r.get(3)?,
                })
            },
        )
    }

    pub fn field_team(&self, name: &str) -> Result<FieldTeam> {
        self.field_teams()?
            .into_iter()
            .find(|t| fold(&t.name) == fold(name) || t.id.to_string() == name.trim())
            .ok_or_else(|| {
                StoreError::NotFound(tr!(
                    "aucune équipe de terrain « {name} » (voir `veille teams list`)",
                    "no field team '{name}' (see `veille teams list`)"
                ))
            })
    }

    /// Adds a field team, or changes its members and whether it is active.
    pub fn upsert_field_team(
        &mut self,
        name: &str,
        members: Option<&str>,
        active: Option<bool>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid(tr!(
                "une équipe de terrain a besoin d'un nom",
                "a field team needs a name"
            )));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO field_teams (name, members, active) VALUES (?1, coalesce(?2, ''), coalesce(?3, 1))
                 ON CONFLICT (name) DO UPDATE SET members = coalesce(?2, members), active = coalesce(?3, active)",
                params![name.trim(), members, active],
            )?;
            audit(tx, now, by, "field_team_changed", None, name.trim())
        })
    }
}
