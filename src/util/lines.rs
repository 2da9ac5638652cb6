//! Physical line numbers of byte offsets, for line ends of any kind: LF, CRLF and a lone CR
//! each end one line. The `csv` crate counts only line feeds, so a CR-only file would be one
//! line and ids built from its line numbers (`FILE:LINE`) would collide.

use std::collections::VecDeque;

/// Follows bytes as they are read and answers, for byte offsets asked in increasing order,
/// the 1-based line they are on. Only the line starts not yet asked about are kept.
#[derive(Debug, Default, Clone)]
pub(crate) struct LineCounter {
    /// Bytes fed so far.
    fed: u64,
    /// Offsets at which a line starts (just after a line end), not yet passed by a query.
    starts: VecDeque<u64>,
    /// Line starts already passed by a query.
    passed: u64,
    /// The last byte fed was a CR (its line start may move past a following LF).
    after_cr: bool,
}

impl LineCounter {
    /// Follows `bytes`, the next ones read.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            let at = self.fed + i as u64;
            match b {
                // CRLF ends one line, at the CR: the LF counts with the next line (the `csv`
                // crate puts a record's start there).
                b'\n' if self.after_cr => {}
                b'\n' | b'\r' => self.starts.push_back(at + 1),
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
        self.fed += bytes.len() as u64;
    }

    /// The 1-based line of byte `offset`; offsets must not decrease from one call to the next.
    pub(crate) fn line_of(&mut self, offset: u64) -> u64 {
        while self.starts.front().is_some_and(|&s| s <= offset) {
            self.starts.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// The 1-based line of byte `offset` in `bytes`.
pub(crate) fn line_of(bytes: &[u8], offset: u64) -> u64 {
    let mut counter = LineCounter::default();
    counter.feed(&bytes[..(offset as usize).min(bytes.len())]);
    counter.line_of(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_and_cr_each_end_a_line() {
        for (text, starts) in
            [(&b"a\nb\nc"[..], [0u64, 2, 4]), (b"a\r\nb\r\nc", [0, 3, 6]), (b"a\rb\rc", [0, 2, 4])]
        {
            for (i, &s) in starts.iter().enumerate() {
                assert_eq!(line_of(text, s), i as u64 + 1, "{text:?} at {s}");
            }
        }
        // Fed in pieces that cut a CRLF in two.
        let mut c = LineCounter::default();
        c.feed(b"a\r");
        c.feed(b"\nb\r");
        c.feed(b"\nc");
        assert_eq!((c.line_of(0), c.line_of(3), c.line_of(6)), (1, 2, 3));
    }
}
