//! Arbitrary bytes through `DsBroadcast::decode::<Ed25519>` and `Ds::<Ed25519>::verify`:
//! never a panic, never an accepted broadcast the fixed sender did not sign.
//! The check lives in `fuzz/checks.rs` (`checks::ds_decode_verify`), shared with
//! `tests/fuzz_corpus.rs`.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::ds_decode_verify(data));
