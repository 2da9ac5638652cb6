//! The splitter's rules, one test per case, and its guarantees on odd and random inputs.

use super::engine::is_space;
use super::*;

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
        assert_eq!(span.is_furniture(), span.furniture_kind().is_some());
        previous_end = span.end;
    }
    spans
}

/// Asserts the span texts in order; furniture spans are written with their kind as a
/// `[kind] ` prefix in `expected`.
fn assert_split(text: &str, expected: &[&str]) {
    let splitter = SentenceSplitter::new();
    let actual: Vec<String> = check_invariants(text)
        .iter()
        .map(|span| match span.kind {
            SpanKind::Sentence => span.text(text).to_string(),
            SpanKind::Furniture(kind) => {
                format!("[{}] {}", splitter.kind_name(kind), span.text(text))
            }
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
            "[byline] By Jonathan S. Landay",
            "[dateline] WASHINGTON —",
            "The talks began.",
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
        &["[editor_note] EDITORS: BEGIN OPTIONAL TRIM", "Washington is deeply concerned."],
    );
    assert_split(
        "Jonathan S. Landay: 202-383-6012, @JonathanLanday",
        &["[byline] Jonathan S. Landay: 202-383-6012, @JonathanLanday"],
    );
    assert_split(
        "It ended.\n  comments  \nERROR\nEDITORS: END OPTIONAL TRIM\nShare this article\nAdvertisement\nRead more: Obama at the U.N.\n--Reuters\nReuters\n— AP\nSource: Al Jazeera and agencies\nJane Doe in Moscow contributed to this report.\n(Reporting by Phil Stewart; Editing by Andrew Hay)\nTwitter: @Reuters\n© 2015 Reuters",
        &[
            "It ended.",
            "[comments] comments",
            "[comments] ERROR",
            "[editor_note] EDITORS: END OPTIONAL TRIM",
            "[share] Share this article",
            "[other] Advertisement",
            "[related] Read more: Obama at the U.N.",
            "[byline] --Reuters",
            "[byline] Reuters",
            "[byline] — AP",
            "[credit] Source: Al Jazeera and agencies",
            "[byline] Jane Doe in Moscow contributed to this report.",
            "[byline] (Reporting by Phil Stewart; Editing by Andrew Hay)",
            "[byline] Twitter: @Reuters",
            "[other] © 2015 Reuters",
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
            "[credit] Al Jazeera and wire services",
            "[comments] Error",
            "[comments] Sorry, your comment was not saved due to a technical problem.",
            "[comments] Please try again later or using a different browser.",
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
    // A title line of its own, so that no body line repeats it as a headline.
    let text = format!("Talks\n{}", unit.repeat(copies));
    let spans = check_invariants(&text);
    assert_eq!(spans.len(), copies * 4 + 1);
    assert_eq!(spans.iter().filter(|s| s.is_furniture()).count(), copies);

    let no_boundary = "a".repeat(1 << 20);
    assert_eq!(check_invariants(&no_boundary).len(), 1);
}

// Hard cases from the English "golden rules" of segmentation and from agency copy.

#[test]
fn numbered_and_lettered_lists() {
    assert_split(
        "1.) The first item 2.) The second item",
        &["1.) The first item", "2.) The second item"],
    );
    assert_split(
        "1.) The first item. 2.) The second item.",
        &["1.) The first item.", "2.) The second item."],
    );
    assert_split(
        "1. The first item 2. The second item",
        &["1. The first item", "2. The second item"],
    );
    assert_split(
        "a. The first item b. The second item c. The third list item",
        &["a. The first item", "b. The second item", "c. The third list item"],
    );
    assert_split(
        "It set three conditions: a. The YPG withdraws. b. Its weapons are handed over. c. Councils are chosen.",
        &[
            "It set three conditions:",
            "a. The YPG withdraws.",
            "b. Its weapons are handed over.",
            "c. Councils are chosen.",
        ],
    );
    // Not a list: a number that is not the next item.
    assert_split("1. The first item 5. The fifth", &["1. The first item 5.", "The fifth"]);
}

#[test]
fn bullets() {
    assert_split(
        "• 9. The first item • 10. The second item",
        &["• 9. The first item", "• 10. The second item"],
    );
    assert_split(
        "⁃9. The first item ⁃10. The second item",
        &["⁃9. The first item", "⁃10. The second item"],
    );
    assert_split("- fuel\n* bags\n• gloves", &["- fuel", "* bags", "• gloves"]);
}

#[test]
fn capital_pm_and_the_pronoun_i() {
    assert_split(
        "At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. Mr. Smith then went to the store.",
        &[
            "At 5 a.m. Mr. Smith went to the bank.",
            "He left the bank at 6 P.M.",
            "Mr. Smith then went to the store.",
        ],
    );
    assert_split("It ended at 6 P.M. Monday.", &["It ended at 6 P.M. Monday."]);
    assert_split(
        "We make a good team, you and I. Did you see Albert I. Jones yesterday?",
        &["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"],
    );
}

#[test]
fn ellipses_inside_and_at_the_end() {
    assert_split(
        "\"We buried eleven people before noon... We stopped counting,\" he said. It was not ... to perform. \"In the coming days...\" He did not elaborate. Then ....\" He stopped.",
        &[
            "\"We buried eleven people before noon...",
            "We stopped counting,\" he said.",
            "It was not ... to perform.",
            "\"In the coming days...\"",
            "He did not elaborate.",
            "Then ....\"",
            "He stopped.",
        ],
    );
}

#[test]
fn number_sign_and_dotted_numbers() {
    assert_split(
        "You can find it at N°. 1026.253.553. That is where the treasure is.",
        &["You can find it at N°. 1026.253.553.", "That is where the treasure is."],
    );
}

#[test]
fn citation_after_a_closing_quote_stays() {
    assert_split(
        "\"Attacks must stop immediately.\" (OCHA statement, Oct. 9)\nHe said the plan \"was never kept\" (Orient News, Feb. 6). Others agreed.",
        &[
            "\"Attacks must stop immediately.\" (OCHA statement, Oct. 9)",
            "He said the plan \"was never kept\" (Orient News, Feb. 6).",
            "Others agreed.",
        ],
    );
    assert_split("\"Stop.\" (He left.) Then.", &["\"Stop.\"", "(He left.)", "Then."]);
}

#[test]
fn missing_space_after_a_period() {
    assert_split(
        "It showed irresolution.For his part Hollande spoke. See Amazon.com now. U.S.Army left.",
        &[
            "It showed irresolution.",
            "For his part Hollande spoke.",
            "See Amazon.com now.",
            "U.S.Army left.",
        ],
    );
    // An e-mail address is no glued boundary.
    assert_split(
        "Her email is Jane.Doe@example.com. I sent her an email.",
        &["Her email is Jane.Doe@example.com.", "I sent her an email."],
    );
}

// Furniture as its own stage, with kinds.

#[test]
fn datelines_are_cut_from_the_first_sentence() {
    let text = "Talks resume in Geneva\nBy Paul Hendry and Ines Moreau\nGENEVA, March 3 (Reuters) - The mediator handed over a plan.\nMOSCOW (AP) — Russia said on Wednesday it agreed.\nARSAL, Lebanon - Hundreds left.\nDAMASCUS (Sputnik) Earlier in the day SANA said so.";
    assert_split(
        text,
        &[
            "Talks resume in Geneva",
            "[byline] By Paul Hendry and Ines Moreau",
            "[dateline] GENEVA, March 3 (Reuters) -",
            "The mediator handed over a plan.",
            "[dateline] MOSCOW (AP) —",
            "Russia said on Wednesday it agreed.",
            "[dateline] ARSAL, Lebanon -",
            "Hundreds left.",
            "[dateline] DAMASCUS (Sputnik)",
            "Earlier in the day SANA said so.",
        ],
    );
    // The sentence keeps its own offsets.
    let spans = SentenceSplitter::new().split(text);
    assert_eq!(&text[spans[3].start..spans[3].end], "The mediator handed over a plan.");
    // Capitals that are not a city followed by an agency or a dash stay in the sentence.
    assert_split(
        "NATO said it was ready.\nUS - Russia talks ended.",
        &["NATO said it was ready.", "US - Russia talks ended."],
    );
}

#[test]
fn repeated_headline_and_header_dates() {
    assert_split(
        "Islamic State killed 270 in Syrian gas field battle: monitor\nJuly 19 2014 Islamic State killed 270 in Syrian gas field battle: monitor. Militant group Islamic State killed 270 people.",
        &[
            "Islamic State killed 270 in Syrian gas field battle: monitor",
            "[date] July 19 2014",
            "[headline] Islamic State killed 270 in Syrian gas field battle: monitor.",
            "Militant group Islamic State killed 270 people.",
        ],
    );
    assert_split(
        "American among 18 jihadists killed in Syria raid NGO\nAmerican among 18 jihadists killed in Syria raid NGO AFP Friday 5 Sep 2014 The death toll rose.",
        &[
            "American among 18 jihadists killed in Syria raid NGO",
            "[headline] American among 18 jihadists killed in Syria raid NGO",
            "[byline] AFP",
            "[date] Friday 5 Sep 2014",
            "The death toll rose.",
        ],
    );
    assert_split(
        "Chemical Massacre in Idlib Defies the World\nPublished: 15/10/2018 - 14:32\n03.03.2018 (updated 14:12 03.03.2018) Get short URL\n\"Chemical\" Massacre in Idlib Defies the World The toll rose.",
        &[
            "Chemical Massacre in Idlib Defies the World",
            "[date] Published: 15/10/2018 - 14:32",
            "[date] 03.03.2018 (updated 14:12 03.03.2018)",
            "[share] Get short URL",
            "[headline] \"Chemical\" Massacre in Idlib Defies the World",
            "The toll rose.",
        ],
    );
    // A date that starts a sentence is not cut.
    assert_split("Talks\nMay 5 2017 was calm.", &["Talks", "May 5 2017 was calm."]);
}

#[test]
fn glued_furniture() {
    assert_split(
        "Talks\nIt ended in arrest.-REUTERS\nThe siege ended.--Reuters\nCommunity standardsDiscussion Comment via FacebookComment via Sputnik News",
        &[
            "Talks",
            "It ended in arrest.",
            "[byline] -REUTERS",
            "The siege ended.",
            "[byline] --Reuters",
            "[comments] Community standards",
            "[comments] Discussion",
            "[comments] Comment via Facebook",
            "[comments] Comment via Sputnik News",
        ],
    );
    assert_split(
        "Talks\nEditing by Peter Graff Our Standards:The Thomson Reuters Trust Principles.",
        &[
            "Talks",
            "[byline] Editing by Peter Graff",
            "[other] Our Standards:The Thomson Reuters Trust Principles.",
        ],
    );
}

#[test]
fn captions_and_credits() {
    assert_split(
        "Talks\nSmoke rises over Dael (TRT World and Agencies) A fragile ceasefire ended.\nDelegates arrive in Geneva, March 3, 2017. (Luca Bernasconi/Keystone via AP)\nTanks are seen near the border. REUTERS/Kemal Aslan\nA medic treats a child. Photo: Delil Ahmed / AFP\nRelated Coverage\nTurkey sends more troops to Idlib\nThe U.N. said civilians paid the price.",
        &[
            "Talks",
            "[caption] Smoke rises over Dael",
            "[credit] (TRT World and Agencies)",
            "A fragile ceasefire ended.",
            "[caption] Delegates arrive in Geneva, March 3, 2017.",
            "[credit] (Luca Bernasconi/Keystone via AP)",
            "[caption] Tanks are seen near the border.",
            "[credit] REUTERS/Kemal Aslan",
            "[caption] A medic treats a child.",
            "[credit] Photo: Delil Ahmed / AFP",
            "[related] Related Coverage",
            "[related] Turkey sends more troops to Idlib",
            "The U.N. said civilians paid the price.",
        ],
    );
    assert_split("He said (AFP) that it ended.", &["He said (AFP) that it ended."]);
}

#[test]
fn user_patterns_add_kinds() {
    let splitter = SentenceSplitter::new()
        .with_furniture_patterns(
            "kind,pattern\n# promos\npromo,Subscribe to*\npromo,*newsletter\nbyline,By staff\n",
        )
        .unwrap();
    let text = "It ended.\nSubscribe to our channel\nGet the daily newsletter\nBY STAFF\nComments";
    let kinds: Vec<_> = splitter
        .split(text)
        .iter()
        .map(|s| s.furniture_kind().map(|k| splitter.kind_name(k)))
        .collect();
    assert_eq!(kinds, [None, Some("promo"), Some("promo"), Some("byline"), Some("comments")]);
    let promo = splitter.split(text)[1].furniture_kind().unwrap();
    assert_eq!(promo.name(), None, "a user kind has no built-in name");
    assert_eq!(FurnitureKind::DATELINE.name(), Some("dateline"));
    for (bad, line) in
        [("a,b,c\n", 1), ("Bad Kind,x\n", 1), ("promo,*\n", 1), ("x,y\nsentence,z\n", 2)]
    {
        let err = SentenceSplitter::new().with_furniture_patterns(bad).unwrap_err();
        assert_eq!(err.line, line, "{bad:?}: {err}");
    }
}
