//! The list of operators and coordinators: login, name, organisation, role, contact.

use std::collections::HashMap;

use super::columns::{self, Columns, Field as _, Place};
use super::names::{NameOrder, login_from, split_name};
use super::sheet::{Row, Sheet, header_key};
use super::values::{is_email, role};
use super::{FileError, Layout, Problem, bad_rows};
use crate::domain::Role;
use crate::domain::parse::fold;
use crate::domain::phone::Phone;
use crate::store::{NewOperator, OperatorColumn};

/// What a column of the operators list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Login,
    LastName,
    FirstName,
    FullName,
    Organisation,
    Role,
    Phone,
    Email,
    UnixAccount,
}

impl columns::Field for Field {
    fn describe(self) -> &'static str {
        match self {
            Field::Login => "login",
            Field::LastName => "last name",
            Field::FirstName => "first name",
            Field::FullName => "name",
            Field::Organisation => "organisation",
            Field::Role => "role",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::UnixAccount => "Unix account",
        }
    }
}

/// Header names by field, folded (see `header_key`). "Nom" and "Name" are decided
/// in `field_of`: a last name next to a first-name column, the whole name otherwise.
const HEADERS: &[(Field, &str)] = &[
    (
        Field::Login,
        "identifiant login id utilisateur user username userid nomdutilisateur \
         compte pseudo",
    ),
    (Field::LastName, "nomdefamille lastname surname familyname"),
    (Field::FirstName, "prenom firstname givenname"),
    (
        Field::FullName,
        "nomcomplet fullname nometprenom nomprenom prenometnom prenomnom \
         operateur operatrice",
    ),
    (
        Field::Organisation,
        "organisation organization structure association organisme employeur \
         entite company",
    ),
    (Field::Role, "role fonction profil"),
    (
        Field::Phone,
        "telephone tel phone portable mobile telephoneportable telportable",
    ),
    (
        Field::Email,
        "email mail courriel mel adressemail adresseemail adressemel \
         adressecourriel emailaddress",
    ),
    (
        Field::UnixAccount,
        "compteunix unixaccount comptesysteme systemaccount comptelinux linuxaccount \
         compteserveur serveraccount",
    ),
];

fn field_of(key: &str, has_first_name: bool) -> Option<Field> {
    match key {
        "nom" | "name" if has_first_name => Some(Field::LastName),
        "nom" | "name" => Some(Field::FullName),
        _ => HEADERS
            .iter()
            .find(|(_, keys)| keys.split_whitespace().any(|k| k == key))
            .map(|(f, _)| *f),
    }
}

/// One good row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub line: u64,
    pub operator: NewOperator,
    /// The login was made from the name (the file gave none).
    pub login_made: bool,
}

/// An operators list as read from a file.
#[derive(Debug, Clone)]
pub struct OperatorList {
    pub layout: Layout,
    pub rows: Vec<OperatorRow>,
    /// Every problem, in line order.
    pub problems: Vec<Problem>,
    /// The operator columns the file gives besides login and name.
    pub columns: Vec<OperatorColumn>,
}

impl OperatorList {
    /// Rows with at least one problem.
    pub fn bad_rows(&self) -> usize {
        bad_rows(&self.problems)
    }
}

/// Maps the header line to the operator fields.
fn map(sheet: &Sheet) -> (Columns<'_, Field>, Layout) {
    let has_first_name = sheet
        .headers
        .iter()
        .any(|h| field_of(&header_key(h), false) == Some(Field::FirstName));
    Columns::map(sheet, |key, mapped| {
        let Some(field) = field_of(key, has_first_name) else {
            return Place::Unknown;
        };
        if mapped.has(field) || (field == Field::FullName && has_first_name) {
            return Place::Repeats(field.describe());
        }
        Place::Gives(field)
    })
}

impl Columns<'_, Field> {
    fn name_field(&self) -> Field {
        if self.has(Field::FullName) {
            Field::FullName
        } else {
            Field::LastName
        }
    }

    /// Reads one row; the login is left empty when the file gives none.
    fn operator(&self, row: &Row, problems: &mut Vec<Problem>) -> Option<Pending> {
        let before = problems.len();
        let login = self.cell(row, Field::Login);
        if login.chars().any(char::is_whitespace) {
            let reason = format!("'{login}' is not a login: a login has no spaces");
            problems.push(self.problem(row, Field::Login, reason));
        }
        let (name, last, first) = if self.has(Field::FullName) {
            let written = self.cell(row, Field::FullName);
            let (last, first) = split_name(written, NameOrder::FirstLast);
            let name = written.split_whitespace().collect::<Vec<_>>().join(" ");
            (name, last, first)
        } else {
            let last = self.cell(row, Field::LastName).to_string();
            let first = self.cell(row, Field::FirstName).to_string();
            let name = if first.is_empty() {
                last.clone()
            } else {
                format!("{first} {last}")
            };
            (name, last, first)
        };
        if last.is_empty() {
            let reason = "the name is missing".to_string();
            problems.push(self.problem(row, self.name_field(), reason));
        }
        let role = role(self.cell(row, Field::Role))
            .map_err(|e| problems.push(self.problem(row, Field::Role, e)))
            .unwrap_or(Role::Operator);
        let phone = match self.cell(row, Field::Phone) {
            "" => None,
            text => Phone::parse(text)
                .map(|p| p.as_str().to_string())
                .map_err(|e| problems.push(self.problem(row, Field::Phone, e)))
                .ok(),
        };
        let email = match self.cell(row, Field::Email) {
            "" => None,
            text if is_email(text) => Some(text.to_string()),
            text => {
                let reason = format!("'{text}' is not an email address");
                problems.push(self.problem(row, Field::Email, reason));
                None
            }
        };
        let unix_account = match self.cell(row, Field::UnixAccount) {
            "" => None,
            text if is_account(text) => Some(text.to_string()),
            text => {
                let reason =
                    format!("'{text}' is not a Unix account name (letters, digits, '.', '_', '-')");
                problems.push(self.problem(row, Field::UnixAccount, reason));
                None
            }
        };
        problems.extend(self.overflow(row));
        problems.extend(self.cell_problems(row));
        if problems.len() > before {
            return None;
        }
        Some(Pending {
            line: row.line,
            last,
            first,
            operator: NewOperator {
                login: login.to_string(),
                name,
                organisation: self.cell(row, Field::Organisation).to_string(),
                role,
                phone,
                email,
                unix_account,
            },
        })
    }
}

/// A Unix account name as systems accept them: no spaces, no punctuation that a shell
/// or a file path would read, 32 characters at most.
pub fn is_account(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= 32
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A good row before its login is settled.
struct Pending {
    line: u64,
    last: String,
    first: String,
    operator: NewOperator,
}

/// Reads an operators list. `known` holds the (login, name) of every operator in
/// the database: a login made from a name reuses the login of the same person and
/// never takes another person's.
pub fn read(bytes: &[u8], known: &[(String, String)]) -> Result<OperatorList, FileError> {
    let sheet = Sheet::read(bytes)?;
    let (columns, mut layout) = map(&sheet);
    if !columns.has(Field::LastName) && !columns.has(Field::FullName) {
        return Err(FileError::missing(
            "the operator's name",
            "Nom, Nom + Prénom, Name, Nom complet",
            &sheet.headers,
        ));
    }
    let mut pending = Vec::new();
    let mut problems = Vec::new();
    sheet.for_each_row(|row| {
        layout.rows += 1;
        if let Some(p) = columns.operator(row, &mut problems) {
            pending.push(p);
        }
    })?;

    // Logins given in the file: one person each (case does not count).
    let mut given: HashMap<String, (u64, &str)> = HashMap::new();
    for p in &pending {
        let login = p.operator.login.as_str();
        if login.is_empty() {
            continue;
        }
        match given.get(&login.to_lowercase()) {
            Some(&(first, first_login)) => {
                for (line, written, other) in [(first, first_login, p.line), (p.line, login, first)]
                {
                    problems.push(Problem {
                        line,
                        column: columns.header(Field::Login).to_string(),
                        reason: format!("the login '{written}' is also on line {other}"),
                    });
                }
            }
            None => {
                given.insert(login.to_lowercase(), (p.line, login));
            }
        }
    }

    // Logins made from names: the same person's login in the database, or the
    // first of "mdupont", "mdupont2", … that nobody has.
    let known: HashMap<String, String> = known
        .iter()
        .map(|(login, name)| (login.to_lowercase(), fold(name)))
        .collect();
    let mut taken: std::collections::HashSet<String> = given.keys().cloned().collect();
    drop(given);
    let mut rows = Vec::with_capacity(pending.len());
    for mut p in pending {
        let login_made = p.operator.login.is_empty();
        if login_made {
            let base = login_from(&p.first, &p.last);
            if base.is_empty() {
                problems.push(Problem {
                    line: p.line,
                    column: columns.header(columns.name_field()).to_string(),
                    reason: "no login can be made from this name: add a login column \
                             (Identifiant) to the file"
                        .into(),
                });
                continue;
            }
            let name = fold(&p.operator.name);
            // A free login is always found: the logins taken are finitely many.
            #[allow(clippy::maybe_infinite_iter)]
            let login = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}{n}")
                    }
                })
                .find(|candidate| {
                    !taken.contains(candidate)
                        && known.get(candidate).is_none_or(|other| *other == name)
                })
                .unwrap_or(base);
            taken.insert(login.clone());
            p.operator.login = login;
        }
        rows.push(OperatorRow {
            line: p.line,
            operator: p.operator,
            login_made,
        });
    }
    let bad: std::collections::HashSet<u64> = problems.iter().map(|p| p.line).collect();
    rows.retain(|r| !bad.contains(&r.line));
    problems.sort_by_key(|p| p.line);

    let mut store_columns = Vec::new();
    for (field, column) in [
        (Field::Organisation, OperatorColumn::Organisation),
        (Field::Role, OperatorColumn::Role),
        (Field::Phone, OperatorColumn::Phone),
        (Field::Email, OperatorColumn::Email),
        (Field::UnixAccount, OperatorColumn::UnixAccount),
    ] {
        if columns.has(field) {
            store_columns.push(column);
        }
    }
    Ok(OperatorList {
        layout,
        rows,
        problems,
        columns: store_columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str, known: &[(&str, &str)]) -> OperatorList {
        let known: Vec<(String, String)> = known
            .iter()
            .map(|(l, n)| (l.to_string(), n.to_string()))
            .collect();
        read(text.as_bytes(), &known).unwrap()
    }

    fn logins(l: &OperatorList) -> Vec<&str> {
        l.rows.iter().map(|r| r.operator.login.as_str()).collect()
    }

    #[test]
    fn columns_in_french_and_english() {
        let l = list(
            "Identifiant;Nom;Prénom;Structure;Rôle;Téléphone;Courriel\n\
             mdupont;Dupont;Marie;Bailleur;Coordinatrice;06 39 98 00 01;marie@example.org\n",
            &[],
        );
        assert_eq!(l.problems, vec![]);
        assert_eq!(
            l.rows[0].operator,
            NewOperator {
                login: "mdupont".into(),
                name: "Marie Dupont".into(),
                organisation: "Bailleur".into(),
                role: Role::Coordinator,
                phone: Some("0639980001".into()),
                email: Some("marie@example.org".into()),
                unix_account: None,
            }
        );
        assert_eq!(l.columns.len(), 4);
        let l = list("Login,Name,Role\njm,Jean Martin,volunteer\n", &[]);
        assert_eq!(l.rows[0].operator.name, "Jean Martin");
        assert_eq!(l.rows[0].operator.role, Role::Operator);
        assert_eq!(l.columns, vec![OperatorColumn::Role]);
    }

    #[test]
    fn logins_made_from_names_are_unique_in_the_file_and_the_database() {
        let l = list(
            "Nom;Prénom\nDupont;Marie\nDupont;Michel\nLefèvre;Hélène\nMartin;Paul\n",
            &[("mdupont", "Marie Dupont"), ("hlefevre", "Hugo Lefèvre")],
        );
        assert_eq!(
            logins(&l),
            vec!["mdupont", "mdupont2", "hlefevre2", "pmartin"]
        );
        assert!(l.rows.iter().all(|r| r.login_made));
    }

    #[test]
    fn a_made_login_does_not_take_one_given_later_in_the_file() {
        let l = list(
            "Identifiant;Nom complet\n;Marie DUPONT\nmdupont;Michel Dupont\n",
            &[],
        );
        assert_eq!(logins(&l), vec!["mdupont2", "mdupont"]);
    }

    #[test]
    fn bad_rows_are_named() {
        let l = list(
            "Login;Nom;Prénom;Rôle;Tél;Email\n\
             a b;Dupont;Marie;;;\n\
             x;;Paul;;;\n\
             y;Martin;Luc;chef;01 23;luc@\n\
             X;Petit;Léa;;;\n",
            &[],
        );
        let got: Vec<String> = l
            .problems
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(
            got,
            vec![
                "line 2, column \"Login\": 'a b' is not a login: a login has no spaces",
                "line 3, column \"Nom\": the name is missing",
                "line 4, column \"Rôle\": 'chef' is not a role (opérateur, bénévole, salarié, or coordinateur, superviseur)",
                "line 4, column \"Tél\": '01 23' is not a French phone number (10 digits starting with 0)",
                "line 4, column \"Email\": 'luc@' is not an email address",
            ]
        );
        assert_eq!(l.bad_rows(), 3);
        assert_eq!(logins(&l), vec!["X"]);
    }

    #[test]
    fn a_login_twice_makes_both_rows_bad() {
        let l = list("Login;Nom\nmd;Dupont\nMD;Durand\nok;Petit\n", &[]);
        assert_eq!(l.bad_rows(), 2);
        assert_eq!(
            l.problems[0].to_string(),
            "line 2, column \"Login\": the login 'md' is also on line 3"
        );
        assert_eq!(logins(&l), vec!["ok"]);
    }

    #[test]
    fn a_file_without_names_is_refused() {
        let err = read(b"Login;Email\nmd;m@example.org\n", &[]).unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
    }
}
