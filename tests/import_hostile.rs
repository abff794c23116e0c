//! Lists as they arrive at their worst: a huge file, a huge cell, NUL bytes and escape
//! sequences, a damaged UTF-8 byte, UTF-16 without a byte-order mark, impossible birth
//! dates, references that differ only by case or spaces. Each gives a clear report or
//! error naming the line, nothing half-written, no panic.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use std::path::{Path, PathBuf};

use common::{NOW, veille};
use veille::store::Store;

const HEADER: &str = "Référence;Nom;Prénom;Téléphone;Date de naissance\n";

fn import(db: &Path, file: &Path, extra: &[&str]) -> (bool, String, String) {
    let out = veille()
        .arg("--db")
        .arg(db)
        .args(["--now", NOW, "import", "tenants"])
        .arg(file)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn tenants(db: &Path) -> i64 {
    Store::open(db).unwrap().tenant_count().unwrap()
}

#[test]
fn a_huge_file_is_refused_before_it_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 0);
    let mut text = HEADER.to_string();
    let row = "T1;Lefèvre;Hélène;01 99 00 00 01;03/04/1941\n";
    while text.len() <= 65 << 20 {
        text.push_str(row);
    }
    let file = write(dir.path(), "huge.csv", text.as_bytes());
    let (ok, _, err) = import(&db, &file, &[]);
    assert!(!ok);
    assert!(err.contains("larger than 64 MiB"), "{err}");
    assert_eq!(tenants(&db), 0);
}

#[test]
fn bad_cells_are_refused_on_their_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 0);
    let huge = "x".repeat(3000);
    let text = format!(
        "{HEADER}\
         A1;Lefèvre;Hélène;01 99 00 00 01;03/04/1941\n\
         A2;Nul\0le;Jean;01 99 00 00 02;03/04/1941\n\
         A3;Esc\u{1b}[2Jape\u{7};Jean;01 99 00 00 03;03/04/1941\n\
         A4;{huge};Jean;01 99 00 00 04;03/04/1941\n\
         A5;Futur;Jean;01 99 00 00 05;03/04/2090\n\
         A6;Jeune;Jean;01 99 00 00 06;03/04/1990\n\
         A7;Ancien;Jean;01 99 00 00 07;03/04/1800\n\
         A8;Impossible;Jean;01 99 00 00 08;31/02/1940\n\
         A9;Deux chiffres;Jean;01 99 00 00 09;05/06/28\n\
         x-10;Casse;Jean;01 99 00 00 10;03/04/1941\n\
         X- 10;Casse bis;Jean;01 99 00 00 11;03/04/1941\n"
    );
    let file = write(dir.path(), "bad.csv", text.as_bytes());
    let (ok, out, err) = import(&db, &file, &[]);
    assert!(!ok, "bad rows stop the import: {out}");
    let out = format!("{out}{err}");
    assert_eq!(tenants(&db), 0, "nothing is half-written");
    for (line, says) in [
        (3, "control character"),
        (4, "control character"),
        (5, "3000 characters long"),
        (6, "not yet born"),
        (7, "36 years old"),
        (8, "226 years old"),
        (9, "not a date"),
        (11, "also on line 12"),
        (12, "also on line 11"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("line {line}")) && l.contains(says)),
            "line {line} should say {says:?}:\n{out}"
        );
    }
    assert!(!out.contains('\u{1b}') && !err.contains('\u{1b}'));

    // The good rows go in with --skip-invalid; "05/06/28" is a birth in 1928.
    let (ok, out, err) = import(&db, &file, &["--skip-invalid"]);
    assert!(ok, "{out}{err}");
    assert_eq!(tenants(&db), 2);
    let store = Store::open(&db).unwrap();
    let born = store.find_tenant("A9").unwrap().birth_date.unwrap();
    assert_eq!(born.to_string(), "1928-06-05");
}

#[test]
fn references_differing_by_case_or_spaces_are_one_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 0);
    let first = write(
        dir.path(),
        "first.csv",
        format!("{HEADER}x-1;Lefèvre;Hélène;01 99 00 00 01;03/04/1941\n").as_bytes(),
    );
    let again = write(
        dir.path(),
        "again.csv",
        format!("{HEADER}X - 1;Lefèvre;Hélène;06 39 98 00 01;03/04/1941\n").as_bytes(),
    );
    assert!(import(&db, &first, &[]).0);
    let (ok, out, err) = import(&db, &again, &[]);
    assert!(ok, "{out}{err}");
    assert_eq!(tenants(&db), 1, "{out}");
    let store = Store::open(&db).unwrap();
    let t = store.find_tenant("X-1").unwrap();
    assert_eq!(t.phone.as_deref(), Some("0639980001"));
}

#[test]
fn a_damaged_byte_in_a_utf8_file_is_told_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 0);
    let mut bytes =
        format!("{HEADER}A1;Lefèvre;Hélène;01 99 00 00 01;03/04/1941\nA2;Dur").into_bytes();
    bytes.push(0xFF);
    bytes.extend_from_slice(
        "and;Noël;01 99 00 00 02;03/04/1941\nA3;Nguyễn;Thị;01 99 00 00 03;03/04/1941\n".as_bytes(),
    );
    let file = write(dir.path(), "damaged.csv", &bytes);
    let (ok, out, err) = import(&db, &file, &["--skip-invalid"]);
    assert!(ok, "{out}{err}");
    let out = format!("{out}{err}");
    assert!(out.contains("UTF-8"), "read as UTF-8: {out}");
    let report = out
        .lines()
        .find(|l| l.contains("line 3"))
        .unwrap_or_default();
    assert!(report.contains("damaged character"), "{out}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.find_tenant("A1").unwrap().first_name, "Hélène");
    assert_eq!(store.find_tenant("A3").unwrap().last_name, "Nguyễn");
    assert!(store.find_tenant("A2").is_err());
}

#[test]
fn utf16_without_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fixture(dir.path(), 2, 0);
    let text = format!("{HEADER}A1;Lefèvre;Hélène;01 99 00 00 01;03/04/1941\n");
    for (name, bytes) in [
        (
            "le.csv",
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        ),
        (
            "be.csv",
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ),
    ] {
        let file = write(dir.path(), name, &bytes);
        let (ok, out, err) = import(&db, &file, &[]);
        assert!(ok, "{name}: {out}{err}");
        assert!(out.contains("UTF-16"), "{out}");
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(store.find_tenant("A1").unwrap().last_name, "Lefèvre");
}
