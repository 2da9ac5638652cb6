//! The splitting engine: lines, terminator runs, and the whitespace and quote scanning around
//! them. Whether a run ends a sentence is decided by [`super::rules`]; whole furniture lines by
//! [`super::furniture`].

use memchr::{memchr, memchr3};

use super::furniture::{site_footer, FurnitureKind, FurnitureTable};
use super::header;
use super::rules::{
    crosshead, is_attribution, is_citation, next_bracket_item, period_ends_sentence, Cut,
};
use super::{SentenceSpan, SpanKind};

mod credits;
use credits::{mark_glued_credit, split_credits};

/// U+2026 HORIZONTAL ELLIPSIS, the one multi-byte terminator.
const ELLIPSIS: &[u8] = "\u{2026}".as_bytes();
/// U+2022 BULLET and U+2043 HYPHEN BULLET: an inline list item starts at them.
const BULLETS: [&[u8]; 2] = ["\u{2022}".as_bytes(), "\u{2043}".as_bytes()];

/// Lines after the title in which the header stage looks for dates, a repeated headline
/// and an agency byline at the start of the line.
const HEADER_LINES: usize = 4;

/// What the splitter knows about the lines before the current one.
pub(super) struct LineContext<'t> {
    pub(super) table: &'t FurnitureTable,
    /// The first non-empty line (the title), trimmed.
    pub(super) title: Option<(usize, usize)>,
    /// Non-empty lines seen before this one.
    pub(super) line_index: usize,
    /// The previous line was a related-articles label or card: headline-like lines under it
    /// are related cards too.
    pub(super) related_run: bool,
    /// The index in the output of the previous line's span when it had exactly one.
    pub(super) previous_single: Option<usize>,
    /// Scratch for glued widgets.
    pub(super) widgets: Vec<(usize, usize, FurnitureKind)>,
    /// The current line's body when the line rules were tried on it and none matched: a
    /// sentence that is the whole body need not be tried again ([`run_in_furniture`]).
    pub(super) ruled_out: Option<(usize, usize)>,
}

pub(super) fn split_line(
    text: &str,
    start: usize,
    end: usize,
    cx: &mut LineContext<'_>,
    out: &mut Vec<SentenceSpan>,
) {
    let Some((start, end)) = trim_range(text, start, end) else {
        return;
    };
    let first_span = out.len();
    let line_index = cx.line_index;
    cx.line_index += 1;
    if line_index == 0 {
        cx.title = Some((start, end));
    }
    split_line_parts(text, start, end, line_index, cx, out);
    cx.previous_single = (out.len() == first_span + 1).then_some(first_span);
}

fn furniture(start: usize, end: usize, kind: FurnitureKind) -> SentenceSpan {
    SentenceSpan { start, end, kind: SpanKind::Furniture(kind) }
}

fn split_line_parts(
    text: &str,
    start: usize,
    mut end: usize,
    line_index: usize,
    cx: &mut LineContext<'_>,
    out: &mut Vec<SentenceSpan>,
) {
    let bytes = text.as_bytes();
    // Furniture glued to the end of the line, cut off first and pushed last.
    let mut tail = std::mem::take(&mut cx.widgets);
    tail.clear();
    // Footers, tag lists, tweets and video titles are searched for only in a line holding
    // their marks (one pass for all four). A site footer is never in the title.
    let glued = super::glued::may_hold_glued(&bytes[start..end]);
    let footer =
        (glued && line_index > 0).then(|| site_footer(text, start, end, &mut tail)).flatten();
    if let Some(at) = footer {
        end = at;
    } else if let Some(at) = header::glued_widgets(bytes, start, end, &mut tail) {
        end = at;
    } else if let Some((at, kind)) = header::glued_tail(bytes, start, end) {
        tail.push((at, end, kind));
        end = at;
    } else if let Some(at) = header::sign_off(bytes, start, end) {
        tail.push((at, end, FurnitureKind::BYLINE));
        end = at;
    } else if let Some(at) = header::glued_button(bytes, start, end) {
        tail.push((at, end, FurnitureKind::SHARE));
        end = at;
    }
    let first = out.len();
    cx.ruled_out = None;
    let mut body = trim_range(text, start, end);
    // Tag lists and tweets glued into the line: the text on both sides is split as lines of
    // their own.
    let mut parts = Vec::new();
    while let Some((s, e)) = body {
        parts.clear();
        let block = glued.then(|| header::glued_block(bytes, s, e, &mut parts)).flatten();
        let Some((block_start, block_end)) = block else {
            split_body(text, s, e, line_index, cx, out);
            break;
        };
        if let Some((s, e)) = trim_range(text, s, block_start) {
            split_body(text, s, e, line_index, cx, out);
        }
        out.extend(parts.iter().map(|&(s, e, kind)| furniture(s, e, kind)));
        body = trim_range(text, block_end, e);
    }
    // Not in the title: a headline in title case reads like a list of names.
    if line_index > 0 {
        run_in_furniture(text, first, (cx.table, glued), cx.ruled_out, out);
    }
    out.extend(tail.iter().map(|&(s, e, kind)| furniture(s, e, kind)));
    cx.widgets = tail;
}

/// Widgets, credits and sign-offs that scraped pages run into the body, one sentence each, in
/// the spans from `first`; a slideshow label or a video title glued to the start of a sentence
/// ("Slideshow (3 Images) The attack ...", "... on regime forces - YouTube Russia has ...") is
/// cut off it. A sentence spanning `ruled_out`, a range the line rules matched nothing in, is
/// only tried against the shapes of sentences. `titles`: whether the line may hold a video title
/// ([`super::glued::may_hold_glued`]).
fn run_in_furniture(
    text: &str,
    first: usize,
    (table, titles): (&FurnitureTable, bool),
    ruled_out: Option<(usize, usize)>,
    out: &mut Vec<SentenceSpan>,
) {
    let mut glued = Vec::new();
    for (i, span) in out.iter_mut().enumerate().skip(first) {
        if span.kind != SpanKind::Sentence {
            continue;
        }
        let rules_tried = ruled_out == Some((span.start, span.end));
        if let Some(kind) = table.sentence_kind(span.text(text), rules_tried) {
            span.kind = SpanKind::Furniture(kind);
        } else if let Some(e) =
            header::slideshow(text.as_bytes(), span.start, span.end).or_else(|| {
                titles.then(|| header::video_title(text.as_bytes(), span.start, span.end))?
            })
        {
            glued.push((i, e));
        }
    }
    // Rare: the spans after a cut move up by one.
    for (shift, (i, e)) in glued.into_iter().enumerate() {
        let i = i + shift;
        let label = furniture(out[i].start, e, FurnitureKind::OTHER);
        out[i].start = skip_whitespace(text, e, out[i].end);
        out.insert(i, label);
    }
}

/// Splits a line's body (the furniture glued to its end cut off): furniture the whole line
/// is, or furniture at its start and photo credits inside it, then its sentences.
fn split_body(
    text: &str,
    start: usize,
    end: usize,
    line_index: usize,
    cx: &mut LineContext<'_>,
    out: &mut Vec<SentenceSpan>,
) {
    if whole_line_furniture(text, start, end, cx, out) {
        return;
    }
    if cx.related_run && is_headline_like(text.as_bytes(), start, end) {
        out.push(furniture(start, end, FurnitureKind::RELATED));
        return;
    }
    cx.related_run = false;
    let Some(pos) = leading_furniture(text, start, end, line_index, cx, out) else {
        return;
    };
    let pos = split_credits(text, pos, end, out);
    let first = out.len();
    split_sentences(text, pos, end, SpanKind::Sentence, out);
    mark_glued_credit(text, first, out);
}

/// A whole line of furniture, split into sentences that keep its kind; a photo-credit line
/// makes the single sentence of the line before it a caption. False when the line is not
/// furniture.
fn whole_line_furniture(
    text: &str,
    start: usize,
    end: usize,
    cx: &mut LineContext<'_>,
    out: &mut Vec<SentenceSpan>,
) -> bool {
    // A short-URL widget run into the first sentence is cut by the header stage.
    if header::short_url(text.as_bytes(), start, end).is_some_and(|e| e < end) {
        return false;
    }
    let Some(kind) = cx.table.line_kind(&text[start..end]) else {
        cx.ruled_out = Some((start, end));
        return false;
    };
    split_sentences(text, start, end, SpanKind::Furniture(kind), out);
    if kind == FurnitureKind::CREDIT && super::furniture::is_photo_credit_line(&text[start..end]) {
        if let Some(i) = cx.previous_single {
            if out[i].kind == SpanKind::Sentence {
                out[i].kind = SpanKind::Furniture(FurnitureKind::CAPTION);
            }
        }
    }
    cx.related_run = kind == FurnitureKind::RELATED;
    true
}

/// Furniture at the start of a line after the title: dates, the repeated headline and a
/// byline in the header lines ([`HEADER_LINES`]), a date alone on a line further down, then a
/// dateline. Returns where the rest of the line starts; `None` when nothing is left of it.
fn leading_furniture(
    text: &str,
    start: usize,
    end: usize,
    line_index: usize,
    cx: &LineContext<'_>,
    out: &mut Vec<SentenceSpan>,
) -> Option<usize> {
    if line_index == 0 {
        return Some(start);
    }
    let bytes = text.as_bytes();
    let mut pos = start;
    if line_index <= HEADER_LINES {
        pos = header_stage(text, pos, end, cx.title, cx.table, out);
        if pos >= end {
            return None;
        }
    } else if header::date_run(bytes, pos, end) == Some(end) {
        // A date alone on a line anywhere.
        out.push(furniture(pos, end, FurnitureKind::DATE));
        return None;
    }
    if let Some(e) = header::dateline(bytes, pos, end) {
        out.push(furniture(pos, e, FurnitureKind::DATELINE));
        pos = skip_whitespace(text, e, end);
    }
    Some(pos)
}

/// Dates, the repeated headline and an agency byline at the start of a header line, in any
/// order; returns where the rest of the line starts.
fn header_stage(
    text: &str,
    mut pos: usize,
    end: usize,
    title: Option<(usize, usize)>,
    table: &FurnitureTable,
    out: &mut Vec<SentenceSpan>,
) -> usize {
    let bytes = text.as_bytes();
    let mut headline_seen = false;
    // A short-URL widget found at `pos` by the end of the previous turn.
    let mut short_url = None;
    for _ in 0..4 {
        let found = if let Some(e) = short_url.take() {
            Some((e, FurnitureKind::SHARE))
        } else if let Some(e) = header::date_run(bytes, pos, end) {
            Some((e, FurnitureKind::DATE))
        } else if let Some(e) = title
            .filter(|_| !headline_seen)
            .and_then(|(s, e)| header::repeated_title(bytes, &bytes[s..e], pos, end))
        {
            headline_seen = true;
            Some((e, FurnitureKind::HEADLINE))
        } else if let Some(e) = header::agency_byline(bytes, pos, end) {
            Some((e, FurnitureKind::BYLINE))
        } else {
            header::short_url(bytes, pos, end).map(|e| (e, FurnitureKind::SHARE))
        };
        let Some((e, kind)) = found else { break };
        out.push(furniture(pos, e, kind));
        pos = skip_whitespace(text, e, end);
        if pos >= end {
            break;
        }
        // The rest of the header line may be furniture too ("... 2018) Get short URL"); a
        // short-URL widget run into the first sentence is cut at the next turn.
        short_url = header::short_url(bytes, pos, end).filter(|&e| e < end);
        if short_url.is_some() {
            continue;
        }
        if let Some(kind) = table.line_kind(&text[pos..end]) {
            out.push(furniture(pos, end, kind));
            return end;
        }
    }
    pos
}

/// A short line without final punctuation: a related headline under a related label.
fn is_headline_like(bytes: &[u8], start: usize, end: usize) -> bool {
    end - start <= 150
        && bytes[start].is_ascii_uppercase()
        && !matches!(bytes[end - 1], b'.' | b'!' | b'"' | b')' | b':' | b';' | b',')
}

/// Splits `start..end` (trimmed) into sentences, each pushed with `kind`.
fn split_sentences(
    text: &str,
    start: usize,
    end: usize,
    kind: SpanKind,
    out: &mut Vec<SentenceSpan>,
) {
    let bytes = text.as_bytes();
    let mut sentence_start = start;
    let mut from = start;
    let mut marks = MarkCursor::default();
    while from < end {
        let ascii = memchr3(b'.', b'!', b'?', &bytes[from..end]).map(|offset| from + offset);
        let found = match (ascii, marks.next_from(bytes, from, end)) {
            (Some(a), Some(e)) => a.min(e),
            (Some(a), None) => a,
            (None, Some(e)) => e,
            (None, None) => break,
        };
        // An inline bullet starts a new item.
        if BULLETS.iter().any(|b| bytes[found..end].starts_with(b)) {
            from = found + 3;
            if found > sentence_start && bytes[found - 1] == b' ' {
                push_trimmed(text, sentence_start, found, kind, out);
                sentence_start = found;
            }
            continue;
        }
        let run = Terminator::scan(bytes, found, end);
        // Resuming after the closers means each byte is looked at a bounded
        // number of times, however the line is built.
        from = run.end;

        let next = skip_whitespace(text, run.end, end);
        if next >= end {
            continue;
        }
        if next == run.end {
            // No space: "irresolution.For his part" is still two sentences.
            if run.is_glued_boundary(bytes, found, next, end) {
                push_trimmed(text, sentence_start, run.end, kind, out);
                sentence_start = next;
            }
            continue;
        }
        if !char_at(text, next).is_some_and(|c| is_plausible_start(c, bytes, next, end)) {
            continue;
        }
        match run.ends_sentence(text, sentence_start, found, next, end) {
            Cut::No => {}
            Cut::After => {
                push_trimmed(text, sentence_start, run.end, kind, out);
                sentence_start = next;
                // A crosshead run into the text is a unit of its own.
                if let Some(e) = crosshead(bytes, next, end) {
                    push_trimmed(text, next, e, kind, out);
                    sentence_start = skip_whitespace(text, e, end);
                }
            }
            Cut::Before(at) => {
                push_trimmed(text, sentence_start, at, kind, out);
                sentence_start = at;
            }
        }
    }
    push_trimmed(text, sentence_start, end, kind, out);
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
    ) -> Cut {
        let bytes = text.as_bytes();
        // `"... immediately." (OCHA statement, Oct. 9)`: a citation after a closing quote
        // belongs to the sentence it cites.
        if self.quoted && bytes[next] == b'(' && is_citation(bytes, next, end) {
            return Cut::No;
        }
        if self.strong || self.dots > 1 {
            return if self.quoted && is_attribution(bytes, next, end) {
                Cut::No
            } else {
                Cut::After
            };
        }
        period_ends_sentence(text, sentence_start, found, next, end)
    }

    /// A single period glued to a capitalised word, after a lowercase word of three letters
    /// or more: `irresolution.For his part`. Not `Amazon.com`, `U.S.Army`, `3.5`, or an e-mail
    /// address (`Jane.Doe@example.com`: an `@` before the next space).
    fn is_glued_boundary(&self, bytes: &[u8], found: usize, next: usize, end: usize) -> bool {
        if self.strong || self.dots != 1 || self.end != found + 1 {
            return false;
        }
        let rest = &bytes[next..end.min(next + 64)];
        let word_end = rest.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(rest.len());
        if rest[..word_end].contains(&b'@') {
            return false;
        }
        let lowercase_before =
            found >= 3 && bytes[found - 3..found].iter().all(u8::is_ascii_lowercase);
        let word = &bytes[next..end.min(next + 3)];
        lowercase_before
            && word.len() == 3
            && word[0].is_ascii_uppercase()
            && word[1..].iter().all(u8::is_ascii_lowercase)
    }
}

fn is_plausible_start(c: char, bytes: &[u8], at: usize, end: usize) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase()
            || c.is_ascii_digit()
            || matches!(c, '"' | '\'' | '(' | '[' | '$')
            // A lettered list item: "... west of the Euphrates. b. Its weapons"
            || (c.is_ascii_lowercase() && super::rules::list_marker(bytes, at, end).is_some());
    }
    if BULLETS.iter().any(|b| bytes[at..end].starts_with(b)) {
        return true;
    }
    matches!(c, '\u{201c}' | '\u{2018}' | '\u{ab}' | '£' | '€' | '¿' | '¡')
        || (c.is_alphabetic() && !c.is_lowercase())
}

/// Whitespace for trimming and for the gap after a terminator; the byte
/// order mark and zero-width space ride along because scraped pages are full
/// of them and they are invisible.
pub(super) fn is_space(c: char) -> bool {
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
    // Most ranges start and end with ASCII that is not whitespace: nothing to trim, and both
    // ends are on char boundaries.
    let bytes = text.as_bytes();
    if start < end && end <= bytes.len() {
        let keeps = |b: u8| b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r');
        if keeps(bytes[start]) && keeps(bytes[end - 1]) {
            return Some((start, end));
        }
    }
    let s = text.get(start..end)?;
    let t = s.trim_start_matches(is_space);
    let start = start + (s.len() - t.len());
    let t = t.trim_end_matches(is_space);
    (!t.is_empty()).then_some((start, start + t.len()))
}

fn push_trimmed(text: &str, start: usize, end: usize, kind: SpanKind, out: &mut Vec<SentenceSpan>) {
    let Some((mut start, end)) = trim_range(text, start, end) else {
        return;
    };
    // The items of a `1) ... 2) ...` list, run together without periods: a unit each.
    while let Some(next) = next_bracket_item(text.as_bytes(), start, end) {
        if let Some((s, e)) = trim_range(text, start, next) {
            out.push(SentenceSpan { start: s, end: e, kind });
        }
        start = next;
    }
    out.push(SentenceSpan { start, end, kind });
}

/// Lazily finds `…` and inline bullets (`•`, `⁃`) in a line: the position is cached until
/// passed, so a line is searched for them once, not once per terminator.
#[derive(Default)]
struct MarkCursor {
    cached: Option<usize>,
    exhausted: bool,
}

impl MarkCursor {
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
            let rest = &bytes[hit..end];
            if rest.starts_with(ELLIPSIS) || BULLETS.iter().any(|b| rest.starts_with(b)) {
                self.cached = Some(hit);
                return Some(hit);
            }
            pos = hit + 1;
        }
        self.exhausted = true;
        None
    }
}
