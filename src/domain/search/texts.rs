//! The distinct texts of one field (last names, first names, homes), each stored once
//! in one arena: a hundred thousand tenants share a few thousand street addresses and
//! names, so the index keeps a number per tenant and searches each text once.

/// Distinct texts, numbered in the order they were first added.
#[derive(Default)]
pub struct Texts {
    /// Every text back to back.
    arena: String,
    /// Where text `i` ends in the arena (it starts where `i - 1` ends).
    ends: Vec<u32>,
    /// Open-addressing table of text numbers + 1 (0 is a free slot), to find a text
    /// already added without a map of owned strings.
    slots: Vec<u32>,
}

impl Texts {
    /// The number of `text`, adding it if it is new; `None` once the arena would pass
    /// 4 GiB (its offsets are 32 bits).
    pub fn intern(&mut self, text: &str) -> Option<u32> {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut slot = hash(text) as usize & mask;
        loop {
            match self.slots[slot] {
                0 => break,
                n if self.get(n - 1) == text => return Some(n - 1),
                _ => slot = (slot + 1) & mask,
            }
        }
        let end = u32::try_from(self.arena.len() + text.len()).ok()?;
        self.arena.push_str(text);
        self.ends.push(end);
        let n = self.ends.len() as u32;
        self.slots[slot] = n;
        Some(n - 1)
    }

    pub fn get(&self, n: u32) -> &str {
        let n = n as usize;
        let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        &self.arena[start..self.ends[n] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every text, in number order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.arena[start as usize..end as usize])
    }

    /// The texts with a word starting with `prefix` (a query word's first letter),
    /// in order: texts starting with it, and one search through the arena for it
    /// after a space, rather than a look at every letter of every text.
    pub fn with_a_word_starting(&self, prefix: &str) -> Vec<u32> {
        if prefix.is_empty() {
            return Vec::new();
        }
        let arena = self.arena.as_bytes();
        let mut found: Vec<u32> = (self.iter().enumerate())
            .filter(|(_, text)| text.starts_with(prefix))
            .map(|(t, _)| t as u32)
            .collect();
        let after_space = format!(" {prefix}");
        let mut text = 0;
        for at in memchr::memmem::find_iter(arena, after_space.as_bytes()) {
            while self.ends[text] as usize <= at {
                text += 1;
            }
            // A text ending with a space and the next starting with the prefix are
            // not a match; texts are trimmed, so this never happens, but stays right.
            if at + after_space.len() <= self.ends[text] as usize {
                found.push(text as u32);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Gives back the room reserved for texts not added, and the table that finds a
    /// text again (made anew if texts are added later).
    pub fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.slots = Vec::new();
    }

    fn grow(&mut self) {
        let size = ((self.ends.len() + 1) * 4).next_power_of_two().max(64);
        let mask = size - 1;
        let mut slots = vec![0u32; size];
        for n in 1..=self.ends.len() as u32 {
            let mut slot = hash(self.get(n - 1)) as usize & mask;
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot] = n;
        }
        self.slots = slots;
    }
}

/// FNV-1a: short texts, no need for a keyed hash.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_is_kept_once_and_found_again() {
        let mut t = Texts::default();
        let names = ["martin", "bernard", "martin", "", "dubois", "bernard"];
        let ids: Vec<u32> = names.iter().map(|n| t.intern(n).unwrap()).collect();
        assert_eq!(ids, vec![0, 1, 0, 2, 3, 1]);
        assert_eq!(t.len(), 4);
        for (n, id) in names.iter().zip(&ids) {
            assert_eq!(t.get(*id), *n);
        }
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            vec!["martin", "bernard", "", "dubois"]
        );
        // Past the first growth of the table.
        for i in 0..1000 {
            assert_eq!(t.intern(&format!("rue {i}")), Some(4 + i));
        }
        assert_eq!(t.intern("dubois"), Some(3));

        assert_eq!(t.get(4 + 999), "rue 999");
        t.shrink_to_fit();
        assert_eq!(t.intern("rue 500"), Some(504));
        assert_eq!(t.intern("rue 1000"), Some(1004));
        let mut t = Texts::default();
        for x in [
            "12 rue des lilas",
            "du bois",
            "bois",
            "",
            "lilas",
            "sabot b",
        ] {
            t.intern(x);
        }
        let found = |p| t.with_a_word_starting(p);
        assert_eq!(found("b"), vec![1, 2, 5]);
        assert_eq!(found("l"), vec![0, 4]);
        assert_eq!(found("d"), vec![0, 1]);
        assert_eq!(found("o"), Vec::<u32>::new());
        assert_eq!(found("bois"), vec![1, 2]);
    }

    /// Two texts that land on the table's first slot: the second is found in the slot
    /// after it, also once the table has grown.
    #[test]
    fn texts_that_land_on_the_same_slot_are_both_kept() {
        let colliding: Vec<String> = (0..)
            .map(|i| format!("nom {i}"))
            .filter(|t| hash(t).trailing_zeros() >= 8)
            .take(2)
            .collect();
        let mut t = Texts::default();
        let first = t.intern(&colliding[0]).unwrap();
        let second = t.intern(&colliding[1]).unwrap();
        assert_ne!(first, second);
        for i in 0..100 {
            t.intern(&format!("autre {i}")).unwrap();
        }
        assert_eq!(t.intern(&colliding[0]), Some(first));
        assert_eq!(t.intern(&colliding[1]), Some(second));
        assert_eq!(t.get(second), colliding[1]);
    }
}
