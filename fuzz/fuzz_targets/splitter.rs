//! Fuzzes the sentence splitter; the checks are in `fuzz/checks.rs`.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| check_splitter(data));
