//! Publication dates in article headers ("Published: Monday 5 September 2016 14:32",
//! "01.10.2017", "April 5 2017 by ..."), recognised by walking a line's bytes once; the words
//! a date may hold are looked up as packed integer keys.

use super::super::furniture::starts_with_ignore_case;
use super::{is_space_byte, skip_spaces, word_at};

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
pub(in crate::text::sentences) fn date_run(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    if pos >= end || !bytes[pos].is_ascii_alphanumeric() {
        return None;
    }
    let mut scan = DateScan {
        bytes,
        end,
        pos: skip_label(bytes, pos, end),
        month: false,
        year: false,
        numeric: false,
        last_end: None,
    };
    let mut parts = 0;
    while scan.pos < end && parts < 12 {
        let b = bytes[scan.pos];
        let more = if b.is_ascii_digit() {
            scan.number()
        } else if b.is_ascii_alphabetic() {
            scan.word()
        } else {
            scan.sign(b)
        };
        if !more {
            break;
        }
        parts += 1;
        scan.pos = skip_spaces(bytes, scan.pos, end);
    }
    scan.end_of_date()
}

/// Past a [`DATE_LABELS`] label at `pos` and the spaces after it; `pos` if there is none.
#[inline]
fn skip_label(bytes: &[u8], pos: usize, end: usize) -> usize {
    if !matches!(bytes[pos].to_ascii_lowercase(), b'd' | b'l' | b'p' | b'u') {
        return pos;
    }
    for label in DATE_LABELS {
        let after = pos + label.len();
        if starts_with_ignore_case(&bytes[pos..end], label.as_bytes())
            && (after == end || is_space_byte(bytes[after]))
        {
            return skip_spaces(bytes, after, end);
        }
    }
    pos
}

/// A date being read part by part ([`date_run`]): where the next part starts, and what the
/// parts so far hold.
struct DateScan<'b> {
    bytes: &'b [u8],
    end: usize,
    /// Start of the next part.
    pos: usize,
    /// A month name was read.
    month: bool,
    /// A year was read (a number of four to eight digits after a month, or a numeric date).
    year: bool,
    /// A numeric date (`01.10.2017`) was read.
    numeric: bool,
    /// End of the last part that may end a date.
    last_end: Option<usize>,
}

impl DateScan<'_> {
    /// Reads a number, numeric date or time at `pos`; false when it is no part of the date,
    /// or the date ends right after it.
    #[inline]
    fn number(&mut self) -> bool {
        let (bytes, end, pos) = (self.bytes, self.end, self.pos);
        let (p, separators) = numeric_token(bytes, pos, end);
        let token = &bytes[pos..p];
        if separators >= 2 && token.iter().any(|&b| matches!(b, b'.' | b'/' | b'-')) {
            self.numeric = true;
            self.year = true;
        } else if separators == 0 && token.len() <= 2 && self.year {
            return false; // a day comes before the year: "2015 18 Civilians" is the next part
        } else if separators == 0 && (4..=8).contains(&token.len()) {
            self.year |= self.month; // "2016", "232017", or a time "1459" after the year
        } else if token.len() == 3 || token.len() > 8 || (separators > 0 && !token.contains(&b':'))
        {
            return false; // not part of a date
        }
        self.pos = if p < end && bytes[p] == b',' { p + 1 } else { p };
        self.last_end = Some(p);
        // Glued to the next word ("01.10.2017Get short URL"): the date ends here.
        !(self.pos < end && bytes[self.pos].is_ascii_uppercase())
    }

    /// Reads a month, a weekday or a connector at `pos`; false for any other word.
    #[inline]
    fn word(&mut self) -> bool {
        let (bytes, end) = (self.bytes, self.end);
        let word = word_at(bytes, self.pos, end);
        let key = word_key(word);
        let mut p = self.pos + word.len();
        if in_keys(key, &MONTH_KEYS) {
            self.month = true;
            self.last_end = Some(p);
        } else if in_keys(key, &WEEKDAY_KEYS) {
            self.last_end = Some(p);
        } else if in_keys(key, &CONNECTOR_KEYS) {
            // "UTC+3"
            if p < end && matches!(bytes[p], b'+' | b'-') {
                p += 1;
                while p < end && bytes[p].is_ascii_digit() {
                    p += 1;
                }
                self.last_end = Some(p);
            }
        } else {
            return false;
        }
        if p < end && matches!(bytes[p], b',' | b'.') {
            p += 1;
        }
        self.pos = p;
        true
    }

    /// Reads a sign `b` at `pos` that may sit inside a date ("(updated", ")", "-", "|");
    /// false for any other.
    #[inline]
    fn sign(&mut self, b: u8) -> bool {
        if b == b'(' && in_table(word_at(self.bytes, self.pos + 1, self.end), &["updated"]) {
            self.pos += "(updated".len();
        } else if b == b')' {
            self.pos += 1;
            self.last_end = Some(self.pos);
        } else if b == b'-' || b == b'|' {
            self.pos += 1;
        } else {
            return false;
        }
        true
    }

    /// The end of the date read, if its parts make one and what follows is no sentence:
    /// "May 5 2017 was calm" is a sentence; "April 5 2017 by Youssef Diab" a header.
    fn end_of_date(&self) -> Option<usize> {
        let end_of_date = self.last_end.filter(|_| (self.month && self.year) || self.numeric)?;
        let next = skip_spaces(self.bytes, end_of_date, self.end);
        let word = word_at(self.bytes, next, self.end);
        let lowercase = word.first().is_some_and(u8::is_ascii_lowercase);
        (next == self.end || !lowercase || word == b"by").then_some(end_of_date)
    }
}

/// Digits and the separators of dates and times (`.`, `/`, `-`, `:`) from `pos`, without a
/// trailing separator (punctuation): the token's end and how many separators it holds.
#[inline]
fn numeric_token(bytes: &[u8], pos: usize, end: usize) -> (usize, usize) {
    let mut p = pos;
    let mut separators = 0;
    while p < end && (bytes[p].is_ascii_digit() || matches!(bytes[p], b'.' | b'/' | b'-' | b':')) {
        separators += usize::from(!bytes[p].is_ascii_digit());
        p += 1;
    }
    while p > pos && !bytes[p - 1].is_ascii_digit() {
        p -= 1; // a trailing separator is punctuation
        separators -= 1;
    }
    (p, separators)
}

#[cfg(test)]
mod tests;
