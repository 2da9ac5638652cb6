//! `predict`: split news articles into sentences and score each for every task of a model.

// jemalloc rather than the system allocator. With glibc's malloc, memory freed by another thread
// than the one that took it (a queued job, a channel block) goes into the freeing thread's cache
// and is handed out again there; growing or freeing it later takes the lock of the arena it
// came from. The scoring threads then queued for the main thread's arena lock: 15,000 futex
// calls on it in a 256 MB `--unit article` run on 2 threads, and 5 to 8% more CPU per unit
// than on one thread. jemalloc handles frees from other threads without that lock: 1,200 futex
// calls from the scoring threads in all, and within 3% of the CPU per unit of one thread. See
// benches/README.md.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Parser;
use newsstance::predict::{default_threads, InputFields, InputFormat, LiveCounts};
use newsstance::{
    Error, FileId, InputReader, InputSource, ModelBundle, OutputFormat, PredictSettings, Predictor,
    Result, SentenceSplitter, Unit,
};

mod common;

/// Score news articles sentence by sentence with a trained model.
///
/// INPUT is a .txt file (one article), a directory (its .txt files, recursively), a .jsonl file
/// (one {"id": ..., "text": ...} per line), a .csv file with `id` and `text` columns, or - for
/// stdin (JSONL, or --input-format). Output goes to stdout, one record per sentence, in input
/// order; warnings and the final counts go to stderr.
///
/// Examples:
///   predict                                   # score data/ with models/default
///   predict --format csv articles/ > out.csv
///   predict --keep outlet,date news.jsonl     # copy input fields into every record
///   predict --keep folder data/               # .txt input: the file's folder name
///   predict --unit sentence sentences.jsonl   # each record is one sentence
///   cat article.txt | predict --input-format txt -
///   predict --split-only article.txt          # sentences with offsets, no model
#[derive(Parser, Debug)]
#[command(
    version,
    verbatim_doc_comment,
    after_help = "Skipped records are counted on stderr and, with --skipped FILE, written there.\nExit codes: 0 ok (also when stdout closes early), 1 bad input or flags, 2 usage, 3 model, 5 I/O error, 6 nothing scored (no input record, or all skipped). See docs/ERRORS.md."
)]
struct Args {
    /// Inputs to score (default: data/).
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Model bundle directory written by `train`.
    #[arg(long, default_value = "models/default", value_name = "DIR")]
    model: PathBuf,
    /// `split` (alias `article`): split each record into sentences and score each sentence;
    /// `sentence`: score each record whole, as one sentence. Output is per sentence either way.
    #[arg(long, value_enum, default_value_t = Unit::Article)]
    unit: Unit,
    /// Input fields copied into every output record (JSONL keys, CSV columns; `folder` for .txt
    /// input: the name of the file's folder), comma-separated.
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    keep: Vec<String>,
    /// The JSONL key or CSV column holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_column: String,
    /// How standard input (-) is read: `jsonl`, `csv`, or `txt` (all of it is one article).
    #[arg(long, value_enum, default_value_t = InputFormat::Jsonl, value_name = "FORMAT")]
    input_format: InputFormat,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    format: OutputFormat,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Only split into sentences (id, sentence, start, end, text); no model is loaded.
    #[arg(long)]
    split_only: bool,
    /// Also write page furniture (bylines, datelines, captions, "Comments", editor notes, ...)
    /// unscored with its kind ("furniture": "byline"), numbered -1, -2, ... apart from
    /// sentences; CSV output gets a `furniture` column (the kind, empty for sentences).
    #[arg(long)]
    keep_furniture: bool,
    /// Explain each task's prediction: the K terms of the sentence (as written in it) that
    /// pushed the predicted class most, with their contributions to its score (logit), plus
    /// the intercept, the rest and the score: they add up. JSONL: "terms", "intercept",
    /// "rest", "score" in each task's prediction; CSV: a `<task>_terms` column.
    #[arg(long, value_name = "K", default_value_t = 0, conflicts_with = "split_only")]
    explain: usize,
    /// Add furniture patterns from FILE: a CSV of `kind,pattern` lines (`text` whole line,
    /// `text*` prefix, `*text` suffix, `*text*` contains; ASCII case-insensitive); checked
    /// before the built-in rules.
    #[arg(long, value_name = "FILE")]
    furniture: Option<PathBuf>,
    /// Report progress on stderr every few seconds (default: when stderr is a terminal).
    #[arg(long)]
    progress: bool,
    /// Print throughput at the end on stderr: units, bytes, seconds, units/s, MB/s, threads.
    #[arg(long)]
    stats: bool,
    /// Also write every skipped record to FILE as JSONL, one
    /// {"id", "source", "line", "reason"} object per skip (a dead-letter file; see docs/ERRORS.md).
    #[arg(long, value_name = "FILE")]
    skipped: Option<PathBuf>,
    /// Skip (and count) any record longer than SIZE bytes (a .txt file, a JSONL line, a CSV
    /// record) without holding it whole; suffixes K, M, G (powers of 1024). A CSV record over
    /// the limit ends the reading of its file.
    #[arg(long, default_value = "256M", value_parser = common::parse_size, value_name = "SIZE")]
    max_record_bytes: u64,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(0) => {
            common::eprint_line(
                "predict: error: nothing was scored: no input record, or every record was skipped\n  hint: see the warnings above; the inputs must hold records with text (exit code 6)",
            );
            ExitCode::from(common::EXIT_NOTHING_SCORED)
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => common::report("predict", e),
    }
}

/// The dead-letter file (`--skipped`), when asked for, with its path.
type DeadLetter = Arc<Mutex<Option<(PathBuf, std::io::BufWriter<std::fs::File>)>>>;

/// Runs `predict`; the number of records scored.
fn run(args: Args) -> Result<u64> {
    // Before any other thread starts: SIGINT and SIGTERM go to one thread that flushes the
    // outputs and prints the counts (see `flush_on_signal`).
    let signals = common::block_stop_signals();
    let quiet = args.quiet;
    let mut warn = |line: &str| {
        if !quiet {
            common::eprint_line(&format!("predict: {line}"));
        }
    };
    let inputs =
        if args.inputs.is_empty() { vec![PathBuf::from("data")] } else { args.inputs.clone() };
    let mut warnings = Vec::new();
    let sources = InputSource::resolve_with_warnings(&inputs, &mut warnings)?;
    for w in warnings {
        warn(&format!("warning: {w}"));
    }
    let keep = kept_fields(&args, &sources)?;
    let model_file = (!args.split_only).then(|| {
        if args.model.is_dir() {
            args.model.join(newsstance::model::MODEL_FILE)
        } else {
            args.model.clone()
        }
    });
    check_outputs(&args, &sources, model_file.as_deref())?;
    let live = Arc::new(LiveCounts::default());
    let predictor = predictor(&args, &keep)?.with_live_counts(Arc::clone(&live));
    let mut reader = InputReader::new(sources)
        .with_max_record_bytes(args.max_record_bytes)
        .with_fields(InputFields { text: args.text_column.clone(), keep })
        .with_stdin_format(args.input_format);
    // Output comes in chunks of hundreds of kilobytes, which a buffer smaller than they are
    // passes straight to the system instead of copying; the buffer gathers small writes only.
    // Both outputs are shared with the thread that flushes them on a signal; every write is
    // whole lines, so a flush never leaves half a line.
    let out = Arc::new(Mutex::new(std::io::BufWriter::with_capacity(64 << 10, std::io::stdout())));
    let skipped_file: DeadLetter = Arc::new(Mutex::new(match &args.skipped {
        Some(path) => Some((
            path.clone(),
            std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| Error::io(path, e))?),
        )),
        None => None,
    }));
    flush_on_signal(signals, Arc::clone(&out), Arc::clone(&skipped_file), Arc::clone(&live), quiet);
    let mut on_skip = |skip: &newsstance::predict::Skip| -> Result<()> {
        let mut file = skipped_file.lock().expect("dead-letter lock");
        if let Some((path, file)) = file.as_mut() {
            file.write_all(&skip.to_json_line()).map_err(|e| Error::io(&*path, e))?;
        }
        Ok(())
    };
    let mut shared_out = SharedWriter(Arc::clone(&out));
    let stats = predictor.run_with_skips(&mut reader, &mut shared_out, &mut on_skip, &mut warn)?;
    out.lock().expect("output lock").flush().map_err(|e| Error::io("<stdout>", e))?;
    if let Some((path, file)) = skipped_file.lock().expect("dead-letter lock").as_mut() {
        file.flush().map_err(|e| Error::io(&*path, e))?;
    }
    if !quiet {
        common::eprint_line(&format!(
            "predict: records read {}, scored {}, skipped {}; {} units written, {} furniture spans {}",
            stats.records_read,
            stats.records_scored,
            stats.records_skipped,
            stats.units,
            stats.furniture,
            if args.keep_furniture { "flagged" } else { "dropped" }
        ));
    }
    if args.stats {
        common::eprint_line(&format!("predict: stats: {stats}"));
    }
    Ok(stats.records_scored)
}

/// The `--keep` names, trimmed; from `.txt` input only `folder` can be kept.
fn kept_fields(args: &Args, sources: &[InputSource]) -> Result<Vec<String>> {
    let keep: Vec<String> = args.keep.iter().map(|k| k.trim().to_string()).collect();
    let text_input = sources.iter().any(|s| match s {
        InputSource::Text(_) => true,
        InputSource::Stdin => args.input_format == InputFormat::Text,
        _ => false,
    });
    if let Some(other) = keep.iter().find(|k| *k != InputFields::FOLDER).filter(|_| text_input) {
        return Err(Error::setting(
            format!("--keep {other}: a .txt article has no field '{other}'"),
            "from .txt input only `--keep folder` (the name of the file's folder) can be kept; keep other fields from JSONL or CSV input",
        ));
    }
    Ok(keep)
}

/// The predictor the flags ask for: the model loaded (unless `--split-only`), the settings,
/// the kept fields and the user's furniture patterns.
fn predictor(args: &Args, keep: &[String]) -> Result<Predictor> {
    let scorer =
        if args.split_only { None } else { Some(ModelBundle::load(&args.model)?.scorer()) };
    let settings = PredictSettings {
        unit: args.unit,
        format: args.format,
        threads: match args.threads {
            Some(n) => common::check_threads(n)?,
            None => default_threads(),
        },
        keep_furniture: args.keep_furniture,
        explain: args.explain,
        progress: !args.quiet
            && (args.progress || std::io::IsTerminal::is_terminal(&std::io::stderr())),
    };
    let mut predictor = Predictor::new(scorer, settings)?.with_kept(keep)?;
    if let Some(path) = &args.furniture {
        let patterns = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let splitter = SentenceSplitter::new().with_furniture_patterns(&patterns).map_err(|e| {
            Error::input(
                newsstance::Location::line(path, e.line as u64),
                e.message,
                "write one `kind,pattern` per line, e.g. `promo,Subscribe to*` (see README, predict)",
            )
        })?;
        predictor = predictor.with_splitter(splitter);
    }
    Ok(predictor)
}

/// On SIGINT or SIGTERM: flushes both outputs and prints the counts so far.
fn flush_on_signal(
    signals: common::StopSignals,
    out: Arc<Mutex<impl Write + Send + 'static>>,
    skipped_file: DeadLetter,
    live: Arc<LiveCounts>,
    quiet: bool,
) {
    common::on_signal(signals, move |name| {
        // The main thread may hold a lock while it is stopped: take what is free.
        if let Ok(mut out) = out.lock() {
            let _ = out.flush();
        }
        if let Ok(mut file) = skipped_file.lock() {
            if let Some((_, file)) = file.as_mut() {
                let _ = file.flush();
            }
        }
        if !quiet {
            use std::sync::atomic::Ordering::Relaxed;
            common::eprint_line(&format!(
                "predict: stopped by {name}: records read {}, scored {}, skipped {} (output and dead-letter file flushed)",
                live.records_read.load(Relaxed),
                live.records_scored.load(Relaxed),
                live.records_skipped.load(Relaxed),
            ));
        }
    });
}

/// Stdout behind a lock shared with the signal thread; each `write_all` (whole lines) holds
/// the lock throughout.
struct SharedWriter<W: Write>(Arc<Mutex<W>>);

impl<W: Write> Write for SharedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("output lock").write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.lock().expect("output lock").write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().expect("output lock").flush()
    }
}

/// Refuses, before anything is read or written, a dead-letter file (`--skipped`) that is one
/// of the inputs or the model, and a stdout redirected into an input or the model (the shell
/// has truncated that file already; this stops the run from reading or scoring the wreck).
/// Files are compared by identity (device and inode), so links and other spellings count.
fn check_outputs(args: &Args, sources: &[InputSource], model: Option<&Path>) -> Result<()> {
    let mut read: Vec<(FileId, String)> = Vec::new();
    for source in sources {
        if let InputSource::Text(p) | InputSource::Jsonl(p) | InputSource::Csv(p) = source {
            if let Some(id) = FileId::of(p) {
                read.push((id, format!("the input {}", p.display())));
            }
        }
    }
    if let Some(id) = model.and_then(FileId::of) {
        read.push((id, format!("the model {}", model.expect("checked").display())));
    }
    if let Some(skipped) = &args.skipped {
        if let Some(id) = FileId::of(skipped) {
            if let Some((_, what)) = read.iter().find(|(r, _)| *r == id) {
                return Err(Error::setting(
                    format!(
                        "--skipped {} is {what} (same file): writing the dead-letter file would destroy it",
                        skipped.display()
                    ),
                    "give --skipped a new file name",
                ));
            }
        }
        if skipped.is_dir() {
            return Err(Error::setting(
                format!("--skipped {} is a directory", skipped.display()),
                "give --skipped a file name, e.g. skipped.jsonl",
            ));
        }
    }
    if let Some(id) = common::stdout_id() {
        if let Some(skipped) = args.skipped.as_deref().filter(|s| FileId::of(s) == Some(id.clone()))
        {
            return Err(Error::setting(
                format!("--skipped {} is the file standard output goes to: the two would overwrite each other", skipped.display()),
                "give --skipped a file of its own",
            ));
        }
        if let Some((_, what)) = read.iter().find(|(r, _)| *r == id) {
            return Err(Error::setting(
                format!("standard output is redirected into {what}: the shell emptied it before predict started"),
                "redirect the output to a new file; restore the file from a copy or version control",
            ));
        }
    }
    Ok(())
}
