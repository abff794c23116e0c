//! The program report: figures checked against the hand-built day's known answers and
//! against SQL written here (the SQL of docs/REPORT.md), and `veille report` as a process.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod activity;
mod common;

use activity::{LOOKED_AT, Scenario, scenario};
use chrono::NaiveDate;
use common::{utc, veille};
use predicates::prelude::*;
use veille::domain::period::Period;
use veille::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, TenantStatus, Urgency,
};
use veille::store::ProgramReport;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn report(s: &Scenario, since: &str, until: &str, cohort: Option<&str>) -> ProgramReport {
    let store = s.store();
    let tz = store.rules().unwrap().tz;
    let cohort = cohort.map(|c| store.cohort(c).unwrap().id);
    store
        .program_report(
            Period::new(day(since), day(until)).unwrap(),
            cohort,
            utc(LOOKED_AT),
            tz,
        )
        .unwrap()
}

#[test]
fn one_day_of_the_program_has_the_known_answers() {
    let s = scenario();
    let r = report(&s, "2026-11-28", "2026-11-28", None);
    assert_eq!((r.tenants_total, r.tenants_in_program), (8, 7), "e refused");
    assert_eq!(r.cohorts.len(), 2);
    assert_eq!(r.cohorts[0].tenants_by_status[&TenantStatus::Refuses], 1);
    assert_eq!(r.cohorts[0].tenants_in_program, 3);
    assert_eq!(r.calls_total, 9);
    assert_eq!(r.calls_by_outcome[&Outcome::Reached], 5);
    assert_eq!(r.calls_by_outcome[&Outcome::Voicemail], 0);
    assert_eq!(r.calls_by_outcome.len(), Outcome::ALL.len());
    // a was reached twice and b called three times: people, not rows.
    assert_eq!(r.tenants_called_unique, 6);
    assert_eq!(r.tenants_reached_unique, 4);
    // a has three referrals, d one, g one.
    assert_eq!(r.tenants_oriented_unique, 3);
    assert_eq!(r.referrals_total, 5);
    let cat = |c| r.referrals_by_category[&c];
    assert_eq!(
        (
            cat(NeedCategory::Health).referrals,
            cat(NeedCategory::Health).tenants_unique
        ),
        (2, 2)
    );
    assert_eq!(
        (
            cat(NeedCategory::Food).referrals,
            cat(NeedCategory::Food).tenants_unique
        ),
        (2, 2)
    );
    assert_eq!(
        (
            cat(NeedCategory::Transport).referrals,
            cat(NeedCategory::Transport).tenants_unique
        ),
        (1, 1)
    );
    assert_eq!(cat(NeedCategory::Isolation).referrals, 0);
    assert_eq!(r.referrals_by_category.len(), NeedCategory::ALL.len());
    assert_eq!(r.interventions_total, 2);
    let ks = |k, st| r.interventions_by_kind_and_status[&k][&st];
    assert_eq!(
        ks(
            InterventionKind::Accompaniment,
            InterventionStatus::Requested
        ),
        1
    );
    assert_eq!(
        ks(
            InterventionKind::WelfareVisit,
            InterventionStatus::Requested
        ),
        1
    );
    assert_eq!(ks(InterventionKind::Delivery, InterventionStatus::Done), 0);
    assert_eq!(r.interventions_by_urgency[&Urgency::Urgent], 1);
    assert_eq!(r.interventions_by_urgency[&Urgency::Emergency], 1);
    assert_eq!(r.interventions_by_urgency[&Urgency::Routine], 0);
    // D's urgent call, with help called by the operator, waiting for a coordinator.
    assert_eq!((r.emergencies.total, r.emergencies.waiting), (1, 1));
    assert_eq!(
        r.emergencies.by_services[&veille::domain::emergency::ServicesCalled::ByOperator],
        1
    );
    assert_eq!(r.operators_active_unique, 2);
    // Seven calls of 5 minutes and two of 2 minutes; every reached call lasted 5 minutes.
    assert_eq!(r.average_call_seconds, Some((7 * 300 + 2 * 120) / 9));
    assert_eq!(r.average_reached_call_seconds, Some(300));
    assert_eq!(r.reached_per_day.len(), 1);
    assert_eq!(r.reached_per_day[0].tenants_reached_unique, 4);
}

#[test]
fn this_week_runs_from_monday_in_paris_and_due_includes_those_still_waiting() {
    let s = scenario();
    let r = report(&s, "2026-11-28", "2026-11-28", None);
    let w = &r.week;
    assert_eq!(w.iso_week, "2026-W48");
    assert_eq!(
        (w.week_start, w.week_end),
        (day("2026-11-23"), day("2026-11-29"))
    );
    // a, b, d, g on Saturday and h at 00:30 on Monday (23:30 on Sunday in UTC).
    assert_eq!(w.tenants_reached_unique, 5);
    // The reached ones, plus c (callback today) and f (due, held) and not e (refused).
    assert_eq!(w.tenants_due_unique, 7);
    // The same week seen from Monday: h only, and everyone but e still due.
    let monday = report(&s, "2026-11-23", "2026-11-23", None);
    assert_eq!(monday.week.tenants_reached_unique, 1);
    assert_eq!(monday.week.tenants_due_unique, 7);
}

#[test]
fn report_figures_match_sql_written_here() {
    let s = scenario();
    let r = report(&s, "2026-11-01", "2026-11-28", None);
    // 01/11 00:00 to 29/11 00:00 in Paris.
    let period = "ended_at >= '2026-10-31T23:00:00.000Z' AND ended_at < '2026-11-28T23:00:00.000Z'";
    let made =
        "created_at >= '2026-10-31T23:00:00.000Z' AND created_at < '2026-11-28T23:00:00.000Z'";
    let n = |sql: &str| s.count(sql) as u64;
    assert_eq!(
        r.calls_total,
        n(&format!("SELECT count(*) FROM calls WHERE {period}"))
    );
    assert_eq!(
        r.tenants_called_unique,
        n(&format!(
            "SELECT count(DISTINCT tenant_id) FROM calls WHERE {period}"
        ))
    );
    assert_eq!(
        r.tenants_reached_unique,
        n(&format!(
            "SELECT count(DISTINCT tenant_id) FROM calls WHERE outcome = 'reached' AND {period}"
        ))
    );
    assert_eq!(r.tenants_reached_unique, 5, "h is in the month");
    assert_eq!(
        r.operators_active_unique,
        n(&format!(
            "SELECT count(DISTINCT operator_id) FROM calls WHERE {period}"
        ))
    );
    assert_eq!(
        r.tenants_oriented_unique,
        n(&format!(
            "SELECT count(DISTINCT tenant_id) FROM referrals WHERE {made}"
        ))
    );
    for c in NeedCategory::ALL {
        assert_eq!(
            r.referrals_by_category[c].tenants_unique,
            n(&format!(
                "SELECT count(DISTINCT tenant_id) FROM referrals WHERE category = '{c}' AND {made}"
            )),
            "{c}"
        );
    }
    for o in Outcome::ALL {
        assert_eq!(
            r.calls_by_outcome[o],
            n(&format!(
                "SELECT count(*) FROM calls WHERE outcome = '{o}' AND {period}"
            )),
            "{o}"
        );
    }
    let avg: f64 = s
        .sql()
        .query_row(
            &format!(
                "SELECT avg((julianday(ended_at) - julianday(started_at)) * 86400) FROM calls WHERE {period}"
            ),
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(r.average_call_seconds, Some(avg.round() as i64));
    // The chart's series: the last 28 days, zeros included, h on Monday 23/11 in Paris.
    assert_eq!(r.reached_per_day.len(), 28);
    assert_eq!(r.reached_per_day[0].day, day("2026-11-01"));
    let nonzero: Vec<(NaiveDate, u64)> = r
        .reached_per_day
        .iter()
        .filter(|d| d.tenants_reached_unique > 0)
        .map(|d| (d.day, d.tenants_reached_unique))
        .collect();
    assert_eq!(nonzero, [(day("2026-11-23"), 1), (day("2026-11-28"), 4)]);
}

#[test]
fn a_cohort_report_counts_only_that_cohorts_tenants() {
    let s = scenario();
    let r = report(&s, "2026-11-28", "2026-11-28", Some("isolated 70+"));
    assert_eq!(r.cohort.as_deref(), Some("isolated 70+"));
    assert_eq!(r.cohorts.len(), 1);
    assert_eq!((r.tenants_total, r.tenants_in_program), (4, 3));
    // a (twice), c, e, g.
    assert_eq!(r.calls_total, 5);
    assert_eq!(r.tenants_called_unique, 4);
    assert_eq!(r.tenants_reached_unique, 2);
    assert_eq!(r.tenants_oriented_unique, 2);
    assert_eq!(r.referrals_total, 4);
    assert_eq!(
        r.referrals_by_category[&NeedCategory::Health].tenants_unique,
        2
    );
    assert_eq!(r.interventions_total, 1);
    assert_eq!(r.operators_active_unique, 2);
    assert_eq!(
        (r.week.tenants_reached_unique, r.week.tenants_due_unique),
        (2, 3)
    );
    let cohort = "tenant_id IN (SELECT t.id FROM tenants t JOIN cohorts k ON k.id = t.cohort_id
        WHERE k.name = 'isolated 70+')";
    assert_eq!(
        r.tenants_reached_unique as i64,
        s.count(&format!(
            "SELECT count(DISTINCT tenant_id) FROM calls WHERE outcome = 'reached'
             AND ended_at >= '2026-11-27T23:00:00.000Z' AND ended_at < '2026-11-28T23:00:00.000Z'
             AND {cohort}"
        ))
    );
}

#[test]
fn an_empty_program_reports_zeros_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture(dir.path(), 1, 0);
    let store = veille::store::Store::open(&path).unwrap();
    let r = store
        .program_report(
            Period::day(day("2026-11-28")),
            None,
            utc(LOOKED_AT),
            chrono_tz::Europe::Paris,
        )
        .unwrap();
    assert_eq!(
        (r.calls_total, r.tenants_total, r.week.tenants_due_unique),
        (0, 0, 0)
    );
    assert_eq!(r.average_call_seconds, None);
    assert_eq!(r.referrals_by_category.len(), NeedCategory::ALL.len());
}

fn cmd(s: &Scenario) -> assert_cmd::Command {
    let mut cmd = veille();
    cmd.arg("--db")
        .arg(&s.path)
        .args(["--now", LOOKED_AT, "report"]);
    cmd
}

#[test]
fn the_report_command_prints_text_and_json_with_the_same_figures() {
    let s = scenario();
    cmd(&s)
        .args(["--since", "28/11/2026"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Program report 28/11/2026 – 28/11/2026, all cohorts")
                .and(predicate::str::contains(
                    "Tenants reached (people)           4",
                ))
                .and(predicate::str::contains(
                    "Week 2026-W48 (23/11–29/11)        5 reached of 7 due (71 %)",
                ))
                .and(predicate::str::contains(
                    "Tenants oriented (people)          3",
                ))
                .and(predicate::str::contains(
                    "  Health              2  (2 people)",
                ))
                .and(predicate::str::contains(
                    "Average call length                4 min 20 s (reached calls: 5 min 00 s)",
                )),
        );
    let out = cmd(&s)
        .args([
            "--format",
            "json",
            "--cohort",
            "isolated 70+",
            "--until",
            "2026-11-28",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cohort"], "isolated 70+");
    // Without --since the report starts with the program (the cohorts start on 01/11).
    assert_eq!(v["since"], "2026-11-01");
    assert_eq!(v["tenants_reached_unique"], 2);
    assert_eq!(v["referrals_by_category"]["food"]["referrals"], 1);
    assert_eq!(v["referrals_by_category"]["transport"]["tenants_unique"], 1);
    assert_eq!(
        v["interventions_by_kind_and_status"]["accompaniment"]["requested"],
        1
    );
    assert_eq!(v["week"]["tenants_due_unique"], 3);
    assert_eq!(v["reached_per_day"].as_array().unwrap().len(), 28);
}

#[test]
fn the_report_command_refuses_bad_dates_and_unknown_cohorts() {
    let s = scenario();
    cmd(&s)
        .args(["--until", "2026-13-01"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("--until expects a day")
                .and(predicate::str::contains("'2026-13-01' is not a date")),
        );
    cmd(&s)
        .args(["--since", "28/11/2026", "--until", "27/11/2026"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("before it starts"));
    cmd(&s)
        .args(["--cohort", "nobody"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no cohort named 'nobody'"));
    cmd(&s).args(["--format", "xml"]).assert().failure().code(2);
}

#[test]
fn a_fortnightly_cohort_is_not_due_again_the_week_after_a_reached_call() {
    let s = scenario();
    let mut store = s.store();
    store
        .update_cohort(
            "non-isolated 70+",
            None,
            Some(14),
            None,
            None,
            None,
            chrono::Utc::now(),
        )
        .unwrap();
    // Week 49 (30/11–06/12): b, d and h of the fortnightly cohort were reached in week
    // 48; f never was. The weekly cohort's a, c and g are due again (e refused).
    let r = report(&s, "2026-11-30", "2026-11-30", None);
    assert_eq!(r.week.iso_week, "2026-W49");
    assert_eq!(r.week.tenants_reached_unique, 0);
    assert_eq!(r.week.tenants_due_unique, 4);
    let r = report(&s, "2026-11-30", "2026-11-30", Some("non-isolated 70+"));
    assert_eq!(r.week.tenants_due_unique, 1);
}
