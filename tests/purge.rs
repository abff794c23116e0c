//! Retention: old free text and health details are wiped; counts stay.

mod common;

use common::{NOW, utc, veille};
use predicates::prelude::*;
use veille::domain::{Need, NeedCategory, Outcome};
use veille::store::{ReferralToSave, Store};

fn save(store: &mut Store, tenant: i64, at: &str, notes: &str) {
    let rules = store.rules().unwrap();
    let now = utc(at);
    let op = store.operator("op1").unwrap().id;
    let claim = store.claim_tenant(op, tenant, now, &rules).unwrap();
    let service = store.services().unwrap()[0].id;
    let mut call = common::call(&claim, Outcome::Reached);
    call.notes = notes.into();
    call.needs = vec![Need {
        category: NeedCategory::Health,
        details: format!("{notes}: diabète"),
    }];
    call.referrals = vec![ReferralToSave {
        service_id: service,
        note: notes.into(),
        follow_up_on: None,
    }];
    store.save_call(&call, now, &rules).unwrap();
}

#[test]
fn purge_wipes_old_text_keeps_rows_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 4);
    {
        let mut store = Store::open(&db).unwrap();
        save(&mut store, 1, "2026-03-02T10:00:00Z", "ancien");
        save(&mut store, 2, "2026-11-27T10:00:00Z", "récent");
    }
    let args = |extra: &[&str]| {
        let mut v = vec![
            "--now",
            NOW,
            "purge",
            "--older-than",
            "6",
            "--operator",
            "op3",
        ];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    veille()
        .arg("--db")
        .arg(&db)
        .args(args(&["--dry-run"]))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Would wipe").and(predicate::str::contains(
                "1 call notes, 1 need details, 1 referral notes",
            )),
        );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let text = |sql: &str| -> Vec<String> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        text("SELECT notes FROM calls ORDER BY ended_at"),
        ["ancien", "récent"],
        "a dry run changes nothing"
    );

    veille()
        .arg("--db")
        .arg(&db)
        .args(args(&[]))
        .assert()
        .success()
        .stdout(predicate::str::contains("Wiped"));
    assert_eq!(
        text("SELECT notes FROM calls ORDER BY ended_at"),
        ["", "récent"]
    );
    assert_eq!(
        text("SELECT details FROM needs ORDER BY id"),
        ["", "récent: diabète"]
    );
    assert_eq!(
        text("SELECT note FROM referrals ORDER BY id"),
        ["", "récent"]
    );
    // Rows remain, so reports still count the call, the health need and the referral.
    assert_eq!(
        text("SELECT category FROM needs ORDER BY id"),
        ["health", "health"]
    );
    assert_eq!(
        text("SELECT action FROM audit_log WHERE action = 'purge'"),
        ["purge"]
    );
}
