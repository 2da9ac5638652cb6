use super::*;

fn heads() -> Vec<TaskHead> {
    vec![TaskHead {
        name: "assad".into(),
        classes: vec!["anti".into(), "neutral".into(), "pro".into()],
        offset: 0,
    }]
}

#[test]
fn jsonl_record_has_label_and_probabilities() {
    let w = RecordWriter::new(OutputFormat::Jsonl, &heads());
    let mut out = Vec::new();
    let probs = [0.71, 0.22, 0.07];
    w.write(
        &mut out,
        &OutputUnit {
            id: "a",
            sentence: 2,
            start: 5,
            end: 9,
            char_start: 0,
            mentions: None,
            char_end: 6,
            kept: &[],
            text: "Hi \"x\"",
            furniture: None,
            probabilities: Some(&probs),
            explanations: None,
        },
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["sentence"], 2);
    assert_eq!(v["predictions"]["assad"]["label"], "anti");
    assert_eq!(v["predictions"]["assad"]["probabilities"]["pro"], 0.07);
    assert!(out.ends_with(b"}\n"));
}

#[test]
fn csv_rows_match_the_header() {
    let w = RecordWriter::new(OutputFormat::Csv, &heads());
    let header = String::from_utf8(w.header()).unwrap();
    assert_eq!(
        header,
        "id,sentence,start,end,start_char,end_char,text,assad,assad_p_anti,assad_p_neutral,assad_p_pro\n"
    );
    let mut out = Vec::new();
    w.write(
        &mut out,
        &OutputUnit {
            id: "a",
            sentence: 0,
            start: 0,
            end: 3,
            char_start: 0,
            mentions: None,
            char_end: 4,
            kept: &[],
            text: "x, y",
            furniture: None,
            probabilities: Some(&[0.1, 0.2, 0.7]),
            explanations: None,
        },
    );
    assert_eq!(String::from_utf8(out).unwrap(), "a,0,0,3,0,4,\"x, y\",pro,0.1000,0.2000,0.7000\n");
}

#[test]
fn furniture_is_numbered_below_zero_and_csv_names_its_kind_only_when_asked() {
    let furniture = OutputUnit {
        id: "a",
        sentence: 0,
        start: 0,
        end: 8,
        char_start: 0,
        mentions: None,
        char_end: 8,
        kept: &[],
        text: "Comments",
        furniture: Some("comments"),
        probabilities: None,
        explanations: None,
    };
    let sentence = OutputUnit { sentence: 0, furniture: None, text: "Hi.", ..furniture };
    let w = RecordWriter::new(OutputFormat::Csv, &heads()).with_furniture_column(true);
    let header = String::from_utf8(w.header()).unwrap();
    assert!(
        header.starts_with("id,sentence,start,end,start_char,end_char,text,furniture,assad,"),
        "{header}"
    );
    let mut out = Vec::new();
    w.write(&mut out, &furniture);
    w.write(&mut out, &OutputUnit { probabilities: Some(&[0.1, 0.2, 0.7]), ..sentence });
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "a,-1,0,8,0,8,Comments,comments,,,,\na,0,0,8,0,8,Hi.,,pro,0.1000,0.2000,0.7000\n"
    );
    let w = RecordWriter::new(OutputFormat::Jsonl, &[]);
    let mut out = Vec::new();
    w.write(&mut out, &OutputUnit { sentence: 1, ..furniture });
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!((v["sentence"].as_i64(), v["furniture"].as_str()), (Some(-2), Some("comments")));
}

#[test]
fn a_unit_after_its_record_prefix_is_the_unit_written_whole() {
    let kept = [serde_json::json!("Al \"Jazeera\""), serde_json::json!(3)];
    let w = RecordWriter::new(OutputFormat::Jsonl, &heads())
        .with_kept(&["source".into(), "page".into()])
        .unwrap();
    let unit = OutputUnit {
        id: "a\"1",
        sentence: 4,
        start: 120,
        end: 131,
        char_start: 120,
        mentions: None,
        char_end: 131,
        kept: &kept,
        text: "Hi “there”.",
        furniture: None,
        probabilities: Some(&[0.1, 0.2, 0.7]),
        explanations: None,
    };
    let mut prefix = Vec::new();
    w.json_prefix(&mut prefix, unit.id, unit.kept);
    // Offsets equal or not, with their digits copied or written.
    let units = [
        unit,
        OutputUnit { char_start: 118, char_end: 127, ..unit },
        OutputUnit { start: 123_456_789, end: 123_456_800, ..unit },
        OutputUnit { start: 0, end: 9, char_start: 0, char_end: 9, ..unit },
        OutputUnit { start: 99_999_990, end: 99_999_999, char_start: 7, char_end: 16, ..unit },
        OutputUnit { end: 100_000_000, char_end: 100_000_000, ..unit },
        OutputUnit { sentence: 0, char_start: 120, char_end: 100_000_001, ..unit },
    ];
    // Split-only units (no predictions) are written by a path of their own when plain.
    let split_only = units.map(|u| OutputUnit { probabilities: None, ..u });
    for u in units.into_iter().chain(split_only) {
        let mut whole = Vec::new();
        w.write(&mut whole, &u);
        // The text holds nothing to escape, so it may be copied as it is.
        for plain in [false, true] {
            let mut out = b"before\n".to_vec();
            w.write_json_unit(&mut out, &prefix, &u, plain);
            assert_eq!(out[7..], whole[..], "{}", String::from_utf8_lossy(&whole));
        }
    }
    let v: serde_json::Value = serde_json::from_slice(&{
        let mut out = Vec::new();
        w.write_json_unit(&mut out, &prefix, &units[1], true);
        out
    })
    .unwrap();
    assert_eq!((v["id"].as_str(), v["source"].as_str()), (Some("a\"1"), Some("Al \"Jazeera\"")));
    assert_eq!((v["start"].as_u64(), v["start_char"].as_u64()), (Some(120), Some(118)));
}

#[test]
fn a_unit_with_known_escapes_is_the_unit_written_whole() {
    let w = RecordWriter::new(OutputFormat::Jsonl, &[]);
    let text = "Il a dit \"non\" \\ à\ttous\r\n\u{1}\u{1f}.\"";
    let start = 100;
    // Offsets in the record's text, as the JSONL reader notes them.
    let escapes: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b < 0x20 || b == b'"' || b == b'\\')
        .map(|(i, _)| start + i)
        .collect();
    assert_eq!(escapes.len(), 9);
    let unit = OutputUnit {
        id: "r",
        sentence: 2,
        start,
        end: start + text.len(),
        char_start: 98,
        mentions: None,
        char_end: 98 + text.chars().count(),
        kept: &[],
        text,
        furniture: None,
        probabilities: None,
        explanations: None,
    };
    let mut prefix = Vec::new();
    w.json_prefix(&mut prefix, unit.id, unit.kept);
    let too_long = OutputUnit { end: 100_000_000 + text.len(), ..unit };
    let furniture = OutputUnit { furniture: Some("byline"), ..unit };
    for u in [unit, too_long, furniture] {
        let mut whole = Vec::new();
        w.write(&mut whole, &u);
        let mut out = b"x".to_vec();
        w.write_json_unit_escaping(&mut out, &prefix, &u, (&escapes, start));
        assert_eq!(out[1..], whole[..], "{}", String::from_utf8_lossy(&whole));
    }
    let v: serde_json::Value = serde_json::from_slice(&{
        let mut out = Vec::new();
        w.write_json_unit_escaping(&mut out, &prefix, &unit, (&escapes, start));
        out
    })
    .unwrap();
    assert_eq!(v["text"].as_str(), Some(text));
}

#[test]
fn predictions_from_pieces_are_the_object_written_key_by_key() {
    let heads = vec![
        TaskHead {
            name: "assad".into(),
            classes: vec!["anti".into(), "neutral".into(), "pro".into()],
            offset: 0,
        },
        TaskHead { name: "q\"t".into(), classes: vec!["a\\b".into(), "n".into()], offset: 3 },
    ];
    let w = RecordWriter::new(OutputFormat::Jsonl, &heads);
    let cases: [[f64; 5]; 4] = [
        [0.71, 0.22, 0.07, 0.4, 0.6],
        [0.1, 0.2, 0.7, 0.99995, 0.00005],
        [0.3, 0.3, 0.4, 0.5, 0.5],
        [0.0, 1.0, 0.0, f64::NAN, 1.0],
    ];
    for probs in cases {
        let unit = |explanations| OutputUnit {
            id: "a",
            sentence: 0,
            start: 0,
            end: 1,
            char_start: 0,
            mentions: None,
            char_end: 1,
            kept: &[],
            text: "x",
            furniture: None,
            probabilities: Some(&probs),
            explanations,
        };
        let (mut pieces, mut keys) = (Vec::new(), Vec::new());
        w.write(&mut pieces, &unit(None));
        // A unit with explanations (none for these tasks) is written key by key.
        w.write(&mut keys, &unit(Some(&[])));
        assert_eq!(String::from_utf8(pieces).unwrap(), String::from_utf8(keys).unwrap());
    }
}

#[test]
fn units_without_mentions_list_every_actor_empty() {
    use crate::text::{Actor, ActorAlias};
    let alias =
        |w: &str| ActorAlias { words: vec![w.into()], not_after: vec![], keep_words: false };
    let actors = [
        Actor { name: "assad".into(), aliases: vec![alias("assad")] },
        Actor { name: "ru\"s".into(), aliases: vec![alias("putin")] },
    ];
    let w = RecordWriter::new(OutputFormat::Jsonl, &heads())
        .with_mentions(Some(MentionFinder::new(&actors)));
    let probs = [0.2, 0.5, 0.3];
    for (text, char_start, want) in [
        (
            "No one.",
            0,
            r#""mentions":{"assad":[],"ru\"s":[]},"mention_chars":{"assad":[],"ru\"s":[]}"#,
        ),
        (
            "No one.",
            3,
            r#""mentions":{"assad":[],"ru\"s":[]},"mention_chars":{"assad":[],"ru\"s":[]}"#,
        ),
        (
            "Putin.",
            0,
            r#""mentions":{"assad":[],"ru\"s":[[0,5]]},"mention_chars":{"assad":[],"ru\"s":[[0,5]]}"#,
        ),
        (
            "Putin.",
            3,
            r#""mentions":{"assad":[],"ru\"s":[[0,5]]},"mention_chars":{"assad":[],"ru\"s":[[3,8]]}"#,
        ),
    ] {
        let mut out = Vec::new();
        let unit = OutputUnit {
            id: "a",
            sentence: 0,
            start: 0,
            end: text.len(),
            char_start,
            mentions: None,
            char_end: char_start + text.len(),
            kept: &[],
            text,
            furniture: None,
            probabilities: Some(&probs),
            explanations: None,
        };
        w.write(&mut out, &unit);
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(&format!(",{want},")), "{out}");
    }
}
