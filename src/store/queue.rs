//! The queue and the claim: who is due, and the lease an operator holds while calling.
//!
//! Candidates are fetched here; their order is decided by `domain::queue::order`.
//! Claiming happens inside one IMMEDIATE transaction, and the unique index
//! `claims_one_open` makes a double claim impossible even if that were ever wrong.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store, StoreError, rows, tenants, time};
use crate::domain::{Rules, queue};

/// An operator's hold on a tenant while calling. `id` is the claim's sequence number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claim {
    pub id: i64,
    pub tenant_id: i64,
    pub operator_id: i64,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// One line of the queue as an operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub tenant: tenants::Tenant,
    pub open_referrals: i64,
    pub open_interventions: i64,
}

/// Tenants per cohort fetched as candidates; more than any screen shows.
const CANDIDATES_PER_COHORT: i64 = 200;

/// The conditions that put a tenant in the queue at `?1` (now) on local day `?2`. The
/// first line repeats the condition of the partial index `tenants_queue` word for word:
/// SQLite only uses a partial index when the query states its condition.
const IN_QUEUE: &str = "t.due_at IS NOT NULL AND t.status IN ('active', 'paused', 'hospitalised')
    AND t.due_at <= ?1
    AND (t.status = 'active'
         OR (t.status IN ('paused', 'hospitalised') AND (t.paused_until IS NULL OR t.paused_until <= ?2)))
    AND t.objection_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM claims k
                    WHERE k.tenant_id = t.id AND k.released_at IS NULL AND k.expires_at > ?1)";

fn candidates(
    conn: &Connection,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<queue::Candidate>> {
    let now_s = time::ts(now);
    let today_s = time::day(today);
    let map = |r: &rusqlite::Row| {
        Ok(queue::Candidate {
            tenant_id: r.get(0)?,
            due_at: time::req_ts(r.get(1)?)?,
            cohort_priority: r.get(2)?,
            callback_at: time::opt_ts(r.get(3)?)?,
            callback_operator: r.get(4)?,
        })
    };
    let mut out = rows(
        conn,
        &format!(
            "SELECT t.id, t.due_at, c.priority, t.callback_at, t.callback_operator_id
             FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
             WHERE t.callback_at IS NOT NULL AND c.active = 1 AND c.starts_on <= ?2 AND {IN_QUEUE}"
        ),
        params![now_s, today_s],
        map,
    )?;
    // Cohorts in priority order; each one read through the tenants_queue index, most
    // overdue first, so the cost does not grow with the number of tenants.
    let cohorts: Vec<i64> = rows(
        conn,
        "SELECT id FROM cohorts WHERE active = 1 AND starts_on <= ?1 ORDER BY priority, id",
        [&today_s],
        |r| r.get(0),
    )?;
    for cohort in cohorts {
        out.extend(rows(
            conn,
            &format!(
                "SELECT t.id, t.due_at, c.priority, t.callback_at, t.callback_operator_id
                 FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
                 WHERE t.cohort_id = ?3 AND t.callback_at IS NULL AND {IN_QUEUE}
                 ORDER BY t.due_at LIMIT ?4"
            ),
            params![now_s, today_s, cohort, CANDIDATES_PER_COHORT],
            map,
        )?);
    }
    Ok(out)
}

fn ordered(
    conn: &Connection,
    operator: i64,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<Vec<queue::Candidate>> {
    if !rules.hours.is_open(now, rules.tz) {
        return Ok(Vec::new());
    }
    let c = candidates(conn, now, rules.local_date(now))?;
    Ok(queue::order(c, operator, now, rules.callback_grace))
}

impl Store {
    /// The first `limit` tenants `operator` would be offered at `now`, without claiming.
    pub fn queue(
        &self,
        operator: i64,
        now: DateTime<Utc>,
        rules: &Rules,
        limit: usize,
    ) -> Result<Vec<QueueEntry>> {
        let order = ordered(self.read(), operator, now, rules)?;
        order
            .into_iter()
            .take(limit)
            .map(|c| {
                let tenant = self.tenant(c.tenant_id)?;
                let (open_referrals, open_interventions) = self.read().query_row(
                    "SELECT (SELECT count(*) FROM referrals WHERE tenant_id = ?1
                               AND status IN ('proposed', 'sent', 'in_progress')),
                            (SELECT count(*) FROM interventions WHERE tenant_id = ?1
                               AND status IN ('requested', 'assigned'))",
                    [c.tenant_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok(QueueEntry {
                    tenant,
                    open_referrals,
                    open_interventions,
                })
            })
            .collect()
    }

    /// How many tenants are due now (for an empty or short queue's explanation).
    pub fn next_due_at(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let next: Option<String> = self.read().query_row(
            "SELECT min(t.due_at) FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
             WHERE c.active = 1 AND t.due_at IS NOT NULL AND t.status IN ('active', 'paused', 'hospitalised')
               AND t.due_at > ?1 AND t.status = 'active' AND t.objection_at IS NULL",
            [time::ts(now)],
            |r| r.get(0),
        )?;
        time::opt_ts(next).map_err(StoreError::from)
    }

    /// Claims the first tenant of `operator`'s queue. `None` when nobody is due.
    pub fn claim_next(
        &mut self,
        operator: i64,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> Result<Option<Claim>> {
        self.write(|tx| {
            let first = ordered(tx, operator, now, rules)?.into_iter().next();
            match first {
                Some(c) => insert_claim(tx, c.tenant_id, operator, now, rules).map(Some),
                None => Ok(None),
            }
        })
    }

    /// Claims one chosen tenant (picked in the queue or found by search). Refused when
    /// a colleague holds them; an operator's own open claim is renewed.
    pub fn claim_tenant(
        &mut self,
        operator: i64,
        tenant: i64,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> Result<Claim> {
        self.write(|tx| {
            let holder: Option<(i64, i64, String)> = tx
                .query_row(
                    "SELECT k.id, k.operator_id, o.name FROM claims k JOIN operators o ON o.id = k.operator_id
                     WHERE k.tenant_id = ?1 AND k.released_at IS NULL AND k.expires_at > ?2",
                    params![tenant, time::ts(now)],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            match holder {
                Some((id, op, _)) if op == operator => {
                    let expires = now + rules.lease;
                    tx.execute("UPDATE claims SET expires_at = ?2 WHERE id = ?1", params![id, time::ts(expires)])?;
                    Ok(Claim { id, tenant_id: tenant, operator_id: operator, claimed_at: now, expires_at: expires })
                }
                Some((_, _, name)) => Err(StoreError::HeldBy(name)),
                None => insert_claim(tx, tenant, operator, now, rules),
            }
        })
    }

    /// Extends a claim while its holder is still calling. `ClaimLost` if another
    /// operator has claimed the tenant since.
    pub fn renew_claim(
        &mut self,
        claim: &Claim,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> Result<Claim> {
        let expires = now + rules.lease;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE claims SET expires_at = ?2 WHERE id = ?1 AND released_at IS NULL",
                params![claim.id, time::ts(expires)],
            )?;
            if n == 0 {
                return Err(StoreError::ClaimLost);
            }
            Ok(Claim {
                expires_at: expires,
                ..claim.clone()
            })
        })
    }

    /// Gives a tenant back without saving a call (the operator left the call).
    pub fn release_claim(&mut self, claim: &Claim, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE claims SET released_at = ?2, release_reason = 'abandoned'
                 WHERE id = ?1 AND released_at IS NULL",
                params![claim.id, time::ts(now)],
            )?;
            Ok(())
        })
    }

    /// The claims an operator still holds (unreleased, not expired).
    pub fn open_claims(&self, operator: i64, now: DateTime<Utc>) -> Result<Vec<Claim>> {
        rows(
            self.read(),
            "SELECT id, tenant_id, operator_id, claimed_at, expires_at FROM claims
             WHERE operator_id = ?1 AND released_at IS NULL AND expires_at > ?2 ORDER BY id",
            params![operator, time::ts(now)],
            claim_from_row,
        )
    }
}

fn claim_from_row(r: &rusqlite::Row) -> rusqlite::Result<Claim> {
    Ok(Claim {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        operator_id: r.get(2)?,
        claimed_at: time::req_ts(r.get(3)?)?,
        expires_at: time::req_ts(r.get(4)?)?,
    })
}

/// Records a new claim, first closing an expired one left by a crashed terminal.
fn insert_claim(
    tx: &Connection,
    tenant: i64,
    operator: i64,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<Claim> {
    tx.execute(
        "UPDATE claims SET released_at = expires_at, release_reason = 'expired'
         WHERE tenant_id = ?1 AND released_at IS NULL AND expires_at <= ?2",
        params![tenant, time::ts(now)],
    )?;
    let expires = now + rules.lease;
    tx.execute(
        "INSERT INTO claims (tenant_id, operator_id, claimed_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![tenant, operator, time::ts(now), time::ts(expires)],
    )?;
    Ok(Claim {
        id: tx.last_insert_rowid(),
        tenant_id: tenant,
        operator_id: operator,
        claimed_at: now,
        expires_at: expires,
    })
}
