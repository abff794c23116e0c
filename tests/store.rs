//! The store on real SQLite files: claims, leases, saving, scheduling, errors.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use chrono::Duration;
use common::{NOW, call, fixture, utc};
use veille::domain::{Need, NeedCategory, Outcome, Rules, TenantStatus, Wellbeing};
use veille::store::{InterventionToSave, ReferralToSave, Store, StoreError};

fn open(dir: &tempfile::TempDir, tenants: usize) -> (Store, Rules) {
    let path = fixture(dir.path(), 3, tenants);
    let store = Store::open(&path).unwrap();
    let rules = store.rules().unwrap();
    (store, rules)
}

fn op(store: &Store, login: &str) -> i64 {
    store.operator(login).unwrap().id
}

#[test]
fn opening_creates_missing_folders_and_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/c/veille.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        veille::store::SCHEMA_VERSION
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o007,
        0,
        "the database must not be readable by others: {mode:o}"
    );
    assert!(
        !store.services().unwrap().is_empty(),
        "the catalogue is seeded"
    );
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("veille.db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer version of veille"), "{err}");
    let v: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 99);
}

#[test]
fn a_file_that_is_not_a_database_is_named_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "Nom;Prénom\nDupont;Marie\n".repeat(200)).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase(_)), "{err:?}");
    assert!(err.to_string().contains("not a veille database"));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("Nom;Prénom"),
        "file untouched"
    );
}

#[test]
fn two_operators_are_never_handed_the_same_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 4);
    let now = utc(NOW);
    let (a, b) = (op(&store, "op1"), op(&store, "op2"));
    let ca = store.claim_next(a, now, &rules).unwrap().unwrap();
    let cb = store.claim_next(b, now, &rules).unwrap().unwrap();
    assert_ne!(ca.tenant_id, cb.tenant_id);
    // Picking a colleague's tenant by hand is refused with their name.
    let err = store
        .claim_tenant(b, ca.tenant_id, now, &rules)
        .unwrap_err();
    assert!(err.to_string().contains("Opérateur 1"), "{err}");
    // The queue no longer shows held tenants.
    let queue = store.queue(b, now, &rules, 10).unwrap();
    assert!(
        queue
            .iter()
            .all(|e| e.tenant.id != ca.tenant_id && e.tenant.id != cb.tenant_id)
    );
    assert_eq!(queue.len(), 2);
}

#[test]
fn an_abandoned_claim_expires_and_its_late_save_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 1);
    let now = utc(NOW);
    let (a, b) = (op(&store, "op1"), op(&store, "op2"));
    let held = store.claim_next(a, now, &rules).unwrap().unwrap();
    // While the lease runs, nobody else gets the tenant.
    assert_eq!(
        store
            .claim_next(b, now + Duration::minutes(19), &rules)
            .unwrap(),
        None
    );
    // The holder's terminal died: after the lease the tenant is offered again.
    let later = now + rules.lease + Duration::seconds(1);
    let taken = store
        .claim_next(b, later, &rules)
        .unwrap()
        .expect("claimable after expiry");
    assert_eq!(taken.tenant_id, held.tenant_id);
    assert!(
        taken.id > held.id,
        "claims carry increasing sequence numbers"
    );
    // The first operator comes back: renewing and saving are both refused, nothing written.
    assert!(matches!(
        store.renew_claim(&held, later, &rules),
        Err(StoreError::ClaimLost)
    ));
    let stale = call(&held, Outcome::Reached);
    assert!(matches!(
        store.save_call(&stale, later, &rules),
        Err(StoreError::ClaimLost)
    ));
    // The newer holder saves normally.
    store
        .save_call(&call(&taken, Outcome::Reached), later, &rules)
        .unwrap();
    let calls: i64 = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
        .unwrap();
    assert_eq!(calls, 1);
}

#[test]
fn a_renewed_claim_outlives_its_first_lease() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 1);
    let now = utc(NOW);
    let (a, b) = (op(&store, "op1"), op(&store, "op2"));
    let held = store.claim_next(a, now, &rules).unwrap().unwrap();
    let renewed = store
        .renew_claim(&held, now + Duration::minutes(15), &rules)
        .unwrap();
    assert_eq!(
        store
            .claim_next(b, now + Duration::minutes(25), &rules)
            .unwrap(),
        None
    );
    store
        .save_call(
            &call(&renewed, Outcome::Reached),
            now + Duration::minutes(30),
            &rules,
        )
        .unwrap();
}

#[test]
fn saving_writes_everything_once_and_schedules_the_next_call() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 2);
    let now = utc(NOW);
    let a = op(&store, "op1");
    let shift = store.start_shift(a, now).unwrap();
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let meals = store
        .services()
        .unwrap()
        .into_iter()
        .find(|s| s.code == "meal_delivery")
        .unwrap();
    let mut c = call(&claim, Outcome::Reached);
    c.shift_id = Some(shift);
    c.wellbeing = Some(Wellbeing::Worried);
    c.needs = vec![Need {
        category: NeedCategory::Food,
        details: "plus de courses depuis 5 jours".into(),
    }];
    c.referrals = vec![ReferralToSave {
        service_id: meals.id,
        note: "midi".into(),
        follow_up_on: Some("2026-12-02".parse().unwrap()),
    }];
    c.interventions = vec![InterventionToSave {
        kind: veille::domain::InterventionKind::Delivery,
        urgency: veille::domain::Urgency::Urgent,
        wanted_at: None,
        place: String::new(),
        details: "colis alimentaire".into(),
    }];
    let saved = store
        .save_call(&c, now + Duration::minutes(6), &rules)
        .unwrap();
    assert!(!saved.already_saved);
    // Saving again (a retry after a lost reply) records nothing more.
    let again = store
        .save_call(&c, now + Duration::minutes(7), &rules)
        .unwrap();
    assert!(again.already_saved);
    assert_eq!(again.call_id, saved.call_id);

    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM calls"), 1);
    assert_eq!(
        count("SELECT count(*) FROM needs WHERE category = 'food'"),
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM referrals WHERE category = 'food' AND status = 'proposed'"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM referral_events"), 1);
    assert_eq!(
        count("SELECT count(*) FROM interventions WHERE status = 'requested'"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM intervention_events"), 1);
    assert_eq!(
        count("SELECT count(*) FROM claims WHERE released_at IS NULL"),
        0
    );
    let t = store.tenant(claim.tenant_id).unwrap();
    // Reached on Saturday 28/11: due again at the opening of Saturday 5/12 (09:00 Paris).
    assert_eq!(t.due_at, Some(utc("2026-12-05T08:00:00Z")));
    assert_eq!(t.last_outcome, Some(Outcome::Reached));
    let card = store.tenant_card(claim.tenant_id).unwrap();
    assert_eq!(card.open_referrals.len(), 1);
    assert_eq!(card.open_interventions.len(), 1);
    assert_eq!(card.last_calls.len(), 1);
    // The tenant left the queue; the other one remains.
    let q = store
        .queue(a, now + Duration::minutes(8), &rules, 10)
        .unwrap();
    assert_eq!(q.len(), 1);
    assert_ne!(q[0].tenant.id, claim.tenant_id);
}

#[test]
fn a_callback_kept_by_its_operator_waits_for_them_then_goes_to_anyone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 3);
    let now = utc(NOW);
    let (a, b) = (op(&store, "op1"), op(&store, "op2"));
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let mut c = call(&claim, Outcome::CallbackRequested);
    c.callback_at = Some(now + Duration::hours(2));
    c.callback_only_me = true;
    store.save_call(&c, now, &rules).unwrap();

    let at = now + Duration::hours(2) + Duration::minutes(5);
    let first = |store: &Store, who| {
        store
            .queue(who, at, &rules, 10)
            .unwrap()
            .first()
            .map(|e| e.tenant.id)
    };
    assert_eq!(
        first(&store, a),
        Some(claim.tenant_id),
        "the promised callback comes first for its operator"
    );
    assert!(
        store
            .queue(b, at, &rules, 10)
            .unwrap()
            .iter()
            .all(|e| e.tenant.id != claim.tenant_id)
    );
    let after_grace = at + rules.callback_grace;
    assert_eq!(
        store.queue(b, after_grace, &rules, 10).unwrap()[0]
            .tenant
            .id,
        claim.tenant_id
    );
}

#[test]
fn higher_priority_cohort_first_and_nobody_outside_calling_hours() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 6);
    let a = op(&store, "op1");
    let q = store.queue(a, utc(NOW), &rules, 10).unwrap();
    let cohorts: Vec<&str> = q.iter().map(|e| e.tenant.cohort.as_str()).collect();
    assert_eq!(
        cohorts,
        [
            "isolated 70+",
            "isolated 70+",
            "isolated 70+",
            "non-isolated 70+",
            "non-isolated 70+",
            "non-isolated 70+"
        ]
    );
    // 20:30 in Paris: calls are closed.
    let evening = utc("2026-11-28T19:30:00Z");
    assert!(store.queue(a, evening, &rules, 10).unwrap().is_empty());
    assert_eq!(store.claim_next(a, evening, &rules).unwrap(), None);
}

#[test]
fn paused_cohorts_later_cohorts_and_refusals_leave_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 4);
    let now = utc(NOW);
    let a = op(&store, "op1");
    store
        .update_cohort(
            "non-isolated 70+",
            None,
            None,
            Some("2026-12-01".parse().unwrap()),
            None,
            None,
            now,
        )
        .unwrap();
    assert_eq!(
        store.queue(a, now, &rules, 10).unwrap().len(),
        2,
        "a cohort starting next week is not called yet"
    );
    store
        .update_cohort(
            "non-isolated 70+",
            None,
            None,
            Some("2026-11-01".parse().unwrap()),
            Some(false),
            None,
            now,
        )
        .unwrap();
    assert_eq!(
        store.queue(a, now, &rules, 10).unwrap().len(),
        2,
        "a paused cohort is not called"
    );
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    store
        .save_call(&call(&claim, Outcome::Refused), now, &rules)
        .unwrap();
    assert_eq!(
        store.tenant(claim.tenant_id).unwrap().status,
        TenantStatus::Refuses
    );
    assert_eq!(
        store
            .queue(a, now + Duration::days(30), &rules, 10)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_callback_without_a_time_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 1);
    let now = utc(NOW);
    let a = op(&store, "op1");
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let err = store
        .save_call(&call(&claim, Outcome::CallbackRequested), now, &rules)
        .unwrap_err();
    assert!(
        err.to_string().contains("callback needs a date and time"),
        "{err}"
    );
    // The claim is still held: the operator can correct the form and save.
    assert_eq!(store.open_claims(a, now).unwrap().len(), 1);
    let mut fixed = call(&claim, Outcome::CallbackRequested);
    fixed.callback_at = Some(now + Duration::hours(1));
    store.save_call(&fixed, now, &rules).unwrap();
}

#[test]
fn reimporting_a_list_updates_by_reference_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = open(&dir, 2);
    let cohort = store.cohort("isolated 70+").unwrap().id;
    let mut t = store.tenant(1).unwrap();
    let mut again = veille::store::NewTenant {
        external_ref: t.external_ref.clone().unwrap(),
        last_name: t.last_name.clone(),
        first_name: t.first_name.clone(),
        birth_date: t.birth_date,
        phone: t.phone.clone(),
        lives_alone: t.lives_alone,
        ..Default::default()
    };
    let r = store
        .upsert_tenants(&[again.clone()], cohort, None, utc(NOW))
        .unwrap();
    assert_eq!(r, [veille::store::Upserted::Unchanged]);
    again.phone = Some("0639981234".into());
    let r = store
        .upsert_tenants(&[again], cohort, None, utc(NOW))
        .unwrap();
    assert_eq!(r, [veille::store::Upserted::Updated]);
    assert_eq!(store.tenant_count().unwrap(), 2);
    t = store.tenant(1).unwrap();
    assert_eq!(t.phone.as_deref(), Some("0639981234"));
}

#[test]
fn a_save_waits_while_another_program_holds_the_write_lock_then_lands() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 2);
    let now = utc(NOW);
    let a = op(&store, "op1");
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    // Another program (say a sqlite3 shell) opens a write transaction and keeps it 3 s.
    let path = store.path().to_path_buf();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;")
            .unwrap();
        locked_tx.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
        conn.execute_batch("COMMIT").unwrap();
    });
    locked_rx.recv().unwrap();
    // Reading goes on while the lock is held.
    assert_eq!(store.queue(a, now, &rules, 10).unwrap().len(), 1);
    // A write with no time to wait reports "busy" in plain words...
    store.set_retry_for(std::time::Duration::ZERO);
    let started = std::time::Instant::now();
    let attempt = |tx: &rusqlite::Transaction| -> veille::store::Result<()> {
        tx.execute("UPDATE settings SET value = value", [])?;
        Ok(())
    };
    let err = store.write(attempt).unwrap_err();
    assert!(err.is_busy(), "{err:?}");
    assert!(err.to_string().contains("busy"));
    // ...and the save, retried by the store, lands once the lock goes.
    store.set_retry_for(std::time::Duration::from_secs(30));
    let saved = store
        .save_call(&call(&claim, Outcome::Reached), now, &rules)
        .unwrap();
    assert!(!saved.already_saved);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "the save waited for the lock"
    );
    holder.join().unwrap();
}

#[test]
fn reading_a_tenants_health_details_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 1);
    let now = utc(NOW);
    let a = op(&store, "op1");
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let mut c = call(&claim, Outcome::Reached);
    c.needs = vec![Need {
        category: NeedCategory::Health,
        details: "chute la semaine dernière".into(),
    }];
    store.save_call(&c, now, &rules).unwrap();
    let b = op(&store, "op2");
    let needs = store
        .read_needs(claim.tenant_id, Some(b), 10, now + Duration::days(7))
        .unwrap();
    assert_eq!(needs.len(), 1);
    assert_eq!(needs[0].details, "chute la semaine dernière");
    let log = store
        .audit_entries(None, Some(b), Some(claim.tenant_id), 10)
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "health_details_read");
    assert_eq!(log[0].operator.as_deref(), Some("op2"));
}

#[test]
fn a_file_from_an_older_version_is_brought_to_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 3);
    // As a version 1 file was: without the indexes version 2 adds.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX IF EXISTS calls_shift; DROP INDEX referrals_call; DROP INDEX interventions_call;
         DROP INDEX tenants_callbacks_due; PRAGMA user_version = 1;",
    )
    .unwrap();
    conn.execute_batch(common::UNDO_COLUMNS_SINCE_13).unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        veille::store::SCHEMA_VERSION
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index'
             AND name IN ('referrals_call', 'interventions_call')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2, "calls_shift went in version 12");
    assert_eq!(store.tenant_count().unwrap(), 3, "the data is kept");
}

#[test]
fn checks_name_their_codes_one_by_one_and_still_refuse_bad_ones_after_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 3);
    // As a version 8 file was: claims' check with a list of codes.
    let conn = rusqlite::Connection::open(&path).unwrap();
    rewrite_claims_definition(
        &conn,
        "CHECK (release_reason = 'saved' OR release_reason = 'abandoned' OR release_reason = 'expired')",
        "CHECK (release_reason IN ('saved', 'abandoned', 'expired'))",
    );
    conn.execute_batch(common::UNDO_COLUMNS_SINCE_13).unwrap();
    conn.pragma_update(None, "user_version", 8).unwrap();
    drop(conn);
    let before = rusqlite::Connection::open(&path).unwrap();
    assert!(sql_of(&before, "claims").contains("release_reason IN ("));

    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        veille::store::SCHEMA_VERSION
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let lists = lists_of_codes(&conn);
    assert!(lists.is_empty(), "checks with a list of codes: {lists:?}");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // A connection opened before the upgrade reads the new definitions too.
    assert!(!sql_of(&before, "claims").contains(" IN ("));
    for bad in [
        "INSERT INTO claims (tenant_id, operator_id, claimed_at, expires_at, released_at, release_reason)
         VALUES (1, 1, 'a', 'b', 'c', 'lost')",
        "UPDATE tenants SET status = 'gone'",
        "INSERT INTO needs (call_id, tenant_id, category) VALUES (1, 1, 'mood')",
    ] {
        let err = conn.execute(bad, []).unwrap_err().to_string();
        assert!(err.contains("CHECK constraint failed"), "{bad}: {err}");
    }
    conn.execute(
        "UPDATE tenants SET status = 'moved' WHERE id = (SELECT min(id) FROM tenants)",
        [],
    )
    .unwrap();
}

/// The definition of a table or index as the file holds it.
fn sql_of(conn: &rusqlite::Connection, name: &str) -> String {
    conn.query_row(
        "SELECT sql FROM sqlite_schema WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .unwrap()
}

/// Rewrites `from` into `to` in the claims table's definition, in place, and raises the
/// schema version so that connections read it again: how a test recreates an older
/// file's definition (the migrations change definitions the same way).
fn rewrite_claims_definition(conn: &rusqlite::Connection, from: &str, to: &str) {
    let version: i64 = conn
        .query_row("PRAGMA schema_version", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch("PRAGMA writable_schema = ON").unwrap();
    conn.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, ?1, ?2) WHERE name = 'claims'",
        [from, to],
    )
    .unwrap();
    conn.execute_batch(&format!(
        "PRAGMA writable_schema = OFF; PRAGMA schema_version = {};",
        version + 1
    ))
    .unwrap();
}

/// Table definitions still checking a value against a list of three codes or more.
fn lists_of_codes(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
        .unwrap();
    let tables: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|t| t.unwrap())
        .collect();
    let mut found = Vec::new();
    for (name, sql) in tables {
        for part in sql.split(" IN (").skip(1) {
            let list = part.split(')').next().unwrap_or_default();
            if list.matches(',').count() >= 2 {
                found.push(format!("{name}: IN ({list})"));
            }
        }
    }
    found
}

#[test]
fn the_first_places_of_the_queue_are_those_of_the_whole_queue() {
    // Cohorts are read in priority order and the reading stops once a priority level
    // fills the places asked for: whatever the number asked, the places shown must be
    // the head of the whole queue, tenants of equal-priority cohorts mixed by due time.
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 24);
    let now = utc(NOW);
    let a = op(&store, "op1");
    let same_level = store
        .add_cohort(
            &veille::store::NewCohort {
                name: "sortie d'hôpital".into(),
                priority: 1,
                cadence_days: 7,
                starts_on: "2026-11-01".parse().unwrap(),
            },
            None,
            now,
        )
        .unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    // Tenants 0, 3, 6… move to the new cohort; due times are spread over the morning,
    // so that each cohort's tenants interleave with the others'.
    conn.execute(
        "UPDATE tenants SET cohort_id = ?1 WHERE id % 3 = 0",
        [same_level],
    )
    .unwrap();
    conn.execute(
        "UPDATE tenants SET due_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-28 06:00', '+' || ((id * 37) % 180) || ' minutes')",
        [],
    )
    .unwrap();
    drop(conn);
    let ids = |n: usize| -> Vec<i64> {
        store
            .queue(a, now, &rules, n)
            .unwrap()
            .iter()
            .map(|e| e.tenant.id)
            .collect()
    };
    let whole = ids(1000);
    assert_eq!(whole.len(), 24);
    let priority_of = |id: i64| -> i64 {
        rusqlite::Connection::open(store.path())
            .unwrap()
            .query_row(
                "SELECT c.priority FROM tenants t JOIN cohorts c ON c.id = t.cohort_id WHERE t.id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let priorities: Vec<i64> = whole.iter().map(|&id| priority_of(id)).collect();
    assert!(priorities.is_sorted(), "{priorities:?}");
    for n in 1..=24 {
        assert_eq!(ids(n), whole[..n], "the first {n}");
    }
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    assert_eq!(claim.tenant_id, whole[0]);
}

#[test]
fn claims_keep_growing_ids_without_a_sequence_after_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 3, 6);
    // As a version 10 file was: AUTOINCREMENT claims and an index of open claims by
    // operator.
    let conn = rusqlite::Connection::open(&path).unwrap();
    rewrite_claims_definition(
        &conn,
        "INTEGER PRIMARY KEY,",
        "INTEGER PRIMARY KEY AUTOINCREMENT,",
    );
    conn.execute_batch(
        "CREATE INDEX claims_open_by_operator ON claims (operator_id) WHERE released_at IS NULL;
         PRAGMA user_version = 10;",
    )
    .unwrap();
    conn.execute_batch(common::UNDO_COLUMNS_SINCE_13).unwrap();
    assert!(sql_of(&conn, "claims").contains("AUTOINCREMENT"));
    drop(conn);

    let mut store = Store::open(&path).unwrap();
    let rules = store.rules().unwrap();
    let now = utc(NOW);
    let (a, b) = (op(&store, "op1"), op(&store, "op2"));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let schema: (String, i64) = conn
        .query_row(
            "SELECT (SELECT sql FROM sqlite_schema WHERE name = 'claims'),
                    (SELECT count(*) FROM sqlite_schema WHERE name = 'claims_open_by_operator')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(!schema.0.contains("AUTOINCREMENT"), "{}", schema.0);
    assert_eq!(schema.1, 0);
    let sequence = || -> Option<i64> {
        conn.query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'claims'",
            [],
            |r| r.get(0),
        )
        .ok()
    };
    let before = sequence();

    let first = store.claim_next(a, now, &rules).unwrap().unwrap();
    store
        .save_call(&call(&first, Outcome::Reached), now, &rules)
        .unwrap();
    let second = store.claim_next(a, now, &rules).unwrap().unwrap();
    let third = store.claim_next(b, now, &rules).unwrap().unwrap();
    assert!(first.id < second.id && second.id < third.id);
    assert_eq!(sequence(), before, "claims no longer write sqlite_sequence");
    assert_eq!(store.open_claims(a, now).unwrap(), vec![second.clone()]);
    assert_eq!(store.open_claims(b, now).unwrap(), vec![third]);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn a_shift_counts_its_own_calls_and_no_one_elses() {
    // Schema v12 finds a shift's calls among its operator's calls since it began.
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 12);
    let now = utc(NOW);
    let (a, b) = (op(&store, "op1"), op(&store, "op2"));
    let meals = store
        .services()
        .unwrap()
        .into_iter()
        .find(|s| s.code == "meal_delivery")
        .unwrap();
    let save = |store: &mut Store,
                who: i64,
                shift: i64,
                at: chrono::DateTime<chrono::Utc>,
                outcome,
                referral: bool| {
        let claim = store.claim_next(who, at, &rules).unwrap().unwrap();
        let mut c = call(&claim, outcome);
        c.shift_id = Some(shift);
        if referral {
            c.referrals = vec![ReferralToSave {
                service_id: meals.id,
                note: String::new(),
                follow_up_on: None,
            }];
            c.interventions = vec![InterventionToSave {
                kind: veille::domain::InterventionKind::Delivery,
                urgency: veille::domain::Urgency::Routine,
                wanted_at: None,
                place: String::new(),
                details: String::new(),
            }];
        }
        store
            .save_call(&c, at + Duration::minutes(5), &rules)
            .unwrap();
    };
    let morning = store.start_shift(a, now).unwrap();
    save(&mut store, a, morning, now, Outcome::Reached, true);
    save(
        &mut store,
        a,
        morning,
        now + Duration::minutes(10),
        Outcome::NoAnswer,
        false,
    );
    store
        .end_shift(morning, now + Duration::minutes(30))
        .unwrap();
    let colleague = store.start_shift(b, now).unwrap();
    save(
        &mut store,
        b,
        colleague,
        now + Duration::minutes(20),
        Outcome::Reached,
        true,
    );
    let later = now + Duration::hours(2);
    let afternoon = store.start_shift(a, later).unwrap();
    save(&mut store, a, afternoon, later, Outcome::Reached, false);

    let stats = |shift| store.shift_stats(shift).unwrap();
    let expected = |calls, reached, referrals, interventions| veille::store::ShiftStats {
        calls,
        reached,
        referrals,
        interventions,
    };
    assert_eq!(stats(morning), expected(2, 1, 1, 1));
    assert_eq!(stats(colleague), expected(1, 1, 1, 1));
    assert_eq!(stats(afternoon), expected(1, 1, 0, 0));
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    for shift in [morning, colleague, afternoon] {
        let plain: i64 = conn
            .query_row(
                "SELECT count(*) FROM calls WHERE shift_id = ?1",
                [shift],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stats(shift).calls, plain);
    }
    let no_index: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'calls_shift'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(no_index, 0);
}

#[test]
fn a_sign_in_the_same_day_goes_on_with_the_open_shift_and_the_next_day_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, rules) = open(&dir, 3);
    let now = utc(NOW); // 10:00 in Paris
    let a = op(&store, "op1");
    let shift = store.start_shift(a, now).unwrap();
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let mut c = call(&claim, Outcome::Reached);
    c.shift_id = Some(shift);
    let last_call = now + Duration::minutes(40);
    store.save_call(&c, last_call, &rules).unwrap();
    // The terminal dies; the operator is back after lunch, the same day.
    let back = now + Duration::hours(5);
    assert_eq!(store.start_shift(a, back).unwrap(), shift);
    assert_eq!(store.shift_stats(shift).unwrap().calls, 1);
    // Another operator's sign-in is theirs alone.
    assert_ne!(store.start_shift(op(&store, "op2"), back).unwrap(), shift);
    // The terminal dies again; the next morning is a new shift, and the one left
    // open ends at its last activity, the call saved before the first crash.
    let tomorrow = utc("2026-11-29T08:00:00Z");
    let next = store.start_shift(a, tomorrow).unwrap();
    assert_ne!(next, shift);
    let summary = store.shift_summary(shift, tomorrow).unwrap();
    assert_eq!(summary.shifts[0].ended_at, Some(last_call));
    assert_eq!(summary.worked_minutes, 40);
    // An ended shift is never resumed.
    store
        .end_shift(next, tomorrow + Duration::hours(1))
        .unwrap();
    assert_ne!(
        store.start_shift(a, tomorrow + Duration::hours(2)).unwrap(),
        next
    );
    // Each start and resumption is in the audit log.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log WHERE operator_id = ?1 AND action LIKE 'shift_%' ORDER BY id")
        .unwrap()
        .query_map([a], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        actions,
        [
            "shift_started",
            "shift_resumed",
            "shift_started",
            "shift_started"
        ]
    );
}

#[test]
fn ending_one_terminal_releases_only_the_claims_that_terminal_took() {
    let dir = tempfile::tempdir().unwrap();
    let (mut first, rules) = open(&dir, 3);
    let mut second = Store::open(first.path()).unwrap();
    let now = utc(NOW);
    let a = op(&first, "op1");
    let shift = first.start_shift(a, now).unwrap();
    assert_eq!(
        second.start_shift(a, now).unwrap(),
        shift,
        "one shift shared"
    );
    let kept = first.claim_next(a, now, &rules).unwrap().unwrap();
    let left = second.claim_next(a, now, &rules).unwrap().unwrap();

    second.end_shift(shift, now + Duration::minutes(5)).unwrap();

    let open: Vec<i64> = first
        .open_claims(a, now + Duration::minutes(5))
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        open,
        [kept.id],
        "{left:?} released, the first terminal's kept"
    );
    // The first terminal saves its call afterwards; the shift ends when it leaves.
    let mut c = call(&kept, Outcome::Reached);
    c.shift_id = Some(shift);
    first
        .save_call(&c, now + Duration::minutes(10), &rules)
        .unwrap();
    first.end_shift(shift, now + Duration::minutes(12)).unwrap();
    let summary = first
        .shift_summary(shift, now + Duration::hours(1))
        .unwrap();
    assert_eq!(summary.worked_minutes, 12);
    assert_eq!(summary.calls_made, 1);
}
