//! Training: analyze the labeled sentences once, choose each task's feature set, class
//! balancing and `C` by cross-validation, then fit every task on all its rows over one shared
//! vocabulary.
//!
//! The candidates of a task are every combination of the feature sets, balancings and values
//! of `C` in [`TrainSettings`]. Within a fold, the vocabulary and idf are fitted on the
//! training rows once; a row's word block and character block are normalized apart, so the
//! word-only rows are a prefix of the word-and-character rows, and one analysis serves both
//! feature sets. Along the `C` grid each fit starts from the previous one.

//!
//! The pieces: `settings` (what to try: [`TrainSettings`]), `rows` (a task's labeled rows and the
//! search sample), `search` (the cross-validation of every candidate), and here the shared
//! vocabulary, the final fit of each task and the solver calls.

mod rows;
mod search;
mod settings;
#[cfg(test)]
mod tests;

use rayon::prelude::*;

use crate::dataset::LabeledSet;
use crate::error::{Error, Result};
use crate::features::{
    about_marker, AnalyzedCorpus, Analyzer, FeatureSettings, SparseRow, Vocabulary, ABOUT_PREFIX,
};
use crate::model::cv::Balance;
use crate::model::fit::{fit_multinomial, FittedWeights, SolverFloat, SolverSettings};
use crate::model::sparse_fit::{balanced_weights, fit_sparse, CsrMatrix};
use crate::model::task::{CrossValidation, TaskModel, TrainingSummary};

use rows::TaskRows;
use search::cross_validate;
pub use settings::{FeatureSet, Precision, Solver, TrainSettings, DEFAULT_CHAR_NGRAMS};

/// The result of training: the shared vocabulary and one model per task.
#[derive(Debug, Clone)]
pub struct TrainedModels {
    /// Feature settings used.
    pub features: FeatureSettings,
    /// The vocabulary fitted on every labeled sentence.
    pub vocabulary: Vocabulary,
    /// One model per task, in task order.
    pub tasks: Vec<TaskModel>,
}

/// Trains every task of `set`. `progress` receives one line per step (for stderr).
pub fn train(
    set: &LabeledSet,
    settings: &TrainSettings,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<TrainedModels> {
    settings.validate()?;
    let tasks: Vec<TaskRows> =
        (0..set.tasks.len()).map(|t| TaskRows::new(set, t)).collect::<Result<_>>()?;
    let settings = &with_memory_cap(settings, &tasks, progress);
    progress(&format!("analyzing {} sentences", set.texts.len()));
    let analysis = settings.analysis_features();
    let analyzer = Analyzer::new(analysis.clone());
    let corpus = AnalyzedCorpus::analyze(&analyzer, set.texts.iter().map(String::as_str));
    let groups = group_ids(set);
    let (mut vocabulary, rows) = shared_vocabulary(set, &corpus, &analysis)?;
    check_solver_memory(settings, &tasks, vocabulary.len())?;

    // Each task is cross-validated (all tasks, folds and candidate paths on the pool at once),
    // then fitted on all its rows as soon as its candidate is chosen.
    let shared = Shared {
        corpus: &corpus,
        analysis: &analysis,
        vocabulary: &vocabulary,
        rows: &rows,
        groups: &groups,
        settings,
        progress,
    };
    let mut models: Vec<TaskModel> =
        tasks.par_iter().map(|task| train_task(task, &shared)).collect::<Result<_>>()?;

    let features = drop_unread_chars(analysis, &mut vocabulary, &mut models);
    progress(&format!(
        "vocabulary: {} features ({} character n-grams), of {} distinct terms",
        vocabulary.len(),
        vocabulary.len() - vocabulary.char_start(),
        corpus.term_names.len()
    ));
    Ok(TrainedModels { features, vocabulary, tasks: models })
}

/// L-BFGS history kept by the sparse solver (pairs of parameter-sized vectors).
const LBFGS_HISTORY: u64 = 10;

/// Refuses, before any fit, a run whose solver state cannot fit in `settings.max_memory`: one
/// fit holds about 2 x history + 6 vectors of features x classes weights (8 bytes each), and as
/// many fits run at once as there are threads (at most folds x tasks). Many classes (e.g.
/// thousands of one-row classes) on a large vocabulary would otherwise end in an allocation
/// failure deep in the solver.
fn check_solver_memory(
    settings: &TrainSettings,
    tasks: &[TaskRows],
    features: usize,
) -> Result<()> {
    let Some(budget) = settings.max_memory else { return Ok(()) };
    let Some(task) = tasks.iter().max_by_key(|t| t.classes.len()) else { return Ok(()) };
    let folds = if settings.folds >= 2 { settings.folds } else { 1 };
    let concurrent = rayon::current_num_threads().clamp(1, (folds * tasks.len()).max(1)) as u64;
    let per_fit = (features as u64)
        .saturating_mul(task.classes.len() as u64)
        .saturating_mul(8 * (2 * LBFGS_HISTORY + 6));
    let estimate = per_fit.saturating_mul(concurrent);
    if estimate > budget {
        return Err(Error::training(
            &task.name,
            format!(
                "{} classes x {features} features need about {} MB of solver state per fit, {} MB for {concurrent} fits at once: more than --max-memory {} MB",
                task.classes.len(),
                per_fit >> 20,
                estimate >> 20,
                budget >> 20
            ),
            "merge or drop rare classes (a class with one row teaches little), lower --max-features or --threads, or raise --max-memory",
        ));
    }
    Ok(())
}

/// What every task's search and final fit read.
struct Shared<'a> {
    corpus: &'a AnalyzedCorpus,
    /// The settings the corpus was analyzed with.
    analysis: &'a FeatureSettings,
    /// The final vocabulary, on every sentence.
    vocabulary: &'a Vocabulary,
    /// Every sentence's row on `vocabulary`.
    rows: &'a [SparseRow],
    /// Group id per sentence ([`group_ids`]).
    groups: &'a [usize],
    settings: &'a TrainSettings,
    progress: &'a (dyn Fn(&str) + Sync),
}

/// The final vocabulary, on every sentence, and every sentence's row on it. Character n-grams
/// are in when the search may pick them; they are the last block, so they are dropped at the
/// end if no task reads them ([`drop_unread_chars`]).
fn shared_vocabulary(
    set: &LabeledSet,
    corpus: &AnalyzedCorpus,
    analysis: &FeatureSettings,
) -> Result<(Vocabulary, Vec<SparseRow>)> {
    let all_docs: Vec<usize> = (0..set.texts.len()).collect();
    let (vocabulary, feature_of) = corpus.fit_vocabulary(analysis, &all_docs);
    if vocabulary.is_empty() {
        return Err(Error::training(
            &set.tasks[0],
            format!(
                "no term is left to learn from: none occurs in at least min_df = {} of the {} sentences (and at most max_df = {} of them)",
                analysis.min_df,
                set.texts.len(),
                analysis.max_df
            ),
            "lower --min-df or raise --max-df, or add labeled sentences",
        ));
    }
    let rows = all_docs
        .iter()
        .map(|&d| corpus.row(d, &vocabulary, &feature_of, analysis.sublinear_tf))
        .collect();
    Ok((vocabulary, rows))
}

/// Chooses `task`'s candidate (by cross-validation, or the single one given) and fits it on
/// all the task's rows.
fn train_task(task: &TaskRows, shared: &Shared<'_>) -> Result<TaskModel> {
    let (settings, progress) = (shared.settings, shared.progress);
    let cv = if settings.folds >= 2 { Some(search_task(task, shared)?) } else { None };
    let ((feature_set, balance, c), source) = match &cv {
        // The scored candidates are listed in the order of `settings.candidates()`.
        Some(cv) => (settings.candidates()[cv.chosen], "cross-validation"),
        None => (settings.candidates()[0], "given"),
    };
    progress(&format!(
        "[{}] final fit on {} rows: {}, balance {}, C = {c}",
        task.name,
        task.docs.len(),
        feature_set.name(),
        balance.name()
    ));
    let vocabulary = shared.vocabulary;
    let positions: Vec<usize> = (0..task.docs.len()).collect();
    let n_cols = match feature_set {
        FeatureSet::Words => vocabulary.char_start(),
        FeatureSet::WordsAndChars => vocabulary.len(),
    };
    let problem =
        Problem::new(task, &positions, balance, settings.seed, |p| &shared.rows[task.docs[p]]);
    let x = problem.matrix(n_cols, &dropped_features(shared.analysis, vocabulary, &task.name));
    let solver = solver(settings, c, problem.y.len(), problem.y.len());
    let fit = fit_one(settings, &x, &problem, task.classes.len(), solver, None).map_err(|e| {
        Error::training(
            &task.name,
            format!("the solver failed: {e}"),
            "try another --c, or fewer features (--min-df, --max-features)",
        )
    })?;
    if !fit.converged {
        progress(&format!(
            "[{}] warning: the solver stopped at {} iterations with gradient norm {:.3e} > {:.3e}; raise --max-iterations",
            task.name, settings.max_iterations, fit.gradient_norm, solver.gradient_tolerance
        ));
    }
    let summary = Summary { feature_set, balance, c, source, solver, cv };
    Ok(task_model(task, &fit, vocabulary.len(), settings, summary))
}

/// Cross-validates `task`'s candidates on a sample of at most about `search_rows` of its rows.
fn search_task(task: &TaskRows, shared: &Shared<'_>) -> Result<CrossValidation> {
    let settings = shared.settings;
    let sample =
        task.sample(settings.search_rows, 5 * settings.folds, shared.groups, settings.seed);
    if sample.docs.len() < task.docs.len() {
        (shared.progress)(&format!(
            "[{}] choosing among the candidates on {} of its {} rows (--search-rows)",
            task.name,
            sample.docs.len(),
            task.docs.len()
        ));
    }
    let mut cv = cross_validate(
        shared.corpus,
        shared.analysis,
        &sample,
        shared.groups,
        settings,
        shared.progress,
    )?;
    cv.rows = sample.docs.len();
    Ok(cv)
}

/// Character n-grams stay in the bundle only when a task reads them (a word-only task's
/// character weights are zero, and the character block is the vocabulary's last). Returns the
/// bundle's feature settings.
fn drop_unread_chars(
    analysis: FeatureSettings,
    vocabulary: &mut Vocabulary,
    models: &mut [TaskModel],
) -> FeatureSettings {
    let mut features = analysis;
    if !models.iter().any(|m| m.training.features == FeatureSet::WordsAndChars.name()) {
        let words = vocabulary.char_start();
        vocabulary.terms.truncate(words);
        vocabulary.idf.truncate(words);
        for m in models.iter_mut() {
            m.weights.truncate(words * m.classes.len());
        }
        features.char_ngrams = None;
    }
    features
}

/// Dense group ids per row: rows sharing a group value share an id; a row without a group is
/// a group of its own.
fn group_ids(set: &LabeledSet) -> Vec<usize> {
    let mut ids = std::collections::HashMap::new();
    let mut next = 0;
    set.groups
        .iter()
        .map(|g| {
            let mut fresh = || {
                next += 1;
                next - 1
            };
            match g {
                Some(g) => *ids.entry(g.as_str()).or_insert_with(fresh),
                None => fresh(),
            }
        })
        .collect()
}

fn solver(settings: &TrainSettings, c: f64, rows: usize, final_rows: usize) -> SolverSettings {
    // alpha weighs the L2 penalty against a *summed* loss: scale it with the rows so that a C
    // chosen on (k-1)/k of the data means the same strength on all of it.
    SolverSettings {
        alpha: rows as f64 / (c * final_rows as f64),
        max_iterations: settings.max_iterations,
        gradient_tolerance: settings.tolerance_per_row * rows as f64,
    }
}

/// The training rows of one fit: rows (after oversampling, if any), classes and row weights.
struct Problem<'a> {
    rows: Vec<&'a SparseRow>,
    y: Vec<usize>,
    weights: Option<Vec<f64>>,
}

impl<'a> Problem<'a> {
    fn new(
        task: &TaskRows,
        positions: &[usize],
        balance: Balance,
        seed: u64,
        row: impl Fn(usize) -> &'a SparseRow,
    ) -> Self {
        let balanced = balance.apply(positions, &task.y, task.classes.len(), seed);
        let y: Vec<usize> = balanced.iter().map(|&p| task.y[p]).collect();
        let weights =
            (balance == Balance::Weighted).then(|| balanced_weights(&y, task.classes.len()));
        Problem { rows: balanced.iter().map(|&p| row(p)).collect(), y, weights }
    }

    /// The rows restricted to the first `n_cols` features (the word block, or all), without
    /// the features `drop` (ascending; see [`dropped_features`]).
    pub(super) fn matrix(&self, n_cols: usize, drop: &[u32]) -> CsrMatrix {
        without(CsrMatrix::from_rows_truncated(&self.rows, n_cols), drop)
    }
}

/// One fit with the configured solver.
fn fit_one(
    settings: &TrainSettings,
    x: &CsrMatrix,
    problem: &Problem<'_>,
    n_classes: usize,
    solver: SolverSettings,
    warm_start: Option<&FittedWeights>,
) -> std::result::Result<FittedWeights, String> {
    match settings.solver {
        Solver::Sparse => {
            fit_sparse(x, &problem.y, n_classes, problem.weights.as_deref(), solver, warm_start)
        }
        Solver::Dense => match settings.precision {
            Precision::F32 => dense_fit::<f32>(x, &problem.y, n_classes, solver, warm_start),
            Precision::F64 => dense_fit::<f64>(x, &problem.y, n_classes, solver, warm_start),
        },
    }
}

fn dense_fit<F: SolverFloat>(
    x: &CsrMatrix,
    y: &[usize],
    n_classes: usize,
    solver: SolverSettings,
    warm_start: Option<&FittedWeights>,
) -> std::result::Result<FittedWeights, String> {
    fit_multinomial(&x.to_dense_as::<F>(), y, n_classes, solver, warm_start)
}

/// Dense solver only: `settings` with `max_features` lowered, if needed, so that the dense
/// matrices alive at once fit in `max_memory`: one per concurrent cross-validation fold (each
/// on (k-1)/k of the balanced rows), or the final fit's (all balanced rows of the largest task).
fn with_memory_cap(
    settings: &TrainSettings,
    tasks: &[TaskRows],
    progress: &(dyn Fn(&str) + Sync),
) -> TrainSettings {
    let mut settings = settings.clone();
    let Some(budget) = settings.max_memory.filter(|_| settings.solver == Solver::Dense) else {
        return settings;
    };
    let rows = tasks
        .iter()
        .flat_map(|t| {
            let all: Vec<usize> = (0..t.y.len()).collect();
            let seed = settings.seed;
            settings.balances.iter().map(move |b| b.apply(&all, &t.y, t.classes.len(), seed).len())
        })
        .max()
        .unwrap_or(0)
        .max(1) as u64;
    let k = if settings.folds >= 2 { settings.folds } else { 1 };
    let concurrent = rayon::current_num_threads().clamp(1, k.max(tasks.len()));
    let concurrent_rows = concurrent as u64 * rows;
    let cap = (budget / (concurrent_rows * settings.precision.bytes())).max(1) as usize;
    if settings.features.max_features.is_none_or(|m| m > cap) {
        progress(&format!(
            "max features capped at {cap} so that {concurrent_rows} dense rows of {} bytes per cell fit in {} MB (--max-memory)",
            settings.precision.bytes(),
            budget >> 20
        ));
        settings.features.max_features = Some(cap);
    }
    settings
}

/// How a task's final model was chosen and fitted.
struct Summary {
    feature_set: FeatureSet,
    balance: Balance,
    c: f64,
    source: &'static str,
    solver: SolverSettings,
    cv: Option<CrossValidation>,
}

fn task_model(
    task: &TaskRows,
    fit: &FittedWeights,
    n_features: usize,
    settings: &TrainSettings,
    summary: Summary,
) -> TaskModel {
    // A word-only fit covers the word block: the character features get zero weights.
    let k = task.classes.len();
    let mut weights: Vec<f64> = fit.weights.as_standard_layout().iter().copied().collect();
    weights.resize(n_features * k, 0.0);
    TaskModel {
        name: task.name.clone(),
        classes: task.classes.clone(),
        weights,
        intercept: fit.intercept.to_vec(),
        training: TrainingSummary {
            rows: task.docs.len(),
            class_counts: task.class_counts(),
            c: summary.c,
            c_source: summary.source.into(),
            balance: summary.balance.name().into(),
            features: summary.feature_set.name().into(),
            solver: settings.solver.name().into(),
            converged: fit.converged,
            iterations: fit.iterations,
            gradient_norm: fit.gradient_norm,
            gradient_tolerance: summary.solver.gradient_tolerance,
            cv: summary.cv,
        },
    }
}

/// `x` without the entries of column `drop`.
pub(super) fn without(mut x: CsrMatrix, drop: &[u32]) -> CsrMatrix {
    if drop.is_empty() {
        return x;
    }
    let mut kept = 0;
    let mut start = 0;
    for r in 0..x.indptr.len() - 1 {
        let end = x.indptr[r + 1];
        for k in start..end {
            if drop.binary_search(&x.indices[k]).is_err() {
                x.indices[kept] = x.indices[k];
                x.values[kept] = x.values[k];
                kept += 1;
            }
        }
        start = end;
        x.indptr[r + 1] = kept;
    }
    x.indices.truncate(kept);
    x.values.truncate(kept);
    x
}

/// The features a task does not learn from, in ascending order. A stance task (named like an
/// actor) leaves out its own actor's placeholder (the unigram `actor:NAME`): naming an actor is
/// not taking a stance toward it; the n-grams around the name (`actor:russia vetoed`) stay. It
/// also leaves out the "about" features of other actors (`about:OTHER word`), and a task that
/// is no actor's leaves out every "about" feature: they are there for the stance toward the
/// actor they are about.
pub(super) fn dropped_features(
    analysis: &FeatureSettings,
    vocabulary: &Vocabulary,
    task: &str,
) -> Vec<u32> {
    let words = &vocabulary.terms[..vocabulary.char_start()];
    let actor = analysis.actors.iter().find(|a| a.name == task);
    let own_about = actor.map(|a| format!("{} ", about_marker(&a.name)));
    let mut drop = Vec::new();
    if let Some(i) = actor.and_then(|a| words.binary_search(&a.placeholder()).ok()) {
        drop.push(i as u32);
    }
    if analysis.about_features {
        for (i, term) in words.iter().enumerate() {
            let about = term.starts_with(ABOUT_PREFIX);
            if about && !own_about.as_ref().is_some_and(|own| term.starts_with(own.as_str())) {
                drop.push(i as u32);
            }
        }
    }
    drop.sort_unstable();
    drop
}
