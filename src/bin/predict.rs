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
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use newsstance::predict::default_threads;
use newsstance::{
    InputReader, InputSource, ModelBundle, OutputFormat, PredictSettings, Predictor, Result,
    SentenceSplitter, Unit,
};

mod common;

/// Score news articles sentence by sentence with a trained model.
///
/// INPUT is a .txt file (one article), a directory (its .txt files, recursively), a .jsonl file
/// (one {"id": ..., "text": ...} per line), a .csv file with `id` and `text` columns, or - for
/// JSONL on stdin. Output goes to stdout, one record per sentence, in input order; warnings and
/// the final counts go to stderr.
///
/// Examples:
///   predict                                   # score data/ with models/default
///   predict --format csv articles/ > out.csv
///   predict --unit sentence sentences.jsonl   # each record is one sentence
///   predict --split-only article.txt          # sentences with offsets, no model
#[derive(Parser, Debug)]
#[command(
    version,
    verbatim_doc_comment,
    after_help = "Skipped records are counted on stderr and, with --skipped FILE, written there.\nExit codes: 0 ok (also when stdout closes early), 1 bad input or flags, 2 usage, 3 model, 5 I/O error. See docs/ERRORS.md."
)]
struct Args {
    /// Inputs to score (default: data/).
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Model bundle directory written by `train`.
    #[arg(long, default_value = "models/default", value_name = "DIR")]
    model: PathBuf,
    /// `article`: split each record into sentences; `sentence`: score each record whole.
    #[arg(long, value_enum, default_value_t = Unit::Article)]
    unit: Unit,
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
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => common::report("predict", e),
    }
}

fn run(args: Args) -> Result<()> {
    let inputs =
        if args.inputs.is_empty() { vec![PathBuf::from("data")] } else { args.inputs.clone() };
    let sources = InputSource::resolve(&inputs)?;
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
        progress: !args.quiet
            && (args.progress || std::io::IsTerminal::is_terminal(&std::io::stderr())),
    };
    let mut predictor = Predictor::new(scorer, settings)?;
    if let Some(path) = &args.furniture {
        let patterns = std::fs::read_to_string(path).map_err(|e| newsstance::Error::io(path, e))?;
        let splitter = SentenceSplitter::new().with_furniture_patterns(&patterns).map_err(|e| {
            newsstance::Error::input(
                newsstance::Location::line(path, e.line as u64),
                e.message,
                "write one `kind,pattern` per line, e.g. `promo,Subscribe to*` (see README, predict)",
            )
        })?;
        predictor = predictor.with_splitter(splitter);
    }
    let mut reader = InputReader::new(sources);
    let stdout = std::io::stdout();
    // Output comes in chunks of hundreds of kilobytes, which a buffer smaller than they are
    // passes straight to the system instead of copying; the buffer gathers small writes only.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let quiet = args.quiet;
    let mut warn = |line: &str| {
        if !quiet {
            common::eprint_line(&format!("predict: {line}"));
        }
    };
    let mut skipped_file = match &args.skipped {
        Some(path) => Some((
            path.clone(),
            std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|e| newsstance::Error::io(path, e))?,
            ),
        )),
        None => None,
    };
    let mut on_skip = |skip: &newsstance::predict::Skip| -> Result<()> {
        if let Some((path, file)) = skipped_file.as_mut() {
            file.write_all(&skip.to_json_line()).map_err(|e| newsstance::Error::io(&*path, e))?;
        }
        Ok(())
    };
    let stats = predictor.run_with_skips(&mut reader, &mut out, &mut on_skip, &mut warn)?;
    out.flush().map_err(|e| newsstance::Error::io("<stdout>", e))?;
    if let Some((path, mut file)) = skipped_file {
        file.flush().map_err(|e| newsstance::Error::io(&path, e))?;
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
    Ok(())
}
