//! Turning a spreadsheet export's bytes into text, and finding its separator.

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

/// Decodes a file: a byte-order mark decides (UTF-8, or UTF-16 as Excel's "Unicode
/// text" writes it); otherwise valid UTF-8 is UTF-8, and anything else is read as
/// Windows-1252, what Excel writes for "CSV (séparateur: point-virgule)" in France.
/// Old Mac files ending lines with a lone CR get LF line ends so lines can be counted.
pub fn decode(mut bytes: Vec<u8>) -> (String, Encoding) {
    // A UTF-8 file becomes the text without a copy: a file of 60 MiB is held once.
    let (mut text, encoding) = match encoding_rs::Encoding::for_bom(&bytes) {
        Some((enc, bom)) if enc == encoding_rs::UTF_8 => {
            bytes.drain(..bom);
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            (text, Encoding::Utf8Bom)
        }
        Some((enc, bom)) => (
            enc.decode_without_bom_handling(&bytes[bom..])
                .0
                .into_owned(),
            Encoding::Utf16,
        ),
        None if let Some(enc) = utf16_without_bom(&bytes) => (
            enc.decode_without_bom_handling(&bytes).0.into_owned(),
            Encoding::Utf16,
        ),
        None => match String::from_utf8(bytes) {
            Ok(text) => (text, Encoding::Utf8),
            // A UTF-8 file with a damaged byte or two: its lines are read as UTF-8, the
            // damage shows as U+FFFD and the rows holding it are refused on their line.
            Err(e) if mostly_utf8(e.as_bytes()) => (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Encoding::Utf8,
            ),
            Err(e) => (
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(e.as_bytes())
                    .0
                    .into_owned(),
                Encoding::Windows1252,
            ),
        },
    };
    if text.contains('\r') && !text.contains('\n') {
        text = text.replace('\r', "\n");
    }
    (text, encoding)
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

/// Whether bytes that are not all UTF-8 still are UTF-8 with a few damaged bytes: more
/// characters written the UTF-8 way (two to four bytes) than bytes UTF-8 cannot read.
/// Windows-1252 text with accents has nearly none of the first: its "é" is one byte.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut encoded, mut damaged) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        encoded += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        damaged += usize::from(!chunk.invalid().is_empty());
    }
    encoded > damaged
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
