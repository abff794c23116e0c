//! Faults the program must survive: operator processes killed with SIGKILL mid-work.

mod common;

use common::{NOW, veille};

#[test]
fn workers_killed_at_random_instants_lose_no_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 2000);
    common::all_day_demo(&db);
    let acks = dir.path().join("acks.txt");
    let out = veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            NOW,
            "loadtest",
            "--operators",
            "6",
            "--seconds",
            "5",
            "--kill",
            "4",
            "--think-ms",
            "30",
            "--json",
            "--acks",
        ])
        .arg(&acks)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["workers_killed"], 4);
    assert_eq!(summary["acknowledged_saves_missing"], 0);
    assert_eq!(summary["errors"], 0);

    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    // Every acknowledged save is in the file, checked here on our own.
    let acked: Vec<String> = std::fs::read_to_string(&acks)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert!(acked.len() > 20, "the load ran: {} saves", acked.len());
    let mut stmt = conn
        .prepare("SELECT count(*) FROM calls WHERE save_id = ?1")
        .unwrap();
    for a in &acked {
        assert_eq!(
            stmt.query_row([a], |r| r.get::<_, i64>(0)).unwrap(),
            1,
            "{a}"
        );
    }
    // No half call: the load tool always saves a referral with a need, in one transaction.
    assert_eq!(
        count("SELECT count(*) FROM calls c WHERE EXISTS (SELECT 1 FROM needs n WHERE n.call_id = c.id)
               AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.call_id = c.id)"),
        0
    );
    // A claim is released exactly when its call is saved.
    assert_eq!(
        count(
            "SELECT count(*) FROM claims k WHERE (k.release_reason = 'saved') != EXISTS (SELECT 1 FROM calls c WHERE c.claim_id = k.id)"
        ),
        0
    );

    // Claims left by killed workers expire: after the lease their tenants are offered again.
    let stranded: Vec<String> = conn
        .prepare("SELECT t.external_ref FROM claims k JOIN tenants t ON t.id = k.tenant_id WHERE k.released_at IS NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Workers spend most of their time holding a claim ("on the phone"), so kills strand some.
    assert!(!stranded.is_empty(), "no claim was left by a killed worker");
    let refs = |now: &str| -> Vec<String> {
        let out = veille()
            .arg("--db")
            .arg(&db)
            .args(["--now", now, "queue", "--json", "--limit", "5000"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|l| l["reference"].as_str().unwrap().to_string())
            .collect()
    };
    let soon = refs("2026-11-28T09:05:00Z");
    let after_lease = refs("2026-11-28T09:30:00Z");
    for r in &stranded {
        assert!(!soon.contains(r), "{r} is still held during the lease");
        assert!(after_lease.contains(r), "{r} comes back after the lease");
    }
}
