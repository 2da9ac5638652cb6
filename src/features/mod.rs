//! Features: TF-IDF rows from analyzed text (word and character n-grams of stems).

mod about;
mod analyzer;
mod settings;
mod sparse;
mod stopwords;
mod vocabulary;

pub use about::{about_marker, ABOUT_PREFIX};
pub use analyzer::{Analyzer, AnalyzerScratch, Term, CHAR_TERM_PREFIX};
pub use settings::FeatureSettings;
pub use sparse::SparseRow;
pub(crate) use sparse::TermFrequency;
pub use vocabulary::{AnalyzedCorpus, FeatureIndex, Occurrence, VectorizerScratch, Vocabulary};
