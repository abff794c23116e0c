//! A CSV file as spreadsheets write it: the header line, then the rows, each with the
//! physical line it starts on (a quoted value may span lines).

use csv::StringRecord;

use super::FileError;
use super::decode::{Encoding, decode, sep_line, separator};

pub struct Sheet {
    text: String,
    pub encoding: Encoding,
    pub separator: u8,
    /// The column names as written on the header line, trimmed.
    pub headers: Vec<String>,
    /// Records before the first row: the header, and Excel's `sep=` line if any.
    skip: usize,
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
    /// Decodes the file, finds its separator and reads the header line (the first
    /// line that is not blank).
    pub fn read(bytes: &[u8]) -> Result<Sheet, FileError> {
        let (text, encoding) = decode(bytes);
        let separator = separator(&text);
        let mut sheet = Sheet {
            skip: usize::from(sep_line(&text).is_some()),
            text,
            encoding,
            separator,
            headers: Vec::new(),
        };
        let mut skip = sheet.skip;
        let mut reader = sheet.reader();
        let mut record = StringRecord::new();
        for _ in 0..skip {
            reader.read_record(&mut record).map_err(csv_error)?;
        }
        loop {
            if !reader.read_record(&mut record).map_err(csv_error)? {
                return Err(FileError::Empty);
            }
            skip += 1;
            if !blank(&record) {
                break;
            }
        }
        drop(reader);
        sheet.skip = skip;
        sheet.headers = record.iter().map(|h| cell(h).to_string()).collect();
        Ok(sheet)
    }

    fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .delimiter(self.separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(self.text.as_bytes())
    }

    /// Calls `f` with each row after the header, skipping blank rows and rows of
    /// separators only. One record is reused for the whole file.
    pub fn for_each_row(&self, mut f: impl FnMut(&Row)) -> Result<(), FileError> {
        let mut reader = self.reader();
        let mut record = StringRecord::new();
        for _ in 0..self.skip {
            reader.read_record(&mut record).map_err(csv_error)?;
        }
        // The reader's own line count lags by one after a CRLF, so lines are counted
        // here from the byte where each record starts.
        let bytes = self.text.as_bytes();
        let (mut line, mut counted) = (1u64, 0usize);
        while reader.read_record(&mut record).map_err(csv_error)? {
            if blank(&record) {
                continue;
            }
            let mut start = record.position().map_or(0, |p| p.byte() as usize);
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            let start = start.max(counted);
            line += bytes[counted..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted = start;
            f(&Row {
                line,
                record: &record,
            });
        }
        Ok(())
    }
}

fn csv_error(e: csv::Error) -> FileError {
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
