//! Program-wide settings shared by all operator processes through the database.

use chrono::Duration;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError};
use crate::domain::{CallingHours, Rules};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .read()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

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

    /// The queue and scheduling rules in force, defaults where nothing is set.
    pub fn rules(&self) -> Result<Rules> {
        let mut rules = Rules::default();
        let bad =
            |key: &str, v: &str| StoreError::Invalid(format!("setting {key} = '{v}' is not valid"));
        let minutes = |key: &str, v: &str| {
            v.parse::<i64>()
                .ok()
                .filter(|m| *m > 0)
                .map(Duration::minutes)
                .ok_or_else(|| bad(key, v))
        };
        for (key, value) in super::rows(self.read(), "SELECT key, value FROM settings", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            match key.as_str() {
                "timezone" => rules.tz = value.parse().map_err(|_| bad(&key, &value))?,
                "calling_hours" => {
                    rules.hours = CallingHours::parse(&value).map_err(|_| bad(&key, &value))?
                }
                "lease_minutes" => rules.lease = minutes(&key, &value)?,
                "retry_minutes" => rules.retry_after = minutes(&key, &value)?,
                "callback_grace_minutes" => rules.callback_grace = minutes(&key, &value)?,
                "max_attempts_per_day" => {
                    rules.max_attempts_per_day = value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| bad(&key, &value))?
                }
                _ => {}
            }
        }
        Ok(rules)
    }

    /// Whether this database was made by `veille demo` (and so may be replaced by it).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.setting("demo")?.as_deref() == Some("1"))
    }
}
