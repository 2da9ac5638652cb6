//! `predict` end to end: every input kind, both formats, split-only, error paths.

mod common;

use common::{jsonl, root, run, small_model, stderr};

fn model_arg() -> String {
    small_model().to_str().unwrap().to_string()
}

#[test]
fn scores_the_sample_data_directory_with_probabilities() {
    let o = run("predict", &["--model", &model_arg(), "data"], &root(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    let records = jsonl(&o.stdout);
    assert!(records.len() > 60, "{} records", records.len());
    // Every probability is the library's for that sentence, under its task and class.
    let scorer = newsstance::ModelBundle::load(small_model()).unwrap().scorer();
    let mut scratch = Default::default();
    for r in &records {
        let expected = scorer.score(r["text"].as_str().unwrap(), &mut scratch).to_vec();
        for head in scorer.tasks() {
            let probs = &r["predictions"][&head.name]["probabilities"];
            for (c, class) in head.classes.iter().enumerate() {
                let got = probs[class].as_f64().unwrap();
                assert!((got - expected[head.offset + c]).abs() <= 5.1e-5, "{class}: {r}");
            }
        }
        let (start, end) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
        assert!(start < end);
    }
    // Offsets point into the original article.
    let first = records
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with("000_1c5835c1e7b331b8.txt"))
        .unwrap();
    let article = std::fs::read_to_string(root().join("data/000_1c5835c1e7b331b8.txt")).unwrap();
    let (s, e) =
        (first["start"].as_u64().unwrap() as usize, first["end"].as_u64().unwrap() as usize);
    assert_eq!(&article[s..e], first["text"].as_str().unwrap());
    // Page furniture is not scored as news.
    assert!(!records
        .iter()
        .any(|r| r["text"].as_str().unwrap().starts_with("Sorry, your comment")));
    assert!(stderr(&o).contains("skipped 0"), "{}", stderr(&o));
}

#[test]
fn the_readme_example_is_what_predict_writes() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme.split("```json\n").nth(1).unwrap().split("\n```").next().unwrap();
    let example: serde_json::Value = serde_json::from_str(block).unwrap();
    let id = example["id"].as_str().unwrap();
    let o = run("predict", &[id], &root(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    let records = jsonl(&o.stdout);
    let got = records.iter().find(|r| r["sentence"] == example["sentence"]).unwrap();
    assert_eq!(got, &example);
}

#[test]
fn output_order_is_deterministic_across_thread_counts() {
    let one = run("predict", &["--model", &model_arg(), "--threads", "1", "data"], &root(), None);
    let two = run("predict", &["--model", &model_arg(), "--threads", "2", "data"], &root(), None);
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn reads_files_jsonl_csv_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.txt"), "The army shelled the town. Rebels denied it.").unwrap();
    std::fs::write(
        p.join("b.jsonl"),
        "{\"id\":\"j1\",\"text\":\"Russia vetoed the resolution. Talks failed.\"}\n",
    )
    .unwrap();
    std::fs::write(p.join("c.csv"), "id,text\nc1,\"Aid arrived in Aleppo, residents said.\"\n")
        .unwrap();
    let m = model_arg();
    let o = run("predict", &["--model", &m, "a.txt", "b.jsonl", "c.csv"], p, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> =
        jsonl(&o.stdout).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["a.txt", "a.txt", "j1", "j1", "c1"]);
    let o = run("predict", &["--model", &m, "-"], p, Some(b"{\"id\":5,\"text\":\"One. Two.\"}\n"));
    let recs = jsonl(&o.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["id"], "5");
    assert_eq!(recs[1]["sentence"], 1);
}

#[test]
fn unit_sentence_scores_records_whole_and_csv_output_has_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.jsonl"),
        "{\"id\":\"x\",\"text\":\"Two sentences. Kept whole.\"}\n",
    )
    .unwrap();
    let o = run(
        "predict",
        &["--model", &model_arg(), "--unit", "sentence", "--format", "csv", "s.jsonl"],
        dir.path(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_reader(&o.stdout[..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().take(7).collect::<Vec<_>>(),
        ["id", "sentence", "start", "end", "start_char", "end_char", "text"]
    );
    assert!(headers.iter().any(|h| h == "assad_p_pro"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][6], "Two sentences. Kept whole.");
}

#[test]
fn split_only_needs_no_model() {
    let o = run(
        "predict",
        &["--split-only", "--model", "/nonexistent", "data/002_479131ca58c0f381.txt"],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = jsonl(&o.stdout);
    let article = std::fs::read_to_string(root().join("data/002_479131ca58c0f381.txt")).unwrap();
    let spans = newsstance::SentenceSplitter::new().split(&article);
    assert_eq!(recs.len(), spans.iter().filter(|s| !s.is_furniture()).count());
    assert!(recs.iter().all(|r| r.get("predictions").is_none()));
    assert!(!recs.iter().any(|r| r["text"].as_str().unwrap().starts_with("EDITORS:")));
    let kept = run(
        "predict",
        &["--split-only", "--keep-furniture", "data/002_479131ca58c0f381.txt"],
        &root(),
        None,
    );
    let furniture: Vec<_> =
        jsonl(&kept.stdout).into_iter().filter(|r| r.get("furniture").is_some()).collect();
    assert!(
        furniture
            .iter()
            .any(|r| r["text"] == "EDITORS: BEGIN OPTIONAL TRIM" && r["furniture"] == "editor_note"),
        "{furniture:?}"
    );
}

#[test]
fn furniture_patterns_file_adds_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let patterns = dir.path().join("furniture.csv");
    std::fs::write(&patterns, "kind,pattern\npromo,Subscribe to*\n").unwrap();
    let input = dir.path().join("a.jsonl");
    std::fs::write(
        &input,
        r#"{"id":"a","text":"Talks end\nBy Jane Doe\nMOSCOW (AP) — Talks ended.\nSubscribe to our channel"}"#,
    )
    .unwrap();
    let o = run(
        "predict",
        &[
            "--split-only",
            "--keep-furniture",
            "--furniture",
            patterns.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let kinds: Vec<(String, Option<String>)> = jsonl(&o.stdout)
        .iter()
        .map(|r| {
            (
                r["text"].as_str().unwrap().to_string(),
                r.get("furniture").map(|f| f.as_str().unwrap().to_string()),
            )
        })
        .collect();
    let expected = [
        ("Talks end", None),
        ("By Jane Doe", Some("byline")),
        ("MOSCOW (AP) —", Some("dateline")),
        ("Talks ended.", None),
        ("Subscribe to our channel", Some("promo")),
    ];
    let expected: Vec<(String, Option<String>)> =
        expected.iter().map(|(t, k)| (t.to_string(), k.map(String::from))).collect();
    assert_eq!(kinds, expected);
    // A bad patterns file names its line.
    std::fs::write(&patterns, "promo,x\nBad Kind,y\n").unwrap();
    let o = run(
        "predict",
        &["--split-only", "--furniture", patterns.to_str().unwrap(), input.to_str().unwrap()],
        &root(),
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("furniture.csv:2"), "{}", stderr(&o));
}

#[test]
fn kept_furniture_is_numbered_apart_and_named_in_csv() {
    // data/002 holds page furniture ("EDITORS: BEGIN OPTIONAL TRIM", bylines) between sentences.
    let article = "data/002_479131ca58c0f381.txt";
    let m = model_arg();
    let csv_rows = |args: &[&str]| {
        let o = run("predict", args, &root(), None);
        assert!(o.status.success(), "{}", stderr(&o));
        let mut reader = csv::Reader::from_reader(&o.stdout[..]);
        let headers = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        (headers, rows)
    };
    let (plain_headers, plain) = csv_rows(&["--model", &m, "--format", "csv", article]);
    assert!(!plain_headers.iter().any(|h| h == "furniture"), "{plain_headers:?}");
    let (headers, kept) =
        csv_rows(&["--model", &m, "--format", "csv", "--keep-furniture", article]);
    let columns: Vec<&str> = headers.iter().collect();
    assert_eq!(
        columns[..8],
        ["id", "sentence", "start", "end", "start_char", "end_char", "text", "furniture"]
    );
    assert_eq!(columns[8..], plain_headers.iter().skip(7).collect::<Vec<_>>()[..]);
    let (furniture, sentences): (Vec<_>, Vec<_>) = kept.iter().partition(|r| !r[7].is_empty());
    assert!(
        furniture.iter().any(|r| &r[6] == "EDITORS: BEGIN OPTIONAL TRIM" && &r[7] == "editor_note"),
        "{furniture:?}"
    );
    // Sentences keep the indices (and scores) they have without the flag.
    let strip = |r: &csv::StringRecord| {
        r.iter().enumerate().filter(|&(i, _)| i != 7).map(|(_, f)| f.to_string()).collect()
    };
    let kept_sentences: Vec<Vec<String>> = sentences.iter().map(|r| strip(r)).collect();
    let plain: Vec<Vec<String>> =
        plain.iter().map(|r| r.iter().map(String::from).collect()).collect();
    assert_eq!(kept_sentences, plain);
    // Furniture is numbered -1, -2, ... in text order, and left unscored.
    let numbers: Vec<String> = furniture.iter().map(|r| r[1].to_string()).collect();
    let expected: Vec<String> = (1..=furniture.len()).map(|i| format!("-{i}")).collect();
    assert_eq!(numbers, expected);
    assert!(furniture.iter().all(|r| r.iter().skip(8).all(str::is_empty)), "{furniture:?}");
    // (id, sentence) is a key, and JSONL numbers every unit the same way.
    let keys: Vec<(String, String)> =
        kept.iter().map(|r| (r[0].to_string(), r[1].to_string())).collect();
    let unique: std::collections::HashSet<_> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    let o = run("predict", &["--model", &m, "--keep-furniture", article], &root(), None);
    let json_keys: Vec<(String, String)> = jsonl(&o.stdout)
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r["sentence"].to_string()))
        .collect();
    assert_eq!(json_keys, keys);
}

#[test]
fn bad_jsonl_lines_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.jsonl"),
        "{\"id\":\"ok\",\"text\":\"Fine.\"}\n{oops\n{\"id\":\"nt\"}\n",
    )
    .unwrap();
    let o = run("predict", &["--model", &model_arg(), "m.jsonl"], dir.path(), None);
    assert!(o.status.success());
    assert_eq!(jsonl(&o.stdout).len(), 1);
    let err = stderr(&o);
    assert!(err.contains("m.jsonl:2: skipped"), "{err}");
    assert!(err.contains("m.jsonl:3: skipped: no \"text\" field"), "{err}");
    assert!(err.contains("records read 3, scored 1, skipped 2"), "{err}");
}

#[test]
fn error_paths_exit_non_zero_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("empty_dir")).unwrap();
    std::fs::create_dir(p.join("broken")).unwrap();
    std::fs::write(
        p.join("broken/model.nsm"),
        format!("newsstance-model {} sha256:00 bytes:3\n{{}}\n", newsstance::model::FORMAT_VERSION),
    )
    .unwrap();
    std::fs::write(p.join("a.txt"), "Text.").unwrap();
    let cases: &[(&[&str], &str, i32)] = &[
        (&["--model", "nowhere", "a.txt"], "no model here", 3),
        (&["--model", "broken", "a.txt"], "checksum mismatch", 3),
        (&["--split-only", "missing.txt"], "missing.txt: no such file", 1),
        (&["--split-only", "empty_dir"], "no .txt files", 1),
    ];
    for (args, expected, code) in cases {
        let o = run("predict", args, p, None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.contains(expected) && err.contains("hint:"), "{args:?}: {err}");
    }
}

#[test]
fn empty_input_file_is_a_counted_skip() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.txt"), "").unwrap();
    let o = run("predict", &["--split-only", "e.txt"], dir.path(), None);
    // Nothing at all was scored: exit code 6.
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("records read 1, scored 0, skipped 1"), "{}", stderr(&o));
}
