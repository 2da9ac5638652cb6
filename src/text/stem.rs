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
///
/// Tokens of at most 16 bytes (nearly all words) are keyed by their bytes packed into two
/// integers, so a lookup hashes two words and compares two words instead of hashing and
/// comparing a string. Tokens hold no NUL byte (they are letters and digits), so zero padding
/// cannot make two tokens collide.
#[derive(Debug)]
pub struct StemCache<V> {
    short: FxHashMap<[u64; 2], V>,
    long: FxHashMap<Box<str>, V>,
    capacity: usize,
}

fn short_key(token: &str) -> Option<[u64; 2]> {
    let b = token.as_bytes();
    if b.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..b.len()].copy_from_slice(b);
    let (lo, hi) = buf.split_at(8);
    Some([
        u64::from_le_bytes(lo.try_into().expect("8 bytes")),
        u64::from_le_bytes(hi.try_into().expect("8 bytes")),
    ])
}

impl<V: Clone> StemCache<V> {
    /// A cache holding at most `capacity` tokens.
    pub fn with_capacity(capacity: usize) -> Self {
        StemCache {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            capacity: capacity.max(1),
        }
    }

    /// The cached value for `token`, computing it with `compute` on a miss.
    pub fn get_or_insert_with(&mut self, token: &str, compute: impl FnOnce(&str) -> V) -> V {
        let key = short_key(token);
        let hit = match &key {
            Some(k) => self.short.get(k),
            None => self.long.get(token),
        };
        if let Some(v) = hit {
            return v.clone();
        }
        if self.len() >= self.capacity {
            self.short.clear();
            self.long.clear();
        }
        let v = compute(token);
        match key {
            Some(k) => self.short.insert(k, v.clone()),
            None => self.long.insert(token.into(), v.clone()),
        };
        v
    }

    /// The cached value for `token`, computing it with `compute` on a miss, as a mutable
    /// reference: callers can keep more per-token data in the value than the stem.
    pub fn get_or_insert_mut(&mut self, token: &str, compute: impl FnOnce(&str) -> V) -> &mut V {
        let key = short_key(token);
        if self.len() >= self.capacity
            && !match &key {
                Some(k) => self.short.contains_key(k),
                None => self.long.contains_key(token),
            }
        {
            self.clear();
        }
        match key {
            Some(k) => self.short.entry(k).or_insert_with(|| compute(token)),
            None => {
                if !self.long.contains_key(token) {
                    let v = compute(token);
                    self.long.insert(token.into(), v);
                }
                self.long.get_mut(token).expect("inserted above")
            }
        }
    }

    /// Forgets every token.
    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    /// Number of cached tokens.
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    fn short_and_long_tokens_are_kept_apart() {
        let mut cache = StemCache::with_capacity(100);
        let words =
            ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq", "ü"];
        for w in words {
            assert_eq!(cache.get_or_insert_with(w, |t| t.to_string()), w);
        }
        for w in words {
            assert_eq!(cache.get_or_insert_with(w, |_| unreachable!("cached")), w);
        }
        assert_eq!(cache.len(), words.len());
    }

    #[test]
    fn mutable_values_are_kept() {
        let mut cache = StemCache::with_capacity(100);
        for w in ["army", "abcdefghijklmnopq"] {
            *cache.get_or_insert_mut(w, |t| t.len()) += 100;
            assert_eq!(*cache.get_or_insert_mut(w, |_| unreachable!("cached")), w.len() + 100);
        }
        let mut small = StemCache::with_capacity(2);
        for i in 0..10 {
            small.get_or_insert_mut(&format!("t{i}"), |t| t.len());
            assert!(small.len() <= 2);
        }
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
