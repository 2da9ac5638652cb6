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

use crate::error::{Error, Result};
use crate::features::{FeatureIndex, FeatureSettings, Vocabulary};
use crate::io::{sha256_hex, SourceFile};
use crate::model::{Scorer, TaskModel, TrainedModels};

/// Version of the bundle format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The file inside a bundle directory.
pub const MODEL_FILE: &str = "model.nsm";
const MAGIC: &str = "newsstance-model";

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
        let n = self.vocabulary.terms.len();
        if self.vocabulary.idf.len() != n {
            return bad(format!("{} terms but {} idf values", n, self.vocabulary.idf.len()));
        }
        if self.tasks.is_empty() {
            return bad("the bundle holds no task".into());
        }
        for t in &self.tasks {
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

    /// Writes the bundle into directory `dir` (created if needed), atomically.
    pub fn save(&self, dir: &Path) -> Result<PathBuf> {
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
        if version < FORMAT_VERSION {
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
