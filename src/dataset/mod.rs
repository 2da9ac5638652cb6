//! Training data: labeled sentences read from CSV files, one column per task.
//!
//! [`LabeledSet`] is what [`crate::model::train`] learns from; [`LabeledCsvOptions`] names the
//! text, id, group and metadata columns; [`SourceFile`] records each file read (path, SHA-256,
//! rows) for the model bundle's provenance.

mod labeled;

pub use labeled::{LabeledCsvOptions, LabeledSet, SourceFile, DEFAULT_META_COLUMNS};
