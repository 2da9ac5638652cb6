//! The fitted TF-IDF vocabulary and the fast index that vectorizes text at prediction time.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::features::about::ABOUT_PREFIX;
use crate::features::analyzer::{
    for_each_char_gram, ngram_key, Analyzer, AnalyzerScratch, CHAR_TERM_PREFIX, ID_BITS,
    NO_TOKEN_ID, UNKNOWN_STEM,
};
use crate::features::settings::FeatureSettings;
use crate::features::sparse::SparseRow;

mod corpus;
mod lookup;

pub use corpus::AnalyzedCorpus;

use lookup::{AboutTable, CharCache, NgramTable, CHAR_CACHE_ENTRIES, RESOLVED};

/// Terms and their inverse document frequencies.
///
/// A word term is its stems joined by one space ("rebel bomb"); a character n-gram term starts
/// with [`CHAR_TERM_PREFIX`]. The word terms come first, sorted, then the character n-gram
/// terms, sorted: the two blocks of every row, each normalized on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Terms in feature order.
    pub terms: Vec<String>,
    /// Smoothed idf per term: `ln((1 + n) / (1 + df)) + 1`.
    pub idf: Vec<f64>,
}

impl Vocabulary {
    /// Number of features.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when there are no features.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Index of the first character n-gram feature (the number of word features).
    pub fn char_start(&self) -> usize {
        self.terms.partition_point(|t| !is_char_term(t))
    }
}

/// Whether a term is a character n-gram (word terms never hold a `:`).
pub fn is_char_term(term: &str) -> bool {
    term.starts_with(CHAR_TERM_PREFIX)
}

/// Vectorizes text against a fitted [`Vocabulary`], without building term strings.
#[derive(Debug)]
pub struct FeatureIndex {
    analyzer: Analyzer,
    idf: Vec<f64>,
    char_start: usize,
    stem_ids: FxHashMap<Box<str>, u32>,
    /// Per stem id, the feature of the one-stem n-gram (or [`NO_FEATURE`]): an array read
    /// instead of a hash lookup, since the stem ids are this index's own and dense.
    unigrams: Vec<u32>,
    /// The n-grams of two or more stems.
    ngrams: NgramTable,
    /// The "about" features again (they are in `ngrams` too), read from arrays.
    about: AboutTable,
    chars: FxHashMap<Box<str>, u32>,
}

/// Marks a stem whose one-stem n-gram is not a feature.
const NO_FEATURE: u32 = u32::MAX;

impl FeatureIndex {
    /// Builds the index for a vocabulary fitted with `settings`.
    pub fn new(settings: FeatureSettings, vocabulary: &Vocabulary) -> Self {
        let mut stem_ids: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut unigrams: Vec<u32> = Vec::new();
        let mut ngrams: Vec<(u64, u32)> = Vec::new();
        let mut chars = FxHashMap::default();
        let mut about_pairs = Vec::new();
        for (feature, term) in vocabulary.terms.iter().enumerate() {
            if let Some(gram) = term.strip_prefix(CHAR_TERM_PREFIX) {
                chars.insert(gram.into(), feature as u32);
                continue;
            }
            let ids: Vec<u32> = term
                .split(' ')
                .map(|stem| {
                    let next = stem_ids.len() as u32;
                    *stem_ids.entry(stem.into()).or_insert(next)
                })
                .collect();
            if let [id] = ids[..] {
                if unigrams.len() <= id as usize {
                    unigrams.resize(id as usize + 1, NO_FEATURE);
                }
                unigrams[id as usize] = feature as u32;
            } else {
                ngrams.push((ngram_key(&ids), feature as u32));
                if let (&[marker, stem], true) = (&ids[..], term.starts_with(ABOUT_PREFIX)) {
                    about_pairs.push(((marker, stem), feature as u32));
                }
            }
        }
        unigrams.resize(stem_ids.len(), NO_FEATURE);
        let mut about = AboutTable::default();
        for (pair, feature) in about_pairs {
            about.insert(pair, feature, stem_ids.len());
        }
        FeatureIndex {
            analyzer: Analyzer::new(settings),
            idf: vocabulary.idf.clone(),
            char_start: vocabulary.char_start(),
            stem_ids,
            unigrams,
            ngrams: NgramTable::new(&ngrams),
            about,
            chars,
        }
    }

    /// Renumbers the features so that, within the word block and within the character block,
    /// the most frequent (lowest idf) come first: the weights a scorer reads for most
    /// occurrences then sit together in cache. Returns the new number of each old feature;
    /// rows from this index use the new numbers.
    pub fn renumber_hot_first(&mut self) -> Vec<u32> {
        let n = self.idf.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        let block = |f: u32| (f as usize) >= self.char_start;
        order.sort_by(|&a, &b| {
            (block(a), self.idf[a as usize])
                .partial_cmp(&(block(b), self.idf[b as usize]))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.cmp(&b))
        });
        let mut position = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            position[old as usize] = new as u32;
        }
        self.idf = order.iter().map(|&old| self.idf[old as usize]).collect();
        self.unigrams.iter_mut().filter(|f| **f != NO_FEATURE).for_each(|f| {
            *f = position[*f as usize];
        });
        self.ngrams.features_mut().for_each(|f| *f = position[*f as usize]);
        self.about.features_mut().for_each(|f| *f = position[*f as usize]);
        self.chars.values_mut().for_each(|f| *f = position[*f as usize]);
        position
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.idf.len()
    }

    /// The feature of a word n-gram key, if any.
    #[inline]
    fn word_feature(&self, key: u64) -> Option<u32> {
        if key < 1 << ID_BITS {
            // One stem: the key is its id + 1 (see `ngram_key`).
            match self.unigrams.get(key as usize - 1) {
                Some(&f) if f != NO_FEATURE => Some(f),
                _ => None,
            }
        } else {
            self.ngrams.get(key)
        }
    }

    /// True when there are no features.
    pub fn is_empty(&self) -> bool {
        self.idf.is_empty()
    }

    /// The L2-normalized TF-IDF row of `text`, written into `row`.
    pub fn transform_into(&self, text: &str, scratch: &mut VectorizerScratch, row: &mut SparseRow) {
        self.feature_hits(text, scratch);
        let sublinear = self.analyzer.settings().sublinear_tf;
        row.fill_from_feature_hits(&mut scratch.hits, &self.idf, sublinear, self.char_start);
    }

    /// Like [`FeatureIndex::transform_into`], but the row's indices are left in the order of
    /// their first occurrence instead of sorted (see
    /// [`SparseRow::fill_from_feature_hits_unordered`]): enough for a dot product, and faster.
    pub fn transform_unordered_into(
        &self,
        text: &str,
        scratch: &mut VectorizerScratch,
        row: &mut SparseRow,
    ) {
        self.feature_hits(text, scratch);
        let sublinear = self.analyzer.settings().sublinear_tf;
        let VectorizerScratch { hits, counts, .. } = scratch;
        row.fill_from_feature_hits_unordered(hits, &self.idf, sublinear, self.char_start, counts);
    }

    /// Analyzes `text` into `scratch.hits`: one feature index per term occurrence. The
    /// character n-gram features of each distinct token are looked up once and kept in the
    /// scratch's token cache, so a token seen before costs one hash lookup, not one per n-gram.
    fn feature_hits(&self, text: &str, scratch: &mut VectorizerScratch) {
        let VectorizerScratch { analyzer, hits, char_cache, .. } = scratch;
        let mut word_hits = std::mem::take(&mut char_cache.word_hits);
        let mut tokens = std::mem::take(&mut char_cache.tokens);
        self.analyze_into(text, analyzer, char_cache, (&mut word_hits, &mut tokens), |_| {});
        self.resolve_ngrams(char_cache, &mut word_hits);
        hits.clear();
        for &t in &tokens {
            hits.extend_from_slice(char_cache.of(t));
        }
        hits.extend_from_slice(&word_hits);
        char_cache.word_hits = word_hits;
        char_cache.tokens = tokens;
    }

    /// Analyzes `text`: the word features of its n-grams go to `word_hits`, one per
    /// occurrence (in the analyzer's order: all one-stem n-grams, then the longer ones), and,
    /// when the settings have character n-grams, the token-cache id of every token occurrence
    /// to `tokens`. The token-cache id is kept in the analyzer's stem cache next to the stem,
    /// so a token seen before costs one hash lookup for both. `on_token` is called with each
    /// token-cache id as it comes (to ask early for what the caller keeps by id), and the
    /// token's range of features is asked for then too. The features of the longer n-grams
    /// are not looked up yet: their table slots are asked for, and
    /// [`FeatureIndex::resolve_ngrams`] appends them to `word_hits`.
    #[inline(always)]
    fn analyze_into(
        &self,
        text: &str,
        analyzer: &mut AnalyzerScratch,
        char_cache: &mut CharCache,
        (word_hits, tokens): (&mut Vec<u32>, &mut Vec<u32>),
        mut on_token: impl FnMut(u32),
    ) {
        word_hits.clear();
        tokens.clear();
        if char_cache.arena.len() > CHAR_CACHE_ENTRIES {
            // The stem cache holds token-cache ids: both start over.
            char_cache.clear();
            analyzer.cache.clear();
        }
        let stem_ids = &self.stem_ids;
        let unigrams = &self.unigrams;
        let char_ngrams = self.analyzer.settings().char_ngrams;
        let mut keys = std::mem::take(&mut char_cache.keys);
        keys.clear();
        self.analyzer.analyze_tokens(
            text,
            analyzer,
            &mut |stem| stem_ids.get(stem).copied().unwrap_or(UNKNOWN_STEM),
            &mut |key| {
                if key < 1 << ID_BITS {
                    let f = unigrams[key as usize - 1];
                    if f != NO_FEATURE {
                        word_hits.push(f);
                    }
                } else if let Some(f) = self.about.get(key) {
                    keys.push(RESOLVED | u64::from(f));
                } else {
                    self.ngrams.prefetch(key);
                    keys.push(key);
                }
            },
            &mut |token, id| {
                if let Some((lo, hi)) = char_ngrams {
                    if *id == NO_TOKEN_ID {
                        *id = char_cache.id(token, lo, hi, &self.chars);
                    }
                    tokens.push(*id);
                    if let Some(range) = char_cache.ranges.get(*id as usize) {
                        crate::util::prefetch(std::slice::from_ref(range));
                    }
                    on_token(*id);
                }
            },
        );
        char_cache.keys = keys;
    }

    /// Appends to `word_hits` the features of the longer n-grams of the text analyzed last by
    /// [`FeatureIndex::analyze_into`]: they come after every one-stem n-gram, and their table
    /// slots, asked for as the keys came, are read now.
    #[inline(always)]
    fn resolve_ngrams(&self, char_cache: &CharCache, word_hits: &mut Vec<u32>) {
        word_hits.extend(char_cache.keys.iter().filter_map(|&key| {
            if key & RESOLVED == 0 {
                self.ngrams.get(key)
            } else {
                Some(key as u32).filter(|&f| f != AboutTable::NONE)
            }
        }));
    }

    /// Index of the first character n-gram feature (the number of word features).
    pub fn char_start(&self) -> usize {
        self.char_start
    }

    /// A finder of the actor mentions named in the settings (empty when there are none).
    pub fn mentions(&self) -> crate::text::MentionFinder {
        crate::text::MentionFinder::new(&self.analyzer.settings().actors)
    }

    /// The inverse document frequencies, by feature.
    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// Whether tf is `1 + ln(count)` rather than the count.
    pub fn sublinear_tf(&self) -> bool {
        self.analyzer.settings().sublinear_tf
    }

    /// For scorers that handle character n-grams token by token: analyzes `text` into its
    /// word features, one per occurrence ([`VectorizerScratch::word_hits`]: the one-stem
    /// n-grams' now, the longer ones' after [`FeatureIndex::resolve_word_hits`]), and, in
    /// `tokens`, the id of every token occurrence (see [`FeatureIndex::token_features`]);
    /// `on_token` is called with each id as it is found. Returns the token cache's
    /// generation: ids of different generations name different tokens. The longer n-grams'
    /// table slots are asked for during the analysis: the later their lookup, the likelier
    /// they are in cache by then.
    #[inline(always)]
    pub fn analyze_by_token(
        &self,
        text: &str,
        scratch: &mut VectorizerScratch,
        tokens: &mut Vec<u32>,
        on_token: impl FnMut(u32),
    ) -> u64 {
        let VectorizerScratch { analyzer, hits, char_cache, .. } = scratch;
        self.analyze_into(text, analyzer, char_cache, (hits, tokens), on_token);
        char_cache.generation
    }

    /// Completes [`VectorizerScratch::word_hits`] after [`FeatureIndex::analyze_by_token`]:
    /// the features of the n-grams of more than one stem are appended.
    #[inline(always)]
    pub fn resolve_word_hits(&self, scratch: &mut VectorizerScratch) {
        let VectorizerScratch { hits, char_cache, .. } = scratch;
        self.resolve_ngrams(char_cache, hits);
    }

    /// Analyzes `text` into every feature occurrence, the character n-grams' first
    /// ([`VectorizerScratch::word_hits`] then holds them all).
    pub(crate) fn find_hits(&self, text: &str, scratch: &mut VectorizerScratch) {
        self.feature_hits(text, scratch);
    }

    /// Prefetches where [`FeatureIndex::token_features`] of `id` reads its range.
    #[inline]
    pub fn prefetch_token_features(&self, scratch: &VectorizerScratch, id: u32) {
        if let Some(range) = scratch.char_cache.ranges.get(id as usize) {
            crate::util::prefetch(std::slice::from_ref(range));
        }
    }

    /// The character n-gram features of a token id from [`FeatureIndex::analyze_by_token`],
    /// one per occurrence.
    pub fn token_features<'s>(&self, scratch: &'s VectorizerScratch, id: u32) -> &'s [u32] {
        scratch.char_cache.of(id)
    }

    /// Every feature occurrence in `text`, one per term occurrence (the hits its row is made
    /// of), each with the byte range of `text` it comes from: a word n-gram, the words it
    /// spans (for an actor's placeholder, the name as written); a character n-gram, the word
    /// it is part of. For explanations: slower than [`FeatureIndex::transform_into`].
    pub fn occurrences(&self, text: &str, scratch: &mut VectorizerScratch) -> Vec<Occurrence> {
        let mut out = Vec::new();
        let mut words_out = Vec::new();
        let mut buf = String::new();
        let stem_ids = &self.stem_ids;
        let char_ngrams = self.analyzer.settings().char_ngrams;
        self.analyzer.analyze_spans(
            text,
            &mut scratch.analyzer,
            &mut |stem| stem_ids.get(stem).copied().unwrap_or(UNKNOWN_STEM),
            &mut |key, (start, end)| {
                if let Some(feature) = self.word_feature(key) {
                    words_out.push(Occurrence { feature, start, end });
                }
            },
            &mut |token, (start, end)| {
                if let Some((lo, hi)) = char_ngrams {
                    for_each_char_gram(token, lo, hi, &mut buf, &mut |g| {
                        if let Some(&feature) = self.chars.get(g) {
                            out.push(Occurrence { feature, start, end });
                        }
                    });
                }
            },
        );
        out.append(&mut words_out);
        out
    }

    /// The TF-IDF row of `text` (allocating; see [`FeatureIndex::transform_into`]).
    pub fn transform(&self, text: &str) -> SparseRow {
        let mut row = SparseRow::default();
        self.transform_into(text, &mut VectorizerScratch::default(), &mut row);
        row
    }
}

/// One term occurrence in a text (see [`FeatureIndex::occurrences`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// The feature.
    pub feature: u32,
    /// Byte offset in the text of the first character it comes from.
    pub start: usize,
    /// Byte offset just past the last.
    pub end: usize,
}

/// Per-thread buffers for [`FeatureIndex::transform_into`].
#[derive(Debug, Default)]
pub struct VectorizerScratch {
    analyzer: AnalyzerScratch,
    hits: Vec<u32>,
    counts: Vec<u32>,
    char_cache: CharCache,
}

impl VectorizerScratch {
    /// The word features of the text analyzed last by [`FeatureIndex::analyze_by_token`], one
    /// per occurrence (all its features after `FeatureIndex::find_hits`).
    pub fn word_hits(&self) -> &[u32] {
        &self.hits
    }

    /// The actor mentions found in the text analyzed last (empty when the settings have no
    /// actors), byte offsets in that text.
    pub fn mentions(&self) -> &[crate::text::Mention] {
        &self.analyzer.mentions
    }
}

#[cfg(test)]
mod tests;
