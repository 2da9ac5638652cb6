//! Models: one multinomial logistic regression per task, fitted with linfa-logistic and
//! applied to sparse rows directly.

mod cv;
mod fit;
mod metrics;
mod task;
mod train;

pub use cv::{stratified_folds, Balance, SplitMix64};
pub use fit::{
    dense, dense_as, fit_multinomial, FittedWeights, LinfaFit, SolverFloat, SolverSettings,
};
pub use metrics::{ClassScores, ClassificationReport};
pub use task::{
    softmax, CrossValidation, ScoreScratch, Scorer, TaskHead, TaskModel, TrainingSummary,
};
pub use train::{train, Precision, TrainSettings, TrainedModels};
