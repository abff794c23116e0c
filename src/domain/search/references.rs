//! The landlord's references of all tenants, in index order. References are unique,
//! so they cannot be shared like names; but tenants come by id and references are
//! mostly handed out in the same order ("LP-000041", "LP-000042"), so each is written
//! as how many bytes it shares with the one before and the bytes after those: about
//! three bytes a tenant instead of ten.

use super::set::EntrySet;

pub struct References {
    /// Per tenant: how many bytes are shared with the reference before and how many
    /// follow (see `head`), then those bytes.
    coded: Vec<u8>,
    /// The last reference added.
    previous: Vec<u8>,
    count: usize,
    /// Every byte found in some reference, and every byte starting a word of one: a
    /// query word with another byte (most names), or starting with another, is in no
    /// reference, and the references need not be read.
    bytes: [bool; 256],
    word_starts: [bool; 256],
}

impl Default for References {
    fn default() -> Self {
        References {
            coded: Vec::new(),
            previous: Vec::new(),
            count: 0,
            bytes: [false; 256],
            word_starts: [false; 256],
        }
    }
}

/// A reference is cut there: nobody types a longer one.
const LONGEST: usize = u8::MAX as usize;

impl References {
    /// Adds the next tenant's folded reference.
    pub fn push(&mut self, reference: &str) {
        let reference = &reference.as_bytes()[..reference.len().min(LONGEST)];
        let shared = self
            .previous
            .iter()
            .zip(reference)
            .take_while(|(a, b)| a == b)
            .count();
        let rest = &reference[shared..];
        match (shared, rest.len()) {
            (s, r) if s < 15 && r < 16 => self.coded.push((s << 4 | r) as u8),
            (s, r) => self.coded.extend([0xf0, s as u8, r as u8]),
        }
        self.coded.extend_from_slice(rest);
        for &b in rest {
            self.bytes[usize::from(b)] = true;
        }
        for (i, &b) in reference.iter().enumerate() {
            if i == 0 || reference[i - 1] == b' ' {
                self.word_starts[usize::from(b)] = true;
            }
        }
        self.previous.clear();
        self.previous.extend_from_slice(reference);
        self.count += 1;
    }

    /// The tenants whose reference contains `part` (at the start of one of its words
    /// if `word_start`).
    pub fn containing(&self, part: &str, word_start: bool) -> EntrySet {
        let part = part.as_bytes();
        let mut found = EntrySet::new(self.count);
        if part.is_empty() {
            (0..self.count).for_each(|n| found.insert(n));
            return found;
        }
        if part.iter().any(|&b| !self.bytes[usize::from(b)])
            || (word_start && !self.word_starts[usize::from(part[0])])
        {
            return found;
        }
        // Byte loops rather than slice copies and comparisons: the pieces are a few
        // bytes long, and this runs for every tenant at each keystroke.
        let mut current = [0u8; LONGEST];
        // Where the first occurrence of `part` in `current` ends (0: none).
        let mut found_end = 0;
        let mut at = 0;
        for n in 0..self.count {
            let (shared, len, head) = self.head(at);
            let rest = &self.coded[at + head..at + head + len];
            at += head + len;
            for (i, &b) in rest.iter().enumerate() {
                current[shared + i] = b;
            }
            let end = shared + len;
            // An occurrence inside the shared bytes was there before; a new one ends
            // in the bytes that changed.
            if found_end == 0 || found_end > shared {
                let first = (shared + 1).saturating_sub(part.len());
                found_end = (first..(end + 1).saturating_sub(part.len()))
                    .find(|&start| {
                        current[start] == part[0]
                            && current[start + 1..start + part.len()] == part[1..]
                            && (!word_start || start == 0 || current[start - 1] == b' ')
                    })
                    .map_or(0, |start| start + part.len());
            }
            if found_end != 0 {
                found.insert(n);
            }
        }
        found
    }

    /// A tenant's bytes shared with the reference before and bytes following, and how
    /// many bytes say so: one (four bits each) for the usual few, else three.
    fn head(&self, at: usize) -> (usize, usize, usize) {
        match self.coded[at] {
            0xf0 => (
                usize::from(self.coded[at + 1]),
                usize::from(self.coded[at + 2]),
                3,
            ),
            b => (usize::from(b >> 4), usize::from(b & 0xf), 1),
        }
    }

    pub fn shrink_to_fit(&mut self) {
        self.coded.shrink_to_fit();
        self.previous = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_as_plain_text_would_be() {
        let refs = [
            "lp 000041",
            "lp 000042",
            "lp 000142",
            "",
            "loc 00003",
            "loc 00003",
            "b 12 34",
            "lp 000041",
            "a very long reference typed by hand 1",
            "a very long reference typed by hand 2",
            "a very long reference typed by hand 12 with more words",
        ];
        let mut r = References::default();
        for x in refs {
            r.push(x);
        }
        for part in [
            "", "0", "4", "42", "000041", "lp", "lp 0001", "loc", "3", "12 3", "b", "9", "41",
            "hand 1", "2", "more", "with m",
        ] {
            let want: Vec<usize> = (0..refs.len())
                .filter(|&i| refs[i].contains(part))
                .collect();
            assert_eq!(
                r.containing(part, false).iter().collect::<Vec<_>>(),
                want,
                "{part:?}"
            );
            let want: Vec<usize> = (0..refs.len())
                .filter(|&i| refs[i].starts_with(part) || refs[i].contains(&format!(" {part}")))
                .collect();
            assert_eq!(
                r.containing(part, true).iter().collect::<Vec<_>>(),
                want,
                "word start {part:?}"
            );
        }
    }

    /// The lengths where the one-byte head gives way to three bytes: 15 bytes shared,
    /// 16 following, and a reference that is the one before cut short.
    #[test]
    fn references_at_the_edges_of_the_short_head_read_back_whole() {
        let refs = [
            "abcdefghijklmnop",
            "abcdefghijklmno",
            "abcdefghijklmnoq",
            "0123456789abcdef",
            "0123456789abcdefz",
            "z",
            "zyxwvutsrqponmlkjihg",
        ];
        let mut r = References::default();
        for x in refs {
            r.push(x);
        }
        for (i, x) in refs.iter().enumerate() {
            let found: Vec<usize> = r.containing(x, false).iter().collect();
            let want: Vec<usize> = (0..refs.len()).filter(|&j| refs[j].contains(x)).collect();
            assert_eq!(found, want, "{x:?}");
            assert!(found.contains(&i));
        }
    }
}
