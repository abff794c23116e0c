//! A set of index entries, one bit each: what the last query matched costs 12 KiB at
//! 100,000 tenants, whatever it matched.

pub struct EntrySet {
    bits: Vec<u64>,
}

impl EntrySet {
    /// An empty set of entries below `len`.
    pub fn new(len: usize) -> EntrySet {
        EntrySet {
            bits: vec![0; len.div_ceil(64)],
        }
    }

    pub fn insert(&mut self, n: usize) {
        self.bits[n / 64] |= 1 << (n % 64);
    }

    pub fn contains(&self, n: usize) -> bool {
        self.bits
            .get(n / 64)
            .is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    /// How many entries are in the set.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &word)| {
            let mut word = word;
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros() as usize;
                    word &= word - 1;
                    i * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_and_nothing_else() {
        let mut s = EntrySet::new(200);
        for n in [199, 0, 64, 63, 65, 128] {
            s.insert(n);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 63, 64, 65, 128, 199]);
        assert!(s.contains(63) && !s.contains(62) && !s.contains(500));
        assert_eq!(EntrySet::new(0).iter().count(), 0);
    }
}
