//! # newsstance
//!
//! Sentence-level stance and sentiment for news articles. An article is split into sentences,
//! each sentence is tokenized and stemmed, turned into a TF-IDF row, and scored by one
//! multinomial logistic regression per task (for example stance toward an actor, or tone).
//!
//! The pipeline, stage by stage:
//!
//! 1. **text**: [`SentenceSplitter`] finds sentences (with byte offsets) and flags page
//!    furniture; [`Tokenizer`] lowercases and normalizes words; [`Stemmer`] applies Snowball.
//! 2. **features**: [`AnalyzedCorpus`] fits a [`Vocabulary`] (word and character n-grams,
//!    `min_df`, `max_df`, `max_features`, smoothed idf); [`FeatureIndex`] turns text into an
//!    L2-normalized [`SparseRow`].
//! 3. **model**: [`train()`] cross-validates and fits each task with linfa-logistic;
//!    [`Scorer`] applies the weights of every task to sparse rows in one pass.
//! 4. **io**: [`LabeledSet`] reads labeled CSVs, [`InputReader`] streams articles,
//!    [`RecordWriter`] writes JSONL or CSV, [`ModelBundle`] saves and loads models.
//!    [`Predictor`] ties them together for batch scoring in parallel.
//!
//! The front door is [`Model`]: load a bundle (or train one from a labeled CSV) and score text.
//!
//! ```
//! let model = newsstance::Model::load("models/default")?;
//! for sentence in model.predict("Obama met Putin at the U.N. on Monday. They disagreed on Syria.") {
//!     let stance = sentence.task("russia").expect("a task of the shipped model");
//!     println!("{}: {} {:?}", sentence.text, stance.label, stance.probabilities);
//! }
//! # Ok::<(), newsstance::Error>(())
//! ```
//!
//! The stages can be used one by one as well:
//!
//! ```
//! use newsstance::{SentenceSplitter, Tokenizer};
//! let text = "Obama met Putin at the U.N. on Monday. They disagreed on Syria.";
//! let spans = SentenceSplitter::new().split(text);
//! assert_eq!(spans.len(), 2);
//! assert_eq!(spans[1].text(text), "They disagreed on Syria.");
//! assert_eq!(Tokenizer::new().tokens(spans[1].text(text)), ["they", "disagreed", "on", "syria"]);
//! ```
#![deny(missing_docs)]

mod api;
mod error;
mod features;
mod io;
mod model;
mod predict;
mod text;

pub use api::{Model, ScoredSentence, TaskPrediction};
pub use error::{Error, ErrorKind, Location, Result};
pub use features::{
    AnalyzedCorpus, Analyzer, AnalyzerScratch, FeatureIndex, FeatureSettings, SparseRow, Term,
    VectorizerScratch, Vocabulary, CHAR_TERM_PREFIX,
};
pub use io::{
    json_string, sha256_hex, InputFormat, InputReader, InputSource, Item, JsonLines,
    LabeledCsvOptions, LabeledSet, ModelBundle, OutputFormat, OutputUnit, Provenance, RawItem,
    Record, RecordWriter, Skip, SourceFile, Unit, DEFAULT_META_COLUMNS, FORMAT_VERSION, MODEL_FILE,
};
pub use model::{
    argmax, balanced_weights, dense, dense_as, fit_multinomial, fit_sparse, softmax,
    stratified_folds, stratified_group_folds, train, Balance, Candidate, ClassScores,
    ClassificationReport, CrossValidation, CsrMatrix, FeatureSet, FittedWeights, LinfaFit,
    Precision, ScoreScratch, Scorer, Solver, SolverFloat, SolverSettings, SplitMix64, TaskHead,
    TaskModel, TrainSettings, TrainedModels, TrainingSummary, DEFAULT_CHAR_NGRAMS,
};
pub use predict::{
    default_threads, PredictSettings, PredictStats, Predictor, BATCH_BYTES, BATCH_RECORDS,
};
pub use text::{
    Actor, ActorAlias, Language, Mention, MentionFinder, SentenceSpan, SentenceSplitter, SpanKind,
    StemCache, Stemmer, Tokenizer, NUMBER_TOKEN,
};
