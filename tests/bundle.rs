//! The model bundle refuses damaged or incompatible files with a message that says which, and
//! its atomic write never leaves a broken model where a good one was.

mod common;

use newsstance::model::MODEL_FILE;
use newsstance::{ErrorKind, ModelBundle};

fn load_err(dir: &std::path::Path) -> String {
    ModelBundle::load(dir).unwrap_err().to_string()
}

#[test]
fn damaged_bundles_are_refused_with_the_reason() {
    let good = std::fs::read(common::small_model().join(MODEL_FILE)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MODEL_FILE);

    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert!(load_err(dir.path()).contains("truncated"), "{}", load_err(dir.path()));

    let mut corrupted = good.clone();
    let last = corrupted.len() - 10;
    corrupted[last] ^= 0x01;
    std::fs::write(&path, &corrupted).unwrap();
    assert!(load_err(dir.path()).contains("checksum mismatch"));

    let newer = String::from_utf8(good.clone()).unwrap().replacen(
        &format!("newsstance-model {} ", newsstance::model::FORMAT_VERSION),
        "newsstance-model 9 ",
        1,
    );
    std::fs::write(&path, newer).unwrap();
    let e = load_err(dir.path());
    assert!(e.contains("format version 9 is newer") && e.contains("upgrade newsstance"), "{e}");

    std::fs::write(&path, b"PK\x03\x04 zip").unwrap();
    assert!(load_err(dir.path()).contains("not a newsstance model"));

    std::fs::write(&path, &good).unwrap();
    assert!(ModelBundle::load(dir.path()).is_ok());
}

#[test]
fn mismatched_shapes_are_refused() {
    let mut bundle = ModelBundle::load(common::small_model()).unwrap();
    bundle.tasks[0].weights.pop();
    let dir = tempfile::tempdir().unwrap();
    bundle.save(dir.path()).unwrap();
    let e = load_err(dir.path());
    assert!(e.contains("weights, expected") && e.contains("retrain"), "{e}");
}

#[test]
fn non_finite_weights_are_refused_on_save() {
    let good = ModelBundle::load(common::small_model()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    good.save(dir.path()).unwrap();
    let before = std::fs::read(dir.path().join(MODEL_FILE)).unwrap();
    let task = good.tasks[1].name.clone();
    let mut nan_weight = good.clone();
    nan_weight.tasks[1].weights[4] = f64::NAN;
    let mut infinite_intercept = good.clone();
    infinite_intercept.tasks[1].intercept[0] = f64::INFINITY;
    let mut nan_idf = good.clone();
    nan_idf.vocabulary.idf[2] = f64::NAN;
    let cases = [
        (nan_weight, ErrorKind::Training, vec![format!("task '{task}'"), "is NaN".into()]),
        (infinite_intercept, ErrorKind::Training, vec![format!("task '{task}'"), "inf".into()]),
        (nan_idf, ErrorKind::Model, vec![format!("idf of term '{}'", good.vocabulary.terms[2])]),
    ];
    for (bundle, kind, expected) in cases {
        let e = bundle.save(dir.path()).unwrap_err();
        let message = e.to_string();
        assert_eq!(e.kind(), kind, "{message}");
        assert!(message.contains("cannot be saved") && message.contains("hint:"), "{message}");
        for part in expected {
            assert!(message.contains(&part), "{part}: {message}");
        }
        // Nothing was written: the previous model is in place, with no temporary file.
        assert_eq!(std::fs::read(dir.path().join(MODEL_FILE)).unwrap(), before);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn save_replaces_atomically_and_round_trips() {
    let bundle = ModelBundle::load(common::small_model()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    bundle.save(dir.path()).unwrap();
    bundle.save(dir.path()).unwrap();
    assert_eq!(ModelBundle::load(dir.path()).unwrap(), bundle);
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(
        leftovers,
        [std::ffi::OsString::from(MODEL_FILE)],
        "no temporary file is left behind"
    );
}

#[test]
fn the_shipped_model_loads_and_scores() {
    let bundle = ModelBundle::load(&common::root().join("models/default")).unwrap();
    let tasks: Vec<&str> = bundle.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tasks, ["assad", "russia", "sentiment"]);
    assert_eq!(bundle.provenance.inputs[0].path, "labels/sentences.csv");
    // A sentence of the training data, labeled anti-Assad and neutral toward Russia in
    // labels/sentences.csv (seed-000-006): the model's most probable classes are those labels.
    let scorer = bundle.scorer();
    let p = scorer
        .score(
            "Ahead of his early evening Monday meeting with Putin, Obama in his speech at the \
             U.N. emphasized the need for a political resolution to Syria's civil war that \
             includes the ouster of President Bashar Assad, a Russian ally.",
            &mut Default::default(),
        )
        .to_vec();
    for (head, label) in scorer.tasks().iter().zip(["anti", "neutral"]) {
        let probabilities = &p[head.offset..head.offset + head.classes.len()];
        let best = newsstance::model::argmax(probabilities);
        assert_eq!(head.classes[best], label, "{}: {probabilities:?}", head.name);
    }
}
