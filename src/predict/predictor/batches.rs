//! The reading and writing side of a run: records are gathered into batches, each batch is
//! sent to the thread pool as chunks, and finished batches are written in input order.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{
    input_bytes, write_error, ChunkOutput, LiveCounts, PredictStats, Predictor, BATCHES_IN_FLIGHT,
    BATCH_BYTES, BATCH_RECORDS, SPARE_BUFFERS,
};
use crate::error::Result;
use crate::predict::{InputReader, Item, RawItem, Skip};

/// Where a run's output, skips and warnings go, and its counts so far.
pub(super) struct Sink<'r> {
    pub(super) out: &'r mut dyn Write,
    pub(super) skipped: &'r mut dyn FnMut(&Skip) -> Result<()>,
    pub(super) warn: &'r mut dyn FnMut(&str),
    /// Counts of the records written or skipped so far.
    pub(super) stats: PredictStats,
    pub(super) live: &'r LiveCounts,
    /// Emptied output buffers go back here for the workers to reuse.
    pub(super) spare: &'r Mutex<Vec<Vec<u8>>>,
}

/// A batch on the thread pool: each of its chunks answers once, with its index.
struct InFlight {
    outputs: Receiver<(usize, ChunkOutput)>,
    chunks: usize,
    /// The batch itself, freed when every chunk has answered.
    batch: Arc<Vec<RawItem>>,
}

/// Records read and not yet sent to the pool.
#[derive(Default)]
struct PendingBatch {
    items: Vec<RawItem>,
    /// Bytes of input in `items`.
    bytes: usize,
    /// Records in `items` (JSONL lines count one each).
    records: usize,
}

impl PendingBatch {
    /// Adds a raw item; returns its bytes of input.
    fn push(&mut self, raw: RawItem) -> usize {
        let records = match &raw {
            RawItem::Item(Item::Record(_)) => 1,
            // A block of a mapped file is counted where it is parsed, not here: such
            // batches end by their bytes.
            RawItem::JsonLines(lines) => lines.known_line_count().unwrap_or(0) as usize,
            RawItem::Item(Item::Skip(_)) => 0,
        };
        let bytes = input_bytes(&raw);
        self.bytes += bytes;
        self.records += records;
        self.items.push(raw);
        bytes
    }

    /// Enough records or bytes for a batch.
    fn is_full(&self) -> bool {
        self.records >= BATCH_RECORDS || self.bytes >= BATCH_BYTES
    }

    /// The items gathered, leaving the batch empty.
    fn take(&mut self) -> Vec<RawItem> {
        self.bytes = 0;
        self.records = 0;
        std::mem::take(&mut self.items)
    }
}

/// The progress line of a long run (`PredictSettings::progress`).
struct Progress {
    started: Instant,
    last_report: Instant,
    /// Bytes of input read so far (text, or whole JSONL lines).
    read_bytes: u64,
}

impl Progress {
    /// Reports through `warn` when the last report is two seconds old or more.
    fn report(&mut self, records_written: u64, warn: &mut dyn FnMut(&str)) {
        if self.last_report.elapsed().as_secs() < 2 {
            return;
        }
        self.last_report = Instant::now();
        let secs = self.started.elapsed().as_secs_f64();
        warn(&format!(
            "progress: {} records written, {:.1} MB read in {:.0} s ({:.1} MB/s)",
            records_written,
            self.read_bytes as f64 / 1e6,
            secs,
            self.read_bytes as f64 / 1e6 / secs
        ));
    }
}

impl Sink<'_> {
    fn warning(&mut self, warning: &str) {
        (self.warn)(&format!("warning: {warning}"));
    }

    /// Hands a skipped record to the dead-letter callback, then warns about it: a skip warned
    /// about is in the file even when the run is stopped right after the warning.
    fn skip(&mut self, s: &Skip) -> Result<()> {
        (self.skipped)(s)?;
        (self.warn)(&format!("warning: {}: skipped: {}", s.origin, s.reason));
        Ok(())
    }

    /// A record the reader skipped (it never reaches a batch).
    fn skip_unread(&mut self, s: &Skip) -> Result<()> {
        self.stats.records_read += 1;
        self.stats.records_skipped += 1;
        self.skip(s)?;
        self.live.update(&self.stats);
        Ok(())
    }

    /// Waits for every chunk of the oldest batch in flight and writes them in order; records
    /// that wrote nothing become skips.
    fn write_batch(&mut self, batch: InFlight) -> Result<()> {
        let InFlight { outputs, chunks: n, batch } = batch;
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
            emptied.push(self.write_chunk(chunk)?);
        }
        let mut spare = self.spare.lock().expect("spare buffers lock");
        let room = SPARE_BUFFERS.saturating_sub(spare.len());
        spare.extend(emptied.into_iter().take(room));
        Ok(())
    }

    /// Writes one chunk's output, warnings and skips; returns its emptied buffer.
    fn write_chunk(&mut self, chunk: ChunkOutput) -> Result<Vec<u8>> {
        self.out.write_all(&chunk.bytes).map_err(write_error)?;
        for w in &chunk.warnings {
            self.warning(w);
        }
        let skips = chunk.skips.len() as u64;
        self.stats.records_read += chunk.records;
        self.stats.records_scored += chunk.records - skips;
        self.stats.records_skipped += skips;
        for s in &chunk.skips {
            self.skip(s)?;
        }
        self.live.update(&self.stats);
        let mut bytes = chunk.bytes;
        bytes.clear();
        Ok(bytes)
    }
}

impl Predictor {
    /// Reads batches from `reader` and queues them on the pool, writing the oldest batch in
    /// flight through `sink` whenever [`BATCHES_IN_FLIGHT`] are queued, and the rest at the end.
    pub(super) fn feed<'s>(
        &'s self,
        scope: &rayon::ScopeFifo<'s>,
        reader: &mut InputReader,
        sink: &mut Sink<'_>,
        started: Instant,
    ) -> Result<()> {
        let mut in_flight = VecDeque::with_capacity(BATCHES_IN_FLIGHT);
        let mut pending = PendingBatch::default();
        let mut progress = Progress { started, last_report: Instant::now(), read_bytes: 0 };
        loop {
            // JSONL is parsed on the pool, so this thread only reads and writes. Records in
            // the batch are counted when their output is written.
            let item = reader.next_raw()?;
            for w in reader.take_warnings() {
                sink.warning(&w);
            }
            let done = item.is_none();
            match item {
                Some(RawItem::Item(Item::Skip(s))) => sink.skip_unread(&s)?,
                Some(raw) => progress.read_bytes += pending.push(raw) as u64,
                None => {}
            }
            if !pending.items.is_empty() && (done || pending.is_full()) {
                if in_flight.len() == BATCHES_IN_FLIGHT {
                    sink.write_batch(in_flight.pop_front().expect("in flight"))?;
                }
                in_flight.push_back(self.dispatch(scope, pending.take()));
                if self.settings.progress {
                    progress.report(sink.stats.records_read, sink.warn);
                }
            }
            if done {
                break;
            }
        }
        while let Some(oldest) = in_flight.pop_front() {
            sink.write_batch(oldest)?;
        }
        Ok(())
    }

    /// Sends a batch to the pool as chunks, each a job of its own, queued first in, first out:
    /// a worker takes the next chunk as soon as it is done with one, and never waits for
    /// another worker.
    fn dispatch<'s>(&'s self, scope: &rayon::ScopeFifo<'s>, batch: Vec<RawItem>) -> InFlight {
        let per_chunk = batch.len().div_ceil(self.settings.threads * 16).max(1);
        let n = batch.len().div_ceil(per_chunk);
        let job = Arc::new(batch);
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
        InFlight { outputs: answer, chunks: n, batch: job }
    }
}
