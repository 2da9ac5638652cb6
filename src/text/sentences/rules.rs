//! The word rules: what the word in front of a period is (title, abbreviation, initial,
//! ordinary word, list marker), which words open sentences, quote attributions
//! (`"Why?" he asked`) and citations in brackets after a quote, and crossheads run into the
//! text ([`crossheads`]).

use memchr::memchr;

mod crossheads;

pub(super) use crossheads::crosshead;

/// Longest word looked at in front of a period; every abbreviation is shorter,
/// and the bound keeps pathological tokens from making the scan quadratic.
const MAX_ABBREVIATION_LEN: usize = 16;

/// How a word in front of a single period behaves.
enum WordClass {
    /// Precedes a name or is a fixed phrase; the period never ends a sentence.
    Never,
    /// `No.`, `Vol.`, `N°.`: an abbreviation only before a number.
    BeforeNumber,
    /// Often sentence-final (`U.S.`, `Inc.`): ends only before a sentence opener.
    Weak,
    /// `A.M.`, `P.M.` in capitals: ends before any capitalised word but a day or time zone
    /// (`6 P.M. Mr. Smith left`), while lowercase `a.m.` is [`WordClass::Weak`] (`At 9 a.m.
    /// Mr. Khalil`), as in the English golden rules.
    Time,
    /// An ordinary word: the period ends the sentence.
    Word,
}

/// What to do at a single period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cut {
    /// Not a sentence end.
    No,
    /// The sentence ends after the period (and its closers).
    After,
    /// The sentence ends before this offset: the next item of a list (`... item b. The
    /// next`) or the first item after a lead-in (`... three parts: a. The first`).
    Before(usize),
}

/// A list marker at the start of an item: `1.`, `1.)`, `1)`, `a.`, `a)`, optionally after a
/// bullet. `ordinal` is the number, or the letter's place (`a` = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ListMarker {
    letter: bool,
    ordinal: u32,
    /// Offset of the marker's first character (after any bullet).
    start: usize,
}

/// Bullets that may open a list item: `•`, `⁃`, `-`, `*`.
pub(super) const BULLETS: &[&str] = &["\u{2022}", "\u{2043}", "- ", "* "];

/// Reads a list marker at `pos`: a bullet and spaces may come first; then 1 to 3 digits or
/// one lowercase letter, then `.`, `.)` or `)`, then a space.
pub(super) fn list_marker(bytes: &[u8], pos: usize, end: usize) -> Option<ListMarker> {
    // A marker starts with a digit, a lowercase letter or a bullet's first byte; most
    // sentences start with a capital, and this runs at every period.
    let first = *bytes[pos..end].first()?;
    if !(first.is_ascii_digit()
        || first.is_ascii_lowercase()
        || matches!(first, 0xE2 | b'-' | b'*'))
    {
        return None;
    }
    let mut p = pos;
    // Bullets start with one of those three bytes; a digit or a letter cannot start one (the
    // word before nearly every period is tested here).
    let bullet = matches!(first, 0xE2 | b'-' | b'*')
        .then(|| BULLETS.iter().find(|b| bytes[p..end].starts_with(b.as_bytes())))
        .flatten();
    if let Some(bullet) = bullet {
        p += bullet.len();
        while p < end && bytes[p] == b' ' {
            p += 1;
        }
    }
    let start = p;
    let digits = bytes[p..end].iter().take_while(|b| b.is_ascii_digit()).count();
    let (letter, ordinal) = if (1..=3).contains(&digits) {
        let n = bytes[p..p + digits].iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
        p += digits;
        (false, n)
    } else if digits == 0 && p < end && bytes[p].is_ascii_lowercase() {
        p += 1;
        (true, u32::from(bytes[p - 1] - b'a') + 1)
    } else {
        return None;
    };
    if bytes[p..end].starts_with(b".)") {
        p += 2;
    } else if p < end && matches!(bytes[p], b'.' | b')') {
        p += 1;
    } else {
        return None;
    }
    (p < end && bytes[p] == b' ').then_some(ListMarker { letter, ordinal, start })
}

/// In an item that opens with a bracket-only marker (`1)`, `a)`), where the next item of the
/// same list starts (` 2) `, ` b) `) within `start..end`: such items often end without a
/// period, so no terminator would separate them (`1) The first item 2) The second item`).
pub(super) fn next_bracket_item(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let own = list_marker(bytes, start, end)?;
    let width = if own.letter { 1 } else { own.ordinal.to_string().len() };
    let close = own.start + width;
    // With a period (`1.`, `1.)`), the period splits the items.
    if bytes.get(close) != Some(&b')') || close >= end {
        return None;
    }
    let next = if own.letter {
        if own.ordinal >= 26 {
            return None;
        }
        format!(" {}) ", char::from(b'a' + own.ordinal as u8))
    } else {
        format!(" {}) ", own.ordinal + 1)
    };
    memchr::memmem::find(&bytes[close..end], next.as_bytes()).map(|at| close + at + 1)
}

pub(super) fn period_ends_sentence(
    text: &str,
    sentence_start: usize,
    dot: usize,
    next: usize,
    end: usize,
) -> Cut {
    let bytes = text.as_bytes();
    let mut word_start = dot;
    while word_start > sentence_start
        && dot - word_start < MAX_ABBREVIATION_LEN
        && (bytes[word_start - 1].is_ascii_alphanumeric() || bytes[word_start - 1] == b'.')
    {
        word_start -= 1;
    }
    if word_start > sentence_start {
        let before = bytes[word_start - 1];
        if before.is_ascii_alphanumeric() || before == b'.' {
            return Cut::After; // longer than any abbreviation
        }
        // `Zürich.` must not be read as the abbreviation `rich`.
        if !before.is_ascii()
            && text
                .get(..word_start)
                .and_then(|s| s.chars().next_back())
                .is_some_and(char::is_alphabetic)
        {
            return Cut::After;
        }
    }
    let mut word = &bytes[word_start..dot];
    while let [b'.', rest @ ..] = word {
        word = rest; // the tail of an ellipsis or spaced dots
    }
    if word.is_empty() {
        // `N°. 1026`: the number sign.
        let number_sign = ["N\u{b0}", "N\u{ba}"].iter().any(|s| text[..dot].ends_with(s));
        return if number_sign && bytes[next].is_ascii_digit() { Cut::No } else { Cut::After };
    }
    // A list: the item's own marker never ends it; the next marker starts the next item.
    if let Some(cut) = list_cut(bytes, sentence_start, word_start, end) {
        return cut;
    }
    let class = if word == b"I" && follows_lowercase_word(bytes, sentence_start, word_start) {
        WordClass::Word // the pronoun: "you and I. Did"
    } else {
        classify_word(word)
    };
    let yes = |b: bool| if b { Cut::After } else { Cut::No };
    match class {
        WordClass::Never => Cut::No,
        WordClass::BeforeNumber => yes(!bytes[next].is_ascii_digit()),
        WordClass::Weak => yes(next_word_is_opener(bytes, next, end)),
        WordClass::Time => yes(!next_word_continues_time(bytes, next, end)),
        WordClass::Word => Cut::After,
    }
}

/// List markers around a period at `word_start`: the item's own marker (no cut), the
/// successor of the item's marker (cut before it), or a first marker after a colon.
fn list_cut(bytes: &[u8], sentence_start: usize, word_start: usize, end: usize) -> Option<Cut> {
    let own = list_marker(bytes, sentence_start, end);
    if own.is_some_and(|m| m.start == word_start) {
        return Some(Cut::No);
    }
    if word_start == sentence_start || bytes[word_start - 1] != b' ' {
        return None;
    }
    let here = list_marker(bytes, word_start, end)?;
    let successor = own.is_some_and(|m| m.letter == here.letter && m.ordinal + 1 == here.ordinal);
    let first_after_colon = here.ordinal == 1 && word_start >= 2 && bytes[word_start - 2] == b':';
    (successor || first_after_colon).then_some(Cut::Before(word_start))
}

/// Is the word before `word_start` (after one space) a lowercase word?
fn follows_lowercase_word(bytes: &[u8], sentence_start: usize, word_start: usize) -> bool {
    if word_start < sentence_start + 2 || bytes[word_start - 1] != b' ' {
        return false;
    }
    let mut start = word_start - 1;
    while start > sentence_start && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    start < word_start - 1 && bytes[start].is_ascii_lowercase()
}

fn classify_word(word: &[u8]) -> WordClass {
    if memchr(b'.', word).is_some() {
        if word.eq_ignore_ascii_case(b"e.g") || word.eq_ignore_ascii_case(b"i.e") {
            return WordClass::Never;
        }
        let acronym = word
            .split(|&b| b == b'.')
            .all(|part| (1..=2).contains(&part.len()) && part.iter().all(u8::is_ascii_alphabetic));
        if word == b"A.M" || word == b"P.M" {
            return WordClass::Time;
        }
        return if acronym { WordClass::Weak } else { WordClass::Word };
    }
    if word.len() == 1 && word[0].is_ascii_uppercase() {
        return WordClass::Weak; // a middle initial, or "Plan B." at a sentence end
    }
    match word {
        b"Mr" | b"Mrs" | b"Ms" | b"Messrs" | b"Dr" | b"Drs" | b"Prof" | b"Rev" | b"Hon" | b"Fr"
        | b"Rt" | b"Gen" | b"Gens" | b"Lt" | b"Col" | b"Maj" | b"Capt" | b"Cmdr" | b"Cdr"
        | b"Adm" | b"Brig" | b"Sgt" | b"Cpl" | b"Pvt" | b"Pfc" | b"Gov" | b"Govs" | b"Sen"
        | b"Sens" | b"Rep" | b"Reps" | b"Pres" | b"Supt" | b"Det" | b"Insp" | b"Atty" | b"MR"
        | b"MRS" | b"MS" | b"DR" | b"vs" | b"Vs" | b"v" | b"cf" | b"viz" => WordClass::Never,
        b"No" | b"Nos" | b"Vol" | b"Vols" | b"Fig" | b"Figs" | b"Art" | b"p" | b"pp" => {
            WordClass::BeforeNumber
        }
        b"Jr" | b"Sr" | b"Inc" | b"Corp" | b"Co" | b"Cos" | b"Ltd" | b"Bros" | b"Plc" | b"Dept"
        | b"Univ" | b"Assn" | b"Govt" | b"St" | b"Ste" | b"Mt" | b"Ft" | b"Ave" | b"Blvd"
        | b"Rd" | b"al" | b"Jan" | b"Feb" | b"Mar" | b"Apr" | b"Jun" | b"Jul" | b"Aug" | b"Sep"
        | b"Sept" | b"Oct" | b"Nov" | b"Dec" | b"Ala" | b"Ariz" | b"Ark" | b"Calif" | b"Colo"
        | b"Conn" | b"Del" | b"Fla" | b"Ga" | b"Ill" | b"Ind" | b"Kan" | b"Ky" | b"La" | b"Md"
        | b"Mass" | b"Mich" | b"Minn" | b"Miss" | b"Mo" | b"Mont" | b"Neb" | b"Nev" | b"Okla"
        | b"Ore" | b"Pa" | b"Tenn" | b"Tex" | b"Vt" | b"Va" | b"Wash" | b"Wis" | b"Wyo" => {
            WordClass::Weak
        }
        _ => WordClass::Word,
    }
}

/// Capitalised words that open sentences but rarely follow `U.S.`, `Inc.` or
/// `a.m.` inside one; nouns like `Officials` or `President` are left out on
/// purpose because `U.S. President` is one phrase.
pub(super) fn is_sentence_opener(word: &[u8]) -> bool {
    matches!(
        word,
        b"The"
            | b"This"
            | b"That"
            | b"These"
            | b"Those"
            | b"There"
            | b"Then"
            | b"They"
            | b"Their"
            | b"It"
            | b"Its"
            | b"He"
            | b"His"
            | b"She"
            | b"Her"
            | b"We"
            | b"Our"
            | b"I"
            | b"You"
            | b"A"
            | b"An"
            | b"But"
            | b"And"
            | b"Or"
            | b"So"
            | b"Yet"
            | b"In"
            | b"On"
            | b"At"
            | b"As"
            | b"By"
            | b"For"
            | b"From"
            | b"If"
            | b"When"
            | b"While"
            | b"After"
            | b"Before"
            | b"Since"
            | b"Although"
            | b"Though"
            | b"However"
            | b"Meanwhile"
            | b"Still"
            | b"Also"
            | b"Now"
            | b"Last"
            | b"Earlier"
            | b"Later"
            | b"Both"
            | b"Some"
            | b"Many"
            | b"Most"
            | b"Such"
            | b"What"
            | b"Why"
            | b"How"
            | b"Who"
            | b"Where"
            | b"According"
            | b"Under"
            | b"With"
            | b"During"
            | b"Despite"
            | b"Among"
            | b"Even"
            | b"Only"
            | b"Each"
            | b"All"
            | b"Another"
            | b"One"
    )
}

fn next_word_is_opener(bytes: &[u8], next: usize, end: usize) -> bool {
    let pos = skip_openers(bytes, next, end);
    let word = ascii_letters(bytes, pos, end);
    // "J. A. Smith": a letter followed by a period is another initial, not
    // the article "A".
    !word.is_empty() && bytes.get(pos + word.len()) != Some(&b'.') && is_sentence_opener(word)
}

/// Words that continue a time in capitals (`6 P.M. Monday`, `11 P.M. GMT`); before any other
/// capitalised word an uppercase `P.M.` ends the sentence (`at 6 P.M. Mr. Smith then left`).
fn next_word_continues_time(bytes: &[u8], next: usize, end: usize) -> bool {
    let word = ascii_letters(bytes, next, end);
    matches!(
        word,
        b"Monday"
            | b"Tuesday"
            | b"Wednesday"
            | b"Thursday"
            | b"Friday"
            | b"Saturday"
            | b"Sunday"
            | b"GMT"
            | b"UTC"
            | b"EST"
            | b"EDT"
            | b"ET"
            | b"PST"
            | b"PDT"
    )
}

/// Is `"Why?" Defense Secretary Ash Carter asked.` the shape at `next`: up
/// to four capitalised words (initials allowed) and then a speech verb?
pub(super) fn is_attribution(bytes: &[u8], next: usize, end: usize) -> bool {
    let mut pos = next;
    let mut names = 0;
    loop {
        let word = ascii_letters(bytes, pos, end);
        match word.first() {
            Some(first) if first.is_ascii_uppercase() => {
                names += 1;
                if names > 4 {
                    return false;
                }
                pos += word.len();
                if bytes.get(pos) == Some(&b'.') {
                    pos += 1;
                }
                if pos >= end || bytes[pos] != b' ' {
                    return false;
                }
                pos += 1;
            }
            Some(_) => return names > 0 && is_speech_verb(word),
            None => return false,
        }
    }
}

fn is_speech_verb(word: &[u8]) -> bool {
    matches!(
        word,
        b"said"
            | b"says"
            | b"asked"
            | b"asks"
            | b"added"
            | b"adds"
            | b"told"
            | b"wrote"
            | b"writes"
            | b"replied"
            | b"shouted"
            | b"declared"
            | b"continued"
            | b"insisted"
            | b"explained"
            | b"noted"
            | b"recalled"
    )
}

/// Skips opening quotes and brackets at `pos`.
fn skip_openers(bytes: &[u8], mut pos: usize, end: usize) -> usize {
    while pos < end {
        let rest = &bytes[pos..end];
        pos += match rest[0] {
            b'"' | b'\'' | b'(' | b'[' => 1,
            // “ and ‘
            0xE2 if rest.starts_with("\u{201c}".as_bytes())
                || rest.starts_with("\u{2018}".as_bytes()) =>
            {
                3
            }
            // «
            0xC2 if rest.starts_with("\u{ab}".as_bytes()) => 2,
            _ => break,
        };
    }
    pos
}

/// The ASCII letters starting at `pos`, at most 32 of them: enough for any
/// word the tables know, and it bounds the work per terminator.
fn ascii_letters(bytes: &[u8], pos: usize, end: usize) -> &[u8] {
    let limit = end.min(pos.saturating_add(32));
    let mut stop = pos;
    while stop < limit && bytes[stop].is_ascii_alphabetic() {
        stop += 1;
    }
    bytes.get(pos..stop).unwrap_or(&[])
}

/// `(OCHA statement, Oct. 9)`: a short bracket closed on the same line, not itself a sentence
/// (`(He left.)`), then the end of the line, a period, or a new sentence.
pub(super) fn is_citation(bytes: &[u8], open: usize, end: usize) -> bool {
    let limit = end.min(open + 80);
    let Some(close) = memchr(b')', &bytes[open..limit]).map(|c| open + c) else {
        return false;
    };
    let after = close + 1;
    !matches!(bytes[close - 1], b'.' | b'!' | b'?')
        && (after == end || matches!(bytes[after], b'.' | b' '))
}
