//! Prediction: articles in, one scored record per sentence (or per article) out.
//!
//! * [`InputReader`] streams [`Item`]s (records to score, or [`Skip`]s naming what could not be
//!   read and why) from [`InputSource`]s: `.txt` files and directories, JSONL, CSV and stdin.
//! * [`Predictor`] splits and scores them in batches on a thread pool and writes the results in
//!   input order ([`PredictSettings`], [`PredictStats`]).
//! * [`RecordWriter`] formats the output as JSONL or CSV ([`OutputFormat`]), one line per
//!   sentence or per article ([`Unit`]).

mod input;
mod output;
mod predictor;

pub use input::{
    InputFields, InputFormat, InputReader, InputSource, Item, Record, Skip,
    DEFAULT_MAX_RECORD_BYTES,
};
pub(crate) use input::{LineAt, RawItem};
pub(crate) use output::json_string;
pub use output::{OutputFormat, OutputUnit, RecordWriter, Unit, FIXED_FIELDS};
pub use predictor::{
    default_threads, LiveCounts, PredictSettings, PredictStats, Predictor, BATCHES_IN_FLIGHT,
    BATCH_BYTES, BATCH_RECORDS, MAX_RECORD_SENTENCES,
};
