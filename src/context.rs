//! What every command and the operator screens need: the database path, the clock, the
//! language. It sits apart from `commands` and `tui` so that each can use it without the
//! other.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::cli::Global;
use crate::clock::Clock;
use crate::store::Store;

/// The database path, the clock and the language a run works with.
#[derive(Debug, Clone)]
pub struct Context {
    pub db: PathBuf,
    pub clock: Clock,
    pub lang: Option<String>,
}

impl Context {
    pub fn from_cli(global: &Global) -> Result<Context> {
        let clock = match &global.now {
            Some(text) => {
                let start = chrono::DateTime::parse_from_rfc3339(text).with_context(|| {
                    format!("--now '{text}' is not a time like 2026-11-28T09:00:00Z")
                })?;
                Clock::starting_at(start.with_timezone(&chrono::Utc))
            }
            None => Clock::system(),
        };
        Ok(Context {
            db: global
                .db
                .clone()
                .unwrap_or_else(crate::config::default_db_path),
            clock,
            lang: global.lang.clone(),
        })
    }

    /// Opens (creating or upgrading) the database.
    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.db)?)
    }
}
