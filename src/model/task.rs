//! A fitted task: classes, weights and how they were chosen; and the fused multi-task scorer.

use serde::{Deserialize, Serialize};

use crate::features::{FeatureIndex, SparseRow, TermFrequency, VectorizerScratch};
use crate::model::metrics::ClassificationReport;

mod char_block;

use char_block::CharScratch;

/// How a task's model was fitted and how well it did in cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Labeled rows used for the final fit (before balancing).
    pub rows: usize,
    /// Rows per class, in class order.
    pub class_counts: Vec<u64>,
    /// Inverse regularization strength (scikit-learn's `C`): larger fits the data more closely.
    pub c: f64,
    /// How the candidate (features, balance, `c`) was chosen: "cross-validation" or "given".
    pub c_source: String,
    /// Class balancing: "none", "weighted" or "oversample".
    pub balance: String,
    /// The features the model reads: "words" (its character n-gram weights are zero) or
    /// "words+chars".
    pub features: String,
    /// The solver: "sparse" or "dense" (linfa-logistic).
    pub solver: String,
    /// Whether the final solver run reached its gradient tolerance.
    pub converged: bool,
    /// L-BFGS iterations of the final fit (0 when the solver does not report them).
    pub iterations: u64,
    /// L2 norm of the objective's gradient at the returned weights.
    pub gradient_norm: f64,
    /// The tolerance the gradient norm was held to.
    pub gradient_tolerance: f64,
    /// Cross-validation figures, when cross-validation ran.
    pub cv: Option<CrossValidation>,
}

/// Cross-validated quality of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidation {
    /// Rows cross-validated (fewer than the task's when the search ran on a sample).
    pub rows: usize,
    /// Number of folds.
    pub folds: usize,
    /// Whether the folds kept the rows of each group (e.g. an article) together.
    pub grouped: bool,
    /// Every candidate tried, with its mean macro-F1 over the folds.
    pub candidates: Vec<Candidate>,
    /// Index of the chosen candidate in `candidates`.
    pub chosen: usize,
    /// Macro-F1 of each fold for the chosen candidate.
    pub fold_macro_f1: Vec<f64>,
    /// Predictions of all folds for the chosen candidate, pooled.
    pub report: ClassificationReport,
    /// Solver runs (of folds x candidates) that stopped at the iteration limit.
    pub unconverged_fits: usize,
}

/// One candidate of the cross-validated search and its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Feature set: "words" or "words+chars".
    pub features: String,
    /// Class balancing: "none", "weighted" or "oversample".
    pub balance: String,
    /// Inverse regularization strength.
    pub c: f64,
    /// Mean macro-F1 over the folds.
    pub macro_f1: f64,
}

/// One task's multinomial logistic model over the shared vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskModel {
    /// The task name (the labeled CSV's column).
    pub name: String,
    /// Class labels, sorted.
    pub classes: Vec<String>,
    /// Weights, `n_features x n_classes`, row-major (all classes of a feature together).
    pub weights: Vec<f64>,
    /// Intercept per class.
    pub intercept: Vec<f64>,
    /// Provenance of the fit.
    pub training: TrainingSummary,
}

impl TaskModel {
    /// Number of features the weights cover.
    pub fn n_features(&self) -> usize {
        self.weights.len() / self.classes.len().max(1)
    }

    /// Class probabilities for one sparse row (softmax of `x . W + b`), written into `out`.
    pub fn probabilities_into(&self, row: &SparseRow, out: &mut [f64]) {
        let k = self.classes.len();
        out.copy_from_slice(&self.intercept);
        for (&j, &x) in row.indices.iter().zip(&row.values) {
            let w = &self.weights[j as usize * k..(j as usize + 1) * k];
            out.iter_mut().zip(w).for_each(|(o, w)| *o += x * w);
        }
        softmax(out);
    }
}

/// Index of the largest value (the first on ties).
pub fn argmax(values: &[f64]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (i, &v)| if v > best.1 { (i, v) } else { best })
        .0
}

/// Numerically stable softmax in place.
pub fn softmax(z: &mut [f64]) {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    z.iter_mut().for_each(|v| *v /= sum);
}

/// Where one task's probabilities sit in the [`Scorer`]'s output.
#[derive(Debug, Clone)]
pub struct TaskHead {
    /// Task name.
    pub name: String,
    /// Class labels.
    pub classes: Vec<String>,
    /// Offset of the first class in the fused output.
    pub offset: usize,
}

/// Scores text for every task in one pass over its sparse row: the tasks' weights are fused
/// into one `n_features x (sum of classes)` matrix, so each feature's weights for all tasks
/// sit together in memory, and the feature's idf beside them (read with them, on the same
/// cache lines, when a sentence's row is made).
#[derive(Debug)]
pub struct Scorer {
    index: FeatureIndex,
    heads: Vec<TaskHead>,
    width: usize,
    /// Per feature (in the index's order), its `width` weights, then its idf: rows of
    /// `width + 1` values.
    weights: Vec<f64>,
    intercepts: Vec<f64>,
    /// The columns (classes of all tasks) whose character n-gram weights are not all zero: a
    /// task fitted on word features alone adds nothing through the character block, which is
    /// summed over these columns only.
    char_columns: Vec<usize>,
    /// The character n-gram features' weights in `char_columns`, one row per feature from
    /// the first character feature on.
    char_weights: Vec<f64>,
    /// The tf of a count (the index's: sublinear or not).
    tf: TermFrequency,
}

/// Per-thread buffers for [`Scorer::score`].
#[derive(Debug, Default)]
pub struct ScoreScratch {
    vectorizer: VectorizerScratch,
    row: SparseRow,
    out: Vec<f64>,
    /// Token ids of the sentence being scored (character n-gram models).
    tokens: Vec<u32>,
    /// Per feature, the occurrences after the first in the sentence being scored (zero
    /// between sentences).
    counts: Vec<u32>,
    /// The character block's buffers.
    chars: CharScratch,
}

impl ScoreScratch {
    /// The vectorizer's buffers.
    pub(crate) fn vectorizer_mut(&mut self) -> &mut VectorizerScratch {
        &mut self.vectorizer
    }
}

impl Scorer {
    /// Fuses `tasks` (all over `index`'s features) into one scorer.
    pub fn new(mut index: FeatureIndex, tasks: &[TaskModel]) -> Self {
        let position = index.renumber_hot_first();
        let mut heads = Vec::with_capacity(tasks.len());
        let mut width = 0;
        for t in tasks {
            heads.push(TaskHead {
                name: t.name.clone(),
                classes: t.classes.clone(),
                offset: width,
            });
            width += t.classes.len();
        }
        let n = index.len();
        let stride = width + 1;
        let mut weights = vec![0.0; n * stride];
        let mut intercepts = Vec::with_capacity(width);
        for (t, head) in tasks.iter().zip(&heads) {
            let k = t.classes.len();
            for (j, &p) in position.iter().enumerate() {
                let p = p as usize;
                weights[p * stride + head.offset..p * stride + head.offset + k]
                    .copy_from_slice(&t.weights[j * k..(j + 1) * k]);
            }
            intercepts.extend_from_slice(&t.intercept);
        }
        for (row, &idf) in weights.chunks_mut(stride).zip(index.idf()) {
            row[width] = idf;
        }
        let char_start = index.char_start();
        let char_rows = weights[char_start * stride..].chunks(stride);
        let char_columns: Vec<usize> =
            (0..width).filter(|&c| char_rows.clone().any(|row| row[c] != 0.0)).collect();
        let char_weights = weights[char_start * stride..]
            .chunks(stride)
            .flat_map(|row| char_columns.iter().map(move |&c| row[c]))
            .collect();
        let tf = TermFrequency::new(index.sublinear_tf());
        Scorer { index, heads, width, weights, intercepts, char_columns, char_weights, tf }
    }

    /// Feature `j`'s row: its weights, then its idf.
    #[inline]
    fn row(&self, j: u32) -> &[f64] {
        let stride = self.width + 1;
        &self.weights[j as usize * stride..(j as usize + 1) * stride]
    }

    /// The row of a sentence's word features (all its features, for a model without
    /// character n-grams) from their hits, one per occurrence: each feature once, in the order
    /// of its first hit, valued `tf * idf` (the idf read from beside the feature's weights,
    /// which the product reads next) and L2-normalized, with the same values, summed in the
    /// same order, as [`SparseRow::fill_from_feature_hits_unordered`] of one block. `counts`
    /// is zero before and after, and as long as the index (see
    /// [`Scorer::prefetch_word_rows`]).
    #[inline(always)]
    fn word_row(&self, hits: &[u32], counts: &mut [u32], row: &mut SparseRow) {
        row.indices.clear();
        row.values.clear();
        for &f in hits {
            let c = &mut counts[f as usize];
            if *c == 0 {
                row.indices.push(f);
            }
            *c += 1;
        }
        let mut norm = 0.0;
        for &f in &row.indices {
            let count = std::mem::take(&mut counts[f as usize]);
            let v = self.tf.of(count) * self.row(f)[self.width];
            norm += v * v;
            row.values.push(v);
        }
        if norm > 0.0 {
            let inverse = 1.0 / norm.sqrt();
            row.values.iter_mut().for_each(|v| *v *= inverse);
        }
    }

    /// Asks for the weight rows and counts of `hits` (word features) ahead of
    /// [`Scorer::word_row`]: they lie scattered over megabytes, and all are asked for before
    /// the first is read, so that their cache misses overlap. Sizes `counts` for the index.
    #[inline(always)]
    fn prefetch_word_rows(&self, hits: &[u32], counts: &mut Vec<u32>) {
        if counts.len() < self.index.len() {
            counts.resize(self.index.len(), 0);
        }
        for &f in hits {
            crate::util::prefetch(self.row(f));
            crate::util::prefetch(std::slice::from_ref(&counts[f as usize]));
        }
    }

    /// The weights of character feature `f` in the columns of the character block.
    #[inline]
    fn char_row(&self, f: u32) -> &[f64] {
        let cw = self.char_columns.len();
        let at = (f as usize - self.index.char_start()) * cw;
        &self.char_weights[at..at + cw]
    }

    /// Scores a model with character n-grams. The character block of a sentence is
    /// `sum_f g(m_f) idf_f W[f] / norm`, with `m_f` the occurrences of feature f and `g` the tf.
    /// Each token's `sum idf_f W[f]` (and `sum idf_f^2`) is computed once per distinct token
    /// and kept; the sentence adds its tokens' sums, then corrects the features that occur
    /// more than once, where `g(m) != m`. The result equals the row-by-row product up to the
    /// order of the additions. Columns whose character weights are all zero get nothing from
    /// the character block, and are left out of it.
    ///
    /// On a processor with AVX2 the same code runs compiled for it: the block's 9 columns take
    /// 3 vector operations instead of 5. Without fused multiply-add, which neither version
    /// uses, every operation rounds as before, so both give the same bits.
    fn score_by_token(&self, text: &str, scratch: &mut ScoreScratch) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { self.score_by_token_avx2(text, scratch) };
            return;
        }
        self.score_by_token_with(text, scratch);
    }

    /// [`Scorer::score_by_token`] compiled for AVX2; callers check that the processor has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn score_by_token_avx2(&self, text: &str, scratch: &mut ScoreScratch) {
        self.score_by_token_with(text, scratch);
    }

    /// The body of [`Scorer::score_by_token`], inlined into each of its compiled versions.
    #[inline(always)]
    fn score_by_token_with(&self, text: &str, scratch: &mut ScoreScratch) {
        let ScoreScratch { vectorizer, row, out, tokens, counts, chars } = scratch;
        let cw = self.char_columns.len();
        // A token's cached sums lie somewhere in megabytes: they are asked for as soon as the
        // token is known.
        let gen = self.index.analyze_by_token(text, vectorizer, tokens, |t| {
            chars.prefetch_sums(t, cw + 1);
        });
        chars.start(gen);
        // The one-stem n-grams' weight rows are asked for now, and the longer n-grams (whose
        // table slots the analysis asked for) are looked up after the character block: both
        // have the block's time to arrive.
        let unigrams = vectorizer.word_hits().len();
        self.prefetch_word_rows(vectorizer.word_hits(), counts);
        // Where each token's features lie is known now (its range was asked for above): the
        // features themselves are asked for before the first is read.
        let mut occurrences = 0;
        for &t in tokens.iter() {
            let features = self.index.token_features(vectorizer, t);
            crate::util::prefetch(features);
            occurrences += features.len();
        }
        chars.block.clear();
        if !tokens.is_empty() && cw > 0 {
            let sentence = (&tokens[..], occurrences);
            match cw {
                // The common widths keep the block's sums in registers.
                3 => self.char_block(sentence, vectorizer, chars, counts, [0.0; 3]),
                6 => self.char_block(sentence, vectorizer, chars, counts, [0.0; 6]),
                9 => self.char_block(sentence, vectorizer, chars, counts, [0.0; 9]),
                _ => self.char_block(sentence, vectorizer, chars, counts, vec![0.0; cw]),
            }
        }
        self.index.resolve_word_hits(vectorizer);
        self.prefetch_word_rows(&vectorizer.word_hits()[unigrams..], counts);
        self.word_row(vectorizer.word_hits(), counts, row);
        out.clear();
        out.extend_from_slice(&self.intercepts);
        self.dot(&row.indices, &row.values, out);
        // The character block is added after the word block, as the row-by-row product adds
        // them.
        for (&c, v) in self.char_columns.iter().zip(&chars.block) {
            out[c] += v;
        }
        self.softmax_heads(out);
    }

    fn softmax_heads(&self, out: &mut [f64]) {
        for head in &self.heads {
            softmax(&mut out[head.offset..head.offset + head.classes.len()]);
        }
    }

    /// Adds `x_j * W[j]` to `out` for every entry `j` of a row.
    #[inline(always)]
    fn dot(&self, indices: &[u32], values: &[f64], out: &mut [f64]) {
        match self.width {
            // The common widths (tasks x classes) get unrolled loops.
            3 => self.accumulate::<3>(indices, values, out),
            6 => self.accumulate::<6>(indices, values, out),
            9 => self.accumulate::<9>(indices, values, out),
            _ => {
                for (&j, &x) in indices.iter().zip(values) {
                    out.iter_mut().zip(self.row(j)).for_each(|(o, w)| *o += x * w);
                }
            }
        }
    }

    /// Adds `x_j * W[j]` to `out` for every entry of a row, `W` being `W` classes wide.
    #[inline(always)]
    fn accumulate<const W: usize>(&self, indices: &[u32], values: &[f64], out: &mut [f64]) {
        let mut acc = [0.0; W];
        acc.copy_from_slice(&out[..W]);
        for (&j, &x) in indices.iter().zip(values) {
            let row: &[f64; W] = self.row(j)[..W].try_into().expect("W wide");
            for c in 0..W {
                acc[c] += x * row[c];
            }
        }
        out[..W].copy_from_slice(&acc);
    }

    /// The fused weights (feature-major: each feature's row holds its weight for every class
    /// of every task, then its idf), the length of a row, and the intercepts.
    pub(crate) fn fused(&self) -> (&[f64], usize, &[f64]) {
        (&self.weights, self.width + 1, &self.intercepts)
    }

    /// The tasks, in output order.
    pub fn tasks(&self) -> &[TaskHead] {
        &self.heads
    }

    /// The feature index used to vectorize text.
    pub fn features(&self) -> &FeatureIndex {
        &self.index
    }

    /// [`Scorer::score`], and the actor mentions the analysis found in `text` (byte offsets in
    /// it; empty when the model has no actors), so that they need not be searched again.
    pub fn score_with_mentions<'s>(
        &self,
        text: &str,
        scratch: &'s mut ScoreScratch,
    ) -> (&'s [f64], &'s [crate::text::Mention]) {
        self.score(text, scratch);
        (&scratch.out, scratch.vectorizer.mentions())
    }

    /// Probabilities of every class of every task for `text`, concatenated in task order
    /// (see [`TaskHead::offset`]). The slice lives in `scratch`.
    pub fn score<'s>(&self, text: &str, scratch: &'s mut ScoreScratch) -> &'s [f64] {
        if self.index.char_start() < self.index.len() {
            self.score_by_token(text, scratch);
            return &scratch.out;
        }
        self.index.find_hits(text, &mut scratch.vectorizer);
        self.prefetch_word_rows(scratch.vectorizer.word_hits(), &mut scratch.counts);
        self.word_row(scratch.vectorizer.word_hits(), &mut scratch.counts, &mut scratch.row);
        let out = &mut scratch.out;
        out.clear();
        out.extend_from_slice(&self.intercepts);
        self.dot(&scratch.row.indices, &scratch.row.values, out);
        self.softmax_heads(out);
        out
    }
}
