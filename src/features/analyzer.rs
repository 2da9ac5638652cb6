//! Text to terms: tokens, aliases, stop words, stems, then word and character n-grams.
//!
//! Training and prediction share this code. Word n-grams are never built as strings on the
//! hot path: each stem maps to a `u32` id and an n-gram is the ids packed into one `u64` key.

use std::borrow::Cow;

use crate::features::about::{about_marker, AboutIds};
use crate::features::settings::FeatureSettings;
use crate::features::stopwords::is_stop_word;
use crate::text::ascii::AsciiClasses;
use crate::text::{
    dateline_len, Actor, Mention, MentionFinder, Probe, StemCache, Stemmer, Tokenizer,
};

/// Stem id of a stem that is not in the vocabulary: n-grams containing it are skipped.
pub const UNKNOWN_STEM: u32 = u32::MAX;

/// Bits of one stem id in an n-gram key: a key below `1 << ID_BITS` holds one stem.
pub(crate) const ID_BITS: u32 = 21;
/// Largest stem id an n-gram key can hold.
pub const MAX_STEM_ID: u32 = (1 << ID_BITS) - 2;

/// Packs the stem ids of one word n-gram (1 to 3 ids below [`MAX_STEM_ID`]) into a key.
pub fn ngram_key(ids: &[u32]) -> u64 {
    ids.iter().fold(0u64, |key, &id| (key << ID_BITS) | u64::from(id + 1))
}

/// The stem ids packed in an n-gram key, in order.
pub fn ngram_ids(mut key: u64) -> Vec<u32> {
    let mut ids = Vec::with_capacity(3);
    while key != 0 {
        ids.push((key & ((1 << ID_BITS) - 1)) as u32 - 1);
        key >>= ID_BITS;
    }
    ids.reverse();
    ids
}

/// Stem id the token cache keeps for a stop word (when the settings drop stop words).
const STOP_STEM: u32 = u32::MAX - 1;

/// The caller's token id of a token it has not given one yet (see [`Analyzer::analyze_tokens`]).
pub const NO_TOKEN_ID: u32 = u32::MAX;

/// What the token cache keeps for each distinct token: its stem id, and an id the caller of
/// [`Analyzer::analyze_tokens`] gives the token (its character n-grams' entry), so that one
/// hash lookup per token occurrence serves both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenEntry {
    /// Stem id ([`UNKNOWN_STEM`] when not in the vocabulary), or a stop word's marker.
    pub stem: u32,
    /// The caller's id for the token, or [`NO_TOKEN_ID`].
    pub token: u32,
}

/// Prefix of character n-gram terms, which word terms can never carry (tokens hold no `:`).
pub const CHAR_TERM_PREFIX: &str = "c:";

/// One term occurrence found by [`Analyzer::analyze`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    /// A word n-gram, as its packed stem-id key (see `ngram_key`).
    Word(u64),
    /// A character n-gram, without [`CHAR_TERM_PREFIX`].
    Char(&'a str),
}

/// Applies [`FeatureSettings`] to text.
#[derive(Debug)]
pub struct Analyzer {
    settings: FeatureSettings,
    stemmer: Option<Stemmer>,
    tokenizer: Tokenizer,
    /// Finds actor mentions (none when the settings have no actors).
    mentions: MentionFinder,
    /// Per actor, the placeholder its mentions become.
    placeholders: Vec<String>,
    /// Per actor, the marker stem of its "about" features (`about:NAME`; see
    /// [`FeatureSettings::about_features`]).
    markers: Vec<String>,
}

/// Reusable buffers for [`Analyzer::analyze`], one per thread.
#[derive(Debug)]
pub struct AnalyzerScratch {
    /// Token to stem id (and the caller's token id), so each distinct token is stemmed and
    /// looked up once.
    pub cache: StemCache<TokenEntry>,
    stems: Vec<u32>,
    /// With spans asked for, the byte range of each entry of `stems`.
    spans: Vec<(usize, usize)>,
    chars: String,
    /// The actor mentions of the text analyzed last (byte offsets in it).
    pub(crate) mentions: Vec<Mention>,
    /// The tokens of the text being analyzed, in order, and their normalized forms.
    queue: Vec<Queued>,
    queued: String,
    /// The byte classes of the (ASCII) text being analyzed.
    classes: AsciiClasses,
    /// A token being normalized.
    lowered: String,
}

impl Default for AnalyzerScratch {
    fn default() -> Self {
        AnalyzerScratch {
            cache: StemCache::with_capacity(1 << 18),
            stems: Vec::new(),
            spans: Vec::new(),
            chars: String::new(),
            mentions: Vec::new(),
            queue: Vec::new(),
            queued: String::new(),
            classes: AsciiClasses::default(),
            lowered: String::new(),
        }
    }
}

impl Analyzer {
    /// An analyzer for `settings` (assumed validated).
    pub fn new(settings: FeatureSettings) -> Self {
        let stemmer = settings.stemming.map(Stemmer::new);
        let mentions = MentionFinder::new(&settings.actors);
        let placeholders = settings.actors.iter().map(Actor::placeholder).collect();
        let markers = settings.actors.iter().map(|a| about_marker(&a.name)).collect();
        Analyzer { settings, stemmer, tokenizer: Tokenizer::new(), mentions, placeholders, markers }
    }

    /// The settings this analyzer applies.
    pub fn settings(&self) -> &FeatureSettings {
        &self.settings
    }

    /// The stem of a token after aliases, as a term would spell it.
    pub fn stem_of<'a>(&self, token: &'a str) -> Cow<'a, str> {
        let token = match self.settings.aliases.get(token) {
            Some(alias) => return Cow::Owned(alias.clone()),
            None => token,
        };
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(token),
            None => Cow::Borrowed(token),
        }
    }

    /// Analyzes `text`: `stem_id` maps a stem to its id (or `UNKNOWN_STEM`); `emit` receives
    /// every term occurrence, repeats included.
    pub fn analyze(
        &self,
        text: &str,
        scratch: &mut AnalyzerScratch,
        stem_id: &mut impl FnMut(&str) -> u32,
        emit: &mut impl FnMut(Term<'_>),
    ) {
        let mut chars = std::mem::take(&mut scratch.chars);
        let char_ngrams = self.settings.char_ngrams;
        let mut keys = Vec::new();
        self.analyze_tokens(text, scratch, stem_id, &mut |key| keys.push(key), &mut |token, _| {
            if let Some((lo, hi)) = char_ngrams {
                char_grams(token, lo, hi, &mut chars, &mut |g| emit(Term::Char(g)));
            }
        });
        for key in keys {
            emit(Term::Word(key));
        }
        scratch.chars = chars;
    }

    /// The building block of [`Analyzer::analyze`]: `word` receives the key of every word
    /// n-gram occurrence, after `token` has received every token (character n-grams, when the
    /// settings ask for them, are the caller's to form from the tokens, e.g. with
    /// `for_each_char_gram`). With each token, `token` gets the id slot the token cache keeps
    /// for it (`TokenEntry::token`): `NO_TOKEN_ID` until the caller sets it, and kept as
    /// long as the cache keeps the token (a caller whose ids start over clears the cache).
    pub fn analyze_tokens(
        &self,
        text: &str,
        scratch: &mut AnalyzerScratch,
        stem_id: &mut impl FnMut(&str) -> u32,
        word: &mut impl FnMut(u64),
        token: &mut impl FnMut(&str, &mut u32),
    ) {
        self.analyze_core::<false>(
            text,
            scratch,
            stem_id,
            &mut |key, _| word(key),
            &mut |t, id, _| token(t, id),
        );
    }

    /// As [`Analyzer::analyze_tokens`], with where each term comes from: `word` receives a word
    /// n-gram's key and the byte range in `text` from its first word to its last (for an
    /// actor's placeholder, the name as written), `token` a token and its byte range. For
    /// explanations; the scoring path does not track ranges.
    pub fn analyze_spans(
        &self,
        text: &str,
        scratch: &mut AnalyzerScratch,
        stem_id: &mut impl FnMut(&str) -> u32,
        word: &mut impl FnMut(u64, (usize, usize)),
        token: &mut impl FnMut(&str, (usize, usize)),
    ) {
        self.analyze_core::<true>(text, scratch, stem_id, word, &mut |t, _, span| token(t, span));
    }

    /// The analysis itself; with `SPANS`, the byte range of every stem is kept (in
    /// `scratch.spans`) and handed on. The sentence's tokens are found first, and the cache
    /// slots of all of them asked for, before the first is looked up: the lookups' cache
    /// misses overlap instead of following one another.
    #[inline(always)]
    fn analyze_core<const SPANS: bool>(
        &self,
        text: &str,
        scratch: &mut AnalyzerScratch,
        stem_id: &mut impl FnMut(&str) -> u32,
        word: &mut impl FnMut(u64, (usize, usize)),
        token: &mut impl FnMut(&str, &mut u32, (usize, usize)),
    ) {
        let mut mentions = std::mem::take(&mut scratch.mentions);
        let AnalyzerScratch { cache, stems, spans, queue, queued, classes, lowered, .. } = scratch;
        queue.clear();
        queued.clear();
        self.for_each_unit(text, &mut mentions, (classes, lowered), &mut |t, span, placeholder| {
            let probe = cache.probe(t);
            let start = queued.len();
            queued.push_str(t);
            queue.push(Queued { start, end: queued.len(), span, placeholder, probe });
        });
        scratch.mentions = mentions;
        stems.clear();
        if SPANS {
            spans.clear();
        }
        // Bit `a` set: the text mentions actor `a` (only with about features on).
        let mut about = 0u64;
        for q in queue.iter() {
            let t = &queued[q.start..q.end];
            if q.placeholder {
                let entry = cache.get_or_insert_probed_mut(t, q.probe, |p| TokenEntry {
                    stem: stem_id(p),
                    token: NO_TOKEN_ID,
                });
                stems.push(entry.stem);
                if SPANS {
                    spans.push(q.span);
                }
                if self.settings.about_features {
                    about |= self.placeholder_bit(t);
                }
            } else {
                let t = (t, q.probe);
                self.push_token::<SPANS>(t, q.span, stems, spans, cache, stem_id, token);
            }
        }
        let markers = self.about_markers(about, cache, stem_id);
        let (stems, spans) = (&scratch.stems, &scratch.spans);
        let (lo, hi) = self.settings.word_ngrams;
        for n in lo..=hi {
            for (i, window) in stems.windows(n).enumerate() {
                if !window.contains(&UNKNOWN_STEM) {
                    let span = if SPANS { (spans[i].0, spans[i + n - 1].1) } else { (0, 0) };
                    word(ngram_key(window), span);
                }
            }
        }
        if let Some((markers, placeholders)) = markers {
            for &marker in markers.as_slice() {
                for (i, &stem) in stems.iter().enumerate() {
                    if stem != UNKNOWN_STEM && !placeholders.contains(&stem) {
                        word(ngram_key(&[marker, stem]), if SPANS { spans[i] } else { (0, 0) });
                    }
                }
            }
        }
    }

    /// The bit of the actor whose placeholder is `placeholder` (0 if none).
    #[inline]
    fn placeholder_bit(&self, placeholder: &str) -> u64 {
        match self.placeholders.iter().position(|p| p == placeholder) {
            Some(a) if a < 64 => 1 << a,
            _ => 0,
        }
    }

    /// For the actors of the bits of `about`, the stem ids of their "about" markers that are
    /// known (at most one per actor), and the stem ids of every actor's placeholder (which get
    /// no "about" copy); `None` when there is nothing to add.
    #[inline]
    fn about_markers(
        &self,
        about: u64,
        cache: &mut StemCache<TokenEntry>,
        stem_id: &mut impl FnMut(&str) -> u32,
    ) -> Option<(AboutIds, AboutIds)> {
        if about == 0 {
            return None;
        }
        let mut markers = AboutIds::default();
        for (a, marker) in self.markers.iter().enumerate().take(64) {
            if about & (1 << a) != 0 {
                let id = cache
                    .get_or_insert_mut(marker, |m| TokenEntry {
                        stem: stem_id(m),
                        token: NO_TOKEN_ID,
                    })
                    .stem;
                if id != UNKNOWN_STEM {
                    markers.push(id);
                }
            }
        }
        if markers.is_empty() {
            return None;
        }
        let mut placeholders = AboutIds::default();
        for p in &self.placeholders {
            let id = cache
                .get_or_insert_mut(p, |p| TokenEntry { stem: stem_id(p), token: NO_TOKEN_ID })
                .stem;
            placeholders.push(id);
        }
        Some((markers, placeholders))
    }

    /// Calls `unit` with every token of `text` and its byte range, in order, and with the
    /// placeholder of each actor mention (flagged `true`) in its place: the text around
    /// mentions is tokenized as usual, a mention becomes its actor's placeholder (with no
    /// character n-grams), a dateline is not read. `mentions` receives the mentions found. An
    /// ASCII text's byte classes are found once, into `words.0`, for both the mention search
    /// and the tokenizer.
    #[inline(always)]
    fn for_each_unit(
        &self,
        text: &str,
        mentions: &mut Vec<Mention>,
        words: (&mut AsciiClasses, &mut String),
        unit: &mut impl FnMut(&str, (usize, usize), bool),
    ) {
        let (classes, buf) = words;
        let ascii = text.is_ascii();
        if ascii {
            classes.fill(text.as_bytes());
        }
        let classes = ascii.then_some(&*classes);
        if self.mentions.is_empty() {
            self.tokens_in(text, classes, (0, text.len()), buf, unit);
            return;
        }
        match classes {
            Some(c) => self.mentions.find_into_ascii(text, &c.alnum, mentions),
            None => self.mentions.find_into(text, mentions),
        }
        let mut pos = dateline_len(text);
        for m in mentions.iter().filter(|m| !m.keep_words) {
            // "the" before a name is part of the name ("the Kremlin" reads as "Putin").
            let before = &text[pos..m.start];
            let trimmed = before.trim_end();
            let mut end = m.start;
            if trimmed.len() >= 3
                && trimmed[trimmed.len() - 3..].eq_ignore_ascii_case("the")
                && !trimmed[..trimmed.len() - 3].ends_with(char::is_alphanumeric)
            {
                end = pos + trimmed.len() - 3;
            }
            self.tokens_in(text, classes, (pos, end), buf, unit);
            unit(&self.placeholders[m.actor], (m.start, m.end), true);
            pos = m.end;
            // The possessive of a name ("Assad's") adds no token of its own.
            let rest = &text[pos..];
            for apostrophe in ['\'', '’'] {
                if let Some(r) = rest.strip_prefix(apostrophe).and_then(|r| r.strip_prefix('s')) {
                    if !r.starts_with(char::is_alphanumeric) {
                        pos = text.len() - r.len();
                    }
                }
            }
        }
        self.tokens_in(text, classes, (pos, text.len()), buf, unit);
    }

    /// Calls `unit` with every token of `text[from..to]` and its byte range in `text`;
    /// `classes` are those of an ASCII `text`.
    #[inline(always)]
    fn tokens_in(
        &self,
        text: &str,
        classes: Option<&AsciiClasses>,
        (from, to): (usize, usize),
        buf: &mut String,
        unit: &mut impl FnMut(&str, (usize, usize), bool),
    ) {
        match classes {
            Some(c) => {
                self.tokenizer.for_each_ascii_token_span(text, c, (from, to), buf, |t, s, e| {
                    unit(t, (s, e), false)
                })
            }
            None => self.tokenizer.for_each_token_span(&text[from..to], |t, s, e| {
                unit(t, (from + s, from + e), false)
            }),
        }
    }
}

/// A token (or a mention's placeholder) of the text being analyzed, waiting for its cache
/// lookup: its normalized form is `queued[start..end]` of [`AnalyzerScratch`].
#[derive(Debug, Clone, Copy)]
struct Queued {
    start: usize,
    end: usize,
    /// Byte range in the text.
    span: (usize, usize),
    placeholder: bool,
    /// Where its cache lookup goes (found when its slot was prefetched).
    probe: Probe,
}

impl Analyzer {
    /// One ordinary token (with its cache probe): handed to `token`, then (unless a stop word)
    /// its stem id appended (and, with `SPANS`, its byte range). Stop words are cached too (as
    /// [`STOP_STEM`]), so a token costs one cache lookup whatever it is.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn push_token<const SPANS: bool>(
        &self,
        (t, probe): (&str, Probe),
        span: (usize, usize),
        stems: &mut Vec<u32>,
        spans: &mut Vec<(usize, usize)>,
        cache: &mut StemCache<TokenEntry>,
        stem_id: &mut impl FnMut(&str) -> u32,
        token: &mut impl FnMut(&str, &mut u32, (usize, usize)),
    ) {
        let entry = cache.get_or_insert_probed_mut(t, probe, |t| TokenEntry {
            stem: if self.settings.stop_words && is_stop_word(t) {
                STOP_STEM
            } else {
                stem_id(&self.stem_of(t))
            },
            token: NO_TOKEN_ID,
        });
        token(t, &mut entry.token, span);
        if entry.stem == STOP_STEM {
            return;
        }
        stems.push(entry.stem);
        if SPANS {
            spans.push(span);
        }
    }
}

/// Calls `f` with every character n-gram of `token` of `lo` to `hi` characters, the token
/// padded with a space on each side (scikit-learn's `char_wb`); `buf` is scratch space.
pub fn for_each_char_gram(
    token: &str,
    lo: usize,
    hi: usize,
    buf: &mut String,
    f: &mut impl FnMut(&str),
) {
    char_grams(token, lo, hi, buf, f)
}

fn char_grams(token: &str, lo: usize, hi: usize, buf: &mut String, f: &mut impl FnMut(&str)) {
    buf.clear();
    buf.push(' ');
    buf.push_str(token);
    buf.push(' ');
    let padded = buf.as_str();
    // Character boundaries of the padded token; tokens are short, so a fixed array usually
    // holds them (no allocation per token).
    let mut fixed = [0usize; 64];
    let mut spilled = Vec::new();
    let bounds: &[usize] = if padded.len() < fixed.len() {
        let mut n = 0;
        for (i, _) in padded.char_indices() {
            fixed[n] = i;
            n += 1;
        }
        fixed[n] = padded.len();
        &fixed[..=n]
    } else {
        spilled.extend(padded.char_indices().map(|(i, _)| i).chain([padded.len()]));
        &spilled
    };
    let n_chars = bounds.len() - 1;
    for n in lo..=hi.min(n_chars) {
        for start in 0..=n_chars - n {
            f(&padded[bounds[start]..bounds[start + n]]);
        }
    }
}

#[cfg(test)]
mod tests;
