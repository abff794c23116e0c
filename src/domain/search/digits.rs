//! A phone number's digits packed four bits each in one `u64`: 8 bytes per number
//! instead of a string, and "does this number contain 9812" is a few shifts.

/// Up to 15 digits (the longest international number), the last one in the low
/// four bits; unused high nibbles are all ones (never a digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedDigits(u64);

/// The most digits a number holds (E.164).
pub const MAX_DIGITS: usize = 15;

impl PackedDigits {
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

    /// A French national number (ten digits starting with 0) in 32 bits: its last
    /// nine digits as a number. Most tenants' phones are one.
    pub fn national(self) -> Option<u32> {
        if self.len() != 10 || (self.0 >> 36) & 0xf != 0 {
            return None;
        }
        Some(
            (0..9)
                .rev()
                .fold(0, |n, i| n * 10 + ((self.0 >> (4 * i)) & 0xf) as u32),
        )
    }

    /// The number `national` gave. Runs for every tenant when a phone is searched,
    /// hence four digits at a time from a table.
    pub fn from_national(nine: u32) -> PackedDigits {
        let (first, rest) = (nine / 100_000_000, nine % 100_000_000);
        let (middle, last) = ((rest / 10_000) as usize, (rest % 10_000) as usize);
        PackedDigits(
            u64::MAX << 40
                | u64::from(first) << 32
                | u64::from(FOUR_DIGITS[middle]) << 16
                | u64::from(FOUR_DIGITS[last]),
        )
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

/// 0 to 9999 packed, four digits each.
static FOUR_DIGITS: [u16; 10_000] = {
    let mut table = [0u16; 10_000];
    let mut n = 0;
    while n < 10_000 {
        table[n] = ((n / 1000) << 12 | (n / 100 % 10) << 8 | (n / 10 % 10) << 4 | (n % 10)) as u16;
        n += 1;
    }
    table
};

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
        assert!(!p("").contains(p("0639")));
        // Zeros are digits, not padding.
        assert!(p("0000").contains(p("000")));
        assert!(!p("000").contains(p("0000")));
        assert_eq!(p("0639981234"), p("06.39.98.12.34"));
        assert_ne!(p("639981234"), p("0639981234"));
    }

    #[test]
    fn french_numbers_fit_in_32_bits() {
        for n in [
            "0639981234",
            "0100000000",
            "0999999999",
            "0199001234",
            "0100090009",
        ] {
            let nine = p(n).national().unwrap();
            assert_eq!(PackedDigits::from_national(nine), p(n), "{n}");
        }
        assert_eq!(p("0639981234").national(), Some(639_981_234));
        for other in ["32475123456", "639981234", "", "1639981234"] {
            assert_eq!(p(other).national(), None, "{other}");
        }
    }
}
