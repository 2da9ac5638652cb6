//! CSV: a header row with a `text` column and optionally `id`, then one record per row. A
//! quote left open in the last record swallows the rest of the file; that record becomes a skip.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::{decode, generated_id, InputFields, Item, Record, Skip};
use crate::error::{Error, Location, Result};
use crate::util::lines::LineCounter;
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
    /// Set when a record over the size limit ended the reading of the file: its skip, given
    /// out after the record held before it.
    too_long: Option<Item>,
    /// Nothing more is read from the file.
    done: bool,
}

/// The columns of the header `names` to read: the text column, `id` if any, and the columns
/// to keep, in `fields.keep`'s order. A missing text or kept column, or a text or `id` column
/// named twice, is an error at line 1.
fn header_columns(
    path: &Path,
    names: &[String],
    fields: &InputFields,
) -> Result<(usize, Option<usize>, Vec<usize>)> {
    let header = || crate::util::shorten(&names.join(", "), 200);
    let Some(text) = names.iter().position(|h| *h == fields.text) else {
        return Err(Error::input(
            Location::line(path, 1),
            format!("no '{}' column in the header ({})", fields.text, header()),
            "the first line must be a header row (e.g. id,text); name the column holding the articles 'text', or give its name with --text-column",
        ));
    };
    for name in [fields.text.as_str(), "id"] {
        let at: Vec<usize> = (0..names.len()).filter(|&i| names[i] == name).collect();
        if at.len() > 1 {
            return Err(Error::input(
                Location::line(path, 1).with_column(at[1] as u64 + 1),
                format!(
                    "the header names the '{name}' column twice (columns {} and {})",
                    at[0] + 1,
                    at[1] + 1
                ),
                format!("rename or delete one of the two '{name}' columns; which one to read would be a guess"),
            ));
        }
    }
    let id = names.iter().position(|h| h == "id");
    let mut keep = Vec::with_capacity(fields.keep.len());
    for name in &fields.keep {
        let Some(i) = names.iter().position(|h| h == name) else {
            return Err(Error::input(
                Location::line(path, 1),
                format!("no '{name}' column to keep in the header ({})", header()),
                "--keep takes column names of the header, separated by commas",
            ));
        };
        keep.push(i);
    }
    Ok((text, id, keep))
}

impl CsvInput {
    /// Opens a CSV and reads its header; `None` (with a warning) for an empty file.
    pub(super) fn open(
        path: PathBuf,
        reader: Box<dyn Read>,
        rescan: bool,
        fields: &InputFields,
        max_record: u64,
        warnings: &mut Vec<String>,
    ) -> Result<Option<CsvInput>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(Scanned {
            inner: BufReader::with_capacity(READ_BUFFER, reader),
            quotes: (!rescan).then(QuoteScanner::default),
            lines: LineCounter::default(),
            fed: 0,
            record_start: 0,
            max_record,
        });
        let headers = reader.byte_headers().map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) if is_too_long(&e) => Error::input(
                Location::line(&path, 1),
                format!("the header line is longer than the limit of {max_record} bytes (--max-record-bytes)"),
                "give a CSV whose first line is a header row (e.g. id,text); raise --max-record-bytes if the header really is that long",
            ),
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
        let (text, id, keep) = header_columns(&path, &names, fields)?;
        let start = reader.position().byte();
        reader.get_mut().record_start = start;
        Ok(Some(CsvInput {
            path,
            reader: Box::new(reader),
            text,
            id,
            keep,
            held: None,
            rescan,
            too_long: None,
            done: false,
        }))
    }

    /// The next record or skip; `None` at the end. Each record is held back until the next one
    /// is read, so that the last one can be checked for a quote that is never closed.
    pub(super) fn next_item(
        &mut self,
        record: &mut csv::ByteRecord,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Item>> {
        loop {
            if self.done {
                return Ok(self.too_long.take());
            }
            let read = match self.read(record) {
                Err(TooLong::Record(line)) => {
                    // The parser is lost in the middle of the record: the file ends here.
                    self.done = true;
                    let max = self.reader.get_ref().max_record;
                    self.too_long = Some(Item::Skip(Skip {
                        id: None,
                        origin: Location::line(&self.path, line),
                        reason: format!(
                            "{}; the rest of the file was not read",
                            super::too_long("a CSV record", None, max)
                        ),
                    }));
                    return Ok(self
                        .held
                        .take()
                        .map(|(item, _, _)| item)
                        .or_else(|| self.too_long.take()));
                }
                Err(TooLong::Error(e)) => return Err(e),
                Ok(read) => read,
            };
            if !read {
                return Ok(self
                    .held
                    .take()
                    .map(|(item, byte, line)| self.check_last(item, byte, line)));
            }
            let byte = record.position().map_or(0, |p| p.byte());
            // Physical lines: LF, CRLF and a lone CR each end one (the parser counts LFs only).
            let line = self.reader.get_mut().lines.line_of(byte);
            let next = self.reader.position().byte();
            let scanned = self.reader.get_mut();
            scanned.record_start = next;
            let max = scanned.max_record;
            let location = Location::line(&self.path, line);
            if next.saturating_sub(byte) > max {
                // Read whole within the reader's buffer: skipped all the same, reading goes on.
                let item = Item::Skip(Skip {
                    id: None,
                    origin: location,
                    reason: super::too_long("a CSV record", Some(next - byte), max),
                });
                if let Some((item, _, _)) = self.held.replace((item, byte, line)) {
                    return Ok(Some(item));
                }
                continue;
            }
            let item = csv_item(record, self.text, self.id, &self.keep, location, warnings);
            if let Some((item, _, _)) = self.held.replace((item, byte, line)) {
                return Ok(Some(item));
            }
        }
    }

    /// Reads the next record into `record`; false at the end.
    fn read(&mut self, record: &mut csv::ByteRecord) -> Result<bool, TooLong> {
        let path = &self.path;
        let result = self.reader.read_byte_record(record);
        let start = self.reader.get_ref().record_start;
        result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            let cause = match e.into_kind() {
                csv::ErrorKind::Io(e) if is_too_long(&e) => {
                    return TooLong::Record(self.reader.get_mut().lines.line_of(start))
                }
                csv::ErrorKind::Io(e) => return TooLong::Error(Error::io(path, e)),
                other => format!("{other:?}"),
            };
            TooLong::Error(Error::input(
                Location::line(path, line),
                format!("cannot parse CSV: {cause}"),
                "check quoting near this line: a quote opened in a cell must be closed",
            ))
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

/// Why reading a record failed.
enum TooLong {
    /// The record starting on this line is longer than the limit.
    Record(u64),
    /// Any other failure.
    Error(Error),
}

/// The marker of the I/O error [`Scanned`] returns at the size limit.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record longer than --max-record-bytes")
    }
}

impl std::error::Error for RecordTooLong {}

fn is_too_long(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>())
}

/// The bytes of a CSV on their way to the parser, followed by a [`QuoteScanner`] when the
/// input is a stream that cannot be read again to look for an unclosed quote at its end, and
/// by a [`LineCounter`] for physical line numbers. A record that grows past `max_record` bytes
/// ends the stream with a [`RecordTooLong`] error, before the parser holds it whole.
struct Scanned {
    inner: BufReader<Box<dyn Read>>,
    quotes: Option<QuoteScanner>,
    lines: LineCounter,
    /// Bytes handed to the parser so far.
    fed: u64,
    /// Where the record being read starts.
    record_start: u64,
    max_record: u64,
}

impl Read for Scanned {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fed.saturating_sub(self.record_start) > self.max_record {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        if let Some(quotes) = &mut self.quotes {
            quotes.feed(&buf[..n]);
        }
        self.lines.feed(&buf[..n]);
        self.fed += n as u64;
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
        id: Some(id).filter(|id| !id.starts_with(&format!("{}:", crate::util::path_id(path)))),
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
