//! Independent checks over the file after many processes worked on it.

use super::{Result, Store, rows};

/// What the file says about the work done on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// Pairs of claims on the same tenant that overlapped in time: (tenant, claim, next claim).
    pub overlapping_claims: Vec<(i64, i64, i64)>,
    /// Claims under which more than one call was saved.
    pub claims_with_several_calls: Vec<i64>,
    /// Acknowledged save identifiers missing from the calls table.
    pub missing_saves: Vec<String>,
    pub integrity: String,
}

impl Verification {
    pub fn is_clean(&self) -> bool {
        self.overlapping_claims.is_empty()
            && self.claims_with_several_calls.is_empty()
            && self.missing_saves.is_empty()
            && self.integrity == "ok"
    }
}

impl Store {
    /// Checks that no tenant was held by two operators at once, that no claim carries two
    /// calls, and that every save in `acknowledged` is in the file.
    pub fn verify(&self, acknowledged: &[String]) -> Result<Verification> {
        let conn = self.read();
        let overlapping_claims = rows(
            conn,
            "SELECT tenant_id, prev_id, id FROM (
                 SELECT tenant_id, id, claimed_at,
                        lag(id) OVER w AS prev_id,
                        lag(coalesce(released_at, expires_at)) OVER w AS prev_end
                 FROM claims WINDOW w AS (PARTITION BY tenant_id ORDER BY claimed_at, id))
             WHERE prev_id IS NOT NULL AND claimed_at < prev_end",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let claims_with_several_calls = rows(
            conn,
            "SELECT claim_id FROM calls WHERE claim_id IS NOT NULL GROUP BY claim_id HAVING count(*) > 1",
            [],
            |r| r.get(0),
        )?;
        let mut stmt =
            conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM calls WHERE save_id = ?1)")?;
        let mut missing_saves = Vec::new();
        for id in acknowledged {
            let found: bool = stmt.query_row([id], |r| r.get(0))?;
            if !found {
                missing_saves.push(id.clone());
            }
        }
        let integrity: Vec<String> = rows(conn, "PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(Verification {
            overlapping_claims,
            claims_with_several_calls,
            missing_saves,
            integrity: integrity.join("; "),
        })
    }
}
