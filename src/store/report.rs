//! The program report: program-wide figures for a period of local days, optionally
//! for one cohort. Every figure is defined, with the SQL that reproduces it, in
//! docs/REPORT.md; the queries here are those, with the cohort filter added.
//!
//! Calls are read through `calls_ended` (which covers outcome, tenant and operator), so a report over a week reads that week's
//! calls only; the whole program (a million calls) takes a few seconds.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use serde::Serialize;

use super::{Result, Store, StoreError, rows, time};
use crate::domain::period::{self, Period};
use crate::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, TenantStatus, Urgency,
};

/// Days in the "reached per day" series.
pub const SERIES_DAYS: u64 = 28;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramReport {
    /// The local days counted, both included.
    pub since: NaiveDate,
    pub until: NaiveDate,
    /// The same period as UTC instants: `from` included, `to` excluded. Written as the
    /// database writes instants, so they can be pasted into SQL as they are.
    #[serde(serialize_with = "as_stored")]
    pub from: DateTime<Utc>,
    #[serde(serialize_with = "as_stored")]
    pub to: DateTime<Utc>,
    /// The cohort the report is restricted to, if any.
    pub cohort: Option<String>,
    pub made_at: DateTime<Utc>,
    /// Tenants by cohort, as they stand now (not as they stood at `until`).
    pub cohorts: Vec<CohortFigures>,
    pub tenants_total: u64,
    pub tenants_in_program: u64,
    pub tenants_called_unique: u64,
    pub tenants_reached_unique: u64,
    pub week: WeekFigures,
    /// Tenants with at least one referral made in the period.
    pub tenants_oriented_unique: u64,
    pub referrals_total: u64,
    /// Every category, zeros included.
    pub referrals_by_category: BTreeMap<NeedCategory, CategoryFigures>,
    pub interventions_total: u64,
    /// Intervention requests made in the period, by kind, then by their current status.
    pub interventions_by_kind_and_status:
        BTreeMap<InterventionKind, BTreeMap<InterventionStatus, u64>>,
    pub interventions_by_urgency: BTreeMap<Urgency, u64>,
    pub calls_total: u64,
    /// Every outcome, zeros included.
    pub calls_by_outcome: BTreeMap<Outcome, u64>,
    pub operators_active_unique: u64,
    /// Average time from claiming the tenant to saving the call; `None` without calls.
    pub average_call_seconds: Option<i64>,
    pub average_reached_call_seconds: Option<i64>,
    /// Tenants reached each day over the last `SERIES_DAYS` days of the period.
    pub reached_per_day: Vec<DayCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CohortFigures {
    pub cohort_id: i64,
    pub name: String,
    pub priority: i64,
    /// The cohort is being called (not paused).
    pub active: bool,
    pub tenants_total: u64,
    pub tenants_in_program: u64,
    /// Every status, zeros included.
    pub tenants_by_status: BTreeMap<TenantStatus, u64>,
    pub tenants_objected: u64,
}

/// Reached this week against due this week. The week is the ISO week (Monday to
/// Sunday, Europe/Paris by default) that holds `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekFigures {
    pub iso_week: String,
    pub week_start: NaiveDate,
    pub week_end: NaiveDate,
    /// Reached from Monday to `until` included.
    pub tenants_reached_unique: u64,
    /// Reached this week (as above), or in the program and not reached within their
    /// cohort's cadence before the week.
    pub tenants_due_unique: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CategoryFigures {
    pub referrals: u64,
    pub tenants_unique: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub day: NaiveDate,
    pub tenants_reached_unique: u64,
}

/// Statuses of tenants who are still called (when they have not objected).
const IN_PROGRAM: &[TenantStatus] = &[
    TenantStatus::Active,
    TenantStatus::Paused,
    TenantStatus::Hospitalised,
];

/// The SQL pieces and parameters that restrict a query to one cohort, or not at all.
/// `?1` and `?2` are always the instants of the query; the cohort is `?3`.
struct Filter {
    cohort: Option<i64>,
}

impl Filter {
    /// Joined to a table whose tenant column is `alias.tenant_id`.
    fn join(&self, alias: &str) -> String {
        match self.cohort {
            Some(_) => format!("JOIN tenants t ON t.id = {alias}.tenant_id AND t.cohort_id = ?3"),
            None => String::new(),
        }
    }

    fn params(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Value> {
        let mut p = vec![Value::Text(time::ts(from)), Value::Text(time::ts(to))];
        if let Some(c) = self.cohort {
            p.push(Value::Integer(c));
        }
        p
    }

    fn count(
        &self,
        conn: &Connection,
        sql: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(
            conn.query_row(sql, params_from_iter(self.params(from, to)), |r| {
                count_at(r, 0)
            })?,
        )
    }
}

impl Store {
    /// The first local day with anything to report: the earliest cohort start or call.
    pub fn program_start(&self, tz: Tz) -> Result<Option<NaiveDate>> {
        let (cohort, call): (Option<String>, Option<String>) = self.read().query_row(
            "SELECT (SELECT min(starts_on) FROM cohorts), (SELECT min(ended_at) FROM calls)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let cohort = cohort.map(|d| time::parse_day(&d)).transpose()?;
        let call = time::opt_ts(call)?.map(|t| t.with_timezone(&tz).date_naive());
        Ok(match (cohort, call) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }

    /// The program report for `period`, for every cohort or only `cohort`.
    pub fn program_report(
        &self,
        period: Period,
        cohort: Option<i64>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<ProgramReport> {
        let conn = self.read();
        // One snapshot for every figure, even while operators save calls.
        let snapshot = conn.unchecked_transaction()?;
        let (from, to) = period.bounds(tz);
        let f = Filter { cohort };
        let cohort_name = match cohort {
            Some(id) => Some(
                rows(
                    &snapshot,
                    "SELECT name FROM cohorts WHERE id = ?1",
                    [id],
                    |r| r.get::<_, String>(0),
                )?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("there is no cohort {id}")))?,
            ),
            None => None,
        };

        let cohorts = cohort_figures(&snapshot, cohort)?;

        // Calls: by outcome, with their length.
        let mut calls_by_outcome: BTreeMap<Outcome, u64> =
            Outcome::ALL.iter().map(|o| (*o, 0)).collect();
        let (mut seconds, mut reached_seconds) = (0.0, 0.0);
        for (code, n, secs) in rows(
            &snapshot,
            &format!(
                "SELECT c.outcome, count(*),
                        total((julianday(c.ended_at) - julianday(c.started_at)) * 86400.0)
                 FROM calls c {}
                 WHERE c.ended_at >= ?1 AND c.ended_at < ?2 GROUP BY c.outcome",
                f.join("c")
            ),
            params_from_iter(f.params(from, to)),
            |r| Ok((r.get::<_, String>(0)?, count_at(r, 1)?, r.get::<_, f64>(2)?)),
        )? {
            if let Some(o) = Outcome::from_code(&code) {
                calls_by_outcome.insert(o, n);
                if o == Outcome::Reached {
                    reached_seconds = secs;
                }
            }
            seconds += secs;
        }
        let calls_total: u64 = calls_by_outcome.values().sum();
        let average = |total: f64, n: u64| (n > 0).then(|| (total / n as f64).round() as i64);

        let (tenants_called_unique, tenants_reached_unique): (u64, u64) = snapshot.query_row(
            &format!(
                "SELECT count(DISTINCT c.tenant_id),
                        count(DISTINCT CASE WHEN c.outcome = 'reached' THEN c.tenant_id END)
                 FROM calls c {} WHERE c.ended_at >= ?1 AND c.ended_at < ?2",
                f.join("c")
            ),
            params_from_iter(f.params(from, to)),
            |r| Ok((count_at(r, 0)?, count_at(r, 1)?)),
        )?;
        // One probe of `calls_operator` per operator rather than a pass over the calls;
        // the same number as count(DISTINCT operator_id).
        let operators_active_unique = f.count(
            &snapshot,
            &format!(
                "SELECT count(*) FROM operators o WHERE EXISTS (
                   SELECT 1 FROM calls c {} WHERE c.operator_id = o.id
                     AND c.ended_at >= ?1 AND c.ended_at < ?2)",
                f.join("c")
            ),
            from,
            to,
        )?;

        let week = week_figures(&snapshot, &f, period.until, to, tz)?;

        // Referrals made in the period.
        let mut referrals_by_category: BTreeMap<NeedCategory, CategoryFigures> = NeedCategory::ALL
            .iter()
            .map(|c| (*c, CategoryFigures::default()))
            .collect();
        for (code, referrals, tenants_unique) in rows(
            &snapshot,
            &format!(
                "SELECT r.category, count(*), count(DISTINCT r.tenant_id)
                 FROM referrals r {} WHERE r.created_at >= ?1 AND r.created_at < ?2
                 GROUP BY r.category",
                f.join("r")
            ),
            params_from_iter(f.params(from, to)),
            |r| Ok((r.get::<_, String>(0)?, count_at(r, 1)?, count_at(r, 2)?)),
        )? {
            let category = NeedCategory::from_code(&code).unwrap_or(NeedCategory::Other);
            let slot = referrals_by_category.entry(category).or_default();
            slot.referrals += referrals;
            slot.tenants_unique += tenants_unique;
        }
        let referrals_total = referrals_by_category.values().map(|c| c.referrals).sum();
        let tenants_oriented_unique = f.count(
            &snapshot,
            &format!(
                "SELECT count(DISTINCT r.tenant_id) FROM referrals r {}
                 WHERE r.created_at >= ?1 AND r.created_at < ?2",
                f.join("r")
            ),
            from,
            to,
        )?;

        // Intervention requests made in the period.
        let mut interventions_by_kind_and_status: BTreeMap<_, BTreeMap<_, u64>> =
            InterventionKind::ALL
                .iter()
                .map(|k| {
                    let statuses = InterventionStatus::ALL.iter().map(|s| (*s, 0)).collect();
                    (*k, statuses)
                })
                .collect();
        let mut interventions_by_urgency: BTreeMap<Urgency, u64> =
            Urgency::ALL.iter().map(|u| (*u, 0)).collect();
        for (kind, status, urgency, n) in rows(
            &snapshot,
            &format!(
                "SELECT i.kind, i.status, i.urgency, count(*) FROM interventions i {}
                 WHERE i.created_at >= ?1 AND i.created_at < ?2
                 GROUP BY i.kind, i.status, i.urgency",
                f.join("i")
            ),
            params_from_iter(f.params(from, to)),
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    count_at(r, 3)?,
                ))
            },
        )? {
            let kind = InterventionKind::from_code(&kind).unwrap_or(InterventionKind::Other);
            let status =
                InterventionStatus::from_code(&status).unwrap_or(InterventionStatus::Requested);
            let urgency = Urgency::from_code(&urgency).unwrap_or(Urgency::Routine);
            *interventions_by_kind_and_status
                .entry(kind)
                .or_default()
                .entry(status)
                .or_default() += n;
            *interventions_by_urgency.entry(urgency).or_default() += n;
        }
        let interventions_total = interventions_by_urgency.values().sum();

        let reached_sql = format!(
            "SELECT count(DISTINCT c.tenant_id) FROM calls c {}
             WHERE c.outcome = 'reached' AND c.ended_at >= ?1 AND c.ended_at < ?2",
            f.join("c")
        );
        let mut reached_per_day = Vec::new();
        for day in period.last_days(SERIES_DAYS).days() {
            let (a, b) = Period::day(day).bounds(tz);
            reached_per_day.push(DayCount {
                day,
                tenants_reached_unique: f.count(&snapshot, &reached_sql, a, b)?,
            });
        }
        snapshot.finish()?;

        let in_scope = |c: &&CohortFigures| cohort.is_none_or(|id| c.cohort_id == id);
        Ok(ProgramReport {
            since: period.since,
            until: period.until,
            from,
            to,
            cohort: cohort_name,
            made_at: now,
            tenants_total: cohorts
                .iter()
                .filter(in_scope)
                .map(|c| c.tenants_total)
                .sum(),
            tenants_in_program: cohorts
                .iter()
                .filter(in_scope)
                .map(|c| c.tenants_in_program)
                .sum(),
            cohorts: cohorts.iter().filter(in_scope).cloned().collect(),
            tenants_called_unique,
            tenants_reached_unique,
            week,
            tenants_oriented_unique,
            referrals_total,
            referrals_by_category,
            interventions_total,
            interventions_by_kind_and_status,
            interventions_by_urgency,
            calls_total,
            average_call_seconds: average(seconds, calls_total),
            average_reached_call_seconds: average(
                reached_seconds,
                calls_by_outcome[&Outcome::Reached],
            ),
            calls_by_outcome,
            operators_active_unique,
            reached_per_day,
        })
    }
}

/// Serialises an instant as the database stores it (`2026-11-28T09:00:00.000Z`): text
/// comparisons with stored instants then hold to the millisecond.
pub(crate) fn as_stored<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&time::ts(*t))
}

/// A count read from SQLite, which has no unsigned integers.
pub(crate) fn count_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, i64>(i)?.max(0) as u64)
}

fn cohort_figures(conn: &Connection, only: Option<i64>) -> Result<Vec<CohortFigures>> {
    let mut cohorts = rows(
        conn,
        "SELECT id, name, priority, active FROM cohorts ORDER BY priority, name",
        [],
        |r| {
            Ok(CohortFigures {
                cohort_id: r.get(0)?,
                name: r.get(1)?,
                priority: r.get(2)?,
                active: r.get(3)?,
                tenants_total: 0,
                tenants_in_program: 0,
                tenants_by_status: TenantStatus::ALL.iter().map(|s| (*s, 0)).collect(),
                tenants_objected: 0,
            })
        },
    )?;
    let counts = rows(
        conn,
        "SELECT cohort_id, status, count(*), total(objection_at IS NOT NULL) FROM tenants
         WHERE ?1 IS NULL OR cohort_id = ?1
         GROUP BY cohort_id, status",
        [only],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                count_at(r, 2)?,
                r.get::<_, f64>(3)? as u64,
            ))
        },
    )?;
    for (cohort, status, n, objected) in counts {
        let Some(c) = cohorts.iter_mut().find(|c| c.cohort_id == cohort) else {
            continue;
        };
        let status = TenantStatus::from_code(&status).unwrap_or(TenantStatus::Active);
        *c.tenants_by_status.entry(status).or_default() += n;
        c.tenants_total += n;
        c.tenants_objected += objected;
        if IN_PROGRAM.contains(&status) {
            c.tenants_in_program += n - objected;
        }
    }
    Ok(cohorts)
}

/// Reached from the Monday of `until`'s week to the end of `until` (`to`), against the
/// tenants due that week: those reached then, and those the cadence of their cohort
/// calls for (see docs/REPORT.md).
fn week_figures(
    conn: &Connection,
    f: &Filter,
    until: NaiveDate,
    to: DateTime<Utc>,
    tz: Tz,
) -> Result<WeekFigures> {
    let monday = period::week_monday(until);
    let sunday = monday + Days::new(6);
    let week_start = period::start_of(monday, tz);
    let week_end = period::start_of(sunday + Days::new(1), tz);
    let reached = format!(
        "SELECT c.tenant_id FROM calls c {}
         WHERE c.outcome = 'reached' AND c.ended_at >= ?1 AND c.ended_at < ?2",
        f.join("c")
    );
    let tenants_reached_unique = f.count(
        conn,
        &format!("SELECT count(DISTINCT tenant_id) FROM ({reached})"),
        week_start,
        to,
    )?;
    let cohort = if f.cohort.is_some() {
        "AND t.cohort_id = ?3"
    } else {
        ""
    };
    // The week's end and its Sunday follow the filter's parameters.
    let (end_n, sunday_n) = if f.cohort.is_some() { (4, 5) } else { (3, 4) };
    // A tenant reached less than a cadence before the week's end is not due again in
    // it: for a weekly cohort nobody is spared, for a fortnightly one those reached in
    // the 7 days before Monday are.
    let due = format!(
        "SELECT count(*) FROM (
           {reached}
           UNION
           SELECT t.id FROM tenants t JOIN cohorts k ON k.id = t.cohort_id
           WHERE k.active = 1 AND k.starts_on <= ?{sunday_n} {cohort}
             AND t.created_at < ?{end_n}
             AND t.objection_at IS NULL
             AND (t.status = 'active'
                  OR (t.status IN ('paused', 'hospitalised')
                      AND (t.paused_until IS NULL OR t.paused_until <= ?{sunday_n})))
             AND NOT EXISTS (
               SELECT 1 FROM calls p WHERE p.tenant_id = t.id AND p.outcome = 'reached'
                 AND p.ended_at < ?1
                 AND p.ended_at >= strftime('%Y-%m-%dT%H:%M:%fZ', ?1,
                                            '-' || max(k.cadence_days - 7, 0) || ' days')))"
    );
    let mut p = f.params(week_start, to);
    p.push(Value::Text(time::ts(week_end)));
    p.push(Value::Text(time::day(sunday)));
    let tenants_due_unique = conn.query_row(&due, params_from_iter(p), |r| count_at(r, 0))?;
    Ok(WeekFigures {
        iso_week: period::iso_week_label(until),
        week_start: monday,
        week_end: sunday,
        tenants_reached_unique,
        tenants_due_unique,
    })
}
