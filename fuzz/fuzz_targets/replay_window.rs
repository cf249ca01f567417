//! `ReplayWindow` operations against a set-based model.
//! The check lives in `fuzz/checks.rs` (`checks::replay_window`), shared with
//! `tests/fuzz_corpus.rs`.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::replay_window(data));
