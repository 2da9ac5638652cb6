//! The mention search of an ASCII text: only the words whose head (first four bytes,
//! lowercased, and length) is that of an alias's first word are looked at, and those are found
//! from the text's letter-and-digit mask word start by word start, without walking the words
//! one by one.

use super::{AsciiWords, Mention, MentionFinder};
use crate::text::ascii::{is_set, next_clear};

/// Words of [`MentionFinder::heads`]: a filter of 4,096 bits.
pub(super) const HEAD_WORDS: usize = 64;

/// The bit of an ASCII word in [`MentionFinder::heads`]: `first4` holds its first four bytes
/// (little-endian; whatever follows a shorter word), `len` is its length (at least 1). The
/// bytes are lowercased (setting bit 5 lowercases a letter and keeps a digit) and those past
/// the word cleared, then hashed with the length.
#[inline(always)]
pub(super) fn head_bit(first4: u32, len: usize) -> usize {
    let keep = if len >= 4 { u32::MAX } else { (1u32 << (8 * len)) - 1 };
    let head = (first4 | 0x2020_2020) & keep;
    let packed = u64::from(head) | (len.min(255) as u64) << 32;
    let bits = (HEAD_WORDS * 64).trailing_zeros();
    (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// The four bytes of `bytes` from `at` as a little-endian word (zeros past the end).
#[inline(always)]
pub(super) fn four(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(crate::text::ascii::padded(bytes, at))
}

/// The last bit below `before` that is set in `mask` (with `set`) or clear (without).
fn last_below(mask: &[u64], before: usize, set: bool) -> Option<usize> {
    let flip = |m: u64| if set { m } else { !m };
    let mut w = before / 64;
    let below = (1u64 << (before % 64)) - 1;
    let mut bits = mask.get(w).map_or(0, |&m| flip(m) & below);
    loop {
        if bits != 0 {
            return Some(w * 64 + 63 - bits.leading_zeros() as usize);
        }
        if w == 0 {
            return None;
        }
        w -= 1;
        bits = flip(mask[w]);
    }
}

/// The word (run of set bits of `alnum`) just before byte `start`, unless it starts before
/// `from`.
fn word_before(alnum: &[u64], start: usize, from: usize) -> Option<(usize, usize)> {
    let last = last_below(alnum, start, true)?;
    let first = last_below(alnum, last, false).map_or(0, |c| c + 1);
    (first >= from).then_some((first, last + 1))
}

impl MentionFinder {
    /// The search of [`MentionFinder::find_into`] in an ASCII `text` whose letter-and-digit
    /// mask is `alnum`, over the words from byte `pos` on (the end of the dateline): the same
    /// mentions as [`MentionFinder::find_in_words`] over [`AsciiWords`] from `pos`. Each
    /// word start is read from the mask, and a word whose head no alias's first word has
    /// (nearly all) costs a hash and a bit test; a word that passes is searched as that
    /// function would, with the word before it and the words after it.
    pub(super) fn find_in_ascii(
        &self,
        text: &str,
        alnum: &[u64],
        pos: usize,
        out: &mut Vec<Mention>,
    ) {
        let (bytes, len) = (text.as_bytes(), text.len());
        if pos > 0 && pos < len && is_set(alnum, pos) && is_set(alnum, pos - 1) {
            // The search starts inside a word (which a dateline never ends in).
            let words = AsciiWords { mask: alnum, len, pos };
            return self.find_in_words::<true, _>(text, words, out);
        }
        // Words starting before `from` are not searched: the dateline, names found.
        let mut from = pos;
        let mut key = String::new();
        let mut carry = 0;
        for (w, &m) in alnum.iter().enumerate() {
            let mut starts = m & !(m << 1 | carry);
            carry = m >> 63;
            while starts != 0 {
                let start = w * 64 + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                if start < from {
                    continue;
                }
                // The word's end: the first clear bit after its start, most often in the
                // same mask word.
                let run = (!m >> (start % 64)).trailing_zeros() as usize;
                let end = if start % 64 + run < 64 {
                    start + run
                } else {
                    next_clear(alnum, (w + 1) * 64, len)
                };
                let bit = head_bit(four(bytes, start), end - start);
                if self.heads[bit / 64] & (1 << (bit % 64)) == 0 {
                    continue;
                }
                let previous = word_before(alnum, start, pos);
                let after = AsciiWords { mask: alnum, len, pos: end };
                if let Some((mention, rest, _)) =
                    self.match_at(text, (start, end), &after, previous, &mut key)
                {
                    out.push(mention);
                    from = rest.pos;
                }
            }
        }
    }
}
