//! Cohorts: groups of tenants with their own priority and cadence.

use crate::tr;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, StoreError, rows, time};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cohort {
    pub id: i64,
    pub name: String,
    /// 1 is called first.
    pub priority: i64,
    pub cadence_days: u32,
    pub starts_on: NaiveDate,
    pub active: bool,
    /// Tenants in the cohort (any status).
    pub tenants: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCohort {
    pub name: String,
    pub priority: i64,
    pub cadence_days: u32,
    pub starts_on: NaiveDate,
}

fn from_row(r: &Row) -> rusqlite::Result<Cohort> {
    Ok(Cohort {
        id: r.get(0)?,
        name: r.get(1)?,
        priority: r.get(2)?,
        cadence_days: r.get(3)?,
        starts_on: time::opt_day(r.get(4)?)?.unwrap_or_default(),
        active: r.get(5)?,
        tenants: r.get(6)?,
    })
}

const SELECT: &str = "SELECT c.id, c.name, c.priority, c.cadence_days, c.starts_on, c.active,
        (SELECT count(*) FROM tenants t WHERE t.cohort_id = c.id)
     FROM cohorts c";

impl Store {
    /// All cohorts in calling order.
    pub fn cohorts(&self) -> Result<Vec<Cohort>> {
        rows(
            self.read(),
            &format!("{SELECT} ORDER BY c.priority, c.name"),
            [],
            from_row,
        )
    }

    pub fn cohort(&self, name: &str) -> Result<Cohort> {
        self.read()
            .query_row(
                &format!("{SELECT} WHERE c.name = ?1 COLLATE NOCASE"),
                [name.trim()],
                from_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NotFound(tr!(
                    "aucune cohorte nommée « {name} » (voir `veille cohorts list`)",
                    "no cohort named '{name}' (see `veille cohorts list`)"
                ))
            })
    }

    /// Adds a cohort, in the audit log with who did it (`by`).
    pub fn add_cohort(
        &mut self,
        c: &NewCohort,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if c.cadence_days == 0 {
            return Err(StoreError::Invalid(
                "a cohort's cadence must be at least one day".into(),
            ));
        }
        self.write(|tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM cohorts WHERE name = ?1 COLLATE NOCASE)",
                [&c.name],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::Invalid(format!(
                    "a cohort named '{}' already exists",
                    c.name
                )));
            }
            tx.execute(
                "INSERT INTO cohorts (name, priority, cadence_days, starts_on, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    c.name,
                    c.priority,
                    c.cadence_days,
                    time::day(c.starts_on),
                    time::ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let details = format!(
                "{}: priority {}, every {} days, from {}",
                c.name,
                c.priority,
                c.cadence_days,
                time::day(c.starts_on)
            );
            super::shifts::audit(tx, now, by, "cohort_added", None, &details)?;
            Ok(id)
        })
    }

    /// Changes a cohort's settings (`None` keeps the current value), in the audit log
    /// with who did it.
    #[allow(clippy::too_many_arguments)]
    pub fn update_cohort(
        &mut self,
        name: &str,
        priority: Option<i64>,
        cadence_days: Option<u32>,
        starts_on: Option<NaiveDate>,
        active: Option<bool>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Cohort> {
        let current = self.cohort(name)?;
        if cadence_days == Some(0) {
            return Err(StoreError::Invalid(
                "a cohort's cadence must be at least one day".into(),
            ));
        }
        let priority = priority.unwrap_or(current.priority);
        let cadence_days = cadence_days.unwrap_or(current.cadence_days);
        let starts_on = time::day(starts_on.unwrap_or(current.starts_on));
        let active = active.unwrap_or(current.active);
        self.write(|tx| {
            tx.execute(
                "UPDATE cohorts SET priority = ?2, cadence_days = ?3, starts_on = ?4, active = ?5 WHERE id = ?1",
                params![current.id, priority, cadence_days, starts_on, active],
            )?;
            let details = format!(
                "{}: priority {priority}, every {cadence_days} days, from {starts_on}, {}",
                current.name,
                if active { "called" } else { "paused" }
            );
            super::shifts::audit(tx, now, by, "cohort_changed", None, &details)
        })?;
        self.cohort(name)
    }
}
