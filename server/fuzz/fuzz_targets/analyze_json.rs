//! JSON made of policy words through every analysis entry point: see
//! `iam_analysis::invariants::check_generated_policy`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_analysis::invariants::check_generated_policy(data));
