//! What a file holds, in a few figures: what a restored copy is checked against.

use chrono::{DateTime, Utc};

use super::{Result, Store, time};

/// The counts and the newest instant written in a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contents {
    pub tenants: i64,
    pub calls: i64,
    /// Claims not released: on a restored file they end with their lease.
    pub open_claims: i64,
    /// The newest call saved, claim taken or audited action: the time the file reflects.
    pub last_write: Option<DateTime<Utc>>,
}

impl Store {
    pub fn contents(&self) -> Result<Contents> {
        let conn = self.read();
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        // Each through an index: the newest row of each.
        let last_write: Option<String> = conn.query_row(
            "SELECT max(at) FROM (
                 SELECT max(ended_at) AS at FROM calls
                 UNION ALL SELECT claimed_at FROM claims WHERE id = (SELECT max(id) FROM claims)
                 UNION ALL SELECT max(at) FROM audit_log)",
            [],
            |r| r.get(0),
        )?;
        Ok(Contents {
            tenants: count("SELECT count(*) FROM tenants")?,
            calls: count("SELECT count(*) FROM calls")?,
            open_claims: count("SELECT count(*) FROM claims WHERE released_at IS NULL")?,
            last_write: time::opt_ts(last_write)?,
        })
    }
}
