//! The front door: load (or train) a model and score text in one call.
//!
//! [`Model`] joins the sentence splitter, the feature index and the fused scorer of a model
//! bundle. For batch scoring of files and streams, with parallel workers and bounded memory,
//! use [`crate::Predictor`], which `predict` runs on.

use std::path::{Path, PathBuf};

use crate::dataset::{LabeledCsvOptions, LabeledSet};
use crate::error::Result;
use crate::model::{
    train, Explanation, ModelBundle, Provenance, ScoreScratch, Scorer, TrainSettings,
};
use crate::text::SentenceSplitter;

/// A loaded model: one classifier per task over a shared vocabulary.
///
/// ```
/// let model = newsstance::Model::load("models/default")?;
/// let scored = model.predict("Assad's forces shelled the town. Russia called for talks.");
/// assert_eq!(scored.len(), 2);
/// let assad = scored[0].task("assad").expect("the shipped model has an assad task");
/// assert!(["anti", "neutral", "pro"].contains(&assad.label.as_str()));
/// # Ok::<(), newsstance::Error>(())
/// ```
#[derive(Debug)]
pub struct Model {
    bundle: ModelBundle,
    scorer: Scorer,
    splitter: SentenceSplitter,
}

/// One sentence of a text and its predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredSentence {
    /// Byte offset of the sentence in the text.
    pub start: usize,
    /// Byte offset just past the sentence.
    pub end: usize,
    /// The sentence.
    pub text: String,
    /// One prediction per task, in the model's task order.
    pub tasks: Vec<TaskPrediction>,
}

impl ScoredSentence {
    /// The prediction of the task named `name`.
    pub fn task(&self, name: &str) -> Option<&TaskPrediction> {
        self.tasks.iter().find(|t| t.task == name)
    }
}

/// What a task's classifier says of one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPrediction {
    /// The task (the labeled CSV's column).
    pub task: String,
    /// The most probable class.
    pub label: String,
    /// Every class with its probability, in the task's class order.
    pub probabilities: Vec<(String, f64)>,
}

impl Model {
    /// Loads the bundle in `dir` (`DIR/model.nsm`, as `train --out DIR` writes it).
    pub fn load(dir: impl AsRef<Path>) -> Result<Model> {
        Ok(Model::from_bundle(ModelBundle::load(dir.as_ref())?))
    }

    /// Trains on labeled CSV files (the format `train` reads; every task column, blank cells
    /// unlabeled) with `settings`, the same search the `train` tool runs by default with
    /// `TrainSettings::default()`. `progress` receives one line per step.
    ///
    /// ```
    /// use newsstance::{Model, TrainSettings};
    /// let dir = std::env::temp_dir().join(format!("newsstance-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let csv = dir.join("tone.csv");
    /// let mut rows = String::from("text,tone\n");
    /// for i in 0..12 {
    ///     rows += &format!("The talks in round {i} ended in a welcome agreement.,positive\n");
    ///     rows += &format!("Shelling in round {i} killed civilians and destroyed homes.,negative\n");
    /// }
    /// std::fs::write(&csv, rows)?;
    /// // One candidate, no cross-validation: quick.
    /// let settings = TrainSettings { folds: 0, c: Some(1.0), ..TrainSettings::default() };
    /// let settings = TrainSettings { feature_sets: vec![newsstance::model::FeatureSet::Words], ..settings };
    /// let settings = TrainSettings { balances: vec![newsstance::model::Balance::Weighted], ..settings };
    /// let model = Model::train(&[csv], &settings, |_| {})?;
    /// let s = &model.predict("An agreement was welcome.")[0];
    /// assert_eq!(s.task("tone").unwrap().label, "positive");
    /// model.save(dir.join("model"))?;
    /// assert!(Model::load(dir.join("model")).is_ok());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn train(
        csv: &[PathBuf],
        settings: &TrainSettings,
        progress: impl Fn(&str) + Sync,
    ) -> Result<Model> {
        let set = LabeledSet::read(csv, &LabeledCsvOptions::default())?;
        let trained = train(&set, settings, &progress)?;
        let provenance = Provenance {
            crate_version: env!("CARGO_PKG_VERSION").into(),
            inputs: set.sources.clone(),
            text_column: LabeledCsvOptions::default().text_column,
            sentences: set.texts.len(),
            seed: settings.seed,
        };
        Ok(Model::from_bundle(ModelBundle::new(trained, provenance)))
    }

    /// Wraps a bundle already in memory.
    pub fn from_bundle(bundle: ModelBundle) -> Model {
        let scorer = bundle.scorer();
        Model { bundle, scorer, splitter: SentenceSplitter::new() }
    }

    /// Writes the model to `dir/model.nsm` (atomically; see [`ModelBundle::save`]).
    pub fn save(&self, dir: impl AsRef<Path>) -> Result<PathBuf> {
        self.bundle.save(dir.as_ref())
    }

    /// The bundle: feature settings, vocabulary, per-task weights and training reports.
    pub fn bundle(&self) -> &ModelBundle {
        &self.bundle
    }

    /// The task names, in output order.
    pub fn tasks(&self) -> Vec<&str> {
        self.scorer.tasks().iter().map(|t| t.name.as_str()).collect()
    }

    /// Splits `text` into sentences (page furniture left out) and scores each for every task.
    pub fn predict(&self, text: &str) -> Vec<ScoredSentence> {
        let mut scratch = ScoreScratch::default();
        self.splitter
            .split(text)
            .into_iter()
            .filter(|span| !span.is_furniture())
            .map(|span| {
                let sentence = span.text(text);
                ScoredSentence {
                    start: span.start,
                    end: span.end,
                    text: sentence.to_string(),
                    tasks: self.predict_unit(sentence, &mut scratch),
                }
            })
            .collect()
    }

    /// Scores `text` as one unit (a sentence already split), for every task.
    ///
    /// ```
    /// let model = newsstance::Model::load("models/default")?;
    /// let tasks = model.predict_sentence("Moscow denied the reports.");
    /// let names: Vec<&str> = tasks.iter().map(|t| t.task.as_str()).collect();
    /// assert_eq!(names, ["assad", "russia", "sentiment"]);
    /// println!("russia: {} {:?}", tasks[1].label, tasks[1].probabilities);
    /// # Ok::<(), newsstance::Error>(())
    /// ```
    pub fn predict_sentence(&self, text: &str) -> Vec<TaskPrediction> {
        self.predict_unit(text, &mut ScoreScratch::default())
    }

    /// Explains the prediction of every task for `sentence` (scored as one unit): the `top`
    /// terms of the sentence, as written in it, that pushed the predicted class most, with
    /// their contributions to the class's score (its logit before the softmax). The terms,
    /// the left-out rest and the intercept add up to the score; `usize::MAX` lists every term.
    ///
    /// ```
    /// let model = newsstance::Model::load("models/default")?;
    /// let why = model.explain("Assad's forces dropped barrel bombs on Aleppo.", 3);
    /// let assad = why.iter().find(|e| e.task == "assad").unwrap();
    /// println!("{}: {:?}", assad.class, assad.terms);
    /// let total = assad.intercept + assad.rest + assad.terms.iter().map(|t| t.weight).sum::<f64>();
    /// assert!((total - assad.score).abs() < 1e-9);
    /// # Ok::<(), newsstance::Error>(())
    /// ```
    pub fn explain(&self, sentence: &str, top: usize) -> Vec<Explanation> {
        self.scorer.explain(sentence, top, &mut ScoreScratch::default())
    }

    fn predict_unit(&self, text: &str, scratch: &mut ScoreScratch) -> Vec<TaskPrediction> {
        let p = self.scorer.score(text, scratch);
        self.scorer
            .tasks()
            .iter()
            .map(|head| {
                let probs = &p[head.offset..head.offset + head.classes.len()];
                TaskPrediction {
                    task: head.name.clone(),
                    label: head.classes[crate::model::argmax(probs)].clone(),
                    probabilities: head
                        .classes
                        .iter()
                        .cloned()
                        .zip(probs.iter().copied())
                        .collect(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predict_splits_scores_and_matches_the_scorer() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let model = Model::load(root.join("models/default")).unwrap();
        assert_eq!(model.tasks(), ["assad", "russia", "sentiment"]);
        let text = "Assad's army retook the town. Putin praised the operation.";
        let scored = model.predict(text);
        assert_eq!(scored.len(), 2);
        assert_eq!(&text[scored[1].start..scored[1].end], "Putin praised the operation.");
        // Each sentence's predictions are the scorer's for that sentence alone.
        let scorer = model.bundle().scorer();
        for s in &scored {
            let p = scorer.score(&s.text, &mut ScoreScratch::default()).to_vec();
            for (head, task) in scorer.tasks().iter().zip(&s.tasks) {
                for (c, (class, prob)) in task.probabilities.iter().enumerate() {
                    assert_eq!(class, &head.classes[c]);
                    assert_eq!(*prob, p[head.offset + c]);
                }
            }
            assert_eq!(s.tasks, model.predict_sentence(&s.text));
        }
    }

    #[test]
    fn furniture_is_not_scored() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let model = Model::load(root.join("models/default")).unwrap();
        let text = "The convoy reached Aleppo.\nSorry, your comment was not saved.\n";
        let scored = model.predict(text);
        assert_eq!(scored.len(), 1, "{scored:?}");
        assert_eq!(scored[0].text, "The convoy reached Aleppo.");
    }

    #[test]
    fn a_missing_model_is_an_error_that_names_the_place() {
        let e = Model::load("/nowhere/at/all").unwrap_err().to_string();
        assert!(e.contains("/nowhere/at/all"), "{e}");
    }
}
