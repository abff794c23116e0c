//! Tenants: who they are, and their card as an operator sees it.

use crate::tr;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row};

use super::imports::{TenantColumn, TenantImport};
use super::{Result, Store, StoreError, rows, time};
use crate::domain::{Outcome, TenantStatus};

/// A tenant as imported from the landlord's list or made by the demo.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewTenant {
    pub external_ref: String,
    pub title: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub phone_alt: Option<String>,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub building: String,
    pub staircase: String,
    pub floor: String,
    pub door: String,
    pub access_code: String,
    /// `None`: not known (a blank cell in the landlord's list).
    pub lives_alone: Option<bool>,
    pub language: String,
    pub notes: String,
}

/// What an upsert did to one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Added,
    Updated,
    Unchanged,
}

/// A tenant with their schedule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tenant {
    pub id: i64,
    pub external_ref: Option<String>,
    pub title: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub phone_alt: Option<String>,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub building: String,
    pub staircase: String,
    pub floor: String,
    pub door: String,
    pub access_code: String,
    /// `None`: not known (a blank cell in the landlord's list).
    pub lives_alone: Option<bool>,
    pub cohort_id: i64,
    pub cohort: String,
    pub language: String,
    pub status: TenantStatus,
    pub paused_until: Option<NaiveDate>,
    pub notes: String,
    pub due_at: Option<DateTime<Utc>>,
    pub callback_at: Option<DateTime<Utc>>,
    pub callback_operator_id: Option<i64>,
    pub attempts_day: Option<NaiveDate>,
    pub attempts_count: u32,
    pub last_call_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<Outcome>,
    pub flag: Option<String>,
    /// When the tenant objected to being called (out of every queue).
    pub objection_at: Option<DateTime<Utc>>,
}

impl Tenant {
    pub fn full_name(&self) -> String {
        let mut s = String::new();
        if !self.title.is_empty() {
            s.push_str(&self.title);
            s.push(' ');
        }
        if !self.first_name.is_empty() {
            s.push_str(&self.first_name);
            s.push(' ');
        }
        s.push_str(&self.last_name);
        s
    }
}

/// Recent history shown on a tenant's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantCard {
    pub tenant: Tenant,
    /// The last calls, newest first: (ended at, outcome, operator name, notes).
    pub last_calls: Vec<(DateTime<Utc>, Outcome, String, String)>,
    /// Open referrals: (id, service name fr, service name en, status, follow-up date).
    pub open_referrals: Vec<(
        i64,
        String,
        String,
        crate::domain::ReferralStatus,
        Option<NaiveDate>,
    )>,
    /// Open intervention requests: (id, kind, urgency, status).
    pub open_interventions: Vec<(
        i64,
        crate::domain::InterventionKind,
        crate::domain::Urgency,
        crate::domain::InterventionStatus,
    )>,
}

/// A tenant as screens and cards show them. Free text read for display (here the notes;
/// also call notes, needs, referral and request details, history and handover notes) is cut
/// at 2,000 characters in the SQL: a 10 MB note pasted in a spreadsheet cannot freeze a
/// screen. Exports read every text whole.
pub(crate) const TENANT_COLUMNS: &str = "t.id, t.external_ref, t.title, t.last_name, t.first_name,
    t.birth_date, t.phone, t.phone_alt, t.address, t.postcode, t.city, t.building, t.staircase,
    t.floor, t.door, t.access_code, t.lives_alone, t.cohort_id, c.name, t.language, t.status,
    t.paused_until, substr(t.notes, 1, 2000), t.due_at, t.callback_at, t.callback_operator_id, t.attempts_day,
    t.attempts_count, t.last_call_at, t.last_outcome, t.flag, t.objection_at";

pub(crate) fn tenant_from_row(r: &Row) -> rusqlite::Result<Tenant> {
    Ok(Tenant {
        id: r.get(0)?,
        external_ref: r.get(1)?,
        title: r.get(2)?,
        last_name: r.get(3)?,
        first_name: r.get(4)?,
        birth_date: time::opt_day(r.get(5)?)?,
        phone: r.get(6)?,
        phone_alt: r.get(7)?,
        address: r.get(8)?,
        postcode: r.get(9)?,
        city: r.get(10)?,
        building: r.get(11)?,
        staircase: r.get(12)?,
        floor: r.get(13)?,
        door: r.get(14)?,
        access_code: r.get(15)?,
        lives_alone: r.get(16)?,
        cohort_id: r.get(17)?,
        cohort: r.get(18)?,
        language: r.get(19)?,
        status: TenantStatus::from_code(&r.get::<_, String>(20)?).unwrap_or(TenantStatus::Active),
        paused_until: time::opt_day(r.get(21)?)?,
        notes: r.get(22)?,
        due_at: time::opt_ts(r.get(23)?)?,
        callback_at: time::opt_ts(r.get(24)?)?,
        callback_operator_id: r.get(25)?,
        attempts_day: time::opt_day(r.get(26)?)?,
        attempts_count: r.get(27)?,
        last_call_at: time::opt_ts(r.get(28)?)?,
        last_outcome: r
            .get::<_, Option<String>>(29)?
            .and_then(|s| Outcome::from_code(&s)),
        flag: r.get(30)?,
        objection_at: time::opt_ts(r.get(31)?)?,
    })
}

impl Store {
    pub fn tenant(&self, id: i64) -> Result<Tenant> {
        self.read()
            .query_row(
                &format!("SELECT {TENANT_COLUMNS} FROM tenants t JOIN cohorts c ON c.id = t.cohort_id WHERE t.id = ?1"),
                [id],
                tenant_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(tr!("aucun locataire numéro {id}", "no tenant with id {id}")))
    }

    pub fn tenant_count(&self) -> Result<i64> {
        Ok(self
            .read()
            .query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))?)
    }

    /// A tenant with their last calls and open referrals and interventions.
    pub fn tenant_card(&self, id: i64) -> Result<TenantCard> {
        let tenant = self.tenant(id)?;
        let last_calls = rows(
            self.read(),
            "SELECT c.ended_at, c.outcome, o.name, substr(c.notes, 1, 2000) FROM calls c
             JOIN operators o ON o.id = c.operator_id
             WHERE c.tenant_id = ?1 ORDER BY c.ended_at DESC LIMIT 5",
            [id],
            |r| {
                Ok((
                    time::req_ts(r.get(0)?)?,
                    Outcome::from_code(&r.get::<_, String>(1)?).unwrap_or(Outcome::Reached),
                    r.get(2)?,
                    r.get(3)?,
                ))
            },
        )?;
        let open_referrals = rows(
            self.read(),
            "SELECT r.id, s.name_fr, s.name_en, r.status, r.follow_up_on FROM referrals r
             JOIN services s ON s.id = r.service_id
             WHERE r.tenant_id = ?1 AND r.status IN ('proposed', 'sent', 'in_progress')
             ORDER BY r.created_at",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    crate::domain::ReferralStatus::from_code(&r.get::<_, String>(3)?)
                        .unwrap_or(crate::domain::ReferralStatus::Proposed),
                    time::opt_day(r.get(4)?)?,
                ))
            },
        )?;
        let open_interventions = rows(
            self.read(),
            "SELECT id, kind, urgency, status FROM interventions
             WHERE tenant_id = ?1 AND status IN ('requested', 'assigned') ORDER BY created_at",
            [id],
            |r| {
                use crate::domain::{InterventionKind as K, InterventionStatus as S, Urgency as U};
                Ok((
                    r.get(0)?,
                    K::from_code(&r.get::<_, String>(1)?).unwrap_or(K::Other),
                    U::from_code(&r.get::<_, String>(2)?).unwrap_or(U::Routine),
                    S::from_code(&r.get::<_, String>(3)?).unwrap_or(S::Requested),
                ))
            },
        )?;
        Ok(TenantCard {
            tenant,
            last_calls,
            open_referrals,
            open_interventions,
        })
    }

    /// Adds whole tenant records to `cohort`, or updates those whose reference is known
    /// (identity and address only: their schedule and history are kept), as an import of
    /// a list giving every column does. One transaction for the whole list.
    pub fn upsert_tenants(
        &mut self,
        list: &[NewTenant],
        cohort: i64,
        operator: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Upserted>> {
        let imports: Vec<TenantImport> = list
            .iter()
            .map(|t| TenantImport {
                tenant: t.clone(),
                cohort: Some(cohort),
            })
            .collect();
        self.import_tenants(
            imports.as_slice(),
            &TenantColumn::ALL,
            cohort,
            false,
            now,
            operator,
        )
    }

    /// External references of every tenant, for telling which ones an import left out.
    pub fn external_refs(&self) -> Result<Vec<(String, String)>> {
        rows(
            self.read(),
            "SELECT external_ref, last_name || ' ' || first_name FROM tenants
             WHERE external_ref IS NOT NULL AND status NOT IN ('moved', 'deceased')
             ORDER BY external_ref",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}
