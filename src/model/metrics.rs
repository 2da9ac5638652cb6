//! Classification quality: confusion matrix, per-class precision/recall/F1, macro-F1.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Per-class figures of a [`ClassificationReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    /// The class label.
    pub class: String,
    /// Of the rows predicted as this class, the fraction that were.
    pub precision: f64,
    /// Of the rows of this class, the fraction predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Number of rows of this class.
    pub support: u64,
}

/// Quality of predictions against true labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationReport {
    /// Per class, in class order.
    pub classes: Vec<ClassScores>,
    /// `confusion[true][predicted]` row counts.
    pub confusion: Vec<Vec<u64>>,
    /// Fraction of rows predicted correctly.
    pub accuracy: f64,
    /// Unweighted mean of the per-class F1.
    pub macro_f1: f64,
}

impl ClassificationReport {
    /// Computes the report from class indices (`truth[i]`, `predicted[i]` < `class_names.len()`).
    pub fn new(class_names: &[String], truth: &[usize], predicted: &[usize]) -> Self {
        let k = class_names.len();
        let mut confusion = vec![vec![0u64; k]; k];
        for (&t, &p) in truth.iter().zip(predicted) {
            confusion[t][p] += 1;
        }
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let classes: Vec<ClassScores> = (0..k)
            .map(|c| {
                let tp = confusion[c][c];
                let support: u64 = confusion[c].iter().sum();
                let predicted_c: u64 = confusion.iter().map(|row| row[c]).sum();
                let precision = ratio(tp, predicted_c);
                let recall = ratio(tp, support);
                let f1 = if precision + recall == 0.0 {
                    0.0
                } else {
                    2.0 * precision * recall / (precision + recall)
                };
                ClassScores { class: class_names[c].clone(), precision, recall, f1, support }
            })
            .collect();
        let correct: u64 = (0..k).map(|c| confusion[c][c]).sum();
        let accuracy = ratio(correct, truth.len() as u64);
        let macro_f1 =
            if k == 0 { 0.0 } else { classes.iter().map(|c| c.f1).sum::<f64>() / k as f64 };
        ClassificationReport { classes, confusion, accuracy, macro_f1 }
    }
}

impl fmt::Display for ClassificationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.classes.iter().map(|c| c.class.chars().count()).max().unwrap_or(5).max(9);
        writeln!(
            f,
            "  {:<width$} {:>9} {:>9} {:>9} {:>9}",
            "class", "precision", "recall", "f1", "support"
        )?;
        for c in &self.classes {
            writeln!(
                f,
                "  {:<width$} {:>9.3} {:>9.3} {:>9.3} {:>9}",
                c.class, c.precision, c.recall, c.f1, c.support
            )?;
        }
        writeln!(f, "  accuracy {:.3}   macro-F1 {:.3}", self.accuracy, self.macro_f1)?;
        writeln!(f, "  confusion (rows: true, columns: predicted)")?;
        write!(f, "  {:<width$}", "")?;
        for c in &self.classes {
            write!(f, " {:>9}", c.class)?;
        }
        writeln!(f)?;
        for (c, row) in self.classes.iter().zip(&self.confusion) {
            write!(f, "  {:<width$}", c.class)?;
            for n in row {
                write!(f, " {n:>9}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_from_a_known_confusion() {
        let names: Vec<String> = ["anti", "neutral", "pro"].map(String::from).to_vec();
        // true:      a a a n n p
        // predicted: a a n n n a
        let r = ClassificationReport::new(&names, &[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 1, 0]);
        assert_eq!(r.confusion, vec![vec![2, 1, 0], vec![0, 2, 0], vec![1, 0, 0]]);
        assert!((r.classes[0].precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.classes[0].recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.classes[1].f1 - 0.8).abs() < 1e-12);
        assert_eq!(r.classes[2].f1, 0.0);
        assert!((r.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert!((r.macro_f1 - (2.0 / 3.0 + 0.8) / 3.0).abs() < 1e-12);
        let text = r.to_string();
        assert!(text.contains("macro-F1 0.489"), "{text}");
    }
}
