//! Batch prediction: read records as a stream, split and score them in parallel, write the
//! results in input order through one buffered writer.
//!
//! Memory is bounded by the batch size, not the input: a batch of at most [`BATCH_RECORDS`]
//! records or [`BATCH_BYTES`] of input is read, scored on the thread pool, written, and dropped.
//! The buffers that hold formatted output are kept and reused from batch to batch.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

use std::sync::mpsc::Receiver;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::model::{Explanation, ScoreScratch, Scorer};
use crate::predict::{InputReader, OutputFormat, Record, RecordWriter, Unit};
use crate::predict::{Item, OutputUnit, RawItem, Skip};
use crate::text::{SentenceSpan, SentenceSplitter};

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
        let mut stats = PredictStats { threads: self.settings.threads, ..Default::default() };
        let write_err = |e| Error::io("<output>", e);
        out.write_all(&self.writer.header()).map_err(write_err)?;
        self.pool.in_place_scope_fifo(|scope| -> Result<()> {
            // Batches in the pool, oldest first: each chunk of a batch answers once, with its
            // index, through the batch's channel.
            let mut in_flight = std::collections::VecDeque::with_capacity(BATCHES_IN_FLIGHT);
            // Writes the oldest batch in flight; records that wrote nothing become skips.
            let write_one = |(outputs, n, batch): (
                Receiver<(usize, ChunkOutput)>,
                usize,
                Arc<Vec<RawItem>>,
            ),
                             out: &mut dyn Write,
                             stats: &mut PredictStats,
                             warn: &mut dyn FnMut(&str),
                             skipped: &mut dyn FnMut(&Skip) -> Result<()>|
             -> Result<()> {
                let mut chunks: Vec<Option<ChunkOutput>> = (0..n).map(|_| None).collect();
                for _ in 0..n {
                    let (i, chunk) = outputs.recv().expect("every chunk job answers");
                    chunks[i] = Some(chunk);
                }
                // Every chunk job let go of the batch before answering, so it is freed here, by
                // the thread that allocated it: memory freed by another thread than the one that
                // took it makes the threads queue for the same allocator lock.
                drop(batch);
                let mut emptied = Vec::with_capacity(n);
                for chunk in chunks.into_iter().flatten() {
                    out.write_all(&chunk.bytes).map_err(write_err)?;
                    for w in &chunk.warnings {
                        warn(&format!("warning: {w}"));
                    }
                    let skips = chunk.skips.len() as u64;
                    stats.records_read += chunk.records;
                    stats.records_scored += chunk.records - skips;
                    stats.records_skipped += skips;
                    // The dead-letter line first: a skip warned about is in the file even when
                    // the run is stopped right after the warning.
                    for s in &chunk.skips {
                        skipped(s)?;
                        warn(&format!("warning: {}: skipped: {}", s.origin, s.reason));
                    }
                    self.live.update(stats);
                    let mut bytes = chunk.bytes;
                    bytes.clear();
                    emptied.push(bytes);
                }
                let mut spare = self.spare.lock().expect("spare buffers lock");
                let room = SPARE_BUFFERS.saturating_sub(spare.len());
                spare.extend(emptied.into_iter().take(room));
                Ok(())
            };
            let mut last_report = Instant::now();
            let mut batch: Vec<RawItem> = Vec::new();
            let mut batch_bytes = 0;
            let mut batch_records = 0;
            // Bytes of input read so far (text, or whole JSONL lines), for the progress line.
            let mut read_bytes = 0u64;
            loop {
                // JSONL is parsed on the pool, so this thread only reads and writes. Records in
                // the batch are counted when their output is written.
                let item = reader.next_raw()?;
                for w in reader.take_warnings() {
                    warn(&format!("warning: {w}"));
                }
                let done = item.is_none();
                match item {
                    Some(RawItem::Item(Item::Skip(s))) => {
                        stats.records_read += 1;
                        stats.records_skipped += 1;
                        skipped(&s)?;
                        warn(&format!("warning: {}: skipped: {}", s.origin, s.reason));
                        self.live.update(&stats);
                    }
                    Some(raw) => {
                        let (bytes, records) = match &raw {
                            RawItem::Item(Item::Record(r)) => (r.text.len(), 1),
                            RawItem::JsonLines(lines) => {
                                (lines.bytes().len(), lines.line_count() as usize)
                            }
                            RawItem::Item(Item::Skip(_)) => (0, 0),
                        };
                        batch_bytes += bytes;
                        batch_records += records;
                        read_bytes += bytes as u64;
                        batch.push(raw);
                    }
                    None => {}
                }
                if !batch.is_empty()
                    && (done || batch_records >= BATCH_RECORDS || batch_bytes >= BATCH_BYTES)
                {
                    if in_flight.len() == BATCHES_IN_FLIGHT {
                        let oldest = in_flight.pop_front().expect("in flight");
                        write_one(oldest, out, &mut stats, warn, skipped)?;
                    }
                    // The batch goes to the pool as chunks, each a job of its own, queued
                    // first in, first out: a worker takes the next chunk as soon as it is done
                    // with one, and never waits for another worker.
                    let per_chunk = batch.len().div_ceil(self.settings.threads * 16).max(1);
                    let n = batch.len().div_ceil(per_chunk);
                    let job = Arc::new(std::mem::take(&mut batch));
                    let (reply, answer) = std::sync::mpsc::channel();
                    for index in 0..n {
                        let job = Arc::clone(&job);
                        let reply = reply.clone();
                        scope.spawn_fifo(move |_| {
                            let end = ((index + 1) * per_chunk).min(job.len());
                            let output = self.chunk(&job[index * per_chunk..end]);
                            drop(job);
                            // The receiver is gone only when writing failed; the run stops then.
                            drop(reply.send((index, output)));
                        });
                    }
                    in_flight.push_back((answer, n, job));
                    batch_bytes = 0;
                    batch_records = 0;
                    if self.settings.progress && last_report.elapsed().as_secs() >= 2 {
                        last_report = Instant::now();
                        let secs = started.elapsed().as_secs_f64();
                        warn(&format!(
                            "progress: {} records written, {:.1} MB read in {:.0} s ({:.1} MB/s)",
                            stats.records_read,
                            read_bytes as f64 / 1e6,
                            secs,
                            read_bytes as f64 / 1e6 / secs
                        ));
                    }
                }
                if done {
                    break;
                }
            }
            while let Some(oldest) = in_flight.pop_front() {
                write_one(oldest, out, &mut stats, warn, skipped)?;
            }
            Ok(())
        })?;
        out.flush().map_err(write_err)?;
        for Slot(w) in &self.workers {
            let mut w = w.lock().expect("worker lock");
            stats.units += std::mem::take(&mut w.units);
            stats.furniture += std::mem::take(&mut w.furniture);
            stats.bytes += std::mem::take(&mut w.text_bytes);
        }
        stats.seconds = started.elapsed().as_secs_f64();
        Ok(stats)
    }

    /// Parses and formats a chunk of a batch on the calling worker thread.
    fn chunk(&self, items: &[RawItem]) -> ChunkOutput {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.workers.len();
        let mut worker = self.workers[slot].0.lock().expect("worker lock");
        let bytes = self.spare.lock().expect("spare buffers lock").pop();
        let mut chunk = ChunkOutput { bytes: bytes.unwrap_or_default(), ..Default::default() };
        // Split-only JSONL is about 1.8 times its input: room for twice the input grows the
        // buffer once instead of doubling it (and copying it) several times.
        let input: usize = items
            .iter()
            .map(|raw| match raw {
                RawItem::Item(Item::Record(r)) => r.text.len(),
                RawItem::JsonLines(lines) => lines.bytes().len(),
                RawItem::Item(Item::Skip(_)) => 0,
            })
            .sum();
        chunk.bytes.reserve(2 * input);
        for raw in items {
            match raw {
                RawItem::Item(item) => self.item(item, &mut worker, &mut chunk),
                RawItem::JsonLines(lines) => {
                    let mut warnings = Vec::new();
                    lines.parse(&mut warnings, |item| self.item(&item, &mut worker, &mut chunk));
                    chunk.warnings.append(&mut warnings);
                }
            }
        }
        chunk
    }

    /// Formats one record into the chunk, or records it as skipped.
    fn item(&self, item: &Item, worker: &mut Worker, chunk: &mut ChunkOutput) {
        chunk.records += 1;
        match item {
            Item::Record(r) => {
                if let Some(reason) = self.record(r, worker, &mut chunk.bytes) {
                    chunk.skips.push(Skip {
                        id: Some(r.id.clone()),
                        origin: r.origin.clone(),
                        reason,
                    });
                }
            }
            Item::Skip(s) => chunk.skips.push(s.clone()),
        }
    }

    /// The explanations of `text`, when asked for (`PredictSettings::explain`).
    fn explain(&self, text: &str, scratch: &mut ScoreScratch) -> Option<Vec<Explanation>> {
        match (&self.scorer, self.settings.explain) {
            (Some(s), k) if k > 0 => Some(s.explain(text, k, scratch)),
            _ => None,
        }
    }

    /// Writes the units of one record; the reason of its skip when it wrote nothing.
    fn record(&self, r: &Record, worker: &mut Worker, out: &mut Vec<u8>) -> Option<String> {
        let written = out.len();
        let Worker { text_bytes, score, spans, units, furniture } = worker;
        *text_bytes += r.text.len() as u64;
        match self.settings.unit {
            Unit::Sentence => {
                let explanations = self.explain(&r.text, score);
                let scored = self.scorer.as_ref().map(|s| s.score_with_mentions(&r.text, score));
                let (probabilities, mentions) = (scored.map(|s| s.0), scored.map(|s| s.1));
                let unit = OutputUnit {
                    id: &r.id,
                    sentence: 0,
                    start: 0,
                    end: r.text.len(),
                    char_start: 0,
                    mentions,
                    char_end: r.text.chars().count(),
                    kept: &r.kept,
                    text: &r.text,
                    furniture: None,
                    probabilities,
                    explanations: explanations.as_deref(),
                };
                self.writer.write(out, &unit);
                *units += 1;
            }
            Unit::Article => {
                self.splitter.split_into(&r.text, spans);
                if spans.len() > MAX_RECORD_SENTENCES {
                    // Its output is held whole until written (hundreds of bytes a sentence):
                    // millions of sentences in one record would take gigabytes.
                    let n = spans.len();
                    spans.clear();
                    spans.shrink_to(1 << 10);
                    return Some(format!(
                        "{n} sentences in one record, more than {MAX_RECORD_SENTENCES}: its output would be held whole in memory; split it into smaller records (e.g. one article per .txt file or JSONL line)"
                    ));
                }
                // Sentences and furniture lines are numbered apart: furniture is written as
                // -1, -2, ... (see `OutputUnit::sentence`), so no two units share an index.
                let (mut index, mut furniture_index) = (0, 0);
                // Character offset of `byte` in the record, advanced span by span: each byte
                // of the text is counted once (spans are in order and do not overlap). In an
                // ASCII text (most news records) characters are bytes, and nothing is counted.
                let ascii = r.text.is_ascii();
                let (mut byte, mut chars) = (0, 0);
                for span in spans.iter() {
                    let (char_start, char_end) = if ascii {
                        (span.start, span.end)
                    } else {
                        if span.start < byte {
                            (byte, chars) = (0, 0);
                        }
                        let char_start = chars + r.text[byte..span.start].chars().count();
                        (char_start, char_start + r.text[span.start..span.end].chars().count())
                    };
                    (byte, chars) = (span.end, char_end);
                    let is_furniture = span.is_furniture();
                    if is_furniture {
                        *furniture += 1;
                        if !self.settings.keep_furniture {
                            continue;
                        }
                    }
                    let text = span.text(&r.text);
                    // Furniture is written flagged and unscored; it does not take a sentence index.
                    let explanations = if is_furniture { None } else { self.explain(text, score) };
                    let scored = match (&self.scorer, is_furniture) {
                        (Some(s), false) => Some(s.score_with_mentions(text, score)),
                        _ => None,
                    };
                    let (probabilities, mentions) = (scored.map(|s| s.0), scored.map(|s| s.1));
                    let unit = OutputUnit {
                        id: &r.id,
                        sentence: if is_furniture { furniture_index } else { index },
                        start: span.start,
                        end: span.end,
                        char_start,
                        mentions,
                        char_end,
                        kept: &r.kept,
                        text,
                        furniture: span.furniture_kind().map(|k| self.splitter.kind_name(k)),
                        probabilities,
                        explanations: explanations.as_deref(),
                    };
                    self.writer.write(out, &unit);
                    if is_furniture {
                        furniture_index += 1;
                    } else {
                        index += 1;
                        *units += 1;
                    }
                }
            }
        }
        (out.len() == written)
            .then(|| "no sentence to score (only whitespace or page furniture)".to_string())
    }
}
