//! Plain text: a `.txt` file, or a whole stream, is one article.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{decode, InputFields, Item, Record, Skip};
use crate::error::{Error, Location, Result};

/// A listed `.txt` file's one item. One unreadable article (e.g. a broken link in a directory)
/// is a skip, not the end of the run.
pub(super) fn file_item(
    path: PathBuf,
    fields: &InputFields,
    max: u64,
    warnings: &mut Vec<String>,
) -> Item {
    match std::fs::File::open(&path).and_then(|f| read_at_most(f, max)) {
        Ok(Some(bytes)) => {
            let wanted = fields.keep.iter().any(|k| k == InputFields::FOLDER);
            let folder = if wanted { folder_name(&path) } else { None };
            text_item(path, bytes, fields, folder, warnings)
        }
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
    fields: &InputFields,
    max: u64,
    warnings: &mut Vec<String>,
) -> Result<Item> {
    match read_at_most(reader, max).map_err(|e| Error::io(&name, e))? {
        Some(bytes) => Ok(text_item(name, bytes, fields, None, warnings)),
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

/// The name of the folder `path` is in (`data/articles/x.txt`: `articles`), also for a path
/// relative to the current directory (`x.txt`).
fn folder_name(path: &Path) -> Option<String> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().ok()?,
    };
    let parent = match parent.file_name() {
        Some(_) => parent,
        None => parent.canonicalize().ok()?,
    };
    parent.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The item of one article; its kept fields are `folder` (when asked) and null for any other.
fn text_item(
    path: PathBuf,
    bytes: Vec<u8>,
    fields: &InputFields,
    folder: Option<String>,
    warnings: &mut Vec<String>,
) -> Item {
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
    let kept = fields
        .keep
        .iter()
        .map(|k| match (k.as_str(), &folder) {
            (InputFields::FOLDER, Some(f)) => serde_json::Value::String(f.clone()),
            _ => serde_json::Value::Null,
        })
        .collect();
    Item::Record(Record { id, text, origin, kept })
}
