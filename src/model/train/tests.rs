//! Tests of the search's pieces: the sample, ties, the candidate order, early refusals.

use super::rows::TaskRows;
use super::search::best_candidate;
use super::*;
use crate::model::task::Candidate;

fn candidate(f1: f64) -> Candidate {
    Candidate { features: "words".into(), balance: "none".into(), c: 1.0, macro_f1: f1 }
}

#[test]
fn the_search_sample_takes_whole_groups_and_keeps_rare_classes() {
    // 100 groups of 10 rows; class 1 only in the last group.
    let groups: Vec<usize> = (0..1000).map(|d| d / 10).collect();
    let y: Vec<usize> = (0..1000).map(|d| usize::from(d >= 990)).collect();
    let task = TaskRows {
        name: "t".into(),
        classes: vec!["a".into(), "b".into()],
        docs: (0..1000).collect(),
        y,
    };
    let sample = task.sample(200, 10, &groups, 7);
    assert!(sample.docs.len() >= 200 && sample.docs.len() <= 220, "{}", sample.docs.len());
    for g in 0..100 {
        let n = sample.docs.iter().filter(|&&d| groups[d] == g).count();
        assert!(n == 0 || n == 10, "group {g} split: {n}");
    }
    assert_eq!(sample.class_counts()[1], 10, "the rare class is kept");
    assert_eq!(task.sample(5000, 10, &groups, 7).docs.len(), 1000);
}

#[test]
fn ties_go_to_the_first_candidate() {
    let c = [candidate(0.5), candidate(0.7), candidate(0.7), candidate(0.6)];
    assert_eq!(best_candidate(&c), 1);
    assert_eq!(best_candidate(&[candidate(0.2)]), 0);
}

#[test]
fn candidates_are_ordered_by_features_balance_then_ascending_c() {
    let s = TrainSettings { c_grid: vec![3.0, 1.0, 3.0], ..TrainSettings::default() };
    let c = s.candidates();
    assert_eq!(c.len(), 2 * 2 * 2);
    assert_eq!(c[0], (FeatureSet::Words, Balance::None, 1.0));
    assert_eq!(c[1], (FeatureSet::Words, Balance::None, 3.0));
    assert_eq!(c[2], (FeatureSet::Words, Balance::Weighted, 1.0));
    assert_eq!(c[7], (FeatureSet::WordsAndChars, Balance::Weighted, 3.0));
}

#[test]
fn weighting_with_the_dense_solver_is_refused_before_any_work() {
    let s = TrainSettings { solver: Solver::Dense, ..TrainSettings::default() };
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("row weights"), "{e}");
    let s = TrainSettings {
        solver: Solver::Dense,
        balances: vec![Balance::Oversample],
        ..TrainSettings::default()
    };
    assert!(s.validate().is_ok());
}

#[test]
fn the_memory_cap_bounds_features_for_the_dense_solver_only() {
    let task = TaskRows {
        name: "t".into(),
        classes: vec!["a".into(), "b".into()],
        docs: (0..1000).collect(),
        y: (0..1000).map(|d| d % 2).collect(),
    };
    let messages = std::sync::Mutex::new(Vec::new());
    let progress = |m: &str| messages.lock().unwrap().push(m.to_string());
    let dense = TrainSettings {
        solver: Solver::Dense,
        balances: vec![Balance::None],
        folds: 0,
        max_memory: Some(8_000_000),
        precision: Precision::F64,
        ..TrainSettings::default()
    };
    let capped = with_memory_cap(&dense, std::slice::from_ref(&task), &progress);
    // Without folds, one task: one dense matrix of 1,000 rows x 8 bytes a cell in 8 MB, so at
    // most 1,000 features.
    assert_eq!(capped.features.max_features, Some(1000));
    assert!(messages.lock().unwrap().iter().any(|m| m.contains("--max-memory")));
    // A lower limit already given stays; the sparse solver is never capped.
    let low = TrainSettings {
        features: FeatureSettings { max_features: Some(10), ..FeatureSettings::default() },
        ..dense.clone()
    };
    assert_eq!(
        with_memory_cap(&low, std::slice::from_ref(&task), &progress).features.max_features,
        Some(10)
    );
    let sparse = TrainSettings { solver: Solver::Sparse, ..dense };
    let before = sparse.features.max_features;
    assert_eq!(with_memory_cap(&sparse, &[task], &progress).features.max_features, before);
}

#[test]
fn each_task_leaves_out_its_own_name_and_the_about_features_of_others() {
    let table = "actor,alias,not_after\nassad,Assad,\nrussia,Putin,\n";
    let actors =
        crate::text::Actor::parse_table(std::path::Path::new("a.csv"), table.as_bytes()).unwrap();
    let analysis = FeatureSettings { actors, about_features: true, ..FeatureSettings::default() };
    let terms = [
        "about:assad deni",
        "about:russia deni",
        "about:russia vote",
        "actor:assad",
        "actor:russia",
        "actor:russia deni",
        "deni",
        "c: de",
    ];
    let vocabulary = Vocabulary {
        terms: terms.iter().map(|t| t.to_string()).collect(),
        idf: vec![1.0; terms.len()],
    };
    let dropped = |task: &str| -> Vec<&str> {
        dropped_features(&analysis, &vocabulary, task).iter().map(|&f| terms[f as usize]).collect()
    };
    assert_eq!(dropped("russia"), ["about:assad deni", "actor:russia"]);
    assert_eq!(dropped("assad"), ["about:russia deni", "about:russia vote", "actor:assad"]);
    assert_eq!(
        dropped("sentiment"),
        ["about:assad deni", "about:russia deni", "about:russia vote"]
    );
    // Without about features, only the own name is left out.
    let plain = FeatureSettings { about_features: false, ..analysis.clone() };
    assert_eq!(dropped_features(&plain, &vocabulary, "russia"), [4]);
}
