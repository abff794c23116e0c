//! Tenants and the people who call them.

use super::call::coded_enum;

coded_enum! {
    /// Where a tenant stands in the program. Only `Active` tenants (and paused or
    /// hospitalised ones whose date has passed) are in the queue.
    TenantStatus {
        Active = "active",
        Paused = "paused",
        Hospitalised = "hospitalised",
        Moved = "moved",
        Deceased = "deceased",
        Refuses = "refuses",
    }
}

// Written by hand: `coded_enum!` declares the variants and takes no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for TenantStatus {
    fn default() -> Self {
        TenantStatus::Active
    }
}

coded_enum! {
    /// What a person may do in veille.
    Role {
        Operator = "operator",
        Coordinator = "coordinator",
    }
}

/// A tenant's name as a coordinator corrects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantName<'a> {
    pub title: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
}

/// The longest part of a name kept: longer is a paste gone wrong.
pub const NAME_CHARS: usize = 100;

/// Why a corrected name cannot be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    EmptyLastName,
    /// A control character (an escape sequence pasted in) in this part.
    ControlCharacter(&'static str),
    /// This part is longer than `NAME_CHARS`.
    TooLong(&'static str),
}

impl NameProblem {
    /// The key of its text in `assets/i18n`, for the screens.
    pub fn key(self) -> &'static str {
        match self {
            NameProblem::EmptyLastName => "name.empty",
            NameProblem::ControlCharacter(_) => "name.control",
            NameProblem::TooLong(_) => "name.too_long",
        }
    }
}

impl std::fmt::Display for NameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameProblem::EmptyLastName => write!(f, "the last name cannot be empty"),
            NameProblem::ControlCharacter(part) => {
                write!(f, "the {part} holds a control character")
            }
            NameProblem::TooLong(part) => {
                write!(f, "the {part} is longer than {NAME_CHARS} characters")
            }
        }
    }
}

impl TenantName<'_> {
    /// The name trimmed, or why it cannot be a name: an empty last name, a control
    /// character, a part longer than `NAME_CHARS`.
    pub fn checked(&self) -> Result<TenantName<'_>, NameProblem> {
        let name = TenantName {
            title: self.title.trim(),
            last_name: self.last_name.trim(),
            first_name: self.first_name.trim(),
        };
        if name.last_name.is_empty() {
            return Err(NameProblem::EmptyLastName);
        }
        for (part, text) in [
            ("title", name.title),
            ("last name", name.last_name),
            ("first name", name.first_name),
        ] {
            if text.chars().any(char::is_control) {
                return Err(NameProblem::ControlCharacter(part));
            }
            if text.chars().count() > NAME_CHARS {
                return Err(NameProblem::TooLong(part));
            }
        }
        Ok(name)
    }
}

/// Age in whole years on `today`.
pub fn age_on(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> Option<u32> {
    today.years_since(birth)
}

/// A landlord's reference as compared: without spaces and in capitals, so that "x-1",
/// "X-1" and "X 1" are one tenant. Capitals as SQLite's `upper` makes them (ASCII), so
/// that the index on the same expression finds it (schema version 13).
pub fn reference_key(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The same comparison in SQL, on a column of references.
pub const REFERENCE_KEY_SQL: &str = "upper(replace(external_ref, ' ', ''))";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn age_counts_whole_years_from_the_birthday() {
        assert_eq!(age_on(d("1941-04-03"), d("2026-04-02")), Some(84));
        assert_eq!(age_on(d("1941-04-03"), d("2026-04-03")), Some(85));
        assert_eq!(age_on(d("2026-11-28"), d("2026-11-28")), Some(0));
        assert_eq!(
            age_on(d("2026-11-29"), d("2026-11-28")),
            None,
            "born tomorrow"
        );
    }

    #[test]
    fn a_corrected_name_is_trimmed_and_checked() {
        fn name(last: &str) -> TenantName<'_> {
            TenantName {
                title: " Mme ",
                last_name: last,
                first_name: "Thi ",
            }
        }
        let n = name("  Nguyễn ");
        assert_eq!(
            n.checked(),
            Ok(TenantName {
                title: "Mme",
                last_name: "Nguyễn",
                first_name: "Thi"
            })
        );
        assert!(name("  ").checked().is_err());
        assert!(name("Nguy\u{1b}[2Jn").checked().is_err());
        let long = "x".repeat(NAME_CHARS + 1);
        assert_eq!(
            name(&long).checked(),
            Err(NameProblem::TooLong("last name"))
        );
        assert!(
            name(&long)
                .checked()
                .unwrap_err()
                .to_string()
                .contains("100")
        );
        assert!(name(&"y".repeat(NAME_CHARS)).checked().is_ok());
    }
}
