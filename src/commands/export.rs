//! `veille export`: rows for partners as CSV (for French spreadsheet software by
//! default, or `--plain` for programs) or JSON. Every export is written in the audit
//! log before any row leaves; one with health details also names who asked.

use std::cell::RefCell;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Days, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::Context;
use super::report::day_arg;
use crate::access::Need;
use crate::cli::{CsvEncoding, ExportArgs, ExportFormat, ExportWhat};
use crate::domain::period::{self, Period};
use crate::domain::phone::Phone;
use crate::i18n::Lang;
use crate::store::{Cell, Export, StoreError, export_columns};

pub fn run(ctx: &Context, args: &ExportArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let tz = store.rules()?.tz;
    let now = ctx.clock.now();
    let what = match args.what {
        ExportWhat::Referrals => Export::Referrals,
        ExportWhat::Interventions => Export::Interventions,
        ExportWhat::Calls => Export::Calls,
        ExportWhat::Tenants => Export::Tenants,
    };
    // Exports are a coordinator's: rows about many people leave veille.
    let by = ctx.act(&store, args.operator.as_deref(), Need::Coordinator)?;
    if args.include_health && by.operator.is_none() {
        bail!(crate::tr!(
            "--include-health demande --operator ID : qui exporte des données de santé est écrit dans le journal d'audit",
            "--include-health needs --operator ID: who exports health details is written in the audit log"
        ));
    }
    let since = day_arg("--since", args.since.as_deref())?;
    let until = day_arg("--until", args.until.as_deref())?;
    if let (Some(s), Some(u)) = (since, until) {
        Period::new(s, u).map_err(anyhow::Error::msg)?;
    }
    let from = since.map(|d| period::start_of(d, tz));
    let to = until.map(|d| period::start_of(d + Days::new(1), tz));

    let writer = match args.format {
        ExportFormat::Json => {
            if args.plain || args.separator.is_some() || args.encoding.is_some() {
                bail!(crate::tr!(
                    "--plain, --separator et --encoding sont pour le CSV ; le JSON est toujours en UTF-8 avec des dates ISO",
                    "--plain, --separator and --encoding are for CSV; JSON is always UTF-8 with ISO dates"
                ));
            }
            Writer::Json { first: true }
        }
        ExportFormat::Csv => Writer::Csv(CsvStyle::from_args(args, ctx.language())?),
    };

    let destination = match &args.output {
        Some(p) => std::path::absolute(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
        None => "standard output".into(),
    };
    let days = match (since, until) {
        (None, None) => "all".to_string(),
        (s, u) => format!(
            "{} to {}",
            s.map_or("the start".into(), |d| d.format("%d/%m/%Y").to_string()),
            u.map_or("today".into(), |d| d.format("%d/%m/%Y").to_string())
        ),
    };
    let health = if args.include_health {
        "with health details"
    } else {
        "without health details"
    };
    let details = format!("{days}, {}, {health}, to {destination}", writer.describe());
    let operator_id = by.id();
    let columns = export_columns(what, args.include_health);
    // Logged once the output is open (a bad path leaves no line) and before any row leaves.
    let mut emit = |out: &mut dyn Write| -> Result<(u64, u64)> {
        store.record_export(operator_id, what, args.include_health, &details, now)?;
        write_all(&store, what, from, to, args, &columns, writer, tz, out)
    };
    let (rows, replaced) = if let Some(path) = &args.output {
        write_file(path, emit)?
    } else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let done = emit(&mut out).and_then(|done| Ok(out.flush().map(|()| done)?));
        match done {
            // The reader stopped early (`| head`): what it read was right.
            Err(e) if is_broken_pipe(&e) => return Ok(()),
            other => other?,
        }
    };
    if replaced > 0 {
        eprintln!(
            "veille: {}",
            crate::tr!(
                "{replaced} caractère(s) n'existent pas en Windows-1252 et ont été écrits « ? » ; \
                 utilisez --encoding utf8-bom pour les garder",
                "{replaced} character(s) have no Windows-1252 form and were written as '?'; \
                 use --encoding utf8-bom to keep them"
            )
        );
    }
    if let Some(path) = &args.output {
        let path = super::printable(&path.display().to_string());
        let what = match (crate::i18n::cli_lang(), what) {
            (Lang::En, what) => what.code(),
            (Lang::Fr, Export::Referrals) => "orientations",
            (Lang::Fr, Export::Interventions) => "interventions",
            (Lang::Fr, Export::Calls) => "appels",
            (Lang::Fr, Export::Tenants) => "locataires",
        };
        tell!(
            "{rows} {what} écrits dans {path}.",
            "{rows} {what} written to {path}."
        );
        if args.include_health {
            tell!(
                "Il contient des données de santé : gardez-le en lieu sûr. L'export est inscrit au journal d'audit.",
                "It holds health details: keep it safe. The export is recorded in the audit log."
            );
        }
    }
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Writes through a temporary file beside `path`, readable by its owner only, renamed
/// into place once complete: a failed export never leaves half a file.
fn write_file<T>(path: &Path, f: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    use std::os::unix::fs::OpenOptionsExt;
    let name = path.file_name().with_context(|| {
        crate::tr!(
            "--output {} n'est pas un nom de fichier",
            "--output {} is not a file name",
            super::printable(&path.display().to_string())
        )
    })?;
    let mut part_name = name.to_os_string();
    part_name.push(".part");
    let part: PathBuf = path.with_file_name(part_name);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&part)
        .with_context(|| cannot_write(&part))?;
    let mut out = BufWriter::new(file);
    let result = f(&mut out).and_then(|v| {
        out.flush()?;
        out.get_ref().sync_all()?;
        Ok(v)
    });
    drop(out);
    match result {
        Ok(v) => {
            std::fs::rename(&part, path).with_context(|| cannot_write(path))?;
            Ok(v)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

fn cannot_write(path: &Path) -> String {
    let path = super::printable(&path.display().to_string());
    crate::tr!("impossible d'écrire {path}", "cannot write {path}")
}

#[allow(clippy::too_many_arguments)]
fn write_all(
    store: &crate::store::Store,
    what: Export,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    args: &ExportArgs,
    columns: &[&str],
    mut writer: Writer,
    tz: Tz,
    out: &mut dyn Write,
) -> Result<(u64, u64)> {
    let mut replaced = 0;
    let mut csv_row = csv_buffer(writer);
    writer.start(columns, out, &mut csv_row, &mut replaced)?;
    let rows = store.export(what, from, to, args.include_health, |cells| {
        writer
            .row(columns, cells, tz, out, &mut csv_row, &mut replaced)
            .map_err(ExportError::from)
    });
    let rows = rows.map_err(|e| match e {
        ExportError::Store(e) => anyhow::Error::from(e),
        ExportError::Io(e) => anyhow::Error::from(e).context(crate::tr!(
            "l'export n'a pas pu être écrit",
            "the export could not be written"
        )),
    })?;
    writer.finish(out)?;
    Ok((rows, replaced))
}

/// Errors while streaming: reading the database or writing the output.
enum ExportError {
    Store(StoreError),
    Io(std::io::Error),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Io(e)
    }
}

/// How a CSV is spelt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    pub separator: u8,
    pub encoding: CsvEncoding,
    /// For spreadsheet software: headers and closed lists in the reader's language,
    /// local dd/mm/yyyy times, oui/non, phones with spaces, and typed text that starts
    /// like a formula is kept as text.
    pub spreadsheet: bool,
    /// The language of a spreadsheet's headers and names.
    pub lang: Lang,
}

impl CsvStyle {
    fn from_args(args: &ExportArgs, lang: Lang) -> Result<CsvStyle> {
        let separator = match args.separator.as_deref() {
            None if args.plain => b',',
            None => b';',
            Some(";") => b';',
            Some(",") => b',',
            Some("|") => b'|',
            Some("tab" | "\t" | "\\t") => b'\t',
            Some(other) => bail!(crate::tr!(
                "--separator « {other} » n'est pas l'un de ';' ',' 'tab' '|'",
                "--separator '{other}' is not one of ';' ',' 'tab' '|'"
            )),
        };
        let encoding = args.encoding.unwrap_or(if args.plain {
            CsvEncoding::Utf8
        } else {
            CsvEncoding::Utf8Bom
        });
        Ok(CsvStyle {
            separator,
            encoding,
            spreadsheet: !args.plain,
            lang,
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Writer {
    Csv(CsvStyle),
    Json { first: bool },
}

/// Bytes the csv writer has produced and `flush_csv` has not yet passed on.
#[derive(Clone, Default)]
struct Pending(Rc<RefCell<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The csv writer (quoting, separators) and the bytes it has written.
struct CsvBuffer {
    writer: csv::Writer<Pending>,
    pending: Pending,
}

fn csv_buffer(writer: Writer) -> CsvBuffer {
    let (separator, crlf) = match writer {
        Writer::Csv(s) => (s.separator, s.spreadsheet),
        Writer::Json { .. } => (b',', false),
    };
    let pending = Pending::default();
    let writer = csv::WriterBuilder::new()
        .delimiter(separator)
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(pending.clone());
    CsvBuffer { writer, pending }
}

impl Writer {
    fn describe(self) -> String {
        match self {
            Writer::Json { .. } => "json".into(),
            Writer::Csv(s) => format!(
                "csv ({}, separator '{}', {})",
                if s.spreadsheet {
                    "spreadsheet"
                } else {
                    "plain"
                },
                if s.separator == b'\t' {
                    "tab".to_string()
                } else {
                    char::from(s.separator).to_string()
                },
                match s.encoding {
                    CsvEncoding::Utf8Bom => "utf8-bom",
                    CsvEncoding::Utf8 => "utf8",
                    CsvEncoding::Windows1252 => "windows-1252",
                }
            ),
        }
    }

    fn start(
        &mut self,
        columns: &[&str],
        out: &mut dyn Write,
        buf: &mut CsvBuffer,
        replaced: &mut u64,
    ) -> std::io::Result<()> {
        match self {
            Writer::Json { .. } => out.write_all(b"["),
            Writer::Csv(style) => {
                if style.encoding == CsvEncoding::Utf8Bom {
                    out.write_all("\u{feff}".as_bytes())?;
                }
                if style.spreadsheet {
                    buf.writer
                        .write_record(columns.iter().map(|c| header(c, style.lang)))?;
                } else {
                    buf.writer.write_record(columns)?;
                }
                flush_csv(*style, buf, out, replaced)
            }
        }
    }

    fn row(
        &mut self,
        columns: &[&str],
        cells: &[Cell],
        tz: Tz,
        out: &mut dyn Write,
        buf: &mut CsvBuffer,
        replaced: &mut u64,
    ) -> std::io::Result<()> {
        match self {
            Writer::Json { first } => {
                let mut object = String::from(if *first { "\n  {" } else { ",\n  {" });
                *first = false;
                for (i, (name, cell)) in columns.iter().zip(cells).enumerate() {
                    if i > 0 {
                        object.push_str(", ");
                    }
                    object.push_str(&serde_json::to_string(name)?);
                    object.push_str(": ");
                    object.push_str(&json_value(cell)?);
                }
                object.push('}');
                out.write_all(object.as_bytes())
            }
            Writer::Csv(style) => {
                buf.writer
                    .write_record(cells.iter().map(|c| csv_value(c, *style, tz)))?;
                flush_csv(*style, buf, out, replaced)
            }
        }
    }

    fn finish(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Writer::Json { first: true } => out.write_all(b"]\n"),
            Writer::Json { first: false } => out.write_all(b"\n]\n"),
            Writer::Csv(_) => Ok(()),
        }
    }
}

/// Moves the CSV bytes written so far to `out`, in the chosen encoding.
fn flush_csv(
    style: CsvStyle,
    buf: &mut CsvBuffer,
    out: &mut dyn Write,
    replaced: &mut u64,
) -> std::io::Result<()> {
    buf.writer.flush()?;
    let mut bytes = buf.pending.0.borrow_mut();
    match style.encoding {
        CsvEncoding::Windows1252 => {
            // The csv writer only ever received UTF-8 strings.
            let text = String::from_utf8_lossy(&bytes);
            let (encoded, n) = windows_1252(&text);
            *replaced += n;
            out.write_all(&encoded)?;
        }
        CsvEncoding::Utf8 | CsvEncoding::Utf8Bom => out.write_all(&bytes)?,
    }
    bytes.clear();
    Ok(())
}

/// `text` in Windows-1252, each character it cannot hold written as '?'. Returns the
/// bytes and how many characters were replaced.
pub fn windows_1252(text: &str) -> (Vec<u8>, u64) {
    use encoding_rs::EncoderResult;
    let mut encoder = encoding_rs::WINDOWS_1252.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    let mut replaced = 0;
    loop {
        let mut chunk = vec![
            0u8;
            encoder
                .max_buffer_length_from_utf8_without_replacement(rest.len())
                .unwrap_or(rest.len() * 4)
                .max(4)
        ];
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut chunk, true);
        out.extend_from_slice(&chunk[..written]);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return (out, replaced),
            EncoderResult::Unmappable(_) => {
                out.push(b'?');
                replaced += 1;
            }
            EncoderResult::OutputFull => {}
        }
    }
}

fn csv_value(cell: &Cell, style: CsvStyle, tz: Tz) -> String {
    let sheet = style.spreadsheet;
    match cell {
        Cell::Null => String::new(),
        Cell::Int(n) => n.to_string(),
        Cell::Bool(b) if sheet => style
            .lang
            .t(if *b { "export.yes" } else { "export.no" })
            .into(),
        Cell::Bool(b) => b.to_string(),
        Cell::Code(s) => s.clone(),
        Cell::Named(list, codes) if sheet => codes
            .split(',')
            .map(|code| style.lang.lookup(&format!("{list}.{code}")).unwrap_or(code))
            .collect::<Vec<_>>()
            .join(", "),
        Cell::Named(_, code) => code.clone(),
        Cell::Text(s) if sheet => as_text(s),
        Cell::Text(s) => s.clone(),
        Cell::Phone(p) if sheet => Phone::from_stored(p).display(),
        Cell::Phone(p) => p.clone(),
        Cell::Day(d) if sheet => d.format("%d/%m/%Y").to_string(),
        Cell::Day(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Instant(t) if sheet => t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string(),
        Cell::Instant(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    }
}

/// A column's header for people: its name in `lang` (`export.last_name` in
/// assets/i18n), the column's code when it has none.
fn header(column: &str, lang: Lang) -> &str {
    lang.lookup(&format!("export.{column}")).unwrap_or(column)
}

/// Typed text that a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) is
/// kept as text by a leading apostrophe, as spreadsheet software itself does.
fn as_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn json_value(cell: &Cell) -> serde_json::Result<String> {
    match cell {
        Cell::Null => Ok("null".into()),
        Cell::Int(n) => Ok(n.to_string()),
        Cell::Bool(b) => Ok(b.to_string()),
        Cell::Code(s) | Cell::Named(_, s) | Cell::Text(s) | Cell::Phone(s) => {
            serde_json::to_string(s)
        }
        Cell::Day(d) => serde_json::to_string(&d.format("%Y-%m-%d").to_string()),
        Cell::Instant(t) => serde_json::to_string(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_keeps_french_letters_and_replaces_the_rest() {
        let (bytes, replaced) = windows_1252("Hélène Œuvre – 5 € ✓");
        assert_eq!(replaced, 1);
        let (back, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
        assert!(!bad);
        assert_eq!(back, "Hélène Œuvre – 5 € ?");
        assert_eq!(bytes[1], 0xE9, "é is one byte");
    }

    #[test]
    fn text_that_looks_like_a_formula_stays_text_in_spreadsheets() {
        assert_eq!(as_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(as_text("-3 étage"), "'-3 étage");
        assert_eq!(as_text("Dupont"), "Dupont");
        let style = CsvStyle {
            separator: b';',
            encoding: CsvEncoding::Utf8Bom,
            spreadsheet: true,
            lang: Lang::Fr,
        };
        let tz = chrono_tz::Europe::Paris;
        assert_eq!(
            csv_value(&Cell::Phone("0612345678".into()), style, tz),
            "06 12 34 56 78"
        );
        let plain = CsvStyle {
            spreadsheet: false,
            ..style
        };
        assert_eq!(csv_value(&Cell::Text("=1+1".into()), plain, tz), "=1+1");
        assert_eq!(
            csv_value(&Cell::Phone("+441234567890".into()), plain, tz),
            "+441234567890"
        );
    }

    #[test]
    fn a_spreadsheet_names_every_column_and_closed_list_in_its_readers_language() {
        use crate::store::{Export, export_columns};
        for lang in Lang::ALL {
            for what in [
                Export::Referrals,
                Export::Interventions,
                Export::Calls,
                Export::Tenants,
            ] {
                let columns = export_columns(what, true);
                let headers: std::collections::BTreeSet<&str> =
                    columns.iter().map(|c| header(c, lang)).collect();
                assert_eq!(headers.len(), columns.len(), "{what:?} {lang:?}: twice");
                for c in &columns {
                    assert_ne!(header(c, lang), *c, "{what:?} {lang:?}: {c} has no header");
                }
            }
        }
        let tz = chrono_tz::Europe::Paris;
        let sheet = |lang| CsvStyle {
            separator: b';',
            encoding: CsvEncoding::Utf8Bom,
            spreadsheet: true,
            lang,
        };
        let needs = Cell::Named("need", "food,health".into());
        assert_eq!(
            csv_value(&needs, sheet(Lang::Fr), tz),
            "Alimentation, Santé"
        );
        assert_eq!(csv_value(&needs, sheet(Lang::En), tz), "Food, Health");
        let plain = CsvStyle {
            spreadsheet: false,
            ..sheet(Lang::En)
        };
        assert_eq!(csv_value(&needs, plain, tz), "food,health");
        assert_eq!(csv_value(&Cell::Bool(true), sheet(Lang::Fr), tz), "oui");
        assert_eq!(csv_value(&Cell::Bool(false), sheet(Lang::En), tz), "no");
        assert_eq!(csv_value(&Cell::Bool(false), plain, tz), "false");
        // A code no name is known for stays as it is rather than becoming "?".
        let odd = Cell::Named("outcome", "from_an_older_veille".into());
        assert_eq!(csv_value(&odd, sheet(Lang::Fr), tz), "from_an_older_veille");
    }
}
