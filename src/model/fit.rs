//! Fitting one multinomial logistic model with linfa-logistic, with the convergence check
//! linfa leaves to its caller (running out of iterations is not an error there).
//!
//! linfa-logistic needs the training rows as a dense matrix. Fits are generic over the float
//! type of that matrix: `f32` halves its memory (and the memory traffic of every solver
//! iteration) against `f64`. Weights always come back as `f64`.

use linfa::prelude::*;
use linfa::Float;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::features::SparseRow;

/// Solver settings for one fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverSettings {
    /// L2 weight on the *summed* log-loss (linfa's `alpha`).
    pub alpha: f64,
    /// Iteration limit of L-BFGS.
    pub max_iterations: u64,
    /// Gradient-norm tolerance, absolute.
    pub gradient_tolerance: f64,
}

/// Weights of a fitted model over all `n_classes` classes.
#[derive(Debug, Clone)]
pub struct FittedWeights {
    /// `n_features x n_classes`.
    pub weights: Array2<f64>,
    /// Per class.
    pub intercept: Array1<f64>,
    /// Gradient norm of the objective at the returned weights.
    pub gradient_norm: f64,
    /// Whether `gradient_norm` is within the tolerance.
    pub converged: bool,
    /// L-BFGS iterations run (0 from the dense solver, which does not report them).
    pub iterations: u64,
}

impl FittedWeights {
    /// Index of the most probable class for each row of `x`.
    #[cfg(test)]
    pub fn predict<F: SolverFloat>(&self, x: &Array2<F>) -> Vec<usize> {
        let z = x.dot(&self.weights.mapv(F::cast)) + &self.intercept.mapv(F::cast);
        z.rows()
            .into_iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .fold(
                        (0, F::neg_infinity()),
                        |best, (i, &v)| if v > best.1 { (i, v) } else { best },
                    )
                    .0
            })
            .collect()
    }
}

/// Stacks sparse rows into the dense `f64` matrix linfa-logistic needs.
pub fn dense(rows: &[&SparseRow], n_features: usize) -> Array2<f64> {
    dense_as(rows, n_features)
}

/// Stacks sparse rows into a dense matrix of `F` (`f32` or `f64`).
pub fn dense_as<F: SolverFloat>(rows: &[&SparseRow], n_features: usize) -> Array2<F> {
    crate::model::CsrMatrix::from_rows(rows, n_features).to_dense_as()
}

/// What [`SolverFloat::linfa_fit`] returns: the sorted distinct classes, the weights
/// (`n_features x classes`) and the intercepts.
pub type LinfaFit = (Vec<usize>, Array2<f64>, Array1<f64>);

/// Float types linfa-logistic can fit on (its own float trait is sealed): `f32` and `f64`.
pub trait SolverFloat: Float {
    /// Runs linfa-logistic's multinomial fit on `x` and `y`, from `init` (weights with the
    /// intercept as last row) if given.
    fn linfa_fit(
        x: ArrayView2<'_, Self>,
        y: Array1<usize>,
        solver: SolverSettings,
        init: Option<Array2<Self>>,
    ) -> Result<LinfaFit, String>;
}

macro_rules! solver_float {
    ($t:ty) => {
        impl SolverFloat for $t {
            fn linfa_fit(
                x: ArrayView2<'_, Self>,
                y: Array1<usize>,
                solver: SolverSettings,
                init: Option<Array2<Self>>,
            ) -> Result<LinfaFit, String> {
                let dataset = DatasetBase::new(x, y);
                let mut params = MultiLogisticRegression::<$t>::default()
                    .alpha(solver.alpha as $t)
                    .max_iterations(solver.max_iterations)
                    .gradient_tolerance(solver.gradient_tolerance as $t);
                if let Some(init) = init {
                    params = params.initial_params(init);
                }
                let fitted = params.fit(&dataset).map_err(|e| e.to_string())?;
                Ok((
                    fitted.classes().to_vec(),
                    fitted.params().mapv(f64::from),
                    fitted.intercept().mapv(f64::from),
                ))
            }
        }
    };
}
solver_float!(f32);
solver_float!(f64);

/// Fits a multinomial logistic regression of `y` (class indices below `n_classes`) on `x`.
///
/// Classes absent from `y` get zero weights and a very low intercept, so the output always
/// covers all `n_classes`. `warm_start` (weights, intercept) of a previous fit on the same
/// features speeds up a grid search. Errors are linfa's, as text. `x` is borrowed by the
/// solver, not copied.
pub fn fit_multinomial<F: SolverFloat>(
    x: &Array2<F>,
    y: &[usize],
    n_classes: usize,
    solver: SolverSettings,
    warm_start: Option<&FittedWeights>,
) -> Result<FittedWeights, String> {
    let mut present: Vec<usize> = y.to_vec();
    present.sort_unstable();
    present.dedup();
    if present.len() < 2 {
        return Err("fewer than two classes among the training rows".into());
    }
    let targets = Array1::from_iter(y.iter().copied());
    let init = warm_start.map(|start| {
        let mut init = Array2::zeros((x.ncols() + 1, present.len()));
        for (col, &c) in present.iter().enumerate() {
            init.slice_mut(ndarray::s![..x.ncols(), col])
                .assign(&start.weights.column(c).mapv(F::cast));
            init[[x.ncols(), col]] = F::cast(start.intercept[c]);
        }
        init
    });
    let (classes, fitted_weights, fitted_intercept) =
        F::linfa_fit(x.view(), targets, solver, init)?;
    // linfa orders its columns by the sorted distinct targets: map them back to class indices.
    debug_assert_eq!(classes, present);
    let mut weights = Array2::zeros((x.ncols(), n_classes));
    let mut intercept = Array1::from_elem(n_classes, -30.0);
    for (col, &c) in classes.iter().enumerate() {
        weights.column_mut(c).assign(&fitted_weights.column(col));
        intercept[c] = fitted_intercept[col];
    }
    let gradient_norm = gradient_norm(x, y, &present, &weights, &intercept, solver.alpha);
    Ok(FittedWeights {
        weights,
        intercept,
        gradient_norm,
        converged: gradient_norm <= solver.gradient_tolerance,
        iterations: 0,
    })
}

/// L2 norm of the gradient of `-sum log softmax + alpha/2 |W|^2` over the present classes,
/// the quantity L-BFGS compares with its tolerance.
fn gradient_norm<F: SolverFloat>(
    x: &Array2<F>,
    y: &[usize],
    present: &[usize],
    weights: &Array2<f64>,
    intercept: &Array1<f64>,
    alpha: f64,
) -> f64 {
    let w = weights.select(Axis(1), present);
    let b = intercept.select(Axis(0), present);
    let mut p = x.dot(&w.mapv(F::cast)) + &b.mapv(F::cast);
    for mut row in p.rows_mut() {
        let max = row.fold(F::neg_infinity(), |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row.mapv_inplace(|v| v / sum);
    }
    for (i, &c) in y.iter().enumerate() {
        let col = present.binary_search(&c).expect("class of y is present");
        p[[i, col]] -= F::one();
    }
    let gw = x.t().dot(&p).mapv(|v| v.to_f64().unwrap_or(f64::NAN)) + &(&w * alpha);
    let gb = p.sum_axis(Axis(0)).mapv(|v| v.to_f64().unwrap_or(f64::NAN));
    (gw.iter().chain(gb.iter()).map(|g| g * g).sum::<f64>()).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::task::softmax;

    fn toy() -> (Array2<f64>, Vec<usize>) {
        let x = ndarray::array![
            [1.0, 0.0, 0.2],
            [0.9, 0.1, 0.0],
            [0.0, 1.0, 0.1],
            [0.1, 0.8, 0.0],
            [0.0, 0.1, 1.0],
            [0.2, 0.0, 0.9]
        ];
        (x, vec![0, 0, 1, 1, 2, 2])
    }

    fn solver() -> SolverSettings {
        SolverSettings { alpha: 0.1, max_iterations: 200, gradient_tolerance: 1e-6 }
    }

    #[test]
    fn fits_separable_classes_and_converges() {
        let (x, y) = toy();
        let fit = fit_multinomial(&x, &y, 3, solver(), None).unwrap();
        assert_eq!(fit.predict(&x), y);
        assert!(fit.converged, "gradient norm {}", fit.gradient_norm);
    }

    #[test]
    fn single_precision_fits_agree_with_double() {
        let (x, y) = toy();
        let double = fit_multinomial(&x, &y, 3, solver(), None).unwrap();
        let x32 = x.mapv(|v| v as f32);
        let s = SolverSettings { gradient_tolerance: 1e-4, ..solver() };
        let single = fit_multinomial(&x32, &y, 3, s, None).unwrap();
        assert_eq!(single.predict(&x32), y);
        assert_eq!(single.predict(&x32), double.predict(&x));
        let rows: Vec<SparseRow> = vec![SparseRow { indices: vec![0, 2], values: vec![0.5, 0.25] }];
        let refs: Vec<&SparseRow> = rows.iter().collect();
        assert_eq!(dense_as::<f32>(&refs, 3), ndarray::array![[0.5f32, 0.0, 0.25]]);
    }

    #[test]
    fn reports_non_convergence_when_iterations_run_out() {
        let (x, y) = toy();
        let s = SolverSettings { alpha: 1e-6, max_iterations: 1, gradient_tolerance: 1e-10 };
        let fit = fit_multinomial(&x, &y, 3, s, None).unwrap();
        assert!(!fit.converged);
        assert!(fit.gradient_norm > 1e-10);
    }

    #[test]
    fn absent_class_keeps_its_column_and_is_never_predicted() {
        let (x, _) = toy();
        let y = vec![0, 0, 2, 2, 2, 2];
        let fit = fit_multinomial(&x, &y, 3, solver(), None).unwrap();
        assert_eq!(fit.weights.ncols(), 3);
        assert!(fit.predict(&x).iter().all(|&c| c != 1));
    }

    #[test]
    fn one_class_is_an_error() {
        let (x, _) = toy();
        assert!(fit_multinomial(&x, &[1; 6], 3, solver(), None).is_err());
    }

    #[test]
    fn warm_start_reaches_the_same_optimum() {
        let (x, y) = toy();
        let cold = fit_multinomial(&x, &y, 3, solver(), None).unwrap();
        let start =
            fit_multinomial(&x, &y, 3, SolverSettings { alpha: 1.0, ..solver() }, None).unwrap();
        let warm = fit_multinomial(&x, &y, 3, solver(), Some(&start)).unwrap();
        // Probabilities agree (weights are only identified up to a shift per row).
        for i in 0..x.nrows() {
            let mut a = (x.row(i).dot(&cold.weights) + &cold.intercept).to_vec();
            let mut b = (x.row(i).dot(&warm.weights) + &warm.intercept).to_vec();
            softmax(&mut a);
            softmax(&mut b);
            for (p, q) in a.iter().zip(&b) {
                assert!((p - q).abs() < 1e-4, "{a:?} vs {b:?}");
            }
        }
    }
}
