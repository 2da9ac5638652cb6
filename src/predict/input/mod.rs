//! Inputs for `predict`, read as a stream of records: `.txt` files (one article each),
//! directories of them, JSONL (`id`, `text`), CSV (`id`, `text`) and JSONL on stdin.
//!
//! Nothing is lost silently: a record that cannot be scored becomes a [`Skip`] that names its
//! file and line, and text that is not valid UTF-8 is decoded with U+FFFD replacement and a
//! warning.

mod csv;
mod jsonl;
mod mapped;
mod source;
mod tally;
#[cfg(test)]
mod tests;
mod text;

use std::collections::VecDeque;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Location, Result};
use csv::CsvInput;
pub(crate) use jsonl::{JsonLines, LineAt};
use jsonl::{LinesInput, LinesSource};
use mapped::{MappedLines, Mapping};
pub use source::InputSource;

/// A text to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record's id (given, or generated as `FILE:LINE`).
    pub id: String,
    /// The text.
    pub text: String,
    /// Where it was read.
    pub origin: Location,
    /// The values of the fields to keep ([`InputFields::keep`]), in that order; `null` where a
    /// record has no such field. Empty unless fields are kept.
    pub kept: Vec<serde_json::Value>,
}

/// Which fields of an input record are read: the text, and the fields copied into every output
/// record (`predict --text-column`, `--keep`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFields {
    /// The JSONL key or CSV column holding the text (default `text`).
    pub text: String,
    /// JSONL keys or CSV columns whose values are copied into the output. For `.txt` input the
    /// one field there is is `folder`: the name of the file's parent folder.
    pub keep: Vec<String>,
}

impl Default for InputFields {
    fn default() -> Self {
        InputFields { text: "text".into(), keep: Vec::new() }
    }
}

impl InputFields {
    /// The name of the field of `.txt` input that holds the file's parent folder.
    pub const FOLDER: &'static str = "folder";

    /// True when only `text` (and `id`) are read, as by default.
    pub fn is_default(&self) -> bool {
        self.text == "text" && self.keep.is_empty()
    }
}

/// An input record that cannot be scored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The record's id, when it could be read (a `.txt` file's id is its path).
    pub id: Option<String>,
    /// Where it was read.
    pub origin: Location,
    /// Why it was skipped.
    pub reason: String,
}

impl Skip {
    /// The skip as one JSON line, as `predict --skipped FILE` writes it:
    /// `{"id":"a7"|null,"source":"in.jsonl","line":12|null,"reason":"..."}`.
    pub fn to_json_line(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.reason.len());
        out.extend_from_slice(b"{\"id\":");
        match &self.id {
            Some(id) => crate::predict::json_string(&mut out, id),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"source\":");
        crate::predict::json_string(&mut out, &crate::util::path_id(&self.origin.path));
        out.extend_from_slice(b",\"line\":");
        match self.origin.line {
            Some(line) => out.extend_from_slice(line.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"reason\":");
        crate::predict::json_string(&mut out, &self.reason);
        out.extend_from_slice(b"}\n");
        out
    }
}

/// What the reader yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A record to score.
    Record(Record),
    /// A record that was skipped.
    Skip(Skip),
}

/// The format of a stream given to [`InputReader::from_reader`], or of standard input
/// ([`InputReader::with_stdin_format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// The whole stream is one article (`--input-format txt`).
    #[cfg_attr(feature = "cli", value(name = "txt"))]
    Text,
    /// One JSON object per line with `text` and optionally `id`.
    Jsonl,
    /// A header row with a `text` column and optionally `id`, then one record per row.
    Csv,
}

/// A source not opened yet.
enum Pending {
    Listed(InputSource),
    Stream { format: InputFormat, name: PathBuf, reader: Box<dyn Read> },
}

/// The source being read, record by record.
enum Open {
    Lines(LinesInput),
    Csv(Box<CsvInput>),
}

/// What [`InputReader::next_raw`] yields: an item, or JSONL lines still to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawItem {
    /// A record or skip, ready.
    Item(Item),
    /// Whole JSONL lines, unparsed.
    JsonLines(JsonLines),
}

/// Default of [`InputReader::with_max_record_bytes`]: 256 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 256 << 20;

/// The reason of a skip for a record over the size limit.
fn too_long(what: &str, bytes: Option<u64>, max: u64) -> String {
    let size = bytes.map_or(String::new(), |b| format!(" of {b} bytes"));
    format!(
        "{what}{size} is longer than the limit of {max} bytes (--max-record-bytes); skipped without being read whole"
    )
}

/// Streams records from a list of sources, one at a time, in order.
pub struct InputReader {
    sources: VecDeque<Pending>,
    max_record: u64,
    open: Option<Open>,
    warnings: Vec<String>,
    parsed: VecDeque<Item>,
    record: ::csv::ByteRecord,
    fields: Arc<InputFields>,
    stdin_format: InputFormat,
    /// JSONL files are mapped into memory rather than read ([`InputReader::with_mapped_files`]).
    map_files: bool,
}

impl InputReader {
    /// A reader over `sources`.
    pub fn new(sources: Vec<InputSource>) -> Self {
        InputReader {
            sources: sources.into_iter().map(Pending::Listed).collect(),
            max_record: DEFAULT_MAX_RECORD_BYTES,
            open: None,
            warnings: Vec::new(),
            parsed: VecDeque::new(),
            record: ::csv::ByteRecord::new(),
            fields: Arc::new(InputFields::default()),
            stdin_format: InputFormat::Jsonl,
            map_files: true,
        }
    }

    /// Whether JSONL files are mapped into memory (the default) or read. Either way the
    /// records, skips, warnings and errors are the same; mapping spares copying the file.
    /// Standard input and streams are always read.
    pub fn with_mapped_files(mut self, map: bool) -> Self {
        self.map_files = map;
        self
    }

    /// Reads the text from `fields.text` and copies `fields.keep` into every record.
    pub fn with_fields(mut self, fields: InputFields) -> Self {
        self.fields = Arc::new(fields);
        self
    }

    /// How standard input (`-`) is read: JSONL (the default), CSV, or plain text (one article).
    pub fn with_stdin_format(mut self, format: InputFormat) -> Self {
        self.stdin_format = format;
        self
    }

    /// A reader over one stream of `format` (for example a network body or a byte buffer);
    /// `name` stands for the file in ids, skips and warnings. It yields exactly what reading a
    /// file of that format would.
    pub fn from_reader(
        format: InputFormat,
        name: impl Into<PathBuf>,
        reader: impl Read + 'static,
    ) -> Self {
        let mut r = InputReader::new(Vec::new());
        r.sources.push_back(Pending::Stream {
            format,
            name: name.into(),
            reader: Box::new(reader),
        });
        r
    }

    /// Records longer than `bytes` (a `.txt` file or text stream, a JSONL line, a CSV record)
    /// are skipped, with a reason, without being held in memory whole; a CSV record that long
    /// ends the reading of its file, as the reader cannot find where the record ends. Default:
    /// [`DEFAULT_MAX_RECORD_BYTES`].
    pub fn with_max_record_bytes(mut self, bytes: u64) -> Self {
        self.max_record = bytes.max(1);
        self
    }

    /// Warnings gathered since the last call (e.g. invalid UTF-8 replaced).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The next record or skip; `None` at the end of all sources. Errors are fatal (an input
    /// that cannot be opened or read at all).
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            if let Some(item) = self.parsed.pop_front() {
                return Ok(Some(item));
            }
            match self.next_raw()? {
                None => return Ok(None),
                Some(RawItem::Item(item)) => return Ok(Some(item)),
                Some(RawItem::JsonLines(lines)) => {
                    let parsed = &mut self.parsed;
                    lines.parse(&mut self.warnings, |item| parsed.push_back(item));
                }
            }
        }
    }

    /// As [`InputReader::next_item`], but JSONL comes back unparsed, in blocks of whole lines,
    /// so that parsing can run on worker threads ([`JsonLines::parse`]).
    pub(crate) fn next_raw(&mut self) -> Result<Option<RawItem>> {
        loop {
            if self.open.is_none() {
                let Some(source) = self.sources.pop_front() else { return Ok(None) };
                if let Some(item) = self.open_source(source)? {
                    return Ok(Some(RawItem::Item(item)));
                }
                continue;
            }
            let next = match self.open.as_mut().expect("checked above") {
                Open::Lines(lines) => lines.next_block(&mut self.warnings)?,
                Open::Csv(csv) => {
                    csv.next_item(&mut self.record, &mut self.warnings)?.map(RawItem::Item)
                }
            };
            match next {
                Some(raw) => return Ok(Some(raw)),
                None => self.open = None,
            }
        }
    }

    /// Opens `source`. A text file or stream is read whole, into the item returned; JSONL and
    /// CSV become the open source (an empty CSV opens nothing, with a warning).
    fn open_source(&mut self, source: Pending) -> Result<Option<Item>> {
        let (format, name, reader, rescan): (_, _, Box<dyn Read>, _) = match source {
            Pending::Listed(InputSource::Jsonl(path)) if self.map_files => {
                let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
                let source = match Mapping::of(&file) {
                    Some(map) => LinesSource::Mapped(MappedLines::new(map)),
                    None => LinesSource::Read(Box::new(file)),
                };
                let fields = Arc::clone(&self.fields);
                self.open =
                    Some(Open::Lines(LinesInput::new(path, source, fields, self.max_record)));
                return Ok(None);
            }
            Pending::Listed(InputSource::Text(path)) => {
                return Ok(Some(text::file_item(
                    path,
                    &self.fields,
                    self.max_record,
                    &mut self.warnings,
                )));
            }
            Pending::Listed(InputSource::Jsonl(path)) => {
                let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
                (InputFormat::Jsonl, path, Box::new(file), false)
            }
            Pending::Listed(InputSource::Csv(path)) => {
                let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
                (InputFormat::Csv, path, Box::new(file), true)
            }
            Pending::Listed(InputSource::Stdin) => {
                (self.stdin_format, PathBuf::from("-"), Box::new(std::io::stdin()), false)
            }
            Pending::Stream { format, name, reader } => (format, name, reader, false),
        };
        match format {
            InputFormat::Text => {
                return Ok(Some(text::stream_item(
                    name,
                    reader,
                    &self.fields,
                    self.max_record,
                    &mut self.warnings,
                )?))
            }
            InputFormat::Jsonl => {
                let fields = Arc::clone(&self.fields);
                let source = LinesSource::Read(reader);
                self.open =
                    Some(Open::Lines(LinesInput::new(name, source, fields, self.max_record)))
            }
            InputFormat::Csv => {
                self.open = CsvInput::open(
                    name,
                    reader,
                    rescan,
                    &self.fields,
                    self.max_record,
                    &mut self.warnings,
                )?
                .map(|c| Open::Csv(Box::new(c)))
            }
        }
        Ok(None)
    }
}

/// `bytes` as text; invalid UTF-8 is replaced with U+FFFD, with a warning.
fn decode(bytes: Vec<u8>, origin: &Location, warnings: &mut Vec<String>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{origin}: invalid UTF-8 replaced with U+FFFD"));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

/// The id of a record that has none: `FILE:LINE` (the path as [`crate::path_id`] writes it).
fn generated_id(origin: &Location) -> String {
    format!("{}:{}", crate::util::path_id(&origin.path), origin.line.unwrap_or(0))
}
