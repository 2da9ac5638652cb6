//! Where sentences end: terminators, closing quotes and brackets, ellipses, line breaks,
//! text in other scripts, and the hard cases of the English "golden rules" of segmentation
//! and agency copy.

use super::*;

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

#[test]
fn crossheads_run_into_the_text_are_units_of_their_own() {
    assert_split(
        "It was said. SURPRISING TIMING The timing was odd. It ended.",
        &["It was said.", "SURPRISING TIMING", "The timing was odd.", "It ended."],
    );
    assert_split(
        "Two cars were destroyed. Aleppo A military source said it. Hama/Idleb Army units hit them.",
        &[
            "Two cars were destroyed.",
            "Aleppo",
            "A military source said it.",
            "Hama/Idleb",
            "Army units hit them.",
        ],
    );
}

#[test]
fn acronyms_and_place_names_that_open_a_sentence_are_no_crossheads() {
    for text in [
        "It ended. UN OCHA Director Mark Lowcock spoke.",
        "It ended. SUBSCRIBE TRT World for more.",
        "It ended. U.S. FORCES Left the base.",
        "It ended. Aleppo Governor Hussein Diab spoke.",
        "It ended. Homs city was quiet.",
        "It ended. NATO said nothing.",
    ] {
        assert_eq!(check_invariants(text).len(), 2, "{text:?}");
    }
}

#[test]
fn bracket_list_items_without_periods_are_units_of_their_own() {
    assert_split(
        "1) The first item 2) The second item 3) The third",
        &["1) The first item", "2) The second item", "3) The third"],
    );
    assert_split("a) one side b) the other", &["a) one side", "b) the other"]);
    // Only the next item of the same list: not a skipped number, not a mid-sentence bracket.
    assert_split("1) The first item 3) is not next", &["1) The first item 3) is not next"]);
    assert_split("The plan has parts 1) and 2) in it.", &["The plan has parts 1) and 2) in it."]);
    // With periods, the periods split the items as before.
    assert_split("1.) The first. 2.) The second.", &["1.) The first.", "2.) The second."]);
}
