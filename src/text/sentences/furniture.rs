//! Page furniture: whole lines (credits, comment widgets, editors' notes, contact lines) that
//! are flagged instead of scored. Every rule is anchored, because a real news sentence must
//! never be dropped.

use memchr::memchr;

use super::engine::is_space;

/// Longest line that may be furniture; real credits and widgets are short.
const MAX_FURNITURE_LEN: usize = 256;

/// How a furniture pattern is compared with a normalised line (ASCII
/// case-insensitively).
#[derive(Clone, Copy)]
enum Match {
    /// The whole line equals the pattern.
    Line,
    /// The line starts with the pattern.
    Prefix,
    /// The pattern occurs anywhere in the line.
    Contains,
    /// The line ends with the pattern and every word before it is
    /// capitalised: an agency name, as in "Al Jazeera and wire services".
    Credit,
    /// A byline contact line, "Name: phone, @handle"; the pattern is unused.
    Contact,
}

struct FurnitureRule {
    how: Match,
    pattern: &'static str,
}

const fn rule(how: Match, pattern: &'static str) -> FurnitureRule {
    FurnitureRule { how, pattern }
}

/// Every furniture rule. Lines are normalised first: leading dashes, bullets
/// and whitespace and trailing periods are dropped, so `--Reuters` and
/// `Reuters.` match `reuters`. Keep entries anchored: a loose rule that
/// flags one real sentence costs more than a stray credit line left in.
const FURNITURE_RULES: &[FurnitureRule] = &[
    // Wire desk notes that are never meant for readers.
    rule(Match::Prefix, "editors:"),
    // Comment widgets and page chrome scraped along with the article.
    rule(Match::Line, "comments"),
    rule(Match::Line, "error"),
    rule(Match::Prefix, "sorry, your comment was not saved"),
    rule(Match::Line, "advertisement"),
    rule(Match::Line, "share"),
    rule(Match::Prefix, "share this article"),
    rule(Match::Line, "share this story"),
    rule(Match::Prefix, "read more:"),
    rule(Match::Line, "read more"),
    rule(Match::Prefix, "related:"),
    rule(Match::Prefix, "see also:"),
    rule(Match::Prefix, "also read:"),
    // Agency credits alone on a line.
    rule(Match::Line, "reuters"),
    rule(Match::Line, "(reuters)"),
    rule(Match::Line, "ap"),
    rule(Match::Line, "associated press"),
    rule(Match::Line, "the associated press"),
    rule(Match::Line, "afp"),
    rule(Match::Line, "agence france-presse"),
    rule(Match::Line, "al jazeera"),
    rule(Match::Line, "wire services"),
    rule(Match::Line, "news agencies"),
    rule(Match::Credit, " and wire services"),
    rule(Match::Credit, " and agencies"),
    rule(Match::Credit, " and news agencies"),
    // Reporting credits.
    rule(Match::Contains, "contributed to this report"),
    rule(Match::Prefix, "(reporting by"),
    rule(Match::Prefix, "(additional reporting by"),
    rule(Match::Prefix, "additional reporting by"),
    rule(Match::Prefix, "contributing:"),
    rule(Match::Prefix, "\u{a9}"),
    rule(Match::Prefix, "copyright \u{a9}"),
    // "Jonathan S. Landay: 202-383-6012, @JonathanLanday"
    rule(Match::Contact, ""),
];

impl FurnitureRule {
    fn matches(&self, line: &[u8]) -> bool {
        let pattern = self.pattern.as_bytes();
        match self.how {
            Match::Line => line.eq_ignore_ascii_case(pattern),
            Match::Prefix => starts_with_ignore_case(line, pattern),
            Match::Contains => {
                !pattern.is_empty()
                    && line.windows(pattern.len()).any(|w| w.eq_ignore_ascii_case(pattern))
            }
            Match::Credit => {
                line.len() > pattern.len()
                    && line[line.len() - pattern.len()..].eq_ignore_ascii_case(pattern)
                    && all_capitalised(&line[..line.len() - pattern.len()])
            }
            Match::Contact => is_contact_line(line),
        }
    }
}

pub(super) fn is_furniture(line: &str) -> bool {
    if line.len() > MAX_FURNITURE_LEN {
        return false;
    }
    let core = line
        .trim_start_matches(|c: char| {
            is_space(c) || matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2022}' | '*')
        })
        .trim_end_matches(|c: char| is_space(c) || c == '.');
    let core = core.as_bytes();
    !core.is_empty() && FURNITURE_RULES.iter().any(|rule| rule.matches(core))
}

fn starts_with_ignore_case(line: &[u8], prefix: &[u8]) -> bool {
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// One to five words, each starting with a capital letter: a name or label.
fn all_capitalised(words: &[u8]) -> bool {
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

/// "Name: 202-383-6012, @handle": a capitalised name, a colon, and then
/// nothing but phone numbers, handles, e-mail or web addresses and a few
/// label words, with at least one real contact among them.
fn is_contact_line(line: &[u8]) -> bool {
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

fn is_contact_label(token: &[u8]) -> bool {
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
