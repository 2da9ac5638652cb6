//! Models: one multinomial logistic regression per task, fitted with linfa-logistic and
//! applied to sparse rows directly.

mod cv;
mod fit;
mod metrics;
mod sparse_fit;
mod task;
mod train;

pub use cv::{stratified_folds, stratified_group_folds, Balance, SplitMix64};
pub use fit::{
    dense, dense_as, fit_multinomial, FittedWeights, LinfaFit, SolverFloat, SolverSettings,
};
pub use metrics::{ClassScores, ClassificationReport};
pub use sparse_fit::{balanced_weights, fit_sparse, CsrMatrix};
pub use task::{
    argmax, softmax, Candidate, CrossValidation, ScoreScratch, Scorer, TaskHead, TaskModel,
    TrainingSummary,
};
pub use train::{
    train, FeatureSet, Precision, Solver, TrainSettings, TrainedModels, DEFAULT_CHAR_NGRAMS,
};
