//! Sparse TF-IDF rows.

/// One L2-normalized TF-IDF row: sorted feature indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseRow {
    /// Feature indices, strictly increasing.
    pub indices: Vec<u32>,
    /// Values, one per index.
    pub values: Vec<f64>,
}

impl SparseRow {
    /// Builds a row from one feature index per term occurrence (sorted in place). Features from
    /// `char_start` on form a second block, normalized on its own (see
    /// [`SparseRow::fill_from_feature_hits`]).
    pub fn from_feature_hits(
        hits: &mut [u32],
        idf: &[f64],
        sublinear_tf: bool,
        char_start: usize,
    ) -> Self {
        let mut row = SparseRow::default();
        row.fill_from_feature_hits(hits, idf, sublinear_tf, char_start);
        row
    }

    /// Refills this row from feature hits, reusing its buffers: counts, tf (raw or `1 + ln`),
    /// times idf, then L2 normalization of each block: the word features (below `char_start`)
    /// and the character n-gram features (from `char_start` on) are each scaled to unit norm,
    /// as two TF-IDF vectorizers side by side would be.
    pub fn fill_from_feature_hits(
        &mut self,
        hits: &mut [u32],
        idf: &[f64],
        sublinear_tf: bool,
        char_start: usize,
    ) {
        self.indices.clear();
        self.values.clear();
        hits.sort_unstable();
        let mut i = 0;
        while i < hits.len() {
            let f = hits[i];
            let mut j = i + 1;
            while j < hits.len() && hits[j] == f {
                j += 1;
            }
            let count = (j - i) as f64;
            let tf = sublinear(count, sublinear_tf);
            self.indices.push(f);
            self.values.push(tf * idf[f as usize]);
            i = j;
        }
        self.normalize_blocks(char_start);
    }

    /// Scales the word block and the character block of this row to unit L2 norm each.
    fn normalize_blocks(&mut self, char_start: usize) {
        let (mut word, mut char) = (0.0, 0.0);
        for (&f, &v) in self.indices.iter().zip(&self.values) {
            if (f as usize) < char_start {
                word += v * v;
            } else {
                char += v * v;
            }
        }
        let inverse = |n: f64| if n > 0.0 { 1.0 / n.sqrt() } else { 0.0 };
        let (word, char) = (inverse(word), inverse(char));
        for (&f, v) in self.indices.iter().zip(&mut self.values) {
            *v *= if (f as usize) < char_start { word } else { char };
        }
    }

    /// Like [`SparseRow::fill_from_feature_hits`], but without sorting: indices come in the order
    /// of their first hit, each once. Counting goes through `counts`, a scratch buffer that is
    /// grown to `idf.len()` zeros and left all zero again. For scoring, where order does not
    /// matter, this replaces a sort per row by two linear passes.
    pub fn fill_from_feature_hits_unordered(
        &mut self,
        hits: &[u32],
        idf: &[f64],
        sublinear_tf: bool,
        char_start: usize,
        counts: &mut Vec<u32>,
    ) {
        self.indices.clear();
        self.values.clear();
        if counts.len() < idf.len() {
            counts.resize(idf.len(), 0);
        }
        // The counts and idf of a row's features lie scattered over hundreds of kilobytes:
        // all are asked for before the first is read, so that their cache misses overlap.
        for &f in hits {
            crate::util::prefetch(std::slice::from_ref(&counts[f as usize]));
            crate::util::prefetch(std::slice::from_ref(&idf[f as usize]));
        }
        for &f in hits {
            let c = &mut counts[f as usize];
            if *c == 0 {
                self.indices.push(f);
            }
            *c += 1;
        }
        if char_start >= idf.len() {
            // One block (the common case): one pass computes the norm.
            let mut norm = 0.0;
            for &f in &self.indices {
                let count = std::mem::take(&mut counts[f as usize]);
                let v = sublinear_count(count, sublinear_tf) * idf[f as usize];
                norm += v * v;
                self.values.push(v);
            }
            if norm > 0.0 {
                let inverse = 1.0 / norm.sqrt();
                self.values.iter_mut().for_each(|v| *v *= inverse);
            }
            return;
        }
        for &f in &self.indices {
            let count = std::mem::take(&mut counts[f as usize]);
            self.values.push(sublinear_count(count, sublinear_tf) * idf[f as usize]);
        }
        self.normalize_blocks(char_start);
    }

    /// Number of stored features.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }
}

/// The term frequency of a term seen `count` times: `count`, or `1 + ln(count)` when sublinear.
/// A count of one (most terms of a sentence) skips the logarithm; `1 + ln 1` is exactly 1.
#[inline]
fn sublinear(count: f64, sublinear_tf: bool) -> f64 {
    if !sublinear_tf || count == 1.0 {
        count
    } else {
        1.0 + count.ln()
    }
}

/// Counts below this have their sublinear tf read from a table.
const TF_TABLE_LEN: usize = 256;

/// `1 + ln(count)` for every count below [`TF_TABLE_LEN`], computed once with the same
/// expression as [`sublinear`], so a value read from it is bit for bit the computed one.
static SUBLINEAR_TF: std::sync::LazyLock<[f64; TF_TABLE_LEN]> = std::sync::LazyLock::new(|| {
    let mut table = [1.0; TF_TABLE_LEN];
    for (count, tf) in table.iter_mut().enumerate().skip(1) {
        *tf = sublinear(count as f64, true);
    }
    table
});

/// [`sublinear`] of an integer count: small counts (nearly all within a sentence) are read
/// from a table instead of computing a logarithm.
#[inline]
pub(crate) fn sublinear_count(count: u32, sublinear_tf: bool) -> f64 {
    TermFrequency::new(sublinear_tf).of(count)
}

/// [`sublinear_count`] with its table found once: a scorer keeps one, so that the table's
/// lazy initialization is not checked again for every count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TermFrequency {
    table: &'static [f64; TF_TABLE_LEN],
    sublinear_tf: bool,
}

impl TermFrequency {
    /// The tf of counts, sublinear or not.
    pub(crate) fn new(sublinear_tf: bool) -> Self {
        TermFrequency { table: &SUBLINEAR_TF, sublinear_tf }
    }

    /// The tf of a term seen `count` times (as [`sublinear_count`]).
    #[inline]
    pub(crate) fn of(self, count: u32) -> f64 {
        match self.table.get(count as usize) {
            Some(&tf) if self.sublinear_tf && count > 0 => tf,
            _ => sublinear(f64::from(count), self.sublinear_tf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_weights_and_normalizes() {
        let mut hits = vec![2, 0, 2, 2];
        let row = SparseRow::from_feature_hits(&mut hits, &[1.0, 1.0, 2.0], false, 3);
        assert_eq!(row.indices, [0, 2]);
        // raw: [1, 3 * 2 = 6] normalized by sqrt(37)
        let n = 37f64.sqrt();
        assert!((row.values[0] - 1.0 / n).abs() < 1e-12 && (row.values[1] - 6.0 / n).abs() < 1e-12);
        let row = SparseRow::from_feature_hits(&mut [1, 1, 1], &[1.0, 3.0], true, 2);
        assert_eq!(row.indices, [1]);
        assert!((row.values[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unordered_fill_matches_the_sorted_one() {
        let idf = [1.0, 1.5, 2.0, 0.5];
        let hits = vec![3, 2, 0, 2, 3, 3, 1];
        for char_start in [4, 2] {
            let sorted = SparseRow::from_feature_hits(&mut hits.clone(), &idf, true, char_start);
            let mut row = SparseRow::default();
            let mut counts = Vec::new();
            row.fill_from_feature_hits_unordered(&hits, &idf, true, char_start, &mut counts);
            assert_eq!(row.indices, [3, 2, 0, 1]);
            assert!(counts.iter().all(|&c| c == 0));
            let mut pairs: Vec<(u32, f64)> = row.indices.iter().copied().zip(row.values).collect();
            pairs.sort_by_key(|p| p.0);
            for ((i, v), (j, w)) in pairs.iter().zip(sorted.indices.iter().zip(&sorted.values)) {
                assert_eq!(i, j);
                assert!((v - w).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn word_and_character_blocks_are_normalized_apart() {
        // Features 0 and 1 are words, 2 and 3 character n-grams.
        let row =
            SparseRow::from_feature_hits(&mut [0, 1, 2, 3, 3], &[3.0, 4.0, 1.0, 1.0], false, 2);
        assert_eq!(row.indices, [0, 1, 2, 3]);
        let expected = [0.6, 0.8, 1.0 / 5f64.sqrt(), 2.0 / 5f64.sqrt()];
        for (v, e) in row.values.iter().zip(expected) {
            assert!((v - e).abs() < 1e-12, "{:?}", row.values);
        }
        // A row with only character n-grams has a unit character block and nothing else.
        let row = SparseRow::from_feature_hits(&mut [3], &[3.0, 4.0, 1.0, 2.0], false, 2);
        assert_eq!(row.values, [1.0]);
    }

    #[test]
    fn sublinear_tf_is_one_plus_ln_and_raw_tf_is_the_count() {
        for c in 1..=20 {
            let count = f64::from(c);
            assert_eq!(sublinear(count, true).to_bits(), (1.0 + count.ln()).to_bits());
            assert_eq!(sublinear(count, false), count);
            assert_eq!(sublinear_count(c, true).to_bits(), (1.0 + count.ln()).to_bits());
            assert_eq!(sublinear_count(c, false), count);
        }
        // Past the table, and at zero, the count is computed as before.
        for c in [0, 255, 256, 100_000] {
            let count = f64::from(c);
            assert_eq!(sublinear_count(c, true).to_bits(), sublinear(count, true).to_bits());
        }
    }

    #[test]
    fn empty_hits_give_empty_row() {
        assert_eq!(SparseRow::from_feature_hits(&mut [], &[], true, 0).nnz(), 0);
    }
}
