//! Arbitrary bytes through the anonymous construction's decode and verify.
//! The check lives in `fuzz/checks_anonymous.rs`, shared with
//! `tests/fuzz_corpus.rs`.
#![no_main]

#[allow(dead_code)]
#[path = "../checks_anonymous.rs"]
mod checks_anonymous;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks_anonymous::anonymous_verify(data));
