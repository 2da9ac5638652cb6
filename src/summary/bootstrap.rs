//! Bootstrap confidence intervals for the class shares of a summary row.
//!
//! The units resampled are the row's articles (a group of articles: an outlet, a date, all) or
//! the row's sentences (one article). Unit `i` has `b_i` sentences in the base and `k_ic` of
//! them labeled with class `c` (for a sentence: 0 or 1). A replicate draws `n` units with
//! replacement, where `n` is the number of units, and computes every class's share as
//! `sum k_ic / sum b_i` over the draws; a replicate whose draws hold no base sentence is left
//! out. The interval is the pair of percentiles `(1 - confidence) / 2` and
//! `(1 + confidence) / 2` of the replicates' shares, interpolated linearly between order
//! statistics (numpy's default `percentile`).
//!
//! Draws come from SplitMix64 started from the seed, afresh for every row and task, so a row's
//! interval depends only on its own units and the seed: the draw is unit
//! `floor(r * n / 2^64)` for the generator's next 64-bit output `r`. Resampling articles keeps
//! the sentences of one article together: they share a writer, a topic and a framing, and
//! treating them as independent would give intervals that are too narrow.

use crate::model::SplitMix64;

/// Per class, the (low, high) interval of its share, from `replicates` replicates over `units`
/// (each `(base, per-class counts)`); `None` without replicates or when no replicate had a base
/// sentence.
pub fn share_intervals(
    units: &[(u64, &[u64])],
    classes: usize,
    replicates: usize,
    seed: u64,
    confidence: f64,
) -> Option<Vec<(f64, f64)>> {
    let n = units.len();
    if replicates == 0 || n == 0 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut shares: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates); classes];
    let mut sums = vec![0u64; classes];
    for _ in 0..replicates {
        sums.iter_mut().for_each(|s| *s = 0);
        let mut base = 0u64;
        for _ in 0..n {
            let (b, counts) = units[draw(&mut rng, n)];
            base += b;
            for (s, c) in sums.iter_mut().zip(counts) {
                *s += c;
            }
        }
        if base > 0 {
            for (share, s) in shares.iter_mut().zip(&sums) {
                share.push(*s as f64 / base as f64);
            }
        }
    }
    if shares.first().is_none_or(Vec::is_empty) {
        return None;
    }
    let (lo, hi) = ((1.0 - confidence) / 2.0, (1.0 + confidence) / 2.0);
    Some(
        shares
            .into_iter()
            .map(|mut s| {
                s.sort_by(f64::total_cmp);
                (percentile(&s, lo), percentile(&s, hi))
            })
            .collect(),
    )
}

/// A uniform index below `n` from the generator's next output (multiply and shift).
pub fn draw(rng: &mut SplitMix64, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// The `q` quantile of sorted `values` (0 <= q <= 1), interpolated linearly between order
/// statistics: position `q * (len - 1)`.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let below = pos.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let frac = pos - below as f64;
    sorted[below] + (sorted[above] - sorted[below]) * frac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_units_give_a_point_interval() {
        let counts = [1u64, 3];
        let units = vec![(4, &counts[..]); 10];
        let i = share_intervals(&units, 2, 200, 7, 0.95).unwrap();
        assert_eq!(i, vec![(0.25, 0.25), (0.75, 0.75)]);
    }

    #[test]
    fn intervals_are_reproducible_and_hold_the_share() {
        let a = [2u64, 0];
        let b = [0u64, 2];
        let c = [1u64, 1];
        let units = vec![(2, &a[..]), (2, &b[..]), (2, &c[..]), (2, &a[..])];
        let one = share_intervals(&units, 2, 500, 1, 0.95).unwrap();
        assert_eq!(one, share_intervals(&units, 2, 500, 1, 0.95).unwrap());
        assert!(one[0].0 < 0.625 && 0.625 < one[0].1, "{one:?}");
        assert_ne!(one, share_intervals(&units, 2, 500, 2, 0.95).unwrap());
        assert!(share_intervals(&units, 2, 0, 1, 0.95).is_none());
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 1.0), 4.0);
        assert!((percentile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((percentile(&v, 0.025) - 1.075).abs() < 1e-12);
    }
}
