//! The labeled CSV: a header row, a text column, an optional `id`, metadata columns, and one
//! column per task. A blank cell means "not labeled for this task".

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::util::quote::unclosed_quote;

/// Metadata columns that are never tasks unless asked for with `--task`.
pub const DEFAULT_META_COLUMNS: &[&str] =
    &["article_id", "outlet", "source", "date", "url", "title", "annotator", "notes"];

/// How to read labeled CSVs.
#[derive(Debug, Clone)]
pub struct LabeledCsvOptions {
    /// The column holding the sentence.
    pub text_column: String,
    /// Tasks to read; empty means every column except `id`, the text column and `meta`.
    pub tasks: Vec<String>,
    /// Columns that are metadata, not tasks.
    pub meta: Vec<String>,
    /// The column whose value groups rows for cross-validation (all rows of one group fall in
    /// one fold), if any. A file without this column leaves its rows ungrouped.
    pub group_column: Option<String>,
}

impl Default for LabeledCsvOptions {
    fn default() -> Self {
        LabeledCsvOptions {
            text_column: "text".into(),
            tasks: Vec::new(),
            meta: DEFAULT_META_COLUMNS.iter().map(|s| s.to_string()).collect(),
            group_column: Some("article_id".into()),
        }
    }
}

/// A labeled CSV file that went into a set, for provenance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// Path as given.
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Data rows read.
    pub rows: usize,
}

/// Labeled sentences from one or more CSV files.
#[derive(Debug, Clone, Default)]
pub struct LabeledSet {
    /// Sentence texts.
    pub texts: Vec<String>,
    /// Where each row came from.
    pub locations: Vec<Location>,
    /// Task names, in column order of first appearance.
    pub tasks: Vec<String>,
    /// `labels[t][row]`: the label of row for task t, if labeled.
    pub labels: Vec<Vec<Option<String>>>,
    /// The files read.
    pub sources: Vec<SourceFile>,
    /// Per row, the value of the group column (None: no such column in the row's file, or a
    /// blank cell; such a row is a group of its own).
    pub groups: Vec<Option<String>>,
    /// Things worth knowing that did not stop the reading: a file named twice, labels of a
    /// task that differ only in case.
    pub warnings: Vec<String>,
}

impl LabeledSet {
    /// Reads and checks every file. Errors name the file, the line and what to do.
    pub fn read(paths: &[PathBuf], options: &LabeledCsvOptions) -> Result<LabeledSet> {
        if paths.is_empty() {
            return Err(Error::setting(
                "no labeled CSV given",
                "pass --input FILE.csv, or put CSV files in labels/",
            ));
        }
        let mut set = LabeledSet::default();
        let mut seen_ids: HashMap<String, Location> = HashMap::new();
        let mut seen_files: HashMap<crate::util::FileId, &PathBuf> = HashMap::new();
        for path in paths {
            // One file named twice (or through a link) would double every row, and the copies
            // would fall on both sides of the cross-validation split.
            if let Some(id) = crate::util::FileId::of(path) {
                if let Some(first) = seen_files.get(&id) {
                    set.warnings.push(format!(
                        "{} is the same file as {} (same device and inode); read once",
                        path.display(),
                        first.display()
                    ));
                    continue;
                }
                seen_files.insert(id, path);
            }
            let bytes = std::fs::read(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::input(
                        Location::file(path),
                        "no such file",
                        "check the path given to --input",
                    )
                } else {
                    Error::io(path, e)
                }
            })?;
            set.read_bytes(path, &bytes, options, &mut seen_ids)?;
        }
        set.check_tasks(paths, options)?;
        set.warn_about_case();
        Ok(set)
    }

    /// Parses one labeled CSV held in memory, with every check of [`LabeledSet::read`];
    /// `name` stands for the file in messages and provenance.
    pub fn parse(
        name: impl AsRef<Path>,
        bytes: &[u8],
        options: &LabeledCsvOptions,
    ) -> Result<LabeledSet> {
        let name = name.as_ref();
        let mut set = LabeledSet::default();
        set.read_bytes(name, bytes, options, &mut HashMap::new())?;
        set.check_tasks(&[name.to_path_buf()], options)?;
        set.warn_about_case();
        Ok(set)
    }

    fn check_tasks(&self, paths: &[PathBuf], options: &LabeledCsvOptions) -> Result<()> {
        let set = self;
        for task in &options.tasks {
            if !set.tasks.contains(task) {
                return Err(Error::setting(
                    format!("task '{task}' is not a column of {}", list_paths(paths)),
                    "check the spelling against the CSV header, or leave out --task to train every task column",
                ));
            }
        }
        if set.tasks.is_empty() {
            return Err(Error::input(
                Location::file(&paths[0]),
                "no task columns found",
                "add a column per task (e.g. sentiment) beside the text column, or name one with --task",
            ));
        }
        Ok(())
    }

    /// Warns about labels of one task that differ only in case ("Pro" and "pro"): they are
    /// two classes, which is rarely meant.
    fn warn_about_case(&mut self) {
        for (t, labels) in self.labels.iter().enumerate() {
            let mut by_lower: std::collections::BTreeMap<String, std::collections::BTreeSet<&str>> =
                Default::default();
            for l in labels.iter().flatten() {
                by_lower.entry(l.to_lowercase()).or_default().insert(l);
            }
            for spellings in by_lower.values().filter(|s| s.len() > 1) {
                let list: Vec<String> = spellings.iter().map(|s| format!("'{s}'")).collect();
                self.warnings.push(format!(
                    "task '{}': the labels {} differ only in case and are separate classes; write them alike if they mean one class",
                    self.tasks[t],
                    list.join(", ")
                ));
            }
        }
    }

    /// Row indices labeled for task `t`, with their labels.
    pub fn labeled_rows(&self, t: usize) -> Vec<(usize, &str)> {
        self.labels[t]
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.as_deref().map(|l| (i, l)))
            .collect()
    }

    fn read_bytes(
        &mut self,
        path: &Path,
        bytes: &[u8],
        options: &LabeledCsvOptions,
        seen_ids: &mut HashMap<String, Location>,
    ) -> Result<()> {
        let sha256 = crate::util::sha256_hex(bytes);
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::input(
                Location::file(path),
                "the file is empty",
                format!("write a header row with a '{}' column and one column per task, then one row per sentence", options.text_column),
            ));
        }
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
        let headers = reader.headers().map_err(|e| csv_error(path, bytes, e))?.clone();
        let columns = self.columns(path, &headers, options)?;
        let mut rows = 0;
        let mut last_start = None;
        let mut record = csv::StringRecord::new();
        // Physical lines (LF, CRLF and lone CR each end one): the parser counts LFs only.
        let mut lines = crate::util::lines::LineCounter::default();
        lines.feed(bytes);
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(path, bytes, e)),
            }
            let byte = record.position().map_or(0, |p| p.byte());
            let line = lines.line_of(byte);
            last_start = Some((byte, line));
            self.push_row(path, &record, line, &columns, options, seen_ids)?;
            rows += 1;
        }
        if let Some((start, line)) = last_start {
            if let Some(e) = unclosed_quote_error(path, bytes, start, line) {
                return Err(e);
            }
        }
        if rows == 0 {
            return Err(Error::input(
                Location::file(path),
                "the file has a header but no rows",
                "add labeled sentences below the header",
            ));
        }
        self.sources.push(SourceFile { path: path.display().to_string(), sha256, rows });
        Ok(())
    }

    /// Finds the columns of a file from its header; a task seen for the first time is added to
    /// the set (unlabeled in the rows read before).
    fn columns(
        &mut self,
        path: &Path,
        headers: &csv::StringRecord,
        options: &LabeledCsvOptions,
    ) -> Result<Columns> {
        let col = |name: &str| headers.iter().position(|h| h.trim() == name);
        let text_col = col(&options.text_column).ok_or_else(|| {
            Error::input(
                Location::line(path, 1),
                format!(
                    "no '{}' column in the header ({})",
                    options.text_column,
                    crate::util::shorten(&headers.iter().collect::<Vec<_>>().join(", "), 200)
                ),
                "the first line must be a header row naming the columns (e.g. id,text,sentiment); name the sentence column with --text-column, or rename it in the header",
            )
        })?;
        check_duplicate_columns(path, headers)?;
        let id_col = col("id");
        let group_col = options.group_column.as_deref().and_then(col);
        let tasks: Vec<(usize, usize)> = headers
            .iter()
            .enumerate()
            .filter(|&(i, h)| {
                let h = h.trim();
                Some(i) != group_col
                    && if options.tasks.is_empty() {
                        i != text_col
                            && Some(i) != id_col
                            && !options.meta.iter().any(|m| m == h)
                            && !h.is_empty()
                    } else {
                        options.tasks.iter().any(|t| t == h)
                    }
            })
            .map(|(i, h)| {
                let name = h.trim().to_string();
                let t = match self.tasks.iter().position(|t| *t == name) {
                    Some(t) => t,
                    None => {
                        self.tasks.push(name);
                        self.labels.push(vec![None; self.texts.len()]);
                        self.tasks.len() - 1
                    }
                };
                (i, t)
            })
            .collect();
        Ok(Columns { text: text_col, id: id_col, group: group_col, tasks })
    }

    /// Checks one data row (a sentence, an id not seen before) and adds it.
    fn push_row(
        &mut self,
        path: &Path,
        record: &csv::StringRecord,
        line: u64,
        columns: &Columns,
        options: &LabeledCsvOptions,
        seen_ids: &mut HashMap<String, Location>,
    ) -> Result<()> {
        let location = Location::line(path, line);
        let text = record.get(columns.text).unwrap_or("").trim();
        if text.is_empty() {
            return Err(Error::input(
                location.with_column(columns.text as u64 + 1),
                format!("the '{}' cell is empty", options.text_column),
                "fill in the sentence or delete the row",
            ));
        }
        if let Some(id) =
            columns.id.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty())
        {
            if let Some(first) = seen_ids.insert(id.to_string(), location.clone()) {
                return Err(Error::input(
                    location,
                    format!("id '{id}' was already used at {first}"),
                    "ids must be unique across the labeled files: rename or delete one of the rows",
                ));
            }
        }
        self.texts.push(text.to_string());
        self.locations.push(location);
        self.groups.push(
            columns
                .group
                .and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_string),
        );
        for labels in &mut self.labels {
            labels.push(None);
        }
        for &(c, t) in &columns.tasks {
            let cell = record.get(c).unwrap_or("").trim();
            if !cell.is_empty() {
                // NFC: a composed and a decomposed spelling of one label are one class.
                use unicode_normalization::UnicodeNormalization;
                // Invisible format characters at the edges (zero-width space and joiners, word
                // joiner, byte-order mark) would make a class that prints like another.
                let invisible = |c: char| {
                    c.is_whitespace()
                        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
                };
                let label: String =
                    cell.nfc().collect::<String>().trim_matches(invisible).to_string();
                *self.labels[t].last_mut().expect("pushed above") = Some(label);
            }
        }
        Ok(())
    }
}

/// Where the columns of one labeled file are.
struct Columns {
    text: usize,
    id: Option<usize>,
    group: Option<usize>,
    /// (column, task index in the set) of every task column.
    tasks: Vec<(usize, usize)>,
}

/// A header naming one column twice is refused.
fn check_duplicate_columns(path: &Path, headers: &csv::StringRecord) -> Result<()> {
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if let Some(first) = headers.iter().take(i).position(|g| g.trim() == h && !h.is_empty()) {
            return Err(Error::input(
                Location::line(path, 1).with_column(i as u64 + 1),
                format!("column '{h}' appears twice (columns {} and {})", first + 1, i + 1),
                "rename or delete one of the two columns",
            ));
        }
    }
    Ok(())
}

fn list_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// The error for a quote opened in the record at byte `start` (on `line`) that is never closed.
fn unclosed_quote_error(path: &Path, bytes: &[u8], start: u64, line: u64) -> Option<Error> {
    let q = unclosed_quote(bytes.get(start as usize..)?).filter(|q| q.record_offset == 0)?;
    Some(Error::input(
        Location::line(path, line + q.line_offset).with_column(q.field),
        format!(
            "a quote opened in cell {} is never closed, so the {} line(s) from here to the end of the file would be read as one cell",
            q.field, q.lines
        ),
        "close the quote, or write a quote inside a quoted cell as two quotes (\"\")",
    ))
}

fn csv_error(path: &Path, bytes: &[u8], e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| crate::util::lines::line_of(bytes, p.byte()));
    let location = if line > 0 { Location::line(path, line) } else { Location::file(path) };
    if let Some(p) = e.position() {
        if let Some(quote) = unclosed_quote_error(path, bytes, p.byte(), line) {
            return quote;
        }
    }
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::input(
            location,
            format!("this row has {len} fields but the header has {expected_len}"),
            "quote cells that contain commas (\"like, this\"), or fix the number of cells in the row",
        ),
        csv::ErrorKind::Utf8 { err, .. } => Error::input(
            location.with_column(err.field() as u64 + 1),
            format!(
                "cell {} is not valid UTF-8 (invalid byte after {} valid bytes of the cell)",
                err.field() + 1,
                err.valid_up_to()
            ),
            "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 IN.csv > OUT.csv)",
        ),
        _ => Error::input(
            location,
            format!("cannot parse CSV: {e}"),
            "check quoting near this line: a quote opened in a cell must be closed",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read(content: &[u8], options: &LabeledCsvOptions) -> Result<LabeledSet> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content).unwrap();
        LabeledSet::read(&[f.path().to_path_buf()], options)
    }

    #[test]
    fn blank_cells_mean_unlabeled_and_meta_is_not_a_task() {
        let set = read(
            b"id,text,outlet,assad,sentiment\n1,A b.,x,pro,\n2,C d.,y,,negative\n",
            &Default::default(),
        )
        .unwrap();
        assert_eq!(set.tasks, ["assad", "sentiment"]);
        assert_eq!(set.labels[0], [Some("pro".into()), None]);
        assert_eq!(set.labeled_rows(1), [(1, "negative")]);
    }

    #[test]
    fn bom_and_crlf_just_work() {
        let set =
            read(b"\xEF\xBB\xBFtext,stance\r\nHello there.,pro\r\n", &Default::default()).unwrap();
        assert_eq!(set.texts, ["Hello there."]);
        assert_eq!(set.tasks, ["stance"]);
    }

    #[test]
    fn errors_name_the_file_line_and_fix() {
        let o = LabeledCsvOptions::default();
        let msg = |c: &[u8], o: &LabeledCsvOptions| read(c, o).unwrap_err().to_string();
        assert!(msg(b"", &o).contains("empty"));
        assert!(msg(b"sentence,assad\nx,pro\n", &o).contains("no 'text' column"));
        let m = msg(b"text,assad\nx,pro\ny,pro,extra\n", &o);
        assert!(m.contains(":3") && m.contains("3 fields but the header has 2"), "{m}");
        let m = msg(b"id,text,a\n7,x,p\n7,y,q\n", &o);
        assert!(m.contains("already used") && m.contains(":3"), "{m}");
        let unknown = LabeledCsvOptions { tasks: vec!["russia".into()], ..Default::default() };
        assert!(msg(b"text,assad\nx,pro\n", &unknown).contains("task 'russia' is not a column"));
        let m = msg(b"text,a\nok,p\nx,\xff\xfe\n", &o);
        assert!(m.contains(":3:2: cell 2 is not valid UTF-8") && m.contains("iconv"), "{m}");
        let m = msg(b"text,a,a\nx,p,q\n", &o);
        assert!(m.contains(":1:3: column 'a' appears twice"), "{m}");
        let m = msg(b"Hello there.,pro\nBye.,anti\n", &o);
        assert!(m.contains("no 'text' column in the header (Hello there., pro)"), "{m}");
        assert!(m.contains("first line must be a header row"), "{m}");
        assert!(msg(b"text,a\n", &o).contains("a header but no rows"));
        assert!(msg(b"text\nx\n", &o).contains("no task columns"));
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_the_quote() {
        let o = LabeledCsvOptions::default();
        // The quote swallows the rows after it into one cell, and the row count still fits.
        let e = read(b"text,a\nOne.,pro\nTwo.,\"anti\nThree.,pro\nFour.,anti\n", &o)
            .unwrap_err()
            .to_string();
        assert!(e.contains(":3:2: a quote opened in cell 2 is never closed"), "{e}");
        assert!(e.contains("3 line(s)") && e.contains("two quotes"), "{e}");
        // The quote makes a ragged row: the quote is the cause and is named.
        let e = read(b"text,a\nOne.,pro\n\"Two.,anti\nThree.,pro\n", &o).unwrap_err().to_string();
        assert!(e.contains(":3:1: a quote opened in cell 1 is never closed"), "{e}");
        // A genuinely ragged row before a later unclosed quote is reported as ragged.
        let e = read(b"text,a\nOne.,pro,x\nTwo.,\"anti\n", &o).unwrap_err().to_string();
        assert!(e.contains(":2: this row has 3 fields"), "{e}");
    }

    #[test]
    fn parse_reads_from_memory() {
        let set = LabeledSet::parse("mem.csv", b"text,a\nx,p\ny,q\n", &Default::default()).unwrap();
        assert_eq!(set.texts, ["x", "y"]);
        assert_eq!(set.locations[1].to_string(), "mem.csv:3");
        assert_eq!(set.sources[0].path, "mem.csv");
    }
}
