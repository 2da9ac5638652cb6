//! Furniture inside a line, found by shape: the article header (publication dates, the
//! headline repeated at the start of the body, an agency byline between them), datelines at
//! the start of a paragraph, and what is glued to text (agency sign-offs at the end of a line,
//! photo credits after a caption, comment widgets run together). The word lists are tables
//! here; the recognisers only walk bytes, so a line costs one pass.

use memchr::memmem;

use super::furniture::{FurnitureKind, PHOTO_AGENCIES};

mod date;
mod dateline;
mod embeds;

pub(super) use date::date_run;
pub(super) use dateline::{city_before, dateline};
pub(super) use embeds::video_title;

/// Agencies named in datelines ("(AP)"), sign-offs ("-AFP") and parenthesised credits.
pub(super) const AGENCIES: &[&str] = &[
    "AP",
    "AFP",
    "Reuters",
    "REUTERS",
    "Sputnik",
    "SANA",
    "TASS",
    "Xinhua",
    "Anadolu",
    "AA",
    "DPA",
    "dpa",
    "UPI",
    "NNA",
    "IRNA",
    "EFE",
    "ANSA",
    "Kyodo",
    "Yonhap",
    "ANA",
    "QNA",
    "WAM",
    "Petra",
    "KUNA",
    "MENA",
    "Interfax",
    "RIA Novosti",
    "Fars",
    "Tasnim",
];

/// Whether `name` is one of [`AGENCIES`], exactly: a `match` on the bytes (by length, then a
/// compare or two) instead of a walk of the table, which ran at every bracket of the body
/// text (slice compares were about 2% of `predict --split-only`'s samples).
pub(super) fn is_agency(name: &[u8]) -> bool {
    matches!(
        name,
        b"AP"
            | b"AFP"
            | b"Reuters"
            | b"REUTERS"
            | b"Sputnik"
            | b"SANA"
            | b"TASS"
            | b"Xinhua"
            | b"Anadolu"
            | b"AA"
            | b"DPA"
            | b"dpa"
            | b"UPI"
            | b"NNA"
            | b"IRNA"
            | b"EFE"
            | b"ANSA"
            | b"Kyodo"
            | b"Yonhap"
            | b"ANA"
            | b"QNA"
            | b"WAM"
            | b"Petra"
            | b"KUNA"
            | b"MENA"
            | b"Interfax"
            | b"RIA Novosti"
            | b"Fars"
            | b"Tasnim"
    )
}

/// Furniture glued to the end of a line: (how the line ends, where the furniture starts,
/// kind). Reuters pages end with "Our Standards:The Thomson Reuters Trust Principles."
const GLUED_TAILS: &[(&str, &str, FurnitureKind)] =
    &[("Trust Principles.", "Our Standards:", FurnitureKind::OTHER)];

/// A [`GLUED_TAILS`] entry at the end of `start..end`: where it starts and its kind.
pub(super) fn glued_tail(bytes: &[u8], start: usize, end: usize) -> Option<(usize, FurnitureKind)> {
    let line = &bytes[start..end];
    GLUED_TAILS.iter().find_map(|(ending, opening, kind)| {
        if !line.ends_with(ending.as_bytes()) {
            return None;
        }
        let at = memmem::rfind(line, opening.as_bytes())?;
        (at > 0).then_some((start + at, *kind))
    })
}

/// Comment and share widgets that scraped pages run together without spaces
/// ("Community standardsDiscussion Comment via Facebook"). A line is cut where the first of
/// them (a `trigger`) starts, if everything after it is made of entries of this table.
const GLUED_WIDGETS: &[(&str, FurnitureKind, bool)] = &[
    ("Community standards", FurnitureKind::COMMENTS, true),
    ("Discussion", FurnitureKind::COMMENTS, false),
    ("Comment via Facebook", FurnitureKind::COMMENTS, false),
    ("Comment via Sputnik News", FurnitureKind::COMMENTS, false),
    ("Comment via Twitter", FurnitureKind::COMMENTS, false),
];

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

fn skip_spaces(bytes: &[u8], mut pos: usize, end: usize) -> usize {
    while pos < end && is_space_byte(bytes[pos]) {
        pos += 1;
    }
    pos
}

fn word_at(bytes: &[u8], pos: usize, end: usize) -> &[u8] {
    let mut stop = pos;
    while stop < end && bytes[stop].is_ascii_alphabetic() {
        stop += 1;
    }
    &bytes[pos..stop]
}

/// The title line repeated at `pos` (quotes ignored on both sides, ASCII case-insensitive,
/// a site suffix " | Site" of the title left out), with an optional final period. Returns
/// the end of the repeat.
pub(super) fn repeated_title(bytes: &[u8], title: &[u8], pos: usize, end: usize) -> Option<usize> {
    let title = match memchr::memchr(b'|', title) {
        Some(cut) if cut > 0 && title[cut - 1] == b' ' => &title[..cut - 1],
        _ => title,
    };
    let title = title.strip_suffix(b".").unwrap_or(title);
    if title.len() < 12 {
        return None;
    }
    let is_quote = |b: u8| matches!(b, b'"' | b'\'');
    let (mut t, mut p) = (0, pos);
    while t < title.len() {
        if is_quote(title[t]) {
            t += 1;
            continue;
        }
        if p >= end {
            return None;
        }
        // Most bytes: ASCII on both sides, no quote here, so no curly quote either.
        let (here, there) = (bytes[p], title[t]);
        if here.is_ascii() && there.is_ascii() && !is_quote(here) {
            if !here.eq_ignore_ascii_case(&there) {
                return None;
            }
            t += 1;
            p += 1;
            continue;
        }
        if is_quote(here) {
            p += 1;
            continue;
        }
        if let Some(len) = curly_quote_len(&bytes[p..end]) {
            p += len;
            continue;
        }
        if let Some(len) = curly_quote_len(&title[t..]) {
            t += len;
            continue;
        }
        if !bytes[p].eq_ignore_ascii_case(&title[t]) {
            return None;
        }
        t += 1;
        p += 1;
    }
    while p < end && (is_quote(bytes[p]) || bytes[p] == b'.') {
        p += 1;
    }
    (p == end || is_space_byte(bytes[p])).then_some(p)
}

fn curly_quote_len(s: &[u8]) -> Option<usize> {
    ["\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}"]
        .iter()
        .find(|q| s.starts_with(q.as_bytes()))
        .map(|q| q.len())
}

/// An agency name alone at `pos` ("... raid NGO AFP Friday 5 Sep 2014"), followed by a date:
/// the story's byline. Returns its end.
pub(super) fn agency_byline(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let word = word_at(bytes, pos, end);
    let after = pos + word.len();
    let next = skip_spaces(bytes, after, end);
    (!word.is_empty() && is_agency(word) && next > after && date_run(bytes, next, end).is_some())
        .then_some(after)
}

/// A slideshow label at the start of `pos..end` with text after it: "Slideshow (3 Images) The
/// attack took place ...". Returns where the label ends.
pub(super) fn slideshow(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let line = &bytes[pos..end];
    let rest = line.strip_prefix(b"Slideshow (")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let close = rest.iter().take(24).position(|&b| b == b')')?;
    let label = &rest[digits..close];
    let images = label == b" Images" || label == b" Image" || label == b" Photos";
    let at = b"Slideshow (".len() + close + 1;
    (digits > 0 && images && at < line.len() && line[at] == b' ').then_some(pos + at)
}

/// A short-URL widget and its counters at the start of `pos..end`, where the page runs them
/// into the first sentence: "Get short URL 0 73 The Kurdish-led ...", "Get short URL Topic
/// Operation to Liberate Raqqa From Daesh (61) 112010 The US-led ...". Returns where the
/// widget ends. The counters are one number, or "0" and one number: "Get short URL 0 85 12
/// Daesh terrorists ..." leaves "12 Daesh terrorists ..." to the sentence. The label must be
/// followed by a space, a digit or the end of the line.
pub(super) fn short_url(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    const LABEL: &[u8] = b"get short url";
    let line = &bytes[pos..end];
    if line.len() < LABEL.len() || !line[..LABEL.len()].eq_ignore_ascii_case(LABEL) {
        return None;
    }
    let mut at = LABEL.len();
    // The label is a word of its own: "Get short URLs ..." is not the widget.
    if line.get(at).is_some_and(|&b| b != b' ' && !b.is_ascii_digit()) {
        return None;
    }
    let spaces = |from: usize| from + line[from..].iter().take_while(|&&b| b == b' ').count();
    // A topic label: "Topic <title> (<count>)".
    let topic = spaces(at);
    if line[topic..].starts_with(b"Topic ") {
        let close = line[topic..].iter().take(160).position(|&b| b == b')')?;
        at = topic + close + 1;
    }
    let number = |from: usize| -> Option<usize> {
        let digits = line[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        let after = from + digits;
        (digits > 0 && (after == line.len() || line[after] == b' ')).then_some(after)
    };
    let from = spaces(at);
    if let Some(first) = number(from) {
        at = first;
        if &line[from..first] == b"0" {
            if let Some(second) = number(spaces(at)) {
                at = second;
            }
        }
    }
    Some(pos + at)
}

/// An agency sign-off glued to the end of a line: `... siege.-AFP`, `... arrest.-REUTERS`,
/// `... --Reuters`. Returns where the sign-off starts (its dash).
pub(super) fn sign_off(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    // Every agency name ends in a letter, and most lines end in punctuation: one byte rules
    // out the table (whose walk was 2% of `predict --split-only`).
    if end <= start || !bytes[end - 1].is_ascii_alphabetic() {
        return None;
    }
    for agency in AGENCIES {
        let name = agency.as_bytes();
        if end < start + name.len() + 2 || !bytes[end - name.len()..end].eq_ignore_ascii_case(name)
        {
            continue;
        }
        let mut p = end - name.len();
        if name.iter().all(u8::is_ascii_uppercase)
            && !bytes[p..end].iter().all(u8::is_ascii_uppercase)
        {
            continue; // "-Ap" is not "-AP"
        }
        if p > start && bytes[p - 1] == b' ' {
            p -= 1;
        }
        let dash_start = if p >= start + 2 && &bytes[p - 2..p] == b"--" {
            p - 2
        } else if p > start && bytes[p - 1] == b'-' {
            p - 1
        } else if p >= start + 3
            && (&bytes[p - 3..p] == "\u{2014}".as_bytes()
                || &bytes[p - 3..p] == "\u{2013}".as_bytes())
        {
            p - 3
        } else {
            continue;
        };
        if dash_start == start {
            return None; // the whole line: a line rule's business
        }
        let before = bytes[dash_start - 1];
        if matches!(before, b'.' | b'!' | b'?' | b'"' | b' ' | b')')
            || bytes[..dash_start].ends_with("\u{201d}".as_bytes())
        {
            return Some(dash_start);
        }
    }
    None
}

/// Comment widgets glued together at the end of a line; see [`GLUED_WIDGETS`]. Returns where
/// they start and pushes each widget's range and kind into `found`.
pub(super) fn glued_widgets(
    bytes: &[u8],
    start: usize,
    end: usize,
    found: &mut Vec<(usize, usize, FurnitureKind)>,
) -> Option<usize> {
    static FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    // The widgets run to the end of the line, so it ends with one of them; most lines do
    // not, and are passed over without searching them for the trigger.
    let line = &bytes[start..end];
    if !GLUED_WIDGETS.iter().any(|w| line.ends_with(w.0.as_bytes())) {
        return None;
    }
    let trigger = GLUED_WIDGETS.iter().find(|w| w.2)?.0;
    let finder = FINDER.get_or_init(|| memmem::Finder::new(trigger.as_bytes()));
    let at = start + finder.find(&bytes[start..end])?;
    let mut p = at;
    found.clear();
    while p < end {
        let (name, kind, _) =
            GLUED_WIDGETS.iter().find(|w| bytes[p..end].starts_with(w.0.as_bytes()))?;
        found.push((p, p + name.len(), *kind));
        p = skip_spaces(bytes, p + name.len(), end);
    }
    Some(at)
}

/// A photo credit inside a line, from `from`: a parenthesised agency credit (`(AFP)`,
/// `(SANA via AP)`, `(TRT World and Agencies)`, `(Luca Bernasconi/Keystone via AP)`) or a
/// slash credit (`REUTERS/Stringer`, `REUTERS/Ammar Khatib/File Photo`), preceded by
/// whitespace and followed by the end of the line or a new sentence. Returns its range.
pub(super) fn next_credit(bytes: &[u8], from: usize, end: usize) -> Option<(usize, usize)> {
    let mut pos = from;
    while let Some(offset) = memchr::memchr2(b'(', b'/', &bytes[pos..end]) {
        let at = pos + offset;
        pos = at + 1;
        let found = if bytes[at] == b'(' {
            paren_credit(bytes, at, end)
        } else {
            slash_credit(bytes, at, end)
        };
        let Some((s, e)) = found else { continue };
        if s < from || (s > 0 && !is_space_byte(bytes[s - 1]) && s != from) {
            continue;
        }
        let next = skip_spaces(bytes, e, end);
        let follows = next == end
            || (next > e
                && (bytes[next].is_ascii_uppercase()
                    || bytes[next].is_ascii_digit()
                    || matches!(bytes[next], b'(' | b'"')
                    || !bytes[next].is_ascii()));
        if follows {
            return Some((s, e));
        }
    }
    None
}

fn paren_credit(bytes: &[u8], open: usize, end: usize) -> Option<(usize, usize)> {
    let close = open + 1 + memchr::memchr(b')', &bytes[open + 1..end.min(open + 64)])?;
    let inner = &bytes[open + 1..close];
    let agency = is_agency;
    let credit = agency(inner)
        || memmem::rfind(inner, b" via ").is_some_and(|at| agency(&inner[at + 5..]))
        || (inner.len() > 13
            && inner[inner.len() - 13..].eq_ignore_ascii_case(b" and agencies")
            && inner[0].is_ascii_uppercase());
    credit.then_some((open, close + 1))
}

fn slash_credit(bytes: &[u8], slash: usize, end: usize) -> Option<(usize, usize)> {
    // The agency right before the slash.
    let mut start = slash;
    while start > 0 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    let agency = &bytes[start..slash];
    if !PHOTO_AGENCIES.iter().any(|a| a.as_bytes() == agency) {
        return None;
    }
    if start > 0 && bytes[start - 1] == b'/' {
        return None; // inside a longer credit, found from its first slash
    }
    // Parts after slashes: one or two capitalised words each, not sentence openers.
    let mut p = slash;
    while p < end && bytes[p] == b'/' {
        let mut q = p + 1;
        let mut words = 0;
        while words < 2 && q < end && bytes[q].is_ascii_uppercase() {
            let word = word_at(bytes, q, end);
            if words > 0 && super::rules::is_sentence_opener(word) {
                break;
            }
            let mut r = q + word.len();
            while r < end && (bytes[r].is_ascii_alphanumeric() || bytes[r] == b'-') {
                r += 1;
            }
            p = r;
            words += 1;
            if r + 1 < end && bytes[r] == b' ' && bytes[r + 1].is_ascii_uppercase() {
                q = r + 1;
            } else {
                break;
            }
        }
        if words == 0 {
            return None;
        }
    }
    Some((start, p))
}

/// Longest tag list glued into a line.
const MAX_TAGS_LEN: usize = 200;

/// Words that tag lists do not have and sentences do: the first of them after "Tags " shows
/// that a sentence has begun, at the capitalised word before it.
const SENTENCE_WORDS: &[&[u8]] = &[
    b"a", b"an", b"the", b"of", b"in", b"on", b"at", b"to", b"by", b"for", b"with", b"from",
    b"into", b"was", b"were", b"is", b"are", b"has", b"have", b"had", b"said", b"says", b"will",
    b"would",
];

/// A tag list glued into a line after a word ("... a monitoring group said Tags Nusra Front
/// al-Qaeda Aleppo Syria war. A suicide bomber ...", "... Maaret al-Numan Tags Syria Idlib
/// Bashar al Assad Almost a dozen civilians ..."): "Tags " after a space, then words up to
/// the end of the line, a period, or the sentence that follows: it starts at the last
/// capitalised word before the first of the [`SENTENCE_WORDS`] ("Almost" in "Almost a
/// dozen", "At" in "At least 16 people"). At most [`MAX_TAGS_LEN`] bytes. Returns its range.
fn glued_tags(bytes: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    static FINDER: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    let finder = FINDER.get_or_init(|| memmem::Finder::new(b" Tags "));
    let at = start + finder.find(&bytes[start..end])? + 1;
    let before = bytes[at - 2];
    if !(before.is_ascii_alphanumeric() || matches!(before, b'.' | b')')) {
        return None;
    }
    let limit = end.min(at + MAX_TAGS_LEN);
    let first = at + b"Tags ".len();
    let (mut p, mut last_capital) = (first, None);
    while p < limit {
        let word_end = p + bytes[p..limit].iter().take_while(|&&b| b != b' ').count();
        let word = &bytes[p..word_end];
        let capital = word.first().is_some_and(u8::is_ascii_uppercase);
        if SENTENCE_WORDS.iter().any(|w| is_word_or_capitalised(word, w)) {
            let sentence = if capital { Some(p) } else { last_capital };
            return sentence.filter(|&s| s > first).map(|s| (at, s - 1));
        }
        if word_end == end || word.ends_with(b".") {
            return (word_end > first).then_some((at, word_end));
        }
        if capital {
            last_capital = Some(p);
        }
        p = word_end + 1;
    }
    None
}

/// The first block run into the middle of a line, a tag list or a tweet's links and signature:
/// pushes its parts (kind other) to `parts` and returns its range.
pub(super) fn glued_block(
    bytes: &[u8],
    start: usize,
    end: usize,
    parts: &mut Vec<(usize, usize, FurnitureKind)>,
) -> Option<(usize, usize)> {
    let tags = glued_tags(bytes, start, end);
    let tweet = embeds::tweet(bytes, start, end);
    match (tags, tweet) {
        (Some(tags), tweet) if tweet.as_ref().is_none_or(|t| tags.0 < t.links.0) => {
            parts.push((tags.0, tags.1, FurnitureKind::OTHER));
            Some(tags)
        }
        (_, Some(tweet)) => {
            parts.push((tweet.links.0, tweet.links.1, FurnitureKind::OTHER));
            let Some(signature) = tweet.signature else {
                return Some(tweet.links);
            };
            parts.push((signature.0, signature.1, FurnitureKind::OTHER));
            Some((tweet.links.0, signature.1))
        }
        _ => None,
    }
}

/// `word` is `lower` or `lower` with a capital first letter ("the", "The"; not "IS" for "is").
fn is_word_or_capitalised(word: &[u8], lower: &[u8]) -> bool {
    word.len() == lower.len() && word[0].to_ascii_lowercase() == lower[0] && word[1..] == lower[1..]
}

/// Share buttons left at the end of a line after a closed sentence or bracket: "...
/// (Source: Syrian Coalition) Twitter". Returns where the button starts.
pub(super) fn glued_button(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    const BUTTONS: &[&str] = &["Twitter", "Facebook"];
    let line = &bytes[start..end];
    let button = BUTTONS.iter().find(|b| line.ends_with(b.as_bytes()))?;
    let at = end - button.len();
    (at >= start + 2 && bytes[at - 1] == b' ' && matches!(bytes[at - 2], b')' | b'.')).then_some(at)
}

#[cfg(test)]
mod agency_tests {
    use super::*;

    #[test]
    fn is_agency_is_the_table() {
        let in_table = |s: &str| AGENCIES.contains(&s);
        for a in AGENCIES {
            assert!(is_agency(a.as_bytes()), "{a}");
            for near in [format!("{a}S"), a[1..].to_string(), a.to_lowercase(), format!(" {a}")] {
                assert_eq!(is_agency(near.as_bytes()), in_table(&near), "{near}");
            }
        }
        for other in ["", "ap", "Ap", "Reuter", "AFP ", "Ria Novosti", "Tass"] {
            assert!(!is_agency(other.as_bytes()), "{other}");
        }
    }
}
