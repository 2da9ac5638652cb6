//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a binary of this crate with `args` in `dir`, feeding `stdin`.
pub fn run(bin: &str, args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> Output {
    run_env(bin, args, dir, stdin, &[])
}

/// As [`run`], without stdin, with the environment variables `env` set.
pub fn run_with_env(bin: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    run_env(bin, args, dir, None, env)
}

fn run_env(
    bin: &str,
    args: &[&str],
    dir: &Path,
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Output {
    let exe = match bin {
        "train" => env!("CARGO_BIN_EXE_train"),
        "predict" => env!("CARGO_BIN_EXE_predict"),
        "summarize" => env!("CARGO_BIN_EXE_summarize"),
        "evaluate" => env!("CARGO_BIN_EXE_evaluate"),
        other => panic!("unknown binary {other}"),
    };
    let mut child = Command::new(exe)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().expect("binary finishes")
}

/// Labeled rows that train in well under a second: two classes of clearly different words.
pub fn two_class_csv(rows: usize) -> String {
    let mut csv = String::from("id,text,tone\n");
    for i in 0..rows {
        let (t, l) = if i % 2 == 0 {
            ("Talks brought hope and a ceasefire", "calm")
        } else {
            ("Shelling killed many civilians", "alarmed")
        };
        csv.push_str(&format!("r{i},{t} in town {i}.,{l}\n"));
    }
    csv
}

/// (read, scored, skipped) from predict's closing line on stderr.
pub fn counts(err: &str) -> (u64, u64, u64) {
    let line = err.lines().find(|l| l.contains("records read")).expect("closing line");
    let n: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    (n[0], n[1], n[2])
}

/// A process's stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The first `n` rows of labels/sentences.csv, as CSV text (header included).
pub fn labeled_slice(n: usize) -> String {
    let text = std::fs::read_to_string(root().join("labels/sentences.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(reader.headers().unwrap()).unwrap();
    for r in reader.records().take(n) {
        w.write_record(&r.unwrap()).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// A small model trained once per test binary on a slice of the labeled corpus.
pub fn small_model() -> &'static Path {
    static MODEL: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = MODEL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("train.csv");
        std::fs::write(&csv, labeled_slice(400)).unwrap();
        let out = dir.path().join("model");
        let o = run(
            "train",
            &[
                "--input",
                csv.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--cv",
                "0",
                "--c",
                "3",
                "--quiet",
            ],
            dir.path(),
            None,
        );
        assert!(o.status.success(), "train failed: {}", String::from_utf8_lossy(&o.stderr));
        (dir, out)
    });
    path
}

/// Parses JSONL output.
pub fn jsonl(bytes: &[u8]) -> Vec<serde_json::Value> {
    std::str::from_utf8(bytes).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}
