//! Finding a tenant from what an operator types: part of a name (accents or not), a
//! phone number in any format, part of an address, or the landlord's reference.
//!
//! The index is kept small because every operator process holds one: about 15 bytes
//! a tenant at 100,000 tenants (numbers into the distinct last names, first names and
//! homes, which many tenants share; a French phone in 32 bits; the reference, written
//! as what changed from the one before). And it is fast because a query's words are
//! scored once per distinct text, not once per tenant, each tenant then adding up the
//! scores of its texts; and a word is looked for from the start of a word only.

mod column;
mod digits;
mod references;
mod set;
mod texts;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use self::column::Column;
use self::digits::PackedDigits;
use self::references::References;
use self::set::EntrySet;
use self::texts::Texts;
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

/// The tenants of the index, one row each: numbers into the distinct texts, and the
/// first phone. Eight bytes a tenant at 100,000 tenants.
#[derive(Default)]
struct Entries {
    last_name: Column,
    first_name: Column,
    /// Address, postcode and city.
    home: Column,
    /// The first phone (see `Phones`).
    phone: Vec<u32>,
}

/// Phones in 32 bits: a French number as its last nine digits (see
/// `PackedDigits::national`), another as `FOREIGN` and its place among `foreign`, or
/// `NO_PHONE`.
#[derive(Default)]
struct Phones {
    /// Phones after the first (one tenant in four has a second one): entry, phone.
    others: Vec<(u32, u32)>,
    foreign: Vec<PackedDigits>,
}

const NO_PHONE: u32 = u32::MAX;
const FOREIGN: u32 = 1 << 31;

impl Phones {
    fn add(&mut self, phone: PackedDigits) -> u32 {
        match phone.national() {
            Some(nine) => nine,
            None => {
                self.foreign.push(phone);
                FOREIGN | (self.foreign.len() - 1) as u32
            }
        }
    }

    fn digits(&self, phone: u32) -> Option<PackedDigits> {
        match phone {
            NO_PHONE => None,
            p if p & FOREIGN != 0 => self.foreign.get((p & !FOREIGN) as usize).copied(),
            nine => Some(PackedDigits::from_national(nine)),
        }
    }
}

/// All tenants, ready to be searched at every keystroke.
pub struct TenantIndex {
    /// In the order pushed (by id).
    entries: Entries,
    /// Runs of consecutive tenant ids: (first entry, its tenant id). Ids come in order
    /// with few gaps, so this holds a few hundred pairs rather than an id per tenant.
    id_runs: Vec<(u32, i64)>,
    last_names: Texts,
    first_names: Texts,
    homes: Texts,
    /// Where each last and first name comes in alphabetical order, so that among equal
    /// scores tenants are shown by name; made when the index is ready.
    name_ranks: (Vec<u32>, Vec<u32>),
    /// Each entry's folded reference, in entry order.
    references: References,
    phones: Phones,
    matcher: Matcher,
    /// The last query and every entry it matched. Typing one more character can only
    /// narrow a fuzzy or digit match, so the next keystroke searches these alone.
    last: Option<(Mode, EntrySet)>,
    /// The words of the last text query and their scores, reused while they stay.
    words: Vec<WordScores>,
}

/// The index cannot take more tenants: 4 GiB of distinct names or addresses, or four
/// billion tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many tenants for the search index")]
pub struct IndexFull;

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

/// Whether a word of `text` starts with the first letter of `word` and the other
/// letters follow in order: how an operator types a name or a street, from its start,
/// perhaps missing a letter. A letter found anywhere would match nearly everyone
/// ("ees" is in most addresses), and could not be checked this fast.
fn found_from_a_word_start(text: &str, word: &Word) -> bool {
    match &word.bytes {
        Some(bytes) if text.is_ascii() => from_a_word_start(text.bytes(), bytes, b' '),
        _ => from_a_word_start(text.chars(), &word.chars, ' '),
    }
}

fn from_a_word_start<T: Copy + PartialEq>(
    text: impl IntoIterator<Item = T>,
    word: &[T],
    space: T,
) -> bool {
    let Some((&first, rest)) = word.split_first() else {
        return true;
    };
    let mut text = text.into_iter();
    // The first word starting with that letter leaves the most room for the rest.
    let mut word_start = true;
    for c in text.by_ref() {
        if word_start && c == first {
            let mut rest = rest.iter();
            let mut wanted = rest.next();
            for c in text {
                match wanted {
                    None => break,
                    Some(&w) if w == c => wanted = rest.next(),
                    Some(_) => {}
                }
            }
            return wanted.is_none();
        }
        word_start = c == space;
    }
    false
}

/// A query word, as characters, and as bytes when it is ASCII (nearly always).
struct Word {
    chars: Vec<char>,
    bytes: Option<Vec<u8>>,
}

impl Word {
    fn new(word: &str) -> Word {
        Word {
            chars: word.chars().collect(),
            bytes: word.is_ascii().then(|| word.bytes().collect()),
        }
    }
}

/// Words shorter than this score the same wherever they are found (as much as the
/// word found whole): scoring one or two letters against every text would cost the
/// most and tell the least.
const SHORT: usize = 3;

/// How well one word of a text query matches each distinct text (0: not at all).
struct WordScores {
    word: String,
    last_names: Vec<u16>,
    first_names: Vec<u16>,
    homes: Vec<u16>,
    /// Entries with a word of their reference starting with the word, and what that
    /// scores: as much as the word found whole, since a reference is typed exactly.
    references: EntrySet,
    reference_score: u16,
}

impl TenantIndex {
    #[cfg(test)]
    fn new(rows: impl IntoIterator<Item = SearchRow>) -> TenantIndex {
        let mut index = TenantIndex::empty();
        for r in rows {
            index.push(&r).unwrap();
        }
        index
    }

    pub fn empty() -> TenantIndex {
        TenantIndex {
            entries: Entries::default(),
            id_runs: Vec::new(),
            last_names: Texts::default(),
            first_names: Texts::default(),
            homes: Texts::default(),
            name_ranks: (Vec::new(), Vec::new()),
            references: References::default(),
            phones: Phones::default(),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
            words: Vec::new(),
        }
    }

    /// Adds a tenant; tenants are best pushed by id (see `id_runs`). Only what is
    /// searched is kept, so the rows can be streamed from the database.
    pub fn push(&mut self, r: &SearchRow) -> Result<(), IndexFull> {
        let n = u32::try_from(self.len()).map_err(|_| IndexFull)?;
        let home = format!("{} {} {}", r.address, r.postcode, r.city);
        let last_name = self.last_names.intern(&fold_keep_spaces(&r.last_name));
        let first_name = self.first_names.intern(&fold_keep_spaces(&r.first_name));
        let home = self.homes.intern(&fold_keep_spaces(&home));
        let (Some(last_name), Some(first_name), Some(home)) = (last_name, first_name, home) else {
            return Err(IndexFull);
        };
        // Stored phones have at most 15 digits; a longer one cannot be a number.
        let mut phone = NO_PHONE;
        let numbers = r.phones.iter().filter_map(|p| PackedDigits::new(p));
        for digits in numbers.filter(|d| !d.is_empty()) {
            match self.phones.add(digits) {
                p if phone == NO_PHONE => phone = p,
                p => self.phones.others.push((n, p)),
            }
        }
        let follows = self
            .id_runs
            .last()
            .is_some_and(|&(at, id)| id.checked_add(i64::from(n - at)) == Some(r.tenant_id));
        if !follows {
            self.id_runs.push((n, r.tenant_id));
        }
        self.references.push(&fold_keep_spaces(&r.reference));
        self.entries.last_name.push(last_name);
        self.entries.first_name.push(first_name);
        self.entries.home.push(home);
        self.entries.phone.push(phone);
        self.last = None;
        self.words.clear();
        Ok(())
    }

    /// Once every tenant is added: gives back the room reserved while they were, and
    /// ranks the names (else the first search would).
    pub fn ready(&mut self) {
        self.rank_names();
        self.entries.last_name.shrink_to_fit();
        self.entries.first_name.shrink_to_fit();
        self.entries.home.shrink_to_fit();
        self.entries.phone.shrink_to_fit();
        self.id_runs.shrink_to_fit();
        self.last_names.shrink_to_fit();
        self.first_names.shrink_to_fit();
        self.homes.shrink_to_fit();
        self.references.shrink_to_fit();
        self.phones.others.shrink_to_fit();
        self.phones.foreign.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.entries.phone.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many entries the last query matched, beyond the `limit` it returned.
    pub fn last_matched(&self) -> usize {
        self.last.as_ref().map_or(0, |(_, m)| m.len())
    }

    /// The best `limit` matches for `query`, best first; among equals, by name.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            self.last = None;
            return Vec::new();
        }
        self.rank_names();
        let mode = Mode::of(query);
        let earlier = match self.last.take() {
            Some((before, matched)) if mode.narrows(&before) => Some(matched),
            _ => None,
        };
        let candidates: Box<dyn Iterator<Item = usize>> = match &earlier {
            Some(matched) => Box::new(matched.iter()),
            None => Box::new(0..self.len()),
        };
        let words = match &mode {
            Mode::Text(folded) => self.score_words(folded),
            Mode::Digits(_) => Vec::new(),
        };
        let mut matched = EntrySet::new(self.len());
        let mut best = Best::new(limit);
        let (last_ranks, first_ranks) = &self.name_ranks;
        let e = &self.entries;
        let by_name = |n: usize| {
            (
                last_ranks[e.last_name.get(n) as usize],
                first_ranks[e.first_name.get(n) as usize],
                n,
            )
        };
        match &mode {
            Mode::Digits(wanted) => {
                let in_reference = self.references.containing(wanted, false);
                // Past 15 digits it cannot be a phone, but can still be in a reference.
                let wanted = PackedDigits::new(wanted);
                let phones = &self.phones;
                let phone_score = |phone| match (phones.digits(phone), wanted) {
                    (Some(p), Some(w)) if p == w => WHOLE,
                    (Some(p), Some(w)) if p.contains(w) => PART,
                    _ => 0,
                };
                let mut others = phones.others.iter().peekable();
                for n in candidates {
                    let mut score = phone_score(e.phone[n]);
                    while let Some(&(at, p)) = others.next_if(|(at, _)| *at as usize <= n) {
                        if at as usize == n {
                            score = score.max(phone_score(p));
                        }
                    }
                    if score == 0 && in_reference.contains(n) {
                        score = PART;
                    }
                    if score > 0 {
                        matched.insert(n);
                        best.offer(score, by_name(n));
                    }
                }
            }
            Mode::Text(_) => {
                'entries: for n in candidates {
                    let texts = (
                        e.last_name.get(n) as usize,
                        e.first_name.get(n) as usize,
                        e.home.get(n) as usize,
                    );
                    let mut total = 0u32;
                    for w in &words {
                        let mut score = w.last_names[texts.0]
                            .max(w.first_names[texts.1])
                            .max(w.homes[texts.2]);
                        if score < w.reference_score && w.references.contains(n) {
                            score = w.reference_score;
                        }
                        if score == 0 {
                            continue 'entries;
                        }
                        total += u32::from(score);
                    }
                    matched.insert(n);
                    best.offer(total, by_name(n));
                }
                self.words = words;
            }
        }
        self.last = Some((mode, matched));
        best.hits
            .into_iter()
            .map(|(score, (_, _, n))| Hit {
                tenant_id: self.tenant_id(n),
                score,
            })
            .collect()
    }

    fn tenant_id(&self, n: usize) -> i64 {
        let run = self.id_runs.partition_point(|&(at, _)| at as usize <= n) - 1;
        let (at, id) = self.id_runs[run];
        id + (n - at as usize) as i64
    }

    /// Ranks the distinct last and first names alphabetically, if not done since the
    /// last tenant was added.
    fn rank_names(&mut self) {
        fn ranks(texts: &Texts) -> Vec<u32> {
            let mut order: Vec<u32> = (0..texts.len() as u32).collect();
            order.sort_unstable_by_key(|&t| texts.get(t));
            let mut ranks = vec![0; order.len()];
            for (rank, t) in order.into_iter().enumerate() {
                ranks[t as usize] = rank as u32;
            }
            ranks
        }
        if self.name_ranks.0.len() != self.last_names.len()
            || self.name_ranks.1.len() != self.first_names.len()
        {
            self.name_ranks = (ranks(&self.last_names), ranks(&self.first_names));
        }
    }

    /// Scores each word of `folded` against every distinct text. A word already scored
    /// for the last query is reused; a word that grew is scored again only where it
    /// matched before.
    fn score_words(&mut self, folded: &str) -> Vec<WordScores> {
        let mut earlier = std::mem::take(&mut self.words).into_iter();
        let mut words = Vec::new();
        for word in folded.split(' ').filter(|w| !w.is_empty()) {
            let before = earlier.next().filter(|b| word.starts_with(b.word.as_str()));
            words.push(match before {
                Some(b) if b.word == word => b,
                before => self.score_word(word, before.as_ref()),
            });
        }
        words
    }

    fn score_word(&mut self, word: &str, before: Option<&WordScores>) -> WordScores {
        let atom = Atom::new(
            word,
            CaseMatching::Respect,
            Normalization::Never,
            AtomKind::Fuzzy,
            false,
        );
        let mut chars = Vec::new();
        let whole = atom
            .score(Utf32Str::new(word, &mut chars), &mut self.matcher)
            .map_or(1, |s| s.max(1));
        let short = word.chars().count() < SHORT;
        let letters = Word::new(word);
        let first = word.chars().next().map(String::from).unwrap_or_default();
        let mut score_all = |texts: &Texts, before: Option<&Vec<u16>>| -> Vec<u16> {
            let mut scores = vec![0; texts.len()];
            // Only a text with a word starting with the first letter can match; and a
            // text the word did not match before cannot match it now it is longer.
            let candidates: Box<dyn Iterator<Item = u32>> = match before {
                Some(b) => Box::new((0..b.len() as u32).filter(|&t| b[t as usize] != 0)),
                None => Box::new(texts.with_a_word_starting(&first).into_iter()),
            };
            for t in candidates {
                let text = texts.get(t);
                scores[t as usize] = if !found_from_a_word_start(text, &letters) {
                    0
                } else if short {
                    whole
                } else {
                    atom.score(Utf32Str::new(text, &mut chars), &mut self.matcher)
                        .map_or(0, |s| s.max(1))
                };
            }
            scores
        };
        let last_names = score_all(&self.last_names, before.map(|b| &b.last_names));
        let first_names = score_all(&self.first_names, before.map(|b| &b.first_names));
        let homes = score_all(&self.homes, before.map(|b| &b.homes));
        WordScores {
            word: word.to_string(),
            last_names,
            first_names,
            homes,
            references: self.references.containing(word, true),
            reference_score: whole,
        }
    }
}

/// A whole number beats a part of one (or of a reference).
const WHOLE: u32 = 1000;
const PART: u32 = 500;

/// Where a tenant comes among equal scores: by last name, first name, then id.
type NameOrder = (u32, u32, usize);

/// The best `limit` results seen, best first.
struct Best {
    limit: usize,
    hits: Vec<(u32, NameOrder)>,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            limit,
            hits: Vec::with_capacity(limit + 1),
        }
    }

    fn offer(&mut self, score: u32, order: NameOrder) {
        let before = |&(s, o): &(u32, NameOrder)| s > score || (s == score && o < order);
        if self.hits.len() == self.limit {
            match self.hits.last() {
                Some(worst) if !before(worst) => {
                    self.hits.pop();
                }
                _ => return,
            }
        }
        let at = self.hits.partition_point(before);
        self.hits.insert(at, (score, order));
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

    /// Among equal scores, tenants come by last name then first name, also for names
    /// added after a search ranked the ones before.
    #[test]
    fn names_added_later_are_ranked_with_the_others() {
        let mut i = index();
        assert_eq!(ids(i.search("lefevre", 5))[0], 1);
        let row = |id, last: &str, first: &str| SearchRow {
            tenant_id: id,
            reference: format!("LOC-{id:05}"),
            last_name: last.into(),
            first_name: first.into(),
            phones: vec![],
            address: String::new(),
            postcode: String::new(),
            city: String::new(),
        };
        // A new first name, the last name known: Anne comes before Hélène.
        i.push(&row(5, "Lefèvre", "Anne")).unwrap();
        assert_eq!(ids(i.search("lefevre", 5))[..2], [5, 1]);
        // A new last name, the first name known: Dubois before Dupont.
        i.push(&row(6, "Dubois", "Marie")).unwrap();
        assert_eq!(ids(i.search("marie", 5))[..2], [6, 2]);
    }

    /// The count told under the results is every match, not only those returned.
    #[test]
    fn every_match_is_counted_beyond_the_limit() {
        let mut i = index();
        assert_eq!(ids(i.search("lefe", 1)).len(), 1);
        assert_eq!(i.last_matched(), 2);
    }

    /// A word of three letters or more is scored by how well it matches: the name it
    /// begins comes before one where its letters lie apart, whatever the alphabet says.
    #[test]
    fn a_three_letter_word_prefers_the_name_it_begins() {
        let mut i = index();
        let dutheil = SearchRow {
            tenant_id: 9,
            reference: "LOC-00009".into(),
            last_name: "Dutheil".into(),
            first_name: "Paul".into(),
            phones: vec![],
            address: String::new(),
            postcode: String::new(),
            city: String::new(),
        };
        i.push(&dutheil).unwrap();
        assert_eq!(ids(i.search("dut", 5)), [9, 2], "Dutheil, then Dupont");
    }

    /// The best results are kept, best first, whatever order they are offered in.
    #[test]
    fn the_best_results_are_kept_in_order() {
        let kept = |offers: &[u32]| {
            let mut best = Best::new(2);
            for (n, &score) in offers.iter().enumerate() {
                best.offer(score, (0, 0, n));
            }
            best.hits.iter().map(|(s, _)| *s).collect::<Vec<_>>()
        };
        assert_eq!(kept(&[10, 9, 1]), [10, 9]);
        assert_eq!(kept(&[1, 2, 10]), [10, 2]);
        assert_eq!(kept(&[5, 7, 6]), [7, 6]);
    }

    /// "33…" is a French number written internationally only after "+" or "00".
    #[test]
    fn a_number_starting_with_33_is_international_only_with_its_prefix() {
        assert_eq!(phone_digits("33 61 22 44").as_deref(), Some("33612244"));
        assert_eq!(phone_digits("+33 6 12 24 48").as_deref(), Some("06122448"));
        assert_eq!(phone_digits("0033 1 99 00").as_deref(), Some("019900"));
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
                v.sort_unstable();
                v
            })
            .collect();
        // The same results as a fresh index gives for each query.
        for (q, got) in ["l", "le", "lef", "lefe", "lefev", "lefe", "lef"]
            .iter()
            .zip(&typed)
        {
            let mut fresh = ids(index().search(q, 10));
            fresh.sort_unstable();
            assert_eq!(&fresh, got, "{q}");
        }
        assert!(typed[4].contains(&1), "lefev");
        assert!(typed[6].contains(&4), "backspace brings Lefebvre back");
        // Switching from a name to a number starts afresh.
        assert_eq!(ids(i.search("0639", 5)), vec![2]);
    }

    #[test]
    fn one_or_two_letters_start_a_word() {
        let mut i = index();
        let mut sorted = |q| {
            let mut v = ids(i.search(q, 10));
            v.sort_unstable();
            v
        };
        assert_eq!(sorted("je"), vec![2, 4], "Jean, avenue Jean Jaurès");
        assert_eq!(sorted("ee"), Vec::<i64>::new(), "inside a word");
        assert_eq!(sorted("pyr"), vec![4], "three letters: fuzzy, Pyrénées");
        assert_eq!(sorted("lo"), vec![1, 2, 3, 4], "the reference LOC-…");
        assert_eq!(sorted("p"), vec![1, 2, 3, 4], "Paris");
        assert_eq!(sorted("pa"), vec![1, 2, 3, 4]);
        assert_eq!(sorted("py"), vec![4]);
    }

    #[test]
    fn equals_by_name_and_every_id_and_phone_kept() {
        let row = |id, last: &str, first: &str, phones: &[&str]| SearchRow {
            tenant_id: id,
            reference: String::new(),
            last_name: last.into(),
            first_name: first.into(),
            phones: phones
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
            address: "1 rue Haute".into(),
            postcode: "75001".into(),
            city: "Paris".into(),
        };
        // Ids with gaps, out of order, negative, past 32 bits.
        let mut i = TenantIndex::new([
            row(7, "Martin", "Zoé", &["0199000001"]),
            row(8, "Bernard", "Paul", &["+32 475 12 34 56", "0199000002"]),
            row(10, "Martin", "Anne", &[]),
            row(3, "Dubois", "Jean", &["0199000003", "0639000003"]),
            row(-5, "Martin", "Anne", &["0199000005"]),
            row(1 << 40, "Arnaud", "Léa", &["0199000006"]),
        ]);
        // Namesakes in the order they were added.
        assert_eq!(
            ids(i.search("rue haute", 10)),
            vec![1 << 40, 8, 3, 10, -5, 7]
        );
        assert_eq!(ids(i.search("martin", 10)), vec![10, -5, 7]);
        assert_eq!(ids(i.search("0199000002", 10)), vec![8]);
        assert_eq!(ids(i.search("+32 475 12 34 56", 10)), vec![8]);
        assert_eq!(ids(i.search("06 39 00 00 03", 10)), vec![3]);
        assert_eq!(ids(i.search("0199000005", 10)), vec![-5]);
        assert_eq!(ids(i.search("0199000006", 10)), vec![1 << 40]);
        // A whole number scores more than a part of one; parts come by name.
        let hits = i.search("0199000003", 10);
        assert_eq!(ids(hits.clone()), vec![3]);
        assert_eq!(hits[0].score, WHOLE);
        assert_eq!(ids(i.search("01990000", 10)), vec![1 << 40, 8, 3, -5, 7]);
        assert_eq!(i.search("01990000", 2).len(), 2);
    }

    #[test]
    fn a_word_is_found_only_from_the_start_of_a_word() {
        let found = |text: &str, word: &str| found_from_a_word_start(text, &Word::new(word));
        assert!(found("rue des lilas", "lls"));
        assert!(found("rue des lilas", "dsl"));
        assert!(!found("rue des lilas", "xi"), "no word starts with x");
        assert!(
            !found("rue des lilas", "ilas"),
            "lilas does not start with i"
        );
        assert!(found("rue des pyrénées", "pyre"));
        assert!(!found("rue des pyrénées", "ées"));
    }

    #[test]
    fn nothing_for_nothing() {
        assert!(TenantIndex::new([]).is_empty());
        assert_eq!((index().len(), index().is_empty()), (4, false));
        let mut i = index();
        assert!(i.search("   ", 5).is_empty());
        assert!(i.search("zzzzqx", 5).is_empty());
    }
}
