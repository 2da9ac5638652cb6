//! Explanations (`Model::explain`, `predict --explain K`): the terms are words of the
//! sentence, and with the intercept they add up to the class's score, the logit.

mod common;

use common::{jsonl, labeled_slice, root, run};
use newsstance::features::FeatureIndex;
use newsstance::Model;

/// Sentences of the labeled corpus, every 9th, and a few written for the test.
fn sentences() -> Vec<String> {
    let text = labeled_slice(3300);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let col = reader.headers().unwrap().iter().position(|h| h == "text").unwrap();
    let mut out: Vec<String> =
        reader.records().step_by(9).map(|r| r.unwrap()[col].to_string()).collect();
    out.extend(
        [
            "Bashar al-Assad's forces dropped barrel bombs on Aleppo, the Syrian Observatory said.",
            "MOSCOW (AP) — The Kremlin said Putin and Assad discussed the ceasefire.",
            "",
            "!!!",
            "Assad spoke.",
            "The  army\n shelled   the town; the army said 250,000 had fled.",
        ]
        .map(String::from),
    );
    out
}

/// The logit of every class of every task, computed from the bundle itself (vocabulary order,
/// no fused scorer): `b + x . W`.
fn logits(model: &Model, text: &str) -> Vec<Vec<f64>> {
    let bundle = model.bundle();
    let index = FeatureIndex::new(bundle.features.clone(), &bundle.vocabulary);
    let row = index.transform(text);
    bundle
        .tasks
        .iter()
        .map(|t| {
            let k = t.classes.len();
            (0..k)
                .map(|c| {
                    t.intercept[c]
                        + row
                            .indices
                            .iter()
                            .zip(&row.values)
                            .map(|(&j, &x)| x * t.weights[j as usize * k + c])
                            .sum::<f64>()
                })
                .collect()
        })
        .collect()
}

fn normalized(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[test]
fn all_terms_and_the_intercept_add_up_to_the_logit_of_the_predicted_class() {
    for dir in ["models/default", "models/fast"] {
        let model = Model::load(root().join(dir)).unwrap();
        for text in sentences() {
            let explained = model.explain(&text, usize::MAX);
            let predicted = model.predict_sentence(&text);
            let z = logits(&model, &text);
            assert_eq!(explained.len(), predicted.len());
            for ((e, p), z) in explained.iter().zip(&predicted).zip(&z) {
                assert_eq!((&e.task, &e.class), (&p.task, &p.label), "{text}");
                // Nothing omitted: every term, plus the intercept, is the score.
                assert_eq!(e.rest, 0.0);
                let sum: f64 = e.terms.iter().map(|t| t.weight).sum();
                assert!((e.intercept + sum - e.score).abs() < 1e-9, "{dir} {text}: {e:?}");
                // The score is the class's logit, computed independently from the bundle ...
                let c = p.probabilities.iter().position(|(class, _)| *class == p.label).unwrap();
                assert!((e.score - z[c]).abs() < 1e-9, "{dir} {text}: {} vs {}", e.score, z[c]);
                // ... whose softmax gives the probabilities predict reports.
                let max = z.iter().copied().fold(f64::MIN, f64::max);
                let total: f64 = z.iter().map(|v| (v - max).exp()).sum();
                for (v, (_, prob)) in z.iter().zip(&p.probabilities) {
                    assert!(((v - max).exp() / total - prob).abs() < 1e-9, "{dir} {text}");
                }
                // Terms are what the reader sees in the sentence: words as written, no stems,
                // no character n-grams, no placeholders; each listed once.
                let sentence = normalized(&text);
                let mut seen = std::collections::HashSet::new();
                for t in &e.terms {
                    assert!(sentence.contains(&t.term.to_lowercase()), "{dir}: {:?} in {text}", t);
                    assert!(seen.insert(t.term.to_lowercase()), "{:?} twice", t.term);
                    assert!(!t.term.contains("actor:") && !t.term.starts_with("c:"), "{t:?}");
                }
                assert!(e.terms.windows(2).all(|w| w[0].weight >= w[1].weight));
            }
        }
    }
}

#[test]
fn the_top_k_terms_the_rest_and_the_intercept_add_up_too() {
    let model = Model::load(root().join("models/default")).unwrap();
    for text in sentences().iter().take(120) {
        let all = model.explain(text, usize::MAX);
        for (e, full) in model.explain(text, 3).iter().zip(&all) {
            assert!(e.terms.len() <= 3);
            assert_eq!(e.terms[..], full.terms[..e.terms.len()]);
            let sum: f64 = e.terms.iter().map(|t| t.weight).sum();
            assert!((e.intercept + e.rest + sum - e.score).abs() < 1e-9, "{text}: {e:?}");
        }
    }
}

#[test]
fn names_read_as_written_and_character_ngrams_as_their_word() {
    let model = Model::load(root().join("models/default")).unwrap();
    let text = "Bashar al-Assad's forces dropped barrel bombs on Aleppo.";
    let russia = model.explain(text, usize::MAX).into_iter().find(|e| e.task == "russia").unwrap();
    let terms: Vec<&str> = russia.terms.iter().map(|t| t.term.as_str()).collect();
    // The placeholder shows the name as written; the bigram with it too.
    assert!(terms.contains(&"Bashar al-Assad"), "{terms:?}");
    assert!(terms.contains(&"Bashar al-Assad's forces"), "{terms:?}");
    // Word n-grams and the character n-grams of their words come back as the words.
    for word in ["forces", "dropped", "barrel bombs", "bombs", "Aleppo"] {
        assert!(terms.contains(&word), "{word}: {terms:?}");
    }
}

#[test]
fn predict_explain_writes_terms_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    let lines: Vec<String> = sentences()
        .iter()
        .take(40)
        .filter(|s| !s.trim().is_empty())
        .map(|s| serde_json::json!({ "text": s }).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let path = input.to_str().unwrap();
    let o = run("predict", &["--unit", "sentence", "--explain", "4", path], &root(), None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let records = jsonl(&o.stdout);
    assert_eq!(records.len(), lines.len());
    for r in &records {
        for (task, p) in r["predictions"].as_object().unwrap() {
            let terms = p["terms"].as_array().unwrap();
            assert!(terms.len() <= 4, "{task}");
            let sum: f64 = terms.iter().map(|t| t["weight"].as_f64().unwrap()).sum();
            let (intercept, rest, score) = (
                p["intercept"].as_f64().unwrap(),
                p["rest"].as_f64().unwrap(),
                p["score"].as_f64().unwrap(),
            );
            assert!((intercept + rest + sum - score).abs() < 1e-9, "{r}");
            let text = normalized(r["text"].as_str().unwrap());
            for t in terms {
                assert!(text.contains(&t["term"].as_str().unwrap().to_lowercase()), "{t} in {r}");
            }
        }
    }
    // Without --explain the records are as before: no terms.
    let o = run("predict", &["--unit", "sentence", path], &root(), None);
    let plain = jsonl(&o.stdout);
    assert!(plain[0]["predictions"]["assad"].get("terms").is_none());
    assert_eq!(
        plain[0]["predictions"]["assad"]["label"],
        records[0]["predictions"]["assad"]["label"]
    );
    // CSV gets a <task>_terms column holding the terms as JSON.
    let o = run(
        "predict",
        &["--unit", "sentence", "--explain", "2", "--format", "csv", path],
        &root(),
        None,
    );
    assert!(o.status.success());
    let mut reader = csv::Reader::from_reader(&o.stdout[..]);
    let headers = reader.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "sentiment_terms").expect("a terms column");
    let first = reader.records().next().unwrap().unwrap();
    let terms: Vec<serde_json::Value> = serde_json::from_str(&first[col]).unwrap();
    assert!(!terms.is_empty() && terms.len() <= 2);
}
