//! argmin's L-BFGS, with its vectors kept and updated in place.
//!
//! The algorithm is argmin's `LBFGS` step for step: the same two-loop recursion over the last
//! `m` pairs of steps and gradient changes, the initial Hessian scaled by `s.y / y.y`, argmin's
//! own More-Thuente line search (default settings) along the resulting direction, and the same
//! stopping rules in the same order (gradient norm below the tolerance, then a cost change
//! below machine epsilon, then the iteration limit). What differs is the bookkeeping: argmin
//! allocates a new parameter-sized vector for nearly every vector operation of an iteration
//! (about 40 at memory 10) and clones the parameters into its state, which on problems of
//! 100,000 parameters cost as much as the loss and gradient over the sparse rows. Here the
//! memory pairs are recycled buffers and the recursion runs in place.

use std::collections::VecDeque;

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::{LineSearch, MoreThuenteLineSearch};
use ndarray::Array1;

use super::Objective;

/// Memory of the quasi-Newton approximation: linfa-logistic's setting.
const MEMORY: usize = 10;

/// Where the minimization stopped.
pub(super) struct Minimum {
    /// The parameters of lowest cost seen.
    pub best: Array1<f64>,
    /// The gradient at `best`.
    pub gradient: Array1<f64>,
    /// Iterations run.
    pub iterations: u64,
}

/// Minimizes `objective` from `init` until the gradient norm falls below `tolerance`, the cost
/// stops changing, or `max_iterations` iterations have run.
pub(super) fn minimize(
    objective: &Objective,
    init: Array1<f64>,
    tolerance: f64,
    max_iterations: u64,
) -> Minimum {
    let mut x = init;
    let (mut cost, mut grad) = objective.evaluate(&x);
    let mut prev_cost = f64::INFINITY;
    let (mut best, mut best_grad, mut best_cost) = (x.clone(), grad.clone(), cost);
    let mut s: VecDeque<Array1<f64>> = VecDeque::with_capacity(MEMORY);
    let mut y: VecDeque<Array1<f64>> = VecDeque::with_capacity(MEMORY);
    let mut rho = Vec::with_capacity(MEMORY);
    let mut alpha = vec![0.0; MEMORY];
    let mut iterations = 0;
    loop {
        if grad.dot(&grad).sqrt() < tolerance
            || (prev_cost - cost).abs() < f64::EPSILON
            || iterations >= max_iterations
        {
            break;
        }
        let direction = two_loop(&grad, &s, &y, &mut rho, &mut alpha);
        let mut line = MoreThuenteLineSearch::new();
        line.search_direction(direction);
        let searched = Executor::new(Line(objective), line)
            .configure(|state| state.param(x.clone()).gradient(grad.clone()).cost(cost))
            .ctrlc(false)
            .run();
        // A failed line search ends the run with the best point so far, as in argmin.
        let Ok(mut searched) = searched else { break };
        let Some(next) = searched.state.take_param() else { break };
        let next_cost = searched.state.get_cost();
        let (_, next_grad) = objective.evaluate(&next);
        let (mut step, mut change) = if s.len() == MEMORY {
            (s.pop_front().expect("full"), y.pop_front().expect("full"))
        } else {
            (Array1::zeros(x.len()), Array1::zeros(x.len()))
        };
        difference_into(&mut step, &next, &x);
        difference_into(&mut change, &next_grad, &grad);
        s.push_back(step);
        y.push_back(change);
        x = next;
        grad = next_grad;
        prev_cost = cost;
        cost = next_cost;
        iterations += 1;
        if cost < best_cost {
            best.assign(&x);
            best_grad.assign(&grad);
            best_cost = cost;
        }
    }
    Minimum { best, gradient: best_grad, iterations }
}

/// The search direction `-H g` of the two-loop recursion, computed in one buffer.
fn two_loop(
    grad: &Array1<f64>,
    s: &VecDeque<Array1<f64>>,
    y: &VecDeque<Array1<f64>>,
    rho: &mut Vec<f64>,
    alpha: &mut [f64],
) -> Array1<f64> {
    let gamma = match (s.back(), y.back()) {
        (Some(sk), Some(yk)) => sk.dot(yk) / yk.dot(yk),
        _ => 1.0,
    };
    let mut q = grad.clone();
    rho.clear();
    rho.extend(s.iter().zip(y).map(|(sk, yk)| 1.0 / yk.dot(sk)));
    for i in (0..s.len()).rev() {
        alpha[i] = s[i].dot(&q) * rho[i];
        q.scaled_add(-alpha[i], &y[i]);
    }
    q *= gamma;
    for i in 0..s.len() {
        let beta = y[i].dot(&q) * rho[i];
        q.scaled_add(alpha[i] - beta, &s[i]);
    }
    q.mapv_inplace(|v| -v);
    q
}

/// `out = a - b`, in place.
fn difference_into(out: &mut Array1<f64>, a: &Array1<f64>, b: &Array1<f64>) {
    ndarray::Zip::from(out).and(a).and(b).for_each(|o, &a, &b| *o = a - b);
}

/// The objective as the line search sees it: a borrowed view, so that its cache of the last
/// evaluation outlives each search.
struct Line<'o, 'a>(&'o Objective<'a>);

impl CostFunction for Line<'_, '_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, p: &Self::Param) -> Result<f64, argmin::core::Error> {
        self.0.cost(p)
    }
}

impl Gradient for Line<'_, '_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, p: &Self::Param) -> Result<Array1<f64>, argmin::core::Error> {
        self.0.gradient(p)
    }
}
