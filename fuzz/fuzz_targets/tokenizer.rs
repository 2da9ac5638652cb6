//! Fuzzes the tokenizer, the stemmer and the analyzer; the checks are in `fuzz/checks.rs`.
#![no_main]

include!("../checks.rs");

use std::cell::RefCell;
use std::sync::OnceLock;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    thread_local! {
        // A fresh scratch allocates a large stem cache: reuse one across runs.
        static SCRATCH: RefCell<AnalyzerScratch> = RefCell::new(AnalyzerScratch::default());
    }
    let analyzer = ANALYZER.get_or_init(fuzz_analyzer);
    SCRATCH.with_borrow_mut(|scratch| check_tokenizer(data, analyzer, scratch));
});
