//! # newsstance
//!
//! Sentence-level stance and sentiment for news articles. An article is split into sentences,
//! each sentence is tokenized and stemmed, turned into a TF-IDF row, and scored by one
//! multinomial logistic regression per task (for example stance toward an actor, or tone).
//!
//! The pipeline, one public module per stage, in the order text flows through them:
//!
//! 1. [`text`]: [`SentenceSplitter`] finds sentences (with byte offsets) and names page
//!    furniture (bylines, datelines, captions, ...); [`Tokenizer`] lowercases and normalizes words; [`Stemmer`] applies Snowball.
//! 2. [`features`]: [`features::AnalyzedCorpus`] fits a [`features::Vocabulary`] (word and
//!    character n-grams, `min_df`, `max_df`, `max_features`, smoothed idf);
//!    [`features::FeatureIndex`] turns text into an L2-normalized [`features::SparseRow`].
//! 3. [`dataset`]: [`LabeledSet`] reads labeled CSVs (one column per task).
//! 4. [`model`]: [`model::train()`] cross-validates and fits each task with linfa-logistic's
//!    objective; [`Scorer`] applies the weights of every task to sparse rows in one pass;
//!    [`ModelBundle`] saves and loads models.
//! 5. [`predict`]: [`InputReader`] streams articles, [`Predictor`] splits and scores them in
//!    parallel batches, [`RecordWriter`] writes JSONL or CSV.
//!
//! Dependencies flow one way: `text` <- `features` <- `model` (which reads `dataset`) <-
//! `predict`.
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
pub mod dataset;
mod error;
pub mod features;
pub mod model;
pub mod predict;
pub mod summary;
pub mod text;
mod util;

pub use api::{Model, ScoredSentence, TaskPrediction};
pub use dataset::{LabeledCsvOptions, LabeledSet};
pub use error::{Error, ErrorKind, Location, Result};
pub use features::FeatureSettings;
pub use model::{ModelBundle, Scorer, TrainSettings};
pub use predict::{
    InputReader, InputSource, OutputFormat, PredictSettings, Predictor, RecordWriter, Unit,
};
pub use text::{Language, SentenceSpan, SentenceSplitter, Stemmer, Tokenizer};
pub use util::{path_id, FileId};
