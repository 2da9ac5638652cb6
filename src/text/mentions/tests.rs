use super::*;
use std::path::Path;

fn table() -> Vec<Actor> {
    let csv = "actor,alias,not_after,keep_words\n\
               assad,Assad,\n\
               assad,Bashar al-Assad,\n\
               assad,Syrian government,\n\
               assad,Damascus,in|near|of|to|from\n\
               russia,Russia,\n\
               russia,the Kremlin,\n\
               russia,Moscow,in|to|from\n\
               assad,regime,iranian,yes\n";
    Actor::parse_table(Path::new("actors.csv"), csv.as_bytes()).unwrap()
}

fn found(text: &str) -> Vec<(String, &str)> {
    let f = MentionFinder::new(&table());
    f.find(text).iter().map(|m| (f.actors()[m.actor].name.clone(), &text[m.start..m.end])).collect()
}

#[test]
fn longest_alias_wins_and_offsets_cover_the_name() {
    assert_eq!(
        found("Bashar al-Assad's troops and the Kremlin's envoy met; Assad spoke."),
        [
            ("assad".into(), "Bashar al-Assad"),
            ("russia".into(), "the Kremlin"),
            ("assad".into(), "Assad")
        ]
    );
}

#[test]
fn case_and_punctuation_between_words_do_not_matter() {
    assert_eq!(found("THE SYRIAN  GOVERNMENT said"), [("assad".into(), "SYRIAN  GOVERNMENT")]);
}

#[test]
fn names_that_keep_their_words_are_marked() {
    let f = MentionFinder::new(&table());
    let m = f.find("The regime and the Iranian regime; Assad");
    assert_eq!(
        m.iter().map(|m| (m.start, m.keep_words)).collect::<Vec<_>>(),
        [(4, true), (35, false)]
    );
}

#[test]
fn places_are_not_mentions() {
    assert_eq!(found("Talks in Moscow ended; Moscow said no."), [("russia".into(), "Moscow")]);
    assert_eq!(found("on the outskirts of Damascus"), []);
}

#[test]
fn names_inside_words_are_not_mentions() {
    assert_eq!(found("Russians and Assadist slogans"), []);
}

#[test]
fn datelines_are_recognized_and_hold_no_mention() {
    for (text, rest) in [
        ("MOSCOW (AP) — Officials met.", "Officials met."),
        ("DAMASCUS, Syria — Officials met.", "Officials met."),
        ("BEIRUT, Sept 28 (Reuters) - Officials met.", "Officials met."),
        ("NEW YORK -- Officials met.", "Officials met."),
        ("  AL-BAB – Officials met.", "Officials met."),
    ] {
        assert_eq!(&text[dateline_len(text)..], rest, "{text}");
    }
    assert_eq!(found("MOSCOW (AP) — Russia said."), [("russia".into(), "Russia")]);
    for text in ["Moscow (AP) — lower case", "UN officials - said", "A - b", "MOSCOWs — x", "ISIS"]
    {
        assert_eq!(dateline_len(text), 0, "{text}");
    }
}

#[test]
fn ascii_words_are_the_words() {
    let mut texts = vec![
        String::new(),
        "a".into(),
        "  Assad's   forces, 3.5 km-long; x".into(),
        "x".repeat(64),
        "y".repeat(128) + " z",
        format!("{} {}", "a".repeat(63), "b".repeat(65)),
    ];
    // Words ending and starting at every position around the 64-byte block boundaries.
    for k in 60..70 {
        texts.push(format!("{}.{}", "w".repeat(k), "v".repeat(130 - k)));
    }
    for text in &texts {
        let mut buf = [0u64; ASCII_MASK_WORDS];
        let mask = crate::text::ascii::alnum_mask(text.as_bytes(), &mut buf);
        for pos in [0, 1, 5, 64, 65].into_iter().filter(|&p| p <= text.len()) {
            let fast: Vec<_> = AsciiWords { mask, len: text.len(), pos }.collect();
            let slow: Vec<_> = Words { text, pos }.collect();
            assert_eq!(fast, slow, "{text:?} from {pos}");
        }
    }
}

#[test]
fn table_errors_name_the_line() {
    let err =
        Actor::parse_table(Path::new("a.csv"), b"actor,alias\nassad,Assad\nassad,\n").unwrap_err();
    assert!(err.to_string().contains("a.csv:3"), "{err}");
    let err = Actor::parse_table(Path::new("a.csv"), b"name,alias\n").unwrap_err();
    assert!(err.to_string().contains("actor"), "{err}");
    let err = Actor::parse_table(Path::new("a.csv"), b"actor,alias\nassad,Assad\nassad,ASSAD\n")
        .unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
}

/// ASCII texts of names, near-names, `not_after` words, datelines and separators, at random
/// (a fixed seed), and a few made to put names across the 64-byte blocks of the masks.
fn ascii_texts() -> Vec<String> {
    let words = [
        "assad",
        "Assad",
        "ASSAD",
        "assads",
        "ass",
        "Bashar",
        "al",
        "AL",
        "Syrian",
        "syria",
        "government",
        "GOVERNMENT",
        "Damascus",
        "damascu",
        "in",
        "near",
        "of",
        "to",
        "from",
        "Russia",
        "russian",
        "the",
        "The",
        "Kremlin",
        "kreml",
        "Moscow",
        "regime",
        "Iranian",
        "regimes",
        "said",
        "x",
        "3",
        "a1",
        "Assad's",
        "Moscow's",
        "president",
    ];
    let separators = [" ", "  ", ", ", "-", "'", ". ", "; ", " (", ") ", "\n"];
    let mut state = 12345u64;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    let mut texts: Vec<String> = vec![
        String::new(),
        "Assad".into(),
        "MOSCOW (AP) - Moscow said Assad met the Kremlin".into(),
        "DAMASCUS, Syria -- in Damascus, Damascus".into(),
        format!("{}Assad", "w".repeat(63)),
        format!("{} Assad", "w".repeat(63)),
        format!("{} Bashar al-Assad", "w".repeat(58)),
        format!("{} the Kremlin", "in ".repeat(40)),
    ];
    for _ in 0..3000 {
        let mut text = String::new();
        if next(4) == 0 {
            text.push_str(["MOSCOW (AP) - ", "DAMASCUS, Syria -- ", "  AL-BAB - "][next(3)]);
        }
        for _ in 0..next(40) {
            text.push_str(words[next(words.len())]);
            text.push_str(separators[next(separators.len())]);
        }
        texts.push(text);
    }
    texts
}

#[test]
fn the_ascii_search_finds_what_the_word_by_word_search_finds() {
    let f = MentionFinder::new(&table());
    let texts = ascii_texts();
    for text in &texts {
        assert!(text.is_ascii());
        let mut slow = Vec::new();
        f.find_in_words::<false, _>(text, Words { text, pos: dateline_len(text) }, &mut slow);
        let mut buf = [0u64; ASCII_MASK_WORDS];
        let mask = crate::text::ascii::alnum_mask(text.as_bytes(), &mut buf);
        let mut fast = Vec::new();
        f.find_into_ascii(text, mask, &mut fast);
        assert_eq!(fast, slow, "{text:?}");
        assert_eq!(f.find(text), slow, "{text:?}");
        // A search starting anywhere, inside a word too.
        for pos in [1, 2, 7, 64].into_iter().filter(|&p| p <= text.len()) {
            let mut slow = Vec::new();
            f.find_in_words::<false, _>(text, Words { text, pos }, &mut slow);
            let mut fast = Vec::new();
            f.find_in_ascii(text, mask, pos, &mut fast);
            assert_eq!(fast, slow, "{text:?} from {pos}");
        }
    }
}
