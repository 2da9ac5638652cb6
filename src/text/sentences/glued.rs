//! One pass over a line for the strings that mark the rare furniture glued into it: a site
//! footer ("Related News"), a tag list (" Tags "), a tweet ("pic.twitter.com") and a video
//! title (" - YouTube"). Each of those stages searches its line for its own string; a line
//! holding none of them (nearly every line) cannot be cut by any of them, and is looked at
//! once here instead of four times there.

/// The strings the stages search for, with the offset in each of the two bytes the vector
/// pass looks for: a pair rare in prose ("ws", "gs", ".t", "uT"), so that few candidates are
/// compared in full.
const MARKS: [(&[u8], usize); 4] =
    [(b"Related News", 10), (b" Tags ", 3), (b"pic.twitter.com", 3), (b" - YouTube", 5)];

/// True when `line` holds one of the strings of [`MARKS`]; false means that the site footer,
/// glued tag list, tweet and video title stages find nothing in it or in any part of it.
pub(super) fn may_hold_glued(line: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { avx2::any_mark(line) };
    }
    any_mark_from(line, 0)
}

/// One of [`MARKS`] starts at `pos - offset`, where `pos` is where its two bytes would be.
#[inline]
fn mark_at(line: &[u8], pos: usize) -> bool {
    MARKS.iter().any(|&(mark, k)| pos >= k && line[pos - k..].starts_with(mark))
}

/// True when one of [`MARKS`] has its two bytes at `from` or after, byte by byte.
fn any_mark_from(line: &[u8], from: usize) -> bool {
    (from..line.len())
        .any(|pos| matches!(line[pos], b'w' | b'g' | b'.' | b'u') && mark_at(line, pos))
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{any_mark_from, mark_at, MARKS};

    /// [`super::may_hold_glued`] 32 positions at a time: a position is a candidate when the
    /// two bytes of a mark are there, and only candidates are compared with the marks.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn any_mark(line: &[u8]) -> bool {
        let pairs: [[__m256i; 2]; MARKS.len()] = std::array::from_fn(|i| {
            let (mark, k) = MARKS[i];
            std::array::from_fn(|j| _mm256_set1_epi8(mark[k + j] as i8))
        });
        if line.len() < 33 {
            return any_mark_from(line, 0);
        }
        // The last turn starts 33 bytes before the end, over positions already looked at.
        let last = line.len() - 33;
        let mut i = 0;
        loop {
            // SAFETY: `i <= line.len() - 33`: the two loads of 32 bytes are inside the line.
            let p = line.as_ptr().add(i);
            let v = [_mm256_loadu_si256(p.cast()), _mm256_loadu_si256(p.add(1).cast())];
            let mut hit = _mm256_setzero_si256();
            for t in &pairs {
                let a = _mm256_cmpeq_epi8(v[0], t[0]);
                hit = _mm256_or_si256(hit, _mm256_and_si256(a, _mm256_cmpeq_epi8(v[1], t[1])));
            }
            let mut mask = _mm256_movemask_epi8(hit) as u32;
            while mask != 0 {
                if mark_at(line, i + mask.trailing_zeros() as usize) {
                    return true;
                }
                mask &= mask - 1;
            }
            if i == last {
                // The last byte starts no pair.
                return false;
            }
            i = (i + 32).min(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_mark_anywhere_in_a_line() {
        for (mark, _) in MARKS {
            let mark = std::str::from_utf8(mark).unwrap();
            for pad in 0..70 {
                for tail in [0, 1, 2, 5, 40] {
                    let line = format!("{}{mark}{}", "x".repeat(pad), "y".repeat(tail));
                    assert!(may_hold_glued(line.as_bytes()), "{line:?}");
                    assert!(any_mark_from(line.as_bytes(), 0), "{line:?}");
                    let cut = &line.as_bytes()[..line.len() - tail - 1];
                    assert!(!may_hold_glued(cut), "{line:?} cut");
                }
            }
        }
    }

    #[test]
    fn near_misses_and_plain_lines_hold_no_mark() {
        let lines = [
            "",
            "R",
            "Relations with the Taliban improved - Yes, a picture of the topic.",
            "The Related news and Tags, pic.twitter.co - Youtube",
            &"Related Newt Tag pic.twitter.cop - YouTub ".repeat(5),
        ];
        for line in lines {
            assert!(!may_hold_glued(line.as_bytes()), "{line:?}");
            assert!(!any_mark_from(line.as_bytes(), 0), "{line:?}");
        }
    }
}
