//! Page furniture: whole lines flagged with their kind, real sentences left alone, and
//! furniture found inside lines (datelines, header dates, the repeated headline, glued
//! sign-offs and widgets, captions and credits, user patterns).

use super::*;
use crate::text::sentences::furniture::{FurnitureKind, FurnitureTable};

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

// Furniture inside lines, as its own stage, with kinds.

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

#[test]
fn contains_patterns_match_anywhere_in_any_case() {
    // `*text*` user patterns and "contributed to this report" match anywhere in the line, in
    // any ASCII case; other bytes (here é) must be equal.
    let splitter = SentenceSplitter::new().with_furniture_patterns("promo,*Café Club*\n").unwrap();
    let text = "It ended.\nJoin the CAFÉ CLUB today\nJoin the café club today\n\
                Our café club opens.\nJANE DOE CONTRIBUTED TO THIS REPORT\n\
                Jane Doe contributed to this.";
    let kinds: Vec<_> = splitter
        .split(text)
        .iter()
        .map(|s| s.furniture_kind().map(|k| splitter.kind_name(k)))
        .collect();
    // "CAFÉ" differs from "café" beyond ASCII: no match.
    assert_eq!(kinds, [None, None, Some("promo"), Some("promo"), Some("byline"), None]);
}

#[test]
fn run_in_widgets_credits_and_sign_offs_are_furniture_one_sentence_at_a_time() {
    let table = FurnitureTable::default();
    let cases = [
        ("Read Also", FurnitureKind::RELATED),
        ("Follow us on Instagram.", FurnitureKind::SHARE),
        ("Never miss a story again sign up to our Telegram channel!", FurnitureKind::SHARE),
        ("(Source: Syrian Coalition)", FurnitureKind::CREDIT),
        ("Reporting by Oliver Holmes; Editing by Raissa Kasolowsky", FurnitureKind::BYLINE),
        ("Writing by Steve Gutterman; Editing by Timothy Heritage", FurnitureKind::BYLINE),
        ("Dominic Evans Khaled Yacoub Oweis.", FurnitureKind::BYLINE),
        ("Youssef Diab Paula Astih and Najla Habriri.", FurnitureKind::BYLINE),
        ("M. al-Frieh/H. Said", FurnitureKind::BYLINE),
        ("H. Zain/ R.J/ Ghossoun/H. Said", FurnitureKind::BYLINE),
    ];
    for (sentence, kind) in cases {
        assert_eq!(table.sentence_kind(sentence, false), Some(kind), "{sentence:?}");
    }
}

#[test]
fn real_sentences_inside_a_line_stay_sentences() {
    let table = FurnitureTable::default();
    let sentences = [
        "Assad Responds.",
        "Russia and Turkey agreed.",
        "Read also the statement of the ministry, officials said.",
        "Follow-up talks are planned for next month.",
        "Source: the Syrian Observatory for Human Rights said 12 people were killed.",
        "Editing the constitution was on the agenda.",
        "Damascus/Moscow talks ended on Monday.",
        "The Russian defence ministry said it had hit 20 targets in Idlib and Hama.",
        // Longer than any run-in widget: not checked at all.
        "Follow us on the road from Aleppo to Damascus, where the army and its allies took \
         village after village in the last weeks of the offensive.",
    ];
    for sentence in sentences {
        assert_eq!(table.sentence_kind(sentence, false), None, "{sentence:?}");
    }
}

#[test]
fn the_splitter_flags_them_in_the_body_but_not_in_the_title() {
    let splitter = SentenceSplitter::new();
    let text = "Dominic Evans Khaled Yacoub Oweis.\n\
                Aid was suspended on Monday. The situation will get worse, he said. Read Also";
    let spans = splitter.split(text);
    let kinds: Vec<(&str, Option<&str>)> = spans
        .iter()
        .map(|s| {
            let kind = match s.kind {
                SpanKind::Sentence => None,
                SpanKind::Furniture(k) => Some(splitter.kind_name(k)),
            };
            (s.text(text), kind)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("Dominic Evans Khaled Yacoub Oweis.", None),
            ("Aid was suspended on Monday.", None),
            ("The situation will get worse, he said.", None),
            ("Read Also", Some("related")),
        ]
    );
}

#[test]
fn a_line_that_is_one_run_in_sentence_is_furniture_by_its_shape() {
    // The line rules match neither line; the sentences' shapes do, once the rules have been
    // tried on the whole line.
    assert_split(
        "Talks ended.\nDominic Evans Khaled Yacoub Oweis.\nM. al-Frieh/H. Said\nAssad Responds.",
        &[
            "Talks ended.",
            "[byline] Dominic Evans Khaled Yacoub Oweis.",
            "[byline] M. al-Frieh/H. Said",
            "Assad Responds.",
        ],
    );
}

#[test]
fn a_short_url_widget_run_into_the_first_sentence_is_cut_at_its_counters() {
    assert_split(
        "Title\n01.10.2017Get short URL 4016 At least 12 civilians were killed.",
        &[
            "Title",
            "[date] 01.10.2017",
            "[share] Get short URL 4016",
            "At least 12 civilians were killed.",
        ],
    );
    // "0" and one count; the number after them starts the sentence.
    assert_split(
        "Title\n19.04.2017 Get short URL 0 85 12 Daesh terrorists were killed.",
        &[
            "Title",
            "[date] 19.04.2017",
            "[share] Get short URL 0 85",
            "12 Daesh terrorists were killed.",
        ],
    );
    assert_split(
        "Title\nGet short URL Topic Operation to Liberate Raqqa (61) 112010 The coalition struck a base.",
        &[
            "Title",
            "[share] Get short URL Topic Operation to Liberate Raqqa (61) 112010",
            "The coalition struck a base.",
        ],
    );
    // The widget alone on its line stays whole-line furniture.
    assert_split(
        "Title\nGet short URL 0 73\nThe army advanced.",
        &["Title", "[share] Get short URL 0 73", "The army advanced."],
    ); // "URLs" is another word: a sentence, in the header or as a whole line.
    assert_split(
        "Title\nGet short URLs for every story. The army advanced.",
        &["Title", "Get short URLs for every story.", "The army advanced."],
    );
    assert_split(
        "Title\nThe army advanced.\nGet short URLs for every story.",
        &["Title", "The army advanced.", "Get short URLs for every story."],
    );
    assert_split("Title\nGet short URL", &["Title", "[share] Get short URL"]);
}

#[test]
fn a_slideshow_label_glued_to_a_sentence_is_cut_off_it() {
    assert_split(
        "Title\nThe army shelled the town. Slideshow (3 Images) The attack took place at 3 a.m.",
        &[
            "Title",
            "The army shelled the town.",
            "[other] Slideshow (3 Images)",
            "The attack took place at 3 a.m.",
        ],
    );
    assert_split("Title\nSlideshow (3 Images)", &["Title", "[other] Slideshow (3 Images)"]);
}

#[test]
fn a_site_footer_run_into_the_last_line_is_cut_into_its_parts() {
    assert_split(
        "Title\nThe convoy waited. Source TRTWorld and agencies Related News Iraqs vote violations | The global gag rule | Slovenian elections Thousands of Afghan migrants walk into Turkey for a better life Category News A picture is worth a thousand words. Follow us on Instagram. FOLLOW TRTWORLD Dont miss out on the Latest News SUBSCRIBE Subscribe to our Youtube channel for all latest reporting from around the world. Subscribe Copyright \u{a9} 2018 TRT World. TRT World Watch Live TV Schedule Contact Us",
        &[
            "Title",
            "The convoy waited.",
            "[credit] Source TRTWorld and agencies",
            "[related] Related News",
            "[related] Iraqs vote violations | The global gag rule | Slovenian elections",
            "[related] Thousands of Afghan migrants walk into Turkey for a better life",
            "[other] Category News",
            "[share] A picture is worth a thousand words.",
            "[share] Follow us on Instagram.",
            "[share] FOLLOW TRTWORLD",
            "[other] Dont miss out on the Latest News",
            "[other] SUBSCRIBE",
            "[share] Subscribe to our Youtube channel for all latest reporting from around the world.",
            "[share] Subscribe",
            "[other] Copyright \u{a9} 2018 TRT World.",
            "[other] TRT World Watch Live TV Schedule Contact Us",
        ],
    );
}

#[test]
fn footer_headlines_not_in_the_table_stay_related_and_are_cut_after_a_question_mark() {
    assert_split(
        "Title\nIt ended. Source AA Related News Turkey tells its consul to leave Is peace near? Iraqs vote violations | The global gag rule | Slovenian elections Category News Talks go\ton A picture is worth a thousand words. Newsletter SUBSCRI",
        &[
            "Title",
            "It ended.",
            "Source AA",
            "[related] Related News",
            "[related] Turkey tells its consul to leave Is peace near?",
            "[related] Iraqs vote violations | The global gag rule | Slovenian elections",
            "[other] Category News",
            "[related] Talks go\ton",
            "[share] A picture is worth a thousand words.",
            "[other] Newsletter SUBSCRI",
        ],
    );
}

#[test]
fn related_news_in_a_sentence_or_the_title_is_not_a_footer() {
    for text in [
        "Title\nHe runs the Related News desk at the paper.",
        "Title\nRelated News outlets reported the attack.",
        "Title\nThe page said Related News 3 times.",
    ] {
        let spans = check_invariants(text);
        assert!(spans.iter().all(|s| !s.is_furniture()), "{text:?}: {spans:?}");
    }
    assert_split(
        "Related News Iraqs vote violations | The global gag rule | Slovenian elections\nIt ended.",
        &[
            "Related News Iraqs vote violations | The global gag rule | Slovenian elections",
            "It ended.",
        ],
    );
}

#[test]
fn a_tag_list_glued_into_a_line_is_cut_out_of_it() {
    assert_split(
        "Title\nNine were killed a monitoring group said Tags Nusra Front al-Qaeda Aleppo Syria war. A suicide bomber struck.",
        &[
            "Title",
            "Nine were killed a monitoring group said",
            "[other] Tags Nusra Front al-Qaeda Aleppo Syria war.",
            "A suicide bomber struck.",
        ],
    );
    assert_split(
        "Title\nJets struck Maaret al-Numan Tags Syria Idlib Bashar al Assad Almost a dozen civilians died.",
        &[
            "Title",
            "Jets struck Maaret al-Numan",
            "[other] Tags Syria Idlib Bashar al Assad",
            "Almost a dozen civilians died.",
        ],
    );
    // "IS" is a tag, not the verb "is".
    assert_split(
        "Title\nJets converged. Tags Raqqa airstrikes IS Syria airstrikes Overnight airstrikes on Raqqa killed 25.",
        &[
            "Title",
            "Jets converged.",
            "[other] Tags Raqqa airstrikes IS Syria airstrikes",
            "Overnight airstrikes on Raqqa killed 25.",
        ],
    );
}

#[test]
fn tags_in_a_sentence_are_no_tag_list() {
    for text in [
        "Title\nThe price Tags are high in Damascus.",
        "Title\nHe said Tags were removed from the page.",
        "Title\nShe wrote Tags.",
    ] {
        let spans = check_invariants(text);
        assert!(spans.iter().all(|s| !s.is_furniture()), "{text:?}: {spans:?}");
    }
}

#[test]
fn a_share_button_after_a_credit_is_cut_off() {
    assert_split(
        "Title\nThe army advanced. (Source: Syrian Coalition) Twitter",
        &["Title", "The army advanced.", "[credit] (Source: Syrian Coalition)", "[share] Twitter"],
    );
    let text = "Title\nHe said so on Twitter";
    assert!(check_invariants(text).iter().all(|s| !s.is_furniture()), "{text:?}");
}

#[test]
fn a_tweet_run_into_a_line_is_cut_into_its_links_and_signature() {
    assert_split(
        "Title\nNow in Aleppo the convoy is blocked. pic.twitter.comtCdooEpBWg Joyce Karam (JoyceKaram) September 13 2016 \"I am pained\" he said.",
        &[
            "Title",
            "Now in Aleppo the convoy is blocked.",
            "[other] pic.twitter.comtCdooEpBWg",
            "[other] Joyce Karam (JoyceKaram) September 13 2016",
            "\"I am pained\" he said.",
        ],
    );
    assert_split(
        "Title\nA school was hit last night.httpst.co7yzW74JRrW pic.twitter.comsRZBdQcoeo The White Helmets (SyriaCivilDef) October 24 2016 The raids hit Hass.",
        &[
            "Title",
            "A school was hit last night.",
            "[other] httpst.co7yzW74JRrW pic.twitter.comsRZBdQcoeo",
            "[other] The White Helmets (SyriaCivilDef) October 24 2016",
            "The raids hit Hass.",
        ],
    );
    // Without a signature only the link is cut; a link inside a word is not a tweet.
    assert_split(
        "Title\nIt ended. pic.twitter.comabc The raids hit Hass.",
        &["Title", "It ended.", "[other] pic.twitter.comabc", "The raids hit Hass."],
    );
    let text = "Title\nSee xpic.twitter.comabc for it.";
    assert!(check_invariants(text).iter().all(|s| !s.is_furniture()), "{text:?}");
}

#[test]
fn a_video_title_glued_to_a_sentence_is_cut_off_it() {
    assert_split(
        "Title\nIt ended. Interview with Alexey Khlebnikov on US strikes - YouTube Russia has backed Assad.",
        &[
            "Title",
            "It ended.",
            "[other] Interview with Alexey Khlebnikov on US strikes - YouTube",
            "Russia has backed Assad.",
        ],
    );
    assert_split(
        "Title\nAssad speaks out - YouTube \"When you talk about it\" he said.",
        &["Title", "[other] Assad speaks out - YouTube", "\"When you talk about it\" he said."],
    );
    for text in ["Title\nHe posted it - YouTube removed it later.", "Title\nWatch it - YouTube"] {
        let spans = check_invariants(text);
        assert!(spans.iter().any(|s| !s.is_furniture()), "{text:?}: {spans:?}");
    }
}
