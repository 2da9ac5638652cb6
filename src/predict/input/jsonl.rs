//! JSONL: one JSON object per line with `text` and optionally `id`. Lines are read in blocks
//! of whole lines and parsed where the block is scored (on the worker threads in `predict`).

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use super::{generated_id, InputFields, Item, Record, Skip};
use crate::error::{Error, Location, Result};

/// JSONL is read in blocks of whole lines of about this many bytes (a longer line makes a longer
/// block): one read call and no copy per line on the reading thread.
pub(crate) const JSONL_BLOCK: usize = 64 << 10;

/// An open JSONL file or stream.
pub(super) struct LinesInput {
    path: PathBuf,
    reader: Box<dyn Read>,
    /// Lines read so far.
    line: u64,
    /// The start of a line whose end is not read yet.
    carry: Vec<u8>,
    fields: Arc<InputFields>,
}

impl LinesInput {
    pub(super) fn new(path: PathBuf, reader: Box<dyn Read>, fields: Arc<InputFields>) -> Self {
        LinesInput { path, reader, line: 0, carry: Vec::new(), fields }
    }

    /// The next block of whole lines; `None` at the end (with a warning when a file held no
    /// line at all).
    pub(super) fn next_block(&mut self, warnings: &mut Vec<String>) -> Result<Option<JsonLines>> {
        let path = &self.path;
        match read_lines_block(&mut self.reader, &mut self.carry).map_err(|e| Error::io(path, e))? {
            None => {
                if self.line == 0 && path.as_os_str() != "-" {
                    warnings.push(format!("{}: empty file, no records", path.display()));
                }
                Ok(None)
            }
            Some(bytes) => {
                let lines = JsonLines::new(bytes, path.clone(), self.line + 1)
                    .with_fields(Arc::clone(&self.fields));
                self.line += lines.line_count();
                Ok(Some(lines))
            }
        }
    }
}

/// Whole JSONL lines read in one block (about [`JSONL_BLOCK`] bytes), and where they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonLines {
    bytes: Vec<u8>,
    path: PathBuf,
    first_line: u64,
    /// Counted once, from `bytes`, which cannot change after.
    lines: u64,
    /// The text key and the keys to keep.
    fields: Arc<InputFields>,
}

impl JsonLines {
    /// Whole lines `bytes` (line ends included) of `path`, the first of them numbered
    /// `first_line`.
    pub fn new(bytes: Vec<u8>, path: PathBuf, first_line: u64) -> Self {
        let newlines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let lines = newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
        JsonLines { bytes, path, first_line, lines, fields: Arc::default() }
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

    /// 1-based number of the first line.
    #[cfg(test)]
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
            let origin = Location::line(&self.path, line);
            if let Some(item) = jsonl_item(&self.bytes[start..end], origin, &self.fields, warnings)
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

#[derive(serde::Deserialize)]
struct JsonRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<serde_json::Value>,
}

/// `None` for a blank line (not a record).
fn jsonl_item(
    line: &[u8],
    origin: Location,
    fields: &InputFields,
    warnings: &mut Vec<String>,
) -> Option<Item> {
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
    let key = &fields.text;
    if !text.trim_start().starts_with('{') {
        return skip(None, format!("not a JSON object with a \"{key}\" field"));
    }
    // The default fields are read into a struct that skips every other key; other fields
    // need the whole object.
    let (id, body, kept) = if fields.is_default() {
        match serde_json::from_str::<JsonRecord>(&text) {
            Ok(r) => (r.id, r.text, Vec::new()),
            Err(e) => return skip(None, format!("not a JSON object with a \"{key}\" field: {e}")),
        }
    } else {
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
            Ok(mut object) => {
                let kept = fields
                    .keep
                    .iter()
                    .map(|k| object.get(k).cloned().unwrap_or(serde_json::Value::Null))
                    .collect();
                (object.remove("id"), object.remove(key.as_str()), kept)
            }
            Err(e) => return skip(None, format!("not a JSON object with a \"{key}\" field: {e}")),
        }
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
    let id = id.unwrap_or_else(|| generated_id(&origin));
    Some(Item::Record(Record { id, text: body, origin, kept }))
}
