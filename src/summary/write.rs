//! A summary as CSV (one row per row, task and class) or JSON.

use super::{Summary, TaskSummary};

/// Four decimals, or an empty cell.
fn cell(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// A number rounded to four decimals, or null.
fn number(v: Option<f64>) -> serde_json::Value {
    v.map(|v| serde_json::json!((v * 10_000.0).round() / 10_000.0))
        .unwrap_or(serde_json::Value::Null)
}

impl Summary {
    /// The CSV columns.
    pub const CSV_COLUMNS: [&'static str; 14] = [
        "level",
        "group",
        "articles",
        "task",
        "sentences",
        "mentioning",
        "among",
        "base",
        "class",
        "count",
        "share",
        "share_low",
        "share_high",
        "mean_probability",
    ];

    /// The summary as CSV, in long form: a header, then one line per row, task and class.
    /// `mentioning` is empty for a task without an actor; shares, bounds and means are empty
    /// when no sentence is in the base.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(Self::CSV_COLUMNS).expect("writing to memory");
        for row in &self.rows {
            for (task, t) in self.tasks.iter().zip(&row.tasks) {
                for (class, c) in task.classes.iter().zip(&t.classes) {
                    w.write_record([
                        row.level.clone(),
                        row.group.clone(),
                        row.articles.to_string(),
                        task.name.clone(),
                        t.sentences.to_string(),
                        t.mentioning.map(|m| m.to_string()).unwrap_or_default(),
                        t.among.name().to_string(),
                        t.base.to_string(),
                        class.clone(),
                        c.count.to_string(),
                        cell(c.share),
                        cell(c.low),
                        cell(c.high),
                        cell(c.mean_probability),
                    ])
                    .expect("writing to memory");
                }
            }
        }
        w.into_inner().expect("writing to memory")
    }

    /// The summary as JSON: the settings, then
    /// `"rows": [{"level", "group", "articles", "tasks": {TASK: {"sentences", "mentioning",
    /// "among", "base", "classes": {CLASS: {"count", "share", "low", "high",
    /// "mean_probability"}}}}}]`.
    pub fn to_json(&self) -> serde_json::Value {
        let s = &self.settings;
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let tasks: serde_json::Map<String, serde_json::Value> = self
                    .tasks
                    .iter()
                    .zip(&row.tasks)
                    .map(|(task, t)| (task.name.clone(), self.task_json(&task.classes, t)))
                    .collect();
                serde_json::json!({
                    "level": row.level,
                    "group": row.group,
                    "articles": row.articles,
                    "tasks": tasks,
                })
            })
            .collect();
        serde_json::json!({
            "settings": {
                "by": s.by,
                "article": s.article,
                "among": s.among.name(),
                "bootstrap": {
                    "replicates": s.replicates,
                    "seed": s.seed,
                    "confidence": s.confidence,
                    "units": "articles for a group of articles, sentences for one article",
                },
            },
            "rows": rows,
        })
    }

    fn task_json(&self, classes: &[String], t: &TaskSummary) -> serde_json::Value {
        let classes: serde_json::Map<String, serde_json::Value> = classes
            .iter()
            .zip(&t.classes)
            .map(|(name, c)| {
                (
                    name.clone(),
                    serde_json::json!({
                        "count": c.count,
                        "share": number(c.share),
                        "low": number(c.low),
                        "high": number(c.high),
                        "mean_probability": number(c.mean_probability),
                    }),
                )
            })
            .collect();
        serde_json::json!({
            "sentences": t.sentences,
            "mentioning": t.mentioning,
            "among": t.among.name(),
            "base": t.base,
            "classes": classes,
        })
    }
}
