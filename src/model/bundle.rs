//! The model bundle: a directory holding `model.nsm`, one file that carries the feature
//! settings, the vocabulary with idf, and per task the classes and weights, with provenance.
//!
//! `model.nsm` is a header line `newsstance-model <format version> sha256:<hex> bytes:<n>`
//! followed by JSON. The checksum catches truncated and corrupted files before parsing; the
//! version is read before anything else so a newer bundle is refused with a clear message.
//! Writes go to a temporary file in the same directory that is synced and renamed over the old
//! one, so a crash mid-write leaves the previous model in place.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::SourceFile;
use crate::error::{Error, Result};
use crate::features::{FeatureIndex, FeatureSettings, Vocabulary, CHAR_TERM_PREFIX};
use crate::model::{Scorer, TaskModel, TrainedModels};
use crate::util::sha256_hex;

/// Version of the bundle format this build writes. Version 3 added "about" features
/// ([`FeatureSettings::about_features`]): a build that reads only version 2 refuses such a
/// bundle by its version, with a clear message, instead of scoring without them.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest bundle format this build still reads (a version 2 bundle is a version 3 bundle
/// without "about" features).
pub const OLDEST_FORMAT_VERSION: u32 = 2;
/// The file inside a bundle directory.
pub const MODEL_FILE: &str = "model.nsm";
const MAGIC: &str = "newsstance-model";
/// Test hook: with this environment variable set to `1`, [`ModelBundle::save`] exits the
/// process (code [`FAIL_AFTER_TEMP_WRITE_EXIT`]) after the temporary file is written and synced,
/// before the rename, as a crash at that moment would. For tests only.
const FAIL_AFTER_TEMP_WRITE: &str = "NEWSSTANCE_FAIL_AFTER_TEMP_WRITE";
/// Exit code of the [`FAIL_AFTER_TEMP_WRITE`] test hook.
const FAIL_AFTER_TEMP_WRITE_EXIT: i32 = 99;

/// Where a bundle came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Version of the crate that trained it.
    pub crate_version: String,
    /// The labeled CSV files, with hashes and row counts.
    pub inputs: Vec<SourceFile>,
    /// The column the sentences were read from.
    pub text_column: String,
    /// Sentences the vocabulary was fitted on.
    pub sentences: usize,
    /// Seed of fold assignment and balancing.
    pub seed: u64,
}

/// A trained model: everything `predict` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelBundle {
    /// How text becomes features.
    pub features: FeatureSettings,
    /// Terms and idf, in feature order.
    pub vocabulary: Vocabulary,
    /// One model per task.
    pub tasks: Vec<TaskModel>,
    /// Where it came from.
    pub provenance: Provenance,
}

impl ModelBundle {
    /// Assembles a bundle from training output.
    pub fn new(trained: TrainedModels, provenance: Provenance) -> Self {
        ModelBundle {
            features: trained.features,
            vocabulary: trained.vocabulary,
            tasks: trained.tasks,
            provenance,
        }
    }

    /// The scorer for this bundle.
    pub fn scorer(&self) -> Scorer {
        Scorer::new(FeatureIndex::new(self.features.clone(), &self.vocabulary), &self.tasks)
    }

    /// Checks that every shape agrees: idf per term, weights per feature and class, intercepts.
    pub fn check_shapes(&self, path: &Path) -> Result<()> {
        let bad = |message: String| {
            Err(Error::model(path, message, "the bundle is inconsistent: retrain it with `train`"))
        };
        // Names that features, tasks and classes are looked up by must be unique, and the
        // vocabulary in feature order.
        let refuse =
            |message: String| Err(Error::model(path, message, "retrain the model with `train`"));
        let n = self.vocabulary.terms.len();
        if self.vocabulary.idf.len() != n {
            return bad(format!("{} terms but {} idf values", n, self.vocabulary.idf.len()));
        }
        self.check_vocabulary_order(path)?;
        if self.tasks.is_empty() {
            return bad("the bundle holds no task".into());
        }
        let mut task_names = std::collections::HashSet::new();
        for t in &self.tasks {
            if !task_names.insert(t.name.as_str()) {
                return refuse(format!("two tasks are named '{}'", t.name));
            }
            let mut classes = std::collections::HashSet::new();
            if let Some(c) = t.classes.iter().find(|c| !classes.insert(c.as_str())) {
                return refuse(format!("task '{}' has the class '{c}' twice", t.name));
            }
            let k = t.classes.len();
            if k < 2 {
                return bad(format!("task '{}' has {k} classes", t.name));
            }
            if t.weights.len() != n * k {
                return bad(format!(
                    "task '{}': {} weights, expected {} features x {} classes",
                    t.name,
                    t.weights.len(),
                    n,
                    k
                ));
            }
            if t.intercept.len() != k {
                return bad(format!(
                    "task '{}': {} intercepts for {} classes",
                    t.name,
                    t.intercept.len(),
                    k
                ));
            }
            if t.weights.iter().chain(&t.intercept).any(|w| !w.is_finite()) {
                return bad(format!("task '{}' has non-finite weights", t.name));
            }
        }
        if let Err(e) = self.features.validate() {
            return Err(Error::model(
                path,
                format!("feature settings: {e}"),
                "retrain the bundle with `train`",
            ));
        }
        Ok(())
    }

    /// The vocabulary in feature order: every word term, sorted, then every character n-gram
    /// term (prefix "c:"), sorted; strictly increasing, so no term appears twice. The scorer
    /// relies on it (character features start where the words end); another order would give
    /// wrong probabilities without an error.
    fn check_vocabulary_order(&self, path: &Path) -> Result<()> {
        let refuse =
            |message: String| Error::model(path, message, "retrain the model with `train`");
        let order = |t: &str| (t.starts_with(CHAR_TERM_PREFIX), t.to_owned());
        for (i, pair) in self.vocabulary.terms.windows(2).enumerate() {
            let (a, b) = (order(&pair[0]), order(&pair[1]));
            if a == b {
                return Err(refuse(format!(
                    "the vocabulary holds the term '{}' twice (features {i} and {})",
                    pair[0],
                    i + 1
                )));
            }
            if a > b {
                return Err(refuse(format!(
                    "the vocabulary is not in feature order (word terms sorted, then character \
                     n-grams \"{CHAR_TERM_PREFIX}...\" sorted): feature {i} '{}' comes before \
                     feature {} '{}'",
                    pair[0],
                    i + 1,
                    pair[1]
                )));
            }
        }
        Ok(())
    }

    /// Refuses weights, intercepts and idf that are not finite: JSON has no NaN or infinity
    /// (they would be written as `null`, which [`ModelBundle::load`] cannot read).
    fn check_finite(&self, target: &Path) -> Result<()> {
        let not_finite = |values: &[f64]| values.iter().position(|v| !v.is_finite());
        let diverged =
            "the fit diverged: train again with a smaller --c (stronger regularization) \
                        or --precision f64; the previous model, if any, was left in place";
        for t in &self.tasks {
            let k = t.classes.len().max(1);
            if let Some(i) = not_finite(&t.weights) {
                let term = self.vocabulary.terms.get(i / k).map_or("?", String::as_str);
                let class = t.classes.get(i % k).map_or("?", String::as_str);
                return Err(Error::training(
                    &t.name,
                    format!(
                        "the weight of feature '{term}' for class '{class}' is {}: a model with \
                         non-finite weights cannot be saved",
                        t.weights[i]
                    ),
                    diverged,
                ));
            }
            if let Some(i) = not_finite(&t.intercept) {
                let class = t.classes.get(i).map_or("?", String::as_str);
                return Err(Error::training(
                    &t.name,
                    format!(
                        "the intercept of class '{class}' is {}: a model with non-finite \
                         weights cannot be saved",
                        t.intercept[i]
                    ),
                    diverged,
                ));
            }
        }
        if let Some(i) = not_finite(&self.vocabulary.idf) {
            let term = self.vocabulary.terms.get(i).map_or("?", String::as_str);
            return Err(Error::model(
                target,
                format!(
                    "the idf of term '{term}' is {}: a model with non-finite idf cannot be saved",
                    self.vocabulary.idf[i]
                ),
                "the vocabulary is broken: train again; the previous model, if any, was left in place",
            ));
        }
        Ok(())
    }

    /// Writes the bundle into directory `dir` (created if needed), atomically. Non-finite
    /// weights, intercepts or idf are refused, and nothing is written then.
    pub fn save(&self, dir: &Path) -> Result<PathBuf> {
        self.check_finite(&dir.join(MODEL_FILE))?;
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let body = serde_json::to_vec(self).expect("a bundle always serializes");
        let header =
            format!("{MAGIC} {FORMAT_VERSION} sha256:{} bytes:{}\n", sha256_hex(&body), body.len());
        let target = dir.join(MODEL_FILE);
        remove_stale_temporaries(dir);
        let tmp = dir.join(format!(".{MODEL_FILE}.tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(header.as_bytes())?;
            f.write_all(&body)?;
            f.sync_all()?;
            if std::env::var_os(FAIL_AFTER_TEMP_WRITE).is_some_and(|v| v == "1") {
                std::process::exit(FAIL_AFTER_TEMP_WRITE_EXIT);
            }
            fs::rename(&tmp, &target)?;
            // Make the rename itself durable.
            fs::File::open(dir)?.sync_all()
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io(&target, e)
        })?;
        Ok(target)
    }

    /// Loads and checks the bundle in directory `dir` (or the `model.nsm` file itself).
    pub fn load(dir: &Path) -> Result<ModelBundle> {
        let path = if dir.is_dir() { dir.join(MODEL_FILE) } else { dir.to_path_buf() };
        // A FIFO or a device would block or never end: only a regular file is read.
        if let Ok(meta) = fs::metadata(&path) {
            if !meta.is_file() {
                return Err(Error::model(
                    &path,
                    "not a regular file (a FIFO, socket, device or directory)",
                    "point --model at a bundle directory written by `train`",
                ));
            }
        }
        let bytes = fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::model(
                    &path,
                    "no model here",
                    "train one with `train --out DIR`, or point --model at a bundle directory",
                )
            } else {
                Error::io(&path, e)
            }
        })?;
        Self::parse(&path, &bytes)
    }

    /// Checks and parses the bytes of a `model.nsm` file, as [`ModelBundle::load`] does;
    /// `path` names the file in messages.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<ModelBundle> {
        let path = path.to_path_buf();
        let retrain = "retrain it with `train`, or restore the bundle from version control";
        let newline = bytes.iter().position(|&b| b == b'\n');
        if newline.is_none() {
            let start = &bytes[..bytes.len().min(MAGIC.len())];
            if bytes.is_empty() || MAGIC.as_bytes().starts_with(start) {
                return Err(Error::model(
                    &path,
                    format!("truncated: {} bytes, the header line is incomplete", bytes.len()),
                    retrain,
                ));
            }
        }
        let header = newline.and_then(|n| std::str::from_utf8(&bytes[..n]).ok()).unwrap_or("");
        // A CRLF header is what git's autocrlf makes of the file (the repository's
        // .gitattributes marks *.nsm binary to prevent it); the JSON body has no line end, so
        // the bundle is still whole and is read.
        let header = header.strip_suffix('\r').unwrap_or(header);
        let fields: Vec<&str> = header.split(' ').collect();
        if fields.len() != 4 || fields[0] != MAGIC {
            return Err(Error::model(
                &path,
                "not a newsstance model (bad header line)",
                "point --model at a directory written by `train`",
            ));
        }
        let version: u32 = fields[1]
            .parse()
            .map_err(|_| Error::model(&path, "unreadable format version", retrain))?;
        if version > FORMAT_VERSION {
            return Err(Error::model(
                &path,
                format!(
                    "format version {version} is newer than this build reads ({FORMAT_VERSION})"
                ),
                "upgrade newsstance, or retrain the model with this version",
            ));
        }
        if version < OLDEST_FORMAT_VERSION {
            return Err(Error::model(
                &path,
                format!("format version {version} is no longer supported"),
                retrain,
            ));
        }
        let body = &bytes[newline.expect("header parsed") + 1..];
        let expected_len: usize =
            fields[3].strip_prefix("bytes:").and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
        if body.len() != expected_len {
            return Err(Error::model(
                &path,
                format!(
                    "truncated or extended: {} bytes of model data, header says {}",
                    body.len(),
                    fields[3]
                ),
                retrain,
            ));
        }
        if Some(sha256_hex(body).as_str()) != fields[2].strip_prefix("sha256:") {
            return Err(Error::model(&path, "checksum mismatch: the file is corrupted", retrain));
        }
        let bundle: ModelBundle = serde_json::from_slice(body).map_err(|e| {
            Error::model(&path, format!("cannot parse the model data: {e}"), retrain)
        })?;
        bundle.check_shapes(&path)?;
        Ok(bundle)
    }
}

/// Removes temporary files left by a `save` whose process died (e.g. killed mid-write). Only
/// where `/proc` tells which processes live; a file of a live process is left alone.
fn remove_stale_temporaries(dir: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    let prefix = format!(".{MODEL_FILE}.tmp-");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        if pid.parse::<u32>().is_ok() && !proc.join(pid).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}
