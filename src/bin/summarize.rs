//! `summarize`: per-article and per-group figures from `predict`'s JSONL, and an HTML report.

use std::io::{BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use newsstance::summary::report::{report, ReportSettings};
use newsstance::summary::{Among, Summarizer, SummarySettings};
use newsstance::{Error, Result};

// Shared with `train` and `predict`; `summarize` uses only error reporting.
#[allow(dead_code)]
mod common;

/// Summarize predict's JSONL per article, per group (any field kept with `predict --keep`) and
/// over everything: for every task, sentences scored, sentences that mention its actor, the share
/// of each class among them with a bootstrap confidence interval, and mean probabilities.
///
/// Examples:
///   predict --keep folder data/ > scored.jsonl
///   summarize --by folder scored.jsonl > summary.csv
///   summarize --by outlet --format json scored.jsonl
///   summarize --by outlet --html report.html scored.jsonl > summary.csv
#[derive(Parser, Debug)]
#[command(
    version,
    verbatim_doc_comment,
    after_help = "Rows: level `all`, then each --by field's groups, then every article. The interval of a group's share resamples its articles (B replicates, SplitMix64 from --seed, percentile interval); an article's resamples its sentences. See README.md.\nExit codes: 0 ok, 1 bad input or flags, 2 usage, 5 I/O error."
)]
struct Args {
    /// predict's JSONL (default: - , stdin).
    #[arg(value_name = "JSONL")]
    inputs: Vec<PathBuf>,
    /// A field to group articles by (a field kept with predict --keep); repeat or separate with
    /// commas for more levels.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    by: Vec<String>,
    /// The field that tells articles apart.
    #[arg(long, default_value = "id", value_name = "FIELD")]
    article: String,
    /// Shares among the sentences that mention the task's actor (stance tasks), or among all.
    #[arg(long, value_enum, default_value_t = Among::Mentions)]
    among: Among,
    /// Output format of the summary on stdout.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Bootstrap replicates (0: no intervals).
    #[arg(long, default_value_t = 1000, value_name = "B")]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Also write a self-contained HTML report (chart by the first --by field, articles with
    /// sentences coloured by stance) to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// The task the report colours and charts (default: the first).
    #[arg(long, value_name = "NAME")]
    task: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => common::report("summarize", e),
    }
}

fn run(args: Args) -> Result<()> {
    if args.bootstrap > 1_000_000 {
        return Err(Error::setting(
            format!("--bootstrap {} is more than 1000000", args.bootstrap),
            "1000 replicates give intervals stable to about a percentage point",
        ));
    }
    let settings = SummarySettings {
        by: args.by.iter().map(|b| b.trim().to_string()).collect(),
        article: args.article.clone(),
        among: args.among,
        replicates: args.bootstrap,
        seed: args.seed,
        confidence: args.confidence,
    };
    let mut summarizer = Summarizer::new(settings);
    if args.html.is_some() {
        summarizer = summarizer.keep_sentences();
    }
    let inputs = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs };
    for input in &inputs {
        if input.as_os_str() == "-" {
            summarizer.read(std::io::stdin().lock(), "-")?;
        } else {
            let file = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
            summarizer.read(BufReader::with_capacity(1 << 20, file), input)?;
        }
    }
    let summary = summarizer.summarize()?;
    if let Some(path) = &args.html {
        let source = inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let page =
            report(&summarizer, &summary, &ReportSettings { task: args.task.clone(), source })?;
        std::fs::write(path, page).map_err(|e| Error::io(path, e))?;
    }
    let bytes = match args.format {
        Format::Csv => summary.to_csv(),
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(&summary.to_json()).expect("JSON to memory");
            b.push(b'\n');
            b
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes).and_then(|()| out.flush()).map_err(|e| Error::io("<stdout>", e))?;
    Ok(())
}
