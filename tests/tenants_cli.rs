//! A coordinator's changes to tenants, through the command line.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use common::{NOW, utc, veille};
use predicates::prelude::*;
use veille::domain::Outcome;
use veille::store::Store;

/// Calls the first tenant of op1's queue and saves `outcome`; returns their reference.
fn call_first(db: &std::path::Path, outcome: Outcome) -> String {
    let mut store = Store::open(db).unwrap();
    let rules = store.rules().unwrap();
    let now = utc(NOW);
    let op = store.operator("op1").unwrap().id;
    let claim = store.claim_next(op, now, &rules).unwrap().unwrap();
    let call = common::call(&claim, outcome);
    store.save_call(&call, now, &rules).unwrap();
    store.tenant(claim.tenant_id).unwrap().external_ref.unwrap()
}

fn queue_refs(db: &std::path::Path) -> Vec<String> {
    // A minute later: every command restarts its clock at NOW, and "due now" set by a
    // previous command is a few milliseconds after it.
    let out = veille()
        .arg("--db")
        .arg(db)
        .args([
            "--now",
            "2026-11-28T09:01:00Z",
            "queue",
            "--json",
            "--limit",
            "100",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| l["reference"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_wrong_number_is_flagged_then_fixed_by_a_coordinator() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 4);
    let reference = call_first(&db, Outcome::WrongNumber);
    assert!(
        !queue_refs(&db).contains(&reference),
        "a wrong number leaves the queue"
    );
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "flagged"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&reference).and(predicate::str::contains("Wrong number")));
    // An operator may not change tenants; a coordinator (op3) may.
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "tenants",
            "phone",
            &reference,
            "06 39 98 00 01",
            "--operator",
            "op1",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "a coordinator's work and Opérateur 1 (op1) is an operator",
        ));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "phone", &reference, "12", "--operator", "op3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "'12' is not a French phone number",
        ));
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "tenants",
            "phone",
            &reference,
            "+33 6 39 98 00 01",
            "--operator",
            "op3",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("06 39 98 00 01"));
    assert!(queue_refs(&db).contains(&reference), "due again once fixed");
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "flagged"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No tenant waits"));
}

#[test]
fn a_refusal_stays_out_until_reopened_and_an_objection_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 4);
    let reference = call_first(&db, Outcome::Refused);
    assert!(!queue_refs(&db).contains(&reference));
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "tenants",
            "reopen",
            &reference,
            "--operator",
            "op3",
        ])
        .assert()
        .success();
    assert!(queue_refs(&db).contains(&reference));

    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "tenants",
            "object",
            &reference,
            "--operator",
            "op3",
        ])
        .assert()
        .success();
    assert!(!queue_refs(&db).contains(&reference));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "show", &reference])
        .assert()
        .success()
        .stdout(predicate::str::contains("objected  28/11/2026 10:00"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (who, action): (String, String) = conn
        .query_row(
            "SELECT o.login, a.action FROM audit_log a JOIN operators o ON o.id = a.operator_id ORDER BY a.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (who.as_str(), action.as_str()),
        ("op3", "tenant_objection_recorded")
    );
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "tenants",
            "status",
            &reference,
            "paused",
            "--operator",
            "op3",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--until"));
}

#[test]
fn a_coordinator_reads_past_health_details_and_the_read_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 2);
    {
        let mut store = Store::open(&db).unwrap();
        let rules = store.rules().unwrap();
        let op = store.operator("op1").unwrap().id;
        let claim = store.claim_next(op, utc(NOW), &rules).unwrap().unwrap();
        let mut call = common::call(&claim, Outcome::Reached);
        call.needs = vec![veille::domain::Need {
            category: veille::domain::NeedCategory::Health,
            details: "chute, genou douloureux".into(),
        }];
        store.save_call(&call, utc(NOW), &rules).unwrap();
    }
    // Without --health the card shows no health details.
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "show", "T00000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("genou").not());
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "show", "T00000", "--health", "--operator", "op1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "a coordinator's work and Opérateur 1 (op1) is an operator",
        ));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["tenants", "show", "T00000", "--health", "--operator", "op3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("chute, genou douloureux"));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["audit", "--operator", "op3", "--tenant", "T00000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("health details read"));
}

#[test]
fn an_emergency_is_listed_as_flagged_until_a_coordinator_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 4);
    let (reference, emergency) = {
        let mut store = Store::open(&db).unwrap();
        let rules = store.rules().unwrap();
        let now = utc(NOW);
        let op = store.operator("op1").unwrap().id;
        let claim = store.claim_next(op, now, &rules).unwrap().unwrap();
        let mut call = common::call(&claim, Outcome::Reached);
        call.wellbeing = Some(veille::domain::Wellbeing::Urgent);
        call.emergency = Some(veille::domain::emergency::Protocol {
            services: veille::domain::emergency::ServicesCalled::Refused,
            decision: "Refuse le SAMU, sa voisine reste avec elle".into(),
            no_request_reason: "Visite du médecin à 14h".into(),
        });
        let saved = store.save_call(&call, now, &rules).unwrap();
        let due = store.tenant(claim.tenant_id).unwrap().due_at.unwrap();
        assert_eq!(
            due,
            now + chrono::Duration::minutes(60),
            "called again today"
        );
        let id: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT id FROM emergencies WHERE call_id = ?1",
                [saved.call_id],
                |r| r.get(0),
            )
            .unwrap();
        (
            store.tenant(claim.tenant_id).unwrap().external_ref.unwrap(),
            id,
        )
    };
    let flagged = |json: bool| {
        let mut cmd = veille();
        cmd.arg("--db").arg(&db).args(["tenants", "flagged"]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let text = flagged(false);
    assert!(
        text.contains(&reference)
            && text.contains(
                "EMERGENCY 28/11 10:00 by Opérateur 1, help: The person refuses: Refuse le SAMU"
            ),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&flagged(true)).unwrap();
    assert_eq!(v[0]["status"], "emergency");
    assert_eq!(v[0]["emergency"]["services_called"], "refused");
    assert_eq!(
        v[0]["emergency"]["no_request_reason"],
        "Visite du médecin à 14h"
    );

    let mut store = Store::open(&db).unwrap();
    let op3 = store.operator("op3").unwrap().id;
    store.take_emergency(emergency, op3, utc(NOW)).unwrap();
    assert!(!flagged(false).contains("EMERGENCY"));
}

/// A coordinator who reads French is answered in French, refusals included.
#[test]
fn a_french_coordinator_is_answered_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 2);
    let run = |args: &[&str]| {
        veille()
            .arg("--db")
            .arg(&db)
            .args(["--lang", "fr"])
            .args(args)
            .assert()
    };
    run(&["tenants", "flagged"])
        .success()
        .stdout(predicate::str::contains(
            "Aucun locataire n'attend un coordinateur.",
        ));
    run(&["tenants", "reopen", "T00001", "--operator", "op3"])
        .success()
        .stdout(predicate::str::contains(
            "est de retour dans la file, à appeler maintenant.",
        ));
    run(&["tenants", "show", "T00001", "--operator", "op3"])
        .success()
        .stdout(predicate::str::contains("  statut    actif\n"))
        .stdout(predicate::str::contains("  foyer     vit avec quelqu'un\n"));
    run(&["tenants", "reopen", "T00001", "--operator", "op1"])
        .failure()
        .stderr(predicate::str::contains(
            "c'est le travail d'un coordinateur et Opérateur 1 (op1) est opérateur",
        ));
}
