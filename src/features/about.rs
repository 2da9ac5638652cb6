//! "About" features: in a sentence that names an actor, every word also counts as said about
//! that actor (see [`FeatureSettings::about_features`](crate::features::FeatureSettings)).
//!
//! The copy of word `w` for actor `NAME` is the word bigram key `[about:NAME, w]`: the marker
//! is a stem no token can take (tokens hold no `:`), so the pair never collides with a real
//! bigram, and the vocabulary, the TF-IDF weights and the model treat it as any other term.

use crate::features::settings::MAX_ABOUT_ACTORS;

/// Prefix of the marker stems of "about" features (see [`about_marker`]).
pub const ABOUT_PREFIX: &str = "about:";

/// The marker stem of actor `name`'s "about" features: `about:NAME`.
pub fn about_marker(name: &str) -> String {
    format!("{ABOUT_PREFIX}{name}")
}

/// Stem ids, at most one per actor, kept without allocating.
#[derive(Debug)]
pub(crate) struct AboutIds {
    ids: [u32; MAX_ABOUT_ACTORS],
    len: usize,
}

impl Default for AboutIds {
    fn default() -> Self {
        AboutIds { ids: [0; MAX_ABOUT_ACTORS], len: 0 }
    }
}

impl AboutIds {
    /// Adds `id`; ids past [`MAX_ABOUT_ACTORS`] are not kept (settings refuse more actors).
    pub fn push(&mut self, id: u32) {
        if self.len < self.ids.len() {
            self.ids[self.len] = id;
            self.len += 1;
        }
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.ids[..self.len]
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, id: &u32) -> bool {
        self.as_slice().contains(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_order_and_stop_at_the_actor_limit() {
        let mut ids = AboutIds::default();
        assert!(ids.is_empty());
        for i in 0..(MAX_ABOUT_ACTORS as u32 + 3) {
            ids.push(i * 2);
        }
        assert_eq!(ids.as_slice().len(), MAX_ABOUT_ACTORS);
        assert_eq!(&ids.as_slice()[..3], &[0, 2, 4]);
        assert!(ids.contains(&4) && !ids.contains(&5));
    }
}
