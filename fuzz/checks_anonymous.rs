//! The anonymous-broadcast fuzz check, shared by
//! `fuzz/fuzz_targets/anonymous_verify.rs` and the stable corpus replay
//! (`tests/fuzz_corpus.rs`).
//!
//! Arbitrary bytes through `AnonBroadcast::decode` and `Anonymous::verify`
//! with a fixed receiver key: never a panic, and `Ok` only for a
//! `(seq, payload)` the fixed sender authenticated for this receiver (the
//! honest broadcasts below, both layouts; they are the seed corpus). The
//! receiver accepts the Bloom layout (`ReceiverPolicy::bloom`) with a bound
//! of 2^-60, so a fuzzer that stumbles on an accepted forged filter has found
//! a real bug, not a 2^-20 event.

use std::sync::OnceLock;

use ba_iot::anonymous::{
    AnonBroadcast, AnonOptions, AnonReceiverKey, AnonSenderKey, Anonymous, Layout, MasterKey, Mode,
    ReceiverPolicy, SizeClass,
};
use ba_iot::subset::{BloomSizing, Probability};
use ba_iot::{BroadcastAuth, ReceiverId, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

struct Fixture {
    receiver: AnonReceiverKey,
    /// (seq, payload) pairs authenticated for the receiver.
    honest: Vec<(u64, Vec<u8>)>,
    /// The honest broadcasts themselves (the seed corpus).
    seeds: Vec<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let sender = AnonSenderKey::new(MasterKey::from_bytes([0x2a; 32]));
        let mut policy = ReceiverPolicy::bloom();
        policy.max_acceptance = Probability::pow2_neg(60);
        let receiver = Anonymous::join(&sender, ReceiverId(1)).with_policy(policy);
        let targets = [ReceiverId(1), ReceiverId(2), ReceiverId(3)];
        let mut rng = ChaCha20Rng::from_seed([0x2a; 32]);
        let mut honest = Vec::new();
        let mut seeds = Vec::new();
        for (i, layout) in [
            Layout::reference(),
            Layout::Bloom(BloomSizing::FalsePositiveRate(1.0 / (1u64 << 61) as f64)),
        ]
        .into_iter()
        .enumerate()
        {
            for mode in [Mode::Weak, Mode::StrongPadded(SizeClass::PowerOfTwo)] {
                let mut opts = AnonOptions::new(layout, mode);
                opts.max_acceptance = Probability::pow2_neg(60);
                let payload = format!("honest {i}").into_bytes();
                let seq = 10 + i as u64;
                let bytes = Anonymous::authenticate(
                    &sender,
                    &Request::new(&targets, &payload, seq),
                    &opts,
                    &mut rng,
                )
                .expect("honest broadcast");
                assert!(Anonymous::verify(&receiver, &bytes).is_ok());
                honest.push((seq, payload));
                seeds.push(bytes);
            }
        }
        Fixture {
            receiver,
            honest,
            seeds,
        }
    })
}

/// The seed corpus: `(file name, bytes)`.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    fixture()
        .seeds
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("honest-{i}"), b.clone()))
        .collect()
}

/// The check: panics only on a violated property.
pub fn anonymous_verify(data: &[u8]) {
    let f = fixture();
    let decoded = AnonBroadcast::decode(data);
    if let Ok(v) = Anonymous::verify(&f.receiver, data) {
        assert!(decoded.is_ok(), "verify accepted what decode refuses");
        assert!(
            f.honest
                .iter()
                .any(|(s, p)| *s == v.seq && p[..] == *v.payload),
            "accepted a (seq, payload) the sender never authenticated"
        );
    }
    if let Ok(b) = decoded {
        // Decoding is a pure view: the header is the input's prefix and the
        // payload its suffix.
        assert!(data.starts_with(b.header));
        assert!(data.ends_with(b.payload));
    }
}
