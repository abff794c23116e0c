//! A small database made through the store, as the import would make it.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use veille::domain::Outcome;
use veille::domain::Role;
use veille::store::{CallToSave, Claim, NewCohort, NewOperator, NewTenant, Store, new_save_id};

pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("test time")
}

/// Saturday 28 November 2026, 10:00 in Paris.
pub const NOW: &str = "2026-11-28T09:00:00Z";

/// Creates `dir/veille.db` with two cohorts, `operators` operators (op1, op2, ...; the
/// last one is a coordinator), and `tenants` tenants split between the cohorts. It is
/// marked as a demo: the tests set the clock (`--now`), which only a demo allows.
pub fn fixture(dir: &Path, operators: usize, tenants: usize) -> PathBuf {
    let path = dir.join("veille.db");
    let mut store = Store::open(&path).expect("open");
    store.set_setting("demo", "1").expect("demo");
    let now = utc(NOW);
    let start: NaiveDate = "2026-11-01".parse().unwrap();
    for (name, priority) in [("isolated 70+", 1), ("non-isolated 70+", 2)] {
        store
            .add_cohort(
                &NewCohort {
                    name: name.into(),
                    priority,
                    cadence_days: 7,
                    starts_on: start,
                },
                None,
                now,
            )
            .expect("cohort");
    }
    let ops: Vec<NewOperator> = (1..=operators)
        .map(|i| NewOperator {
            login: format!("op{i}"),
            name: format!("Opérateur {i}"),
            organisation: "Bailleur".into(),
            role: if i == operators {
                Role::Coordinator
            } else {
                Role::Operator
            },
            phone: None,
            email: None,
            unix_account: None,
        })
        .collect();
    store.upsert_operators(&ops, now).expect("operators");
    let cohorts = store.cohorts().unwrap();
    for (k, cohort) in cohorts.iter().enumerate() {
        let list: Vec<NewTenant> = (0..tenants)
            .filter(|i| i % 2 == k)
            .map(|i| NewTenant {
                external_ref: format!("T{i:05}"),
                last_name: format!("Locataire{i}"),
                first_name: "Hélène".into(),
                birth_date: NaiveDate::from_ymd_opt(1940, 1 + (i % 12) as u32, 1),
                phone: Some(format!("0199{i:06}")),
                lives_alone: Some(k == 0),
                ..Default::default()
            })
            .collect();
        store
            .upsert_tenants(&list, cohort.id, None, now)
            .expect("tenants");
    }
    path
}

/// Allows calls at any hour and marks the file as a demo (the load tool needs both).
pub fn all_day_demo(path: &Path) {
    let mut store = Store::open(path).unwrap();
    store.set_setting("calling_hours", "00:00-24:00").unwrap();
    store.set_setting("demo", "1").unwrap();
}

/// Makes a fixture the program's own database again: not a demo, so the clock cannot be
/// set and the load tool refuses it.
pub fn program_file(path: &Path) {
    let mut store = Store::open(path).unwrap();
    store.set_setting("demo", "0").unwrap();
}

/// Takes away the columns schema versions 13 (Unix accounts) and 18 (incoming calls)
/// added, so that a current file can play an older one: a column cannot be added twice
/// when the migrations run again.
pub const UNDO_COLUMNS_SINCE_13: &str = "DROP INDEX operators_unix_account;
     ALTER TABLE operators DROP COLUMN unix_account;
     ALTER TABLE audit_log DROP COLUMN unix_account;
     ALTER TABLE tenants DROP COLUMN erased_at;
     DROP INDEX calls_incoming;
     ALTER TABLE calls DROP COLUMN incoming;";

/// The program as a process, its messages in English (the tests read them; a test of
/// the French ones says `--lang fr`).
pub fn veille() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("veille").expect("binary");
    cmd.env("LANG", "en_GB.UTF-8");
    cmd
}

/// A call with `outcome` and nothing else, made under `claim` when it was claimed.
pub fn call(claim: &Claim, outcome: Outcome) -> CallToSave {
    CallToSave {
        save_id: new_save_id(claim.claimed_at),
        claim: claim.clone(),
        shift_id: None,
        started_at: claim.claimed_at,
        outcome,
        wellbeing: None,
        callback_at: None,
        callback_only_me: false,
        hospitalised_until: None,
        notes: String::new(),
        needs: vec![],
        referrals: vec![],
        interventions: vec![],
        emergency: None,
        incoming: false,
        lives_alone: None,
    }
}
