//! The command line as a user meets it: the real binary, exit codes, words.

mod common;

use common::veille;
use predicates::prelude::*;

#[test]
fn help_lists_the_commands() {
    veille().arg("--help").assert().success().stdout(
        predicate::str::contains("demo")
            .and(predicate::str::contains("import"))
            .and(predicate::str::contains("doctor")),
    );
    veille()
        .args(["import", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tenants"));
    veille()
        .args(["cohorts", "add", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--priority"));
}

/// The help reads in the user's language: French from the system's `LANG`, English when
/// `--lang en` says so, whatever comes first on the line.
#[test]
fn help_speaks_the_users_language() {
    let help = |args: &[&str]| {
        let out = veille()
            .env("LANG", "fr_FR.UTF-8")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let top = help(&["--help"]);
    for words in [
        "Commandes",
        "Utilisation : veille",
        "Importer la liste des locataires",
        "Afficher l'aide",
    ] {
        assert!(top.contains(words), "{words}:\n{top}");
    }
    let import = help(&["import", "tenants", "--help"]);
    for words in [
        "Réimporter met à jour",
        "Le fichier CSV",
        "Le fichier de la base",
    ] {
        assert!(import.contains(words), "{words}:\n{import}");
    }
    assert!(!import.contains("The CSV file"), "{import}");
    let english = help(&["report", "--help", "--lang", "en"]);
    assert!(english.contains("Program-wide figures"), "{english}");
    let english = help(&["--lang=en", "report", "-h"]);
    assert!(english.contains("Program-wide figures"), "{english}");
    assert!(help(&["-V"]).starts_with("veille "));
}

/// A mistyped command line is refused in the user's language, with the exit code of a
/// usage error.
#[test]
fn a_mistyped_command_is_refused_in_the_users_language() {
    let refused = |lang: &str, args: &[&str]| {
        let out = veille().env("LANG", lang).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let text = refused("fr_FR.UTF-8", &["raport"]);
    assert!(text.contains("commande inconnue « raport »"), "{text}");
    assert!(text.contains("« report »"), "{text}");
    let text = refused("fr_FR.UTF-8", &["report", "--format", "xml"]);
    assert!(
        text.contains("« xml » n'est pas une valeur possible"),
        "{text}"
    );
    let text = refused("fr_FR.UTF-8", &["tenants", "show"]);
    assert!(text.contains("il manque : <REFERENCE>"), "{text}");
    let text = refused("fr_FR.UTF-8", &["--bogus"]);
    assert!(text.contains("option inconnue « --bogus »"), "{text}");
    let text = refused("en_GB.UTF-8", &["raport"]);
    assert!(text.contains("unrecognized subcommand 'raport'"), "{text}");
}

#[test]
fn init_creates_the_database_with_two_cohorts_and_doctor_approves() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/folder/veille.db");
    // No language said anywhere: French.
    veille()
        .arg("--db")
        .arg(&db)
        .arg("init")
        .env("LANG", "C.UTF-8")
        .env("XDG_CONFIG_HOME", dir.path())
        .env("HOME", dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Base de données créée"));
    veille()
        .arg("--db")
        .arg(&db)
        .arg("init")
        .assert()
        .success()
        .stdout(predicate::str::contains("Database checked"));
    // Named in the program's language: French unless told otherwise.
    veille()
        .arg("--db")
        .arg(&db)
        .args(["cohorts", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("isolés 70+").and(predicate::str::contains("non isolés 70+")),
        );
    let english = dir.path().join("en.db");
    veille()
        .arg("--db")
        .arg(&english)
        .args(["--lang", "en", "init"])
        .assert()
        .success();
    veille()
        .arg("--db")
        .arg(&english)
        .args(["cohorts", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("isolated 70+")
                .and(predicate::str::contains("non-isolated 70+")),
        );
    veille()
        .arg("--db")
        .arg(&db)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains("ok   integrity").and(predicate::str::contains("wal")));
}

#[test]
fn the_database_can_be_given_by_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    veille()
        .env("VEILLE_DB", &db)
        .arg("init")
        .assert()
        .success();
    assert!(db.exists());
}

#[test]
fn doctor_names_a_missing_file_and_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing.db");
    veille()
        .arg("--db")
        .arg(&missing)
        .arg("doctor")
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("there is no database")
                .and(predicate::str::contains("veille init")),
        );
    assert!(!missing.exists(), "doctor must not create a file");
    let text = dir.path().join("list.csv");
    std::fs::write(&text, "Nom;Prénom\n".repeat(300)).unwrap();
    veille()
        .arg("--db")
        .arg(&text)
        .arg("queue")
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not a veille database"));
}

#[test]
fn a_database_from_a_newer_version_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    veille().arg("--db").arg(&db).arg("init").assert().success();
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 42)
        .unwrap();
    veille()
        .arg("--db")
        .arg(&db)
        .arg("queue")
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("newer version of veille")
                .and(predicate::str::contains("update veille")),
        );
}

#[test]
fn queue_lists_due_tenants_in_order_and_explains_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 5);
    let out = veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            common::NOW,
            "queue",
            "--json",
            "--operator",
            "op1",
            "--limit",
            "3",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["cohort"], "isolated 70+");
    assert_eq!(lines[0]["phone"], "01 99 00 00 00");
    // 21:00 in Paris: closed, and it says when calls resume.
    veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", "2026-11-28T20:00:00Z", "queue"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("outside calling hours")
                .and(predicate::str::contains("29/11/2026 09:00")),
        );
    veille()
        .arg("--db")
        .arg(&db)
        .args(["queue", "--operator", "nobody"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no operator 'nobody'"));
}

#[test]
fn a_new_cohort_can_join_mid_way_behind_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 2);
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "--now",
            common::NOW,
            "cohorts",
            "add",
            "second wave",
            "--starts",
            "07/12/2026",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("priority 3").and(predicate::str::contains("07/12/2026")));
    veille()
        .arg("--db")
        .arg(&db)
        .args([
            "cohorts",
            "set",
            "second wave",
            "--cadence",
            "14",
            "--pause",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("every 14 days").and(predicate::str::contains("paused")));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["cohorts", "add", "Second Wave"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists"));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["cohorts", "add", "x", "--starts", "31/02/2026"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("'31/02/2026' is not a date"));
}

#[test]
fn settings_are_checked_before_they_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    veille().arg("--db").arg(&db).arg("init").assert().success();
    veille()
        .arg("--db")
        .arg(&db)
        .args(["settings", "set", "calling_hours", "10:00-18:30"])
        .assert()
        .success();
    veille()
        .arg("--db")
        .arg(&db)
        .args(["settings", "set", "calling_hours", "late"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("calling_hours"));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["settings", "set", "colour", "blue"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown setting"));
    veille()
        .arg("--db")
        .arg(&db)
        .args(["settings", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("10:00-18:30"));
}

#[test]
fn the_load_tool_refuses_a_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 2);
    common::program_file(&db);
    veille()
        .arg("--db")
        .arg(&db)
        .args(["loadtest", "--operators", "2"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a demo database"));
}

#[test]
fn the_lock_file_of_an_older_veille_is_left_as_it_is() {
    // Screens of the version before map `veille.db-lock` into memory while they run: an
    // upgrade must neither need it nor change a byte of it under them.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("veille.db");
    veille().arg("--db").arg(&db).arg("init").assert().success();
    let lock = dir.path().join("veille.db-lock");
    assert!(!lock.exists(), "veille makes no lock file of its own");
    let old: Vec<u8> = (0..300_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&lock, &old).unwrap();
    for args in [&["cohorts", "add", "isolés"][..], &["doctor"], &["init"]] {
        veille().arg("--db").arg(&db).args(args).assert().success();
    }
    assert_eq!(std::fs::read(&lock).unwrap(), old);
}
