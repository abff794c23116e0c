//! The program report and the chart's series, on a demo program of ten weeks, equal the
//! SQL of docs/REPORT.md figure by figure, for many periods and every cohort; and a file
//! of schema version 3 gives, once migrated, the report it gave before.
//!
//! The report reads each table once and counts people in Rust; the SQL here is the
//! definition, written as plainly as docs/REPORT.md writes it.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, params};
use veille::domain::period::{self, Period};
use veille::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, TenantStatus, Urgency,
};
use veille::store::{
    CategoryFigures, CohortFigures, DayCount, EmergencyFigures, ProgramReport, SERIES_DAYS, Store,
    WeekFigures,
};

/// Saturday 28 November 2026, 10:00 in Paris.
fn now() -> DateTime<Utc> {
    "2026-11-28T09:00:00Z".parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A demo of 300 tenants over ten weeks (summer time ends inside it), made varied:
/// the second cohort is called fortnightly, a third every three weeks holds some
/// tenants, a fourth starts in the last week, some tenants paused until a date,
/// some objected, some added during the last week, some not known to live alone or not;
/// and field requests of every kind, urgency and status on some calls (at the demo's
/// real rates, 300 tenants have almost none).
fn program(dir: &Path) -> PathBuf {
    let path = dir.join("veille.db");
    let params = veille::demo::Params {
        tenants: 300,
        weeks: 10,
        seed: 11,
        now: now(),
        lang: veille::i18n::Lang::En,
    };
    let mut store = Store::open(&path).unwrap();
    for (k, v) in veille::demo::settings(&params) {
        store.set_setting(&k, &v).unwrap();
    }
    let rules = store.rules().unwrap();
    let bulk = veille::demo::generate(&params, &rules, &store.services().unwrap()).unwrap();
    store.insert_bulk(&bulk).unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE cohorts SET cadence_days = 14 WHERE id = 2;
         INSERT INTO cohorts (id, name, priority, cadence_days, starts_on, active, created_at)
           VALUES (3, 'every three weeks', 3, 21, '2026-09-01', 1, '2026-09-01T08:00:00.000Z'),
                  (4, 'from Wednesday', 4, 7, '2026-11-25', 1, '2026-09-01T08:00:00.000Z'),
                  (5, 'stopped', 5, 7, '2026-09-01', 0, '2026-09-01T08:00:00.000Z');
         UPDATE tenants SET cohort_id = 3 WHERE id % 7 = 0;
         UPDATE tenants SET cohort_id = 4 WHERE id % 11 = 0;
         UPDATE tenants SET cohort_id = 5 WHERE id % 13 = 0;
         UPDATE tenants SET status = 'paused', paused_until = '2026-11-26' WHERE id % 17 = 1;
         UPDATE tenants SET status = 'hospitalised', paused_until = '2026-12-02' WHERE id % 17 = 2;
         UPDATE tenants SET status = 'paused', paused_until = NULL WHERE id % 17 = 3;
         UPDATE tenants SET objection_at = '2026-11-01T10:00:00.000Z' WHERE id % 19 = 4;
         UPDATE tenants SET created_at = '2026-11-25T10:00:00.000Z' WHERE id % 23 = 5;
         UPDATE tenants SET lives_alone = NULL WHERE id % 5 = 2;
         INSERT INTO interventions (tenant_id, call_id, kind, urgency, status, wanted_at,
                                    details, created_by, created_at, updated_at)
           SELECT tenant_id, id,
                  CASE id % 3 WHEN 0 THEN 'accompaniment' WHEN 1 THEN 'delivery'
                              ELSE 'welfare_visit' END,
                  CASE id % 4 WHEN 0 THEN 'urgent' ELSE 'routine' END,
                  CASE id % 5 WHEN 0 THEN 'done' WHEN 1 THEN 'assigned' WHEN 2 THEN 'cancelled'
                              ELSE 'requested' END,
                  ended_at, 'Courses', operator_id, ended_at, ended_at
           FROM calls WHERE outcome = 'reached' AND id % 61 = 0;",
    )
    .unwrap();
    path
}

/// Periods worth checking: every day of the last three weeks, weeks, months, the whole
/// program, and a past week whose tenants were reached again after it.
fn periods(start: NaiveDate) -> Vec<Period> {
    let mut out: Vec<Period> = (0..21)
        .map(|i| Period::day(day("2026-11-28") - Days::new(i)))
        .collect();
    for (since, until) in [
        ("2026-11-23", "2026-11-28"),
        ("2026-11-16", "2026-11-22"),
        ("2026-11-02", "2026-11-08"),
        ("2026-10-19", "2026-10-25"),
        ("2026-10-26", "2026-10-30"),
        ("2026-11-01", "2026-11-28"),
        ("2026-10-01", "2026-10-31"),
        ("2026-11-25", "2026-12-06"),
    ] {
        out.push(Period::new(day(since), day(until)).unwrap());
    }
    out.push(Period::new(start, day("2026-11-28")).unwrap());
    out
}

/// The report as the SQL of docs/REPORT.md gives it, with the cohort filter of that page.
fn by_sql(conn: &Connection, p: Period, cohort: Option<i64>, tz: Tz) -> ProgramReport {
    let (from, to) = p.bounds(tz);
    let (f, t) = (ts(from), ts(to));
    let only = match cohort {
        Some(id) => format!("AND tenant_id IN (SELECT id FROM tenants WHERE cohort_id = {id})"),
        None => String::new(),
    };
    let count = |sql: &str, a: &str, b: &str| -> u64 {
        conn.query_row(sql, params![a, b], |r| r.get::<_, i64>(0))
            .unwrap() as u64
    };
    let period = "ended_at >= ?1 AND ended_at < ?2";
    let made = "created_at >= ?1 AND created_at < ?2";

    let mut cohorts: Vec<CohortFigures> = Vec::new();
    let mut stmt = conn
        .prepare("SELECT id, name, priority, active FROM cohorts ORDER BY priority, name")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let id: i64 = r.get(0).unwrap();
        let n = |sql: &str| -> u64 {
            conn.query_row(sql, [id], |r| r.get::<_, i64>(0)).unwrap() as u64
        };
        let mine = cohort.is_none_or(|c| c == id);
        let tenants_by_status: BTreeMap<TenantStatus, u64> = TenantStatus::ALL
            .iter()
            .map(|s| {
                let sql =
                    format!("SELECT count(*) FROM tenants WHERE cohort_id = ?1 AND status = '{s}'");
                (*s, if mine { n(&sql) } else { 0 })
            })
            .collect();
        let figure = |sql: &str| if mine { n(sql) } else { 0 };
        cohorts.push(CohortFigures {
            cohort_id: id,
            name: r.get(1).unwrap(),
            priority: r.get(2).unwrap(),
            active: r.get(3).unwrap(),
            tenants_total: figure("SELECT count(*) FROM tenants WHERE cohort_id = ?1"),
            tenants_in_program: figure(
                "SELECT count(*) FROM tenants WHERE cohort_id = ?1
                 AND status IN ('active', 'paused', 'hospitalised') AND objection_at IS NULL",
            ),
            tenants_by_status,
            tenants_objected: figure(
                "SELECT count(*) FROM tenants WHERE cohort_id = ?1 AND objection_at IS NOT NULL",
            ),
            tenants_household_unknown: figure(
                "SELECT count(*) FROM tenants WHERE cohort_id = ?1 AND lives_alone IS NULL
                 AND status IN ('active', 'paused', 'hospitalised') AND objection_at IS NULL",
            ),
        });
    }
    let cohorts: Vec<CohortFigures> = cohorts
        .into_iter()
        .filter(|c| cohort.is_none_or(|id| c.cohort_id == id))
        .collect();

    let calls_by_outcome: BTreeMap<Outcome, u64> = Outcome::ALL
        .iter()
        .map(|o| {
            let sql =
                format!("SELECT count(*) FROM calls WHERE outcome = '{o}' AND {period} {only}");
            (*o, count(&sql, &f, &t))
        })
        .collect();
    let calls_total = count(
        &format!("SELECT count(*) FROM calls WHERE {period} {only}"),
        &f,
        &t,
    );
    let average = |outcome: &str| -> Option<i64> {
        conn.query_row(
            &format!(
                "SELECT round(avg((julianday(ended_at) - julianday(started_at)) * 86400))
                 FROM calls WHERE {period} {outcome} {only}"
            ),
            params![f, t],
            |r| r.get::<_, Option<f64>>(0),
        )
        .unwrap()
        .map(|s| s as i64)
    };

    let monday = period::week_monday(p.until);
    let sunday = monday + Days::new(6);
    let (week_start, next_monday) = (
        ts(period::start_of(monday, tz)),
        ts(period::start_of(sunday + Days::new(1), tz)),
    );
    let in_cohort = cohort.map_or(String::new(), |id| format!("AND t.cohort_id = {id}"));
    let due: i64 = conn
        .query_row(
            &format!(
                "SELECT count(*) FROM (
                   SELECT tenant_id FROM calls
                   WHERE outcome = 'reached' AND ended_at >= :monday AND ended_at < :to {only}
                   UNION
                   SELECT t.id FROM tenants t JOIN cohorts k ON k.id = t.cohort_id
                   WHERE k.active = 1 AND k.starts_on <= :sunday {in_cohort}
                     AND t.created_at < :next_monday
                     AND t.objection_at IS NULL
                     AND (t.status = 'active'
                          OR (t.status IN ('paused', 'hospitalised')
                              AND (t.paused_until IS NULL OR t.paused_until <= :sunday)))
                     AND NOT EXISTS (
                       SELECT 1 FROM calls p WHERE p.tenant_id = t.id AND p.outcome = 'reached'
                         AND p.ended_at < :monday
                         AND p.ended_at >= strftime('%Y-%m-%dT%H:%M:%fZ', :monday,
                                                    '-' || max(k.cadence_days - 7, 0) || ' days')))"
            ),
            rusqlite::named_params! {
                ":monday": week_start,
                ":to": t,
                ":sunday": sunday.to_string(),
                ":next_monday": next_monday,
            },
            |r| r.get(0),
        )
        .unwrap();
    let reached_sql = format!(
        "SELECT count(DISTINCT tenant_id) FROM calls WHERE outcome = 'reached' AND {period} {only}"
    );

    let referrals_by_category: BTreeMap<NeedCategory, CategoryFigures> = NeedCategory::ALL
        .iter()
        .map(|c| {
            let n = |what: &str| {
                count(
                    &format!(
                        "SELECT {what} FROM referrals WHERE category = '{c}' AND {made} {only}"
                    ),
                    &f,
                    &t,
                )
            };
            (
                *c,
                CategoryFigures {
                    referrals: n("count(*)"),
                    tenants_unique: n("count(DISTINCT tenant_id)"),
                },
            )
        })
        .collect();
    let interventions_by_kind_and_status = InterventionKind::ALL
        .iter()
        .map(|k| {
            let statuses = InterventionStatus::ALL
                .iter()
                .map(|s| {
                    let sql = format!(
                        "SELECT count(*) FROM interventions
                         WHERE kind = '{k}' AND status = '{s}' AND {made} {only}"
                    );
                    (*s, count(&sql, &f, &t))
                })
                .collect();
            (*k, statuses)
        })
        .collect();
    let interventions_by_urgency = Urgency::ALL
        .iter()
        .map(|u| {
            let sql = format!(
                "SELECT count(*) FROM interventions WHERE urgency = '{u}' AND {made} {only}"
            );
            (*u, count(&sql, &f, &t))
        })
        .collect();

    ProgramReport {
        since: p.since,
        until: p.until,
        from,
        to,
        cohort: cohort.map(|id| {
            conn.query_row("SELECT name FROM cohorts WHERE id = ?1", [id], |r| r.get(0))
                .unwrap()
        }),
        made_at: now(),
        tenants_total: cohorts.iter().map(|c| c.tenants_total).sum(),
        tenants_in_program: cohorts.iter().map(|c| c.tenants_in_program).sum(),
        tenants_household_unknown: cohorts.iter().map(|c| c.tenants_household_unknown).sum(),
        cohorts,
        tenants_called_unique: count(
            &format!("SELECT count(DISTINCT tenant_id) FROM calls WHERE {period} {only}"),
            &f,
            &t,
        ),
        tenants_reached_unique: count(&reached_sql, &f, &t),
        week: WeekFigures {
            iso_week: period::iso_week_label(p.until),
            week_start: monday,
            week_end: sunday,
            tenants_reached_unique: count(&reached_sql, &week_start, &t),
            tenants_due_unique: due as u64,
        },
        tenants_oriented_unique: count(
            &format!("SELECT count(DISTINCT tenant_id) FROM referrals WHERE {made} {only}"),
            &f,
            &t,
        ),
        referrals_total: count(
            &format!("SELECT count(*) FROM referrals WHERE {made} {only}"),
            &f,
            &t,
        ),
        referrals_by_category,
        interventions_total: count(
            &format!("SELECT count(*) FROM interventions WHERE {made} {only}"),
            &f,
            &t,
        ),
        interventions_by_kind_and_status,
        interventions_by_urgency,
        emergencies: EmergencyFigures {
            total: count(
                &format!("SELECT count(*) FROM emergencies WHERE at >= ?1 AND at < ?2 {only}"),
                &f,
                &t,
            ),
            by_services: veille::domain::emergency::ServicesCalled::ALL
                .iter()
                .map(|s| {
                    let sql = format!(
                        "SELECT count(*) FROM emergencies
                     WHERE services = '{s}' AND at >= ?1 AND at < ?2 {only}"
                    );
                    (*s, count(&sql, &f, &t))
                })
                .collect(),
            waiting: count(
                &format!(
                    "SELECT count(*) FROM emergencies
                     WHERE taken_at IS NULL AND at >= ?1 AND at < ?2 {only}"
                ),
                &f,
                &t,
            ),
        },
        calls_total,
        calls_incoming: count(
            &format!("SELECT count(*) FROM calls WHERE incoming AND {period} {only}"),
            &f,
            &t,
        ),
        calls_by_outcome,
        operators_active_unique: count(
            &format!("SELECT count(DISTINCT operator_id) FROM calls WHERE {period} {only}"),
            &f,
            &t,
        ),
        average_call_seconds: average(""),
        average_reached_call_seconds: average("AND outcome = 'reached'"),
        reached_per_day: days_by_sql(conn, p.last_days(SERIES_DAYS), cohort, tz),
    }
}

/// People reached each local day, one query per day.
fn days_by_sql(conn: &Connection, days: Period, cohort: Option<i64>, tz: Tz) -> Vec<DayCount> {
    let only = match cohort {
        Some(id) => format!("AND tenant_id IN (SELECT id FROM tenants WHERE cohort_id = {id})"),
        None => String::new(),
    };
    days.days()
        .map(|d| {
            let (a, b) = Period::day(d).bounds(tz);
            let n: i64 = conn
                .query_row(
                    &format!(
                        "SELECT count(DISTINCT tenant_id) FROM calls WHERE outcome = 'reached'
                         AND ended_at >= ?1 AND ended_at < ?2 {only}"
                    ),
                    params![ts(a), ts(b)],
                    |r| r.get(0),
                )
                .unwrap();
            DayCount {
                day: d,
                tenants_reached_unique: n as u64,
            }
        })
        .collect()
}

#[test]
fn every_figure_equals_the_documented_sql_for_every_period_and_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let path = program(dir.path());
    let store = Store::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let tz = store.rules().unwrap().tz;
    let start = store.program_start(tz).unwrap().unwrap();
    // Per cohort, the periods whose figures are not all zero: equal reports prove
    // something only where there is something to count.
    let mut with_figures: BTreeMap<Option<i64>, Vec<Period>> = BTreeMap::new();
    for cohort in [None, Some(1), Some(2), Some(3), Some(4), Some(5)] {
        for p in periods(start) {
            let report = store.program_report(p, cohort, now(), tz).unwrap();
            assert_eq!(
                report,
                by_sql(&conn, p, cohort, tz),
                "{p:?}, cohort {cohort:?}"
            );
            if report.calls_total > 0 && report.tenants_reached_unique > 0 {
                with_figures.entry(cohort).or_default().push(p);
            }
        }
        let chart = Period::new(start, day("2026-11-28")).unwrap();
        assert_eq!(
            store.reached_per_day(chart, cohort, tz).unwrap(),
            days_by_sql(&conn, chart, cohort, tz),
            "cohort {cohort:?}"
        );
    }
    // The program is varied enough for the figures to mean something.
    let whole = store
        .program_report(
            Period::new(start, day("2026-11-28")).unwrap(),
            None,
            now(),
            tz,
        )
        .unwrap();
    assert!(whole.calls_total > 2_000, "{}", whole.calls_total);
    assert!(whole.referrals_total > 0 && whole.interventions_total > 0);
    let fortnight = store
        .program_report(Period::day(day("2026-11-23")), Some(2), now(), tz)
        .unwrap();
    assert!(
        fortnight.week.tenants_due_unique < fortnight.cohorts[0].tenants_in_program,
        "the fortnightly cohort spares those reached the week before: {:?}",
        fortnight.week
    );
    let all = periods(start);
    let program_long = Period::new(start, day("2026-11-28")).unwrap();
    for cohort in [None, Some(1), Some(2), Some(3), Some(4), Some(5)] {
        let counted = with_figures
            .get(&cohort)
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert!(
            counted.contains(&program_long) && counted.len() * 3 >= all.len() * 2,
            "cohort {cohort:?}: calls and people reached in only {} of {} periods",
            counted.len(),
            all.len()
        );
    }
}

#[test]
fn a_file_of_schema_version_3_gives_the_same_report_once_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = program(dir.path());
    // The figures by SQL, then back to version 3 as an older veille left it:
    // `calls_ended` without `started_at`, none of the later columns.
    let conn = Connection::open(&path).unwrap();
    let tz: Tz = chrono_tz::Europe::Paris;
    let whole = Period::new(day("2026-09-01"), day("2026-11-28")).unwrap();
    let week = Period::new(day("2026-11-23"), day("2026-11-28")).unwrap();
    let before: Vec<ProgramReport> = [whole, week]
        .iter()
        .flat_map(|p| [None, Some(2)].map(|c| by_sql(&conn, *p, c, tz)))
        .collect();
    conn.execute_batch(
        "DROP INDEX calls_ended;
         CREATE INDEX calls_ended ON calls (ended_at, outcome, tenant_id, operator_id);
         DROP INDEX tenants_callbacks_due;
         PRAGMA user_version = 3;
         DROP INDEX operators_unix_account;
         ALTER TABLE operators DROP COLUMN unix_account;
         ALTER TABLE audit_log DROP COLUMN unix_account;
         ALTER TABLE tenants DROP COLUMN erased_at;
         DROP INDEX calls_incoming;
         ALTER TABLE calls DROP COLUMN incoming;",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        veille::store::SCHEMA_VERSION
    );
    let after: Vec<ProgramReport> = [whole, week]
        .iter()
        .flat_map(|p| [None, Some(2)].map(|c| store.program_report(*p, c, now(), tz).unwrap()))
        .collect();
    assert_eq!(after, before);
    let index: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'calls_ended'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(index.contains("started_at"), "{index}");
}
