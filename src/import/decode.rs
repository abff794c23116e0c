//! Turning a spreadsheet export's bytes into text, and finding its separator.

use std::io::Read;

/// The character encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Windows1252,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// How a file's bytes become text: found by `detect`, applied by `decoded` each time the
/// file is read, so that the text is never held whole.
#[derive(Debug, Clone, Copy)]
pub struct Decoding {
    pub encoding: Encoding,
    codec: &'static encoding_rs::Encoding,
    /// Bytes of a byte-order mark to pass over.
    skip: u64,
    /// Old Mac files end lines with a lone CR: they are read with LF line ends.
    lone_cr: bool,
}

/// Finds how to read a file: a byte-order mark decides (UTF-8, or UTF-16 as Excel's
/// "Unicode text" writes it); otherwise valid UTF-8 is UTF-8, and anything else is read
/// as Windows-1252, what Excel writes for "CSV (séparateur: point-virgule)" in France.
/// One pass over the file, a block at a time.
pub fn detect(mut raw: impl Read) -> std::io::Result<Decoding> {
    let mut block = vec![0u8; 64 * 1024];
    let mut first = true;
    let mut marked: Option<Decoding> = None;
    let (mut lf, mut cr) = (false, false);
    let mut utf8 = Utf8Tally::default();
    loop {
        let n = read_full(&mut raw, &mut block)?;
        let bytes = &block[..n];
        if first {
            first = false;
            marked = by_mark(bytes);
        }
        lf |= memchr::memchr(b'\n', bytes).is_some();
        cr |= memchr::memchr(b'\r', bytes).is_some();
        if marked.is_none() {
            utf8.add(bytes, n < block.len());
        }
        if n < block.len() {
            break;
        }
    }
    let mut decoding = marked.unwrap_or_else(|| {
        let encoding = if utf8.damaged == 0 || utf8.encoded > utf8.damaged {
            // A UTF-8 file with a damaged byte or two: its lines are read as UTF-8, the
            // damage shows as U+FFFD and the rows holding it are refused on their line.
            (Encoding::Utf8, encoding_rs::UTF_8)
        } else {
            (Encoding::Windows1252, encoding_rs::WINDOWS_1252)
        };
        Decoding {
            encoding: encoding.0,
            codec: encoding.1,
            skip: 0,
            lone_cr: false,
        }
    });
    decoding.lone_cr = cr && !lf;
    Ok(decoding)
}

/// The decoding a byte-order mark, or UTF-16's zero bytes, name at the start of a file.
fn by_mark(start: &[u8]) -> Option<Decoding> {
    let (encoding, codec, skip) = match encoding_rs::Encoding::for_bom(start) {
        Some((codec, bom)) if codec == encoding_rs::UTF_8 => (Encoding::Utf8Bom, codec, bom),
        Some((codec, bom)) => (Encoding::Utf16, codec, bom),
        None => (Encoding::Utf16, utf16_without_bom(start)?, 0),
    };
    Some(Decoding {
        encoding,
        codec,
        skip: skip as u64,
        lone_cr: false,
    })
}

/// Fills `block` from `raw` unless the end comes first; how many bytes were read.
fn read_full(raw: &mut impl Read, block: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < block.len() {
        match raw.read(&mut block[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The text of a file as `decoding` reads it, a block at a time: valid UTF-8, with
/// U+FFFD where a byte could not be read.
pub fn decoded<'a>(
    mut raw: Box<dyn Read + 'a>,
    decoding: Decoding,
) -> std::io::Result<Box<dyn Read + 'a>> {
    std::io::copy(&mut raw.by_ref().take(decoding.skip), &mut std::io::sink())?;
    let text = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(decoding.codec))
        .build(raw);
    Ok(if decoding.lone_cr {
        Box::new(LineEnds(text))
    } else {
        Box::new(text)
    })
}

/// A lone CR read as LF.
struct LineEnds<R>(R);

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// Whether bytes that are not all UTF-8 still are UTF-8 with a few damaged bytes: more
/// characters written the UTF-8 way (two to four bytes) than bytes UTF-8 cannot read.
/// Windows-1252 text with accents has nearly none of the first: its "é" is one byte.
#[derive(Default)]
struct Utf8Tally {
    encoded: usize,
    damaged: usize,
    /// The start of a character cut by the end of the last block.
    carry: Vec<u8>,
}

impl Utf8Tally {
    fn add(&mut self, block: &[u8], last: bool) {
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(block);
        let mut rest = &data[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.encoded += non_ascii(text);
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // `valid_up_to` bytes are UTF-8 by definition.
                    self.encoded += non_ascii(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        Some(bad) => {
                            self.damaged += 1;
                            rest = &after[bad..];
                        }
                        None if !last => {
                            self.carry = after.to_vec();
                            break;
                        }
                        None => {
                            self.damaged += 1;
                            break;
                        }
                    }
                }
            }
        }
    }
}

fn non_ascii(text: &str) -> usize {
    text.chars().filter(|c| !c.is_ascii()).count()
}

/// UTF-16 written without a byte-order mark, as some tools do: a zero byte beside every
/// letter of the Latin alphabet. Little-endian puts it after the letter.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let top = &bytes[..bytes.len().min(4096)];
    let zeros = |parity: usize| {
        top.iter()
            .enumerate()
            .filter(|(i, b)| i % 2 == parity && **b == 0)
            .count()
    };
    let pairs = top.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (even, odd) = (zeros(0), zeros(1));
    if odd * 2 > pairs && even * 8 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 2 > pairs && odd * 8 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Lines looked at for the separator and the header: title lines a spreadsheet puts
/// above the header ("Liste des locataires", "Export du 01/11/2026") are fewer.
pub const TOP_LINES: usize = 20;

/// The separator: the one of `;`, `,` and tab that the top lines of the file hold the
/// same number of times outside quotes (as every line of a spreadsheet's export does),
/// on the most lines. Ties go to the one seen first, then to `;` (French headers may
/// hold a comma: "Nom, prénom"). Free text with commas varies from row to row, and a
/// title line above the header ("Liste des locataires") holds none or a different
/// number, so neither decides. Excel's `sep=;` first line, when present, decides instead.
pub fn separator(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b';', b',', b'\t'];
    if let Some(sep) = sep_line(text) {
        return sep;
    }
    // Per line of the top, how many of each separator.
    let mut lines: Vec<[usize; 3]> = vec![[0; 3]];
    let mut quoted = false;
    for b in text.bytes() {
        let here = lines.last_mut().expect("never empty");
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if lines.len() == TOP_LINES {
                    break;
                }
                lines.push([0; 3]);
            }
            b';' if !quoted => here[0] += 1,
            b',' if !quoted => here[1] += 1,
            b'\t' if !quoted => here[2] += 1,
            _ => {}
        }
    }
    // For each separator: (lines holding its most common count, minus its first line).
    let score = |i: usize| -> (usize, isize) {
        let counts: Vec<usize> = lines.iter().map(|l| l[i]).filter(|&n| n > 0).collect();
        let agreeing = counts
            .iter()
            .map(|n| counts.iter().filter(|m| *m == n).count())
            .max()
            .unwrap_or(0);
        let first = lines.iter().position(|l| l[i] > 0).unwrap_or(usize::MAX);
        (agreeing, -(first.min(isize::MAX as usize) as isize))
    };
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if score(i) > score(best) {
            best = i;
        }
    }
    CANDIDATES[best]
}

/// The separator named by a `sep=X` first line (Excel writes it to force one).
pub fn sep_line(text: &str) -> Option<u8> {
    let first = text.lines().next()?.trim_end();
    let rest = first.strip_prefix("sep=")?;
    match rest.as_bytes() {
        [b] => Some(*b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's whole text as the import reads it.
    fn decode(bytes: Vec<u8>) -> (String, Encoding) {
        let decoding = detect(&bytes[..]).unwrap();
        let mut text = String::new();
        decoded(Box::new(&bytes[..]), decoding)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        (text, decoding.encoding)
    }

    #[test]
    fn a_damaged_byte_in_utf8_reads_as_a_replacement_character() {
        let (text, enc) =
            decode(b"Nom;Pr\xc3\xa9nom\nRoy;Ren\xe9e\nL\xc3\xa9a;\xc3\xa9\n".to_vec());
        assert_eq!(enc, Encoding::Utf8);
        assert_eq!(text, "Nom;Prénom\nRoy;Ren\u{FFFD}e\nLéa;é\n");
    }

    /// Which of UTF-8 and Windows-1252 a file is, by its letters written the UTF-8 way
    /// against its bytes UTF-8 cannot read, wherever they are in the file.
    #[test]
    fn utf8_with_damage_against_windows_1252() {
        let encoding = |bytes: &[u8]| detect(bytes).unwrap().encoding;
        // All the UTF-8 letters before the damage, or all after it.
        assert_eq!(
            encoding(b"L\xc3\xa9a \xc3\xa9t\xc3\xa9 \xe9"),
            Encoding::Utf8
        );
        assert_eq!(
            encoding(b"\xe9 L\xc3\xa9a \xc3\xa9t\xc3\xa9"),
            Encoding::Utf8
        );
        // As many of each: not mostly UTF-8.
        assert_eq!(encoding(b"L\xc3\xa9a \xe9"), Encoding::Windows1252);
        // A letter cut by the end of the file is damage.
        assert_eq!(encoding(b"L\xc3\xa9a \xc3"), Encoding::Windows1252);
        // Windows-1252 letters after the first block of ASCII decide too.
        let mut late = vec![b'a'; 100_000];
        late.extend_from_slice(b"\nH\xe9l\xe8ne\n");
        assert_eq!(encoding(&late), Encoding::Windows1252);
    }

    /// A letter cut by the end of a block is carried to the next, not counted as damage;
    /// cut by the end of the file, it is.
    #[test]
    fn the_tally_carries_a_cut_letter_to_the_next_block() {
        let mut tally = Utf8Tally::default();
        tally.add(b"L\xc3", false);
        tally.add(b"\xa9a", true);
        assert_eq!((tally.encoded, tally.damaged), (1, 0));
        tally.add(b"\xc3", true);
        assert_eq!(tally.damaged, 1);
    }

    /// UTF-16 without a byte-order mark, in either byte order, and files with a few zero
    /// bytes that are not UTF-16.
    #[test]
    fn utf16_without_a_mark_is_told_by_its_zero_bytes() {
        let text = "Nom;Prénom;Téléphone\nMartin;Anne;0102030405\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16_without_bom(&le), Some(encoding_rs::UTF_16LE));
        assert_eq!(utf16_without_bom(&be), Some(encoding_rs::UTF_16BE));
        assert_eq!(decode(le).0, text);
        assert_eq!(decode(be).0, text);
        assert_eq!(utf16_without_bom(text.as_bytes()), None);
        assert_eq!(utf16_without_bom(b"a\0"), None, "too short to tell");
        // A NUL here and there (a damaged file) is not UTF-16.
        let mut nuls = text.as_bytes().to_vec();
        nuls[3] = 0;
        nuls[10] = 0;
        assert_eq!(utf16_without_bom(&nuls), None);
        // Half the odd bytes zero is not enough: a quarter would be stray.
        let half: Vec<u8> = (0..64u8)
            .map(|i| if i % 4 == 1 { 0 } else { b'a' })
            .collect();
        assert_eq!(utf16_without_bom(&half), None);
    }

    /// The bounds of "most bytes of one parity zero, few of the other", on both sides.
    #[test]
    fn utf16_bounds_on_both_sides() {
        // `pairs` pairs of bytes, the first `even` even bytes and `odd` odd bytes zero.
        let bytes = |pairs: usize, even: usize, odd: usize| -> Vec<u8> {
            (0..2 * pairs)
                .map(|i| {
                    let zero = if i % 2 == 0 {
                        i / 2 < even
                    } else {
                        i / 2 < odd
                    };
                    if zero { 0 } else { b'a' }
                })
                .collect()
        };
        let (le, be) = (Some(encoding_rs::UTF_16LE), Some(encoding_rs::UTF_16BE));
        for (pairs, even, odd, want) in [
            (100, 60, 0, be),
            (100, 51, 0, be),
            (100, 50, 0, None),
            (100, 80, 20, None),
            (96, 80, 12, None),
            (96, 80, 11, be),
            (100, 0, 60, le),
            (100, 0, 51, le),
            (100, 0, 50, None),
            (100, 20, 80, None),
            (96, 12, 80, None),
            (96, 11, 80, le),
            (2, 0, 2, le),
        ] {
            let got = utf16_without_bom(&bytes(pairs, even, odd));
            assert_eq!(got, want, "{pairs} pairs, {even} even and {odd} odd zeros");
        }
    }

    /// A read interrupted by a signal is tried again; another error is told.
    #[test]
    fn an_interrupted_read_is_tried_again() {
        struct Flaky(u8);
        impl Read for Flaky {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.0 += 1;
                match self.0 {
                    1 => Err(std::io::ErrorKind::Interrupted.into()),
                    2 => {
                        buf[..3].copy_from_slice(b"a;b");
                        Ok(3)
                    }
                    3 => Ok(0),
                    _ => Err(std::io::ErrorKind::Other.into()),
                }
            }
        }
        assert_eq!(detect(Flaky(0)).unwrap().encoding, Encoding::Utf8);
        assert!(detect(Flaky(3)).is_err());
    }

    #[test]
    fn encodings_are_named_for_the_report() {
        assert_eq!(Encoding::Windows1252.to_string(), "Windows-1252");
        assert_eq!(Encoding::Utf8Bom.to_string(), "UTF-8 with BOM");
    }

    /// A character cut by the end of a block is not damage: a big UTF-8 file with
    /// accents everywhere is UTF-8, however its blocks fall.
    #[test]
    fn characters_cut_by_a_block_end_are_whole() {
        let mut bytes = Vec::new();
        while bytes.len() < 300_000 {
            bytes.extend_from_slice("Hélène;Lœuillet;€\n".as_bytes());
        }
        let (text, enc) = decode(bytes.clone());
        assert_eq!(enc, Encoding::Utf8);
        assert_eq!(text.as_bytes(), &bytes[..]);
    }

    #[test]
    fn windows_1252_bytes_are_decoded() {
        // "Hélène;Lœuillet" with é = 0xE9, è = 0xE8, œ = 0x9C.
        let bytes = b"H\xe9l\xe8ne;L\x9cuillet\r\n";
        let (text, enc) = decode(bytes.to_vec());
        assert_eq!(enc, Encoding::Windows1252);
        assert_eq!(text, "Hélène;Lœuillet\r\n");
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (text, enc) = decode("Prénom;Nom".into());
        assert_eq!((text.as_str(), enc), ("Prénom;Nom", Encoding::Utf8));
        let (text, enc) = decode(b"\xef\xbb\xbfPr\xc3\xa9nom;Nom".to_vec());
        assert_eq!((text.as_str(), enc), ("Prénom;Nom", Encoding::Utf8Bom));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "Nom\tPrénom".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let (text, enc) = decode(bytes);
        assert_eq!((text.as_str(), enc), ("Nom\tPrénom", Encoding::Utf16));
    }

    #[test]
    fn lone_carriage_returns_become_line_ends() {
        assert_eq!(decode(b"a;b\rc;d\r".to_vec()).0, "a;b\nc;d\n");
        assert_eq!(decode(b"a;b\r\nc;d".to_vec()).0, "a;b\r\nc;d");
    }

    #[test]
    fn separator_is_found_on_the_header_line() {
        assert_eq!(separator("Nom;Prénom;Téléphone\n1,2,3,4,5"), b';');
        assert_eq!(separator("Last name,First name,Phone\n"), b',');
        assert_eq!(separator("Nom\tPrénom\tTél\n"), b'\t');
        assert_eq!(separator("\"Nom, prénom\";Tél\n"), b';');
        assert_eq!(separator("Nom, prénom;Tél\n"), b';');
        assert_eq!(separator("Nom\n"), b';');
        assert_eq!(separator("sep=,\nNom;Prénom\n"), b',');
    }

    /// Separators inside quotes do not count, and between two separators each on one
    /// line, the one seen first is taken.
    #[test]
    fn quoted_separators_do_not_count_and_the_first_seen_wins_a_tie() {
        let text = "Ref,\"Nom; prénom\",Tél\nA1,\"Roy; Anne\",01\nA2,\"Luc; Marc\",02\n";
        assert_eq!(separator(text), b',');
        assert_eq!(separator("a,b\nc;d\n"), b',');
        assert_eq!(separator("a;b\nc,d\n"), b';');
        assert_eq!(separator("Ref\tNotes\nA1\t\"x\ty\"\nA2\tz\n"), b'\t');
        // A title whose only commas or tabs are quoted does not make them the separator.
        let text = "\"Liste, Est\"\nRef;\"a,b\"\nA1;\"c,d\"\nA2;\"e,f\"\n";
        assert_eq!(separator(text), b';');
        let text = "\"Liste\tEst\"\nRef;\"a\tb\"\nA1;\"c\td\"\nA2;\"e\tf\"\n";
        assert_eq!(separator(text), b';');
    }

    #[test]
    fn a_title_line_above_the_header_does_not_decide_the_separator() {
        let text = "Liste des locataires\r\nExport du 01/11/2026, agence Est\r\n\r\nRef,Nom,Prénom,Tél\r\n";
        assert_eq!(separator(text), b',');
        assert_eq!(
            separator("Locataires; Est\nRef\tNom\tTél\nA1\tRoy\t01\n"),
            b'\t'
        );
        // Commas in a row's free text do not outvote the separator of every line.
        let text = "Export du 01/11, agence Est\nRef;Nom;Notes\nA1;Roy;a, b, c, d\nA2;Luc;\n";
        assert_eq!(separator(text), b';');
    }
}
