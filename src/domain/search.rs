//! Finding a tenant from what an operator types: part of a name (accents or not), a
//! phone number in any format, part of an address, or the landlord's reference.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use super::parse::fold_keep_spaces;

/// What the index needs to know of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchRow {
    pub tenant_id: i64,
    pub reference: String,
    pub last_name: String,
    pub first_name: String,
    /// Canonical phones (`0123456789` or `+32…`).
    pub phones: Vec<String>,
    pub address: String,
    pub postcode: String,
    pub city: String,
}

struct Item {
    tenant_id: i64,
    /// Name, address and reference folded to lower-case ASCII: stored compactly and
    /// compared without accents ("helene" finds "Hélène").
    haystack: Utf32String,
    /// Phone digits, for numbers typed in any format.
    phones: Box<[Box<str>]>,
    reference: Box<str>,
}

/// All tenants, ready to be searched at every keystroke.
pub struct TenantIndex {
    items: Vec<Item>,
    matcher: Matcher,
    /// The last query and every item it matched. Typing one more character can only
    /// narrow a fuzzy or digit match, so the next keystroke searches these alone.
    last: Option<(Mode, Vec<u32>)>,
}

/// What a query searches: phone digits (and references), or folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Digits(String),
    Text(String),
}

impl Mode {
    fn of(query: &str) -> Mode {
        match phone_digits(query) {
            Some(d) => Mode::Digits(d),
            None => Mode::Text(fold_keep_spaces(query)),
        }
    }

    /// Whether every match of `self` is also a match of `earlier`.
    fn narrows(&self, earlier: &Mode) -> bool {
        match (self, earlier) {
            (Mode::Digits(now), Mode::Digits(before)) | (Mode::Text(now), Mode::Text(before)) => {
                now.starts_with(before.as_str())
            }
            _ => false,
        }
    }
}

/// One result: the tenant and how well they matched (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub tenant_id: i64,
    pub score: u32,
}

impl TenantIndex {
    pub fn new(rows: impl IntoIterator<Item = SearchRow>) -> TenantIndex {
        let mut index = TenantIndex::empty();
        for r in rows {
            index.push(&r);
        }
        index
    }

    pub fn empty() -> TenantIndex {
        TenantIndex {
            items: Vec::new(),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        }
    }

    /// Adds a tenant. Only the folded text, phone digits and reference are kept, so the
    /// rows can be streamed from the database without being held.
    pub fn push(&mut self, r: &SearchRow) {
        let text = format!(
            "{} {} {} {} {} {}",
            r.last_name, r.first_name, r.address, r.postcode, r.city, r.reference
        );
        self.items.push(Item {
            tenant_id: r.tenant_id,
            haystack: Utf32String::from(fold_keep_spaces(&text).as_str()),
            phones: r
                .phones
                .iter()
                .map(|p| digits(p).into_boxed_str())
                .collect(),
            reference: fold_keep_spaces(&r.reference).into_boxed_str(),
        });
        self.last = None;
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The best `limit` matches for `query`, best first.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            self.last = None;
            return Vec::new();
        }
        let mode = Mode::of(query);
        let all = 0..self.items.len() as u32;
        let candidates: Vec<u32> = match self.last.take() {
            Some((before, matched)) if mode.narrows(&before) => matched,
            _ => all.collect(),
        };
        let mut matched = Vec::new();
        let mut hits = Vec::new();
        match &mode {
            Mode::Digits(wanted) => {
                for n in candidates {
                    let i = &self.items[n as usize];
                    let whole = i.phones.iter().any(|p| **p == **wanted);
                    if whole
                        || i.phones.iter().any(|p| p.contains(wanted.as_str()))
                        || i.reference.contains(wanted.as_str())
                    {
                        matched.push(n);
                        // A whole number beats a part of one.
                        hits.push(Hit {
                            tenant_id: i.tenant_id,
                            score: if whole { 1000 } else { 500 },
                        });
                    }
                }
            }
            Mode::Text(folded) => {
                let pattern = Pattern::new(
                    folded,
                    CaseMatching::Ignore,
                    Normalization::Never,
                    AtomKind::Fuzzy,
                );
                for n in candidates {
                    let i = &self.items[n as usize];
                    if let Some(score) = pattern.score(i.haystack.slice(..), &mut self.matcher) {
                        matched.push(n);
                        hits.push(Hit {
                            tenant_id: i.tenant_id,
                            score,
                        });
                    }
                }
            }
        }
        self.last = Some((mode, matched));
        // Best first; among equals, the order of the index (by name) holds.
        hits.sort_by_key(|h| std::cmp::Reverse(h.score));
        hits.truncate(limit);
        hits
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The national digits of a query that looks like (part of) a phone number: at least
/// four digits and nothing but digits and separators. "+33 6 39…" and "0033…" become "06 39…".
fn phone_digits(query: &str) -> Option<String> {
    let only_phone_chars = query
        .chars()
        .all(|c| c.is_ascii_digit() || " .-+()/".contains(c));
    let d = digits(query);
    if !only_phone_chars || d.len() < 4 {
        return None;
    }
    let international = query.trim_start().starts_with('+') || d.starts_with("00");
    let d = d.strip_prefix("00").map(str::to_string).unwrap_or(d);
    Some(match d.strip_prefix("33") {
        Some(rest) if international => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
        _ => d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TenantIndex {
        let row =
            |id, last: &str, first: &str, phone: &str, address: &str, postcode: &str| SearchRow {
                tenant_id: id,
                reference: format!("LOC-{id:05}"),
                last_name: last.into(),
                first_name: first.into(),
                phones: vec![phone.into()],
                address: address.into(),
                postcode: postcode.into(),
                city: "Paris".into(),
            };
        TenantIndex::new([
            row(
                1,
                "Lefèvre",
                "Hélène",
                "0199001234",
                "12 rue des Lilas",
                "75019",
            ),
            row(
                2,
                "Dupont",
                "Marie",
                "0639981234",
                "4 avenue Jean Jaurès",
                "75019",
            ),
            row(
                3,
                "Nguyen",
                "Thi Hoa",
                "0199005678",
                "30 boulevard de Belleville",
                "75020",
            ),
            row(
                4,
                "Lefebvre",
                "Jean",
                "0199009999",
                "7 rue des Pyrénées",
                "75020",
            ),
        ])
    }

    fn ids(hits: Vec<Hit>) -> Vec<i64> {
        hits.into_iter().map(|h| h.tenant_id).collect()
    }

    #[test]
    fn names_with_or_without_accents() {
        let mut i = index();
        assert_eq!(ids(i.search("helene", 5)), vec![1]);
        assert_eq!(ids(i.search("Hélène", 5)), vec![1]);
        assert_eq!(ids(i.search("HELENE LEFEVRE", 5)), vec![1]);
        assert_eq!(
            ids(i.search("lefevre", 5))[0],
            1,
            "the exact spelling first"
        );
        assert!(ids(i.search("lefe", 5)).contains(&4));
        assert_eq!(ids(i.search("jaures", 5))[0], 2);
    }

    #[test]
    fn phones_in_any_format() {
        let mut i = index();
        for q in [
            "06 39 98 12 34",
            "0639981234",
            "06.39.98.12.34",
            "+33 6 39 98 12 34",
            "+33639981234",
            "0033639981234",
            "9812",
        ] {
            assert_eq!(ids(i.search(q, 5)), vec![2], "{q}");
        }
        // A partial number shared by several tenants finds them all.
        assert_eq!(ids(i.search("01 99 00", 5)).len(), 3);
    }

    #[test]
    fn partial_addresses_and_references() {
        let mut i = index();
        assert_eq!(ids(i.search("rue des lilas", 5))[0], 1);
        assert_eq!(ids(i.search("belleville 75020", 5)), vec![3]);
        assert_eq!(ids(i.search("pyrenees", 5)), vec![4]);
        assert_eq!(ids(i.search("LOC-00003", 5))[0], 3);
        assert_eq!(ids(i.search("00003", 5)), vec![3]);
    }

    #[test]
    fn typing_narrows_and_backspace_widens_again() {
        let mut i = index();
        let typed: Vec<Vec<i64>> = ["l", "le", "lef", "lefe", "lefev", "lefe", "lef"]
            .iter()
            .map(|q| {
                let mut v = ids(i.search(q, 10));
                v.sort();
                v
            })
            .collect();
        // The same results as a fresh index gives for each query.
        for (q, got) in ["l", "le", "lef", "lefe", "lefev", "lefe", "lef"]
            .iter()
            .zip(&typed)
        {
            let mut fresh = ids(index().search(q, 10));
            fresh.sort();
            assert_eq!(&fresh, got, "{q}");
        }
        assert!(typed[4].contains(&1), "lefev");
        assert!(typed[6].contains(&4), "backspace brings Lefebvre back");
        // Switching from a name to a number starts afresh.
        assert_eq!(ids(i.search("0639", 5)), vec![2]);
    }

    #[test]
    fn nothing_for_nothing() {
        let mut i = index();
        assert!(i.search("   ", 5).is_empty());
        assert!(i.search("zzzzqx", 5).is_empty());
    }
}
