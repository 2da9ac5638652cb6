//! Page furniture: named kinds, the line rules that recognise them, and user patterns files.
//!
//! Every built-in rule is anchored (whole line, prefix, a credit or byline shape, a contact
//! line), because a real news sentence must never be dropped. Furniture found inside a line
//! (datelines, repeated headlines, glued credits and sign-offs) is cut by [`super::header`].

use std::borrow::Cow;

use super::engine::is_space;

mod footer;
mod shapes;

pub(super) use footer::site_footer;
pub(super) use shapes::PHOTO_AGENCIES;
use shapes::{
    all_capitalised, is_contact_line, is_initials_sign_off, is_name_list, is_names_sentence,
    is_photo_credit,
};

/// Longest line that may be furniture; real credits and widgets are short.
const MAX_FURNITURE_LEN: usize = 256;

/// Longest sentence inside a line that may be furniture: run-in widgets and credits are
/// shorter than most sentences; a longer sentence is not checked against the rules.
const MAX_SENTENCE_FURNITURE_LEN: usize = 120;

/// A named kind of page furniture: one of the built-in constants, or a kind added by a user
/// patterns file ([`super::SentenceSplitter::with_furniture_patterns`]). Its name comes from
/// [`super::SentenceSplitter::kind_name`] (built-in names also from [`FurnitureKind::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FurnitureKind(pub(super) u16);

/// Names of the built-in kinds, in the order of their constants.
pub(super) const BUILTIN_KINDS: [&str; 11] = [
    "headline",
    "byline",
    "dateline",
    "caption",
    "credit",
    "related",
    "share",
    "comments",
    "editor_note",
    "date",
    "other",
];

impl FurnitureKind {
    /// A headline repeated at the start of the body (the title line itself is scored).
    pub const HEADLINE: Self = Self(0);
    /// "By Jane Doe", "(Reporting by ...)", an agency sign-off ("-AFP").
    pub const BYLINE: Self = Self(1);
    /// "MOSCOW (AP) —", "BEIRUT, Oct 9 (Reuters) -", cut from the first sentence.
    pub const DATELINE: Self = Self(2);
    /// A photo caption (the text before a photo credit).
    pub const CAPTION: Self = Self(3);
    /// "(SANA via AP)", "REUTERS/Stringer", "Photo: ... / AFP".
    pub const CREDIT: Self = Self(4);
    /// "Read more: ...", "Related Coverage" and the headlines under it.
    pub const RELATED: Self = Self(5);
    /// Share buttons and short-URL widgets.
    pub const SHARE: Self = Self(6);
    /// Comment widgets.
    pub const COMMENTS: Self = Self(7);
    /// "Editor's note: ...", "EDITORS: BEGIN OPTIONAL TRIM".
    pub const EDITOR_NOTE: Self = Self(8);
    /// A publication date line ("Published October 4 2014", "Wed 19 Apr 2017").
    pub const DATE: Self = Self(9);
    /// Anything else: tags, advertisements, copyright, fact-box labels.
    pub const OTHER: Self = Self(10);

    /// The name of a built-in kind; `None` for a kind added by a patterns file.
    pub fn name(self) -> Option<&'static str> {
        BUILTIN_KINDS.get(usize::from(self.0)).copied()
    }
}

/// How a furniture pattern is compared with a normalised line (ASCII case-insensitively).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Match {
    /// The whole line equals the pattern.
    Line,
    /// The line starts with the pattern.
    Prefix,
    /// As `Prefix`, and also for one sentence inside a line ([`FurnitureTable::sentence_kind`]):
    /// patterns that open furniture and never a sentence of the story ("Reporting by ",
    /// "Follow us on "). Plain `Prefix` rules ("Tags ", "Slideshow (") are not tried on
    /// sentences: scraped pages glue them to the story's next sentence.
    Opening,
    /// The line ends with the pattern.
    Suffix,
    /// The pattern occurs anywhere in the line.
    Contains,
    /// A number, a space and the pattern: "123 comments".
    Counted,
    /// The line starts with the pattern and ends with a colon: "MORE ON SYRIA:".
    Label,
    /// The line ends with the pattern and every word before it is capitalised: an agency
    /// name, as in "Al Jazeera and wire services".
    Credit,
    /// The line starts with the pattern, the rest is one to eight capitalised words joined by
    /// "and" or commas, with no final period: "By Tom Perry and Maria Tsvetkova".
    Names,
    /// Capitalised words and slashes naming a photo agency: "Marc Dubois/AFP/Getty Images",
    /// "Sputnik / Ivan Sergeev"; the pattern is unused.
    PhotoCredit,
    /// A byline contact line, "Name: phone, @handle"; the pattern is unused.
    Contact,
}

#[derive(Clone, Debug)]
pub(super) struct Rule {
    how: Match,
    pattern: Cow<'static, str>,
    kind: FurnitureKind,
    /// The offset of the pattern's rarest byte ([`rarest_byte`]), searched for by
    /// [`Match::Contains`].
    probe: usize,
}

const fn rule(how: Match, pattern: &'static str, kind: FurnitureKind) -> Rule {
    Rule { how, pattern: Cow::Borrowed(pattern), kind, probe: rarest_byte(pattern.as_bytes()) }
}

use FurnitureKind as K;

/// The built-in line rules, first match wins. Lines are normalised first: leading dashes,
/// bullets and whitespace and trailing periods are dropped, so `--Reuters` and `Reuters.`
/// match `reuters`. Keep entries anchored: a loose rule that flags one real sentence costs
/// more than a stray credit line left in. A furniture line with several sentences is still
/// split into sentences; each keeps the line's kind.
const BUILTIN_RULES: &[Rule] = &[
    // Wire desk notes that are never meant for readers.
    rule(Match::Prefix, "editors:", K::EDITOR_NOTE),
    rule(Match::Prefix, "editor's note", K::EDITOR_NOTE),
    rule(Match::Prefix, "editor\u{2019}s note", K::EDITOR_NOTE),
    rule(Match::Prefix, "editors' note", K::EDITOR_NOTE),
    rule(Match::Prefix, "editors note", K::EDITOR_NOTE),
    // Comment widgets.
    rule(Match::Line, "comments", K::COMMENTS),
    rule(Match::Prefix, "comments (", K::COMMENTS),
    rule(Match::Counted, "comments", K::COMMENTS),
    rule(Match::Line, "show comments", K::COMMENTS),
    rule(Match::Line, "error", K::COMMENTS),
    rule(Match::Prefix, "sorry, your comment was not saved", K::COMMENTS),
    rule(Match::Prefix, "community standards", K::COMMENTS),
    rule(Match::Prefix, "comment via ", K::COMMENTS),
    // Share buttons.
    rule(Match::Line, "share", K::SHARE),
    rule(Match::Prefix, "share this article", K::SHARE),
    rule(Match::Prefix, "share this story", K::SHARE),
    rule(Match::Prefix, "share on ", K::SHARE),
    rule(Match::Prefix, "share via ", K::SHARE),
    rule(Match::Prefix, "share:", K::SHARE),
    rule(Match::Line, "get short url", K::SHARE),
    rule(Match::Prefix, "get short url ", K::SHARE),
    rule(Match::Opening, "follow us on ", K::SHARE),
    rule(Match::Line, "twitter", K::SHARE),
    rule(Match::Line, "facebook", K::SHARE),
    rule(Match::Line, "subscribe", K::SHARE),
    rule(Match::Opening, "subscribe to our ", K::SHARE),
    rule(Match::Opening, "never miss a story", K::SHARE),
    // Related-article cards and their labels.
    rule(Match::Prefix, "read more:", K::RELATED),
    rule(Match::Line, "read more", K::RELATED),
    rule(Match::Prefix, "related:", K::RELATED),
    rule(Match::Line, "related", K::RELATED),
    rule(Match::Line, "related coverage", K::RELATED),
    rule(Match::Line, "related news", K::RELATED),
    rule(Match::Line, "related stories", K::RELATED),
    rule(Match::Line, "related articles", K::RELATED),
    rule(Match::Prefix, "see also:", K::RELATED),
    rule(Match::Prefix, "also read:", K::RELATED),
    rule(Match::Prefix, "read also:", K::RELATED),
    rule(Match::Line, "read also", K::RELATED),
    rule(Match::Line, "also read", K::RELATED),
    rule(Match::Label, "more on ", K::RELATED),
    // Agency names alone on a line: the story's byline.
    rule(Match::Line, "reuters", K::BYLINE),
    rule(Match::Line, "(reuters)", K::CREDIT),
    rule(Match::Line, "ap", K::BYLINE),
    rule(Match::Line, "associated press", K::BYLINE),
    rule(Match::Line, "the associated press", K::BYLINE),
    rule(Match::Line, "afp", K::BYLINE),
    rule(Match::Line, "agence france-presse", K::BYLINE),
    rule(Match::Line, "al jazeera", K::CREDIT),
    rule(Match::Line, "wire services", K::CREDIT),
    rule(Match::Line, "news agencies", K::CREDIT),
    rule(Match::Credit, " and wire services", K::CREDIT),
    rule(Match::Credit, " and agencies", K::CREDIT),
    rule(Match::Credit, " and news agencies", K::CREDIT),
    // Reporting credits and bylines.
    rule(Match::Contains, "contributed to this report", K::BYLINE),
    rule(Match::Opening, "(reporting by", K::BYLINE),
    rule(Match::Opening, "(additional reporting by", K::BYLINE),
    rule(Match::Opening, "reporting by ", K::BYLINE),
    rule(Match::Opening, "additional reporting by", K::BYLINE),
    rule(Match::Prefix, "contributing:", K::BYLINE),
    rule(Match::Opening, "editing by ", K::BYLINE),
    rule(Match::Opening, "writing by ", K::BYLINE),
    rule(Match::Names, "by ", K::BYLINE),
    // Photo credits and captions.
    rule(Match::Prefix, "photo:", K::CREDIT),
    rule(Match::Prefix, "photo by ", K::CREDIT),
    // "(Source: Syrian Coalition)" closing a release.
    rule(Match::Opening, "(source:", K::CREDIT),
    rule(Match::PhotoCredit, "", K::CREDIT),
    // Everything else.
    rule(Match::Prefix, "\u{a9}", K::OTHER),
    rule(Match::Prefix, "copyright \u{a9}", K::OTHER),
    rule(Match::Prefix, "our standards:", K::OTHER),
    rule(Match::Line, "advertisement", K::OTHER),
    rule(Match::Prefix, "slideshow (", K::OTHER),
    rule(Match::Prefix, "tags ", K::OTHER),
    rule(Match::Line, "what we know so far:", K::OTHER),
    rule(Match::Line, "key facts:", K::OTHER),
    rule(Match::Line, "fast facts:", K::OTHER),
    // "Jonathan S. Landay: 202-383-6012, @JonathanLanday"
    rule(Match::Contact, "", K::BYLINE),
];

/// The furniture rules of one splitter: a user's patterns (checked first), then the
/// built-in ones; and the names of all kinds.
#[derive(Debug, Clone)]
pub(super) struct FurnitureTable {
    user: Vec<Rule>,
    names: Vec<Cow<'static, str>>,
    /// Per first byte of a normalised line (ASCII lowercased), the rules that can match such
    /// a line, in rule order: indices into the user rules followed by [`BUILTIN_RULES`].
    /// A rule anchored at the start of the line is listed only under its pattern's first byte,
    /// so a line is tried against about ten rules instead of all seventy (checking every rule
    /// was 4% of `predict --split-only`). A rule anchored by two bytes or more is listed with
    /// its second byte, and a line is tried against it only when that is the line's second
    /// byte: most rules listed under a letter are then passed over without being read.
    by_first_byte: Vec<Box<[Candidate]>>,
}

/// A rule listed in [`FurnitureTable::by_first_byte`]: its index, and the second byte (ASCII
/// lowercased) of every line it can match, or [`ANY_SECOND`].
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: u32,
    second: u16,
}

/// A rule that does not constrain a line's second byte.
const ANY_SECOND: u16 = 256;
/// The second byte of a line of one byte: no rule anchored by two bytes matches it.
const NO_SECOND: u16 = 257;

impl Default for FurnitureTable {
    fn default() -> Self {
        let mut table = Self {
            user: Vec::new(),
            names: BUILTIN_KINDS.iter().map(|&n| Cow::Borrowed(n)).collect(),
            by_first_byte: Vec::new(),
        };
        table.index_rules();
        table
    }
}

/// A patterns file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FurniturePatternError {
    /// 1-based line of the patterns file.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for FurniturePatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for FurniturePatternError {}

impl FurnitureTable {
    pub(super) fn kind_name(&self, kind: FurnitureKind) -> &str {
        self.names.get(usize::from(kind.0)).map_or("other", |n| n.as_ref())
    }

    fn kind_named(&mut self, name: &str) -> FurnitureKind {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return FurnitureKind(i as u16);
        }
        self.names.push(Cow::Owned(name.to_string()));
        FurnitureKind((self.names.len() - 1) as u16)
    }

    /// Adds the patterns of a CSV `kind,pattern` file (see the module docs of
    /// [`super`]: `text` whole line, `text*` prefix, `*text` suffix, `*text*` contains).
    pub(super) fn add_patterns(&mut self, csv: &str) -> Result<(), FurniturePatternError> {
        let added = self.add_pattern_rules(csv);
        self.index_rules();
        added
    }

    fn add_pattern_rules(&mut self, csv: &str) -> Result<(), FurniturePatternError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(csv.as_bytes());
        for record in reader.records() {
            let record = record.map_err(|e| FurniturePatternError {
                line: e.position().map_or(0, |p| p.line() as usize),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let err = |message: String| FurniturePatternError { line, message };
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if record.len() != 2 {
                return Err(err(format!(
                    "expected two fields `kind,pattern`, found {}",
                    record.len()
                )));
            }
            let (kind, pattern) = (record[0].trim(), record[1].trim());
            if line == 1 && kind == "kind" && pattern == "pattern" {
                continue; // the optional header
            }
            if kind.is_empty()
                || kind == "sentence"
                || !kind.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(err(format!(
                    "kind {kind:?} must be lowercase letters, digits and `_`, and not `sentence`"
                )));
            }
            let (starred_start, starred_end) = (pattern.starts_with('*'), pattern.ends_with('*'));
            let (how, text) = if pattern.len() >= 2 && starred_start && starred_end {
                (Match::Contains, &pattern[1..pattern.len() - 1])
            } else if starred_start {
                (Match::Suffix, &pattern[1..])
            } else if starred_end {
                (Match::Prefix, &pattern[..pattern.len() - 1])
            } else {
                (Match::Line, pattern)
            };
            if text.trim().is_empty() {
                return Err(err(format!("pattern {pattern:?} matches every line")));
            }
            let kind = self.kind_named(kind);
            let probe = rarest_byte(text.as_bytes());
            self.user.push(Rule { how, pattern: Cow::Owned(text.to_string()), kind, probe });
        }
        Ok(())
    }

    /// The furniture kind of a whole trimmed line, if it is furniture.
    pub(super) fn line_kind(&self, line: &str) -> Option<FurnitureKind> {
        self.line_rule(line).map(|r| r.kind)
    }

    /// The first rule that matches a whole trimmed line.
    fn line_rule(&self, line: &str) -> Option<&Rule> {
        let core = normalise(line)?;
        let second = core.get(1).map_or(NO_SECOND, |b| u16::from(b.to_ascii_lowercase()));
        self.by_first_byte[usize::from(core[0].to_ascii_lowercase())]
            .iter()
            .filter(|c| c.second == ANY_SECOND || c.second == second)
            .map(|c| self.rule(c.rule))
            .find(|rule| rule.matches(core))
    }

    /// The furniture kind of one sentence of a longer line (scraped pages run widgets, credits
    /// and sign-offs into the body text): the line rules applied to the sentence alone, then
    /// two shapes that only a sentence can have: reporters' names closed by a period
    /// ("Dominic Evans Khaled Yacoub Oweis.") and editors' initials between slashes
    /// ("M. al-Frieh/H. Said"). Rules that match only the start of a line are left out but
    /// for [`Match::Opening`] ones. With `rules_tried` (the caller found that no line rule
    /// matches this text) only the two shapes are looked at.
    pub(super) fn sentence_kind(&self, sentence: &str, rules_tried: bool) -> Option<FurnitureKind> {
        if sentence.len() > MAX_SENTENCE_FURNITURE_LEN {
            return None;
        }
        if rules_tried {
            // No rule matched: the first match below would be none.
        } else if let Some(rule) = self.line_rule(sentence).filter(|r| r.whole_sentence()) {
            return Some(rule.kind);
        }
        let bytes = sentence.trim_end().as_bytes();
        (is_names_sentence(bytes) || is_initials_sign_off(bytes)).then_some(FurnitureKind::BYLINE)
    }

    /// Rule `i` of the user rules followed by the built-in ones.
    fn rule(&self, i: u32) -> &Rule {
        let i = i as usize;
        self.user.get(i).unwrap_or_else(|| &BUILTIN_RULES[i - self.user.len()])
    }

    /// Fills [`FurnitureTable::by_first_byte`] from the rules. A line counted by a number
    /// ([`Match::Counted`]) starts with a digit.
    fn index_rules(&mut self) {
        let rules: Vec<&Rule> = self.user.iter().chain(BUILTIN_RULES).collect();
        self.by_first_byte = (0..=255u8)
            .map(|first| {
                (0u32..)
                    .zip(&rules)
                    .filter(|(_, rule)| match rule.anchor() {
                        Some(b) => b.to_ascii_lowercase() == first,
                        None if matches!(rule.how, Match::Counted) => first.is_ascii_digit(),
                        None => true,
                    })
                    .map(|(i, rule)| {
                        let second = rule.anchor().and(rule.pattern.as_bytes().get(1));
                        let second =
                            second.map_or(ANY_SECOND, |b| u16::from(b.to_ascii_lowercase()));
                        Candidate { rule: i, second }
                    })
                    .collect()
            })
            .collect();
    }
}

/// A photo credit line ("Photo: ... / AFP", "Marc Dubois/AFP/Getty Images"): the line before
/// it, if it was one sentence, is its caption.
pub(super) fn is_photo_credit_line(line: &str) -> bool {
    normalise(line)
        .is_some_and(|core| starts_with_ignore_case(core, b"photo") || is_photo_credit(core))
}

/// A line without leading dashes, bullets and whitespace and trailing periods, or `None` when
/// it is too long to be furniture or empty.
fn normalise(line: &str) -> Option<&[u8]> {
    {
        if line.len() > MAX_FURNITURE_LEN {
            return None;
        }
        let core = line
            .trim_start_matches(|c: char| {
                is_space(c) || matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2022}' | '*')
            })
            .trim_end_matches(|c: char| is_space(c) || c == '.');
        let core = core.as_bytes();
        (!core.is_empty()).then_some(core)
    }
}

impl Rule {
    /// The first byte of every line the rule can match (ASCII case-insensitively), when the
    /// rule is anchored at the start of the line.
    fn anchor(&self) -> Option<u8> {
        let anchored = matches!(
            self.how,
            Match::Line | Match::Prefix | Match::Opening | Match::Label | Match::Names
        );
        self.pattern.as_bytes().first().copied().filter(|_| anchored)
    }

    /// Whether a match on one sentence inside a line makes that sentence furniture: the rules
    /// that describe the whole of it (never a prefix that a story sentence may follow).
    fn whole_sentence(&self) -> bool {
        !matches!(self.how, Match::Prefix | Match::Suffix | Match::Contains | Match::Label)
    }

    /// Whether the rule matches `line` (normalised, not empty), a line listed under its
    /// first byte ([`FurnitureTable::by_first_byte`]): a rule's anchor is not checked again.
    fn matches(&self, line: &[u8]) -> bool {
        let pattern = self.pattern.as_bytes();
        match self.how {
            Match::Line => line.eq_ignore_ascii_case(pattern),
            Match::Prefix | Match::Opening => starts_with_ignore_case(line, pattern),
            Match::Suffix => {
                line.len() > pattern.len()
                    && line[line.len() - pattern.len()..].eq_ignore_ascii_case(pattern)
            }
            Match::Contains => contains_ignore_case(line, pattern, self.probe),
            Match::Counted => {
                let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
                digits > 0
                    && line.get(digits) == Some(&b' ')
                    && line[digits + 1..].eq_ignore_ascii_case(pattern)
            }
            Match::Label => {
                starts_with_ignore_case(line, pattern) && line.len() <= 60 && line.ends_with(b":")
            }
            Match::Credit => {
                line.len() > pattern.len()
                    && line[line.len() - pattern.len()..].eq_ignore_ascii_case(pattern)
                    && all_capitalised(&line[..line.len() - pattern.len()])
            }
            Match::Names => {
                starts_with_ignore_case(line, pattern)
                    && line.len() <= 100
                    && is_name_list(&line[pattern.len()..])
            }
            Match::PhotoCredit => is_photo_credit(line),
            Match::Contact => is_contact_line(line),
        }
    }
}

/// `pattern` anywhere in `line`, ASCII case-insensitively: candidates are found with `memchr2`
/// on the byte at `probe` in the pattern (its rarest letter, [`rarest_byte`]) in both cases:
/// the "b" of "contributed to this report" is about half as frequent in news text as its
/// first letter.
fn contains_ignore_case(line: &[u8], pattern: &[u8], probe: usize) -> bool {
    if pattern.is_empty() || pattern.len() > line.len() {
        return false;
    }
    let b = pattern[probe];
    // Candidates start at `0..=line.len() - pattern.len()`; their probe byte is `probe` further.
    let window = &line[probe..=line.len() - pattern.len() + probe];
    let mut pos = 0;
    while let Some(offset) =
        memchr::memchr2(b.to_ascii_lowercase(), b.to_ascii_uppercase(), &window[pos..])
    {
        let at = pos + offset;
        if line[at..at + pattern.len()].eq_ignore_ascii_case(pattern) {
            return true;
        }
        pos = at + 1;
    }
    false
}

/// The offset of the byte of `pattern` least frequent in English text: the first of its
/// rarest letters by the usual frequency order; other bytes count as more frequent than every
/// letter (the first byte is taken when the pattern has no letter, or is empty).
const fn rarest_byte(pattern: &[u8]) -> usize {
    const BY_FREQUENCY: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
    let (mut best, mut best_rank, mut i) = (0, 0, 0);
    while i < pattern.len() {
        let b = pattern[i].to_ascii_lowercase();
        let mut rank = 0;
        while rank < BY_FREQUENCY.len() && BY_FREQUENCY[rank] != b {
            rank += 1;
        }
        // Not a letter: rank 0.
        let rank = if rank < BY_FREQUENCY.len() { rank + 1 } else { 0 };
        if rank > best_rank {
            (best, best_rank) = (i, rank);
        }
        i += 1;
    }
    best
}

pub(super) fn starts_with_ignore_case(line: &[u8], prefix: &[u8]) -> bool {
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod search_tests {
    use super::*;

    #[test]
    fn the_probe_is_the_rarest_letter_and_finds_what_a_plain_search_finds() {
        assert_eq!(rarest_byte(b"contributed to this report"), 6);
        assert_eq!(rarest_byte(b" and "), 3);
        assert_eq!((rarest_byte(b"12 - 3"), rarest_byte(b"")), (0, 0));
        let pattern = b"contributed to this report";
        let probe = rarest_byte(pattern);
        for line in [
            "Jane Doe contributed to this report",
            "CONTRIBUTED TO THIS REPORT: J. Doe",
            "Contributed to this report.",
            "Contributed to this repor",
            "b contributed to this rep b contributed to this reporT",
            "",
        ] {
            let plain =
                line.as_bytes().windows(pattern.len()).any(|w| w.eq_ignore_ascii_case(pattern));
            assert_eq!(contains_ignore_case(line.as_bytes(), pattern, probe), plain, "{line:?}");
        }
    }
}
