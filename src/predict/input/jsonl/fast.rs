//! A JSONL line of the default fields (`{"id": "...", "text": "..."}`) read without serde.
//!
//! Most JSONL records are exactly that object, and serde's generic path (a `Value` per field,
//! its string grown as escapes are decoded) was the largest part of reading them. This reader
//! takes only the plain shape: an object whose keys are `id` and `text` (each at most once,
//! written without escapes) and whose values are strings, with JSON whitespace between the
//! tokens. Anything else (another key, a number, `null`, a control character in a string, a
//! surrogate escape, text after the object, a syntax error) gives `None`, and the caller reads
//! the line with serde as before: the records this reader returns are the ones serde returns,
//! and every error still comes from serde, with its message.
//!
//! While it decodes the text, the reader notes where the decoded text holds a character that a
//! JSON string must escape (`"`, `\` or a control character): such a character can only come
//! from an escape sequence, so the writer can copy a sentence without one as it is.

use crate::predict::output::{next_escape, next_quote};

/// The fields of a line read by [`parse_default`]; a field the line does not have is `None`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct PlainRecord {
    pub id: Option<String>,
    pub text: Option<String>,
}

/// Reads `line` (valid UTF-8) if it has the plain shape (see the module docs); `escapes` gets
/// the byte offsets in the decoded text of the characters a JSON string must escape, in order.
/// `None` when the line is anything else (`escapes` is then meaningless). `controls`: whether
/// the line holds a control character ([`crate::predict::output::has_control`]); a line without one (nearly every
/// line) is searched for quotes and backslashes alone.
pub(super) fn parse_default(
    line: &str,
    controls: bool,
    escapes: &mut Vec<usize>,
) -> Option<PlainRecord> {
    escapes.clear();
    let bytes = line.as_bytes();
    let mut record = PlainRecord::default();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    pos = skip_ws(bytes, pos + 1);
    if bytes.get(pos) == Some(&b'}') {
        pos += 1;
    } else {
        loop {
            let (key, after) = raw_key(bytes, pos)?;
            pos = skip_ws(bytes, after);
            if bytes.get(pos) != Some(&b':') {
                return None;
            }
            pos = skip_ws(bytes, pos + 1);
            let slot = match key {
                b"id" => &mut record.id,
                b"text" => &mut record.text,
                _ => return None,
            };
            if slot.is_some() {
                // A duplicate field: serde's error.
                return None;
            }
            let mut noted = Vec::new();
            let marks = if key == b"text" { &mut *escapes } else { &mut noted };
            let (mut value, after) = string(line, pos, controls, marks)?;
            if key == b"id" {
                // Its room was reserved for the rest of the line.
                value.shrink_to_fit();
            }
            *slot = Some(value);
            pos = skip_ws(bytes, after);
            match bytes.get(pos) {
                Some(b',') => pos = skip_ws(bytes, pos + 1),
                Some(b'}') => {
                    pos += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(bytes, pos) == bytes.len()).then_some(record)
}

/// The position of the first byte at or after `pos` that is not JSON whitespace.
fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// A key written without escapes, starting with its quote at `pos`, and the position after
/// its closing quote.
fn raw_key(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let start = pos + 1;
    let end = start + bytes.get(start..)?.iter().position(|&b| b == b'"')?;
    let key = &bytes[start..end];
    // Keys are short: a key holding an escape or a control character is left to serde.
    if key.iter().any(|&b| b == b'\\' || b < 0x20) {
        return None;
    }
    Some((key, end + 1))
}

/// The string starting with its quote at `pos`, decoded, and the position after its closing
/// quote; the offsets of decoded characters JSON must escape are appended to `escapes`.
/// A run of plain characters ends at the next quote or backslash, or with `controls` (the
/// line holds a control character) also at the next control character.
fn string(
    line: &str,
    pos: usize,
    controls: bool,
    escapes: &mut Vec<usize>,
) -> Option<(String, usize)> {
    let bytes = line.as_bytes();
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let scan = |from| if controls { next_escape(bytes, from) } else { next_quote(bytes, from) };
    let mut run = pos + 1;
    let mut at = scan(run)?;
    if bytes[at] == b'"' {
        return Some((line[run..at].to_string(), at + 1));
    }
    // The decoded string is never longer than the raw one.
    let mut out = String::with_capacity(bytes.len() - run);
    loop {
        out.push_str(&line[run..at]);
        match bytes[at] {
            b'"' => return Some((out, at + 1)),
            b'\\' => {
                let (c, len) = escape(bytes, at + 1)?;
                if c < ' ' || c == '"' || c == '\\' {
                    escapes.push(out.len());
                }
                out.push(c);
                run = at + 1 + len;
            }
            // A control character: serde's error.
            _ => return None,
        }
        at = scan(run)?;
    }
}

/// The character of the escape sequence whose letter is at `pos` (after the backslash), and
/// the sequence's length from `pos`. Surrogate escapes (`\ud83d\ude00`, or a lone one) are left
/// to serde.
fn escape(bytes: &[u8], pos: usize) -> Option<(char, usize)> {
    let c = match *bytes.get(pos)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = bytes.get(pos + 1..pos + 5)?;
            let mut code = 0u32;
            for &h in hex {
                code = code * 16 + char::from(h).to_digit(16)?;
            }
            return char::from_u32(code).map(|c| (c, 5));
        }
        _ => return None,
    };
    Some((c, 1))
}

#[cfg(test)]
mod tests;
