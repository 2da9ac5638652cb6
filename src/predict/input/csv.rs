//! CSV: a header row with a `text` column and optionally `id`, then one record per row. A
//! quote left open in the last record swallows the rest of the file; that record becomes a skip.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::{decode, generated_id, InputFields, Item, Record, Skip};
use crate::error::{Error, Location, Result};
use crate::util::quote::{unclosed_quote, QuoteScanner, UnclosedQuote};

const READ_BUFFER: usize = 1 << 20;

/// An open CSV file or stream, its header read.
pub(super) struct CsvInput {
    path: PathBuf,
    reader: Box<csv::Reader<Scanned>>,
    /// The `text` column.
    text: usize,
    /// The `id` column, if any.
    id: Option<usize>,
    /// The columns to keep.
    keep: Vec<usize>,
    /// The last record read, held back until the next one shows it was not cut short by
    /// an unclosed quote: (item, byte offset, line).
    held: Option<(Item, u64, u64)>,
    /// The file can be read again to look for an unclosed quote at its end; a stream
    /// cannot, and its quotes are followed as it is read instead ([`Scanned`]).
    rescan: bool,
}

impl CsvInput {
    /// Opens a CSV and reads its header; `None` (with a warning) for an empty file.
    pub(super) fn open(
        path: PathBuf,
        reader: Box<dyn Read>,
        rescan: bool,
        fields: &InputFields,
        warnings: &mut Vec<String>,
    ) -> Result<Option<CsvInput>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(Scanned {
            inner: BufReader::with_capacity(READ_BUFFER, reader),
            quotes: (!rescan).then(QuoteScanner::default),
        });
        let headers = reader.byte_headers().map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => Error::io(&path, e),
            other => Error::input(
                Location::line(&path, 1),
                format!("cannot read the CSV header: {other:?}"),
                "the first line must be a header with a 'text' column",
            ),
        })?;
        let clean =
            |h: &[u8]| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string();
        let names: Vec<String> = headers.iter().map(clean).collect();
        if names.iter().all(String::is_empty) && reader.is_done() {
            warnings.push(format!("{}: empty file, no records", path.display()));
            return Ok(None);
        }
        let header = || crate::util::shorten(&names.join(", "), 200);
        let Some(text) = names.iter().position(|h| *h == fields.text) else {
            return Err(Error::input(
                Location::line(&path, 1),
                format!("no '{}' column in the header ({})", fields.text, header()),
                "the first line must be a header row (e.g. id,text); name the column holding the articles 'text', or give its name with --text-column",
            ));
        };
        let id = names.iter().position(|h| h == "id");
        let mut keep = Vec::with_capacity(fields.keep.len());
        for name in &fields.keep {
            let Some(i) = names.iter().position(|h| h == name) else {
                return Err(Error::input(
                    Location::line(&path, 1),
                    format!("no '{name}' column to keep in the header ({})", header()),
                    "--keep takes column names of the header, separated by commas",
                ));
            };
            keep.push(i);
        }
        Ok(Some(CsvInput { path, reader: Box::new(reader), text, id, keep, held: None, rescan }))
    }

    /// The next record or skip; `None` at the end. Each record is held back until the next one
    /// is read, so that the last one can be checked for a quote that is never closed.
    pub(super) fn next_item(
        &mut self,
        record: &mut csv::ByteRecord,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Item>> {
        loop {
            if !self.read(record)? {
                return Ok(self
                    .held
                    .take()
                    .map(|(item, byte, line)| self.check_last(item, byte, line)));
            }
            let (byte, line) = record.position().map_or((0, 0), |p| (p.byte(), p.line()));
            let location = Location::line(&self.path, line);
            let item = csv_item(record, self.text, self.id, &self.keep, location, warnings);
            if let Some((item, _, _)) = self.held.replace((item, byte, line)) {
                return Ok(Some(item));
            }
        }
    }

    /// Reads the next record into `record`; false at the end.
    fn read(&mut self, record: &mut csv::ByteRecord) -> Result<bool> {
        let path = &self.path;
        self.reader.read_byte_record(record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            let cause = match e.into_kind() {
                csv::ErrorKind::Io(e) => return Error::io(path, e),
                other => format!("{other:?}"),
            };
            Error::input(
                Location::line(path, line),
                format!("cannot parse CSV: {cause}"),
                "check quoting near this line: a quote opened in a cell must be closed",
            )
        })
    }

    /// The last record (`item`, read from `byte` on `line`), or the skip that replaces it when
    /// a quote opened in it is never closed.
    fn check_last(&self, item: Item, byte: u64, line: u64) -> Item {
        if self.rescan {
            return check_last_csv_record(&self.path, item, byte, line);
        }
        // The whole stream went through the scanner: a quote still open at its end, opened in
        // the last record, swallowed the rest.
        let quotes = self.reader.get_ref().quotes.as_ref();
        match quotes.and_then(QuoteScanner::finish) {
            Some((q, at)) if at >= byte => {
                unclosed_quote_skip(&self.path, item, line, q.line_offset + 1, &q)
            }
            _ => item,
        }
    }
}

/// The bytes of a CSV on their way to the parser, followed by a [`QuoteScanner`] when the
/// input is a stream that cannot be read again to look for an unclosed quote at its end.
struct Scanned {
    inner: BufReader<Box<dyn Read>>,
    quotes: Option<QuoteScanner>,
}

impl Read for Scanned {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(quotes) = &mut self.quotes {
            quotes.feed(&buf[..n]);
        }
        Ok(n)
    }
}

/// Reads the last record of a CSV file again from its first byte: when a quote opened in it is
/// never closed, the record swallowed the rest of the file and becomes a skip.
fn check_last_csv_record(path: &Path, item: Item, byte: u64, line: u64) -> Item {
    use std::io::{Seek, SeekFrom};
    let tail = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(byte))?;
        let mut tail = Vec::new();
        f.read_to_end(&mut tail)?;
        Ok(tail)
    });
    let Ok(tail) = tail else { return item };
    match unclosed_quote(&tail).filter(|q| q.record_offset == 0) {
        None => item,
        Some(q) => unclosed_quote_skip(path, item, line, line + q.line_offset, &q),
    }
}

/// The skip that replaces `item`, the last record of a CSV (read from `line`), whose cell
/// opened by a quote on `quote_line` is never closed.
fn unclosed_quote_skip(
    path: &Path,
    item: Item,
    line: u64,
    quote_line: u64,
    q: &UnclosedQuote,
) -> Item {
    let id = match &item {
        Item::Record(r) => r.id.clone(),
        Item::Skip(s) => s.id.clone().unwrap_or_default(),
    };
    Item::Skip(Skip {
        id: Some(id).filter(|id| !id.starts_with(&format!("{}:", path.display()))),
        origin: Location::line(path, line),
        reason: format!(
            "a quote opened in cell {} on line {} is never closed, so the {} line(s) from there to the end of the file were read as one cell; close the quote and score this file again",
            q.field,
            quote_line,
            q.lines
        ),
    })
}

fn csv_item(
    record: &csv::ByteRecord,
    text: usize,
    id: Option<usize>,
    keep: &[usize],
    origin: Location,
    warnings: &mut Vec<String>,
) -> Item {
    let id = id
        .and_then(|i| record.get(i))
        .map(|b| String::from_utf8_lossy(b).trim().to_string())
        .filter(|s| !s.is_empty());
    let skip = |id: Option<String>, reason: String| {
        Item::Skip(Skip { id, origin: origin.clone(), reason })
    };
    let Some(body) = record.get(text) else {
        return skip(id, format!("row has {} fields, no 'text' cell", record.len()));
    };
    if memchr::memchr(0, body).is_some() {
        return skip(id, "binary data (NUL bytes) in the 'text' cell".into());
    }
    let body = decode(body.to_vec(), &origin, warnings);
    if body.trim().is_empty() {
        return skip(id, "empty 'text' cell".into());
    }
    let id = id.unwrap_or_else(|| generated_id(&origin));
    // A row shorter than the header has no value for the columns past its end: null.
    let kept = keep
        .iter()
        .map(|&i| match record.get(i) {
            Some(b) => serde_json::Value::String(String::from_utf8_lossy(b).into_owned()),
            None => serde_json::Value::Null,
        })
        .collect();
    Item::Record(Record { id, text: body, origin, kept })
}
