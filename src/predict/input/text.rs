//! Plain text: a `.txt` file, or a whole stream, is one article.

use std::io::Read;
use std::path::PathBuf;

use super::{decode, Item, Record, Skip};
use crate::error::{Error, Location, Result};

/// A listed `.txt` file's one item. One unreadable article (e.g. a broken link in a directory)
/// is a skip, not the end of the run.
pub(super) fn file_item(path: PathBuf, warnings: &mut Vec<String>) -> Item {
    match std::fs::read(&path) {
        Ok(bytes) => text_item(path, bytes, warnings),
        Err(e) => Item::Skip(Skip {
            id: Some(path.display().to_string()),
            origin: Location::file(&path),
            reason: format!("cannot read the file: {e}"),
        }),
    }
}

/// The one item of a stream that holds one article.
pub(super) fn stream_item(
    name: PathBuf,
    mut reader: Box<dyn Read>,
    warnings: &mut Vec<String>,
) -> Result<Item> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| Error::io(&name, e))?;
    Ok(text_item(name, bytes, warnings))
}

fn text_item(path: PathBuf, bytes: Vec<u8>, warnings: &mut Vec<String>) -> Item {
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
    let text = decode(bytes, &origin, warnings);
    if text.trim().is_empty() {
        return Item::Skip(Skip { id: Some(id), origin, reason: "empty file".into() });
    }
    Item::Record(Record { id, text, origin })
}
