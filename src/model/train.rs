//! Training: analyze the labeled sentences once, cross-validate each task over a grid of `C`,
//! then fit every task on all its rows over one shared vocabulary.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::features::{AnalyzedCorpus, Analyzer, FeatureSettings, SparseRow, Vocabulary};
use crate::io::LabeledSet;
use crate::model::cv::{stratified_folds, Balance};
use crate::model::fit::{dense_as, fit_multinomial, FittedWeights, SolverFloat, SolverSettings};
use crate::model::metrics::ClassificationReport;
use crate::model::task::{CrossValidation, TaskModel, TrainingSummary};

/// Everything that decides how models are trained.
#[derive(Debug, Clone)]
pub struct TrainSettings {
    /// How sentences become features.
    pub features: FeatureSettings,
    /// Cross-validation folds; below 2 skips cross-validation (then `c` must be given).
    pub folds: usize,
    /// Values of `C` (inverse regularization) tried by cross-validation.
    pub c_grid: Vec<f64>,
    /// A fixed `C`: no grid search (cross-validation still reports quality when `folds >= 2`).
    pub c: Option<f64>,
    /// Class balancing of training rows.
    pub balance: Balance,
    /// L-BFGS iteration limit.
    pub max_iterations: u64,
    /// Gradient tolerance per training row (the absolute tolerance is this times the rows).
    pub tolerance_per_row: f64,
    /// Seed of fold assignment and balancing.
    pub seed: u64,
    /// Float type of the dense matrices linfa-logistic fits on.
    pub precision: Precision,
    /// Memory budget in bytes for the dense training matrices alive at once (one per
    /// concurrent cross-validation fold, or the final fit's). When the features allowed by
    /// `features.max_features` would not fit, fewer (the most frequent) are kept.
    pub max_memory: Option<u64>,
}

/// Float type of the dense training matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            features: FeatureSettings::default(),
            folds: 5,
            c_grid: vec![0.3, 1.0, 3.0, 10.0, 30.0],
            c: None,
            balance: Balance::default(),
            max_iterations: 500,
            tolerance_per_row: 1e-4,
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
        if self.folds < 2 && self.c.is_none() {
            return Err(Error::setting(
                "without cross-validation (--cv below 2) there is nothing to choose C by",
                "give --c VALUE, or use --cv 5",
            ));
        }
        if self.max_iterations == 0
            || self.tolerance_per_row.is_nan()
            || self.tolerance_per_row <= 0.0
        {
            return Err(Error::setting(
                "solver limits must be positive",
                "use e.g. --max-iterations 500",
            ));
        }
        Ok(())
    }
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
    let analyzer = Analyzer::new(settings.features.clone());
    let corpus = AnalyzedCorpus::analyze(&analyzer, set.texts.iter().map(String::as_str));

    let all_docs: Vec<usize> = (0..set.texts.len()).collect();
    let (vocabulary, feature_of) = corpus.fit_vocabulary(&settings.features, &all_docs);
    if vocabulary.is_empty() {
        return Err(Error::training(
            &set.tasks[0],
            format!(
                "no term is left to learn from: none occurs in at least min_df = {} of the {} sentences (and at most max_df = {} of them)",
                settings.features.min_df,
                set.texts.len(),
                settings.features.max_df
            ),
            "lower --min-df or raise --max-df, or add labeled sentences",
        ));
    }
    progress(&format!(
        "vocabulary: {} features (of {} distinct terms)",
        vocabulary.len(),
        corpus.term_names.len()
    ));
    let rows: Vec<SparseRow> = all_docs
        .iter()
        .map(|&d| corpus.row(d, &vocabulary, &feature_of, settings.features.sublinear_tf))
        .collect();

    // Cross-validation runs task by task (its folds are parallel); the final fits, one per
    // task, then run in parallel.
    let mut chosen = Vec::with_capacity(tasks.len());
    for task in &tasks {
        let cv = if settings.folds >= 2 {
            Some(cross_validate(&corpus, task, settings, progress)?)
        } else {
            None
        };
        let (c, c_source) = match (settings.c, &cv) {
            (Some(c), _) => (c, "given"),
            (None, Some(cv)) => (best_c(cv), "cross-validation"),
            (None, None) => unreachable!("validate() requires C without cross-validation"),
        };
        chosen.push((c, c_source, cv));
    }
    let models: Vec<TaskModel> = tasks
        .par_iter()
        .zip(chosen)
        .map(|(task, (c, c_source, cv))| {
            progress(&format!("[{}] final fit on {} rows, C = {c}", task.name, task.docs.len()));
            let positions: Vec<usize> = (0..task.docs.len()).collect();
            let train =
                settings.balance.apply(&positions, &task.y, task.classes.len(), settings.seed);
            let train_rows: Vec<&SparseRow> =
                train.iter().map(|&p| &rows[task.docs[p]]).collect();
            let y: Vec<usize> = train.iter().map(|&p| task.y[p]).collect();
            let solver = solver(settings, c, y.len(), y.len());
            let n = vocabulary.len();
            let k = task.classes.len();
            let fit = match settings.precision {
                Precision::F32 => fit_staged::<f32>(&train_rows, n, &y, k, solver),
                Precision::F64 => fit_staged::<f64>(&train_rows, n, &y, k, solver),
            }
            .map_err(|e| {
                Error::training(
                    &task.name,
                    format!("the solver failed: {e}"),
                    "try another --c or fewer --max-features",
                )
            })?;
            if !fit.converged {
                progress(&format!(
                    "[{}] warning: the solver stopped at {} iterations with gradient norm {:.3e} > {:.3e}; raise --max-iterations",
                    task.name, settings.max_iterations, fit.gradient_norm, solver.gradient_tolerance
                ));
            }
            Ok(task_model(task, &fit, c, c_source, settings, solver, cv))
        })
        .collect::<Result<_>>()?;
    Ok(TrainedModels { features: settings.features.clone(), vocabulary, tasks: models })
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

/// Rows above which the final fit starts from a fit on a subsample.
const STAGED_FIT_ROWS: usize = 30_000;

/// Fits all rows. On many rows, first fits every m-th row (about 10,000 rows, with the L2
/// weight and tolerance scaled by 1/m so that the subsample's optimum approximates the full
/// one) and starts the full fit from there: the problem is convex, so the result is the same
/// optimum within the tolerance, reached in fewer passes over the large matrix.
fn fit_staged<F: SolverFloat>(
    rows: &[&SparseRow],
    n_features: usize,
    y: &[usize],
    n_classes: usize,
    solver: SolverSettings,
) -> std::result::Result<FittedWeights, String> {
    let mut start = None;
    if rows.len() > STAGED_FIT_ROWS {
        let m = rows.len() / 10_000;
        let sub_rows: Vec<&SparseRow> = rows.iter().step_by(m).copied().collect();
        let sub_y: Vec<usize> = y.iter().step_by(m).copied().collect();
        let distinct = |y: &[usize]| {
            let mut seen = vec![false; n_classes];
            y.iter().for_each(|&c| seen[c] = true);
            seen
        };
        if distinct(&sub_y) == distinct(y) {
            let scale = sub_rows.len() as f64 / rows.len() as f64;
            let sub_solver = SolverSettings {
                alpha: solver.alpha * scale,
                gradient_tolerance: solver.gradient_tolerance * scale,
                ..solver
            };
            let x = dense_as::<F>(&sub_rows, n_features);
            start = fit_multinomial(&x, &sub_y, n_classes, sub_solver, None).ok();
        }
    }
    let x = dense_as::<F>(rows, n_features);
    fit_multinomial(&x, y, n_classes, solver, start.as_ref())
}

/// Fits one fold over the grid of `C` (each fit warm-started from the previous one) and
/// predicts its test rows; returns the predictions per `C` and the number of unconverged fits.
fn grid_predictions<F: SolverFloat>(
    train_rows: &[&SparseRow],
    test_rows: &[&SparseRow],
    n_features: usize,
    y: &[usize],
    n_classes: usize,
    solvers: &[SolverSettings],
) -> std::result::Result<(Vec<Vec<usize>>, usize), String> {
    let x = dense_as::<F>(train_rows, n_features);
    let x_test = dense_as::<F>(test_rows, n_features);
    let mut predictions = Vec::with_capacity(solvers.len());
    let mut unconverged = 0;
    let mut previous: Option<FittedWeights> = None;
    for &solver in solvers {
        let fit = fit_multinomial(&x, y, n_classes, solver, previous.as_ref())?;
        unconverged += usize::from(!fit.converged);
        predictions.push(fit.predict(&x_test));
        previous = Some(fit);
    }
    Ok((predictions, unconverged))
}

/// `settings` with `max_features` lowered, if needed, so that the dense matrices alive at once
/// fit in `max_memory`: one per concurrent cross-validation fold (each on (k-1)/k of the
/// balanced rows), or the final fit's (all balanced rows of the largest task).
fn with_memory_cap(
    settings: &TrainSettings,
    tasks: &[TaskRows],
    progress: &(dyn Fn(&str) + Sync),
) -> TrainSettings {
    let mut settings = settings.clone();
    let Some(budget) = settings.max_memory else { return settings };
    let rows = tasks
        .iter()
        .map(|t| {
            let all: Vec<usize> = (0..t.y.len()).collect();
            settings.balance.apply(&all, &t.y, t.classes.len(), settings.seed).len() as u64
        })
        .max()
        .unwrap_or(0)
        .max(1);
    // Concurrent folds each hold a training matrix ((k-1)/k of the rows) and a test matrix;
    // the final fits of concurrent tasks each hold one of all the rows.
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

fn task_model(
    task: &TaskRows,
    fit: &FittedWeights,
    c: f64,
    c_source: &str,
    settings: &TrainSettings,
    solver: SolverSettings,
    cv: Option<CrossValidation>,
) -> TaskModel {
    TaskModel {
        name: task.name.clone(),
        classes: task.classes.clone(),
        weights: fit.weights.as_standard_layout().iter().copied().collect(),
        intercept: fit.intercept.to_vec(),
        training: TrainingSummary {
            rows: task.docs.len(),
            class_counts: task.class_counts(),
            c,
            c_source: c_source.into(),
            balance: settings.balance.name().into(),
            converged: fit.converged,
            gradient_norm: fit.gradient_norm,
            gradient_tolerance: solver.gradient_tolerance,
            cv,
        },
    }
}

fn best_c(cv: &CrossValidation) -> f64 {
    // Highest mean macro-F1; on a tie the smaller C (stronger regularization).
    cv.grid
        .iter()
        .fold(
            (f64::NAN, f64::NEG_INFINITY),
            |best, &(c, f1)| if f1 > best.1 + 1e-12 { (c, f1) } else { best },
        )
        .0
}

struct FoldOutcome {
    test: Vec<usize>,
    /// Predicted class per test position, per grid entry.
    predictions: Vec<Vec<usize>>,
    unconverged: usize,
}

fn cross_validate(
    corpus: &AnalyzedCorpus,
    task: &TaskRows,
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
    let mut grid: Vec<f64> = match settings.c {
        Some(c) => vec![c],
        None => settings.c_grid.clone(),
    };
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let n_classes = task.classes.len();
    let folds = stratified_folds(&task.y, n_classes, k, settings.seed);
    progress(&format!(
        "[{}] {}-fold cross-validation over C = {:?} on {} rows",
        task.name,
        k,
        grid,
        task.docs.len()
    ));
    let outcomes: Vec<FoldOutcome> = (0..k)
        .into_par_iter()
        .map(|f| {
            let train: Vec<usize> = (0..folds.len()).filter(|&p| folds[p] != f).collect();
            let test: Vec<usize> = (0..folds.len()).filter(|&p| folds[p] == f).collect();
            // The vocabulary and idf come from the training folds only, as they would in use.
            let train_docs: Vec<usize> = train.iter().map(|&p| task.docs[p]).collect();
            let (vocabulary, feature_of) = corpus.fit_vocabulary(&settings.features, &train_docs);
            let row = |p: usize| {
                corpus.row(task.docs[p], &vocabulary, &feature_of, settings.features.sublinear_tf)
            };
            let balanced = settings.balance.apply(&train, &task.y, n_classes, settings.seed);
            let train_rows: Vec<SparseRow> = balanced.iter().map(|&p| row(p)).collect();
            let test_rows: Vec<SparseRow> = test.iter().map(|&p| row(p)).collect();
            let y: Vec<usize> = balanced.iter().map(|&p| task.y[p]).collect();
            let full_rows = settings
                .balance
                .apply(&(0..task.y.len()).collect::<Vec<_>>(), &task.y, n_classes, settings.seed)
                .len();
            let solvers: Vec<SolverSettings> =
                grid.iter().map(|&c| solver(settings, c, y.len(), full_rows)).collect();
            let train_refs: Vec<&SparseRow> = train_rows.iter().collect();
            let test_refs: Vec<&SparseRow> = test_rows.iter().collect();
            let n_features = vocabulary.len();
            let (predictions, unconverged) = match settings.precision {
                Precision::F32 => grid_predictions::<f32>(
                    &train_refs,
                    &test_refs,
                    n_features,
                    &y,
                    n_classes,
                    &solvers,
                ),
                Precision::F64 => grid_predictions::<f64>(
                    &train_refs,
                    &test_refs,
                    n_features,
                    &y,
                    n_classes,
                    &solvers,
                ),
            }
            .map_err(|e| {
                Error::training(
                    &task.name,
                    format!("fold {}: the solver failed: {e}", f + 1),
                    "try another --c-grid",
                )
            })?;
            progress(&format!("[{}] fold {}/{} done", task.name, f + 1, k));
            Ok(FoldOutcome { test, predictions, unconverged })
        })
        .collect::<Result<_>>()?;

    let truth_of = |o: &FoldOutcome| o.test.iter().map(|&p| task.y[p]).collect::<Vec<_>>();
    let mut scores = Vec::with_capacity(grid.len());
    for (g, &c) in grid.iter().enumerate() {
        let mean = outcomes
            .iter()
            .map(|o| {
                ClassificationReport::new(&task.classes, &truth_of(o), &o.predictions[g]).macro_f1
            })
            .sum::<f64>()
            / k as f64;
        scores.push((c, mean));
    }
    let mut cv = CrossValidation {
        folds: k,
        grid: scores,
        fold_macro_f1: Vec::new(),
        report: ClassificationReport::new(&task.classes, &[], &[]),
        unconverged_fits: outcomes.iter().map(|o| o.unconverged).sum(),
    };
    let chosen = settings.c.unwrap_or_else(|| best_c(&cv));
    let g = grid.iter().position(|&c| c == chosen).expect("chosen from grid");
    let (mut truth, mut predicted) = (Vec::new(), Vec::new());
    for o in &outcomes {
        let t = truth_of(o);
        cv.fold_macro_f1
            .push(ClassificationReport::new(&task.classes, &t, &o.predictions[g]).macro_f1);
        truth.extend(t);
        predicted.extend_from_slice(&o.predictions[g]);
    }
    cv.report = ClassificationReport::new(&task.classes, &truth, &predicted);
    if cv.unconverged_fits > 0 {
        progress(&format!(
            "[{}] warning: {} of {} cross-validation fits stopped at the iteration limit",
            task.name,
            cv.unconverged_fits,
            k * grid.len()
        ));
    }
    Ok(cv)
}
