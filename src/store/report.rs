//! The program report: program-wide figures for a period of local days, optionally
//! for one cohort. Every figure is defined, with the SQL that reproduces it, in
//! docs/REPORT.md; tests/report_sql.rs checks the figures made here against that SQL.
//!
//! Each table is read once: the tenants (cohort figures, who is due this week), the
//! period's calls from the `calls_ended` index alone (`calls`), the referrals and the
//! intervention requests. People are counted in Rust while reading, with a mark per
//! tenant, rather than with SQLite's `count(DISTINCT …)`, whose temporary B-trees took
//! seconds over a million calls; a cohort is a set of marks, not a join per row.

pub(crate) mod calls;
pub(crate) mod ids;
mod lengths;
mod run;

use crate::tr;
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::Serialize;

use self::calls::{CallScan, count_calls, int_at, str_at};
use self::ids::IdMap;
use super::{Result, Store, StoreError, rows, time};
use crate::domain::emergency::ServicesCalled;
use crate::domain::period::{self, Period};
use crate::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, TenantStatus, Urgency,
};

/// Days in the "reached per day" series.
pub const SERIES_DAYS: u64 = 28;

/// Calls saved with the emergency protocol in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergencyFigures {
    pub total: u64,
    /// By whether the emergency services were called, every answer included.
    pub by_services: BTreeMap<ServicesCalled, u64>,
    /// Of those, the ones no coordinator has taken yet.
    pub waiting: u64,
}

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
    /// Tenants in the program of whom it is not known whether they live alone.
    pub tenants_household_unknown: u64,
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
    pub emergencies: EmergencyFigures,
    pub calls_total: u64,
    /// Of those, the calls tenants made to the program.
    pub calls_incoming: u64,
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
    /// Tenants in the program of whom it is not known whether they live alone: to ask.
    pub tenants_household_unknown: u64,
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
    // Every figure in turn from one snapshot: reading top to bottom is the point.
    #[allow(clippy::too_many_lines)]
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
        let cohort_name = match cohort {
            Some(id) => Some(
                rows(
                    &snapshot,
                    "SELECT name FROM cohorts WHERE id = ?1",
                    [id],
                    |r| r.get::<_, String>(0),
                )?
                .pop()
                .ok_or_else(|| {
                    StoreError::NotFound(tr!(
                        "il n'y a pas de cohorte {id}",
                        "there is no cohort {id}"
                    ))
                })?,
            ),
            None => None,
        };

        let monday = period::week_monday(period.until);
        let sunday = monday + Days::new(6);
        let week_start = period::start_of(monday, tz);
        let tenants = read_tenants(
            &snapshot,
            cohort,
            period::start_of(sunday + Days::new(1), tz),
            sunday,
            week_start,
        )?;
        let series = period.last_days(SERIES_DAYS);
        let calls = count_calls(
            &snapshot,
            Some(&self.path),
            &CallScan {
                from: time::ts(from),
                to: time::ts(to),
                week_start: time::ts(week_start),
                day_starts: CallScan::day_starts(series.days().map(|d| Period::day(d).bounds(tz))),
                reached_since: tenants.spared_from.clone(),
                scope: tenants.scope.as_ref(),
                // For every cohort, one probe of `calls_operator` per operator costs
                // less than reading each call's operator; for one cohort the probe
                // would look at every call of the operators who never call it.
                operators: cohort.is_some(),
            },
        )?;
        let operators_active_unique = match calls.operators_active_unique {
            Some(n) => n,
            None => snapshot.query_row(
                "SELECT count(*) FROM operators o WHERE EXISTS (
                   SELECT 1 FROM calls c WHERE c.operator_id = o.id
                     AND c.ended_at >= ?1 AND c.ended_at < ?2)",
                [time::ts(from), time::ts(to)],
                |r| count_at(r, 0),
            )?,
        };
        let calls_total: u64 = calls.by_outcome.values().sum();
        let average = |total: f64, n: u64| (n > 0).then(|| (total / n as f64).round() as i64);
        // Due this week: those reached this week, and the tenants the cadence calls for
        // who were not reached since the start of their cohort's spared days (which
        // also leaves out those reached this week, already counted).
        let week = WeekFigures {
            iso_week: period::iso_week_label(period.until),
            week_start: monday,
            week_end: sunday,
            tenants_reached_unique: calls.week_reached_unique,
            tenants_due_unique: calls.week_reached_unique
                + tenants
                    .due_unless_reached
                    .iter()
                    .filter(|(t, spared)| !calls.reached_since(*t, *spared))
                    .count() as u64,
        };

        let (referrals_by_category, tenants_oriented_unique) =
            count_referrals(&snapshot, from, to, tenants.scope.as_ref())?;
        let referrals_total = referrals_by_category.values().map(|c| c.referrals).sum();

        let (interventions_by_kind_and_status, interventions_by_urgency) =
            count_interventions(&snapshot, from, to, tenants.scope.as_ref())?;
        let interventions_total = interventions_by_urgency.values().sum();
        let emergencies = count_emergencies(&snapshot, from, to, tenants.scope.as_ref())?;
        let calls_incoming = count_incoming(&snapshot, from, to, tenants.scope.as_ref())?;
        snapshot.finish()?;

        let in_scope = |c: &&CohortFigures| cohort.is_none_or(|id| c.cohort_id == id);
        let cohorts = tenants.cohorts;
        let total =
            |f: fn(&CohortFigures) -> u64| cohorts.iter().filter(in_scope).map(f).sum::<u64>();
        Ok(ProgramReport {
            since: period.since,
            until: period.until,
            from,
            to,
            cohort: cohort_name,
            made_at: now,
            tenants_total: total(|c| c.tenants_total),
            tenants_in_program: total(|c| c.tenants_in_program),
            tenants_household_unknown: total(|c| c.tenants_household_unknown),
            cohorts: cohorts.iter().filter(in_scope).cloned().collect(),
            tenants_called_unique: calls.tenants_called_unique,
            tenants_reached_unique: calls.tenants_reached_unique,
            week,
            tenants_oriented_unique,
            referrals_total,
            referrals_by_category,
            interventions_total,
            interventions_by_kind_and_status,
            interventions_by_urgency,
            emergencies,
            calls_total,
            calls_incoming,
            average_call_seconds: average(calls.seconds, calls_total),
            average_reached_call_seconds: average(
                calls.reached_seconds,
                calls.by_outcome[&Outcome::Reached],
            ),
            operators_active_unique,
            reached_per_day: series
                .days()
                .zip(&calls.reached_per_day)
                .map(|(day, n)| DayCount {
                    day,
                    tenants_reached_unique: *n,
                })
                .collect(),
            calls_by_outcome: calls.by_outcome,
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

/// The tenants as they stand now, read once.
struct Tenants {
    /// Every cohort; the counts only of the tenants in scope.
    cohorts: Vec<CohortFigures>,
    /// The tenants of the cohort the report is restricted to, if it is.
    scope: Option<IdMap<bool>>,
    /// For each cohort whose cadence spares some days before the week, the instant
    /// those days start (`cadence_days - 7` days before Monday).
    spared_from: Vec<String>,
    /// Tenants the cadence calls for this week unless reached since `spared_from[i]`:
    /// in the program as they stand now, in a cohort called and started by Sunday, and
    /// added before the week ended.
    due_unless_reached: Vec<(i64, usize)>,
}

/// Cohort figures, the cohort's tenants and those due this week, from one pass over
/// the tenants (see docs/REPORT.md for each figure's SQL).
fn read_tenants(
    conn: &Connection,
    only: Option<i64>,
    week_end: DateTime<Utc>,
    sunday: NaiveDate,
    week_start: DateTime<Utc>,
) -> Result<Tenants> {
    let mut spared_from: Vec<String> = Vec::new();
    // A cohort, with the index of its `spared_from` when its tenants may be due.
    let mut cohorts: Vec<(CohortFigures, Option<usize>)> = Vec::new();
    for (figures, calling, cadence) in rows(
        conn,
        "SELECT id, name, priority, active, active = 1 AND starts_on <= ?1, cadence_days
         FROM cohorts ORDER BY priority, name",
        [time::day(sunday)],
        |r| {
            Ok((
                CohortFigures {
                    cohort_id: r.get(0)?,
                    name: r.get(1)?,
                    priority: r.get(2)?,
                    active: r.get(3)?,
                    tenants_total: 0,
                    tenants_in_program: 0,
                    tenants_by_status: TenantStatus::ALL.iter().map(|s| (*s, 0)).collect(),
                    tenants_objected: 0,
                    tenants_household_unknown: 0,
                },
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
            ))
        },
    )? {
        let spared = calling.then(|| {
            // A tenant reached less than a cadence before the week's end is not due
            // again in it: for a weekly cohort nobody is spared.
            let from = time::ts(week_start - Days::new((cadence - 7).max(0) as u64));
            if let Some(i) = spared_from.iter().position(|s| *s == from) {
                i
            } else {
                spared_from.push(from);
                spared_from.len() - 1
            }
        });
        cohorts.push((figures, spared));
    }

    let mut scope = only.map(|_| IdMap::with_max_id(0));
    let mut due_unless_reached = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, cohort_id, status, objection_at IS NOT NULL,
                created_at < ?2 AND objection_at IS NULL
                  AND (status = 'active'
                       OR (status IN ('paused', 'hospitalised')
                           AND (paused_until IS NULL OR paused_until <= ?3))),
                lives_alone IS NULL
         FROM tenants WHERE ?1 IS NULL OR cohort_id = ?1",
    )?;
    let mut tenants = stmt.query(rusqlite::params![
        only,
        time::ts(week_end),
        time::day(sunday)
    ])?;
    while let Some(r) = tenants.next()? {
        let (id, cohort) = (int_at(r, 0)?, int_at(r, 1)?);
        let Some((c, spared)) = cohorts.iter_mut().find(|(c, _)| c.cohort_id == cohort) else {
            continue;
        };
        if let Some(scope) = &mut scope {
            *scope.get_mut(id) = true;
        }
        let status = TenantStatus::from_code(str_at(r, 2)?).unwrap_or(TenantStatus::Active);
        let objected = int_at(r, 3)? != 0;
        *c.tenants_by_status.entry(status).or_default() += 1;
        c.tenants_total += 1;
        c.tenants_objected += u64::from(objected);
        if IN_PROGRAM.contains(&status) && !objected {
            c.tenants_in_program += 1;
            c.tenants_household_unknown += u64::from(int_at(r, 5)? != 0);
        }
        if let (Some(spared), true) = (spared, int_at(r, 4)? != 0) {
            due_unless_reached.push((id, *spared));
        }
    }
    Ok(Tenants {
        cohorts: cohorts.into_iter().map(|(c, _)| c).collect(),
        scope,
        spared_from,
        due_unless_reached,
    })
}

/// Referrals made in `[from, to)`, by category with the people oriented in each, and
/// the people oriented in all.
fn count_referrals(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Option<&IdMap<bool>>,
) -> Result<(BTreeMap<NeedCategory, CategoryFigures>, u64)> {
    // Per category code as stored: referrals, and the people oriented in it.
    let mut by_code: BTreeMap<String, (u64, HashSet<i64>)> = BTreeMap::new();
    let mut oriented = HashSet::new();
    let mut stmt = conn.prepare_cached(
        "SELECT category, tenant_id FROM referrals WHERE created_at >= ?1 AND created_at < ?2",
    )?;
    let mut referrals = stmt.query([time::ts(from), time::ts(to)])?;
    while let Some(r) = referrals.next()? {
        let tenant: i64 = r.get(1)?;
        if scope.is_some_and(|s| !s.get(tenant)) {
            continue;
        }
        let code = str_at(r, 0)?;
        let slot = match by_code.get_mut(code) {
            Some(slot) => slot,
            None => by_code.entry(code.to_string()).or_default(),
        };
        slot.0 += 1;
        slot.1.insert(tenant);
        oriented.insert(tenant);
    }
    let mut by_category: BTreeMap<NeedCategory, CategoryFigures> = NeedCategory::ALL
        .iter()
        .map(|c| (*c, CategoryFigures::default()))
        .collect();
    for (code, (referrals, tenants)) in by_code {
        let category = NeedCategory::from_code(&code).unwrap_or(NeedCategory::Other);
        let slot = by_category.entry(category).or_default();
        slot.referrals += referrals;
        slot.tenants_unique += tenants.len() as u64;
    }
    Ok((by_category, oriented.len() as u64))
}

/// Intervention requests made in `[from, to)`, by kind then current status, and by
/// urgency; every value zeros included.
/// Calls tenants made to the program in the period.
fn count_incoming(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Option<&IdMap<bool>>,
) -> Result<u64> {
    let mut stmt = conn.prepare_cached(
        "SELECT tenant_id FROM calls INDEXED BY calls_incoming
         WHERE incoming AND ended_at >= ?1 AND ended_at < ?2",
    )?;
    let mut rows = stmt.query([time::ts(from), time::ts(to)])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let tenant: i64 = r.get(0)?;
        if scope.is_none_or(|s| s.get(tenant)) {
            n += 1;
        }
    }
    Ok(n)
}

/// Emergencies of the period by the services' answer, and how many wait for a coordinator.
fn count_emergencies(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Option<&IdMap<bool>>,
) -> Result<EmergencyFigures> {
    let mut by_services: BTreeMap<ServicesCalled, u64> =
        ServicesCalled::ALL.iter().map(|s| (*s, 0)).collect();
    let mut waiting = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT services, taken_at IS NULL, tenant_id FROM emergencies WHERE at >= ?1 AND at < ?2",
    )?;
    let mut rows = stmt.query([time::ts(from), time::ts(to)])?;
    while let Some(r) = rows.next()? {
        let tenant: i64 = r.get(2)?;
        if scope.is_some_and(|s| !s.get(tenant)) {
            continue;
        }
        let services =
            ServicesCalled::from_code(str_at(r, 0)?).unwrap_or(ServicesCalled::ByOperator);
        *by_services.entry(services).or_default() += 1;
        if r.get::<_, bool>(1)? {
            waiting += 1;
        }
    }
    Ok(EmergencyFigures {
        total: by_services.values().sum(),
        by_services,
        waiting,
    })
}

#[allow(clippy::type_complexity)]
fn count_interventions(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Option<&IdMap<bool>>,
) -> Result<(
    BTreeMap<InterventionKind, BTreeMap<InterventionStatus, u64>>,
    BTreeMap<Urgency, u64>,
)> {
    let mut by_kind_and_status: BTreeMap<_, BTreeMap<_, u64>> = InterventionKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                InterventionStatus::ALL.iter().map(|s| (*s, 0)).collect(),
            )
        })
        .collect();
    let mut by_urgency: BTreeMap<Urgency, u64> = Urgency::ALL.iter().map(|u| (*u, 0)).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, status, urgency, tenant_id FROM interventions
         WHERE created_at >= ?1 AND created_at < ?2",
    )?;
    let mut interventions = stmt.query([time::ts(from), time::ts(to)])?;
    while let Some(r) = interventions.next()? {
        let tenant: i64 = r.get(3)?;
        if scope.is_some_and(|s| !s.get(tenant)) {
            continue;
        }
        let kind = InterventionKind::from_code(str_at(r, 0)?).unwrap_or(InterventionKind::Other);
        let status =
            InterventionStatus::from_code(str_at(r, 1)?).unwrap_or(InterventionStatus::Requested);
        let urgency = Urgency::from_code(str_at(r, 2)?).unwrap_or(Urgency::Routine);
        *by_kind_and_status
            .entry(kind)
            .or_default()
            .entry(status)
            .or_default() += 1;
        *by_urgency.entry(urgency).or_default() += 1;
    }
    Ok((by_kind_and_status, by_urgency))
}
