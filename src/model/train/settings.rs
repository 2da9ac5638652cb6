//! What decides how models are trained: [`TrainSettings`] and its choices ([`FeatureSet`],
//! [`Solver`], [`Precision`]), checked once before any work, and the candidates they span.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::FeatureSettings;
use crate::model::cv::Balance;

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
pub const DEFAULT_CHAR_NGRAMS: (usize, usize) = (3, 4);

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            features: FeatureSettings {
                min_df: 3,
                max_features: None,
                ..FeatureSettings::default()
            },
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
                "use e.g. --max-iterations 1000 and --cv-tolerance-factor 10",
            ));
        }
        Ok(())
    }

    /// The grid of `C` in ascending order (each fit starts from the previous, more regularized
    /// one).
    pub(super) fn grid(&self) -> Vec<f64> {
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
    pub(super) fn candidates(&self) -> Vec<(FeatureSet, Balance, f64)> {
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
    pub(super) fn analysis_features(&self) -> FeatureSettings {
        let mut f = self.features.clone();
        f.char_ngrams = if self.uses_chars() {
            Some(f.char_ngrams.unwrap_or(DEFAULT_CHAR_NGRAMS))
        } else {
            None
        };
        f
    }
}

pub(super) fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for &i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}
