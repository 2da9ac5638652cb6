//! Plain text: a `.txt` file, or a whole stream, is one article.

use std::io::Read;
use std::path::PathBuf;

use super::{decode, Item, Record, Skip};
use crate::error::{Error, Location, Result};

/// A listed `.txt` file's one item. One unreadable article (e.g. a broken link in a directory)
/// is a skip, not the end of the run.
pub(super) fn file_item(path: PathBuf, max: u64, warnings: &mut Vec<String>) -> Item {
    match std::fs::File::open(&path).and_then(|f| read_at_most(f, max)) {
        Ok(Some(bytes)) => text_item(path, bytes, warnings),
        Ok(None) => Item::Skip(Skip {
            id: Some(crate::util::path_id(&path)),
            origin: Location::file(&path),
            reason: super::too_long("the file", None, max),
        }),
        Err(e) => Item::Skip(Skip {
            id: Some(crate::util::path_id(&path)),
            origin: Location::file(&path),
            reason: format!("cannot read the file: {e}"),
        }),
    }
}

/// The one item of a stream that holds one article.
pub(super) fn stream_item(
    name: PathBuf,
    reader: Box<dyn Read>,
    max: u64,
    warnings: &mut Vec<String>,
) -> Result<Item> {
    match read_at_most(reader, max).map_err(|e| Error::io(&name, e))? {
        Some(bytes) => Ok(text_item(name, bytes, warnings)),
        None => Ok(Item::Skip(Skip {
            id: Some(crate::util::path_id(&name)),
            origin: Location::file(&name),
            reason: super::too_long("the text", None, max),
        })),
    }
}

/// All of `reader`, or `None` when it holds more than `max` bytes (then at most `max + 1`
/// bytes were read).
fn read_at_most(reader: impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

fn text_item(path: PathBuf, bytes: Vec<u8>, warnings: &mut Vec<String>) -> Item {
    let origin = Location::file(&path);
    let id = crate::util::path_id(&path);
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
    let text = decode(bytes, &origin, warnings);
    if text.trim().is_empty() {
        return Item::Skip(Skip { id: Some(id), origin, reason: "empty file".into() });
    }
    Item::Record(Record { id, text, origin })
}
