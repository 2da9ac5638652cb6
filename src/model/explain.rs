//! Explanations: which words of a sentence pushed a task's predicted class, and by how much.
//!
//! A class's score (its logit) is `b_c + sum_f x_f W[f, c]` over the features `f` of the
//! sentence's TF-IDF row. Every feature comes from term occurrences in the sentence: a word
//! n-gram from the words it spans, a character n-gram from the word it is part of, an actor's
//! placeholder from the name as written. [`Scorer::explain`] splits each feature's product
//! `x_f W[f, c]` evenly over its occurrences and adds up the shares of each surface form
//! ("barrel bombs", "Assad's"), so the terms of an explanation and its intercept add up to the
//! score, with nothing left out (up to floating-point rounding).
//!
//! For the report of a trained model, [`top_features`] lists the largest weights of a class,
//! with each term shown as readers would write it ([`readable_term`]).

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::features::{FeatureIndex, SparseRow, Vocabulary, ABOUT_PREFIX, CHAR_TERM_PREFIX};
use crate::model::{argmax, ScoreScratch, Scorer, TaskModel};

/// One surface term of a sentence and its contribution to a class's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermWeight {
    /// The words as they stand in the sentence (whitespace runs written as one space).
    pub term: String,
    /// Its contribution to the class's score (logit).
    pub weight: f64,
}

/// Why a task's classifier chose its class for one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The task.
    pub task: String,
    /// The predicted class (the one explained).
    pub class: String,
    /// The class's score (logit) before the softmax: `intercept` plus every term's weight.
    pub score: f64,
    /// The class's intercept.
    pub intercept: f64,
    /// The terms that pushed the class most, largest weight first.
    pub terms: Vec<TermWeight>,
    /// The summed weight of the terms left out (0 when every term is listed), so that
    /// `intercept + rest + sum(terms) == score`.
    pub rest: f64,
}

impl Scorer {
    /// Explains the predicted class of every task for `text` (scored as one unit): the `top`
    /// terms with the largest contributions to the class's score (`usize::MAX` for all).
    ///
    /// Slower than [`Scorer::score`] (it analyzes the text again, keeping where each term
    /// comes from); the scoring path is not affected.
    pub fn explain(&self, text: &str, top: usize, scratch: &mut ScoreScratch) -> Vec<Explanation> {
        let probabilities = self.score(text, scratch).to_vec();
        let index = self.features();
        let occurrences = index.occurrences(text, scratch.vectorizer_mut());
        let mut hits: Vec<u32> = occurrences.iter().map(|o| o.feature).collect();
        let row = SparseRow::from_feature_hits(
            &mut hits,
            index.idf(),
            index.sublinear_tf(),
            index.char_start(),
        );
        let mut counts: FxHashMap<u32, (u32, f64)> = FxHashMap::default();
        for o in &occurrences {
            counts.entry(o.feature).or_insert((0, 0.0)).0 += 1;
        }
        for (&f, &x) in row.indices.iter().zip(&row.values) {
            counts.get_mut(&f).expect("every row feature occurs").1 = x;
        }
        let (weights, row_len, intercepts) = self.fused();
        self.tasks()
            .iter()
            .map(|head| {
                let k = head.classes.len();
                let c = argmax(&probabilities[head.offset..head.offset + k]);
                let column = head.offset + c;
                let w = |f: u32| weights[f as usize * row_len + column];
                let intercept = intercepts[column];
                let score = intercept
                    + row.indices.iter().zip(&row.values).map(|(&f, &x)| x * w(f)).sum::<f64>();
                // Each occurrence's share of its feature's product, summed by surface form.
                let mut order: FxHashMap<String, usize> = FxHashMap::default();
                let mut terms: Vec<TermWeight> = Vec::new();
                for o in &occurrences {
                    let (m, x) = counts[&o.feature];
                    let share = x * w(o.feature) / f64::from(m);
                    let surface = text[o.start..o.end].split_whitespace().collect::<Vec<_>>();
                    let surface = surface.join(" ");
                    let key = surface.to_lowercase();
                    match order.get(&key) {
                        Some(&i) => terms[i].weight += share,
                        None => {
                            order.insert(key, terms.len());
                            terms.push(TermWeight { term: surface, weight: share });
                        }
                    }
                }
                // Largest first; equal weights keep the order of the sentence.
                terms.sort_by(|a, b| b.weight.total_cmp(&a.weight));
                let rest = terms.iter().skip(top).map(|t| t.weight).sum();
                terms.truncate(top);
                Explanation {
                    task: head.name.clone(),
                    class: head.classes[c].clone(),
                    score,
                    intercept,
                    terms,
                    rest,
                }
            })
            .collect()
    }
}

/// A vocabulary term as a reader would write it: a word term is its stems (`barrel bomb`);
/// an actor's placeholder `actor:assad` reads `[assad]` (any of its names); a character
/// n-gram reads as the part of a word it is, `…` standing for the rest of the word
/// (`c: bom` is `bom…`, a word's start; `c:mbs ` is `…mbs`; `c:omb` is `…omb…`); an "about"
/// feature `about:russia deni` reads `(about [russia]) deni`.
pub fn readable_term(term: &str) -> String {
    if let Some(gram) = term.strip_prefix(CHAR_TERM_PREFIX) {
        let (start, gram) = match gram.strip_prefix(' ') {
            Some(g) => ("", g),
            None => ("…", gram),
        };
        let (end, gram) = match gram.strip_suffix(' ') {
            Some(g) => ("", g),
            None => ("…", gram),
        };
        return format!("{start}{gram}{end}");
    }
    term.split(' ')
        .map(|w| match (w.strip_prefix("actor:"), w.strip_prefix(ABOUT_PREFIX)) {
            (Some(actor), _) => format!("[{actor}]"),
            (_, Some(actor)) => format!("(about [{actor}])"),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `n` features with the largest weights for class `class` of `task`, among the word
/// features (`chars` false) or the character n-grams (`chars` true), as `(term, weight)`,
/// largest first. A word term is shown with `surface` (the form most often seen in the
/// training sentences, from [`surface_forms`]) when it has one; a term holding an actor's
/// placeholder or a number, and an "about" feature, are shown word by word, `[actor]` for the
/// placeholder (any name of the actor), `(about [actor])` for the marker of a word in a
/// sentence naming the actor, `(number)` for a number, and each other word by its own most
/// frequent form;
/// character n-grams as [`readable_term`] shows them. Features with a weight of zero or less
/// are left out.
pub fn top_features(
    vocabulary: &Vocabulary,
    task: &TaskModel,
    class: usize,
    n: usize,
    chars: bool,
    surface: &HashMap<u32, String>,
) -> Vec<(String, f64)> {
    let k = task.classes.len();
    let char_start = vocabulary.char_start();
    let range = if chars { char_start..task.n_features() } else { 0..char_start };
    let mut features: Vec<(usize, f64)> =
        range.map(|f| (f, task.weights[f * k + class])).filter(|&(_, w)| w > 0.0).collect();
    features.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    features.truncate(n);
    // A stem's most frequent form, from the single-word terms.
    let stem_form = |stem: &str| -> String {
        if let Some(actor) = stem.strip_prefix("actor:") {
            return format!("[{actor}]");
        }
        if let Some(actor) = stem.strip_prefix(ABOUT_PREFIX) {
            return format!("(about [{actor}])");
        }
        if stem == crate::text::NUMBER_TOKEN {
            return "(number)".into();
        }
        let f = vocabulary.terms[..char_start].binary_search_by(|t| t.as_str().cmp(stem));
        match f.ok().and_then(|f| surface.get(&(f as u32))) {
            Some(form) => form.clone(),
            None => stem.to_string(),
        }
    };
    features
        .into_iter()
        .map(|(f, w)| {
            let term = &vocabulary.terms[f];
            let shown = if chars {
                readable_term(term)
            } else if term.contains("actor:")
                || term.starts_with(ABOUT_PREFIX)
                || term.contains(crate::text::NUMBER_TOKEN)
            {
                term.split(' ').map(stem_form).collect::<Vec<_>>().join(" ")
            } else {
                match surface.get(&(f as u32)) {
                    Some(form) => form.clone(),
                    None => readable_term(term),
                }
            };
            (shown, w)
        })
        .collect()
}

/// For each word feature of `index` (features numbered as the vocabulary it was built from,
/// not renumbered), the surface form it most often has in `texts`, lowercased (`barrel bombs`
/// for `barrel bomb`; actor placeholders keep [`readable_term`]'s form). Ties go to the form
/// seen first.
pub fn surface_forms<'a>(
    index: &FeatureIndex,
    texts: impl IntoIterator<Item = &'a str>,
) -> HashMap<u32, String> {
    let mut counts: FxHashMap<u32, FxHashMap<String, (u32, usize)>> = FxHashMap::default();
    let mut scratch = crate::features::VectorizerScratch::default();
    let mut seen = 0usize;
    let char_start = index.char_start() as u32;
    for text in texts {
        for o in index.occurrences(text, &mut scratch) {
            if o.feature >= char_start {
                continue;
            }
            let surface = text[o.start..o.end].split_whitespace().collect::<Vec<_>>().join(" ");
            let entry = counts.entry(o.feature).or_default();
            seen += 1;
            entry.entry(surface.to_lowercase()).or_insert((0, seen)).0 += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(f, forms)| {
            let best =
                forms.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)));
            best.map(|(form, _)| (f, form))
        })
        .collect()
}
