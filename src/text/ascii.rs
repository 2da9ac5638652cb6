//! Bit masks of an ASCII text's bytes by class (letters, digits, capitals), one bit a byte and
//! 64 bytes a word, made eight bytes at a time without branches: the tokenizer and the mention
//! search find a text's words from them instead of testing it byte by byte.

/// The classes of the bytes of one ASCII text: bit `i % 64` of word `i / 64` of a mask stands
/// for byte `i`; bits past the text are clear.
#[derive(Debug, Default, Clone)]
pub(crate) struct AsciiClasses {
    /// ASCII letters and digits.
    pub(crate) alnum: Vec<u64>,
    /// ASCII letters.
    pub(crate) letter: Vec<u64>,
    /// ASCII digits.
    pub(crate) digit: Vec<u64>,
    /// ASCII capitals.
    pub(crate) upper: Vec<u64>,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (every byte below 0x80) set where the byte is in
/// `lo..=hi`: adding `0x80 - lo` sets it from `lo` on, adding `0x7f - hi` from `hi + 1` on, and
/// no sum carries into the next byte.
#[inline]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let from_lo = x + ONES * u64::from(0x80 - lo);
    let past_hi = x + ONES * u64::from(0x7f - hi);
    from_lo & !past_hi & HIGH
}

/// The high bits of the eight bytes of `flags` (no other bit set) packed into the low byte,
/// byte `i`'s to bit `i`: the multiplication moves each to bit `56 + i`, with no two partial
/// products on one bit.
#[inline]
fn pack(flags: u64) -> u64 {
    (flags >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// `N` bytes of `bytes` from `at`, zeros past its end.
#[inline(always)]
pub(crate) fn padded<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    match bytes.get(at..at + N) {
        Some(b) => b.try_into().expect("N bytes"),
        None => {
            let mut buf = [0u8; N];
            let rest = &bytes[at.min(bytes.len())..];
            buf[..rest.len()].copy_from_slice(rest);
            buf
        }
    }
}

/// Eight bytes of `bytes` from `at` (zeros past its end) as one little-endian word.
#[inline]
fn eight(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(padded(bytes, at))
}

/// The letter-and-digit mask of ASCII `bytes` into `out` (at least `bytes.len().div_ceil(64)`
/// words), returned cut to its length.
pub(crate) fn alnum_mask<'o>(bytes: &[u8], out: &'o mut [u64]) -> &'o [u64] {
    let words = bytes.len().div_ceil(64);
    for (w, word) in out[..words].iter_mut().enumerate() {
        let mut bits = 0;
        for k in 0..8 {
            let x = eight(bytes, w * 64 + k * 8);
            let alnum = in_range(x, b'0', b'9') | in_range(x | (ONES * 0x20), b'a', b'z');
            bits |= pack(alnum) << (8 * k);
        }
        *word = bits;
    }
    &out[..words]
}

impl AsciiClasses {
    /// Classifies the bytes of `bytes`, which are all ASCII.
    pub(crate) fn fill(&mut self, bytes: &[u8]) {
        let words = bytes.len().div_ceil(64);
        for mask in [&mut self.alnum, &mut self.letter, &mut self.digit, &mut self.upper] {
            mask.clear();
            mask.resize(words, 0);
        }
        #[cfg(target_arch = "x86_64")]
        for w in 0..words {
            let (mut letter, mut digit, mut upper) = (0, 0, 0);
            for k in 0..4 {
                let (l, d, u) = sixteen_classes(bytes, w * 64 + k * 16);
                letter |= l << (16 * k);
                digit |= d << (16 * k);
                upper |= u << (16 * k);
            }
            self.alnum[w] = letter | digit;
            self.letter[w] = letter;
            self.digit[w] = digit;
            self.upper[w] = upper;
        }
        #[cfg(not(target_arch = "x86_64"))]
        for w in 0..words {
            let (mut letter, mut digit, mut upper) = (0, 0, 0);
            for k in 0..8 {
                let x = eight(bytes, w * 64 + k * 8);
                let capital = in_range(x, b'A', b'Z');
                letter |= pack(capital | in_range(x, b'a', b'z')) << (8 * k);
                digit |= pack(in_range(x, b'0', b'9')) << (8 * k);
                upper |= pack(capital) << (8 * k);
            }
            self.alnum[w] = letter | digit;
            self.letter[w] = letter;
            self.digit[w] = digit;
            self.upper[w] = upper;
        }
    }
}

/// The letters, digits and capitals among the sixteen bytes of `bytes` from `at` (zeros past
/// its end), one bit a byte: SSE2 (every x86-64 processor has it) compares sixteen bytes at
/// once, where the eight-byte words of the portable version take three times the instructions.
/// A byte `x` is in `lo..=hi` when `x + 0x80 - lo`, as a signed byte, is below
/// `hi - lo - 0x80 + 1` (the sum does not wrap for ASCII bytes).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sixteen_classes(bytes: &[u8], at: usize) -> (u64, u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut padded = [0u8; 16];
    let block: &[u8; 16] = match bytes.get(at..at + 16) {
        Some(b) => b.try_into().expect("16 bytes"),
        None => {
            let rest = &bytes[at.min(bytes.len())..];
            padded[..rest.len()].copy_from_slice(rest);
            &padded
        }
    };
    // SAFETY: SSE2 is part of x86-64; the load reads the sixteen bytes of `block`.
    unsafe {
        let x = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        let in_range = |lo: u8, hi: u8| {
            let shifted = _mm_add_epi8(x, _mm_set1_epi8((0x80u8.wrapping_sub(lo)) as i8));
            let bound = _mm_set1_epi8((hi - lo) as i8 - 127);
            _mm_cmplt_epi8(shifted, bound)
        };
        let capital = in_range(b'A', b'Z');
        let letter = _mm_or_si128(capital, in_range(b'a', b'z'));
        let digit = in_range(b'0', b'9');
        let bits = |m| u64::from(_mm_movemask_epi8(m) as u16);
        (bits(letter), bits(digit), bits(capital))
    }
}

/// Bits `from..to` (at most 64 apart, within one word) of a word.
#[inline]
fn bits_between(from: usize, to: usize) -> u64 {
    let n = to - from;
    let low = if n >= 64 { !0 } else { (1u64 << n) - 1 };
    low << (from % 64)
}

/// The first set bit of `mask` at or after `pos` and before `to`.
#[inline]
pub(crate) fn next_set(mask: &[u64], pos: usize, to: usize) -> Option<usize> {
    if pos >= to {
        return None;
    }
    let mut w = pos / 64;
    let mut bits = mask[w] & (!0u64 << (pos % 64));
    loop {
        if bits != 0 {
            let i = w * 64 + bits.trailing_zeros() as usize;
            return (i < to).then_some(i);
        }
        w += 1;
        if w * 64 >= to {
            return None;
        }
        bits = mask[w];
    }
}

/// The first clear bit of `mask` at or after `pos` (below `to`), or `to`.
#[inline]
pub(crate) fn next_clear(mask: &[u64], pos: usize, to: usize) -> usize {
    if pos >= to {
        return to;
    }
    let mut w = pos / 64;
    let mut bits = !mask[w] & (!0u64 << (pos % 64));
    loop {
        if bits != 0 {
            return (w * 64 + bits.trailing_zeros() as usize).min(to);
        }
        w += 1;
        if w * 64 >= to {
            return to;
        }
        bits = !mask[w];
    }
}

/// Whether any bit of `mask` in `from..to` is set.
#[inline]
pub(crate) fn any_in(mask: &[u64], from: usize, to: usize) -> bool {
    if from >= to {
        return false;
    }
    if from / 64 == (to - 1) / 64 {
        // Within one word (a token nearly always): its `to - from` bits from `from`, moved to
        // the top of the word.
        return (mask[from / 64] >> (from % 64)) << (64 - (to - from)) != 0;
    }
    let mut i = from;
    while i < to {
        let w = i / 64;
        let end = ((w + 1) * 64).min(to);
        if mask[w] & bits_between(i, end) != 0 {
            return true;
        }
        i = end;
    }
    false
}

/// Whether bit `i` of `mask` is set.
#[inline]
pub(crate) fn is_set(mask: &[u64], i: usize) -> bool {
    (mask[i / 64] >> (i % 64)) & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(mask: &[u64], len: usize) -> Vec<bool> {
        (0..len).map(|i| is_set(mask, i)).collect()
    }

    #[test]
    fn classes_match_the_byte_tests() {
        let all: Vec<u8> = (0u8..128).collect();
        let mut texts: Vec<Vec<u8>> =
            vec![Vec::new(), all.clone(), all.iter().rev().copied().collect()];
        for len in [1, 7, 8, 9, 63, 64, 65, 130] {
            texts.push(all.iter().cycle().skip(len * 3).take(len).copied().collect());
        }
        for text in &texts {
            let mut c = AsciiClasses::default();
            c.fill(text);
            let n = text.len();
            let want = |f: fn(&u8) -> bool| text.iter().map(f).collect::<Vec<_>>();
            assert_eq!(bits(&c.alnum, n), want(u8::is_ascii_alphanumeric), "{text:?}");
            assert_eq!(bits(&c.letter, n), want(u8::is_ascii_alphabetic));
            assert_eq!(bits(&c.digit, n), want(u8::is_ascii_digit));
            assert_eq!(bits(&c.upper, n), want(u8::is_ascii_uppercase));
            let mut out = vec![0; n.div_ceil(64)];
            assert_eq!(alnum_mask(text, &mut out), &c.alnum[..]);
            // Nothing is set past the text.
            assert!(c
                .alnum
                .iter()
                .enumerate()
                .all(|(w, m)| w * 64 + 64 <= n || m >> (n % 64) == 0));
        }
    }

    #[test]
    fn searches_stop_at_the_bound() {
        let text = format!("{}.{}  {}", "a".repeat(62), "b".repeat(5), "c".repeat(70));
        let bytes = text.as_bytes();
        let mut c = AsciiClasses::default();
        c.fill(bytes);
        // Only the b's are letters here.
        let mut only_b = AsciiClasses::default();
        only_b.fill(text.replace(['a', 'c'], ".").as_bytes());
        let n = text.len();
        for from in 0..n {
            for to in from..=n {
                let set = (from..to).find(|&i| bytes[i].is_ascii_alphanumeric());
                assert_eq!(next_set(&c.alnum, from, to), set, "{from}..{to}");
                let clear = (from..to).find(|&i| !bytes[i].is_ascii_alphanumeric());
                assert_eq!(next_clear(&c.alnum, from, to), clear.unwrap_or(to), "{from}..{to}");
                let any = (from..to).any(|i| bytes[i] == b'b');
                assert_eq!(any_in(&only_b.letter, from, to), any, "{from}..{to}");
            }
        }
    }
}
