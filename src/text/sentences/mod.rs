//! Sentence splitting for English news articles.
//!
//! [`SentenceSplitter`] cuts a text into [`SentenceSpan`]s: byte offsets into
//! the original string, in order, non-overlapping, trimmed of whitespace and
//! never empty. Page furniture (bylines, datelines, captions, credits, comment widgets,
//! editors' notes, a repeated headline, ...) comes back as spans of kind
//! [`SpanKind::Furniture`] with its [`FurnitureKind`], so the stance scorer can skip them
//! while offsets still cover the article.
//!
//! # Rules
//!
//! 1. **Lines come first.** `\n` and `\r` always end a sentence, with or
//!    without punctuation, because headlines, datelines and bylines sit on
//!    lines of their own. Blank lines are paragraph breaks and yield nothing.
//!    A consequence: hard-wrapped text splits at every wrap, so feed
//!    unwrapped paragraphs.
//! 2. **Furniture comes next, as its own stage, with a named [`FurnitureKind`]** (`byline`,
//!    `dateline`, `caption`, `credit`, `related`, `share`, `comments`, `editor_note`, `date`,
//!    `headline`, `other`, and kinds from a user patterns file). In order, per line:
//!    * what is glued to the end of a line is cut off: comment widgets run together
//!      (`Community standardsDiscussion Comment via Facebook`, the table `GLUED_WIDGETS`),
//!      `Our Standards: ...` (`GLUED_TAILS`), agency sign-offs (`... arrest.-REUTERS`,
//!      `--Reuters`; the table `AGENCIES`);
//!    * a whole line is checked against the line rules (`BUILTIN_RULES` in `furniture.rs`,
//!      after a user's patterns): whole line, prefix, suffix, a byline of names, a photo credit
//!      with slashes, a contact line. Only lines of at most 256 bytes can be furniture, and
//!      every rule is anchored, because a real news sentence must never be dropped. A
//!      furniture line of several sentences is split like prose; each piece keeps the kind.
//!      Short unpunctuated lines under a related label are `related` too;
//!    * in the first lines after the title (the header), dates, the title repeated at the start
//!      of the body (`headline`: scored once, as the title line) and an agency byline between
//!      them are cut from the start of the line (word tables `WEEKDAYS`, `MONTHS`,
//!      `DATE_LABELS` in `header/date.rs`); a date followed by a lowercase word is left alone;
//!    * a dateline at the start of a paragraph (`MOSCOW (AP) —`, `BEIRUT, Oct 9 (Reuters) -`)
//!      is cut from the first sentence, which keeps its own offsets;
//!    * a photo credit inside a line (`(SANA via AP)`, `REUTERS/Stringer`, `Photo: ... / AFP`)
//!      is a `credit`, and the sentence before it its `caption`.
//!
//!    A user patterns file is a CSV `kind,pattern` ([`SentenceSplitter::with_furniture_patterns`]):
//!    `text` matches a whole line, `text*` a prefix, `*text` a suffix, `*text*` anywhere, ASCII
//!    case-insensitively after leading dashes and bullets and trailing periods are dropped.
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
//!    * a list marker (`1.`, `1.)`, `a.`, after an optional bullet) that starts the sentence
//!      never ends it, and the next marker of the same list (`2.)` after `1.)`, `b.` after
//!      `a.`) or a first marker after a colon (`... three parts: a. ...`) starts a new item,
//!      with or without a period before it; an inline bullet (`•`, `⁃`) after a space does too;
//!      in an item opened by a bracket-only marker (`1)`, `a)`), the next marker (` 2) `,
//!      ` b) `) starts the next item without any terminator;
//!    * `A.M.`/`P.M.` in capitals end the sentence before any capitalised word but a weekday
//!      or time zone (`6 P.M. Mr. Smith left`), lowercase `a.m.` only before an opener;
//!      `I.` after a lowercase word is the pronoun (`you and I. Did`), not an initial;
//!      `N°.` is an abbreviation before a number;
//!    * any other word ends the sentence, `etc.` included.
//! 6. **Around quotes and brackets**: a short bracket after a closing quote that is not itself a
//!    sentence (`"... immediately." (OCHA statement, Oct. 9)`) stays with the sentence it cites,
//!    and a period glued to a capitalised word after a lowercase word
//!    (`irresolution.For his part`) is a boundary.
//!
//! Known limits: `"Stop!" Smith said he ...` keeps the attribution with the
//! quote; `... and Plan B. Officials said` is not split (weak initial); crossheads in sentence
//! case, bylines without "By" and headlines without a period run into the body (crossheads in
//! capitals, SANA province headings, tag lists, embedded tweets and one site's footer are
//! found). The gold test
//! (`tests/segmentation.rs`) lists every miss with `SEGMENTATION_DIFF=1`.
//!
//! # Robustness and speed
//!
//! The splitter never panics on any `&str`: empty text, control characters,
//! only punctuation, or a hundred megabytes with no boundary (a sentence run
//! is then just one long span). Work is linear in the input: lines and
//! terminators are found with `memchr`, the word before a period is read
//! backwards at most 16 bytes, abbreviations are a `match` on byte slices, the furniture
//! stage looks at a line's ends, its brackets and slashes and (in the header) its start,
//! and the only allocation is pushing spans into the output vector.

mod engine;
mod furniture;
mod glued;
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
        self.split_lines(text, out, |bytes, from| {
            memchr2(b'\n', b'\r', &bytes[from..]).map(|offset| from + offset)
        });
    }

    /// [`SentenceSplitter::split_into`] for a text whose line ends (`\n`, `\r`) are all among
    /// `offsets`, in order (the JSONL reader notes where a text holds characters that JSON
    /// escapes, line ends among them): the text is not searched for them.
    pub(crate) fn split_into_at(&self, text: &str, offsets: &[usize], out: &mut Vec<SentenceSpan>) {
        let bytes = text.as_bytes();
        let mut ends = offsets.iter().copied().filter(|&i| matches!(bytes[i], b'\n' | b'\r'));
        self.split_lines(text, out, |_, _| ends.next());
    }

    /// Splits `text` line by line; `next_end(bytes, from)` is the first line end at or after
    /// `from`.
    #[inline]
    fn split_lines(
        &self,
        text: &str,
        out: &mut Vec<SentenceSpan>,
        mut next_end: impl FnMut(&[u8], usize) -> Option<usize>,
    ) {
        out.clear();
        let bytes = text.as_bytes();
        let mut cx = engine::LineContext {
            table: &self.furniture,
            title: None,
            line_index: 0,
            related_run: false,
            previous_single: None,
            widgets: Vec::new(),
            ruled_out: None,
        };
        let mut line_start = 0;
        while line_start <= bytes.len() {
            // A lone `\r` (old Mac files) is a line break too; `\r\n` just
            // yields an empty line in between, which produces nothing.
            let line_end = next_end(bytes, line_start).unwrap_or(bytes.len());
            engine::split_line(text, line_start, line_end, &mut cx, out);
            line_start = line_end + 1;
        }
    }
}
