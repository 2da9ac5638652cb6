//! Feature settings: everything that decides how a sentence becomes a TF-IDF row.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::{Actor, Language};

/// How sentences are turned into features. Stored in the model bundle, so prediction analyzes
/// text exactly as training did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureSettings {
    /// Word n-gram sizes, inclusive: `(1, 2)` is unigrams and bigrams. At most 3.
    pub word_ngrams: (usize, usize),
    /// Character n-gram sizes within word boundaries (padded with a space), or none.
    pub char_ngrams: Option<(usize, usize)>,
    /// A term must occur in at least this many training sentences.
    pub min_df: usize,
    /// A term occurring in more than this fraction of training sentences is dropped.
    pub max_df: f64,
    /// A character n-gram occurring in more than this fraction of training sentences is
    /// dropped (on top of `max_df`). The most common n-grams ("th", "the", "ed ") say little
    /// and make up most of a sentence's character features: dropping them makes training and
    /// scoring cheaper. 1 keeps them all (models written before this setting existed).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub char_max_df: f64,
    /// Keep at most this many terms (the most frequent; ties by term). Bounds the dense
    /// training matrix: rows x max_features x 8 bytes.
    pub max_features: Option<usize>,
    /// Use `1 + ln(count)` instead of the raw count.
    pub sublinear_tf: bool,
    /// Drop common English function words before forming n-grams.
    pub stop_words: bool,
    /// Snowball stemming language, or none to keep surface forms.
    pub stemming: Option<Language>,
    /// Token replacements applied before stemming (e.g. several names of one actor folded into
    /// one token). Keys and values are lowercase tokens.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Actors whose names are found in text (see [`crate::text::MentionFinder`]). When there
    /// are any, a leading dateline is left out of the features, and every single-word name of
    /// an actor that is a mention (not a place, see [`crate::text::ActorAlias::not_after`])
    /// becomes the actor's placeholder token ([`Actor::placeholder`]) with no character
    /// n-grams, so the model sees the same term whatever name a sentence uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<Actor>,
    /// In a sentence that mentions an actor, every unigram of the sentence also counts as a
    /// feature of its own, "about" that actor (`about:russia vetoed`): what a sentence says
    /// about an actor can weigh otherwise than the same words elsewhere, while naming the
    /// actor alone adds nothing. Needs `actors`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub about_features: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn one() -> f64 {
    1.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// Most actors whose "about" features ([`FeatureSettings::about_features`]) one model builds.
pub const MAX_ABOUT_ACTORS: usize = 64;

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            word_ngrams: (1, 2),
            char_ngrams: None,
            min_df: 2,
            max_df: 1.0,
            char_max_df: 1.0,
            max_features: Some(20_000),
            sublinear_tf: true,
            stop_words: false,
            stemming: Some(Language::English),
            aliases: BTreeMap::new(),
            actors: Vec::new(),
            about_features: false,
        }
    }
}

impl FeatureSettings {
    /// Checks the settings once, before any work, with a message for each mistake.
    pub fn validate(&self) -> Result<()> {
        let (lo, hi) = self.word_ngrams;
        if lo == 0 || lo > hi || hi > 3 {
            return Err(Error::setting(
                format!("word n-gram range {lo}..={hi} is not valid"),
                "use 1 <= min <= max <= 3, e.g. --ngrams 1,2",
            ));
        }
        if let Some((lo, hi)) = self.char_ngrams {
            if lo == 0 || lo > hi || hi > 8 {
                return Err(Error::setting(
                    format!("character n-gram range {lo}..={hi} is not valid"),
                    "use 1 <= min <= max <= 8, e.g. --char-ngrams 3,5",
                ));
            }
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::setting(
                format!("max_df {} is not in (0, 1]", self.max_df),
                "give max_df as a fraction of sentences, e.g. 0.9",
            ));
        }
        if !(self.char_max_df > 0.0 && self.char_max_df <= 1.0) {
            return Err(Error::setting(
                format!("char_max_df {} is not in (0, 1]", self.char_max_df),
                "give char_max_df as a fraction of sentences, e.g. 0.2",
            ));
        }
        if self.about_features && self.actors.len() > MAX_ABOUT_ACTORS {
            return Err(Error::setting(
                format!(
                    "{} actors, and \"about\" features are built for at most {MAX_ABOUT_ACTORS}",
                    self.actors.len()
                ),
                "give fewer actors, or turn the about features off (--about-features false)",
            ));
        }
        if self.max_features == Some(0) {
            return Err(Error::setting("max_features is 0", "give a positive number, or none"));
        }
        Ok(())
    }
}
