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

use memchr::{memchr, memchr2, memchr3};

/// What a span of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Article prose: one sentence, or a headline, dateline or byline line.
    Sentence,
    /// A whole line of page furniture (credits, comment widgets, editors'
    /// notes): kept so offsets cover the text, but not worth scoring.
    Furniture,
}

/// One sentence (or furniture line) found in a text, as byte offsets into the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the span's first byte; always on a char boundary.
    pub start: usize,
    /// Byte offset just past the span's last byte; always on a char boundary.
    pub end: usize,
    /// Whether the span is a sentence or a furniture line.
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

    /// True when the span is a furniture line rather than a sentence.
    pub fn is_furniture(&self) -> bool {
        self.kind == SpanKind::Furniture
    }
}

/// Splits English news text into sentence spans; see the module docs for the rules.
#[derive(Debug, Clone, Default)]
pub struct SentenceSplitter {
    // Private so that options can be added later without breaking callers.
    _private: (),
}

impl SentenceSplitter {
    /// A splitter with the default news rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// All spans in order, furniture included (flagged), trimmed of surrounding whitespace, never empty.
    pub fn split(&self, text: &str) -> Vec<SentenceSpan> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }

    /// Same, into a reused buffer (cleared first) so hot loops do not allocate.
    pub fn split_into(&self, text: &str, out: &mut Vec<SentenceSpan>) {
        out.clear();
        let bytes = text.as_bytes();
        let mut line_start = 0;
        while line_start <= bytes.len() {
            // A lone `\r` (old Mac files) is a line break too; `\r\n` just
            // yields an empty line in between, which produces nothing.
            let line_end = match memchr2(b'\n', b'\r', &bytes[line_start..]) {
                Some(offset) => line_start + offset,
                None => bytes.len(),
            };
            split_line(text, line_start, line_end, out);
            line_start = line_end + 1;
        }
    }
}

/// Longest word looked at in front of a period; every abbreviation is shorter,
/// and the bound keeps pathological tokens from making the scan quadratic.
const MAX_ABBREVIATION_LEN: usize = 16;

/// Longest line that may be furniture; real credits and widgets are short.
const MAX_FURNITURE_LEN: usize = 256;

/// U+2026 HORIZONTAL ELLIPSIS, the one multi-byte terminator.
const ELLIPSIS: &[u8] = "\u{2026}".as_bytes();

fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<SentenceSpan>) {
    let Some((start, end)) = trim_range(text, start, end) else {
        return;
    };
    if is_furniture(&text[start..end]) {
        out.push(SentenceSpan { start, end, kind: SpanKind::Furniture });
        return;
    }

    let bytes = text.as_bytes();
    let mut sentence_start = start;
    let mut from = start;
    let mut ellipses = EllipsisCursor::default();
    while from < end {
        let ascii = memchr3(b'.', b'!', b'?', &bytes[from..end]).map(|offset| from + offset);
        let found = match (ascii, ellipses.next_from(bytes, from, end)) {
            (Some(a), Some(e)) => a.min(e),
            (Some(a), None) => a,
            (None, Some(e)) => e,
            (None, None) => break,
        };
        let run = Terminator::scan(bytes, found, end);
        // Resuming after the closers means each byte is looked at a bounded
        // number of times, however the line is built.
        from = run.end;

        let next = skip_whitespace(text, run.end, end);
        if next == run.end || next >= end {
            continue;
        }
        if !char_at(text, next).is_some_and(is_plausible_start) {
            continue;
        }
        if run.ends_sentence(text, sentence_start, found, next, end) {
            push_trimmed(text, sentence_start, run.end, out);
            sentence_start = next;
        }
    }
    push_trimmed(text, sentence_start, end, out);
}

/// A run of terminators plus the closing quotes and brackets after it.
struct Terminator {
    /// Just past the last closer: where the sentence would end.
    end: usize,
    /// Number of `.` in the run; two or more is an ellipsis.
    dots: usize,
    /// The run has `!` or `?`, or a `…`: no abbreviation check needed.
    strong: bool,
    /// A quotation mark closed after the run, so an attribution may follow.
    quoted: bool,
}

impl Terminator {
    fn scan(bytes: &[u8], start: usize, end: usize) -> Self {
        let mut pos = start;
        let mut dots = 0;
        let mut strong = false;
        while pos < end {
            match bytes[pos] {
                b'.' => {
                    dots += 1;
                    pos += 1;
                }
                b'!' | b'?' => {
                    strong = true;
                    pos += 1;
                }
                0xE2 if bytes[pos..end].starts_with(ELLIPSIS) => {
                    strong = true;
                    pos += ELLIPSIS.len();
                }
                _ => break,
            }
        }
        let mut quoted = false;
        while pos < end {
            let rest = &bytes[pos..end];
            let (len, is_quote) = match rest[0] {
                b'"' | b'\'' => (1, true),
                b')' | b']' | b'}' => (1, false),
                // ” and ’
                0xE2 if rest.starts_with("\u{201d}".as_bytes())
                    || rest.starts_with("\u{2019}".as_bytes()) =>
                {
                    (3, true)
                }
                // »
                0xC2 if rest.starts_with("\u{bb}".as_bytes()) => (2, true),
                _ => break,
            };
            quoted |= is_quote;
            pos += len;
        }
        Terminator { end: pos, dots, strong, quoted }
    }

    /// Decides a run already known to be followed by whitespace and a
    /// plausible sentence start at `next`; `found` is the run's first byte.
    fn ends_sentence(
        &self,
        text: &str,
        sentence_start: usize,
        found: usize,
        next: usize,
        end: usize,
    ) -> bool {
        let bytes = text.as_bytes();
        if self.strong || self.dots > 1 {
            return !(self.quoted && is_attribution(bytes, next, end));
        }
        period_ends_sentence(text, sentence_start, found, next, end)
    }
}

/// How a word in front of a single period behaves.
enum WordClass {
    /// Precedes a name or is a fixed phrase; the period never ends a sentence.
    Never,
    /// `No.`, `Vol.`: an abbreviation only before a number.
    BeforeNumber,
    /// Often sentence-final (`U.S.`, `Inc.`): ends only before a sentence opener.
    Weak,
    /// An ordinary word: the period ends the sentence.
    Word,
}

fn period_ends_sentence(
    text: &str,
    sentence_start: usize,
    dot: usize,
    next: usize,
    end: usize,
) -> bool {
    let bytes = text.as_bytes();
    let mut word_start = dot;
    while word_start > sentence_start
        && dot - word_start < MAX_ABBREVIATION_LEN
        && (bytes[word_start - 1].is_ascii_alphanumeric() || bytes[word_start - 1] == b'.')
    {
        word_start -= 1;
    }
    if word_start > sentence_start {
        let before = bytes[word_start - 1];
        if before.is_ascii_alphanumeric() || before == b'.' {
            return true; // longer than any abbreviation
        }
        // `Zürich.` must not be read as the abbreviation `rich`.
        if !before.is_ascii()
            && text
                .get(..word_start)
                .and_then(|s| s.chars().next_back())
                .is_some_and(char::is_alphabetic)
        {
            return true;
        }
    }
    let mut word = &bytes[word_start..dot];
    while let [b'.', rest @ ..] = word {
        word = rest; // the tail of an ellipsis or spaced dots
    }
    if word.is_empty() {
        return true;
    }
    match classify_word(word) {
        WordClass::Never => false,
        WordClass::BeforeNumber => !bytes[next].is_ascii_digit(),
        WordClass::Weak => next_word_is_opener(bytes, next, end),
        WordClass::Word => {
            let list_marker = word_start == sentence_start
                && word.len() <= 3
                && word.iter().all(u8::is_ascii_digit);
            !list_marker
        }
    }
}

fn classify_word(word: &[u8]) -> WordClass {
    if memchr(b'.', word).is_some() {
        if word.eq_ignore_ascii_case(b"e.g") || word.eq_ignore_ascii_case(b"i.e") {
            return WordClass::Never;
        }
        let acronym = word
            .split(|&b| b == b'.')
            .all(|part| (1..=2).contains(&part.len()) && part.iter().all(u8::is_ascii_alphabetic));
        return if acronym { WordClass::Weak } else { WordClass::Word };
    }
    if word.len() == 1 && word[0].is_ascii_uppercase() {
        return WordClass::Weak; // a middle initial, or "Plan B." at a sentence end
    }
    match word {
        b"Mr" | b"Mrs" | b"Ms" | b"Messrs" | b"Dr" | b"Drs" | b"Prof" | b"Rev" | b"Hon" | b"Fr"
        | b"Rt" | b"Gen" | b"Gens" | b"Lt" | b"Col" | b"Maj" | b"Capt" | b"Cmdr" | b"Cdr"
        | b"Adm" | b"Brig" | b"Sgt" | b"Cpl" | b"Pvt" | b"Pfc" | b"Gov" | b"Govs" | b"Sen"
        | b"Sens" | b"Rep" | b"Reps" | b"Pres" | b"Supt" | b"Det" | b"Insp" | b"Atty" | b"MR"
        | b"MRS" | b"MS" | b"DR" | b"vs" | b"Vs" | b"v" | b"cf" | b"viz" => WordClass::Never,
        b"No" | b"Nos" | b"Vol" | b"Vols" | b"Fig" | b"Figs" | b"Art" | b"p" | b"pp" => {
            WordClass::BeforeNumber
        }
        b"Jr" | b"Sr" | b"Inc" | b"Corp" | b"Co" | b"Cos" | b"Ltd" | b"Bros" | b"Plc" | b"Dept"
        | b"Univ" | b"Assn" | b"Govt" | b"St" | b"Ste" | b"Mt" | b"Ft" | b"Ave" | b"Blvd"
        | b"Rd" | b"al" | b"Jan" | b"Feb" | b"Mar" | b"Apr" | b"Jun" | b"Jul" | b"Aug" | b"Sep"
        | b"Sept" | b"Oct" | b"Nov" | b"Dec" | b"Ala" | b"Ariz" | b"Ark" | b"Calif" | b"Colo"
        | b"Conn" | b"Del" | b"Fla" | b"Ga" | b"Ill" | b"Ind" | b"Kan" | b"Ky" | b"La" | b"Md"
        | b"Mass" | b"Mich" | b"Minn" | b"Miss" | b"Mo" | b"Mont" | b"Neb" | b"Nev" | b"Okla"
        | b"Ore" | b"Pa" | b"Tenn" | b"Tex" | b"Vt" | b"Va" | b"Wash" | b"Wis" | b"Wyo" => {
            WordClass::Weak
        }
        _ => WordClass::Word,
    }
}

/// Capitalised words that open sentences but rarely follow `U.S.`, `Inc.` or
/// `a.m.` inside one; nouns like `Officials` or `President` are left out on
/// purpose because `U.S. President` is one phrase.
fn is_sentence_opener(word: &[u8]) -> bool {
    matches!(
        word,
        b"The"
            | b"This"
            | b"That"
            | b"These"
            | b"Those"
            | b"There"
            | b"Then"
            | b"They"
            | b"Their"
            | b"It"
            | b"Its"
            | b"He"
            | b"His"
            | b"She"
            | b"Her"
            | b"We"
            | b"Our"
            | b"I"
            | b"You"
            | b"A"
            | b"An"
            | b"But"
            | b"And"
            | b"Or"
            | b"So"
            | b"Yet"
            | b"In"
            | b"On"
            | b"At"
            | b"As"
            | b"By"
            | b"For"
            | b"From"
            | b"If"
            | b"When"
            | b"While"
            | b"After"
            | b"Before"
            | b"Since"
            | b"Although"
            | b"Though"
            | b"However"
            | b"Meanwhile"
            | b"Still"
            | b"Also"
            | b"Now"
            | b"Last"
            | b"Earlier"
            | b"Later"
            | b"Both"
            | b"Some"
            | b"Many"
            | b"Most"
            | b"Such"
            | b"What"
            | b"Why"
            | b"How"
            | b"Who"
            | b"Where"
            | b"According"
            | b"Under"
            | b"With"
            | b"During"
            | b"Despite"
            | b"Among"
            | b"Even"
            | b"Only"
            | b"Each"
            | b"All"
            | b"Another"
            | b"One"
    )
}

fn next_word_is_opener(bytes: &[u8], next: usize, end: usize) -> bool {
    let pos = skip_openers(bytes, next, end);
    let word = ascii_letters(bytes, pos, end);
    // "J. A. Smith": a letter followed by a period is another initial, not
    // the article "A".
    !word.is_empty() && bytes.get(pos + word.len()) != Some(&b'.') && is_sentence_opener(word)
}

/// Is `"Why?" Defense Secretary Ash Carter asked.` the shape at `next`: up
/// to four capitalised words (initials allowed) and then a speech verb?
fn is_attribution(bytes: &[u8], next: usize, end: usize) -> bool {
    let mut pos = next;
    let mut names = 0;
    loop {
        let word = ascii_letters(bytes, pos, end);
        match word.first() {
            Some(first) if first.is_ascii_uppercase() => {
                names += 1;
                if names > 4 {
                    return false;
                }
                pos += word.len();
                if bytes.get(pos) == Some(&b'.') {
                    pos += 1;
                }
                if pos >= end || bytes[pos] != b' ' {
                    return false;
                }
                pos += 1;
            }
            Some(_) => return names > 0 && is_speech_verb(word),
            None => return false,
        }
    }
}

fn is_speech_verb(word: &[u8]) -> bool {
    matches!(
        word,
        b"said"
            | b"says"
            | b"asked"
            | b"asks"
            | b"added"
            | b"adds"
            | b"told"
            | b"wrote"
            | b"writes"
            | b"replied"
            | b"shouted"
            | b"declared"
            | b"continued"
            | b"insisted"
            | b"explained"
            | b"noted"
            | b"recalled"
    )
}

/// Skips opening quotes and brackets at `pos`.
fn skip_openers(bytes: &[u8], mut pos: usize, end: usize) -> usize {
    while pos < end {
        let rest = &bytes[pos..end];
        pos += match rest[0] {
            b'"' | b'\'' | b'(' | b'[' => 1,
            // “ and ‘
            0xE2 if rest.starts_with("\u{201c}".as_bytes())
                || rest.starts_with("\u{2018}".as_bytes()) =>
            {
                3
            }
            // «
            0xC2 if rest.starts_with("\u{ab}".as_bytes()) => 2,
            _ => break,
        };
    }
    pos
}

/// The ASCII letters starting at `pos`, at most 32 of them: enough for any
/// word the tables know, and it bounds the work per terminator.
fn ascii_letters(bytes: &[u8], pos: usize, end: usize) -> &[u8] {
    let limit = end.min(pos.saturating_add(32));
    let mut stop = pos;
    while stop < limit && bytes[stop].is_ascii_alphabetic() {
        stop += 1;
    }
    bytes.get(pos..stop).unwrap_or(&[])
}

fn is_plausible_start(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase()
            || c.is_ascii_digit()
            || matches!(c, '"' | '\'' | '(' | '[' | '$');
    }
    matches!(c, '\u{201c}' | '\u{2018}' | '\u{ab}' | '£' | '€' | '¿' | '¡')
        || (c.is_alphabetic() && !c.is_lowercase())
}

/// Whitespace for trimming and for the gap after a terminator; the byte
/// order mark and zero-width space ride along because scraped pages are full
/// of them and they are invisible.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}

fn skip_whitespace(text: &str, mut pos: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < end {
        let b = bytes[pos];
        if b.is_ascii() {
            if matches!(b, b' ' | b'\t' | 0x0B | 0x0C) {
                pos += 1;
                continue;
            }
            break;
        }
        match char_at(text, pos) {
            Some(c) if is_space(c) => pos += c.len_utf8(),
            _ => break,
        }
    }
    pos
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

fn trim_range(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let s = text.get(start..end)?;
    let t = s.trim_start_matches(is_space);
    let start = start + (s.len() - t.len());
    let t = t.trim_end_matches(is_space);
    (!t.is_empty()).then_some((start, start + t.len()))
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<SentenceSpan>) {
    if let Some((start, end)) = trim_range(text, start, end) {
        out.push(SentenceSpan { start, end, kind: SpanKind::Sentence });
    }
}

/// Lazily finds `…` in a line: the position is cached until passed, so a
/// line is searched for it once, not once per terminator.
#[derive(Default)]
struct EllipsisCursor {
    cached: Option<usize>,
    exhausted: bool,
}

impl EllipsisCursor {
    fn next_from(&mut self, bytes: &[u8], from: usize, end: usize) -> Option<usize> {
        if self.exhausted {
            return None;
        }
        if let Some(pos) = self.cached {
            if pos >= from {
                return Some(pos);
            }
        }
        let mut pos = from;
        while let Some(offset) = memchr(0xE2, &bytes[pos..end]) {
            let hit = pos + offset;
            if bytes[hit..end].starts_with(ELLIPSIS) {
                self.cached = Some(hit);
                return Some(hit);
            }
            pos = hit + 1;
        }
        self.exhausted = true;
        None
    }
}

/// How a furniture pattern is compared with a normalised line (ASCII
/// case-insensitively).
#[derive(Clone, Copy)]
enum Match {
    /// The whole line equals the pattern.
    Line,
    /// The line starts with the pattern.
    Prefix,
    /// The pattern occurs anywhere in the line.
    Contains,
    /// The line ends with the pattern and every word before it is
    /// capitalised: an agency name, as in "Al Jazeera and wire services".
    Credit,
    /// A byline contact line, "Name: phone, @handle"; the pattern is unused.
    Contact,
}

struct FurnitureRule {
    how: Match,
    pattern: &'static str,
}

const fn rule(how: Match, pattern: &'static str) -> FurnitureRule {
    FurnitureRule { how, pattern }
}

/// Every furniture rule. Lines are normalised first: leading dashes, bullets
/// and whitespace and trailing periods are dropped, so `--Reuters` and
/// `Reuters.` match `reuters`. Keep entries anchored: a loose rule that
/// flags one real sentence costs more than a stray credit line left in.
const FURNITURE_RULES: &[FurnitureRule] = &[
    // Wire desk notes that are never meant for readers.
    rule(Match::Prefix, "editors:"),
    // Comment widgets and page chrome scraped along with the article.
    rule(Match::Line, "comments"),
    rule(Match::Line, "error"),
    rule(Match::Prefix, "sorry, your comment was not saved"),
    rule(Match::Line, "advertisement"),
    rule(Match::Line, "share"),
    rule(Match::Prefix, "share this article"),
    rule(Match::Line, "share this story"),
    rule(Match::Prefix, "read more:"),
    rule(Match::Line, "read more"),
    rule(Match::Prefix, "related:"),
    rule(Match::Prefix, "see also:"),
    rule(Match::Prefix, "also read:"),
    // Agency credits alone on a line.
    rule(Match::Line, "reuters"),
    rule(Match::Line, "(reuters)"),
    rule(Match::Line, "ap"),
    rule(Match::Line, "associated press"),
    rule(Match::Line, "the associated press"),
    rule(Match::Line, "afp"),
    rule(Match::Line, "agence france-presse"),
    rule(Match::Line, "al jazeera"),
    rule(Match::Line, "wire services"),
    rule(Match::Line, "news agencies"),
    rule(Match::Credit, " and wire services"),
    rule(Match::Credit, " and agencies"),
    rule(Match::Credit, " and news agencies"),
    // Reporting credits.
    rule(Match::Contains, "contributed to this report"),
    rule(Match::Prefix, "(reporting by"),
    rule(Match::Prefix, "(additional reporting by"),
    rule(Match::Prefix, "additional reporting by"),
    rule(Match::Prefix, "contributing:"),
    rule(Match::Prefix, "\u{a9}"),
    rule(Match::Prefix, "copyright \u{a9}"),
    // "Jonathan S. Landay: 202-383-6012, @JonathanLanday"
    rule(Match::Contact, ""),
];

impl FurnitureRule {
    fn matches(&self, line: &[u8]) -> bool {
        let pattern = self.pattern.as_bytes();
        match self.how {
            Match::Line => line.eq_ignore_ascii_case(pattern),
            Match::Prefix => starts_with_ignore_case(line, pattern),
            Match::Contains => {
                !pattern.is_empty()
                    && line.windows(pattern.len()).any(|w| w.eq_ignore_ascii_case(pattern))
            }
            Match::Credit => {
                line.len() > pattern.len()
                    && line[line.len() - pattern.len()..].eq_ignore_ascii_case(pattern)
                    && all_capitalised(&line[..line.len() - pattern.len()])
            }
            Match::Contact => is_contact_line(line),
        }
    }
}

fn is_furniture(line: &str) -> bool {
    if line.len() > MAX_FURNITURE_LEN {
        return false;
    }
    let core = line
        .trim_start_matches(|c: char| {
            is_space(c) || matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2022}' | '*')
        })
        .trim_end_matches(|c: char| is_space(c) || c == '.');
    let core = core.as_bytes();
    !core.is_empty() && FURNITURE_RULES.iter().any(|rule| rule.matches(core))
}

fn starts_with_ignore_case(line: &[u8], prefix: &[u8]) -> bool {
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// One to five words, each starting with a capital letter: a name or label.
fn all_capitalised(words: &[u8]) -> bool {
    let mut count = 0;
    for word in words.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        count += 1;
        let letters = word
            .iter()
            .all(|&b| b.is_ascii_alphabetic() || matches!(b, b'.' | b'-' | b'\'' | b':'));
        if count > 5 || !word[0].is_ascii_uppercase() || !letters {
            return false;
        }
    }
    count > 0
}

/// "Name: 202-383-6012, @handle": a capitalised name, a colon, and then
/// nothing but phone numbers, handles, e-mail or web addresses and a few
/// label words, with at least one real contact among them.
fn is_contact_line(line: &[u8]) -> bool {
    let Some(colon) = memchr(b':', line) else {
        return false;
    };
    if !all_capitalised(&line[..colon]) {
        return false;
    }
    let mut has_contact = false;
    let tokens = line[colon + 1..]
        .split(|&b| matches!(b, b' ' | b',' | b';' | b'/' | b'|'))
        .filter(|t| !t.is_empty());
    for token in tokens {
        let digits = token.iter().filter(|b| b.is_ascii_digit()).count();
        let phone_like = digits > 0
            && token
                .iter()
                .all(|&b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'(' | b')' | b'+'));
        let handle = token
            .windows(2)
            .any(|w| w[0] == b'@' && (w[1].is_ascii_alphanumeric() || w[1] == b'_'));
        let web = starts_with_ignore_case(token, b"www.") || token.windows(3).any(|w| w == b"://");
        if (phone_like && digits >= 7) || handle || web {
            has_contact = true;
        } else if !phone_like && !is_contact_label(token) {
            return false;
        }
    }
    has_contact
}

fn is_contact_label(token: &[u8]) -> bool {
    let token = token.strip_suffix(b":").unwrap_or(token);
    [
        &b"or"[..],
        b"and",
        b"on",
        b"twitter",
        b"email",
        b"e-mail",
        b"phone",
        b"tel",
        b"fax",
        b"mobile",
        b"cell",
    ]
    .iter()
    .any(|label| token.eq_ignore_ascii_case(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FURNITURE: &str = "[furniture] ";

    /// Checks every guarantee of a split and returns it.
    fn check_invariants(text: &str) -> Vec<SentenceSpan> {
        let splitter = SentenceSplitter::new();
        let spans = splitter.split(text);
        let mut reused = vec![SentenceSpan { start: 0, end: 0, kind: SpanKind::Sentence }];
        splitter.split_into(text, &mut reused);
        assert_eq!(spans, reused, "split_into must clear and match split");
        let mut previous_end = 0;
        for span in &spans {
            assert!(span.start < span.end, "empty span {span:?} in {text:?}");
            assert!(span.start >= previous_end, "overlap at {span:?} in {text:?}");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            let s = &text[span.start..span.end];
            assert_eq!(s, span.text(text), "offsets must round-trip");
            assert_eq!(s, s.trim_matches(is_space), "span {s:?} not trimmed");
            assert_eq!(span.is_furniture(), span.kind == SpanKind::Furniture);
            previous_end = span.end;
        }
        spans
    }

    /// Asserts the span texts in order; furniture spans are written with the
    /// `[furniture] ` prefix in `expected`.
    fn assert_split(text: &str, expected: &[&str]) {
        let actual: Vec<String> = check_invariants(text)
            .iter()
            .map(|span| match span.kind {
                SpanKind::Sentence => span.text(text).to_string(),
                SpanKind::Furniture => format!("{FURNITURE}{}", span.text(text)),
            })
            .collect();
        assert_eq!(actual, expected, "splitting {text:?}");
    }

    #[test]
    fn basic_terminators() {
        assert_split(
            "The vote passed. Was it fair? Nobody knows! Then it ended.",
            &["The vote passed.", "Was it fair?", "Nobody knows!", "Then it ended."],
        );
    }

    #[test]
    fn terminator_runs() {
        assert_split(
            "Is this real?! It is... Really!!! Yes.",
            &["Is this real?!", "It is...", "Really!!!", "Yes."],
        );
    }

    #[test]
    fn needs_whitespace_and_a_plausible_start() {
        assert_split("See Reuters.com for more.", &["See Reuters.com for more."]);
        assert_split("It fell. and rose.", &["It fell. and rose."]);
        assert_split(
            "It fell. 2015 was worse. (Nobody knew.) “Why?” ‘Who?’ $5 was lost.",
            &["It fell.", "2015 was worse.", "(Nobody knew.)", "“Why?”", "‘Who?’", "$5 was lost."],
        );
    }

    #[test]
    fn straight_closing_quotes_stay_with_their_sentence() {
        assert_split(
            "\"We must act,\" he said. \"Now.\" 'Fine.' Done.",
            &["\"We must act,\" he said.", "\"Now.\"", "'Fine.'", "Done."],
        );
    }

    #[test]
    fn curly_closing_quotes_and_brackets_stay_with_their_sentence() {
        assert_split(
            "...the status quo,” he declared. He left (quietly.) Then [it ended.] Fine.’ So.",
            &[
                "...the status quo,” he declared.",
                "He left (quietly.)",
                "Then [it ended.]",
                "Fine.’",
                "So.",
            ],
        );
    }

    #[test]
    fn carter_curly_quotes() {
        assert_split(
            "“It’s not a matter of trust,” Carter said. “It’s a matter of seeing what the Russians do.”",
            &[
                "“It’s not a matter of trust,” Carter said.",
                "“It’s a matter of seeing what the Russians do.”",
            ],
        );
    }

    #[test]
    fn question_in_quote_followed_by_attribution() {
        assert_split("\"Why?\" he asked. Nobody knew.", &["\"Why?\" he asked.", "Nobody knew."]);
        assert_split(
            "“Why now?” Defense Secretary Ash Carter asked. Nobody answered.",
            &["“Why now?” Defense Secretary Ash Carter asked.", "Nobody answered."],
        );
        assert_split("\"Enough!\" The crowd roared.", &["\"Enough!\"", "The crowd roared."]);
    }

    #[test]
    fn titles_never_end_a_sentence() {
        for title in [
            "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Maj.", "Gov.",
            "Sen.", "Rep.", "Rev.", "Prof.", "St.",
        ] {
            let text = format!("Reporters met {title} Smith today. It went well.");
            let first = format!("Reporters met {title} Smith today.");
            assert_split(&text, &[&first, "It went well."]);
        }
        assert_split(
            "“Mr. Smith is here,” (Gen. Lee) said.",
            &["“Mr. Smith is here,” (Gen. Lee) said."],
        );
        assert_split("Roe vs. Wade and Roe v. Wade.", &["Roe vs. Wade and Roe v. Wade."]);
    }

    #[test]
    fn company_and_name_suffixes_are_weak() {
        for suffix in ["Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr."] {
            let whole = format!("Shares of Acme {suffix} Chief Executive Bob Roe rose.");
            assert_split(&whole, &[&whole]);
            let text = format!("He works for Acme {suffix} The firm is big.");
            let first = format!("He works for Acme {suffix}");
            assert_split(&text, &[&first, "The firm is big."]);
        }
        assert_split(
            "He lives on Main St. The house is old. St. Louis is near.",
            &["He lives on Main St.", "The house is old.", "St. Louis is near."],
        );
    }

    #[test]
    fn numbered_abbreviations() {
        assert_split(
            "He is No. 1 in the world. She said No. The end.",
            &["He is No. 1 in the world.", "She said No.", "The end."],
        );
        assert_split("See p. 12 and Vol. 3 now.", &["See p. 12 and Vol. 3 now."]);
    }

    #[test]
    fn month_abbreviations() {
        for month in [
            "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.",
            "Nov.", "Dec.",
        ] {
            let text = format!("It began {month} 15 in Geneva.");
            assert_split(&text, &[&text]);
        }
        assert_split("It began in Jan. The end came.", &["It began in Jan.", "The end came."]);
    }

    #[test]
    fn etc_splits_only_before_a_sentence_start() {
        assert_split("Guns, tanks, etc. were seized.", &["Guns, tanks, etc. were seized."]);
        assert_split(
            "Guns, tanks, etc. The haul was big.",
            &["Guns, tanks, etc.", "The haul was big."],
        );
    }

    #[test]
    fn latin_abbreviations() {
        assert_split(
            "Some states, e.g. Texas, agree. Others, i.e. California, do not.",
            &["Some states, e.g. Texas, agree.", "Others, i.e. California, do not."],
        );
    }

    #[test]
    fn dotted_acronyms() {
        assert_split(
            "U.S. officials said the U.N. General Assembly and the U.K. and E.U. agreed.",
            &["U.S. officials said the U.N. General Assembly and the U.K. and E.U. agreed."],
        );
        assert_split(
            "Russia agreed with the U.S. The talks begin soon.",
            &["Russia agreed with the U.S.", "The talks begin soon."],
        );
        assert_split(
            "He flew to Washington, D.C. On Monday he spoke. He met U.S. President Obama.",
            &["He flew to Washington, D.C.", "On Monday he spoke.", "He met U.S. President Obama."],
        );
        assert_split(
            "A U.S.-led coalition (U.S. and U.K.) struck.",
            &["A U.S.-led coalition (U.S. and U.K.) struck."],
        );
        // Documented trade-off: a capitalised noun after U.S. keeps one sentence.
        assert_split(
            "Russia agreed with the U.S. Officials were pleased.",
            &["Russia agreed with the U.S. Officials were pleased."],
        );
        assert_split(
            "He said the U.S. “We are ready,” he added.",
            &["He said the U.S.", "“We are ready,” he added."],
        );
    }

    #[test]
    fn times_of_day() {
        assert_split(
            "The deal is worth $3.5 billion. Talks resume at 10 a.m. Monday in Geneva.",
            &["The deal is worth $3.5 billion.", "Talks resume at 10 a.m. Monday in Geneva."],
        );
        assert_split(
            "The meeting ended at 11 p.m. The next day was calm.",
            &["The meeting ended at 11 p.m.", "The next day was calm."],
        );
    }

    #[test]
    fn initials() {
        assert_split(
            "Jonathan S. Landay wrote it. George W. Bush and J. R. R. Tolkien agree. A. B. Smith left.",
            &[
                "Jonathan S. Landay wrote it.",
                "George W. Bush and J. R. R. Tolkien agree.",
                "A. B. Smith left.",
            ],
        );
        assert_split("They chose Plan B. It failed.", &["They chose Plan B.", "It failed."]);
    }

    #[test]
    fn decimals_and_numbers() {
        assert_split(
            "About 3.5 million fled, costing $1.2bn. Version 2.0 shipped in 2015. It sold 4.5m.",
            &[
                "About 3.5 million fled, costing $1.2bn.",
                "Version 2.0 shipped in 2015.",
                "It sold 4.5m.",
            ],
        );
        assert_split(
            "They use version 2.0. The rest is old.",
            &["They use version 2.0.", "The rest is old."],
        );
    }

    #[test]
    fn list_markers_at_sentence_start() {
        assert_split("1. The first point is clear.", &["1. The first point is clear."]);
    }

    #[test]
    fn ellipses() {
        assert_split(
            "He paused... and then left. She waited… and waited. It ended… Then silence. Fine . . . The end.",
            &[
                "He paused... and then left.",
                "She waited… and waited.",
                "It ended…",
                "Then silence.",
                "Fine . . .",
                "The end.",
            ],
        );
    }

    #[test]
    fn newlines_end_sentences() {
        assert_split(
            "Obama meets Putin at the UN\nBy Jonathan S. Landay\n\nWASHINGTON — The talks began. They ended.\r\nNo punctuation here",
            &[
                "Obama meets Putin at the UN",
                "By Jonathan S. Landay",
                "WASHINGTON — The talks began.",
                "They ended.",
                "No punctuation here",
            ],
        );
        assert_split("Old Mac\rline endings", &["Old Mac", "line endings"]);
    }

    #[test]
    fn furniture_lines_are_flagged_whole() {
        assert_split(
            "EDITORS: BEGIN OPTIONAL TRIM\nWashington is deeply concerned.",
            &["[furniture] EDITORS: BEGIN OPTIONAL TRIM", "Washington is deeply concerned."],
        );
        assert_split(
            "Jonathan S. Landay: 202-383-6012, @JonathanLanday",
            &["[furniture] Jonathan S. Landay: 202-383-6012, @JonathanLanday"],
        );
        assert_split(
            "It ended.\n  comments  \nERROR\nEDITORS: END OPTIONAL TRIM\nShare this article\nAdvertisement\nRead more: Obama at the U.N.\n--Reuters\nReuters\n— AP\nSource: Al Jazeera and agencies\nJane Doe in Moscow contributed to this report.\n(Reporting by Phil Stewart; Editing by Andrew Hay)\nTwitter: @Reuters\n© 2015 Reuters",
            &[
                "It ended.",
                "[furniture] comments",
                "[furniture] ERROR",
                "[furniture] EDITORS: END OPTIONAL TRIM",
                "[furniture] Share this article",
                "[furniture] Advertisement",
                "[furniture] Read more: Obama at the U.N.",
                "[furniture] --Reuters",
                "[furniture] Reuters",
                "[furniture] — AP",
                "[furniture] Source: Al Jazeera and agencies",
                "[furniture] Jane Doe in Moscow contributed to this report.",
                "[furniture] (Reporting by Phil Stewart; Editing by Andrew Hay)",
                "[furniture] Twitter: @Reuters",
                "[furniture] © 2015 Reuters",
            ],
        );
    }

    #[test]
    fn furniture_rules_leave_real_sentences_alone() {
        let sentences = [
            "Reuters reported that the talks failed.",
            "Comments from the minister angered Moscow.",
            "Error rates rose sharply.",
            "Advertisement spending fell 3 percent.",
            "He blamed police and agencies",
            "The ministry works with other departments and agencies.",
            "Obama: We will not back down.",
            "Score: 2015 - 2016 - 17",
            "Population: 1,234,567",
            "On Thusday, Carter said that he and Russian Defense Minister Sergei Shoigu had discussed two primary goals: defeating the Islamic State and securing a political transition.",
        ];
        for sentence in sentences {
            assert_split(sentence, &[sentence]);
        }
    }

    #[test]
    fn long_lines_are_never_furniture() {
        let line = format!("Reuters {} and wire services", "Word ".repeat(60));
        assert_split(&line, &[line.as_str()]);
    }

    #[test]
    fn real_passage() {
        let text = "Ahead of his early evening Monday meeting with Putin, Obama in his speech at the U.N. emphasized the need for a political resolution to Syria's civil war that includes the ouster of President Bashar Assad, a Russian ally.\n\"We must recognize that there cannot be, after so much bloodshed, so much carnage, a return to the pre-war status quo,\" he declared during his annual address to the United Nations General Assembly.\nAl Jazeera and wire services\nError\nSorry, your comment was not saved due to a technical problem. Please try again later or using a different browser.";
        assert_split(
            text,
            &[
                "Ahead of his early evening Monday meeting with Putin, Obama in his speech at the U.N. emphasized the need for a political resolution to Syria's civil war that includes the ouster of President Bashar Assad, a Russian ally.",
                "\"We must recognize that there cannot be, after so much bloodshed, so much carnage, a return to the pre-war status quo,\" he declared during his annual address to the United Nations General Assembly.",
                "[furniture] Al Jazeera and wire services",
                "[furniture] Error",
                "[furniture] Sorry, your comment was not saved due to a technical problem. Please try again later or using a different browser.",
            ],
        );
    }

    #[test]
    fn one_sentence_with_colon() {
        let text = "On Thusday, Carter said that he and Russian Defense Minister Sergei Shoigu had discussed two primary goals: defeating the Islamic State and securing a political transition.";
        assert_split(text, &[text]);
    }

    #[test]
    fn multi_byte_text() {
        assert_split(
            "President Bashar al-Assad (بشار الأسد) spoke — briefly — in Zürich. “We will win,” he said. Then Abu Bakr al-Baghdadi’s men left… قال المتحدث. Ça va.",
            &[
                "President Bashar al-Assad (بشار الأسد) spoke — briefly — in Zürich.",
                "“We will win,” he said.",
                "Then Abu Bakr al-Baghdadi’s men left…",
                "قال المتحدث.",
                "Ça va.",
            ],
        );
        assert_split("\u{feff}Hello.\u{a0}World.\u{2003}", &["Hello.", "World."]);
    }

    #[test]
    fn empty_and_whitespace_only() {
        assert_split("", &[]);
        assert_split(" \t\n\r\n \u{a0}\u{2003}\n\n", &[]);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        assert_split("...!?", &["...!?"]);
        assert_split(". . .", &[". . ."]);
        assert_split("\u{0}\u{1}. \u{7f}A.", &["\u{0}\u{1}. \u{7f}A."]);
        assert_split("“”’. ‘", &["“”’.", "‘"]);
        assert_split("é.É. …", &["é.É. …"]);
        assert_split("\u{2026}", &["\u{2026}"]);
        assert_split("x\u{2014}. \u{2014}", &["x\u{2014}. \u{2014}"]);
    }

    #[test]
    fn split_into_reuses_the_buffer() {
        let splitter = SentenceSplitter::new();
        let mut spans = Vec::new();
        splitter.split_into("One. Two. Three.", &mut spans);
        assert_eq!(spans.len(), 3);
        splitter.split_into("Only one.", &mut spans);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].text("Only one."), "Only one.");
        assert_eq!(spans[0].text("short"), "", "a foreign source must not panic");
    }

    #[test]
    fn pseudo_random_inputs_keep_the_guarantees() {
        let pieces = [
            "a",
            "B",
            " ",
            ".",
            "!",
            "?",
            "…",
            "“",
            "”",
            "’",
            "\"",
            "'",
            "(",
            ")",
            "\n",
            "\r",
            "U.S.",
            "Mr.",
            "3.5",
            "é",
            "بشار",
            "—",
            "\u{a0}",
            "\u{feff}",
            "\u{0}",
            "EDITORS:",
            "Error",
            "@x",
            "202-383-6012",
            ":",
            "The",
            "\u{2014}",
            "\u{2003}",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut text = String::new();
        for _ in 0..3000 {
            text.clear();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..state % 48 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            check_invariants(&text);
        }
    }

    #[test]
    fn one_megabyte_synthetic_text() {
        let unit = "Mr. Smith met U.S. officials at 10 a.m. Monday. “It’s over,” he said. Prices rose 3.5 percent!\nReuters\n";
        let copies = 1_000_000 / unit.len() + 1;
        let text = unit.repeat(copies);
        let spans = check_invariants(&text);
        assert_eq!(spans.len(), copies * 4);
        assert_eq!(spans.iter().filter(|s| s.is_furniture()).count(), copies);

        let no_boundary = "a".repeat(1 << 20);
        assert_eq!(check_invariants(&no_boundary).len(), 1);
    }
}
