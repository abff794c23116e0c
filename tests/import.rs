//! `veille import tenants|operators` as a coordinator runs it: the real binary on
//! committed fixture files (tests/fixtures/README.md says what each one holds), then
//! the rows checked in the SQLite file itself.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use chrono::{TimeZone, Utc};
use predicates::prelude::*;
use rusqlite::Connection;
use tempfile::TempDir;
use veille::store::{NewTenant, Store, TenantColumn, TenantImport, Upserted};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A database made by `veille init` (two cohorts) in its own temporary folder.
struct Db {
    _dir: TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let db = Db {
            path: dir.path().join("veille.db"),
            _dir: dir,
        };
        // An English-speaking program: its cohorts are named in English.
        db.veille()
            .env_remove("VEILLE_NOW")
            .args(["--lang", "en", "init"])
            .assert()
            .success();
        // A demo: these tests set the clock, which only a demo allows.
        db.sql()
            .execute("INSERT INTO settings (key, value) VALUES ('demo', '1')", [])
            .unwrap();
        db
    }

    fn veille(&self) -> assert_cmd::Command {
        let mut cmd = cargo_bin_cmd!("veille");
        cmd.arg("--db")
            .arg(&self.path)
            .env("VEILLE_NOW", "2026-11-28T09:00:00Z")
            .env("LANG", "en_GB.UTF-8")
            .env("NO_COLOR", "1");
        cmd
    }

    fn import(&self, what: &str, file: &str) -> assert_cmd::Command {
        let mut cmd = self.veille();
        cmd.args(["import", what]).arg(fixture(file));
        cmd
    }

    fn sql(&self) -> Connection {
        Connection::open(&self.path).unwrap()
    }

    fn count(&self, table: &str) -> i64 {
        self.sql()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// (reference, last name, first name, birth date, phone, phone alt, lives alone if known)
    fn tenants(&self) -> Vec<TenantLine> {
        let conn = self.sql();
        let mut stmt = conn
            .prepare(
                "SELECT external_ref, last_name, first_name, birth_date, phone, phone_alt,
                        lives_alone
                 FROM tenants ORDER BY external_ref",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    fn text(&self, sql: &str) -> String {
        self.sql().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

type TenantLine = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
);

fn line(
    reference: &str,
    last: &str,
    first: &str,
    birth: &str,
    phone: &str,
    alt: Option<&str>,
    alone: bool,
) -> TenantLine {
    (
        reference.into(),
        last.into(),
        first.into(),
        Some(birth.into()),
        Some(phone.into()),
        alt.map(Into::into),
        Some(alone),
    )
}

/// The French Excel export, as stored: names decoded right, phones canonical, and
/// L-0004's blank "Vit seul(e)" kept unknown.
fn excel_export_rows() -> Vec<TenantLine> {
    let mut rows = vec![
        line(
            "L-0001",
            "LEFÈVRE",
            "Hélène",
            "1941-04-03",
            "0199000001",
            None,
            true,
        ),
        line(
            "L-0002",
            "MARTIN",
            "Paul",
            "1938-11-17",
            "0199000002",
            Some("0639980002"),
            false,
        ),
        line(
            "L-0003",
            "LŒUILLET",
            "Françoise",
            "1944-02-29",
            "0199000003",
            None,
            true,
        ),
        line(
            "L-0004",
            "BENSAÏD",
            "Zohra",
            "1946-06-08",
            "0199000004",
            None,
            false,
        ),
        line(
            "L-0005",
            "CŒURDEROY",
            "Jérôme",
            "1940-01-21",
            "0199000005",
            Some("0639980005"),
            true,
        ),
        line(
            "L-0006",
            "DA SILVA",
            "Maria",
            "1948-09-12",
            "0639980006",
            None,
            false,
        ),
    ];
    rows[3].6 = None;
    rows
}

#[test]
fn a_french_excel_export_in_windows_1252_is_imported_right() {
    let db = Db::new();
    db.import("tenants", "tenants_excel_fr_1252.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("Windows-1252"))
        .stdout(predicate::str::contains("';' (semicolon), 6 rows"))
        .stdout(predicate::str::contains("  Tél. → phone\n"))
        .stdout(predicate::str::contains(
            "Columns ignored (veille does not use them): Gardien.",
        ))
        .stdout(predicate::str::contains(
            "Imported: 6 added, 0 updated, 0 unchanged",
        ))
        .stderr(predicate::str::is_empty());
    assert_eq!(db.tenants(), excel_export_rows());
    assert_eq!(
        db.text("SELECT notes FROM tenants WHERE external_ref = 'L-0003'"),
        "Fille à Lyon; appelle le dimanche\r\nNe pas appeler avant 10h"
    );
    assert_eq!(
        db.text(
            "SELECT address || '|' || postcode || '|' || building || '|' || floor || '|' || door
               || '|' || access_code || '|' || c.name
             FROM tenants t JOIN cohorts c ON c.id = t.cohort_id WHERE external_ref = 'L-0001'"
        ),
        "12 rue des Lilas|75019|A|3|32|4812B|isolated 70+"
    );
}

/// A list given through a pipe (`… | veille import tenants /dev/stdin`) rather than a file
/// that can be read again is read once and gives the same tenants.
#[test]
fn a_list_given_through_a_pipe_is_imported_like_the_file() {
    let db = Db::new();
    db.veille()
        .args(["import", "tenants", "/dev/stdin"])
        .write_stdin(std::fs::read(fixture("tenants_excel_fr_1252.csv")).unwrap())
        .assert()
        .success()
        .stdout(predicate::str::contains("Windows-1252"))
        .stdout(predicate::str::contains(
            "Imported: 6 added, 0 updated, 0 unchanged",
        ));
    assert_eq!(db.tenants(), excel_export_rows());
}

#[test]
fn the_same_export_in_utf8_with_a_bom_gives_the_same_tenants() {
    let db = Db::new();
    db.import("tenants", "tenants_excel_fr_bom.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("UTF-8 with BOM"));
    assert_eq!(db.tenants(), excel_export_rows());
}

#[test]
fn title_lines_above_the_header_are_passed_over_and_told() {
    let db = Db::new();
    // T-02's phone is bad: told by its line in the file, title lines counted.
    db.import("tenants", "tenants_titled_1252.csv")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "line 6, column \"Tél.\": '01 23' is not a French phone number",
        ));
    db.import("tenants", "tenants_titled_1252.csv")
        .arg("--skip-invalid")
        .assert()
        .success()
        .stdout(predicate::str::contains("';' (semicolon)"))
        .stdout(predicate::str::contains(
            "Lines above the header, not imported: \"Liste des locataires de plus de 75 ans\", \"Agence Est - extraction du 02/11/2026, 14:05\".",
        ))
        .stdout(predicate::str::contains("  N° locataire → tenant reference\n"))
        .stdout(predicate::str::contains("2 added"));
    let refs: Vec<String> = db.tenants().into_iter().map(|t| t.0).collect();
    assert_eq!(refs, vec!["T-01", "T-03"]);
    assert_eq!(
        db.text("SELECT notes FROM tenants WHERE external_ref = 'T-03'"),
        "Fils, belle-fille, petits-enfants à Lille"
    );
}

#[test]
fn english_headers_with_commas_and_a_bom() {
    let db = Db::new();
    db.import("tenants", "tenants_english_bom.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("',' (comma)"))
        .stdout(predicate::str::contains("  Full name → full name\n"))
        .stdout(predicate::str::contains("rows naming a cohort go to it"))
        .stdout(predicate::str::contains("2 added"));
    assert_eq!(
        db.tenants(),
        vec![
            line(
                "E1",
                "SMITH",
                "Mary",
                "1940-05-06",
                "0199000301",
                None,
                true
            ),
            line(
                "E2",
                "O'BRIEN",
                "John",
                "1939-08-07",
                "0199000302",
                Some("0639980302"),
                false
            ),
        ]
    );
    assert_eq!(
        db.text(
            "SELECT title || '|' || address || '|' || access_code || '|' || language || '|'
               || notes FROM tenants WHERE external_ref = 'E1'"
        ),
        "Mrs|5, avenue Foch|A1,B2|en|Deaf, speak loudly"
    );
    // E2 names its cohort in the file; E1 goes to the first one.
    assert_eq!(
        db.text(
            "SELECT group_concat(t.external_ref || ':' || c.name, ' ') FROM tenants t
             JOIN cohorts c ON c.id = t.cohort_id"
        ),
        "E1:isolated 70+ E2:non-isolated 70+"
    );
}

#[test]
fn bad_rows_stop_the_import_and_each_is_named() {
    let db = Db::new();
    db.import("tenants", "tenants_bad_rows.csv")
        .assert()
        .failure()
        .stderr(predicate::str::contains("6 bad rows:"))
        .stderr(predicate::str::contains(
            "line 2, column \"Référence\": the reference 'R1' is also on line 9",
        ))
        .stderr(predicate::str::contains(
            "line 3, column \"Téléphone\": '01 23' is not a French phone number",
        ))
        .stderr(predicate::str::contains(
            "line 4, column \"Nom\": the last name is missing",
        ))
        .stderr(predicate::str::contains(
            "line 5, column \"Téléphone\": no phone number",
        ))
        // R5's first name spans lines 6 and 7: the row is told by the line it starts on.
        .stderr(predicate::str::contains(
            "line 6, column \"Date de naissance\": '31/02/1942' is not a date",
        ))
        .stderr(predicate::str::contains(
            "line 9, column \"Référence\": the reference 'R1' is also on line 2",
        ))
        .stderr(predicate::str::contains("line 8").not())
        .stderr(predicate::str::contains("line 10").not())
        .stderr(predicate::str::contains(
            "nothing was imported: 6 rows are bad",
        ))
        .stderr(predicate::str::contains("--skip-invalid"));
    assert_eq!(db.count("tenants"), 0);
}

#[test]
fn skip_invalid_imports_the_good_rows_and_lists_the_others() {
    let db = Db::new();
    db.import("tenants", "tenants_bad_rows.csv")
        .arg("--skip-invalid")
        .assert()
        .success()
        .stderr(predicate::str::contains("line 3, column \"Téléphone\""))
        .stdout(predicate::str::contains("Imported: 2 added"))
        .stdout(predicate::str::contains("6 bad rows were left out"));
    let refs: Vec<String> = db.tenants().into_iter().map(|t| t.0).collect();
    assert_eq!(refs, vec!["R6", "R8"]);
}

#[test]
fn skip_invalid_with_no_good_row_fails() {
    let db = Db::new();
    let file = db.path.with_file_name("all_bad.csv");
    std::fs::write(&file, "Ref;Nom;Tél\nA1;Dupont;\nA2;;0199000002\n").unwrap();
    db.veille()
        .args(["import", "tenants", "--skip-invalid"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("every row is bad"));
    assert_eq!(db.count("tenants"), 0);
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let db = Db::new();
    db.import("tenants", "tenants_excel_fr_1252.csv")
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(predicate::str::contains("Dry run: nothing was written."))
        .stdout(predicate::str::contains(
            "would add 6, update 0 and leave 0 unchanged",
        ));
    assert_eq!(db.count("tenants"), 0);
    assert_eq!(db.count("audit_log WHERE action LIKE 'import%'"), 0);

    // With bad rows, a dry run fails as the import would, and still writes nothing.
    db.import("tenants", "tenants_bad_rows.csv")
        .arg("--dry-run")
        .assert()
        .failure()
        .stdout(predicate::str::contains(
            "With --skip-invalid, the import would add 2",
        ))
        .stderr(predicate::str::contains(
            "would write nothing: 6 rows are bad",
        ));
    db.import("tenants", "tenants_bad_rows.csv")
        .args(["--dry-run", "--skip-invalid"])
        .assert()
        .success();
    assert_eq!(db.count("tenants"), 0);
}

#[test]
fn a_dry_run_counts_updates_like_the_import() {
    let db = Db::new();
    db.import("tenants", "tenants_v1.csv").assert().success();
    db.import("tenants", "tenants_v2.csv")
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "would add 1, update 2 and leave 1 unchanged",
        ))
        .stdout(predicate::str::contains("They would be kept"));
    assert_eq!(
        db.text("SELECT phone FROM tenants WHERE external_ref = 'A1'"),
        "0199000201"
    );
}

#[test]
fn reimporting_an_updated_list_updates_by_reference_and_reports_the_absent() {
    let db = Db::new();
    db.import("tenants", "tenants_v1.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("4 added"));
    db.import("tenants", "tenants_v2.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Imported: 1 added, 2 updated, 1 unchanged",
        ))
        .stdout(predicate::str::contains(
            "1 tenant in the database is not in this file. They are kept",
        ))
        .stdout(predicate::str::contains("  A4 Roux Anne"));
    assert_eq!(db.count("tenants"), 5, "A4 is kept, A5 added, nobody twice");
    assert_eq!(
        db.text("SELECT phone FROM tenants WHERE external_ref = 'A1'"),
        "0639980201"
    );
    assert_eq!(
        db.text("SELECT address FROM tenants WHERE external_ref = 'A2'"),
        "22 rue Basse"
    );
    // The same list again changes nothing.
    db.import("tenants", "tenants_v2.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 updated, 4 unchanged"));
}

#[test]
fn a_file_with_fewer_columns_leaves_the_others_as_they_were() {
    let db = Db::new();
    db.import("tenants", "tenants_v1.csv").assert().success();
    db.import("tenants", "tenants_phones_only.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 updated"));
    assert_eq!(
        db.text(
            "SELECT phone || '|' || address || '|' || building || '|' || first_name || '|'
               || lives_alone FROM tenants WHERE external_ref = 'A1'"
        ),
        "0199000211|1 rue Haute|A|Marie|1"
    );
}

#[test]
fn cohort_chosen_on_the_command_line_and_kept_on_reimport() {
    let db = Db::new();
    db.import("tenants", "tenants_v1.csv")
        .args(["--cohort", "Non-Isolated 70+"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "tenants are put in cohort 'non-isolated 70+'",
        ));
    // Without --cohort, known tenants stay in their cohort; the new one goes first.
    db.import("tenants", "tenants_v2.csv").assert().success();
    assert_eq!(
        db.text(
            "SELECT group_concat(t.external_ref || ':' || c.priority, ' ') FROM
             (SELECT * FROM tenants ORDER BY external_ref) t JOIN cohorts c ON c.id = t.cohort_id"
        ),
        "A1:2 A2:2 A3:2 A4:2 A5:1"
    );
}

#[test]
fn an_unknown_cohort_is_refused_with_the_existing_ones_listed() {
    let db = Db::new();
    db.import("tenants", "tenants_v1.csv")
        .args(["--cohort", "seniors"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no cohort named 'seniors'"))
        .stderr(predicate::str::contains(
            "'isolated 70+', 'non-isolated 70+'",
        ));
    assert_eq!(db.count("tenants"), 0);
}

#[test]
fn a_database_without_cohorts_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    Store::open(&path).unwrap();
    cargo_bin_cmd!("veille")
        .arg("--db")
        .arg(&path)
        .args(["import", "tenants"])
        .arg(fixture("tenants_v1.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("veille cohorts add"));
}

#[test]
fn a_missing_database_is_not_created_by_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    cargo_bin_cmd!("veille")
        .arg("--db")
        .arg(&path)
        .args(["import", "tenants"])
        .arg(fixture("tenants_v1.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("veille init"));
    assert!(!path.exists());
}

#[test]
fn a_file_without_a_required_column_is_refused_with_the_accepted_names() {
    let db = Db::new();
    db.import("tenants", "operators_no_login.csv")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "no column for the tenant reference",
        ))
        .stderr(predicate::str::contains("N° locataire"))
        .stderr(predicate::str::contains(
            "The columns on its first line are: Nom, Prénom, Organisme, Fonction.",
        ));
    db.veille()
        .args(["import", "tenants", "no-such-file.csv"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot read no-such-file.csv"));
}

#[test]
fn operators_are_imported_and_updated_by_login() {
    let db = Db::new();
    db.import("operators", "operators.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("Imported: 3 added"));
    assert_eq!(
        db.text(
            "SELECT group_concat(login || ':' || name || ':' || role || ':' || organisation
               || ':' || coalesce(phone, '-') || ':' || coalesce(email, '-'), ' | ')
             FROM (SELECT * FROM operators ORDER BY login)"
        ),
        "cbernard:Claire Bernard:coordinator:Bailleur social:0639982001:claire.bernard@example.org \
         | lroux:Léa Roux:operator:Bailleur social:0199002003:lea.roux@example.org \
         | tfaure:Thomas Faure:operator:Protection civile:0639982004:-"
    );
    db.import("operators", "operators.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 updated, 3 unchanged"));
    db.veille()
        .arg("operators")
        .assert()
        .success()
        .stdout(predicate::str::contains("lroux"));
}

#[test]
fn operators_without_logins_get_logins_made_from_their_names() {
    let db = Db::new();
    db.import("operators", "operators_no_login.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("Marie Dupont → mdupont"))
        .stdout(predicate::str::contains("Michel Dupont → mdupont2"))
        .stdout(predicate::str::contains("Hélène Lefèvre → hlefevre"))
        .stdout(predicate::str::contains("3 added"));
    assert_eq!(
        db.text("SELECT role FROM operators WHERE login = 'hlefevre'"),
        "coordinator"
    );
    // The same list again finds the same people: no "mdupont3".
    db.import("operators", "operators_no_login.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 updated, 3 unchanged"));
    assert_eq!(db.count("operators"), 3);
}

fn tenant(reference: &str, phone: &str) -> TenantImport {
    TenantImport {
        tenant: NewTenant {
            external_ref: reference.into(),
            last_name: "Dupont".into(),
            phone: Some(phone.into()),
            address: "1 rue Haute".into(),
            ..NewTenant::default()
        },
        cohort: None,
    }
}

#[test]
fn store_dry_run_gives_the_import_counts_and_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    let cohort = store
        .add_cohort(
            &veille::store::NewCohort {
                name: "isolated 70+".into(),
                priority: 1,
                cadence_days: 7,
                starts_on: now.date_naive(),
            },
            None,
            now,
        )
        .unwrap();
    let columns = [TenantColumn::Phone, TenantColumn::Address];
    let first = [tenant("A1", "0199000001"), tenant("A2", "0199000002")];
    store
        .import_tenants(first.as_slice(), &columns, cohort, false, now, None)
        .unwrap();
    let second = [
        tenant("A1", "0199000009"),
        tenant("A2", "0199000002"),
        tenant("A3", "0199000003"),
    ];
    let dry = store
        .import_tenants(second.as_slice(), &columns, cohort, true, now, None)
        .unwrap();
    assert_eq!(
        dry,
        vec![Upserted::Updated, Upserted::Unchanged, Upserted::Added]
    );
    assert_eq!(store.tenant_count().unwrap(), 2);
    let real = store
        .import_tenants(second.as_slice(), &columns, cohort, false, now, None)
        .unwrap();
    assert_eq!(real, dry);
    assert_eq!(store.tenant_count().unwrap(), 3);
}

/// Everything a tenants list carries that the import reads back, by reference.
fn tenant_records(db: &Db) -> Vec<Vec<Option<String>>> {
    let conn = db.sql();
    let mut stmt = conn
        .prepare(
            "SELECT external_ref, title, last_name, first_name, birth_date, phone, phone_alt,
                    address, building, staircase, floor, door, postcode, city,
                    CAST(lives_alone AS TEXT), language, c.name
             FROM tenants t JOIN cohorts c ON c.id = t.cohort_id ORDER BY external_ref",
        )
        .unwrap();
    stmt.query_map([], |r| (0..17).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The spreadsheet export speaks the reader's language, and the import reads it back:
/// a list exported from one program and imported into another keeps every tenant.
#[test]
fn a_spreadsheet_export_of_tenants_is_imported_back_in_french_and_english() {
    let from = Db::new();
    from.import("tenants", "tenants_excel_fr_1252.csv")
        .assert()
        .success();
    let expected = tenant_records(&from);
    assert_eq!(expected.len(), 6);
    assert!(
        expected.iter().any(|t| t[14].is_none()),
        "one household is unknown and must stay so"
    );
    for (lang, headers, alone) in [
        (
            "fr",
            "N° veille;Référence locataire;Civilité;Nom;Prénom;Date de naissance;Téléphone",
            "oui",
        ),
        (
            "en",
            "veille no.;Tenant reference;Title;Last name;First name;Birth date;Phone",
            "yes",
        ),
    ] {
        let file = from.path.with_file_name(format!("export-{lang}.csv"));
        from.veille()
            .args(["--lang", lang, "export", "tenants", "--output"])
            .arg(&file)
            .assert()
            .success();
        let bytes = std::fs::read(&file).unwrap();
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
        assert!(
            text.starts_with(headers),
            "{lang}: {}",
            text.lines().next().unwrap()
        );
        let active = if lang == "fr" { ";actif;" } else { ";active;" };
        assert!(text.contains(active), "{lang}: statuses named: {text}");
        assert!(text.contains(&format!(";{alone};")), "{lang}: {text}");

        let to = Db::new();
        to.veille()
            .args(["import", "tenants"])
            .arg(&file)
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "Imported: 6 added, 0 updated, 0 unchanged",
            ));
        assert_eq!(tenant_records(&to), expected, "{lang}");
        // Read again over itself, nothing changes.
        to.veille()
            .args(["import", "tenants"])
            .arg(&file)
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "Imported: 0 added, 0 updated, 6 unchanged",
            ));
    }
}

/// A list saved by French LibreOffice as "Text CSV": every row is stored as meant, the
/// letters Windows-1252 lacks are told (and the way to keep them), a coordinator's
/// correction of a name survives the next import of the same list.
#[test]
fn a_libreoffice_list_tells_the_letters_it_lost_and_a_corrected_name_stays() {
    let db = Db::new();
    let out = db
        .import("tenants", "tenants_libreoffice_1252.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains("Windows-1252"))
        .stdout(predicate::str::contains(
            "Lines above the header, not imported: \"Liste des locataires - agence Nord\".",
        ))
        .stdout(predicate::str::contains(
            "Letters lost before veille read the file, on 3 rows",
        ))
        .stdout(predicate::str::contains("Save the list as \"CSV UTF-8\""))
        .stdout(predicate::str::contains(
            "  line 4, column \"Nom\": Nguy?n\n  line 5, column \"Nom\": Wi?niewski\n  \
             line 7, column \"Nom\": ?ahin\n",
        ))
        .stdout(predicate::str::contains(
            "Imported: 5 added, 0 updated, 0 unchanged",
        ))
        .get_output()
        .stdout
        .clone();
    // A lone "?" is someone's doubt, not a lost letter.
    assert!(!String::from_utf8(out).unwrap().contains("line 8"));
    // The same report in French, for a French-speaking coordinator.
    db.import("tenants", "tenants_libreoffice_1252.csv")
        .args(["--lang", "fr", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Lettres perdues avant la lecture du fichier, sur 3 lignes",
        ))
        .stdout(predicate::str::contains(
            "  ligne 4, colonne « Nom » : Nguy?n\n",
        ))
        .stdout(predicate::str::contains("  Réf → référence du locataire\n"))
        .stdout(predicate::str::contains("Essai : rien n'a été écrit."));
    // A bad row is told in French too, its reason included.
    db.import("tenants", "tenants_titled_1252.csv")
        .args(["--lang", "fr"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "ligne 6, colonne « Tél. » : « 01 23 » n'est pas un numéro français",
        ))
        .stderr(predicate::str::contains(
            "rien n'a été importé : 1 ligne est fausse",
        ));
    let mut expected = vec![
        line(
            "L-01",
            "Nguy?n",
            "Thi Lan",
            "1941-04-03",
            "0199000001",
            None,
            true,
        ),
        line(
            "L-02",
            "Wi?niewski",
            "Andrzej",
            "1938-11-17",
            "0199000002",
            None,
            true,
        ),
        line(
            "L-03",
            "Dupont",
            "Marie",
            "1944-02-29",
            "0639980003",
            None,
            true,
        ),
        line(
            "L-04",
            "?ahin",
            "Mehmet",
            "1946-06-08",
            "0199000004",
            None,
            true,
        ),
        line(
            "L-05",
            "Martin",
            "Jeanne",
            "1940-01-21",
            "0199000005",
            None,
            false,
        ),
    ];
    // Blank "Vit seul(e)" cells stay unknown.
    expected[1].6 = None;
    expected[3].6 = None;
    assert_eq!(db.tenants(), expected);

    db.import("operators", "operators.csv").assert().success();
    db.veille()
        .args(["tenants", "name", "L-01", "--last-name", "Nguyễn"])
        .args(["--operator", "cbernard"])
        .assert()
        .success()
        .stdout(predicate::str::contains("L-01: name corrected to"));
    db.veille()
        .args(["tenants", "name", "L-04", "--last-name", "  "])
        .args(["--operator", "cbernard"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("the last name cannot be empty"));
    assert_eq!(
        db.text(
            "SELECT action || ': ' || details FROM audit_log
             WHERE action = 'tenant_name_changed'"
        ),
        "tenant_name_changed: last_name"
    );
    // The same list again: the corrected name is kept, nothing else changes.
    db.import("tenants", "tenants_libreoffice_1252.csv")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Imported: 0 added, 0 updated, 5 unchanged",
        ));
    expected[0].1 = "Nguyễn".into();
    assert_eq!(db.tenants(), expected);
    // A list that really renames the tenant still does.
    let renamed = db.path.with_file_name("renamed.csv");
    std::fs::write(
        &renamed,
        "Réf;Nom;Prénom;Téléphone\nL-01;Nguyen-Martin;Thi Lan;0199000001\n",
    )
    .unwrap();
    db.veille()
        .args(["import", "tenants"])
        .arg(&renamed)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 updated"));
    assert_eq!(
        db.text("SELECT last_name FROM tenants WHERE external_ref = 'L-01'"),
        "Nguyen-Martin"
    );
}
