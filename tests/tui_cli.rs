//! `veille` with no subcommand, as a process.

mod tui_support;

use assert_cmd::Command;
use predicates::str::contains;
use tui_support::fixture;

#[test]
fn without_a_terminal_the_screen_says_so_and_starts_no_shift() {
    let fx = fixture();
    Command::cargo_bin("veille")
        .expect("binary")
        .args(["--operator", "mdupont"])
        .env("VEILLE_DB", &fx.db)
        .env("VEILLE_DATA_DIR", fx.dir.path().join("data"))
        .env("HOME", fx.dir.path())
        .env("XDG_CONFIG_HOME", fx.dir.path().join("config"))
        .write_stdin("")
        .assert()
        .failure()
        .stderr(contains("the operator screen needs a terminal"));
    assert_eq!(fx.count("SELECT count(*) FROM shifts"), 0);
}

#[test]
fn the_operator_option_is_documented() {
    Command::cargo_bin("veille")
        .expect("binary")
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("--operator <ID>"));
}
