//! The shapes of furniture lines that no fixed pattern describes: names, photo credits,
//! contact lines, editors' initials.

use memchr::memchr;

use super::{contains_ignore_case, rarest_byte, starts_with_ignore_case};

/// One to five words, each starting with a capital letter: a name or label.
pub(super) fn all_capitalised(words: &[u8]) -> bool {
    let mut count = 0;
    for word in words.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        count += 1;
        let letters = word
            .iter()
            .all(|&b| b.is_ascii_alphabetic() || matches!(b, b'.' | b'-' | b'\'' | b':'));
        if count > 5 || !word[0].is_ascii_uppercase() || !letters {
            return false;
        }
    }
    count > 0
}

/// "Tom Perry and Maria Tsvetkova", "Jane Doe, John Roe": capitalised words (initials
/// allowed) joined by `and` or commas, no final punctuation.
pub(super) fn is_name_list(words: &[u8]) -> bool {
    let mut names = 0;
    for word in words.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let word = word.strip_suffix(b",").unwrap_or(word);
        if word == b"and" {
            continue;
        }
        names += 1;
        let ok = word[0].is_ascii_uppercase()
            && word.iter().all(|&b| b.is_ascii_alphabetic() || matches!(b, b'.' | b'-' | b'\''));
        if names > 8 || !ok {
            return false;
        }
    }
    names >= 2
}

/// A sentence that is only reporters' names, closed by a period: four or more capitalised
/// words, or names joined by "and" ("Youssef Diab Paula Astih and Najla Habriri."). Fewer
/// words could be a short real sentence ("Assad Responds.").
pub(super) fn is_names_sentence(sentence: &[u8]) -> bool {
    let Some(words) = sentence.strip_suffix(b".") else {
        return false;
    };
    // The name check fails at the first lowercase word, so it goes first.
    if !is_name_list(words) {
        return false;
    }
    let count = words.split(|&b| b == b' ').filter(|w| !w.is_empty()).count();
    count >= 4
        || (count >= 3 && contains_ignore_case(words, b" and ", const { rarest_byte(b" and ") }))
}

/// Editors' initials between slashes that close a state-agency story: "M. al-Frieh/H. Said",
/// "H. Zain/ R.J/ Ghossoun/H. Said". Short, at least one slash and one initial ("M."), and
/// every word capitalised or an Arabic article ("al-", "el-") before a capitalised name.
pub(super) fn is_initials_sign_off(sentence: &[u8]) -> bool {
    if sentence.len() > 48 || memchr(b'/', sentence).is_none() {
        return false;
    }
    let mut initials = 0;
    for word in sentence.split(|&b| b == b' ' || b == b'/').filter(|w| !w.is_empty()) {
        let name = word.strip_prefix(b"al-").or_else(|| word.strip_prefix(b"el-")).unwrap_or(word);
        let letters = name.iter().all(|&b| b.is_ascii_alphabetic() || matches!(b, b'.' | b'-'));
        if name.is_empty() || !name[0].is_ascii_uppercase() || !letters {
            return false;
        }
        initials += usize::from(name.len() >= 2 && name[1] == b'.');
    }
    initials > 0
}

/// Photo agencies named in slash credits.
pub(in crate::text::sentences) const PHOTO_AGENCIES: &[&str] =
    &["AFP", "AP", "REUTERS", "Reuters", "Getty Images", "Sputnik", "SANA", "EPA", "Anadolu"];

/// "Marc Dubois/AFP/Getty Images", "Sputnik / Ivan Sergeev": capitalised words around at
/// least one slash, one part naming a photo agency.
pub(super) fn is_photo_credit(line: &[u8]) -> bool {
    if line.len() > 80 || memchr(b'/', line).is_none() {
        return false;
    }
    let mut agency = false;
    for part in line.split(|&b| b == b'/') {
        let part = trim_ascii(part);
        if part.is_empty() || !all_capitalised(part) {
            return false;
        }
        agency |= PHOTO_AGENCIES.iter().any(|a| part == a.as_bytes())
            || part.eq_ignore_ascii_case(b"file photo");
    }
    agency
}

pub(super) fn trim_ascii(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &s[start..end]
}

/// "Name: 202-383-6012, @handle": a capitalised name, a colon, and then
/// nothing but phone numbers, handles, e-mail or web addresses and a few
/// label words, with at least one real contact among them.
pub(super) fn is_contact_line(line: &[u8]) -> bool {
    let Some(colon) = memchr(b':', line) else {
        return false;
    };
    if !all_capitalised(&line[..colon]) {
        return false;
    }
    let mut has_contact = false;
    let tokens = line[colon + 1..]
        .split(|&b| matches!(b, b' ' | b',' | b';' | b'/' | b'|'))
        .filter(|t| !t.is_empty());
    for token in tokens {
        let digits = token.iter().filter(|b| b.is_ascii_digit()).count();
        let phone_like = digits > 0
            && token
                .iter()
                .all(|&b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'(' | b')' | b'+'));
        let handle = token
            .windows(2)
            .any(|w| w[0] == b'@' && (w[1].is_ascii_alphanumeric() || w[1] == b'_'));
        let web = starts_with_ignore_case(token, b"www.") || token.windows(3).any(|w| w == b"://");
        if (phone_like && digits >= 7) || handle || web {
            has_contact = true;
        } else if !phone_like && !is_contact_label(token) {
            return false;
        }
    }
    has_contact
}

pub(super) fn is_contact_label(token: &[u8]) -> bool {
    let token = token.strip_suffix(b":").unwrap_or(token);
    [
        &b"or"[..],
        b"and",
        b"on",
        b"twitter",
        b"email",
        b"e-mail",
        b"phone",
        b"tel",
        b"fax",
        b"mobile",
        b"cell",
    ]
    .iter()
    .any(|label| token.eq_ignore_ascii_case(label))
}
