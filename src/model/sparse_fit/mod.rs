//! Fitting the multinomial logistic model on sparse rows.
//!
//! The objective and solver are linfa-logistic's: the summed multinomial log-loss plus
//! `alpha/2 |W|^2` (intercepts unpenalized), minimized by argmin's L-BFGS with a More-Thuente
//! line search and memory 10, from zeros or a given start ([`lbfgs`] runs argmin's algorithm
//! and line search with its vectors updated in place). Only the data access differs: the
//! loss and gradient walk CSR rows, so one evaluation costs time in proportion to the non-zeros
//! times the classes, not rows times features. The tests below check that this fit and
//! linfa-logistic's dense fit give the same probabilities from the same start.
//!
//! Each row may carry a weight (class weights for balancing): the loss of row `i` counts
//! `s_i` times, and its gradient term too. Without weights the objective is linfa's exactly.

use std::cell::RefCell;

use argmin::core::{CostFunction, Gradient};
use ndarray::{Array1, Array2};
use rayon::prelude::*;

use crate::features::SparseRow;
use crate::model::fit::{FittedWeights, SolverSettings};

/// Rows in compressed sparse row form: the matrix the sparse objective reads.
#[derive(Debug, Clone, Default)]
pub struct CsrMatrix {
    /// Row `i`'s entries are `indptr[i]..indptr[i + 1]` of `indices` and `values`.
    pub indptr: Vec<usize>,
    /// Column (feature) of each entry.
    pub indices: Vec<u32>,
    /// Value of each entry.
    pub values: Vec<f64>,
    /// Number of columns.
    pub n_cols: usize,
}

impl CsrMatrix {
    /// Stacks rows whose feature indices are below `n_cols`.
    pub fn from_rows(rows: &[&SparseRow], n_cols: usize) -> Self {
        debug_assert!(rows.iter().all(|r| r.indices.iter().all(|&j| (j as usize) < n_cols)));
        CsrMatrix::from_rows_truncated(rows, n_cols)
    }

    /// Stacks rows keeping only their features below `n_cols` (rows are sorted by feature, so
    /// this keeps a prefix of each: the word block of word-and-character rows).
    pub fn from_rows_truncated(rows: &[&SparseRow], n_cols: usize) -> Self {
        let mut m =
            CsrMatrix { indptr: Vec::with_capacity(rows.len() + 1), n_cols, ..Default::default() };
        m.indptr.push(0);
        for row in rows {
            let end = row.indices.partition_point(|&j| (j as usize) < n_cols);
            m.indices.extend_from_slice(&row.indices[..end]);
            m.values.extend_from_slice(&row.values[..end]);
            m.indptr.push(m.indices.len());
        }
        m
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Row `i` as (indices, values).
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[r.clone()], &self.values[r])
    }

    /// The rows as a dense `f64` matrix (for tests against the dense reference solver).
    #[cfg(test)]
    pub fn to_dense(&self) -> Array2<f64> {
        self.to_dense_as()
    }

    /// The rows as a dense matrix of `F` (`f32` or `f64`).
    pub fn to_dense_as<F: linfa::Float>(&self) -> Array2<F> {
        let mut x = Array2::zeros((self.n_rows(), self.n_cols));
        for i in 0..self.n_rows() {
            let (idx, val) = self.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                x[[i, j as usize]] = F::cast(v);
            }
        }
        x
    }
}

/// Rows per parallel chunk of one loss-and-gradient evaluation; smaller problems run on the
/// calling thread (cross-validation already runs folds in parallel).
const PARALLEL_CHUNK_ROWS: usize = 16_384;

/// The objective over `k` classes. Parameters are `(n_cols + 1) x k` in row-major order,
/// the intercepts last: the layout of linfa-logistic's parameter matrix.
struct Objective<'a> {
    data: &'a Data<'a>,
    /// The last evaluated parameters with their loss and gradient: the line search asks for
    /// the cost and the gradient of the same point one after the other.
    cache: RefCell<Option<Evaluation>>,
}

/// Parameters with the loss and gradient there.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// What the objective reads.
struct Data<'a> {
    x: &'a CsrMatrix,
    /// Class column (0..k) per row.
    y: &'a [usize],
    /// Weight per row, or all ones.
    weights: Option<&'a [f64]>,
    k: usize,
    alpha: f64,
}

impl Objective<'_> {
    /// The loss and gradient at `w`.
    fn evaluate(&self, w: &Array1<f64>) -> (f64, Array1<f64>) {
        self.with_evaluation(w, |loss, grad| (loss, grad.clone()))
    }

    /// Calls `f` with the loss and gradient at `w`, computing them unless `w` was the last
    /// point evaluated.
    fn with_evaluation<T>(&self, w: &Array1<f64>, f: impl FnOnce(f64, &Array1<f64>) -> T) -> T {
        let mut cache = self.cache.borrow_mut();
        if let Some((p, loss, grad)) = &*cache {
            if p == w {
                return f(*loss, grad);
            }
        }
        let (loss, grad) = self.data.compute(w.as_slice().expect("standard layout"));
        let (_, loss, grad) = cache.insert((w.clone(), loss, Array1::from_vec(grad)));
        f(*loss, grad)
    }
}

impl Data<'_> {
    fn compute(&self, w: &[f64]) -> (f64, Vec<f64>) {
        let n = self.x.n_rows();
        let size = w.len();
        let (mut loss, mut grad) = if n >= 2 * PARALLEL_CHUNK_ROWS {
            let chunks: Vec<(usize, usize)> = (0..n)
                .step_by(PARALLEL_CHUNK_ROWS)
                .map(|s| (s, (s + PARALLEL_CHUNK_ROWS).min(n)))
                .collect();
            chunks
                .into_par_iter()
                .map(|(s, e)| {
                    let mut g = vec![0.0; size];
                    let l = self.rows_into(w, s, e, &mut g);
                    (l, g)
                })
                .reduce_with(|(la, mut ga), (lb, gb)| {
                    ga.iter_mut().zip(&gb).for_each(|(a, b)| *a += b);
                    (la + lb, ga)
                })
                .unwrap_or((0.0, vec![0.0; size]))
        } else {
            let mut g = vec![0.0; size];
            let l = self.rows_into(w, 0, n, &mut g);
            (l, g)
        };
        // L2 penalty on the weights, not on the intercepts (the last k entries).
        let penalized = size - self.k;
        let mut norm = 0.0;
        for (g, &v) in grad[..penalized].iter_mut().zip(&w[..penalized]) {
            norm += v * v;
            *g += self.alpha * v;
        }
        loss += 0.5 * self.alpha * norm;
        (loss, grad)
    }

    /// Adds the loss and gradient of rows `start..end` (without the penalty) into `grad`.
    /// The common class counts get code of their own, with the per-class loops unrolled: this
    /// loop is most of the time of a fit.
    fn rows_into(&self, w: &[f64], start: usize, end: usize, grad: &mut [f64]) -> f64 {
        match self.k {
            2 => self.rows_into_k::<2, true>(w, start, end, grad),
            3 if self.weights.is_none() => self.rows_into_k::<3, false>(w, start, end, grad),
            3 => self.rows_into_k::<3, true>(w, start, end, grad),
            4 => self.rows_into_k::<4, true>(w, start, end, grad),
            5 => self.rows_into_k::<5, true>(w, start, end, grad),
            _ => self.rows_into_any(w, start, end, grad),
        }
    }

    /// `WEIGHTED`: whether rows carry weights (without, the loop skips the scaling).
    fn rows_into_k<const K: usize, const WEIGHTED: bool>(
        &self,
        w: &[f64],
        start: usize,
        end: usize,
        grad: &mut [f64],
    ) -> f64 {
        let block = |v: &[f64], j: usize| -> [f64; K] {
            v[j * K..j * K + K].try_into().expect("K entries")
        };
        let n_cols = w.len() / K - 1;
        let bias = block(w, n_cols);
        let mut loss = 0.0;
        let mut bias_grad = [0.0; K];
        for i in start..end {
            let (idx, val) = self.x.row(i);
            let mut z = bias;
            for (&j, &v) in idx.iter().zip(val) {
                let wj = block(w, j as usize);
                for c in 0..K {
                    z[c] += v * wj[c];
                }
            }
            let yi = self.y[i];
            if WEIGHTED {
                let s = self.weights.map_or(1.0, |ws| ws[i]);
                loss += s * softmax_loss(&mut z, yi);
                for z in &mut z {
                    *z *= s;
                }
                z[yi] -= s;
            } else {
                loss += softmax_loss(&mut z, yi);
                z[yi] -= 1.0;
            }
            for (&j, &v) in idx.iter().zip(val) {
                let gj: &mut [f64; K] =
                    (&mut grad[j as usize * K..j as usize * K + K]).try_into().expect("K entries");
                for c in 0..K {
                    gj[c] += v * z[c];
                }
            }
            for c in 0..K {
                bias_grad[c] += z[c];
            }
        }
        grad[n_cols * K..].iter_mut().zip(bias_grad).for_each(|(g, b)| *g += b);
        loss
    }

    fn rows_into_any(&self, w: &[f64], start: usize, end: usize, grad: &mut [f64]) -> f64 {
        let k = self.k;
        let bias = &w[w.len() - k..];
        let mut z = vec![0.0; k];
        let mut loss = 0.0;
        let bias_offset = grad.len() - k;
        for i in start..end {
            let (idx, val) = self.x.row(i);
            z.copy_from_slice(bias);
            for (&j, &v) in idx.iter().zip(val) {
                let wj = &w[j as usize * k..j as usize * k + k];
                z.iter_mut().zip(wj).for_each(|(z, &w)| *z += v * w);
            }
            let yi = self.y[i];
            let s = self.weights.map_or(1.0, |ws| ws[i]);
            loss += s * softmax_loss(&mut z, yi);
            z.iter_mut().for_each(|p| *p *= s);
            z[yi] -= s;
            for (&j, &v) in idx.iter().zip(val) {
                let gj = &mut grad[j as usize * k..j as usize * k + k];
                gj.iter_mut().zip(&z).for_each(|(g, &d)| *g += v * d);
            }
            grad[bias_offset..].iter_mut().zip(&z).for_each(|(g, &d)| *g += d);
        }
        loss
    }
}

/// Turns the scores `z` into probabilities in place and returns `-ln p_y`, computed as
/// `ln sum exp(z - max) - (z_y - max)`: finite even where `p_y` underflows.
#[inline]
fn softmax_loss(z: &mut [f64], y: usize) -> f64 {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let shifted_y = z[y] - max;
    let mut sum = 0.0;
    for z in z.iter_mut() {
        *z = (*z - max).exp();
        sum += *z;
    }
    let inverse = 1.0 / sum;
    for z in z.iter_mut() {
        *z *= inverse;
    }
    sum.ln() - shifted_y
}

impl CostFunction for Objective<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, p: &Self::Param) -> Result<f64, argmin::core::Error> {
        Ok(self.with_evaluation(p, |loss, _| loss))
    }
}

impl Gradient for Objective<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, p: &Self::Param) -> Result<Array1<f64>, argmin::core::Error> {
        Ok(self.with_evaluation(p, |_, grad| grad.clone()))
    }
}

/// The row weights of scikit-learn's `class_weight='balanced'`: a row of class `c` weighs
/// `n / (classes present * n_c)`, so every present class weighs as much in total and the
/// weights sum to `n`.
pub fn balanced_weights(y: &[usize], n_classes: usize) -> Vec<f64> {
    let mut counts = vec![0usize; n_classes];
    y.iter().for_each(|&c| counts[c] += 1);
    let present = counts.iter().filter(|&&n| n > 0).count().max(1);
    let n = y.len() as f64;
    y.iter().map(|&c| n / (present as f64 * counts[c] as f64)).collect()
}

/// Fits a multinomial logistic regression of `y` (class indices below `n_classes`) on the rows
/// of `x`, with optional per-row `weights`.
///
/// As [`crate::model::fit::fit_multinomial`] does for the dense solver: classes absent from
/// `y` get zero weights and a very low intercept; `warm_start` starts from a previous fit on
/// the same features; the returned gradient norm is that of the objective at the returned
/// weights, and `converged` compares it with the tolerance.
pub fn fit_sparse(
    x: &CsrMatrix,
    y: &[usize],
    n_classes: usize,
    weights: Option<&[f64]>,
    solver: SolverSettings,
    warm_start: Option<&FittedWeights>,
) -> Result<FittedWeights, String> {
    if x.n_rows() != y.len() || weights.is_some_and(|w| w.len() != y.len()) {
        return Err(format!(
            "{} rows but {} targets and {} weights",
            x.n_rows(),
            y.len(),
            weights.map_or(y.len(), <[f64]>::len)
        ));
    }
    if weights.is_some_and(|w| w.iter().any(|&s| !(s.is_finite() && s >= 0.0))) {
        return Err("row weights must be finite and not negative".into());
    }
    let mut present: Vec<usize> = y.to_vec();
    present.sort_unstable();
    present.dedup();
    if present.len() < 2 {
        return Err("fewer than two classes among the training rows".into());
    }
    let k = present.len();
    let column_of = |c: usize| present.binary_search(&c).expect("present class");
    let y_col: Vec<usize> = y.iter().map(|&c| column_of(c)).collect();
    let d = x.n_cols;
    let mut init = Array1::zeros((d + 1) * k);
    if let Some(start) = warm_start {
        for (col, &c) in present.iter().enumerate() {
            for j in 0..d {
                init[j * k + col] = start.weights[[j, c]];
            }
            init[d * k + col] = start.intercept[c];
        }
    }
    let data = Data { x, y: &y_col, weights, k, alpha: solver.alpha };
    let objective = Objective { data: &data, cache: RefCell::new(None) };
    let lbfgs::Minimum { best, gradient: grad, iterations } =
        lbfgs::minimize(&objective, init, solver.gradient_tolerance, solver.max_iterations);
    if best.iter().any(|v| !v.is_finite()) {
        return Err("the solver diverged (non-finite weights)".into());
    }
    let gradient_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();

    let mut weights_out = Array2::zeros((d, n_classes));
    let mut intercept = Array1::from_elem(n_classes, -30.0);
    for (col, &c) in present.iter().enumerate() {
        for j in 0..d {
            weights_out[[j, c]] = best[j * k + col];
        }
        intercept[c] = best[d * k + col];
    }
    Ok(FittedWeights {
        weights: weights_out,
        intercept,
        gradient_norm,
        converged: gradient_norm <= solver.gradient_tolerance,
        iterations,
    })
}

impl FittedWeights {
    /// Index of the most probable class for each row of `x`.
    pub fn predict_sparse(&self, x: &CsrMatrix) -> Vec<usize> {
        let k = self.intercept.len();
        let mut z = vec![0.0; k];
        (0..x.n_rows())
            .map(|i| {
                z.iter_mut().zip(&self.intercept).for_each(|(z, &b)| *z = b);
                let (idx, val) = x.row(i);
                for (&j, &v) in idx.iter().zip(val) {
                    let wj = self.weights.row(j as usize);
                    z.iter_mut().zip(wj).for_each(|(z, &w)| *z += v * w);
                }
                crate::model::task::argmax(&z)
            })
            .collect()
    }
}

mod lbfgs;
#[cfg(test)]
mod tests;
