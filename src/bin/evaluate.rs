//! `evaluate`: score labeled sentences with a trained model and compare with their labels.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use newsstance::dataset::DEFAULT_META_COLUMNS;
use newsstance::model::{evaluate, SMALL_SUPPORT};
use newsstance::{Error, LabeledCsvOptions, LabeledSet, ModelBundle, Result};

mod common;

/// Evaluate a model on labeled CSV files (the format `train` reads; a blank cell is "not
/// labeled for this task").
///
/// For every task of the model that the CSV has a column for, each labeled sentence is scored
/// (as one unit, like `predict --unit sentence`) and compared with its label: per class
/// precision, recall, F1 and support, macro-F1 (over the classes present in the labels or the
/// predictions), accuracy and the confusion matrix (rows: true class, columns: predicted).
/// With --group-by COLUMN, the same for each value of COLUMN (e.g. outlet).
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = format!(
        "Classes with fewer than {SMALL_SUPPORT} labeled rows are flagged: their figures are unreliable.\n\nExamples:\n  evaluate held_out.csv\n  evaluate --group-by outlet --format json held_out.csv > figures.json\n\nExit codes: 0 ok, 1 bad input or flags, 2 usage, 3 model, 5 I/O error. See docs/ERRORS.md."
    )
)]
struct Args {
    /// Labeled CSV files.
    #[arg(value_name = "CSV", required = true)]
    inputs: Vec<PathBuf>,
    /// Model bundle directory written by `train`.
    #[arg(long, default_value = "models/default", value_name = "DIR")]
    model: PathBuf,
    /// Column holding the sentence.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_column: String,
    /// Also give the figures per value of this column (e.g. outlet).
    #[arg(long, value_name = "COLUMN")]
    group_by: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads scoring the sentences (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Tables, one per task (and group).
    Text,
    /// One JSON object: {"tasks": {TASK: {"macro_f1", "accuracy", "classes", "confusion", "groups"}}}.
    Json,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => common::report("evaluate", e),
    }
}

fn run(args: Args) -> Result<()> {
    if let Some(n) = args.threads {
        common::use_threads(n)?;
    }
    let bundle = ModelBundle::load(&args.model)?;
    let mut meta: Vec<String> = DEFAULT_META_COLUMNS.iter().map(|s| s.to_string()).collect();
    meta.push("id".into());
    let options = LabeledCsvOptions {
        text_column: args.text_column.clone(),
        tasks: Vec::new(),
        meta,
        group_column: args.group_by.clone(),
    };
    let set = LabeledSet::read(&args.inputs, &options)?;
    let evaluation = evaluate(&bundle.scorer(), &set, args.group_by.as_deref())?;
    if !args.quiet {
        for w in evaluation.warnings.iter().chain(&trained_on(&bundle, &set)) {
            common::eprint_line(&format!("evaluate: warning: {w}"));
        }
    }
    let text = match args.format {
        Format::Text => evaluation.to_string(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&evaluation.to_json())
                .expect("figures always serialize");
            s.push('\n');
            s
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(())
}

/// A warning for every input that is, byte for byte, a file the model was trained on (the
/// bundle keeps each training file's SHA-256): its figures measure memory, not accuracy.
fn trained_on(bundle: &ModelBundle, set: &LabeledSet) -> Vec<String> {
    set.sources
        .iter()
        .filter(|s| bundle.provenance.inputs.iter().any(|i| i.sha256 == s.sha256))
        .map(|s| {
            format!(
                "{}: the model was trained on this file (same SHA-256), so these figures are not \
                 held-out figures; evaluate on labeled sentences the model has not seen (README, \
                 \"Evaluate on a held-out file\")",
                s.path
            )
        })
        .collect()
}
