//! People's names as lists write them in one cell, and logins made from names.

use crate::domain::parse::fold;

/// How a one-cell name is ordered when the letter case does not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameOrder {
    /// "Dupont Marie": French lists ("Nom et prénom").
    LastFirst,
    /// "Marie Dupont": "Full name", "Prénom Nom".
    FirstLast,
    /// A "Nom" column with no first-name column: split only when the case tells.
    CaseOnly,
}

/// Words that start a last name: "de LA FONTAINE", "van DAMME".
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "la", "le", "van", "von", "der", "den", "da", "di", "del", "dos",
    "ben", "el", "al", "mac", "mc", "st", "ste", "saint", "sainte",
];

/// Splits a one-cell name into (last name, first name). French lists write the last
/// name in capitals ("DUPONT Marie", "Marie DUPONT-MARTIN"); "Dupont, Marie" has
/// the last name first; otherwise `order` decides.
pub fn split_name(text: &str, order: NameOrder) -> (String, String) {
    let text = text.trim();
    if let Some((last, first)) = text.split_once(',') {
        return (squeeze(last), squeeze(first));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() < 2 {
        return (text.to_string(), String::new());
    }
    let capitals: Vec<usize> = (0..words.len()).filter(|&i| capital(words[i])).collect();
    if let (Some(&from), Some(&to), true) = (
        capitals.first(),
        capitals.last(),
        capitals.len() < words.len(),
    ) {
        let mut from = from;
        while from > 0 && PARTICLES.contains(&words[from - 1].to_lowercase().as_str()) {
            from -= 1;
        }
        let last = words[from..=to].join(" ");
        let first: Vec<&str> = words[..from]
            .iter()
            .chain(&words[to + 1..])
            .copied()
            .collect();
        return (last, first.join(" "));
    }
    match order {
        NameOrder::LastFirst => (words[0].to_string(), words[1..].join(" ")),
        NameOrder::FirstLast => (
            words[words.len() - 1].to_string(),
            words[..words.len() - 1].join(" "),
        ),
        NameOrder::CaseOnly => (words.join(" "), String::new()),
    }
}

/// A word written in capitals, as French lists write last names. One letter is an
/// initial ("M."), not a name.
fn capital(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| !c.is_lowercase())
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A login from a name: the first letter of the first name and the last name, in
/// plain lower-case letters ("Marie", "Dupont-Lefèvre" → "mdupontlefevre").
pub fn login_from(first: &str, last: &str) -> String {
    let mut login: String = plain(first).chars().take(1).collect();
    login.push_str(&plain(last));
    login
}

/// ASCII letters and digits only, lower case: accents dropped, ligatures spelt out.
fn plain(text: &str) -> String {
    let mut out = String::new();
    for c in fold(text).chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Letters that no accent removal turns into ASCII are spelt out in a login.
    #[test]
    fn special_letters_are_spelt_out() {
        assert_eq!(
            plain("Lœuillet Lætitia Strauß Søren Łukasz Đorđe"),
            "loeuilletlaetitiastrausssorenlukaszdorde"
        );
    }

    fn split(text: &str, order: NameOrder) -> (String, String) {
        split_name(text, order)
    }

    fn pair(last: &str, first: &str) -> (String, String) {
        (last.to_string(), first.to_string())
    }

    #[test]
    fn capitals_mark_the_last_name_whatever_the_order() {
        for order in [
            NameOrder::LastFirst,
            NameOrder::FirstLast,
            NameOrder::CaseOnly,
        ] {
            assert_eq!(split("DUPONT Marie", order), pair("DUPONT", "Marie"));
            assert_eq!(split("Marie DUPONT", order), pair("DUPONT", "Marie"));
            assert_eq!(
                split("LEFÈVRE Hélène Marie", order),
                pair("LEFÈVRE", "Hélène Marie")
            );
            assert_eq!(
                split("DE LA FONTAINE Jean-Pierre", order),
                pair("DE LA FONTAINE", "Jean-Pierre")
            );
            assert_eq!(
                split("Jean de LA FONTAINE", order),
                pair("de LA FONTAINE", "Jean")
            );
            assert_eq!(split("DUPONT M.", order), pair("DUPONT", "M."));
            assert_eq!(split("Dupont, Marie", order), pair("Dupont", "Marie"));
            assert_eq!(split("Dupont", order), pair("Dupont", ""));
        }
    }

    #[test]
    fn without_capitals_the_order_decides() {
        assert_eq!(
            split("Dupont Marie", NameOrder::LastFirst),
            pair("Dupont", "Marie")
        );
        assert_eq!(
            split("Marie Dupont", NameOrder::FirstLast),
            pair("Dupont", "Marie")
        );
        assert_eq!(
            split("Le Gall Anne", NameOrder::CaseOnly),
            pair("Le Gall Anne", "")
        );
        assert_eq!(
            split("MARTIN PAUL", NameOrder::LastFirst),
            pair("MARTIN", "PAUL")
        );
    }

    #[test]
    fn logins_are_plain_letters() {
        assert_eq!(login_from("Marie", "Dupont"), "mdupont");
        assert_eq!(login_from("Élodie", "Lefèvre-Nguyen"), "elefevrenguyen");
        assert_eq!(login_from("", "Lœuillet"), "loeuillet");
        assert_eq!(login_from("Jean", "D'Almeida"), "jdalmeida");
    }
}
