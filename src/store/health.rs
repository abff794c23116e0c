//! Health details typed in past calls: shown to an operator only while they call the
//! tenant (and to coordinators), and every read is written in the audit log.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::shifts::audit;
use super::{Result, Store, rows, time};
use crate::domain::NeedCategory;

/// A need found in a past call, with its details.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PastNeed {
    pub at: DateTime<Utc>,
    pub category: NeedCategory,
    pub details: String,
    pub operator: String,
}

impl Store {
    /// The needs recorded for `tenant` (newest first, at most `limit`), read by `reader`:
    /// the read itself is audited, in the same transaction.
    pub fn read_needs(
        &mut self,
        tenant: i64,
        reader: Option<i64>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<PastNeed>> {
        self.write(|tx| {
            let needs = rows(
                tx,
                "SELECT c.ended_at, n.category, substr(n.details, 1, 2000), o.name FROM needs n
                 JOIN calls c ON c.id = n.call_id JOIN operators o ON o.id = c.operator_id
                 WHERE n.tenant_id = ?1 ORDER BY c.ended_at DESC, n.id LIMIT ?2",
                params![tenant, limit as i64],
                |r| {
                    Ok(PastNeed {
                        at: time::req_ts(r.get(0)?)?,
                        category: NeedCategory::from_code(&r.get::<_, String>(1)?)
                            .unwrap_or(NeedCategory::Other),
                        details: r.get(2)?,
                        operator: r.get(3)?,
                    })
                },
            )?;
            audit(tx, now, reader, "health_details_read", Some(tenant), "")?;
            Ok(needs)
        })
    }
}
