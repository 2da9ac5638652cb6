//! Site footers that scraped pages run into the last line of the story, without line breaks
//! or punctuation between their parts: TRT World's "Related News" block of headlines, its
//! "Category News" block, then its follow, subscribe and copyright widgets, all on one line
//! after "Source TRTWorld and agencies". A footer starts at an opening label
//! ([`FOOTER_OPENERS`]) inside a line and runs to the end of the line. It is cut into the
//! parts listed in [`FOOTER_PARTS`]; text between two known parts (a headline that is not in
//! the table) becomes one span, `related` before the first widget and `other` after it, cut
//! only after a `?` or `!`.

use memchr::memmem;

use super::super::engine::is_space;
use super::FurnitureKind as K;
use super::FurnitureKind;

/// Labels that open a site footer run into a line: the label must follow a space (or start
/// the line) and be followed by a capitalised word.
const FOOTER_OPENERS: &[(&str, FurnitureKind)] = &[("Related News", K::RELATED)];

/// How far a [`FOOTER_PARTS`] entry reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Exactly the text.
    Exact,
    /// From the text to the end of its sentence (a period before a space, or the line's end):
    /// "Copyright © 2018 TRT World."
    Sentence,
    /// From the text to the end of the line: the site map closing the page.
    Rest,
}

/// The parts of the footers, matched case-sensitively at a word start and followed by a
/// space or the end of the line; the longest entry that matches wins. The headlines are the
/// sidebar entries that recur across pages of the FA-KES corpus; a headline not listed here
/// still ends up in a `related` span, only not cut from its neighbours.
const FOOTER_PARTS: &[(&str, Reach, FurnitureKind)] = &[
    // TRT World: the related-headlines sidebar.
    ("Iraqs vote violations | The global gag rule | Slovenian elections", Reach::Exact, K::RELATED),
    ("Thousands of Afghan migrants walk into Turkey for a better life", Reach::Exact, K::RELATED),
    ("Are Donald Trumps new abortion policies just?", Reach::Exact, K::RELATED),
    (
        "37th Istanbul Film Festival Egon Schiele Cy Twombly | Episode | Showcase",
        Reach::Exact,
        K::RELATED,
    ),
    ("Idlib offensive could spark worst humanitarian emergency UN", Reach::Exact, K::RELATED),
    ("Category News", Reach::Exact, K::OTHER),
    (
        "The blunders of MBS and how Saudi Arabia can reclaim its sovereignty",
        Reach::Exact,
        K::RELATED,
    ),
    ("Sudanese President Bashir dissolves government appoints new PM", Reach::Exact, K::RELATED),
    ("Summit in Tehran calls for political solution in Syria", Reach::Exact, K::RELATED),
    (
        "Talks in Tehran are a last-ditch effort to avoid another Syrian bloodbath",
        Reach::Exact,
        K::RELATED,
    ),
    ("At least one Palestinian killed during Gaza protests", Reach::Exact, K::RELATED),
    ("Yemen faces worsening threat of famine UN aid chief", Reach::Exact, K::RELATED),
    (
        "Turkey working with Russia on Idlib disarmament zone Erdogan spokesman",
        Reach::Exact,
        K::RELATED,
    ),
    ("10 Trump decisions killing Palestinian statehood", Reach::Exact, K::RELATED),
    // TRT World: follow, newsletter and channel widgets.
    ("A picture is worth a thousand words.", Reach::Exact, K::SHARE),
    ("Follow us on Instagram.", Reach::Exact, K::SHARE),
    ("FOLLOW TRTWORLD", Reach::Exact, K::SHARE),
    ("Dont miss out on the Latest News", Reach::Exact, K::OTHER),
    ("We wont spam you and we respect your privacy.", Reach::Exact, K::OTHER),
    ("SUBSCRIBE", Reach::Exact, K::OTHER),
    ("TRT World on Youtube", Reach::Exact, K::SHARE),
    ("Subscribe to our Youtube channel", Reach::Sentence, K::SHARE),
    ("Subscribe", Reach::Exact, K::SHARE),
    ("TRT World on Facebook", Reach::Exact, K::SHARE),
    ("Like Follow Follow", Reach::Exact, K::SHARE),
    ("Copyright ", Reach::Sentence, K::OTHER),
    ("TRT World Watch Live TV Schedule", Reach::Rest, K::OTHER),
];

/// A site footer run into `start..end` (a trimmed line): pushes its parts into `found`, in
/// order and trimmed, and returns where it starts.
pub(in crate::text::sentences) fn site_footer(
    text: &str,
    start: usize,
    end: usize,
    found: &mut Vec<(usize, usize, FurnitureKind)>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    static FINDERS: std::sync::OnceLock<Vec<memmem::Finder<'static>>> = std::sync::OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        FOOTER_OPENERS.iter().map(|o| memmem::Finder::new(o.0.as_bytes())).collect()
    });
    let line = &bytes[start..end];
    let (at, label_end, kind) =
        finders.iter().zip(FOOTER_OPENERS).find_map(|(finder, opener)| {
            finder.find_iter(line).find_map(|at| {
                let after = at + opener.0.len();
                let opens = (at == 0 || line[at - 1] == b' ')
                    && line.get(after) == Some(&b' ')
                    && line.get(after + 1).is_some_and(u8::is_ascii_uppercase);
                opens.then_some((start + at, start + after, opener.1))
            })
        })?;
    found.clear();
    found.push((at, label_end, kind));
    footer_parts(bytes, skip_spaces(bytes, label_end, end), end, found);
    // Tabs and other whitespace inside the footer stay out of the spans.
    found.retain_mut(|(s, e, _)| {
        let piece = &text[*s..*e];
        let trimmed = piece.trim_start_matches(is_space);
        *s += piece.len() - trimmed.len();
        *e = *s + trimmed.trim_end_matches(is_space).len();
        s < e
    });
    Some(at)
}

/// Cuts `pos..end` into [`FOOTER_PARTS`] and the text between them.
fn footer_parts(
    bytes: &[u8],
    mut pos: usize,
    end: usize,
    found: &mut Vec<(usize, usize, FurnitureKind)>,
) {
    let mut unknown_kind = K::RELATED;
    while pos < end {
        if let Some((e, kind)) = part_at(bytes, pos, end) {
            found.push((pos, e, kind));
            if kind == K::SHARE {
                unknown_kind = K::OTHER;
            }
            pos = skip_spaces(bytes, e, end);
            continue;
        }
        // Up to the next known part (at a word start), cut after `?` and `!`.
        let mut p = pos;
        let stop = loop {
            match memchr::memchr(b' ', &bytes[p..end]) {
                None => break end,
                Some(offset) => {
                    p = p + offset + 1;
                    let cut = matches!(bytes[p - 2], b'?' | b'!');
                    if cut || part_at(bytes, p, end).is_some() {
                        break p - 1;
                    }
                }
            }
        };
        found.push((pos, stop, unknown_kind));
        pos = skip_spaces(bytes, stop, end);
    }
}

/// The longest [`FOOTER_PARTS`] entry at `pos`: its end and kind.
fn part_at(bytes: &[u8], pos: usize, end: usize) -> Option<(usize, FurnitureKind)> {
    let rest = &bytes[pos..end];
    FOOTER_PARTS
        .iter()
        .filter(|(text, _, _)| rest.starts_with(text.as_bytes()))
        .filter_map(|&(text, reach, kind)| {
            let e = match reach {
                Reach::Exact => text.len(),
                Reach::Sentence => sentence_end(rest, text.len()),
                Reach::Rest => rest.len(),
            };
            (e == rest.len() || rest[e] == b' ').then_some((e, kind))
        })
        .max_by_key(|&(e, _)| e)
        .map(|(e, kind)| (pos + e, kind))
}

/// The end of the sentence in `rest` from `from`: just past a period followed by a space,
/// or the end.
fn sentence_end(rest: &[u8], from: usize) -> usize {
    let mut p = from;
    while let Some(offset) = memchr::memchr(b'.', &rest[p..]) {
        let dot = p + offset;
        if dot + 1 == rest.len() || rest[dot + 1] == b' ' {
            return dot + 1;
        }
        p = dot + 1;
    }
    rest.len()
}

fn skip_spaces(bytes: &[u8], mut pos: usize, end: usize) -> usize {
    while pos < end && bytes[pos] == b' ' {
        pos += 1;
    }
    pos
}
