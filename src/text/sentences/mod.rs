//! Sentence splitting for English news articles.
//!
//! [`SentenceSplitter`] cuts a text into [`SentenceSpan`]s: byte offsets into
//! the original string, in order, non-overlapping, trimmed of whitespace and
//! never empty. Lines of page furniture (credits, comment widgets, editors'
//! notes) come back as whole-line spans flagged [`SpanKind::Furniture`] so the
//! stance scorer can skip them while offsets still cover the article.
//!
//! # Rules
//!
//! 1. **Lines come first.** `\n` and `\r` always end a sentence, with or
//!    without punctuation, because headlines, datelines and bylines sit on
//!    lines of their own. Blank lines are paragraph breaks and yield nothing.
//!    A consequence: hard-wrapped text splits at every wrap, so feed
//!    unwrapped paragraphs.
//! 2. **Furniture is decided per line.** Each trimmed line is checked against
//!    the small table `FURNITURE_RULES` before any splitting; a hit makes the
//!    whole line one furniture span. Only lines of at most 256 bytes can be
//!    furniture, and every rule is anchored (whole line, prefix, a credit
//!    phrase, a contact line), because a real news sentence must never be
//!    dropped.
//! 3. **A terminator** is a run of `.`, `!`, `?` or `…`, plus the closing
//!    quotes and brackets that follow it (`"` `'` `”` `’` `»` `)` `]` `}`),
//!    which belong to the sentence they close. It can end a sentence only
//!    when whitespace follows and then a plausible sentence start: an
//!    uppercase or uncased letter (Arabic, CJK), a digit, an opening quote or
//!    bracket, or a currency sign. So `3.5`, `$1.2bn`, `version 2.0`,
//!    `Amazon.com` and the inner dots of `U.S.` never split, and neither
//!    does anything followed by a lowercase word (`... and then`,
//!    `etc. and more`, `"Why?" he asked`).
//! 4. **`!`, `?` and ellipses** (`...`, `…`) then end the sentence, except
//!    when they close a quotation that is followed by its attribution
//!    (`"Why?" Defense Secretary Ash Carter asked.`): up to four capitalised
//!    words and then a speech verb such as *said* or *asked*.
//! 5. **A single period** is judged by the word in front of it:
//!    * *never a boundary*: titles that precede names (Mr., Mrs., Ms., Dr.,
//!      Gen., Lt., Col., Sgt., Capt., Maj., Gov., Sen., Rep., Rev., Prof.,
//!      ...), `vs.`, `v.`, `e.g.`, `i.e.`;
//!    * *not before a number*: `No. 1`, `Vol. 2`, `p. 12`; elsewhere these
//!      are ordinary words;
//!    * *weak*, ending a sentence only when the next word is a common
//!      sentence opener (The, It, He, She, They, But, In, A, This, ...):
//!      dotted acronyms (U.S., U.N., U.K., E.U., D.C., a.m., p.m., Ph.D.),
//!      single capital initials (George W. Bush), Jr., Sr., Inc., Corp.,
//!      Co., Ltd., St., Mt., month abbreviations and AP state
//!      abbreviations. So `U.S. officials said`, `10 a.m. Monday`,
//!      `Jonathan S. Landay` and `Jan. 15` stay whole, while
//!      `agreed with the U.S. The talks` splits. The trade-off is deliberate:
//!      `... with the U.S. Officials said` is *not* split, because
//!      `U.S. Officials` is as likely to be one noun phrase;
//!    * a number of up to three digits that starts the sentence is a list
//!      marker (`1. The first point`);
//!    * any other word ends the sentence, `etc.` included.
//!
//! Known limits: `"Stop!" Smith said he ...` keeps the attribution with the
//! quote; `... and Plan B. Officials said` is not split (weak initial).
//!
//! # Robustness and speed
//!
//! The splitter never panics on any `&str`: empty text, control characters,
//! only punctuation, or a hundred megabytes with no boundary (a sentence run
//! is then just one long span). Work is linear in the input: lines and
//! terminators are found with `memchr`, the word before a period is read
//! backwards at most 16 bytes, abbreviations are a `match` on byte slices,
//! and the only allocation is pushing spans into the output vector.

mod engine;
mod furniture;
mod header;
mod rules;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use memchr::memchr2;

pub use furniture::{FurnitureKind, FurniturePatternError};

/// What a span of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Article prose: one sentence, the title line, or a list item.
    Sentence,
    /// Page furniture of a named kind (bylines, datelines, captions, credits, a repeated
    /// headline, ...): kept so offsets cover the text, but not worth scoring. The kind's name
    /// comes from [`SentenceSplitter::kind_name`].
    Furniture(FurnitureKind),
}

/// One sentence (or piece of furniture) found in a text, as byte offsets into the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the span's first byte; always on a char boundary.
    pub start: usize,
    /// Byte offset just past the span's last byte; always on a char boundary.
    pub end: usize,
    /// Whether the span is a sentence or furniture, and which kind.
    pub kind: SpanKind,
}

impl SentenceSpan {
    /// The span's text within `source`, the string it was split from.
    ///
    /// Returns `""` instead of panicking when the offsets do not fit
    /// `source`, which can only happen if it is a different string.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }

    /// True when the span is furniture rather than a sentence.
    pub fn is_furniture(&self) -> bool {
        matches!(self.kind, SpanKind::Furniture(_))
    }

    /// The furniture kind, or `None` for a sentence.
    pub fn furniture_kind(&self) -> Option<FurnitureKind> {
        match self.kind {
            SpanKind::Furniture(kind) => Some(kind),
            SpanKind::Sentence => None,
        }
    }
}

/// Splits English news text into sentence spans; see the module docs for the rules.
#[derive(Debug, Clone, Default)]
pub struct SentenceSplitter {
    furniture: Arc<furniture::FurnitureTable>,
}

impl SentenceSplitter {
    /// A splitter with the default news rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same splitter with the furniture patterns of a CSV `kind,pattern` file added
    /// (checked before the built-in rules; see the module docs for the pattern syntax).
    pub fn with_furniture_patterns(mut self, csv: &str) -> Result<Self, FurniturePatternError> {
        Arc::make_mut(&mut self.furniture).add_patterns(csv)?;
        Ok(self)
    }

    /// The name of a furniture kind: `byline`, `dateline`, ..., or a name from a patterns file.
    pub fn kind_name(&self, kind: FurnitureKind) -> &str {
        self.furniture.kind_name(kind)
    }

    /// All spans in order, furniture included (with its kind), trimmed of surrounding
    /// whitespace, never empty.
    pub fn split(&self, text: &str) -> Vec<SentenceSpan> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }

    /// Same, into a reused buffer (cleared first) so hot loops do not allocate.
    pub fn split_into(&self, text: &str, out: &mut Vec<SentenceSpan>) {
        out.clear();
        let bytes = text.as_bytes();
        let mut cx = engine::LineContext {
            table: &self.furniture,
            title: None,
            line_index: 0,
            related_run: false,
            previous_single: None,
            widgets: Vec::new(),
        };
        let mut line_start = 0;
        while line_start <= bytes.len() {
            // A lone `\r` (old Mac files) is a line break too; `\r\n` just
            // yields an empty line in between, which produces nothing.
            let line_end = match memchr2(b'\n', b'\r', &bytes[line_start..]) {
                Some(offset) => line_start + offset,
                None => bytes.len(),
            };
            engine::split_line(text, line_start, line_end, &mut cx, out);
            line_start = line_end + 1;
        }
    }
}
