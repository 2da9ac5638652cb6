//! Fuzzes `train`'s settings on tiny labeled CSVs (the first 4 bytes pick folds, C, balance,
//! feature set, min_df, n-grams, task and group columns); the checks are in `fuzz/checks.rs`.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| check_train_args(data));
