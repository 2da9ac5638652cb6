//! The splitter's rules, one test per case, and its guarantees on odd and random inputs; the
//! checks every test uses are here.

use super::engine::is_space;
use super::*;

mod boundaries;
mod furniture;
mod guarantees;
mod rules;

/// Checks every guarantee of a split and returns it.
fn check_invariants(text: &str) -> Vec<SentenceSpan> {
    let splitter = SentenceSplitter::new();
    let spans = splitter.split(text);
    let mut reused = vec![SentenceSpan { start: 0, end: 0, kind: SpanKind::Sentence }];
    splitter.split_into(text, &mut reused);
    assert_eq!(spans, reused, "split_into must clear and match split");
    // Line ends taken from the offsets a JSONL reader notes (quotes, backslashes, controls).
    let escapes: Vec<usize> =
        (0..text.len()).filter(|&i| matches!(text.as_bytes()[i], b'"' | b'\\' | ..=0x1f)).collect();
    splitter.split_into_at(text, &escapes, &mut reused);
    assert_eq!(spans, reused, "split_into_at must clear and match split");
    let mut previous_end = 0;
    for span in &spans {
        assert!(span.start < span.end, "empty span {span:?} in {text:?}");
        assert!(span.start >= previous_end, "overlap at {span:?} in {text:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let s = &text[span.start..span.end];
        assert_eq!(s, span.text(text), "offsets must round-trip");
        assert_eq!(s, s.trim_matches(is_space), "span {s:?} not trimmed");
        assert_eq!(span.is_furniture(), span.furniture_kind().is_some());
        previous_end = span.end;
    }
    spans
}

/// Asserts the span texts in order; furniture spans are written with their kind as a
/// `[kind] ` prefix in `expected`.
fn assert_split(text: &str, expected: &[&str]) {
    let splitter = SentenceSplitter::new();
    let actual: Vec<String> = check_invariants(text)
        .iter()
        .map(|span| match span.kind {
            SpanKind::Sentence => span.text(text).to_string(),
            SpanKind::Furniture(kind) => {
                format!("[{}] {}", splitter.kind_name(kind), span.text(text))
            }
        })
        .collect();
    assert_eq!(actual, expected, "splitting {text:?}");
}
