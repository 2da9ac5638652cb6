//! Summaries of `predict`'s JSONL: per article, per group of articles (any field kept with
//! `predict --keep`, such as `outlet` or `date`) and over everything, for every task: sentences
//! scored, sentences that mention the task's actor, the share of each class among them, the
//! mean class probabilities and a bootstrap confidence interval for the shares ([`bootstrap`]).
//! [`report`] writes the same as one self-contained HTML page.
//!
//! ```
//! use newsstance::summary::{Summarizer, SummarySettings};
//! let jsonl = r#"{"id":"a","outlet":"x","sentence":0,"text":"Assad spoke.","mentions":{"assad":[[0,5]]},"predictions":{"assad":{"label":"neutral","probabilities":{"anti":0.2,"neutral":0.7,"pro":0.1}}}}"#;
//! let settings = SummarySettings { by: vec!["outlet".into()], ..SummarySettings::default() };
//! let mut s = Summarizer::new(settings);
//! s.read(jsonl.as_bytes(), "scored.jsonl").unwrap();
//! let summary = s.summarize().unwrap();
//! let outlet = summary.rows.iter().find(|r| r.level == "outlet").unwrap();
//! assert_eq!(outlet.tasks[0].classes[1].share, Some(1.0));
//! ```

pub mod bootstrap;
pub mod report;
mod write;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use crate::error::{Error, Location, Result};

/// Which sentences the shares and mean probabilities of a task are computed among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Among {
    /// For a task named like an actor (a stance task), the sentences that mention the actor
    /// (`"mentions"` in predict's output); for other tasks, or input without mentions, all.
    #[default]
    Mentions,
    /// All scored sentences.
    All,
}

impl Among {
    /// `mentions` or `all`, as written in the output.
    pub fn name(self) -> &'static str {
        match self {
            Among::Mentions => "mentions",
            Among::All => "all",
        }
    }
}

/// How to summarize.
#[derive(Debug, Clone, PartialEq)]
pub struct SummarySettings {
    /// Fields to group articles by, one level of rows each (`outlet`, `date`).
    pub by: Vec<String>,
    /// The field that tells articles apart (default `id`; e.g. `article_id` when each input
    /// record was one sentence).
    pub article: String,
    /// Which sentences the shares are computed among.
    pub among: Among,
    /// Bootstrap replicates (0: no confidence intervals).
    pub replicates: usize,
    /// Seed of the bootstrap's generator.
    pub seed: u64,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

impl Default for SummarySettings {
    fn default() -> Self {
        SummarySettings {
            by: Vec::new(),
            article: "id".into(),
            among: Among::Mentions,
            replicates: 1000,
            seed: 42,
            confidence: 0.95,
        }
    }
}

/// A task as found in the input: its name, classes (in the order of the input's
/// probabilities) and whether the input has mentions of an actor of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskInfo {
    /// The task's name.
    pub name: String,
    /// Its classes.
    pub classes: Vec<String>,
    /// Whether records carry `"mentions"` of an actor named like the task.
    pub actor: bool,
}

/// Per article and task: what a sentence of each kind adds up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TaskCounts {
    /// Sentences scored.
    pub scored: u64,
    /// Sentences that mention the task's actor.
    pub mentioning: u64,
    /// Sentences the shares are computed among.
    pub base: u64,
    /// Per class: base sentences labeled with it.
    pub counts: Vec<u64>,
    /// Per class: the sum of its probability over the base sentences.
    pub probability_sums: Vec<f64>,
}

impl TaskCounts {
    fn new(classes: usize) -> Self {
        TaskCounts {
            counts: vec![0; classes],
            probability_sums: vec![0.0; classes],
            ..Default::default()
        }
    }

    fn add(&mut self, other: &TaskCounts) {
        self.scored += other.scored;
        self.mentioning += other.mentioning;
        self.base += other.base;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.probability_sums.iter_mut().zip(&other.probability_sums) {
            *a += b;
        }
    }
}

/// One article: its key, the values of the grouping fields, every kept field (for the report)
/// and its counts per task.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The value of the article field.
    pub key: String,
    /// Per grouping field, its value in the article's first record.
    pub groups: Vec<String>,
    /// The article's fields other than predict's own (those kept with `--keep`), in name order.
    pub fields: Vec<(String, String)>,
    pub(crate) tasks: Vec<TaskCounts>,
    /// Per task, per base sentence (in input order): its class. The bootstrap of an article's
    /// shares draws from these, with the sentences outside the base as `None`.
    pub(crate) labels: Vec<Vec<Option<u16>>>,
}

/// A task's prediction of one sentence, kept for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct SentencePrediction {
    /// Index of the predicted class.
    pub label: usize,
    /// Probability of each class.
    pub probabilities: Vec<f64>,
    /// Terms that pushed the prediction (`predict --explain`): the term and its weight.
    pub terms: Vec<(String, f64)>,
    /// Whether the sentence mentions the task's actor (`None`: not known).
    pub mentions: Option<bool>,
}

/// A scored sentence, kept for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Index of its article in [`Summarizer::articles`].
    pub article: usize,
    /// The sentence's text.
    pub text: String,
    /// Per task, its prediction.
    pub predictions: Vec<SentencePrediction>,
}

/// Reads `predict`'s JSONL and gathers what [`Summarizer::summarize`] needs.
#[derive(Debug, Clone)]
pub struct Summarizer {
    settings: SummarySettings,
    tasks: Vec<TaskInfo>,
    articles: Vec<Article>,
    index: HashMap<String, usize>,
    sentences: Option<Vec<Sentence>>,
    /// Records read without predictions (furniture, `--split-only` output).
    unscored: u64,
}

/// One row of a summary: a group of articles (or one article, or all).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `all`, `article`, or the name of a grouping field.
    pub level: String,
    /// The group's value (the article's key at level `article`; empty at level `all`).
    pub group: String,
    /// Articles in the group.
    pub articles: u64,
    /// Per task (in [`Summary::tasks`]' order).
    pub tasks: Vec<TaskSummary>,
}

/// A row's figures for one task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSummary {
    /// Sentences scored.
    pub sentences: u64,
    /// Sentences that mention the task's actor (`None` when the input has no mentions for it).
    pub mentioning: Option<u64>,
    /// Which sentences the shares are among.
    pub among: Among,
    /// How many sentences that is.
    pub base: u64,
    /// Per class (in [`TaskInfo::classes`]' order).
    pub classes: Vec<ClassSummary>,
}

/// A row's figures for one class of a task. Shares and means are `None` when no sentence is in
/// the base; the interval is `None` without replicates, too.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassSummary {
    /// Base sentences labeled with the class.
    pub count: u64,
    /// `count / base`.
    pub share: Option<f64>,
    /// Lower end of the bootstrap interval of the share.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Mean probability of the class over the base sentences.
    pub mean_probability: Option<f64>,
}

/// The summary: tasks, settings and rows (level `all`, then each grouping field's groups sorted
/// by value, then every article in input order).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The settings it was made with.
    pub settings: SummarySettings,
    /// The tasks.
    pub tasks: Vec<TaskInfo>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// A field's value as a group name: strings as they are, `null` or missing as `(none)`, other
/// values as JSON.
fn value_name(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        None | Some(serde_json::Value::Null) => "(none)".into(),
        Some(other) => other.to_string(),
    }
}

impl Summarizer {
    /// A summarizer with `settings`.
    pub fn new(settings: SummarySettings) -> Self {
        Summarizer {
            settings,
            tasks: Vec::new(),
            articles: Vec::new(),
            index: HashMap::new(),
            sentences: None,
            unscored: 0,
        }
    }

    /// Also keeps every scored sentence, for [`report`].
    pub fn keep_sentences(mut self) -> Self {
        self.sentences = Some(Vec::new());
        self
    }

    /// The tasks found so far.
    pub fn tasks(&self) -> &[TaskInfo] {
        &self.tasks
    }

    /// The articles read so far, in input order.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The sentences kept ([`Summarizer::keep_sentences`]).
    pub fn sentences(&self) -> &[Sentence] {
        self.sentences.as_deref().unwrap_or(&[])
    }

    /// The settings.
    pub fn settings(&self) -> &SummarySettings {
        &self.settings
    }

    /// Records read that had no predictions (page furniture, `--split-only` output).
    pub fn unscored(&self) -> u64 {
        self.unscored
    }

    /// Reads `predict`'s JSONL from `reader`; `name` names it in errors.
    pub fn read(&mut self, reader: impl BufRead, name: impl AsRef<Path>) -> Result<()> {
        let name = name.as_ref();
        for (i, line) in reader.split(b'\n').enumerate() {
            let line = line.map_err(|e| Error::io(name, e))?;
            let location = Location::line(name, i as u64 + 1);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record: serde_json::Value = serde_json::from_slice(&line).map_err(|e| {
                Error::input(
                    location.clone(),
                    format!("not a JSON line: {e}"),
                    "summarize reads the JSONL that predict writes (predict --format jsonl)",
                )
            })?;
            self.add(&record, &location)?;
        }
        Ok(())
    }

    /// Adds one record of `predict`'s JSONL, read at `location`.
    pub fn add(&mut self, record: &serde_json::Value, location: &Location) -> Result<()> {
        let bad = |message: String| {
            Error::input(
                location.clone(),
                message,
                "summarize reads the JSONL that predict writes (predict --format jsonl)",
            )
        };
        let Some(object) = record.as_object() else {
            return Err(bad("not a JSON object".into()));
        };
        let Some(predictions) = object.get("predictions").and_then(|p| p.as_object()) else {
            self.unscored += 1;
            return Ok(());
        };
        if self.tasks.is_empty() {
            self.tasks = tasks_of(object, predictions).map_err(bad)?;
        }
        if predictions.len() != self.tasks.len()
            || !self.tasks.iter().all(|t| predictions.contains_key(&t.name))
        {
            return Err(bad(format!(
                "the tasks here ({}) are not those of the first record ({})",
                predictions.keys().cloned().collect::<Vec<_>>().join(", "),
                self.tasks.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        let article = self.article_of(object);
        let mentions = object.get("mentions").and_then(|m| m.as_object());
        let mut kept = Vec::with_capacity(self.tasks.len());
        for (t, task) in self.tasks.iter().enumerate() {
            let p = &predictions[&task.name];
            let probs = p.get("probabilities").and_then(|p| p.as_object());
            let probabilities: Option<Vec<f64>> = probs.and_then(|probs| {
                task.classes.iter().map(|c| probs.get(c).and_then(|v| v.as_f64())).collect()
            });
            let Some(probabilities) = probabilities else {
                return Err(bad(format!(
                    "task '{}': the probabilities of its classes ({}) are missing",
                    task.name,
                    task.classes.join(", ")
                )));
            };
            let label = p.get("label").and_then(|l| l.as_str());
            let Some(label) = label.and_then(|l| task.classes.iter().position(|c| c == l)) else {
                return Err(bad(format!("task '{}': no label among its classes", task.name)));
            };
            let mention = mentions
                .and_then(|m| m.get(&task.name))
                .map(|m| m.as_array().is_some_and(|a| !a.is_empty()));
            let among_mentions = task.actor && self.settings.among == Among::Mentions;
            let in_base = !among_mentions || mention == Some(true);
            let counts = &mut self.articles[article].tasks[t];
            counts.scored += 1;
            counts.mentioning += u64::from(mention == Some(true));
            if in_base {
                counts.base += 1;
                counts.counts[label] += 1;
                for (s, p) in counts.probability_sums.iter_mut().zip(&probabilities) {
                    *s += p;
                }
            }
            self.articles[article].labels[t].push(in_base.then_some(label as u16));
            if self.sentences.is_some() {
                let terms = terms_of(p);
                kept.push(SentencePrediction { label, probabilities, terms, mentions: mention });
            }
        }
        if let Some(sentences) = &mut self.sentences {
            let text = object.get("text").and_then(|t| t.as_str()).unwrap_or("").to_string();
            sentences.push(Sentence { article, text, predictions: kept });
        }
        Ok(())
    }

    /// The index of the record's article in `self.articles`, added on its first record.
    fn article_of(&mut self, object: &serde_json::Map<String, serde_json::Value>) -> usize {
        let key = value_name(object.get(&self.settings.article));
        match self.index.get(&key) {
            Some(&a) => a,
            None => {
                let fields = object
                    .iter()
                    .filter(|(k, _)| !own_field(k))
                    .map(|(k, v)| (k.clone(), value_name(Some(v))))
                    .collect();
                self.articles.push(Article {
                    key: key.clone(),
                    groups: self.settings.by.iter().map(|b| value_name(object.get(b))).collect(),
                    fields,
                    tasks: self.tasks.iter().map(|t| TaskCounts::new(t.classes.len())).collect(),
                    labels: vec![Vec::new(); self.tasks.len()],
                });
                self.index.insert(key, self.articles.len() - 1);
                self.articles.len() - 1
            }
        }
    }

    /// The summary of everything read: rows for all articles, each grouping field's groups and
    /// each article, with bootstrap intervals.
    pub fn summarize(&self) -> Result<Summary> {
        if self.tasks.is_empty() {
            return Err(Error::setting(
                "no scored sentence in the input".to_string(),
                "summarize reads the JSONL that predict writes with a model (not --split-only)",
            ));
        }
        if !(self.settings.confidence > 0.0 && self.settings.confidence < 1.0) {
            return Err(Error::setting(
                format!("confidence {} is not between 0 and 1", self.settings.confidence),
                "give the level as a fraction, e.g. --confidence 0.95",
            ));
        }
        let all: Vec<usize> = (0..self.articles.len()).collect();
        let mut groups: Vec<(String, String, Vec<usize>)> =
            vec![("all".into(), String::new(), all)];
        for (b, by) in self.settings.by.iter().enumerate() {
            let mut members: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
            for (a, article) in self.articles.iter().enumerate() {
                members.entry(article.groups[b].as_str()).or_default().push(a);
            }
            groups.extend(members.into_iter().map(|(g, m)| (by.clone(), g.to_string(), m)));
        }
        use rayon::prelude::*;
        let mut rows: Vec<Row> = groups
            .par_iter()
            .map(|(level, group, members)| self.group_row(level, group, members))
            .collect();
        rows.par_extend(self.articles.par_iter().map(|a| self.article_row(a)));
        Ok(Summary { settings: self.settings.clone(), tasks: self.tasks.clone(), rows })
    }

    fn among(&self, task: &TaskInfo) -> Among {
        if task.actor {
            self.settings.among
        } else {
            Among::All
        }
    }

    /// A group's row: its articles' counts summed, the interval from resampling its articles.
    fn group_row(&self, level: &str, group: &str, members: &[usize]) -> Row {
        let tasks = self
            .tasks
            .iter()
            .enumerate()
            .map(|(t, task)| {
                let mut total = TaskCounts::new(task.classes.len());
                let units: Vec<(u64, &[u64])> = members
                    .iter()
                    .map(|&a| {
                        let c = &self.articles[a].tasks[t];
                        total.add(c);
                        (c.base, c.counts.as_slice())
                    })
                    .collect();
                let intervals = bootstrap::share_intervals(
                    &units,
                    task.classes.len(),
                    self.settings.replicates,
                    self.settings.seed,
                    self.settings.confidence,
                );
                self.task_summary(task, &total, intervals)
            })
            .collect();
        Row { level: level.into(), group: group.into(), articles: members.len() as u64, tasks }
    }

    /// An article's row: the interval from resampling its sentences.
    fn article_row(&self, article: &Article) -> Row {
        let tasks = self
            .tasks
            .iter()
            .enumerate()
            .map(|(t, task)| {
                let k = task.classes.len();
                // One unit per sentence: in the base with one class, or out of it.
                let ones: Vec<Vec<u64>> =
                    (0..k).map(|c| (0..k).map(|i| u64::from(i == c)).collect()).collect();
                let none = vec![0; k];
                let units: Vec<(u64, &[u64])> = article.labels[t]
                    .iter()
                    .map(|l| match l {
                        Some(c) => (1, ones[*c as usize].as_slice()),
                        None => (0, none.as_slice()),
                    })
                    .collect();
                let intervals = bootstrap::share_intervals(
                    &units,
                    k,
                    self.settings.replicates,
                    self.settings.seed,
                    self.settings.confidence,
                );
                self.task_summary(task, &article.tasks[t], intervals)
            })
            .collect();
        Row { level: "article".into(), group: article.key.clone(), articles: 1, tasks }
    }

    fn task_summary(
        &self,
        task: &TaskInfo,
        c: &TaskCounts,
        intervals: Option<Vec<(f64, f64)>>,
    ) -> TaskSummary {
        let base = c.base as f64;
        let classes = (0..task.classes.len())
            .map(|k| {
                let interval = intervals.as_ref().map(|i| i[k]);
                ClassSummary {
                    count: c.counts[k],
                    share: (c.base > 0).then(|| c.counts[k] as f64 / base),
                    low: interval.map(|i| i.0),
                    high: interval.map(|i| i.1),
                    mean_probability: (c.base > 0).then(|| c.probability_sums[k] / base),
                }
            })
            .collect();
        TaskSummary {
            sentences: c.scored,
            mentioning: task.actor.then_some(c.mentioning),
            among: self.among(task),
            base: c.base,
            classes,
        }
    }
}

/// Whether `key` is a field `predict` writes itself ([`crate::predict::FIXED_FIELDS`]; `terms`
/// too); every other field of a record was kept from the input.
fn own_field(key: &str) -> bool {
    crate::predict::FIXED_FIELDS.contains(&key) || key == "terms"
}

/// The tasks of the first scored record: names and classes in the order of the record, and
/// whether it has mentions for an actor of the task's name.
fn tasks_of(
    object: &serde_json::Map<String, serde_json::Value>,
    predictions: &serde_json::Map<String, serde_json::Value>,
) -> std::result::Result<Vec<TaskInfo>, String> {
    let mentions = object.get("mentions").and_then(|m| m.as_object());
    predictions
        .iter()
        .map(|(name, p)| {
            let classes: Vec<String> = p
                .get("probabilities")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            if classes.is_empty() {
                return Err(format!("task '{name}' has no \"probabilities\""));
            }
            Ok(TaskInfo {
                name: name.clone(),
                classes,
                actor: mentions.is_some_and(|m| m.contains_key(name)),
            })
        })
        .collect()
}

/// The explanation terms of a task's prediction (`predict --explain`), as (term, weight).
fn terms_of(prediction: &serde_json::Value) -> Vec<(String, f64)> {
    let Some(terms) = prediction.get("terms").and_then(|t| t.as_array()) else {
        return Vec::new();
    };
    terms
        .iter()
        .filter_map(|t| Some((t.get("term")?.as_str()?.to_string(), t.get("weight")?.as_f64()?)))
        .collect()
}
