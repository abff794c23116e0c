//! Identity from the system, tried with real Unix accounts: each operator is linked to
//! the account they log in with, and veille acts as that person only, in their role.
//!
//! Creating accounts needs root: the tests are ignored by a plain `cargo test` and run
//! by `.ci/run` (as root) with `cargo test --test accounts -- --ignored`. Run as
//! anyone else with `--ignored`, they fail and say so.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::RwLock;

/// Taken to start a program, and whole to write a copy of the binary (see `Program::new`).
static SPAWNS: RwLock<()> = RwLock::new(());

/// `Command::output`, never while a copy of the binary is being written.
trait Run {
    fn run(&mut self) -> std::io::Result<Output>;
}

impl Run for Command {
    fn run(&mut self) -> std::io::Result<Output> {
        let _starting = SPAWNS
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.output()
    }
}

/// Accounts and a group made for one test, removed when it ends.
struct Accounts {
    group: String,
    users: Vec<String>,
}

impl Accounts {
    /// Makes `names` (each suffixed to be unique) as members of a new group.
    fn make(names: &[&str]) -> Accounts {
        assert!(
            nix_uid() == 0,
            "these tests create Unix accounts and must run as root (.ci/run does)"
        );
        // Tests run side by side in one process: each has its own names.
        static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}{n}", std::process::id() % 100_000);
        let group = format!("vg{tag}");
        run("groupadd", &[&group]);
        let mut accounts = Accounts {
            group: group.clone(),
            users: Vec::new(),
        };
        for name in names {
            let user = format!("v{name}{tag}");
            run(
                "useradd",
                &["-M", "-N", "-g", &group, "-s", "/usr/sbin/nologin", &user],
            );
            accounts.users.push(user);
        }
        accounts
    }

    fn user(&self, name: &str) -> &str {
        self.users
            .iter()
            .find(|u| u.starts_with(&format!("v{name}")))
            .unwrap()
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for user in &self.users {
            let _ = Command::new("userdel").arg(user).run();
        }
        let _ = Command::new("groupdel").arg(&self.group).run();
    }
}

fn nix_uid() -> u32 {
    // The owner of a file this process just made is its real user id.
    let f = tempfile::NamedTempFile::new().unwrap();
    std::os::unix::fs::MetadataExt::uid(&f.as_file().metadata().unwrap())
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).run().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A program's database as the deployment guide sets it up: made by root, in a folder
/// of the program's group, every operator in that group.
struct Program {
    _dir: tempfile::TempDir,
    bin: PathBuf,
    db: PathBuf,
}

impl Program {
    fn new(accounts: &Accounts) -> Program {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        // A copy of the binary that every account can run, wherever the build is.
        let bin = dir.path().join("veille");
        {
            // No test starts a program while the copy is open for writing: a child
            // forked then would hold it open, and running the copy would fail with
            // "text file busy".
            let _copying = SPAWNS
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            std::fs::copy(env!("CARGO_BIN_EXE_veille"), &bin).unwrap();
        }
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let db = data.join("veille.db");
        let program = Program { _dir: dir, bin, db };
        program.root(&["init"]).success();
        let csv = data.join("operators.csv");
        std::fs::write(
            &csv,
            format!(
                "Identifiant;Nom;Prénom;Rôle;Compte Unix\n\
                 amartin;Martin;Alice;bénévole;{}\n\
                 bdurand;Durand;Bruno;bénévole;{}\n\
                 cdubois;Dubois;Claire;coordinatrice;{}\n",
                accounts.user("alice"),
                accounts.user("bruno"),
                accounts.user("claire"),
            ),
        )
        .unwrap();
        program
            .root(&["import", "operators", csv.to_str().unwrap()])
            .success();
        let tenants = data.join("tenants.csv");
        std::fs::write(
            &tenants,
            "Référence;Nom;Prénom;Téléphone;Date de naissance\n\
             T1;Lefèvre;Hélène;01 99 00 00 01;03/04/1941\n",
        )
        .unwrap();
        program
            .root(&["import", "tenants", tenants.to_str().unwrap()])
            .success();
        program
            .root(&["settings", "set", "calling_hours", "00:00-24:00"])
            .success();
        std::fs::remove_file(csv).unwrap();
        std::fs::remove_file(tenants).unwrap();
        // The folder and the files belong to the program's group, as docs/DEPLOY.md says.
        run("chgrp", &["-R", &accounts.group, data.to_str().unwrap()]);
        run("chmod", &["2770", data.to_str().unwrap()]);
        for entry in std::fs::read_dir(&data).unwrap() {
            let path = entry.unwrap().path();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660)).unwrap();
        }
        program
    }

    /// veille run by root, the server's administrator.
    fn root(&self, args: &[&str]) -> Outcome {
        Outcome(
            Command::new(&self.bin)
                .arg("--db")
                .arg(&self.db)
                .args(args)
                .env_remove("VEILLE_NOW")
                // Messages in English, as the assertions read them.
                .env("LANG", "en_GB.UTF-8")
                .run()
                .unwrap(),
        )
    }

    /// veille run by `user`, with that account's own rights and groups.
    fn by(&self, user: &str, args: &[&str]) -> Outcome {
        Outcome(
            Command::new("runuser")
                // Messages in English, as the assertions read them.
                .env("LANG", "en_GB.UTF-8")
                .args(["-u", user, "--"])
                .arg(&self.bin)
                .arg("--db")
                .arg(&self.db)
                .args(args)
                .env_remove("VEILLE_NOW")
                .env("HOME", "/nonexistent")
                .current_dir("/")
                .run()
                .unwrap(),
        )
    }
}

struct Outcome(Output);

impl Outcome {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    fn success(&self) -> String {
        assert!(
            self.0.status.success(),
            "expected success; stderr: {}",
            self.stderr()
        );
        self.stdout()
    }

    /// Asserts a refusal whose message says `why`.
    fn refused(&self, why: &str) {
        assert!(
            !self.0.status.success(),
            "expected a refusal; stdout: {}",
            self.stdout()
        );
        assert!(
            self.stderr().contains(why),
            "the refusal should say {why:?}; it says: {}",
            self.stderr()
        );
    }
}

#[test]
#[ignore = "creates Unix accounts: needs root; run by .ci/run with --ignored"]
fn each_account_acts_as_its_own_operator_and_no_one_else() {
    let accounts = Accounts::make(&["alice", "bruno", "claire", "dora"]);
    let p = Program::new(&accounts);
    let (alice, claire, dora) = (
        accounts.user("alice"),
        accounts.user("claire"),
        accounts.user("dora"),
    );

    // Alice works as herself without naming herself, and as herself named.
    let queue = p.by(alice, &["queue"]).success();
    assert!(
        queue.contains("LEFÈVRE") || queue.contains("Lefèvre"),
        "{queue}"
    );
    p.by(
        alice,
        &["refer", "--tenant", "T1", "--service", "social_services"],
    )
    .success();
    p.by(
        alice,
        &[
            "refer",
            "--tenant",
            "T1",
            "--service",
            "grocery_volunteers",
            "--operator",
            "amartin",
        ],
    )
    .success();

    // She cannot act as Bruno, nor as Claire the coordinator.
    for other in ["bdurand", "cdubois", "3"] {
        p.by(
            alice,
            &[
                "refer",
                "--tenant",
                "T1",
                "--service",
                "social_services",
                "--operator",
                other,
            ],
        )
        .refused("acts only as amartin");
    }
    p.by(alice, &["summary", "--operator", "bdurand"])
        .refused("only a coordinator reads bdurand's");

    // Coordinator work is refused to her, whatever she names.
    for args in [
        &["settings", "set", "lease_minutes", "30"][..],
        &["export", "calls", "--include-health"],
        &["export", "referrals"],
        &["audit"],
        &["report"],
        &["purge", "--older-than", "6", "--dry-run"],
        &["cohorts", "add", "nouveaux"],
        &["tenants", "reopen", "T1"],
        &["tenants", "show", "T1", "--health"],
        &["operators", "link", "bdurand", alice],
    ] {
        p.by(alice, args)
            .refused("is a coordinator's work and Alice Martin (amartin) is an operator");
    }

    p.by(
        alice,
        &[
            "settings",
            "set",
            "lease_minutes",
            "30",
            "--operator",
            "cdubois",
        ],
    )
    .refused("acts only as amartin");

    // Claire, a coordinator, does coordinator work as herself.
    p.by(claire, &["settings", "set", "lease_minutes", "30"])
        .success();
    p.by(claire, &["tenants", "show", "T1", "--health"])
        .success();
    p.by(
        claire,
        &["summary", "--operator", "amartin", "--since", "01/01/2026"],
    )
    .success();

    // An account linked to nobody is told whom to ask.
    p.by(dora, &["queue"]).refused(&format!(
        "the account '{dora}' is not linked to any operator"
    ));
    p.by(dora, &["queue"])
        .refused("Ask a coordinator (Claire Dubois)");

    // The audit log names the operator and the account of each action.
    let audit = p.root(&["audit", "--limit", "50"]).success();
    let line = |action: &str| -> String {
        audit
            .lines()
            .find(|l| l.contains(action))
            .unwrap_or_else(|| panic!("no {action} in the audit log:\n{audit}"))
            .to_string()
    };
    let setting = line("setting changed");
    assert!(
        setting.contains("cdubois") && setting.contains(claire),
        "{setting}"
    );
    assert!(
        setting.contains("lease_minutes: (default) → 30"),
        "{setting}"
    );
    let read = line("health details read");
    assert!(read.contains("cdubois") && read.contains(claire), "{read}");
    let card = line("card read");
    assert!(card.contains("cdubois"), "{card}");
    let import = line("operators imported");
    assert!(import.contains("root"), "{import}");
    // Alice's two referrals are hers, account and all; her refused attempts left no row.
    let hers: Vec<&str> = audit.lines().filter(|l| l.contains(alice)).collect();
    assert_eq!(hers.len(), 2, "{audit}");
    assert!(
        hers.iter()
            .all(|l| l.contains("amartin") && l.contains("referral made")),
        "{audit}"
    );
    let referrals = p
        .root(&["referrals", "list", "--operator", "amartin", "--json"])
        .success();
    assert_eq!(referrals.matches("\"id\"").count(), 2, "{referrals}");
}

#[test]
#[ignore = "creates Unix accounts: needs root; run by .ci/run with --ignored"]
fn the_clock_of_a_program_cannot_be_set_by_anyone() {
    let accounts = Accounts::make(&["alice", "bruno", "claire"]);
    let p = Program::new(&accounts);
    for user in [accounts.user("alice"), accounts.user("claire")] {
        p.by(user, &["--now", "2031-01-01T09:00:00Z", "queue"])
            .refused("sets the clock only on a demo database");
        p.by(
            user,
            &[
                "--now",
                "2031-01-01T09:00:00Z",
                "purge",
                "--older-than",
                "1",
            ],
        )
        .refused("sets the clock only on a demo database");
    }
    p.root(&[
        "--now",
        "2031-01-01T09:00:00Z",
        "purge",
        "--older-than",
        "1",
    ])
    .refused("sets the clock only on a demo database");
    let out = Command::new("runuser")
        // Messages in English, as the assertions read them.
        .env("LANG", "en_GB.UTF-8")
        .args(["-u", accounts.user("alice"), "--"])
        .arg(&p.bin)
        .arg("--db")
        .arg(&p.db)
        .arg("queue")
        .env("VEILLE_NOW", "2031-01-01T09:00:00Z")
        .run()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("VEILLE_NOW"));
}

#[test]
#[ignore = "creates Unix accounts: needs root; run by .ci/run with --ignored"]
fn a_coordinator_links_and_unlinks_accounts() {
    let accounts = Accounts::make(&["alice", "bruno", "claire", "dora"]);
    let p = Program::new(&accounts);
    let (claire, dora) = (accounts.user("claire"), accounts.user("dora"));
    p.by(dora, &["queue"]).refused("not linked");
    // One account is one person: Alice's account cannot be given to Bruno as well.
    p.by(
        claire,
        &["operators", "link", "bdurand", accounts.user("alice")],
    )
    .refused("already linked to amartin");
    p.by(claire, &["operators", "link", "bdurand", dora])
        .success();
    p.by(dora, &["queue"]).success();
    let list = p.by(dora, &["operators"]).success();
    assert!(list.contains(dora), "{list}");
    p.by(claire, &["operators", "unlink", "bdurand"]).success();
    p.by(dora, &["queue"]).refused("not linked");
    // Bruno's own account lost its link when Dora's was made: one account each.
    p.by(accounts.user("bruno"), &["queue"])
        .refused("not linked");
    let audit = p.root(&["audit"]).success();
    assert!(
        audit.contains(&format!("bdurand linked to the account {dora}"))
            && audit.contains("bdurand unlinked from their account"),
        "{audit}"
    );
}

#[test]
#[ignore = "creates Unix accounts: needs root; run by .ci/run with --ignored"]
fn the_sign_in_screen_offers_only_the_person_logged_in() {
    let accounts = Accounts::make(&["alice", "bruno", "claire"]);
    let p = Program::new(&accounts);
    let socket = format!("veille-accounts-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .env("LANG", "C.UTF-8")
            .run()
            .unwrap()
    };
    let command = format!(
        "runuser -u {} -- env HOME=/nonexistent LANG=C.UTF-8 {} --db {} --lang en",
        accounts.user("alice"),
        p.bin.display(),
        p.db.display()
    );
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        "v",
        "-x",
        "100",
        "-y",
        "30",
        &command,
    ]);
    assert!(started.status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let screen = loop {
        let screen =
            String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "v"]).stdout).into_owned();
        if screen.contains("Alice Martin") || std::time::Instant::now() > deadline {
            break screen;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    tmux(&["kill-server"]);
    // The terminal is gone and, under runuser, no hang-up signal reaches veille: it must
    // end by itself rather than read the dead terminal at full speed forever.
    let running = || {
        Command::new("pgrep")
            .arg("-f")
            .arg(p.bin.to_str().unwrap())
            .run()
            .unwrap()
            .status
            .success()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        !running(),
        "veille still runs after its terminal was closed"
    );
    assert!(screen.contains("Alice Martin"), "{screen}");
    assert!(
        !screen.contains("Bruno Durand") && !screen.contains("Claire Dubois"),
        "only the person logged in is offered:\n{screen}"
    );
}

/// `/etc/veille/veille.toml` naming a test's database for as long as the test runs; what
/// was there before comes back after. Tests that set it take turns.
struct SystemConfig {
    before: Option<Vec<u8>>,
    _turn: std::sync::MutexGuard<'static, ()>,
}

const SYSTEM_CONFIG: &str = "/etc/veille/veille.toml";

impl SystemConfig {
    fn naming(db: &std::path::Path, backups: &std::path::Path) -> SystemConfig {
        static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let turn = TURN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = std::fs::read(SYSTEM_CONFIG).ok();
        std::fs::create_dir_all("/etc/veille").unwrap();
        std::fs::write(
            SYSTEM_CONFIG,
            format!(
                "database = {:?}\nbackups = {:?}\n",
                db.display().to_string(),
                backups.display().to_string()
            ),
        )
        .unwrap();
        std::fs::set_permissions(SYSTEM_CONFIG, std::fs::Permissions::from_mode(0o644)).unwrap();
        SystemConfig {
            before,
            _turn: turn,
        }
    }
}

impl Drop for SystemConfig {
    fn drop(&mut self) {
        match &self.before {
            Some(bytes) => std::fs::write(SYSTEM_CONFIG, bytes).unwrap(),
            None => {
                let _ = std::fs::remove_file(SYSTEM_CONFIG);
                let _ = std::fs::remove_dir("/etc/veille");
            }
        }
    }
}

#[test]
#[ignore = "creates Unix accounts and /etc/veille/veille.toml: needs root; run by .ci/run with --ignored"]
fn through_a_setgid_veille_operators_reach_the_data_only_through_veille() {
    let accounts = Accounts::make(&["alice", "bruno", "claire"]);
    let p = Program::new(&accounts);
    // The recommended deployment: the data belong to a group no operator is in, and the
    // binary is setgid to it.
    let data_group = format!("{}d", accounts.group);
    run("groupadd", &[&data_group]);
    struct Group(String);
    impl Drop for Group {
        fn drop(&mut self) {
            let _ = Command::new("groupdel").arg(&self.0).run();
        }
    }
    let _group = Group(data_group.clone());
    let data = p.db.parent().unwrap().to_path_buf();
    run("chgrp", &["-R", &data_group, data.to_str().unwrap()]);
    run("chmod", &["2770", data.to_str().unwrap()]);
    run(
        "chown",
        &[&format!("root:{data_group}"), p.bin.to_str().unwrap()],
    );
    run("chmod", &["2755", p.bin.to_str().unwrap()]);
    let backups = data.join("backups");
    std::fs::create_dir(&backups).unwrap();
    run("chgrp", &[&data_group, backups.to_str().unwrap()]);
    run("chmod", &["2770", backups.to_str().unwrap()]);
    let _config = SystemConfig::naming(&p.db, &backups);
    let (alice, claire) = (accounts.user("alice"), accounts.user("claire"));

    // Alice works through veille, with no --db: the system's configuration names the file.
    let queue = Outcome(
        Command::new("runuser")
            // Messages in English, as the assertions read them.
            .env("LANG", "en_GB.UTF-8")
            .args(["-u", alice, "--"])
            .arg(&p.bin)
            .arg("queue")
            .env("VEILLE_DB", "/nonexistent/elsewhere.db")
            .env("HOME", "/nonexistent")
            .current_dir("/")
            .run()
            .unwrap(),
    )
    .success();
    assert!(queue.contains("Lef"), "{queue}");
    let referral = Outcome(
        Command::new("runuser")
            // Messages in English, as the assertions read them.
            .env("LANG", "en_GB.UTF-8")
            .args(["-u", alice, "--"])
            .arg(&p.bin)
            .args(["refer", "--tenant", "T1", "--service", "social_services"])
            .env("HOME", "/nonexistent")
            .current_dir("/")
            .run()
            .unwrap(),
    );
    referral.success();

    // Without veille she reaches nothing: not the file, not its folder.
    let direct = Command::new("runuser")
        // Messages in English, as the assertions read them.
        .env("LANG", "en_GB.UTF-8")
        .args(["-u", alice, "--", "cat"])
        .arg(&p.db)
        .run()
        .unwrap();
    assert!(!direct.status.success());
    assert!(
        String::from_utf8_lossy(&direct.stderr).contains("Permission denied"),
        "{}",
        String::from_utf8_lossy(&direct.stderr)
    );
    if Command::new("sqlite3").arg("-version").run().is_ok() {
        let sql = Command::new("runuser")
            // Messages in English, as the assertions read them.
            .env("LANG", "en_GB.UTF-8")
            .args(["-u", alice, "--", "sqlite3"])
            .arg(&p.db)
            .arg("SELECT count(*) FROM referrals")
            .current_dir("/")
            .run()
            .unwrap();
        assert!(
            !sql.status.success() || sql.stdout.is_empty(),
            "sqlite3 read the file: {}",
            String::from_utf8_lossy(&sql.stdout)
        );
    }

    // The setgid veille is no tool for reaching other files: another database, a file to
    // import or a place to export that the user cannot reach with their own rights.
    let runs = |user: &str, args: &[&str]| {
        Outcome(
            Command::new("runuser")
                // Messages in English, as the assertions read them.
                .env("LANG", "en_GB.UTF-8")
                .args(["-u", user, "--"])
                .arg(&p.bin)
                .args(args)
                .env("HOME", "/nonexistent")
                .current_dir("/")
                .run()
                .unwrap(),
        )
    };
    runs(alice, &["--db", "/tmp/other.db", "queue"]).refused("--db is not accepted");
    runs(alice, &["--now", "2031-01-01T09:00:00Z", "queue"]).refused("clock");
    let hidden = data.join("hidden.csv");
    std::fs::write(
        &hidden,
        "Référence;Nom;Prénom;Téléphone\nT9;Caché;Jean;01 99 00 00 09\n",
    )
    .unwrap();
    run("chgrp", &[&data_group, hidden.to_str().unwrap()]);
    std::fs::set_permissions(&hidden, std::fs::Permissions::from_mode(0o640)).unwrap();
    runs(claire, &["import", "tenants", hidden.to_str().unwrap()]).refused("ermission denied");
    let out = data.join("out.csv");
    runs(
        claire,
        &["export", "referrals", "--output", out.to_str().unwrap()],
    )
    .refused("ermission denied");
    assert!(!out.exists());

    // Claire, a coordinator, still does her work, and doctor finds the deployment right.
    runs(claire, &["settings", "set", "lease_minutes", "25"]).success();
    // Backups go into the configured folder, with the data's group, and nowhere else.
    runs(claire, &["backup", "nightly.db"]).success();
    let copy = std::fs::metadata(backups.join("nightly.db")).unwrap();
    assert_eq!(copy.permissions().mode() & 0o777, 0o660);
    let folder = std::fs::metadata(&data).unwrap();
    assert_eq!(
        std::os::unix::fs::MetadataExt::gid(&copy),
        std::os::unix::fs::MetadataExt::gid(&folder)
    );
    runs(claire, &["backup", "/tmp/elsewhere.db"]).refused("without a folder");
    runs(claire, &["backup", "../veille.db", "--force"]).refused("without a folder");
    runs(alice, &["backup", "mine.db"]).refused("a coordinator's work");
    assert!(!backups.join("mine.db").exists());
    let doctor = runs(claire, &["doctor"]);
    let access = doctor
        .stdout()
        .lines()
        .find(|l| l.contains("access"))
        .unwrap_or_default()
        .to_string();
    assert!(
        access.starts_with("ok") && access.contains("only through veille"),
        "{}{}",
        doctor.stdout(),
        doctor.stderr()
    );

    // Claire's board reads on a connection of its own, opened after veille gave up the
    // group: it borrows the group back for that alone.
    let socket = format!("veille-setgid-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .env("LANG", "C.UTF-8")
            .run()
            .unwrap()
    };
    let command = format!(
        "runuser -u {claire} -- env HOME=/nonexistent LANG=C.UTF-8 {} --lang en",
        p.bin.display()
    );
    assert!(
        tmux(&[
            "new-session",
            "-d",
            "-s",
            "v",
            "-x",
            "100",
            "-y",
            "30",
            &command
        ])
        .status
        .success()
    );
    let wait_for = |text: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let screen = String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "v"]).stdout)
                .into_owned();
            if screen.contains(text) || std::time::Instant::now() > deadline {
                return screen;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for("Claire Dubois");
    tmux(&["send-keys", "-t", "v", "Enter"]);
    wait_for("Lef");
    tmux(&["send-keys", "-t", "v", "t"]);
    let board = wait_for("Calls in progress");
    tmux(&["kill-server"]);
    assert!(board.contains("Calls in progress"), "{board}");

    // Had Alice been in the data's group, doctor would say so.
    run("gpasswd", &["-a", alice, &data_group]);
    let doctor = runs(claire, &["doctor"]).stdout();
    assert!(
        doctor.contains(&format!("open the file without veille: {alice}")),
        "{doctor}"
    );
    run("gpasswd", &["-d", alice, &data_group]);

    // What she did is hers in the audit log (root too goes through the configuration).
    let audit = Outcome(
        Command::new(&p.bin)
            .arg("audit")
            .env("LANG", "en_GB.UTF-8")
            .run()
            .unwrap(),
    )
    .success();
    assert!(
        audit
            .lines()
            .any(|l| l.contains("referral made") && l.contains(alice)),
        "{audit}"
    );
}
