//! The guarantees of every split (ordered, non-overlapping, trimmed spans on character
//! boundaries) on empty, odd, pseudo-random and large inputs.

use super::*;

#[test]
fn empty_and_whitespace_only() {
    assert_split("", &[]);
    assert_split(" \t\n\r\n \u{a0}\u{2003}\n\n", &[]);
}

#[test]
fn odd_inputs_do_not_panic() {
    assert_split("...!?", &["...!?"]);
    assert_split(". . .", &[". . ."]);
    assert_split("\u{0}\u{1}. \u{7f}A.", &["\u{0}\u{1}. \u{7f}A."]);
    assert_split("“”’. ‘", &["“”’.", "‘"]);
    assert_split("é.É. …", &["é.É. …"]);
    assert_split("\u{2026}", &["\u{2026}"]);
    assert_split("x\u{2014}. \u{2014}", &["x\u{2014}. \u{2014}"]);
}

#[test]
fn split_into_reuses_the_buffer() {
    let splitter = SentenceSplitter::new();
    let mut spans = Vec::new();
    splitter.split_into("One. Two. Three.", &mut spans);
    assert_eq!(spans.len(), 3);
    splitter.split_into("Only one.", &mut spans);
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].text("Only one."), "Only one.");
    assert_eq!(spans[0].text("short"), "", "a foreign source must not panic");
}

#[test]
fn pseudo_random_inputs_keep_the_guarantees() {
    let pieces = [
        "a",
        "B",
        " ",
        ".",
        "!",
        "?",
        "…",
        "“",
        "”",
        "’",
        "\"",
        "'",
        "(",
        ")",
        "\n",
        "\r",
        "U.S.",
        "Mr.",
        "3.5",
        "é",
        "بشار",
        "—",
        "\u{a0}",
        "\u{feff}",
        "\u{0}",
        "EDITORS:",
        "Error",
        "@x",
        "202-383-6012",
        ":",
        "The",
        "\u{2014}",
        "\u{2003}",
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut text = String::new();
    for _ in 0..3000 {
        text.clear();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for _ in 0..state % 48 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(pieces[(state % pieces.len() as u64) as usize]);
        }
        check_invariants(&text);
    }
}

#[test]
fn one_megabyte_synthetic_text() {
    let unit = "Mr. Smith met U.S. officials at 10 a.m. Monday. “It’s over,” he said. Prices rose 3.5 percent!\nReuters\n";
    let copies = 1_000_000 / unit.len() + 1;
    // A title line of its own, so that no body line repeats it as a headline.
    let text = format!("Talks\n{}", unit.repeat(copies));
    let spans = check_invariants(&text);
    assert_eq!(spans.len(), copies * 4 + 1);
    assert_eq!(spans.iter().filter(|s| s.is_furniture()).count(), copies);

    let no_boundary = "a".repeat(1 << 20);
    assert_eq!(check_invariants(&no_boundary).len(), 1);
}
