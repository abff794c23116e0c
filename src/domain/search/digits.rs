//! A phone number's digits packed four bits each in one `u64`: 8 bytes per number
//! instead of a string, and "does this number contain 9812" is a few shifts.

/// Up to 15 digits (the longest international number), the last one in the low
/// four bits; unused high nibbles are all ones (never a digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedDigits(u64);

/// The most digits a number holds (E.164).
pub const MAX_DIGITS: usize = 15;

impl PackedDigits {
    /// No number.
    pub const NONE: PackedDigits = PackedDigits(u64::MAX);

    /// The digits of `text` (other characters are skipped); `None` past 15 digits.
    pub fn new(text: &str) -> Option<PackedDigits> {
        let mut packed = u64::MAX;
        let mut count = 0;
        for d in text.bytes().filter(u8::is_ascii_digit) {
            count += 1;
            if count > MAX_DIGITS {
                return None;
            }
            packed = (packed << 4) | u64::from(d - b'0');
        }
        Some(PackedDigits(packed))
    }

    pub fn len(self) -> usize {
        // A digit nibble has at most one leading one bit (8 = 0b1000), so the run of
        // ones is the padding's.
        MAX_DIGITS + 1 - self.0.leading_ones() as usize / 4
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether all of `part`'s digits appear in a row in `self`.
    pub fn contains(self, part: PackedDigits) -> bool {
        let (n, m) = (self.len(), part.len());
        if m == 0 || m > n {
            return m == 0;
        }
        let mask = (1u64 << (4 * m)) - 1;
        let wanted = part.0 & mask;
        (0..=n - m).any(|shift| (self.0 >> (4 * shift)) & mask == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PackedDigits {
        PackedDigits::new(s).unwrap()
    }

    #[test]
    fn lengths_and_parts() {
        assert_eq!(p("0639981234").len(), 10);
        assert_eq!(p("").len(), 0);
        assert_eq!(PackedDigits::NONE, p(""));
        assert_eq!(p("999999999999999").len(), 15);
        assert_eq!(PackedDigits::new("9999999999999999"), None);
        let phone = p("06 39 98 12 34");
        for part in [
            "0639981234",
            "0639",
            "9812",
            "1234",
            "063998123",
            "39981234",
        ] {
            assert!(phone.contains(p(part)), "{part}");
        }
        for part in ["06399812345", "1235", "00639", "4321"] {
            assert!(!phone.contains(p(part)), "{part}");
        }
        assert!(!PackedDigits::NONE.contains(p("0639")));
        // Zeros are digits, not padding.
        assert!(p("0000").contains(p("000")));
        assert!(!p("000").contains(p("0000")));
        assert_eq!(p("0639981234"), p("06.39.98.12.34"));
        assert_ne!(p("639981234"), p("0639981234"));
    }
}
