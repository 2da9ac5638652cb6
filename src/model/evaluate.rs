//! Evaluation on labeled data: score every labeled sentence of a [`LabeledSet`] and compare the
//! predictions with the labels, per task and, optionally, per group (e.g. per outlet).
//!
//! Each sentence is scored as one unit, as `predict --unit sentence` scores it. The figures
//! are those of [`ClassificationReport`]: per class precision, recall, F1 and support, the
//! accuracy and the confusion matrix (rows: true class, columns: predicted). Macro-F1 is the
//! mean F1 over the classes that occur among the rows' labels or predictions (scikit-learn's
//! default): a class absent from both, as often in a small group, does not count as an F1 of 0.
//! A class with fewer than [`SMALL_SUPPORT`] labeled rows is flagged: its figures move by
//! several points with one sentence more or less.

use std::fmt;

use rayon::prelude::*;
use serde_json::{json, Map, Value};

use crate::dataset::LabeledSet;
use crate::error::{Error, Location, Result};
use crate::model::{argmax, ClassificationReport, ScoreScratch, Scorer, TaskHead};

/// Classes with fewer labeled rows than this are flagged as too small to trust.
pub const SMALL_SUPPORT: u64 = 20;

/// The figures of every task that the labeled set and the model share.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Per task, in the model's task order.
    pub tasks: Vec<TaskEvaluation>,
    /// The column the groups come from, if any.
    pub group_column: Option<String>,
    /// Notes for the user: columns of the CSV that are not tasks of the model.
    pub warnings: Vec<String>,
}

/// One task's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskEvaluation {
    /// The task.
    pub task: String,
    /// Figures over every row labeled for the task.
    pub report: ClassificationReport,
    /// Figures per value of the group column, sorted by value (empty without groups).
    pub groups: Vec<GroupEvaluation>,
}

/// The figures of one group of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEvaluation {
    /// The group column's value (`(blank)` for rows without one).
    pub group: String,
    /// Figures over the group's rows labeled for the task.
    pub report: ClassificationReport,
}

/// The group of rows with no value in the group column.
const BLANK_GROUP: &str = "(blank)";

/// Scores every sentence of `set` labeled for a task of `scorer` and compares with the labels.
/// With `by_group`, figures are also given per value of `set.groups` (read with
/// [`crate::LabeledCsvOptions::group_column`] set to the column to group by).
///
/// Columns of the set that the model has no task for are left out with a warning (none
/// shared is an error); a label the model does not know is an error naming its file and line.
pub fn evaluate(
    scorer: &Scorer,
    set: &LabeledSet,
    group_column: Option<&str>,
) -> Result<Evaluation> {
    let files = || set.sources.iter().map(|s| s.path.as_str()).collect::<Vec<_>>().join(", ");
    let model_tasks: Vec<&str> = scorer.tasks().iter().map(|h| h.name.as_str()).collect();
    let mut warnings = Vec::new();
    for task in set.tasks.iter().filter(|t| !model_tasks.contains(&t.as_str())) {
        warnings.push(format!(
            "{}: column '{task}' is not a task of the model (its tasks: {}), so it is not \
             evaluated; if it is a task, evaluate a model trained on it (`train --task {task}`)",
            files(),
            model_tasks.join(", ")
        ));
    }
    // (head index, set task index) of every shared task, in the model's order.
    let shared: Vec<(usize, usize)> = scorer
        .tasks()
        .iter()
        .enumerate()
        .filter_map(|(h, head)| set.tasks.iter().position(|t| *t == head.name).map(|t| (h, t)))
        .collect();
    if shared.is_empty() {
        return Err(Error::input(
            Location::file(set.sources.first().map_or("<input>", |s| s.path.as_str())),
            format!(
                "no column of {} is a task of the model (the CSV's: {}; the model's: {})",
                files(),
                set.tasks.join(", "),
                model_tasks.join(", ")
            ),
            "name the label columns like the model's tasks, or evaluate with the model trained \
             on these columns (--model DIR)",
        ));
    }
    // Labels as class indices; an unknown label is an error at its first row.
    let truth = shared
        .iter()
        .map(|&(h, t)| class_indices(&scorer.tasks()[h], set, t))
        .collect::<Result<Vec<_>>>()?;
    if let Some(column) = group_column {
        if set.groups.iter().all(Option::is_none) {
            return Err(Error::input(
                Location::file(set.sources.first().map_or("<input>", |s| s.path.as_str())),
                format!("no row of {} has a value in a '{column}' column", files()),
                "name a column of the CSV with --group-by (e.g. outlet), or leave it out",
            ));
        }
    }
    let rows: Vec<usize> =
        (0..set.texts.len()).filter(|&r| truth.iter().any(|labels| labels[r].is_some())).collect();
    let predicted: Vec<Vec<usize>> = rows
        .par_iter()
        .map_init(ScoreScratch::default, |scratch, &r| {
            let p = scorer.score(&set.texts[r], scratch);
            shared
                .iter()
                .map(|&(h, _)| {
                    let head = &scorer.tasks()[h];
                    argmax(&p[head.offset..head.offset + head.classes.len()])
                })
                .collect()
        })
        .collect();
    let tasks = shared
        .iter()
        .enumerate()
        .map(|(i, &(h, _))| {
            // (row, true class, predicted class) of every row labeled for the task.
            let pairs: Vec<(usize, usize, usize)> = rows
                .iter()
                .zip(&predicted)
                .filter_map(|(&r, p)| truth[i][r].map(|t| (r, t, p[i])))
                .collect();
            task_evaluation(&scorer.tasks()[h], set, &pairs, group_column.is_some())
        })
        .collect();
    Ok(Evaluation { tasks, group_column: group_column.map(str::to_string), warnings })
}

/// The class index of each row's label for set task `t` (`None` where blank); a label that
/// is not a class of `head` is an error at its first row, with the count of such rows.
fn class_indices(head: &TaskHead, set: &LabeledSet, t: usize) -> Result<Vec<Option<usize>>> {
    let mut unknown: Vec<usize> = Vec::new();
    let labels: Vec<Option<usize>> = set.labels[t]
        .iter()
        .enumerate()
        .map(|(row, label)| {
            let label = label.as_deref()?;
            let class = head.classes.iter().position(|c| c == label);
            if class.is_none() {
                unknown.push(row);
            }
            class
        })
        .collect();
    if let Some(&row) = unknown.first() {
        let label = set.labels[t][row].as_deref().unwrap_or_default();
        let more = match unknown.len() {
            1 => String::new(),
            n => format!(" ({} rows in all have labels the model does not know)", n),
        };
        return Err(Error::input(
            set.locations[row].clone(),
            format!(
                "task '{}': the label '{label}' is not a class of the model ({}){more}",
                head.name,
                head.classes.join(", ")
            ),
            "fix the label (labels are case-sensitive), leave the cell blank to leave the \
             row out, or retrain the model with this class",
        ));
    }
    Ok(labels)
}

/// One task's figures from its (row, true class, predicted class) triples, and per group of
/// `set.groups` when `by_group`.
fn task_evaluation(
    head: &TaskHead,
    set: &LabeledSet,
    pairs: &[(usize, usize, usize)],
    by_group: bool,
) -> TaskEvaluation {
    let report_of = |pairs: &[(usize, usize, usize)]| {
        let t: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        let p: Vec<usize> = pairs.iter().map(|p| p.2).collect();
        report(&head.classes, &t, &p)
    };
    let mut groups = Vec::new();
    if by_group {
        let group_of = |row: usize| set.groups[row].as_deref().unwrap_or(BLANK_GROUP);
        let mut names: Vec<&str> = pairs.iter().map(|p| group_of(p.0)).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let members: Vec<(usize, usize, usize)> =
                pairs.iter().copied().filter(|p| group_of(p.0) == name).collect();
            groups.push(GroupEvaluation { group: name.into(), report: report_of(&members) });
        }
    }
    TaskEvaluation { task: head.name.clone(), report: report_of(pairs), groups }
}

/// The report of `truth` against `predicted`, macro-F1 over the classes that occur in either.
fn report(classes: &[String], truth: &[usize], predicted: &[usize]) -> ClassificationReport {
    let mut r = ClassificationReport::new(classes, truth, predicted);
    let present: Vec<f64> = (0..classes.len())
        .filter(|&c| truth.contains(&c) || predicted.contains(&c))
        .map(|c| r.classes[c].f1)
        .collect();
    r.macro_f1 =
        if present.is_empty() { 0.0 } else { present.iter().sum::<f64>() / present.len() as f64 };
    r
}

fn report_json(r: &ClassificationReport) -> Map<String, Value> {
    let mut classes = Map::new();
    let mut confusion = Map::new();
    for (c, row) in r.classes.iter().zip(&r.confusion) {
        classes.insert(
            c.class.clone(),
            json!({
                "precision": c.precision,
                "recall": c.recall,
                "f1": c.f1,
                "support": c.support,
                "small_support": c.support < SMALL_SUPPORT,
            }),
        );
        let cells: Map<String, Value> =
            r.classes.iter().zip(row).map(|(p, n)| (p.class.clone(), json!(n))).collect();
        confusion.insert(c.class.clone(), Value::Object(cells));
    }
    let rows: u64 = r.classes.iter().map(|c| c.support).sum();
    let mut m = Map::new();
    m.insert("rows".into(), json!(rows));
    m.insert("macro_f1".into(), json!(r.macro_f1));
    m.insert("accuracy".into(), json!(r.accuracy));
    m.insert("classes".into(), Value::Object(classes));
    m.insert("confusion".into(), Value::Object(confusion));
    m
}

impl Evaluation {
    /// The figures as JSON: `{"tasks": {TASK: {"rows", "macro_f1", "accuracy", "classes":
    /// {CLASS: {"precision", "recall", "f1", "support", "small_support"}}, "confusion":
    /// {TRUE: {PREDICTED: rows}}, "groups": {GROUP: {the same but groups}}}}, "group_by",
    /// "small_support_below"}`.
    pub fn to_json(&self) -> Value {
        let mut tasks = Map::new();
        for t in &self.tasks {
            let mut m = report_json(&t.report);
            let groups: Map<String, Value> = t
                .groups
                .iter()
                .map(|g| (g.group.clone(), Value::Object(report_json(&g.report))))
                .collect();
            m.insert("groups".into(), Value::Object(groups));
            tasks.insert(t.task.clone(), Value::Object(m));
        }
        json!({
            "tasks": tasks,
            "group_by": self.group_column,
            "small_support_below": SMALL_SUPPORT,
        })
    }
}

/// Writes a report and the classes it flags for small support.
fn write_report(f: &mut fmt::Formatter<'_>, r: &ClassificationReport) -> fmt::Result {
    write!(f, "{r}")?;
    let small: Vec<String> = r
        .classes
        .iter()
        .filter(|c| c.support < SMALL_SUPPORT)
        .map(|c| format!("{} ({})", c.class, c.support))
        .collect();
    if !small.is_empty() {
        writeln!(
            f,
            "  ! fewer than {SMALL_SUPPORT} labeled rows, figures unreliable: {}",
            small.join(", ")
        )?;
    }
    Ok(())
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.tasks.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let rows: u64 = t.report.classes.iter().map(|c| c.support).sum();
            writeln!(f, "== task {}: {rows} labeled rows", t.task)?;
            write_report(f, &t.report)?;
            let column = self.group_column.as_deref().unwrap_or("group");
            for g in &t.groups {
                let rows: u64 = g.report.classes.iter().map(|c| c.support).sum();
                writeln!(f, "\n-- task {}, {column} = {}: {rows} labeled rows", t.task, g.group)?;
                write_report(f, &g.report)?;
            }
        }
        Ok(())
    }
}
