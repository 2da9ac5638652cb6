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

/// Assigns each row to one of `k` folds so that all rows of a group share a fold and every
/// class is spread over the folds as evenly as the groups allow. `groups[i]` is row i's group
/// (any dense ids). Groups are taken largest first (ties in a seeded random order) and each
/// goes to the fold whose class counts it brings closest to the per-fold targets, the greedy
/// rule of scikit-learn's `StratifiedGroupKFold`.
pub fn stratified_group_folds(
    y: &[usize],
    groups: &[usize],
    n_classes: usize,
    k: usize,
    seed: u64,
) -> Vec<usize> {
    let n_groups = groups.iter().copied().max().map_or(0, |g| g + 1);
    let mut counts = vec![vec![0usize; n_classes]; n_groups];
    for (&c, &g) in y.iter().zip(groups) {
        counts[g][c] += 1;
    }
    let totals: Vec<f64> =
        (0..n_classes).map(|c| counts.iter().map(|g| g[c]).sum::<usize>() as f64).collect();
    let mut order: Vec<usize> = (0..n_groups).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    order.sort_by_key(|&g| std::cmp::Reverse(counts[g].iter().sum::<usize>()));
    let mut fold_counts = vec![vec![0usize; n_classes]; k];
    let mut fold_of_group = vec![0usize; n_groups];
    for g in order {
        // The fold where this group adds the least to the sum of squared class shares (each
        // class's rows in the fold over its rows in all): that fills the folds evenly, class by
        // class. Ties go to the fold with fewest rows, then the lowest index.
        let cost = |f: usize| -> f64 {
            (0..n_classes)
                .filter(|&c| totals[c] > 0.0)
                .map(|c| {
                    let before = fold_counts[f][c] as f64 / totals[c];
                    let after = (fold_counts[f][c] + counts[g][c]) as f64 / totals[c];
                    after * after - before * before
                })
                .sum()
        };
        let size = |f: usize| fold_counts[f].iter().sum::<usize>();
        let best = (0..k)
            .min_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(size(a).cmp(&size(b))))
            .expect("k >= 1");
        fold_counts[best].iter_mut().zip(&counts[g]).for_each(|(f, c)| *f += c);
        fold_of_group[g] = best;
    }
    groups.iter().map(|&g| fold_of_group[g]).collect()
}

/// How training rows are balanced across classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Balance {
    /// Use the rows as they are.
    None,
    /// Weigh each row's loss by `n / (classes * rows of its class)` (scikit-learn's
    /// `class_weight='balanced'`); sparse solver only.
    #[default]
    Weighted,
    /// Repeat rows of smaller classes (in a seeded order) until each class has as many rows as
    /// the largest (the way to balance with the dense solver, which takes no row weights).
    Oversample,
}

impl Balance {
    /// The name used in reports and the bundle.
    pub fn name(self) -> &'static str {
        match self {
            Balance::None => "none",
            Balance::Weighted => "weighted",
            Balance::Oversample => "oversample",
        }
    }

    /// The training rows after balancing: `rows` are positions, `y[p]` their classes. Only
    /// oversampling changes them; weighting acts in the objective.
    pub fn apply(self, rows: &[usize], y: &[usize], n_classes: usize, seed: u64) -> Vec<usize> {
        match self {
            Balance::None | Balance::Weighted => rows.to_vec(),
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
    fn group_folds_keep_groups_together_and_stay_balanced() {
        // 60 groups of 1 to 5 rows, classes mixed within groups.
        let mut y = Vec::new();
        let mut groups = Vec::new();
        let mut rng = SplitMix64::new(3);
        for g in 0..60 {
            for _ in 0..1 + g % 5 {
                groups.push(g);
                y.push((rng.next_u64() % 10).min(2) as usize);
            }
        }
        let folds = stratified_group_folds(&y, &groups, 3, 5, 11);
        assert_eq!(folds, stratified_group_folds(&y, &groups, 3, 5, 11));
        for g in 0..60 {
            let of_group: Vec<usize> =
                (0..y.len()).filter(|&i| groups[i] == g).map(|i| folds[i]).collect();
            assert!(of_group.windows(2).all(|w| w[0] == w[1]), "group {g} split: {of_group:?}");
        }
        for c in 0..3 {
            let total = y.iter().filter(|&&v| v == c).count() as f64;
            for f in 0..5 {
                let n = (0..y.len()).filter(|&i| folds[i] == f && y[i] == c).count() as f64;
                assert!(
                    (n - total / 5.0).abs() <= 0.35 * total / 5.0 + 2.0,
                    "class {c} fold {f}: {n} of {total}"
                );
            }
        }
        // Every row its own group: as balanced as plain stratification.
        let singles: Vec<usize> = (0..y.len()).collect();
        let folds = stratified_group_folds(&y, &singles, 3, 5, 1);
        for c in 0..3 {
            let per: Vec<usize> = (0..5)
                .map(|f| (0..y.len()).filter(|&i| folds[i] == f && y[i] == c).count())
                .collect();
            assert!(per.iter().max().unwrap() - per.iter().min().unwrap() <= 1, "{per:?}");
        }
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
