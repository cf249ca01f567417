//! Structured round trip of the DS construction: every target accepts exactly
//! what was authenticated; with the id list or a registry no non-target does.
//! The check lives in `fuzz/checks.rs` (`checks::ds_roundtrip`), shared with
//! `tests/fuzz_corpus.rs`.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::ds_roundtrip(data));
