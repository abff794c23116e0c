//! `veille export` as a process: files read back as a spreadsheet or a program would,
//! compared with the database, and health details kept out unless asked for and logged.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod activity;
mod common;

use std::path::PathBuf;

use activity::{A, LOOKED_AT, Scenario, scenario};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use common::veille;
use predicates::prelude::*;
use veille::i18n::Lang;
use veille::store::{Export, export_columns};

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn export(s: &Scenario, args: &[&str]) -> (Vec<u8>, PathBuf) {
    let file = s
        .dir
        .path()
        .join(format!("export-{}.out", fastrand::u64(..)));
    let mut cmd = veille();
    cmd.arg("--db").arg(&s.path).args(["--now", LOOKED_AT]);
    // Spreadsheets are written in the reader's language: French unless a test says.
    if !args.contains(&"--lang") {
        cmd.args(["--lang", "fr"]);
    }
    let out = cmd
        .arg("export")
        .args(args)
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (std::fs::read(&file).unwrap(), file)
}

fn read_csv(bytes: &[u8], separator: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(separator)
        .from_reader(bytes);
    let headers = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

fn column(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
}

/// The French header of an export's column, as a spreadsheet export writes it.
fn fr(column: &str) -> String {
    Lang::Fr
        .lookup(&format!("export.{column}"))
        .unwrap_or_else(|| panic!("no French header for {column}"))
        .to_string()
}

fn paris(ts: &str) -> String {
    ts.parse::<DateTime<Utc>>()
        .unwrap()
        .with_timezone(&Paris)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

#[test]
fn the_spreadsheet_csv_parses_back_with_the_same_rows() {
    let s = scenario();
    // Text a spreadsheet could misread: separators, quotes, a line break, a formula.
    s.sql()
        .execute(
            "UPDATE tenants SET address = ?1, door = '=1+1' WHERE id = ?2",
            rusqlite::params!["12, rue \"des Lilas\";\nbât. B", A],
        )
        .unwrap();
    let (bytes, file) = export(&s, &["referrals"]);
    assert!(bytes.starts_with(BOM), "UTF-8 with a byte-order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.lines().next().unwrap().contains(';'));
    assert!(text.contains("\r\n"), "Windows line ends");
    let (headers, rows) = read_csv(&bytes[3..], b';');
    let french: Vec<String> = export_columns(Export::Referrals, false)
        .into_iter()
        .map(fr)
        .collect();
    assert_eq!(headers, french);
    assert!(!headers.contains(&fr("note")));

    let db = s.sql();
    let mut stmt = db
        .prepare(
            "SELECT r.id, r.created_at, r.status, r.category, s.code, t.external_ref, t.address,
                    t.phone, t.lives_alone
             FROM referrals r JOIN services s ON s.id = r.service_id
             JOIN tenants t ON t.id = r.tenant_id ORDER BY r.id",
        )
        .unwrap();
    let expected: Vec<Vec<String>> = stmt
        .query_map([], |r| {
            Ok(vec![
                r.get::<_, i64>(0)?.to_string(),
                paris(&r.get::<_, String>(1)?),
                // Closed lists by their names, in the reader's language.
                Lang::Fr
                    .code_name("referral_status", &r.get::<_, String>(2)?)
                    .to_string(),
                Lang::Fr
                    .code_name("need", &r.get::<_, String>(3)?)
                    .to_string(),
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                if r.get::<_, bool>(8)? { "oui" } else { "non" }.to_string(),
            ])
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 5);
    let picked: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            [
                "referral_id",
                "created_at",
                "status",
                "category",
                "service_code",
                "tenant_ref",
                "address",
                "tenant_phone",
                "lives_alone",
            ]
            .iter()
            .map(|c| row[column(&headers, &fr(c))].clone())
            .collect()
        })
        .collect();
    // Phones are written as people read them, so that no spreadsheet drops the 0.
    let expected: Vec<Vec<String>> = expected
        .into_iter()
        .map(|mut e| {
            let p = &e[7];
            e[7] = format!(
                "{} {} {} {} {}",
                &p[0..2],
                &p[2..4],
                &p[4..6],
                &p[6..8],
                &p[8..10]
            );
            e
        })
        .collect();
    assert_eq!(picked, expected);
    let door = column(&headers, "Porte");
    assert_eq!(rows[0][door], "'=1+1", "a formula stays text");
    assert_eq!(rows[0][column(&headers, "Créé le")], "28/11/2026 10:05");
    assert_eq!(rows[0][column(&headers, "Statut")], "proposée");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "only its owner reads an export: {mode:o}");
}

fn json_as_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn the_plain_csv_and_the_json_carry_the_same_calls_as_the_database() {
    let s = scenario();
    let (csv_bytes, _) = export(&s, &["calls", "--plain"]);
    assert!(!csv_bytes.starts_with(BOM));
    assert!(!csv_bytes.contains(&b'\r'));
    let (headers, rows) = read_csv(&csv_bytes, b',');
    let (json_bytes, _) = export(&s, &["calls", "--format", "json"]);
    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&json_bytes).unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(json.len(), rows.len());
    for (row, object) in rows.iter().zip(&json) {
        let keys: Vec<&String> = object.keys().collect();
        assert_eq!(keys.len(), headers.len());
        for (h, cell) in headers.iter().zip(row) {
            assert_eq!(&json_as_text(&object[h]), cell, "column {h}");
        }
    }
    // In the order calls ended, with the database's instants and lengths.
    let db = s.sql();
    let mut stmt = db
        .prepare("SELECT id, ended_at, outcome FROM calls ORDER BY ended_at, id")
        .unwrap();
    let expected: Vec<(i64, DateTime<Utc>, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, String>(1)?.parse().unwrap(),
                r.get(2)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let got: Vec<(i64, DateTime<Utc>, String)> = json
        .iter()
        .map(|o| {
            (
                o["call_id"].as_i64().unwrap(),
                o["ended_at"].as_str().unwrap().parse().unwrap(),
                o["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(
        json.iter()
            .all(|o| o["duration_seconds"] == 300 || o["duration_seconds"] == 120)
    );
    let a_first = json.iter().find(|o| o["wellbeing"] == "worried").unwrap();
    assert_eq!(a_first["need_categories"], "food,health");
    assert_eq!(a_first["tenant_ref"], "T00000");
}

#[test]
fn a_windows_1252_csv_holds_french_letters_in_one_byte() {
    let s = scenario();
    let (bytes, _) = export(&s, &["tenants", "--encoding", "windows-1252"]);
    assert!(!bytes.starts_with(BOM));
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!bad);
    let (headers, rows) = read_csv(text.as_bytes(), b';');
    assert_eq!(rows.len(), 8);
    let first = column(&headers, "Prénom");
    assert!(rows.iter().all(|r| r[first] == "Hélène"));
    assert!(!headers.contains(&"Notes".to_string()));
    let birth = column(&headers, "Date de naissance");
    assert_eq!(rows[0][birth], "01/01/1940");
    let status = column(&headers, "Statut");
    let refused: Vec<&str> = rows
        .iter()
        .filter(|r| r[status] == Lang::Fr.code_name("tenant_status", "refuses"))
        .map(|r| r[column(&headers, "Référence locataire")].as_str())
        .collect();
    assert_eq!(refused, ["T00004"]);
}

#[test]
fn health_details_leave_only_when_asked_by_a_named_person_and_are_logged() {
    let s = scenario();
    let log = |action: &str| {
        s.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = '{action}'"
        ))
    };
    let (calls, _) = export(&s, &["calls"]);
    let (interventions, _) = export(&s, &["interventions", "--plain"]);
    let (referrals, _) = export(&s, &["referrals", "--format", "json"]);
    for (bytes, secret) in [
        (&calls, "SECRET-NOTE"),
        (&calls, "SECRET-NEED"),
        (&interventions, "SECRET-DETAILS"),
        (&referrals, "note gp"),
    ] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(secret),
            "{secret} must not leave without --include-health"
        );
    }
    assert_eq!(log("export"), 3, "every export is logged");
    assert_eq!(log("export_health"), 0);

    let refused = s.dir.path().join("refused.csv");
    veille()
        .arg("--db")
        .arg(&s.path)
        .args(["export", "calls", "--include-health", "--output"])
        .arg(&refused)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--include-health needs --operator ID",
        ));
    assert!(!refused.exists());
    assert_eq!(log("export_health"), 0);
    // Health details leave only with a coordinator's name on them.
    veille()
        .arg("--db")
        .arg(&s.path)
        .args([
            "export",
            "calls",
            "--include-health",
            "--operator",
            "op1",
            "--output",
        ])
        .arg(&refused)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "a coordinator's work and Opérateur 1 (op1) is an operator",
        ));
    assert!(!refused.exists());
    assert_eq!(log("export_health"), 0);

    let (bytes, _) = export(
        &s,
        &["calls", "--include-health", "--operator", "op3", "--plain"],
    );
    let (headers, rows) = read_csv(&bytes, b',');
    assert!(headers.ends_with(&["need_details".to_string(), "notes".to_string()]));
    let notes = column(&headers, "notes");
    let with_notes: Vec<&String> = rows
        .iter()
        .map(|r| &r[notes])
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(
        with_notes,
        ["SECRET-NOTE; vit seule, \"fatiguée\"\nrappeler la fille"],
        "the note comes back whole"
    );
    assert!(
        rows.iter()
            .any(|r| r[column(&headers, "need_details")] == "health: SECRET-NEED tension")
    );
    let (who, details): (i64, String) = s
        .sql()
        .query_row(
            "SELECT operator_id, details FROM audit_log WHERE action = 'export_health'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(who, s.op3);
    assert!(
        details.starts_with("calls: all") && details.contains("with health details"),
        "{details}"
    );
}

#[test]
fn since_and_until_are_whole_days_in_paris() {
    let s = scenario();
    let rows = |args: &[&str]| {
        let mut a = vec!["calls", "--format", "json"];
        a.extend_from_slice(args);
        let (bytes, _) = export(&s, &a);
        serde_json::from_slice::<Vec<serde_json::Value>>(&bytes).unwrap()
    };
    // h's call ended at 23:30 UTC on 22/11: 00:30 on 23/11 in Paris.
    let monday = rows(&["--since", "23/11/2026", "--until", "23/11/2026"]);
    assert_eq!(monday.len(), 1);
    assert_eq!(monday[0]["tenant_ref"], "T00007");
    assert_eq!(rows(&["--since", "24/11/2026"]).len(), 9);
    assert_eq!(rows(&["--until", "2026-11-22"]).len(), 0);
    assert_eq!(rows(&[]).len(), 10);
    let (bytes, _) = export(
        &s,
        &["referrals", "--since", "29/11/2026", "--format", "json"],
    );
    assert_eq!(String::from_utf8(bytes).unwrap(), "[]\n");
}

#[test]
fn export_to_the_standard_output_and_its_refusals() {
    let s = scenario();
    let out = veille()
        .arg("--db")
        .arg(&s.path)
        .args(["export", "tenants", "--plain", "--separator", "tab"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (headers, rows) = read_csv(&out.stdout, b'\t');
    assert_eq!(headers[0], "tenant_id");
    assert_eq!(rows.len(), 8);

    let fails = |args: &[&str], words: &str| {
        veille()
            .arg("--db")
            .arg(&s.path)
            .arg("export")
            .args(args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(words));
    };
    fails(
        &["calls", "--separator", "x"],
        "--separator 'x' is not one of",
    );
    fails(
        &["calls", "--format", "json", "--separator", ";"],
        "are for CSV",
    );
    fails(
        &["calls", "--since", "31/02/2026"],
        "'31/02/2026' is not a date",
    );
    fails(
        &["calls", "--since", "28/11/2026", "--until", "01/11/2026"],
        "before it starts",
    );
    fails(&["calls", "--operator", "nobody"], "no operator 'nobody'");
    fails(&["visits"], "invalid value 'visits'");
    let before = s.count("SELECT count(*) FROM audit_log");
    fails(
        &["calls", "--output", "/nonexistent/folder/calls.csv"],
        "cannot write",
    );
    assert_eq!(
        s.count("SELECT count(*) FROM audit_log"),
        before,
        "nothing was exported"
    );
    fails(&["calls", "--encoding", "latin9"], "invalid value 'latin9'");
}
