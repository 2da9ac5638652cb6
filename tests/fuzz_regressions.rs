//! Every input saved under `fuzz/regressions/<target>/` (inputs that once crashed a fuzz
//! target, and hand-written edge cases) is run through the same checks as the fuzz target, so
//! a fixed crash stays fixed. See docs/ERRORS.md, "Fuzzing".

include!("../fuzz/checks.rs");

fn inputs(target: &str) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

#[test]
fn splitter_regressions() {
    for (path, data) in inputs("splitter") {
        eprintln!("{}", path.display());
        check_splitter(&data);
    }
}

#[test]
fn tokenizer_regressions() {
    let analyzer = fuzz_analyzer();
    let mut scratch = AnalyzerScratch::default();
    for (path, data) in inputs("tokenizer") {
        eprintln!("{}", path.display());
        check_tokenizer(&data, &analyzer, &mut scratch);
    }
}

#[test]
fn input_reader_regressions() {
    for (path, data) in inputs("input_readers") {
        eprintln!("{}", path.display());
        check_input_readers(&data);
    }
}

#[test]
fn model_loader_regressions() {
    for (path, data) in inputs("model_loader") {
        eprintln!("{}", path.display());
        check_model_loader(&data);
    }
}

#[test]
fn train_args_regressions() {
    for (path, data) in inputs("train_args") {
        eprintln!("{}", path.display());
        check_train_args(&data);
    }
}
