//! The work of a chunk on a worker thread: each record split (or taken whole), scored and
//! formatted into the chunk's output buffer.

use super::{input_bytes, ChunkOutput, Predictor, Worker, MAX_RECORD_SENTENCES};
use crate::model::{Explanation, ScoreScratch};
use crate::predict::{Item, LineAt, OutputUnit, RawItem, Record, Skip, Unit};
use crate::text::SentenceSpan;

impl Predictor {
    /// Parses and formats a chunk of a batch on the calling worker thread.
    pub(super) fn chunk(&self, items: &[RawItem]) -> ChunkOutput {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.workers.len();
        let mut worker = self.workers[slot].0.lock().expect("worker lock");
        let bytes = self.spare.lock().expect("spare buffers lock").pop();
        let mut chunk = ChunkOutput { bytes: bytes.unwrap_or_default(), ..Default::default() };
        // Split-only JSONL is about 1.8 times its input: room for twice the input grows the
        // buffer once instead of doubling it (and copying it) several times. A reused buffer
        // too small for that is replaced, not grown: growing it would copy its old capacity
        // (the allocator does not know it is empty), and a quarter more room lets it serve
        // the next chunks, whose sizes vary a little.
        let input: usize = items.iter().map(input_bytes).sum();
        if chunk.bytes.capacity() < 2 * input {
            chunk.bytes = Vec::with_capacity(2 * input + input / 2);
        }
        for raw in items {
            match raw {
                RawItem::Item(item) => self.item(item, (None, None), &mut worker, &mut chunk),
                RawItem::JsonLines(lines) => {
                    let mut warnings = Vec::new();
                    lines.parse_noting_escapes(&mut warnings, |item, escapes, at| {
                        self.item(&item, (escapes, Some(at)), &mut worker, &mut chunk)
                    });
                    chunk.warnings.append(&mut warnings);
                }
            }
        }
        chunk
    }

    /// Formats one record into the chunk, or records it as skipped. `escapes`: the offsets
    /// in its text of the characters a JSON string must escape, when the reader knows them;
    /// `at`: for a JSONL line, where it is (its record's `origin` holds no line number;
    /// [`crate::predict::JsonLines::parse_noting_escapes`]).
    fn item(
        &self,
        item: &Item,
        (escapes, at): (Option<&[usize]>, Option<&LineAt<'_>>),
        worker: &mut Worker,
        chunk: &mut ChunkOutput,
    ) {
        chunk.records += 1;
        match item {
            Item::Record(r) => {
                let text = TextEscapes(escapes);
                if let Some(reason) = self.record(r, text, worker, &mut chunk.bytes) {
                    chunk.skips.push(Skip {
                        id: Some(r.id.clone()),
                        origin: at.map_or_else(|| r.origin.clone(), LineAt::origin),
                        reason,
                    });
                }
            }
            Item::Skip(s) => chunk.skips.push(s.clone()),
        }
    }

    /// The explanations of `text`, when asked for (`PredictSettings::explain`).
    fn explain(&self, text: &str, scratch: &mut ScoreScratch) -> Option<Vec<Explanation>> {
        match (&self.scorer, self.settings.explain) {
            (Some(s), k) if k > 0 => Some(s.explain(text, k, scratch)),
            _ => None,
        }
    }

    /// Writes the units of one record; the reason of its skip when it wrote nothing.
    fn record(
        &self,
        r: &Record,
        escapes: TextEscapes<'_>,
        worker: &mut Worker,
        out: &mut Vec<u8>,
    ) -> Option<String> {
        let written = out.len();
        worker.text_bytes += r.text.len() as u64;
        worker.prefix.clear();
        if self.writer.is_jsonl() {
            self.writer.json_prefix(&mut worker.prefix, &r.id, &r.kept);
        }
        match self.settings.unit {
            Unit::Sentence => self.whole_record(r, escapes, worker, out),
            Unit::Article => {
                if let Some(reason) = self.split_record(r, escapes, worker, out) {
                    return Some(reason);
                }
            }
        }
        (out.len() == written)
            .then(|| "no sentence to score (only whitespace or page furniture)".to_string())
    }

    /// Writes a record as one unit (`--unit sentence`).
    fn whole_record(
        &self,
        r: &Record,
        escapes: TextEscapes<'_>,
        worker: &mut Worker,
        out: &mut Vec<u8>,
    ) {
        let score = &mut worker.score;
        let explanations = self.explain(&r.text, score);
        let scored = self.scorer.as_ref().map(|s| s.score_with_mentions(&r.text, score));
        let (probabilities, mentions) = (scored.map(|s| s.0), scored.map(|s| s.1));
        let unit = OutputUnit {
            id: &r.id,
            sentence: 0,
            start: 0,
            end: r.text.len(),
            char_start: 0,
            mentions,
            char_end: r.text.chars().count(),
            kept: &r.kept,
            text: &r.text,
            furniture: None,
            probabilities,
            explanations: explanations.as_deref(),
        };
        let known = escapes.none_in(0, r.text.len()).then_some(&[][..]);
        self.write_unit(&worker.prefix, &unit, known, out);
        worker.units += 1;
    }

    /// Splits a record and writes its sentences (and its furniture, when kept); the reason of
    /// its skip when it has too many sentences to hold.
    fn split_record(
        &self,
        r: &Record,
        escapes: TextEscapes<'_>,
        worker: &mut Worker,
        out: &mut Vec<u8>,
    ) -> Option<String> {
        let Worker { score, spans, units, furniture, prefix, .. } = worker;
        match escapes.0 {
            Some(at) => self.splitter.split_into_at(&r.text, at, spans),
            None => self.splitter.split_into(&r.text, spans),
        }
        if spans.len() > MAX_RECORD_SENTENCES {
            // Its output is held whole until written (hundreds of bytes a sentence):
            // millions of sentences in one record would take gigabytes.
            let n = spans.len();
            spans.clear();
            spans.shrink_to(1 << 10);
            return Some(format!(
                "{n} sentences in one record, more than {MAX_RECORD_SENTENCES}: its output would be held whole in memory; split it into smaller records (e.g. one article per .txt file or JSONL line)"
            ));
        }
        // Sentences and furniture lines are numbered apart: furniture is written as
        // -1, -2, ... (see `OutputUnit::sentence`), so no two units share an index.
        let (mut index, mut furniture_index) = (0, 0);
        let mut offsets = CharOffsets::new(&r.text);
        let mut next_escape = 0;
        for span in spans.iter() {
            let chars = offsets.of(span);
            let is_furniture = span.is_furniture();
            if is_furniture {
                *furniture += 1;
                if !self.settings.keep_furniture {
                    continue;
                }
            }
            let sentence = if is_furniture { furniture_index } else { index };
            let known = escapes.in_span(&mut next_escape, span.start, span.end);
            self.write_span(r, span, (sentence, chars), score, (prefix, known), out);
            if is_furniture {
                furniture_index += 1;
            } else {
                index += 1;
                *units += 1;
            }
        }
        None
    }

    /// Writes one span of a record: a sentence scored, or furniture flagged and unscored (it
    /// does not take a sentence index), with its sentence index and character offsets in the
    /// record; `(prefix, escapes)`: the record's JSONL prefix, and where the span's text holds
    /// characters to escape (offsets in the record's text), when known. Always inlined: it runs once a sentence, and as a call it cost
    /// `predict --split-only` 0.6% more instructions.
    #[inline(always)]
    fn write_span(
        &self,
        r: &Record,
        span: &SentenceSpan,
        (sentence, (char_start, char_end)): (usize, (usize, usize)),
        score: &mut ScoreScratch,
        (prefix, escapes): (&[u8], Option<&[usize]>),
        out: &mut Vec<u8>,
    ) {
        let is_furniture = span.is_furniture();
        let text = span.text(&r.text);
        let explanations = if is_furniture { None } else { self.explain(text, score) };
        let scored = match (&self.scorer, is_furniture) {
            (Some(s), false) => Some(s.score_with_mentions(text, score)),
            _ => None,
        };
        let (probabilities, mentions) = (scored.map(|s| s.0), scored.map(|s| s.1));
        let unit = OutputUnit {
            id: &r.id,
            sentence,
            start: span.start,
            end: span.end,
            char_start,
            mentions,
            char_end,
            kept: &r.kept,
            text,
            furniture: span.furniture_kind().map(|k| self.splitter.kind_name(k)),
            probabilities,
            explanations: explanations.as_deref(),
        };
        self.write_unit(prefix, &unit, escapes, out);
    }

    /// Writes a unit: in JSONL after its record's `prefix`; `escapes`: where its text holds
    /// characters to escape, as offsets in the record's text (the unit's text starts at
    /// `unit.start`), when known.
    #[inline(always)]
    fn write_unit(
        &self,
        prefix: &[u8],
        unit: &OutputUnit<'_>,
        escapes: Option<&[usize]>,
        out: &mut Vec<u8>,
    ) {
        if self.writer.is_jsonl() {
            match escapes {
                Some(at) => {
                    self.writer.write_json_unit_escaping(out, prefix, unit, (at, unit.start))
                }
                None => self.writer.write_json_unit(out, prefix, unit, false),
            }
        } else {
            self.writer.write(out, unit);
        }
    }
}

/// The offsets in a record's text of the characters a JSON string must escape (`"`, `\`,
/// control characters), in order, when known.
#[derive(Clone, Copy)]
struct TextEscapes<'a>(Option<&'a [usize]>);

impl<'a> TextEscapes<'a> {
    /// True when `start..end` of the text is known to hold none of them.
    #[inline]
    fn none_in(self, start: usize, end: usize) -> bool {
        self.0.is_some_and(|at| {
            let i = at.partition_point(|&p| p < start);
            at.get(i).is_none_or(|&p| p >= end)
        })
    }

    /// The offsets in `start..end`, when known, for spans taken in order: `next` is the index
    /// of the first offset not before the previous span's start, and the search goes on from
    /// there (a span starting before it searches again from the first offset).
    #[inline]
    fn in_span(self, next: &mut usize, start: usize, end: usize) -> Option<&'a [usize]> {
        self.0.map(|at| {
            let mut i = *next;
            if i > 0 && at[i - 1] >= start {
                i = at.partition_point(|&p| p < start);
            }
            while at.get(i).is_some_and(|&p| p < start) {
                i += 1;
            }
            *next = i;
            let mut j = i;
            while at.get(j).is_some_and(|&p| p < end) {
                j += 1;
            }
            &at[i..j]
        })
    }
}

/// Character offsets of a record's spans, advanced span by span: each byte of the text is
/// counted once (spans are in order and do not overlap). In an ASCII text (most news records)
/// characters are bytes, and nothing is counted.
struct CharOffsets<'t> {
    text: &'t str,
    ascii: bool,
    /// A byte offset in the text, and its character offset.
    byte: usize,
    chars: usize,
}

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str) -> Self {
        CharOffsets { text, ascii: text.is_ascii(), byte: 0, chars: 0 }
    }

    /// The character offsets of the start and end of `span`.
    #[inline]
    fn of(&mut self, span: &SentenceSpan) -> (usize, usize) {
        let (char_start, char_end) = if self.ascii {
            (span.start, span.end)
        } else {
            if span.start < self.byte {
                (self.byte, self.chars) = (0, 0);
            }
            let char_start = self.chars + self.text[self.byte..span.start].chars().count();
            (char_start, char_start + self.text[span.start..span.end].chars().count())
        };
        (self.byte, self.chars) = (span.end, char_end);
        (char_start, char_end)
    }
}
