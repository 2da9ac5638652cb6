//! `train`'s report: per task, the chosen candidate, convergence, every candidate's CV score,
//! the pooled out-of-fold figures and the top features per class. Printed and written to
//! `DIR/report.txt`.

use std::collections::HashMap;

use newsstance::model::{top_features, CrossValidation};
use newsstance::ModelBundle;

/// The report's file in the bundle directory, beside the model.
pub const REPORT_FILE: &str = "report.txt";

/// Features listed per class in the report.
const TOP_FEATURES: usize = 10;

pub fn render_report(bundle: &ModelBundle, surface: &HashMap<u32, String>) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "newsstance {} — {} sentences, {} features",
        bundle.provenance.crate_version,
        bundle.provenance.sentences,
        bundle.vocabulary.len()
    );
    for input in &bundle.provenance.inputs {
        let _ = writeln!(
            s,
            "input {} ({} rows, sha256 {})",
            input.path,
            input.rows,
            &input.sha256[..16]
        );
    }
    for task in &bundle.tasks {
        let t = &task.training;
        let counts: Vec<String> =
            task.classes.iter().zip(&t.class_counts).map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(s, "\n== task {}: {} rows ({})", task.name, t.rows, counts.join(", "));
        let _ = writeln!(
            s,
            "chosen ({}): features {}, balance {}, C = {}",
            t.c_source, t.features, t.balance, t.c
        );
        let _ = writeln!(
            s,
            "final fit ({} solver) converged: {} ({} iterations, gradient norm {:.2e}, tolerance {:.2e})",
            t.solver,
            if t.converged { "yes" } else { "NO" },
            t.iterations,
            t.gradient_norm,
            t.gradient_tolerance
        );
        if let Some(cv) = &t.cv {
            render_cv(&mut s, cv, t.rows);
        }
        let _ = writeln!(
            s,
            "top {TOP_FEATURES} features per class, by weight (words as most often written in \
             the training sentences, [actor] any name of the actor, (about [actor]) a word \
             of a sentence naming the actor, (number) any number; character n-grams with … \
             for the rest of the word):"
        );
        let width = task.classes.iter().map(|c| c.chars().count()).max().unwrap_or(0);
        let show = |top: Vec<(String, f64)>| {
            top.iter().map(|(t, w)| format!("{t} {w:.2}")).collect::<Vec<_>>().join(", ")
        };
        for (c, class) in task.classes.iter().enumerate() {
            let words = top_features(&bundle.vocabulary, task, c, TOP_FEATURES, false, surface);
            let _ = writeln!(s, "  {class:<width$}  words: {}", show(words));
            let chars = top_features(&bundle.vocabulary, task, c, TOP_FEATURES, true, surface);
            if !chars.is_empty() {
                let _ = writeln!(s, "  {:<width$}  chars: {}", "", show(chars));
            }
        }
    }
    s
}

/// The cross-validation part of a task's report: every candidate's score, the folds of the
/// chosen one, and its pooled out-of-fold figures.
fn render_cv(s: &mut String, cv: &CrossValidation, rows: usize) {
    use std::fmt::Write;
    let sample =
        if cv.rows < rows { format!(" on a sample of {} rows", cv.rows) } else { String::new() };
    let _ = writeln!(
        s,
        "{}-fold CV{}{sample}, mean macro-F1 of every candidate (* chosen):",
        cv.folds,
        if cv.grouped { " by group" } else { "" }
    );
    let mut line = String::new();
    for (i, c) in cv.candidates.iter().enumerate() {
        let head = format!("  {:<12} {:<11}", c.features, c.balance);
        if !line.starts_with(&head) {
            if !line.is_empty() {
                let _ = writeln!(s, "{line}");
            }
            line = head;
        }
        let mark = if i == cv.chosen { "*" } else { " " };
        let _ = write!(line, " C={}: {:.3}{mark}", c.c, c.macro_f1);
    }
    let _ = writeln!(s, "{line}");
    let folds: Vec<String> = cv.fold_macro_f1.iter().map(|f| format!("{f:.3}")).collect();
    let _ = writeln!(
        s,
        "fold macro-F1 of the chosen candidate: {}; unconverged fits: {}",
        folds.join(" "),
        cv.unconverged_fits
    );
    let _ = write!(s, "{}", cv.report);
}
