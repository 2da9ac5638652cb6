//! Line numbers of a mapped JSONL file, counted only where one is needed.
//!
//! The reading thread cuts a mapped file into blocks of lines without counting their lines
//! (counting every block there took about 4% of `predict --split-only`'s samples, on the thread
//! that competes with the workers for the cores). A worker counts the lines of its block as it
//! parses them and notes the count here. A block needs the number of its first line only for a
//! record without an id (its id is `FILE:LINE`), a skip or a warning: it then sums the counts of
//! the blocks before it, counting those not counted yet itself.
//!
//! The tally keeps 32 bytes per block of about 256 KB (its range, its count and its first line
//! number) until the file is read: 128 KB for a 1 GB file.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use super::mapped::Mapping;

/// The blocks of one mapped file, in order, and their line counts as far as known.
pub(crate) struct LineTally {
    map: Arc<Mapping>,
    blocks: Mutex<Blocks>,
}

/// What [`LineTally`] knows.
#[derive(Default)]
struct Blocks {
    /// Per block: its range in the mapping, and its lines ([`UNCOUNTED`] until counted).
    blocks: Vec<(Range<usize>, u64)>,
    /// The number of the first line of the first `first_lines.len()` blocks.
    first_lines: Vec<u64>,
}

/// The line count of a block not counted yet.
const UNCOUNTED: u64 = u64::MAX;

impl LineTally {
    pub(crate) fn new(map: Arc<Mapping>) -> Self {
        LineTally { map, blocks: Mutex::default() }
    }

    /// Adds the next block: `range` in the mapping, and its lines when known (a line skipped
    /// as too long is one line, and has no range). Returns the block's index.
    pub(crate) fn push(&self, range: Range<usize>, lines: Option<u64>) -> usize {
        let mut b = self.blocks.lock().expect("line tally lock");
        b.blocks.push((range, lines.unwrap_or(UNCOUNTED)));
        b.blocks.len() - 1
    }

    /// Whether no block was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.lock().expect("line tally lock").blocks.is_empty()
    }

    /// Notes that block `index` holds `lines` lines.
    pub(crate) fn counted(&self, index: usize, lines: u64) {
        self.blocks.lock().expect("line tally lock").blocks[index].1 = lines;
    }

    /// The lines of block `index`, counted now if nobody counted them yet.
    pub(crate) fn lines(&self, index: usize) -> u64 {
        let mut b = self.blocks.lock().expect("line tally lock");
        self.count(&mut b, index)
    }

    /// The number of the first line of block `index` (1 for the first block): the lines of
    /// the blocks before it, those not counted yet counted now.
    pub(crate) fn first_line(&self, index: usize) -> u64 {
        let mut b = self.blocks.lock().expect("line tally lock");
        while b.first_lines.len() <= index {
            let next = match b.first_lines.len() {
                0 => 1,
                n => b.first_lines[n - 1] + self.count(&mut b, n - 1),
            };
            b.first_lines.push(next);
        }
        b.first_lines[index]
    }

    fn count(&self, b: &mut Blocks, index: usize) -> u64 {
        let (range, lines) = &mut b.blocks[index];
        if *lines == UNCOUNTED {
            *lines = count_lines(&self.map.bytes()[range.clone()]);
        }
        *lines
    }
}

/// The lines in `bytes`: its line feeds, and one more for a last line without one.
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

impl std::fmt::Debug for LineTally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = self.blocks.lock().expect("line tally lock");
        write!(f, "LineTally({} blocks)", b.blocks.len())
    }
}
