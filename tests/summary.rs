//! The end-of-shift summary, the handover note and handing callbacks over: the store
//! on real files, and `veille summary` as a process.

mod activity;
mod common;

use activity::{A, B, C, D, F, LOOKED_AT, Scenario, scenario};
use common::{utc, veille};
use predicates::prelude::*;
use veille::domain::period::Period;
use veille::domain::{InterventionKind, NeedCategory, Outcome, Urgency, Wellbeing};
use veille::store::StoreError;

fn looked_at() -> chrono::DateTime<chrono::Utc> {
    utc(LOOKED_AT)
}

#[test]
fn a_shift_summary_counts_what_its_operator_did_and_what_is_left() {
    let s = scenario();
    let store = s.store();
    let sum = store.shift_summary(s.op1_shift, looked_at()).unwrap();

    assert_eq!(sum.operator_login, "op1");
    assert_eq!(sum.shift_id, Some(s.op1_shift));
    assert_eq!(sum.shifts.len(), 1);
    assert_eq!(sum.shifts[0].ended_at, None, "the shift is still open");
    assert_eq!(sum.worked_minutes, 195, "08:55 to 12:10");
    assert_eq!(sum.calls_made, 7);
    assert_eq!(sum.emergencies, 1, "D's urgent call");
    // a twice, b twice: people are counted once.
    assert_eq!(sum.tenants_called_unique, 5);
    assert_eq!(sum.tenants_reached_unique, 2);
    let outcomes: Vec<(Outcome, u64)> = sum
        .calls_by_outcome
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(o, n)| (*o, *n))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Outcome::Reached, 3),
            (Outcome::NoAnswer, 1),
            (Outcome::Busy, 1),
            (Outcome::Refused, 1),
            (Outcome::CallbackRequested, 1),
        ]
    );
    assert_eq!(
        sum.calls_by_outcome.len(),
        Outcome::ALL.len(),
        "zeros included"
    );

    assert_eq!(sum.callbacks_promised.len(), 1);
    let cb = &sum.callbacks_promised[0];
    assert_eq!(
        (cb.tenant_id, cb.callback_at, cb.only_me),
        (C, utc("2026-11-28T15:00:00Z"), true)
    );
    assert_eq!(sum.callbacks_kept_for_operator, sum.callbacks_promised);

    assert_eq!(sum.needs_by_category[&NeedCategory::Health], 1);
    assert_eq!(sum.needs_by_category[&NeedCategory::Food], 1);
    assert_eq!(sum.needs_by_category.values().sum::<u64>(), 2);

    assert_eq!(sum.referrals_made, 4);
    assert_eq!(sum.referrals_by_category[&NeedCategory::Health], 1);
    assert_eq!(sum.referrals_by_category[&NeedCategory::Food], 2);
    assert_eq!(sum.referrals_by_category[&NeedCategory::Transport], 1);
    let services: Vec<(&str, u64)> = sum
        .referrals_by_service
        .iter()
        .map(|r| (r.service_code.as_str(), r.referrals))
        .collect();
    assert_eq!(
        services,
        [("meal_delivery", 2), ("gp", 1), ("mobility_service", 1)]
    );

    let interventions: Vec<(i64, InterventionKind, Urgency)> = sum
        .interventions_requested
        .iter()
        .map(|i| (i.tenant_id, i.kind, i.urgency))
        .collect();
    assert_eq!(
        interventions,
        [
            (D, InterventionKind::WelfareVisit, Urgency::Emergency),
            (A, InterventionKind::Accompaniment, Urgency::Urgent),
        ],
        "most urgent first"
    );

    // a was "worried" then "fine": still named, with the call that found it.
    let concern: Vec<(i64, Wellbeing)> = sum
        .tenants_of_concern
        .iter()
        .map(|c| (c.tenant_id, c.wellbeing))
        .collect();
    assert_eq!(concern, [(D, Wellbeing::Urgent), (A, Wellbeing::Worried)]);
    assert_eq!(
        sum.tenants_of_concern[1].call_ended_at,
        utc("2026-11-28T09:05:00Z")
    );
    assert!(sum.tenants_of_concern[1].tenant_name.contains("Hélène"));

    let held: Vec<i64> = sum
        .tenants_still_claimed
        .iter()
        .map(|c| c.tenant_id)
        .collect();
    assert_eq!(held, [F]);
    assert!(sum.unsaved_drafts.is_empty());
    assert!(sum.has_loose_ends());
}

#[test]
fn summary_figures_match_sql_written_here() {
    let s = scenario();
    let store = s.store();
    let sum = store.shift_summary(s.op1_shift, looked_at()).unwrap();
    let window = "operator_id = (SELECT id FROM operators WHERE login = 'op1')
        AND ended_at >= '2026-11-28T08:55:00.000Z' AND ended_at <= '2026-11-28T12:10:00.000Z'";
    assert_eq!(
        sum.calls_made as i64,
        s.count(&format!("SELECT count(*) FROM calls WHERE {window}"))
    );
    assert_eq!(
        sum.tenants_called_unique as i64,
        s.count(&format!(
            "SELECT count(DISTINCT tenant_id) FROM calls WHERE {window}"
        ))
    );
    assert_eq!(
        sum.tenants_reached_unique as i64,
        s.count(&format!(
            "SELECT count(DISTINCT tenant_id) FROM calls WHERE outcome = 'reached' AND {window}"
        ))
    );
    assert_eq!(
        sum.referrals_made as i64,
        s.count(
            "SELECT count(*) FROM referrals WHERE created_by = (SELECT id FROM operators WHERE login = 'op1')"
        )
    );
    assert_eq!(
        sum.needs_by_category.values().sum::<u64>() as i64,
        s.count(&format!(
            "SELECT count(*) FROM needs WHERE call_id IN (SELECT id FROM calls WHERE {window})"
        ))
    );
}

#[test]
fn a_period_summary_covers_whole_local_days_and_the_shifts_in_them() {
    let s = scenario();
    let store = s.store();
    let tz = store.rules().unwrap().tz;
    // op2 reached h at 23:25 UTC on 22/11, which is already 23/11 in Paris.
    let week = Period::new("2026-11-23".parse().unwrap(), "2026-11-28".parse().unwrap()).unwrap();
    let sum = store.period_summary(s.op2, week, looked_at(), tz).unwrap();
    assert_eq!(sum.shift_id, None);
    assert_eq!(sum.calls_made, 3);
    assert_eq!(sum.tenants_reached_unique, 3);
    assert_eq!(sum.referrals_made, 1);
    assert_eq!(sum.shifts.len(), 1);
    assert_eq!(sum.worked_minutes, 140, "09:50 to 12:10");
    assert!(!sum.has_loose_ends());

    let sunday = Period::day("2026-11-22".parse().unwrap());
    let sum = store
        .period_summary(s.op2, sunday, looked_at(), tz)
        .unwrap();
    assert_eq!(sum.calls_made, 0, "the call belongs to Monday in Paris");
}

#[test]
fn an_ended_shift_stops_at_its_end_and_a_dead_one_at_the_next_shift() {
    let s = scenario();
    let mut store = s.store();
    let rules = store.rules().unwrap();
    let end = utc("2026-11-28T12:05:00Z");
    // This terminal is the one calling f (taking the claim again renews it).
    store.claim_tenant(s.op1, F, end, &rules).unwrap();
    store.end_shift(s.op1_shift, end).unwrap();

    // A later shift of op1 on another terminal: its call is not the first shift's.
    let second = store
        .start_shift(s.op1, utc("2026-11-28T13:00:00Z"))
        .unwrap();
    activity::call(
        &mut store,
        &rules,
        s.op1,
        Some(second),
        D,
        utc("2026-11-28T13:10:00Z"),
        5,
        Outcome::NoAnswer,
        |_, _| {},
    );
    let later = utc("2026-11-28T14:00:00Z");
    let first = store.shift_summary(s.op1_shift, later).unwrap();
    assert_eq!(first.calls_made, 7);
    assert_eq!(first.shifts[0].ended_at, Some(end));
    assert_eq!(first.worked_minutes, 190);
    assert!(
        first.tenants_still_claimed.is_empty(),
        "ending the shift let f go"
    );
    assert_eq!(store.last_shift(s.op1).unwrap(), Some(second));
    let now = store.shift_summary(second, later).unwrap();
    assert_eq!((now.calls_made, now.worked_minutes), (1, 60));

    // op2's terminal died without ending the shift; op2 signs in again at 15:00 the
    // same day and goes on with it.
    let op2_again = store
        .start_shift(s.op2, utc("2026-11-28T15:00:00Z"))
        .unwrap();
    assert_eq!(op2_again, s.op2_shift);
    activity::call(
        &mut store,
        &rules,
        s.op2,
        Some(op2_again),
        A,
        utc("2026-11-28T15:10:00Z"),
        5,
        Outcome::Reached,
        |_, _| {},
    );
    // The terminal dies again; the next day's sign-in closes the shift at its last call.
    let next_day = store
        .start_shift(s.op2, utc("2026-11-29T08:00:00Z"))
        .unwrap();
    assert_ne!(next_day, s.op2_shift);
    let dead = store
        .shift_summary(s.op2_shift, utc("2026-11-29T16:00:00Z"))
        .unwrap();
    assert_eq!(dead.calls_made, 3, "the calls before and after the crash");
    assert_eq!(
        dead.worked_minutes, 325,
        "09:50 to the last call's end, 15:15"
    );
}

#[test]
fn the_handover_note_is_written_by_its_operator_and_read_by_the_next_shift() {
    let s = scenario();
    let mut store = s.store();
    let tz = store.rules().unwrap().tz;
    let at = utc("2026-11-28T12:06:00Z");
    let note = "Mme c attend un rappel à 16h.\nLe portage de repas de d démarre lundi.";
    store
        .write_handover_note(s.op1_shift, s.op1, &format!("  {note}\n"), at)
        .unwrap();
    store.end_shift(s.op1_shift, at).unwrap();

    let err = store
        .write_handover_note(s.op1_shift, s.op2, "not mine", at)
        .unwrap_err();
    assert!(err.to_string().contains("colleague"), "{err}");
    assert!(matches!(
        store.write_handover_note(999, s.op1, "x", at),
        Err(StoreError::NotFound(_))
    ));

    let today = Period::day("2026-11-28".parse().unwrap());
    let notes = store.handover_notes(today, tz).unwrap();
    assert_eq!(notes.len(), 1, "op2 wrote none");
    assert_eq!(notes[0].note, note);
    assert_eq!(notes[0].operator_name, "Opérateur 1");
    let tomorrow = Period::day("2026-11-29".parse().unwrap());
    assert!(store.handover_notes(tomorrow, tz).unwrap().is_empty());

    let sum = store.shift_summary(s.op1_shift, at).unwrap();
    assert_eq!(sum.shifts[0].handover_note, note);
    assert_eq!(
        s.count("SELECT count(*) FROM audit_log WHERE action = 'handover_note'"),
        1
    );
    assert_eq!(
        s.count("SELECT count(*) FROM audit_log WHERE details LIKE '%rappel%'"),
        0,
        "the log does not copy the note"
    );
}

#[test]
fn callbacks_kept_for_oneself_can_go_to_the_team_or_to_a_colleague() {
    let s: Scenario = scenario();
    let mut store = s.store();
    let rules = store.rules().unwrap();
    // At 15:05 c's callback is due but still waits for op1 (15 minutes' grace).
    let at = utc("2026-11-28T15:05:00Z");
    let first_for = |store: &veille::store::Store, op| {
        store
            .queue(op, at, &rules, 20)
            .unwrap()
            .first()
            .map(|e| e.tenant.id)
    };
    assert!(
        store
            .queue(s.op2, at, &rules, 20)
            .unwrap()
            .iter()
            .all(|e| e.tenant.id != C)
    );

    assert!(
        store.hand_over_callbacks(s.op1, Some(s.op1), at).is_err(),
        "not to oneself"
    );
    assert!(matches!(
        store.hand_over_callbacks(s.op1, Some(999), at),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.tenant(C).unwrap().callback_operator_id, Some(s.op1));

    let handed = store.hand_over_callbacks(s.op1, None, at).unwrap();
    assert_eq!(handed, [C]);
    assert_eq!(store.tenant(C).unwrap().callback_operator_id, None);
    assert_eq!(first_for(&store, s.op2), Some(C), "anyone may call c now");
    assert_eq!(
        s.count(
            "SELECT count(*) FROM audit_log WHERE action = 'hand_over_callback' AND tenant_id = 2"
        ),
        1
    );
    assert!(
        store
            .hand_over_callbacks(s.op1, None, at)
            .unwrap()
            .is_empty()
    );

    // A callback kept for op1 again, handed to op2 by name: op2 gets it first.
    activity::call(
        &mut store,
        &rules,
        s.op1,
        None,
        B,
        utc("2026-11-28T14:00:00Z"),
        3,
        Outcome::CallbackRequested,
        |_, c| {
            c.callback_at = Some(utc("2026-11-28T15:00:00Z"));
            c.callback_only_me = true;
        },
    );
    let sum = store
        .period_summary(
            s.op1,
            Period::day("2026-11-28".parse().unwrap()),
            at,
            rules.tz,
        )
        .unwrap();
    assert_eq!(sum.callbacks_kept_for_operator.len(), 1);
    assert_eq!(
        store.hand_over_callbacks(s.op1, Some(s.op2), at).unwrap(),
        [B]
    );
    assert_eq!(store.tenant(B).unwrap().callback_operator_id, Some(s.op2));
    assert_eq!(first_for(&store, s.op2), Some(B));
    let sum = store
        .period_summary(
            s.op1,
            Period::day("2026-11-28".parse().unwrap()),
            at,
            rules.tz,
        )
        .unwrap();
    assert!(sum.callbacks_kept_for_operator.is_empty());
    assert!(
        !sum.callbacks_promised.iter().any(|c| c.only_me),
        "no longer kept for op1"
    );
}

fn summary(s: &Scenario) -> assert_cmd::Command {
    let mut cmd = veille();
    cmd.arg("--db")
        .arg(&s.path)
        .args(["--now", LOOKED_AT, "summary"]);
    cmd
}

#[test]
fn the_summary_command_shows_the_last_shift_as_text_and_json() {
    let s = scenario();
    summary(&s)
        .args(["--operator", "op1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Summary of Opérateur 1 (op1), shift 1")
                .and(predicate::str::contains(
                    "from 28/11/2026 09:55, still open (3 h 15 min so far)",
                ))
                .and(predicate::str::contains("Calls made              7"))
                .and(predicate::str::contains(
                    "Tenants reached         2 (people)",
                ))
                .and(predicate::str::contains(
                    "No answer 1 · Busy 1 · Voicemail 0",
                ))
                .and(predicate::str::contains(
                    "28/11/2026 16:00  Hélène Locataire2 (kept for you)",
                ))
                .and(predicate::str::contains("EMERGENCY Welfare visit"))
                .and(predicate::str::contains("URGENT   Hélène Locataire3"))
                .and(predicate::str::contains("Still held by you"))
                .and(predicate::str::contains("Meal delivery at home")),
        );
    let out = summary(&s)
        .args([
            "--operator",
            "op2",
            "--since",
            "23/11/2026",
            "--until",
            "2026-11-28",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["operator_login"], "op2");
    assert_eq!(v["shift_id"], serde_json::Value::Null);
    assert_eq!(v["calls_made"], 3);
    assert_eq!(v["tenants_reached_unique"], 3);
    assert_eq!(v["calls_by_outcome"]["reached"], 3);
    assert_eq!(v["calls_by_outcome"]["voicemail"], 0);
    assert_eq!(v["referrals_by_category"]["health"], 1);
    assert_eq!(v["from"], "2026-11-22T23:00:00.000Z");
    // Once ended, with its handover note.
    let mut store = s.store();
    let end = utc("2026-11-28T12:05:00Z");
    let rules = store.rules().unwrap();
    // This terminal is the one calling f (taking the claim again renews it).
    store.claim_tenant(s.op1, F, end, &rules).unwrap();
    store
        .write_handover_note(s.op1_shift, s.op1, "Rappeler Mme Locataire2 à 16h.", end)
        .unwrap();
    store.end_shift(s.op1_shift, end).unwrap();
    summary(&s)
        .args(["--operator", "op1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("  28/11/2026 09:55 – 13:05 (3 h 10 min)")
                .and(predicate::str::contains("Still held").not())
                .and(predicate::str::contains("Callbacks kept for you"))
                .and(predicate::str::contains(
                    "Handover note:\n  Rappeler Mme Locataire2 à 16h.",
                )),
        );
    // A shift chosen by number, without naming the operator.
    let out = summary(&s)
        .args(["--shift", &s.op2_shift.to_string(), "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["operator_login"], "op2");
    assert_eq!(v["calls_made"], 2);
}

#[test]
fn the_summary_command_refuses_what_it_cannot_answer_in_plain_words() {
    let s = scenario();
    summary(&s)
        .args(["--operator", "nobody"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no operator 'nobody'"));
    summary(&s)
        .args(["--operator", "op1", "--since", "31/02/2026"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("--since expects a day")
                .and(predicate::str::contains("'31/02/2026' is not a date")),
        );
    summary(&s)
        .args([
            "--operator",
            "op1",
            "--shift",
            "last",
            "--since",
            "28/11/2026",
        ])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    summary(&s)
        .args([
            "--operator",
            "op1",
            "--since",
            "28/11/2026",
            "--until",
            "01/11/2026",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("before it starts"));
    summary(&s)
        .args(["--shift", "yesterday"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--shift takes `last` or a shift number",
        ));
    summary(&s)
        .args(["--operator", "op1", "--shift", &s.op2_shift.to_string()])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "is Opérateur 2 (op2)'s, not op1's",
        ));
    summary(&s)
        .args(["--shift", "99"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("there is no shift 99"));
    summary(&s)
        .args(["--operator", "op3"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("has no shift on record")
                .and(predicate::str::contains("--since")),
        );
    // No operator named and nobody signed in on this machine.
    let home = tempfile::tempdir().unwrap();
    summary(&s)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("say whose summary: --operator ID"));
}
