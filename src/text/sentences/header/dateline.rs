//! Datelines ("MOSCOW (AP) —", "BEIRUT, Oct 9 (Reuters) -"): a city in capitals, optional
//! region or date groups, then an agency in brackets and/or a dash.

use super::{is_agency, skip_spaces, word_at};

/// A dateline at the start of a paragraph: a city in capitals (`MOSCOW`, `ARSAL, Lebanon`,
/// `BEIRUT, Oct 9`), then an agency in brackets and/or a dash: `MOSCOW (AP) —`,
/// `BEIRUT, Oct 9 (Reuters) -`, `DAMASCUS (Sputnik)`, `NNA -`. Returns its end.
pub(in crate::text::sentences) fn dateline(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let mut p = city(bytes, pos, end)?;
    // Up to three ", Region" or ", Oct 9" or ", 2018" groups.
    for _ in 0..3 {
        if !(p + 1 < end && bytes[p] == b',' && bytes[p + 1] == b' ') {
            break;
        }
        let Some(group_end) = region_group(bytes, p + 2, end) else { break };
        p = group_end;
    }
    let agency = bracketed_agency(bytes, p, end);
    if let Some(e) = agency {
        p = e;
    }
    // A dash: " —", " -", " –", or glued "-".
    let q = skip_spaces(bytes, p, end);
    let dash_len = dash_len(&bytes[q..end]);
    let dashed = dash_len > 0;
    if dashed {
        p = q + dash_len;
    }
    if !(agency.is_some() || dashed) {
        return None;
    }
    // Something must follow: the first sentence.
    let next = skip_spaces(bytes, p, end);
    (next > p && next < end).then_some(p)
}

/// The city of a dateline at `pos`: up to four words in capitals, the first of three letters
/// or more. Returns its end.
#[inline]
fn city(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
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
            return Some(start);
        }
        words += 1;
        if words > 3
            || p >= end
            || bytes[p] != b' '
            || !bytes.get(p + 1).is_some_and(u8::is_ascii_uppercase)
        {
            return Some(p);
        }
        // Another capitalised word only if it is all capitals too.
        let next = word_at(bytes, p + 1, end);
        if next.iter().any(u8::is_ascii_lowercase) {
            return Some(p);
        }
        p += 1;
    }
}

/// A group after a dateline's comma, at `pos`: up to four words starting with a capital or a
/// digit ("Lebanon", "Oct 9", "2018"). Returns its end; `None` when there is no such word.
#[inline]
fn region_group(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let mut q = pos;
    let mut group_words = 0;
    while q < end && group_words < 4 && (bytes[q].is_ascii_uppercase() || bytes[q].is_ascii_digit())
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
    (group_words > 0).then_some(q)
}

/// "(AP)": an agency in brackets after the spaces at `pos`. Returns the end of its bracket.
#[inline]
fn bracketed_agency(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let q = skip_spaces(bytes, pos, end);
    if q >= end || bytes[q] != b'(' {
        return None;
    }
    let close = memchr::memchr(b')', &bytes[q..end.min(q + 24)])?;
    let name = &bytes[q + 1..q + close];
    is_agency(name).then_some(q + close + 1)
}

/// A word in capitals of three letters or more ending one space before `at`: the city of a
/// dateline, when a bracketed agency follows it.
pub(in crate::text::sentences) fn city_before(
    bytes: &[u8],
    from: usize,
    at: usize,
) -> Option<usize> {
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
