//! The tenant search index, read from the database.

use super::{Result, Store, StoreError};
use crate::domain::search::{SearchRow, TenantIndex};

impl Store {
    /// The search index of every tenant still followed (not moved, not deceased). Rows
    /// are streamed into the index by id (the table's own order: no sort, no index
    /// lookups), never held all at once.
    pub fn search_index(&self) -> Result<TenantIndex> {
        let mut stmt = self.read().prepare(
            "SELECT id, coalesce(external_ref, ''), last_name, first_name, phone, phone_alt, address, postcode, city
             FROM tenants WHERE status NOT IN ('moved', 'deceased') ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut index = TenantIndex::empty();
        while let Some(r) = rows.next()? {
            index
                .push(&SearchRow {
                    tenant_id: r.get(0)?,
                    reference: r.get(1)?,
                    last_name: r.get(2)?,
                    first_name: r.get(3)?,
                    phones: [r.get::<_, Option<String>>(4)?, r.get(5)?]
                        .into_iter()
                        .flatten()
                        .collect(),
                    address: r.get(6)?,
                    postcode: r.get(7)?,
                    city: r.get(8)?,
                })
                .map_err(|e| StoreError::Other(e.to_string()))?;
        }
        index.ready();
        Ok(index)
    }
}
