//! Snowball stemming behind the crate's own [`Language`] type, with a cache.
//!
//! Stemming is the most expensive step of analysis, and news text repeats the same few thousand
//! words; [`StemCache`] stems each distinct token once.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Languages with a Snowball stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English (Porter2).
    English,
    /// French.
    French,
    /// German.
    German,
    /// Spanish.
    Spanish,
    /// Russian.
    Russian,
    /// Arabic.
    Arabic,
    /// Turkish.
    Turkish,
}

impl Language {
    fn algorithm(self) -> rust_stemmers::Algorithm {
        use rust_stemmers::Algorithm as A;
        match self {
            Language::English => A::English,
            Language::French => A::French,
            Language::German => A::German,
            Language::Spanish => A::Spanish,
            Language::Russian => A::Russian,
            Language::Arabic => A::Arabic,
            Language::Turkish => A::Turkish,
        }
    }
}

/// A Snowball stemmer for one language.
pub struct Stemmer {
    inner: rust_stemmers::Stemmer,
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmer")
    }
}

impl Stemmer {
    /// A stemmer for `language`.
    pub fn new(language: Language) -> Self {
        Stemmer { inner: rust_stemmers::Stemmer::create(language.algorithm()) }
    }

    /// The stem of one lowercase token.
    pub fn stem<'a>(&self, token: &'a str) -> std::borrow::Cow<'a, str> {
        self.inner.stem(token)
    }
}

/// Maps each distinct token to a value computed once from its stem (the stem itself, or an id).
///
/// The cache is bounded: past `capacity` entries it starts afresh, so memory stays flat on
/// input with an unbounded number of distinct tokens (scraped junk, URLs, long numbers).
#[derive(Debug)]
pub struct StemCache<V> {
    map: FxHashMap<Box<str>, V>,
    capacity: usize,
}

impl<V: Clone> StemCache<V> {
    /// A cache holding at most `capacity` tokens.
    pub fn with_capacity(capacity: usize) -> Self {
        StemCache { map: FxHashMap::default(), capacity: capacity.max(1) }
    }

    /// The cached value for `token`, computing it with `compute` on a miss.
    pub fn get_or_insert_with(&mut self, token: &str, compute: impl FnOnce(&str) -> V) -> V {
        if let Some(v) = self.map.get(token) {
            return v.clone();
        }
        if self.map.len() >= self.capacity {
            self.map.clear();
        }
        let v = compute(token);
        self.map.insert(token.into(), v.clone());
        v
    }

    /// Number of cached tokens.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_stems_inflections_together() {
        let s = Stemmer::new(Language::English);
        assert_eq!(s.stem("bombing"), "bomb");
        assert_eq!(s.stem("bombings"), "bomb");
        assert_eq!(s.stem("syrias"), s.stem("syria"));
    }

    #[test]
    fn cache_computes_each_token_once() {
        let mut cache = StemCache::with_capacity(10);
        let mut calls = 0;
        for _ in 0..3 {
            let v = cache.get_or_insert_with("rebels", |t| {
                calls += 1;
                t.len()
            });
            assert_eq!(v, 6);
        }
        assert_eq!(calls, 1);
    }

    #[test]
    fn cache_stays_within_capacity() {
        let mut cache = StemCache::with_capacity(4);
        for i in 0..100 {
            cache.get_or_insert_with(&format!("t{i}"), |t| t.len());
            assert!(cache.len() <= 4);
        }
    }
}
