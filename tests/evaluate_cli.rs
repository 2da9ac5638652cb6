//! `evaluate`: its figures equal the ones counted here from the per-sentence predictions of
//! the library, on a labeled slice of labels/sentences.csv; its messages name the problem.

mod common;

use std::collections::BTreeMap;

use common::{root, run, stderr};
use newsstance::Model;
use serde_json::Value;

/// Every 6th row of labels/sentences.csv, with some cells blanked (not labeled) and an extra
/// column that is no task of the model.
fn slice() -> String {
    let text = std::fs::read_to_string(root().join("labels/sentences.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let russia = headers.iter().position(|h| h == "russia").unwrap();
    let sentiment = headers.iter().position(|h| h == "sentiment").unwrap();
    headers.push("tone".into());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for (i, r) in reader.records().step_by(6).enumerate() {
        let mut r: Vec<String> = r.unwrap().iter().map(String::from).collect();
        if i % 5 == 0 {
            r[russia].clear();
        }
        if i % 7 == 0 {
            r[sentiment].clear();
        }
        r.push(if i % 2 == 0 { "calm".into() } else { String::new() });
        w.write_record(&r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Per-class (tp, predicted, support) and the figures, counted here.
struct Counts {
    classes: Vec<String>,
    /// confusion[true][predicted]
    confusion: Vec<Vec<u64>>,
}

impl Counts {
    fn check(&self, got: &Value, what: &str) {
        let k = self.classes.len();
        let rows: u64 = self.confusion.iter().flatten().sum();
        assert_eq!(got["rows"].as_u64(), Some(rows), "{what}");
        let mut f1s = Vec::new();
        let mut correct = 0;
        for c in 0..k {
            let tp = self.confusion[c][c];
            correct += tp;
            let support: u64 = self.confusion[c].iter().sum();
            let predicted: u64 = (0..k).map(|t| self.confusion[t][c]).sum();
            let precision = if predicted > 0 { tp as f64 / predicted as f64 } else { 0.0 };
            let recall = if support > 0 { tp as f64 / support as f64 } else { 0.0 };
            let f1 = if tp > 0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            if support > 0 || predicted > 0 {
                f1s.push(f1);
            }
            let g = &got["classes"][&self.classes[c]];
            let close = |key: &str, want: f64| {
                let v = g[key].as_f64().unwrap_or_else(|| panic!("{what} {key}: {g}"));
                assert!(
                    (v - want).abs() < 1e-12,
                    "{what} {} {key}: {v} vs {want}",
                    self.classes[c]
                );
            };
            close("precision", precision);
            close("recall", recall);
            close("f1", f1);
            assert_eq!(g["support"].as_u64(), Some(support), "{what}");
            assert_eq!(g["small_support"].as_bool(), Some(support < 20), "{what}");
            for p in 0..k {
                assert_eq!(
                    got["confusion"][&self.classes[c]][&self.classes[p]].as_u64(),
                    Some(self.confusion[c][p]),
                    "{what}"
                );
            }
        }
        let macro_f1 = f1s.iter().sum::<f64>() / f1s.len() as f64;
        assert!((got["macro_f1"].as_f64().unwrap() - macro_f1).abs() < 1e-12, "{what}");
        let accuracy = correct as f64 / rows as f64;
        assert!((got["accuracy"].as_f64().unwrap() - accuracy).abs() < 1e-12, "{what}");
    }
}

#[test]
fn figures_equal_an_independent_count_per_task_and_per_outlet() {
    let dir = tempfile::tempdir().unwrap();
    let csv_text = slice();
    std::fs::write(dir.path().join("held.csv"), &csv_text).unwrap();
    let model_dir = root().join("models/default");
    let o = run(
        "evaluate",
        &[
            "--model",
            model_dir.to_str().unwrap(),
            "--group-by",
            "outlet",
            "--format",
            "json",
            "held.csv",
        ],
        dir.path(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The extra column is named, with what to do.
    let err = stderr(&o);
    assert!(err.contains("held.csv: column 'tone' is not a task of the model"), "{err}");
    assert!(err.contains("train --task tone"), "{err}");

    // Independently: every labeled sentence through the library's per-sentence API, counted.
    let model = Model::load(&model_dir).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (text, outlet) = (col("text"), col("outlet"));
    let mut whole: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_outlet: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for r in reader.records() {
        let r = r.unwrap();
        let predicted = model.predict_sentence(r[text].trim());
        for p in &predicted {
            let label = r[col(&p.task)].trim();
            if label.is_empty() {
                continue;
            }
            let classes: Vec<String> = p.probabilities.iter().map(|(c, _)| c.clone()).collect();
            let t = classes.iter().position(|c| c == label).unwrap();
            let q = classes.iter().position(|c| *c == p.label).unwrap();
            let new = || Counts { classes: classes.clone(), confusion: vec![vec![0; 3]; 3] };
            whole.entry(p.task.clone()).or_insert_with(new).confusion[t][q] += 1;
            let key = (p.task.clone(), r[outlet].trim().to_string());
            by_outlet.entry(key).or_insert_with(new).confusion[t][q] += 1;
        }
    }
    let tasks = got["tasks"].as_object().unwrap();
    assert_eq!(tasks.keys().collect::<Vec<_>>(), ["assad", "russia", "sentiment"]);
    for (task, counts) in &whole {
        counts.check(&got["tasks"][task], task);
    }
    let mut outlets = 0;
    for ((task, outlet), counts) in &by_outlet {
        counts.check(&got["tasks"][task]["groups"][outlet], &format!("{task} {outlet}"));
        outlets += 1;
    }
    for task in ["assad", "russia", "sentiment"] {
        outlets -= got["tasks"][task]["groups"].as_object().unwrap().len();
    }
    assert_eq!(outlets, 0, "no group beyond those counted here");
    assert!(by_outlet.len() > 10, "the slice spans the outlets");
    assert_eq!(got["group_by"], "outlet");

    // The text report: a table per task and per outlet, small supports flagged.
    let o = run(
        "evaluate",
        &["--model", model_dir.to_str().unwrap(), "--group-by", "outlet", "held.csv"],
        dir.path(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("== task russia:"), "{text}");
    assert!(text.contains("-- task assad, outlet = "), "{text}");
    assert!(text.contains("confusion (rows: true, columns: predicted)"), "{text}");
    assert!(text.contains("! fewer than 20 labeled rows, figures unreliable: "), "{text}");
}

#[test]
fn unknown_labels_missing_tasks_and_columns_are_errors_that_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let model = root().join("models/default");
    let model = model.to_str().unwrap();
    let eval = |file: &str, content: &str, extra: &[&str]| {
        std::fs::write(dir.path().join(file), content).unwrap();
        let mut args = vec!["--model", model];
        args.extend_from_slice(extra);
        args.push(file);
        run("evaluate", &args, dir.path(), None)
    };
    let o = eval("a.csv", "text,assad\nThe army shelled the town.,anti\nAssad spoke.,Anti\n", &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("a.csv:3") && e.contains("the label 'Anti' is not a class"), "{e}");
    assert!(e.contains("anti, neutral, pro") && e.contains("case-sensitive"), "{e}");

    let o = eval("b.csv", "text,tone\nThe army shelled the town.,calm\n", &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("b.csv") && e.contains("no column of b.csv is a task of the model"), "{e}");

    let o =
        eval("c.csv", "text,assad\nThe army shelled the town.,anti\n", &["--group-by", "outlet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no row of c.csv has a value in a 'outlet' column"),
        "{}",
        stderr(&o)
    );

    let o = eval("d.csv", "sentence,assad\nx,anti\n", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no 'text' column"), "{}", stderr(&o));
    let o = eval(
        "d.csv",
        "sentence,assad\nThe army shelled the town.,anti\n",
        &["--text-column", "sentence", "--format", "json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tasks"]["assad"]["rows"], 1);

    let o = run("evaluate", &["--model", "/nowhere", "x.csv"], dir.path(), None);
    assert_eq!(o.status.code(), Some(3));
    let o = run("evaluate", &["--model", model, "missing.csv"], dir.path(), None);
    assert_eq!(o.status.code(), Some(1));
    let o = run("evaluate", &["--format", "xml", "x.csv"], dir.path(), None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn evaluating_on_a_training_file_is_flagged() {
    // models/default was trained on labels/sentences.csv: the same bytes, a warning.
    let o = run(
        "evaluate",
        &["--model", "models/default", "--format", "json", "labels/sentences.csv"],
        &root(),
        None,
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("labels/sentences.csv: the model was trained on this file"), "{err}");
    // A slice of it is other bytes: no such warning.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("held.csv"), slice()).unwrap();
    let model = root().join("models/default");
    let o = run("evaluate", &["--model", model.to_str().unwrap(), "held.csv"], dir.path(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("trained on this file"), "{}", stderr(&o));
}
