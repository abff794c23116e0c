//! Many operator processes on one file: nobody is handed a tenant twice, and every save
//! acknowledged to an operator is in the file.

mod common;

use rusqlite::Connection;

/// The loads of this file run one at a time: each is measured under its own processes,
/// not under the other test's as well.
static ONE_LOAD_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn eight_processes_empty_the_queue_without_double_claims_or_lost_saves() {
    let _turn = ONE_LOAD_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().unwrap();
    let tenants = 400;
    let db = common::fixture(dir.path(), 2, tenants);
    common::all_day_demo(&db);
    let acks = dir.path().join("acks.txt");

    let out = common::veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            common::NOW,
            "loadtest",
            "--operators",
            "8",
            "--seconds",
            "0",
            "--think-ms",
            "20",
            "--json",
            "--acks",
        ])
        .arg(&acks)
        .timeout(std::time::Duration::from_secs(240))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "loadtest failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["errors"], 0, "{stdout}");

    // Independent check of the file, with SQL written here.
    let conn = Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Every tenant was due once this round: claimed exactly once and called exactly once.
    assert_eq!(count("SELECT count(*) FROM claims"), tenants as i64);
    assert_eq!(
        count("SELECT count(DISTINCT tenant_id) FROM claims"),
        tenants as i64
    );
    assert_eq!(count("SELECT count(*) FROM calls"), tenants as i64);
    assert_eq!(
        count("SELECT count(DISTINCT tenant_id) FROM calls"),
        tenants as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM claims WHERE release_reason IS NOT 'saved'"),
        0
    );
    // The work was shared between the processes.
    assert_eq!(count("SELECT count(DISTINCT operator_id) FROM calls"), 8);
    // Every acknowledged save is there, once.
    let acked: Vec<String> = std::fs::read_to_string(&acks)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(acked.len(), tenants);
    let mut stmt = conn
        .prepare("SELECT count(*) FROM calls WHERE save_id = ?1")
        .unwrap();
    for a in &acked {
        let n: i64 = stmt.query_row([a], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "save {a}");
    }
    // Nobody is left due: the queue is empty now.
    let q = common::veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", common::NOW, "queue", "--json"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&q.stdout).trim(), "[]");
}

#[test]
fn the_wal_is_started_afresh_while_many_processes_save_without_a_pause() {
    let _turn = ONE_LOAD_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Operators' reads never stop; they must not keep SQLite from copying the WAL into
    // the file and starting it again, or it grows by megabytes a second all day.
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 3000);
    common::all_day_demo(&db);
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_veille"))
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            common::NOW,
            "loadtest",
            "--operators",
            "24",
            "--seconds",
            "8",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let wal = dir
        .path()
        .join(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    let mut largest = 0;
    while run.try_wait().unwrap().is_none() {
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = run.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the load ran and checked the file: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The processes saved: the WAL grew while they did (one save writes several pages).
    assert!(largest > 64 << 10, "the WAL only reached {largest} bytes");
    // The WAL is copied at 2,000 pages (8 MiB); a few saves more while it copies.
    assert!(largest < 16 << 20, "the WAL reached {} MiB", largest >> 20);
}
