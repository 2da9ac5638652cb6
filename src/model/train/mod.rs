//! Training: analyze the labeled sentences once, choose each task's feature set, class
//! balancing and `C` by cross-validation, then fit every task on all its rows over one shared
//! vocabulary.
//!
//! The candidates of a task are every combination of the feature sets, balancings and values
//! of `C` in [`TrainSettings`]. Within a fold, the vocabulary and idf are fitted on the
//! training rows once; a row's word block and character block are normalized apart, so the
//! word-only rows are a prefix of the word-and-character rows, and one analysis serves both
//! feature sets. Along the `C` grid each fit starts from the previous one.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dataset::LabeledSet;
use crate::error::{Error, Result};
use crate::features::{AnalyzedCorpus, Analyzer, FeatureSettings, SparseRow, Vocabulary};
use crate::model::cv::{stratified_folds, stratified_group_folds, Balance};
use crate::model::fit::{fit_multinomial, FittedWeights, SolverFloat, SolverSettings};
use crate::model::metrics::ClassificationReport;
use crate::model::sparse_fit::{balanced_weights, fit_sparse, CsrMatrix};
use crate::model::task::{Candidate, CrossValidation, TaskModel, TrainingSummary};

/// Which features a task's model reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum FeatureSet {
    /// Word n-grams of stems only.
    #[serde(rename = "words")]
    #[cfg_attr(feature = "cli", value(name = "words"))]
    Words,
    /// Word n-grams plus character n-grams within words, each block normalized on its own.
    #[serde(rename = "words+chars")]
    #[cfg_attr(feature = "cli", value(name = "words+chars"))]
    WordsAndChars,
}

impl FeatureSet {
    /// The name used in reports, flags and the bundle.
    pub fn name(self) -> &'static str {
        match self {
            FeatureSet::Words => "words",
            FeatureSet::WordsAndChars => "words+chars",
        }
    }
}

/// The solver that fits each model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Solver {
    /// linfa-logistic's objective and L-BFGS on sparse rows: time in proportion to the
    /// non-zeros; supports class weights.
    #[default]
    Sparse,
    /// linfa-logistic itself, on a dense rows x features matrix (the reference).
    Dense,
}

impl Solver {
    /// The name used in reports and the bundle.
    pub fn name(self) -> &'static str {
        match self {
            Solver::Sparse => "sparse",
            Solver::Dense => "dense",
        }
    }
}

/// Everything that decides how models are trained.
#[derive(Debug, Clone)]
pub struct TrainSettings {
    /// How sentences become features. `char_ngrams` is the range of character n-grams used by
    /// the [`FeatureSet::WordsAndChars`] candidates (`None`: (2, 5)).
    pub features: FeatureSettings,
    /// Feature sets tried by cross-validation.
    pub feature_sets: Vec<FeatureSet>,
    /// Class balancings tried by cross-validation.
    pub balances: Vec<Balance>,
    /// Cross-validation folds; below 2 skips cross-validation (then a single candidate must
    /// be given).
    pub folds: usize,
    /// Values of `C` (inverse regularization) tried by cross-validation.
    pub c_grid: Vec<f64>,
    /// A fixed `C` instead of the grid.
    pub c: Option<f64>,
    /// The solver.
    pub solver: Solver,
    /// L-BFGS iteration limit.
    pub max_iterations: u64,
    /// Gradient tolerance per training row (the absolute tolerance is this times the rows).
    pub tolerance_per_row: f64,
    /// Cross-validation fits stop at this many times the final fit's tolerance: choosing among
    /// candidates needs their predictions, not their last digits (on labels/, 10 moved no
    /// candidate's mean macro-F1 by more than 0.003 and took 40% less time).
    pub cv_tolerance_factor: f64,
    /// Cross-validation runs on at most about this many of a task's rows (whole groups, drawn
    /// at random with the seed); the chosen candidate is then fitted on all of them.
    pub search_rows: usize,
    /// Seed of fold assignment and oversampling.
    pub seed: u64,
    /// Float type of the dense matrices of the dense solver.
    pub precision: Precision,
    /// Dense solver only: memory budget in bytes for the dense training matrices alive at
    /// once. When the features allowed by `features.max_features` would not fit, fewer (the
    /// most frequent) are kept.
    pub max_memory: Option<u64>,
}

/// Float type of the dense training matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Precision {
    /// 4 bytes per cell: half the memory and memory traffic of `f64`.
    F32,
    /// 8 bytes per cell.
    #[default]
    F64,
}

impl Precision {
    /// Bytes per matrix cell.
    pub fn bytes(self) -> u64 {
        match self {
            Precision::F32 => 4,
            Precision::F64 => 8,
        }
    }
}

/// Character n-gram sizes of the word-and-character candidates when none are given.
pub const DEFAULT_CHAR_NGRAMS: (usize, usize) = (2, 4);

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            features: FeatureSettings { max_features: None, ..FeatureSettings::default() },
            feature_sets: vec![FeatureSet::Words, FeatureSet::WordsAndChars],
            balances: vec![Balance::None, Balance::Weighted],
            folds: 5,
            c_grid: vec![0.3, 1.0, 3.0, 10.0, 30.0],
            c: None,
            solver: Solver::Sparse,
            max_iterations: 1000,
            tolerance_per_row: 1e-4,
            cv_tolerance_factor: 10.0,
            search_rows: 10_000,
            seed: 42,
            precision: Precision::F64,
            max_memory: None,
        }
    }
}

impl TrainSettings {
    /// Checks the settings once, before any work.
    pub fn validate(&self) -> Result<()> {
        self.features.validate()?;
        let bad_c = |c: f64| !(c.is_finite() && c > 0.0);
        if self.c.is_some_and(bad_c) || self.c_grid.iter().copied().any(bad_c) {
            return Err(Error::setting(
                "C must be a positive number",
                "e.g. --c 1 or --c-grid 0.3,1,3,10",
            ));
        }
        if self.c.is_none() && self.c_grid.is_empty() {
            return Err(Error::setting("no C to try", "give --c VALUE or a non-empty --c-grid"));
        }
        if self.feature_sets.is_empty() || self.balances.is_empty() {
            return Err(Error::setting(
                "no feature set or no balancing to try",
                "give at least one --feature-set and one --balance",
            ));
        }
        if self.folds < 2 && self.candidates().len() > 1 {
            return Err(Error::setting(
                format!(
                    "without cross-validation (--cv below 2) there is nothing to choose among the {} candidates by",
                    self.candidates().len()
                ),
                "fix one of each: --c VALUE --balance weighted --feature-set words; or use --cv 5",
            ));
        }
        if self.solver == Solver::Dense && self.balances.contains(&Balance::Weighted) {
            return Err(Error::setting(
                "the dense solver (linfa-logistic) takes no row weights, so it cannot balance by weighting",
                "use --balance none or --balance oversample with --solver dense, or the sparse solver",
            ));
        }
        if self.search_rows == 0 {
            return Err(Error::setting(
                "--search-rows is 0",
                "give the number of rows to choose the candidate on, e.g. 10000",
            ));
        }
        if self.max_iterations == 0
            || self.tolerance_per_row.is_nan()
            || self.tolerance_per_row <= 0.0
            || self.cv_tolerance_factor.is_nan()
            || self.cv_tolerance_factor <= 0.0
        {
            return Err(Error::setting(
                "solver limits must be positive",
                "use e.g. --max-iterations 1000",
            ));
        }
        Ok(())
    }

    /// The grid of `C` in ascending order (each fit starts from the previous, more regularized
    /// one).
    fn grid(&self) -> Vec<f64> {
        let mut grid = match self.c {
            Some(c) => vec![c],
            None => self.c_grid.clone(),
        };
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        grid
    }

    /// Every candidate, in the order in which ties are resolved (the first wins): feature
    /// sets as given, balancings as given, then ascending `C`.
    fn candidates(&self) -> Vec<(FeatureSet, Balance, f64)> {
        let mut out = Vec::new();
        for &f in &dedup(&self.feature_sets) {
            for &b in &dedup(&self.balances) {
                for &c in &self.grid() {
                    out.push((f, b, c));
                }
            }
        }
        out
    }

    fn uses_chars(&self) -> bool {
        self.feature_sets.contains(&FeatureSet::WordsAndChars)
    }

    /// The feature settings the corpus is analyzed with: character n-grams on when any
    /// candidate reads them.
    fn analysis_features(&self) -> FeatureSettings {
        let mut f = self.features.clone();
        f.char_ngrams = if self.uses_chars() {
            Some(f.char_ngrams.unwrap_or(DEFAULT_CHAR_NGRAMS))
        } else {
            None
        };
        f
    }
}

fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for &i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

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

/// A task's labeled rows as class indices.
struct TaskRows {
    name: String,
    classes: Vec<String>,
    /// Indices into the corpus documents.
    docs: Vec<usize>,
    /// Class index per entry of `docs`.
    y: Vec<usize>,
}

impl TaskRows {
    fn new(set: &LabeledSet, t: usize) -> Result<Self> {
        let name = set.tasks[t].clone();
        let labeled = set.labeled_rows(t);
        if labeled.is_empty() {
            return Err(Error::training(
                &name,
                "every cell of this column is blank",
                "label some rows, or leave the task out with --task",
            ));
        }
        let mut classes: Vec<String> = labeled.iter().map(|(_, l)| l.to_string()).collect();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            return Err(Error::training(
                &name,
                format!("only one class ('{}') in {} labeled rows", classes[0], labeled.len()),
                "a classifier needs at least two classes: label rows of another class, or leave the task out",
            ));
        }
        let docs = labeled.iter().map(|(i, _)| *i).collect();
        let y = labeled
            .iter()
            .map(|(_, l)| classes.binary_search_by(|c| c.as_str().cmp(l)).expect("class listed"))
            .collect();
        Ok(TaskRows { name, classes, docs, y })
    }

    fn class_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.classes.len()];
        self.y.iter().for_each(|&c| counts[c] += 1);
        counts
    }

    /// At most about `max_rows` of this task's rows, whole groups at a time in a seeded random
    /// order (a group that would overshoot is still taken whole); all rows when they fit. A
    /// class left with fewer than `min_per_class` rows (or all of its rows, if it has fewer)
    /// gets more of the groups that hold it, so that every fold can see it.
    fn sample(
        &self,
        max_rows: usize,
        min_per_class: usize,
        groups: &[usize],
        seed: u64,
    ) -> TaskRows {
        if self.docs.len() <= max_rows {
            return TaskRows { docs: self.docs.clone(), y: self.y.clone(), ..self.clone_head() };
        }
        let mut members: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (p, &d) in self.docs.iter().enumerate() {
            members.entry(groups[d]).or_default().push(p);
        }
        let mut order: Vec<&Vec<usize>> = members.values().collect();
        crate::model::cv::SplitMix64::new(seed).shuffle(&mut order);
        let mut taken: Vec<usize> = Vec::with_capacity(max_rows);
        let mut used = vec![false; order.len()];
        for (g, group) in order.iter().enumerate() {
            if taken.len() >= max_rows {
                break;
            }
            taken.extend(group.iter());
            used[g] = true;
        }
        let total = self.class_counts();
        for (class, &count) in total.iter().enumerate() {
            let want = min_per_class.min(count as usize);
            let mut have = taken.iter().filter(|&&p| self.y[p] == class).count();
            for (g, group) in order.iter().enumerate() {
                if have >= want {
                    break;
                }
                if !used[g] && group.iter().any(|&p| self.y[p] == class) {
                    have += group.iter().filter(|&&p| self.y[p] == class).count();
                    taken.extend(group.iter());
                    used[g] = true;
                }
            }
        }
        taken.sort_unstable();
        TaskRows {
            docs: taken.iter().map(|&p| self.docs[p]).collect(),
            y: taken.iter().map(|&p| self.y[p]).collect(),
            ..self.clone_head()
        }
    }

    fn clone_head(&self) -> TaskRows {
        TaskRows {
            name: self.name.clone(),
            classes: self.classes.clone(),
            docs: Vec::new(),
            y: Vec::new(),
        }
    }
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

    // The final vocabulary, on every sentence, with character n-grams when the search may pick
    // them; they are the last block, so they are dropped at the end if no task reads them.
    let all_docs: Vec<usize> = (0..set.texts.len()).collect();
    let (mut vocabulary, feature_of) = corpus.fit_vocabulary(&analysis, &all_docs);
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
    let rows: Vec<SparseRow> = all_docs
        .iter()
        .map(|&d| corpus.row(d, &vocabulary, &feature_of, analysis.sublinear_tf))
        .collect();

    // Each task is cross-validated (all tasks, folds and candidate paths on the pool at once),
    // then fitted on all its rows as soon as its candidate is chosen.
    let mut models: Vec<TaskModel> = tasks
        .par_iter()
        .map(|task| {
            let cv = if settings.folds >= 2 {
                let sample =
                    task.sample(settings.search_rows, 5 * settings.folds, &groups, settings.seed);
                if sample.docs.len() < task.docs.len() {
                    progress(&format!(
                        "[{}] choosing among the candidates on {} of its {} rows (--search-rows)",
                        task.name,
                        sample.docs.len(),
                        task.docs.len()
                    ));
                }
                let mut cv =
                    cross_validate(&corpus, &analysis, &sample, &groups, settings, progress)?;
                cv.rows = sample.docs.len();
                Some(cv)
            } else {
                None
            };
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
            let positions: Vec<usize> = (0..task.docs.len()).collect();
            let n_cols = match feature_set {
                FeatureSet::Words => vocabulary.char_start(),
                FeatureSet::WordsAndChars => vocabulary.len(),
            };
            let problem = Problem::new(task, &positions, balance, settings.seed, |p| {
                &rows[task.docs[p]]
            });
            let x = problem.matrix(n_cols);
            let solver = solver(settings, c, problem.y.len(), problem.y.len());
            let fit = fit_one(settings, &x, &problem, task.classes.len(), solver, None)
                .map_err(|e| {
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
        })
        .collect::<Result<_>>()?;

    // Character n-grams stay in the bundle only when a task reads them (a word-only task's
    // character weights are zero, and the character block is the vocabulary's last).
    let mut features = analysis;
    if !models.iter().any(|m| m.training.features == FeatureSet::WordsAndChars.name()) {
        let words = vocabulary.char_start();
        vocabulary.terms.truncate(words);
        vocabulary.idf.truncate(words);
        for m in &mut models {
            m.weights.truncate(words * m.classes.len());
        }
        features.char_ngrams = None;
    }
    progress(&format!(
        "vocabulary: {} features ({} character n-grams), of {} distinct terms",
        vocabulary.len(),
        vocabulary.len() - vocabulary.char_start(),
        corpus.term_names.len()
    ));
    Ok(TrainedModels { features, vocabulary, tasks: models })
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

    /// The rows restricted to the first `n_cols` features (the word block, or all).
    fn matrix(&self, n_cols: usize) -> CsrMatrix {
        CsrMatrix::from_rows_truncated(&self.rows, n_cols)
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

/// The candidate with the highest mean macro-F1; on a tie the first (simpler features, the
/// balancing given first, smaller C).
fn best_candidate(candidates: &[Candidate]) -> usize {
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

fn cross_validate(
    corpus: &AnalyzedCorpus,
    analysis: &FeatureSettings,
    task: &TaskRows,
    groups: &[usize],
    settings: &TrainSettings,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<CrossValidation> {
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
    let candidates = settings.candidates();
    let grid = settings.grid();
    progress(&format!(
        "[{}] {k}-fold cross-validation{} of {} candidates on {} rows",
        task.name,
        if grouped { " by group" } else { "" },
        candidates.len(),
        task.docs.len()
    ));
    let all: Vec<usize> = (0..task.y.len()).collect();
    let outcomes: Vec<FoldOutcome> = (0..k)
        .into_par_iter()
        .map(|f| {
            let train: Vec<usize> = all.iter().copied().filter(|&p| folds[p] != f).collect();
            let test: Vec<usize> = all.iter().copied().filter(|&p| folds[p] == f).collect();
            // The vocabulary and idf come from the training folds only, as they would in use.
            let train_docs: Vec<usize> = train.iter().map(|&p| task.docs[p]).collect();
            let (vocabulary, feature_of) = corpus.fit_vocabulary(analysis, &train_docs);
            let rows: Vec<SparseRow> = all
                .iter()
                .map(|&p| corpus.row(task.docs[p], &vocabulary, &feature_of, analysis.sublinear_tf))
                .collect();
            let test_rows: Vec<&SparseRow> = test.iter().map(|&p| &rows[p]).collect();
            // One path per feature set and balancing, in candidate order, run in parallel;
            // along a path, C ascends and each fit starts from the previous one.
            let paths: Vec<(FeatureSet, Balance)> = dedup(&settings.feature_sets)
                .into_iter()
                .flat_map(|f| dedup(&settings.balances).into_iter().map(move |b| (f, b)))
                .collect();
            let fitted: Vec<(Vec<Vec<usize>>, usize)> = paths
                .par_iter()
                .map(|&(feature_set, balance)| {
                    let n_cols = match feature_set {
                        FeatureSet::Words => vocabulary.char_start(),
                        FeatureSet::WordsAndChars => vocabulary.len(),
                    };
                    let x_test = CsrMatrix::from_rows_truncated(&test_rows, n_cols);
                    let problem = Problem::new(task, &train, balance, settings.seed, |p| &rows[p]);
                    let full_rows = balance.apply(&all, &task.y, n_classes, settings.seed).len();
                    let x = problem.matrix(n_cols);
                    let mut previous: Option<FittedWeights> = None;
                    let mut predictions = Vec::with_capacity(grid.len());
                    let mut unconverged = 0;
                    for &c in &grid {
                        let mut s = solver(settings, c, problem.y.len(), full_rows);
                        s.gradient_tolerance *= settings.cv_tolerance_factor;
                        let fit = fit_one(settings, &x, &problem, n_classes, s, previous.as_ref())
                            .map_err(|e| {
                                Error::training(
                                    &task.name,
                                    format!("fold {}: the solver failed: {e}", f + 1),
                                    "try another --c-grid",
                                )
                            })?;
                        unconverged += usize::from(!fit.converged);
                        predictions.push(fit.predict_sparse(&x_test));
                        previous = Some(fit);
                    }
                    Ok((predictions, unconverged))
                })
                .collect::<Result<_>>()?;
            let unconverged = fitted.iter().map(|(_, u)| u).sum();
            let predictions = fitted.into_iter().flat_map(|(p, _)| p).collect();
            progress(&format!("[{}] fold {}/{} done", task.name, f + 1, k));
            Ok(FoldOutcome { test, predictions, unconverged })
        })
        .collect::<Result<_>>()?;

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
    for o in &outcomes {
        let t = truth_of(o);
        fold_macro_f1
            .push(ClassificationReport::new(&task.classes, &t, &o.predictions[chosen]).macro_f1);
        truth.extend(t);
        predicted.extend_from_slice(&o.predictions[chosen]);
    }
    let cv = CrossValidation {
        rows: task.docs.len(),
        folds: k,
        grouped,
        candidates: scored,
        chosen,
        fold_macro_f1,
        report: ClassificationReport::new(&task.classes, &truth, &predicted),
        unconverged_fits: outcomes.iter().map(|o| o.unconverged).sum(),
    };
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
