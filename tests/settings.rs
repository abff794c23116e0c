//! Every setting a coordinator can change with `veille settings set`: shown by `veille
//! settings show`, a bad value refused in plain words with nothing kept, and a good one
//! changing what the program does (read back through the store, as every screen does).
// Test code: an unwrap that fails is the test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use common::{NOW, call, fixture, utc, veille};
use predicates::prelude::*;
use veille::domain::emergency::{Protocol, ServicesCalled};
use veille::domain::rules::SETTINGS_HELP;
use veille::domain::{InterventionKind, Outcome, Urgency, Wellbeing};
use veille::store::Store;

fn set(db: &Path, key: &str, value: &str) -> assert_cmd::assert::Assert {
    veille()
        .arg("--db")
        .arg(db)
        // `--` lets a value start with '-'.
        .args(["settings", "set", "--operator", "op3", "--", key, value])
        .assert()
}

fn show(db: &Path) -> String {
    let out = veille()
        .arg("--db")
        .arg(db)
        .args(["settings", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn stored(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT key, value FROM settings ORDER BY key")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture(dir.path(), 3, 6);
    common::all_day_demo(&db);
    (dir, db)
}

#[test]
fn every_setting_is_shown_and_a_bad_value_is_refused_with_nothing_kept() {
    let (_dir, db) = db();
    let shown = show(&db);
    for (key, _, _) in SETTINGS_HELP {
        assert!(
            shown.lines().any(|l| l.starts_with(&format!("{key} "))),
            "{key} is not shown:\n{shown}"
        );
    }
    let bad: &[(&str, &[&str])] = &[
        ("calling_hours", &["late", "25:00-26:00", ""]),
        ("timezone", &["Mars/Olympus", ""]),
        ("lease_minutes", &["0", "-5", "twenty", "99999999"]),
        ("retry_minutes", &["0", "abc"]),
        ("max_attempts_per_day", &["0", "1.5"]),
        ("callback_grace_minutes", &["0", "x"]),
        ("ladder_attempts_per_day", &["0"]),
        ("ladder_days", &["0", "-1"]),
        ("unknown_lives_alone_counts_as_alone", &["", "maybe"]),
        ("emergency_alert_minutes", &["0"]),
        ("emergency_callback_minutes", &["0", "721"]),
        ("import_ages", &["120-60", "60", "60-200", "a-b"]),
    ];
    assert_eq!(
        bad.len(),
        SETTINGS_HELP.len(),
        "a bad value for every setting"
    );
    let before = stored(&db);
    for (key, values) in bad {
        for value in *values {
            set(&db, key, value)
                .failure()
                .stderr(predicate::str::contains(format!("setting {key} = ")))
                .stderr(predicate::str::contains("is not valid: "));
        }
    }
    assert_eq!(stored(&db), before, "nothing kept");
    // An operator cannot change a setting.
    veille()
        .arg("--db")
        .arg(&db)
        .args(["settings", "set", "lease_minutes", "5", "--operator", "op1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("coordinator"));
}

/// The queue at `now`, as the command line lists it.
fn queue_len(db: &Path, now: &str) -> usize {
    let out = veille()
        .arg("--db")
        .arg(db)
        .args(["--now", now, "queue", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn calling_hours_and_timezone_decide_when_the_queue_is_open() {
    let (_dir, db) = db();
    // NOW is 09:42 UTC: 10:42 in Paris.
    set(&db, "calling_hours", "09:00-12:00").success();
    assert_eq!(queue_len(&db, NOW), 6);
    assert!(show(&db).contains("calling_hours          09:00-12:00"));
    set(&db, "calling_hours", "14:00-18:00").success();
    assert_eq!(queue_len(&db, NOW), 0, "closed in the morning");
    set(&db, "calling_hours", "09:00-12:00").success();
    set(&db, "timezone", "America/New_York").success();
    assert_eq!(queue_len(&db, NOW), 0, "04:42 in New York");
    assert!(show(&db).contains("America/New_York"));
}

/// The store and rules as a screen would read them after the change.
fn store_and_rules(db: &Path) -> (Store, veille::domain::Rules) {
    let store = Store::open(db).unwrap();
    let rules = store.rules().unwrap();
    (store, rules)
}

fn due_at(db: &Path, tenant: i64) -> DateTime<Utc> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let text: String = conn
        .query_row("SELECT due_at FROM tenants WHERE id = ?1", [tenant], |r| {
            r.get(0)
        })
        .unwrap();
    text.parse().unwrap()
}

#[test]
fn lease_retry_and_attempts_shape_the_calls() {
    let (_dir, db) = db();
    let now = utc(NOW);
    set(&db, "lease_minutes", "7").success();
    set(&db, "retry_minutes", "45").success();
    let (mut store, rules) = store_and_rules(&db);
    let op = store.operator("op1").unwrap().id;
    let claim = store.claim_next(op, now, &rules).unwrap().unwrap();
    assert_eq!(claim.expires_at - claim.claimed_at, Duration::minutes(7));
    let ended = now + Duration::minutes(2);
    store
        .save_call(&call(&claim, Outcome::NoAnswer), ended, &rules)
        .unwrap();
    assert_eq!(due_at(&db, claim.tenant_id), ended + Duration::minutes(45));

    // One unanswered attempt a day: the next try is another day.
    set(&db, "max_attempts_per_day", "1").success();
    let (mut store, rules) = store_and_rules(&db);
    let claim = store.claim_next(op, ended, &rules).unwrap().unwrap();
    let ended = ended + Duration::minutes(3);
    store
        .save_call(&call(&claim, Outcome::NoAnswer), ended, &rules)
        .unwrap();
    let next = due_at(&db, claim.tenant_id);
    assert!(
        rules.local_date(next) > rules.local_date(ended),
        "tried again on {next}"
    );
}

#[test]
fn an_emergency_is_called_back_within_the_minutes_set() {
    let (_dir, db) = db();
    set(&db, "emergency_callback_minutes", "30").success();
    let (mut store, rules) = store_and_rules(&db);
    let now = utc(NOW);
    let op = store.operator("op1").unwrap().id;
    let claim = store.claim_next(op, now, &rules).unwrap().unwrap();
    let mut c = call(&claim, Outcome::Reached);
    c.wellbeing = Some(Wellbeing::Urgent);
    c.emergency = Some(Protocol {
        services: ServicesCalled::ByOperator,
        decision: "SAMU appelé".into(),
        no_request_reason: "Le SAMU se déplace".into(),
    });
    let ended = now + Duration::minutes(6);
    store.save_call(&c, ended, &rules).unwrap();
    assert_eq!(due_at(&db, claim.tenant_id), ended + Duration::minutes(30));
}

#[test]
fn the_board_counts_late_callbacks_and_old_emergencies_by_the_minutes_set() {
    let (_dir, db) = db();
    let now = utc(NOW);
    let (mut store, rules) = store_and_rules(&db);
    let op = store.operator("op1").unwrap().id;
    // A callback promised for 20 minutes ago, an emergency request made 20 minutes ago.
    let tenant = store
        .claim_next(op, now, &rules)
        .unwrap()
        .unwrap()
        .tenant_id;
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE tenants SET callback_at = ?2 WHERE id = ?1",
            rusqlite::params![
                tenant,
                (now - Duration::minutes(20)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            ],
        )
        .unwrap();
    store
        .create_intervention(
            tenant,
            InterventionKind::WelfareVisit,
            Urgency::Emergency,
            None,
            "",
            "ne répond plus",
            op,
            now - Duration::minutes(20),
        )
        .unwrap();
    let board = |db: &Path| {
        let (store, rules) = store_and_rules(db);
        store.board(now, &rules).unwrap()
    };
    set(&db, "callback_grace_minutes", "15").success();
    set(&db, "emergency_alert_minutes", "15").success();
    let b = board(&db);
    assert_eq!(b.callbacks_late, 1);
    assert!(b.unassigned[0].alert);
    set(&db, "callback_grace_minutes", "30").success();
    set(&db, "emergency_alert_minutes", "30").success();
    let b = board(&db);
    assert_eq!(b.callbacks_late, 0);
    assert!(!b.unassigned[0].alert);
}

#[test]
fn import_ages_decide_which_birth_dates_are_refused() {
    let (dir, db) = db();
    let list = dir.path().join("list.csv");
    // 28/11/2026: born 1950 is 76, born 1930 is 96.
    std::fs::write(
        &list,
        "Référence;Nom;Téléphone;Date de naissance\n\
         N1;Martin;0199000101;01/01/1950\n\
         N2;Durand;0199000102;01/01/1930\n",
    )
    .unwrap();
    let import = || {
        veille()
            .arg("--db")
            .arg(&db)
            .args(["--now", NOW, "import", "tenants", "--dry-run"])
            .arg(&list)
            .assert()
    };
    import().success().stdout(predicate::str::contains("add 2"));
    set(&db, "import_ages", "80-120").success();
    assert!(show(&db).contains("import_ages            80-120"));
    import().failure().stderr(predicate::str::contains(
        "01/01/1950 gives 76 years old: the program calls people aged 80 to 120",
    ));
}
