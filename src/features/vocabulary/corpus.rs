//! Training-side analysis: every document analyzed once into term ids, vocabularies fitted
//! on any subset of them (the folds of cross-validation), TF-IDF rows built from term ids.

use rustc_hash::FxHashMap;

use super::{is_char_term, Vocabulary};
use crate::features::analyzer::{
    ngram_ids, Analyzer, AnalyzerScratch, Term, CHAR_TERM_PREFIX, MAX_STEM_ID, UNKNOWN_STEM,
};
use crate::features::settings::FeatureSettings;
use crate::features::sparse::SparseRow;

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
