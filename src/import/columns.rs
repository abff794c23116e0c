//! Which column of a list gives which field: the map both importers build from the
//! header line, and the cells and problems read through it.

use super::names::NameOrder;
use super::sheet::{Row, Sheet, header_key};
use super::{Layout, Problem};

/// The longest cell read: a note of a page and a half. Screens show no more of a text.
pub const CELL_CHARS: usize = 2000;

/// What a column of a list can hold (each list has its own fields).
pub(super) trait Field: Copy + Eq {
    /// What veille reads in the column, for the import report.
    fn describe(self) -> &'static str;
}

/// What a list's own rules make of one column.
pub(super) enum Place<F> {
    /// A column veille does not know.
    Unknown,
    /// A column naming what another one already gives: what that is, for the report.
    Repeats(&'static str),
    /// The column gives this field.
    Gives(F),
}

/// Which column holds each field, with their headers as written.
pub(super) struct Columns<'h, F> {
    /// Each field given, with the index of its column.
    given: Vec<(F, usize)>,
    headers: &'h [String],
    /// How the words of a one-cell name are ordered.
    pub name_order: NameOrder,
}

impl<'h, F: Field> Columns<'h, F> {
    /// Maps each column with a header, in order, to what `place` makes of its header
    /// key (see `header_key`), given the columns mapped before it.
    pub fn map(
        sheet: &'h Sheet,
        mut place: impl FnMut(&str, &Columns<'h, F>) -> Place<F>,
    ) -> (Columns<'h, F>, Layout) {
        let headers = &sheet.headers;
        let mut columns = Columns {
            given: Vec::new(),
            headers,
            name_order: NameOrder::CaseOnly,
        };
        let mut layout = Layout {
            encoding: sheet.encoding,
            separator: sheet.separator,
            used: Vec::new(),
            ignored: Vec::new(),
            repeated: Vec::new(),
            rows: 0,
            title_lines: sheet.title_lines.clone(),
        };
        for (i, header) in headers.iter().enumerate() {
            let key = header_key(header);
            if key.is_empty() {
                continue;
            }
            match place(&key, &columns) {
                Place::Unknown => layout.ignored.push(header.clone()),
                Place::Repeats(what) => layout.repeated.push((header.clone(), what)),
                Place::Gives(field) => {
                    columns.given.push((field, i));
                    layout.used.push((header.clone(), field.describe()));
                }
            }
        }
        (columns, layout)
    }

    /// The index of the column giving `field`.
    pub fn at(&self, field: F) -> Option<usize> {
        self.given
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| *i)
    }

    pub fn has(&self, field: F) -> bool {
        self.at(field).is_some()
    }

    /// The header of the column giving `field`, as written; empty without one.
    pub fn header(&self, field: F) -> &'h str {
        self.at(field).map_or("", |i| self.headers[i].as_str())
    }

    /// The cell of `row` giving `field`; empty without a column for it.
    pub fn cell<'r>(&self, row: &Row<'r>, field: F) -> &'r str {
        self.at(field).map_or("", |i| row.get(i))
    }

    /// A problem of `row` in the column giving `field`.
    pub fn problem(&self, row: &Row, field: F, reason: String) -> Problem {
        Problem {
            line: row.line,
            column: self.header(field).to_string(),
            reason,
        }
    }

    /// The problems of the cells veille reads in `row`: a control character (NUL, an
    /// escape sequence; tabs and line breaks in a note are kept), or a cell longer than
    /// `CELL_CHARS`. Nothing in a spreadsheet's cell is either.
    pub fn cell_problems(&self, row: &Row) -> Vec<Problem> {
        let mut out = Vec::new();
        for &(field, i) in &self.given {
            let text = row.get(i);
            let reason = if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            {
                "holds a control character (a NUL byte or an escape sequence): the file \
                 is damaged or not a spreadsheet's export"
                    .to_string()
            } else if text.contains('\u{FFFD}') {
                "holds a damaged character (shown as \u{FFFD}): the file is UTF-8 but this \
                 line has a byte that is not; correct the cell and save the file again as \
                 \"CSV UTF-8\""
                    .to_string()
            } else if text.chars().nth(CELL_CHARS).is_some() {
                format!(
                    "is {} characters long: a cell holds at most {CELL_CHARS}",
                    text.chars().count()
                )
            } else {
                continue;
            };
            out.push(self.problem(row, field, reason));
        }
        out
    }

    /// The problem of a row with more values than the header has columns, if it has.
    pub fn overflow(&self, row: &Row) -> Option<Problem> {
        row.overflows(self.headers.len()).then(|| Problem {
            line: row.line,
            column: String::new(),
            reason: "this row has more values than the first line has columns (a value \
                     holding the separator without quotes around it?)"
                .into(),
        })
    }
}

#[cfg(test)]
impl<F: Field> Columns<'_, F> {
    /// The field the column at `index` gives.
    pub fn field_at(&self, index: usize) -> Option<F> {
        self.given
            .iter()
            .find(|(_, i)| *i == index)
            .map(|(f, _)| *f)
    }
}
