//! Emergencies waiting for a coordinator: every call saved with the emergency protocol
//! alerts the coordinators until one of them takes it.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::shifts::audit;
use super::{Result, Store, StoreError, rows, time};
use crate::domain::emergency::ServicesCalled;

/// An emergency as the coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingEmergency {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_ref: Option<String>,
    pub tenant_name: String,
    pub phone: Option<String>,
    /// The operator who made the call.
    pub operator: String,
    pub at: DateTime<Utc>,
    pub services: ServicesCalled,
    pub decision: String,
    pub no_request_reason: String,
}

impl Store {
    /// The emergencies no coordinator has taken yet, oldest first.
    pub fn waiting_emergencies(&self) -> Result<Vec<WaitingEmergency>> {
        rows(
            self.read(),
            "SELECT e.id, e.tenant_id, t.external_ref, trim(t.first_name || ' ' || t.last_name),
                    t.phone, o.name, e.at, e.services, substr(e.decision, 1, 2000),
                    substr(e.no_request_reason, 1, 2000)
             FROM emergencies e JOIN tenants t ON t.id = e.tenant_id
             JOIN operators o ON o.id = e.operator_id
             WHERE e.taken_at IS NULL ORDER BY e.at, e.id",
            [],
            |r| {
                let services: String = r.get(7)?;
                Ok(WaitingEmergency {
                    id: r.get(0)?,
                    tenant_id: r.get(1)?,
                    tenant_ref: r.get(2)?,
                    tenant_name: r.get(3)?,
                    phone: r.get(4)?,
                    operator: r.get(5)?,
                    at: time::req_ts(r.get(6)?)?,
                    services: ServicesCalled::from_code(&services)
                        .unwrap_or(ServicesCalled::ByOperator),
                    decision: r.get(8)?,
                    no_request_reason: r.get(9)?,
                })
            },
        )
    }

    /// How many emergencies wait for a coordinator: read every few seconds by each
    /// coordinator's screen, from the index of waiting ones.
    pub fn waiting_emergency_count(&self) -> Result<i64> {
        Ok(self.read().query_row(
            "SELECT count(*) FROM emergencies INDEXED BY emergencies_waiting WHERE taken_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// `by` takes the emergency: the alert stops for everyone. Taken already, it says by
    /// whom, so that two coordinators do not both act on it unknowingly.
    pub fn take_emergency(&mut self, id: i64, by: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            let found: Option<(i64, Option<String>, Option<String>)> = tx
                .query_row(
                    "SELECT e.tenant_id, o.name, e.taken_at FROM emergencies e
                     LEFT JOIN operators o ON o.id = e.taken_by WHERE e.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((tenant, taker, taken_at)) = found else {
                return Err(StoreError::NotFound(format!("emergency {id}")));
            };
            if taken_at.is_some() {
                return Err(StoreError::Invalid(format!(
                    "this emergency was taken already by {}",
                    taker.unwrap_or_default()
                )));
            }
            tx.execute(
                "UPDATE emergencies SET taken_by = ?2, taken_at = ?3 WHERE id = ?1",
                params![id, by, time::ts(now)],
            )?;
            audit(
                tx,
                now,
                Some(by),
                "emergency_taken",
                Some(tenant),
                &format!("emergency {id}"),
            )
        })
    }
}
