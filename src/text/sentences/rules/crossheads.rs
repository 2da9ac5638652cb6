//! Crossheads that scraped pages run into the text after a sentence, with no line break and
//! no punctuation: a heading in capitals (`... said. SURPRISING TIMING The timing ...`) and
//! the province headings of SANA's regional round-ups (`... destroyed. Aleppo A military
//! source said ...`, `Hama/Idleb Army units ...`). The heading is a unit of its own (scored
//! like the title: it is prose, not page furniture).

use super::is_sentence_opener;

/// Most words in a heading in capitals.
const MAX_CAPS_WORDS: usize = 5;

/// Province and region headings of SANA's round-ups. A heading of several is joined by
/// slashes: "Hama/Idleb".
const PROVINCES: &[&str] = &[
    "Aleppo",
    "Damascus Countryside",
    "Damascus",
    "Daraa",
    "Deir Ezzor",
    "Hama",
    "Hasaka",
    "Homs",
    "Idleb",
    "Lattakia",
    "Quneitra",
    "Raqqa",
    "Sweida",
    "Tartous",
];

/// A crosshead at `pos` (the start of a sentence that follows another in the same line) with
/// text after it: returns where it ends.
pub(in crate::text::sentences) fn crosshead(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    caps_heading(bytes, pos, end).or_else(|| province_heading(bytes, pos, end))
}

/// Two to [`MAX_CAPS_WORDS`] words of two or more capitals (hyphens inside allowed), then a
/// capitalised word in lower case: "SURPRISING TIMING The", "MILITARY BASES Slideshow".
/// Not "U.S. ...", and not acronyms before a name: the last word has four letters or more
/// ("SUBSCRIBE TRT World" is not a heading), and two words of four letters or fewer are taken
/// for acronyms ("UN OCHA Director").
fn caps_heading(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let mut p = pos;
    let mut words = 0;
    let mut longest = 0;
    loop {
        let len =
            bytes[p..end].iter().take_while(|&&b| b.is_ascii_uppercase() || b == b'-').count();
        let word = &bytes[p..p + len];
        if len < 2 || !word[0].is_ascii_uppercase() || !word[len - 1].is_ascii_uppercase() {
            return None;
        }
        words += 1;
        longest = longest.max(len);
        let after = p + len;
        if after + 2 >= end || bytes[after] != b' ' || words > MAX_CAPS_WORDS {
            return None;
        }
        let next = &bytes[after + 1..end];
        if next[0].is_ascii_uppercase() && next[1].is_ascii_lowercase() {
            let acronyms = words == 2 && longest <= 4;
            return (words >= 2 && len >= 4 && !acronyms).then_some(after);
        }
        p = after + 1;
    }
}

/// One or more [`PROVINCES`] joined by slashes, then a sentence opener ("The", "A",
/// "Earlier"), or after a slashed heading any capitalised word.
fn province_heading(bytes: &[u8], pos: usize, end: usize) -> Option<usize> {
    let mut p = pos;
    let mut names = 0;
    loop {
        let rest = &bytes[p..end];
        let name = PROVINCES.iter().find(|n| {
            rest.starts_with(n.as_bytes()) && matches!(rest.get(n.len()), Some(b' ' | b'/'))
        })?;
        names += 1;
        p += name.len();
        if bytes[p] == b'/' {
            p += 1;
            continue;
        }
        break;
    }
    let next = p + 1;
    let word_len = bytes[next..end].iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let word = &bytes[next..next + word_len];
    let opens = word.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.get(next + word_len) == Some(&b' ')
        && next + word_len < end
        && (is_sentence_opener(word) || names > 1);
    opens.then_some(p)
}
