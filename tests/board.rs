//! The coordinator's live board: each figure on a history where the answer is known, the
//! command as a user runs it, and saves going on while ten boards refresh.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, NaiveDate, Utc};
use common::{NOW, call, fixture, utc};
use veille::domain::shift::{Activity, BreakReason};
use veille::domain::{InterventionKind, Outcome, Urgency};
use veille::store::Store;

fn id(store: &Store, login: &str) -> i64 {
    store.operator(login).unwrap().id
}

fn tenant(conn: &rusqlite::Connection, reference: &str) -> i64 {
    conn.query_row(
        "SELECT id FROM tenants WHERE external_ref = ?1",
        [reference],
        |r| r.get(0),
    )
    .unwrap()
}

/// 10:00 UTC (11:00 in Paris), an hour after the fixture's tenants fell due.
fn later() -> DateTime<Utc> {
    utc(NOW) + Span::hours(1)
}

#[test]
fn the_board_says_who_does_what_and_what_waits() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 4, 10);
    let mut store = Store::open(&path).unwrap();
    store.set_setting("calling_hours", "00:00-24:00").unwrap();
    let rules = store.rules().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let at = |s: &str| utc(s);
    let t = |r: &str| tenant(&conn, r);
    let (op1, op2, op3, op4) = (
        id(&store, "op1"),
        id(&store, "op2"),
        id(&store, "op3"),
        id(&store, "op4"),
    );

    // op1 is on a call since 09:55; op2 saved a call at 09:30; op3 is in a meeting since
    // 09:45; op4's shift of yesterday was left open by a terminal that died.
    store.start_shift(op1, at("2026-11-28T09:00:00Z")).unwrap();
    store
        .claim_tenant(op1, t("T00000"), at("2026-11-28T09:55:00Z"), &rules)
        .unwrap();
    let shift2 = store.start_shift(op2, at("2026-11-28T08:00:00Z")).unwrap();
    let claim = store
        .claim_tenant(op2, t("T00001"), at("2026-11-28T09:25:00Z"), &rules)
        .unwrap();
    let mut saved = call(&claim, Outcome::Reached);
    saved.shift_id = Some(shift2);
    store
        .save_call(&saved, at("2026-11-28T09:30:00Z"), &rules)
        .unwrap();
    let shift3 = store.start_shift(op3, at("2026-11-28T08:30:00Z")).unwrap();
    store
        .start_break(
            shift3,
            BreakReason::Meeting,
            "équipe",
            at("2026-11-28T09:45:00Z"),
        )
        .unwrap();
    store.start_shift(op4, at("2026-11-27T08:00:00Z")).unwrap();
    // A claim whose lease ran out at 09:20 holds nobody.
    store
        .claim_tenant(op4, t("T00002"), at("2026-11-28T09:00:00Z"), &rules)
        .unwrap();

    // Schedules: one due this afternoon, one tomorrow; callbacks promised for 09:30
    // (late: the 15 minutes' grace ran out at 09:45) and 09:50 (not yet).
    let set = |sql: &str, reference: &str| {
        conn.execute(sql, [reference]).unwrap();
    };
    set(
        "UPDATE tenants SET due_at = '2026-11-28T15:00:00.000Z' WHERE external_ref = ?1",
        "T00003",
    );
    set(
        "UPDATE tenants SET due_at = '2026-11-29T09:00:00.000Z' WHERE external_ref = ?1",
        "T00004",
    );
    set(
        "UPDATE tenants SET due_at = '2026-11-28T09:30:00.000Z', callback_at = '2026-11-28T09:30:00.000Z' WHERE external_ref = ?1",
        "T00005",
    );
    set(
        "UPDATE tenants SET due_at = '2026-11-28T09:50:00.000Z', callback_at = '2026-11-28T09:50:00.000Z' WHERE external_ref = ?1",
        "T00006",
    );

    // Referrals: one past its follow-up date, one not yet, one past but done.
    let service = store.services().unwrap()[0].id;
    let yesterday: NaiveDate = "2026-11-27".parse().unwrap();
    let tomorrow: NaiveDate = "2026-11-29".parse().unwrap();
    for (reference, day) in [
        ("T00007", yesterday),
        ("T00008", tomorrow),
        ("T00009", yesterday),
    ] {
        store
            .create_referral(t(reference), service, "", Some(day), op2, utc(NOW))
            .unwrap();
    }
    conn.execute(
        "UPDATE referrals SET status = 'done' WHERE tenant_id = ?1",
        [t("T00009")],
    )
    .unwrap();

    // Requests: an emergency waiting since 09:30 (past the 15 minutes' alert), an urgent
    // one since 09:58, a routine one, and an emergency already given to a team.
    let request = |store: &mut Store, reference: &str, urgency, when: &str| {
        store
            .create_intervention(
                t(reference),
                InterventionKind::WelfareVisit,
                urgency,
                Some(at(when)),
                "",
                "ne répond plus",
                op2,
                at(when),
            )
            .unwrap()
    };
    let emergency = request(
        &mut store,
        "T00007",
        Urgency::Emergency,
        "2026-11-28T09:30:00Z",
    );
    let urgent = request(
        &mut store,
        "T00008",
        Urgency::Urgent,
        "2026-11-28T09:58:00Z",
    );
    request(
        &mut store,
        "T00009",
        Urgency::Routine,
        "2026-11-28T09:00:00Z",
    );
    let taken = request(
        &mut store,
        "T00003",
        Urgency::Emergency,
        "2026-11-28T09:10:00Z",
    );
    conn.execute(
        "UPDATE interventions SET status = 'assigned' WHERE id = ?1",
        [taken],
    )
    .unwrap();

    let board = store.board(later(), &rules).unwrap();
    let who: Vec<(&str, Activity, u64)> = board
        .operators
        .iter()
        .map(|o| (o.login.as_str(), o.activity, o.calls))
        .collect();
    assert_eq!(
        who,
        [
            (
                "op1",
                Activity::OnCall {
                    since: at("2026-11-28T09:55:00Z")
                },
                0
            ),
            (
                "op2",
                Activity::BetweenCalls {
                    since: at("2026-11-28T09:30:00Z")
                },
                1
            ),
            (
                "op3",
                Activity::OnBreak {
                    since: at("2026-11-28T09:45:00Z"),
                    reason: BreakReason::Meeting
                },
                0
            ),
        ]
    );
    assert_eq!(board.operators[2].break_note, "équipe");
    assert_eq!(board.calls_in_progress, 1);
    // Ten tenants: T00000 held, T00001 reached, T00003 this afternoon, T00004 tomorrow.
    assert_eq!(board.due_now, 6);
    assert_eq!(board.due_later_today, 1);
    assert_eq!(board.callbacks_late, 1);
    assert_eq!(board.referrals_overdue, 1);
    assert_eq!(board.oldest_follow_up, Some(yesterday));
    let waiting: Vec<(i64, Urgency, bool)> = board
        .unassigned
        .iter()
        .map(|r| (r.id, r.urgency, r.alert))
        .collect();
    assert_eq!(
        waiting,
        [
            (emergency, Urgency::Emergency, true),
            (urgent, Urgency::Urgent, false)
        ]
    );

    // Ending op3's shift ends the break; op1's claim saved, op1 is between calls.
    store.end_shift(shift3, later()).unwrap();
    assert_eq!(store.open_break(op3).unwrap(), None);
    let board = store.board(later(), &rules).unwrap();
    assert_eq!(board.operators.len(), 2);
}

#[test]
fn signing_in_again_ends_a_break_left_open_and_a_second_break_keeps_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 2);
    let mut store = Store::open(&path).unwrap();
    let op1 = id(&store, "op1");
    let shift = store.start_shift(op1, utc(NOW)).unwrap();
    let first = utc(NOW) + Span::minutes(10);
    store
        .start_break(shift, BreakReason::Rest, "", first)
        .unwrap();
    store
        .start_break(shift, BreakReason::Meal, "", first + Span::minutes(5))
        .unwrap();
    assert_eq!(
        store.open_break(op1).unwrap(),
        Some((first, BreakReason::Rest))
    );
    // The terminal died on the break; the operator signs in again.
    store.start_shift(op1, first + Span::minutes(20)).unwrap();
    assert_eq!(store.open_break(op1).unwrap(), None);
}

#[test]
fn veille_board_prints_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 6);
    let mut store = Store::open(&path).unwrap();
    let op1 = id(&store, "op1");
    store.start_shift(op1, utc(NOW)).unwrap();
    drop(store);
    let run = |format: &str| {
        let out = common::veille()
            .arg("--db")
            .arg(&path)
            .args(["--now", "2026-11-28T10:00:00Z", "board", "--format", format])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["due_now"], 6);
    assert_eq!(json["calls_in_progress"], 0);
    assert_eq!(json["operators"][0]["login"], "op1");
    assert_eq!(json["operators"][0]["activity"]["state"], "between_calls");
    assert_eq!(json["forecast"]["week_start"], "2026-11-23");
    let text = run("text");
    assert!(text.contains("Board at 28/11/2026 11:00"), "{text}");
    assert!(
        text.contains("1 signed in: 0 on a call, 1 between calls, 0 on a break"),
        "{text}"
    );
    assert_eq!(figure(&text, "due now"), "6", "{text}");
    assert!(text.contains("Opérateur 1"), "{text}");
    assert!(text.contains("Forecast to Sunday 29/11"), "{text}");
}

/// A board reads in a snapshot and never takes the write lock: a writer that may not
/// wait for the lock at all saves every call while ten boards refresh without pause.
#[test]
fn saves_go_on_while_ten_boards_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 300);
    common::all_day_demo(&path);
    let boards_done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let start = Arc::new(Barrier::new(11));
    let now = later();
    let readers: Vec<_> = (0..10)
        .map(|_| {
            let (path, done, reads, start) = (
                path.clone(),
                boards_done.clone(),
                reads.clone(),
                start.clone(),
            );
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                let rules = store.rules().unwrap();
                start.wait();
                while !done.load(Ordering::Relaxed) {
                    store.board(now, &rules).unwrap();
                    store.week_forecast(now, rules.tz).unwrap();
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    let mut store = Store::open(&path).unwrap();
    // No wait for the lock at all: a board holding it would make a save fail at once.
    store.set_retry_for(Duration::ZERO);
    let rules = store.rules().unwrap();
    let op1 = id(&store, "op1");
    start.wait();
    let began = Instant::now();
    let mut failed = Vec::new();
    let mut saved = 0;
    for i in 0..150 {
        let when = now + Span::seconds(i);
        match store.claim_next(op1, when, &rules) {
            Ok(Some(claim)) => match store.save_call(&call(&claim, Outcome::Reached), when, &rules)
            {
                Ok(_) => saved += 1,
                Err(e) => failed.push(format!("save {i}: {e}")),
            },
            Ok(None) => failed.push(format!("claim {i}: nobody due")),
            Err(e) => failed.push(format!("claim {i}: {e}")),
        }
    }
    let took = began.elapsed();
    boards_done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    let reads = reads.load(Ordering::Relaxed);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(saved, 150);
    assert!(reads >= 10, "the boards hardly read ({reads} reads)");
    eprintln!("150 claims and saves in {took:?} while ten boards read {reads} times");
    // The calls are all there, as the boards will see them.
    let board = store.board(now + Span::minutes(5), &rules).unwrap();
    assert_eq!(board.due_now, 150);
}

/// Calls saved with the emergency protocol wait on the board, oldest first, until a
/// coordinator takes them (the dispatch screen's `p`).
#[test]
fn emergencies_wait_on_the_board_until_a_coordinator_takes_them() {
    use veille::domain::Wellbeing;
    use veille::domain::emergency::{Protocol, ServicesCalled};
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 3, 5);
    let mut store = Store::open(&path).unwrap();
    store.set_setting("calling_hours", "00:00-24:00").unwrap();
    let rules = store.rules().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (op1, op3) = (id(&store, "op1"), id(&store, "op3"));
    let mut urgent = |reference: &str, when: &str| {
        let claim = store
            .claim_tenant(op1, tenant(&conn, reference), utc(when), &rules)
            .unwrap();
        let mut c = call(&claim, Outcome::Reached);
        c.wellbeing = Some(Wellbeing::Urgent);
        c.emergency = Some(Protocol {
            services: ServicesCalled::ByOperator,
            decision: "SAMU appelé".into(),
            no_request_reason: "Le SAMU se déplace".into(),
        });
        store
            .save_call(&c, utc(when) + Span::minutes(4), &rules)
            .unwrap();
    };
    urgent("T00002", "2026-11-28T09:20:00Z");
    urgent("T00001", "2026-11-28T09:05:00Z");

    let board = store.board(later(), &rules).unwrap();
    let waiting: Vec<(&str, &str)> = board
        .emergencies_waiting
        .iter()
        .map(|e| (e.tenant_name.as_str(), e.operator.as_str()))
        .collect();
    let name = |reference: &str| -> String {
        conn.query_row(
            "SELECT trim(first_name || ' ' || last_name) FROM tenants WHERE external_ref = ?1",
            [reference],
            |r| r.get(0),
        )
        .unwrap()
    };
    let op1_name = store.operator("op1").unwrap().name;
    assert_eq!(
        waiting,
        [
            (name("T00001").as_str(), op1_name.as_str()),
            (name("T00002").as_str(), op1_name.as_str())
        ]
    );
    assert!(board.emergencies_waiting[0].at < board.emergencies_waiting[1].at);

    store
        .take_emergency(board.emergencies_waiting[0].id, op3, later())
        .unwrap();
    let board = store.board(later(), &rules).unwrap();
    assert_eq!(board.emergencies_waiting.len(), 1);
    assert_eq!(board.emergencies_waiting[0].tenant_name, name("T00002"));
    // The JSON a wall display reads carries them too.
    let json = serde_json::to_value(&board).unwrap();
    assert_eq!(json["emergencies_waiting"].as_array().unwrap().len(), 1);
    // And so does `veille board` for a wall display.
    let out = common::veille()
        .arg("--db")
        .arg(&path)
        .args(["--now", "2026-11-28T10:00:00Z", "board"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(figure(&text, "emergencies to take"), "1", "{text}");
    assert!(
        text.contains(&format!(
            "    ! {} · call by {op1_name} · waiting",
            name("T00002")
        )),
        "{text}"
    );
}

/// The value of one figure of `veille board`'s text: what follows its name on its line.
fn figure<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(name))
        .map_or("(missing)", str::trim)
}
