use super::*;
use std::collections::HashMap;

fn terms(settings: FeatureSettings, text: &str) -> Vec<String> {
    let analyzer = Analyzer::new(settings);
    let mut names: Vec<String> = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut out = Vec::new();
    let mut chars = Vec::new();
    analyzer.analyze(
        text,
        &mut AnalyzerScratch::default(),
        &mut |s| {
            *ids.entry(s.to_string()).or_insert_with(|| {
                names.push(s.to_string());
                names.len() as u32 - 1
            })
        },
        &mut |t| match t {
            Term::Word(k) => out.push(k),
            Term::Char(g) => chars.push(format!("{CHAR_TERM_PREFIX}{g}")),
        },
    );
    let mut words: Vec<String> = out
        .into_iter()
        .map(|k| {
            ngram_ids(k).iter().map(|&i| names[i as usize].clone()).collect::<Vec<_>>().join(" ")
        })
        .collect();
    words.extend(chars);
    words
}

#[test]
fn ngram_keys_round_trip() {
    for ids in [&[0u32][..], &[5, 7], &[MAX_STEM_ID, 0, 3]] {
        assert_eq!(ngram_ids(ngram_key(ids)), ids);
    }
    assert_ne!(ngram_key(&[1, 2]), ngram_key(&[2, 1]));
}

#[test]
fn unigrams_and_bigrams_of_stems() {
    let t = terms(FeatureSettings::default(), "Rebels bombed villages");
    assert_eq!(t, ["rebel", "bomb", "villag", "rebel bomb", "bomb villag"]);
}

#[test]
fn stemming_off_keeps_surface_forms() {
    let s = FeatureSettings { stemming: None, word_ngrams: (1, 1), ..Default::default() };
    assert_eq!(terms(s, "Rebels bombed"), ["rebels", "bombed"]);
}

#[test]
fn stop_words_are_dropped_before_ngrams() {
    let s = FeatureSettings { stop_words: true, ..Default::default() };
    assert_eq!(terms(s, "the army of Syria"), ["armi", "syria", "armi syria"]);
}

#[test]
fn aliases_fold_names_into_one_token() {
    let mut s = FeatureSettings { word_ngrams: (1, 1), ..Default::default() };
    s.aliases.insert("bashar".into(), "assad".into());
    s.aliases.insert("kremlin".into(), "russia".into());
    assert_eq!(terms(s, "Bashar Kremlin Assad"), ["assad", "russia", "assad"]);
}

#[test]
fn actor_names_become_one_placeholder_unless_places_and_datelines_are_left_out() {
    let table = "actor,alias,not_after\nassad,Assad,\nassad,Damascus,in\nrussia,Kremlin,\n";
    let actors =
        crate::text::Actor::parse_table(std::path::Path::new("a.csv"), table.as_bytes()).unwrap();
    let s = FeatureSettings {
        word_ngrams: (1, 1),
        char_ngrams: Some((3, 3)),
        actors,
        ..Default::default()
    };
    // Names fold (the possessive too) and carry no character n-grams; "in Damascus" is a
    // place; the dateline is not read.
    assert_eq!(
        terms(s.clone(), "KREMLIN (AP) — Assad's envoy in Damascus met Damascus"),
        [
            "actor:assad",
            "envoy",
            "in",
            "damascus",
            "met",
            "actor:assad",
            "c: en",
            "c:env",
            "c:nvo",
            "c:voy",
            "c:oy ",
            "c: in",
            "c:in ",
            "c: da",
            "c:dam",
            "c:ama",
            "c:mas",
            "c:asc",
            "c:scu",
            "c:cus",
            "c:us ",
            "c: me",
            "c:met",
            "c:et ",
        ]
    );
    // "the" before a name goes with the name.
    assert_eq!(terms(s.clone(), "The Kremlin"), ["actor:russia"]);
    assert_eq!(
        terms(s, "Bathe Kremlin"),
        ["bath", "actor:russia", "c: ba", "c:bat", "c:ath", "c:the", "c:he "]
    );
}

#[test]
fn about_features_copy_each_word_of_a_sentence_naming_an_actor() {
    let table = "actor,alias,not_after\nassad,Assad,\nassad,Damascus,in\nrussia,Putin,\n";
    let actors =
        crate::text::Actor::parse_table(std::path::Path::new("a.csv"), table.as_bytes()).unwrap();
    let s =
        FeatureSettings { word_ngrams: (1, 1), actors, about_features: true, ..Default::default() };
    // Every word (not the names) also counts as said about each actor named, repeats
    // included; the names themselves get no copy.
    assert_eq!(
        terms(s.clone(), "Putin denied, denied Assad"),
        [
            "actor:russia",
            "deni",
            "deni",
            "actor:assad",
            "about:assad deni",
            "about:assad deni",
            "about:russia deni",
            "about:russia deni",
        ]
    );
    // A place is no mention, so no copies; nor without any name.
    assert_eq!(terms(s.clone(), "Talks in Damascus"), ["talk", "in", "damascus"]);
    assert_eq!(terms(s.clone(), "Rebels advanced"), ["rebel", "advanc"]);
    // Off: the same sentence has no copies.
    let off = FeatureSettings { about_features: false, ..s };
    assert_eq!(terms(off, "Putin denied"), ["actor:russia", "deni"]);
}

#[test]
fn character_ngrams_are_padded_and_prefixed() {
    let s =
        FeatureSettings { word_ngrams: (1, 1), char_ngrams: Some((3, 3)), ..Default::default() };
    assert_eq!(terms(s, "War"), ["war", "c: wa", "c:war", "c:ar "]);
}

#[test]
fn unknown_stems_break_ngrams() {
    let analyzer = Analyzer::new(FeatureSettings::default());
    let mut keys = Vec::new();
    analyzer.analyze(
        "army shelled town",
        &mut AnalyzerScratch::default(),
        &mut |s| if s == "shell" { UNKNOWN_STEM } else { s.len() as u32 },
        &mut |t| {
            if let Term::Word(k) = t {
                keys.push(ngram_ids(k))
            }
        },
    );
    assert_eq!(keys, vec![vec![4], vec![4]]);
}
