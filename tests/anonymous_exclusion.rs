//! The zero-false-positive re-draw must not make a strong-anonymity
//! broadcast depend on how many receivers are designated.
//!
//! The sender re-draws until no enrolled non-target would accept. That
//! conditions the filter on an event; if the event tested one element per
//! *non-target* only, it would test `N - |S|` elements and bias the filter
//! (fewer set bits) the more non-targets there are, so the set-bit count
//! would estimate `|S|`. In the strong modes the sender also tests every
//! target's (never inserted) "not designated" element: always `N` tests.
//!
//! The filter here is deliberately tiny (128 bits, `k = 1`, 16 devices) so
//! that the conditioning is strong: the control test shows that the
//! statistic detects it (exclusion on against off), and the main test that
//! `|S| = 1` and `|S| = 15` cannot be told apart by it.

use ba_iot::anonymous::{
    AnonBroadcast, AnonOptions, AnonSenderKey, Anonymous, Entries, Layout, MasterKey, Mode,
};
use ba_iot::subset::{BloomParams, BloomSizing, Probability};
use ba_iot::{BroadcastAuth, ReceiverId, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

const N: u64 = 16;
const RUNS: u32 = 3_000;

/// Mean and variance of the set-bit count over `RUNS` broadcasts.
fn set_bits(designated: u64, exclusion: bool, seed: u8) -> (f64, f64) {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([seed; 32]));
    let registry: Vec<ReceiverId> = (0..N).map(ReceiverId).collect();
    let targets = &registry[..designated as usize];
    let params = BloomParams::new(128, 1).expect("params");
    let mut options = AnonOptions::new(
        Layout::Bloom(BloomSizing::Params(params)),
        Mode::StrongRegistry,
    );
    options.max_acceptance = Probability::pow2_neg(2);
    options.zero_false_positives = exclusion;
    let mut rng = ChaCha20Rng::from_seed([seed; 32]);
    let counts: Vec<f64> = (0..RUNS)
        .map(|i| {
            let request = Request::new(targets, b"x", u64::from(i)).with_registry(&registry);
            let bytes = Anonymous::authenticate(&sender, &request, &options, &mut rng)
                .expect("authenticate");
            let b = AnonBroadcast::decode(&bytes).expect("decode");
            let Entries::Bloom(f) = b.entries else {
                panic!("Bloom layout")
            };
            f.set_bits() as f64
        })
        .collect();
    let mean = counts.iter().sum::<f64>() / f64::from(RUNS);
    let var = counts.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / f64::from(RUNS - 1);
    (mean, var)
}

/// The two-sample z statistic of the difference of means.
fn z(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0) / ((a.1 + b.1) / f64::from(RUNS)).sqrt()
}

#[test]
fn the_statistic_detects_the_redraw_conditioning() {
    // Control: with exclusion the filters are conditioned on 16 negative
    // tests, without it on nothing; the mean set-bit count must differ.
    let on = set_bits(8, true, 1);
    let off = set_bits(8, false, 2);
    let z = z(on, off);
    eprintln!("exclusion on against off: z = {z}");
    assert!(
        z < -4.0,
        "exclusion did not lower the set-bit count detectably: z = {z}, on {on:?}, off {off:?}"
    );
}

#[test]
fn strong_registry_filters_do_not_depend_on_the_number_of_targets() {
    let one = set_bits(1, true, 3);
    let most = set_bits(N - 1, true, 4);
    let z = z(one, most);
    eprintln!("|S| = 1 against {}: z = {z}", N - 1);
    assert!(
        z.abs() < 4.0,
        "|S| = 1 and |S| = {} differ: z = {z}, {one:?} against {most:?}",
        N - 1
    );
}
