//! Fuzzes `predict`'s input readers and `train`'s labeled CSV parser; the checks are in
//! `fuzz/checks.rs`.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| check_input_readers(data));
