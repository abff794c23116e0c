//! The no-answer ladder over simulated days on a fixed clock.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use chrono::{DateTime, Utc};
use common::utc;
use veille::domain::Outcome;
use veille::store::Store;

/// Claims `tenant`'s next call through the queue at its due time and saves `outcome`.
/// Returns the time it was made and whether a welfare visit was requested.
fn call_when_due(store: &mut Store, outcome: Outcome) -> (DateTime<Utc>, Option<i64>) {
    let rules = store.rules().unwrap();
    let op = store.operator("op1").unwrap().id;
    let t = store.tenant(1).unwrap();
    let now = t.due_at.expect("scheduled");
    let claim = store
        .claim_next(op, now, &rules)
        .unwrap()
        .expect("due at its due time");
    assert_eq!(claim.tenant_id, 1);
    let call = common::call(&claim, outcome);
    let saved = store.save_call(&call, now, &rules).unwrap();
    (now, saved.welfare_visit)
}

fn visits(store: &Store) -> Vec<(i64, String, String)> {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.prepare("SELECT tenant_id, urgency, details FROM interventions WHERE kind = 'welfare_visit' AND auto_reason = 'no_answer_ladder'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn two_days_without_answer_request_exactly_one_welfare_visit() {
    let dir = tempfile::tempdir().unwrap();
    // One tenant, who lives alone, due on Saturday 28/11 at 10:00 Paris.
    let db = common::fixture(dir.path(), 2, 1);
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.tenant(1).unwrap().lives_alone, Some(true));

    let mut made = Vec::new();
    // Day 1: three unanswered attempts, two hours apart; the third moves to the next day.
    for outcome in [Outcome::NoAnswer, Outcome::NoAnswer, Outcome::Voicemail] {
        made.push(call_when_due(&mut store, outcome));
    }
    assert_eq!(made[1].0, utc("2026-11-28T11:00:00Z"));
    assert!(visits(&store).is_empty(), "one day is not enough");
    // Day 2: the third unanswered attempt requests the visit.
    for outcome in [Outcome::NoAnswer, Outcome::Busy, Outcome::NoAnswer] {
        made.push(call_when_due(&mut store, outcome));
    }
    assert_eq!(
        made[3].0,
        utc("2026-11-29T08:00:00Z"),
        "day 2 starts at opening"
    );
    assert!(made[..5].iter().all(|(_, v)| v.is_none()));
    assert!(
        made[5].1.is_some(),
        "the sixth attempt, third of day 2, requests a welfare visit"
    );
    let v = visits(&store);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1, "urgent");
    assert!(v[0].2.contains("6 unanswered calls"), "{}", v[0].2);
    assert!(
        v[0].2.contains("28/11 10:00 no_answer"),
        "the attempts are listed: {}",
        v[0].2
    );
    // Day 3: still no answer, and still only one visit.
    for outcome in [Outcome::NoAnswer, Outcome::NoAnswer, Outcome::NoAnswer] {
        assert_eq!(call_when_due(&mut store, outcome).1, None);
    }
    assert_eq!(visits(&store).len(), 1);
    // The tenant's card shows it open, so the queue flags them.
    assert_eq!(store.tenant_card(1).unwrap().open_interventions.len(), 1);
}

#[test]
fn no_visit_for_someone_who_lives_with_others_or_once_reached() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 1);
    let mut store = Store::open(&db).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE tenants SET lives_alone = 0", [])
        .unwrap();
    for _ in 0..6 {
        assert_eq!(call_when_due(&mut store, Outcome::NoAnswer).1, None);
    }
    assert!(visits(&store).is_empty());
}

#[test]
fn a_reached_call_starts_a_new_streak() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 1);
    let mut store = Store::open(&db).unwrap();
    // Fewer attempts needed, to keep the test short: 1 a day on 2 days.
    store.set_setting("ladder_attempts_per_day", "1").unwrap();
    store.set_setting("max_attempts_per_day", "1").unwrap();
    assert_eq!(call_when_due(&mut store, Outcome::NoAnswer).1, None);
    assert!(call_when_due(&mut store, Outcome::NoAnswer).1.is_some());
    call_when_due(&mut store, Outcome::NoAnswer);
    call_when_due(&mut store, Outcome::Reached);
    // A week later, two more days without answer: a new visit.
    assert_eq!(call_when_due(&mut store, Outcome::NoAnswer).1, None);
    assert!(call_when_due(&mut store, Outcome::NoAnswer).1.is_some());
    assert_eq!(visits(&store).len(), 2);
}

/// Six unanswered calls over two days to a tenant whose household the list left blank.
fn unknown_household_after_two_days(store: &mut Store, db: &std::path::Path) -> Option<i64> {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute("UPDATE tenants SET lives_alone = NULL", [])
        .unwrap();
    assert_eq!(store.tenant(1).unwrap().lives_alone, None);
    let made: Vec<Option<i64>> = (0..6)
        .map(|_| call_when_due(store, Outcome::NoAnswer).1)
        .collect();
    assert!(made[..5].iter().all(Option::is_none));
    made[5]
}

#[test]
fn an_unknown_household_gets_the_welfare_visit_under_the_default_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 1);
    let mut store = Store::open(&db).unwrap();
    assert!(
        unknown_household_after_two_days(&mut store, &db).is_some(),
        "not knowing is no reason to leave someone without the visit"
    );
    assert_eq!(visits(&store).len(), 1);
}

#[test]
fn a_coordinator_may_leave_unknown_households_out_of_the_ladder() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 1);
    let mut store = Store::open(&db).unwrap();
    store
        .set_setting("unknown_lives_alone_counts_as_alone", "non")
        .unwrap();
    assert_eq!(unknown_household_after_two_days(&mut store, &db), None);
    assert!(visits(&store).is_empty());
}
