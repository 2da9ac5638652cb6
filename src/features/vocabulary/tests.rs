use super::*;

fn corpus(texts: &[&str], settings: &FeatureSettings) -> AnalyzedCorpus {
    AnalyzedCorpus::analyze(&Analyzer::new(settings.clone()), texts.iter().copied())
}

#[test]
fn vocabulary_is_sorted_with_smoothed_idf() {
    let s = FeatureSettings { min_df: 1, word_ngrams: (1, 1), ..Default::default() };
    let c = corpus(&["army shells town", "army retakes town", "rebels shell army"], &s);
    let (v, _) = c.fit_vocabulary(&s, &[0, 1, 2]);
    assert_eq!(v.terms, ["armi", "rebel", "retak", "shell", "town"]);
    // "armi" in 3 of 3 documents: ln(4/4) + 1 = 1; "rebel" in 1: ln(4/2) + 1.
    assert!((v.idf[0] - 1.0).abs() < 1e-12);
    assert!((v.idf[1] - (2f64.ln() + 1.0)).abs() < 1e-12);
}

#[test]
fn min_df_max_df_and_max_features_filter_terms() {
    let texts = ["army town", "army town", "army rebel", "army siege"];
    let s = FeatureSettings { min_df: 2, word_ngrams: (1, 1), ..Default::default() };
    let c = corpus(&texts, &s);
    assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.terms, ["armi", "town"]);
    let s = FeatureSettings { min_df: 1, max_df: 0.5, word_ngrams: (1, 1), ..Default::default() };
    assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.terms, ["rebel", "sieg", "town"]);
    let s = FeatureSettings {
        min_df: 1,
        max_features: Some(2),
        word_ngrams: (1, 1),
        ..Default::default()
    };
    assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.terms, ["armi", "town"]);
}

#[test]
fn word_terms_come_before_character_terms_and_each_block_is_capped() {
    let s = FeatureSettings {
        min_df: 1,
        word_ngrams: (1, 1),
        char_ngrams: Some((2, 2)),
        max_features: Some(3),
        ..Default::default()
    };
    let c = corpus(&["ab ab cd", "ab cd ef"], &s);
    let (v, _) = c.fit_vocabulary(&s, &[0, 1]);
    // Words by frequency: ab 3, cd 2, ef 1 -> ab, cd, ef (3 kept); char 2-grams: " a" 3,
    // "ab" 3, "b " 3, " c" 2, ... -> the three most frequent.
    assert_eq!(v.terms, ["ab", "cd", "ef", "c: a", "c:ab", "c:b "]);
    assert_eq!(v.char_start(), 3);
}

#[test]
fn char_max_df_drops_common_character_terms_only() {
    let s = FeatureSettings {
        min_df: 1,
        word_ngrams: (1, 1),
        char_ngrams: Some((2, 2)),
        max_features: None,
        char_max_df: 0.5,
        ..Default::default()
    };
    let c = corpus(&["ab", "ab", "ab cd", "ef"], &s);
    let (v, _) = c.fit_vocabulary(&s, &[0, 1, 2, 3]);
    // "ab" is in 3 of 4 sentences: the word stays, its 2-grams " a", "ab", "b " go.
    assert_eq!(v.terms, ["ab", "cd", "ef", "c: c", "c: e", "c:cd", "c:d ", "c:ef", "c:f "]);
    assert_eq!(v.char_start(), 3);
    let s = FeatureSettings { char_max_df: 1.0, ..s };
    assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.len(), 12);
}

#[test]
fn vocabulary_uses_only_the_given_rows() {
    let s = FeatureSettings { min_df: 1, word_ngrams: (1, 1), ..Default::default() };
    let c = corpus(&["army", "rebels"], &s);
    assert_eq!(c.fit_vocabulary(&s, &[1]).0.terms, ["rebel"]);
}

#[test]
fn index_transform_matches_corpus_rows() {
    let s = FeatureSettings { min_df: 1, char_ngrams: Some((2, 3)), ..Default::default() };
    let texts = [
        "The army shelled the town.",
        "Rebels shelled the army base, the army said.",
        "Talks in Geneva",
    ];
    let c = corpus(&texts, &s);
    let (v, feature_of) = c.fit_vocabulary(&s, &[0, 1, 2]);
    let index = FeatureIndex::new(s.clone(), &v);
    for (i, text) in texts.iter().enumerate() {
        let expected = c.row(i, &v, &feature_of, s.sublinear_tf);
        let got = index.transform(text);
        assert_eq!(got.indices, expected.indices);
        for (a, b) in got.values.iter().zip(&expected.values) {
            assert!((a - b).abs() < 1e-12);
        }
        let cs = v.char_start() as u32;
        let block = |chars: bool| -> f64 {
            got.indices
                .iter()
                .zip(&got.values)
                .filter(|(&i, _)| (i >= cs) == chars)
                .map(|(_, v)| v * v)
                .sum()
        };
        assert!((block(false) - 1.0).abs() < 1e-9 && (block(true) - 1.0).abs() < 1e-9);
    }
}

#[test]
fn cached_token_features_give_the_same_rows_as_a_fresh_scratch() {
    let s = FeatureSettings { min_df: 1, char_ngrams: Some((2, 4)), ..Default::default() };
    let texts = ["The army shelled the town.", "The town shelled the army.", "Ünïcode wörds"];
    let c = corpus(&texts, &s);
    let (v, _) = c.fit_vocabulary(&s, &[0, 1, 2]);
    let index = FeatureIndex::new(s, &v);
    let mut warm = VectorizerScratch::default();
    for _ in 0..2 {
        for text in texts {
            let mut row = SparseRow::default();
            index.transform_into(text, &mut warm, &mut row);
            assert_eq!(row, index.transform(text), "{text}");
        }
    }
    // the, army, shelled, town, ünïcode, wörds: each looked up once.
    assert_eq!(warm.char_cache.spans.len(), 6);
}

#[test]
fn occurrences_are_the_row_s_hits_with_their_words() {
    let s = FeatureSettings { min_df: 1, char_ngrams: Some((2, 3)), ..Default::default() };
    let texts = ["The army shelled the town.", "Rebels shelled the army base, the army said."];
    let c = corpus(&texts, &s);
    let (v, _) = c.fit_vocabulary(&s, &[0, 1]);
    let index = FeatureIndex::new(s, &v);
    let text = texts[1];
    let mut scratch = VectorizerScratch::default();
    let occurrences = index.occurrences(text, &mut scratch);
    let mut features: Vec<u32> = occurrences.iter().map(|o| o.feature).collect();
    let row = SparseRow::from_feature_hits(&mut features, &v.idf, true, v.char_start());
    assert_eq!(row, index.transform(text));
    let find = |term: &str| {
        let f = v.terms.iter().position(|t| t == term).unwrap() as u32;
        occurrences
            .iter()
            .filter(|o| o.feature == f)
            .map(|o| &text[o.start..o.end])
            .collect::<Vec<_>>()
    };
    assert_eq!(find("shell the"), ["shelled the"]);
    assert_eq!(find("armi"), ["army", "army"]);
    assert_eq!(find("c:reb"), ["Rebels"]);
}

#[test]
fn unseen_words_give_an_empty_row() {
    let s = FeatureSettings { min_df: 1, ..Default::default() };
    let c = corpus(&["army"], &s);
    let (v, _) = c.fit_vocabulary(&s, &[0]);
    let row = FeatureIndex::new(s, &v).transform("zebra quantum");
    assert!(row.indices.is_empty());
}

#[test]
fn about_features_read_from_their_arrays_are_those_of_the_ngram_table() {
    let table = "actor,alias,not_after\nassad,Assad,\nrussia,Putin,\n";
    let actors =
        crate::text::Actor::parse_table(std::path::Path::new("a.csv"), table.as_bytes()).unwrap();
    let s = FeatureSettings { min_df: 1, actors, about_features: true, ..Default::default() };
    let texts = ["Putin denied the strikes, Assad denied them", "Assad said the army advanced"];
    let c = corpus(&texts, &s);
    let (v, _) = c.fit_vocabulary(&s, &[0, 1]);
    assert!(v.terms.iter().any(|t| t == "about:russia deni"), "{:?}", v.terms);
    // `occurrences` looks every n-gram up in the n-gram table; rows read the "about"
    // features from their arrays. Both agree, before and after the renumbering scorers do,
    // for text naming both actors, one, or none, and with words the vocabulary lacks.
    let mut index = FeatureIndex::new(s, &v);
    for renumber in [false, true] {
        if renumber {
            index.renumber_hot_first();
        }
        for text in [texts[0], texts[1], "Assad and Putin denied it", "the army denied", ""] {
            let mut scratch = VectorizerScratch::default();
            let mut features: Vec<u32> =
                index.occurrences(text, &mut scratch).iter().map(|o| o.feature).collect();
            let row =
                SparseRow::from_feature_hits(&mut features, index.idf(), true, v.char_start());
            assert_eq!(row, index.transform(text), "{text:?}");
        }
    }
}
