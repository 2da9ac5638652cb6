//! A task's labeled rows, and the sample of them the search runs on.

use crate::dataset::LabeledSet;
use crate::error::{Error, Result};
use crate::model::cv::SplitMix64;

/// A task's labeled rows as class indices.
pub(super) struct TaskRows {
    pub(super) name: String,
    pub(super) classes: Vec<String>,
    /// Indices into the corpus documents.
    pub(super) docs: Vec<usize>,
    /// Class index per entry of `docs`.
    pub(super) y: Vec<usize>,
}

impl TaskRows {
    pub(super) fn new(set: &LabeledSet, t: usize) -> Result<Self> {
        let name = set.tasks[t].clone();
        let labeled = set.labeled_rows(t);
        if labeled.is_empty() {
            return Err(Error::training(
                &name,
                "every cell of this column is blank",
                "label some rows, or leave the task out with --task",
            ));
        }
        let mut classes: Vec<String> = labeled.iter().map(|(_, l)| l.to_string()).collect();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            return Err(Error::training(
                &name,
                format!("only one class ('{}') in {} labeled rows", classes[0], labeled.len()),
                "a classifier needs at least two classes: label rows of another class, or leave the task out",
            ));
        }
        let docs = labeled.iter().map(|(i, _)| *i).collect();
        let y = labeled
            .iter()
            .map(|(_, l)| classes.binary_search_by(|c| c.as_str().cmp(l)).expect("class listed"))
            .collect();
        Ok(TaskRows { name, classes, docs, y })
    }

    pub(super) fn class_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.classes.len()];
        self.y.iter().for_each(|&c| counts[c] += 1);
        counts
    }

    /// At most about `max_rows` of this task's rows, whole groups at a time in a seeded random
    /// order (a group that would overshoot is still taken whole); all rows when they fit. A
    /// class left with fewer than `min_per_class` rows (or all of its rows, if it has fewer)
    /// gets more of the groups that hold it, so that every fold can see it.
    pub(super) fn sample(
        &self,
        max_rows: usize,
        min_per_class: usize,
        groups: &[usize],
        seed: u64,
    ) -> TaskRows {
        if self.docs.len() <= max_rows {
            return TaskRows { docs: self.docs.clone(), y: self.y.clone(), ..self.clone_head() };
        }
        let mut members: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (p, &d) in self.docs.iter().enumerate() {
            members.entry(groups[d]).or_default().push(p);
        }
        let mut order: Vec<&Vec<usize>> = members.values().collect();
        SplitMix64::new(seed).shuffle(&mut order);
        let mut taken: Vec<usize> = Vec::with_capacity(max_rows);
        let mut used = vec![false; order.len()];
        for (g, group) in order.iter().enumerate() {
            if taken.len() >= max_rows {
                break;
            }
            taken.extend(group.iter());
            used[g] = true;
        }
        let total = self.class_counts();
        for (class, &count) in total.iter().enumerate() {
            let want = min_per_class.min(count as usize);
            let mut have = taken.iter().filter(|&&p| self.y[p] == class).count();
            for (g, group) in order.iter().enumerate() {
                if have >= want {
                    break;
                }
                if !used[g] && group.iter().any(|&p| self.y[p] == class) {
                    have += group.iter().filter(|&&p| self.y[p] == class).count();
                    taken.extend(group.iter());
                    used[g] = true;
                }
            }
        }
        taken.sort_unstable();
        TaskRows {
            docs: taken.iter().map(|&p| self.docs[p]).collect(),
            y: taken.iter().map(|&p| self.y[p]).collect(),
            ..self.clone_head()
        }
    }

    fn clone_head(&self) -> TaskRows {
        TaskRows {
            name: self.name.clone(),
            classes: self.classes.clone(),
            docs: Vec::new(),
            y: Vec::new(),
        }
    }
}
