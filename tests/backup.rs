//! Backups taken while operators save calls are consistent; the audit log reads back.

mod common;

use common::{NOW, veille};
use predicates::prelude::*;

#[test]
fn a_backup_during_saves_is_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 3000);
    common::all_day_demo(&db);
    // Four operator processes save calls for a few seconds while backups are taken.
    let mut load = std::process::Command::new(assert_cmd::cargo::cargo_bin("veille"))
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "loadtest",
            "--operators",
            "4",
            "--seconds",
            "4",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let mut copies = Vec::new();
    for i in 0..3 {
        let copy = dir.path().join(format!("copy{i}.db"));
        veille()
            .arg("--db")
            .arg(&db)
            .arg("backup")
            .arg(&copy)
            .assert()
            .success()
            .stdout(predicate::str::contains("Backup written"));
        copies.push(copy);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    assert!(load.wait().unwrap().success());
    let mut saved_in_copies = Vec::new();
    for copy in &copies {
        let conn = rusqlite::Connection::open(copy).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        // A snapshot never holds a call without its claim released, nor a released claim without its call.
        let orphans: i64 = conn
            .query_row(
                "SELECT count(*) FROM claims k WHERE k.release_reason = 'saved'
                 AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.claim_id = k.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        saved_in_copies.push(
            conn.query_row("SELECT count(*) FROM calls", [], |r| r.get::<_, i64>(0))
                .unwrap(),
        );
    }
    assert!(
        saved_in_copies[0] > 0,
        "the backups were taken while calls were being saved"
    );
    assert!(saved_in_copies.windows(2).all(|w| w[0] <= w[1]));
    // An existing file is not replaced without --force.
    veille()
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .arg(&copies[0])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--force"));
    veille()
        .arg("--db")
        .arg(&db)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains("backup").and(predicate::str::contains("copy2.db")));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["audit", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"action\": \"backup\""));
}
