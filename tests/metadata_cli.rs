//! `predict` carries input metadata through: `--keep`, `--text-column`, `--input-format` for
//! stdin, character offsets beside byte offsets, and exit code 6 when nothing was scored.

mod common;

use common::{jsonl, root, run, small_model, stderr};

fn model() -> String {
    small_model().to_str().unwrap().to_string()
}

#[test]
fn kept_jsonl_fields_arrive_after_the_id_in_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\":\"a\",\"outlet\":\"sana\",\"date\":20150928,\"text\":\"The army advanced. Rebels withdrew.\"}\n",
            "{\"id\":\"b\",\"text\":\"Russia vetoed the resolution.\",\"outlet\":\"tass\"}\n",
        ),
    )
    .unwrap();
    let o = run(
        "predict",
        &["--model", &model(), "--keep", "outlet,date", input.to_str().unwrap()],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let records = jsonl(&o.stdout);
    assert_eq!(records.len(), 3);
    assert_eq!((&records[0]["outlet"], &records[0]["date"]), (&"sana".into(), &20150928.into()));
    assert_eq!((&records[1]["outlet"], &records[1]["date"]), (&"sana".into(), &20150928.into()));
    // A record without the field gets null.
    assert_eq!(
        (&records[2]["outlet"], &records[2]["date"]),
        (&"tass".into(), &serde_json::Value::Null)
    );
    // The kept fields come right after the id.
    let line = std::str::from_utf8(&o.stdout).unwrap().lines().next().unwrap().to_string();
    assert!(
        line.starts_with("{\"id\":\"a\",\"outlet\":\"sana\",\"date\":20150928,\"sentence\":0,"),
        "{line}"
    );
}

#[test]
fn kept_csv_columns_and_a_text_column_of_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "id,outlet,body\nx1,reuters,\"Assad spoke in Damascus. The talks went on.\"\nx2,,Russia agreed.\n",
    )
    .unwrap();
    let o = run(
        "predict",
        &[
            "--model",
            &model(),
            "--format",
            "csv",
            "--keep",
            "outlet",
            "--text-column",
            "body",
            input.to_str().unwrap(),
        ],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_reader(&o.stdout[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..8],
        ["id", "outlet", "sentence", "start", "end", "start_char", "end_char", "text"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let outlets: Vec<(&str, &str)> = rows.iter().map(|r| (&r[0], &r[1])).collect();
    assert_eq!(outlets, [("x1", "reuters"), ("x1", "reuters"), ("x2", "")]);
    // JSONL with --text-column too.
    let jsonl_input = dir.path().join("in.jsonl");
    std::fs::write(
        &jsonl_input,
        "{\"id\":\"j\",\"body\":\"Talks failed.\",\"text\":\"not this\"}\n",
    )
    .unwrap();
    let o = run(
        "predict",
        &["--model", &model(), "--text-column", "body", jsonl_input.to_str().unwrap()],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(jsonl(&o.stdout)[0]["text"], "Talks failed.");
    // A kept column the CSV does not have is refused.
    let o = run(
        "predict",
        &["--model", &model(), "--keep", "date", "--text-column", "body", input.to_str().unwrap()],
        &root(),
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no 'date' column to keep"), "{}", stderr(&o));
}

#[test]
fn keep_folder_gives_the_parent_folder_of_a_text_file() {
    let o = run("predict", &["--model", &model(), "--keep", "folder", "data"], &root(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    for r in jsonl(&o.stdout) {
        let id = r["id"].as_str().unwrap();
        let expected = if id.starts_with("data/articles/") { "articles" } else { "data" };
        assert_eq!(r["folder"], expected, "{id}");
    }
    // Other fields cannot be kept from .txt input.
    let o = run("predict", &["--model", &model(), "--keep", "outlet", "data"], &root(), None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--keep outlet"), "{}", stderr(&o));
}

#[test]
fn kept_names_that_collide_with_output_fields_are_refused_before_any_work() {
    let cases: [&[&str]; 5] = [
        &["--keep", "text"],
        &["--keep", "predictions"],
        &["--keep", "outlet,outlet"],
        &["--keep", "start_char"],
        &["--format", "csv", "--keep", "assad_p_anti"],
    ];
    for extra in cases {
        let mut args = vec!["--model", small_model().to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push("-");
        let o = run("predict", &args, &root(), Some(b"{\"text\":\"Hi there.\"}\n"));
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{extra:?}");
        assert!(stderr(&o).contains("--keep"), "{extra:?}: {}", stderr(&o));
    }
    // A task name is a CSV column, so it is refused in JSONL too.
    let o = run("predict", &["--model", &model(), "--keep", "assad", "-"], &root(), Some(b""));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("already an output field"), "{}", stderr(&o));
}

#[test]
fn stdin_takes_plain_text_and_csv_when_asked() {
    let article = "The army shelled the town. Rebels denied it.\n\nTalks went on.";
    let o = run(
        "predict",
        &["--model", &model(), "--input-format", "txt", "-"],
        &root(),
        Some(article.as_bytes()),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let records = jsonl(&o.stdout);
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r["id"] == "-"));
    let o = run(
        "predict",
        &["--model", &model(), "--input-format", "csv", "-"],
        &root(),
        Some(b"id,text\nc1,Russia vetoed it.\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(jsonl(&o.stdout)[0]["id"], "c1");
}

/// `s[start..end]` in characters, as Python slices a string.
fn char_slice(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end - start).collect()
}

#[test]
fn character_offsets_slice_the_text_like_python() {
    let text = "Assad’s forces — backed by Russia 🇷🇺 — took Aleppo. 😢 Residents fled. «Nous partons», dit-il — émus.\n\nTalks failed 💥.";
    let line = serde_json::json!({"id": "e", "text": text}).to_string() + "\n";
    for unit in ["split", "article", "sentence"] {
        for format in ["jsonl", "csv"] {
            let o = run(
                "predict",
                &["--model", &model(), "--unit", unit, "--format", format, "-"],
                &root(),
                Some(line.as_bytes()),
            );
            assert!(o.status.success(), "{}", stderr(&o));
            let rows: Vec<[String; 5]> = if format == "jsonl" {
                jsonl(&o.stdout)
                    .iter()
                    .map(|r| {
                        ["start", "end", "start_char", "end_char", "text"].map(|k| {
                            r[k].as_u64().map_or_else(
                                || r[k].as_str().unwrap().to_string(),
                                |n| n.to_string(),
                            )
                        })
                    })
                    .collect()
            } else {
                let mut reader = csv::Reader::from_reader(&o.stdout[..]);
                let h = reader.headers().unwrap().clone();
                let col = |name: &str| h.iter().position(|c| c == name).unwrap();
                reader
                    .records()
                    .map(|r| {
                        let r = r.unwrap();
                        ["start", "end", "start_char", "end_char", "text"]
                            .map(|k| r[col(k)].to_string())
                    })
                    .collect()
            };
            assert!(rows.len() >= if unit == "sentence" { 1 } else { 3 }, "{unit}: {rows:?}");
            for [start, end, start_char, end_char, sentence] in rows {
                let n = |s: &str| s.parse::<usize>().unwrap();
                assert_eq!(&text[n(&start)..n(&end)], sentence);
                assert_eq!(char_slice(text, n(&start_char), n(&end_char)), sentence);
            }
        }
    }
}

#[test]
fn nothing_scored_exits_with_code_6() {
    // Every record skipped.
    let o = run(
        "predict",
        &["--model", &model(), "-"],
        &root(),
        Some(b"{\"id\":\"a\",\"text\":\"\"}\nnot json\n"),
    );
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was scored"), "{}", stderr(&o));
    // No record at all.
    let o = run("predict", &["--model", &model(), "-"], &root(), Some(b""));
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    let o = run("predict", &["--split-only", "--input-format", "txt", "-"], &root(), Some(b"  \n"));
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    // One record scored among skips is success.
    let o = run(
        "predict",
        &["--model", &model(), "-"],
        &root(),
        Some(b"{\"text\":\"\"}\n{\"text\":\"Talks failed.\"}\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
}
