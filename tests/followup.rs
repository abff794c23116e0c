//! Referrals and intervention requests followed to their end, from the command line.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use common::{NOW, veille};
use predicates::prelude::*;

fn run(db: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    veille()
        .arg("--db")
        .arg(db)
        .args(["--now", NOW])
        .args(args)
        .assert()
}

#[test]
fn a_referral_goes_from_proposed_to_done_with_its_history_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 2);
    run(
        &db,
        &[
            "refer",
            "--tenant",
            "T00000",
            "--service",
            "meal_delivery",
            "--note",
            "midi et soir",
            "--follow-up",
            "02/12/2026",
            "--operator",
            "op1",
        ],
    )
    .success()
    .stdout(predicate::str::contains("Referral 1").and(predicate::str::contains("Meal delivery")));
    run(
        &db,
        &[
            "refer",
            "--tenant",
            "T00000",
            "--service",
            "pizza",
            "--operator",
            "op1",
        ],
    )
    .failure()
    .stderr(
        predicate::str::contains("no service 'pizza'")
            .and(predicate::str::contains("meal_delivery")),
    );
    // Another operator may not move it; its author and coordinators may.
    run(&db, &["referrals", "set", "1", "sent", "--operator", "op2"])
        .failure()
        .stderr(predicate::str::contains("their own referrals"));
    run(&db, &["referrals", "set", "1", "sent", "--operator", "op1"])
        .success()
        .stdout(predicate::str::contains("proposed → sent"));
    run(
        &db,
        &["referrals", "set", "1", "in_progress", "--operator", "op3"],
    )
    .success();
    run(&db, &["referrals", "set", "1", "done", "--operator", "op3"])
        .failure()
        .stderr(predicate::str::contains("needs a note"));
    run(
        &db,
        &[
            "referrals",
            "set",
            "1",
            "done",
            "--note",
            "repas livrés depuis lundi",
            "--operator",
            "op3",
        ],
    )
    .success();
    run(
        &db,
        &[
            "referrals",
            "set",
            "1",
            "sent",
            "--note",
            "x",
            "--operator",
            "op3",
        ],
    )
    .failure()
    .stderr(predicate::str::contains("cannot go from done to sent"));
    run(&db, &["referrals", "history", "1"]).success().stdout(
        predicate::str::contains("proposed")
            .and(predicate::str::contains("Opérateur 1"))
            .and(predicate::str::contains("in progress"))
            .and(predicate::str::contains("repas livrés depuis lundi")),
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let events: i64 = conn
        .query_row(
            "SELECT count(*) FROM referral_events WHERE referral_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, 4, "every step is kept, none overwritten");
    run(&db, &["referrals", "list"])
        .success()
        .stdout(predicate::str::contains("No referral to follow up"));
}

#[test]
fn overdue_referrals_stand_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 2);
    run(
        &db,
        &[
            "refer",
            "--tenant",
            "T00000",
            "--service",
            "gp",
            "--follow-up",
            "20/11/2026",
            "--operator",
            "op1",
        ],
    )
    .success();
    run(
        &db,
        &[
            "refer",
            "--tenant",
            "T00001",
            "--service",
            "gp",
            "--follow-up",
            "20/12/2026",
            "--operator",
            "op2",
        ],
    )
    .success();
    let out = veille()
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "referrals", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].contains("20/11/2026") && lines[0].contains("OVERDUE"),
        "oldest follow-up first: {text}"
    );
    assert!(!lines[1].contains("OVERDUE"));
    run(&db, &["referrals", "list", "--overdue", "--json"])
        .success()
        .stdout(predicate::str::contains("T00000").and(predicate::str::contains("T00001").not()));
    run(&db, &["referrals", "list", "--operator", "op2", "--json"])
        .success()
        .stdout(predicate::str::contains("T00001").and(predicate::str::contains("T00000").not()));
}

#[test]
fn an_emergency_is_listed_first_highlighted_when_left_then_dispatched_and_closed() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 3, 2);
    run(
        &db,
        &[
            "intervene",
            "--tenant",
            "T00001",
            "--kind",
            "accompaniment",
            "--when",
            "01/12/2026 14:30",
            "--place",
            "Hôpital Saint-Louis",
            "--operator",
            "op1",
        ],
    )
    .success();
    run(
        &db,
        &[
            "intervene",
            "--tenant",
            "T00000",
            "--kind",
            "welfare_visit",
            "--urgency",
            "emergency",
            "--operator",
            "op2",
        ],
    )
    .failure()
    .stderr(predicate::str::contains(
        "an emergency intervention request needs details for the team; nothing was saved",
    ));
    run(
        &db,
        &[
            "intervene",
            "--tenant",
            "T00000",
            "--kind",
            "welfare_visit",
            "--urgency",
            "emergency",
            "--details",
            "chute, ne se relève pas",
            "--operator",
            "op2",
        ],
    )
    .success()
    .stdout(predicate::str::contains(
        "call the emergency number now (15 or 112)",
    ));
    run(
        &db,
        &[
            "intervene",
            "--tenant",
            "T00000",
            "--kind",
            "taxi",
            "--operator",
            "op2",
        ],
    )
    .failure()
    .stderr(predicate::str::contains("unknown value 'taxi'"));
    let list = |now: &str| {
        let out = veille()
            .arg("--db")
            .arg(&db)
            .args(["--now", now, "interventions", "list"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let fresh = list(NOW);
    assert!(
        fresh.lines().next().unwrap().contains("Emergency"),
        "{fresh}"
    );
    assert!(!fresh.contains("UNASSIGNED TOO LONG"));
    let later = list("2026-11-28T09:20:00Z");
    assert!(
        later
            .lines()
            .next()
            .unwrap()
            .contains("UNASSIGNED TOO LONG"),
        "{later}"
    );

    run(
        &db,
        &[
            "teams",
            "set",
            "Équipe Nord",
            "--members",
            "Karim B., Julie T.",
            "--operator",
            "op1",
        ],
    )
    .failure()
    .stderr(predicate::str::contains(
        "a coordinator's work and Opérateur 1 (op1) is an operator",
    ));
    run(
        &db,
        &[
            "teams",
            "set",
            "Équipe Nord",
            "--members",
            "Karim B., Julie T.",
            "--operator",
            "op3",
        ],
    )
    .success();
    run(&db, &["teams", "list"])
        .success()
        .stdout(predicate::str::contains("Karim B."));
    run(
        &db,
        &[
            "interventions",
            "close",
            "2",
            "--outcome",
            "done",
            "--operator",
            "op3",
        ],
    )
    .failure()
    .stderr(predicate::str::contains("needs a note"));
    run(
        &db,
        &[
            "interventions",
            "assign",
            "2",
            "--team",
            "équipe nord",
            "--at",
            "28/11/2026 11:00",
            "--operator",
            "op3",
        ],
    )
    .success();
    run(
        &db,
        &[
            "interventions",
            "close",
            "2",
            "--outcome",
            "not_home",
            "--note",
            "voisine: partie chez sa fille",
            "--operator",
            "op3",
        ],
    )
    .success();
    run(
        &db,
        &[
            "interventions",
            "assign",
            "2",
            "--team",
            "Équipe Nord",
            "--operator",
            "op3",
        ],
    )
    .failure()
    .stderr(predicate::str::contains("cannot go from done to assigned"));
    run(&db, &["interventions", "history", "2"])
        .success()
        .stdout(
            predicate::str::contains("requested")
                .and(predicate::str::contains("team: Équipe Nord"))
                .and(predicate::str::contains("not_home: voisine")),
        );
    // An emergency handed to the emergency services is closed without a team.
    run(
        &db,
        &[
            "intervene",
            "--tenant",
            "T00001",
            "--kind",
            "welfare_visit",
            "--urgency",
            "emergency",
            "--operator",
            "op2",
        ],
    )
    .failure()
    .stderr(predicate::str::contains(
        "an emergency intervention request needs details for the team; nothing was saved",
    ));
    run(
        &db,
        &[
            "intervene",
            "--tenant",
            "T00000",
            "--kind",
            "welfare_visit",
            "--urgency",
            "emergency",
            "--details",
            "chute, ne se relève pas",
            "--operator",
            "op2",
        ],
    )
    .success();
    run(
        &db,
        &[
            "interventions",
            "close",
            "3",
            "--outcome",
            "handed_to_emergency",
            "--note",
            "SAMU prévenu",
            "--operator",
            "op3",
        ],
    )
    .success();
    let rest = list(NOW);
    assert_eq!(
        rest.lines().count(),
        1,
        "only the accompaniment is open: {rest}"
    );
}
