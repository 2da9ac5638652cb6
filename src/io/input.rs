//! Inputs for `predict`, read as a stream of records: `.txt` files (one article each),
//! directories of them, JSONL (`id`, `text`), CSV (`id`, `text`) and JSONL on stdin.
//!
//! Nothing is lost silently: a record that cannot be scored becomes a [`Skip`] that names its
//! file and line, and text that is not valid UTF-8 is decoded with U+FFFD replacement and a
//! warning.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

const READ_BUFFER: usize = 1 << 20;

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
                        format!("unknown input type '.{ext}'"),
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
    /// Where it was read.
    pub origin: Location,
    /// Why it was skipped.
    pub reason: String,
}

/// What the reader yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A record to score.
    Record(Record),
    /// A record that was skipped.
    Skip(Skip),
}

enum Open {
    Lines { path: PathBuf, reader: Box<dyn BufRead>, line: u64, jsonl: bool },
    Csv { path: PathBuf, reader: csv::Reader<Box<dyn Read>>, text: usize, id: Option<usize> },
}

/// Streams records from a list of sources, one at a time, in order.
pub struct InputReader {
    sources: std::vec::IntoIter<InputSource>,
    open: Option<Open>,
    warnings: Vec<String>,
    buf: Vec<u8>,
    record: csv::ByteRecord,
}

impl InputReader {
    /// A reader over `sources`.
    pub fn new(sources: Vec<InputSource>) -> Self {
        InputReader {
            sources: sources.into_iter(),
            open: None,
            warnings: Vec::new(),
            buf: Vec::new(),
            record: csv::ByteRecord::new(),
        }
    }

    /// Warnings gathered since the last call (e.g. invalid UTF-8 replaced).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The next record or skip; `None` at the end of all sources. Errors are fatal (an input
    /// that cannot be opened or read at all).
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            if self.open.is_none() {
                let Some(source) = self.sources.next() else { return Ok(None) };
                match source {
                    InputSource::Text(path) => return self.read_text(path).map(Some),
                    InputSource::Jsonl(path) => {
                        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
                        self.open = Some(Open::Lines {
                            path,
                            reader: Box::new(BufReader::with_capacity(READ_BUFFER, file)),
                            line: 0,
                            jsonl: true,
                        });
                    }
                    InputSource::Stdin => {
                        let reader =
                            Box::new(BufReader::with_capacity(READ_BUFFER, std::io::stdin()));
                        self.open = Some(Open::Lines {
                            path: PathBuf::from("-"),
                            reader,
                            line: 0,
                            jsonl: true,
                        });
                    }
                    InputSource::Csv(path) => self.open = Some(open_csv(path)?),
                }
            }
            let item = match self.open.as_mut().expect("opened above") {
                Open::Lines { path, reader, line, jsonl } => {
                    debug_assert!(*jsonl);
                    self.buf.clear();
                    let n = reader
                        .read_until(b'\n', &mut self.buf)
                        .map_err(|e| Error::io(&*path, e))?;
                    if n == 0 {
                        None
                    } else {
                        *line += 1;
                        let location = Location::line(&*path, *line);
                        Some(jsonl_item(&self.buf, location, &mut self.warnings))
                    }
                }
                Open::Csv { path, reader, text, id } => {
                    match reader.read_byte_record(&mut self.record) {
                        Ok(false) => None,
                        Ok(true) => {
                            let line = self.record.position().map_or(0, |p| p.line());
                            let location = Location::line(&*path, line);
                            Some(csv_item(&self.record, *text, *id, location, &mut self.warnings))
                        }
                        Err(e) => {
                            let line = e.position().map_or(0, |p| p.line());
                            return Err(Error::input(
                                Location::line(&*path, line),
                                format!("cannot parse CSV: {e}"),
                                "check quoting near this line: a quote opened in a cell must be closed",
                            ));
                        }
                    }
                }
            };
            match item {
                Some(Some(item)) => return Ok(Some(item)),
                Some(None) => continue,
                None => self.open = None,
            }
        }
    }

    fn read_text(&mut self, path: PathBuf) -> Result<Item> {
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let origin = Location::file(&path);
        if bytes.contains(&0) {
            return Ok(Item::Skip(Skip {
                origin,
                reason: "binary file (contains NUL bytes)".into(),
            }));
        }
        let text = decode(bytes, &origin, &mut self.warnings);
        if text.trim().is_empty() {
            return Ok(Item::Skip(Skip { origin, reason: "empty file".into() }));
        }
        Ok(Item::Record(Record { id: path.display().to_string(), text, origin }))
    }
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
    text: Option<String>,
}

/// `None` for a blank line (not a record).
fn jsonl_item(line: &[u8], origin: Location, warnings: &mut Vec<String>) -> Option<Item> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let text = match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            warnings.push(format!("{origin}: invalid UTF-8 replaced with U+FFFD"));
            String::from_utf8_lossy(line)
        }
    };
    let skip = |reason: String| Some(Item::Skip(Skip { origin: origin.clone(), reason }));
    let parsed: JsonRecord = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => return skip(format!("not a JSON object with a \"text\" field: {e}")),
    };
    let Some(body) = parsed.text else { return skip("no \"text\" field".into()) };
    let id = match parsed.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => generated_id(&origin),
        Some(other) => other.to_string(),
    };
    Some(Item::Record(Record { id, text: body, origin }))
}

fn generated_id(origin: &Location) -> String {
    format!("{}:{}", origin.path.display(), origin.line.unwrap_or(0))
}

fn open_csv(path: PathBuf) -> Result<Open> {
    let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(Box::new(BufReader::with_capacity(READ_BUFFER, file)) as Box<dyn Read>);
    let headers = reader.byte_headers().map_err(|e| {
        Error::input(
            Location::line(&path, 1),
            format!("cannot read the CSV header: {e}"),
            "the first line must be a header with a 'text' column",
        )
    })?;
    let clean =
        |h: &[u8]| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string();
    let names: Vec<String> = headers.iter().map(clean).collect();
    let Some(text) = names.iter().position(|h| h == "text") else {
        return Err(Error::input(
            Location::line(&path, 1),
            format!("no 'text' column in the header ({})", names.join(", ")),
            "name the column holding the articles 'text'",
        ));
    };
    let id = names.iter().position(|h| h == "id");
    Ok(Open::Csv { path, reader, text, id })
}

fn csv_item(
    record: &csv::ByteRecord,
    text: usize,
    id: Option<usize>,
    origin: Location,
    warnings: &mut Vec<String>,
) -> Option<Item> {
    let Some(body) = record.get(text) else {
        return Some(Item::Skip(Skip {
            origin,
            reason: format!("row has {} fields, no 'text' cell", record.len()),
        }));
    };
    let body = decode(body.to_vec(), &origin, warnings);
    let id = id
        .and_then(|i| record.get(i))
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .filter(|s| !s.is_empty());
    let id = id.unwrap_or_else(|| generated_id(&origin));
    Some(Item::Record(Record { id, text: body, origin }))
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
