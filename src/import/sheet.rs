//! A CSV file as spreadsheets write it: the header line, then the rows, each with the
//! physical line it starts on (a quoted value may span lines). The file is read again,
//! a block at a time, each time its rows are gone through: an import holds a row, not
//! the file.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{Read, Seek};
use std::rc::Rc;

use csv::StringRecord;

use super::FileError;
use super::decode::{Decoding, Encoding, TOP_LINES, decoded, detect, sep_line, separator};

/// Where a list is read from: a file, read again for each pass (it stays open, so it is
/// the file the user could read when it was opened), or bytes already in memory.
pub enum Input {
    File(std::fs::File),
    Bytes(Vec<u8>),
}

impl Input {
    /// What tells a file's content changed: its size and when it was last written.
    fn stamp(&self) -> Option<(u64, Option<std::time::SystemTime>)> {
        match self {
            Input::File(file) => file.metadata().ok().map(|m| (m.len(), m.modified().ok())),
            Input::Bytes(_) => None,
        }
    }

    /// The bytes from the start.
    fn raw(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(match self {
            Input::File(file) => {
                let mut file: &std::fs::File = file;
                file.rewind()?;
                Box::new(std::io::BufReader::with_capacity(64 * 1024, file))
            }
            Input::Bytes(bytes) => Box::new(&bytes[..]),
        })
    }
}

pub struct Sheet {
    input: Input,
    /// The file as it was when first read: every later pass must read the same.
    stamp: Option<(u64, Option<std::time::SystemTime>)>,
    decoding: Decoding,
    pub encoding: Encoding,
    pub separator: u8,
    /// The column names as written on the header line, trimmed.
    pub headers: Vec<String>,
    /// Records before the first row: the header, the lines above it, and Excel's `sep=`
    /// line if any.
    skip: usize,
    /// Lines above the header that were not blank: a spreadsheet's title, its date.
    pub title_lines: Vec<String>,
}

/// One row of the sheet. Cells are read trimmed.
pub struct Row<'a> {
    pub line: u64,
    record: &'a StringRecord,
}

impl<'a> Row<'a> {
    /// The cell in column `index`, trimmed; empty when the row is short. Excel's
    /// `="0123"` (a formula that keeps leading zeros) gives `0123`.
    pub fn get(&self, index: usize) -> &'a str {
        cell(self.record.get(index).unwrap_or(""))
    }

    /// Whether the row has non-empty values beyond the header's columns: a
    /// separator inside an unquoted value shifts every column after it.
    pub fn overflows(&self, columns: usize) -> bool {
        self.record
            .iter()
            .skip(columns)
            .any(|v| !cell(v).is_empty())
    }
}

fn cell(raw: &str) -> &str {
    let v = raw.trim();
    match v.strip_prefix("=\"").and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.trim(),
        None => v,
    }
}

fn blank(record: &StringRecord) -> bool {
    record.iter().all(|v| cell(v).is_empty())
}

impl Sheet {
    /// Decodes the file, finds its separator and reads the header line.
    ///
    /// The header is the first line that is not blank, unless title lines sit above it,
    /// as in many exports ("Liste des locataires", then the date, then the header): among
    /// the first lines, the header is the first one filling at least half as many cells
    /// as the fullest. A title fills one or two cells; the header and the rows, all.
    pub fn read(bytes: impl Into<Vec<u8>>) -> Result<Sheet, FileError> {
        Sheet::open(Input::Bytes(bytes.into()))
    }

    /// As `read`, from a file or bytes.
    pub fn open(input: Input) -> Result<Sheet, FileError> {
        let stamp = input.stamp();
        let decoding = detect(input.raw().map_err(io_error)?).map_err(io_error)?;
        let top = top_text(&input, decoding).map_err(io_error)?;
        let mut sheet = Sheet {
            skip: usize::from(sep_line(&top).is_some()),
            separator: separator(&top),
            input,
            stamp,
            decoding,
            encoding: decoding.encoding,
            headers: Vec::new(),
            title_lines: Vec::new(),
        };
        drop(top);
        let (mut reader, _) = sheet.reader()?;
        let mut record = StringRecord::new();
        for _ in 0..sheet.skip {
            reader.read_record(&mut record).map_err(|e| csv_error(&e))?;
        }
        // The top of the file: each record not blank, with the records read up to it.
        let mut top: Vec<(usize, StringRecord)> = Vec::new();
        let mut read = sheet.skip;
        while top.len() < TOP_LINES && reader.read_record(&mut record).map_err(|e| csv_error(&e))? {
            read += 1;
            if !blank(&record) {
                top.push((read, record.clone()));
            }
        }
        drop(reader);
        let filled = |r: &StringRecord| r.iter().filter(|v| !cell(v).is_empty()).count();
        let fullest = top
            .iter()
            .map(|(_, r)| filled(r))
            .max()
            .ok_or(FileError::Empty)?;
        let at = top
            .iter()
            .position(|(_, r)| 2 * filled(r) >= fullest)
            .unwrap_or(0);
        sheet.title_lines = top[..at]
            .iter()
            .map(|(_, r)| {
                let cells: Vec<&str> = r.iter().map(cell).filter(|v| !v.is_empty()).collect();
                cells.join(" ")
            })
            .collect();
        let (skip, header) = &top[at];
        sheet.skip = *skip;
        sheet.headers = header.iter().map(|h| cell(h).to_string()).collect();
        Ok(sheet)
    }

    /// A CSV reader over the file's text from its start, with the line breaks it has
    /// passed (see `Breaks`).
    fn reader(&self) -> Result<(csv::Reader<Box<dyn Read + '_>>, Breaks), FileError> {
        // A spreadsheet saving the file again while it is imported: the rows checked
        // would not be the rows written.
        if self.input.stamp() != self.stamp {
            return Err(FileError::Changed);
        }
        let raw = self.input.raw().map_err(io_error)?;
        let text = decoded(raw, self.decoding).map_err(io_error)?;
        let breaks = Breaks::default();
        let counted: Box<dyn Read + '_> = Box::new(Counted {
            inner: text,
            at: 0,
            breaks: breaks.clone(),
        });
        let reader = csv::ReaderBuilder::new()
            .delimiter(self.separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(counted);
        Ok((reader, breaks))
    }

    /// Calls `f` with each row after the header, skipping blank rows and rows of
    /// separators only. One record is reused for the whole file.
    pub fn for_each_row(&self, mut f: impl FnMut(&Row)) -> Result<(), FileError> {
        let (mut reader, breaks) = self.reader()?;
        let mut record = StringRecord::new();
        for _ in 0..self.skip {
            reader.read_record(&mut record).map_err(|e| csv_error(&e))?;
        }
        while reader.read_record(&mut record).map_err(|e| csv_error(&e))? {
            if blank(&record) {
                continue;
            }
            let start = record.position().map_or(0, csv::Position::byte);
            f(&Row {
                line: breaks.line_at(start),
                record: &record,
            });
        }
        Ok(())
    }
}

/// The line breaks read so far and not yet passed by a record, for the line a record
/// starts on. The reader's own line count lags by one after a CRLF, and a record's
/// position may be the line end before it, so lines are counted here.
#[derive(Clone, Default)]
struct Breaks(Rc<RefCell<BreaksSeen>>);

#[derive(Default)]
struct BreaksSeen {
    /// The offsets of CR and LF bytes read ahead of the last record, with which.
    pending: VecDeque<(u64, u8)>,
    /// LF bytes before the last record.
    lines: u64,
}

impl Breaks {
    /// The line of a record whose position is `start`: line ends at its position (the
    /// previous line's) are passed over.
    fn line_at(&self, start: u64) -> u64 {
        let mut seen = self.0.borrow_mut();
        let mut at = start;
        while let Some(&(offset, byte)) = seen.pending.front() {
            if offset > at {
                break;
            }
            if offset == at {
                at += 1;
            }
            seen.lines += u64::from(byte == b'\n');
            seen.pending.pop_front();
        }
        seen.lines + 1
    }
}

/// A reader that notes where the line breaks are in what it reads.
struct Counted<R> {
    inner: R,
    at: u64,
    breaks: Breaks,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut seen = self.breaks.0.borrow_mut();
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            seen.pending.push_back((self.at + i as u64, buf[i]));
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// The top of the file's text, where the separator and the header are looked for: up to
/// `TOP_LINES` lines outside quotes, and at most 1 MiB.
fn top_text(input: &Input, decoding: Decoding) -> std::io::Result<String> {
    let text = decoded(input.raw()?, decoding)?;
    let mut top = Vec::new();
    let (mut lines, mut quoted) = (0, false);
    for byte in std::io::BufReader::new(text).bytes() {
        let byte = byte?;
        top.push(byte);
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => lines += 1,
            _ => {}
        }
        if lines > TOP_LINES || top.len() >= 1 << 20 {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&top).into_owned())
}

fn io_error(e: std::io::Error) -> FileError {
    FileError::Csv(e.to_string())
}

fn csv_error(e: &csv::Error) -> FileError {
    FileError::Csv(e.to_string())
}

/// A header name as compared with the known names: case, accents, spaces and
/// punctuation dropped ("N° locataire" → "nlocataire", "Né(e) le" → "neele").
pub fn header_key(header: &str) -> String {
    let mut key = crate::domain::parse::fold(header);
    // "Nº" is written with the ordinal indicator, a letter for Unicode.
    key.retain(|c| c != 'º' && c != 'ª');
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        let sheet = Sheet::read(bytes).unwrap();
        let mut out = Vec::new();
        sheet
            .for_each_row(|row| {
                let cells = (0..sheet.headers.len())
                    .map(|i| row.get(i).to_string())
                    .collect();
                out.push((row.line, cells));
            })
            .unwrap();
        out
    }

    #[test]
    fn lines_count_the_header_and_quoted_line_breaks() {
        for end in ["\r\n", "\n", "\r"] {
            let text = "Ref;Notes|A1;\"two|lines\"|A2;x||;;|A3;\"a;b\"|||".replace('|', end);
            let inner = if end == "\r" { "\n" } else { end };
            assert_eq!(
                rows(text.as_bytes()),
                vec![
                    (2, vec!["A1".to_string(), format!("two{inner}lines")]),
                    (4, vec!["A2".to_string(), "x".to_string()]),
                    (7, vec!["A3".to_string(), "a;b".to_string()]),
                ],
                "{end:?}"
            );
        }
    }

    #[test]
    fn blank_lines_before_the_header_are_skipped_and_sep_line_obeyed() {
        let sheet = Sheet::read(b"sep=,\n\nRef, Nom \nA1,=\"0123\"\n").unwrap();
        assert_eq!(sheet.separator, b',');
        assert_eq!(sheet.headers, vec!["Ref", "Nom"]);
        let mut seen = Vec::new();
        sheet
            .for_each_row(|r| seen.push((r.line, r.get(1).to_string())))
            .unwrap();
        assert_eq!(seen, vec![(4, "0123".to_string())]);
    }

    #[test]
    fn title_lines_above_the_header_are_passed_over_and_lines_still_counted() {
        let text = "Liste des locataires;;;\r\nExport du 01/11/2026;;;\r\n;;;\r\nRef;Nom;Prénom;Tél\r\nA1;Martin;Anne;0102030405\r\nA2;Roy;;\r\n";
        let sheet = Sheet::read(text.as_bytes()).unwrap();
        assert_eq!(sheet.headers, vec!["Ref", "Nom", "Prénom", "Tél"]);
        assert_eq!(
            sheet.title_lines,
            vec!["Liste des locataires", "Export du 01/11/2026"]
        );
        let mut seen = Vec::new();
        sheet
            .for_each_row(|r| seen.push((r.line, r.get(0).to_string())))
            .unwrap();
        assert_eq!(seen, vec![(5, "A1".to_string()), (6, "A2".to_string())]);
        // Without a title, the first line is the header, even when rows are fuller.
        let sheet = Sheet::read(b"Ref;Nom;;\nA1;Martin;x;y\n").unwrap();
        assert_eq!(sheet.headers, vec!["Ref", "Nom", "", ""]);
        assert!(sheet.title_lines.is_empty());
        // A file of one column has its header on the first line.
        let sheet = Sheet::read(b"login\nanne\n").unwrap();
        assert_eq!(sheet.headers, vec!["login"]);
    }

    /// Blank lines between rows count as lines, with either line end.
    #[test]
    fn blank_lines_between_rows_are_counted() {
        for end in ["\n", "\r\n"] {
            let text = "Ref;Nom|A1;x|||A2;y||A3;z|".replace('|', end);
            let lines: Vec<u64> = rows(text.as_bytes()).iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, [2, 5, 7], "{end:?}");
        }
    }

    /// Lines are counted across the blocks the file is read in: the last row of a file
    /// far bigger than a block is on its line.
    #[test]
    fn lines_are_counted_across_blocks() {
        use std::fmt::Write as _;
        let mut text = String::from("Ref;Nom\r\n");
        for i in 0..20_000 {
            let _ = write!(text, "A{i};\"Nom\r\nsur deux lignes\"\r\n");
        }
        let seen = rows(text.as_bytes());
        assert_eq!(seen.len(), 20_000);
        assert_eq!(seen[0].0, 2);
        assert_eq!(seen[19_999].0, 2 + 2 * 19_999);
    }

    /// A one-cell title above a header of three columns is passed over too.
    #[test]
    fn a_title_above_a_short_header_is_passed_over() {
        let sheet = Sheet::read(b"Liste du 01/11\nRef;Nom;T\xc3\xa9l\nA1;Roy;01\n").unwrap();
        assert_eq!(sheet.headers, vec!["Ref", "Nom", "Tél"]);
        assert_eq!(sheet.title_lines, vec!["Liste du 01/11"]);
    }

    #[test]
    fn an_empty_file_has_no_header() {
        assert!(matches!(Sheet::read(b""), Err(FileError::Empty)));
        assert!(matches!(Sheet::read(b"\r\n;;\r\n"), Err(FileError::Empty)));
    }

    #[test]
    fn short_rows_read_empty_and_long_rows_are_told() {
        let sheet = Sheet::read(b"a;b;c\n1\n1;2;3;4\n1;2;3;;\n").unwrap();
        let mut seen = Vec::new();
        sheet
            .for_each_row(|r| seen.push((r.get(2).to_string(), r.overflows(3))))
            .unwrap();
        assert_eq!(
            seen,
            vec![
                (String::new(), false),
                ("3".to_string(), true),
                ("3".to_string(), false)
            ]
        );
    }

    #[test]
    fn header_keys() {
        assert_eq!(header_key("N° locataire"), "nlocataire");
        assert_eq!(header_key("Nº locataire"), "nlocataire");
        assert_eq!(header_key("Né(e) le"), "neele");
        assert_eq!(header_key("  Tél. "), "tel");
    }
}
