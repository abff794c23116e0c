//! What a coordinator changes on a tenant: re-open after a refusal, fix a wrong number,
//! confirm a status, record an objection. Each change is one transaction and audited.

use crate::tr;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};

use super::shifts::audit;
use super::tenants::{TENANT_COLUMNS, Tenant, tenant_from_row};
use super::{Result, Store, StoreError, rows, time};
use crate::domain::TenantStatus;
use crate::domain::tenant::{REFERENCE_KEY_SQL, TenantName, reference_key};

impl Store {
    /// Finds a tenant by the landlord's reference, or by veille's number.
    pub fn find_tenant(&self, reference: &str) -> Result<Tenant> {
        let r = reference.trim();
        // The landlord's reference first; a bare number is also veille's own number.
        let mut id: Option<i64> = self
            .read()
            .query_row(
                &format!("SELECT id FROM tenants WHERE {REFERENCE_KEY_SQL} = ?1"),
                [reference_key(r)],
                |row| row.get(0),
            )
            .optional()?;
        if id.is_none()
            && let Ok(n) = r.parse::<i64>()
        {
            id = self
                .read()
                .query_row("SELECT id FROM tenants WHERE id = ?1", [n], |row| {
                    row.get(0)
                })
                .optional()?;
        }
        match id {
            Some(id) => self.tenant(id),
            None => Err(StoreError::NotFound(tr!(
                "aucun locataire de référence « {r} »",
                "no tenant with reference '{r}'"
            ))),
        }
    }

    /// Tenants a coordinator must look at: flagged by a call, or refusing calls.
    pub fn flagged_tenants(&self) -> Result<Vec<Tenant>> {
        rows(
            self.read(),
            &format!(
                "SELECT {TENANT_COLUMNS} FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
                 WHERE t.flag IS NOT NULL OR t.status = 'refuses' ORDER BY t.updated_at DESC"
            ),
            [],
            tenant_from_row,
        )
    }

    /// Puts a tenant back in the queue, due now (after a refusal, or once a flag is dealt with).
    pub fn reopen_tenant(&mut self, tenant: i64, by: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE tenants SET status = 'active', paused_until = NULL, flag = NULL,
                   due_at = ?2, callback_at = NULL, callback_operator_id = NULL, updated_at = ?2
                 WHERE id = ?1",
                params![tenant, time::ts(now)],
            )?;
            audit(tx, now, Some(by), "tenant_reopened", Some(tenant), "")
        })
    }

    /// Records a corrected phone number; a tenant flagged for a wrong number is due again.
    pub fn set_tenant_phone(
        &mut self,
        tenant: i64,
        phone: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE tenants SET phone = ?2, updated_at = ?3,
                   due_at = CASE WHEN flag = 'wrong_number' THEN ?3 ELSE due_at END,
                   flag = CASE WHEN flag = 'wrong_number' THEN NULL ELSE flag END
                 WHERE id = ?1",
                params![tenant, phone, time::ts(now)],
            )?;
            audit(tx, now, Some(by), "tenant_phone_changed", Some(tenant), "")
        })
    }

    /// Corrects a tenant's name as a coordinator writes it (letters a spreadsheet lost, a
    /// spelling). The audit row says which parts changed, not the names.
    pub fn set_tenant_name(
        &mut self,
        tenant: i64,
        name: &TenantName,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = name
            .checked()
            .map_err(|p| StoreError::Invalid(p.to_string()))?;
        let before = self.tenant(tenant)?;
        let changed: Vec<&str> = [
            ("title", before.title == name.title),
            ("last_name", before.last_name == name.last_name),
            ("first_name", before.first_name == name.first_name),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(part, _)| part)
        .collect();
        if changed.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE tenants SET title = ?2, last_name = ?3, first_name = ?4, updated_at = ?5
                 WHERE id = ?1",
                params![
                    tenant,
                    name.title,
                    name.last_name,
                    name.first_name,
                    time::ts(now)
                ],
            )?;
            audit(
                tx,
                now,
                Some(by),
                "tenant_name_changed",
                Some(tenant),
                &changed.join(", "),
            )
        })
    }

    /// Sets a tenant's status as a coordinator confirms it. `paused` and `hospitalised`
    /// need the date calls resume; `moved` and `deceased` take them out of the queue.
    pub fn set_tenant_status(
        &mut self,
        tenant: i64,
        status: TenantStatus,
        until: Option<NaiveDate>,
        by: i64,
        now: DateTime<Utc>,
        rules: &crate::domain::Rules,
    ) -> Result<()> {
        let due_at = match status {
            TenantStatus::Active => Some(now),
            TenantStatus::Paused | TenantStatus::Hospitalised => {
                let until = until.ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "status {status} needs the date calls resume (--until)"
                    ))
                })?;
                Some(rules.hours.opening_on(until, rules.tz))
            }
            TenantStatus::Moved | TenantStatus::Deceased | TenantStatus::Refuses => None,
        };
        let paused_until = matches!(status, TenantStatus::Paused | TenantStatus::Hospitalised)
            .then_some(until)
            .flatten();
        self.write(|tx| {
            tx.execute(
                "UPDATE tenants SET status = ?2, paused_until = ?3, due_at = ?4, flag = NULL,
                   callback_at = NULL, callback_operator_id = NULL, updated_at = ?5
                 WHERE id = ?1",
                params![
                    tenant,
                    status.code(),
                    paused_until.map(time::day),
                    due_at.map(time::ts),
                    time::ts(now)
                ],
            )?;
            audit(
                tx,
                now,
                Some(by),
                "tenant_status_changed",
                Some(tenant),
                status.code(),
            )
        })
    }

    /// Withdraws an objection: the tenant agrees to be called again, from now. What the
    /// objection took away comes back with the next import of the landlord's list; an
    /// erased person cannot come back this way.
    pub fn withdraw_objection(&mut self, tenant: i64, by: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            let erased: bool = tx.query_row(
                "SELECT erased_at IS NOT NULL FROM tenants WHERE id = ?1",
                [tenant],
                |r| r.get(0),
            )?;
            if erased {
                return Err(StoreError::Invalid(
                    "this person was erased: nothing of them is left to call again; import \
                     them as a new tenant if they ask to be called"
                        .into(),
                ));
            }
            tx.execute(
                "UPDATE tenants SET objection_at = NULL, objection_by = NULL, due_at = ?2, updated_at = ?2
                 WHERE id = ?1",
                params![tenant, time::ts(now)],
            )?;
            audit(tx, now, Some(by), "tenant_objection_withdrawn", Some(tenant), "")
        })
    }
}
