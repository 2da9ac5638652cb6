//! Prediction records as JSONL or CSV, formatted into byte buffers so worker threads format in
//! parallel and one writer emits them in input order.

use crate::model::{argmax, Explanation, TaskHead};
use crate::text::{Mention, MentionFinder};

mod encode;
mod predictions;

#[cfg(test)]
pub(crate) use encode::has_control;
pub use encode::json_string;
use encode::{copy_digits, decimal, explanation_json, probability, terms_json};
pub(crate) use encode::{next_escape, next_quote};

/// Output format of `predict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OutputFormat {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// A header row, then one row per unit.
    Csv,
}

/// What one input record is scored as. Either way the output has one record per sentence;
/// article-level figures come from `summarize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Unit {
    /// Split each record into sentences and score each sentence (`--unit split`; `article`, its
    /// old name, is accepted too).
    #[default]
    #[cfg_attr(feature = "cli", value(name = "split", alias = "article"))]
    Article,
    /// Score each record as one unit, unsplit.
    Sentence,
}

/// One output unit: a sentence (or whole record) and, unless splitting only, its probabilities.
#[derive(Debug, Clone, Copy)]
pub struct OutputUnit<'a> {
    /// Record id.
    pub id: &'a str,
    /// Index of the sentence within its record, counting sentences only. For page furniture,
    /// the index of the line among the record's furniture lines, written as `-1 - index`
    /// (-1, -2, ...) so that furniture never shares a sentence index.
    pub sentence: usize,
    /// Byte offset of the sentence in the record's text.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// Character offset of the sentence in the record's text (Unicode scalar values, as Python
    /// slices strings): `start_char` in the output, and the frame of mentions' character offsets.
    pub char_start: usize,
    /// Character offset one past its end (`end_char`).
    pub char_end: usize,
    /// The record's kept fields, in the order given to [`RecordWriter::with_kept`].
    pub kept: &'a [serde_json::Value],
    /// The sentence.
    pub text: &'a str,
    /// The furniture kind's name for page furniture (only written when asked to keep it),
    /// `None` for a sentence.
    pub furniture: Option<&'a str>,
    /// The actor mentions in `text` when already found (byte offsets in `text`); when none,
    /// a writer with mentions to report finds them itself.
    pub mentions: Option<&'a [Mention]>,
    /// Concatenated class probabilities of every task, or none when splitting only.
    pub probabilities: Option<&'a [f64]>,
    /// Per task, in task order, why it predicted its class (`predict --explain K`), or none.
    pub explanations: Option<&'a [Explanation]>,
}

/// Formats [`OutputUnit`]s for a set of tasks.
#[derive(Debug, Clone)]
pub struct RecordWriter {
    format: OutputFormat,
    heads: Vec<TaskHead>,
    /// Per task: `"name":{"label":` and per class `"class":`, pre-escaped.
    json_task_keys: Vec<String>,
    json_class_keys: Vec<Vec<String>>,
    /// The `"predictions"` object's pieces (JSONL units without explanations).
    predictions: predictions::Predictions,
    /// CSV only: a `furniture` column (the kind, empty for sentences) after `text`.
    furniture_column: bool,
    /// Actor mentions to report per scored unit, when the model has actors.
    mentions: Option<MentionFinder>,
    /// Per actor of `mentions`, `"name":[` pre-escaped.
    json_actor_keys: Vec<Vec<u8>>,
    /// The `"mentions"` and `"mention_chars"` fields of a unit without mentions.
    json_no_mentions: Vec<u8>,
    /// Names of the kept input fields, and per name `,"name":` pre-escaped for JSONL.
    kept: Vec<String>,
    json_kept_keys: Vec<Vec<u8>>,
    /// CSV only: a `<task>_terms` column per task (`predict --explain K`).
    terms_columns: bool,
}

/// The fields every JSONL record may have; a kept input field may not take one of these names.
pub const FIXED_FIELDS: [&str; 11] = [
    "id",
    "sentence",
    "start",
    "end",
    "start_char",
    "end_char",
    "text",
    "furniture",
    "mentions",
    "mention_chars",
    "predictions",
];

impl RecordWriter {
    /// A writer for `heads` (empty when splitting only).
    pub fn new(format: OutputFormat, heads: &[TaskHead]) -> Self {
        let json_task_keys = heads
            .iter()
            .map(|h| {
                let mut s = Vec::new();
                json_string(&mut s, &h.name);
                String::from_utf8(s).expect("utf-8") + ":{\"label\":"
            })
            .collect();
        let json_class_keys = heads
            .iter()
            .map(|h| {
                h.classes
                    .iter()
                    .map(|c| {
                        let mut s = Vec::new();
                        json_string(&mut s, c);
                        String::from_utf8(s).expect("utf-8")
                    })
                    .collect()
            })
            .collect();
        RecordWriter {
            format,
            heads: heads.to_vec(),
            json_task_keys,
            json_class_keys,
            predictions: predictions::Predictions::new(heads),
            furniture_column: false,
            mentions: None,
            json_actor_keys: Vec::new(),
            json_no_mentions: Vec::new(),
            kept: Vec::new(),
            json_kept_keys: Vec::new(),
            terms_columns: false,
        }
    }

    /// Copies the input fields `names` into every record: in JSONL as fields after `id`, in
    /// CSV as columns after `id`. A name that an output field or column already has (`id`,
    /// `text`, a task column ...), or that is given twice, is refused.
    pub fn with_kept(mut self, names: &[String]) -> crate::Result<Self> {
        // The CSV columns are refused in JSONL too, so that a command that works in one format
        // works in the other.
        let csv = RecordWriter { format: OutputFormat::Csv, kept: Vec::new(), ..self.clone() };
        let header = String::from_utf8(csv.header()).expect("utf-8");
        let columns: Vec<String> = csv::Reader::from_reader(header.as_bytes())
            .headers()
            .map(|h| h.iter().map(String::from).collect())
            .unwrap_or_default();
        for (i, name) in names.iter().enumerate() {
            let taken = FIXED_FIELDS.contains(&name.as_str())
                || columns.iter().any(|c| c == name)
                || names[..i].contains(name);
            if name.is_empty() || taken {
                return Err(crate::Error::setting(
                    if name.is_empty() {
                        "--keep: an empty field name".to_string()
                    } else if names[..i].contains(name) {
                        format!("--keep: '{name}' is named twice")
                    } else {
                        format!("--keep: '{name}' is already an output field of predict")
                    },
                    format!(
                        "the output has the fields {} (and, in CSV, a column per task and class); keep input fields with other names, or rename them in the input",
                        FIXED_FIELDS.join(", ")
                    ),
                ));
            }
        }
        self.json_kept_keys = names
            .iter()
            .map(|n| {
                let mut key = b",".to_vec();
                json_string(&mut key, n);
                key.push(b':');
                key
            })
            .collect();
        self.kept = names.to_vec();
        Ok(self)
    }

    /// With a finder, every scored unit gets its actor mentions: in JSONL,
    /// `"mentions":{"ACTOR":[[start,end],...],...}` (byte offsets in the record's text, as
    /// `start` and `end`) and `"mention_chars"` (the same as character offsets); in CSV, a
    /// `mentions` column holding the `"mentions"` object.
    pub fn with_mentions(mut self, finder: Option<MentionFinder>) -> Self {
        self.mentions = finder.filter(|f| !f.is_empty());
        let actors = self.mentions.iter().flat_map(|f| f.actors());
        self.json_actor_keys = actors
            .map(|actor| {
                let mut key = Vec::new();
                json_string(&mut key, &actor.name);
                key.extend_from_slice(b":[");
                key
            })
            .collect();
        let mut empty = vec![b'{'];
        for (a, key) in self.json_actor_keys.iter().enumerate() {
            empty.extend_from_slice(if a > 0 { b"," } else { b"" });
            empty.extend_from_slice(key);
            empty.push(b']');
        }
        empty.push(b'}');
        self.json_no_mentions =
            [&b",\"mentions\":"[..], &empty, b",\"mention_chars\":", &empty].concat();
        self
    }

    /// Appends `{"ACTOR":[[start,end],...],...}` for the unit's mentions (`finder` is the
    /// writer's own): byte offsets, or character offsets with `chars`.
    fn mentions_json(
        &self,
        out: &mut Vec<u8>,
        finder: &MentionFinder,
        u: &OutputUnit<'_>,
        found: &[Mention],
        chars: bool,
    ) {
        out.push(b'{');
        // An ASCII text's character offsets are its byte offsets.
        let count_chars = chars && !found.is_empty() && !u.text.is_ascii();
        for (a, actor) in finder.actors().iter().enumerate() {
            if a > 0 {
                out.push(b',');
            }
            match self.json_actor_keys.get(a) {
                Some(key) => out.extend_from_slice(key),
                None => {
                    json_string(out, &actor.name);
                    out.extend_from_slice(b":[");
                }
            }
            let mut first = true;
            for m in found.iter().filter(|m| m.actor == a) {
                if !first {
                    out.push(b',');
                }
                first = false;
                let (start, end) = if count_chars {
                    let start = u.char_start + u.text[..m.start].chars().count();
                    (start, start + u.text[m.start..m.end].chars().count())
                } else if chars {
                    (u.char_start + m.start, u.char_start + m.end)
                } else {
                    (u.start + m.start, u.start + m.end)
                };
                out.push(b'[');
                decimal(out, start);
                out.push(b',');
                decimal(out, end);
                out.push(b']');
            }
            out.push(b']');
        }
        out.push(b'}');
    }

    /// With `yes`, CSV output gets a `furniture` column (the furniture kind, empty for
    /// sentences) after `text`, for runs that keep page furniture; JSONL marks furniture with
    /// `"furniture": "<kind>"` either way.
    pub fn with_furniture_column(mut self, yes: bool) -> Self {
        self.furniture_column = yes;
        self
    }

    /// With `yes`, CSV output gets a `<task>_terms` column after each task's probabilities,
    /// holding the explanation's terms as a JSON array (`predict --explain K`); JSONL writes
    /// whatever explanations a unit carries either way.
    pub fn with_terms_columns(mut self, yes: bool) -> Self {
        self.terms_columns = yes;
        self
    }

    /// The CSV header line (empty for JSONL).
    pub fn header(&self) -> Vec<u8> {
        if self.format != OutputFormat::Csv {
            return Vec::new();
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.columns()).expect("writing to memory");
        w.into_inner().expect("writing to memory")
    }

    /// Refuses CSV output whose header would name a column twice (a task named like a fixed
    /// column, or tasks `a` with class `x` and `a_p_x`): a reader would take one for the other.
    pub fn check_columns(&self) -> crate::Result<()> {
        if self.format != OutputFormat::Csv {
            return Ok(());
        }
        let columns = self.columns();
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].contains(c) {
                return Err(crate::Error::setting(
                    format!("the model's tasks and classes make the CSV column '{c}' twice"),
                    "use --format jsonl (which nests predictions by task), or retrain with distinct task and class names",
                ));
            }
        }
        Ok(())
    }

    fn columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = vec!["id".into()];
        cols.extend(self.kept.iter().cloned());
        cols.extend(
            ["sentence", "start", "end", "start_char", "end_char", "text"].map(String::from),
        );
        if self.furniture_column {
            cols.push("furniture".into());
        }
        if self.mentions.is_some() {
            cols.push("mentions".into());
        }
        for h in &self.heads {
            cols.push(h.name.clone());
            cols.extend(h.classes.iter().map(|c| format!("{}_p_{}", h.name, c)));
            if self.terms_columns {
                cols.push(format!("{}_terms", h.name));
            }
        }
        cols
    }

    /// Appends one unit to `out`.
    pub fn write(&self, out: &mut Vec<u8>, unit: &OutputUnit<'_>) {
        match self.format {
            OutputFormat::Jsonl => self.write_json(out, unit),
            OutputFormat::Csv => self.write_csv(out, unit),
        }
    }

    fn write_json(&self, out: &mut Vec<u8>, u: &OutputUnit<'_>) {
        self.json_prefix(out, u.id, u.kept);
        self.json_fields(out, u, false);
    }

    /// Whether records are written as JSONL.
    pub(crate) fn is_jsonl(&self) -> bool {
        self.format == OutputFormat::Jsonl
    }

    /// Appends `{"id":` with the record id and the kept fields: the start that every JSONL
    /// unit of one input record shares, formatted once per record by `predict` and copied
    /// before each of its units ([`RecordWriter::write_json_unit`]).
    pub(crate) fn json_prefix(&self, out: &mut Vec<u8>, id: &str, kept: &[serde_json::Value]) {
        out.extend_from_slice(b"{\"id\":");
        json_string(out, id);
        for (key, value) in self.json_kept_keys.iter().zip(kept) {
            out.extend_from_slice(key);
            match value {
                serde_json::Value::String(s) => json_string(out, s),
                other => serde_json::to_writer(&mut *out, other).expect("writing to memory"),
            }
        }
    }

    /// Appends one JSONL unit after `prefix`, its record's [`RecordWriter::json_prefix`]. With
    /// `plain_text` the caller knows that the unit's text holds no character a JSON string
    /// must escape, and it is copied as it is. The same bytes as [`RecordWriter::write`].
    pub(crate) fn write_json_unit(
        &self,
        out: &mut Vec<u8>,
        prefix: &[u8],
        u: &OutputUnit<'_>,
        plain_text: bool,
    ) {
        if plain_text {
            self.write_json_unit_escaping(out, prefix, u, (&[], 0));
        } else {
            out.extend_from_slice(prefix);
            self.json_fields(out, u, false);
        }
    }

    /// As [`RecordWriter::write_json_unit`], for a unit whose text holds the characters a
    /// JSON string must escape at `escapes` minus `base`, and nowhere else: split-only units
    /// are then written without searching their text ([`encode::split_unit`]).
    pub(crate) fn write_json_unit_escaping(
        &self,
        out: &mut Vec<u8>,
        prefix: &[u8],
        u: &OutputUnit<'_>,
        escapes: (&[usize], usize),
    ) {
        if u.furniture.is_none()
            && u.probabilities.is_none()
            && encode::split_unit(out, prefix, u, escapes)
        {
            return;
        }
        out.extend_from_slice(prefix);
        self.json_fields(out, u, escapes.0.is_empty());
    }

    /// The `"mentions"` and `"mention_chars"` fields of a JSONL unit.
    fn mentions_fields(&self, out: &mut Vec<u8>, finder: &MentionFinder, u: &OutputUnit<'_>) {
        let found = mentions_of(finder, u);
        let found = found.as_ref();
        if found.is_empty() {
            // Most units: both objects list every actor with no mention.
            out.extend_from_slice(&self.json_no_mentions);
            return;
        }
        out.extend_from_slice(b",\"mentions\":");
        let at = out.len();
        self.mentions_json(out, finder, u, found, false);
        out.extend_from_slice(b",\"mention_chars\":");
        // Where character offsets are the byte offsets (no mention, or ASCII text starting at
        // the same byte and character), the object just written is written again.
        if u.char_start == u.start && (found.is_empty() || u.text.is_ascii()) {
            let end = out.len() - b",\"mention_chars\":".len();
            out.extend_from_within(at..end);
        } else {
            self.mentions_json(out, finder, u, found, true);
        }
    }

    /// The fields of a JSONL unit after its prefix, and the line end.
    fn json_fields(&self, out: &mut Vec<u8>, u: &OutputUnit<'_>, plain_text: bool) {
        out.extend_from_slice(b",\"sentence\":");
        if u.furniture.is_some() {
            out.push(b'-');
            decimal(out, u.sentence + 1);
        } else {
            decimal(out, u.sentence);
        }
        // In ASCII text (most news) character offsets are byte offsets: their digits are
        // copied.
        out.extend_from_slice(b",\"start\":");
        let start = decimal(out, u.start);
        out.extend_from_slice(b",\"end\":");
        let end = decimal(out, u.end);
        out.extend_from_slice(b",\"start_char\":");
        if u.char_start == u.start {
            copy_digits(out, start);
        } else {
            decimal(out, u.char_start);
        }
        out.extend_from_slice(b",\"end_char\":");
        if u.char_end == u.end {
            copy_digits(out, end);
        } else {
            decimal(out, u.char_end);
        }
        out.extend_from_slice(b",\"text\":");
        if plain_text {
            out.reserve(u.text.len() + 2);
            out.push(b'"');
            out.extend_from_slice(u.text.as_bytes());
            out.push(b'"');
        } else {
            json_string(out, u.text);
        }
        if let Some(kind) = u.furniture {
            out.extend_from_slice(b",\"furniture\":");
            json_string(out, kind);
        }
        if let (Some(finder), Some(_)) = (&self.mentions, u.probabilities) {
            self.mentions_fields(out, finder, u);
        }
        if let (Some(p), None) = (u.probabilities, u.explanations) {
            self.predictions.write(out, &self.heads, p);
        } else if let Some(p) = u.probabilities {
            out.extend_from_slice(b",\"predictions\":{");
            for (t, h) in self.heads.iter().enumerate() {
                if t > 0 {
                    out.push(b',');
                }
                let probs = &p[h.offset..h.offset + h.classes.len()];
                out.extend_from_slice(self.json_task_keys[t].as_bytes());
                out.extend_from_slice(self.json_class_keys[t][argmax(probs)].as_bytes());
                out.extend_from_slice(b",\"probabilities\":{");
                for (c, &v) in probs.iter().enumerate() {
                    if c > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(self.json_class_keys[t][c].as_bytes());
                    out.push(b':');
                    probability(out, v);
                }
                out.push(b'}');
                if let Some(e) = u.explanations.and_then(|e| e.get(t)) {
                    explanation_json(out, e);
                }
                out.push(b'}');
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"}\n");
    }

    fn write_csv(&self, out: &mut Vec<u8>, u: &OutputUnit<'_>) {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(std::mem::take(out));
        let mut fields: Vec<Vec<u8>> = vec![u.id.as_bytes().to_vec()];
        fields.extend(u.kept.iter().map(|v| match v {
            serde_json::Value::String(s) => s.as_bytes().to_vec(),
            serde_json::Value::Null => Vec::new(),
            other => other.to_string().into_bytes(),
        }));
        fields.extend([
            if u.furniture.is_some() {
                format!("-{}", u.sentence + 1).into_bytes()
            } else {
                u.sentence.to_string().into_bytes()
            },
            u.start.to_string().into_bytes(),
            u.end.to_string().into_bytes(),
            u.char_start.to_string().into_bytes(),
            u.char_end.to_string().into_bytes(),
            u.text.as_bytes().to_vec(),
        ]);
        if self.furniture_column {
            fields.push(u.furniture.unwrap_or("").as_bytes().to_vec());
        }
        if let Some(finder) = &self.mentions {
            let mut m = Vec::new();
            if u.probabilities.is_some() {
                let found = mentions_of(finder, u);
                let found = found.as_ref();
                self.mentions_json(&mut m, finder, u, found, false);
            }
            fields.push(m);
        }
        for h in &self.heads {
            match u.probabilities {
                Some(p) => {
                    let probs = &p[h.offset..h.offset + h.classes.len()];
                    fields.push(h.classes[argmax(probs)].as_bytes().to_vec());
                    for &v in probs {
                        let mut b = Vec::new();
                        probability(&mut b, v);
                        fields.push(b);
                    }
                }
                None => fields.extend(std::iter::repeat_n(Vec::new(), 1 + h.classes.len())),
            }
            if self.terms_columns {
                let mut b = Vec::new();
                if let Some(e) = u.explanations.and_then(|e| e.iter().find(|e| e.task == h.name)) {
                    terms_json(&mut b, e);
                }
                fields.push(b);
            }
        }
        w.write_record(&fields).expect("writing to memory");
        *out = w.into_inner().expect("writing to memory");
    }
}

/// The unit's mentions: those the scorer found, or else found now.
fn mentions_of<'a>(finder: &MentionFinder, u: &OutputUnit<'a>) -> std::borrow::Cow<'a, [Mention]> {
    match u.mentions {
        Some(found) => std::borrow::Cow::Borrowed(found),
        None => std::borrow::Cow::Owned(finder.find(u.text)),
    }
}

#[cfg(test)]
mod tests;
