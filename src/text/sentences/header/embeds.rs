//! Tweets and videos that pages embed in an article and scrapers run into its text: a tweet's
//! links and its author's signature (`... its agencies. pic.twitter.comtCdooEpBWg Joyce Karam
//! (JoyceKaram) September 13 2016 "I am pained ...`) and a video's title at the start of a
//! sentence (`The War In Syria Interview with ... on US strikes on regime forces - YouTube
//! Russia has backed ...`).

use std::sync::OnceLock;

use memchr::memmem;

use super::date_run;

/// Most words in the name of a tweet's author ("The White Helmets").
const MAX_NAME_WORDS: usize = 6;

/// Longest video title looked at, in bytes.
const MAX_TITLE_LEN: usize = 200;

/// The end of a video title: the site's name after it.
const VIDEO_SITE: &[u8] = b" - YouTube";

/// A tweet run into a line: its links and, when there is one, its signature.
pub(in crate::text::sentences) struct Tweet {
    /// The picture link and a link just before it: "httpst.co7yzW74JRrW
    /// pic.twitter.comsRZBdQcoeo".
    pub links: (usize, usize),
    /// The author, the handle in brackets and the date: "Joyce Karam (JoyceKaram) September 13
    /// 2016".
    pub signature: Option<(usize, usize)>,
}

/// The first tweet's picture link ("pic.twitter.com...", at the start of `start..end` or after
/// a space) with the link before it, which may be glued to the end of a sentence ("last
/// night.httpst.co7yzW74JRrW pic.twitter.com..."), and the signature after it.
pub(in crate::text::sentences) fn tweet(bytes: &[u8], start: usize, end: usize) -> Option<Tweet> {
    static FINDER: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| memmem::Finder::new(b"pic.twitter.com"));
    let pic = start + finder.find(&bytes[start..end])?;
    if pic > start && bytes[pic - 1] != b' ' {
        return None;
    }
    let links_end = token_end(bytes, pic, end);
    let links = (link_before(bytes, start, pic), links_end);
    Some(Tweet { links, signature: signature(bytes, links_end, end) })
}

/// Where a link in the word before `pic` starts ("httpst.co...", "https://t.co/..."), or `pic`.
fn link_before(bytes: &[u8], start: usize, pic: usize) -> usize {
    if pic < start + 2 {
        return pic;
    }
    let word_start =
        bytes[start..pic - 1].iter().rposition(|&b| b == b' ').map_or(start, |p| start + p + 1);
    memmem::find(&bytes[word_start..pic - 1], b"http").map_or(pic, |at| word_start + at)
}

fn token_end(bytes: &[u8], pos: usize, end: usize) -> usize {
    pos + bytes[pos..end].iter().take_while(|&&b| b != b' ').count()
}

/// After a space at `pos`: one to [`MAX_NAME_WORDS`] words, a handle in brackets and a date.
/// Returns the signature's range.
fn signature(bytes: &[u8], pos: usize, end: usize) -> Option<(usize, usize)> {
    let start = pos + 1;
    if start >= end || bytes[pos] != b' ' {
        return None;
    }
    let mut p = start;
    for words in 0..=MAX_NAME_WORDS {
        if p >= end {
            return None;
        }
        let e = token_end(bytes, p, end);
        let word = &bytes[p..e];
        if word.len() > 2 && word[0] == b'(' && word[word.len() - 1] == b')' {
            return (words > 0 && e + 1 < end)
                .then(|| date_run(bytes, e + 1, end))
                .flatten()
                .map(|d| (start, d));
        }
        p = e + 1;
    }
    None
}

/// A video title at the start of `pos..end` with text after it: words up to [`VIDEO_SITE`],
/// then a capitalised word or a quotation. Returns where the title ends.
pub(in crate::text::sentences) fn video_title(
    bytes: &[u8],
    pos: usize,
    end: usize,
) -> Option<usize> {
    static FINDER: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| memmem::Finder::new(VIDEO_SITE));
    let limit = end.min(pos + MAX_TITLE_LEN);
    let found = finder.find(&bytes[pos..limit])?;
    let at = pos + found + VIDEO_SITE.len();
    let text_after = bytes.get(at) == Some(&b' ')
        && bytes.get(at + 1).is_some_and(|&b| b.is_ascii_uppercase() || b == b'"');
    (found > 0 && at + 1 < end && text_after).then_some(at)
}
