//! The week's forecast on a history whose answer is known: the usual operator-hours of
//! the rest of the week, the pace of the last days, and the hours going to the
//! highest-priority cohort first.

mod common;

use chrono::Duration;
use common::{NOW, utc, veille};
use veille::domain::Outcome;
use veille::store::Store;

#[test]
fn the_forecast_gives_the_hours_left_to_the_first_cohort_and_counts_those_missing() {
    let dir = tempfile::tempdir().unwrap();
    // 20 tenants in each cohort, all due this week; op1 and op2 operators.
    let db = common::fixture(dir.path(), 3, 40);
    let mut store = Store::open(&db).unwrap();
    let rules = store.rules().unwrap();
    let now = utc(NOW); // Saturday 28/11/2026, 10:00 in Paris
    let (op1, op2) = (1, 2);
    // The last three weekends: Saturdays 10:00–14:00 and Sundays 10:00–12:00, Paris.
    for weeks_ago in 1..=3 {
        let saturday = utc("2026-11-28T09:00:00Z") - Duration::weeks(weeks_ago);
        let shift = store.start_shift(op2, saturday).unwrap();
        store
            .end_shift(shift, saturday + Duration::hours(4))
            .unwrap();
        let sunday = saturday + Duration::days(1);
        let shift = store.start_shift(op2, sunday).unwrap();
        store.end_shift(shift, sunday + Duration::hours(2)).unwrap();
    }
    // Today op1 has worked since 09:00 and reached six of the first cohort.
    let shift = store.start_shift(op1, now - Duration::hours(1)).unwrap();
    for tenant in 1..=6 {
        let at = now - Duration::minutes(60 - 8 * tenant);
        let claim = store.claim_tenant(op1, tenant, at, &rules).unwrap();
        let mut call = common::call(&claim, Outcome::Reached);
        call.shift_id = Some(shift);
        store
            .save_call(&call, at + Duration::minutes(5), &rules)
            .unwrap();
    }

    let f = store.week_forecast(now, rules.tz).unwrap();
    // Pace: 6 reached in the last 7 days' 3 hours (Sunday 22/11's 2, today's 1).
    assert_eq!(f.pace.reached, 6);
    assert!((f.pace.operator_hours - 3.0).abs() < 1e-9, "{f:?}");
    assert_eq!(f.reached_per_hour, Some(2.0));
    // Left: a usual Saturday's 4 hours less the 1 worked, and a usual Sunday's 2.
    assert!((f.hours_left - 5.0).abs() < 1e-9, "{f:?}");
    let by_name = |name: &str| f.cohorts.iter().find(|c| c.name == name).unwrap();
    let first = by_name("isolated 70+");
    assert_eq!((first.due, first.reached), (20, 6));
    // 14 still to reach need 7 hours: the 5 left reach 10 of them.
    assert_eq!(first.reached_by_sunday, Some(16));
    assert!((first.hours_missing.unwrap() - 2.0).abs() < 1e-9);
    let second = by_name("non-isolated 70+");
    assert_eq!((second.due, second.reached), (20, 0));
    assert_eq!(second.reached_by_sunday, Some(0));
    assert!((second.hours_missing.unwrap() - 10.0).abs() < 1e-9);
    let program = f.cohorts.last().unwrap();
    assert_eq!(program.name, "");
    assert_eq!(
        (program.due, program.reached, program.reached_by_sunday),
        (40, 6, Some(16))
    );
    assert!((program.hours_missing.unwrap() - 12.0).abs() < 1e-9);
    assert_eq!(program.hours_spare, Some(0.0));

    // `veille report` shows it for a period that ends today, and not for an earlier one.
    let report = |until: &str| {
        let out = veille()
            .arg("--db")
            .arg(&db)
            .args(["--now", NOW, "report", "--until", until])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let today = report("28/11/2026");
    assert!(today.contains("Forecast to Sunday 29/11"), "{today}");
    assert!(
        today.contains("pace 2.0 people reached per operator-hour"),
        "{today}"
    );
    assert!(
        today.contains("6 of 40 reached, 16 by Sunday: 12 operator-hours missing"),
        "{today}"
    );
    assert!(!report("27/11/2026").contains("Forecast"));

    // `veille plan`: next week's 40 tenants at 2 an hour are 20 operator-hours, spread
    // like the usual weekends (Saturday 4 hours, Sunday 2), and 10 more tenants, 5 more.
    let out = veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "plan", "--add", "10", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let near = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-6;
    assert_eq!(plan["week_start"], "2026-11-30");
    assert!(near(&plan["reached_per_hour"], 2.0), "{plan}");
    assert!(near(&plan["hours_needed"], 20.0), "{plan}");
    assert!(near(&plan["hours_usual"], 6.0), "{plan}");
    let days = plan["hours_per_day"].as_array().unwrap();
    assert!(days[..5].iter().all(|d| near(&d["hours"], 0.0)), "{plan}");
    assert!(near(&days[5]["hours"], 20.0 * 4.0 / 6.0), "{plan}");
    assert!(near(&days[6]["hours"], 20.0 * 2.0 / 6.0), "{plan}");
    assert!(near(&plan["added"]["hours_per_week"], 5.0), "{plan}");
    let text = veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "plan", "--add", "10"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(
            "In all 20 operator-hours for the week; a usual week lately had 6: 14 more are needed"
        ) && text.contains("Adding 10 tenants called every week: +5 operator-hours a week"),
        "{text}"
    );
}
