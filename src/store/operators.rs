//! Operators and coordinators.

use crate::tr;
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
    /// The Unix account this person logs in with: veille acts as them only there.
    pub unix_account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperator {
    pub login: String,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub unix_account: Option<String>,
}

const COLUMNS: &str = "id, login, name, organisation, role, active, unix_account";

fn from_row(r: &Row) -> rusqlite::Result<Operator> {
    Ok(Operator {
        id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        organisation: r.get(3)?,
        role: Role::from_code(&r.get::<_, String>(4)?).unwrap_or(Role::Operator),
        active: r.get(5)?,
        unix_account: r.get(6)?,
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
            StoreError::NotFound(tr!(
                "aucun opérateur « {login_or_id} » (voir la liste avec `veille operators`)",
                "no operator '{login_or_id}' (see the list with `veille operators`)"
            ))
        })
    }

    /// The active operator linked to a Unix account, if any.
    pub fn operator_of_account(&self, account: &str) -> Result<Option<Operator>> {
        Ok(self
            .read()
            .query_row(
                &format!("SELECT {COLUMNS} FROM operators WHERE unix_account = ?1 AND active = 1"),
                [account],
                from_row,
            )
            .optional()?)
    }

    /// Links an operator to the Unix account they log in with, or unlinks them
    /// (`None`), in the audit log with who did it. One account is one person.
    pub fn link_account(
        &mut self,
        operator: i64,
        account: Option<&str>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            if let Some(account) = account {
                let holder: Option<String> = tx
                    .query_row(
                        "SELECT login FROM operators WHERE unix_account = ?1 AND id <> ?2",
                        params![account, operator],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(login) = holder {
                    return Err(StoreError::Invalid(format!(
                        "the account '{account}' is already linked to {login}: unlink it first \
                         (veille operators unlink {login})"
                    )));
                }
            }
            let login: String = tx.query_row(
                "UPDATE operators SET unix_account = ?2 WHERE id = ?1 RETURNING login",
                params![operator, account],
                |r| r.get(0),
            )?;
            // The audit row's operator is who acted; the one changed is in the details.
            let details = match account {
                Some(a) => format!("{login} linked to the account {a}"),
                None => format!("{login} unlinked from their account"),
            };
            super::shifts::audit(tx, now, by, "operator_account", None, &details)
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
                         phone = ?5, email = ?6, active = 1,
                         unix_account = coalesce(?7, unix_account) WHERE id = ?1",
                        params![id, op.name, op.organisation, op.role.code(), op.phone, op.email, op.unix_account],
                    )?;
                    updated += 1;
                } else {
                    tx.execute(
                        "INSERT INTO operators (login, name, organisation, role, phone, email, created_at, unix_account)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![op.login, op.name, op.organisation, op.role.code(), op.phone, op.email, ts(now), op.unix_account],
                    )?;
                    added += 1;
                }
            }
            Ok((added, updated))
        })
    }
}
