//! Cell values as spreadsheets and people write them: dates, phone numbers,
//! postcodes, household sizes, languages, roles, email addresses. Each error names
//! the value refused.

use chrono::{Datelike, NaiveDate};

use crate::domain::Role;
use crate::domain::parse::{self, fold};
use crate::domain::phone::Phone;

/// A birth date as dd/mm/yyyy or ISO, or the day number a spreadsheet writes when
/// the cell lost its date format (days since 30/12/1899).
pub fn birth_date(text: &str) -> Result<NaiveDate, String> {
    let date = spreadsheet_date(text)?;
    // A two-digit year of birth is of the last century: "05/06/28" is 1928, not 2028.
    let parts: Vec<&str> = text.trim().split(['/', '-', '.']).collect();
    let two_digit_year = parts.len() == 3
        && parts[0].len() != 4
        && parts[2]
            .split_whitespace()
            .next()
            .is_some_and(|y| y.len() == 2);
    if two_digit_year && date.year() >= 2000 {
        return date
            .with_year(date.year() - 100)
            .ok_or_else(|| crate::tr!("« {text} » n'est pas une date", "'{text}' is not a date"));
    }
    Ok(date)
}

/// A date as a spreadsheet writes it: text, or the number of days Excel counts.
fn spreadsheet_date(text: &str) -> Result<NaiveDate, String> {
    if text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit()) {
        let days: i64 = text
            .parse()
            .map_err(|_| crate::tr!("« {text} » n'est pas une date", "'{text}' is not a date"))?;
        let origin = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
        if days > 0 {
            return Ok(origin + chrono::Duration::days(days));
        }
    }
    parse::date(text)
}

/// The phone numbers in one cell: none, one, or several written together
/// ("01 23 45 67 89 / 06 12 34 56 78").
pub fn phones(text: &str) -> Result<[Option<Phone>; 2], String> {
    if text.is_empty() {
        return Ok([None, None]);
    }
    let whole = match Phone::parse(text) {
        Ok(p) => return Ok([Some(p), None]),
        Err(e) => e,
    };
    let parts: Vec<&str> = text
        .split(['/', ',', ';', '|', '&'])
        .flat_map(|p| p.split(" ou "))
        .flat_map(|p| p.split(" et "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [a, b] => match (Phone::parse(a), Phone::parse(b)) {
            (Ok(a), Ok(b)) => Ok([Some(a), Some(b)]),
            _ => Err(whole),
        },
        _ => Err(whole),
    }
}

/// A French postcode: five digits; a spreadsheet that took it for a number dropped
/// the leading zero of 01000-09999.
pub fn postcode(text: &str) -> Result<String, String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(crate::tr!(
            "« {text} » n'est pas un code postal (5 chiffres)",
            "'{text}' is not a postcode (5 digits)"
        ));
    }
    match digits.len() {
        0 | 5 => Ok(digits),
        4 => Ok(format!("0{digits}")),
        _ => Err(crate::tr!(
            "« {text} » n'est pas un code postal (5 chiffres)",
            "'{text}' is not a postcode (5 digits)"
        )),
    }
}

/// Whether a "lives alone" cell says the household is not known: a blank cell is read
/// before this, and these are the words spreadsheets and veille's own export put there.
pub fn household_unknown(text: &str) -> bool {
    matches!(
        parse::fold(text).as_str(),
        "inconnu" | "inconnue" | "unknown" | "nsp" | "nesaitpas" | "nonrenseigne" | ""
    ) || text.trim() == "?"
}

/// Lives alone from a household size: "1" is alone; also "seul(e)", "couple".
pub fn household_alone(text: &str) -> Result<bool, String> {
    if let Ok(n) = text.parse::<u32>()
        && n > 0
    {
        return Ok(n == 1);
    }
    match parse::fold(text).as_str() {
        "seul" | "seule" | "personneseule" | "alone" | "single" => Ok(true),
        "couple" | "famille" | "family" => Ok(false),
        _ => Err(crate::tr!(
            "« {text} » n'est pas un nombre de personnes au foyer",
            "'{text}' is not a number of people in the household"
        )),
    }
}

/// Language names in French and English, folded, with their codes.
const LANGUAGES: &[(&str, &[&str])] = &[
    ("fr", &["francais", "french", "fra", "fre"]),
    ("en", &["anglais", "english", "eng"]),
    ("ar", &["arabe", "arabic", "ara"]),
    ("es", &["espagnol", "spanish", "castillan", "spa"]),
    ("pt", &["portugais", "portuguese", "por"]),
    ("it", &["italien", "italian", "ita"]),
    ("de", &["allemand", "german", "deu", "ger"]),
    ("zh", &["chinois", "chinese", "mandarin", "zho", "chi"]),
    ("ru", &["russe", "russian", "rus"]),
    ("tr", &["turc", "turkish", "tur"]),
    ("vi", &["vietnamien", "vietnamese", "vie"]),
    ("pl", &["polonais", "polish", "pol"]),
    ("ro", &["roumain", "romanian", "ron", "rum"]),
    ("ta", &["tamoul", "tamil", "tam"]),
    ("wo", &["wolof", "wol"]),
    ("bm", &["bambara", "bam"]),
    ("kab", &["kabyle"]),
    ("ber", &["berbere", "berber", "amazigh", "tamazight"]),
    ("fa", &["persan", "farsi", "persian"]),
    ("hy", &["armenien", "armenian"]),
    ("sr", &["serbe", "serbian"]),
    ("el", &["grec", "greek"]),
    ("he", &["hebreu", "hebrew"]),
    ("ln", &["lingala"]),
    ("snk", &["soninke"]),
];

/// A language as a code ("fr", "ar"): from a name in French or English or a code.
/// "Français / arabe" keeps the first.
pub fn language(text: &str) -> Result<&'static str, String> {
    if text.is_empty() {
        return Ok("");
    }
    let first = text
        .split(['/', ',', ';', '+', '&'])
        .next()
        .unwrap_or(text)
        .split(" et ")
        .next()
        .unwrap_or(text);
    let key = parse::fold(first);
    LANGUAGES
        .iter()
        .find(|(code, names)| *code == key || names.contains(&key.as_str()))
        .map(|(code, _)| *code)
        .ok_or_else(|| {
            crate::tr!(
                "« {text} » n'est pas une langue que veille connaît (écrivez son nom, comme \
                 français ou arabe, ou son code, comme fr ou ar)",
                "'{text}' is not a language veille knows (write its name, like français or \
                 arabe, or its code, like fr or ar)"
            )
        })
}

/// A role as lists write it: opérateur, bénévole, salarié… are operators;
/// coordinateur, superviseur, responsable… are coordinators. Empty is an operator.
pub fn role(text: &str) -> Result<Role, String> {
    let key = fold(text);
    if key.is_empty() {
        return Ok(Role::Operator);
    }
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| key.starts_with(p));
    if starts(&[
        "operat", "benevol", "salari", "appel", "agent", "caller", "volunt", "staff", "employ",
    ]) {
        Ok(Role::Operator)
    } else if starts(&[
        "coordin", "supervis", "respons", "admin", "manag", "referent",
    ]) {
        Ok(Role::Coordinator)
    } else {
        Err(format!(
            "'{text}' is not a role (opérateur, bénévole, salarié, or coordinateur, superviseur)"
        ))
    }
}

pub fn is_email(text: &str) -> bool {
    !text.contains(char::is_whitespace)
        && text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-digit year of birth is of the last century; four digits are taken as they
    /// are, and a date written year first is not two-digit.
    #[test]
    fn two_digit_years_of_birth_are_of_the_last_century() {
        let born = |t: &str| birth_date(t).map(|d| d.format("%d/%m/%Y").to_string());
        assert_eq!(born("05/06/28").as_deref(), Ok("05/06/1928"));
        assert_eq!(born("05-06-28").as_deref(), Ok("05/06/1928"));
        assert_eq!(born("05/06/1928").as_deref(), Ok("05/06/1928"));
        assert_eq!(
            born("05/06/2028").as_deref(),
            Ok("05/06/2028"),
            "four digits kept"
        );
        assert_eq!(born("1928-06-05").as_deref(), Ok("05/06/1928"));
        // A day number with five digits or less is a spreadsheet's date; "0" is none.
        assert_eq!(born("10000").as_deref(), Ok("18/05/1927"));
        assert!(born("0").is_err());
    }

    #[test]
    fn households_in_words() {
        assert_eq!(household_alone("couple"), Ok(false));
        assert_eq!(household_alone("Famille"), Ok(false));
        assert_eq!(household_alone("seule"), Ok(true));
        assert_eq!(household_alone("2"), Ok(false));
        assert!(household_alone("beaucoup").is_err());
    }

    #[test]
    fn field_values_as_spreadsheets_write_them() {
        assert_eq!(
            birth_date("15069"),
            Ok(NaiveDate::from_ymd_opt(1941, 4, 3).unwrap())
        );
        assert_eq!(
            birth_date("1941-04-03"),
            Ok(NaiveDate::from_ymd_opt(1941, 4, 3).unwrap())
        );
        assert!(birth_date("0").is_err());
        assert_eq!(postcode("75 012"), Ok("75012".into()));
        assert_eq!(postcode(""), Ok(String::new()));
        assert!(postcode("75O12").is_err());
        assert_eq!(household_alone("1"), Ok(true));
        assert_eq!(household_alone("3"), Ok(false));
        assert_eq!(household_alone("Seul(e)"), Ok(true));
        assert!(household_alone("0").is_err());
        for unknown in ["", " ", "?", "Inconnu", "unknown", "NSP", "non renseigné"] {
            assert!(household_unknown(unknown), "{unknown}");
        }
        assert!(!household_unknown("non") && !household_unknown("X"));
        assert_eq!(language("Français"), Ok("fr"));
        assert_eq!(language("EN"), Ok("en"));
        assert_eq!(language("Arabe / français"), Ok("ar"));
        assert!(language("klingon").unwrap_err().contains("klingon"));
    }

    #[test]
    fn one_cell_may_hold_two_phone_numbers() {
        let canon =
            |text| phones(text).map(|found| found.map(|p| p.map(|p| p.as_str().to_string())));
        assert_eq!(canon(""), Ok([None, None]));
        assert_eq!(
            canon("01.99.00.00.01"),
            Ok([Some("0199000001".into()), None])
        );
        for two in [
            "01 99 00 00 01 / 06 39 98 00 01",
            "0199000001, +33 6 39 98 00 01",
            "01 99 00 00 01 ou 06 39 98 00 01",
        ] {
            assert_eq!(
                canon(two),
                Ok([Some("0199000001".into()), Some("0639980001".into())]),
                "{two}"
            );
        }
        assert!(
            canon("01 99 00 00 01 / 12")
                .unwrap_err()
                .contains("01 99 00 00 01 / 12")
        );
    }

    #[test]
    fn roles_as_people_write_them() {
        for (text, role_) in [
            ("opérateur", Role::Operator),
            ("Bénévole", Role::Operator),
            ("salariée", Role::Operator),
            ("", Role::Operator),
            ("Coordinateur(trice)", Role::Coordinator),
            ("SUPERVISEUR", Role::Coordinator),
            ("coordinator", Role::Coordinator),
        ] {
            assert_eq!(role(text), Ok(role_), "{text}");
        }
        assert!(role("chef").unwrap_err().contains("chef"));
    }
}
