//! The 48 English "golden rules" of sentence segmentation (tests/segmentation/golden-rules/,
//! with their source and license): the splitter's output on each rule's text, page furniture
//! included, against the sentences the rule expects. A floor holds the number of rules passed;
//! `cargo test --test golden_rules -- --nocapture` lists the rules that fail.

use newsstance::SentenceSplitter;
use serde::Deserialize;

#[derive(Deserialize)]
struct Rule {
    rule: u32,
    name: String,
    text: String,
    sentences: Vec<String>,
}

/// Rules passed today; a change that passes fewer fails the test (raise it when more pass).
const FLOOR: usize = 46;

#[test]
fn english_golden_rules() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/segmentation/golden-rules/english.json");
    let rules: Vec<Rule> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(rules.len(), 48);
    let splitter = SentenceSplitter::new();
    let mut failed = Vec::new();
    for r in &rules {
        let got: Vec<&str> =
            splitter.split(&r.text).iter().map(|s| s.text(&r.text).trim()).collect();
        if got != r.sentences {
            failed.push(format!(
                "rule {} ({}):\n    expected {:?}\n    got      {:?}",
                r.rule, r.name, r.sentences, got
            ));
        }
    }
    let passed = rules.len() - failed.len();
    println!("golden rules passed: {passed} of {}", rules.len());
    for f in &failed {
        println!("  {f}");
    }
    assert!(
        passed >= FLOOR,
        "{passed} of 48 golden rules pass, floor {FLOOR}:\n{}",
        failed.join("\n")
    );
}
