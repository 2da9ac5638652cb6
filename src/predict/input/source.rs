//! The inputs named on the command line, typed by extension.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::util::FileId;

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
    /// (recursively, sorted), files are typed by extension. A file named twice (also through a
    /// symlink, a hard link or a directory) is read once; non-regular files inside a directory
    /// are left out. [`InputSource::resolve_with_warnings`] says when either happens.
    pub fn resolve(args: &[PathBuf]) -> Result<Vec<InputSource>> {
        Self::resolve_with_warnings(args, &mut Vec::new())
    }

    /// As [`InputSource::resolve`], with a warning in `warnings` for every input left out: a
    /// file already named (told apart by device and inode, not by name), standard input named
    /// twice, and FIFOs, sockets and devices found inside a directory (reading one could block
    /// forever; named explicitly, such a file is read).
    pub fn resolve_with_warnings(
        args: &[PathBuf],
        warnings: &mut Vec<String>,
    ) -> Result<Vec<InputSource>> {
        let mut sources = Vec::new();
        let mut seen: std::collections::HashMap<FileId, PathBuf> = Default::default();
        let mut stdin = false;
        let mut push = |source: InputSource, warnings: &mut Vec<String>| {
            let path = match &source {
                InputSource::Stdin => {
                    if std::mem::replace(&mut stdin, true) {
                        warnings.push("- (standard input) is named twice; read once".into());
                        return;
                    }
                    return sources.push(source);
                }
                InputSource::Text(p) | InputSource::Jsonl(p) | InputSource::Csv(p) => p,
            };
            if let Some(id) = FileId::of(path) {
                if let Some(first) = seen.get(&id) {
                    warnings.push(format!(
                        "{} is the same file as {} (same device and inode); read once",
                        path.display(),
                        first.display()
                    ));
                    return;
                }
                seen.insert(id, path.clone());
            }
            sources.push(source);
        };
        for arg in args {
            if arg.as_os_str() == "-" {
                push(InputSource::Stdin, warnings);
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
                collect_txt(arg, &mut files, warnings)?;
                if files.is_empty() {
                    return Err(Error::input(
                        Location::file(arg),
                        "the directory holds no .txt files",
                        "put one article per .txt file in it, or pass .jsonl/.csv files",
                    ));
                }
                files.sort();
                for file in files {
                    push(InputSource::Text(file), warnings);
                }
                continue;
            }
            let ext = arg.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            let source = match ext.as_str() {
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
            };
            push(source, warnings);
        }
        Ok(sources)
    }
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>, warnings: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ty = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ty.is_dir() {
            collect_txt(&path, out, warnings)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            // A symlink counts as what it points to; a broken one is listed and becomes a
            // skip when it cannot be read.
            let target = if ty.is_symlink() { std::fs::metadata(&path).ok() } else { None };
            let regular = match &target {
                Some(meta) => meta.is_file(),
                None => ty.is_file() || ty.is_symlink(),
            };
            if regular {
                out.push(path);
            } else {
                let kind = special_kind(target.map(|m| m.file_type()).unwrap_or(ty));
                warnings.push(format!(
                    "{}: left out: a {kind}, not a regular file (name it explicitly to read it)",
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// What a non-regular file is, for the warning that leaves it out.
fn special_kind(ty: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return "FIFO (named pipe)";
        }
        if ty.is_socket() {
            return "socket";
        }
        if ty.is_block_device() || ty.is_char_device() {
            return "device";
        }
    }
    if ty.is_dir() {
        return "directory";
    }
    "special file"
}
