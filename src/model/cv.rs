//! Stratified k-fold assignment and class balancing, reproducible from a seed.

/// A small deterministic generator (SplitMix64): reproducible shuffles without a dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Assigns each row to one of `k` folds so that every class is spread evenly over the folds.
/// `y[i]` is row i's class index. Returns the fold of each row.
pub fn stratified_folds(y: &[usize], n_classes: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed);
    let mut fold = vec![0; y.len()];
    // Continue the round-robin across classes so fold sizes stay within one of each other.
    let mut next = 0;
    for c in 0..n_classes {
        let mut members: Vec<usize> = (0..y.len()).filter(|&i| y[i] == c).collect();
        rng.shuffle(&mut members);
        for i in members {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// How training rows are balanced across classes (linfa-logistic takes no sample weights).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Balance {
    /// Use the rows as they are.
    None,
    /// Repeat rows of smaller classes (in a seeded order) until each class has as many rows as
    /// the largest.
    #[default]
    Oversample,
}

impl Balance {
    /// The name used in reports and the bundle.
    pub fn name(self) -> &'static str {
        match self {
            Balance::None => "none",
            Balance::Oversample => "oversample",
        }
    }

    /// The training rows after balancing: `rows` are positions, `y[p]` their classes.
    pub fn apply(self, rows: &[usize], y: &[usize], n_classes: usize, seed: u64) -> Vec<usize> {
        match self {
            Balance::None => rows.to_vec(),
            Balance::Oversample => {
                let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
                for &r in rows {
                    by_class[y[r]].push(r);
                }
                let target = by_class.iter().map(Vec::len).max().unwrap_or(0);
                let mut rng = SplitMix64::new(seed);
                let mut out = rows.to_vec();
                for members in by_class.iter_mut().filter(|m| !m.is_empty()) {
                    rng.shuffle(members);
                    out.extend(members.iter().cycle().take(target - members.len()));
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_reproducible() {
        let y: Vec<usize> = (0..100)
            .map(|i| {
                if i < 70 {
                    0
                } else if i < 90 {
                    1
                } else {
                    2
                }
            })
            .collect();
        let folds = stratified_folds(&y, 3, 5, 7);
        assert_eq!(folds, stratified_folds(&y, 3, 5, 7));
        for f in 0..5 {
            let count = |c| (0..100).filter(|&i| folds[i] == f && y[i] == c).count();
            assert_eq!((count(0), count(1), count(2)), (14, 4, 2));
        }
        assert_ne!(folds, stratified_folds(&y, 3, 5, 8));
    }

    #[test]
    fn oversampling_equalizes_classes() {
        let y = vec![0, 0, 0, 0, 0, 1, 1, 2];
        let rows: Vec<usize> = (0..8).collect();
        let out = Balance::Oversample.apply(&rows, &y, 3, 1);
        let count = |c| out.iter().filter(|&&r| y[r] == c).count();
        assert_eq!((count(0), count(1), count(2)), (5, 5, 5));
        assert_eq!(Balance::None.apply(&rows, &y, 3, 1), rows);
    }
}
