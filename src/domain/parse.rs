//! Field parsers for what people type or spreadsheets write: dates, times, yes/no.
//! Every error names the value that was refused.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A date as `dd/mm/yyyy` (also `-` or `.` separators, `d/m/yyyy`, a two-digit year
/// read as 19xx or 20xx, and a trailing time that spreadsheets add) or ISO `yyyy-mm-dd`.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let t = t.split_whitespace().next().unwrap_or("");
    let t = t.split('T').next().unwrap_or("");
    let refused = || {
        let text = text.trim();
        crate::tr!(
            "« {text} » n'est pas une date (attendu jj/mm/aaaa)",
            "'{text}' is not a date (expected dd/mm/yyyy)"
        )
    };
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(refused());
    }
    let num = |s: &str| s.parse::<i32>().map_err(|_| refused());
    let (y, m, d) = if parts[0].len() == 4 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else {
        let y = num(parts[2])?;
        let y = match parts[2].len() {
            4 => y,
            // 41 → 1941, 05 → 2005: the tenants are adults, dates of calls recent.
            2 => {
                if y > 30 {
                    1900 + y
                } else {
                    2000 + y
                }
            }
            _ => return Err(refused()),
        };
        (y, num(parts[1])?, num(parts[0])?)
    };
    NaiveDate::from_ymd_opt(y, m as u32, d as u32).ok_or_else(refused)
}

/// A time of day as `14:30`, `14h30`, `14h`, `9:05`.
pub fn time(text: &str) -> Result<NaiveTime, String> {
    let t = text.trim().to_lowercase().replace('h', ":");
    let refused = || format!("'{}' is not a time (expected hh:mm)", text.trim());
    let (h, m) = match t.split_once(':') {
        Some((h, "")) => (h, "0"),
        Some((h, m)) => (h, m),
        None => (t.as_str(), "0"),
    };
    let h: u32 = h.trim().parse().map_err(|_| refused())?;
    let m: u32 = m.trim().parse().map_err(|_| refused())?;
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(refused)
}

/// A date and time as `dd/mm/yyyy hh:mm` or ISO `yyyy-mm-ddThh:mm`.
pub fn date_time(text: &str) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    let refused = || {
        crate::tr!(
            "« {t} » n'est pas une date et une heure (attendu jj/mm/aaaa hh:mm)",
            "'{t}' is not a date and time (expected dd/mm/yyyy hh:mm)"
        )
    };
    let (d, tm) = t.split_once(['T', ' ']).ok_or_else(refused)?;
    Ok(date(d)
        .map_err(|_| refused())?
        .and_time(time(tm).map_err(|_| refused())?))
}

/// Yes/no as spreadsheets write it: oui/non, yes/no, o/n, y/n, x/empty, 1/0, vrai/faux.
pub fn yes_no(text: &str) -> Result<bool, String> {
    match crate::domain::parse::fold(text).as_str() {
        "oui" | "o" | "yes" | "y" | "x" | "1" | "vrai" | "true" | "seul" | "seule" => Ok(true),
        "non" | "n" | "no" | "0" | "faux" | "false" | "" => Ok(false),
        _ => Err(format!("'{}' is not yes or no (oui/non)", text.trim())),
    }
}

/// Lower case, accents removed, punctuation and spaces dropped: how header names and
/// free values are compared ("Date de naissance" → "datedenaissance", "Prénom" → "prenom").
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Lower case, accents removed, punctuation turned into spaces, letters and digits kept:
/// text folded for searching ("Hélène LEFÈVRE, 12 rue" → "helene lefevre 12 rue").
pub fn fold_keep_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if let Some(l) = fold_letter(c) {
                out.push_str(l);
            } else {
                out.extend(c.to_lowercase());
            }
        } else if !unicode_normalization::char::is_combining_mark(c) && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for c in text.chars() {
        // Most of a French name or address is ASCII: only the rest is decomposed
        // ("é" → "e" + accent, and the accent is dropped).
        if c.is_ascii() {
            push(c, &mut out);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| push(d, &mut out));
        }
    }
    out.trim().to_string()
}

/// Letters that do not decompose into a base letter and an accent.
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_french_and_iso_forms() {
        assert_eq!(date("03/04/1941"), Ok(d(1941, 4, 3)));
        assert_eq!(date("3/4/1941"), Ok(d(1941, 4, 3)));
        assert_eq!(date("03-04-1941"), Ok(d(1941, 4, 3)));
        assert_eq!(date("03.04.1941"), Ok(d(1941, 4, 3)));
        assert_eq!(date("03/04/41"), Ok(d(1941, 4, 3)));
        assert_eq!(date("1941-04-03"), Ok(d(1941, 4, 3)));
        assert_eq!(date("03/04/1941 00:00:00"), Ok(d(1941, 4, 3)));
        assert_eq!(date(" 1941-04-03T00:00:00 "), Ok(d(1941, 4, 3)));
    }

    #[test]
    fn two_digit_years_up_to_30_are_this_century() {
        assert_eq!(date("28/11/26"), Ok(d(2026, 11, 28)));
        assert_eq!(date("01/01/00"), Ok(d(2000, 1, 1)));
        assert_eq!(date("31/12/30"), Ok(d(2030, 12, 31)));
        assert_eq!(date("01/01/31"), Ok(d(1931, 1, 1)));
        assert_eq!(date("15/06/99"), Ok(d(1999, 6, 15)));
        assert_eq!(
            date_time("28/11/26 14:30"),
            Ok(d(2026, 11, 28).and_hms_opt(14, 30, 0).unwrap())
        );
    }

    #[test]
    fn impossible_dates_are_refused_and_named() {
        for bad in [
            "31/02/1941",
            "1941",
            "03/04",
            "aa/bb/cccc",
            "",
            "13/13/2020",
            "3/4/194",
            "+3/04/1941",
            "03/+4/1941",
            "03//1941",
        ] {
            let err = date(bad).unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            time("14:30"),
            Ok(NaiveTime::from_hms_opt(14, 30, 0).unwrap())
        );
        assert_eq!(
            time("14h30"),
            Ok(NaiveTime::from_hms_opt(14, 30, 0).unwrap())
        );
        assert_eq!(time("9h"), Ok(NaiveTime::from_hms_opt(9, 0, 0).unwrap()));
        assert!(time("25:00").is_err());
        assert!(time("noon").is_err());
    }

    #[test]
    fn date_times() {
        assert_eq!(
            date_time("28/11/2026 14:30"),
            Ok(d(2026, 11, 28).and_hms_opt(14, 30, 0).unwrap())
        );
        assert_eq!(
            date_time("2026-11-28T14:30"),
            Ok(d(2026, 11, 28).and_hms_opt(14, 30, 0).unwrap())
        );
        assert!(date_time("28/11/2026").is_err());
    }

    #[test]
    fn yes_no_as_spreadsheets_write_it() {
        for y in ["oui", "OUI", "Oui ", "x", "1", "yes", "Vrai", "seule"] {
            assert_eq!(yes_no(y), Ok(true), "{y}");
        }
        for n in ["non", "NON", "", "0", "no", "faux"] {
            assert_eq!(yes_no(n), Ok(false), "{n}");
        }
        assert!(yes_no("peut-être").unwrap_err().contains("peut-être"));
    }

    #[test]
    fn fold_keep_spaces_for_search() {
        assert_eq!(
            fold_keep_spaces("Hélène LEFÈVRE, 12 rue"),
            "helene lefevre 12 rue"
        );
        assert_eq!(fold_keep_spaces("Œuvre d'Ève"), "oeuvre d eve");
        assert_eq!(fold_keep_spaces("  "), "");
    }

    #[test]
    fn letters_without_an_accent_to_drop_are_spelled_out() {
        assert_eq!(
            fold_keep_spaces("Cœur Lætitia Straße Øster Łódź"),
            "coeur laetitia strasse oster lodz"
        );
        assert_eq!(fold_keep_spaces("ŒIL ÆON ØRE ŁAD"), "oeil aeon ore lad");
    }

    #[test]
    fn fold_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("Date de naissance"), "datedenaissance");
        assert_eq!(fold("PRÉNOM"), "prenom");
        assert_eq!(fold("Code d'accès"), "codedacces");
        assert_eq!(fold("N° appt."), "nappt");
    }
}
