//! Photo credits and their captions inside a line of body text.

use super::{furniture, skip_whitespace, split_sentences};
use crate::text::sentences::furniture::FurnitureKind;
use crate::text::sentences::header;
use crate::text::sentences::{SentenceSpan, SpanKind};

/// Photo credits inside the line from `pos`: the text before one is its caption. An agency in
/// brackets after a city in capitals is a dateline instead ("... Deir ez-Zor. MOSCOW
/// (Sputnik) According to ..."). Returns where the text after the last of them starts.
pub(super) fn split_credits(
    text: &str,
    mut pos: usize,
    end: usize,
    out: &mut Vec<SentenceSpan>,
) -> usize {
    let bytes = text.as_bytes();
    let mut from = pos;
    while let Some((s, e)) = header::next_credit(bytes, from, end) {
        if let Some(city) = header::city_before(bytes, pos, s) {
            if let Some(de) = header::dateline(bytes, city, end) {
                split_sentences(text, pos, city, SpanKind::Sentence, out);
                out.push(furniture(city, de, FurnitureKind::DATELINE));
                pos = skip_whitespace(text, de, end);
                from = pos;
                continue;
            }
        }
        let before = out.len();
        split_sentences(text, pos, s, SpanKind::Sentence, out);
        if out.len() > before {
            let last = out.len() - 1;
            out[last].kind = SpanKind::Furniture(FurnitureKind::CAPTION);
        }
        out.push(furniture(s, e, FurnitureKind::CREDIT));
        pos = skip_whitespace(text, e, end);
        from = pos;
    }
    pos
}

/// A credit line glued after its caption ("... 2018. Photo: Delil Ahmed / AFP"), among the
/// sentences pushed from `first` on: the last two become credit and caption.
pub(super) fn mark_glued_credit(text: &str, first: usize, out: &mut [SentenceSpan]) {
    if out.len() >= first + 2 {
        let last = out.len() - 1;
        if crate::text::sentences::furniture::is_photo_credit_line(out[last].text(text)) {
            out[last].kind = SpanKind::Furniture(FurnitureKind::CREDIT);
            out[last - 1].kind = SpanKind::Furniture(FurnitureKind::CAPTION);
        }
    }
}
