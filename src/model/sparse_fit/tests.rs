//! Tests of the sparse fit: the objective against its definition and linfa, weights, limits.

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
fn random_problem(n: usize, d: usize, nnz: usize, k: usize, seed: u64) -> (CsrMatrix, Vec<usize>) {
    let mut rng = crate::model::cv::SplitMix64::new(seed);
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
            crate::model::task::softmax(&mut z);
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
        let linfa = crate::model::fit::fit_multinomial(&dense, &y, k, s, None).unwrap();
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
        let linfa = crate::model::fit::fit_multinomial(&dense, &y, k, s, Some(&start)).unwrap();
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
    let linfa = crate::model::fit::fit_multinomial(&dense_rep, &y_rep, 3, s, None).unwrap();
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
    let y: Vec<usize> = (0..300).map(|i| if i % 10 == 0 { 1 + i % 20 / 10 } else { 0 }).collect();
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
