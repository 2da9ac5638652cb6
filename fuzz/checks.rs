// The checks of the fuzz targets, shared with the regression test `tests/fuzz_regressions.rs`
// (both `include!` this file), so every saved input is checked exactly as the fuzzer did.

use newsstance::features::{Analyzer, AnalyzerScratch};
use newsstance::predict::{InputFormat, Item};
use newsstance::{
    FeatureSettings, InputReader, LabeledCsvOptions, LabeledSet, Language, SentenceSplitter,
    Stemmer, Tokenizer,
};

/// The sentence splitter on arbitrary text: no panic, and spans are ordered, non-empty,
/// non-overlapping, on char boundaries and trimmed.
pub fn check_splitter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let spans = SentenceSplitter::new().split(&text);
    let mut previous_end = 0;
    for span in &spans {
        assert!(span.start < span.end, "empty span {span:?}");
        assert!(span.start >= previous_end, "overlapping spans {span:?}");
        assert!(span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let s = span.text(&text);
        assert_eq!(s, s.trim(), "untrimmed span {span:?}");
        previous_end = span.end;
    }
}

/// The tokenizer, the stemmer and the analyzer (word and character n-grams) on arbitrary
/// text: no panic, and tokens are non-empty and hold no whitespace.
pub fn check_tokenizer(data: &[u8], analyzer: &Analyzer, scratch: &mut AnalyzerScratch) {
    let text = String::from_utf8_lossy(data);
    let stemmer = Stemmer::new(Language::English);
    Tokenizer::new().for_each_token(&text, |token| {
        assert!(!token.is_empty());
        assert!(!token.chars().any(char::is_whitespace), "{token:?}");
        let _ = stemmer.stem(token);
    });
    let mut next_id = 0u32;
    let mut terms = 0usize;
    analyzer.analyze(
        &text,
        scratch,
        &mut |_| {
            next_id += 1;
            next_id
        },
        &mut |_| terms += 1,
    );
}

/// The analyzer the tokenizer check uses: every kind of term switched on.
pub fn fuzz_analyzer() -> Analyzer {
    Analyzer::new(FeatureSettings {
        word_ngrams: (1, 3),
        char_ngrams: Some((2, 5)),
        stop_words: true,
        ..FeatureSettings::default()
    })
}

/// The input readers on arbitrary bytes; the first byte picks the reader: `predict`'s JSONL,
/// CSV and text readers, or `train`'s labeled CSV parser. No panic; every record has a
/// non-empty id and text; every skip has a reason and serializes to JSON; errors carry a hint.
pub fn check_input_readers(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else { return };
    if selector % 4 == 3 {
        match LabeledSet::parse("fuzz.csv", bytes, &LabeledCsvOptions::default()) {
            Ok(set) => {
                assert_eq!(set.texts.len(), set.locations.len());
                assert!(set.labels.iter().all(|l| l.len() == set.texts.len()));
                assert!(set.texts.iter().all(|t| !t.trim().is_empty()));
            }
            Err(e) => assert!(e.to_string().contains("hint:"), "{e}"),
        }
        return;
    }
    let format = [InputFormat::Jsonl, InputFormat::Csv, InputFormat::Text][selector as usize % 4];
    let mut reader =
        InputReader::from_reader(format, "fuzz.in", std::io::Cursor::new(bytes.to_vec()));
    loop {
        match reader.next_item() {
            Ok(Some(Item::Record(r))) => {
                assert!(!r.id.is_empty());
                assert!(!r.text.trim().is_empty());
            }
            Ok(Some(Item::Skip(s))) => {
                assert!(!s.reason.is_empty());
                let line = s.to_json_line();
                let _: serde_json::Value =
                    serde_json::from_slice(&line).expect("a skip line is JSON");
            }
            Ok(None) => break,
            Err(e) => {
                assert!(e.to_string().contains("hint:"), "{e}");
                break;
            }
        }
        let _ = reader.take_warnings();
    }
}

/// The model loader on arbitrary bytes (a `model.nsm` file): no panic; an error has a hint; a
/// bundle that loads scores a sentence.
pub fn check_model_loader(data: &[u8]) {
    match newsstance::ModelBundle::parse(std::path::Path::new("fuzz/model.nsm"), data) {
        Ok(bundle) => {
            let scorer = bundle.scorer();
            let mut scratch = Default::default();
            let _ = scorer.score("Talks resumed on Monday in Geneva.", &mut scratch);
        }
        Err(e) => assert!(e.to_string().contains("hint: "), "{e}"),
    }
}

/// `train`'s settings, picked by the first bytes, on a tiny labeled CSV (the rest): no panic,
/// and every error has a hint.
pub fn check_train_args(data: &[u8]) {
    use newsstance::model::{Balance, FeatureSet};
    if data.len() < 4 {
        return;
    }
    let (flags, csv) = data.split_at(4);
    let options = LabeledCsvOptions {
        tasks: if flags[0] & 1 == 1 { vec!["t".into()] } else { Vec::new() },
        group_column: if flags[0] & 2 == 2 { Some("g".into()) } else { None },
        ..Default::default()
    };
    let set = match LabeledSet::parse("fuzz.csv", csv, &options) {
        Ok(set) if set.texts.len() <= 200 => set,
        Ok(_) => return,
        Err(e) => {
            assert!(e.to_string().contains("hint: "), "{e}");
            return;
        }
    };
    let mut settings = newsstance::TrainSettings {
        folds: usize::from(flags[1] % 4),
        c: (flags[1] & 4 == 4).then_some(f64::from(flags[2]) / 16.0),
        c_grid: vec![0.5, f64::from(flags[2] % 8) + 0.1],
        balances: match flags[3] % 3 {
            0 => vec![Balance::None],
            1 => vec![Balance::Weighted],
            _ => vec![Balance::Oversample],
        },
        feature_sets: if flags[3] & 8 == 8 {
            vec![FeatureSet::WordsAndChars]
        } else {
            vec![FeatureSet::Words]
        },
        max_iterations: 50,
        max_memory: Some(256 << 20),
        ..Default::default()
    };
    settings.features.min_df = usize::from(flags[2] % 3);
    settings.features.word_ngrams = (1, 1 + usize::from(flags[3] >> 6));
    if let Err(e) = newsstance::model::train(&set, &settings, &|_| {}) {
        assert!(e.to_string().contains("hint: "), "{e}");
    }
}
