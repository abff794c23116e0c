//! How instants and dates are written in the database: fixed-width UTC text, so that
//! text order is time order and any SQLite tool can read it.

use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;

pub fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn parse_ts(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Other(format!("bad time '{text}' in the database")))
}

pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_day(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Other(format!("bad date '{text}' in the database")))
}

/// Reads an optional timestamp column inside a row mapper.
pub(crate) fn opt_ts(v: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    v.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
    })
    .transpose()
}

pub(crate) fn req_ts(v: String) -> rusqlite::Result<DateTime<Utc>> {
    opt_ts(Some(v)).map(std::option::Option::unwrap_or_default)
}

pub(crate) fn opt_day(v: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    v.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}
