//! The splitter against the hand-segmented gold set (tests/segmentation/gold).
//!
//! **Metric.** Every segment, furniture included, is a span of character (code point) offsets,
//! trimmed of whitespace. A *boundary* is the end offset of a segment. Precision is the share
//! of the splitter's boundaries that are gold boundaries, recall the share of gold boundaries
//! the splitter found, F1 their harmonic mean; counts are pooled over all texts (micro
//! average). The last segment of each text ends at the text's last non-whitespace character
//! in both, so it always counts as found (50 of the ~1,000 gold boundaries). The same metric
//! is computed by `benches/segmentation_pysbd.py` for pySBD and a one-line regex.
//!
//! **Kind agreement.** Over gold segments that the splitter reproduces exactly (same start and
//! end), the share whose kind agrees: gold `sentence` and `headline` (scored prose) against a
//! splitter sentence, and each furniture kind against a splitter furniture span of that kind
//! (the repeated headline, which the splitter marks as furniture `headline`, agrees with gold
//! `headline`). A coarser figure counts only scored-or-not.
//!
//! Run with `cargo test --test segmentation -- --nocapture` to see the figures and, with
//! `SEGMENTATION_DIFF=1`, every missed and spurious boundary.

use std::collections::BTreeSet;
use std::path::Path;

use newsstance::text::{SentenceSplitter, SpanKind};

/// Floors a margin below the figures reached (see the table printed by the test).
const MIN_PRECISION: f64 = 0.99;
const MIN_RECALL: f64 = 0.96;
const MIN_F1: f64 = 0.97;
const MIN_KIND_AGREEMENT: f64 = 0.99;

struct Gold {
    id: String,
    text: String,
    segments: Vec<(usize, usize, String)>,
}

fn load_gold() -> Vec<Gold> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/segmentation/gold");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let segments = v["segments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["start"].as_u64().unwrap() as usize,
                        s["end"].as_u64().unwrap() as usize,
                        s["kind"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            Gold {
                id: v["id"].as_str().unwrap().to_string(),
                text: v["text"].as_str().unwrap().to_string(),
                segments,
            }
        })
        .collect()
}

/// The splitter's spans in character offsets, with a kind name (`sentence` or the furniture kind).
fn predicted(splitter: &SentenceSplitter, text: &str) -> Vec<(usize, usize, String)> {
    // Byte offset -> char offset, for every char boundary.
    let mut char_of = vec![0usize; text.len() + 1];
    let mut chars = 0;
    for (byte, c) in text.char_indices() {
        for slot in &mut char_of[byte..byte + c.len_utf8()] {
            *slot = chars;
        }
        chars += 1;
    }
    char_of[text.len()] = chars;
    splitter
        .split(text)
        .iter()
        .map(|span| {
            let kind = match span.kind {
                SpanKind::Sentence => "sentence".to_string(),
                SpanKind::Furniture(kind) => splitter.kind_name(kind).to_string(),
            };
            (char_of[span.start], char_of[span.end], kind)
        })
        .collect()
}

fn is_prose(kind: &str) -> bool {
    kind == "sentence" || kind == "headline"
}

#[test]
fn gold_segmentation_boundaries() {
    let splitter = SentenceSplitter::new();
    let show = std::env::var_os("SEGMENTATION_DIFF").is_some();
    let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
    let (mut matched, mut kind_agree, mut coarse_agree) = (0usize, 0usize, 0usize);
    let gold = load_gold();
    assert_eq!(gold.len(), 50, "the gold set has 50 texts");
    for g in &gold {
        let pred = predicted(&splitter, &g.text);
        let gold_ends: BTreeSet<usize> = g.segments.iter().map(|s| s.1).collect();
        let pred_ends: BTreeSet<usize> = pred.iter().map(|s| s.1).collect();
        tp += gold_ends.intersection(&pred_ends).count();
        n_pred += pred_ends.len();
        n_gold += gold_ends.len();
        for (start, end, kind) in &g.segments {
            let Some(p) = pred.iter().find(|p| p.0 == *start && p.1 == *end) else {
                continue;
            };
            matched += 1;
            let exact = if p.2 == "sentence" { is_prose(kind) } else { p.2 == *kind };
            kind_agree += usize::from(exact);
            coarse_agree += usize::from((p.2 == "sentence") == is_prose(kind));
            if show && !exact {
                let s: String = g.text.chars().skip(*start).take(end - start).collect();
                println!("{} KIND gold {kind} got {}: {s:?}", g.id, p.2);
            }
        }
        if show {
            let chars: Vec<char> = g.text.chars().collect();
            let around = |at: usize| -> String {
                let a = at.saturating_sub(40);
                let b = (at + 40).min(chars.len());
                format!(
                    "{}|{}",
                    chars[a..at].iter().collect::<String>(),
                    chars[at..b].iter().collect::<String>()
                )
                .replace('\n', "⏎")
            };
            for e in gold_ends.difference(&pred_ends) {
                println!("{} MISSED   {:?}", g.id, around(*e));
            }
            for e in pred_ends.difference(&gold_ends) {
                println!("{} SPURIOUS {:?}", g.id, around(*e));
            }
        }
    }
    let precision = tp as f64 / n_pred as f64;
    let recall = tp as f64 / n_gold as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    let kinds = kind_agree as f64 / matched as f64;
    let coarse = coarse_agree as f64 / matched as f64;
    println!(
        "gold segmentation: {} texts, {n_gold} gold boundaries, {n_pred} predicted, {tp} correct",
        gold.len()
    );
    println!(
        "precision {:.1}  recall {:.1}  F1 {:.1}",
        100.0 * precision,
        100.0 * recall,
        100.0 * f1
    );
    println!(
        "kind agreement on {matched} exactly matched segments: {:.1} (scored-or-furniture {:.1})",
        100.0 * kinds,
        100.0 * coarse
    );
    assert!(precision >= MIN_PRECISION, "precision {precision:.4} < {MIN_PRECISION}");
    assert!(recall >= MIN_RECALL, "recall {recall:.4} < {MIN_RECALL}");
    assert!(f1 >= MIN_F1, "F1 {f1:.4} < {MIN_F1}");
    assert!(kinds >= MIN_KIND_AGREEMENT, "kind agreement {kinds:.4} < {MIN_KIND_AGREEMENT}");
}
