//! The fitted TF-IDF vocabulary and the fast index that vectorizes text at prediction time.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::features::about::ABOUT_PREFIX;
use crate::features::analyzer::{
    for_each_char_gram, ngram_ids, ngram_key, Analyzer, AnalyzerScratch, Term, CHAR_TERM_PREFIX,
    ID_BITS, MAX_STEM_ID, NO_TOKEN_ID, UNKNOWN_STEM,
};
use crate::features::settings::FeatureSettings;
use crate::features::sparse::SparseRow;

mod lookup;

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
    /// `min_df`/`max_df`/`char_max_df` filtering, the `max_features` most frequent terms,
    /// smoothed idf.
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
        let char_max_df =
            (settings.char_max_df.min(settings.max_df) * n_docs as f64).floor() as u32;
        let name = |t: u32| self.term_names[t as usize].as_str();
        let mut kept: Vec<u32> = (0..n_terms as u32)
            .filter(|&t| {
                let d = df[t as usize];
                let most = if is_char_term(name(t)) { char_max_df } else { max_df };
                d > 0 && d as usize >= settings.min_df && d <= most.max(1)
            })
            .collect();
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
