//! The character block of [`Scorer`]: a sentence's character n-gram features summed token by
//! token from each distinct token's cached sums, then corrected for the features that occur
//! more than once.
//!
//! The sums are kept in fixed-size arrays for the common widths of the block (3, 6 and 9
//! columns: one to three tasks of three classes), so that they live in registers for the whole
//! sentence instead of being read and written back for every token; other widths use a vector.
//! Either way every column gets the same additions in the same order.

use crate::features::{sublinear_count, VectorizerScratch};

use super::Scorer;

/// Per-thread buffers of the character block.
#[derive(Debug, Default)]
pub(super) struct CharScratch {
    /// Per token id: `sum idf_f W[f]` over the token's character features (one entry per
    /// column of the block), then `sum idf_f^2`; NaN where not computed yet.
    token_sums: Vec<f64>,
    /// The token cache generation `token_sums` belongs to.
    generation: u64,
    /// Per feature, the stamp of the last sentence it was seen in: a sentence's features are
    /// told from older ones without clearing anything between sentences.
    seen: Vec<u8>,
    /// The stamp of the sentence being scored (1 to 255; `seen` is cleared when it wraps).
    stamp: u8,
    /// The sentence's character features that were seen before, one per such occurrence (the
    /// first entries; the vector only grows).
    dups: Vec<u32>,
    /// The features occurring more than once, each once.
    repeated: Vec<u32>,
}

impl CharScratch {
    /// Starts a sentence whose token ids are of token cache generation `generation`.
    pub(super) fn start(&mut self, generation: u64) {
        if generation != self.generation {
            self.token_sums.clear();
            self.generation = generation;
        }
    }

    /// Asks the CPU for the cached sums of token `id` (cells of `stride` values).
    #[inline]
    pub(super) fn prefetch_sums(&self, id: u32, stride: usize) {
        let at = id as usize * stride;
        if let Some(cell) = self.token_sums.get(at..at + stride) {
            crate::util::prefetch(cell);
        }
    }
}

/// The running sums of the character block's columns.
pub(super) trait BlockSum {
    /// Adds `row` (at least as long as the block) column by column.
    fn add(&mut self, row: &[f64]);
    /// Adds `k * row[c]` to column `c`.
    fn add_scaled(&mut self, k: f64, row: &[f64]);
    /// The sums, one per column.
    fn columns(&self) -> &[f64];
}

impl<const N: usize> BlockSum for [f64; N] {
    #[inline(always)]
    fn add(&mut self, row: &[f64]) {
        let row: &[f64; N] = row[..N].try_into().expect("N columns");
        for c in 0..N {
            self[c] += row[c];
        }
    }

    #[inline(always)]
    fn add_scaled(&mut self, k: f64, row: &[f64]) {
        let row: &[f64; N] = row[..N].try_into().expect("N columns");
        for c in 0..N {
            self[c] += k * row[c];
        }
    }

    fn columns(&self) -> &[f64] {
        self
    }
}

impl BlockSum for Vec<f64> {
    #[inline]
    fn add(&mut self, row: &[f64]) {
        self.iter_mut().zip(row).for_each(|(s, c)| *s += c);
    }

    #[inline]
    fn add_scaled(&mut self, k: f64, row: &[f64]) {
        self.iter_mut().zip(row).for_each(|(s, w)| *s += k * w);
    }

    fn columns(&self) -> &[f64] {
        self
    }
}

/// Writes to `out` each feature of `features` already stamped with `stamp` in `seen`, and
/// stamps the others; returns how many were written. One pass without branches, with no
/// dependence between features other than a true repeat's. `out` is at least as long as
/// `features`.
#[inline(always)]
fn mark_seen(features: &[u32], seen: &mut [u8], stamp: u8, out: &mut [u32]) -> usize {
    let out = &mut out[..features.len()];
    let mut k = 0;
    for &f in features {
        let s = &mut seen[f as usize];
        out[k] = f;
        k += usize::from(*s == stamp);
        *s = stamp;
    }
    k
}

/// Moves to the next sentence's stamp; on wrapping, `seen` is cleared so that no old stamp
/// can be taken for the new one.
#[inline]
fn next_stamp(seen: &mut [u8], stamp: &mut u8) {
    *stamp = stamp.wrapping_add(1);
    if *stamp == 0 {
        seen.iter_mut().for_each(|s| *s = 0);
        *stamp = 1;
    }
}

impl Scorer {
    /// Adds the character block of a sentence to `out`: `sum_f g(m_f) idf_f W[f] / norm` over
    /// its character features, `m_f` being the occurrences of feature f and `g` the tf, in the
    /// columns of the block. `tokens` are the sentence's token ids and `occurrences` the number
    /// of their features (repeats included); `sum` starts at zero, one entry per column.
    /// `counts` is zero before and after.
    #[inline(always)]
    pub(super) fn add_char_block<S: BlockSum>(
        &self,
        (tokens, occurrences): (&[u32], usize),
        vectorizer: &VectorizerScratch,
        chars: &mut CharScratch,
        counts: &mut [u32],
        mut sum: S,
        out: &mut [f64],
    ) {
        let cw = self.char_columns.len();
        let stride = cw + 1;
        let idf = self.index.idf();
        let CharScratch { token_sums, seen, stamp, dups, repeated, .. } = chars;
        if seen.len() < idf.len() {
            seen.resize(idf.len(), 0);
        }
        next_stamp(seen, stamp);
        if dups.len() < occurrences {
            dups.resize(occurrences, 0);
        }
        let mut n_dups = 0;
        let mut norm2 = 0.0;
        for &t in tokens {
            let at = t as usize * stride;
            if token_sums.len() < at + stride {
                token_sums.resize(at + stride, f64::NAN);
            }
            let features = self.index.token_features(vectorizer, t);
            let cell = &mut token_sums[at..at + stride];
            if cell[0].is_nan() {
                self.fill_token_sums(features, idf, cell);
            }
            sum.add(cell);
            norm2 += cell[cw];
            n_dups += mark_seen(features, seen, *stamp, &mut dups[n_dups..]);
        }
        self.correct_repeated(&dups[..n_dups], repeated, counts, &mut sum, &mut norm2);
        if norm2 > 0.0 {
            let inverse = 1.0 / norm2.sqrt();
            for (&c, s) in self.char_columns.iter().zip(sum.columns()) {
                out[c] += s * inverse;
            }
        }
    }

    /// One token's cached sums: `sum idf_f W[f]` over its features in the first cells (one
    /// per column of the character block), `sum idf_f^2` in the last.
    #[inline]
    fn fill_token_sums(&self, features: &[u32], idf: &[f64], cell: &mut [f64]) {
        let cw = self.char_columns.len();
        cell.iter_mut().for_each(|v| *v = 0.0);
        for &f in features {
            let i = idf[f as usize];
            cell[..cw].iter_mut().zip(self.char_row(f)).for_each(|(c, wt)| *c += i * wt);
            cell[cw] += i * i;
        }
    }

    /// Corrects `sum` for the features that occur more than once in the sentence (counted
    /// `m` times by the token sums, where the tf is `g(m)`), and corrects the squared norm
    /// `norm2` in place. `dups` holds a feature's occurrences after its first, in the order
    /// they come; `counts` is zero before and after, and `repeated` scratch space.
    #[inline(always)]
    fn correct_repeated(
        &self,
        dups: &[u32],
        repeated: &mut Vec<u32>,
        counts: &mut [u32],
        sum: &mut impl BlockSum,
        norm2: &mut f64,
    ) {
        let sublinear = self.index.sublinear_tf();
        let idf = self.index.idf();
        // `counts` gets `m - 1`, and `repeated` each feature once, in the order its count
        // reached 2 (the order of the additions below).
        repeated.clear();
        for &f in dups {
            let c = &mut counts[f as usize];
            *c += 1;
            if *c == 1 {
                repeated.push(f);
            }
        }
        for &f in repeated.iter() {
            crate::util::prefetch(self.char_row(f));
        }
        for &f in repeated.iter() {
            let count = std::mem::take(&mut counts[f as usize]) + 1;
            let m = f64::from(count);
            let g = sublinear_count(count, sublinear);
            let i = idf[f as usize];
            sum.add_scaled((g - m) * i, self.char_row(f));
            *norm2 += (g * g - m) * i * i;
        }
    }
}
