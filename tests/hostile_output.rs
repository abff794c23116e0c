//! Text stored as given, printed harmlessly: a name or a note holding an escape sequence (a
//! clipboard write, a title change) or a bidirectional override reaches no terminal through
//! the command line, and a note keeps its lines.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use common::{NOW, utc, veille};
use veille::domain::Outcome;
use veille::store::{NewTenant, Store};

/// OSC 52 (writes the clipboard), a title change, and a right-to-left override.
const CLIPBOARD: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
const TITLE: &str = "\u{1b}]0;pwned\u{7}";
const RTL: &str = "\u{202e}";

fn hostile(dir: &std::path::Path) -> std::path::PathBuf {
    let db = common::fixture(dir, 2, 2);
    let mut store = Store::open(&db).unwrap();
    let now = utc(NOW);
    let cohort = store.cohorts().unwrap()[0].id;
    store
        .upsert_tenants(
            &[NewTenant {
                external_ref: format!("X{RTL}1"),
                last_name: format!("Durand{CLIPBOARD}"),
                first_name: format!("Léa{TITLE}"),
                phone: Some("0199000077".into()),
                lives_alone: Some(true),
                ..Default::default()
            }],
            cohort,
            None,
            now,
        )
        .unwrap();
    let rules = store.rules().unwrap();
    let op = store.operator("op1").unwrap().id;
    let tenant = store.find_tenant(&format!("X{RTL}1")).unwrap();
    let claim = store.claim_tenant(op, tenant.id, now, &rules).unwrap();
    let mut call = common::call(&claim, Outcome::Reached);
    call.notes = format!("première ligne{CLIPBOARD}\nseconde ligne{RTL}");
    store.save_call(&call, now, &rules).unwrap();
    let service = store.services().unwrap()[0].id;
    store
        .create_referral(
            tenant.id,
            service,
            &format!("à suivre{TITLE}"),
            None,
            op,
            now,
        )
        .unwrap();
    db
}

fn assert_harmless(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains(RTL),
        "{what} printed an escape sequence or an override: {text:?}"
    );
}

#[test]
fn stored_escape_sequences_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile(dir.path());
    let reference = format!("X{RTL}1");
    for args in [
        vec!["tenants", "show", reference.as_str()],
        vec![
            "tenants",
            "show",
            reference.as_str(),
            "--health",
            "--operator",
            "op2",
        ],
        vec!["queue"],
        vec!["referrals", "list"],
        vec!["referrals", "history", "1"],
        vec!["audit"],
        vec!["summary", "--operator", "op1", "--since", "01/11/2026"],
        vec!["report"],
        vec![
            "export",
            "calls",
            "--include-health",
            "--operator",
            "op2",
            "--plain",
        ],
    ] {
        let out = veille()
            .arg("--db")
            .arg(&db)
            .args(["--now", NOW])
            .args(&args)
            .output()
            .unwrap();
        // The export writes the data for a program: it may hold the bytes as stored when
        // written to a file, but not on a terminal's standard output.
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args[0] != "export" {
            assert_harmless(&format!("{args:?}"), &out.stdout);
        }
        assert_harmless(&format!("{args:?} (errors)"), &out.stderr);
    }
    // A note keeps its two lines.
    let card = veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "tenants", "show", &reference])
        .output()
        .unwrap();
    let card = String::from_utf8_lossy(&card.stdout);
    assert!(card.contains("Durand?]52;c;cm0gLXJmIH4=?"), "{card}");
}

#[test]
fn a_file_that_cannot_be_read_is_not_echoed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 2);
    let file = dir.path().join("list.csv");
    std::fs::write(&file, format!("{TITLE}{CLIPBOARD} nothing like a header\n")).unwrap();
    let out = veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "import", "tenants"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_harmless("import (stdout)", &out.stdout);
    assert_harmless("import (errors)", &out.stderr);
}
