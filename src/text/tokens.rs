//! Word tokens: Unicode-aware lowercasing, apostrophes folded, numbers normalized.
//!
//! A token is a maximal run of letters and digits. Apostrophes (straight or curly) inside a word
//! are dropped rather than splitting it, so "Syria's", "Syria’s" and the apostrophe-less
//! "Syrias" that some scraped text carries all become `syrias` (and stem alike). A run that
//! starts with a digit and holds only digits and the separators `.` and `,` between digits
//! ("250,000", "3.5") becomes the single token [`NUMBER_TOKEN`], so amounts and years do not
//! flood the vocabulary with one feature per value.

use crate::text::ascii::{any_in, is_set, next_clear, next_set, AsciiClasses};

/// The token every number becomes.
pub const NUMBER_TOKEN: &str = "<num>";

/// Splits text into normalized word tokens.
///
/// ```
/// use newsstance::Tokenizer;
/// let mut tokens = Vec::new();
/// Tokenizer::new().for_each_token("Syria’s war killed 250,000 people.", |t| tokens.push(t.to_string()));
/// assert_eq!(tokens, ["syrias", "war", "killed", "<num>", "people"]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokenizer;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | 'ʼ')
}

impl Tokenizer {
    /// A tokenizer with the default rules.
    pub fn new() -> Self {
        Tokenizer
    }

    /// Calls `f` with each normalized token of `text`, in order. The `&str` handed to `f` lives
    /// in a buffer reused between tokens, so the loop does not allocate per token.
    ///
    /// ASCII bytes, nearly all of English news, take a fast path on bytes; other characters are
    /// decoded and classified with Unicode's tables.
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(&str)) {
        self.scan(text, |t, _, _| f(t));
    }

    /// As [`Tokenizer::for_each_token`], with the byte range `start..end` of each token in
    /// `text` (the surface form, e.g. `Syria’s` for `syrias`, `250,000` for `<num>`).
    ///
    /// ```
    /// use newsstance::Tokenizer;
    /// let text = "Syria’s war";
    /// let mut spans = Vec::new();
    /// Tokenizer::new().for_each_token_span(text, |t, s, e| spans.push((t.to_string(), &text[s..e])));
    /// assert_eq!(spans, [("syrias".to_string(), "Syria’s"), ("war".to_string(), "war")]);
    /// ```
    pub fn for_each_token_span(&self, text: &str, f: impl FnMut(&str, usize, usize)) {
        self.scan(text, f);
    }

    #[inline(always)]
    fn scan(&self, text: &str, mut f: impl FnMut(&str, usize, usize)) {
        let bytes = text.as_bytes();
        let mut buf = String::with_capacity(32);
        let mut numeric = true;
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                if buf.is_empty() {
                    numeric = b.is_ascii_digit();
                    start = i;
                } else if !b.is_ascii_digit() {
                    numeric = false;
                }
                buf.push(b.to_ascii_lowercase() as char);
                i += 1;
                continue;
            }
            let at = i;
            let c = if b < 0x80 {
                i += 1;
                b as char
            } else {
                let c = text[i..].chars().next().expect("i is on a char boundary");
                i += c.len_utf8();
                c
            };
            if !c.is_ascii() && c.is_alphanumeric() {
                if buf.is_empty() {
                    numeric = c.is_numeric();
                    start = at;
                } else if !c.is_numeric() {
                    numeric = false;
                }
                buf.extend(c.to_lowercase());
                continue;
            }
            if !buf.is_empty() {
                let next = next_char(text, i);
                let next_alnum = next.is_some_and(char::is_alphanumeric);
                // An apostrophe inside a word is folded away; "." or "," between digits
                // belongs to the number.
                if next_alnum && is_apostrophe(c) && !numeric {
                    continue;
                }
                let next_digit = next.is_some_and(|n| n.is_ascii_digit());
                if numeric && next_digit && (c == '.' || c == ',') {
                    continue;
                }
                emit(&mut buf, numeric, &mut |t| f(t, start, at));
            }
        }
        if !buf.is_empty() {
            emit(&mut buf, numeric, &mut |t| f(t, start, bytes.len()));
        }
    }

    /// As [`Tokenizer::for_each_token_span`] on `text[from..to]`, for an ASCII `text` whose byte
    /// classes are `classes`, with byte ranges in `text`. Words are found from the classes'
    /// bit masks rather than byte by byte; a token that is its own surface form (no capital,
    /// nothing folded away: most words) is handed on as a slice of `text`, the others are
    /// built in `buf`.
    pub(crate) fn for_each_ascii_token_span(
        &self,
        text: &str,
        classes: &AsciiClasses,
        (from, to): (usize, usize),
        buf: &mut String,
        mut f: impl FnMut(&str, usize, usize),
    ) {
        let bytes = text.as_bytes();
        let mut pos = from;
        while let Some(start) = next_set(&classes.alnum, pos, to) {
            let mut end = next_clear(&classes.alnum, start, to);
            let mut numeric = !any_in(&classes.letter, start, end);
            // Once a byte inside the token is folded away, the token is built in `buf`, which
            // holds it up to `pending`.
            let mut pending = None;
            while end < to {
                let (c, next) = (bytes[end], end + 1);
                // The byte first: most often a space, which joins nothing.
                let join = if numeric { c == b'.' || c == b',' } else { c == b'\'' || c == b'`' }
                    && next < to
                    && is_set(&classes.alnum, next)
                    && (!numeric || is_set(&classes.digit, next));
                if !join {
                    break;
                }
                let copied = *pending.get_or_insert_with(|| {
                    buf.clear();
                    start
                });
                push_lowercase(buf, &bytes[copied..end]);
                pending = Some(next);
                end = next_clear(&classes.alnum, next, to);
                numeric = numeric && !any_in(&classes.letter, next, end);
            }
            if numeric {
                f(NUMBER_TOKEN, start, end);
            } else if let Some(copied) = pending {
                push_lowercase(buf, &bytes[copied..end]);
                f(buf, start, end);
            } else if any_in(&classes.upper, start, end) {
                buf.clear();
                push_lowercase(buf, &bytes[start..end]);
                f(buf, start, end);
            } else {
                f(&text[start..end], start, end);
            }
            pos = end;
        }
    }

    /// The normalized tokens of `text`, as owned strings (convenient in tests and tools).
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_token(text, |t| out.push(t.to_string()));
        out
    }
}

/// Appends ASCII letters and digits to `buf`, lowercased (setting bit 5 lowercases a letter
/// and leaves a digit as it is).
fn push_lowercase(buf: &mut String, alnum: &[u8]) {
    debug_assert!(alnum.iter().all(u8::is_ascii_alphanumeric));
    // SAFETY: an ASCII letter or digit with bit 5 set is still an ASCII byte, so the string
    // stays UTF-8 (a byte at a time through `char` was a UTF-8 encoding per byte).
    unsafe { buf.as_mut_vec() }.extend(alnum.iter().map(|&b| (b | 0x20) & 0x7f));
}

fn next_char(text: &str, i: usize) -> Option<char> {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text[i..].chars().next(),
        None => None,
    }
}

fn emit(buf: &mut String, numeric: bool, f: &mut impl FnMut(&str)) {
    if numeric {
        f(NUMBER_TOKEN);
    } else {
        f(buf);
    }
    buf.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_tokens(text: &str, expected: &[&str]) {
        assert_eq!(Tokenizer::new().tokens(text), expected, "tokens of {text:?}");
    }

    #[test]
    fn lowercases_and_splits_on_punctuation() {
        assert_tokens(
            "Obama rejected Putin's support.",
            &["obama", "rejected", "putins", "support"],
        );
        assert_tokens("pro-Russian rebels", &["pro", "russian", "rebels"]);
    }

    #[test]
    fn folds_straight_and_curly_apostrophes_alike() {
        assert_tokens("Syria's Syria’s Syrias", &["syrias", "syrias", "syrias"]);
        assert_tokens("they’d couldn't", &["theyd", "couldnt"]);
    }

    #[test]
    fn quotes_around_words_are_not_part_of_them() {
        assert_tokens("“de-conflicting” 'terrorists'", &["de", "conflicting", "terrorists"]);
    }

    #[test]
    fn numbers_become_one_token() {
        assert_tokens(
            "250,000 people, 3.5 billion, 2011.",
            &["<num>", "people", "<num>", "billion", "<num>"],
        );
        assert_tokens("F-16 jets", &["f", "<num>", "jets"]);
        assert_tokens("1st 60mm", &["1st", "60mm"]);
    }

    #[test]
    fn unicode_letters_are_lowercased() {
        assert_tokens("ÉTAT Ğazi DAMASCUS", &["état", "ğazi", "damascus"]);
        assert_tokens("الأسد", &["الأسد"]);
    }

    /// The tokenizer before its ASCII fast path, kept as the reference.
    fn reference_tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut buf = String::new();
        let mut numeric = true;
        let mut chars = text.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if c.is_alphanumeric() {
                if buf.is_empty() {
                    numeric = c.is_numeric();
                } else if !c.is_numeric() {
                    numeric = false;
                }
                buf.extend(c.to_lowercase());
                continue;
            }
            if !buf.is_empty() {
                let next_alnum = chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
                if next_alnum && is_apostrophe(c) && !numeric {
                    continue;
                }
                let next_digit = chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
                if numeric && next_digit && (c == '.' || c == ',') {
                    continue;
                }
                out.push(if numeric { NUMBER_TOKEN.to_string() } else { std::mem::take(&mut buf) });
                buf.clear();
            }
        }
        if !buf.is_empty() {
            out.push(if numeric { NUMBER_TOKEN.to_string() } else { buf });
        }
        out
    }

    #[test]
    fn fast_path_matches_the_reference_on_the_corpus_and_odd_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut corpus = std::fs::read_to_string(root.join("labels/sentences.csv")).unwrap();
        for entry in std::fs::read_dir(root.join("data/articles")).unwrap() {
            corpus.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default());
        }
        let odd = "Ünïcode ١٢٣ 3,5 x'y ’’ 1.2.3 ½ Ⅻ ǅ İstanbul 2011’s U.S.-led 12ab a1 ٣.٤ \u{0}";
        for text in corpus.lines().chain([odd]) {
            assert_eq!(Tokenizer::new().tokens(text), reference_tokens(text), "{text:?}");
        }
    }

    /// The tokens and spans of `text[from..to]` through the ASCII path, spans made relative.
    fn ascii_path(text: &str, from: usize, to: usize) -> Vec<(String, usize, usize)> {
        let mut classes = AsciiClasses::default();
        classes.fill(text.as_bytes());
        let mut out = Vec::new();
        let mut buf = String::new();
        Tokenizer::new().for_each_ascii_token_span(
            text,
            &classes,
            (from, to),
            &mut buf,
            |t, s, e| out.push((t.to_string(), s - from, e - from)),
        );
        out
    }

    #[test]
    fn ascii_path_matches_the_general_one_on_every_range() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = std::fs::read_to_string(root.join("labels/sentences.csv")).unwrap();
        let odd = [
            "U.S.-led 3.5km 250,000 x'y 1990's 'quoted' `tick` a.1 1.a 1,,2 2.,3 O'Neil's F-16",
            "ends with a dot. And 12.",
            "'",
            "x'",
            "'x",
            "1.",
            ".1",
            "9,9,9'9 Ab'Cd ab`CD 7'x",
        ];
        let mut checked = 0;
        for text in corpus.lines().filter(|l| l.is_ascii()).chain(odd) {
            let n = text.len();
            for (from, to) in [(0, n), (1.min(n), n), (0, n / 2), (n / 3, n - n / 4)] {
                let mut want = Vec::new();
                Tokenizer::new().for_each_token_span(&text[from..to], |t, s, e| {
                    want.push((t.to_string(), s, e))
                });
                assert_eq!(ascii_path(text, from, to), want, "{:?}", &text[from..to]);
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn spans_cover_the_surface_form_of_each_token() {
        let text = "Syria’s 250,000 Ünïcode x'y, F-16.";
        let mut got = Vec::new();
        Tokenizer::new()
            .for_each_token_span(text, |t, s, e| got.push((t.to_string(), &text[s..e])));
        let want = [
            ("syrias", "Syria’s"),
            ("<num>", "250,000"),
            ("ünïcode", "Ünïcode"),
            ("xy", "x'y"),
            ("f", "F"),
            ("<num>", "16"),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for ((t, s), (wt, ws)) in got.iter().zip(want) {
            assert_eq!((t.as_str(), *s), (wt, ws));
        }
    }

    #[test]
    fn empty_and_punctuation_only_give_nothing() {
        assert_tokens("", &[]);
        assert_tokens(" ... — !? ", &[]);
        assert_tokens("'", &[]);
    }
}
