//! The `"predictions"` object of a JSONL unit, from pieces laid out once per writer: a unit
//! copies the piece of each task's label and writes its probabilities into it, instead of
//! appending every key, colon and comma of the object one by one.

use super::encode::probability_digits;
use super::json_string;
use crate::model::{argmax, TaskHead};

/// One task's object with one of its classes as the label,
/// `"TASK":{"label":"CLASS","probabilities":{"a":0.0000,...}}`, and where each class's
/// probability goes in it.
#[derive(Debug, Clone)]
struct Piece {
    bytes: Vec<u8>,
    /// Per class, the offset of its six bytes in `bytes`.
    slots: Vec<usize>,
}

/// The pieces of every task and label.
#[derive(Debug, Clone, Default)]
pub(super) struct Predictions {
    /// Per task, per class as the label.
    pieces: Vec<Vec<Piece>>,
}

impl Predictions {
    /// The pieces of `heads`' tasks.
    pub(super) fn new(heads: &[TaskHead]) -> Self {
        let pieces = heads
            .iter()
            .map(|h| (0..h.classes.len()).map(|label| piece(h, label)).collect())
            .collect();
        Predictions { pieces }
    }

    /// Appends `,"predictions":{...}` for the concatenated probabilities `p` of the tasks of
    /// `heads` (those the pieces were made for): the same bytes as the object written key by
    /// key, without explanations.
    #[inline]
    pub(super) fn write(&self, out: &mut Vec<u8>, heads: &[TaskHead], p: &[f64]) {
        out.extend_from_slice(b",\"predictions\":{");
        for (t, (h, pieces)) in heads.iter().zip(&self.pieces).enumerate() {
            if t > 0 {
                out.push(b',');
            }
            let probs = &p[h.offset..h.offset + h.classes.len()];
            let piece = &pieces[argmax(probs)];
            let at = out.len();
            out.extend_from_slice(&piece.bytes);
            let written = &mut out[at..];
            for (&slot, &v) in piece.slots.iter().zip(probs) {
                written[slot..slot + 6].copy_from_slice(&probability_digits(v));
            }
        }
        out.push(b'}');
    }
}

/// The piece of task `h` with class `label` as the label, its probabilities zero.
fn piece(h: &TaskHead, label: usize) -> Piece {
    let mut bytes = Vec::new();
    json_string(&mut bytes, &h.name);
    bytes.extend_from_slice(b":{\"label\":");
    json_string(&mut bytes, &h.classes[label]);
    bytes.extend_from_slice(b",\"probabilities\":{");
    let mut slots = Vec::new();
    for (c, class) in h.classes.iter().enumerate() {
        if c > 0 {
            bytes.push(b',');
        }
        json_string(&mut bytes, class);
        bytes.push(b':');
        slots.push(bytes.len());
        bytes.extend_from_slice(b"0.0000");
    }
    bytes.extend_from_slice(b"}}");
    Piece { bytes, slots }
}
