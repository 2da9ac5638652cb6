//! Golden outputs: `predict` on the sample articles of `data/`, byte for byte.
//!
//! The files in `tests/golden/` were read line by line when they were made (sentence bounds,
//! furniture kinds, offsets, labels); any change to the splitter, the features, the model or
//! the writers shows up here as a diff to read. After an intended change, rewrite them with
//! `NEWSSTANCE_BLESS=1 cargo test --test golden`, read `git diff tests/golden`, and commit
//! them with the change.

mod common;

use common::{root, run};

/// Runs `predict ARGS` in the repository root and compares its stdout with `tests/golden/NAME`.
fn golden(name: &str, args: &[&str]) {
    let o = run("predict", args, &root(), None);
    assert!(
        o.status.success(),
        "predict {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("NEWSSTANCE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &o.stdout).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; NEWSSTANCE_BLESS=1 cargo test --test golden writes it", path.display())
    });
    if o.stdout == want {
        return;
    }
    let (got, want) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&want));
    let (got_lines, want_lines): (Vec<&str>, Vec<&str>) =
        (got.lines().collect(), want.lines().collect());
    let first = got_lines.iter().zip(&want_lines).position(|(g, w)| g != w);
    let at = first.unwrap_or(got_lines.len().min(want_lines.len()));
    panic!(
        "predict {} differs from {} (lines: {} now, {} golden); first difference at line {}:\n  now:    {}\n  golden: {}\nAfter an intended change: NEWSSTANCE_BLESS=1 cargo test --test golden, then read git diff tests/golden",
        args.join(" "),
        path.display(),
        got_lines.len(),
        want_lines.len(),
        at + 1,
        got_lines.get(at).unwrap_or(&"(none)"),
        want_lines.get(at).unwrap_or(&"(none)"),
    );
}

#[test]
fn predict_on_the_sample_articles() {
    golden("predict-data.jsonl", &["--quiet", "--model", "models/default", "data"]);
}

#[test]
fn split_only_with_furniture_as_csv() {
    // CSV with furniture: furniture lines are numbered -1, -2, ... apart from sentences and
    // carry their kind; (id, sentence) is never repeated.
    golden(
        "split-only-furniture.csv",
        &["--quiet", "--split-only", "--keep-furniture", "--format", "csv", "data"],
    );
}

#[test]
fn golden_csv_has_no_repeated_id_and_sentence() {
    let text =
        std::fs::read_to_string(root().join("tests/golden/split-only-furniture.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut seen = std::collections::HashSet::new();
    let mut furniture = 0;
    for r in reader.records() {
        let r = r.unwrap();
        assert!(seen.insert((r[0].to_string(), r[1].to_string())), "repeated key {:?}", &r);
        furniture += usize::from(r[1].starts_with('-'));
    }
    assert!(furniture > 0, "the sample articles hold page furniture");
}
