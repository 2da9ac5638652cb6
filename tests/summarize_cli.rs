//! `summarize`: figures equal an independent computation on a small fixed input, intervals
//! included (same seed, same generator, computed here from scratch); the HTML report is one
//! self-contained page with every sentence.

mod common;

use common::{jsonl, root, run, small_model};
use serde_json::{json, Value};

/// A predict-like record: article `id`, `outlet`, the assad label and probabilities, whether it
/// mentions Assad, and a sentiment label.
fn record(
    id: &str,
    outlet: &str,
    i: usize,
    assad: [f64; 3],
    mentions: bool,
    sentiment: &str,
) -> Value {
    let classes = ["anti", "neutral", "pro"];
    let best = (0..3).max_by(|&a, &b| assad[a].total_cmp(&assad[b])).unwrap();
    json!({
        "id": id, "outlet": outlet, "sentence": i, "start": 0, "end": 1, "start_char": 0,
        "end_char": 1, "text": format!("Sentence {i} of {id} <&>."),
        "mentions": {"assad": if mentions { json!([[0, 5]]) } else { json!([]) }},
        "predictions": {
            "assad": {"label": classes[best], "probabilities": {"anti": assad[0], "neutral": assad[1], "pro": assad[2]}},
            "sentiment": {"label": sentiment, "probabilities": {
                "negative": if sentiment == "negative" { 0.8 } else { 0.1 },
                "neutral": if sentiment == "neutral" { 0.8 } else { 0.1 },
                "positive": if sentiment == "positive" { 0.8 } else { 0.1 }}},
        }
    })
}

/// A sentence of the fixed input: assad probabilities, mentions Assad, sentiment label.
type Spec = ([f64; 3], bool, &'static str);

/// Five articles in two outlets.
fn input() -> Vec<Value> {
    let mut v = Vec::new();
    let specs: [(&str, &str, &[Spec]); 5] = [
        (
            "a1",
            "sana",
            &[
                ([0.1, 0.3, 0.6], true, "positive"),
                ([0.2, 0.7, 0.1], false, "neutral"),
                ([0.05, 0.15, 0.8], true, "positive"),
            ],
        ),
        ("a2", "sana", &[([0.7, 0.2, 0.1], true, "negative"), ([0.1, 0.2, 0.7], true, "neutral")]),
        (
            "a3",
            "etilaf",
            &[
                ([0.9, 0.05, 0.05], true, "negative"),
                ([0.6, 0.3, 0.1], true, "negative"),
                ([0.2, 0.6, 0.2], false, "neutral"),
                ([0.5, 0.4, 0.1], true, "negative"),
            ],
        ),
        ("a4", "etilaf", &[([0.3, 0.6, 0.1], true, "neutral")]),
        (
            "a5",
            "etilaf",
            &[([0.2, 0.7, 0.1], false, "neutral"), ([0.8, 0.1, 0.1], true, "negative")],
        ),
    ];
    for (id, outlet, sentences) in specs {
        for (i, (p, m, s)) in sentences.iter().enumerate() {
            v.push(record(id, outlet, i, *p, *m, s));
        }
    }
    v
}

struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
}

/// The documented bootstrap, written again: `units` are (base, per-class counts).
fn interval(units: &[(u64, Vec<u64>)], class: usize, b: usize, seed: u64) -> (f64, f64) {
    let mut rng = SplitMix(seed);
    let mut shares = Vec::new();
    for _ in 0..b {
        let (mut num, mut den) = (0, 0);
        for _ in 0..units.len() {
            let j = ((rng.next() as u128 * units.len() as u128) >> 64) as usize;
            den += units[j].0;
            num += units[j].1[class];
        }
        if den > 0 {
            shares.push(num as f64 / den as f64);
        }
    }
    shares.sort_by(f64::total_cmp);
    let q = |q: f64| {
        let pos = q * (shares.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, (pos.floor() as usize + 1).min(shares.len() - 1));
        shares[lo] + (shares[hi] - shares[lo]) * (pos - pos.floor())
    };
    (q(0.025), q(0.975))
}

fn close(got: &Value, want: f64) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{got} is not a number"));
    assert!((got - want).abs() <= 5.1e-5, "got {got}, want {want}");
}

#[test]
fn figures_equal_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scored.jsonl");
    let records = input();
    let text: String = records.iter().map(|r| r.to_string() + "\n").collect();
    std::fs::write(&path, &text).unwrap();
    let (b, seed) = (400, 7);
    let o = run(
        "summarize",
        &[
            "--by",
            "outlet",
            "--format",
            "json",
            "--bootstrap",
            "400",
            "--seed",
            "7",
            path.to_str().unwrap(),
        ],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = summary["rows"].as_array().unwrap();
    let levels: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["level"].as_str().unwrap(), r["group"].as_str().unwrap())).collect();
    assert_eq!(
        levels,
        [
            ("all", ""),
            ("outlet", "etilaf"),
            ("outlet", "sana"),
            ("article", "a1"),
            ("article", "a2"),
            ("article", "a3"),
            ("article", "a4"),
            ("article", "a5")
        ]
    );
    let classes = ["anti", "neutral", "pro"];
    let sentiment = ["negative", "neutral", "positive"];
    for row in rows {
        let (level, group) = (row["level"].as_str().unwrap(), row["group"].as_str().unwrap());
        let members: Vec<&Value> = records
            .iter()
            .filter(|r| match level {
                "all" => true,
                "outlet" => r["outlet"] == group,
                _ => r["id"] == group,
            })
            .collect();
        let mut articles: Vec<&str> = members.iter().map(|r| r["id"].as_str().unwrap()).collect();
        articles.dedup();
        assert_eq!(row["articles"], articles.len(), "{level} {group}");
        for (task, names, among_mentions) in
            [("assad", classes, true), ("sentiment", sentiment, false)]
        {
            let t = &row["tasks"][task];
            let in_base = |r: &&&Value| {
                !among_mentions || !r["mentions"]["assad"].as_array().unwrap().is_empty()
            };
            let base: Vec<&&Value> = members.iter().filter(in_base).collect();
            assert_eq!(t["sentences"], members.len());
            assert_eq!(t["base"], base.len(), "{level} {group} {task}");
            assert_eq!(t["among"], if among_mentions { "mentions" } else { "all" });
            if among_mentions {
                assert_eq!(t["mentioning"], base.len());
            } else {
                assert_eq!(t["mentioning"], Value::Null);
            }
            // Units of the bootstrap: the articles of a group, the sentences of an article.
            let units: Vec<(u64, Vec<u64>)> = if level == "article" {
                members
                    .iter()
                    .map(|r| {
                        let b = u64::from(in_base(&r));
                        (
                            b,
                            names
                                .map(|c| b * u64::from(r["predictions"][task]["label"] == c))
                                .to_vec(),
                        )
                    })
                    .collect()
            } else {
                articles
                    .iter()
                    .map(|a| {
                        let rs: Vec<&&Value> =
                            members.iter().filter(|r| r["id"] == *a).filter(in_base).collect();
                        (
                            rs.len() as u64,
                            names
                                .map(|c| {
                                    rs.iter()
                                        .filter(|r| r["predictions"][task]["label"] == c)
                                        .count() as u64
                                })
                                .to_vec(),
                        )
                    })
                    .collect()
            };
            for (k, class) in names.iter().enumerate() {
                let c = &t["classes"][class];
                let count =
                    base.iter().filter(|r| r["predictions"][task]["label"] == *class).count();
                assert_eq!(c["count"], count, "{level} {group} {task} {class}");
                if base.is_empty() {
                    assert_eq!(c["share"], Value::Null);
                    continue;
                }
                close(&c["share"], count as f64 / base.len() as f64);
                let mean = base
                    .iter()
                    .map(|r| r["predictions"][task]["probabilities"][class].as_f64().unwrap())
                    .sum::<f64>()
                    / base.len() as f64;
                close(&c["mean_probability"], mean);
                let (lo, hi) = interval(&units, k, b, seed);
                close(&c["low"], lo);
                close(&c["high"], hi);
            }
        }
    }
    // The CSV holds the same figures, one line per row, task and class.
    let o = run(
        "summarize",
        &["--by", "outlet", "--bootstrap", "400", "--seed", "7", "-"],
        &root(),
        Some(text.as_bytes()),
    );
    assert!(o.status.success());
    let mut reader = csv::Reader::from_reader(&o.stdout[..]);
    let lines: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(lines.len(), rows.len() * 6);
    for l in &lines {
        let row = rows.iter().find(|r| r["level"] == l[0] && r["group"] == l[1]).unwrap();
        let c = &row["tasks"][&l[3]]["classes"][&l[8]];
        assert_eq!(c["count"].to_string(), &l[9]);
        if !l[11].is_empty() {
            close(&c["low"], l[11].parse().unwrap());
        }
    }
    // A different seed moves the intervals; --among all counts every sentence.
    let o = run(
        "summarize",
        &["--among", "all", "--format", "json", "-"],
        &root(),
        Some(text.as_bytes()),
    );
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(all["rows"][0]["tasks"]["assad"]["base"], records.len());
}

#[test]
fn the_report_is_one_self_contained_page_with_every_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let scored = dir.path().join("scored.jsonl");
    let o = run(
        "predict",
        &["--model", small_model().to_str().unwrap(), "--keep", "folder", "data"],
        &root(),
        None,
    );
    assert!(o.status.success());
    std::fs::write(&scored, &o.stdout).unwrap();
    let html = dir.path().join("report.html");
    let o = run(
        "summarize",
        &["--by", "folder", "--html", html.to_str().unwrap(), scored.to_str().unwrap()],
        &root(),
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    let records = jsonl(&std::fs::read(&scored).unwrap());
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    for r in &records {
        assert!(page.contains(&escape(r["text"].as_str().unwrap())), "{}", r["text"]);
    }
    assert_eq!(page.matches("tabindex=\"0\"").count(), records.len());
    assert_eq!(page.matches("role=\"tooltip\"").count(), records.len());
    assert!(
        page.contains("<svg") && page.contains("@media print") && page.contains("class=\"legend\"")
    );
    for external in ["<script", "src=", "@import", "url(", "<link", "href=\"http"] {
        assert!(!page.contains(external), "{external}");
    }
    // An unknown task is refused.
    let o = run(
        "summarize",
        &["--task", "nope", "--html", html.to_str().unwrap(), scored.to_str().unwrap()],
        &root(),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
}
