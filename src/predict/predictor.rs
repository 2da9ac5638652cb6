//! Batch prediction: read records as a stream, split and score them in parallel, write the
//! results in input order through one buffered writer.
//!
//! Memory is bounded by the batch size, not the input: a batch of at most [`BATCH_RECORDS`]
//! records or [`BATCH_BYTES`] of input is read, scored on the thread pool, written, and dropped
//! (a JSONL file mapped into memory: [`BATCH_BYTES`] alone, as its lines are counted where they
//! are parsed).
//! The buffers that hold formatted output are kept and reused from batch to batch.

mod batches;
mod records;

use std::io::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::model::{ScoreScratch, Scorer};
use crate::predict::{InputReader, OutputFormat, RecordWriter, Unit};
use crate::predict::{Item, RawItem, Skip};
use crate::text::{SentenceSpan, SentenceSplitter};

use batches::Sink;

/// Most records per batch.
pub const BATCH_RECORDS: usize = 8192;
/// Most bytes of input per batch (text, or whole JSONL lines); a single larger record still
/// forms a batch of its own. Small enough that the buffers of the batches in flight are
/// soon reused rather than new memory: at 8 MB, `predict --split-only` on 128 MB of JSONL
/// took 27,000 page faults; at 2 MB 7,000, and 10% less CPU.
pub const BATCH_BYTES: usize = 2 << 20;
/// Most batches being scored at once.
pub const BATCHES_IN_FLIGHT: usize = 3;

/// How `predict` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictSettings {
    /// Split records into sentences, or score each whole.
    pub unit: Unit,
    /// JSONL or CSV.
    pub format: OutputFormat,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Also write page furniture (with its kind, unscored) instead of dropping it.
    pub keep_furniture: bool,
    /// Explain each task's prediction with this many terms (`predict --explain K`); 0: no
    /// explanations.
    pub explain: usize,
    /// Report records and megabytes read so far through the warning callback, every few
    /// seconds (for long runs watched on a terminal).
    pub progress: bool,
}

impl Default for PredictSettings {
    fn default() -> Self {
        PredictSettings {
            unit: Unit::Article,
            format: OutputFormat::Jsonl,
            threads: default_threads(),
            keep_furniture: false,
            explain: 0,
            progress: false,
        }
    }
}

/// The machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The record counts of a run in progress, as far as its output is written
/// ([`Predictor::with_live_counts`]).
#[derive(Debug, Default)]
pub struct LiveCounts {
    /// Input records read (including skipped ones) whose output or skip is written.
    pub records_read: std::sync::atomic::AtomicU64,
    /// Records scored (or split) and written.
    pub records_scored: std::sync::atomic::AtomicU64,
    /// Records skipped.
    pub records_skipped: std::sync::atomic::AtomicU64,
}

impl LiveCounts {
    fn update(&self, stats: &PredictStats) {
        use std::sync::atomic::Ordering::Relaxed;
        self.records_read.store(stats.records_read, Relaxed);
        self.records_scored.store(stats.records_scored, Relaxed);
        self.records_skipped.store(stats.records_skipped, Relaxed);
    }
}

/// Most sentences one record may have (`--unit article`): its output is built whole before it
/// is written, so a record of millions of lines would need gigabytes. A longer one is skipped.
pub const MAX_RECORD_SENTENCES: usize = 1_000_000;

/// Counts of one run; `records_read == records_scored + records_skipped`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PredictStats {
    /// Input records read (including skipped ones).
    pub records_read: u64,
    /// Records scored (or split).
    pub records_scored: u64,
    /// Records skipped with a warning.
    pub records_skipped: u64,
    /// Output units written (sentences, or records with `--unit sentence`).
    pub units: u64,
    /// Page-furniture lines dropped (or written flagged).
    pub furniture: u64,
    /// Bytes of input text.
    pub bytes: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Worker threads.
    pub threads: usize,
}

impl std::fmt::Display for PredictStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.seconds.max(1e-9);
        write!(
            f,
            "units {}  bytes {}  seconds {:.3}  units/s {:.0}  MB/s {:.1}  threads {}",
            self.units,
            self.bytes,
            self.seconds,
            self.units as f64 / secs,
            self.bytes as f64 / 1e6 / secs,
            self.threads
        )
    }
}

/// Output buffers kept for reuse, at most this many.
const SPARE_BUFFERS: usize = 256;

/// The formatted output of one chunk of a batch, with what it skipped and warned about.
#[derive(Default)]
struct ChunkOutput {
    /// Records the chunk held (JSONL lines parsed on the pool included), skipped ones too.
    records: u64,
    bytes: Vec<u8>,
    skips: Vec<Skip>,
    warnings: Vec<String>,
}

#[derive(Default)]
struct Worker {
    text_bytes: u64,
    score: ScoreScratch,
    spans: Vec<SentenceSpan>,
    units: u64,
    furniture: u64,
    /// The JSONL start of the current record's units ([`RecordWriter::json_prefix`]).
    prefix: Vec<u8>,
}

/// One worker thread's buffers, alone on their cache lines: the buffers' lengths change with
/// every feature scored, and sharing a cache line with another thread's would make the two
/// cores fight over it.
#[repr(align(128))]
struct Slot(Mutex<Worker>);

/// Splits and scores records; without a scorer it only splits.
pub struct Predictor {
    scorer: Option<Scorer>,
    splitter: SentenceSplitter,
    writer: RecordWriter,
    settings: PredictSettings,
    pool: rayon::ThreadPool,
    workers: Vec<Slot>,
    /// Emptied output buffers, handed back by the writing thread.
    spare: Mutex<Vec<Vec<u8>>>,
    live: Arc<LiveCounts>,
}

impl Predictor {
    /// A predictor scoring with `scorer`, or splitting only when it is `None`.
    pub fn new(scorer: Option<Scorer>, settings: PredictSettings) -> Result<Self> {
        let threads = settings.threads.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("newsstance-{i}"))
            .build()
            .map_err(|e| {
                Error::setting(
                    format!("cannot start {threads} threads: {e}"),
                    "use fewer --threads",
                )
            })?;
        let heads = scorer.as_ref().map(|s| s.tasks().to_vec()).unwrap_or_default();
        let writer = RecordWriter::new(settings.format, &heads)
            .with_furniture_column(settings.keep_furniture)
            .with_terms_columns(settings.explain > 0 && scorer.is_some())
            .with_mentions(scorer.as_ref().map(|s| s.features().mentions()));
        writer.check_columns()?;
        Ok(Predictor {
            writer,
            scorer,
            splitter: SentenceSplitter::new(),
            settings: PredictSettings { threads, ..settings },
            pool,
            workers: (0..threads).map(|_| Slot(Mutex::new(Worker::default()))).collect(),
            spare: Mutex::new(Vec::new()),
            live: Arc::new(LiveCounts::default()),
        })
    }

    /// Counts of the run, kept up to date in `live` as output is written, for a reader on
    /// another thread (`predict` prints them when a signal stops it).
    pub fn with_live_counts(mut self, live: Arc<LiveCounts>) -> Self {
        self.live = live;
        self
    }

    /// Copies the input fields `names` into every output record (see
    /// [`RecordWriter::with_kept`], which refuses names the output already has). The reader must
    /// keep the same fields, in the same order ([`crate::predict::InputFields::keep`]).
    pub fn with_kept(mut self, names: &[String]) -> Result<Self> {
        self.writer = self.writer.with_kept(names)?;
        Ok(self)
    }

    /// The same predictor splitting with `splitter` (for instance one with a user's furniture
    /// patterns, [`SentenceSplitter::with_furniture_patterns`]).
    pub fn with_splitter(mut self, splitter: SentenceSplitter) -> Self {
        self.splitter = splitter;
        self
    }

    /// Reads every record from `reader`, writes results to `out`, reports skips and warnings
    /// through `warn`. A write error (such as a closed pipe) stops the run.
    ///
    /// Reading, scoring and writing overlap: the calling thread reads batches, queues each
    /// batch's chunks on the thread pool as jobs of their own (first in, first out), then writes
    /// finished batches in input order. At most [`BATCHES_IN_FLIGHT`] batches are in the pool at
    /// once, so memory stays bounded by the batch size, and a worker done with a chunk takes the
    /// next one instead of waiting for the other workers.
    pub fn run(
        &self,
        reader: &mut InputReader,
        out: &mut dyn Write,
        warn: &mut dyn FnMut(&str),
    ) -> Result<PredictStats> {
        self.run_with_skips(reader, out, &mut |_| Ok(()), warn)
    }

    /// As [`Predictor::run`], and hands every skipped record to `skipped` (for a dead-letter
    /// file): records the reader skips, and records that hold no sentence to score (only
    /// whitespace or page furniture). Every record read is either written to `out` or passed to
    /// `skipped`, and `records_read == records_scored + records_skipped`.
    pub fn run_with_skips(
        &self,
        reader: &mut InputReader,
        out: &mut dyn Write,
        skipped: &mut dyn FnMut(&Skip) -> Result<()>,
        warn: &mut dyn FnMut(&str),
    ) -> Result<PredictStats> {
        let started = Instant::now();
        out.write_all(&self.writer.header()).map_err(write_error)?;
        let mut sink = Sink {
            out,
            skipped,
            warn,
            stats: PredictStats { threads: self.settings.threads, ..Default::default() },
            live: &self.live,
            spare: &self.spare,
        };
        self.pool.in_place_scope_fifo(|scope| self.feed(scope, reader, &mut sink, started))?;
        sink.out.flush().map_err(write_error)?;
        let mut stats = sink.stats;
        for Slot(w) in &self.workers {
            let mut w = w.lock().expect("worker lock");
            stats.units += std::mem::take(&mut w.units);
            stats.furniture += std::mem::take(&mut w.furniture);
            stats.bytes += std::mem::take(&mut w.text_bytes);
        }
        stats.seconds = started.elapsed().as_secs_f64();
        Ok(stats)
    }
}

/// The error of a failed write to the output.
fn write_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

/// Bytes of input in a raw item (its text, or its whole JSONL lines).
fn input_bytes(raw: &RawItem) -> usize {
    match raw {
        RawItem::Item(Item::Record(r)) => r.text.len(),
        RawItem::JsonLines(lines) => lines.bytes().len(),
        RawItem::Item(Item::Skip(_)) => 0,
    }
}
