//! Furniture inside a line, found by shape: the article header (publication dates, the
//! headline repeated at the start of the body, an agency byline between them), datelines at
//! the start of a paragraph, and what is glued to text (agency sign-offs at the end of a line,
//! photo credits after a caption, comment widgets run together). The word lists are tables
//! here; the recognisers only walk bytes, so a line costs one pass.

use memchr::memmem;

use super::furniture::{starts_with_ignore_case, FurnitureKind, PHOTO_AGENCIES};

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

/// Weekday names and abbreviations, lowercase.
const WEEKDAYS: &[&str] = &[
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
];

/// Month names and abbreviations, lowercase.
const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];

/// Labels that open a publication-date line, lowercase, longest first where they share a start.
const DATE_LABELS: &[&str] = &[
    "date of publication",
    "last updated at",
    "last updated:",
    "last updated",
    "published on",
    "published:",
    "published",
    "posted on",
    "posted:",
    "updated:",
    "updated",
];

/// Words and signs that may sit between the parts of a date ("at 1459", "- 14:32",
/// "UTC+3"), lowercase.
const DATE_CONNECTORS: &[&str] = &["at", "-", "\u{2013}", "|", "utc", "gmt", "(updated", ")"];

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

fn in_table(word: &[u8], table: &[&str]) -> bool {
    table.iter().any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// A word of ASCII letters packed five bits a letter, case folded, so that a table of words
/// is looked up with integer compares: two words of letters have the same key exactly when
/// they are equal ASCII case-insensitively. 0 for an empty word, one longer than twelve
/// letters, or one with another byte, which no word of letters equals.
const fn word_key(word: &[u8]) -> u64 {
    if word.is_empty() || word.len() > 12 {
        return 0;
    }
    let mut key = 0u64;
    let mut i = 0;
    while i < word.len() {
        let b = word[i].to_ascii_lowercase();
        if !b.is_ascii_lowercase() {
            return 0;
        }
        key = key << 5 | (b - b'a' + 1) as u64;
        i += 1;
    }
    key
}

/// The [`word_key`]s of a table's words.
const fn table_keys<const N: usize>(table: &[&str]) -> [u64; N] {
    let mut keys = [0; N];
    let mut i = 0;
    while i < N {
        keys[i] = word_key(table[i].as_bytes());
        i += 1;
    }
    keys
}

const MONTH_KEYS: [u64; MONTHS.len()] = table_keys(MONTHS);
const WEEKDAY_KEYS: [u64; WEEKDAYS.len()] = table_keys(WEEKDAYS);
const CONNECTOR_KEYS: [u64; DATE_CONNECTORS.len()] = table_keys(DATE_CONNECTORS);

/// `key` (of a word of letters, [`word_key`]) is one of `keys`: as [`in_table`], without
/// comparing the word with every entry (that walk was 3% of `predict --split-only`, which
/// looks for a date at the start of every line).
fn in_keys(key: u64, keys: &[u64]) -> bool {
    key != 0 && keys.contains(&key)
}

/// A publication date starting at `pos`: an optional label, then weekdays, months, numbers,
/// numeric dates (`01.10.2017`, `15/10/2018`) and times, with a month or numeric date and a
/// year among them. Returns the end of its last part.
pub(super) fn date_run(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    if pos >= end || !bytes[pos].is_ascii_alphanumeric() {
        return None;
    }
    let mut pos = pos;
    let labelled = matches!(bytes[pos].to_ascii_lowercase(), b'd' | b'l' | b'p' | b'u');
    for label in DATE_LABELS.iter().filter(|_| labelled) {
        let after = pos + label.len();
        if starts_with_ignore_case(&bytes[pos..end], label.as_bytes())
            && (after == end || is_space_byte(bytes[after]))
        {
            pos = skip_spaces(bytes, after, end);
            break;
        }
    }
    let (mut month, mut year, mut numeric) = (false, false, false);
    let mut last_end = None;
    let mut parts = 0;
    while pos < end && parts < 12 {
        let b = bytes[pos];
        let token_end;
        if b.is_ascii_digit() {
            let mut p = pos;
            let mut separators = 0;
            while p < end
                && (bytes[p].is_ascii_digit() || matches!(bytes[p], b'.' | b'/' | b'-' | b':'))
            {
                separators += usize::from(!bytes[p].is_ascii_digit());
                p += 1;
            }
            while p > pos && !bytes[p - 1].is_ascii_digit() {
                p -= 1; // a trailing separator is punctuation
                separators -= 1;
            }
            let token = &bytes[pos..p];
            if separators >= 2 && token.iter().any(|&b| matches!(b, b'.' | b'/' | b'-')) {
                numeric = true;
                year = true;
            } else if separators == 0 && token.len() <= 2 && year {
                break; // a day comes before the year: "2015 18 Civilians" is the next part
            } else if separators == 0 && (4..=8).contains(&token.len()) {
                year |= month; // "2016", "232017", or a time "1459" after the year
            } else if token.len() == 3
                || token.len() > 8
                || (separators > 0 && !token.contains(&b':'))
            {
                break; // not part of a date
            }
            token_end = p;
            if p < end && bytes[p] == b',' {
                pos = p + 1;
            } else {
                pos = p;
            }
            last_end = Some(token_end);
            // Glued to the next word ("01.10.2017Get short URL"): the date ends here.
            if pos < end && bytes[pos].is_ascii_uppercase() {
                break;
            }
        } else if b.is_ascii_alphabetic() {
            let word = word_at(bytes, pos, end);
            let key = word_key(word);
            let mut p = pos + word.len();
            if in_keys(key, &MONTH_KEYS) {
                month = true;
                last_end = Some(p);
            } else if in_keys(key, &WEEKDAY_KEYS) {
                last_end = Some(p);
            } else if in_keys(key, &CONNECTOR_KEYS) {
                // "UTC+3"
                if p < end && matches!(bytes[p], b'+' | b'-') {
                    p += 1;
                    while p < end && bytes[p].is_ascii_digit() {
                        p += 1;
                    }
                    last_end = Some(p);
                }
            } else {
                break;
            }
            if p < end && matches!(bytes[p], b',' | b'.') {
                p += 1;
            }
            pos = p;
        } else if b == b'(' && in_table(word_at(bytes, pos + 1, end), &["updated"]) {
            pos += "(updated".len();
        } else if b == b')' {
            pos += 1;
            last_end = Some(pos);
        } else if b == b'-' || b == b'|' {
            pos += 1;
        } else {
            break;
        }
        parts += 1;
        pos = skip_spaces(bytes, pos, end);
    }
    let end_of_date = last_end.filter(|_| (month && year) || numeric)?;
    // "May 5 2017 was calm" is a sentence; "April 5 2017 by Youssef Diab" a header.
    let next = skip_spaces(bytes, end_of_date, end);
    let word = word_at(bytes, next, end);
    let lowercase = word.first().is_some_and(u8::is_ascii_lowercase);
    (next == end || !lowercase || word == b"by").then_some(end_of_date)
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
        if is_quote(bytes[p]) {
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
    (!word.is_empty()
        && AGENCIES.iter().any(|a| a.as_bytes() == word)
        && next > after
        && date_run(bytes, next, end).is_some())
    .then_some(after)
}

/// A dateline at the start of a paragraph: a city in capitals (`MOSCOW`, `ARSAL, Lebanon`,
/// `BEIRUT, Oct 9`), then an agency in brackets and/or a dash: `MOSCOW (AP) —`,
/// `BEIRUT, Oct 9 (Reuters) -`, `DAMASCUS (Sputnik)`, `NNA -`. Returns its end.
pub(super) fn dateline(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    // The city: words in capitals, the first of three letters or more.
    let mut p = pos;
    let mut words = 0;
    loop {
        let start = p;
        while p < end
            && (bytes[p].is_ascii_uppercase() || (p > start && matches!(bytes[p], b'-' | b'.')))
        {
            p += 1;
        }
        let len = p - start;
        if len == 0 || (words == 0 && len < 3) || (p < end && bytes[p].is_ascii_lowercase()) {
            if words == 0 {
                return None;
            }
            p = start;
            break;
        }
        words += 1;
        if words > 3
            || p >= end
            || bytes[p] != b' '
            || !bytes.get(p + 1).is_some_and(u8::is_ascii_uppercase)
        {
            break;
        }
        // Another capitalised word only if it is all capitals too.
        let next = word_at(bytes, p + 1, end);
        if next.iter().any(u8::is_ascii_lowercase) {
            break;
        }
        p += 1;
    }
    // Up to three ", Region" or ", Oct 9" or ", 2018" groups.
    let mut groups = 0;
    while groups < 3 && p + 1 < end && bytes[p] == b',' && bytes[p + 1] == b' ' {
        let mut q = p + 2;
        let mut group_words = 0;
        while q < end
            && group_words < 4
            && (bytes[q].is_ascii_uppercase() || bytes[q].is_ascii_digit())
        {
            while q < end && (bytes[q].is_ascii_alphanumeric() || matches!(bytes[q], b'.' | b'-')) {
                q += 1;
            }
            group_words += 1;
            if q + 1 < end
                && bytes[q] == b' '
                && (bytes[q + 1].is_ascii_uppercase() || bytes[q + 1].is_ascii_digit())
            {
                q += 1;
            } else {
                break;
            }
        }
        if group_words == 0 {
            break;
        }
        p = q;
        groups += 1;
    }
    // "(AP)": an agency in brackets.
    let mut agency = false;
    let q = skip_spaces(bytes, p, end);
    if q < end && bytes[q] == b'(' {
        if let Some(close) = memchr::memchr(b')', &bytes[q..end.min(q + 24)]) {
            let name = &bytes[q + 1..q + close];
            if AGENCIES.iter().any(|a| a.as_bytes() == name) {
                agency = true;
                p = q + close + 1;
            }
        }
    }
    // A dash: " —", " -", " –", or glued "-".
    let q = skip_spaces(bytes, p, end);
    let dash_len = dash_len(&bytes[q..end]);
    let dashed = dash_len > 0;
    if dashed {
        p = q + dash_len;
    }
    if !(agency || dashed) {
        return None;
    }
    // Something must follow: the first sentence.
    let next = skip_spaces(bytes, p, end);
    (next > p && next < end).then_some(p)
}

/// A word in capitals of three letters or more ending one space before `at`: the city of a
/// dateline, when a bracketed agency follows it.
pub(super) fn city_before(bytes: &[u8], from: usize, at: usize) -> Option<usize> {
    if at < from + 4 || bytes[at - 1] != b' ' {
        return None;
    }
    let mut start = at - 1;
    while start > from && bytes[start - 1].is_ascii_uppercase() {
        start -= 1;
    }
    let word_start = start == from || bytes[start - 1] == b' ';
    (at - 1 - start >= 3 && word_start).then_some(start)
}

/// Length of a dash (`-`, `--`, `—`, `–`) at the start of `s`, 0 if none.
fn dash_len(s: &[u8]) -> usize {
    if s.starts_with(b"--") {
        2
    } else if s.starts_with(b"-") {
        1
    } else if s.starts_with("\u{2014}".as_bytes()) || s.starts_with("\u{2013}".as_bytes()) {
        3
    } else {
        0
    }
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
    let agency = |s: &[u8]| AGENCIES.iter().any(|a| a.as_bytes() == s);
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

#[cfg(test)]
mod tests;
