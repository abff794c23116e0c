//! French phone numbers as people type them.
//!
//! The check is structural (ten digits starting with 0, or an international number)
//! rather than against the allocation tables of a numbering library: those tables
//! reject the ranges the regulator reserves for fiction (used by the demo) and lag
//! behind new allocations, and a tenant's real number must never be refused for that.

/// A phone number kept in one canonical form: ten national digits for France
/// (overseas departments included: 0262…, 0590…), `+` and digits otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

/// Country codes that are French numbering-plan areas, written nationally with a 0.
const FRENCH_CODES: &[&str] = &[
    "33", "262", "590", "594", "596", "269", "508", "681", "687", "689",
];

impl Phone {
    /// Reads a number written in any common form: `01 23 45 67 89`, `01.23.45.67.89`,
    /// `+33 1 23 45 67 89`, `+33 (0)1 23 45 67 89`, `0033123456789`, `0123456789`, and
    /// `123456789` (a spreadsheet that dropped the leading zero).
    pub fn parse(text: &str) -> Result<Phone, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("empty phone number".into());
        }
        let mut plus = false;
        let mut digits = String::new();
        for (i, ch) in trimmed.chars().enumerate() {
            match ch {
                '0'..='9' => digits.push(ch),
                '+' if i == 0 => plus = true,
                ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' | '\u{202f}' | '_' => {}
                _ => return Err(format!("'{trimmed}' is not a phone number")),
            }
        }
        // "+33 (0)1 …": the national 0 written inside brackets.
        let digits = if trimmed.contains("(0)") {
            digits.replacen("330", "33", 1)
        } else {
            digits
        };
        let international = if plus {
            Some(digits.as_str())
        } else {
            digits.strip_prefix("00")
        };
        let national = match international {
            Some(rest) => {
                match FRENCH_CODES.iter().find(|c| rest.starts_with(**c)) {
                    Some(&"33") => format!("0{}", &rest[2..]),
                    // Overseas: +262 262 12 34 56 is 0262 12 34 56 nationally.
                    Some(_) if rest.len() == 12 => format!("0{}", &rest[3..]),
                    _ => {
                        if !(10..=15).contains(&rest.len()) {
                            return Err(format!("'{trimmed}' is not a phone number"));
                        }
                        return Ok(Phone(format!("+{rest}")));
                    }
                }
            }
            None if digits.len() == 9 && !digits.starts_with('0') => format!("0{digits}"),
            None => digits,
        };
        if national.len() != 10 || !national.starts_with('0') || national.as_bytes()[1] == b'0' {
            return Err(crate::tr!(
                "« {trimmed} » n'est pas un numéro français (10 chiffres commençant par 0)",
                "'{trimmed}' is not a French phone number (10 digits starting with 0)"
            ));
        }
        Ok(Phone(national))
    }

    /// The canonical form stored in the database.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Rebuilds a phone from its stored canonical form.
    pub fn from_stored(stored: &str) -> Phone {
        Phone(stored.to_string())
    }

    /// How an operator reads it to dial: `01 23 45 67 89`.
    pub fn display(&self) -> String {
        if self.0.len() == 10 && self.0.starts_with('0') {
            let b = self.0.as_bytes();
            b.chunks(2)
                .map(|p| std::str::from_utf8(p).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            self.0.clone()
        }
    }
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Phone::parse(s).map_or_else(|e| e, |p| p.as_str().to_string())
    }

    #[test]
    fn common_french_forms_agree() {
        for form in [
            "01 23 45 67 89",
            "01.23.45.67.89",
            "01-23-45-67-89",
            "0123456789",
            "+33 1 23 45 67 89",
            "+33 (0)1 23 45 67 89",
            "+33123456789",
            "0033 1 23 45 67 89",
            "123456789",
            " 01 23 45 67 89\u{a0}",
        ] {
            assert_eq!(canon(form), "0123456789", "{form}");
        }
    }

    #[test]
    fn overseas_and_fiction_ranges_are_accepted() {
        assert_eq!(canon("0262 12 34 56"), "0262123456");
        assert_eq!(canon("+262 262 12 34 56"), "0262123456");
        assert_eq!(canon("+590 690 12 34 56"), "0690123456");
        assert_eq!(canon("01 99 00 12 34"), "0199001234");
        assert_eq!(canon("06 39 98 12 34"), "0639981234");
    }

    #[test]
    fn foreign_numbers_stay_international() {
        assert_eq!(canon("+32 2 123 45 67"), "+3221234567");
    }

    #[test]
    fn short_overseas_plans_stay_international() {
        // French Polynesia has eight-digit numbers and no national 0: eleven digits
        // with its code, kept as dialled from abroad.
        assert_eq!(canon("+689 40 12 34 56"), "+68940123456");
        assert_eq!(canon("00 689 40 12 34 56"), "+68940123456");
    }

    #[test]
    fn ten_digits_are_french_only_with_a_leading_0_then_not_0() {
        for bad in [
            "1234567890",
            "9912345678",
            "+33 0 12 34 56 78",
            "012345678",
            "01234567890",
        ] {
            let err = Phone::parse(bad).unwrap_err();
            assert!(err.contains("not a French phone number"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_plus_only_opens_an_international_number() {
        for bad in ["01 23 + 45 67 89", "0123456789+", "++33 1 23 45 67 89"] {
            let err = Phone::parse(bad).unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_the_value_named() {
        for bad in [
            "",
            "12 34",
            "01 23 45 67 89 00",
            "abc",
            "00 12 34 56 78",
            "+33 1 23",
        ] {
            let err = Phone::parse(bad).unwrap_err();
            assert!(bad.is_empty() || err.contains(bad.trim()), "{bad}: {err}");
        }
    }

    #[test]
    fn shown_as_read_to_dial_and_stored_values_as_they_are() {
        let french = Phone::parse("0639981234").unwrap();
        assert_eq!(french.to_string(), "06 39 98 12 34");
        let foreign = Phone::parse("+32 2 123 45 67").unwrap();
        assert_eq!(foreign.to_string(), "+3221234567");
        // A stored value is shown as it is unless it is ten national digits.
        assert_eq!(Phone::from_stored("0639981234"), french);
        assert_eq!(Phone::from_stored("0262").display(), "0262");
        assert_eq!(Phone::from_stored("1234567890").display(), "1234567890");
    }

    #[test]
    fn displayed_in_pairs() {
        assert_eq!(
            Phone::parse("+33639981234").unwrap().display(),
            "06 39 98 12 34"
        );
    }
}
