//! The inputs named on the command line, typed by extension.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

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
