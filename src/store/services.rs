//! The catalogue of services a tenant can be oriented to.

use rusqlite::{Transaction, params};
use serde::Deserialize;

use super::{Result, Store, StoreError, rows};
use crate::domain::NeedCategory;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: i64,
    pub code: String,
    pub category: NeedCategory,
    pub name_fr: String,
    pub name_en: String,
}

impl Service {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.name_en
        } else {
            &self.name_fr
        }
    }
}

#[derive(Deserialize)]
struct Catalogue {
    service: Vec<CatalogueEntry>,
}

#[derive(Deserialize)]
struct CatalogueEntry {
    code: String,
    category: NeedCategory,
    name_fr: String,
    name_en: String,
}

const CATALOGUE: &str = include_str!("../../assets/services.toml");

/// Fills the catalogue of a new database from `assets/services.toml`.
pub(super) fn seed_catalogue(tx: &Transaction) -> Result<()> {
    let catalogue: Catalogue = toml::from_str(CATALOGUE)
        .map_err(|e| StoreError::Other(format!("assets/services.toml: {e}")))?;
    for s in catalogue.service {
        tx.execute(
            "INSERT OR IGNORE INTO services (code, category, name_fr, name_en) VALUES (?1, ?2, ?3, ?4)",
            params![s.code, s.category.code(), s.name_fr, s.name_en],
        )?;
    }
    Ok(())
}

impl Store {
    /// Active services, by category then French name.
    pub fn services(&self) -> Result<Vec<Service>> {
        rows(
            self.read(),
            "SELECT id, code, category, name_fr, name_en FROM services WHERE active = 1
             ORDER BY category, name_fr",
            [],
            |r| {
                Ok(Service {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    category: NeedCategory::from_code(&r.get::<_, String>(2)?)
                        .unwrap_or(NeedCategory::Other),
                    name_fr: r.get(3)?,
                    name_en: r.get(4)?,
                })
            },
        )
    }
}
