//! The landlord's tenant list: which column is what, and each row checked.

use std::collections::{HashMap, HashSet};

use super::columns::{self, Columns, Field as _, Place};
use super::names::{NameOrder, split_name};
use super::sheet::{Input, Row, Sheet, header_key};
use super::values::{birth_date, household_alone, household_unknown, language, phones, postcode};
use super::{FileError, Layout, Problem};
use crate::domain::parse;
use crate::domain::phone::Phone;
use crate::domain::tenant::reference_key;
use crate::store::{Cohort, NewTenant, TenantColumn, TenantImport, TenantRows};

/// What a column of the tenant list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Reference,
    LastName,
    FirstName,
    FullName,
    Title,
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
    HouseholdSize,
    Language,
    Notes,
    Cohort,
}

impl columns::Field for Field {
    fn describe(self) -> &'static str {
        match self {
            Field::Reference => "tenant reference",
            Field::LastName => "last name",
            Field::FirstName => "first name",
            Field::FullName => "full name",
            Field::Title => "title",
            Field::BirthDate => "birth date",
            Field::Phone => "phone",
            Field::PhoneAlt => "second phone",
            Field::Address => "address",
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Building => "building",
            Field::Staircase => "staircase",
            Field::Floor => "floor",
            Field::Door => "door",
            Field::AccessCode => "access code",
            Field::LivesAlone => "lives alone",
            Field::HouseholdSize => "household size",
            Field::Language => "language",
            Field::Notes => "notes",
            Field::Cohort => "cohort",
        }
    }
}

/// Header names by field, folded (see `header_key`). "Nom" and "Name" are decided
/// in `field_of`: a last name next to a first-name column, a full name otherwise.
const HEADERS: &[(Field, &str)] = &[
    (
        Field::Reference,
        "reference ref nlocataire nolocataire numlocataire numerolocataire \
         numerodelocataire matricule tenantid tenantref tenantreference \
         tenantnumber reflocataire referencelocataire codelocataire idlocataire \
         identifiantlocataire id identifiant",
    ),
    (
        Field::LastName,
        "nomdefamille lastname surname familyname nomdusage nomusuel",
    ),
    (
        Field::FirstName,
        "prenom prenoms firstname givenname forename",
    ),
    (Field::Title, "civilite title titre civ salutation"),
    (
        Field::BirthDate,
        "datedenaissance datenaissance naissance nele nee neele ddn birthdate \
         dateofbirth dob birthday",
    ),
    (
        Field::Phone,
        "telephone tel phone telephonefixe telfixe fixe telephone1 tel1 phone1 \
         telephoneprincipal telprincipal telephonedomicile teldomicile \
         numerodetelephone ntelephone ntel phonenumber landline homephone",
    ),
    (
        Field::PhoneAlt,
        "portable mobile telephone2 tel2 phone2 telephoneportable telportable \
         telephonemobile telmobile mobilephone cellphone gsm autretelephone \
         othertelephone otherphone telephonesecondaire",
    ),
    (
        Field::Address,
        "adresse address rue voie adressepostale adresse1 address1 street \
         streetaddress",
    ),
    (
        Field::Postcode,
        "codepostal cp postcode postalcode zip zipcode",
    ),
    (Field::City, "ville commune city town localite"),
    (Field::Building, "batiment bat building bldg immeuble"),
    (
        Field::Staircase,
        "escalier esc staircase stair stairs cagedescalier",
    ),
    (Field::Floor, "etage floor niveau etg"),
    (
        Field::Door,
        "porte appartement logement door apt appt apartment flat napt nappt \
         nappartement nlogement nporte numerodelogement numerodeporte \
         numeroappartement",
    ),
    (
        Field::AccessCode,
        "codedacces codeacces digicode accesscode code codeporte codeimmeuble \
         doorcode entrycode",
    ),
    (
        Field::LivesAlone,
        "vitseul vitseule vitseuls personneseule isole isolee isolement seul \
         seule livesalone alone",
    ),
    (
        Field::HouseholdSize,
        "nbpersonnesaufoyer nombredepersonnesaufoyer nbdepersonnesaufoyer \
         personnesaufoyer nbpersonnes nbdepersonnes nombredepersonnes \
         compositiondufoyer compositionfoyer taillefoyer tailledufoyer \
         nboccupants nombredoccupants occupants householdsize household",
    ),
    (
        Field::Language,
        "langue language langueparlee spokenlanguage languematernelle",
    ),
    (
        Field::Notes,
        "observations observation commentaire commentaires notes note remarques \
         remarque comments comment informations infos",
    ),
    (Field::Cohort, "cohorte cohort"),
];

/// One-cell name headers and how their names are ordered.
const FULL_NAMES: &[(&str, NameOrder)] = &[
    ("nometprenom", NameOrder::LastFirst),
    ("nomprenom", NameOrder::LastFirst),
    ("nomprenoms", NameOrder::LastFirst),
    ("nometprenoms", NameOrder::LastFirst),
    ("nomcomplet", NameOrder::LastFirst),
    ("identite", NameOrder::LastFirst),
    ("prenometnom", NameOrder::FirstLast),
    ("prenomnom", NameOrder::FirstLast),
    ("fullname", NameOrder::FirstLast),
];

/// The field a header names (its key from `header_key`), and for a one-cell name
/// the order its words come in.
fn field_of(key: &str, has_first_name: bool) -> Option<(Field, NameOrder)> {
    // The order only matters for a full name.
    let any = NameOrder::CaseOnly;
    match key {
        "nom" | "name" if has_first_name => Some((Field::LastName, any)),
        "nom" => Some((Field::FullName, NameOrder::CaseOnly)),
        "name" => Some((Field::FullName, NameOrder::FirstLast)),
        _ => FULL_NAMES
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, order)| (Field::FullName, *order))
            .or_else(|| {
                HEADERS
                    .iter()
                    .find(|(_, keys)| keys.split_whitespace().any(|k| k == key))
                    .map(|(f, _)| (*f, any))
            }),
    }
}

/// One good row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRow {
    pub line: u64,
    pub tenant: NewTenant,
    /// The cohort named in the row's "Cohorte" cell, if any.
    pub cohort: Option<String>,
}

/// A tenant list as read from a file: every problem found, and its text, from which
/// the good rows are read again each time they are needed (checked, then written) rather
/// than held: a list of 500,000 rows would otherwise take ten times the file in memory.
pub struct TenantList {
    sheet: Sheet,
    pub layout: Layout,
    /// Every problem, in line order.
    pub problems: Vec<Problem>,
    /// The tenant columns the file gives: an update leaves the others as stored.
    pub columns: Vec<TenantColumn>,
    /// Names and addresses with a `?` against a letter (`Nguy?n`): a letter the software
    /// that saved the file could not write. The rows are imported; the report tells
    /// them, the cell's text as `reason`.
    pub lost_letters: Vec<Problem>,
    /// Every reference in the file (bad rows included) and the line it is first on.
    references: HashMap<String, u64>,
    /// The lines of the rows with a problem: they are not imported.
    bad: HashSet<u64>,
}

impl std::fmt::Debug for TenantList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantList")
            .field("layout", &self.layout)
            .field("problems", &self.problems)
            .field("bad", &self.bad.len())
            .finish_non_exhaustive()
    }
}

impl TenantList {
    /// Rows with at least one problem.
    pub fn bad_rows(&self) -> usize {
        self.bad.len()
    }

    /// Rows to import: those without a problem.
    pub fn good_rows(&self) -> usize {
        self.layout.rows - self.bad.len()
    }

    /// Calls `f` with each good row, read again from the file (an error if the file
    /// changed since it was read).
    fn each_row(&self, mut f: impl FnMut(TenantRow)) -> Result<(), FileError> {
        let (columns, _) = map(&self.sheet);
        let mut seen = Vec::new();
        self.sheet.for_each_row(|row| {
            if self.bad.contains(&row.line) {
                return;
            }
            seen.clear();
            if let Some(t) = columns.tenant(row, &mut seen) {
                f(t);
            }
        })
    }

    /// Adds problems found after the rows were read; their rows become bad.
    fn refuse(&mut self, refused: Vec<Problem>) {
        self.bad.extend(refused.iter().map(|p| p.line));
        self.problems.extend(refused);
        self.problems.sort_by_key(|p| p.line);
    }

    /// Refuses, on their lines, the rows the program cannot take: a birth date giving an
    /// age outside `ages` on `today` (a date typed wrong, 2090, a child's, 1826, rather
    /// than a person to call), or a cohort it does not have. One more reading of the rows.
    pub fn check(
        &mut self,
        today: chrono::NaiveDate,
        (low, high): (u32, u32),
        cohorts: &[Cohort],
    ) -> Result<(), FileError> {
        let birth_column = self.column_of(Field::BirthDate);
        let cohort_column = self.column_of(Field::Cohort);
        let mut refused = Vec::new();
        self.each_row(|r| {
            if let Some(born) = r.tenant.birth_date {
                let age = today.years_since(born);
                if !age.is_some_and(|a| (low..=high).contains(&a)) {
                    let age = age.map_or_else(
                        || crate::tr!("une naissance à venir", "not yet born"),
                        |a| crate::tr!("{a} ans", "{a} years old"),
                    );
                    refused.push(Problem {
                        line: r.line,
                        column: birth_column.clone(),
                        reason: crate::tr!(
                            "{} donne {age} : le programme appelle des personnes de {low} à \
                             {high} ans (réglage import_ages)",
                            "{} gives {age}: the program calls people aged {low} to {high} \
                             (setting import_ages)",
                            born.format("%d/%m/%Y")
                        ),
                    });
                }
            }
            if let Some(name) = &r.cohort
                && cohort_named(cohorts, name).is_none()
            {
                let names: Vec<&str> = cohorts.iter().map(|c| c.name.as_str()).collect();
                refused.push(Problem {
                    line: r.line,
                    column: cohort_column.clone(),
                    reason: crate::tr!(
                        "pas de cohorte « {name} » (les cohortes sont : {})",
                        "no cohort named '{name}' (the cohorts are: {})",
                        names.join(", ")
                    ),
                });
            }
        })?;
        self.refuse(refused);
        Ok(())
    }

    /// The header of the column giving `field`, as written; empty without one.
    fn column_of(&self, field: Field) -> String {
        self.layout
            .used
            .iter()
            .find(|(_, what)| *what == field.describe())
            .map(|(header, _)| header.clone())
            .unwrap_or_default()
    }

    /// Whether the file has a cohort column.
    pub fn names_cohorts(&self) -> bool {
        self.layout
            .used
            .iter()
            .any(|(_, what)| *what == Field::Cohort.describe())
    }

    /// Whether the file names this reference, in a good row or a bad one.
    pub fn mentions(&self, reference: &str) -> bool {
        self.references.contains_key(&reference_key(reference))
    }

    /// The good rows as tenants to write (after `check`): a row naming a cohort
    /// goes there; the others go to `chosen` if given.
    pub fn imports<'a>(&'a self, cohorts: &'a [Cohort], chosen: Option<i64>) -> Imports<'a> {
        Imports {
            list: self,
            cohorts,
            chosen,
        }
    }

    /// The good rows, read into memory: for tests.
    ///
    /// # Panics
    ///
    /// If the rows cannot be read again (a test list is bytes in memory).
    #[cfg(test)]
    pub fn rows(&self) -> Vec<TenantRow> {
        let mut out = Vec::new();
        self.each_row(|r| out.push(r))
            .expect("bytes in memory read again");
        out
    }
}

fn cohort_named<'c>(cohorts: &'c [Cohort], name: &str) -> Option<&'c Cohort> {
    let key = parse::fold(name);
    cohorts.iter().find(|c| parse::fold(&c.name) == key)
}

/// The good rows of a list, each with its cohort, handed to the store one at a time.
pub struct Imports<'a> {
    list: &'a TenantList,
    cohorts: &'a [Cohort],
    chosen: Option<i64>,
}

impl TenantRows for Imports<'_> {
    fn each(
        &self,
        f: &mut dyn FnMut(&TenantImport) -> crate::store::Result<()>,
    ) -> crate::store::Result<()> {
        let mut result = Ok(());
        let read = self.list.each_row(|row| {
            if result.is_err() {
                return;
            }
            let cohort = match &row.cohort {
                None => self.chosen,
                // Checked by `check`; a row it refused is not read again.
                Some(name) => cohort_named(self.cohorts, name).map(|c| c.id),
            };
            result = f(&TenantImport {
                tenant: row.tenant,
                cohort,
            });
        });
        // A file that changed since it was checked: nothing of it is written.
        read.map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
        result
    }
}

/// Maps the header line to the tenant fields.
fn map(sheet: &Sheet) -> (Columns<'_, Field>, Layout) {
    let has_first_name = sheet
        .headers
        .iter()
        .any(|h| matches!(field_of(&header_key(h), false), Some((Field::FirstName, _))));
    let mut name_order = NameOrder::CaseOnly;
    let (mut columns, layout) = Columns::map(sheet, |key, mapped| {
        let Some((mut field, order)) = field_of(key, has_first_name) else {
            return Place::Unknown;
        };
        // "Téléphone 1", "Téléphone 2": a second phone column is the second phone.
        if field == Field::Phone && mapped.has(Field::Phone) {
            field = Field::PhoneAlt;
        }
        // A one-cell name is not needed when first and last names have columns.
        if mapped.has(field) || (field == Field::FullName && has_first_name) {
            return Place::Repeats(if field == Field::FullName {
                Field::LastName.describe()
            } else {
                field.describe()
            });
        }
        if field == Field::FullName {
            name_order = order;
        }
        Place::Gives(field)
    });
    columns.name_order = name_order;
    (columns, layout)
}

impl Columns<'_, Field> {
    /// The header of the phone columns, for the "no phone" problem.
    fn phone_headers(&self) -> String {
        [Field::Phone, Field::PhoneAlt]
            .iter()
            .filter(|f| self.has(**f))
            .map(|f| self.header(*f))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The store columns the file gives.
    fn store_columns(&self) -> Vec<TenantColumn> {
        use TenantColumn as C;
        let mut out = vec![C::LastName];
        let pairs = [
            (Field::Title, C::Title),
            (Field::FirstName, C::FirstName),
            (Field::FullName, C::FirstName),
            (Field::BirthDate, C::BirthDate),
            (Field::Phone, C::Phone),
            (Field::Phone, C::PhoneAlt),
            (Field::PhoneAlt, C::Phone),
            (Field::PhoneAlt, C::PhoneAlt),
            (Field::Address, C::Address),
            (Field::Postcode, C::Postcode),
            (Field::City, C::City),
            (Field::Building, C::Building),
            (Field::Staircase, C::Staircase),
            (Field::Floor, C::Floor),
            (Field::Door, C::Door),
            (Field::AccessCode, C::AccessCode),
            (Field::LivesAlone, C::LivesAlone),
            (Field::HouseholdSize, C::LivesAlone),
            (Field::Language, C::Language),
            (Field::Notes, C::Notes),
        ];
        // A lone "Nom" column gives a first name only when capitals tell one.
        let first_name_given = self.has(Field::FirstName)
            || (self.has(Field::FullName) && self.name_order != NameOrder::CaseOnly);
        for (field, column) in pairs {
            if column == C::FirstName && !first_name_given {
                continue;
            }
            if self.has(field) && !out.contains(&column) {
                out.push(column);
            }
        }
        out.sort();
        out
    }

    /// Reads one row; its problems go to `problems`.
    fn tenant(&self, row: &Row, problems: &mut Vec<Problem>) -> Option<TenantRow> {
        let before = problems.len();
        let reference = self.cell(row, Field::Reference);
        if reference.is_empty() {
            let reason = crate::tr!(
                "la référence du locataire manque",
                "the tenant reference is missing"
            );
            problems.push(self.problem(row, Field::Reference, reason));
        }
        let name_field = if self.has(Field::FullName) {
            Field::FullName
        } else {
            Field::LastName
        };
        let (last_name, first_name) = if self.has(Field::FullName) {
            split_name(self.cell(row, Field::FullName), self.name_order)
        } else {
            (
                self.cell(row, Field::LastName).to_string(),
                self.cell(row, Field::FirstName).to_string(),
            )
        };
        if last_name.is_empty() {
            let reason = crate::tr!("le nom manque", "the last name is missing");
            problems.push(self.problem(row, name_field, reason));
        }
        let birth_date = match self.cell(row, Field::BirthDate) {
            "" => None,
            text => birth_date(text)
                .map_err(|e| problems.push(self.problem(row, Field::BirthDate, e)))
                .ok(),
        };
        let mut numbers: Vec<Phone> = Vec::new();
        let mut unreadable = false;
        for field in [Field::Phone, Field::PhoneAlt] {
            match phones(self.cell(row, field)) {
                Ok(found) => {
                    for p in found.into_iter().flatten() {
                        if !numbers.contains(&p) {
                            numbers.push(p);
                        }
                    }
                }
                Err(e) => {
                    unreadable = true;
                    problems.push(self.problem(row, field, e));
                }
            }
        }
        if numbers.is_empty() && !unreadable {
            problems.push(Problem {
                line: row.line,
                column: self.phone_headers(),
                reason: crate::tr!(
                    "pas de numéro de téléphone : il en faut un pour appeler le locataire",
                    "no phone number: a tenant must have one to be called"
                ),
            });
        } else if numbers.len() > 2 {
            problems.push(Problem {
                line: row.line,
                column: self.phone_headers(),
                reason: crate::tr!(
                    "plus de deux numéros : veille en garde deux, mettez les autres dans les \
                     observations",
                    "more than two phone numbers: veille keeps two, put the others in the notes"
                ),
            });
        }
        let postcode = postcode(self.cell(row, Field::Postcode))
            .map_err(|e| problems.push(self.problem(row, Field::Postcode, e)))
            .unwrap_or_default();
        // A blank stays unknown: "no" would take the tenant out of the no-answer ladder.
        let alone = self.cell(row, Field::LivesAlone);
        let size = self.cell(row, Field::HouseholdSize);
        let lives_alone = if !household_unknown(alone) {
            parse::yes_no(alone)
                .map_err(|e| problems.push(self.problem(row, Field::LivesAlone, e)))
                .ok()
        } else if !household_unknown(size) {
            household_alone(size)
                .map_err(|e| problems.push(self.problem(row, Field::HouseholdSize, e)))
                .ok()
        } else {
            None
        };
        let language = language(self.cell(row, Field::Language))
            .map_err(|e| problems.push(self.problem(row, Field::Language, e)))
            .unwrap_or_default();
        problems.extend(self.overflow(row));
        problems.extend(self.cell_problems(row));
        if problems.len() > before {
            return None;
        }
        let mut numbers = numbers.into_iter().map(|p| p.as_str().to_string());
        let cohort = self.cell(row, Field::Cohort);
        Some(TenantRow {
            line: row.line,
            cohort: (!cohort.is_empty()).then(|| cohort.to_string()),
            tenant: NewTenant {
                external_ref: reference.to_string(),
                title: self.cell(row, Field::Title).to_string(),
                last_name,
                first_name,
                birth_date,
                phone: numbers.next(),
                phone_alt: numbers.next(),
                address: self.cell(row, Field::Address).to_string(),
                postcode,
                city: self.cell(row, Field::City).to_string(),
                building: self.cell(row, Field::Building).to_string(),
                staircase: self.cell(row, Field::Staircase).to_string(),
                floor: self.cell(row, Field::Floor).to_string(),
                door: self.cell(row, Field::Door).to_string(),
                access_code: self.cell(row, Field::AccessCode).to_string(),
                lives_alone,
                language: language.to_string(),
                notes: self.cell(row, Field::Notes).to_string(),
            },
        })
    }
}

/// Reads a tenant list. File-level faults (no header, a required column missing)
/// are errors; everything wrong in a row is a `Problem` of that row.
pub fn read(bytes: impl Into<Vec<u8>>) -> Result<TenantList, FileError> {
    read_from(Input::Bytes(bytes.into()))
}

/// As `read`, from a file (read again for each pass, never held whole) or bytes.
pub fn read_from(input: Input) -> Result<TenantList, FileError> {
    let sheet = Sheet::open(input)?;
    let (columns, mut layout) = map(&sheet);
    if !columns.has(Field::Reference) {
        return Err(FileError::missing(
            "the tenant reference",
            "Référence, N° locataire, Matricule, Ref, Code locataire, Tenant ID",
            &sheet.headers,
        ));
    }
    if !columns.has(Field::LastName) && !columns.has(Field::FullName) {
        return Err(FileError::missing(
            "the last name",
            "Nom, Nom de famille, Last name, Nom et prénom, Full name",
            &sheet.headers,
        ));
    }
    if !columns.has(Field::Phone) && !columns.has(Field::PhoneAlt) {
        return Err(FileError::missing(
            "a phone number",
            "Téléphone, Tél, Phone, Portable, Mobile",
            &sheet.headers,
        ));
    }
    let mut problems = Vec::new();
    let mut references: HashMap<String, u64> = HashMap::new();
    let mut repeats: Vec<(u64, u64)> = Vec::new();
    let mut lost_letters = Vec::new();
    sheet.for_each_row(|row| {
        layout.rows += 1;
        for field in [
            Field::LastName,
            Field::FirstName,
            Field::FullName,
            Field::Address,
            Field::City,
        ] {
            let text = columns.cell(row, field);
            if lost_letter(text) {
                lost_letters.push(columns.problem(row, field, text.to_string()));
            }
        }
        let reference = columns.cell(row, Field::Reference);
        if !reference.is_empty() {
            let key = reference_key(reference);
            match references.get(&key) {
                Some(&first) => repeats.push((first, row.line)),
                None => {
                    references.insert(key, row.line);
                }
            }
        }
        columns.tenant(row, &mut problems);
    })?;
    if !repeats.is_empty() {
        // Which of two rows with one reference is right cannot be told: both are bad.
        let by_line: HashMap<u64, &str> =
            references.iter().map(|(r, l)| (*l, r.as_str())).collect();
        let column = columns.header(Field::Reference);
        for (first, again) in &repeats {
            let reference = by_line.get(first).copied().unwrap_or_default();
            for (line, other) in [(*first, *again), (*again, *first)] {
                problems.push(Problem {
                    line,
                    column: column.to_string(),
                    reason: crate::tr!(
                        "la référence « {reference} » est aussi ligne {other}",
                        "the reference '{reference}' is also on line {other}"
                    ),
                });
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    let bad = problems.iter().map(|p| p.line).collect();
    let columns = columns.store_columns();
    Ok(TenantList {
        sheet,
        layout,
        problems,
        columns,
        lost_letters,
        references,
        bad,
    })
}

/// Whether `text` has a `?` against a letter: `Nguy?n`, `?ahin`, `Jovanovi?`. A `?` on
/// its own ("?", "Dupont ?") is someone's doubt, not a lost letter.
fn lost_letter(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        *c == '?'
            && (i.checked_sub(1).is_some_and(|j| chars[j].is_alphabetic())
                || chars.get(i + 1).is_some_and(|n| n.is_alphabetic()))
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn list(text: &str) -> TenantList {
        read(text.as_bytes()).unwrap()
    }

    fn fields(headers: &[&str]) -> Vec<Option<Field>> {
        let text = headers.join(";");
        let sheet = Sheet::read(text.as_bytes()).unwrap();
        let (columns, _) = map(&sheet);
        (0..headers.len()).map(|i| columns.field_at(i)).collect()
    }

    /// The fields named by the French and English headers spelled out in full below.
    const SPELLED_OUT: [Field; 19] = {
        use Field::*;
        [
            Reference, LastName, FirstName, BirthDate, Phone, PhoneAlt, Address, Postcode, City,
            Building, Staircase, Floor, Door, AccessCode, LivesAlone, Title, Language, Notes,
            Cohort,
        ]
    };

    #[test]
    fn french_headers_whatever_their_case_accents_and_punctuation() {
        use Field::*;
        assert_eq!(
            fields(&[
                "N° locataire",
                "NOM DE FAMILLE",
                "Prénom",
                "Né(e) le",
                "Tél.",
                "Portable",
                "Adresse",
                "CP",
                "Commune",
                "Bât",
                "Esc",
                "Étage",
                "Appartement",
                "Code d'accès",
                "Vit seul(e)",
                "Civilité",
                "Langue",
                "Observations",
                "Cohorte",
            ]),
            SPELLED_OUT.map(Some)
        );
        assert_eq!(
            fields(&[
                "Matricule",
                "Nom",
                "Prénom",
                "Téléphone fixe",
                "Téléphone 2",
                "Digicode"
            ]),
            [Reference, LastName, FirstName, Phone, PhoneAlt, AccessCode].map(Some)
        );
        assert_eq!(
            fields(&[
                "Code locataire",
                "Nom et prénom",
                "Téléphone 1",
                "Téléphone 2",
                "Nb personnes au foyer"
            ]),
            [Reference, FullName, Phone, PhoneAlt, HouseholdSize].map(Some)
        );
    }

    #[test]
    fn english_headers() {
        use Field::*;
        assert_eq!(
            fields(&[
                "Tenant ID",
                "Last name",
                "First name",
                "Birth date",
                "Phone",
                "Mobile",
                "Address",
                "Postcode",
                "City",
                "Building",
                "Staircase",
                "Floor",
                "Door",
                "Access code",
                "Lives alone",
                "Title",
                "Language",
                "Notes",
                "Cohort",
            ]),
            SPELLED_OUT.map(Some)
        );
        assert_eq!(
            fields(&["Ref", "Full name", "DOB", "Household size", "Apt"]),
            [Reference, FullName, BirthDate, HouseholdSize, Door].map(Some)
        );
        assert_eq!(fields(&["Ref", "Name", "Phone"])[1], Some(FullName));
        assert_eq!(fields(&["Ref", "Name", "First name"])[1], Some(LastName));
    }

    #[test]
    fn unknown_and_repeated_columns_are_listed_not_refused() {
        let l = list(
            "Réf;Nom;Prénom;Gardien;Loyer;Nom et prénom;Tél;Tél 2;Fixe\nA1;Dupont;Marie;x;y;z;0199000001;;\n",
        );
        assert_eq!(l.layout.ignored, vec!["Gardien", "Loyer"]);
        assert_eq!(
            l.layout.repeated,
            vec![
                ("Nom et prénom".to_string(), "last name"),
                ("Fixe".to_string(), "second phone"),
            ]
        );
        assert_eq!(l.rows().len(), 1);
    }

    #[test]
    fn missing_required_columns_are_named_with_the_accepted_names() {
        let err = read("Nom;Téléphone\nDupont;0199000001\n".as_bytes()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("tenant reference"), "{text}");
        assert!(text.contains("N° locataire"), "{text}");
        assert!(text.contains("Nom, Téléphone"), "{text}");
        let err = read("Ref;Nom;Adresse\nA1;Dupont;x\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("phone"), "{err}");
        let err = read("Ref;Téléphone\nA1;0199000001\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("last name"), "{err}");
    }

    #[test]
    fn a_row_is_read_into_a_tenant() {
        let l = list(
            "Réf;Civilité;Nom;Prénom;Né le;Tél;Portable;Adresse;CP;Ville;Bât;Esc;Étage;Porte;Code;Vit seule;Langue;Notes\n\
             A1;Mme;Lefèvre;Hélène;03/04/1941;01.99.00.12.34;+33 6 39 98 12 34;12 rue des Lilas;1000;Paris;B;2;3;32;1234A;oui;Arabe;sourde\n",
        );
        assert_eq!(l.problems, vec![]);
        assert_eq!(
            l.rows()[0].tenant,
            NewTenant {
                external_ref: "A1".into(),
                title: "Mme".into(),
                last_name: "Lefèvre".into(),
                first_name: "Hélène".into(),
                birth_date: NaiveDate::from_ymd_opt(1941, 4, 3),
                phone: Some("0199001234".into()),
                phone_alt: Some("0639981234".into()),
                address: "12 rue des Lilas".into(),
                postcode: "01000".into(),
                city: "Paris".into(),
                building: "B".into(),
                staircase: "2".into(),
                floor: "3".into(),
                door: "32".into(),
                access_code: "1234A".into(),
                lives_alone: Some(true),
                language: "ar".into(),
                notes: "sourde".into(),
            }
        );
        assert_eq!(l.columns.len(), 17);
    }

    #[test]
    fn one_cell_names_are_split_and_phones_fill_in() {
        let l = list(
            "Ref;Nom et prénom;Téléphone;Portable;Nb personnes au foyer\n\
             A1;DUPONT Marie;;06 39 98 00 01;1\n\
             A2;Martin Paul;199000002 / 06 39 98 00 02;;2\n\
             A3;Le Gall Anne;01 99 00 00 03;01 99 00 00 03;\n",
        );
        assert_eq!(l.problems, vec![]);
        let rows = l.rows();
        let t: Vec<_> = rows.iter().map(|r| &r.tenant).collect();
        assert_eq!(
            (t[0].last_name.as_str(), t[0].first_name.as_str()),
            ("DUPONT", "Marie")
        );
        assert_eq!(t[0].phone.as_deref(), Some("0639980001"));
        assert_eq!(t[0].phone_alt, None);
        assert_eq!(t[0].lives_alone, Some(true));
        assert_eq!(
            (t[1].last_name.as_str(), t[1].first_name.as_str()),
            ("Martin", "Paul")
        );
        assert_eq!(t[1].phone.as_deref(), Some("0199000002"));
        assert_eq!(t[1].phone_alt.as_deref(), Some("0639980002"));
        assert_eq!(t[1].lives_alone, Some(false));
        assert_eq!(t[2].phone_alt, None, "the same number twice is one number");
        assert_eq!(t[2].lives_alone, None, "a blank is not known, not \"no\"");
    }

    #[test]
    fn a_file_gives_only_the_columns_it_has() {
        use TenantColumn as C;
        let l = list("Ref;Nom;Tél\nA1;DUPONT Marie;0199000001\n");
        assert_eq!(l.columns, vec![C::LastName, C::Phone, C::PhoneAlt]);
        assert_eq!(
            l.rows()[0].tenant.first_name,
            "Marie",
            "a new tenant still gets it"
        );
        let l = list(
            "Ref;Nom et prénom;Portable;Nb personnes au foyer\nA1;DUPONT Marie;0639980001;1\n",
        );
        assert_eq!(
            l.columns,
            vec![
                C::LastName,
                C::FirstName,
                C::Phone,
                C::PhoneAlt,
                C::LivesAlone
            ]
        );
    }

    #[test]
    fn bad_rows_name_line_column_and_reason() {
        let l = list(
            "Réf;Nom;Tél;Né(e) le;CP;Vit seul(e)\n\
             A1;Dupont;01 99 00 00 01;03/04/1941;75012;oui\n\
             ;Martin;01 99 00 00 02;;;\n\
             A3;;;31/02/1941;750;peut-être\n\
             A4;Durand;01 23;;;\n\
             A5;Petit;\"01 99\n00 00 05\";;;\n\
             A6;Roux;01 99 00 00 06;;;;extra\n",
        );
        let got: Vec<String> = l
            .problems
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(
            got,
            vec![
                "line 3, column \"Réf\": the tenant reference is missing",
                "line 4, column \"Nom\": the last name is missing",
                "line 4, column \"Né(e) le\": '31/02/1941' is not a date (expected dd/mm/yyyy)",
                "line 4, column \"Tél\": no phone number: a tenant must have one to be called",
                "line 4, column \"CP\": '750' is not a postcode (5 digits)",
                "line 4, column \"Vit seul(e)\": 'peut-être' is not yes or no (oui/non)",
                "line 5, column \"Tél\": '01 23' is not a French phone number (10 digits starting with 0)",
                "line 6, column \"Tél\": '01 99\n00 00 05' is not a phone number",
                "line 8: this row has more values than the first line has columns (a value holding the separator without quotes around it?)",
            ]
        );
        assert_eq!(l.bad_rows(), 5);
        assert_eq!(l.rows().len(), 1);
        assert_eq!(l.rows()[0].line, 2);
    }

    #[test]
    fn a_reference_twice_makes_both_rows_bad() {
        let l =
            list("Ref;Nom;Tél\nA1;Dupont;0199000001\nA2;Martin;0199000002\nA1;Durand;0199000003\n");
        let got: Vec<String> = l
            .problems
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(
            got,
            vec![
                "line 2, column \"Ref\": the reference 'A1' is also on line 4",
                "line 4, column \"Ref\": the reference 'A1' is also on line 2",
            ]
        );
        assert_eq!(l.rows().len(), 1);
        assert_eq!(l.rows()[0].tenant.external_ref, "A2");
        assert!(l.mentions("A1") && l.mentions("A2") && !l.mentions("A3"));
    }

    /// A cell holding an escape sequence or longer than a cell can be is a bad cell of
    /// its row, told by line and column; the other rows are read.
    #[test]
    fn control_characters_and_overlong_cells_are_bad_cells() {
        let long = "x".repeat(super::super::columns::CELL_CHARS + 1);
        let l = list(&format!(
            "Ref;Nom;Tél\nA1;Du\u{1b}[31mpont;0199000001\nA2;{long};0199000002\nA3;Roy;0199000003\n"
        ));
        let bad: Vec<(u64, &str)> = l
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(bad, [(2, "Nom"), (3, "Nom")]);
        assert_eq!(l.good_rows(), 1);
    }

    /// A file saved again while it is imported (a spreadsheet still open on it) is not
    /// half-read: the next reading of its rows says it changed, and nothing is taken.
    #[test]
    fn a_file_written_again_between_two_readings_is_refused() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, "Ref;Nom;Tél\nA1;Dupont;0199000001\n").unwrap();
        let mut l = read_from(Input::File(std::fs::File::open(&path).unwrap())).unwrap();
        assert_eq!(l.good_rows(), 1);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"A2;Martin;0199000002\n").unwrap();
        drop(file);
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(matches!(
            l.check(today, (60, 120), &[]),
            Err(FileError::Changed)
        ));
        let mut rows = 0;
        let read = l.imports(&[], None).each(&mut |_| {
            rows += 1;
            Ok(())
        });
        assert!(read.is_err());
        assert_eq!(rows, 0);
    }

    #[test]
    fn rows_go_to_the_cohort_they_name_or_the_chosen_one() {
        let cohort = |id, name: &str| Cohort {
            id,
            name: name.into(),
            priority: id,
            cadence_days: 7,
            starts_on: NaiveDate::default(),
            active: true,
            tenants: 0,
        };
        let cohorts = [cohort(1, "isolated 70+"), cohort(2, "non-isolated 70+")];
        let l = list(
            "Ref;Nom;Tél;Cohorte\nA1;Dupont;0199000001;Non-Isolated 70+\nA2;Martin;0199000002;\nA3;Durand;0199000003;inconnue\n",
        );
        let mut l = l;
        l.check(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            (60, 120),
            &cohorts,
        )
        .unwrap();
        assert_eq!(l.good_rows(), 2);
        assert_eq!(
            cohorts_of(&l.imports(&cohorts, Some(1))),
            vec![Some(2), Some(1)]
        );
        assert_eq!(
            l.problems[0].to_string(),
            "line 4, column \"Cohorte\": no cohort named 'inconnue' (the cohorts are: isolated 70+, non-isolated 70+)"
        );
        let l = list("Ref;Nom;Tél\nA1;Dupont;0199000001\n");
        assert_eq!(cohorts_of(&l.imports(&cohorts, None)), vec![None]);
    }

    /// The cohort of each row as the store is handed it.
    fn cohorts_of(imports: &Imports) -> Vec<Option<i64>> {
        let mut out = Vec::new();
        imports
            .each(&mut |i| {
                out.push(i.cohort);
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn a_question_mark_against_a_letter_is_a_lost_letter() {
        for lost in ["Nguy?n", "?ahin", "Jovanovi?", "3 rue de l'?glise"] {
            assert!(lost_letter(lost), "{lost}");
        }
        for doubt in ["?", "Dupont ?", "", "Martin", "12 ? 14 rue"] {
            assert!(!lost_letter(doubt), "{doubt}");
        }
        let l = list(
            "Référence;Nom;Prénom;Téléphone;Adresse\n\
             R1;Nguy?n;Thi;0199000001;3 rue de l'?glise\n\
             R2;Martin;Paul;0199000002;1 rue Haute\n\
             R3;?ahin;Ay?e;0199000003;?\n",
        );
        let told: Vec<(u64, &str, &str)> = l
            .lost_letters
            .iter()
            .map(|p| (p.line, p.column.as_str(), p.reason.as_str()))
            .collect();
        assert_eq!(
            told,
            [
                (2, "Nom", "Nguy?n"),
                (2, "Adresse", "3 rue de l'?glise"),
                (4, "Nom", "?ahin"),
                (4, "Prénom", "Ay?e"),
            ]
        );
        assert_eq!(l.rows().len(), 3, "the rows are imported all the same");
    }
}
