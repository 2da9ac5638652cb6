//! Finds a CSV quote that is never closed.
//!
//! The `csv` crate reads an unclosed quote to the end of the input as one cell, without an
//! error, so a single stray `"` can swallow every row after it. This scanner follows the same
//! quoting rules as the reader (a quote opens a quoted cell only at the start of a cell, `""`
//! inside one is a literal quote) over the bytes of the last record, so readers can refuse or
//! skip that record with a message pointing at the quote.

/// Where an unclosed quote was opened, relative to the start of the scanned bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        StartField,
        InField,
        InQuotes,
        QuoteInQuotes,
    }
    let mut state = State::StartField;
    let (mut line, mut field, mut record) = (0u64, 1u64, 0u64);
    let mut opened = UnclosedQuote { line_offset: 0, field: 1, lines: 1, record_offset: 0 };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        state = match state {
            State::InQuotes => {
                // Jump to the next quote; count the lines on the way.
                match memchr::memchr(b'"', &bytes[i..]) {
                    Some(n) => {
                        line += memchr::memchr_iter(b'\n', &bytes[i..i + n]).count() as u64;
                        i += n + 1;
                        state = State::QuoteInQuotes;
                        continue;
                    }
                    None => {
                        line += memchr::memchr_iter(b'\n', &bytes[i..]).count() as u64;
                        // A line break that ends the input does not start another line.
                        let trailing = u64::from(bytes.last() == Some(&b'\n'));
                        opened.lines = (line - opened.line_offset + 1 - trailing).max(1);
                        return Some(opened);
                    }
                }
            }
            State::QuoteInQuotes if b == b'"' => State::InQuotes,
            State::StartField if b == b'"' => {
                opened =
                    UnclosedQuote { line_offset: line, field, lines: 1, record_offset: record };
                State::InQuotes
            }
            _ => match b {
                b',' => {
                    field += 1;
                    State::StartField
                }
                b'\n' | b'\r' => {
                    if b == b'\n' {
                        line += 1;
                    }
                    if state != State::StartField || field > 1 {
                        record += 1;
                    }
                    field = 1;
                    State::StartField
                }
                _ => State::InField,
            },
        };
        i += 1;
    }
    // The input ended right after the opening quote.
    (state == State::InQuotes).then_some(opened)
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
}
