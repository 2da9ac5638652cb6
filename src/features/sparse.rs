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
    /// Builds a row from one feature index per term occurrence (sorted in place).
    pub fn from_feature_hits(hits: &mut [u32], idf: &[f64], sublinear_tf: bool) -> Self {
        let mut row = SparseRow::default();
        row.fill_from_feature_hits(hits, idf, sublinear_tf);
        row
    }

    /// Refills this row from feature hits, reusing its buffers: counts, tf (raw or `1 + ln`),
    /// times idf, then L2 normalization.
    pub fn fill_from_feature_hits(&mut self, hits: &mut [u32], idf: &[f64], sublinear_tf: bool) {
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
        let norm = self.values.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            self.values.iter_mut().for_each(|v| *v /= norm);
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
        counts: &mut Vec<u32>,
    ) {
        self.indices.clear();
        self.values.clear();
        if counts.len() < idf.len() {
            counts.resize(idf.len(), 0);
        }
        for &f in hits {
            let c = &mut counts[f as usize];
            if *c == 0 {
                self.indices.push(f);
            }
            *c += 1;
        }
        let mut norm = 0.0;
        for &f in &self.indices {
            let count = f64::from(std::mem::take(&mut counts[f as usize]));
            let tf = sublinear(count, sublinear_tf);
            let v = tf * idf[f as usize];
            norm += v * v;
            self.values.push(v);
        }
        let norm = norm.sqrt();
        if norm > 0.0 {
            self.values.iter_mut().for_each(|v| *v /= norm);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_weights_and_normalizes() {
        let mut hits = vec![2, 0, 2, 2];
        let row = SparseRow::from_feature_hits(&mut hits, &[1.0, 1.0, 2.0], false);
        assert_eq!(row.indices, [0, 2]);
        // raw: [1, 3 * 2 = 6] normalized by sqrt(37)
        let n = 37f64.sqrt();
        assert!((row.values[0] - 1.0 / n).abs() < 1e-12 && (row.values[1] - 6.0 / n).abs() < 1e-12);
        let row = SparseRow::from_feature_hits(&mut [1, 1, 1], &[1.0, 3.0], true);
        assert_eq!(row.indices, [1]);
        assert!((row.values[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unordered_fill_matches_the_sorted_one() {
        let idf = [1.0, 1.5, 2.0, 0.5];
        let hits = vec![3, 2, 0, 2, 3, 3, 1];
        let sorted = SparseRow::from_feature_hits(&mut hits.clone(), &idf, true);
        let mut row = SparseRow::default();
        let mut counts = Vec::new();
        row.fill_from_feature_hits_unordered(&hits, &idf, true, &mut counts);
        assert_eq!(row.indices, [3, 2, 0, 1]);
        assert!(counts.iter().all(|&c| c == 0));
        let mut pairs: Vec<(u32, f64)> = row.indices.iter().copied().zip(row.values).collect();
        pairs.sort_by_key(|p| p.0);
        for ((i, v), (j, w)) in pairs.iter().zip(sorted.indices.iter().zip(&sorted.values)) {
            assert_eq!(i, j);
            assert!((v - w).abs() < 1e-12);
        }
    }

    #[test]
    fn sublinear_tf_is_one_plus_ln_and_raw_tf_is_the_count() {
        for c in 1..=20 {
            let count = f64::from(c);
            assert_eq!(sublinear(count, true).to_bits(), (1.0 + count.ln()).to_bits());
            assert_eq!(sublinear(count, false), count);
        }
    }

    #[test]
    fn empty_hits_give_empty_row() {
        assert_eq!(SparseRow::from_feature_hits(&mut [], &[], true).nnz(), 0);
    }
}
