//! Fitting the multinomial logistic model on sparse rows.
//!
//! The objective and solver are linfa-logistic's: the summed multinomial log-loss plus
//! `alpha/2 |W|^2` (intercepts unpenalized), minimized by argmin's L-BFGS with a More-Thuente
//! line search and memory 10, from zeros or a given start. Only the data access differs: the
//! loss and gradient walk CSR rows, so one evaluation costs time in proportion to the non-zeros
//! times the classes, not rows times features. The tests below check that this fit and
//! linfa-logistic's dense fit give the same probabilities from the same start.
//!
//! Each row may carry a weight (class weights for balancing): the loss of row `i` counts
//! `s_i` times, and its gradient term too. Without weights the objective is linfa's exactly.

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
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

    /// The rows as a dense `f64` matrix (for the dense reference solver and tests).
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
    let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(solver.gradient_tolerance)
        .map_err(|e| e.to_string())?;
    let result = Executor::new(objective, lbfgs)
        .configure(|state| state.param(init.clone()).max_iters(solver.max_iterations))
        .run()
        .map_err(|e| e.to_string())?;
    let iterations = result.state.get_iter();
    let mut state = result.state;
    let best = state.take_best_param().unwrap_or(init);
    if best.iter().any(|v| !v.is_finite()) {
        return Err("the solver diverged (non-finite weights)".into());
    }
    let (_, grad) = data.compute(best.as_slice().expect("standard layout"));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (CsrMatrix, Vec<usize>) {
        let rows = [
            SparseRow { indices: vec![0, 2], values: vec![1.0, 0.2] },
            SparseRow { indices: vec![0, 1], values: vec![0.9, 0.1] },
            SparseRow { indices: vec![1, 2], values: vec![1.0, 0.1] },
            SparseRow { indices: vec![0, 1], values: vec![0.1, 0.8] },
            SparseRow { indices: vec![1, 2], values: vec![0.1, 1.0] },
            SparseRow { indices: vec![0, 2], values: vec![0.2, 0.9] },
        ];
        let refs: Vec<&SparseRow> = rows.iter().collect();
        (CsrMatrix::from_rows(&refs, 3), vec![0, 0, 1, 1, 2, 2])
    }

    fn solver() -> SolverSettings {
        SolverSettings { alpha: 0.1, max_iterations: 200, gradient_tolerance: 1e-8 }
    }

    /// Loss of the objective at `w` by the definition, computed densely.
    fn loss_by_definition(x: &Array2<f64>, y: &[usize], s: &[f64], w: &[f64], alpha: f64) -> f64 {
        let (n, d) = x.dim();
        let k = w.len() / (d + 1);
        let mut loss = 0.0;
        for i in 0..n {
            let z: Vec<f64> = (0..k)
                .map(|c| w[d * k + c] + (0..d).map(|j| x[[i, j]] * w[j * k + c]).sum::<f64>())
                .collect();
            let lse = z.iter().map(|v| v.exp()).sum::<f64>().ln();
            loss += s[i] * (lse - z[y[i]]);
        }
        loss + 0.5 * alpha * w[..d * k].iter().map(|v| v * v).sum::<f64>()
    }

    #[test]
    fn gradient_matches_finite_differences_with_weights() {
        let (x, y) = toy();
        let s = [1.0, 0.5, 2.0, 1.0, 0.25, 3.0];
        let obj = Data { x: &x, y: &y, weights: Some(&s), k: 3, alpha: 0.3 };
        let w: Vec<f64> = (0..12).map(|i| ((i * 7 % 5) as f64 - 2.0) * 0.3).collect();
        let (loss, grad) = obj.compute(&w);
        let dense = x.to_dense();
        assert!((loss - loss_by_definition(&dense, &y, &s, &w, 0.3)).abs() < 1e-12);
        for p in 0..w.len() {
            let (mut up, mut down) = (w.clone(), w.clone());
            up[p] += 1e-6;
            down[p] -= 1e-6;
            let numeric = (loss_by_definition(&dense, &y, &s, &up, 0.3)
                - loss_by_definition(&dense, &y, &s, &down, 0.3))
                / 2e-6;
            assert!((numeric - grad[p]).abs() < 1e-6, "param {p}: {numeric} vs {}", grad[p]);
        }
    }

    /// A reproducible sparse problem: `n` rows over `d` features, about `nnz` entries a row,
    /// L2-normalized like TF-IDF rows, classes from a hidden linear rule plus noise.
    fn random_problem(
        n: usize,
        d: usize,
        nnz: usize,
        k: usize,
        seed: u64,
    ) -> (CsrMatrix, Vec<usize>) {
        let mut rng = crate::model::SplitMix64::new(seed);
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let mut idx: Vec<u32> = (0..nnz).map(|_| (rng.next_u64() % d as u64) as u32).collect();
            idx.sort_unstable();
            idx.dedup();
            let mut val: Vec<f64> =
                idx.iter().map(|_| 0.1 + (rng.next_u64() % 100) as f64 / 100.0).collect();
            let norm = val.iter().map(|v| v * v).sum::<f64>().sqrt();
            val.iter_mut().for_each(|v| *v /= norm);
            let score: usize =
                idx.iter().map(|&j| j as usize).sum::<usize>() + (rng.next_u64() % 3) as usize;
            y.push(score % k);
            rows.push(SparseRow { indices: idx, values: val });
        }
        let refs: Vec<&SparseRow> = rows.iter().collect();
        (CsrMatrix::from_rows(&refs, d), y)
    }

    fn probabilities(fit: &FittedWeights, x: &Array2<f64>) -> Vec<Vec<f64>> {
        x.rows()
            .into_iter()
            .map(|r| {
                let mut z = (r.dot(&fit.weights) + &fit.intercept).to_vec();
                crate::model::softmax(&mut z);
                z
            })
            .collect()
    }

    fn assert_same_probabilities(a: &FittedWeights, b: &FittedWeights, x: &Array2<f64>, tol: f64) {
        let (pa, pb) = (probabilities(a, x), probabilities(b, x));
        let worst = pa
            .iter()
            .flatten()
            .zip(pb.iter().flatten())
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f64::max);
        assert!(worst < tol, "probabilities differ by {worst:e}");
    }

    #[test]
    fn sparse_fit_equals_linfa_dense_fit() {
        for (seed, alpha, k) in [(1, 1.0, 3), (2, 0.1, 3), (3, 0.03, 2), (4, 0.3, 4)] {
            let (x, y) = random_problem(80, 25, 5, k, seed);
            let dense = x.to_dense();
            let s = SolverSettings { alpha, max_iterations: 1000, gradient_tolerance: 1e-6 };
            let linfa = crate::model::fit_multinomial(&dense, &y, k, s, None).unwrap();
            let ours = fit_sparse(&x, &y, k, None, s, None).unwrap();
            assert!(
                linfa.converged && ours.converged,
                "seed {seed}: linfa {} ours {} iters {}",
                linfa.gradient_norm,
                ours.gradient_norm,
                ours.iterations
            );
            assert_same_probabilities(&linfa, &ours, &dense, 1e-6);
            // From the same non-zero start as well.
            let start_s = SolverSettings { alpha: 5.0, ..s };
            let start = fit_sparse(&x, &y, k, None, start_s, None).unwrap();
            let linfa = crate::model::fit_multinomial(&dense, &y, k, s, Some(&start)).unwrap();
            let ours = fit_sparse(&x, &y, k, None, s, Some(&start)).unwrap();
            assert_same_probabilities(&linfa, &ours, &dense, 1e-6);
        }
    }

    #[test]
    fn integer_row_weights_equal_repeated_rows_in_linfa() {
        let (x, y) = random_problem(60, 20, 4, 3, 9);
        let weights: Vec<f64> = (0..60).map(|i| (1 + i % 3) as f64).collect();
        // The same rows, each repeated as many times as its weight, fitted densely by linfa.
        let mut repeated = Vec::new();
        let mut y_rep = Vec::new();
        let rows: Vec<SparseRow> = (0..60)
            .map(|i| {
                let (idx, val) = x.row(i);
                SparseRow { indices: idx.to_vec(), values: val.to_vec() }
            })
            .collect();
        for i in 0..60 {
            for _ in 0..weights[i] as usize {
                repeated.push(&rows[i]);
                y_rep.push(y[i]);
            }
        }
        let dense_rep = CsrMatrix::from_rows(&repeated, 20).to_dense();
        let s = SolverSettings { alpha: 0.2, max_iterations: 1000, gradient_tolerance: 1e-6 };
        let linfa = crate::model::fit_multinomial(&dense_rep, &y_rep, 3, s, None).unwrap();
        let ours = fit_sparse(&x, &y, 3, Some(&weights), s, None).unwrap();
        assert_same_probabilities(&linfa, &ours, &x.to_dense(), 1e-6);
    }

    #[test]
    fn loss_stays_finite_when_a_probability_underflows() {
        let (x, y) = toy();
        let obj = Data { x: &x, y: &y, weights: None, k: 3, alpha: 0.0 };
        // Weights so large that the true class of some rows gets exp(-1000).
        let w: Vec<f64> = (0..12).map(|i| if i % 4 == 0 { -1000.0 } else { 0.0 }).collect();
        let (loss, grad) = obj.compute(&w);
        assert!(loss.is_finite() && loss > 100.0, "{loss}");
        assert!(grad.iter().all(|g| g.is_finite()));
    }

    #[test]
    fn unbalanced_classes_from_zero_start_converge() {
        // 90% of one class: the first gradient is large, the first steps overshoot.
        let (x, _) = random_problem(300, 30, 6, 3, 5);
        let y: Vec<usize> =
            (0..300).map(|i| if i % 10 == 0 { 1 + i % 20 / 10 } else { 0 }).collect();
        let s = SolverSettings { alpha: 0.3, max_iterations: 1000, gradient_tolerance: 1e-3 };
        let fit = fit_sparse(&x, &y, 3, None, s, None).unwrap();
        assert!(
            fit.converged,
            "gradient norm {} after {} iterations",
            fit.gradient_norm, fit.iterations
        );
    }

    #[test]
    fn unrolled_and_generic_paths_agree() {
        for k in [2, 3, 4, 5] {
            let (x, y) = random_problem(50, 12, 4, k, k as u64);
            let data = Data { x: &x, y: &y, weights: None, k, alpha: 0.0 };
            let w: Vec<f64> = (0..13 * k).map(|i| (i as f64 * 0.71).cos()).collect();
            let (mut a, mut b) = (vec![0.0; w.len()], vec![0.0; w.len()]);
            let la = data.rows_into(&w, 0, 50, &mut a);
            let lb = data.rows_into_any(&w, 0, 50, &mut b);
            assert!((la - lb).abs() < 1e-10, "k {k}");
            assert!(a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-10), "k {k}");
        }
    }

    #[test]
    fn fits_and_converges() {
        let (x, y) = toy();
        let fit = fit_sparse(&x, &y, 3, None, solver(), None).unwrap();
        assert_eq!(fit.predict_sparse(&x), y);
        assert!(fit.converged, "gradient norm {}", fit.gradient_norm);
        assert!(fit.iterations > 0);
    }

    #[test]
    fn class_weight_moves_the_decision_toward_the_weighted_class() {
        // Rows 0 and 1 are identical but labeled differently: the weights decide.
        let rows = [
            SparseRow { indices: vec![0], values: vec![1.0] },
            SparseRow { indices: vec![0], values: vec![1.0] },
            SparseRow { indices: vec![1], values: vec![1.0] },
        ];
        let refs: Vec<&SparseRow> = rows.iter().collect();
        let x = CsrMatrix::from_rows(&refs, 2);
        let y = [0, 1, 1];
        let toward_0 = fit_sparse(&x, &y, 2, Some(&[5.0, 1.0, 1.0]), solver(), None).unwrap();
        let toward_1 = fit_sparse(&x, &y, 2, Some(&[1.0, 5.0, 1.0]), solver(), None).unwrap();
        let first = CsrMatrix::from_rows(&refs[..1], 2);
        assert_eq!(toward_0.predict_sparse(&first), [0]);
        assert_eq!(toward_1.predict_sparse(&first), [1]);
    }

    #[test]
    fn balanced_weights_follow_scikit_learn() {
        // n / (classes * n_c): 6 / (2 * 4) and 6 / (2 * 2).
        assert_eq!(balanced_weights(&[0, 0, 0, 0, 2, 2], 3), [0.75, 0.75, 0.75, 0.75, 1.5, 1.5]);
    }

    #[test]
    fn iteration_limit_is_reported_as_not_converged() {
        let (x, y) = toy();
        let s = SolverSettings { alpha: 1e-6, max_iterations: 1, gradient_tolerance: 1e-10 };
        let fit = fit_sparse(&x, &y, 3, None, s, None).unwrap();
        assert!(!fit.converged);
        assert!(fit.gradient_norm > 1e-10);
    }

    #[test]
    fn bad_shapes_and_one_class_are_errors() {
        let (x, y) = toy();
        assert!(fit_sparse(&x, &y[..5], 3, None, solver(), None).is_err());
        assert!(fit_sparse(&x, &[1; 6], 3, None, solver(), None).is_err());
        assert!(fit_sparse(&x, &y, 3, Some(&[1.0; 6].map(|v: f64| -v)), solver(), None).is_err());
    }

    #[test]
    fn large_inputs_split_into_parallel_chunks_give_the_same_gradient() {
        let rows: Vec<SparseRow> = (0..2 * PARALLEL_CHUNK_ROWS + 17)
            .map(|i| SparseRow {
                indices: vec![(i % 3) as u32, 3 + (i % 5) as u32],
                values: vec![0.6, 0.8],
            })
            .collect();
        let refs: Vec<&SparseRow> = rows.iter().collect();
        let x = CsrMatrix::from_rows(&refs, 8);
        let y: Vec<usize> = (0..rows.len()).map(|i| (i * 31 % 7) % 3).collect();
        let obj = Data { x: &x, y: &y, weights: None, k: 3, alpha: 0.5 };
        let w: Vec<f64> = (0..27).map(|i| (i as f64 * 0.37).sin()).collect();
        let (loss, grad) = obj.compute(&w);
        let mut serial = vec![0.0; 27];
        let mut serial_loss = obj.rows_into(&w, 0, rows.len(), &mut serial);
        serial_loss += 0.5 * 0.5 * w[..24].iter().map(|v| v * v).sum::<f64>();
        serial[..24].iter_mut().zip(&w[..24]).for_each(|(g, v)| *g += 0.5 * v);
        assert!((loss - serial_loss).abs() < 1e-8 * serial_loss.abs());
        for (a, b) in grad.iter().zip(&serial) {
            assert!((a - b).abs() < 1e-8 * (1.0 + b.abs()));
        }
    }
}
