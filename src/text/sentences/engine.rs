//! The splitting engine: lines, terminator runs, and the whitespace and quote scanning around
//! them. Whether a run ends a sentence is decided by [`super::rules`]; whole furniture lines by
//! [`super::furniture`].

use memchr::{memchr, memchr3};

use super::furniture::is_furniture;
use super::rules::{is_attribution, period_ends_sentence};
use super::{SentenceSpan, SpanKind};

/// U+2026 HORIZONTAL ELLIPSIS, the one multi-byte terminator.
const ELLIPSIS: &[u8] = "\u{2026}".as_bytes();

pub(super) fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<SentenceSpan>) {
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
