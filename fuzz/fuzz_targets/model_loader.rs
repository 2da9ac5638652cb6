//! Fuzzes the model loader (`model.nsm` bytes: header, checksum, JSON, shape checks); the
//! checks are in `fuzz/checks.rs`.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| check_model_loader(data));
