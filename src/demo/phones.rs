//! Phone numbers for made-up people, taken only from the ranges the French regulator
//! (ARCEP) reserves for fiction: 01 99 00 xx xx (fixed line, Paris area) and
//! 06 39 98 xx xx (mobile). Nobody real can be phoned by mistake from the demo.

/// Canonical (stored) prefixes of the two fiction ranges.
pub const FIXED_PREFIX: &str = "019900";
pub const MOBILE_PREFIX: &str = "063998";

/// Numbers per range (four free digits).
const RANGE_SIZE: u16 = 10_000;

/// Hands out numbers of both ranges in a shuffled order, without repeating one until
/// its range is used up (a demo with more than 10,000 people on a range shares numbers).
pub struct Phones {
    fixed: Range,
    mobile: Range,
}

struct Range {
    prefix: &'static str,
    order: Vec<u16>,
    next: usize,
}

impl Range {
    fn new(prefix: &'static str, rng: &mut fastrand::Rng) -> Range {
        let mut order: Vec<u16> = (0..RANGE_SIZE).collect();
        rng.shuffle(&mut order);
        Range {
            prefix,
            order,
            next: 0,
        }
    }

    fn take(&mut self) -> String {
        let n = self.order[self.next % self.order.len()];
        self.next += 1;
        format!("{}{n:04}", self.prefix)
    }
}

impl Phones {
    pub fn new(rng: &mut fastrand::Rng) -> Phones {
        Phones {
            fixed: Range::new(FIXED_PREFIX, rng),
            mobile: Range::new(MOBILE_PREFIX, rng),
        }
    }

    /// A fixed-line number, stored form ("0199001234").
    pub fn fixed(&mut self) -> String {
        self.fixed.take()
    }

    /// A mobile number, stored form ("0639981234").
    pub fn mobile(&mut self) -> String {
        self.mobile.take()
    }
}

/// Whether a stored number is in one of the fiction ranges.
pub fn is_fiction(stored: &str) -> bool {
    stored.len() == 10
        && stored.bytes().all(|b| b.is_ascii_digit())
        && (stored.starts_with(FIXED_PREFIX) || stored.starts_with(MOBILE_PREFIX))
}

/// How a number is written in a note: "06 39 98 12 34".
pub fn spoken(stored: &str) -> String {
    crate::domain::phone::Phone::from_stored(stored).display()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fiction_and_distinct_until_a_range_runs_out() {
        let mut rng = fastrand::Rng::with_seed(3);
        let mut phones = Phones::new(&mut rng);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..RANGE_SIZE {
            let f = phones.fixed();
            let m = phones.mobile();
            assert!(is_fiction(&f) && is_fiction(&m), "{f} {m}");
            assert!(crate::domain::phone::Phone::parse(&f).is_ok());
            assert!(seen.insert(f) && seen.insert(m));
        }
        // Past 10,000 numbers the range starts again rather than leave it.
        assert!(is_fiction(&phones.fixed()));
        assert!(seen.contains(&phones.mobile()));
    }

    #[test]
    fn only_the_two_reserved_ranges_count_as_fiction() {
        assert!(is_fiction("0199001234"));
        assert!(is_fiction("0639989999"));
        assert!(!is_fiction("0199011234"));
        assert!(!is_fiction("0612345678"));
        assert!(!is_fiction("063998123"));
        assert!(!is_fiction("+33639981234"));
        assert_eq!(spoken("0639981234"), "06 39 98 12 34");
    }
}
