//! Any bytes through every analysis entry point: see `iam_analysis::invariants::check_bytes`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_analysis::invariants::check_bytes(data));
