//! Program-wide settings shared by all operator processes through the database.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError};
use crate::domain::Rules;

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .read()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a setting without an audit row: for the demo and the tests' set-up. A
    /// person's change goes through `change_setting`.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    /// A coordinator's change of a setting, in the audit log with the old and new values.
    pub fn change_setting(
        &mut self,
        key: &str,
        value: &str,
        by: Option<i64>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let old: Option<String> = tx
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            let details = format!("{key}: {} → {value}", old.as_deref().unwrap_or("(default)"));
            super::shifts::audit(tx, now, by, "setting_changed", None, &details)
        })
    }

    /// The queue and scheduling rules in force, defaults where nothing is set.
    pub fn rules(&self) -> Result<Rules> {
        let mut rules = Rules::default();
        let settings = super::rows(self.read(), "SELECT key, value FROM settings", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for (key, value) in settings {
            rules.apply(&key, &value).map_err(StoreError::Invalid)?;
        }
        Ok(rules)
    }

    /// Whether this database was made by `veille demo` (and so may be replaced by it).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.setting("demo")?.as_deref() == Some("1"))
    }
}
