//! The primitives of the JSONL and CSV writers: integers, probabilities and JSON string
//! literals appended to a byte buffer without `fmt` machinery (they run for every unit), and
//! the explanations of `--explain`.

use std::io::Write;

use crate::model::Explanation;

/// Writes an unsigned integer in decimal (without `fmt` machinery: this runs per unit) and
/// returns what was written, to write it again with [`copy_digits`]. A number below 10^8
/// (every offset of a text under 100 MB) is turned into its eight digits at once in one 64-bit
/// word ([`eight_digits`]), appended as one fixed block and cut back to its digits: a copy of
/// variable length is a call to `memcpy`, and digits written to a stack buffer one by one and
/// then copied out stall the copy. Inlined (a unit writes four or five numbers); larger
/// numbers take [`long_decimal`].
#[inline]
pub(super) fn decimal(out: &mut Vec<u8>, n: usize) -> Digits {
    let at = out.len();
    match u32::try_from(n) {
        Ok(small) if small < 100_000_000 => {
            let digits = eight_digits(small);
            // Leading zeros are the low bytes that are zero; "0" keeps one.
            let zeros = (digits.trailing_zeros() / 8).min(7);
            let word = (digits + ONES * u64::from(b'0')) >> (8 * zeros);
            let len = 8 - zeros as usize;
            put_word(out, word, len);
            Digits { at, len, word }
        }
        _ => Digits { at, len: long_decimal(out, n), word: 0 },
    }
}

/// The digits [`decimal`] wrote: where and how many, and for a number of up to eight digits
/// the digits themselves as the bytes of a little-endian word.
#[derive(Clone, Copy, Debug)]
pub(super) struct Digits {
    at: usize,
    len: usize,
    word: u64,
}

impl Digits {
    /// The number of digits.
    #[cfg(test)]
    pub(super) fn len(self) -> usize {
        self.len
    }
}

/// Appends the first `len` bytes of `word` (little-endian) as one fixed block of eight bytes
/// and cuts the vector back.
#[inline]
fn put_word(out: &mut Vec<u8>, word: u64, len: usize) {
    let end = out.len() + len;
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(end);
}

/// [`decimal`] for any number: room for the longest number is appended as one fixed block,
/// the digits are written in place two a step and the vector is cut back to them.
#[inline(never)]
fn long_decimal(out: &mut Vec<u8>, n: usize) -> usize {
    let len = n.checked_ilog10().map_or(1, |l| l as usize + 1);
    let at = out.len();
    out.extend_from_slice(&[b'0'; 20]);
    let digits = &mut out[at..at + len];
    // Two digits a step, from a table: half as many dependent divisions.
    let (mut rest, mut i) = (n, len);
    while rest >= 100 {
        let pair = 2 * (rest % 100);
        rest /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if rest >= 10 {
        digits[..2].copy_from_slice(&DIGIT_PAIRS[2 * rest..2 * rest + 2]);
    } else {
        digits[0] = b'0' + rest as u8;
    }
    out.truncate(at + len);
    len
}

/// Appends a copy of the digits [`decimal`] wrote (the character offset of ASCII text, equal
/// to its byte offset). Numbers of up to eight digits are written again from the word
/// `decimal` made, not read back from `out`: an eight-byte load across the smaller stores
/// written since (the next key, the next number) cannot be served from the store buffer and
/// stalled the copy (15% of the samples of `json_fields`).
#[inline]
pub(super) fn copy_digits(out: &mut Vec<u8>, digits: Digits) {
    if digits.len <= 8 {
        put_word(out, digits.word, digits.len);
    } else {
        out.extend_from_within(digits.at..digits.at + digits.len);
    }
}

/// Bytes a [`split_unit`] writes besides its prefix and its text, at most: the keys, five
/// numbers of eight digits and the line end.
const PLAIN_UNIT_ROOM: usize = 128;

/// Appends a JSONL sentence unit of split-only output (no furniture kind, no predictions)
/// after its record's `prefix`, when the characters of its text that JSON must escape are
/// known: they are at `escapes` minus `base` in the text (none: the text is copied as it is).
/// The bytes [`super::RecordWriter::write_json_unit`] writes, formatted with one capacity
/// check for the whole unit instead of one per key, number and run of text, and without
/// searching the text for escapes again. Numbers are written as eight-byte words
/// ([`eight_digits`]) and the cursor moved by their digits. False (nothing written) when a
/// number has more than eight digits.
#[inline]
pub(super) fn split_unit(
    out: &mut Vec<u8>,
    prefix: &[u8],
    u: &super::OutputUnit<'_>,
    (escapes, base): (&[usize], usize),
) -> bool {
    // `start <= end` and `char_start <= char_end`: the largest numbers bound the others.
    if u.end.max(u.char_end).max(u.sentence) >= 100_000_000 {
        return false;
    }
    let text = u.text.as_bytes();
    // An escape is at most six bytes (`\u001f`) for one.
    out.reserve(prefix.len() + text.len() + 5 * escapes.len() + PLAIN_UNIT_ROOM);
    let spare = out.spare_capacity_mut();
    let mut w = Cursor { at: spare.as_mut_ptr().cast::<u8>(), written: 0 };
    // SAFETY: the room reserved above holds the prefix, the text and its escapes, the keys
    // (66 bytes) and five numbers written as eight-byte words: `written` stays below the
    // spare capacity.
    // The escapes lie in the text (they were noted where it was decoded): the slicing below
    // panics rather than write past the room if they did not.
    unsafe {
        w.put(prefix);
        w.put(b",\"sentence\":");
        w.number(u.sentence);
        w.put(b",\"start\":");
        let start = w.number(u.start);
        w.put(b",\"end\":");
        let end = w.number(u.end);
        w.put(b",\"start_char\":");
        if u.char_start == u.start {
            w.word(start);
        } else {
            w.number(u.char_start);
        }
        w.put(b",\"end_char\":");
        if u.char_end == u.end {
            w.word(end);
        } else {
            w.number(u.char_end);
        }
        w.put(b",\"text\":\"");
        let mut run = 0;
        for &at in escapes {
            let at = at - base;
            w.put(&text[run..at]);
            let (escaped, len) = escape(text[at]);
            w.put(&escaped[..len]);
            run = at + 1;
        }
        w.put(&text[run..]);
        w.put(b"\"}\n");
        let len = out.len() + w.written;
        out.set_len(len);
    }
    true
}

/// How [`json_string`] writes a quote, a backslash or a control character: the bytes and
/// their number.
#[inline]
fn escape(b: u8) -> ([u8; 6], usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => (*b"\\\"____", 2),
        b'\\' => (*b"\\\\____", 2),
        b'\n' => (*b"\\n____", 2),
        b'\r' => (*b"\\r____", 2),
        b'\t' => (*b"\\t____", 2),
        _ => ([b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]], 6),
    }
}

/// Where [`split_unit`] writes next: raw writes into reserved room.
struct Cursor {
    at: *mut u8,
    written: usize,
}

impl Cursor {
    /// Copies `bytes`. Safety: room for them is reserved.
    #[inline(always)]
    unsafe fn put(&mut self, bytes: &[u8]) {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.at.add(self.written), bytes.len());
        self.written += bytes.len();
    }

    /// Writes `n` (below 10^8) in decimal; returns its digits as [`Cursor::word`] takes
    /// them. Safety: room for eight bytes is reserved.
    #[inline(always)]
    unsafe fn number(&mut self, n: usize) -> (u64, usize) {
        let digits = eight_digits(n as u32);
        let zeros = (digits.trailing_zeros() / 8).min(7);
        let word = (digits + ONES * u64::from(b'0')) >> (8 * zeros);
        let digits = (word, 8 - zeros as usize);
        self.word(digits);
        digits
    }

    /// Writes the first `len` bytes of `word` (stored as a whole word, the cursor moved by
    /// `len`). Safety: room for eight bytes is reserved.
    #[inline(always)]
    unsafe fn word(&mut self, (word, len): (u64, usize)) {
        self.at.add(self.written).cast::<u64>().write_unaligned(word.to_le());
        self.written += len;
    }
}

/// The eight decimal digits of `n` (below 10^8, leading zeros included) as the bytes 0 to 9
/// of a little-endian word, the most significant digit in the lowest byte. The word is split
/// in lanes, each divided at once by multiplying with a reciprocal: two 32-bit lanes of four
/// digits (`n / 10^4`, `n % 10^4`), then four 16-bit lanes of two, then eight bytes of one.
/// `v * 5243 >> 19` is `v / 100` for `v < 43,699`, `v * 103 >> 10` is `v / 10` for `v < 179`,
/// and no lane's product reaches the next lane.
#[inline]
fn eight_digits(n: u32) -> u64 {
    let fours = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    let hundreds = ((fours * 5243) >> 19) & 0x0000_007f_0000_007f;
    let twos = hundreds | (fours - hundreds * 100) << 16;
    let tens = ((twos * 103) >> 10) & 0x000f_000f_000f_000f;
    tens | (twos - tens * 10) << 8
}

/// "00", "01", ... "99".
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Writes a probability with four decimals ("0.7123", "1.0000").
pub(super) fn probability(out: &mut Vec<u8>, p: f64) {
    out.extend_from_slice(&probability_digits(p));
}

/// The six bytes of a probability with four decimals ("0.7123", "1.0000"; 0 for NaN): `p`
/// clamped to `0..=1`, times 10,000, rounded half away from zero (as `f64::round`, here
/// without a call: the fraction above the integer part, which the subtraction finds
/// exactly, is compared with one half), its five digits made at once by [`eight_digits`]
/// and a point put after the first.
#[inline]
pub(super) fn probability_digits(p: f64) -> [u8; 6] {
    let x = p.clamp(0.0, 1.0) * 10_000.0;
    let whole = x as u32;
    let v = whole + u32::from(x - f64::from(whole) >= 0.5);
    // Eight digits of which the last five are `v`'s (v <= 10,000), from byte 3 on.
    let digits = (eight_digits(v) + ONES * u64::from(b'0')) >> 24;
    let word = (digits & 0xff) | u64::from(b'.') << 8 | (digits & !0xff) << 8;
    let bytes = word.to_le_bytes();
    [bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]
}

/// Writes `s` as a JSON string literal.
///
/// Plain text is scanned a block at a time ([`next_escape`]) and copied in runs: news text has
/// an escape every few hundred bytes, and the byte-at-a-time loop this replaces was the
/// largest item of `predict --split-only` (14% of its time).
pub fn json_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(at) = next_escape(bytes, start) {
        out.extend_from_slice(&bytes[start..at]);
        match bytes[at] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The first byte at or after `from` that JSON strings must escape.
///
/// Quotes and backslashes are found with `memchr2` (vector code chosen for the processor at
/// run time); control characters, rare in text, are then looked for before the one found
/// ([`first_control`]). A loop testing each block of bytes for all three at once cost about
/// three times as many instructions.
pub(crate) fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let quote = memchr::memchr2(b'"', b'\\', rest);
    let before = &rest[..quote.unwrap_or(rest.len())];
    first_control(before).or(quote).map(|at| from + at)
}

/// The first quote or backslash at or after `from`: [`next_escape`] for a text known to hold
/// no control character.
#[inline]
pub(crate) fn next_quote(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr2(b'"', b'\\', bytes.get(from..)?).map(|at| from + at)
}

/// Whether `bytes` holds a control character (below 0x20): one pass the compiler turns into
/// vector code.
#[cfg(test)]
pub(crate) fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().fold(u8::MAX, |low, &b| low.min(b)) < 0x20
}

/// The first control character (below 0x20) in `bytes`.
///
/// Blocks of [`BLOCK`] bytes are tested with a loop the compiler turns into vector compares;
/// a block that holds one, and the rest after the last block, are searched eight bytes at a
/// time ([`control_mask`]); the last one to seven bytes as one word too, taken from the
/// text's last eight bytes. No byte is tested alone unless the text is shorter than eight
/// bytes: a byte loop for the tail after the blocks took 40% of the time of the scan.
fn first_control(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(block) = bytes.get(i..i + BLOCK) {
        if block.iter().fold(u8::MAX, |low, &b| low.min(b)) < 0x20 {
            break;
        }
        i += BLOCK;
    }
    while let Some(word) = bytes.get(i..i + 8) {
        let mask = control_mask(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        if mask != 0 {
            return Some(i + (mask.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = bytes.len() - i;
    if rest == 0 {
        return None;
    }
    if bytes.len() < 8 {
        return (i..bytes.len()).find(|&j| bytes[j] < 0x20);
    }
    // The last `rest` bytes (1 to 7), moved to the bottom of the word, filled up with 'A'.
    let last = &bytes[bytes.len() - 8..];
    let word = u64::from_le_bytes(last.try_into().expect("eight bytes")) >> (8 * (8 - rest))
        | (ONES * u64::from(b'A')) << (8 * rest);
    let mask = control_mask(word);
    (mask != 0).then(|| i + (mask.trailing_zeros() / 8) as usize)
}

/// Bytes [`first_control`] tests at once for a control character.
const BLOCK: usize = 32;

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_ne_bytes([1; 8]);
/// The high bit of every byte of a word.
const HIGHS: u64 = ONES << 7;

/// The high bit set in each byte of `word` (little-endian) below 0x20, and possibly in bytes
/// after the first such byte, never before it: the lowest marked byte is exact, which is all
/// [`first_control`] needs.
#[inline]
fn control_mask(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x20) & !word & HIGHS
}

/// Appends `,"terms":[...],"intercept":..,"rest":..,"score":..` for an explanation (inside
/// its task's object). Weights are written in full (shortest round-trip form), so that they
/// add up.
pub(super) fn explanation_json(out: &mut Vec<u8>, e: &Explanation) {
    out.extend_from_slice(b",\"terms\":");
    terms_json(out, e);
    let _ = write!(out, ",\"intercept\":{},\"rest\":{},\"score\":{}", e.intercept, e.rest, e.score);
}

/// `[{"term":"...","weight":..},...]`.
pub(super) fn terms_json(out: &mut Vec<u8>, e: &Explanation) {
    out.push(b'[');
    for (i, t) in e.terms.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"term\":");
        json_string(out, &t.term);
        let _ = write!(out, ",\"weight\":{}}}", t.weight);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests;
