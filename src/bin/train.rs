//! `train`: fit one stance or sentiment model per task column of labeled CSVs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use newsstance::dataset::DEFAULT_META_COLUMNS;
use newsstance::features::FeatureIndex;
use newsstance::model::{surface_forms, train, Balance, FeatureSet, Precision, Provenance, Solver};
use newsstance::text::Actor;
use newsstance::{
    Error, FeatureSettings, LabeledCsvOptions, LabeledSet, Language, Location, ModelBundle, Result,
    TrainSettings,
};

mod common;
#[path = "train/report.rs"]
mod report;

use report::{render_report, REPORT_FILE};

/// Train sentence classifiers (one per task column) from labeled CSV files.
///
/// Each CSV has a header, a text column (default `text`), an optional `id`, metadata columns,
/// and one column per task: `sentiment`, `assad`, `russia`, or any other name, with any label
/// values. A blank cell means "not labeled for this task".
///
/// For every task, cross-validation chooses among candidates: feature sets (word 1-2-grams of
/// stems; the same plus character 3-4-grams within words), class balancing (none; weighted like
/// scikit-learn's class_weight='balanced') and C (0.3, 1, 3, 10, 30): 20 candidates, scored by
/// mean macro-F1 over 5 folds that keep each article's sentences together (the article_id
/// column). The best is fitted on all the task's rows. Narrow the search with --search fast,
/// --feature-set, --balance or --c. The report goes to stdout, progress to stderr.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = "Examples:\n  train                                    labels/*.csv -> models/default, full search\n  train --input mine.csv --task sentiment --out models/mine\n  train --input big.csv --cv 0 --c 3       one candidate, no cross-validation\n\nExit codes: 0 ok, 1 bad input or flags, 2 usage, 3 model, 4 training failed, 5 I/O error. See docs/ERRORS.md."
)]
struct Args {
    /// Labeled CSV file (repeatable). Default: every .csv directly in labels/.
    #[arg(long = "input", value_name = "CSV")]
    inputs: Vec<PathBuf>,
    /// Column holding the sentence.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_column: String,
    /// Task column to train (repeatable). Default: every column except id, the text column and
    /// the metadata columns.
    #[arg(long = "task", value_name = "NAME")]
    tasks: Vec<String>,
    /// Metadata column that is not a task (repeatable; replaces the default list:
    /// article_id, outlet, source, date, url, title, annotator, notes).
    #[arg(long = "meta", value_name = "NAME")]
    meta: Vec<String>,
    /// Directory to write the model bundle to (replaced atomically).
    #[arg(long, default_value = "models/default", value_name = "DIR")]
    out: PathBuf,
    /// Cross-validation folds. 0 or 1 skips cross-validation and fits one candidate: give --c;
    /// --balance defaults to weighted and --feature-set to words.
    #[arg(long, default_value_t = 5, value_name = "K")]
    cv: usize,
    /// Column whose rows stay in one fold (sentences of one article); `none` for plain
    /// stratified folds. Default: article_id, where the files have it.
    #[arg(long, value_name = "NAME")]
    group_column: Option<String>,
    /// How much to search: `full` tries both feature sets and both balancings; `fast` only
    /// word n-grams with weighted balancing (5 candidates, about 5 times faster).
    #[arg(long, value_enum, default_value_t = Search::Full)]
    search: Search,
    /// Cross-validate on at most about this many rows of a task (whole groups drawn at random),
    /// then fit the chosen candidate on all rows: bounds the search's time on large sets.
    #[arg(long, default_value_t = 10_000, value_name = "ROWS")]
    search_rows: usize,
    /// Fixed inverse regularization C (as in scikit-learn) instead of the grid.
    #[arg(long, value_name = "C")]
    c: Option<f64>,
    /// Values of C tried by cross-validation.
    #[arg(long, value_delimiter = ',', default_value = "0.3,1,3,10,30", value_name = "C,C,...")]
    c_grid: Vec<f64>,
    /// Class balancing to try (repeatable; default: none and weighted). `weighted` weighs each
    /// row by n / (classes x rows of its class); `oversample` repeats rows of smaller classes.
    #[arg(long, value_enum, value_name = "none|weighted|oversample")]
    balance: Vec<Balance>,
    /// Feature set to try (repeatable; default: words and words+chars).
    #[arg(long, value_enum, value_name = "words|words+chars")]
    feature_set: Vec<FeatureSet>,
    /// Solver: `sparse` (linfa-logistic's objective and L-BFGS on sparse rows) or `dense`
    /// (linfa-logistic on a dense matrix: the reference; slow, no row weights).
    #[arg(long, value_enum, default_value_t = Solver::Sparse)]
    solver: Solver,
    /// Word n-gram range MIN,MAX (at most 3).
    #[arg(long, default_value = "1,2", value_parser = parse_range, value_name = "MIN,MAX")]
    ngrams: (usize, usize),
    /// Character n-gram sizes MIN,MAX within words, for the words+chars feature set.
    #[arg(long, default_value = "3,4", value_parser = parse_range, value_name = "MIN,MAX")]
    char_ngrams: (usize, usize),
    /// Minimum number of sentences a term must occur in.
    #[arg(long, default_value_t = 3)]
    min_df: usize,
    /// Maximum fraction of sentences a term may occur in.
    #[arg(long, default_value_t = 1.0)]
    max_df: f64,
    /// Maximum fraction of sentences a character n-gram may occur in (words+chars): the most
    /// common n-grams say little and are most of a sentence's character features, so dropping
    /// them makes training and scoring faster.
    #[arg(long, default_value_t = 1.0)]
    char_max_df: f64,
    /// Keep at most this many word terms and this many character n-gram terms, the most
    /// frequent (0: no cap).
    #[arg(long, default_value_t = 0)]
    max_features: usize,
    /// Do not stem tokens.
    #[arg(long)]
    no_stem: bool,
    /// Drop English function words.
    #[arg(long)]
    stop_words: bool,
    /// CSV of token aliases (header `alias,token`): each alias is replaced by its token before
    /// stemming, e.g. to fold the names of one actor together.
    #[arg(long, value_name = "CSV")]
    aliases: Option<PathBuf>,
    /// CSV of actors and their names (header `actor,alias,not_after`, e.g.
    /// models/actors.csv). `predict` then reports where each sentence names an actor
    /// ("mentions"); a task named like an actor is its stance task. In the features, every
    /// single-word name becomes one placeholder per actor and datelines are left out, so the
    /// model learns what is said about the actor, not which name was used.
    #[arg(long, value_name = "CSV")]
    actors: Option<PathBuf>,
    /// With --actors: in a sentence that names an actor, every word also counts as a feature
    /// "about" that actor, so a stance task can weigh what is said about its actor otherwise
    /// than the same words elsewhere ("about:russia denied"). Naming the actor alone still
    /// adds nothing. On labels/ this raised the russia task's cross-validated macro-F1
    /// (models/README.md). `--about-features false` turns it off.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    about_features: bool,
    /// L-BFGS iteration limit per fit.
    #[arg(long, default_value_t = 1000)]
    max_iterations: u64,
    /// Cross-validation fits stop at this many times the final fit's gradient tolerance:
    /// choosing among candidates needs their predictions, not their last digits. 1 fits every
    /// fold as tightly as the final model (slower).
    #[arg(long, default_value_t = 10.0, value_name = "FACTOR")]
    cv_tolerance_factor: f64,
    /// Seed for folds and balancing.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// --solver dense: float type of the dense training matrix: f32 halves its memory and
    /// speeds up each solver iteration.
    #[arg(long, value_enum, default_value_t = Precision::F64)]
    precision: Precision,
    /// Memory budget in MB. --solver dense: for the dense training matrices alive at once
    /// (rows x features x 8 bytes for f64, 4 for f32, times the concurrent cross-validation
    /// folds); above it, --max-features is lowered to fit. Either solver: a run whose solver
    /// state (features x classes, times the fits at once) is estimated above it is refused
    /// before fitting (0: no budget).
    #[arg(long, default_value_t = 3072, value_name = "MB")]
    max_memory: u64,
    /// Most classes a task may have; a task with more is refused before training (most likely
    /// a free-text column taken for a task).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    max_classes: usize,
    /// Worker threads for cross-validation folds (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
}

/// How much of the candidate space cross-validation searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Search {
    /// Both feature sets, both balancings, every C (20 candidates).
    Full,
    /// Word n-grams, weighted balancing, every C (5 candidates).
    Fast,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => common::report("train", e),
    }
}

fn run(args: Args) -> Result<()> {
    if let Some(n) = args.threads {
        common::use_threads(n)?;
    }
    let inputs = if args.inputs.is_empty() {
        default_inputs(Path::new("labels"))?
    } else {
        args.inputs.clone()
    };
    let options = labeled_options(&args);
    let quiet = args.quiet;
    let progress = move |line: &str| {
        if !quiet {
            common::eprint_line(&format!("train: {line}"));
        }
    };
    check_columns(&args)?;
    check_out(&args, &inputs)?;
    let set = LabeledSet::read(&inputs, &options)?;
    for w in &set.warnings {
        progress(&format!("warning: {w}"));
    }
    check_tasks(&set, &args)?;
    check_groups(&set, &args)?;
    progress(&format!(
        "read {} sentences from {} file(s); tasks: {}",
        set.texts.len(),
        set.sources.len(),
        set.tasks.join(", ")
    ));
    let settings = train_settings(&args)?;
    let trained = train(&set, &settings, &progress)?;
    let provenance = Provenance {
        crate_version: env!("CARGO_PKG_VERSION").into(),
        inputs: set.sources.clone(),
        text_column: args.text_column.clone(),
        sentences: set.texts.len(),
        seed: args.seed,
    };
    let bundle = ModelBundle::new(trained, provenance);
    let index = FeatureIndex::new(bundle.features.clone(), &bundle.vocabulary);
    let surface = surface_forms(&index, set.texts.iter().map(String::as_str));
    let report = render_report(&bundle, &surface);
    let path = save(&bundle, &report, &args.out)?;
    progress(&format!("model written to {}", path.display()));
    Ok(())
}

/// How the labeled CSVs are read: the text column, the tasks, the metadata columns and the
/// group column (`article_id` unless `--group-column` says otherwise).
fn labeled_options(args: &Args) -> LabeledCsvOptions {
    LabeledCsvOptions {
        text_column: args.text_column.clone(),
        tasks: args.tasks.clone(),
        meta: if args.meta.is_empty() {
            DEFAULT_META_COLUMNS.iter().map(|s| s.to_string()).collect()
        } else {
            args.meta.clone()
        },
        group_column: match args.group_column.as_deref() {
            None => Some("article_id".into()),
            Some("none") => None,
            Some(name) => Some(name.into()),
        },
    }
}

/// A `--group-column` that no row has a value in is a mistake, not a grouping.
fn check_groups(set: &LabeledSet, args: &Args) -> Result<()> {
    if let Some(name) = args.group_column.as_deref().filter(|&n| n != "none") {
        if set.groups.iter().all(Option::is_none) {
            return Err(Error::setting(
                format!("no row has a value in a '{name}' column"),
                "name a column of the labeled files with --group-column, or use --group-column none",
            ));
        }
    }
    Ok(())
}

/// The training settings the flags ask for: features, the search space, the solver.
fn train_settings(args: &Args) -> Result<TrainSettings> {
    Ok(TrainSettings {
        features: FeatureSettings {
            word_ngrams: args.ngrams,
            char_ngrams: Some(args.char_ngrams),
            min_df: args.min_df,
            max_df: args.max_df,
            char_max_df: args.char_max_df,
            max_features: (args.max_features > 0).then_some(args.max_features),
            sublinear_tf: true,
            stop_words: args.stop_words,
            stemming: (!args.no_stem).then_some(Language::English),
            aliases: match &args.aliases {
                Some(path) => read_aliases(path)?,
                None => BTreeMap::new(),
            },
            actors: match &args.actors {
                Some(path) => Actor::read_table(path)?,
                None => Vec::new(),
            },
            about_features: args.about_features && args.actors.is_some(),
        },
        folds: args.cv,
        c_grid: args.c_grid.clone(),
        c: args.c,
        balances: match (args.balance.is_empty(), args.search, args.solver) {
            (false, _, _) => args.balance.clone(),
            (true, _, Solver::Sparse) if args.cv < 2 => vec![Balance::Weighted],
            (true, _, Solver::Dense) if args.cv < 2 => vec![Balance::Oversample],
            (true, Search::Fast, Solver::Sparse) => vec![Balance::Weighted],
            (true, Search::Fast, Solver::Dense) => vec![Balance::Oversample],
            (true, Search::Full, Solver::Sparse) => vec![Balance::None, Balance::Weighted],
            (true, Search::Full, Solver::Dense) => vec![Balance::None, Balance::Oversample],
        },
        feature_sets: match (args.feature_set.is_empty(), args.search) {
            (false, _) => args.feature_set.clone(),
            (true, _) if args.cv < 2 => vec![FeatureSet::Words],
            (true, Search::Fast) => vec![FeatureSet::Words],
            (true, Search::Full) => vec![FeatureSet::Words, FeatureSet::WordsAndChars],
        },
        solver: args.solver,
        search_rows: args.search_rows,
        max_iterations: args.max_iterations,
        cv_tolerance_factor: args.cv_tolerance_factor,
        seed: args.seed,
        precision: args.precision,
        max_memory: (args.max_memory > 0).then_some(args.max_memory << 20),
        ..TrainSettings::default()
    })
}

/// Saves the bundle and its report into `out`, then prints the report; the path of the model
/// file. The model is saved first: a closed stdout (e.g. `train | head`) only cuts the report
/// short.
fn save(bundle: &ModelBundle, report: &str, out: &Path) -> Result<PathBuf> {
    let path = bundle.save(out)?;
    let report_path = out.join(REPORT_FILE);
    std::fs::write(&report_path, report).map_err(|e| Error::io(&report_path, e))?;
    {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(report.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::io("<stdout>", e))?;
    }
    Ok(path)
}

/// Columns of the predict CSV output that every model has; a task of one of these names would
/// make a header with a name twice.
const OUTPUT_COLUMNS: &[&str] =
    &["id", "sentence", "start", "end", "start_char", "end_char", "text", "furniture", "mentions"];

/// Refuses, before anything is read, flags that name columns in ways that cannot work: a task
/// that is the text column (the model would read its own labels: a perfect, useless score), a
/// task named like `id` or another fixed output column, a group column that is the text column
/// or a task.
fn check_columns(args: &Args) -> Result<()> {
    for task in &args.tasks {
        if *task == args.text_column {
            return Err(Error::setting(
                format!("--task {task} is also the text column (--text-column {})", args.text_column),
                "a task learned from the column it labels reads its own answers: name the sentence column with --text-column and a different label column with --task",
            ));
        }
        if OUTPUT_COLUMNS.contains(&task.as_str()) {
            return Err(Error::setting(
                format!("--task {task}: '{task}' is a column of predict's output (id, sentence, start, end, text, furniture, mentions)"),
                "rename the label column in the CSV, then name it with --task",
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for task in &args.tasks {
        if !seen.insert(task) {
            return Err(Error::setting(
                format!("--task {task} is given twice"),
                "name each task once",
            ));
        }
    }
    if let Some(group) = args.group_column.as_deref().filter(|&g| g != "none") {
        if group == args.text_column || args.tasks.iter().any(|t| t == group) {
            return Err(Error::setting(
                format!("--group-column {group} is also the text column or a task"),
                "group by a column that says which article a row is from (e.g. article_id), or use --group-column none",
            ));
        }
    }
    Ok(())
}

/// Checks the tasks found in the files against predict's output: every CSV column a task
/// makes (`TASK` and `TASK_p_CLASS`) must be new, and the class count within --max-classes.
fn check_tasks(set: &LabeledSet, args: &Args) -> Result<()> {
    let mut columns: BTreeMap<String, String> = OUTPUT_COLUMNS
        .iter()
        .map(|c| (c.to_string(), "a fixed output column".to_string()))
        .collect();
    for (t, task) in set.tasks.iter().enumerate() {
        let classes: std::collections::BTreeSet<&str> =
            set.labels[t].iter().flatten().map(String::as_str).collect();
        if classes.len() > args.max_classes {
            return Err(Error::training(
                task,
                format!("{} classes, more than --max-classes {}", classes.len(), args.max_classes),
                "is this a free-text column taken for a task? name the tasks with --task, or raise --max-classes",
            ));
        }
        let names =
            std::iter::once(task.clone()).chain(classes.iter().map(|c| format!("{task}_p_{c}")));
        for name in names {
            let what = format!("a column of task '{task}'");
            if let Some(first) = columns.insert(name.clone(), what.clone()) {
                return Err(Error::setting(
                    format!("predict's CSV output would have two '{name}' columns: {first} and {what}"),
                    "rename the task column (or the class) in the labeled CSV so that every TASK and TASK_p_CLASS column name is distinct, or train the tasks apart",
                ));
            }
        }
    }
    Ok(())
}

/// Checks `--out` before any work: it must not be an existing file, must be writable, and its
/// model file must not be one of the inputs (compared by device and inode).
fn check_out(args: &Args, inputs: &[PathBuf]) -> Result<()> {
    let out = &args.out;
    let hint = "give --out a directory (it is created if needed)";
    if out.exists() && !out.is_dir() {
        return Err(Error::setting(
            format!("--out {} is an existing file, not a directory", out.display()),
            hint,
        ));
    }
    let model = out.join(newsstance::model::MODEL_FILE);
    if model.exists() && !model.is_file() {
        return Err(Error::setting(
            format!(
                "{} exists and is not a regular file: the model cannot replace it",
                model.display()
            ),
            "remove it, or give --out another directory",
        ));
    }
    if let Some(model_id) = newsstance::FileId::of(&model).or_else(|| newsstance::FileId::of(out)) {
        let named = inputs.iter().chain(&args.aliases).chain(&args.actors);
        if let Some(input) =
            named.into_iter().find(|p| newsstance::FileId::of(p) == Some(model_id.clone()))
        {
            return Err(Error::setting(
                format!(
                    "the input {} is the model file that --out {} would replace",
                    input.display(),
                    out.display()
                ),
                "write the model to another directory",
            ));
        }
    }
    // Writability: a probe file in the directory, or in the nearest existing parent.
    let mut dir = out.as_path();
    while !dir.exists() {
        match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => dir = p,
            _ => {
                dir = Path::new(".");
                break;
            }
        }
    }
    if !dir.is_dir() {
        return Err(Error::setting(
            format!("--out {}: {} is a file, not a directory", out.display(), dir.display()),
            hint,
        ));
    }
    let probe = dir.join(format!(".newsstance-write-test-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(Error::setting(
            format!("--out {}: cannot write in {}: {e}", out.display(), dir.display()),
            "check the permissions, or give --out a directory you can write to; nothing was trained",
        )),
    }
}

fn parse_range(s: &str) -> std::result::Result<(usize, usize), String> {
    let parse =
        |v: &str| v.trim().parse::<usize>().map_err(|_| format!("'{v}' is not a whole number"));
    match s.split_once(',') {
        Some((lo, hi)) => Ok((parse(lo)?, parse(hi)?)),
        None => Err(format!("expected MIN,MAX such as 1,2; got '{s}'")),
    }
}

fn default_inputs(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::input(
            Location::file(dir),
            format!("cannot list the default input directory: {e}"),
            "pass labeled CSV files with --input FILE.csv",
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::input(
            Location::file(dir),
            "no .csv files here",
            "pass labeled CSV files with --input FILE.csv",
        ));
    }
    Ok(files)
}

fn read_aliases(path: &Path) -> Result<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        Error::input(Location::file(path), e.to_string(), "give a CSV with header alias,token")
    })?;
    let mut map = BTreeMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| {
            Error::input(
                Location::line(path, i as u64 + 2),
                e.to_string(),
                "each row is alias,token",
            )
        })?;
        let (Some(alias), Some(token)) = (row.get(0), row.get(1)) else {
            return Err(Error::input(
                Location::line(path, i as u64 + 2),
                "expected two fields",
                "each row is alias,token",
            ));
        };
        let tokens = newsstance::Tokenizer::new().tokens(alias);
        let target = newsstance::Tokenizer::new().tokens(token);
        if tokens.len() != 1 || target.len() != 1 {
            return Err(Error::input(
                Location::line(path, i as u64 + 2),
                format!("'{alias}' -> '{token}' is not one word to one word"),
                "aliases replace single words; write one row per word",
            ));
        }
        map.insert(tokens[0].clone(), target[0].clone());
    }
    Ok(map)
}
