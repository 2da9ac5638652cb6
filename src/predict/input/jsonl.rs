//! JSONL: one JSON object per line with `text` and optionally `id`. Lines are read in blocks
//! of whole lines and parsed where the block is scored (on the worker threads in `predict`).

use std::cell::OnceCell;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use super::mapped::{LineBytes, MappedLines};
use super::tally::{count_lines, LineTally};
use super::{generated_id, too_long, InputFields, Item, RawItem, Record, Skip};
use crate::error::{Error, Location, Result};

mod fast;

/// JSONL is read in blocks of whole lines of about this many bytes (a longer line makes a longer
/// block): a few read calls and no copy per line on the reading thread. A block is the unit of
/// work of a worker thread; at 64 KB, `predict --split-only` took 3% more CPU than at 256 KB
/// (more read calls, jobs, messages and thread wake-ups per megabyte).
pub(crate) const JSONL_BLOCK: usize = 256 << 10;

/// Where the lines of a JSONL input come from.
pub(super) enum LinesSource {
    /// A stream, read in blocks.
    Read(Box<dyn Read>),
    /// A file mapped into memory, cut where reading it would cut it.
    Mapped(MappedLines),
}

/// An open JSONL file or stream.
pub(super) struct LinesInput {
    path: PathBuf,
    source: LinesSource,
    /// Longest line read; a longer one is skipped without being held.
    max_line: u64,
    /// Lines read so far (read streams; a mapped file's are in `tally`).
    line: u64,
    /// A mapped file's blocks, whose lines are counted where they are parsed.
    tally: Option<Arc<LineTally>>,
    /// The start of a line whose end is not read yet.
    carry: Vec<u8>,
    fields: Arc<InputFields>,
}

impl LinesInput {
    pub(super) fn new(
        path: PathBuf,
        source: LinesSource,
        fields: Arc<InputFields>,
        max_line: u64,
    ) -> Self {
        let tally = match &source {
            LinesSource::Mapped(map) => Some(Arc::new(LineTally::new(map.mapping()))),
            LinesSource::Read(_) => None,
        };
        LinesInput { path, source, max_line, line: 0, tally, carry: Vec::new(), fields }
    }

    /// The next block of whole lines, or the skip of a line longer than the limit; `None` at
    /// the end (with a warning when a file held no line at all).
    pub(super) fn next_block(&mut self, warnings: &mut Vec<String>) -> Result<Option<RawItem>> {
        let path = &self.path;
        let block = match &mut self.source {
            LinesSource::Read(reader) => read_lines_block(reader, &mut self.carry, self.max_line),
            LinesSource::Mapped(map) => map.next_block(self.max_line),
        }
        .map_err(|e| Error::io(path, e))?;
        match block {
            None => {
                let no_line = self.tally.as_ref().map_or(self.line == 0, |t| t.is_empty());
                if no_line && path.as_os_str() != "-" {
                    warnings.push(format!("{}: empty file, no records", path.display()));
                }
                Ok(None)
            }
            Some(Block::Lines(bytes)) => {
                let mut lines = match (&self.tally, &bytes) {
                    // Its lines are counted where it is parsed.
                    (Some(tally), LineBytes::Mapped(_, range)) => {
                        let index = tally.push(range.clone(), None);
                        JsonLines {
                            bytes,
                            path: path.clone(),
                            first: FirstLine::Tallied(Arc::clone(tally), index),
                            lines: None,
                            max_line: u64::MAX,
                            fields: Arc::default(),
                        }
                    }
                    _ => {
                        let lines = JsonLines::new(bytes, path.clone(), self.line + 1);
                        self.line += lines.line_count();
                        lines
                    }
                }
                .with_fields(Arc::clone(&self.fields));
                lines.max_line = self.max_line;
                Ok(Some(RawItem::JsonLines(lines)))
            }
            Some(Block::TooLong(bytes)) => {
                self.line += 1;
                let line = match &self.tally {
                    Some(tally) => tally.first_line(tally.push(0..0, Some(1))),
                    None => self.line,
                };
                Ok(Some(RawItem::Item(Item::Skip(Skip {
                    id: None,
                    origin: Location::line(path, line),
                    reason: too_long("a line", Some(bytes), self.max_line),
                }))))
            }
        }
    }
}

/// Whole JSONL lines read in one block (about [`JSONL_BLOCK`] bytes), and where they were read.
#[derive(Debug, Clone)]
pub(crate) struct JsonLines {
    bytes: LineBytes,
    path: PathBuf,
    first: FirstLine,
    /// Counted once, from `bytes`, which cannot change after; `None` for a block of a mapped
    /// file, counted where it is parsed ([`LineTally`]).
    lines: Option<u64>,
    /// A line longer than this is skipped.
    max_line: u64,
    /// The text key and the keys to keep.
    fields: Arc<InputFields>,
}

impl JsonLines {
    /// Whole lines `bytes` (line ends included) of `path`, the first of them numbered
    /// `first_line`.
    pub fn new(bytes: impl Into<LineBytes>, path: PathBuf, first_line: u64) -> Self {
        let bytes = bytes.into();
        let lines = count_lines(&bytes);
        JsonLines {
            bytes,
            path,
            first: FirstLine::Known(first_line),
            lines: Some(lines),
            max_line: u64::MAX,
            fields: Arc::default(),
        }
    }

    /// Reads the text from `fields.text` and keeps `fields.keep`.
    pub fn with_fields(mut self, fields: Arc<InputFields>) -> Self {
        self.fields = fields;
        self
    }

    /// The lines' bytes, line ends included (the last line of a file may have none).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the lines are a range of a mapped file.
    #[cfg(test)]
    pub fn is_mapped(&self) -> bool {
        matches!(self.bytes, LineBytes::Mapped(..))
    }

    /// 1-based number of the first line (for a block of a mapped file, the lines of the
    /// blocks before it are counted now if nobody counted them yet).
    pub fn first_line(&self) -> u64 {
        match &self.first {
            FirstLine::Known(line) => *line,
            FirstLine::Tallied(tally, index) => tally.first_line(*index),
        }
    }

    /// Whether the first line is the first line of its file.
    fn starts_file(&self) -> bool {
        match &self.first {
            FirstLine::Known(line) => *line == 1,
            FirstLine::Tallied(_, index) => *index == 0,
        }
    }

    /// Number of lines in the block, blank ones included.
    pub fn line_count(&self) -> u64 {
        match (&self.first, self.lines) {
            (_, Some(lines)) => lines,
            (FirstLine::Tallied(tally, index), None) => tally.lines(*index),
            (FirstLine::Known(_), None) => count_lines(&self.bytes),
        }
    }

    /// [`JsonLines::line_count`] when it is known without counting: a block of a mapped file
    /// is counted where it is parsed, not where it is read.
    pub fn known_line_count(&self) -> Option<u64> {
        self.lines
    }

    /// Parses every line into a record or a skip, in order, exactly as
    /// [`InputReader::next_item`] would, and hands each to `each`; blank lines are not records
    /// and are left out. Warnings (invalid UTF-8 replaced) are appended to `warnings`.
    pub fn parse(&self, warnings: &mut Vec<String>, mut each: impl FnMut(Item)) {
        self.parse_noting_escapes(warnings, |item, _, at| match item {
            Item::Record(mut r) => {
                r.origin = at.origin();
                each(Item::Record(r));
            }
            skip => each(skip),
        });
    }

    /// As [`JsonLines::parse`], and hands each item the byte offsets in its text of the
    /// characters a JSON string must escape (`"`, `\` and control characters), in order, when
    /// the reader knows them: `None` for a line read through serde (see [`fast`]).
    ///
    /// The records handed to `each` have no origin (an empty path, no line): their line number
    /// is found only when asked for ([`LineAt::origin`]), as finding it may mean counting the
    /// lines of the blocks before this one. Skips have theirs.
    pub(crate) fn parse_noting_escapes(
        &self,
        warnings: &mut Vec<String>,
        mut each: impl FnMut(Item, Option<&[usize]>, &LineAt<'_>),
    ) {
        let first = OnceCell::new();
        let mut at = LineAt { lines: self, index: 0, first: &first };
        let mut start = 0;
        let mut escapes = Vec::new();
        while start < self.bytes.len() {
            let end = memchr::memchr(b'\n', &self.bytes[start..])
                .map_or(self.bytes.len(), |i| start + i + 1);
            let bytes = &self.bytes[start..end];
            let len = bytes.strip_suffix(b"\n").unwrap_or(bytes).len() as u64;
            if len > self.max_line {
                let reason = too_long("a line", Some(len), self.max_line);
                each(Item::Skip(Skip { id: None, origin: at.origin(), reason }), None, &at);
            } else if let Some((item, known)) =
                jsonl_item(bytes, &at, &self.fields, warnings, &mut escapes)
            {
                // A blank line gives no item.
                each(item, known.then_some(escapes.as_slice()), &at);
            }
            at.index += 1;
            start = end;
        }
        if let (FirstLine::Tallied(tally, index), None) = (&self.first, self.lines) {
            tally.counted(*index, at.index);
        }
    }
}

/// Where the first line of a [`JsonLines`] block is in its file.
#[derive(Debug, Clone)]
enum FirstLine {
    /// Its number.
    Known(u64),
    /// Block `.1` of a mapped file ([`LineTally`]; a line skipped as too long by the reader
    /// is a block of its own): its number is one more than the lines of the blocks before it.
    Tallied(Arc<LineTally>, usize),
}

impl PartialEq for JsonLines {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
            && self.path == other.path
            && self.first_line() == other.first_line()
            && self.line_count() == other.line_count()
            && self.max_line == other.max_line
            && self.fields == other.fields
    }
}

impl Eq for JsonLines {}

/// A line of a [`JsonLines`] block being parsed; its number in the file is found when first
/// asked for, once for the block.
pub(crate) struct LineAt<'a> {
    lines: &'a JsonLines,
    /// 0-based, in the block.
    index: u64,
    first: &'a OnceCell<u64>,
}

impl LineAt<'_> {
    /// The file and line number.
    pub(crate) fn origin(&self) -> Location {
        let first = *self.first.get_or_init(|| self.lines.first_line());
        Location::line(&self.lines.path, first + self.index)
    }

    /// Whether this is the first line of its file.
    fn starts_file(&self) -> bool {
        self.index == 0 && self.lines.starts_file()
    }
}

/// How many times `--max-record-bytes` a line over the limit is read past, looking for its
/// end, before the rest of the input is given up.
pub(super) const SKIP_LIMIT: u64 = 16;

/// What [`read_lines_block`] reads.
pub(super) enum Block {
    /// Whole lines.
    Lines(LineBytes),
    /// One line of this many bytes (its line end left out), longer than the limit: read past
    /// and dropped, never held whole.
    TooLong(u64),
}

/// The next block of whole lines from `reader`: `carry` (the start of a line read before) and
/// what follows, cut after the last line end once about [`JSONL_BLOCK`] bytes are in; the bytes
/// after the cut go back to `carry`. A line longer than a block is read whole, up to
/// `max_line` bytes; a longer one is read past and reported as [`Block::TooLong`]. `None` at
/// the end of the stream.
pub(super) fn read_lines_block(
    reader: &mut dyn Read,
    carry: &mut Vec<u8>,
    max_line: u64,
) -> std::io::Result<Option<Block>> {
    // Room for the whole block at once: grown later, the block would be copied.
    let mut target = JSONL_BLOCK.max(2 * carry.len());
    let mut block = Vec::with_capacity(target);
    block.append(carry);
    // `block[..searched]` holds no line end: one line longer than a block is being read (at
    // the top of the loop, `block` is always the start of one line).
    let mut searched = 0;
    loop {
        if block.len() as u64 > max_line {
            // The first line alone is over the limit: drop it and what is left of it.
            let dropped = block.len() as u64 + skip_rest_of_line(reader, carry, max_line)?;
            return Ok(Some(Block::TooLong(dropped)));
        }
        let room = (max_line + 1).saturating_sub(block.len() as u64);
        let want = (target.saturating_sub(block.len()).max(4096) as u64).min(room.max(4096));
        block.reserve(want as usize);
        let n = reader.take(want).read_to_end(&mut block)? as u64;
        let end_of_stream = n < want;
        if end_of_stream {
            if memchr::memchr(b'\n', &block).is_none() && block.len() as u64 > max_line {
                return Ok(Some(Block::TooLong(block.len() as u64)));
            }
            return Ok((!block.is_empty()).then(|| Block::Lines(block.into())));
        }
        match memchr::memrchr(b'\n', &block[searched..]) {
            Some(i) => {
                let cut = searched + i + 1;
                carry.extend_from_slice(&block[cut..]);
                block.truncate(cut);
                return Ok(Some(Block::Lines(block.into())));
            }
            None => {
                // A long line: keep reading until its end.
                searched = block.len();
                target = 2 * block.len();
            }
        }
    }
}

/// Reads past the rest of a line (to its line feed, or the end of the stream); what follows
/// the line feed goes to `carry`. Returns the bytes dropped, the line feed left out. A line
/// that goes on for more than [`SKIP_LIMIT`] times `max_line` (such as `/dev/zero`) is given
/// up with the rest of the stream: the reading stops there.
pub(super) fn skip_rest_of_line(
    reader: &mut dyn Read,
    carry: &mut Vec<u8>,
    max_line: u64,
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; JSONL_BLOCK];
    let mut dropped = 0u64;
    loop {
        if dropped > max_line.saturating_mul(SKIP_LIMIT) {
            return Err(endless_line(dropped, max_line));
        }
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(dropped),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        match memchr::memchr(b'\n', &buf[..n]) {
            Some(i) => {
                carry.extend_from_slice(&buf[i + 1..n]);
                return Ok(dropped + i as u64);
            }
            None => dropped += n as u64,
        }
    }
}

/// The error of a line that goes on past [`SKIP_LIMIT`] times `max_line`.
pub(super) fn endless_line(dropped: u64, max_line: u64) -> std::io::Error {
    std::io::Error::other(format!(
        "a line goes on for more than {dropped} bytes without a line feed (--max-record-bytes {max_line}); the rest of the input was not read"
    ))
}

#[derive(serde::Deserialize)]
struct JsonRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<serde_json::Value>,
}

/// The id, the text and the kept fields of a JSON object line, and whether `escapes` holds
/// the offsets of the characters of its text that a JSON string must escape: the default
/// fields without serde when the line allows ([`fast::parse_default`]), else read into a
/// struct that skips every other key; other fields need the whole object.
fn json_fields(
    text: &str,
    controls: bool,
    fields: &InputFields,
    escapes: &mut Vec<usize>,
) -> serde_json::Result<ReadFields> {
    if !fields.is_default() {
        let mut object = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)?;
        let kept = fields
            .keep
            .iter()
            .map(|k| object.get(k).cloned().unwrap_or(serde_json::Value::Null))
            .collect();
        return Ok((object.remove("id"), object.remove(fields.text.as_str()), kept, false));
    }
    if let Some(r) = fast::parse_default(text, controls, escapes) {
        let string = |s: Option<String>| s.map(serde_json::Value::String);
        return Ok((string(r.id), string(r.text), Vec::new(), true));
    }
    let r = serde_json::from_str::<JsonRecord>(text)?;
    Ok((r.id, r.text, Vec::new(), false))
}

/// A line's id, text and kept fields, and whether its text's escapes are known.
type ReadFields =
    (Option<serde_json::Value>, Option<serde_json::Value>, Vec<serde_json::Value>, bool);

/// Whether `line` holds a control character (below 0x20), and whether it is all ASCII: one
/// pass (smallest and largest byte) that the compiler turns into vector code.
fn controls_and_ascii(line: &[u8]) -> (bool, bool) {
    let (low, high) = line.iter().fold((u8::MAX, 0), |(low, high), &b| (low.min(b), high.max(b)));
    (low < 0x20, high < 0x80)
}

/// `None` for a blank line (not a record). With the item, whether `escapes` holds the offsets
/// of the characters of its text that a JSON string must escape ([`fast::parse_default`]).
fn jsonl_item(
    line: &[u8],
    at: &LineAt<'_>,
    fields: &InputFields,
    warnings: &mut Vec<String>,
    escapes: &mut Vec<usize>,
) -> Option<(Item, bool)> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line =
        if at.starts_file() { line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line) } else { line };
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let skip = |id: Option<String>, reason: String| {
        Some((Item::Skip(Skip { id, origin: at.origin(), reason }), false))
    };
    // NUL is a control character: most lines hold none, and are not searched for it. The
    // same pass finds ASCII lines (most news), which need no UTF-8 validation.
    let (controls, ascii) = controls_and_ascii(line);
    if controls && memchr::memchr(0, line).is_some() {
        return skip(None, "binary data (NUL bytes), not a JSON line".into());
    }
    let utf8 = if ascii {
        // SAFETY: ASCII is valid UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(line) })
    } else {
        std::str::from_utf8(line)
    };
    let text = match utf8 {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            warnings.push(format!("{}: invalid UTF-8 replaced with U+FFFD", at.origin()));
            String::from_utf8_lossy(line)
        }
    };
    let key = &fields.text;
    if !text.trim_start().starts_with('{') {
        return skip(None, format!("not a JSON object with a \"{key}\" field"));
    }
    let (id, body, kept, known) = match json_fields(&text, controls, fields, escapes) {
        Ok(read) => read,
        Err(e) => return skip(None, format!("not a JSON object with a \"{key}\" field: {e}")),
    };
    let id = match id {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let body = match body {
        Some(serde_json::Value::String(s)) => s,
        None | Some(serde_json::Value::Null) => return skip(id, format!("no \"{key}\" field")),
        Some(other) => {
            let kind = match other {
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Array(_) => "an array",
                _ => "an object",
            };
            return skip(id, format!("\"{key}\" is {kind}, not a string"));
        }
    };
    if body.trim().is_empty() {
        return skip(id, format!("empty \"{key}\""));
    }
    let id = id.unwrap_or_else(|| generated_id(&at.origin()));
    // Found when asked for ([`JsonLines::parse_noting_escapes`]); an empty path allocates
    // nothing.
    let origin = Location { path: PathBuf::new(), line: None, column: None };
    Some((Item::Record(Record { id, text: body, origin, kept }), known))
}
