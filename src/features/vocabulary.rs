//! The fitted TF-IDF vocabulary and the fast index that vectorizes text at prediction time.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::features::analyzer::{
    for_each_char_gram, ngram_ids, ngram_key, Analyzer, AnalyzerScratch, Term, CHAR_TERM_PREFIX,
    ID_BITS, MAX_STEM_ID, NO_TOKEN_ID, UNKNOWN_STEM,
};
use crate::features::settings::FeatureSettings;
use crate::features::sparse::SparseRow;

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

/// Documents analyzed into term ids over a corpus-wide term table, so that vocabularies for any
/// subset of documents (cross-validation folds) are fitted without analyzing text again.
#[derive(Debug, Default)]
pub struct AnalyzedCorpus {
    /// Every term seen, by term id.
    pub term_names: Vec<String>,
    /// Per document, the term id of each occurrence.
    pub docs: Vec<Vec<u32>>,
}

impl AnalyzedCorpus {
    /// Analyzes every text.
    pub fn analyze<'a>(analyzer: &Analyzer, texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut stems: Vec<String> = Vec::new();
        let mut stem_ids: FxHashMap<String, u32> = FxHashMap::default();
        let mut word_terms: FxHashMap<u64, u32> = FxHashMap::default();
        // Character n-grams get an index of their own as they are seen (no string is built
        // for a gram seen before), and a corpus term id when their document is stored.
        let mut char_index: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut char_names: Vec<Box<str>> = Vec::new();
        let mut char_term: Vec<u32> = Vec::new();
        let mut corpus = AnalyzedCorpus::default();
        let mut scratch = AnalyzerScratch::default();
        for text in texts {
            let mut doc = Vec::new();
            let mut word_keys = Vec::new();
            let mut char_list: Vec<u32> = Vec::new();
            analyzer.analyze(
                text,
                &mut scratch,
                &mut |stem| {
                    if let Some(&id) = stem_ids.get(stem) {
                        return id;
                    }
                    if stems.len() as u32 > MAX_STEM_ID {
                        return UNKNOWN_STEM;
                    }
                    stems.push(stem.to_string());
                    stem_ids.insert(stem.to_string(), stems.len() as u32 - 1);
                    stems.len() as u32 - 1
                },
                &mut |term| match term {
                    Term::Word(key) => word_keys.push(key),
                    Term::Char(gram) => char_list.push(match char_index.get(gram) {
                        Some(&c) => c,
                        None => {
                            let c = char_names.len() as u32;
                            char_names.push(gram.into());
                            char_term.push(u32::MAX);
                            char_index.insert(gram.into(), c);
                            c
                        }
                    }),
                },
            );
            for key in word_keys {
                let next = corpus.term_names.len() as u32;
                let id = *word_terms.entry(key).or_insert_with(|| {
                    let name: Vec<&str> =
                        ngram_ids(key).iter().map(|&i| stems[i as usize].as_str()).collect();
                    corpus.term_names.push(name.join(" "));
                    next
                });
                doc.push(id);
            }
            for c in char_list {
                let id = &mut char_term[c as usize];
                if *id == u32::MAX {
                    *id = corpus.term_names.len() as u32;
                    corpus.term_names.push(format!("{CHAR_TERM_PREFIX}{}", char_names[c as usize]));
                }
                doc.push(*id);
            }
            corpus.docs.push(doc);
        }
        corpus
    }

    /// Fits a vocabulary on the documents `rows` (indices into `docs`): document frequencies,
    /// `min_df`/`max_df` filtering, the `max_features` most frequent terms, smoothed idf.
    /// Returns the vocabulary and, per corpus term id, its feature index (or `u32::MAX`).
    pub fn fit_vocabulary(
        &self,
        settings: &FeatureSettings,
        rows: &[usize],
    ) -> (Vocabulary, Vec<u32>) {
        let n_terms = self.term_names.len();
        let mut df = vec![0u32; n_terms];
        let mut tf = vec![0u64; n_terms];
        let mut seen = vec![u32::MAX; n_terms];
        for (pos, &r) in rows.iter().enumerate() {
            for &t in &self.docs[r] {
                tf[t as usize] += 1;
                if seen[t as usize] != pos as u32 {
                    seen[t as usize] = pos as u32;
                    df[t as usize] += 1;
                }
            }
        }
        let n_docs = rows.len();
        let max_df = (settings.max_df * n_docs as f64).floor() as u32;
        let mut kept: Vec<u32> = (0..n_terms as u32)
            .filter(|&t| {
                let d = df[t as usize];
                d > 0 && d as usize >= settings.min_df && d <= max_df.max(1)
            })
            .collect();
        let name = |t: u32| self.term_names[t as usize].as_str();
        // Word terms first, then character n-grams; each block sorted by term.
        kept.sort_by(|&a, &b| {
            (is_char_term(name(a)), name(a)).cmp(&(is_char_term(name(b)), name(b)))
        });
        if let Some(cap) = settings.max_features {
            // Each block keeps its `cap` most frequent terms; ties broken by the term itself so
            // the cut is reproducible.
            let split = kept.partition_point(|&t| !is_char_term(name(t)));
            let mut chars = kept.split_off(split);
            for block in [&mut kept, &mut chars] {
                if block.len() > cap {
                    block.sort_by(|&a, &b| {
                        tf[b as usize].cmp(&tf[a as usize]).then_with(|| name(a).cmp(name(b)))
                    });
                    block.truncate(cap);
                    block.sort_by(|&a, &b| name(a).cmp(name(b)));
                }
            }
            kept.append(&mut chars);
        }
        let mut feature_of = vec![u32::MAX; n_terms];
        let mut terms = Vec::with_capacity(kept.len());
        let mut idf = Vec::with_capacity(kept.len());
        for (feature, &t) in kept.iter().enumerate() {
            feature_of[t as usize] = feature as u32;
            terms.push(self.term_names[t as usize].clone());
            idf.push(((1.0 + n_docs as f64) / (1.0 + f64::from(df[t as usize]))).ln() + 1.0);
        }
        (Vocabulary { terms, idf }, feature_of)
    }

    /// The TF-IDF row of document `doc` under a fitted vocabulary (`feature_of` from
    /// [`AnalyzedCorpus::fit_vocabulary`]).
    pub fn row(
        &self,
        doc: usize,
        vocabulary: &Vocabulary,
        feature_of: &[u32],
        sublinear_tf: bool,
    ) -> SparseRow {
        let mut features: Vec<u32> = self.docs[doc]
            .iter()
            .map(|&t| feature_of[t as usize])
            .filter(|&f| f != u32::MAX)
            .collect();
        SparseRow::from_feature_hits(
            &mut features,
            &vocabulary.idf,
            sublinear_tf,
            vocabulary.char_start(),
        )
    }
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
    chars: FxHashMap<Box<str>, u32>,
}

/// Marks a stem whose one-stem n-gram is not a feature.
const NO_FEATURE: u32 = u32::MAX;

/// Word n-gram keys of two or more stems -> feature, frozen at load: open addressing with
/// linear probing, at most half full, key and feature side by side in one slot so that a probe
/// touches one cache line. [`FeatureIndex`] hashes all keys of a text and prefetches their
/// slots before comparing the first, so that the cache misses of one sentence overlap instead
/// of following one another (a hash map lookup per key, each missing the cache, was the
/// largest cost of vectorizing).
#[derive(Debug)]
struct NgramTable {
    slots: Vec<(u64, u32)>,
    shift: u32,
}

impl NgramTable {
    fn new(entries: &[(u64, u32)]) -> Self {
        let bits = (entries.len() * 2).next_power_of_two().max(2).trailing_zeros();
        let mut table = NgramTable { slots: vec![(0, 0); 1 << bits], shift: 64 - bits };
        for &(key, feature) in entries {
            debug_assert_ne!(key, 0, "n-gram keys are never 0");
            let mut i = table.home(key);
            while table.slots[i].0 != 0 {
                i = (i + 1) & (table.slots.len() - 1);
            }
            table.slots[i] = (key, feature);
        }
        table
    }

    /// The slot where the probe for `key` starts.
    #[inline]
    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Asks the CPU to bring the slot where the probe for `key` starts into cache.
    #[inline]
    fn prefetch(&self, key: u64) {
        crate::util::prefetch(std::slice::from_ref(&self.slots[self.home(key)]));
    }

    #[inline]
    fn get(&self, key: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, feature) = self.slots[i];
            if k == key {
                return Some(feature);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    fn features_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        self.slots.iter_mut().filter(|(k, _)| *k != 0).map(|(_, f)| f)
    }
}

impl FeatureIndex {
    /// Builds the index for a vocabulary fitted with `settings`.
    pub fn new(settings: FeatureSettings, vocabulary: &Vocabulary) -> Self {
        let mut stem_ids: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut unigrams: Vec<u32> = Vec::new();
        let mut ngrams: Vec<(u64, u32)> = Vec::new();
        let mut chars = FxHashMap::default();
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
            }
        }
        unigrams.resize(stem_ids.len(), NO_FEATURE);
        FeatureIndex {
            analyzer: Analyzer::new(settings),
            idf: vocabulary.idf.clone(),
            char_start: vocabulary.char_start(),
            stem_ids,
            unigrams,
            ngrams: NgramTable::new(&ngrams),
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
        self.analyze_into(text, analyzer, char_cache, &mut word_hits, &mut tokens);
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
    /// so a token seen before costs one hash lookup for both.
    fn analyze_into(
        &self,
        text: &str,
        analyzer: &mut AnalyzerScratch,
        char_cache: &mut CharCache,
        word_hits: &mut Vec<u32>,
        tokens: &mut Vec<u32>,
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
                }
            },
        );
        // The longer n-grams come after every one-stem n-gram: their slots were prefetched as
        // the keys came, and are read now.
        word_hits.extend(keys.iter().filter_map(|&key| self.ngrams.get(key)));
        char_cache.keys = keys;
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

    /// For scorers that handle character n-grams token by token: analyzes `text` into the word
    /// block's L2-normalized entries (`row`) and, in `tokens`, the id of every token occurrence
    /// (see [`FeatureIndex::token_features`]). Returns the token cache's generation: ids of
    /// different generations name different tokens.
    pub fn analyze_by_token(
        &self,
        text: &str,
        scratch: &mut VectorizerScratch,
        row: &mut SparseRow,
        tokens: &mut Vec<u32>,
    ) -> u64 {
        let VectorizerScratch { analyzer, hits, counts, char_cache } = scratch;
        self.analyze_into(text, analyzer, char_cache, hits, tokens);
        let sublinear = self.analyzer.settings().sublinear_tf;
        row.fill_from_feature_hits_unordered(hits, &self.idf, sublinear, self.char_start, counts);
        char_cache.generation
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
    /// The actor mentions found in the text analyzed last (empty when the settings have no
    /// actors), byte offsets in that text.
    pub fn mentions(&self) -> &[crate::text::Mention] {
        &self.analyzer.mentions
    }
}

/// Entries of the token -> character-features cache (all tokens' features together) above
/// which it starts over, bounding its memory (about 4 bytes an entry plus the keys).
const CHAR_CACHE_ENTRIES: usize = 1 << 22;

/// Each distinct token's character n-gram features, found once per thread.
#[derive(Debug, Default)]
struct CharCache {
    /// Token -> its id (index into `ranges`).
    spans: FxHashMap<Box<str>, u32>,
    /// Per token id, its range of `arena`.
    ranges: Vec<(u32, u32)>,
    arena: Vec<u32>,
    /// Token ids of the text being analyzed.
    tokens: Vec<u32>,
    /// Counts the clears, so that caches keyed by token id know when ids start over.
    generation: u64,
    chars: String,
    word_hits: Vec<u32>,
    /// Word n-gram keys of more than one stem of the text being analyzed.
    keys: Vec<u64>,
}

impl CharCache {
    fn clear(&mut self) {
        self.spans.clear();
        self.ranges.clear();
        self.arena.clear();
        self.generation += 1;
    }

    /// The character features of the token with id `id`.
    fn of(&self, id: u32) -> &[u32] {
        let (start, end) = self.ranges[id as usize];
        &self.arena[start as usize..end as usize]
    }

    /// The id of `token`; on its first sight, its character n-grams (of `lo` to `hi`
    /// characters) found in `chars` are stored, one feature per occurrence, in n-gram order.
    fn id(&mut self, token: &str, lo: usize, hi: usize, chars: &FxHashMap<Box<str>, u32>) -> u32 {
        if let Some(&id) = self.spans.get(token) {
            return id;
        }
        let start = self.arena.len() as u32;
        let arena = &mut self.arena;
        for_each_char_gram(token, lo, hi, &mut self.chars, &mut |g| {
            if let Some(&f) = chars.get(g) {
                arena.push(f);
            }
        });
        let id = self.ranges.len() as u32;
        self.ranges.push((start, self.arena.len() as u32));
        self.spans.insert(token.into(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(texts: &[&str], settings: &FeatureSettings) -> AnalyzedCorpus {
        AnalyzedCorpus::analyze(&Analyzer::new(settings.clone()), texts.iter().copied())
    }

    #[test]
    fn vocabulary_is_sorted_with_smoothed_idf() {
        let s = FeatureSettings { min_df: 1, word_ngrams: (1, 1), ..Default::default() };
        let c = corpus(&["army shells town", "army retakes town", "rebels shell army"], &s);
        let (v, _) = c.fit_vocabulary(&s, &[0, 1, 2]);
        assert_eq!(v.terms, ["armi", "rebel", "retak", "shell", "town"]);
        // "armi" in 3 of 3 documents: ln(4/4) + 1 = 1; "rebel" in 1: ln(4/2) + 1.
        assert!((v.idf[0] - 1.0).abs() < 1e-12);
        assert!((v.idf[1] - (2f64.ln() + 1.0)).abs() < 1e-12);
    }

    #[test]
    fn min_df_max_df_and_max_features_filter_terms() {
        let texts = ["army town", "army town", "army rebel", "army siege"];
        let s = FeatureSettings { min_df: 2, word_ngrams: (1, 1), ..Default::default() };
        let c = corpus(&texts, &s);
        assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.terms, ["armi", "town"]);
        let s =
            FeatureSettings { min_df: 1, max_df: 0.5, word_ngrams: (1, 1), ..Default::default() };
        assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.terms, ["rebel", "sieg", "town"]);
        let s = FeatureSettings {
            min_df: 1,
            max_features: Some(2),
            word_ngrams: (1, 1),
            ..Default::default()
        };
        assert_eq!(c.fit_vocabulary(&s, &[0, 1, 2, 3]).0.terms, ["armi", "town"]);
    }

    #[test]
    fn word_terms_come_before_character_terms_and_each_block_is_capped() {
        let s = FeatureSettings {
            min_df: 1,
            word_ngrams: (1, 1),
            char_ngrams: Some((2, 2)),
            max_features: Some(3),
            ..Default::default()
        };
        let c = corpus(&["ab ab cd", "ab cd ef"], &s);
        let (v, _) = c.fit_vocabulary(&s, &[0, 1]);
        // Words by frequency: ab 3, cd 2, ef 1 -> ab, cd, ef (3 kept); char 2-grams: " a" 3,
        // "ab" 3, "b " 3, " c" 2, ... -> the three most frequent.
        assert_eq!(v.terms, ["ab", "cd", "ef", "c: a", "c:ab", "c:b "]);
        assert_eq!(v.char_start(), 3);
    }

    #[test]
    fn vocabulary_uses_only_the_given_rows() {
        let s = FeatureSettings { min_df: 1, word_ngrams: (1, 1), ..Default::default() };
        let c = corpus(&["army", "rebels"], &s);
        assert_eq!(c.fit_vocabulary(&s, &[1]).0.terms, ["rebel"]);
    }

    #[test]
    fn index_transform_matches_corpus_rows() {
        let s = FeatureSettings { min_df: 1, char_ngrams: Some((2, 3)), ..Default::default() };
        let texts = [
            "The army shelled the town.",
            "Rebels shelled the army base, the army said.",
            "Talks in Geneva",
        ];
        let c = corpus(&texts, &s);
        let (v, feature_of) = c.fit_vocabulary(&s, &[0, 1, 2]);
        let index = FeatureIndex::new(s.clone(), &v);
        for (i, text) in texts.iter().enumerate() {
            let expected = c.row(i, &v, &feature_of, s.sublinear_tf);
            let got = index.transform(text);
            assert_eq!(got.indices, expected.indices);
            for (a, b) in got.values.iter().zip(&expected.values) {
                assert!((a - b).abs() < 1e-12);
            }
            let cs = v.char_start() as u32;
            let block = |chars: bool| -> f64 {
                got.indices
                    .iter()
                    .zip(&got.values)
                    .filter(|(&i, _)| (i >= cs) == chars)
                    .map(|(_, v)| v * v)
                    .sum()
            };
            assert!((block(false) - 1.0).abs() < 1e-9 && (block(true) - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn cached_token_features_give_the_same_rows_as_a_fresh_scratch() {
        let s = FeatureSettings { min_df: 1, char_ngrams: Some((2, 4)), ..Default::default() };
        let texts = ["The army shelled the town.", "The town shelled the army.", "Ünïcode wörds"];
        let c = corpus(&texts, &s);
        let (v, _) = c.fit_vocabulary(&s, &[0, 1, 2]);
        let index = FeatureIndex::new(s, &v);
        let mut warm = VectorizerScratch::default();
        for _ in 0..2 {
            for text in texts {
                let mut row = SparseRow::default();
                index.transform_into(text, &mut warm, &mut row);
                assert_eq!(row, index.transform(text), "{text}");
            }
        }
        // the, army, shelled, town, ünïcode, wörds: each looked up once.
        assert_eq!(warm.char_cache.spans.len(), 6);
    }

    #[test]
    fn occurrences_are_the_row_s_hits_with_their_words() {
        let s = FeatureSettings { min_df: 1, char_ngrams: Some((2, 3)), ..Default::default() };
        let texts = ["The army shelled the town.", "Rebels shelled the army base, the army said."];
        let c = corpus(&texts, &s);
        let (v, _) = c.fit_vocabulary(&s, &[0, 1]);
        let index = FeatureIndex::new(s, &v);
        let text = texts[1];
        let mut scratch = VectorizerScratch::default();
        let occurrences = index.occurrences(text, &mut scratch);
        let mut features: Vec<u32> = occurrences.iter().map(|o| o.feature).collect();
        let row = SparseRow::from_feature_hits(&mut features, &v.idf, true, v.char_start());
        assert_eq!(row, index.transform(text));
        let find = |term: &str| {
            let f = v.terms.iter().position(|t| t == term).unwrap() as u32;
            occurrences
                .iter()
                .filter(|o| o.feature == f)
                .map(|o| &text[o.start..o.end])
                .collect::<Vec<_>>()
        };
        assert_eq!(find("shell the"), ["shelled the"]);
        assert_eq!(find("armi"), ["army", "army"]);
        assert_eq!(find("c:reb"), ["Rebels"]);
    }

    #[test]
    fn unseen_words_give_an_empty_row() {
        let s = FeatureSettings { min_df: 1, ..Default::default() };
        let c = corpus(&["army"], &s);
        let (v, _) = c.fit_vocabulary(&s, &[0]);
        let row = FeatureIndex::new(s, &v).transform("zebra quantum");
        assert!(row.indices.is_empty());
    }
}
