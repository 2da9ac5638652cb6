//! The search: every candidate of a task (feature set x balancing x `C`) cross-validated on
//! folds grouped by article, all folds and candidate paths in parallel, and the best chosen by
//! mean macro-F1.

use rayon::prelude::*;

use super::rows::TaskRows;
use super::settings::{dedup, FeatureSet, TrainSettings};
use super::{dropped_features, fit_one, solver, without, Problem};
use crate::error::{Error, Result};
use crate::features::{AnalyzedCorpus, FeatureSettings, SparseRow, Vocabulary};
use crate::model::cv::{stratified_folds, stratified_group_folds, Balance};
use crate::model::fit::FittedWeights;
use crate::model::metrics::ClassificationReport;
use crate::model::sparse_fit::CsrMatrix;
use crate::model::task::{Candidate, CrossValidation};

/// The candidate with the highest mean macro-F1; on a tie the first (simpler features, the
/// balancing given first, smaller C).
pub(super) fn best_candidate(candidates: &[Candidate]) -> usize {
    let mut best = 0;
    for (i, c) in candidates.iter().enumerate() {
        if c.macro_f1 > candidates[best].macro_f1 + 1e-12 {
            best = i;
        }
    }
    best
}

struct FoldOutcome {
    test: Vec<usize>,
    /// Predicted class per test position, per candidate.
    predictions: Vec<Vec<usize>>,
    unconverged: usize,
}

/// Cross-validates every candidate of `settings` on `task`'s rows and chooses one.
pub(super) fn cross_validate(
    corpus: &AnalyzedCorpus,
    analysis: &FeatureSettings,
    task: &TaskRows,
    groups: &[usize],
    settings: &TrainSettings,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<CrossValidation> {
    let k = fold_count(task, settings, progress)?;
    let plan = FoldPlan::new(task, groups, k, settings, progress);
    let k = plan.k;
    let candidates = settings.candidates();
    progress(&format!(
        "[{}] {k}-fold cross-validation{} of {} candidates on {} rows",
        task.name,
        if plan.grouped { " by group" } else { "" },
        candidates.len(),
        task.docs.len()
    ));
    let search = Search {
        corpus,
        analysis,
        task,
        settings,
        progress,
        folds: &plan.folds,
        k,
        grid: settings.grid(),
        all: (0..task.y.len()).collect(),
    };
    let outcomes: Vec<FoldOutcome> =
        (0..k).into_par_iter().map(|f| search.run_fold(f)).collect::<Result<_>>()?;
    let cv = summarize(task, &candidates, &outcomes, k, plan.grouped);
    if cv.unconverged_fits > 0 {
        progress(&format!(
            "[{}] warning: {} of {} cross-validation fits stopped at the iteration limit",
            task.name,
            cv.unconverged_fits,
            k * candidates.len()
        ));
    }
    Ok(cv)
}

/// The number of folds: as set, but no more than the rows of the smallest class (which must
/// have at least two).
fn fold_count(
    task: &TaskRows,
    settings: &TrainSettings,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<usize> {
    let counts = task.class_counts();
    let smallest = *counts.iter().min().expect("two classes");
    let (min_class, _) =
        task.classes.iter().zip(&counts).find(|(_, &n)| n == smallest).expect("present");
    if smallest < 2 {
        return Err(Error::training(
            &task.name,
            format!("class '{min_class}' has only 1 labeled row, too few to cross-validate"),
            "label more rows of that class, merge it into another, or train without cross-validation (--cv 0 --c 1)",
        ));
    }
    let mut k = settings.folds;
    if (smallest as usize) < k {
        k = smallest as usize;
        progress(&format!(
            "[{}] warning: class '{min_class}' has {smallest} rows, fewer than {} folds; using {k} folds",
            task.name, settings.folds
        ));
    }
    Ok(k)
}

/// The fold of every row of a task.
struct FoldPlan {
    /// Number of folds (fewer than asked when there are fewer groups).
    k: usize,
    /// Whether the rows of a group share a fold.
    grouped: bool,
    /// Fold index per row.
    folds: Vec<usize>,
}

impl FoldPlan {
    /// Stratified folds of `k`, grouped when rows share groups (and there are at least two).
    fn new(
        task: &TaskRows,
        groups: &[usize],
        mut k: usize,
        settings: &TrainSettings,
        progress: &(dyn Fn(&str) + Sync),
    ) -> FoldPlan {
        let n_classes = task.classes.len();
        let task_groups: Vec<usize> = task.docs.iter().map(|&d| groups[d]).collect();
        let n_groups = {
            let mut distinct = task_groups.clone();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.len()
        };
        let mut grouped = n_groups < task_groups.len();
        if grouped && n_groups < 2 {
            progress(&format!(
                "[{}] warning: all rows are in one group; folds are not grouped",
                task.name
            ));
            grouped = false;
        } else if grouped && n_groups < k {
            progress(&format!(
                "[{}] warning: only {n_groups} groups (e.g. articles) for {k} folds; using {n_groups} folds",
                task.name
            ));
            k = n_groups;
        }
        let folds = if grouped {
            // Dense ids for this task's groups.
            let mut ids = std::collections::HashMap::new();
            let dense: Vec<usize> = task_groups
                .iter()
                .map(|g| {
                    let next = ids.len();
                    *ids.entry(*g).or_insert(next)
                })
                .collect();
            stratified_group_folds(&task.y, &dense, n_classes, k, settings.seed)
        } else {
            stratified_folds(&task.y, n_classes, k, settings.seed)
        };
        FoldPlan { k, grouped, folds }
    }
}

/// One task's cross-validation, shared by its folds.
struct Search<'a> {
    corpus: &'a AnalyzedCorpus,
    analysis: &'a FeatureSettings,
    task: &'a TaskRows,
    settings: &'a TrainSettings,
    progress: &'a (dyn Fn(&str) + Sync),
    /// Fold index per row.
    folds: &'a [usize],
    k: usize,
    /// The values of `C`, ascending.
    grid: Vec<f64>,
    /// Every row position of the task.
    all: Vec<usize>,
}

/// One fold's training rows, held-out rows, and every row of the task on the vocabulary fitted
/// on the training rows.
struct Fold {
    index: usize,
    train: Vec<usize>,
    test: Vec<usize>,
    vocabulary: Vocabulary,
    rows: Vec<SparseRow>,
}

impl Search<'_> {
    /// Fits every candidate on fold `f`'s training rows and predicts its held-out rows.
    fn run_fold(&self, f: usize) -> Result<FoldOutcome> {
        let (task, all) = (self.task, &self.all);
        let train: Vec<usize> = all.iter().copied().filter(|&p| self.folds[p] != f).collect();
        let test: Vec<usize> = all.iter().copied().filter(|&p| self.folds[p] == f).collect();
        // The vocabulary and idf come from the training folds only, as they would in use.
        let train_docs: Vec<usize> = train.iter().map(|&p| task.docs[p]).collect();
        let (vocabulary, feature_of) = self.corpus.fit_vocabulary(self.analysis, &train_docs);
        let rows: Vec<SparseRow> = all
            .iter()
            .map(|&p| {
                self.corpus.row(task.docs[p], &vocabulary, &feature_of, self.analysis.sublinear_tf)
            })
            .collect();
        let fold = Fold { index: f, train, test, vocabulary, rows };
        let test_rows: Vec<&SparseRow> = fold.test.iter().map(|&p| &fold.rows[p]).collect();
        // One path per feature set and balancing, in candidate order, run in parallel;
        // along a path, C ascends and each fit starts from the previous one.
        let paths: Vec<(FeatureSet, Balance)> = dedup(&self.settings.feature_sets)
            .into_iter()
            .flat_map(|f| dedup(&self.settings.balances).into_iter().map(move |b| (f, b)))
            .collect();
        let fitted: Vec<(Vec<Vec<usize>>, usize)> = paths
            .par_iter()
            .map(|&path| self.fit_path(&fold, &test_rows, path))
            .collect::<Result<_>>()?;
        let unconverged = fitted.iter().map(|(_, u)| u).sum();
        let predictions = fitted.into_iter().flat_map(|(p, _)| p).collect();
        (self.progress)(&format!("[{}] fold {}/{} done", task.name, f + 1, self.k));
        Ok(FoldOutcome { test: fold.test, predictions, unconverged })
    }

    /// Fits one feature set and balancing along the grid of `C` (each fit starting from the
    /// previous one): the predictions for the held-out rows per `C`, and how many fits stopped
    /// at the iteration limit.
    fn fit_path(
        &self,
        fold: &Fold,
        test_rows: &[&SparseRow],
        (feature_set, balance): (FeatureSet, Balance),
    ) -> Result<(Vec<Vec<usize>>, usize)> {
        let (task, settings) = (self.task, self.settings);
        let n_classes = task.classes.len();
        let n_cols = match feature_set {
            FeatureSet::Words => fold.vocabulary.char_start(),
            FeatureSet::WordsAndChars => fold.vocabulary.len(),
        };
        let drop = dropped_features(self.analysis, &fold.vocabulary, &task.name);
        let x_test = without(CsrMatrix::from_rows_truncated(test_rows, n_cols), &drop);
        let problem = Problem::new(task, &fold.train, balance, settings.seed, |p| &fold.rows[p]);
        let full_rows = balance.apply(&self.all, &task.y, n_classes, settings.seed).len();
        let x = problem.matrix(n_cols, &drop);
        let mut previous: Option<FittedWeights> = None;
        let mut predictions = Vec::with_capacity(self.grid.len());
        let mut unconverged = 0;
        for &c in &self.grid {
            let mut s = solver(settings, c, problem.y.len(), full_rows);
            s.gradient_tolerance *= settings.cv_tolerance_factor;
            let fit =
                fit_one(settings, &x, &problem, n_classes, s, previous.as_ref()).map_err(|e| {
                    Error::training(
                        &task.name,
                        format!("fold {}: the solver failed: {e}", fold.index + 1),
                        "try another --c-grid",
                    )
                })?;
            unconverged += usize::from(!fit.converged);
            predictions.push(fit.predict_sparse(&x_test));
            previous = Some(fit);
        }
        Ok((predictions, unconverged))
    }
}

/// Each candidate's mean macro-F1 over the folds, the chosen one, and its pooled report.
fn summarize(
    task: &TaskRows,
    candidates: &[(FeatureSet, Balance, f64)],
    outcomes: &[FoldOutcome],
    k: usize,
    grouped: bool,
) -> CrossValidation {
    let truth_of = |o: &FoldOutcome| o.test.iter().map(|&p| task.y[p]).collect::<Vec<_>>();
    let scored: Vec<Candidate> = candidates
        .iter()
        .enumerate()
        .map(|(i, &(feature_set, balance, c))| {
            let folds: Vec<f64> = outcomes
                .iter()
                .map(|o| {
                    ClassificationReport::new(&task.classes, &truth_of(o), &o.predictions[i])
                        .macro_f1
                })
                .collect();
            Candidate {
                features: feature_set.name().into(),
                balance: balance.name().into(),
                c,
                macro_f1: folds.iter().sum::<f64>() / k as f64,
            }
        })
        .collect();
    let chosen = best_candidate(&scored);
    let (mut truth, mut predicted, mut fold_macro_f1) = (Vec::new(), Vec::new(), Vec::new());
    for o in outcomes {
        let t = truth_of(o);
        fold_macro_f1
            .push(ClassificationReport::new(&task.classes, &t, &o.predictions[chosen]).macro_f1);
        truth.extend(t);
        predicted.extend_from_slice(&o.predictions[chosen]);
    }
    CrossValidation {
        rows: task.docs.len(),
        folds: k,
        grouped,
        candidates: scored,
        chosen,
        fold_macro_f1,
        report: ClassificationReport::new(&task.classes, &truth, &predicted),
        unconverged_fits: outcomes.iter().map(|o| o.unconverged).sum(),
    }
}
