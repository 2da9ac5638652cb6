//! Models: one multinomial logistic regression per task, fitted with linfa-logistic's objective
//! and applied to sparse rows directly.
//!
//! * [`train()`] cross-validates each task's candidates (feature set x balancing x `C`) and fits
//!   the chosen one on all its rows ([`TrainSettings`], [`TrainedModels`]).
//! * [`Scorer`] applies the weights of every task to a text in one pass ([`TaskModel`],
//!   [`TaskHead`], [`ScoreScratch`]).
//! * [`Scorer::explain`] tells which words of a sentence pushed each predicted class
//!   ([`Explanation`]); [`top_features`] lists a class's largest weights.
//! * [`evaluate()`] scores a labeled set and compares with its labels ([`Evaluation`]).
//! * [`ModelBundle`] saves and loads a trained model (`DIR/model.nsm`) with its [`Provenance`].
//!
//! The solvers themselves (sparse L-BFGS, the dense linfa reference) and the fold assignment
//! are internal.

mod bundle;
mod cv;
mod evaluate;
mod explain;
mod fit;
mod metrics;
mod sparse_fit;
mod task;
mod train;

pub use bundle::{ModelBundle, Provenance, FORMAT_VERSION, MODEL_FILE};
pub use cv::Balance;
pub(crate) use cv::SplitMix64;
pub use evaluate::{evaluate, Evaluation, GroupEvaluation, TaskEvaluation, SMALL_SUPPORT};
pub use explain::{readable_term, surface_forms, top_features, Explanation, TermWeight};
pub use fit::dense;
pub use metrics::{ClassScores, ClassificationReport};
pub(crate) use sparse_fit::CsrMatrix;
pub use task::{
    argmax, Candidate, CrossValidation, ScoreScratch, Scorer, TaskHead, TaskModel, TrainingSummary,
};
pub use train::{
    train, FeatureSet, Precision, Solver, TrainSettings, TrainedModels, DEFAULT_CHAR_NGRAMS,
};
