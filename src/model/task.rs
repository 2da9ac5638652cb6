//! A fitted task: classes, weights and how they were chosen; and the fused multi-task scorer.

use serde::{Deserialize, Serialize};

use crate::features::{FeatureIndex, SparseRow, VectorizerScratch};
use crate::model::metrics::ClassificationReport;

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
/// sit together in memory.
#[derive(Debug)]
pub struct Scorer {
    index: FeatureIndex,
    heads: Vec<TaskHead>,
    width: usize,
    weights: Vec<f64>,
    intercepts: Vec<f64>,
}

/// Per-thread buffers for [`Scorer::score`].
#[derive(Debug, Default)]
pub struct ScoreScratch {
    vectorizer: VectorizerScratch,
    row: SparseRow,
    out: Vec<f64>,
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
        let mut weights = vec![0.0; n * width];
        let mut intercepts = Vec::with_capacity(width);
        for (t, head) in tasks.iter().zip(&heads) {
            let k = t.classes.len();
            for (j, &p) in position.iter().enumerate() {
                let p = p as usize;
                weights[p * width + head.offset..p * width + head.offset + k]
                    .copy_from_slice(&t.weights[j * k..(j + 1) * k]);
            }
            intercepts.extend_from_slice(&t.intercept);
        }
        Scorer { index, heads, width, weights, intercepts }
    }

    /// Adds `x_j * W[j]` to `out` for every entry of a row, `W` being `W` classes wide.
    #[inline]
    fn accumulate<const W: usize>(&self, indices: &[u32], values: &[f64], out: &mut [f64]) {
        let mut acc = [0.0; W];
        acc.copy_from_slice(&out[..W]);
        for (&j, &x) in indices.iter().zip(values) {
            let row: &[f64; W] =
                self.weights[j as usize * W..j as usize * W + W].try_into().expect("W wide");
            for c in 0..W {
                acc[c] += x * row[c];
            }
        }
        out[..W].copy_from_slice(&acc);
    }

    /// The tasks, in output order.
    pub fn tasks(&self) -> &[TaskHead] {
        &self.heads
    }

    /// The feature index used to vectorize text.
    pub fn features(&self) -> &FeatureIndex {
        &self.index
    }

    /// Probabilities of every class of every task for `text`, concatenated in task order
    /// (see [`TaskHead::offset`]). The slice lives in `scratch`.
    pub fn score<'s>(&self, text: &str, scratch: &'s mut ScoreScratch) -> &'s [f64] {
        self.index.transform_unordered_into(text, &mut scratch.vectorizer, &mut scratch.row);
        let out = &mut scratch.out;
        out.clear();
        out.extend_from_slice(&self.intercepts);
        let (indices, values) = (&scratch.row.indices, &scratch.row.values);
        match self.width {
            // The common widths (tasks x classes) get unrolled loops.
            3 => self.accumulate::<3>(indices, values, out),
            6 => self.accumulate::<6>(indices, values, out),
            9 => self.accumulate::<9>(indices, values, out),
            w => {
                for (&j, &x) in indices.iter().zip(values) {
                    let row = &self.weights[j as usize * w..(j as usize + 1) * w];
                    out.iter_mut().zip(row).for_each(|(o, w)| *o += x * w);
                }
            }
        }
        for head in &self.heads {
            softmax(&mut out[head.offset..head.offset + head.classes.len()]);
        }
        out
    }
}
