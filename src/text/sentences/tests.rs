//! The splitter's rules, one test per case, and its guarantees on odd and random inputs.

use super::engine::is_space;
use super::*;

const FURNITURE: &str = "[furniture] ";

/// Checks every guarantee of a split and returns it.
fn check_invariants(text: &str) -> Vec<SentenceSpan> {
    let splitter = SentenceSplitter::new();
    let spans = splitter.split(text);
    let mut reused = vec![SentenceSpan { start: 0, end: 0, kind: SpanKind::Sentence }];
    splitter.split_into(text, &mut reused);
    assert_eq!(spans, reused, "split_into must clear and match split");
    let mut previous_end = 0;
    for span in &spans {
        assert!(span.start < span.end, "empty span {span:?} in {text:?}");
        assert!(span.start >= previous_end, "overlap at {span:?} in {text:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let s = &text[span.start..span.end];
        assert_eq!(s, span.text(text), "offsets must round-trip");
        assert_eq!(s, s.trim_matches(is_space), "span {s:?} not trimmed");
        assert_eq!(span.is_furniture(), span.kind == SpanKind::Furniture);
        previous_end = span.end;
    }
    spans
}

/// Asserts the span texts in order; furniture spans are written with the
/// `[furniture] ` prefix in `expected`.
fn assert_split(text: &str, expected: &[&str]) {
    let actual: Vec<String> = check_invariants(text)
        .iter()
        .map(|span| match span.kind {
            SpanKind::Sentence => span.text(text).to_string(),
            SpanKind::Furniture => format!("{FURNITURE}{}", span.text(text)),
        })
        .collect();
    assert_eq!(actual, expected, "splitting {text:?}");
}

#[test]
fn basic_terminators() {
    assert_split(
        "The vote passed. Was it fair? Nobody knows! Then it ended.",
        &["The vote passed.", "Was it fair?", "Nobody knows!", "Then it ended."],
    );
}

#[test]
fn terminator_runs() {
    assert_split(
        "Is this real?! It is... Really!!! Yes.",
        &["Is this real?!", "It is...", "Really!!!", "Yes."],
    );
}

#[test]
fn needs_whitespace_and_a_plausible_start() {
    assert_split("See Reuters.com for more.", &["See Reuters.com for more."]);
    assert_split("It fell. and rose.", &["It fell. and rose."]);
    assert_split(
        "It fell. 2015 was worse. (Nobody knew.) “Why?” ‘Who?’ $5 was lost.",
        &["It fell.", "2015 was worse.", "(Nobody knew.)", "“Why?”", "‘Who?’", "$5 was lost."],
    );
}

#[test]
fn straight_closing_quotes_stay_with_their_sentence() {
    assert_split(
        "\"We must act,\" he said. \"Now.\" 'Fine.' Done.",
        &["\"We must act,\" he said.", "\"Now.\"", "'Fine.'", "Done."],
    );
}

#[test]
fn curly_closing_quotes_and_brackets_stay_with_their_sentence() {
    assert_split(
        "...the status quo,” he declared. He left (quietly.) Then [it ended.] Fine.’ So.",
        &[
            "...the status quo,” he declared.",
            "He left (quietly.)",
            "Then [it ended.]",
            "Fine.’",
            "So.",
        ],
    );
}

#[test]
fn carter_curly_quotes() {
    assert_split(
        "“It’s not a matter of trust,” Carter said. “It’s a matter of seeing what the Russians do.”",
        &[
            "“It’s not a matter of trust,” Carter said.",
            "“It’s a matter of seeing what the Russians do.”",
        ],
    );
}

#[test]
fn question_in_quote_followed_by_attribution() {
    assert_split("\"Why?\" he asked. Nobody knew.", &["\"Why?\" he asked.", "Nobody knew."]);
    assert_split(
        "“Why now?” Defense Secretary Ash Carter asked. Nobody answered.",
        &["“Why now?” Defense Secretary Ash Carter asked.", "Nobody answered."],
    );
    assert_split("\"Enough!\" The crowd roared.", &["\"Enough!\"", "The crowd roared."]);
}

#[test]
fn titles_never_end_a_sentence() {
    for title in [
        "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Maj.", "Gov.",
        "Sen.", "Rep.", "Rev.", "Prof.", "St.",
    ] {
        let text = format!("Reporters met {title} Smith today. It went well.");
        let first = format!("Reporters met {title} Smith today.");
        assert_split(&text, &[&first, "It went well."]);
    }
    assert_split(
        "“Mr. Smith is here,” (Gen. Lee) said.",
        &["“Mr. Smith is here,” (Gen. Lee) said."],
    );
    assert_split("Roe vs. Wade and Roe v. Wade.", &["Roe vs. Wade and Roe v. Wade."]);
}

#[test]
fn company_and_name_suffixes_are_weak() {
    for suffix in ["Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr."] {
        let whole = format!("Shares of Acme {suffix} Chief Executive Bob Roe rose.");
        assert_split(&whole, &[&whole]);
        let text = format!("He works for Acme {suffix} The firm is big.");
        let first = format!("He works for Acme {suffix}");
        assert_split(&text, &[&first, "The firm is big."]);
    }
    assert_split(
        "He lives on Main St. The house is old. St. Louis is near.",
        &["He lives on Main St.", "The house is old.", "St. Louis is near."],
    );
}

#[test]
fn numbered_abbreviations() {
    assert_split(
        "He is No. 1 in the world. She said No. The end.",
        &["He is No. 1 in the world.", "She said No.", "The end."],
    );
    assert_split("See p. 12 and Vol. 3 now.", &["See p. 12 and Vol. 3 now."]);
}

#[test]
fn month_abbreviations() {
    for month in [
        "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.",
        "Dec.",
    ] {
        let text = format!("It began {month} 15 in Geneva.");
        assert_split(&text, &[&text]);
    }
    assert_split("It began in Jan. The end came.", &["It began in Jan.", "The end came."]);
}

#[test]
fn etc_splits_only_before_a_sentence_start() {
    assert_split("Guns, tanks, etc. were seized.", &["Guns, tanks, etc. were seized."]);
    assert_split(
        "Guns, tanks, etc. The haul was big.",
        &["Guns, tanks, etc.", "The haul was big."],
    );
}

#[test]
fn latin_abbreviations() {
    assert_split(
        "Some states, e.g. Texas, agree. Others, i.e. California, do not.",
        &["Some states, e.g. Texas, agree.", "Others, i.e. California, do not."],
    );
}

#[test]
fn dotted_acronyms() {
    assert_split(
        "U.S. officials said the U.N. General Assembly and the U.K. and E.U. agreed.",
        &["U.S. officials said the U.N. General Assembly and the U.K. and E.U. agreed."],
    );
    assert_split(
        "Russia agreed with the U.S. The talks begin soon.",
        &["Russia agreed with the U.S.", "The talks begin soon."],
    );
    assert_split(
        "He flew to Washington, D.C. On Monday he spoke. He met U.S. President Obama.",
        &["He flew to Washington, D.C.", "On Monday he spoke.", "He met U.S. President Obama."],
    );
    assert_split(
        "A U.S.-led coalition (U.S. and U.K.) struck.",
        &["A U.S.-led coalition (U.S. and U.K.) struck."],
    );
    // Documented trade-off: a capitalised noun after U.S. keeps one sentence.
    assert_split(
        "Russia agreed with the U.S. Officials were pleased.",
        &["Russia agreed with the U.S. Officials were pleased."],
    );
    assert_split(
        "He said the U.S. “We are ready,” he added.",
        &["He said the U.S.", "“We are ready,” he added."],
    );
}

#[test]
fn times_of_day() {
    assert_split(
        "The deal is worth $3.5 billion. Talks resume at 10 a.m. Monday in Geneva.",
        &["The deal is worth $3.5 billion.", "Talks resume at 10 a.m. Monday in Geneva."],
    );
    assert_split(
        "The meeting ended at 11 p.m. The next day was calm.",
        &["The meeting ended at 11 p.m.", "The next day was calm."],
    );
}

#[test]
fn initials() {
    assert_split(
        "Jonathan S. Landay wrote it. George W. Bush and J. R. R. Tolkien agree. A. B. Smith left.",
        &[
            "Jonathan S. Landay wrote it.",
            "George W. Bush and J. R. R. Tolkien agree.",
            "A. B. Smith left.",
        ],
    );
    assert_split("They chose Plan B. It failed.", &["They chose Plan B.", "It failed."]);
}

#[test]
fn decimals_and_numbers() {
    assert_split(
        "About 3.5 million fled, costing $1.2bn. Version 2.0 shipped in 2015. It sold 4.5m.",
        &[
            "About 3.5 million fled, costing $1.2bn.",
            "Version 2.0 shipped in 2015.",
            "It sold 4.5m.",
        ],
    );
    assert_split(
        "They use version 2.0. The rest is old.",
        &["They use version 2.0.", "The rest is old."],
    );
}

#[test]
fn list_markers_at_sentence_start() {
    assert_split("1. The first point is clear.", &["1. The first point is clear."]);
}

#[test]
fn ellipses() {
    assert_split(
        "He paused... and then left. She waited… and waited. It ended… Then silence. Fine . . . The end.",
        &[
            "He paused... and then left.",
            "She waited… and waited.",
            "It ended…",
            "Then silence.",
            "Fine . . .",
            "The end.",
        ],
    );
}

#[test]
fn newlines_end_sentences() {
    assert_split(
        "Obama meets Putin at the UN\nBy Jonathan S. Landay\n\nWASHINGTON — The talks began. They ended.\r\nNo punctuation here",
        &[
            "Obama meets Putin at the UN",
            "By Jonathan S. Landay",
            "WASHINGTON — The talks began.",
            "They ended.",
            "No punctuation here",
        ],
    );
    assert_split("Old Mac\rline endings", &["Old Mac", "line endings"]);
}

#[test]
fn furniture_lines_are_flagged_whole() {
    assert_split(
        "EDITORS: BEGIN OPTIONAL TRIM\nWashington is deeply concerned.",
        &["[furniture] EDITORS: BEGIN OPTIONAL TRIM", "Washington is deeply concerned."],
    );
    assert_split(
        "Jonathan S. Landay: 202-383-6012, @JonathanLanday",
        &["[furniture] Jonathan S. Landay: 202-383-6012, @JonathanLanday"],
    );
    assert_split(
        "It ended.\n  comments  \nERROR\nEDITORS: END OPTIONAL TRIM\nShare this article\nAdvertisement\nRead more: Obama at the U.N.\n--Reuters\nReuters\n— AP\nSource: Al Jazeera and agencies\nJane Doe in Moscow contributed to this report.\n(Reporting by Phil Stewart; Editing by Andrew Hay)\nTwitter: @Reuters\n© 2015 Reuters",
        &[
            "It ended.",
            "[furniture] comments",
            "[furniture] ERROR",
            "[furniture] EDITORS: END OPTIONAL TRIM",
            "[furniture] Share this article",
            "[furniture] Advertisement",
            "[furniture] Read more: Obama at the U.N.",
            "[furniture] --Reuters",
            "[furniture] Reuters",
            "[furniture] — AP",
            "[furniture] Source: Al Jazeera and agencies",
            "[furniture] Jane Doe in Moscow contributed to this report.",
            "[furniture] (Reporting by Phil Stewart; Editing by Andrew Hay)",
            "[furniture] Twitter: @Reuters",
            "[furniture] © 2015 Reuters",
        ],
    );
}

#[test]
fn furniture_rules_leave_real_sentences_alone() {
    let sentences = [
        "Reuters reported that the talks failed.",
        "Comments from the minister angered Moscow.",
        "Error rates rose sharply.",
        "Advertisement spending fell 3 percent.",
        "He blamed police and agencies",
        "The ministry works with other departments and agencies.",
        "Obama: We will not back down.",
        "Score: 2015 - 2016 - 17",
        "Population: 1,234,567",
        "On Thusday, Carter said that he and Russian Defense Minister Sergei Shoigu had discussed two primary goals: defeating the Islamic State and securing a political transition.",
    ];
    for sentence in sentences {
        assert_split(sentence, &[sentence]);
    }
}

#[test]
fn long_lines_are_never_furniture() {
    let line = format!("Reuters {} and wire services", "Word ".repeat(60));
    assert_split(&line, &[line.as_str()]);
}

#[test]
fn real_passage() {
    let text = "Ahead of his early evening Monday meeting with Putin, Obama in his speech at the U.N. emphasized the need for a political resolution to Syria's civil war that includes the ouster of President Bashar Assad, a Russian ally.\n\"We must recognize that there cannot be, after so much bloodshed, so much carnage, a return to the pre-war status quo,\" he declared during his annual address to the United Nations General Assembly.\nAl Jazeera and wire services\nError\nSorry, your comment was not saved due to a technical problem. Please try again later or using a different browser.";
    assert_split(
        text,
        &[
            "Ahead of his early evening Monday meeting with Putin, Obama in his speech at the U.N. emphasized the need for a political resolution to Syria's civil war that includes the ouster of President Bashar Assad, a Russian ally.",
            "\"We must recognize that there cannot be, after so much bloodshed, so much carnage, a return to the pre-war status quo,\" he declared during his annual address to the United Nations General Assembly.",
            "[furniture] Al Jazeera and wire services",
            "[furniture] Error",
            "[furniture] Sorry, your comment was not saved due to a technical problem. Please try again later or using a different browser.",
        ],
    );
}

#[test]
fn one_sentence_with_colon() {
    let text = "On Thusday, Carter said that he and Russian Defense Minister Sergei Shoigu had discussed two primary goals: defeating the Islamic State and securing a political transition.";
    assert_split(text, &[text]);
}

#[test]
fn multi_byte_text() {
    assert_split(
        "President Bashar al-Assad (بشار الأسد) spoke — briefly — in Zürich. “We will win,” he said. Then Abu Bakr al-Baghdadi’s men left… قال المتحدث. Ça va.",
        &[
            "President Bashar al-Assad (بشار الأسد) spoke — briefly — in Zürich.",
            "“We will win,” he said.",
            "Then Abu Bakr al-Baghdadi’s men left…",
            "قال المتحدث.",
            "Ça va.",
        ],
    );
    assert_split("\u{feff}Hello.\u{a0}World.\u{2003}", &["Hello.", "World."]);
}

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
    let text = unit.repeat(copies);
    let spans = check_invariants(&text);
    assert_eq!(spans.len(), copies * 4);
    assert_eq!(spans.iter().filter(|s| s.is_furniture()).count(), copies);

    let no_boundary = "a".repeat(1 << 20);
    assert_eq!(check_invariants(&no_boundary).len(), 1);
}
