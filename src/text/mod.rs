//! Text: sentences (with byte offsets, page furniture named by kind), tokens and stems.

pub(crate) mod ascii;
mod mentions;
mod sentences;
mod stem;
mod tokens;

pub use mentions::{dateline_len, Actor, ActorAlias, Mention, MentionFinder};
pub use sentences::{
    FurnitureKind, FurniturePatternError, SentenceSpan, SentenceSplitter, SpanKind,
};
pub use stem::{Language, Probe, StemCache, Stemmer};
pub use tokens::{Tokenizer, NUMBER_TOKEN};
