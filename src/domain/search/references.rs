//! The landlord's references of all tenants, in index order. References are unique,
//! so they cannot be shared like names; but tenants come by id and references are
//! mostly handed out in the same order ("LP-000041", "LP-000042"), so each is written
//! as how many bytes it shares with the one before and the bytes after those: about
//! three bytes a tenant instead of ten.

use super::set::EntrySet;

#[derive(Default)]
pub struct References {
    /// Per tenant: one byte (bytes shared with the reference before), the rest of the
    /// reference, a newline (never in a folded reference).
    coded: Vec<u8>,
    /// The last reference added.
    previous: String,
    count: usize,
}

impl References {
    /// Adds the next tenant's folded reference.
    pub fn push(&mut self, reference: &str) {
        let shared = self
            .previous
            .bytes()
            .zip(reference.bytes())
            .take_while(|(a, b)| a == b)
            .count()
            .min(u8::MAX as usize);
        self.coded.push(shared as u8);
        self.coded
            .extend_from_slice(&reference.as_bytes()[shared..]);
        self.coded.push(b'\n');
        self.previous.clear();
        self.previous.push_str(reference);
        self.count += 1;
    }

    /// The tenants whose reference contains `part`.
    pub fn containing(&self, part: &str) -> EntrySet {
        let part = part.as_bytes();
        let mut found = EntrySet::new(self.count);
        let mut current: Vec<u8> = Vec::new();
        // Where the first occurrence of `part` in `current` ends, if any.
        let mut found_end = None;
        let mut rest = self.coded.as_slice();
        let mut n = 0;
        while let Some((&shared, tail)) = rest.split_first() {
            let len = memchr::memchr(b'\n', tail).unwrap_or(tail.len());
            let shared = usize::from(shared);
            current.truncate(shared);
            current.extend_from_slice(&tail[..len]);
            rest = tail.get(len + 1..).unwrap_or_default();
            // An occurrence inside the shared bytes was there before; a new one must
            // reach into the bytes that changed.
            found_end = match found_end {
                Some(end) if end <= shared => Some(end),
                _ => {
                    let from = (shared + 1).saturating_sub(part.len().max(1));
                    memchr::memmem::find(&current[from..], part).map(|at| from + at + part.len())
                }
            };
            if found_end.is_some() {
                found.insert(n);
            }
            n += 1;
        }
        found
    }

    pub fn shrink_to_fit(&mut self) {
        self.coded.shrink_to_fit();
        self.previous = String::new();
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
        ];
        let mut r = References::default();
        for x in refs {
            r.push(x);
        }
        for part in [
            "", "0", "4", "42", "000041", "lp", "lp 0001", "loc", "3", "12 3", "b", "9", "41",
        ] {
            let want: Vec<usize> = (0..refs.len())
                .filter(|&i| refs[i].contains(part))
                .collect();
            assert_eq!(
                r.containing(part).iter().collect::<Vec<_>>(),
                want,
                "{part:?}"
            );
        }
    }
}
