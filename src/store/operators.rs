//! Operators and coordinators.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, StoreError, rows, time::ts};
use crate::domain::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperator {
    pub login: String,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<String>,
}

const COLUMNS: &str = "id, login, name, organisation, role, active";

fn from_row(r: &Row) -> rusqlite::Result<Operator> {
    Ok(Operator {
        id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        organisation: r.get(3)?,
        role: Role::from_code(&r.get::<_, String>(4)?).unwrap_or(Role::Operator),
        active: r.get(5)?,
    })
}

impl Store {
    /// Active operators, by name.
    pub fn operators(&self) -> Result<Vec<Operator>> {
        rows(
            self.read(),
            &format!("SELECT {COLUMNS} FROM operators WHERE active = 1 ORDER BY name"),
            [],
            from_row,
        )
    }

    /// Finds an operator by login or by numeric id.
    pub fn operator(&self, login_or_id: &str) -> Result<Operator> {
        let found = self
            .read()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM operators WHERE login = ?1 COLLATE NOCASE
                     OR CAST(id AS TEXT) = ?1"
                ),
                [login_or_id.trim()],
                from_row,
            )
            .optional()?;
        found.ok_or_else(|| {
            StoreError::NotFound(format!(
                "no operator '{login_or_id}' (see the list with `veille operators`)"
            ))
        })
    }

    /// Adds operators, or updates them by login. Returns (added, updated).
    pub fn upsert_operators(
        &mut self,
        list: &[NewOperator],
        now: DateTime<Utc>,
    ) -> Result<(usize, usize)> {
        self.write(|tx| {
            let (mut added, mut updated) = (0, 0);
            for op in list {
                let exists: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM operators WHERE login = ?1 COLLATE NOCASE",
                        [&op.login],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(id) = exists {
                    tx.execute(
                        "UPDATE operators SET name = ?2, organisation = ?3, role = ?4,
                         phone = ?5, email = ?6, active = 1 WHERE id = ?1",
                        params![id, op.name, op.organisation, op.role.code(), op.phone, op.email],
                    )?;
                    updated += 1;
                } else {
                    tx.execute(
                        "INSERT INTO operators (login, name, organisation, role, phone, email, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![op.login, op.name, op.organisation, op.role.code(), op.phone, op.email, ts(now)],
                    )?;
                    added += 1;
                }
            }
            Ok((added, updated))
        })
    }
}
