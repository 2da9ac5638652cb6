//! The lookup structures of [`super::FeatureIndex`]: the frozen table of word n-grams and the
//! per-thread cache of each token's character features.

use rustc_hash::FxHashMap;

use crate::features::analyzer::{for_each_char_gram, ID_BITS};

/// Word n-gram keys of two or more stems -> feature, frozen at load: open addressing with
/// linear probing, at most half full, key and feature side by side in one slot so that a probe
/// touches one cache line. [`super::FeatureIndex`] hashes all keys of a text and prefetches their
/// slots before comparing the first, so that the cache misses of one sentence overlap instead
/// of following one another (a hash map lookup per key, each missing the cache, was the
/// largest cost of vectorizing).
#[derive(Debug)]
pub(super) struct NgramTable {
    slots: Vec<(u64, u32)>,
    shift: u32,
}

impl NgramTable {
    pub(super) fn new(entries: &[(u64, u32)]) -> Self {
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
    pub(super) fn prefetch(&self, key: u64) {
        crate::util::prefetch(std::slice::from_ref(&self.slots[self.home(key)]));
    }

    #[inline]
    pub(super) fn get(&self, key: u64) -> Option<u32> {
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

    pub(super) fn features_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        self.slots.iter_mut().filter(|(k, _)| *k != 0).map(|(_, f)| f)
    }
}

/// Marks an n-gram key in a text's list of keys as already resolved: the feature (or
/// [`AboutTable::NONE`]) is in its low 32 bits. Keys of up to three stems never set it.
pub(super) const RESOLVED: u64 = 1 << 63;

/// The "about" features (`[about:ACTOR, stem]` keys, see [`crate::features::about`]) as one
/// array per actor's marker, indexed by stem id: an array read instead of a probe of the
/// n-gram table, for the keys of which a sentence naming an actor has one per word.
#[derive(Debug, Default)]
pub(super) struct AboutTable {
    /// The markers' stem ids, and per marker, per stem id, the feature or [`Self::NONE`].
    markers: Vec<(u32, Vec<u32>)>,
}

impl AboutTable {
    /// No feature for this stem.
    pub(super) const NONE: u32 = u32::MAX;

    /// Notes that key `[marker, stem]` is feature `feature`; `stems` is the number of stem ids.
    pub(super) fn insert(&mut self, (marker, stem): (u32, u32), feature: u32, stems: usize) {
        let at = match self.markers.iter().position(|m| m.0 == marker) {
            Some(at) => at,
            None => {
                self.markers.push((marker, vec![Self::NONE; stems]));
                self.markers.len() - 1
            }
        };
        self.markers[at].1[stem as usize] = feature;
    }

    /// For the key of a two-stem n-gram whose first stem is a marker, the feature (or
    /// [`Self::NONE`]); `None` for any other key.
    #[inline]
    pub(super) fn get(&self, key: u64) -> Option<u32> {
        if self.markers.is_empty() || key >> (2 * ID_BITS) != 0 {
            return None;
        }
        let (first, second) = ((key >> ID_BITS) as u32, (key & ((1 << ID_BITS) - 1)) as u32);
        let (_, features) = self.markers.iter().find(|m| m.0 + 1 == first)?;
        features.get(second.checked_sub(1)? as usize).copied()
    }

    pub(super) fn features_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        self.markers.iter_mut().flat_map(|m| m.1.iter_mut()).filter(|f| **f != Self::NONE)
    }
}

/// Entries of the token -> character-features cache (all tokens' features together) above
/// which it starts over, bounding its memory (about 4 bytes an entry plus the keys).
pub(super) const CHAR_CACHE_ENTRIES: usize = 1 << 22;

/// Each distinct token's character n-gram features, found once per thread.
#[derive(Debug, Default)]
pub(super) struct CharCache {
    /// Token -> its id (index into `ranges`).
    pub(super) spans: FxHashMap<Box<str>, u32>,
    /// Per token id, its range of `arena`.
    pub(super) ranges: Vec<(u32, u32)>,
    pub(super) arena: Vec<u32>,
    /// Token ids of the text being analyzed.
    pub(super) tokens: Vec<u32>,
    /// Counts the clears, so that caches keyed by token id know when ids start over.
    pub(super) generation: u64,
    pub(super) chars: String,
    pub(super) word_hits: Vec<u32>,
    /// Word n-gram keys of more than one stem of the text being analyzed.
    pub(super) keys: Vec<u64>,
}

impl CharCache {
    pub(super) fn clear(&mut self) {
        self.spans.clear();
        self.ranges.clear();
        self.arena.clear();
        self.generation += 1;
    }

    /// The character features of the token with id `id`.
    pub(super) fn of(&self, id: u32) -> &[u32] {
        let (start, end) = self.ranges[id as usize];
        &self.arena[start as usize..end as usize]
    }

    /// The id of `token`; on its first sight, its character n-grams (of `lo` to `hi`
    /// characters) found in `chars` are stored, one feature per occurrence, in n-gram order.
    pub(super) fn id(
        &mut self,
        token: &str,
        lo: usize,
        hi: usize,
        chars: &FxHashMap<Box<str>, u32>,
    ) -> u32 {
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
