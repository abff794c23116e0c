//! Writing an imported list: tenants by their external reference, operators by login.
//!
//! A list only changes the columns its file gives: a file of references and phones
//! must not blank the addresses an earlier, fuller list brought. Each import is one
//! transaction; a dry run runs the very same statements and rolls them back, so its
//! counts are exactly what the import would do.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Statement, Transaction, params};

use super::{NewOperator, NewTenant, Result, Store, Upserted, rows, shifts, time};

/// A tenant column an import file can give. The reference and the last name are
/// always given; the others keep their stored value when a file does not have them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TenantColumn {
    Title,
    LastName,
    FirstName,
    BirthDate,
    Phone,
    PhoneAlt,
    Address,
    Postcode,
    City,
    Building,
    Staircase,
    Floor,
    Door,
    AccessCode,
    LivesAlone,
    Language,
    Notes,
}

impl TenantColumn {
    /// Every column: a list that gives the whole record.
    pub const ALL: [TenantColumn; 17] = [
        TenantColumn::Title,
        TenantColumn::LastName,
        TenantColumn::FirstName,
        TenantColumn::BirthDate,
        TenantColumn::Phone,
        TenantColumn::PhoneAlt,
        TenantColumn::Address,
        TenantColumn::Postcode,
        TenantColumn::City,
        TenantColumn::Building,
        TenantColumn::Staircase,
        TenantColumn::Floor,
        TenantColumn::Door,
        TenantColumn::AccessCode,
        TenantColumn::LivesAlone,
        TenantColumn::Language,
        TenantColumn::Notes,
    ];

    fn sql(self) -> &'static str {
        match self {
            TenantColumn::Title => "title",
            TenantColumn::LastName => "last_name",
            TenantColumn::FirstName => "first_name",
            TenantColumn::BirthDate => "birth_date",
            TenantColumn::Phone => "phone",
            TenantColumn::PhoneAlt => "phone_alt",
            TenantColumn::Address => "address",
            TenantColumn::Postcode => "postcode",
            TenantColumn::City => "city",
            TenantColumn::Building => "building",
            TenantColumn::Staircase => "staircase",
            TenantColumn::Floor => "floor",
            TenantColumn::Door => "door",
            TenantColumn::AccessCode => "access_code",
            TenantColumn::LivesAlone => "lives_alone",
            TenantColumn::Language => "language",
            TenantColumn::Notes => "notes",
        }
    }

    fn bind(self, stmt: &mut Statement, index: usize, t: &NewTenant) -> rusqlite::Result<()> {
        match self {
            TenantColumn::Title => stmt.raw_bind_parameter(index, &t.title),
            TenantColumn::LastName => stmt.raw_bind_parameter(index, &t.last_name),
            TenantColumn::FirstName => stmt.raw_bind_parameter(index, &t.first_name),
            TenantColumn::BirthDate => stmt.raw_bind_parameter(index, t.birth_date.map(time::day)),
            TenantColumn::Phone => stmt.raw_bind_parameter(index, &t.phone),
            TenantColumn::PhoneAlt => stmt.raw_bind_parameter(index, &t.phone_alt),
            TenantColumn::Address => stmt.raw_bind_parameter(index, &t.address),
            TenantColumn::Postcode => stmt.raw_bind_parameter(index, &t.postcode),
            TenantColumn::City => stmt.raw_bind_parameter(index, &t.city),
            TenantColumn::Building => stmt.raw_bind_parameter(index, &t.building),
            TenantColumn::Staircase => stmt.raw_bind_parameter(index, &t.staircase),
            TenantColumn::Floor => stmt.raw_bind_parameter(index, &t.floor),
            TenantColumn::Door => stmt.raw_bind_parameter(index, &t.door),
            TenantColumn::AccessCode => stmt.raw_bind_parameter(index, &t.access_code),
            TenantColumn::LivesAlone => stmt.raw_bind_parameter(index, t.lives_alone),
            TenantColumn::Language => stmt.raw_bind_parameter(index, language(t)),
            TenantColumn::Notes => stmt.raw_bind_parameter(index, &t.notes),
        }
    }
}

/// An operator column an import file can give besides the login and the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperatorColumn {
    Organisation,
    Role,
    Phone,
    Email,
    UnixAccount,
}

impl OperatorColumn {
    fn sql(self) -> &'static str {
        match self {
            OperatorColumn::Organisation => "organisation",
            OperatorColumn::Role => "role",
            OperatorColumn::Phone => "phone",
            OperatorColumn::Email => "email",
            OperatorColumn::UnixAccount => "unix_account",
        }
    }

    fn bind(self, stmt: &mut Statement, index: usize, op: &NewOperator) -> rusqlite::Result<()> {
        match self {
            OperatorColumn::Organisation => stmt.raw_bind_parameter(index, &op.organisation),
            OperatorColumn::Role => stmt.raw_bind_parameter(index, op.role.code()),
            OperatorColumn::Phone => stmt.raw_bind_parameter(index, &op.phone),
            OperatorColumn::Email => stmt.raw_bind_parameter(index, &op.email),
            OperatorColumn::UnixAccount => stmt.raw_bind_parameter(index, &op.unix_account),
        }
    }
}

/// One tenant of an imported list and the cohort chosen for them, if any: without
/// one, a new tenant goes to the import's default cohort and a known one stays where
/// they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantImport {
    pub tenant: NewTenant,
    pub cohort: Option<i64>,
}

/// The tenants an import writes, handed over one at a time so that a list of a
/// hundred thousand rows is never held whole. `each` may be called again (a write the
/// database refused for a moment is tried again), and must give the same rows.
pub trait TenantRows {
    fn each(&self, f: &mut dyn FnMut(&TenantImport) -> Result<()>) -> Result<()>;
}

impl TenantRows for [TenantImport] {
    fn each(&self, f: &mut dyn FnMut(&TenantImport) -> Result<()>) -> Result<()> {
        self.iter().try_for_each(f)
    }
}

fn language(t: &NewTenant) -> &str {
    if t.language.is_empty() {
        "fr"
    } else {
        &t.language
    }
}

/// `UPDATE table SET …` that changes a row only when one of `compared` differs, so
/// that "unchanged" can be told from "updated"; `also_set` is written with them
/// (a time stamp). Each pair is (column, SQL value); `?1` is the row's id.
/// The stored `column` when the file's value (parameter `param`) is that same text with
/// letters replaced by `?`, as software saving in an encoding without them writes it;
/// the file's value otherwise. GLOB's `?` matches one character; `[` and `*` in the
/// value are matched as themselves.
fn kept_if_lossy(column: &str, param: usize) -> String {
    format!(
        "CASE WHEN instr(?{param}, '?') > 0 AND {column} GLOB \
           replace(replace(?{param}, '[', '[[]'), '*', '[*]') THEN {column} ELSE ?{param} END"
    )
}

fn update_sql(table: &str, compared: &[(&str, String)], also_set: &[(&str, String)]) -> String {
    let set: Vec<String> = compared
        .iter()
        .chain(also_set)
        .map(|(c, v)| format!("{c} = {v}"))
        .collect();
    let same: Vec<String> = compared
        .iter()
        .map(|(c, v)| format!("{c} IS {v}"))
        .collect();
    format!(
        "UPDATE {table} SET {} WHERE id = ?1 AND NOT ({})",
        set.join(", "),
        same.join(" AND ")
    )
}

impl Store {
    /// Adds the tenants of an imported list, or updates those whose reference is
    /// known (identity, address and household only: their schedule, status and
    /// history are kept). Only `columns` are written on update. A row's cohort, when
    /// chosen, is set on add and update; otherwise new tenants go to `new_cohort`.
    /// One transaction; with `dry_run` it is rolled back.
    pub fn import_tenants(
        &mut self,
        list: &(impl TenantRows + ?Sized),
        columns: &[TenantColumn],
        new_cohort: i64,
        dry_run: bool,
        now: DateTime<Utc>,
        by: Option<i64>,
    ) -> Result<Vec<Upserted>> {
        let mut columns = columns.to_vec();
        columns.push(TenantColumn::LastName);
        columns.sort();
        columns.dedup();
        let mut compared: Vec<(&str, String)> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                // A blank "lives alone" cell keeps what is known (an operator may have asked).
                TenantColumn::LivesAlone => (c.sql(), format!("coalesce(?{}, lives_alone)", i + 2)),
                // A name or address whose letters were corrected in veille is not undone
                // by a list that lost them again (`Nguy?n` for the stored `Nguyễn`).
                TenantColumn::LastName
                | TenantColumn::FirstName
                | TenantColumn::Address
                | TenantColumn::City => (c.sql(), kept_if_lossy(c.sql(), i + 2)),
                _ => (c.sql(), format!("?{}", i + 2)),
            })
            .collect();
        let cohort_param = columns.len() + 2;
        compared.push(("cohort_id", format!("coalesce(?{cohort_param}, cohort_id)")));
        // A tenant who objected keeps only their reference: the landlord's list does not
        // bring the rest back.
        let update = format!(
            "{} AND objection_at IS NULL",
            update_sql(
                "tenants",
                &compared,
                &[("updated_at", format!("?{}", cohort_param + 1))],
            )
        );
        let stamp = time::ts(now);
        self.import_write("import_tenants", dry_run, now, by, |tx| {
            let mut find = tx.prepare_cached(&format!(
                "SELECT id FROM tenants WHERE {} = ?1",
                crate::domain::tenant::REFERENCE_KEY_SQL
            ))?;
            let mut update = tx.prepare(&update)?;
            let mut insert = tx.prepare(
                "INSERT INTO tenants (external_ref, title, last_name, first_name, birth_date, phone,
                   phone_alt, address, postcode, city, building, staircase, floor, door, access_code,
                   lives_alone, cohort_id, language, notes, due_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                   ?18, ?19, ?20, ?20, ?20)",
            )?;
            let mut out = Vec::new();
            list.each(&mut |row| {
                let t = &row.tenant;
                let id: Option<i64> = find
                    .query_row([crate::domain::tenant::reference_key(&t.external_ref)], |r| {
                        r.get(0)
                    })
                    .optional()?;
                let done = if let Some(id) = id {
                    update.raw_bind_parameter(1, id)?;
                    for (i, c) in columns.iter().enumerate() {
                        c.bind(&mut update, i + 2, t)?;
                    }
                    update.raw_bind_parameter(cohort_param, row.cohort)?;
                    update.raw_bind_parameter(cohort_param + 1, &stamp)?;
                    if update.raw_execute()? > 0 {
                        Upserted::Updated
                    } else {
                        Upserted::Unchanged
                    }
                } else {
                    insert.execute(params![
                        t.external_ref,
                        t.title,
                        t.last_name,
                        t.first_name,
                        t.birth_date.map(time::day),
                        t.phone,
                        t.phone_alt,
                        t.address,
                        t.postcode,
                        t.city,
                        t.building,
                        t.staircase,
                        t.floor,
                        t.door,
                        t.access_code,
                        t.lives_alone,
                        row.cohort.unwrap_or(new_cohort),
                        language(t),
                        t.notes,
                        stamp
                    ])?;
                    Upserted::Added
                };
                out.push(done);
                Ok(())
            })?;
            Ok(out)
        })
    }

    /// Adds operators, or updates them by login (case ignored); an operator made
    /// inactive comes back. Only `columns` (with the name) are written on update.
    /// One transaction; with `dry_run` it is rolled back.
    pub fn import_operators(
        &mut self,
        list: &[NewOperator],
        columns: &[OperatorColumn],
        dry_run: bool,
        now: DateTime<Utc>,
        by: Option<i64>,
    ) -> Result<Vec<Upserted>> {
        let mut columns = columns.to_vec();
        columns.sort();
        columns.dedup();
        let mut compared = vec![("name", "?2".to_string())];
        for (i, c) in columns.iter().enumerate() {
            compared.push((c.sql(), format!("?{}", i + 3)));
        }
        compared.push(("active", "1".to_string()));
        let update = update_sql("operators", &compared, &[]);
        let stamp = time::ts(now);
        self.import_write("import_operators", dry_run, now, by, |tx| {
            let mut find =
                tx.prepare_cached("SELECT id FROM operators WHERE login = ?1 COLLATE NOCASE")?;
            let mut update = tx.prepare(&update)?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO operators (login, name, organisation, role, phone, email, created_at,
                 unix_account) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut out = Vec::with_capacity(list.len());
            for op in list {
                let id: Option<i64> = find.query_row([&op.login], |r| r.get(0)).optional()?;
                let done = if let Some(id) = id {
                    update.raw_bind_parameter(1, id)?;
                    update.raw_bind_parameter(2, &op.name)?;
                    for (i, c) in columns.iter().enumerate() {
                        c.bind(&mut update, i + 3, op)?;
                    }
                    if update.raw_execute()? > 0 {
                        Upserted::Updated
                    } else {
                        Upserted::Unchanged
                    }
                } else {
                    insert.execute(params![
                        op.login,
                        op.name,
                        op.organisation,
                        op.role.code(),
                        op.phone,
                        op.email,
                        stamp,
                        op.unix_account
                    ])?;
                    Upserted::Added
                };
                out.push(done);
            }
            Ok(out)
        })
    }

    /// Login and name of every operator, inactive ones included: a login made for a
    /// new operator must not take one already given.
    pub fn operator_logins(&self) -> Result<Vec<(String, String)>> {
        rows(
            self.read(),
            "SELECT login, name FROM operators ORDER BY login",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Runs `f` in one write transaction and records what it did in the audit log
    /// as `action`, at `now` by the operator `by`; a dry run rolls its changes back
    /// inside it and records nothing.
    fn import_write(
        &mut self,
        action: &str,
        dry_run: bool,
        now: DateTime<Utc>,
        by: Option<i64>,
        mut f: impl FnMut(&Transaction) -> Result<Vec<Upserted>>,
    ) -> Result<Vec<Upserted>> {
        self.write(|tx| {
            if !dry_run {
                let out = f(tx)?;
                let counts = ImportCounts::of(&out).to_string();
                shifts::audit(tx, now, by, action, None, &counts)?;
                return Ok(out);
            }
            tx.execute_batch("SAVEPOINT dry_run")?;
            let out = f(tx);
            tx.execute_batch("ROLLBACK TO dry_run; RELEASE dry_run")?;
            out
        })
    }
}

/// How many rows an import added, updated and left unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for ImportCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} unchanged",
            self.added, self.updated, self.unchanged
        )
    }
}

impl ImportCounts {
    /// Counts what an import did, row by row.
    pub fn of(done: &[Upserted]) -> ImportCounts {
        let mut c = ImportCounts::default();
        for d in done {
            match d {
                Upserted::Added => c.added += 1,
                Upserted::Updated => c.updated += 1,
                Upserted::Unchanged => c.unchanged += 1,
            }
        }
        c
    }
}
