//! The rows the tenant search index is built from.

use super::{Result, Store, rows};
use crate::domain::search::SearchRow;

impl Store {
    /// Every tenant still followed (not moved, not deceased), by name, for the search index.
    pub fn search_rows(&self) -> Result<Vec<SearchRow>> {
        rows(
            self.read(),
            "SELECT id, coalesce(external_ref, ''), last_name, first_name, phone, phone_alt, address, postcode, city
             FROM tenants WHERE status NOT IN ('moved', 'deceased') ORDER BY last_name, first_name, id",
            [],
            |r| {
                Ok(SearchRow {
                    tenant_id: r.get(0)?,
                    reference: r.get(1)?,
                    last_name: r.get(2)?,
                    first_name: r.get(3)?,
                    phones: [r.get::<_, Option<String>>(4)?, r.get(5)?].into_iter().flatten().collect(),
                    address: r.get(6)?,
                    postcode: r.get(7)?,
                    city: r.get(8)?,
                })
            },
        )
    }
}
