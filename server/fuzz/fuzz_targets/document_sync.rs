//! Incremental edits in UTF-16 and UTF-8 through the server's document store, against a
//! plain string: see `iam_lsp::documents::invariants::check_sync_bytes`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_lsp::documents::invariants::check_sync_bytes(data));
