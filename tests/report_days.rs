//! The "reached per day" series of the coordinator's chart counts each day as the
//! program report does, and counts people, not calls.

mod tui_support;

use chrono::NaiveDate;
use tui_support::*;
use veille::domain::period::Period;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn reached_per_day_agrees_with_the_program_report() {
    let fx = fixture();
    let store = fx.store();
    let rules = store.rules().expect("rules");
    let days = Period::new(d("2026-11-01"), d("2026-11-28")).expect("period");
    let series = store.reached_per_day(days, None, rules.tz).expect("series");
    assert_eq!(series.len(), 28);
    let report = store
        .program_report(days, None, now(), rules.tz)
        .expect("report");
    assert_eq!(series, report.reached_per_day);
    // Counted independently: Hélène reached on Saturday 21 November, nobody else.
    let reached: Vec<(NaiveDate, u64)> = series
        .iter()
        .filter(|c| c.tenants_reached_unique > 0)
        .map(|c| (c.day, c.tenants_reached_unique))
        .collect();
    assert_eq!(reached, vec![(d("2026-11-21"), 1)]);
    assert_eq!(
        fx.count("SELECT count(DISTINCT tenant_id) FROM calls WHERE outcome = 'reached'"),
        1
    );
}

#[test]
fn one_tenant_reached_twice_in_a_day_counts_once_and_cohorts_filter() {
    let fx = fixture();
    let conn = fx.conn();
    // A second reached call for Hélène on the same day, copied from the first.
    conn.execute_batch(
        "INSERT INTO calls (save_id, tenant_id, operator_id, shift_id, started_at, ended_at,
                            outcome, wellbeing, callback_at, notes)
         SELECT save_id || '-again', tenant_id, operator_id, shift_id, started_at,
                strftime('%Y-%m-%dT%H:%M:%fZ', ended_at, '+2 hours'), outcome, wellbeing,
                callback_at, notes
         FROM calls WHERE outcome = 'reached'",
    )
    .expect("copy the call");
    let store = fx.store();
    let rules = store.rules().expect("rules");
    let day = Period::day(d("2026-11-21"));
    let all = store.reached_per_day(day, None, rules.tz).expect("series");
    assert_eq!(all[0].tenants_reached_unique, 1);
    let others: i64 = fx.count("SELECT id FROM cohorts WHERE name = 'Non isolés 70+'");
    let none = store
        .reached_per_day(day, Some(others), rules.tz)
        .expect("series");
    assert_eq!(none[0].tenants_reached_unique, 0);
    let isolated: i64 = fx.count("SELECT id FROM cohorts WHERE name = 'Isolés 70+'");
    let hers = store
        .reached_per_day(day, Some(isolated), rules.tz)
        .expect("series");
    assert_eq!(hers[0].tenants_reached_unique, 1);
}
