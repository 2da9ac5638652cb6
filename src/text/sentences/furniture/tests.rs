use super::{FurnitureKind, FurnitureTable};
use crate::text::{SentenceSplitter, SpanKind};

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
        assert_eq!(table.sentence_kind(sentence), Some(kind), "{sentence:?}");
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
        assert_eq!(table.sentence_kind(sentence), None, "{sentence:?}");
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
