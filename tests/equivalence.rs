//! Sparse scoring gives the same probabilities as linfa-logistic on the dense matrix.

use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use newsstance::features::{AnalyzedCorpus, Analyzer, FeatureIndex};
use newsstance::model::{dense, TaskModel, TrainingSummary};
use newsstance::{FeatureSettings, Scorer};

const TEXTS: &[&str] = &[
    "The army liberated the town from terrorists.",
    "Regime barrel bombs killed dozens of civilians.",
    "Talks in Geneva resumed on Monday.",
    "Terrorists fired rocket shells at residential areas.",
    "Warplanes struck a hospital, killing civilians.",
    "Delegates met to discuss the agenda.",
    "Government forces restored security to the villages.",
    "Activists accused the regime of a chemical attack.",
    "The meeting was postponed until next week.",
];
const LABELS: &[usize] = &[2, 0, 1, 2, 0, 1, 2, 0, 1];

#[test]
fn sparse_scorer_matches_linfa_predict_probabilities() {
    let settings = FeatureSettings { min_df: 1, char_ngrams: Some((3, 4)), ..Default::default() };
    let corpus = AnalyzedCorpus::analyze(&Analyzer::new(settings.clone()), TEXTS.iter().copied());
    let all: Vec<usize> = (0..TEXTS.len()).collect();
    let (vocabulary, feature_of) = corpus.fit_vocabulary(&settings, &all);
    let rows: Vec<_> = all.iter().map(|&d| corpus.row(d, &vocabulary, &feature_of, true)).collect();
    let x: Array2<f64> = dense(&rows.iter().collect::<Vec<_>>(), vocabulary.len());
    let y = Array1::from_vec(LABELS.to_vec());
    let fitted = MultiLogisticRegression::default()
        .alpha(0.1)
        .max_iterations(200)
        .fit(&Dataset::new(x.clone(), y))
        .unwrap();
    let classes = vec!["anti".to_string(), "neutral".into(), "pro".into()];
    let task = TaskModel {
        name: "stance".into(),
        classes: classes.clone(),
        weights: fitted.params().as_standard_layout().iter().copied().collect(),
        intercept: fitted.intercept().to_vec(),
        training: TrainingSummary {
            rows: TEXTS.len(),
            class_counts: vec![3, 3, 3],
            c: 10.0,
            c_source: "given".into(),
            balance: "none".into(),
            features: "words".into(),
            solver: "dense".into(),
            converged: true,
            iterations: 0,
            gradient_norm: 0.0,
            gradient_tolerance: 1.0,
            cv: None,
        },
    };
    let index = FeatureIndex::new(settings.clone(), &vocabulary);
    let scorer =
        Scorer::new(FeatureIndex::new(settings.clone(), &vocabulary), std::slice::from_ref(&task));
    // Texts with repeated words and n-grams (tf above one), unknown words, and nothing at all:
    // the scorer, which sums character features token by token, equals the row-by-row product.
    let mut scratch = Default::default();
    for text in ["the the the army army", "Terrorists terrorists!", "Zzqx wqvv", "", "town"] {
        let got = scorer.score(text, &mut scratch).to_vec();
        let mut by_row = vec![0.0; 3];
        task.probabilities_into(&index.transform(text), &mut by_row);
        for (p, q) in got.iter().zip(&by_row) {
            assert!((p - q).abs() < 1e-12, "{text:?}: {got:?} vs {by_row:?}");
        }
    }
    let expected = fitted.predict_probabilities(&x);
    let mut scratch = Default::default();
    let mut seen_confident = false;
    for (i, text) in TEXTS.iter().enumerate() {
        let got = scorer.score(text, &mut scratch).to_vec();
        for (k, p) in got.iter().enumerate() {
            assert!(
                (p - expected[[i, k]]).abs() < 1e-12,
                "row {i} class {k}: {p} vs {}",
                expected[[i, k]]
            );
        }
        seen_confident |= got[LABELS[i]] > 0.5;
        // The per-task path agrees with the fused scorer.
        let mut single = vec![0.0; 3];
        task.probabilities_into(&rows[i], &mut single);
        assert!(single.iter().zip(&got).all(|(a, b)| (a - b).abs() < 1e-12));
    }
    assert!(
        seen_confident,
        "the model learned something, so the comparison is not between constants"
    );

    // One scratch kept over many sentences (its per-sentence stamps wrap every 255 sentences,
    // its caches fill) scores each exactly as a fresh one does.
    let mut kept = Default::default();
    for i in 0..700 {
        let text = TEXTS[i % TEXTS.len()];
        let got = scorer.score(text, &mut kept).to_vec();
        let fresh = scorer.score(text, &mut Default::default()).to_vec();
        assert_eq!(got, fresh, "sentence {i}: {text:?}");
    }

    // A second task fitted on words alone (its character weights zero, as `train` leaves a
    // words-only candidate): the fused scorer, which leaves such columns out of its character
    // block, still equals each task's row-by-row product.
    let char_start = vocabulary.char_start();
    let mut words_only = task.clone();
    words_only.name = "words".into();
    words_only.weights[char_start * 3..].iter_mut().for_each(|w| *w = 0.0);
    let both = [task.clone(), words_only.clone()];
    let fused = Scorer::new(FeatureIndex::new(settings, &vocabulary), &both);
    let mut scratch = Default::default();
    for text in TEXTS.iter().copied().chain(["the the the army army", "Zzqx", ""]) {
        let got = fused.score(text, &mut scratch).to_vec();
        let row = index.transform(text);
        for (t, model) in both.iter().enumerate() {
            let mut by_row = vec![0.0; 3];
            model.probabilities_into(&row, &mut by_row);
            for (p, q) in got[3 * t..3 * t + 3].iter().zip(&by_row) {
                assert!((p - q).abs() < 1e-12, "{text:?} task {t}: {got:?} vs {by_row:?}");
            }
        }
    }
}
