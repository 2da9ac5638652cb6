//! The primitives of the JSONL and CSV writers: integers, probabilities and JSON string
//! literals appended to a byte buffer without `fmt` machinery (they run for every unit).

use std::io::Write;

/// Writes an unsigned integer in decimal (without `fmt` machinery: this runs per unit). Room
/// for the longest number is appended as one fixed block, the digits are written in place and
/// the vector is cut back to them: a copy of variable length is a call to `memcpy`, and
/// digits written to a stack buffer and then copied out stall the copy; either took 3% of
/// `predict --split-only` for the five numbers of every sentence.
pub(super) fn decimal(out: &mut Vec<u8>, n: usize) {
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
    let v = (p.clamp(0.0, 1.0) * 10_000.0).round() as u32;
    let digits = [
        b'0' + (v / 10_000) as u8,
        b'.',
        b'0' + (v / 1000 % 10) as u8,
        b'0' + (v / 100 % 10) as u8,
        b'0' + (v / 10 % 10) as u8,
        b'0' + (v % 10) as u8,
    ];
    out.extend_from_slice(&digits);
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
/// Blocks of [`BLOCK`] bytes are tested with a loop the compiler turns into vector compares;
/// a block that holds an escape, and the rest after the last block, are searched eight bytes
/// at a time ([`escape_mask`]); the last one to seven bytes as one word too, taken from the
/// text's last eight bytes. No byte is tested alone unless the text is shorter than eight
/// bytes: a byte loop for the tail after the blocks took 40% of the time of this function.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(block) = bytes.get(i..i + BLOCK) {
        if block.iter().fold(false, |any, &b| any | needs_escape(b)) {
            break;
        }
        i += BLOCK;
    }
    while let Some(word) = bytes.get(i..i + 8) {
        let mask = escape_mask(u64::from_le_bytes(word.try_into().expect("eight bytes")));
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
        return (i..bytes.len()).find(|&j| needs_escape(bytes[j]));
    }
    // The last `rest` bytes (1 to 7), moved to the bottom of the word, filled up with 'A'.
    let last = &bytes[bytes.len() - 8..];
    let word = u64::from_le_bytes(last.try_into().expect("eight bytes")) >> (8 * (8 - rest))
        | (ONES * u64::from(b'A')) << (8 * rest);
    let mask = escape_mask(word);
    (mask != 0).then(|| i + (mask.trailing_zeros() / 8) as usize)
}

/// Bytes [`next_escape`] tests at once for a byte to escape.
const BLOCK: usize = 32;

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_ne_bytes([1; 8]);
/// The high bit of every byte of a word.
const HIGHS: u64 = ONES << 7;

/// The high bit set in each byte of `word` (little-endian) that JSON strings must escape,
/// and possibly in bytes after the first such byte, never before it: the lowest marked byte
/// is exact, which is all [`next_escape`] needs.
#[inline]
fn escape_mask(word: u64) -> u64 {
    let below = |n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS;
    let equal = |b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    below(0x20) | equal(b'"') | equal(b'\\')
}

/// A byte that JSON strings must escape: `"`, `\\` or a control character.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

#[cfg(test)]
mod tests;
