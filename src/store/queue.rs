//! The queue and the claim: who is due, and the lease an operator holds while calling.
//!
//! Candidates are fetched here; their order is decided by `domain::queue::order`.
//! Claiming happens inside one IMMEDIATE transaction, and the unique index
//! `claims_one_open` makes a double claim impossible even if that were ever wrong.

use std::collections::HashSet;

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

/// Tenants per cohort read before a claim: more than the operators who may take the
/// same first ones in the moment between reading and claiming.
const CLAIM_CANDIDATES_PER_COHORT: i64 = 64;

/// The conditions that put a tenant in the queue at `?1` (now) on local day `?2`. The
/// first two lines repeat the condition of the partial index `tenants_queue` word for word:
/// SQLite only uses a partial index when the query states its condition.
pub(super) const IN_QUEUE: &str = "t.due_at IS NOT NULL
    AND (t.status = 'active' OR t.status = 'paused' OR t.status = 'hospitalised')
    AND t.due_at <= ?1
    AND (t.status = 'active'
         OR (t.status IN ('paused', 'hospitalised') AND (t.paused_until IS NULL OR t.paused_until <= ?2)))
    AND t.objection_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM claims k
                    WHERE k.tenant_id = t.id AND k.released_at IS NULL AND k.expires_at > ?1)";

fn candidate_from_row(r: &rusqlite::Row) -> rusqlite::Result<queue::Candidate> {
    Ok(queue::Candidate {
        tenant_id: r.get(0)?,
        due_at: time::req_ts(r.get(1)?)?,
        cohort_priority: r.get(2)?,
        callback_at: time::opt_ts(r.get(3)?)?,
        callback_operator: r.get(4)?,
    })
}

/// Due callbacks, whoever promised them: `?1` now, `?2` today.
fn callbacks_sql() -> String {
    format!(
        "SELECT t.id, t.due_at, c.priority, t.callback_at, t.callback_operator_id
         FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
         WHERE t.callback_at IS NOT NULL AND c.active = 1 AND c.starts_on <= ?2 AND {IN_QUEUE}"
    )
}

/// The `?4` most overdue tenants of cohort `?3` who are not waiting for a callback.
fn due_in_cohort_sql() -> String {
    format!(
        "SELECT t.id, t.due_at, c.priority, t.callback_at, t.callback_operator_id
         FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
         WHERE t.cohort_id = ?3 AND t.callback_at IS NULL AND {IN_QUEUE}
         ORDER BY t.due_at LIMIT ?4"
    )
}

/// Every due callback, and enough due tenants for the first `per_cohort` places of the
/// queue: up to `per_cohort` from each cohort, reading cohorts in priority order and
/// stopping once a priority level has filled those places, since tenants of a lower
/// priority are only ever offered after all of them.
fn candidates(
    conn: &Connection,
    now: DateTime<Utc>,
    today: NaiveDate,
    per_cohort: i64,
) -> Result<Vec<queue::Candidate>> {
    let now_s = time::ts(now);
    let today_s = time::day(today);
    let map = candidate_from_row;
    let mut out = rows(conn, &callbacks_sql(), params![now_s, today_s], map)?;
    // Each cohort is read through the tenants_queue index, most overdue first, so the
    // cost does not grow with the number of tenants.
    let cohorts: Vec<(i64, i64)> = rows(
        conn,
        "SELECT id, priority FROM cohorts WHERE active = 1 AND starts_on <= ?1 ORDER BY priority, id",
        [&today_s],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut due = 0;
    let mut level = None;
    for (cohort, priority) in cohorts {
        if level != Some(priority) && due >= per_cohort {
            break;
        }
        level = Some(priority);
        let read = rows(
            conn,
            &due_in_cohort_sql(),
            params![now_s, today_s, cohort, per_cohort],
            map,
        )?;
        due += read.len() as i64;
        out.extend(read);
    }
    Ok(out)
}

fn ordered(
    conn: &Connection,
    operator: i64,
    now: DateTime<Utc>,
    rules: &Rules,
    per_cohort: i64,
) -> Result<Vec<queue::Candidate>> {
    if !rules.hours.is_open(now, rules.tz) {
        return Ok(Vec::new());
    }
    let c = candidates(conn, now, rules.local_date(now), per_cohort)?;
    Ok(queue::order(c, operator, now, rules.callback_grace))
}

/// The queue as read before a claim takes the lock.
struct QueueRead {
    /// The newest claim when it was read.
    claims_seen: i64,
    order: Vec<queue::Candidate>,
}

/// Tenants claimed after claim `seen`.
fn claimed_since(conn: &Connection, seen: i64) -> Result<HashSet<i64>> {
    let mut stmt = conn.prepare_cached("SELECT tenant_id FROM claims WHERE id > ?1")?;
    let taken = stmt
        .query_map([seen], |r| r.get(0))?
        .collect::<rusqlite::Result<HashSet<i64>>>()?;
    Ok(taken)
}

/// Whether `c`, read from the queue a moment ago, is still in it exactly as read: not
/// claimed meanwhile, nor called, nor changed in a way that could move it in the order.
fn still_as_read(
    conn: &Connection,
    c: &queue::Candidate,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<bool> {
    let now_s = time::ts(now);
    let today_s = time::day(today);
    let current = conn
        .prepare_cached(&format!(
            "SELECT t.id, t.due_at, c.priority, t.callback_at, t.callback_operator_id
             FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
             WHERE t.id = ?3 AND c.active = 1 AND c.starts_on <= ?2 AND {IN_QUEUE}"
        ))?
        .query_row(params![now_s, today_s, c.tenant_id], candidate_from_row)
        .optional()?;
    Ok(current.as_ref() == Some(c))
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
        let per_cohort = i64::try_from(limit).unwrap_or(i64::MAX).max(1);
        // One snapshot for the order and the lines (see `claim_next`).
        let snapshot = self.read().unchecked_transaction()?;
        let order = ordered(&snapshot, operator, now, rules, per_cohort)?;
        let entries = order
            .into_iter()
            .take(limit)
            .map(|c| {
                let tenant = self.tenant(c.tenant_id)?;
                let (open_referrals, open_interventions) = self
                    .read()
                    .prepare_cached(
                        // Codes joined by OR: a list of three is built into a
                        // temporary table at each run (see docs/SCHEMA.md, v9).
                        "SELECT (SELECT count(*) FROM referrals WHERE tenant_id = ?1
                               AND (status = 'proposed' OR status = 'sent'
                                    OR status = 'in_progress')),
                            (SELECT count(*) FROM interventions WHERE tenant_id = ?1
                               AND (status = 'requested' OR status = 'assigned'))",
                    )?
                    .query_row([c.tenant_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(QueueEntry {
                    tenant,
                    open_referrals,
                    open_interventions,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        snapshot.finish()?;
        Ok(entries)
    }

    /// How many tenants are due now (for an empty or short queue's explanation).
    pub fn next_due_at(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let next: Option<String> = self
            .read()
            .prepare_cached(
                "SELECT min(t.due_at) FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
             WHERE c.active = 1 AND t.due_at IS NOT NULL
               AND (t.status = 'active' OR t.status = 'paused' OR t.status = 'hospitalised')
               AND t.due_at > ?1 AND t.status = 'active' AND t.objection_at IS NULL",
            )?
            .query_row([time::ts(now)], |r| r.get(0))?;
        time::opt_ts(next).map_err(StoreError::from)
    }

    /// Claims the first tenant of `operator`'s queue. `None` when nobody is due.
    pub fn claim_next(
        &mut self,
        operator: i64,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> Result<Option<Claim>> {
        // The queue is read before taking the write lock, which is then held only to
        // check that the first tenant is still free and to record the claim: the lock
        // is every operator's bottleneck, and reading the queue is most of a claim's work.
        // The read is one transaction: the newest claim and the order come from the same
        // snapshot, and the pages colleagues changed are read again once rather than at
        // each statement (SQLite drops them whenever a read begins after another
        // process's write).
        let snapshot = self.read().unchecked_transaction()?;
        let read = QueueRead {
            claims_seen: snapshot
                .prepare_cached("SELECT coalesce(max(id), 0) FROM claims")?
                .query_row([], |r| r.get(0))?,
            order: ordered(&snapshot, operator, now, rules, CLAIM_CANDIDATES_PER_COHORT)?,
        };
        snapshot.finish()?;
        let claim = self.write(|tx| claim_from(tx, &read, operator, now, rules))?;
        if let Some(c) = &claim {
            self.took(c.id);
        }
        Ok(claim)
    }

    /// Remembers a claim this terminal holds, to release it when its shift ends.
    fn took(&mut self, claim: i64) {
        if !self.claims_taken.contains(&claim) {
            self.claims_taken.push(claim);
        }
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
        let claim = self.write(|tx| {
            let holder: Option<(i64, i64, String)> = tx
                .prepare_cached(
                    "SELECT k.id, k.operator_id, o.name
                     FROM claims k JOIN operators o ON o.id = k.operator_id
                     WHERE k.tenant_id = ?1 AND k.released_at IS NULL AND k.expires_at > ?2",
                )?
                .query_row(params![tenant, time::ts(now)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            match holder {
                Some((id, op, _)) if op == operator => {
                    let expires = now + rules.lease;
                    tx.prepare_cached("UPDATE claims SET expires_at = ?2 WHERE id = ?1")?
                        .execute(params![id, time::ts(expires)])?;
                    Ok(Claim {
                        id,
                        tenant_id: tenant,
                        operator_id: operator,
                        claimed_at: now,
                        expires_at: expires,
                    })
                }
                Some((_, _, name)) => Err(StoreError::HeldBy(name)),
                None => insert_claim(tx, tenant, operator, now, rules),
            }
        })?;
        self.took(claim.id);
        Ok(claim)
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
        let renewed = self.write(|tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE claims SET expires_at = ?2
                 WHERE id = ?1 AND tenant_id = ?3 AND operator_id = ?4 AND released_at IS NULL",
                )?
                .execute(params![
                    claim.id,
                    time::ts(expires),
                    claim.tenant_id,
                    claim.operator_id
                ])?;
            if n == 0 {
                return Err(StoreError::ClaimLost);
            }
            Ok(Claim {
                expires_at: expires,
                ..claim.clone()
            })
        })?;
        // A claim kept in a draft from before a crash is this terminal's from now on.
        self.took(renewed.id);
        Ok(renewed)
    }

    /// Gives a tenant back without saving a call (the operator left the call).
    pub fn release_claim(&mut self, claim: &Claim, now: DateTime<Utc>) -> Result<()> {
        // The tenant and operator are checked too: a claim id kept in a draft may
        // have been given to someone else if a power cut lost the claim.
        self.write(|tx| {
            tx.prepare_cached(
                "UPDATE claims SET released_at = ?2, release_reason = 'abandoned'
                 WHERE id = ?1 AND tenant_id = ?3 AND operator_id = ?4 AND released_at IS NULL",
            )?
            .execute(params![
                claim.id,
                time::ts(now),
                claim.tenant_id,
                claim.operator_id
            ])?;
            Ok(())
        })
    }

    /// The claims an operator still holds (unreleased, not expired).
    pub fn open_claims(&self, operator: i64, now: DateTime<Utc>) -> Result<Vec<Claim>> {
        rows(
            self.read(),
            // Among all open claims: one per tenant being called (schema v11).
            "SELECT id, tenant_id, operator_id, claimed_at, expires_at
             FROM claims INDEXED BY claims_one_open
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

/// Claims, holding the write lock, the first tenant of `read` still free and as read.
fn claim_from(
    tx: &Connection,
    read: &QueueRead,
    operator: i64,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<Option<Claim>> {
    let today = rules.local_date(now);
    // Colleagues claiming at the same moment read the same first tenants: those they
    // took since our read are skipped at the cost of one short read, rather than
    // checked one by one while everyone waits for the lock.
    let taken = claimed_since(tx, read.claims_seen)?;
    for c in read.order.iter().filter(|c| !taken.contains(&c.tenant_id)) {
        if still_as_read(tx, c, now, today)? {
            return insert_claim(tx, c.tenant_id, operator, now, rules).map(Some);
        }
    }
    // Colleagues took every tenant read: read the queue's head again under the lock,
    // where nobody can take it meanwhile. Only the first is needed (ties on the due
    // time go in index order), and this path is where most claims end when many
    // colleagues claim at once.
    let first = ordered(tx, operator, now, rules, 1)?.into_iter().next();
    match first {
        Some(c) => insert_claim(tx, c.tenant_id, operator, now, rules).map(Some),
        None => Ok(None),
    }
}

/// Records a new claim, first closing an expired one left by a crashed terminal.
fn insert_claim(
    tx: &Connection,
    tenant: i64,
    operator: i64,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Result<Claim> {
    tx.prepare_cached(
        "UPDATE claims SET released_at = expires_at, release_reason = 'expired'
         WHERE tenant_id = ?1 AND released_at IS NULL AND expires_at <= ?2",
    )?
    .execute(params![tenant, time::ts(now)])?;
    let expires = now + rules.lease;
    tx.prepare_cached(
        "INSERT INTO claims (tenant_id, operator_id, claimed_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![tenant, operator, time::ts(now), time::ts(expires)])?;
    Ok(Claim {
        id: tx.last_insert_rowid(),
        tenant_id: tenant,
        operator_id: operator,
        claimed_at: now,
        expires_at: expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan of `sql`, one line per step.
    fn plan(store: &Store, sql: &str, params: impl rusqlite::Params) -> String {
        let mut stmt = store
            .read()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let lines: Vec<String> = stmt
            .query_map(params, |r| r.get::<_, String>(3))
            .unwrap()
            .map(|l| l.unwrap())
            .collect();
        lines.join("\n")
    }

    #[test]
    fn the_queue_is_read_from_its_partial_indexes_alone_whatever_the_values() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("veille.db")).unwrap();
        let p = plan(
            &store,
            &due_in_cohort_sql(),
            params!["2026-12-01T10:00:00Z", "2026-12-01", 1, 64],
        );
        assert!(p.contains("USING COVERING INDEX tenants_queue"), "{p}");
        let p = plan(
            &store,
            &callbacks_sql(),
            params!["2026-12-01T10:00:00Z", "2026-12-01"],
        );
        assert!(
            p.contains("USING COVERING INDEX tenants_callbacks_due"),
            "{p}"
        );
        let one = format!("SELECT t.id FROM tenants t WHERE t.id = ?3 AND {IN_QUEUE}");
        let p = plan(
            &store,
            &one,
            params!["2026-12-01T10:00:00Z", "2026-12-01", 1],
        );
        assert!(p.contains("INTEGER PRIMARY KEY"), "{p}");
    }
}
