//! Bad input and faults, case by case: every case ends in a clear message (file, line and
//! column where they apply, and a hint), a documented exit code and no panic; nothing read is
//! lost without a skip record and a warning. See docs/ERRORS.md.

mod common;

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{counts, jsonl, labeled_slice, small_model, stderr, two_class_csv};
use newsstance::model::{FORMAT_VERSION, MODEL_FILE};
use newsstance::{LabeledCsvOptions, LabeledSet, ModelBundle};

/// Runs a binary and checks that it did not panic.
fn run(bin: &str, args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> Output {
    let o = common::run(bin, args, dir, stdin);
    let err = stderr(&o);
    assert!(!err.contains("panicked") && o.status.code() != Some(101), "{bin} {args:?}: {err}");
    o
}

/// Runs `train` on `files` (name, content) and expects failure with `code` and every one of
/// `expected` in the message, plus a hint.
fn train_fails(files: &[(&str, &[u8])], args: &[&str], code: i32, expected: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let o = run("train", args, dir.path(), None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    for e in expected {
        assert!(err.contains(e), "{args:?}: expected {e:?} in {err}");
    }
    assert!(err.contains("hint: "), "{err}");
    assert!(!dir.path().join("models").exists(), "no model is written on error");
    err
}

const FAST: [&str; 6] = ["--cv", "0", "--c", "1", "--out", "m"];

fn fast(input: &str) -> Vec<&str> {
    let mut args = vec!["--input", input];
    args.extend(FAST);
    args
}

// ---------------------------------------------------------------- labeled CSV for `train`

#[test]
fn train_empty_file() {
    train_fails(&[("e.csv", b"")], &fast("e.csv"), 1, &["e.csv: the file is empty"]);
    train_fails(&[("w.csv", b" \n\r\n")], &fast("w.csv"), 1, &["w.csv: the file is empty"]);
    train_fails(&[("h.csv", b"text,tone\n")], &fast("h.csv"), 1, &["a header but no rows"]);
}

#[test]
fn train_missing_header() {
    train_fails(
        &[("n.csv", b"Talks brought hope.,calm\nShelling killed.,alarmed\n")],
        &fast("n.csv"),
        1,
        &["n.csv:1: no 'text' column in the header", "first line must be a header row"],
    );
}

#[test]
fn train_missing_text_column() {
    train_fails(
        &[("c.csv", b"sentence,tone\nHope.,calm\n")],
        &fast("c.csv"),
        1,
        &["c.csv:1: no 'text' column in the header (sentence, tone)", "--text-column"],
    );
}

#[test]
fn train_unknown_task() {
    let csv = two_class_csv(10);
    let mut args = fast("t.csv");
    args.extend(["--task", "russia"]);
    train_fails(&[("t.csv", csv.as_bytes())], &args, 1, &["task 'russia' is not a column"]);
}

#[test]
fn train_ragged_rows() {
    train_fails(
        &[("r.csv", b"text,tone\nHope.,calm\nFear, and more.,alarmed\n")],
        &fast("r.csv"),
        1,
        &["r.csv:3: this row has 3 fields but the header has 2", "quote cells"],
    );
}

#[test]
fn train_unterminated_quote() {
    // The row count stays right, so only the quote check stops the rest being one cell.
    train_fails(
        &[("q.csv", b"text,tone\nHope.,calm\nFear.,\"alarmed\nMore hope.,calm\nDread.,alarmed\n")],
        &fast("q.csv"),
        1,
        &["q.csv:3:2: a quote opened in cell 2 is never closed", "two quotes"],
    );
}

#[test]
fn train_task_with_all_cells_blank() {
    let mut args = fast("b.csv");
    args.extend(["--task", "tone"]);
    train_fails(
        &[("b.csv", b"text,tone,other\nHope.,,x\nFear.,,y\n")],
        &args,
        4,
        &["task 'tone': every cell of this column is blank"],
    );
}

#[test]
fn train_task_with_a_single_class() {
    train_fails(
        &[("s.csv", b"text,tone\nHope.,calm\nMore hope.,calm\n")],
        &fast("s.csv"),
        4,
        &["task 'tone': only one class ('calm') in 2 labeled rows"],
    );
}

#[test]
fn train_class_with_fewer_rows_than_folds() {
    // Three 'alarmed' rows and five folds: cross-validation runs with three folds and says so.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = two_class_csv(20)
        .lines()
        .filter(|l| !l.ends_with("alarmed"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    for i in 0..3 {
        csv.push_str(&format!("a{i},Shelling killed many civilians {i}.,alarmed\n"));
    }
    std::fs::write(dir.path().join("f.csv"), &csv).unwrap();
    let o = run("train", &["--input", "f.csv", "--cv", "5", "--c", "1"], dir.path(), None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: class 'alarmed' has 3 rows, fewer than 5 folds; using 3 folds"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("3-fold CV"));
    // A class of one row cannot be cross-validated at all.
    csv.push_str("z,A third tone.,odd\n");
    train_fails(
        &[("f.csv", csv.as_bytes())],
        &["--input", "f.csv", "--cv", "5", "--c", "1"],
        4,
        &["class 'odd' has only 1 labeled row, too few to cross-validate", "--cv 0"],
    );
}

#[test]
fn train_with_no_term_left_after_min_df() {
    let csv = two_class_csv(10);
    let mut args = fast("t.csv");
    args.extend(["--min-df", "1000"]);
    train_fails(
        &[("t.csv", csv.as_bytes())],
        &args,
        4,
        &["no term is left to learn from", "lower --min-df"],
    );
}

#[test]
fn train_non_utf8_bytes() {
    train_fails(
        &[("l.csv", b"text,tone\nHope.,calm\nCaf\xe9 bombed.,alarmed\n")],
        &fast("l.csv"),
        1,
        &["l.csv:3:1: cell 1 is not valid UTF-8", "iconv"],
    );
}

#[test]
fn train_bom_and_crlf_just_work() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("\u{feff}{}", two_class_csv(20).replace('\n', "\r\n"));
    std::fs::write(dir.path().join("w.csv"), csv).unwrap();
    let o = run("train", &fast("w.csv"), dir.path(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle = ModelBundle::load(&dir.path().join("m")).unwrap();
    assert_eq!(bundle.tasks[0].name, "tone");
    assert_eq!(bundle.tasks[0].classes, ["alarmed", "calm"]);
}

#[test]
fn train_duplicate_ids() {
    train_fails(
        &[("d.csv", b"id,text,tone\n7,Hope.,calm\n8,Fear.,alarmed\n7,Dread.,alarmed\n")],
        &fast("d.csv"),
        1,
        &["d.csv:4: id '7' was already used at d.csv:2", "unique"],
    );
    // Across files too.
    train_fails(
        &[
            ("a.csv", b"id,text,tone\n7,Hope.,calm\n"),
            ("b.csv", b"id,text,tone\n7,Fear.,alarmed\n"),
        ],
        &["--input", "a.csv", "--input", "b.csv", "--cv", "0", "--c", "1"],
        1,
        &["b.csv:2: id '7' was already used at a.csv:2"],
    );
}

#[test]
fn train_missing_input_file() {
    train_fails(&[], &fast("nope.csv"), 1, &["nope.csv: no such file", "--input"]);
}

#[test]
#[ignore = "heavy (hundreds of MB written or held): .ci/run runs it in its own step, `cargo test -- --ignored`"]
fn train_on_a_10_mb_cell() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = two_class_csv(20);
    let mut big = String::with_capacity(10 << 20);
    let mut i = 0;
    while big.len() < 10 << 20 {
        big.push_str(&format!("word{} ", i % 5000));
        i += 1;
    }
    csv.push_str(&format!("big,\"{big}\",calm\n"));
    std::fs::write(dir.path().join("big.csv"), &csv).unwrap();
    let o = run("train", &fast("big.csv"), dir.path(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle = ModelBundle::load(&dir.path().join("m")).unwrap();
    assert_eq!(bundle.tasks[0].training.rows, 21);
}

#[test]
#[ignore = "heavy (hundreds of MB written or held): .ci/run runs it in its own step, `cargo test -- --ignored`"]
fn labeled_set_reads_a_million_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(w, "id,text,tone").unwrap();
    for i in 0..1_000_000 {
        writeln!(w, "{i},Sentence number {i}.,{}", if i % 3 == 0 { "calm" } else { "" }).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let set = LabeledSet::read(&[path], &LabeledCsvOptions::default()).unwrap();
    assert_eq!(set.texts.len(), 1_000_000);
    assert_eq!(set.texts[999_999], "Sentence number 999999.");
    assert_eq!(set.labeled_rows(0).len(), 333_334);
    assert_eq!(set.locations[999_999].line, Some(1_000_001));
    assert_eq!(set.sources[0].rows, 1_000_000);
}

#[test]
fn train_with_stdout_closed_early_still_saves_the_model() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), two_class_csv(20)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_train"))
        .args(fast("t.csv"))
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{err}");
    assert!(!err.contains("panicked") && !err.contains("error"), "{err}");
    assert!(ModelBundle::load(&dir.path().join("m")).is_ok());
}

// ---------------------------------------------------------------- inputs for `predict`

fn model_arg() -> String {
    small_model().to_str().unwrap().to_string()
}

/// `predict --model M args...` in `dir`; checks that the counts on stderr add up.
fn predict(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (Output, Vec<serde_json::Value>) {
    let m = model_arg();
    let mut all = vec!["--model", m.as_str()];
    all.extend(args);
    let o = run("predict", &all, dir, stdin);
    let records = if o.status.success() { jsonl(&o.stdout) } else { Vec::new() };
    if o.status.success() {
        let (read, scored, skipped) = counts(&stderr(&o));
        assert_eq!(read, scored + skipped, "{}", stderr(&o));
    }
    (o, records)
}

fn write(dir: &Path, name: &str, content: &[u8]) {
    std::fs::write(dir.join(name), content).unwrap();
}

#[test]
fn predict_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "e.txt", b"");
    write(p, "e.jsonl", b"");
    write(p, "e.csv", b"");
    let (o, records) = predict(p, &["e.txt", "e.jsonl", "e.csv", "--skipped", "s.jsonl"], None);
    let err = stderr(&o);
    // Nothing at all was scored: exit code 6, after the counts and the dead-letter file.
    assert_eq!(o.status.code(), Some(6), "{err}");
    assert!(err.contains("nothing was scored"), "{err}");
    assert!(records.is_empty());
    // An empty .txt is one article, skipped; empty JSONL and CSV files hold no record.
    assert!(err.contains("e.txt: skipped: empty file"), "{err}");
    assert!(err.contains("e.jsonl: empty file, no records"), "{err}");
    assert!(err.contains("e.csv: empty file, no records"), "{err}");
    assert_eq!(counts(&err), (1, 0, 1));
    let skips = jsonl(&std::fs::read(p.join("s.jsonl")).unwrap());
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0]["id"], "e.txt");
    assert_eq!(skips[0]["reason"], "empty file");
}

#[test]
fn predict_binary_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    binary.extend((0..=255u8).cycle().take(4096));
    write(p, "b.txt", &binary);
    write(p, "b.jsonl", &binary);
    write(p, "ok.txt", b"The army shelled the town.");
    let (o, records) = predict(p, &["b.txt", "b.jsonl", "ok.txt"], None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("b.txt: skipped: binary file (contains NUL bytes)"), "{err}");
    assert!(err.contains("b.jsonl:1: skipped: binary data"), "{err}");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], "ok.txt");
    let (read, scored, _) = counts(&err);
    assert!(read > 2 && scored == 1, "{err}");
}

#[test]
fn predict_invalid_utf8_is_replaced_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "l.txt", b"Caf\xe9 owners fled the town.");
    write(p, "l.jsonl", b"{\"id\":\"j\",\"text\":\"Caf\xe9 owners fled.\"}\n");
    write(p, "l.csv", b"id,text\nc,Caf\xe9 owners fled.\n");
    let (o, records) = predict(p, &["l.txt", "l.jsonl", "l.csv"], None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(records.len(), 3);
    for r in &records {
        assert!(r["text"].as_str().unwrap().starts_with("Caf\u{fffd} owners fled"), "{r}");
    }
    assert!(err.contains("l.txt: invalid UTF-8 replaced with U+FFFD"), "{err}");
    assert!(err.contains("l.jsonl:1: invalid UTF-8 replaced with U+FFFD"), "{err}");
    assert!(err.contains("l.csv:2: invalid UTF-8 replaced with U+FFFD"), "{err}");
    assert_eq!(counts(&err), (3, 3, 0));
}

#[test]
fn predict_bad_jsonl_lines_between_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "m.jsonl",
        b"{\"id\":\"a\",\"text\":\"Talks resumed.\"}\n{oops\n{\"id\":\"nt\"}\n[1,2]\n{\"id\":\"n\",\"text\":3}\n{\"id\":\"b\",\"text\":\"Aid arrived.\"}\n",
    );
    let (o, records) = predict(p, &["m.jsonl", "--skipped", "dead.jsonl"], None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(err.contains("m.jsonl:2: skipped: not a JSON object"), "{err}");
    assert!(err.contains("m.jsonl:3: skipped: no \"text\" field"), "{err}");
    assert!(err.contains("m.jsonl:4: skipped: not a JSON object"), "{err}");
    assert!(err.contains("m.jsonl:5: skipped: \"text\" is a number, not a string"), "{err}");
    assert_eq!(counts(&err), (6, 2, 4));
    let dead = jsonl(&std::fs::read(p.join("dead.jsonl")).unwrap());
    let lines: Vec<u64> = dead.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert_eq!(dead[1]["id"], "nt");
    assert_eq!(dead[0]["id"], serde_json::Value::Null);
    assert!(dead.iter().all(|d| d["source"] == "m.jsonl"));
}

#[test]
fn predict_records_without_ids_get_file_line_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "n.jsonl", b"\n{\"text\":\"Talks resumed.\"}\n{\"id\":null,\"text\":\"Aid.\"}\n");
    write(p, "n.csv", b"text\nTalks resumed.\n");
    write(p, "e.csv", b"id,text\n,Aid arrived.\n");
    let (o, records) = predict(p, &["n.jsonl", "n.csv", "e.csv"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["n.jsonl:2", "n.jsonl:3", "n.csv:2", "e.csv:2"]);
    let (o, records) = predict(p, &["-"], Some(b"{\"text\":\"From stdin.\"}\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(records[0]["id"], "-:1");
}

#[test]
fn predict_directory_without_txt_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    write(dir.path(), "d/notes.md", b"# not an article");
    let (o, _) = predict(dir.path(), &["d"], None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("d: the directory holds no .txt files") && err.contains("hint:"), "{err}");
}

#[test]
fn predict_path_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = predict(dir.path(), &["gone.jsonl"], None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("gone.jsonl: no such file or directory") && err.contains("hint:"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn predict_csv_with_an_unclosed_quote_skips_the_swallowed_record() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "q.csv", b"id,text\na,Talks resumed.\nb,\"Aid arrived.\nc,Never read as a row.\n");
    let (o, records) = predict(p, &["q.csv", "--skipped", "s.jsonl"], None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(records.len(), 1);
    assert!(err.contains("q.csv:3: skipped: a quote opened in cell 2 on line 3 is never closed"));
    let skips = jsonl(&std::fs::read(p.join("s.jsonl")).unwrap());
    assert_eq!(skips[0]["id"], "b");
}

#[test]
fn predict_a_single_100_mb_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    w.write_all(b"{\"id\":\"small\",\"text\":\"Talks resumed.\"}\n{\"id\":\"big\",\"text\":\"")
        .unwrap();
    // 100 MB of text: 10,000 sentences of 10 kB.
    let sentence = format!("{}end. ", "word ".repeat(2_000));
    for _ in 0..(100 << 20) / sentence.len() + 1 {
        w.write_all(sentence.as_bytes()).unwrap();
    }
    w.write_all(b"\"}\n{\"id\":\"after\",\"text\":\"Aid arrived.\"}\n").unwrap();
    w.flush().unwrap();
    drop(w);
    assert!(std::fs::metadata(&path).unwrap().len() > 100 << 20);
    let o = Command::new(env!("CARGO_BIN_EXE_predict"))
        .args(["--model", &model_arg(), "--unit", "sentence", "big.jsonl"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(counts(&err), (3, 3, 0));
    let ids: Vec<String> = o
        .stdout
        .lines()
        .map(|l| {
            let l = l.unwrap();
            let v: serde_json::Value = serde_json::from_str(&l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids, ["small", "big", "after"]);
}

#[test]
fn predict_stdout_closed_early_exits_quietly() {
    // `predict ... | head -1`: enough output to fill the pipe, then the reader goes away.
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    for i in 0..20_000 {
        input.push_str(&format!(
            "{{\"id\":\"r{i}\",\"text\":\"Talks resumed in Geneva. Aid arrived.\"}}\n"
        ));
    }
    write(dir.path(), "many.jsonl", input.as_bytes());
    let mut child = Command::new(env!("CARGO_BIN_EXE_predict"))
        .args(["--model", &model_arg(), "many.jsonl"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"id\":\"r0\""), "{first}");
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert!(err.is_empty(), "no error spam: {err}");
}

#[test]
fn predict_counts_add_up_and_every_record_is_output_or_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "a.txt", b"The army shelled the town. Rebels denied it.");
    write(p, "furniture.txt", b"Comments\n");
    write(
        p,
        "m.jsonl",
        b"{\"id\":\"j1\",\"text\":\"One. Two.\"}\nbad\n{\"id\":\"j2\",\"text\":\"  \"}\n{\"id\":\"j3\",\"text\":\"Three.\"}\n",
    );
    write(p, "c.csv", b"id,text\nc1,Four.\nc2\nc3,\nc4,Five.\n");
    let inputs = ["a.txt", "furniture.txt", "m.jsonl", "c.csv"];
    let mut args = inputs.to_vec();
    args.extend(["--skipped", "s.jsonl"]);
    let (o, records) = predict(p, &args, None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let mut output_ids: Vec<String> =
        records.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    output_ids.dedup();
    let skips = jsonl(&std::fs::read(p.join("s.jsonl")).unwrap());
    let (read, scored, skipped) = counts(&err);
    assert_eq!((read, scored, skipped), (10, 5, 5), "{err}");
    assert_eq!(output_ids, ["a.txt", "j1", "j3", "c1", "c4"]);
    assert_eq!(skips.len() as u64, skipped);
    assert_eq!(err.matches(": skipped: ").count() as u64, skipped, "{err}");
    let reasons: Vec<&str> = skips.iter().map(|s| s["reason"].as_str().unwrap()).collect();
    assert!(reasons.iter().any(|r| r.contains("only whitespace or page furniture")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("no 'text' cell")), "{reasons:?}");
}

#[test]
fn absurd_thread_counts_are_refused_not_attempted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"Talks resumed.");
    for (bin, args) in [
        ("train", &["--threads", "100000"][..]),
        ("predict", &["--threads", "100000", "--split-only", "a.txt"][..]),
    ] {
        let o = run(bin, args, dir.path(), None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{bin}: {err}");
        assert!(
            err.contains("--threads 100000 is more than 1024") && err.contains("hint:"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------- model bundle

fn predict_with_bundle(content: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    write(dir.path(), &format!("m/{MODEL_FILE}"), content);
    write(dir.path(), "a.txt", b"Talks resumed.");
    let o = run("predict", &["--model", "m", "a.txt"], dir.path(), None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains(&format!("m/{MODEL_FILE}")) && err.contains("hint:"), "{err}");
    assert!(o.stdout.is_empty());
    err
}

fn good_bundle() -> Vec<u8> {
    std::fs::read(small_model().join(MODEL_FILE)).unwrap()
}

#[test]
fn bundle_missing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"Talks resumed.");
    let o = run("predict", &["--model", "models/none", "a.txt"], dir.path(), None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("models/none: no model here") && err.contains("train --out"), "{err}");
}

#[test]
fn bundle_truncated() {
    let good = good_bundle();
    let header = good.iter().position(|&b| b == b'\n').unwrap();
    for cut in [0, 5, header, header + 1, good.len() / 2, good.len() - 1] {
        let err = predict_with_bundle(&good[..cut]);
        assert!(err.contains("truncated") && err.contains("retrain"), "cut {cut}: {err}");
    }
}

#[test]
fn bundle_corrupted() {
    let mut bad = good_bundle();
    let i = bad.len() / 3;
    bad[i] = bad[i].wrapping_add(1);
    let err = predict_with_bundle(&bad);
    assert!(err.contains("checksum mismatch: the file is corrupted"), "{err}");
    let err = predict_with_bundle(b"\x89PNG\r\n\x1a\n not a model");
    assert!(err.contains("not a newsstance model"), "{err}");
}

#[test]
fn bundle_from_a_newer_format_version() {
    let good = String::from_utf8(good_bundle()).unwrap();
    let current = format!("newsstance-model {FORMAT_VERSION} ");
    let newer = good.replacen(&current, &format!("newsstance-model {} ", FORMAT_VERSION + 1), 1);
    let err = predict_with_bundle(newer.as_bytes());
    let expected = format!(
        "format version {} is newer than this build reads ({FORMAT_VERSION})",
        FORMAT_VERSION + 1
    );
    assert!(err.contains(&expected), "{err}");
    assert!(err.contains("upgrade newsstance"), "{err}");
    // A bundle of format 1 (before the sparse solver's summary fields) is refused, with a
    // hint to retrain.
    let older = good.replacen(&current, "newsstance-model 1 ", 1);
    let err = predict_with_bundle(older.as_bytes());
    assert!(err.contains("format version 1 is no longer supported"), "{err}");
}

#[test]
fn bundle_with_mismatched_shapes() {
    let mut bundle = ModelBundle::load(small_model()).unwrap();
    bundle.tasks[0].intercept.push(0.0);
    let dir = tempfile::tempdir().unwrap();
    bundle.save(dir.path()).unwrap();
    let err = predict_with_bundle(&std::fs::read(dir.path().join(MODEL_FILE)).unwrap());
    assert!(err.contains("intercepts for 3 classes") && err.contains("retrain"), "{err}");
    let mut bundle = ModelBundle::load(small_model()).unwrap();
    bundle.vocabulary.idf.pop();
    bundle.save(dir.path()).unwrap();
    let err = predict_with_bundle(&std::fs::read(dir.path().join(MODEL_FILE)).unwrap());
    assert!(err.contains("idf values"), "{err}");
}

#[test]
fn bundle_with_unordered_or_duplicate_names() {
    let saved = |bundle: &ModelBundle| {
        let dir = tempfile::tempdir().unwrap();
        bundle.save(dir.path()).unwrap();
        std::fs::read(dir.path().join(MODEL_FILE)).unwrap()
    };
    let good = ModelBundle::load(small_model()).unwrap();
    let refused = |bundle: &ModelBundle, expected: &str| {
        let err = predict_with_bundle(&saved(bundle));
        assert!(err.contains(expected) && err.contains("retrain the model"), "{err}");
    };
    // Two word terms swapped (idf and weights swapped along: each term keeps its own).
    let mut bundle = good.clone();
    bundle.vocabulary.terms.swap(0, 1);
    bundle.vocabulary.idf.swap(0, 1);
    for t in &mut bundle.tasks {
        let k = t.classes.len();
        for c in 0..k {
            t.weights.swap(c, k + c);
        }
    }
    refused(&bundle, "not in feature order");
    // A duplicate term.
    let mut bundle = good.clone();
    bundle.vocabulary.terms[1] = bundle.vocabulary.terms[0].clone();
    refused(&bundle, "twice");
    // A character n-gram term among the word terms: they come after every word term.
    let mut bundle = good.clone();
    bundle.vocabulary.terms.insert(0, "c:ab".into());
    bundle.vocabulary.idf.insert(0, 1.0);
    for t in &mut bundle.tasks {
        let k = t.classes.len();
        t.weights.splice(0..0, vec![0.0; k]);
    }
    refused(&bundle, "not in feature order");
    // ... and in order after them, the same bundle is fine.
    let mut ordered = bundle.clone();
    ordered.vocabulary.terms.rotate_left(1);
    ordered.vocabulary.idf.rotate_left(1);
    for t in &mut ordered.tasks {
        let k = t.classes.len();
        t.weights.rotate_left(k);
    }
    let dir = tempfile::tempdir().unwrap();
    ordered.save(dir.path()).unwrap();
    assert!(ModelBundle::load(dir.path()).is_ok());
    // Two tasks of one name; a class twice in one task.
    let mut bundle = good.clone();
    bundle.tasks[1].name = bundle.tasks[0].name.clone();
    refused(&bundle, &format!("two tasks are named '{}'", good.tasks[0].name));
    let mut bundle = good.clone();
    bundle.tasks[0].classes[1] = bundle.tasks[0].classes[0].clone();
    refused(&bundle, "twice");
}

#[test]
fn train_failing_mid_write_leaves_the_previous_model_loadable() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("l.csv"), labeled_slice(200)).unwrap();
    let args =
        |c: &'static str| ["--input", "l.csv", "--out", "m", "--cv", "0", "--c", c, "--quiet"];
    let o = run("train", &args("1"), p, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let model = p.join("m").join(MODEL_FILE);
    let previous = std::fs::read(&model).unwrap();
    let is_temporary = |e: &std::fs::DirEntry| e.file_name().to_string_lossy().contains(".tmp-");
    let temporaries = || -> Vec<_> {
        std::fs::read_dir(p.join("m")).unwrap().flatten().filter(is_temporary).collect()
    };
    // The test hook of the bundle writer: the process exits once the new bundle is written to
    // its temporary file and synced, before the rename, as a crash at that moment would.
    let o =
        common::run_with_env("train", &args("3"), p, &[("NEWSSTANCE_FAIL_AFTER_TEMP_WRITE", "1")]);
    assert_eq!(o.status.code(), Some(99), "{}", stderr(&o));
    let left = temporaries();
    assert_eq!(left.len(), 1, "the temporary file was written: {left:?}");
    assert!(std::fs::metadata(left[0].path()).unwrap().len() > 0);
    assert_eq!(std::fs::read(&model).unwrap(), previous, "the previous model is untouched");
    let loaded = ModelBundle::load(&p.join("m")).unwrap();
    assert_eq!(loaded.tasks[0].training.c, 1.0);
    // A later save clears the temporary of the dead writer, and replaces the model.
    let o = run("train", &args("3"), p, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(temporaries().is_empty(), "{:?}", temporaries());
    assert_eq!(ModelBundle::load(&p.join("m")).unwrap().tasks[0].training.c, 3.0);
}
