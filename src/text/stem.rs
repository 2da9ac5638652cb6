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
/// cannot make two tokens collide, and no token has the all-zero key that marks an empty slot.
/// Their table keeps key and value side by side in one slot, so that a lookup touches one
/// cache line, which [`StemCache::prefetch`] can ask for ahead of the lookup.
#[derive(Debug)]
pub struct StemCache<V> {
    short: ShortTable<V>,
    long: FxHashMap<Box<str>, V>,
    capacity: usize,
}

/// The key of a token of at most 16 bytes: its bytes, zero-padded, as two little-endian words.
/// Read as whole words (two overlapping loads for the bytes past the first word), not copied
/// byte by byte.
#[inline]
fn short_key(token: &str) -> Option<[u64; 2]> {
    let b = token.as_bytes();
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let half =
        |at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")));
    let key = match n {
        17.. => return None,
        // The last 8 bytes, shifted so that byte 8 comes first (for n == 8, nothing).
        8.. => [word(0), word(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0)],
        // Bytes 0..4 and n-4..n, overlapping on equal bytes.
        4.. => [half(0) | half(n - 4) << (8 * (n - 4)), 0],
        _ => [b.iter().rev().fold(0, |k, &c| k << 8 | u64::from(c)), 0],
    };
    // The empty token (and one of NULs alone) would take the empty slot's key.
    (key != [0, 0]).then_some(key)
}

/// A token's key in a [`StemCache`] and its hash (none for a token of more than 16 bytes),
/// from [`StemCache::probe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe(Option<([u64; 2], u64)>);

/// Short tokens' keys and values: open addressing with linear probing, at most half full.
#[derive(Debug)]
struct ShortTable<V> {
    /// Key and value; an all-zero key marks an empty slot.
    slots: Vec<([u64; 2], Option<V>)>,
    len: usize,
    /// 64 minus the bits of the slot count.
    shift: u32,
}

impl<V> ShortTable<V> {
    fn new() -> Self {
        ShortTable { slots: Vec::new(), len: 0, shift: 64 }
    }

    /// The hash of `key`, whose top bits choose its first slot (whatever the table's size).
    #[inline]
    fn hash(key: &[u64; 2]) -> u64 {
        let mixed = key[0] ^ key[1].rotate_left(29).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// The slot where the probe for a key of hash `hash` starts (the table has slots).
    #[inline]
    fn home(&self, hash: u64) -> usize {
        (hash >> self.shift) as usize
    }

    #[inline]
    fn prefetch(&self, hash: u64) {
        if !self.slots.is_empty() {
            crate::util::prefetch(std::slice::from_ref(&self.slots[self.home(hash)]));
        }
    }

    /// The slot holding `key` (of hash `hash`), or the empty slot where it would go.
    #[inline]
    fn find(&self, key: &[u64; 2], hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let k = &self.slots[i].0;
            if k == key || *k == [0, 0] {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn contains(&self, key: &[u64; 2], hash: u64) -> bool {
        !self.slots.is_empty() && self.slots[self.find(key, hash)].0 == *key
    }

    /// The value of `key` (of hash `hash`), inserted with `compute` when absent.
    #[inline]
    fn get_or_insert_mut(
        &mut self,
        (key, hash): ([u64; 2], u64),
        compute: impl FnOnce() -> V,
    ) -> &mut V {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let i = self.find(&key, hash);
        let slot = &mut self.slots[i];
        if slot.0 != key {
            *slot = (key, Some(compute()));
            self.len += 1;
        }
        slot.1.as_mut().expect("a slot with a key has a value")
    }

    fn grow(&mut self) {
        let n = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, (0..n).map(|_| ([0, 0], None)).collect());
        self.shift = 64 - n.trailing_zeros();
        for (key, value) in old {
            if key != [0, 0] {
                let i = self.find(&key, Self::hash(&key));
                self.slots[i] = (key, value);
            }
        }
    }

    fn clear(&mut self) {
        if self.len > 0 {
            self.slots.iter_mut().for_each(|s| *s = ([0, 0], None));
            self.len = 0;
        }
    }
}

impl<V: Clone> StemCache<V> {
    /// A cache holding at most `capacity` tokens.
    pub fn with_capacity(capacity: usize) -> Self {
        StemCache {
            short: ShortTable::new(),
            long: FxHashMap::default(),
            capacity: capacity.max(1),
        }
    }

    /// The cached value for `token`, computing it with `compute` on a miss.
    pub fn get_or_insert_with(&mut self, token: &str, compute: impl FnOnce(&str) -> V) -> V {
        self.get_or_insert_mut(token, compute).clone()
    }

    /// Asks the CPU to bring into cache where a lookup of `token` starts, so that the lookups
    /// of a sentence's tokens, asked for together ahead, overlap their cache misses.
    #[inline]
    pub fn prefetch(&self, token: &str) {
        self.probe(token);
    }

    /// [`StemCache::prefetch`], returning the token's key and hash so that its lookup
    /// ([`StemCache::get_or_insert_probed_mut`]) need not find them again.
    #[inline]
    pub fn probe(&self, token: &str) -> Probe {
        let probe = Probe(short_key(token).map(|key| (key, ShortTable::<V>::hash(&key))));
        if let Some((_, hash)) = probe.0 {
            self.short.prefetch(hash);
        }
        probe
    }

    /// The cached value for `token`, computing it with `compute` on a miss, as a mutable
    /// reference: callers can keep more per-token data in the value than the stem.
    pub fn get_or_insert_mut(&mut self, token: &str, compute: impl FnOnce(&str) -> V) -> &mut V {
        let probe = Probe(short_key(token).map(|key| (key, ShortTable::<V>::hash(&key))));
        self.get_or_insert_probed_mut(token, probe, compute)
    }

    /// [`StemCache::get_or_insert_mut`] of a token whose [`StemCache::probe`] is `probe`.
    #[inline]
    pub fn get_or_insert_probed_mut(
        &mut self,
        token: &str,
        probe: Probe,
        compute: impl FnOnce(&str) -> V,
    ) -> &mut V {
        if self.len() >= self.capacity
            && !match &probe.0 {
                Some((k, hash)) => self.short.contains(k, *hash),
                None => self.long.contains_key(token),
            }
        {
            self.clear();
        }
        match probe.0 {
            Some(k) => self.short.get_or_insert_mut(k, || compute(token)),
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
        self.short.len + self.long.len()
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
            ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq", "ü", ""];
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
    fn keys_are_the_zero_padded_bytes() {
        let text = "abcdefghijklmnopqrstu";
        for n in 0..=text.len() {
            let t = &text[..n];
            let mut buf = [0u8; 16];
            let want = (n <= 16).then(|| {
                buf[..n].copy_from_slice(t.as_bytes());
                [
                    u64::from_le_bytes(buf[..8].try_into().unwrap()),
                    u64::from_le_bytes(buf[8..].try_into().unwrap()),
                ]
            });
            assert_eq!(short_key(t), want.filter(|k| *k != [0, 0]), "{t:?}");
        }
    }

    #[test]
    fn many_tokens_survive_the_table_growing() {
        let mut cache = StemCache::with_capacity(1 << 20);
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}x{}", i * 7919)).collect();
        for w in &words {
            cache.prefetch(w);
            assert_eq!(cache.get_or_insert_with(w, |t| t.to_string()), *w);
        }
        for w in &words {
            assert_eq!(cache.get_or_insert_with(w, |_| unreachable!("cached")), *w);
        }
        assert_eq!(cache.len(), words.len());
        cache.clear();
        assert!(cache.is_empty());
        assert_eq!(cache.get_or_insert_with("w1x7919", |_| "again".to_string()), "again");
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
