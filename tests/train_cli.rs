//! `train` end to end: three tasks with blank cells, reports, bundle, error paths.

mod common;

use common::{labeled_slice, root, run, stderr};

/// 300 labeled rows where `sentiment` is blank on every third row and `assad` on every fifth.
fn csv_with_blanks() -> (String, usize, usize) {
    let full = labeled_slice(300);
    let mut reader = csv::Reader::from_reader(full.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let s = headers.iter().position(|h| h == "sentiment").unwrap();
    let a = headers.iter().position(|h| h == "assad").unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    let (mut n_sentiment, mut n_assad) = (0, 0);
    for (i, r) in reader.records().enumerate() {
        let mut row: Vec<String> = r.unwrap().iter().map(String::from).collect();
        if i % 3 == 0 {
            row[s].clear();
        } else {
            n_sentiment += 1;
        }
        if i % 5 == 0 {
            row[a].clear();
        } else {
            n_assad += 1;
        }
        w.write_record(&row).unwrap();
    }
    (String::from_utf8(w.into_inner().unwrap()).unwrap(), n_sentiment, n_assad)
}

#[test]
fn trains_three_tasks_with_blank_cells_and_reports_cv() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, n_sentiment, n_assad) = csv_with_blanks();
    std::fs::write(dir.path().join("l.csv"), csv).unwrap();
    let o = run(
        "train",
        &["--input", "l.csv", "--out", "m", "--cv", "3", "--c-grid", "1,10"],
        dir.path(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8(o.stdout.clone()).unwrap();
    for task in ["assad", "russia", "sentiment"] {
        assert!(report.contains(&format!("== task {task}:")), "{report}");
    }
    assert!(report.contains(&format!("== task sentiment: {n_sentiment} rows")), "{report}");
    assert!(report.contains(&format!("== task assad: {n_assad} rows")), "{report}");
    // 2 feature sets x 2 balancings x 2 values of C, each listed with its score, one chosen.
    assert!(report.contains("3-fold CV"), "{report}");
    for (features, balance) in [("words", "none"), ("words", "weighted"), ("words+chars", "none")] {
        let head = format!("  {features:<12} {balance:<11} C=1: ");
        assert!(report.contains(&head), "{head}: {report}");
    }
    let marks = report.matches('*').count() - report.matches("(* chosen)").count();
    assert_eq!(marks, 3, "one chosen candidate per task: {report}");
    assert!(report.contains("confusion (rows: true, columns: predicted)"));
    assert!(stderr(&o).contains("fold 3/3 done"), "progress goes to stderr");
    // The top features of every class, as words, and the report beside the model.
    assert_eq!(report.matches("top 10 features per class").count(), 3, "{report}");
    assert!(!report.contains("c:") && !report.contains("actor:"), "{report}");
    let saved = std::fs::read_to_string(dir.path().join("m/report.txt")).unwrap();
    assert_eq!(saved, report);
    // The bundle loads and carries the CV figures and provenance.
    let bundle = newsstance::ModelBundle::load(&dir.path().join("m")).unwrap();
    assert_eq!(bundle.tasks.len(), 3);
    let sentiment = bundle.tasks.iter().find(|t| t.name == "sentiment").unwrap();
    assert_eq!(sentiment.training.rows, n_sentiment);
    let cv = sentiment.training.cv.as_ref().unwrap();
    assert_eq!(cv.candidates.len(), 8);
    let best = cv.candidates.iter().map(|c| c.macro_f1).fold(f64::MIN, f64::max);
    assert_eq!(cv.candidates[cv.chosen].macro_f1, best);
    let chosen = &cv.candidates[cv.chosen];
    assert_eq!(
        (chosen.features.as_str(), chosen.balance.as_str(), chosen.c),
        (
            sentiment.training.features.as_str(),
            sentiment.training.balance.as_str(),
            sentiment.training.c
        )
    );
    assert_eq!(cv.report.classes.iter().map(|c| c.support).sum::<u64>() as usize, n_sentiment);
    assert_eq!(bundle.provenance.inputs[0].rows, 300);
    assert_eq!(bundle.provenance.inputs[0].sha256.len(), 64);
}

#[test]
fn any_task_name_and_label_values_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("text,tone\n");
    for i in 0..30 {
        let (t, l) = if i % 2 == 0 {
            ("Talks brought hope and a ceasefire", "calm")
        } else {
            ("Shelling killed many civilians", "alarmed")
        };
        csv.push_str(&format!("{t} number {i}.,{l}\n"));
    }
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let o = run(
        "train",
        &["--input", "t.csv", "--out", "m", "--cv", "3", "--c", "1"],
        dir.path(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(report.contains("== task tone: 30 rows (alarmed 15, calm 15)"), "{report}");
    assert!(report.contains("macro-F1 1.000"), "{report}");
}

#[test]
fn error_paths_name_the_problem_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("empty.csv"), "").unwrap();
    std::fs::write(p.join("nocol.csv"), "sentence,assad\nx,pro\n").unwrap();
    std::fs::write(p.join("one.csv"), "text,assad\na b,pro\nc d,pro\n").unwrap();
    std::fs::write(p.join("blank.csv"), "text,assad,russia\na b,,pro\nc d,,anti\n").unwrap();
    let cases: &[(&[&str], &str, i32)] = &[
        (&["--input", "empty.csv"], "empty.csv: the file is empty", 1),
        (&["--input", "nocol.csv"], "nocol.csv:1: no 'text' column", 1),
        (
            &["--input", "nocol.csv", "--text-column", "sentence", "--task", "stance"],
            "task 'stance' is not a column",
            1,
        ),
        (&["--input", "one.csv"], "only one class ('pro')", 4),
        (&["--input", "blank.csv", "--task", "assad"], "every cell of this column is blank", 4),
        (&["--input", "missing.csv"], "missing.csv: no such file", 1),
    ];
    for (args, expected, code) in cases {
        let o = run("train", args, p, None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: expected {expected:?} in {err}");
        assert!(err.contains("hint:") || *code == 5, "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!p.join("models").exists(), "no model written on error");
}

#[test]
fn help_teaches_the_formats() {
    let o = run("train", &["--help"], &root(), None);
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(help.contains("blank cell means"), "{help}");
    assert!(help.contains("Exit codes"), "{help}");
}

#[test]
fn folds_keep_articles_together_and_never_outnumber_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,article_id,text,tone\n");
    for a in 0..3 {
        for i in 0..6 {
            let (text, tone) =
                if i % 2 == 1 { ("peace talks resumed", "pos") } else { ("bombing raids", "neg") };
            csv += &format!("r{a}-{i},a{a},Sentence {i} of article {a}: {text}.,{tone}\n");
        }
    }
    std::fs::write(dir.path().join("few.csv"), csv).unwrap();
    let o = run("train", &["--input", "few.csv", "--out", "m"], dir.path(), None);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{err}");
    assert!(err.contains("only 3 groups (e.g. articles) for 5 folds; using 3 folds"), "{err}");
    let bundle = newsstance::ModelBundle::load(&dir.path().join("m")).unwrap();
    let cv = bundle.tasks[0].training.cv.as_ref().unwrap();
    assert!(cv.grouped);
    assert_eq!(cv.folds, 3);
    // Every candidate scores 1.0 here, so the tie goes to the first, word features: the
    // character n-grams analyzed for the search are not kept in the bundle.
    let task = &bundle.tasks[0];
    assert_eq!(task.training.features, "words");
    assert!(bundle.features.char_ngrams.is_none());
    assert!(bundle.vocabulary.terms.iter().all(|t| !t.starts_with("c:")));
    assert_eq!(task.weights.len(), bundle.vocabulary.len() * task.classes.len());
    // Each fold is one article: 6 test rows each, all of them scored once.
    assert_eq!(cv.report.classes.iter().map(|c| c.support).sum::<u64>(), 18);
    // Without the article column the folds are plain stratified ones.
    let o = run(
        "train",
        &["--input", "few.csv", "--out", "m2", "--group-column", "none"],
        dir.path(),
        None,
    );
    assert!(o.status.success());
    let bundle = newsstance::ModelBundle::load(&dir.path().join("m2")).unwrap();
    let cv = bundle.tasks[0].training.cv.as_ref().unwrap();
    assert!(!cv.grouped);
    assert_eq!(cv.folds, 5);
}
