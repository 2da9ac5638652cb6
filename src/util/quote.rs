//! Finds a CSV quote that is never closed.
//!
//! The `csv` crate reads an unclosed quote to the end of the input as one cell, without an
//! error, so a single stray `"` can swallow every row after it. This scanner follows the same
//! quoting rules as the reader (a quote opens a quoted cell only at the start of a cell, `""`
//! inside one is a literal quote) over the bytes of the last record, so readers can refuse or
//! skip that record with a message pointing at the quote.

/// Where an unclosed quote was opened, relative to the start of the scanned bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct UnclosedQuote {
    /// Line breaks before the quote (0: on the first line of the scanned bytes).
    pub line_offset: u64,
    /// 1-based cell of the record that the quote opens.
    pub field: u64,
    /// Lines from the quote to the end of the input (at least 1).
    pub lines: u64,
    /// Records that end before the quote (0: the quote is in the first record scanned).
    pub record_offset: u64,
}

/// Scans `bytes`, which start at the beginning of a record, to the end; `Some` when the input
/// ends inside a quoted cell.
pub(crate) fn unclosed_quote(bytes: &[u8]) -> Option<UnclosedQuote> {
    let mut scanner = QuoteScanner::default();
    scanner.feed(bytes);
    scanner.finish().map(|(q, _)| q)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuotes,
    QuoteInQuotes,
}

/// The scan of [`unclosed_quote`], fed piece by piece, for input that is read as a stream and
/// cannot be read again.
#[derive(Debug, Clone)]
pub(crate) struct QuoteScanner {
    state: State,
    /// Line breaks, cells of the current record, and records seen so far.
    line: u64,
    field: u64,
    record: u64,
    /// Bytes fed so far.
    bytes: u64,
    /// The last byte fed was a line feed.
    ends_with_newline: bool,
    /// The last quote that opened a cell, and its byte offset.
    opened: UnclosedQuote,
    opened_at: u64,
}

impl Default for QuoteScanner {
    fn default() -> Self {
        QuoteScanner {
            state: State::StartField,
            line: 0,
            field: 1,
            record: 0,
            bytes: 0,
            ends_with_newline: false,
            opened: UnclosedQuote::default(),
            opened_at: 0,
        }
    }
}

impl QuoteScanner {
    /// Scans the next bytes of the input.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            self.state = match self.state {
                State::InQuotes => {
                    // Jump to the next quote; count the lines on the way.
                    let rest = &bytes[i..];
                    let n = memchr::memchr(b'"', rest).unwrap_or(rest.len());
                    self.line += memchr::memchr_iter(b'\n', &rest[..n]).count() as u64;
                    if n == rest.len() {
                        break;
                    }
                    i += n + 1;
                    self.state = State::QuoteInQuotes;
                    continue;
                }
                State::QuoteInQuotes if b == b'"' => State::InQuotes,
                State::StartField if b == b'"' => {
                    self.opened = UnclosedQuote {
                        line_offset: self.line,
                        field: self.field,
                        lines: 1,
                        record_offset: self.record,
                    };
                    self.opened_at = self.bytes + i as u64;
                    State::InQuotes
                }
                _ => match b {
                    b',' => {
                        self.field += 1;
                        State::StartField
                    }
                    b'\n' | b'\r' => {
                        if b == b'\n' {
                            self.line += 1;
                        }
                        if self.state != State::StartField || self.field > 1 {
                            self.record += 1;
                        }
                        self.field = 1;
                        State::StartField
                    }
                    _ => State::InField,
                },
            };
            i += 1;
        }
        self.bytes += bytes.len() as u64;
        self.ends_with_newline = bytes.last() == Some(&b'\n');
    }

    /// At the end of the input: `Some` with the quote and its byte offset (from the first byte
    /// fed) when the input ends inside a quoted cell.
    pub(crate) fn finish(&self) -> Option<(UnclosedQuote, u64)> {
        if self.state != State::InQuotes {
            return None;
        }
        // A line break that ends the input does not start another line.
        let trailing = u64::from(self.ends_with_newline);
        let lines = (self.line - self.opened.line_offset + 1).saturating_sub(trailing).max(1);
        Some((UnclosedQuote { lines, ..self.opened }, self.opened_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_quotes_are_fine() {
        for ok in [
            &b"a,b\n"[..],
            b"\"a, b\",c\n",
            b"\"say \"\"hi\"\"\",x\n",
            b"\"multi\nline\",x\r\n",
            b"ab\"c,d\n",
            b"\"ab\"c\"d,e\n",
            b"",
        ] {
            assert_eq!(unclosed_quote(ok), None, "{}", String::from_utf8_lossy(ok));
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_with_its_line_and_cell() {
        assert_eq!(
            unclosed_quote(b"Hello,\"pro\nWorld,anti\n"),
            Some(UnclosedQuote { line_offset: 0, field: 2, lines: 2, record_offset: 0 })
        );
        assert_eq!(
            unclosed_quote(b"a,b\r\nc,d\n\"e,f\n"),
            Some(UnclosedQuote { line_offset: 2, field: 1, lines: 1, record_offset: 2 })
        );
        assert_eq!(
            unclosed_quote(b"\""),
            Some(UnclosedQuote { line_offset: 0, field: 1, lines: 1, record_offset: 0 })
        );
        assert_eq!(
            unclosed_quote(b"a,\""),
            Some(UnclosedQuote { line_offset: 0, field: 2, lines: 1, record_offset: 0 })
        );
        assert_eq!(
            unclosed_quote(b"\"x\"\"y"),
            Some(UnclosedQuote { line_offset: 0, field: 1, lines: 1, record_offset: 0 })
        );
    }

    #[test]
    fn fed_in_pieces_the_scan_finds_the_same_quote() {
        let inputs: [&[u8]; 8] = [
            b"a,b\n\"a, b\",c\n",
            b"\"say \"\"hi\"\"\",x\n\"multi\nline\",x\r\n",
            b"Hello,\"pro\nWorld,anti\n",
            b"a,b\r\nc,d\n\"e,f\n",
            b"a,\"",
            b"\"x\"\"y",
            b"x\n\"a\"\"\n\n",
            b"",
        ];
        for bytes in inputs {
            let whole = unclosed_quote(bytes);
            for cut in 0..=bytes.len() {
                let mut scanner = QuoteScanner::default();
                scanner.feed(&bytes[..cut]);
                scanner.feed(&bytes[cut..]);
                let got = scanner.finish();
                assert_eq!(got.map(|(q, _)| q), whole, "{bytes:?} cut at {cut}");
                if let Some((q, at)) = got {
                    assert_eq!(bytes[at as usize], b'"');
                    let line = bytes[..at as usize].iter().filter(|&&b| b == b'\n').count();
                    assert_eq!(q.line_offset, line as u64);
                }
            }
        }
    }
}
