//! A call cannot contradict its outcome: the store refuses it with the form kept, the
//! database refuses it from any other writer, and `veille doctor` counts older rows.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use chrono::Duration;
use common::{NOW, call, fixture, utc};
use veille::domain::consistency::Contradiction;
use veille::domain::emergency::{Protocol, ServicesCalled};
use veille::domain::{InterventionKind, Need, NeedCategory, Outcome, Urgency, Wellbeing};
use veille::store::{InterventionToSave, Store, StoreError};

fn need() -> Vec<Need> {
    vec![Need {
        category: NeedCategory::Health,
        details: "chute hier".into(),
    }]
}

fn protocol(decision: &str, no_request_reason: &str) -> Protocol {
    Protocol {
        services: ServicesCalled::ByOperator,
        decision: decision.into(),
        no_request_reason: no_request_reason.into(),
    }
}

fn emergency(
    wanted_at: Option<chrono::DateTime<chrono::Utc>>,
    details: &str,
) -> InterventionToSave {
    InterventionToSave {
        kind: InterventionKind::WelfareVisit,
        urgency: Urgency::Emergency,
        wanted_at,
        place: String::new(),
        details: details.into(),
    }
}

#[test]
fn the_store_refuses_a_call_whose_fields_contradict_its_outcome_and_keeps_the_claim() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 1);
    let mut store = Store::open(&path).unwrap();
    let rules = store.rules().unwrap();
    let now = utc(NOW);
    let a = store.operator("op1").unwrap().id;
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();

    let mut no_answer_but_fine = call(&claim, Outcome::NoAnswer);
    no_answer_but_fine.wellbeing = Some(Wellbeing::Fine);
    let mut no_answer_with_a_need = call(&claim, Outcome::NoAnswer);
    no_answer_with_a_need.needs = need();
    let callback_without_time = call(&claim, Outcome::CallbackRequested);
    let mut emergency_without_details = call(&claim, Outcome::Reached);
    emergency_without_details.wellbeing = Some(Wellbeing::Urgent);
    emergency_without_details.interventions = vec![emergency(Some(now), " ")];
    emergency_without_details.emergency = Some(protocol("SAMU appelé", ""));
    let mut urgent_without_protocol = call(&claim, Outcome::Reached);
    urgent_without_protocol.wellbeing = Some(Wellbeing::Urgent);
    let mut urgent_with_neither_request_nor_reason = urgent_without_protocol.clone();
    urgent_with_neither_request_nor_reason.emergency = Some(protocol("SAMU appelé", ""));
    let mut fine_with_a_protocol = call(&claim, Outcome::Reached);
    fine_with_a_protocol.wellbeing = Some(Wellbeing::Fine);
    fine_with_a_protocol.emergency = Some(protocol("rien", "rien"));
    for (c, expected) in [
        (&no_answer_but_fine, Contradiction::WellbeingWithoutReached),
        (&no_answer_with_a_need, Contradiction::NeedsWithoutReached),
        (&callback_without_time, Contradiction::CallbackWithoutTime),
        (
            &emergency_without_details,
            Contradiction::EmergencyWithoutDetails,
        ),
        (
            &urgent_without_protocol,
            Contradiction::EmergencyWithoutProtocol,
        ),
        (
            &urgent_with_neither_request_nor_reason,
            Contradiction::ProtocolIncomplete,
        ),
        (
            &fine_with_a_protocol,
            Contradiction::ProtocolWithoutEmergency,
        ),
    ] {
        match store.save_call(c, now, &rules) {
            Err(StoreError::Inconsistent(found)) => assert_eq!(found, expected),
            other => panic!("{expected:?}: {other:?}"),
        }
    }
    let sql = rusqlite::Connection::open(&path).unwrap();
    let count = |q: &str| -> i64 { sql.query_row(q, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM calls"), 0, "nothing written");
    // The claim is still held: the form is corrected and saved. An emergency given no
    // time is wanted at once.
    assert_eq!(store.open_claims(a, now).unwrap().len(), 1);
    let mut fixed = emergency_without_details.clone();
    fixed.interventions = vec![emergency(None, "ne répond plus")];
    fixed.needs = need();
    store.save_call(&fixed, now, &rules).unwrap();
    let wanted: String = sql
        .query_row("SELECT wanted_at FROM interventions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(wanted, veille::store::time::ts(now));

    // A quick intervention request outside a call follows the same rule.
    let quick = |store: &mut Store, details: &str| {
        store.create_intervention(
            claim.tenant_id,
            InterventionKind::WelfareVisit,
            Urgency::Emergency,
            None,
            "",
            details,
            a,
            now + Duration::minutes(5),
        )
    };
    assert!(matches!(
        quick(&mut store, ""),
        Err(StoreError::Inconsistent(
            Contradiction::EmergencyWithoutDetails
        ))
    ));
    quick(&mut store, "chute").unwrap();
    assert_eq!(
        count("SELECT count(*) FROM interventions WHERE wanted_at IS NOT NULL"),
        2
    );
}

#[test]
fn the_database_refuses_a_contradicting_call_from_any_other_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 1);
    let mut store = Store::open(&path).unwrap();
    let rules = store.rules().unwrap();
    let now = utc(NOW);
    let a = store.operator("op1").unwrap().id;
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let mut reached = call(&claim, Outcome::Reached);
    reached.wellbeing = Some(Wellbeing::Worried);
    reached.needs = need();
    let saved = store.save_call(&reached, now, &rules).unwrap();
    let id = saved.call_id;
    drop(store);

    // As the sqlite3 shell or a script would write.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let refused = |sql: &str| {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("inconsistent"), "{sql}: {err}");
    };
    let insert = |outcome: &str, wellbeing: &str, callback: &str| {
        format!(
            "INSERT INTO calls (save_id, tenant_id, operator_id, started_at, ended_at, outcome,
                                wellbeing, callback_at)
             SELECT 'x', tenant_id, operator_id, started_at, ended_at, '{outcome}',
                    {wellbeing}, {callback}
             FROM calls WHERE id = {id}"
        )
    };
    refused(&insert("no_answer", "'fine'", "NULL"));
    refused(&insert("callback_requested", "NULL", "NULL"));
    refused(&format!(
        "UPDATE calls SET outcome = 'busy', wellbeing = NULL WHERE id = {id}"
    ));
    refused(&format!(
        "UPDATE calls SET callback_at = NULL, outcome = 'callback_requested', wellbeing = NULL WHERE id = {id}"
    ));
    conn.execute_batch(&insert("no_answer", "NULL", "NULL"))
        .unwrap();
    let no_answer = conn.last_insert_rowid();
    refused(&format!(
        "INSERT INTO needs (call_id, tenant_id, category, details)
         SELECT id, tenant_id, 'food', '' FROM calls WHERE id = {no_answer}"
    ));
    refused(&format!(
        "INSERT INTO interventions (tenant_id, kind, urgency, details, created_at, updated_at)
         SELECT tenant_id, 'welfare_visit', 'emergency', 'chute', ended_at, ended_at
         FROM calls WHERE id = {id}"
    ));
    // What holds together is accepted.
    conn.execute_batch(
        &insert("callback_requested", "NULL", "'2026-11-28T15:00:00.000Z'").replace("'x'", "'y'"),
    )
    .unwrap();
}

#[test]
fn doctor_counts_calls_written_before_that_contradict_their_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 2, 1);
    let mut store = Store::open(&path).unwrap();
    let rules = store.rules().unwrap();
    let now = utc(NOW);
    let a = store.operator("op1").unwrap().id;
    let claim = store.claim_next(a, now, &rules).unwrap().unwrap();
    let mut reached = call(&claim, Outcome::Reached);
    reached.wellbeing = Some(Wellbeing::Fine);
    reached.needs = need();
    store.save_call(&reached, now, &rules).unwrap();
    let records = |store: &Store| {
        store
            .doctor()
            .unwrap()
            .into_iter()
            .find(|c| c.name == "records")
            .unwrap()
    };
    let clean = records(&store);
    assert!(clean.ok);
    assert_eq!(
        clean.detail,
        "every call holds only the fields of its outcome"
    );

    // As an older veille wrote it: "no answer", yet fine and with a health need.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER calls_consistent_update;
         UPDATE calls SET outcome = 'no_answer';",
    )
    .unwrap();
    let found = records(&store);
    assert!(found.ok, "reported, not a fault of the file");
    assert!(
        found.detail.contains(
            "1 with a wellbeing though nobody was reached, 1 with needs though nobody was reached"
        ),
        "{}",
        found.detail
    );

    // An urgent call saved without its emergency protocol, as another writer could.
    conn.execute_batch("UPDATE calls SET outcome = 'reached', wellbeing = 'urgent';")
        .unwrap();
    let found = records(&store);
    assert!(found.ok, "reported, not a fault of the file");
    assert!(
        found.detail.ends_with(
            "them: 1 emergencies without their protocol (kept as they are; the figures count them)"
        ),
        "{}",
        found.detail
    );
    // With its protocol it is clean again; the protocol of a call judged fine is not.
    conn.execute_batch(
        "INSERT INTO emergencies (call_id, tenant_id, operator_id, at, services, decision)
         SELECT id, tenant_id, operator_id, ended_at, 'by_operator', 'SAMU appelé' FROM calls;",
    )
    .unwrap();
    assert_eq!(
        records(&store).detail,
        "every call holds only the fields of its outcome"
    );
    conn.execute_batch("UPDATE calls SET wellbeing = 'fine';")
        .unwrap();
    let found = records(&store);
    assert!(
        found
            .detail
            .contains("1 emergency protocols on calls that are no emergency"),
        "{}",
        found.detail
    );
}
