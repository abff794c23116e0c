//! `veille demo` as a trainer meets it: run the program, then read the file it made.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OpenFlags};
use veille::domain::Outcome;
use veille::domain::emergency::follow_up_call;
use veille::domain::schedule::{Attempts, CallResult, next_call};
use veille::store::Store;

/// Saturday 28 November 2026, 03:00 in Paris.
const NIGHT: &str = "2026-11-28T02:00:00Z";

/// The program with its own home, so that no test reads or writes the real one.
fn veille(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("veille").unwrap();
    cmd.env_remove("VEILLE_DB")
        .env_remove("VEILLE_NOW")
        .env("HOME", home)
        .env("LANG", "en_GB.UTF-8")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"));
    cmd
}

fn demo(home: &Path, db: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    veille(home)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--now",
            NIGHT,
            "demo",
            "--no-tui",
        ])
        .args(args)
        .assert()
}

/// Opened as a writer, though only read, so that closing it removes the -wal and -shm
/// files like the program does.
fn read(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn texts(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A hash of every row of `table`, in id order.
fn digest(conn: &Connection, table: &str) -> u64 {
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
        .unwrap();
    let columns = stmt.column_count();
    let mut hasher = DefaultHasher::new();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        for i in 0..columns {
            format!("{:?}", row.get_ref(i).unwrap()).hash(&mut hasher);
        }
    }
    hasher.finish()
}

const TABLES: &[&str] = &[
    "settings",
    "operators",
    "cohorts",
    "field_teams",
    "tenants",
    "shifts",
    "calls",
    "needs",
    "referrals",
    "referral_events",
    "interventions",
    "intervention_events",
];

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The files in a folder, by name.
fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A default-size demo (10,000 tenants, 6 weeks) made at night.
fn default_demo() -> (tempfile::TempDir, PathBuf) {
    sized_demo(&[])
}

/// A demo of 2,000 tenants and 3 weeks made at night: people and schedules, quickly.
fn small_demo() -> (tempfile::TempDir, PathBuf) {
    sized_demo(&["--tenants", "2000", "--weeks", "3"])
}

fn sized_demo(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo(dir.path(), &db, args).success();
    (dir, db)
}

#[test]
fn same_seed_and_moment_make_the_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    demo(dir.path(), &a, &["--tenants", "400", "--seed", "7"]).success();
    demo(dir.path(), &b, &["--tenants", "400", "--seed", "7"]).success();
    demo(dir.path(), &c, &["--tenants", "400", "--seed", "8"]).success();
    let (a, b, c) = (read(&a), read(&b), read(&c));
    assert!(count(&a, "SELECT count(*) FROM calls") > 500);
    for table in TABLES {
        assert_eq!(digest(&a, table), digest(&b, table), "{table}");
    }
    for table in ["tenants", "calls", "referrals"] {
        assert_ne!(digest(&a, table), digest(&c, table), "{table}");
    }
}

#[test]
fn every_phone_number_is_in_a_range_reserved_for_fiction() {
    let (_dir, db) = small_demo();
    let conn = read(&db);
    let fiction = |n: &str| {
        n.len() == 10
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.starts_with("019900") || n.starts_with("063998"))
    };
    let numbers = texts(
        &conn,
        "SELECT phone FROM tenants WHERE phone IS NOT NULL
         UNION ALL SELECT phone_alt FROM tenants WHERE phone_alt IS NOT NULL
         UNION ALL SELECT phone FROM operators WHERE phone IS NOT NULL",
    );
    assert!(numbers.len() > 2000);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM tenants WHERE phone IS NULL"),
        0
    );
    for n in &numbers {
        assert!(fiction(n), "{n} is not in a fiction range");
    }
    // Numbers written in notes ("Fille joignable au 06 39 98 …") too.
    let notes = texts(
        &conn,
        "SELECT notes FROM tenants UNION ALL SELECT notes FROM calls
         UNION ALL SELECT details FROM interventions UNION ALL SELECT note FROM referrals",
    );
    let mut in_notes = 0;
    for note in &notes {
        let squeezed: String = note.chars().filter(|c| *c != ' ').collect();
        for run in squeezed.split(|c: char| !c.is_ascii_digit()) {
            if run.len() >= 8 {
                in_notes += 1;
                assert!(fiction(run), "{run} in note '{note}'");
            }
        }
    }
    assert!(in_notes > 0, "no phone number in any note");
}

#[test]
fn tenants_look_like_a_landlords_senior_tenants() {
    let (_dir, db) = small_demo();
    let conn = read(&db);
    assert_eq!(count(&conn, "SELECT count(*) FROM tenants"), 2000);
    let alone = count(&conn, "SELECT count(*) FROM tenants WHERE lives_alone = 1");
    assert!((1000..=1400).contains(&alone), "{alone} of 2000 live alone");

    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let births = texts(&conn, "SELECT birth_date FROM tenants");
    let ages: Vec<u32> = births
        .iter()
        .map(|b| {
            let b: NaiveDate = b.parse().unwrap();
            today.years_since(b).unwrap()
        })
        .collect();
    assert!(
        ages.iter().all(|a| (70..=102).contains(a)),
        "ages from {:?} to {:?}",
        ages.iter().min(),
        ages.iter().max()
    );
    let under_80 = ages.iter().filter(|a| **a < 80).count();
    let over_90 = ages.iter().filter(|a| **a >= 90).count();
    assert!(
        under_80 > 3 * over_90,
        "{under_80} under 80, {over_90} over 90"
    );
    let women_over_90 = count(
        &conn,
        "SELECT count(*) FROM tenants WHERE title = 'Mme' AND birth_date <= '1936-11-28'",
    );
    let over_90_db = count(
        &conn,
        "SELECT count(*) FROM tenants WHERE birth_date <= '1936-11-28'",
    );
    assert!(
        women_over_90 * 3 > over_90_db * 2,
        "{women_over_90} women of {over_90_db} over 90"
    );

    let postcodes = texts(&conn, "SELECT DISTINCT postcode FROM tenants ORDER BY 1");
    let expected: Vec<String> = (1..=20).map(|n| format!("750{n:02}")).collect();
    assert_eq!(postcodes, expected);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM tenants WHERE city <> 'Paris' OR address = ''"
        ),
        0
    );
    // Several tenants to a building, as in a landlord's estates.
    let buildings = count(
        &conn,
        "SELECT count(*) FROM (SELECT DISTINCT address, postcode, building FROM tenants)",
    );
    assert!(buildings < 400, "{buildings} buildings for 2000 tenants");

    let names = texts(&conn, "SELECT first_name || ' ' || last_name FROM tenants");
    assert!(names.iter().any(|n| n.contains('é')));
    assert!(
        names
            .iter()
            .any(|n| n.contains('è') || n.contains('ç') || n.contains('ë'))
    );
    let other_languages = count(&conn, "SELECT count(*) FROM tenants WHERE language <> 'fr'");
    assert!((20..=200).contains(&other_languages), "{other_languages}");
    let second_phone = count(
        &conn,
        "SELECT count(*) FROM tenants WHERE phone_alt IS NOT NULL",
    );
    assert!((300..=800).contains(&second_phone), "{second_phone}");
    let notes = count(&conn, "SELECT count(*) FROM tenants WHERE notes <> ''");
    assert!((200..=800).contains(&notes), "{notes}");

    // Two cohorts: those living alone are called first.
    let misplaced = count(
        &conn,
        "SELECT count(*) FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
         WHERE (t.lives_alone = 1) <> (c.name = 'isolated 70+')",
    );
    assert_eq!(misplaced, 0);
    assert_eq!(
        texts(
            &conn,
            "SELECT name || ' ' || priority || ' ' || cadence_days FROM cohorts ORDER BY priority"
        ),
        ["isolated 70+ 1 7", "non-isolated 70+ 2 7"]
    );
    let organisations = count(&conn, "SELECT count(DISTINCT organisation) FROM operators");
    assert_eq!(organisations, 2);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM operators WHERE role = 'coordinator'"
        ),
        1
    );
    assert!(count(&conn, "SELECT count(*) FROM field_teams") >= 2);
}

#[test]
fn the_queue_is_not_empty_at_night() {
    let (dir, db) = default_demo();
    let conn = read(&db);
    assert_eq!(
        texts(
            &conn,
            "SELECT value FROM settings WHERE key = 'calling_hours'"
        ),
        ["00:00-24:00"]
    );
    assert_eq!(
        texts(&conn, "SELECT value FROM settings WHERE key = 'demo'"),
        ["1"]
    );
    let out = veille(dir.path())
        .args([
            "--db",
            db.to_str().unwrap(),
            "--now",
            NIGHT,
            "queue",
            "--limit",
            "5",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("70+")).collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert!(lines[0].contains("isolated 70+"), "{stdout}");
}

#[test]
fn history_fills_every_screen() {
    let (_dir, db) = default_demo();
    let conn = read(&db);
    let calls = count(&conn, "SELECT count(*) FROM calls");
    assert!(calls > 4000, "{calls} calls");
    let share = |outcomes: &str| {
        count(
            &conn,
            &format!("SELECT count(*) FROM calls WHERE outcome IN ({outcomes})"),
        ) as f64
            / calls as f64
    };
    let reached = share("'reached'");
    assert!((0.6..0.85).contains(&reached), "reached {reached}");
    let unanswered = share("'no_answer', 'voicemail', 'busy'");
    assert!((0.1..0.35).contains(&unanswered), "unanswered {unanswered}");
    let callbacks = share("'callback_requested'");
    assert!((0.01..0.08).contains(&callbacks), "callbacks {callbacks}");
    let rare = share("'refused', 'hospitalised', 'wrong_number', 'deceased_reported'");
    assert!(rare > 0.0 && rare < 0.03, "rare outcomes {rare}");
    assert_eq!(
        count(&conn, "SELECT count(DISTINCT outcome) FROM calls"),
        9,
        "every outcome appears"
    );

    // Needs: about 5% of tenants for health and for food, and the other kinds.
    for category in ["health", "food"] {
        let tenants = count(
            &conn,
            &format!("SELECT count(DISTINCT tenant_id) FROM needs WHERE category = '{category}'"),
        );
        assert!(
            (40..=200).contains(&tenants),
            "{tenants} tenants with a {category} need"
        );
    }
    assert_eq!(
        count(&conn, "SELECT count(DISTINCT category) FROM needs"),
        8
    );

    let referral_statuses = count(&conn, "SELECT count(DISTINCT status) FROM referrals");
    assert_eq!(
        referral_statuses, 5,
        "proposed, sent, in progress, done, declined"
    );
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM referrals WHERE follow_up_on IS NOT NULL"
        ) > 20
    );
    // Every referral's history ends with its current status.
    let out_of_step = count(
        &conn,
        "SELECT count(*) FROM referrals r WHERE r.status <> (SELECT e.status FROM referral_events e
           WHERE e.referral_id = r.id ORDER BY e.at DESC, e.id DESC LIMIT 1)",
    );
    assert_eq!(out_of_step, 0);

    let open = count(
        &conn,
        "SELECT count(*) FROM interventions WHERE status IN ('requested', 'assigned')",
    );
    let done = count(
        &conn,
        "SELECT count(*) FROM interventions WHERE status = 'done'",
    );
    assert!(open > 0 && done > 0, "{open} open, {done} done");
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM interventions WHERE kind = 'accompaniment'"
        ) > 0
            && count(
                &conn,
                "SELECT count(*) FROM interventions WHERE kind = 'welfare_visit'"
            ) > 0
    );
    let out_of_step = count(
        &conn,
        "SELECT count(*) FROM interventions i WHERE i.status <> (SELECT e.status FROM intervention_events e
           WHERE e.intervention_id = i.id ORDER BY e.at DESC, e.id DESC LIMIT 1)",
    );
    assert_eq!(out_of_step, 0);

    // Calls are made in shifts, by the operator of the shift, and nothing is dated after now.
    let outside = count(
        &conn,
        "SELECT count(*) FROM calls c JOIN shifts s ON s.id = c.shift_id
         WHERE s.operator_id <> c.operator_id OR c.started_at < s.started_at OR c.ended_at > s.ended_at",
    );
    assert_eq!(outside, 0);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM calls WHERE shift_id IS NULL"),
        0
    );
    let latest = texts(
        &conn,
        "SELECT max(at) FROM (SELECT ended_at AS at FROM calls UNION ALL SELECT ended_at FROM shifts
         UNION ALL SELECT at FROM referral_events UNION ALL SELECT at FROM intervention_events)",
    );
    assert!(
        latest[0].as_str() <= "2026-11-28T02:00:00.000Z",
        "{latest:?}"
    );
    // The file is sound, and every reference points at a row.
    assert_eq!(texts(&conn, "PRAGMA integrity_check"), ["ok"]);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
}

/// The tenant's schedule as the rules make it from their calls.
#[derive(Debug, PartialEq)]
struct Schedule {
    status: String,
    due_at: Option<String>,
    paused_until: Option<String>,
    callback_at: Option<String>,
    attempts_day: Option<String>,
    attempts_count: u32,
    last_call_at: Option<String>,
    last_outcome: Option<String>,
    flag: Option<String>,
}

#[test]
fn schedules_are_what_the_rules_make_of_the_calls() {
    let (_dir, db) = small_demo();
    let store = Store::open(&db).unwrap();
    let rules = store.rules().unwrap();
    drop(store);
    let conn = read(&db);
    let ts = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();

    /// A call's end, outcome, callback, hospital date, and whether it was an emergency.
    type CallRow = (String, String, Option<String>, Option<String>, bool);
    let mut calls: HashMap<i64, Vec<CallRow>> = HashMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT tenant_id, ended_at, outcome, callback_at, hospitalised_until,
                    EXISTS (SELECT 1 FROM emergencies e WHERE e.call_id = calls.id)
             FROM calls ORDER BY tenant_id, ended_at",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
            ))
        })
        .unwrap();
    for row in rows {
        let (tenant, call) = row.unwrap();
        calls.entry(tenant).or_default().push(call);
    }

    let mut stmt = conn
        .prepare(
            "SELECT t.id, c.cadence_days, c.starts_on, t.status, t.due_at, t.paused_until,
                    t.callback_at, t.attempts_day, t.attempts_count, t.last_call_at,
                    t.last_outcome, t.flag
             FROM tenants t JOIN cohorts c ON c.id = t.cohort_id ORDER BY t.id",
        )
        .unwrap();
    let tenants: Vec<(i64, u32, String, Schedule)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                Schedule {
                    status: r.get(3)?,
                    due_at: r.get(4)?,
                    paused_until: r.get(5)?,
                    callback_at: r.get(6)?,
                    attempts_day: r.get(7)?,
                    attempts_count: r.get(8)?,
                    last_call_at: r.get(9)?,
                    last_outcome: r.get(10)?,
                    flag: r.get(11)?,
                },
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();

    let now = utc(NIGHT);
    let (mut due_now, mut never_called) = (0, 0);
    for (id, cadence, starts_on, stored) in &tenants {
        let starts_on: NaiveDate = starts_on.parse().unwrap();
        let mut expected = Schedule {
            status: "active".into(),
            due_at: Some(ts(rules.hours.opening_on(starts_on, rules.tz))),
            paused_until: None,
            callback_at: None,
            attempts_day: None,
            attempts_count: 0,
            last_call_at: None,
            last_outcome: None,
            flag: None,
        };
        let mut attempts: Option<Attempts> = None;
        for (ended, outcome, callback_at, until, emergency) in calls.get(id).into_iter().flatten() {
            let end = utc(ended);
            let outcome = Outcome::from_code(outcome).unwrap();
            let mut next = next_call(
                &rules,
                end,
                *cadence,
                attempts,
                &CallResult {
                    outcome,
                    callback_at: callback_at.as_deref().map(utc),
                    callback_operator: None,
                    hospitalised_until: until.as_deref().map(|d| d.parse().unwrap()),
                },
            )
            .unwrap();
            if *emergency && next.due_at.is_some() {
                // An emergency is called again the same day.
                next.due_at = Some(follow_up_call(next.due_at, end, rules.emergency_callback));
            }
            attempts = next.attempts;
            expected = Schedule {
                status: next.status.code().into(),
                due_at: next.due_at.map(ts),
                paused_until: next.paused_until.map(|d| d.to_string()),
                callback_at: next.callback_at.map(ts),
                attempts_day: next.attempts.map(|a| a.day.to_string()),
                attempts_count: next.attempts.map_or(0, |a| a.count),
                last_call_at: Some(ended.clone()),
                last_outcome: Some(outcome.code().into()),
                flag: next.flag.map(|f| f.code().to_string()).or(expected.flag),
            };
        }
        assert_eq!(stored, &expected, "tenant {id}");
        if !calls.contains_key(id) {
            never_called += 1;
        }
        if stored.due_at.as_deref().is_some_and(|d| utc(d) <= now) {
            due_now += 1;
        }
    }
    assert!(never_called < 100, "{never_called} tenants never called");
    assert!((100..=800).contains(&due_now), "{due_now} tenants due now");

    // Callbacks: a few due today, and any kept for one operator is for a real, active one.
    let today = count(
        &conn,
        "SELECT count(*) FROM tenants WHERE callback_at >= '2026-11-27T23:00:00.000Z'
           AND callback_at < '2026-11-28T23:00:00.000Z'",
    );
    assert!((1..=40).contains(&today), "{today} callbacks today");
    let kept = count(
        &conn,
        "SELECT count(*) FROM tenants WHERE callback_operator_id IS NOT NULL",
    );
    let kept_by_someone = count(
        &conn,
        "SELECT count(*) FROM tenants t JOIN operators o ON o.id = t.callback_operator_id
         WHERE o.active = 1 AND o.role = 'operator' AND t.callback_at IS NOT NULL",
    );
    assert_eq!(kept, kept_by_someone);
    // Nobody is held: no claim is open in a fresh demo.
    assert_eq!(count(&conn, "SELECT count(*) FROM claims"), 0);
}

#[test]
fn a_database_the_demo_did_not_make_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("veille.db");
    veille(dir.path())
        .args(["--db", db.to_str().unwrap(), "init"])
        .assert()
        .success();
    let before = std::fs::read(&db).unwrap();
    let files = files_in(dir.path());
    let out = demo(dir.path(), &db, &["--tenants", "50"]).failure();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains(db.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("not a demo database"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(files_in(dir.path()), files);

    // Nor a file that is no database at all.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "liste des locataires à rappeler").unwrap();
    demo(dir.path(), &notes, &["--tenants", "50"]).failure();
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "liste des locataires à rappeler"
    );
}

#[test]
fn running_the_demo_again_makes_a_fresh_one_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo(dir.path(), &db, &["--tenants", "200", "--seed", "1"]).success();
    // A trainee works in it: takes a tenant.
    let mut store = Store::open(&db).unwrap();
    let rules = store.rules().unwrap();
    let operator = store.operator("nadia.benali").unwrap().id;
    assert!(
        store
            .claim_next(operator, utc(NIGHT), &rules)
            .unwrap()
            .is_some()
    );
    drop(store);

    // Without a terminal to ask on, the demo is replaced.
    demo(dir.path(), &db, &["--tenants", "200", "--seed", "2"]).success();
    let fresh = dir.path().join("fresh.db");
    demo(dir.path(), &fresh, &["--tenants", "200", "--seed", "2"]).success();
    let (replaced, fresh) = (read(&db), read(&fresh));
    for table in TABLES {
        assert_eq!(digest(&replaced, table), digest(&fresh, table), "{table}");
    }
    assert_eq!(count(&replaced, "SELECT count(*) FROM claims"), 0);
    drop((replaced, fresh));
    assert_eq!(
        files_in(dir.path()),
        BTreeSet::from(["demo.db".to_string(), "fresh.db".to_string()]),
        "no journal or half-made file is left behind"
    );
}

#[test]
fn without_db_the_demo_has_a_file_of_its_own() {
    let home = tempfile::tempdir().unwrap();
    let out = veille(home.path())
        .args(["--now", NIGHT, "demo", "--no-tui", "--tenants", "50"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let data = home.path().join("data").join("veille");
    let demo_db = data.join("demo.db");
    assert!(demo_db.exists(), "{stdout}");
    assert!(!data.join("veille.db").exists());
    assert!(stdout.contains(demo_db.to_str().unwrap()), "{stdout}");
    assert!(
        stdout.contains(&format!("veille --db {}", demo_db.display())),
        "{stdout}"
    );
    assert!(stdout.contains("50 tenants"), "{stdout}");
}

#[test]
fn sizes_out_of_range_are_refused_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = demo(dir.path(), &db, &["--tenants", "0"]).failure();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--tenants 0 is out of range"), "{stderr}");
    let out = demo(dir.path(), &db, &["--weeks", "500"]).failure();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--weeks 500 is out of range"), "{stderr}");
    assert!(!db.exists());
}

/// The demo reads like the 2020 program it is calibrated on (docs/REPORT.md, "The
/// demo"): about 5% of the seniors oriented to a service in ten weeks, health and food
/// about equally and transport less, field interventions for 2-3% of those oriented, a
/// second cohort taken on half-way, shifts of a few hours and calls of a few minutes;
/// every emergency is recorded with its protocol.
#[test]
fn a_ten_week_demo_reads_like_the_2020_program() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo(dir.path(), &db, &["--tenants", "20000", "--weeks", "10"]).success();
    let conn = read(&db);
    let real = |sql: &str| -> f64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };

    let oriented = count(&conn, "SELECT count(DISTINCT tenant_id) FROM referrals");
    let share = oriented as f64 / 20_000.0;
    assert!((0.035..0.065).contains(&share), "{share} oriented");
    let referrals = |category: &str| {
        count(
            &conn,
            &format!("SELECT count(*) FROM referrals WHERE category = '{category}'"),
        ) as f64
    };
    let (health, food, transport) = (
        referrals("health"),
        referrals("food"),
        referrals("transport"),
    );
    assert!(
        (0.75..1.33).contains(&(health / food)),
        "{health} health, {food} food"
    );
    assert!(transport < 0.6 * health.min(food), "{transport} transport");
    let interventions = count(&conn, "SELECT count(*) FROM interventions") as f64;
    let per_oriented = interventions / oriented as f64;
    assert!(
        (0.01..0.045).contains(&per_oriented),
        "{interventions} interventions for {oriented} oriented"
    );

    let second_cohort_days =
        real("SELECT julianday(max(starts_on)) - julianday(min(starts_on)) FROM cohorts");
    assert!(
        second_cohort_days >= 28.0,
        "second cohort {second_cohort_days} days later"
    );
    let call_minutes = real(
        "SELECT avg(julianday(ended_at) - julianday(started_at)) * 1440 FROM calls
         WHERE outcome = 'reached'",
    );
    assert!(
        (3.0..7.0).contains(&call_minutes),
        "{call_minutes} min a call"
    );
    let short = real(
        "SELECT avg(julianday(ended_at) - julianday(started_at) <= 8.0 / 1440) FROM calls
         WHERE outcome = 'reached'",
    );
    assert!(short > 0.8, "{short} of the reached calls within 8 minutes");
    let shift_hours =
        real("SELECT avg(julianday(ended_at) - julianday(started_at)) * 24 FROM shifts");
    assert!((2.0..6.0).contains(&shift_hours), "{shift_hours} h a shift");
    // About 400 volunteers for 40,000 seniors, each giving a few half-days a week.
    let operators = count(
        &conn,
        "SELECT count(*) FROM operators WHERE role = 'operator'",
    );
    assert!((180..=220).contains(&operators), "{operators} operators");
    let shifts_a_week =
        count(&conn, "SELECT count(*) FROM shifts") as f64 / operators as f64 / 10.0;
    assert!(
        (2.0..3.5).contains(&shifts_a_week),
        "{shifts_a_week} shifts a week per operator"
    );

    // Emergencies: each urgent call has its protocol; an emergency request leaves no
    // "why no request"; the others say why.
    assert!(count(&conn, "SELECT count(*) FROM emergencies") > 5);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM calls c WHERE wellbeing = 'urgent'
               AND NOT EXISTS (SELECT 1 FROM emergencies e WHERE e.call_id = c.id)"
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM emergencies e WHERE e.decision = ''
               OR (e.no_request_reason = '') <> EXISTS (SELECT 1 FROM interventions i
                    WHERE i.call_id = e.call_id AND i.urgency = 'emergency')"
        ),
        0
    );
    // A coordinator took each, within the hour, but for at most two of the last two days.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM emergencies WHERE taken_at IS NOT NULL
               AND (taken_by IS NULL OR taken_at < at
                    OR (julianday(taken_at) - julianday(at)) * 24 > 1)"
        ),
        0
    );
    let waiting = texts(&conn, "SELECT at FROM emergencies WHERE taken_at IS NULL");
    assert!(
        waiting.len() <= 2 && waiting.iter().all(|at| at.as_str() >= "2026-11-25"),
        "{waiting:?}"
    );
    // The program's own check of its records agrees.
    veille(dir.path())
        .args(["--db", db.to_str().unwrap(), "doctor"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "ok   records      every call holds only the fields of its outcome",
        ));
}

/// The demo names its cohorts in the program's language, as `veille init` does.
#[test]
fn a_french_demo_names_its_cohorts_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo(dir.path(), &db, &["--tenants", "50", "--lang", "fr"]).success();
    assert_eq!(
        texts(&read(&db), "SELECT name FROM cohorts ORDER BY priority"),
        ["isolés 70+", "non isolés 70+"]
    );
}

/// A coordinator whose system speaks French reads every command in French: the words
/// of each output, the names of outcomes, needs and statuses, and none of the English.
#[test]
fn every_command_answers_in_french_when_the_system_speaks_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo(dir.path(), &db, &["--tenants", "400", "--weeks", "2"]).success();
    let login: String = read(&db)
        .query_row(
            "SELECT o.login FROM operators o JOIN shifts s ON s.operator_id = o.id
             GROUP BY o.id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let export = dir.path().join("orientations.csv");
    let export = export.to_str().unwrap();
    let commands: [(&[&str], &[&str]); 15] = [
        (
            &["report"],
            &["Bilan du programme", "Locataires joints", "Pas de réponse"],
        ),
        (
            &["board"],
            &[
                "Tableau de bord",
                "à appeler maintenant",
                "Prévision à dimanche",
            ],
        ),
        (&["plan"], &["Plan de la semaine", "heures d'opérateurs"]),
        (
            &["summary", "--operator", &login],
            &["Résumé de", "Appels passés", "Résultats"],
        ),
        (&["queue"], &["prévu / rappel", "cohorte"]),
        (&["doctor"], &["Base :", "intégrité", "sauvegarde"]),
        (&["referrals", "list"], &[]),
        (&["interventions", "list"], &[]),
        (&["operators"], &["coordinateur", "opérateur"]),
        (&["teams", "list"], &["active"]),
        (&["tenants", "flagged"], &["Faux numéro"]),
        (
            &["settings", "show"],
            &["unknown_lives_alone_counts_as_alone oui"],
        ),
        (
            &["export", "referrals", "--output", export],
            &["orientations écrits dans"],
        ),
        (&["tenants", "show", "LP-000001"], &["  appel ", "statut"]),
        (&["audit", "--limit", "3"], &["fiche consultée", "export"]),
    ];
    // Words of the English outputs, one or more per command.
    let english = [
        "Program report",
        "Tenants reached",
        "No answer",
        "Board at",
        "due now",
        "Forecast",
        "Plan for the week",
        "Summary of",
        "Calls made",
        "Outcomes",
        "Nobody to call",
        "Database:",
        "integrity",
        "OVERDUE",
        "requested",
        "signed in",
        " yes",
        "written to",
    ];
    for (args, french) in commands {
        let out = veille(dir.path())
            .env("LANG", "fr_FR.UTF-8")
            .args(["--db", db.to_str().unwrap(), "--now", NIGHT])
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || args == ["doctor"],
            "{args:?}: {err}"
        );
        for words in french {
            assert!(text.contains(words), "{args:?} lacks {words:?}:\n{text}");
        }
        for words in english {
            assert!(!text.contains(words), "{args:?} says {words:?}:\n{text}");
        }
        assert!(!text.is_empty(), "{args:?} printed nothing");
    }
}
