//! Inputs for `predict`, read as a stream of records: `.txt` files (one article each),
//! directories of them, JSONL (`id`, `text`), CSV (`id`, `text`) and JSONL on stdin.
//!
//! Nothing is lost silently: a record that cannot be scored becomes a [`Skip`] that names its
//! file and line, and text that is not valid UTF-8 is decoded with U+FFFD replacement and a
//! warning.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::util::quote::{QuoteScanner, UnclosedQuote};

const READ_BUFFER: usize = 1 << 20;

/// JSONL is read in blocks of whole lines of about this many bytes (a longer line makes a longer
/// block): one read call and no copy per line on the reading thread.
pub const JSONL_BLOCK: usize = 64 << 10;

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// A text file holding one article; its id is its path.
    Text(PathBuf),
    /// One JSON object per line with `text` and optionally `id`.
    Jsonl(PathBuf),
    /// A CSV file with a header, a `text` column and optionally `id`.
    Csv(PathBuf),
    /// JSONL on standard input.
    Stdin,
}

impl InputSource {
    /// Resolves command-line inputs: `-` is stdin, a directory gives its `.txt` files
    /// (recursively, sorted), files are typed by extension.
    pub fn resolve(args: &[PathBuf]) -> Result<Vec<InputSource>> {
        let mut sources = Vec::new();
        for arg in args {
            if arg.as_os_str() == "-" {
                sources.push(InputSource::Stdin);
                continue;
            }
            let meta = std::fs::metadata(arg).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::input(Location::file(arg), "no such file or directory", "check the path; inputs are .txt, .jsonl, .csv files, directories, or - for stdin")
                } else {
                    Error::io(arg, e)
                }
            })?;
            if meta.is_dir() {
                let mut files = Vec::new();
                collect_txt(arg, &mut files)?;
                if files.is_empty() {
                    return Err(Error::input(
                        Location::file(arg),
                        "the directory holds no .txt files",
                        "put one article per .txt file in it, or pass .jsonl/.csv files",
                    ));
                }
                files.sort();
                sources.extend(files.into_iter().map(InputSource::Text));
                continue;
            }
            let ext = arg.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            sources.push(match ext.as_str() {
                "jsonl" | "ndjson" => InputSource::Jsonl(arg.clone()),
                "csv" => InputSource::Csv(arg.clone()),
                "txt" | "text" => InputSource::Text(arg.clone()),
                _ => {
                    return Err(Error::input(
                        Location::file(arg),
                        if ext.is_empty() {
                            "no file extension to tell the input type by".to_string()
                        } else {
                            format!("unknown input type '.{ext}'")
                        },
                        "use .txt (one article), .jsonl or .csv (id and text), a directory of .txt, or - for JSONL on stdin",
                    ))
                }
            });
        }
        Ok(sources)
    }
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ty = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ty.is_dir() {
            collect_txt(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            out.push(path);
        }
    }
    Ok(())
}

/// A text to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record's id (given, or generated as `FILE:LINE`).
    pub id: String,
    /// The text.
    pub text: String,
    /// Where it was read.
    pub origin: Location,
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
        crate::predict::json_string(&mut out, &self.origin.path.display().to_string());
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

/// The format of a stream given to [`InputReader::from_reader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// The whole stream is one article.
    Text,
    /// One JSON object per line with `text` and optionally `id`.
    Jsonl,
    /// A header row with a `text` column and optionally `id`, then one record per row.
    Csv,
}

enum Pending {
    Listed(InputSource),
    Stream { format: InputFormat, name: PathBuf, reader: Box<dyn Read> },
}

enum Open {
    Lines {
        path: PathBuf,
        reader: Box<dyn Read>,
        /// Lines read so far.
        line: u64,
        /// The start of a line whose end is not read yet.
        carry: Vec<u8>,
    },
    Csv {
        path: PathBuf,
        reader: Box<csv::Reader<Scanned>>,
        text: usize,
        id: Option<usize>,
        /// The last record read, held back until the next one shows it was not cut short by
        /// an unclosed quote: (item, byte offset, line).
        held: Option<(Item, u64, u64)>,
        /// The file can be read again to look for an unclosed quote at its end; a stream
        /// cannot, and its quotes are followed as it is read instead ([`Scanned`]).
        rescan: bool,
    },
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

/// What [`InputReader::next_raw`] yields: an item, or JSONL lines still to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawItem {
    /// A record or skip, ready.
    Item(Item),
    /// Whole JSONL lines, unparsed.
    JsonLines(JsonLines),
}

/// Whole JSONL lines read in one block (about [`JSONL_BLOCK`] bytes), and where they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonLines {
    bytes: Vec<u8>,
    path: PathBuf,
    first_line: u64,
    /// Counted once, from `bytes`, which cannot change after.
    lines: u64,
}

impl JsonLines {
    /// Whole lines `bytes` (line ends included) of `path`, the first of them numbered
    /// `first_line`.
    pub fn new(bytes: Vec<u8>, path: PathBuf, first_line: u64) -> Self {
        let newlines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let lines = newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
        JsonLines { bytes, path, first_line, lines }
    }

    /// The lines' bytes, line ends included (the last line of a file may have none).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file (`-` for standard input).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based number of the first line.
    pub fn first_line(&self) -> u64 {
        self.first_line
    }

    /// Number of lines in the block, blank ones included.
    pub fn line_count(&self) -> u64 {
        self.lines
    }

    /// Parses every line into a record or a skip, in order, exactly as
    /// [`InputReader::next_item`] would, and hands each to `each`; blank lines are not records
    /// and are left out. Warnings (invalid UTF-8 replaced) are appended to `warnings`.
    pub fn parse(&self, warnings: &mut Vec<String>, mut each: impl FnMut(Item)) {
        let mut line = self.first_line;
        let mut start = 0;
        while start < self.bytes.len() {
            let end = memchr::memchr(b'\n', &self.bytes[start..])
                .map_or(self.bytes.len(), |i| start + i + 1);
            // A blank line gives no item.
            if let Some(item) =
                jsonl_item(&self.bytes[start..end], Location::line(&self.path, line), warnings)
            {
                each(item);
            }
            line += 1;
            start = end;
        }
    }
}

/// The next block of whole lines from `reader`: `carry` (the start of a line read before) and
/// what follows, cut after the last line end once about [`JSONL_BLOCK`] bytes are in; the bytes
/// after the cut go back to `carry`. A line longer than a block is read whole. `None` at the
/// end of the stream.
fn read_lines_block(
    reader: &mut dyn Read,
    carry: &mut Vec<u8>,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut block = Vec::new();
    block.append(carry);
    let mut target = JSONL_BLOCK.max(2 * block.len());
    let mut searched = 0;
    loop {
        let want = target.saturating_sub(block.len()).max(4096);
        block.reserve(want);
        let n = reader.take(want as u64).read_to_end(&mut block)?;
        let end_of_stream = n < want;
        if end_of_stream {
            return Ok((!block.is_empty()).then_some(block));
        }
        match memchr::memrchr(b'\n', &block[searched..]) {
            Some(i) => {
                let cut = searched + i + 1;
                carry.extend_from_slice(&block[cut..]);
                block.truncate(cut);
                return Ok(Some(block));
            }
            None => {
                // A long line: keep reading until its end.
                searched = block.len();
                target = 2 * block.len();
            }
        }
    }
}

/// Streams records from a list of sources, one at a time, in order.
pub struct InputReader {
    sources: std::collections::VecDeque<Pending>,
    open: Option<Open>,
    warnings: Vec<String>,
    parsed: std::collections::VecDeque<Item>,
    record: csv::ByteRecord,
}

impl InputReader {
    /// A reader over `sources`.
    pub fn new(sources: Vec<InputSource>) -> Self {
        InputReader {
            sources: sources.into_iter().map(Pending::Listed).collect(),
            open: None,
            warnings: Vec::new(),
            parsed: std::collections::VecDeque::new(),
            record: csv::ByteRecord::new(),
        }
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
    pub fn next_raw(&mut self) -> Result<Option<RawItem>> {
        loop {
            if self.open.is_none() {
                let Some(source) = self.sources.pop_front() else { return Ok(None) };
                let (format, name, reader, rescan): (_, _, Box<dyn Read>, _) = match source {
                    Pending::Listed(InputSource::Text(path)) => {
                        // One unreadable article (e.g. a broken link in a directory) is a skip,
                        // not the end of the run.
                        return Ok(Some(RawItem::Item(match std::fs::read(&path) {
                            Ok(bytes) => self.text_item(path, bytes),
                            Err(e) => Item::Skip(Skip {
                                id: Some(path.display().to_string()),
                                origin: Location::file(&path),
                                reason: format!("cannot read the file: {e}"),
                            }),
                        })));
                    }
                    Pending::Listed(InputSource::Jsonl(path)) => {
                        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
                        (InputFormat::Jsonl, path, Box::new(file), false)
                    }
                    Pending::Listed(InputSource::Csv(path)) => {
                        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
                        (InputFormat::Csv, path, Box::new(file), true)
                    }
                    Pending::Listed(InputSource::Stdin) => {
                        (InputFormat::Jsonl, PathBuf::from("-"), Box::new(std::io::stdin()), false)
                    }
                    Pending::Stream { format, name, reader } => (format, name, reader, false),
                };
                match format {
                    InputFormat::Text => {
                        let mut bytes = Vec::new();
                        let mut reader = reader;
                        reader.read_to_end(&mut bytes).map_err(|e| Error::io(&name, e))?;
                        return Ok(Some(RawItem::Item(self.text_item(name, bytes))));
                    }
                    InputFormat::Jsonl => {
                        self.open =
                            Some(Open::Lines { path: name, reader, line: 0, carry: Vec::new() })
                    }
                    InputFormat::Csv => {
                        self.open = open_csv(name, reader, rescan, &mut self.warnings)?;
                        if self.open.is_none() {
                            continue;
                        }
                    }
                }
            }
            let item = match self.open.as_mut().expect("opened above") {
                Open::Lines { path, reader, line, carry } => {
                    match read_lines_block(reader, carry).map_err(|e| Error::io(&*path, e))? {
                        None => {
                            if *line == 0 && path.as_os_str() != "-" {
                                self.warnings
                                    .push(format!("{}: empty file, no records", path.display()));
                            }
                            None
                        }
                        Some(bytes) => {
                            let lines = JsonLines::new(bytes, path.clone(), *line + 1);
                            *line += lines.line_count();
                            return Ok(Some(RawItem::JsonLines(lines)));
                        }
                    }
                }
                Open::Csv { path, reader, text, id, held, rescan } => {
                    let read = reader.read_byte_record(&mut self.record).map_err(|e| {
                        let line = e.position().map_or(0, |p| p.line());
                        let cause = match e.into_kind() {
                            csv::ErrorKind::Io(e) => return Error::io(&*path, e),
                            other => format!("{other:?}"),
                        };
                        Error::input(
                            Location::line(&*path, line),
                            format!("cannot parse CSV: {cause}"),
                            "check quoting near this line: a quote opened in a cell must be closed",
                        )
                    })?;
                    let next = if read {
                        let (byte, line) =
                            self.record.position().map_or((0, 0), |p| (p.byte(), p.line()));
                        let location = Location::line(&*path, line);
                        let item = csv_item(&self.record, *text, *id, location, &mut self.warnings);
                        held.replace((item, byte, line))
                    } else {
                        held.take().map(|(item, byte, line)| {
                            if *rescan {
                                check_last_csv_record(path, item, byte, line)
                            } else {
                                // The whole stream went through the scanner: a quote still
                                // open at its end, opened in the last record, swallowed the rest.
                                let quotes = reader.get_ref().quotes.as_ref();
                                match quotes.and_then(QuoteScanner::finish) {
                                    Some((q, at)) if at >= byte => {
                                        let quote_line = q.line_offset + 1;
                                        (
                                            unclosed_quote_skip(path, item, line, quote_line, &q),
                                            byte,
                                            line,
                                        )
                                    }
                                    _ => (item, byte, line),
                                }
                            }
                        })
                    };
                    match (next, read) {
                        (Some((item, _, _)), _) => Some(Some(item)),
                        (None, true) => Some(None),
                        (None, false) => None,
                    }
                }
            };
            match item {
                Some(Some(item)) => return Ok(Some(RawItem::Item(item))),
                Some(None) => continue,
                None => self.open = None,
            }
        }
    }

    fn text_item(&mut self, path: PathBuf, bytes: Vec<u8>) -> Item {
        let origin = Location::file(&path);
        let id = path.display().to_string();
        if bytes.contains(&0) {
            return Item::Skip(Skip {
                id: Some(id),
                origin,
                reason: "binary file (contains NUL bytes)".into(),
            });
        }
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        let text = decode(bytes, &origin, &mut self.warnings);
        if text.trim().is_empty() {
            return Item::Skip(Skip { id: Some(id), origin, reason: "empty file".into() });
        }
        Item::Record(Record { id, text, origin })
    }
}

/// Reads the last record of a CSV file again from its first byte: when a quote opened in it is
/// never closed, the record swallowed the rest of the file and becomes a skip.
fn check_last_csv_record(path: &Path, item: Item, byte: u64, line: u64) -> (Item, u64, u64) {
    use std::io::{Seek, SeekFrom};
    let tail = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(byte))?;
        let mut tail = Vec::new();
        f.read_to_end(&mut tail)?;
        Ok(tail)
    });
    let Ok(tail) = tail else { return (item, byte, line) };
    match crate::util::quote::unclosed_quote(&tail).filter(|q| q.record_offset == 0) {
        None => (item, byte, line),
        Some(q) => (unclosed_quote_skip(path, item, line, line + q.line_offset, &q), byte, line),
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

fn decode(bytes: Vec<u8>, origin: &Location, warnings: &mut Vec<String>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{origin}: invalid UTF-8 replaced with U+FFFD"));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

#[derive(serde::Deserialize)]
struct JsonRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<serde_json::Value>,
}

/// `None` for a blank line (not a record).
fn jsonl_item(line: &[u8], origin: Location, warnings: &mut Vec<String>) -> Option<Item> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = if origin.line == Some(1) {
        line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
    } else {
        line
    };
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let skip = |id: Option<String>, reason: String| {
        Some(Item::Skip(Skip { id, origin: origin.clone(), reason }))
    };
    if memchr::memchr(0, line).is_some() {
        return skip(None, "binary data (NUL bytes), not a JSON line".into());
    }
    let text = match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            warnings.push(format!("{origin}: invalid UTF-8 replaced with U+FFFD"));
            String::from_utf8_lossy(line)
        }
    };
    if !text.trim_start().starts_with('{') {
        return skip(None, "not a JSON object with a \"text\" field".into());
    }
    let parsed: JsonRecord = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => return skip(None, format!("not a JSON object with a \"text\" field: {e}")),
    };
    let id = match parsed.id {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let body = match parsed.text {
        Some(serde_json::Value::String(s)) => s,
        None | Some(serde_json::Value::Null) => return skip(id, "no \"text\" field".into()),
        Some(other) => {
            let kind = match other {
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Array(_) => "an array",
                _ => "an object",
            };
            return skip(id, format!("\"text\" is {kind}, not a string"));
        }
    };
    if body.trim().is_empty() {
        return skip(id, "empty \"text\"".into());
    }
    let id = id.unwrap_or_else(|| generated_id(&origin));
    Some(Item::Record(Record { id, text: body, origin }))
}

fn generated_id(origin: &Location) -> String {
    format!("{}:{}", origin.path.display(), origin.line.unwrap_or(0))
}

/// `None` (with a warning) for an empty file.
fn open_csv(
    path: PathBuf,
    reader: Box<dyn Read>,
    rescan: bool,
    warnings: &mut Vec<String>,
) -> Result<Option<Open>> {
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
    let Some(text) = names.iter().position(|h| h == "text") else {
        return Err(Error::input(
            Location::line(&path, 1),
            format!(
                "no 'text' column in the header ({})",
                crate::util::shorten(&names.join(", "), 200)
            ),
            "the first line must be a header row (e.g. id,text); name the column holding the articles 'text'",
        ));
    };
    let id = names.iter().position(|h| h == "id");
    Ok(Some(Open::Csv { path, reader: Box::new(reader), text, id, held: None, rescan }))
}

fn csv_item(
    record: &csv::ByteRecord,
    text: usize,
    id: Option<usize>,
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
    Item::Record(Record { id, text: body, origin })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn items(name: &str, content: &[u8]) -> (Vec<Item>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::File::create(&path).unwrap().write_all(content).unwrap();
        let mut reader = InputReader::new(InputSource::resolve(&[path]).unwrap());
        let mut out = Vec::new();
        while let Some(item) = reader.next_item().unwrap() {
            out.push(item);
        }
        (out, reader.take_warnings())
    }

    fn record(item: &Item) -> (&str, &str) {
        match item {
            Item::Record(r) => (r.id.as_str(), r.text.as_str()),
            Item::Skip(s) => panic!("unexpected skip: {s:?}"),
        }
    }

    #[test]
    fn jsonl_bad_lines_are_skipped_and_good_lines_kept() {
        let (items, _) = items(
            "in.jsonl",
            b"{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n\n{\"id\":7}\n{\"text\":\"No id.\"}\n",
        );
        assert_eq!(items.len(), 4);
        assert_eq!(record(&items[0]), ("a", "One."));
        assert!(matches!(&items[1], Item::Skip(s) if s.origin.line == Some(2)));
        assert!(matches!(&items[2], Item::Skip(s) if s.reason.contains("no \"text\"")));
        let (id, text) = record(&items[3]);
        assert!(id.ends_with("in.jsonl:5") && text == "No id.", "{id}");
    }

    #[test]
    fn csv_records_with_and_without_ids() {
        let (items, _) = items("in.csv", b"id,text\nx,\"Hello, world.\"\n,Second.\n");
        assert_eq!(record(&items[0]), ("x", "Hello, world."));
        assert!(record(&items[1]).0.ends_with("in.csv:3"));
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning() {
        let (items, warnings) = items("a.txt", b"Caf\xe9 news.");
        assert_eq!(record(&items[0]).1, "Caf\u{fffd} news.");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn empty_and_binary_files_are_skipped() {
        assert!(matches!(&items("e.txt", b"  \n").0[0], Item::Skip(s) if s.reason == "empty file"));
        assert!(
            matches!(&items("b.txt", b"\x00\x01ELF").0[0], Item::Skip(s) if s.reason.contains("binary"))
        );
    }

    fn skip(item: &Item) -> &Skip {
        match item {
            Item::Skip(s) => s,
            Item::Record(r) => panic!("unexpected record: {r:?}"),
        }
    }

    #[test]
    fn jsonl_bom_empty_text_wrong_types_and_binary_lines() {
        let (items, _) = items(
            "in.jsonl",
            b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"One.\"}\n{\"id\":\"b\",\"text\":\"  \"}\n{\"id\":\"c\",\"text\":5}\n{\"text\":\"x\\u0000\"}\n\x00\x01\x02\n[1,2]\n",
        );
        assert_eq!(record(&items[0]), ("a", "One."));
        assert_eq!(skip(&items[1]).reason, "empty \"text\"");
        assert_eq!(skip(&items[1]).id.as_deref(), Some("b"));
        assert!(skip(&items[2]).reason.contains("is a number"), "{:?}", items[2]);
        // An escaped NUL inside a JSON string is text, not binary data.
        assert_eq!(record(&items[3]).1, "x\u{0}");
        assert!(skip(&items[4]).reason.contains("binary"));
        assert!(skip(&items[5]).reason.contains("not a JSON object"));
        assert_eq!(skip(&items[5]).origin.line, Some(6));
        assert_eq!(items.len(), 6);
    }

    #[test]
    fn empty_jsonl_and_csv_files_warn_and_yield_nothing() {
        for name in ["e.jsonl", "e.csv"] {
            let (items, warnings) = items(name, b"");
            assert!(items.is_empty(), "{name}");
            assert_eq!(warnings.len(), 1, "{name}");
            assert!(warnings[0].contains("empty file, no records"), "{warnings:?}");
        }
    }

    #[test]
    fn csv_unclosed_quote_in_the_last_record_becomes_a_skip() {
        let (got, _) = items(
            "q.csv",
            b"id,text\na,Fine.\nb,\"Opened, never closed.\nc,Swallowed.\nd,Also swallowed.\n",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(record(&got[0]), ("a", "Fine."));
        let s = skip(&got[1]);
        assert_eq!(s.id.as_deref(), Some("b"));
        assert_eq!(s.origin.line, Some(3));
        assert!(s.reason.contains("never closed") && s.reason.contains("cell 2"), "{}", s.reason);
        // A closed multi-line cell at the end is fine.
        let (ok, _) = items("ok.csv", b"id,text\na,\"Two\nlines.\"\n");
        assert_eq!(record(&ok[0]), ("a", "Two\nlines."));
    }

    #[test]
    fn csv_binary_and_empty_cells_are_skipped() {
        let (items, _) = items("b.csv", b"id,text\na,\x00\x01\nb,\nc,Kept.\n");
        assert!(skip(&items[0]).reason.contains("binary"));
        assert!(skip(&items[1]).reason.contains("empty"));
        assert_eq!(record(&items[2]), ("c", "Kept."));
    }

    #[test]
    fn from_reader_reads_like_a_file() {
        let bytes = b"{\"text\":\"One.\"}\nbad\n".to_vec();
        let mut reader =
            InputReader::from_reader(InputFormat::Jsonl, "net", std::io::Cursor::new(bytes));
        let first = reader.next_item().unwrap().unwrap();
        assert_eq!(record(&first), ("net:1", "One."));
        assert_eq!(skip(&reader.next_item().unwrap().unwrap()).origin.line, Some(2));
        assert!(reader.next_item().unwrap().is_none());
        let mut reader = InputReader::from_reader(
            InputFormat::Text,
            "doc",
            std::io::Cursor::new(b"\xEF\xBB\xBFText.".to_vec()),
        );
        assert_eq!(record(&reader.next_item().unwrap().unwrap()), ("doc", "Text."));
    }

    /// Hands out at most `step` bytes per read, as a pipe or a socket may.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn from_reader_finds_an_unclosed_quote_at_the_end_like_a_file() {
        // What an item says, whatever the path it was read from.
        fn seen(item: &Item) -> (bool, Option<u64>, String) {
            match item {
                Item::Record(r) => (true, r.origin.line, r.text.clone()),
                Item::Skip(s) => (false, s.origin.line, s.reason.clone()),
            }
        }
        let inputs: [&[u8]; 6] = [
            b"id,text\na,Fine.\nb,\"Opened, never closed.\nc,Swallowed.\nd,Also swallowed.\n",
            b"text\nFine.\n\"",
            b"id,text\r\na,\"Two\nlines.\"\r\nb,\"Say \"\"hi\"\"\"\n",
            b"id,text\na,Fine.\nb,\"Open \"\"quoted\"\" and\nnever closed\n\n",
            b"id,text\na,ab\"c\nb,\"x\"",
            b"id,text\n",
        ];
        for (n, content) in inputs.iter().enumerate() {
            let (from_file, _) = items("in.csv", content);
            let expected: Vec<_> = from_file.iter().map(seen).collect();
            if n < 2 || n == 3 {
                assert!(
                    expected.last().is_some_and(
                        |(record, _, reason)| !record && reason.contains("never closed")
                    ),
                    "input {n}: {expected:?}"
                );
            }
            for step in [1, 3, 64, 1 << 20] {
                let source = Trickle { bytes: content.to_vec(), at: 0, step };
                let mut reader = InputReader::from_reader(InputFormat::Csv, "net", source);
                let mut got = Vec::new();
                while let Some(item) = reader.next_item().unwrap() {
                    got.push(seen(&item));
                }
                assert_eq!(got, expected, "input {n}, step {step}");
            }
        }
    }

    #[test]
    fn jsonl_blocks_hold_whole_lines_and_keep_line_numbers() {
        // Short lines, blank lines, CRLF, a line longer than two blocks, no final line end.
        let long = "x".repeat(2 * JSONL_BLOCK + 17);
        let mut content = String::new();
        let mut expected = Vec::new();
        for i in 1..=3000u64 {
            match i % 500 {
                7 => content.push_str("   \n"),
                8 => content.push_str("{\"text\":\"crlf\"}\r\n"),
                9 => content.push_str(&format!("{{\"id\":\"long\",\"text\":\"{long}\"}}\n")),
                _ => content.push_str(&format!("{{\"id\":\"r{i}\",\"text\":\"Line {i}.\"}}\n")),
            }
            if i % 500 != 7 {
                expected.push(i);
            }
        }
        content.push_str("{\"text\":\"last\"}");
        expected.push(3001);
        for step in [1 << 20, 4096, 1000, 7] {
            let source = Trickle { bytes: content.clone().into_bytes(), at: 0, step };
            let mut reader = InputReader::from_reader(InputFormat::Jsonl, "s", source);
            let mut lines = Vec::new();
            let mut first = 1;
            while let Some(raw) = reader.next_raw().unwrap() {
                let RawItem::JsonLines(block) = raw else { panic!("JSONL comes in blocks") };
                assert_eq!(block.first_line(), first, "step {step}");
                assert!(block.bytes().ends_with(b"\n") || block.bytes().ends_with(b"}"));
                first += block.line_count();
                block.parse(&mut Vec::new(), |item| match item {
                    Item::Record(r) => {
                        let line = r.origin.line.unwrap();
                        match line % 500 {
                            8 => assert_eq!(r.text, "crlf"),
                            9 => assert_eq!(r.text, long),
                            _ if line == 3001 => assert_eq!(r.id, "s:3001"),
                            _ => assert_eq!(r.text, format!("Line {line}.")),
                        }
                        lines.push(line);
                    }
                    Item::Skip(s) => panic!("unexpected skip {s:?}"),
                });
            }
            assert_eq!(first, 3002, "step {step}");
            assert_eq!(lines, expected, "step {step}");
        }
    }

    #[test]
    fn skip_lines_are_json() {
        let s = Skip {
            id: None,
            origin: Location::line("a \"b\".jsonl", 3),
            reason: "no \"text\" field".into(),
        };
        let v: serde_json::Value = serde_json::from_slice(&s.to_json_line()).unwrap();
        assert_eq!(v["id"], serde_json::Value::Null);
        assert_eq!(v["source"], "a \"b\".jsonl");
        assert_eq!(v["line"], 3);
        assert_eq!(v["reason"], "no \"text\" field");
    }

    #[test]
    fn a_binary_csv_is_refused_with_a_short_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv");
        let junk: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8 | 0x80).collect();
        std::fs::write(&path, junk).unwrap();
        let mut reader = InputReader::new(InputSource::resolve(&[path]).unwrap());
        let e = reader.next_item().unwrap_err().to_string();
        assert!(e.contains("b.csv:1: no 'text' column") && e.len() < 600, "{e}");
    }

    #[test]
    fn an_unreadable_file_in_a_directory_is_a_skip() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Text.").unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("b.txt")).unwrap();
        let mut reader = InputReader::new(InputSource::resolve(&[dir.path().into()]).unwrap());
        assert_eq!(record(&reader.next_item().unwrap().unwrap()).1, "Text.");
        let item = reader.next_item().unwrap().unwrap();
        assert!(skip(&item).reason.starts_with("cannot read the file"), "{item:?}");
        assert!(reader.next_item().unwrap().is_none());
    }

    #[test]
    fn a_quote_opened_at_the_very_end_of_a_csv_is_a_skip() {
        let (got, _) = items("q.csv", b"text\nFine.\n\"");
        assert_eq!(record(&got[0]).1, "Fine.");
        assert!(skip(&got[1]).reason.contains("never closed"), "{got:?}");
    }

    #[test]
    fn resolve_errors_are_clear() {
        let dir = tempfile::tempdir().unwrap();
        let e = InputSource::resolve(&[dir.path().to_path_buf()]).unwrap_err().to_string();
        assert!(e.contains("no .txt files"), "{e}");
        let e = InputSource::resolve(&[dir.path().join("missing.txt")]).unwrap_err().to_string();
        assert!(e.contains("no such file"), "{e}");
        std::fs::write(dir.path().join("x.pdf"), b"%PDF").unwrap();
        let e = InputSource::resolve(&[dir.path().join("x.pdf")]).unwrap_err().to_string();
        assert!(e.contains("unknown input type"), "{e}");
    }
}
