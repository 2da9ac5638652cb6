//! Actor mentions: where a sentence names an actor (Assad, Russia, ...), by any of its names.
//!
//! The names are data, not code: an [`Actor`] is a name and a list of [`ActorAlias`]es (a word
//! or a phrase, e.g. `Bashar al-Assad`, `the Kremlin`), read from a CSV table
//! (`actor,alias,not_after`) and kept in the model bundle. [`MentionFinder`] finds them in text,
//! case-insensitively and on word boundaries, longest alias first. Two kinds of occurrence are
//! not mentions:
//! - an alias right after one of its `not_after` words, for names that are also places
//!   ("talks in Moscow", "the outskirts of Damascus" against "Moscow said");
//! - anything inside a dateline ("MOSCOW (AP) —", "DAMASCUS, Syria —"), see [`dateline_len`].

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// One name of an actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorAlias {
    /// The name, lowercase words separated by single spaces (`bashar al assad`); punctuation
    /// between words in the text does not matter.
    pub words: Vec<String>,
    /// Words that, right before the name, make it a place rather than the actor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_after: Vec<String>,
    /// The name is itself an evaluation ("regime"): it is reported as a mention, but the
    /// features keep its words instead of the actor's placeholder.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_words: bool,
}

/// An actor that stance tasks can target: a task named like the actor is its stance task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// The actor's name (`assad`, `russia`): the key of its mentions in `predict`'s output.
    pub name: String,
    /// Its names in text.
    pub aliases: Vec<ActorAlias>,
}

/// Lowercase words of `s` (runs of letters and digits), as the finder compares them.
fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Actor {
    /// Reads an actor table: a CSV with columns `actor,alias` and optionally `not_after` (words
    /// separated by `|`) and `keep_words` (`yes` for names that are themselves evaluations). One row per name; rows of one actor need not be adjacent. Errors name
    /// the file and line.
    pub fn read_table(path: &std::path::Path) -> Result<Vec<Actor>> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::parse_table(path, &bytes)
    }

    /// [`Actor::read_table`] on bytes already read (`path` names them in errors).
    pub fn parse_table(path: &std::path::Path, bytes: &[u8]) -> Result<Vec<Actor>> {
        let bad = |line: u64, msg: String| {
            Error::input(
                Location::line(path, line),
                msg,
                "an actor table is a CSV with the header `actor,alias,not_after` and one name a row",
            )
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let col = |name: &str| {
            headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name)
        };
        let (Some(actor_col), Some(alias_col)) = (col("actor"), col("alias")) else {
            return Err(bad(
                1,
                format!("the header is {:?}, without `actor` and `alias`", headers),
            ));
        };
        let not_after_col = col("not_after");
        let keep_col = col("keep_words");
        let mut actors: Vec<Actor> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line =
                record.as_ref().ok().and_then(|r| r.position()).map_or(i as u64 + 2, |p| p.line());
            let record = record.map_err(|e| bad(line, e.to_string()))?;
            let name = record.get(actor_col).unwrap_or("").trim().to_lowercase();
            let alias = record.get(alias_col).unwrap_or("");
            let words = words_of(alias);
            if name.is_empty() || words.is_empty() {
                return Err(bad(line, "an empty actor or alias".into()));
            }
            let not_after = not_after_col
                .and_then(|c| record.get(c))
                .map(|s| s.split('|').flat_map(words_of).collect())
                .unwrap_or_default();
            let keep_words = match keep_col.and_then(|c| record.get(c)).map(str::trim) {
                None | Some("") | Some("no") => false,
                Some("yes") => true,
                Some(other) => {
                    return Err(bad(line, format!("keep_words is '{other}', not yes or no")));
                }
            };
            let alias = ActorAlias { words, not_after, keep_words };
            match actors.iter_mut().find(|a| a.name == name) {
                Some(a) if a.aliases.iter().any(|x| x.words == alias.words) => {
                    return Err(bad(
                        line,
                        format!(
                            "the alias '{}' of '{name}' is listed twice",
                            alias.words.join(" ")
                        ),
                    ));
                }
                Some(a) => a.aliases.push(alias),
                None => actors.push(Actor { name, aliases: vec![alias] }),
            }
        }
        if actors.is_empty() {
            return Err(bad(1, "the table lists no actor".into()));
        }
        Ok(actors)
    }

    /// The placeholder token single-word names fold into before stemming (`actor:assad`), so
    /// that whatever name a sentence uses, the model sees one term.
    pub fn placeholder(&self) -> String {
        format!("actor:{}", self.name)
    }
}

/// A mention found in text: the actor's index and the byte range of the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Index of the actor in the finder's table.
    pub actor: usize,
    /// The name used is one whose words the features keep ([`ActorAlias::keep_words`]).
    pub keep_words: bool,
    /// Byte offset of the name's first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

/// Finds actor mentions in text (see the module documentation).
#[derive(Debug, Clone)]
pub struct MentionFinder {
    actors: Vec<Actor>,
    /// First word of an alias -> (actor, alias), longest alias first.
    index: FxHashMap<String, Vec<(usize, usize)>>,
    /// Cheap filters run before the lookup, so most words cost no hashing: the lowercase
    /// first two bytes (a bit set over byte pairs; the second byte is 0 for one-byte words)
    /// and the byte lengths (up to 63) that first words of aliases have.
    prefixes: Box<[u64; 1024]>,
    lengths: u64,
    /// The filter for ASCII words: a bit set over a hash of the length and the lowercase
    /// first three bytes of the first words of aliases (see [`triple_bit`]). An ASCII word
    /// matches a first word only if it has that length and those bytes, so most ASCII words
    /// that pass the two-byte filter ("said", "more", "people") are turned away here.
    triples: Box<[u64; TRIPLE_WORDS]>,
    /// The filter of the search in ASCII text ([`MentionFinder::find_in_ascii`]): a bit set
    /// over a hash of the first four bytes and the length of the ASCII first words of
    /// aliases (see [`heads::head_bit`]).
    heads: Box<[u64; heads::HEAD_WORDS]>,
}

/// Words of [`MentionFinder::triples`].
const TRIPLE_WORDS: usize = 64;

/// The bit of an ASCII word (its length and lowercase first three bytes) in
/// [`MentionFinder::triples`].
#[inline]
fn triple_bit(word: &[u8]) -> usize {
    let byte = |i: usize| word.get(i).map_or(0, |b| u32::from(b.to_ascii_lowercase()));
    let len = word.len().min(255) as u32;
    let packed = byte(0) | byte(1) << 8 | byte(2) << 16 | len << 24;
    let bits = (TRIPLE_WORDS * 64).trailing_zeros();
    (packed.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// The bit of a word's first two bytes, lowercased, in [`MentionFinder::prefixes`].
fn prefix_bit(word: &[u8]) -> usize {
    let first = usize::from(word[0].to_ascii_lowercase());
    let second = word.get(1).map_or(0, |b| usize::from(b.to_ascii_lowercase()));
    first << 8 | second
}

/// Whether a word of the text equals a lowercase word of an alias, ignoring case.
fn same_word(text_word: &str, alias_word: &str) -> bool {
    if text_word.is_ascii() {
        text_word.eq_ignore_ascii_case(alias_word)
    } else {
        text_word.to_lowercase() == alias_word
    }
}

impl MentionFinder {
    /// A finder for `actors`.
    pub fn new(actors: &[Actor]) -> Self {
        let mut index: FxHashMap<String, Vec<(usize, usize)>> = FxHashMap::default();
        let (mut prefixes, mut lengths) = (Box::new([0u64; 1024]), 0u64);
        let mut triples = Box::new([0u64; TRIPLE_WORDS]);
        let mut heads = Box::new([0u64; heads::HEAD_WORDS]);
        for (a, actor) in actors.iter().enumerate() {
            for (k, alias) in actor.aliases.iter().enumerate() {
                let first = &alias.words[0];
                index.entry(first.clone()).or_default().push((a, k));
                let bit = prefix_bit(first.as_bytes());
                prefixes[bit / 64] |= 1 << (bit % 64);
                lengths |= 1u64.checked_shl(first.len() as u32).unwrap_or(1 << 63);
                let bit = triple_bit(first.as_bytes());
                triples[bit / 64] |= 1 << (bit % 64);
                // A first word that is not ASCII never equals an ASCII word.
                if first.is_ascii() {
                    let bit = heads::head_bit(heads::four(first.as_bytes(), 0), first.len());
                    heads[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        for entries in index.values_mut() {
            entries.sort_by_key(|&(a, k)| std::cmp::Reverse(actors[a].aliases[k].words.len()));
        }
        MentionFinder { actors: actors.to_vec(), index, prefixes, lengths, triples, heads }
    }

    /// The actors, in table order.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// True when there is no actor to find.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    /// The mentions in `text`, in order, none overlapping and none inside a leading dateline.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        self.find_into(text, &mut out);
        out
    }

    /// [`MentionFinder::find`] into `out` (cleared first), reusing its allocation.
    pub fn find_into(&self, text: &str, out: &mut Vec<Mention>) {
        out.clear();
        if self.index.is_empty() {
            return;
        }
        let pos = dateline_len(text);
        // ASCII text (nearly all sentences) has its words found from a bit mask of its letters
        // and digits, built without branches; a byte-by-byte scan mispredicts a branch at
        // every word boundary, and was most of this function's time.
        let mut mask = [0u64; ASCII_MASK_WORDS];
        if text.len() <= ASCII_MASK_WORDS * 64 && text.is_ascii() {
            let mask = crate::text::ascii::alnum_mask(text.as_bytes(), &mut mask);
            self.find_in_ascii(text, mask, pos, out);
        } else {
            self.find_in_words::<false, _>(text, Words { text, pos }, out);
        }
    }

    /// [`MentionFinder::find_into`] on an ASCII `text` whose letter-and-digit mask is
    /// `alnum` (see [`crate::text::ascii::AsciiClasses`]), made once for the tokenizer too.
    pub(crate) fn find_into_ascii(&self, text: &str, alnum: &[u64], out: &mut Vec<Mention>) {
        out.clear();
        if self.index.is_empty() {
            return;
        }
        self.find_in_ascii(text, alnum, dateline_len(text), out);
    }

    /// The search of [`MentionFinder::find_into`] over `words`, the words of `text` from where
    /// the search starts; with `ASCII`, `text` is ASCII.
    #[inline(always)]
    fn find_in_words<const ASCII: bool, W>(&self, text: &str, mut words: W, out: &mut Vec<Mention>)
    where
        W: Iterator<Item = (usize, usize)> + Clone,
    {
        let mut previous: Option<(usize, usize)> = None;
        let mut key = String::new();
        while let Some((start, end)) = words.next() {
            let w = &text[start..end];
            let candidate = if ASCII || w.is_ascii() {
                let bit = triple_bit(w.as_bytes());
                self.triples[bit / 64] & (1 << (bit % 64)) != 0
            } else {
                let len_bit = 1u64.checked_shl(w.len() as u32).unwrap_or(1 << 63);
                let bit = prefix_bit(w.as_bytes());
                !w.as_bytes()[..w.len().min(2)].is_ascii()
                    || (self.prefixes[bit / 64] & (1 << (bit % 64)) != 0
                        && self.lengths & len_bit != 0)
            };
            let found = if candidate {
                self.match_at(text, (start, end), &words, previous, &mut key)
            } else {
                None
            };
            match found {
                Some((mention, rest, last)) => {
                    out.push(mention);
                    words = rest;
                    previous = Some(last);
                }
                None => previous = Some((start, end)),
            }
        }
    }

    /// The mention whose name starts with the word `text[start..end]`, if any: the longest
    /// alias starting with that word whose other words are the next ones of `words` (the
    /// words after it) and that does not follow one of its `not_after` words (`previous`, the
    /// word before, if any). With it, the words after the name and the name's last word.
    /// `key` is scratch space.
    #[inline]
    fn match_at<W>(
        &self,
        text: &str,
        (start, end): (usize, usize),
        words: &W,
        previous: Option<(usize, usize)>,
        key: &mut String,
    ) -> Option<(Mention, W, (usize, usize))>
    where
        W: Iterator<Item = (usize, usize)> + Clone,
    {
        let w = &text[start..end];
        key.clear();
        if w.is_ascii() {
            key.push_str(w);
            key.make_ascii_lowercase();
        } else {
            key.extend(w.chars().flat_map(char::to_lowercase));
        }
        let entries = self.index.get(key.as_str())?;
        // The next word, found once for all the aliases starting with this one ("Syrian"
        // starts a dozen).
        let mut after_next = words.clone();
        let next = after_next.next();
        // It and the word before are lowercased once for all the aliases too.
        let next_word = next.map(|(s, e)| Lowered::new(&text[s..e]));
        let previous_word = previous.map(|(s, e)| Lowered::new(&text[s..e]));
        entries.iter().find_map(|&(a, k)| {
            let alias = &self.actors[a].aliases[k];
            if let Some(p) = &previous_word {
                if alias.not_after.iter().any(|n| p.is(n)) {
                    return None;
                }
            }
            // The alias's other words must follow, in order.
            let mut rest = words.clone();
            let mut last = (start, end);
            if let Some(second) = alias.words.get(1) {
                let (s, e) = next?;
                if !next_word.as_ref().is_some_and(|n| n.is(second)) {
                    return None;
                }
                last = (s, e);
                rest = after_next.clone();
            }
            for expected in alias.words.iter().skip(2) {
                let (s, e) = rest.next()?;
                if !same_word(&text[s..e], expected) {
                    return None;
                }
                last = (s, e);
            }
            let mention = Mention { actor: a, keep_words: alias.keep_words, start, end: last.1 };
            Some((mention, rest, last))
        })
    }
}

/// A word of the text compared with lowercase words of aliases: an ASCII word of up to 32
/// bytes is lowercased once (into a buffer), others are compared with [`same_word`].
struct Lowered<'t> {
    word: &'t str,
    lower: [u8; 32],
    /// The length of the lowercased word in `lower`, or `None` for one compared as it is.
    len: Option<usize>,
}

impl<'t> Lowered<'t> {
    #[inline]
    fn new(word: &'t str) -> Self {
        let mut lower = [0; 32];
        let len = (word.len() <= lower.len() && word.is_ascii()).then(|| {
            lower[..word.len()].copy_from_slice(word.as_bytes());
            lower[..word.len()].make_ascii_lowercase();
            word.len()
        });
        Lowered { word, lower, len }
    }

    /// Whether the word is `alias_word` (lowercase), ignoring case, as [`same_word`].
    #[inline]
    fn is(&self, alias_word: &str) -> bool {
        match self.len {
            Some(len) => &self.lower[..len] == alias_word.as_bytes(),
            None => same_word(self.word, alias_word),
        }
    }
}

/// Longest text, in 64-byte blocks, whose words [`AsciiWords`] finds.
const ASCII_MASK_WORDS: usize = 64;

/// The words of an ASCII text from a byte position on, as [`Words`] gives them, read from the
/// text's letter-and-digit bit mask ([`crate::text::ascii::alnum_mask`]).
#[derive(Clone)]
struct AsciiWords<'m> {
    mask: &'m [u64],
    len: usize,
    pos: usize,
}

impl Iterator for AsciiWords<'_> {
    type Item = (usize, usize);

    #[inline]
    fn next(&mut self) -> Option<(usize, usize)> {
        if self.pos >= self.len {
            return None;
        }
        // The first set bit at or after `pos`: the word's start.
        let mut w = self.pos / 64;
        let mut bits = self.mask[w] & (!0u64 << (self.pos % 64));
        while bits == 0 {
            w += 1;
            if w >= self.mask.len() {
                self.pos = self.len;
                return None;
            }
            bits = self.mask[w];
        }
        let start = w * 64 + bits.trailing_zeros() as usize;
        // The first clear bit after it: the word's end (bits past the text are clear).
        let mut clear = !self.mask[w] & (!0u64 << (start % 64));
        while clear == 0 {
            w += 1;
            if w >= self.mask.len() {
                break;
            }
            clear = !self.mask[w];
        }
        let end = if clear == 0 { self.len } else { w * 64 + clear.trailing_zeros() as usize };
        self.pos = end.min(self.len);
        Some((start, self.pos))
    }
}

/// The words of a text from a byte position on, as byte ranges: runs of letters and digits
/// (ASCII bytes take a fast path; other characters are decoded and classified with Unicode's
/// tables). Cloning it saves the position, to look ahead.
#[derive(Clone)]
struct Words<'t> {
    text: &'t str,
    pos: usize,
}

impl Words<'_> {
    /// Whether the character at byte `i` is a letter or digit, and its length in bytes.
    fn at(&self, i: usize) -> (bool, usize) {
        let b = self.text.as_bytes()[i];
        if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = self.text[i..].chars().next().expect("i is on a char boundary");
            (c.is_alphanumeric(), c.len_utf8())
        }
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let len = self.text.len();
        while self.pos < len {
            let (alnum, n) = self.at(self.pos);
            if alnum {
                break;
            }
            self.pos += n;
        }
        if self.pos >= len {
            return None;
        }
        let start = self.pos;
        while self.pos < len {
            let (alnum, n) = self.at(self.pos);
            if !alnum {
                break;
            }
            self.pos += n;
        }
        Some((start, self.pos))
    }
}

/// Length in bytes of the dateline that opens `text`, with the dash and the spaces after it,
/// or 0. A dateline is a place in capitals (`MOSCOW`, `NEW YORK`, `AL-BAB`), then optionally a
/// comma and a short region or date (`, Syria`, `, Sept. 28`), then optionally an agency in
/// parentheses (`(AP)`, `(Reuters)`), then a dash (`—`, `–`, `--` or `-`) and a space:
/// "MOSCOW (AP) — ...", "DAMASCUS, Syria — ...", "BEIRUT, Sept 28 (Reuters) - ...".
pub fn dateline_len(text: &str) -> usize {
    let lead = text.len() - text.trim_start().len();
    let s = &text[lead..];
    // The place: capital letters, with single spaces, '-', '.' or '\'' inside; 2+ letters.
    let mut place_end = 0;
    let mut letters = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_uppercase() {
            letters += 1;
            place_end = i + c.len_utf8();
        } else if matches!(c, ' ' | '-' | '.' | '\'' | '’')
            && letters > 0
            && chars.peek().is_some_and(|&(_, n)| n.is_uppercase())
        {
            continue;
        } else {
            break;
        }
    }
    if letters < 2 {
        return 0;
    }
    let mut rest = &s[place_end..];
    // The place must end at a word boundary (not "MOSCOWs").
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return 0;
    }
    if let Some(r) = rest.strip_prefix(',') {
        // A short region or date, up to the agency or the dash.
        let stop = r.find(['(', '—', '–']).or_else(|| r.find(" -")).unwrap_or(r.len());
        if stop == 0
            || stop > 40
            || r[..stop].contains(['.', ',']) && r[..stop].split_whitespace().count() > 4
        {
            return 0;
        }
        rest = &r[stop..];
    }
    let trimmed = rest.trim_start();
    rest = trimmed;
    if let Some(r) = rest.strip_prefix('(') {
        let Some(close) = r.find(')') else { return 0 };
        if close == 0 || close > 30 {
            return 0;
        }
        rest = r[close + 1..].trim_start();
    }
    let after = ["—", "–", "--", "-"].iter().find_map(|d| rest.strip_prefix(d));
    match after {
        Some(r) if r.starts_with(char::is_whitespace) => {
            let r = r.trim_start();
            text.len() - r.len()
        }
        _ => 0,
    }
}

mod heads;

#[cfg(test)]
mod tests;
