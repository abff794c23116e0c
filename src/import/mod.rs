//! Reading the landlord's spreadsheets: tenants and operators from CSV as French
//! spreadsheet software writes it (`;` or `,`, Windows-1252 or UTF-8, dd/mm/yyyy,
//! phone numbers in any common form).
//!
//! Everything here is pure: bytes in; rows ready for the store, the bad rows with
//! their line, column and reason, and the columns read or ignored out. The
//! `import` command does the one write.

mod columns;
mod decode;
mod names;
pub mod operators;
mod sheet;
pub mod tenants;
mod values;

pub use decode::Encoding;
pub use names::{NameOrder, login_from, split_name};
pub use sheet::Input;

/// A bad row: the physical line of the file (the header is line 1), the column as
/// its header is written in the file (empty when the whole row is wrong), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (line, column, reason) = (self.line, &self.column, &self.reason);
        if column.is_empty() {
            f.write_str(&crate::tr!(
                "ligne {line} : {reason}",
                "line {line}: {reason}"
            ))
        } else {
            f.write_str(&crate::tr!(
                "ligne {line}, colonne « {column} » : {reason}",
                "line {line}, column \"{column}\": {reason}"
            ))
        }
    }
}

/// Why a whole file cannot be read.
#[derive(Debug)]
pub enum FileError {
    Empty,
    MissingColumn {
        what: &'static str,
        accepted: &'static str,
        found: String,
    },
    Csv(String),
    /// The file was written again between two readings of it.
    Changed,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            FileError::Empty => crate::tr!(
                "le fichier est vide : sa première ligne devrait porter les noms des colonnes",
                "the file is empty: its first line should hold the column names"
            ),
            FileError::MissingColumn {
                what,
                accepted,
                found,
            } => crate::tr!(
                "le fichier n'a pas de colonne pour {what} (noms acceptés : {accepted}). Les colonnes de sa première ligne sont : {found}. Renommez la colonne dans le fichier, ou vérifiez que la première ligne porte les noms des colonnes",
                "the file has no column for {what} (accepted names: {accepted}). The columns on its first line are: {found}. Rename the column in the file, or check that the first line holds the column names"
            ),
            FileError::Changed => crate::tr!(
                "le fichier a changé pendant l'import (enregistré de nouveau ?) : rien n'a été \
                 écrit ; importez-le de nouveau une fois enregistré",
                "the file changed while it was being imported (saved again?): nothing was \
                 written; import it again once it is saved"
            ),
            FileError::Csv(e) => crate::tr!(
                "le fichier ne peut pas être lu comme un CSV : {e}",
                "the file cannot be read as CSV: {e}"
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for FileError {}

impl FileError {
    fn missing(what: &'static str, accepted: &'static str, headers: &[String]) -> FileError {
        let found: Vec<&str> = headers
            .iter()
            .map(String::as_str)
            .filter(|h| !h.is_empty())
            .collect();
        FileError::MissingColumn {
            what,
            accepted,
            found: if found.is_empty() {
                "(none)".to_string()
            } else {
                found.join(", ")
            },
        }
    }
}

/// How a file was read: its encoding and separator, and what each column became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub encoding: Encoding,
    pub separator: u8,
    /// Each column read: its header as written, and what veille reads in it.
    pub used: Vec<(String, &'static str)>,
    /// Columns veille does not know, as written.
    pub ignored: Vec<String>,
    /// Columns naming something another column already gives, with what that is.
    pub repeated: Vec<(String, &'static str)>,
    /// Rows read after the header, blank ones left out.
    pub rows: usize,
    /// Lines found above the header (a title, a date) and not imported.
    pub title_lines: Vec<String>,
}

impl Layout {
    /// The separator as people call it.
    pub fn separator_name(&self) -> String {
        match self.separator {
            b';' => crate::tr!("« ; » (point-virgule)", "';' (semicolon)"),
            b',' => crate::tr!("« , » (virgule)", "',' (comma)"),
            b'\t' => crate::tr!("tabulation", "tab"),
            _ => crate::tr!("un séparateur particulier", "a custom separator"),
        }
    }
}

/// Rows with at least one problem.
fn bad_rows(problems: &[Problem]) -> usize {
    let mut lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
    lines.sort_unstable();
    lines.dedup();
    lines.len()
}
