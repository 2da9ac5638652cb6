//! The character block of [`Scorer`]: a sentence's character n-gram features summed token by
//! token from each distinct token's cached sums, then corrected for the features that occur
//! more than once.
//!
//! The sums are kept in fixed-size arrays for the common widths of the block (3, 6 and 9
//! columns: one to three tasks of three classes), so that they live in registers for the whole
//! sentence instead of being read and written back for every token; other widths use a vector.
//! Either way every column gets the same additions in the same order.

use crate::features::VectorizerScratch;

use super::Scorer;

/// Per-thread buffers of the character block.
#[derive(Debug, Default)]
pub(super) struct CharScratch {
    /// Per token id: `sum idf_f W[f]` over the token's character features (one entry per
    /// column of the block), then `sum idf_f^2`; NaN where not computed yet.
    token_sums: Vec<f64>,
    /// The token cache generation `token_sums` belongs to.
    generation: u64,
    /// Per feature, the stamp of the last sentence it was seen in (in the top bits) and its
    /// occurrences in that sentence after the first (in the [`COUNT_BITS`] below them): a
    /// sentence's features are counted without clearing anything between sentences. Two bytes
    /// a feature, so that the entries of the character features (tens of thousands) stay in
    /// the first-level cache.
    seen: Vec<u16>,
    /// The stamp of the sentence being scored (1 to [`STAMP_END`] - 1; `seen` is cleared when
    /// it gets there).
    stamp: u8,
    /// The features occurring more than once in the sentence being scored, each once (the
    /// first entries; the vector only grows).
    repeated: Vec<u32>,
    /// The character block of the sentence being scored, to be added to its columns (empty
    /// when the block adds nothing).
    pub(super) block: Vec<f64>,
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

/// Bits of a [`CharScratch::seen`] entry below the stamp: the feature's occurrences after its
/// first in the sentence being scored (sentences of more than `COUNT_MASK` character-feature
/// occurrences, over a thousand, are counted apart). Few in unit tests, so that ordinary
/// sentences take the path of sentences too long for the count.
const COUNT_BITS: u32 = if cfg!(test) { 4 } else { 10 };
const COUNT_MASK: u16 = (1 << COUNT_BITS) - 1;
/// The stamp at which [`CharScratch::seen`] is cleared and the stamps start over at 1: the
/// stamps fit the bits above the count (and a `u8`).
const STAMP_END: u32 = if 16 - COUNT_BITS >= 8 { 256 } else { 1 << (16 - COUNT_BITS) };

/// Notes every occurrence of `features` in `seen`, whose entries of this sentence are `base`
/// (the sentence's stamp) plus the occurrences after the first so far, and writes to `out`
/// each feature met for the second time: the features that repeat, each once, in the order
/// of their second occurrence. Returns how many were written. One pass without branches, with
/// no dependence between features other than a true repeat's. `out` is at least as long as
/// `features`, and no feature occurs `COUNT_MASK + 1` times in the sentence.
///
/// An entry of an earlier sentence is below `base` (stamps only grow until `seen` is cleared),
/// so `max(v + 1, base)` is `base` for a feature's first occurrence and `v + 1` after it.
///
/// # Safety
///
/// Every feature is below `seen.len()`.
#[inline(always)]
unsafe fn mark_seen(features: &[u32], seen: &mut [u16], base: u16, out: &mut [u32]) -> usize {
    let out = &mut out[..features.len()];
    let mut k = 0;
    for &f in features {
        debug_assert!((f as usize) < seen.len() && k < out.len());
        // SAFETY: every feature is below `seen.len()` (the caller's promise); `k` counts some
        // of the features before `f`, so it is below `features.len()`, which `out` has. (The
        // two bounds checks were a quarter of the instructions of this loop, which every
        // character-feature occurrence goes through.)
        let s = unsafe { seen.get_unchecked_mut(f as usize) };
        let v = *s;
        unsafe { *out.get_unchecked_mut(k) = f };
        k += usize::from(v == base);
        *s = (v + 1).max(base);
    }
    k
}

/// Moves to the next sentence's stamp; on wrapping, `seen` (the entries that can be set) is
/// cleared so that no old stamp can be taken for the new one.
#[inline]
fn next_stamp(seen: &mut [u16], stamp: &mut u8) {
    *stamp = stamp.wrapping_add(1);
    if *stamp == 0 || u32::from(*stamp) >= STAMP_END {
        seen.iter_mut().for_each(|s| *s = 0);
        *stamp = 1;
    }
}

impl Scorer {
    /// The character block of a sentence into `chars.block` (empty before): `sum_f g(m_f)
    /// idf_f W[f] / norm` over its character features, `m_f` being the occurrences of feature
    /// f and `g` the tf, one value per column of the block; nothing when the norm is zero.
    /// `tokens` are the sentence's token ids and `occurrences` the number of their features
    /// (repeats included); `sum` starts at zero, one entry per column. `counts` is zero before
    /// and after.
    #[inline(always)]
    pub(super) fn char_block<S: BlockSum>(
        &self,
        (tokens, occurrences): (&[u32], usize),
        vectorizer: &VectorizerScratch,
        chars: &mut CharScratch,
        counts: &mut [u32],
        mut sum: S,
    ) {
        let cw = self.char_columns.len();
        let stride = cw + 1;
        let idf = self.index.idf();
        let CharScratch { token_sums, seen, stamp, repeated, block, .. } = chars;
        if seen.len() < idf.len() {
            seen.resize(idf.len(), 0);
        }
        // Only the character features' entries are ever set.
        next_stamp(&mut seen[self.index.char_start()..], stamp);
        let base = u16::from(*stamp) << COUNT_BITS;
        // A sentence of more occurrences than a count can hold has its repeats counted apart.
        let huge = occurrences > COUNT_MASK as usize;
        if repeated.len() < occurrences && !huge {
            repeated.resize(occurrences, 0);
        }
        let mut n_repeated = 0;
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
            if !huge {
                let out = &mut repeated[n_repeated..];
                // SAFETY: the index's features are below its length, which `seen` has.
                n_repeated += unsafe { mark_seen(features, seen, base, out) };
            }
        }
        if huge {
            self.count_repeats(tokens, vectorizer, counts, repeated);
            self.correct_repeated(repeated, |f| counts[f as usize], &mut sum, &mut norm2);
            for &t in tokens {
                let features = self.index.token_features(vectorizer, t);
                features.iter().for_each(|&f| counts[f as usize] = 0);
            }
        } else {
            let m = |f: u32| u32::from(seen[f as usize] & COUNT_MASK) + 1;
            self.correct_repeated(&repeated[..n_repeated], m, &mut sum, &mut norm2);
        }
        if norm2 > 0.0 {
            let inverse = 1.0 / norm2.sqrt();
            block.extend(sum.columns().iter().map(|s| s * inverse));
        }
    }

    /// The occurrences of every character feature of `tokens` into `counts` (zero before),
    /// and into `repeated` the features that repeat, each once, in the order of their second
    /// occurrence.
    #[cold]
    fn count_repeats(
        &self,
        tokens: &[u32],
        vectorizer: &VectorizerScratch,
        counts: &mut [u32],
        repeated: &mut Vec<u32>,
    ) {
        repeated.clear();
        for &t in tokens {
            for &f in self.index.token_features(vectorizer, t) {
                let c = &mut counts[f as usize];
                *c += 1;
                if *c == 2 {
                    repeated.push(f);
                }
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
    /// `norm2` in place. `repeated` holds each such feature once, in the order of their
    /// second occurrence (the order of the additions), and `m` gives its occurrences.
    #[inline(always)]
    fn correct_repeated(
        &self,
        repeated: &[u32],
        m: impl Fn(u32) -> u32,
        sum: &mut impl BlockSum,
        norm2: &mut f64,
    ) {
        let idf = self.index.idf();
        for &f in repeated {
            crate::util::prefetch(self.char_row(f));
        }
        for &f in repeated {
            let count = m(f);
            let m = f64::from(count);
            let g = self.tf.of(count);
            let i = idf[f as usize];
            sum.add_scaled((g - m) * i, self.char_row(f));
            *norm2 += (g * g - m) * i * i;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::features::{AnalyzedCorpus, Analyzer, FeatureIndex, FeatureSettings};
    use crate::model::{Scorer, TaskModel, TrainingSummary};

    /// A task with arbitrary (fixed) weights over `n` features.
    fn task(n: usize, name: &str) -> TaskModel {
        let weights = (0..n * 3).map(|i| ((i * 7919) % 201) as f64 / 50.0 - 2.0).collect();
        TaskModel {
            name: name.into(),
            classes: vec!["a".into(), "b".into(), "c".into()],
            weights,
            intercept: vec![0.1, -0.2, 0.05],
            training: TrainingSummary {
                rows: 3,
                class_counts: vec![1, 1, 1],
                c: 1.0,
                c_source: "given".into(),
                balance: "none".into(),
                features: "words+chars".into(),
                solver: "sparse".into(),
                converged: true,
                iterations: 0,
                gradient_norm: 0.0,
                gradient_tolerance: 1.0,
                cv: None,
            },
        }
    }

    #[test]
    fn sentences_short_and_too_long_for_the_count_score_as_their_rows() {
        let texts = ["the army shelled the town", "talks resumed in the town", "a b"];
        let settings =
            FeatureSettings { min_df: 1, char_ngrams: Some((2, 4)), ..Default::default() };
        let corpus = AnalyzedCorpus::analyze(&Analyzer::new(settings.clone()), texts);
        let all: Vec<usize> = (0..texts.len()).collect();
        let (vocabulary, _) = corpus.fit_vocabulary(&settings, &all);
        let index = FeatureIndex::new(settings.clone(), &vocabulary);
        // Blocks of 3, 6 and 9 columns (kept in arrays) and of 12 (in a vector); a task with
        // zero character weights is left out of the block.
        let n = vocabulary.len();
        let mut words_only = task(n, "w");
        words_only.weights[vocabulary.char_start() * 3..].iter_mut().for_each(|w| *w = 0.0);
        let sets = [
            vec![task(n, "x")],
            vec![task(n, "x"), task(n, "y"), words_only],
            vec![task(n, "x"), task(n, "y"), task(n, "z")],
            vec![task(n, "x"), task(n, "y"), task(n, "z"), task(n, "v")],
        ];
        // Sentences of at most 15 character n-gram occurrences ("a b", "a b a b") fit the
        // tests' count; the others are counted apart.
        let long = "the town ".repeat(40);
        for tasks in &sets {
            let scorer = Scorer::new(FeatureIndex::new(settings.clone(), &vocabulary), tasks);
            let mut scratch = Default::default();
            for text in ["the the town", "the army", long.as_str(), "a b a b", long.as_str()] {
                let got = scorer.score(text, &mut scratch).to_vec();
                let row = index.transform(text);
                for (t, model) in tasks.iter().enumerate() {
                    let mut by_row = vec![0.0; 3];
                    model.probabilities_into(&row, &mut by_row);
                    for (p, q) in got[3 * t..3 * t + 3].iter().zip(&by_row) {
                        assert!((p - q).abs() < 1e-12, "{text:?} task {t}: {got:?} vs {by_row:?}");
                    }
                }
            }
        }
    }
}
