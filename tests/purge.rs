//! Retention: old free text and health details are wiped; counts stay.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use common::{NOW, utc, veille};
use predicates::prelude::*;
use veille::domain::emergency::{Protocol, ServicesCalled};
use veille::domain::{Need, NeedCategory, Outcome, Wellbeing};
use veille::store::{ReferralToSave, Store};

fn save(store: &mut Store, tenant: i64, at: &str, notes: &str) {
    save_with(store, tenant, at, notes, false);
}

/// A call judged urgent: its emergency protocol holds the text too.
fn save_urgent(store: &mut Store, tenant: i64, at: &str, notes: &str) {
    save_with(store, tenant, at, notes, true);
}

fn save_with(store: &mut Store, tenant: i64, at: &str, notes: &str, urgent: bool) {
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
    if urgent {
        call.wellbeing = Some(Wellbeing::Urgent);
        call.emergency = Some(Protocol {
            services: ServicesCalled::ByOperator,
            decision: format!("{notes}, SAMU en route"),
            no_request_reason: format!("{notes}, le SAMU se déplace"),
        });
    }
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

/// Every file of the database, as the disk holds them.
fn bytes_on_disk(db: &std::path::Path) -> Vec<u8> {
    ["", "-wal"]
        .iter()
        .flat_map(|suffix| std::fs::read(format!("{}{suffix}", db.display())).unwrap_or_default())
        .collect()
}

#[test]
fn purged_text_is_gone_from_the_bytes_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 60);
    let secret = "Chute dans l'escalier, hématome 4711";
    {
        // Among other calls on the same pages, where a shorter row leaves the space the
        // longer one held as it was, unless SQLite is told to zero it.
        let mut store = Store::open(&db).unwrap();
        for tenant in 1..=60 {
            let (at, notes) = match tenant {
                30 => ("2026-03-02T10:00:00Z", secret),
                t if t < 30 => (
                    "2026-03-01T10:00:00Z",
                    "Va bien, son fils passe le dimanche",
                ),
                _ => (
                    "2026-11-27T10:00:00Z",
                    "Va bien, son fils passe le dimanche",
                ),
            };
            if tenant == 30 {
                save_urgent(&mut store, tenant, at, notes);
            } else {
                save(&mut store, tenant, at, notes);
            }
        }
    }
    let found = |bytes: &[u8]| {
        bytes
            .windows(secret.len())
            .filter(|w| *w == secret.as_bytes())
            .count()
    };
    // An operator's screen stays open on the file meanwhile, as on a working day.
    let screen = Store::open(&db).unwrap();
    assert!(found(&bytes_on_disk(&db)) > 0, "the text is written first");
    veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "purge", "--older-than", "6"])
        .args(["--operator", "op3"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "gone from the file and its journal",
        ));
    assert_eq!(found(&bytes_on_disk(&db)), 0, "no copy of the text is left");
    drop(screen);
    assert_eq!(found(&bytes_on_disk(&db)), 0);
}

#[test]
fn an_objection_and_an_erasure_leave_no_copy_of_what_they_wipe() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 60);
    let (objects, erased) = (
        "Se plaint de vertiges, tension 17/9",
        "Insuline oubliée 3 fois",
    );
    let (objecting, erasing) = {
        let mut store = Store::open(&db).unwrap();
        let objecting = store.find_tenant("T00037").unwrap();
        let erasing = store.find_tenant("T00041").unwrap();
        for tenant in 1..=60 {
            let notes = if tenant == objecting.id {
                objects
            } else if tenant == erasing.id {
                erased
            } else {
                "Va bien, son fils passe le dimanche"
            };
            if tenant == erasing.id {
                save_urgent(&mut store, tenant, "2026-11-27T10:00:00Z", notes);
            } else {
                save(&mut store, tenant, "2026-11-27T10:00:00Z", notes);
            }
        }
        (objecting, erasing)
    };
    let count = |bytes: &[u8], text: &str| {
        bytes
            .windows(text.len())
            .filter(|w| *w == text.as_bytes())
            .count()
    };
    let cli = |args: &[&str]| {
        veille()
            .arg("--db")
            .arg(&db)
            .args(["--now", NOW, "tenants"])
            .args(args)
            .args(["--operator", "op3"])
            .assert()
            .success()
    };
    // An operator's screen stays open on the file meanwhile.
    let screen = Store::open(&db).unwrap();
    let phone = objecting.phone.clone().unwrap();
    for text in [
        objects,
        erased,
        "Locataire37",
        phone.as_str(),
        "Locataire41",
        "T00041",
    ] {
        assert!(
            count(&bytes_on_disk(&db), text) > 0,
            "{text} is written first"
        );
    }

    // A dry run says what would go and takes nothing.
    cli(&["object", "T00037", "--dry-run"])
        .stdout(predicate::str::contains("would wipe"))
        .stdout(predicate::str::contains(
            "1 call notes, 1 need details, 1 referral notes",
        ));
    assert!(count(&bytes_on_disk(&db), objects) > 0);

    cli(&["object", "T00037"]).stdout(predicate::str::contains(
        "Kept: the landlord's reference and the objection",
    ));
    cli(&["erase", "T00041"]).stdout(predicate::str::contains(
        "Remove them from the landlord's list",
    ));
    let bytes = bytes_on_disk(&db);
    for text in [
        objects,
        erased,
        "Locataire37",
        phone.as_str(),
        "Locataire41",
        "T00041",
    ] {
        assert_eq!(count(&bytes, text), 0, "a copy of {text:?} is left on disk");
    }
    drop(screen);

    // The objection keeps the reference, so the landlord's next list does not bring the
    // person back; the counts of calls stay for the reports.
    let store = Store::open(&db).unwrap();
    let kept = store.find_tenant("T00037").unwrap();
    assert_eq!((kept.last_name.as_str(), kept.phone.as_deref()), ("", None));
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        "Référence;Nom;Prénom;Téléphone\nT00037;Locataire37;Hélène;01 99 00 00 37\n",
    )
    .unwrap();
    veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "import", "tenants"])
        .arg(&list)
        .args(["--operator", "op3"])
        .assert()
        .success();
    let kept = store.find_tenant("T00037").unwrap();
    assert_eq!(
        kept.last_name, "",
        "the import brought back a person who objected"
    );
    assert!(
        store.find_tenant("T00041").is_err(),
        "the erased reference is gone"
    );
    let calls: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM calls WHERE tenant_id IN (?1, ?2)",
            [objecting.id, erasing.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(calls, 2, "the calls stay, for the counts");
    // Both are in the audit log, with who did them; an erased person cannot be erased or
    // called again.
    let audit = veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "audit"])
        .output()
        .unwrap();
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(
        audit.contains("tenant erased") && audit.contains("objection recorded"),
        "{audit}"
    );
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "tenants",
            "erase",
            &erasing.id.to_string(),
            "--operator",
            "op3",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("erased already"));
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "tenants",
            "object",
            &erasing.id.to_string(),
            "--withdraw",
        ])
        .args(["--operator", "op3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("was erased"));
}
