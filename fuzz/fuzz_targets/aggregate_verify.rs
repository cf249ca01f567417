//! Arbitrary bytes through the X.1366 aggregate decoders and verifiers.
//! The check lives in `fuzz/checks_aggregate.rs`, shared with
//! `tests/fuzz_corpus.rs`.
#![no_main]

#[allow(dead_code)]
#[path = "../checks_aggregate.rs"]
mod checks_aggregate;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks_aggregate::aggregate_verify(data));
