//! The real binary in a real terminal (tmux): sign in, take a tenant, record a call,
//! quit; and a process killed in the middle of a form, whose draft is offered at the
//! next start. Skipped, with a notice, where tmux is not installed.

mod tui_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tui_support::*;

struct Tmux {
    socket: String,
    /// The socket file, removed when the test ends.
    socket_path: std::cell::RefCell<Option<String>>,
}

impl Tmux {
    /// tmux is a requirement of the test suite (README, `.ci/run` installs it): a
    /// machine without it fails these tests rather than passing them unseen.
    fn require() {
        let found = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "tmux is needed by the end-to-end terminal tests: install it (apt install tmux)"
        );
    }

    fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("veille-test-{name}-{}", std::process::id()),
            socket_path: std::cell::RefCell::new(None),
        }
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            // tmux keeps UTF-8 (accents) only under a UTF-8 locale.
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("run tmux")
    }

    /// Starts veille on the fixture, with every file it writes inside the temp folder.
    fn start(&self, fx: &Fixture, args: &str) {
        let root = fx.dir.path();
        let command = format!(
            "exec env VEILLE_DB={db} VEILLE_DATA_DIR={data} HOME={home} XDG_CONFIG_HOME={home}/config \
             XDG_DATA_HOME={home}/share VEILLE_NOW=2026-11-28T09:42:00Z LANG=C.UTF-8 {bin} --lang fr {args}",
            db = fx.db.display(),
            data = fx.drafts.parent().expect("data dir").display(),
            home = root.join("home").display(),
            bin = env!("CARGO_BIN_EXE_veille"),
        );
        let out = self.tmux(&[
            "new-session",
            "-d",
            "-s",
            "veille",
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = self
            .tmux(&["display-message", "-p", "#{socket_path}"])
            .stdout;
        *self.socket_path.borrow_mut() = Some(String::from_utf8_lossy(&path).trim().to_string());
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "veille"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "veille", "-l", text]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "veille"]).stdout)
            .into_owned()
    }

    /// Waits (at most 10 s) until the screen shows `text`, and returns the screen.
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_all(&[text])
    }

    /// Waits (at most 10 s) until every text is on screen at once: a capture can catch
    /// a frame half drawn, so what a test reads must all be waited for.
    fn wait_for_all(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            assert!(
                start.elapsed() <= Duration::from_secs(10),
                "waited for {texts:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn running(&self) -> bool {
        self.tmux(&["has-session", "-t", "veille"]).status.success()
    }

    /// Waits (at most 10 s) until veille has exited and its session closed.
    fn wait_exit(&self) {
        let start = Instant::now();
        while self.running() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "veille did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn pid(&self) -> String {
        String::from_utf8_lossy(
            &self
                .tmux(&["display-message", "-p", "-t", "veille", "#{pane_pid}"])
                .stdout,
        )
        .trim()
        .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        if let Some(path) = self
            .socket_path
            .borrow()
            .as_deref()
            .filter(|p| !p.is_empty())
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn one(fx: &Fixture, sql: &str) -> String {
    fx.conn()
        .query_row(sql, [], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn draft_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn an_operator_records_a_call_in_a_real_terminal() {
    Tmux::require();
    let fx = fixture();
    let t = Tmux::new("call");
    t.start(&fx, "");
    t.wait_for("Qui appelle ?");
    t.text("dupont");
    t.wait_for("▶ Marie Dupont");
    t.keys(&["Enter"]);
    t.wait_for("File d'appels (5)");
    t.keys(&["j"]);
    t.wait_for("▶ Mme Hélène Lefèvre");
    t.keys(&["Enter"]);
    t.wait_for("Numéro à composer : 01 99 00 12 34");
    // Reached, fine, food need with details.
    t.keys(&["1", "1", "2", "Tab"]);
    t.wait_for("▶ Alimentation");
    t.text("Courses trop lourdes");
    t.wait_for("Courses trop lourdes");
    t.keys(&["F3"]);
    t.wait_for("Nouvelle orientation");
    t.keys(&["Tab", "2", "Tab"]);
    t.text("Dès lundi");
    t.keys(&["Enter"]);
    t.wait_for("• Portage de repas à domicile");
    t.keys(&["C-s"]);
    t.wait_for("Appel enregistré. Prochain appel le 05/12 à 00:00.");
    t.wait_for("Appels 1 · Joints 1 · Orient. 1 · Interv. 0");
    t.keys(&["q"]);
    t.wait_for("Terminer votre service et quitter ?");
    t.keys(&["Enter"]);
    t.wait_exit();

    let helene = fx.tenant_id("Lefèvre");
    let call = format!(
        "SELECT c.id FROM calls c JOIN operators o ON o.id = c.operator_id
         WHERE c.tenant_id = {helene} AND o.login = 'mdupont' AND c.outcome = 'reached'
           AND c.wellbeing = 'fine'"
    );
    let call_id: i64 = fx.count(&call);
    assert_eq!(
        one(
            &fx,
            &format!("SELECT category || ': ' || details FROM needs WHERE call_id = {call_id}")
        ),
        "food: Courses trop lourdes"
    );
    assert_eq!(
        one(
            &fx,
            &format!(
                "SELECT s.code || ' / ' || r.note || ' / ' || r.status FROM referrals r
             JOIN services s ON s.id = r.service_id WHERE r.call_id = {call_id}"
            )
        ),
        "meal_delivery / Dès lundi / proposed"
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM shifts WHERE ended_at IS NULL"),
        0,
        "quitting ends the shift"
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM claims WHERE released_at IS NULL"),
        0
    );
    assert!(
        draft_files(&fx.drafts).is_empty(),
        "no draft left after the save"
    );
    let config = fx.dir.path().join("home/config/veille/config.toml");
    let remembered = std::fs::read_to_string(&config).unwrap_or_default();
    assert!(
        remembered.contains("mdupont"),
        "the last operator is remembered in {}",
        config.display()
    );
}

#[test]
fn a_killed_terminal_loses_nothing_typed() {
    Tmux::require();
    let fx = fixture();
    let t = Tmux::new("kill");
    t.start(&fx, "--operator mdupont");
    t.wait_for("File d'appels (5)");
    // A first call saved before the crash belongs to the shift as well.
    t.keys(&["Enter"]);
    t.wait_for("Numéro à composer");
    t.keys(&["1", "1", "C-s"]);
    t.wait_for("Appels 1 · Joints 1");
    t.wait_for("File d'appels (4)");
    t.keys(&["Enter"]);
    t.wait_for("Numéro à composer : 01 99 00 12 34");
    t.keys(&["1", "1", "1", "Tab"]);
    t.text("Chute hier soir");
    t.keys(&["Tab"]);
    t.text("Fille prévenue");
    t.wait_for("Fille prévenue");

    let files = draft_files(&fx.drafts);
    assert_eq!(files.len(), 1, "one draft for this database and operator");
    let draft: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).expect("read the draft"))
            .expect("json");
    assert_eq!(
        draft["form"]["notes"], "Fille prévenue",
        "written as it is typed"
    );
    let save_id = draft["save_id"].as_str().expect("save id").to_string();

    let pid = t.pid();
    assert!(!pid.is_empty());
    assert!(
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .expect("kill")
            .success()
    );
    t.wait_exit();
    assert_eq!(
        fx.count("SELECT count(*) FROM calls WHERE notes = 'Fille prévenue'"),
        0
    );

    t.start(&fx, "--operator mdupont");
    // The resume offer shows the draft's content.
    t.wait_for_all(&[
        "Appel non enregistré",
        "Mme Hélène Lefèvre",
        "Résultat : Joint",
        "Besoins : Santé",
        "« Fille prévenue »",
    ]);
    t.keys(&["Enter"]);
    // The call opens with what was typed before the kill.
    t.wait_for_all(&["Numéro à composer", "Chute hier soir", "Fille prévenue"]);
    t.keys(&["C-s"]);
    t.wait_for("Appel enregistré.");
    // One shift: its counters hold the call saved before the crash and the one after.
    t.wait_for("Appels 2 · Joints 2");
    assert_eq!(
        one(
            &fx,
            "SELECT save_id FROM calls WHERE notes = 'Fille prévenue'"
        ),
        save_id,
        "saved once, under the save identifier made when the call began"
    );
    assert_eq!(
        one(
            &fx,
            "SELECT details FROM needs n JOIN calls c ON c.id = n.call_id WHERE c.notes = 'Fille prévenue'"
        ),
        "Chute hier soir"
    );
    // Signing in again minutes after the kill goes on with the same shift, so that
    // the end-of-shift summary counts the whole session.
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM shifts WHERE operator_id = (SELECT id FROM operators WHERE login = 'mdupont')"
        ),
        1
    );
    // The end of the shift counts both calls, the one before the kill and the one after.
    t.keys(&["q"]);
    t.wait_for_all(&[
        "Fin de service · Marie Dupont",
        "Appels passés                        2",
        "Locataires joints                    2",
        "Besoins repérés                      Santé 1",
    ]);
    t.keys(&["Enter"]);
    t.wait_exit();
}

#[test]
fn a_terminal_killed_while_its_save_waits_for_a_lock_leaves_no_half_call() {
    Tmux::require();
    let fx = fixture();
    let t = Tmux::new("killsave");
    t.start(&fx, "--operator mdupont");
    t.wait_for("File d'appels (5)");
    t.keys(&["j", "Enter"]);
    t.wait_for("Numéro à composer : 01 99 00 12 34");
    t.keys(&["1", "1", "1", "Tab"]);
    t.text("Chute hier soir");
    t.keys(&["Tab"]);
    t.text("Fille prévenue");
    t.wait_for("Fille prévenue");

    // Another program (a sqlite3 shell, a backup script) holds the write lock.
    let holder = fx.conn();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;")
        .unwrap();
    t.keys(&["C-s"]);
    // The screen says the save is waiting, and keeps the form.
    t.wait_for_all(&["Enregistrement en attente", "Fille prévenue"]);
    // The terminal dies in the middle of its save.
    let pid = t.pid();
    assert!(
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .unwrap()
            .success()
    );
    t.wait_exit();
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);

    // Nothing half written: no call, no need, and the file is whole.
    assert_eq!(
        fx.count("SELECT count(*) FROM calls WHERE notes = 'Fille prévenue'"),
        0
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM needs WHERE details = 'Chute hier soir'"),
        0
    );
    assert_eq!(one(&fx, "PRAGMA integrity_check"), "ok");
    // The next start offers the draft, and saving it records the call once, whole.
    t.start(&fx, "--operator mdupont");
    t.wait_for_all(&["Appel non enregistré", "« Fille prévenue »"]);
    t.keys(&["Enter"]);
    t.wait_for_all(&["Numéro à composer", "Fille prévenue"]);
    t.keys(&["C-s"]);
    t.wait_for("Appel enregistré.");
    assert_eq!(
        fx.count("SELECT count(*) FROM calls WHERE notes = 'Fille prévenue'"),
        1
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM needs WHERE details = 'Chute hier soir'"),
        1
    );
}

#[test]
fn an_emergency_goes_from_the_banner_to_a_coordinator_and_a_callback_today() {
    Tmux::require();
    let fx = fixture();
    let t = Tmux::new("emergency");
    t.start(&fx, "");
    t.wait_for("Qui appelle ?");
    t.text("dupont");
    t.wait_for("▶ Marie Dupont");
    t.keys(&["Enter"]);
    t.wait_for("File d'appels (5)");
    t.keys(&["j"]);
    t.wait_for("▶ Mme Hélène Lefèvre");
    t.keys(&["Enter"]);
    t.wait_for("Numéro à composer : 01 99 00 12 34");
    // Reached, urgent: the banner, then the protocol in place of the needs.
    t.keys(&["1", "3"]);
    t.wait_for_all(&[
        "URGENCE : appelez le 15",
        "▶Secours",
        "Script 3/9 : Urgence",
    ]);
    t.keys(&["C-s"]);
    t.wait_for("dites si les secours (15, 112, 18) ont été appelés");
    t.keys(&["1"]);
    t.wait_for("▶Décidé");
    t.text("SAMU en route");
    // An emergency request for a team: the reason for none is no longer asked.
    t.keys(&["F4"]);
    t.wait_for("Demande d'intervention ─");
    t.keys(&["2", "Tab", "3", "Tab", "Tab", "Tab"]);
    t.text("Chute, ne se relève pas");
    t.keys(&["Enter"]);
    t.wait_for("Urgence vitale");
    t.keys(&["C-s"]);
    t.wait_for("Prochain appel à 11:4");
    t.wait_for("Les coordinateurs sont prévenus de l'urgence.");
    t.keys(&["q"]);
    t.wait_for("Terminer votre service et quitter ?");
    t.keys(&["Enter"]);
    t.wait_exit();

    // A coordinator signs in: the alert is on her first screen; she takes it.
    let c = Tmux::new("coordinator");
    c.start(&fx, "");
    c.wait_for("Qui appelle ?");
    c.text("faure");
    c.wait_for("▶ Léa Fauré");
    c.keys(&["Enter"]);
    c.wait_for("!! 1 URGENCE(S) À PRENDRE EN CHARGE · d puis p !!");
    c.keys(&["d"]);
    c.wait_for_all(&[
        "URGENCES À PRENDRE EN CHARGE (1)",
        "Hélène Lefèvre · 01 99 00 12 34 · Marie Dupont",
        "Urgence vitale · Hélène Lefèvre",
    ]);
    c.keys(&["p"]);
    c.wait_for("Vous prenez l'urgence en charge");

    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        one(
            &fx,
            &format!(
                "SELECT e.services || ' / ' || e.decision || ' / ' || e.no_request_reason || ' / '
                        || o.login
                 FROM emergencies e JOIN operators o ON o.id = e.taken_by
                 WHERE e.tenant_id = {helene}"
            )
        ),
        "by_operator / SAMU en route /  / lfaure"
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM interventions WHERE tenant_id = {helene}
             AND urgency = 'emergency' AND details = 'Chute, ne se relève pas'
             AND wanted_at IS NOT NULL"
        )),
        1
    );
    let due = one(
        &fx,
        &format!("SELECT due_at FROM tenants WHERE id = {helene}"),
    );
    assert!(
        due.starts_with("2026-11-28T10:4"),
        "called again today: {due}"
    );
}
