//! Completeness and zero-false-positive properties of the DS-based
//! construction, over random fleets, subsets, payloads and sequence numbers.
//!
//! * every designated receiver accepts an honest broadcast and gets back the
//!   exact payload and sequence number (every encoding);
//! * with the exact id list, no non-designated receiver ever accepts;
//! * with the registry option (`Request::with_registry`), no enrolled
//!   non-target accepts, whatever the Bloom sizing.
//!
//! The properties are written once, generically over the signature backend
//! ([`roundtrip`]); adding a backend is one line in [`all_backends`].
//!
//! Cost note: every designated receiver pays one signature check (a BLS
//! verification is milliseconds even with the dependencies optimised, as the
//! manifest's test profile does). The main properties use
//! up to 8 targets per broadcast (every target is fully verified); large
//! subsets (up to 300 targets) are covered by [`large_subsets`], which checks
//! every target's membership and fully verifies a sample of them.

use std::collections::BTreeSet;

use ba_iot::signed::{
    Ds, DsBroadcast, DsOptions, DsReceiverKey, Ed25519, Encoding, ReceiverPolicy, SignatureBackend,
};
use ba_iot::subset::BloomSizing;
use ba_iot::{BroadcastAuth, Error, ReceiverId, Request};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

/// One random scenario.
#[derive(Clone, Debug)]
struct Case {
    /// Every enrolled receiver (sorted, unique).
    fleet: Vec<ReceiverId>,
    /// The designated receivers: a subset of the fleet, in random order.
    targets: Vec<ReceiverId>,
    payload: Vec<u8>,
    seq: u64,
    /// Bloom false-positive rate for `BloomSizing::FalsePositiveRate`.
    eps: f64,
    /// Extra bytes on top of 2 bytes per target for `BloomSizing::Bytes`.
    extra_bytes: usize,
    /// Seeds the sender key and every salt.
    seed: u64,
}

/// Rates the sender can honour under the receivers' default density bound
/// (`2^-6`): an honest filter's acceptance bound is close to its rate, so
/// rates at or above `2^-6` are refused by design (see `ds_tampering.rs`).
const RATES: [f64; 4] = [1.0 / 128.0, 0.01, 1.0 / 1024.0, 1.0 / 65536.0];

fn case(max_fleet: usize, max_targets: usize) -> impl Strategy<Value = Case> {
    proptest::collection::btree_set(any::<u64>(), 1..=max_fleet).prop_flat_map(move |fleet| {
        let fleet: Vec<ReceiverId> = fleet.into_iter().map(ReceiverId).collect();
        let n = fleet.len();
        (
            Just(fleet.clone()),
            proptest::sample::subsequence(fleet, 1..=n.min(max_targets)).prop_shuffle(),
            proptest::collection::vec(any::<u8>(), 0..256),
            any::<u64>(),
            proptest::sample::select(RATES.to_vec()),
            0usize..16,
            any::<u64>(),
        )
            .prop_map(
                |(fleet, targets, payload, seq, eps, extra_bytes, seed)| Case {
                    fleet,
                    targets,
                    payload,
                    seq,
                    eps,
                    extra_bytes,
                    seed,
                },
            )
    })
}

/// How one broadcast of a case is produced.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Variant {
    IdList,
    Rate,
    Bytes,
    IdListRegistry,
    RateRegistry,
    BytesRegistry,
}

impl Variant {
    fn uses_registry(self) -> bool {
        matches!(
            self,
            Variant::IdListRegistry | Variant::RateRegistry | Variant::BytesRegistry
        )
    }

    fn encoding(self, case: &Case) -> Encoding {
        let t = case.targets.len();
        match self {
            Variant::IdList | Variant::IdListRegistry => Encoding::IdList,
            Variant::Rate => Encoding::Bloom(BloomSizing::FalsePositiveRate(case.eps)),
            // Zero false positives over the registry must be reachable within
            // the default 256 salts: a salt is clean with probability about
            // exp(-eps * N) for N non-targets, so keep eps * N <= 1 (then
            // 256 failures in a row have probability below 1e-50).
            Variant::RateRegistry => {
                let eps = case.eps.min(1.0 / case.fleet.len() as f64);
                Encoding::Bloom(BloomSizing::FalsePositiveRate(eps))
            }
            // At least 16 bits per target: rate about 2^-11, density bound
            // far below the receivers' 2^-6.
            Variant::Bytes | Variant::BytesRegistry => {
                Encoding::Bloom(BloomSizing::Bytes(2 * t + 1 + case.extra_bytes))
            }
        }
    }

    fn excludes_every_non_target(self) -> bool {
        self.uses_registry() || self == Variant::IdList
    }
}

/// Authenticate `case` under `variant` with backend `B`, then run every
/// enrolled receiver's `verify`:
///
/// * each target must accept with exactly `(case.seq, case.payload)`;
/// * each non-target must answer `Error::Rejected` when the encoding is
///   exact or the registry was given (zero false positives); with a plain
///   Bloom filter a non-target may accept (a false positive), but then it
///   must see the authentic payload, and otherwise it must be `Rejected`
///   (never a decoding error: the broadcast is well formed).
fn roundtrip<B: SignatureBackend>(case: &Case, variant: Variant) -> Result<(), TestCaseError> {
    let mut rng = ChaCha20Rng::seed_from_u64(case.seed);
    let sender = Ds::<B>::setup(&mut rng);
    let mut request = Request::new(&case.targets, &case.payload, case.seq);
    if variant.uses_registry() {
        request = request.with_registry(&case.fleet);
    }
    let options = DsOptions::with_encoding(variant.encoding(case));
    let bytes = Ds::<B>::authenticate(&sender, &request, &options, &mut rng)
        .map_err(|e| TestCaseError::fail(format!("{variant:?}: authenticate: {e:?}")))?;

    let targets: BTreeSet<ReceiverId> = case.targets.iter().copied().collect();
    let mut false_positives = 0usize;
    for &id in &case.fleet {
        let receiver: DsReceiverKey<B> = Ds::<B>::join(&sender, id);
        let result = Ds::<B>::verify(&receiver, &bytes);
        if targets.contains(&id) {
            let v = result
                .map_err(|e| TestCaseError::fail(format!("{variant:?}: target {id:?}: {e:?}")))?;
            prop_assert_eq!(v.seq, case.seq, "{:?}: seq", variant);
            prop_assert_eq!(v.payload, &case.payload[..], "{:?}: payload", variant);
        } else if variant.excludes_every_non_target() {
            prop_assert_eq!(
                result,
                Err(Error::Rejected),
                "{:?}: non-target {:?} accepted",
                variant,
                id
            );
        } else {
            match result {
                Ok(v) => {
                    false_positives += 1;
                    prop_assert_eq!((v.seq, v.payload), (case.seq, &case.payload[..]));
                }
                Err(e) => prop_assert_eq!(e, Error::Rejected),
            }
        }
    }
    // A Bloom filter sized for eps <= 1/128 over at most 300 receivers: more
    // than a quarter of the non-targets accepting would be a broken filter
    // (binomial tail below 1e-40), not bad luck.
    let non_targets = case.fleet.len() - targets.len();
    prop_assert!(
        false_positives <= 2 + non_targets / 4,
        "{:?}: {} of {} non-targets accepted",
        variant,
        false_positives,
        non_targets
    );
    Ok(())
}

/// Every backend under test; adding one is one line.
fn all_backends(case: &Case, variants: &[Variant]) -> Result<(), TestCaseError> {
    for &v in variants {
        roundtrip::<Ed25519>(case, v)?;
        #[cfg(feature = "bls")]
        roundtrip::<ba_iot::signed::Bls12381MinSig>(case, v)?;
        #[cfg(feature = "bls")]
        roundtrip::<ba_iot::signed::Bls12381MinPk>(case, v)?;
    }
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// Every target accepts; with the id list no non-target accepts.
    #[test]
    fn targets_accept_every_encoding(case in case(300, 8)) {
        all_backends(&case, &[Variant::IdList, Variant::Rate, Variant::Bytes])?;
    }

    /// With the registry, every target accepts and no enrolled non-target
    /// does, for the id list and both Bloom sizings.
    #[test]
    fn registry_gives_zero_false_positives(case in case(300, 8)) {
        all_backends(
            &case,
            &[Variant::IdListRegistry, Variant::RateRegistry, Variant::BytesRegistry],
        )?;
    }

    /// Receivers outside the fleet (never enrolled, never in any list) are
    /// rejected by the id list, whatever their id.
    #[test]
    fn strangers_never_accept_id_list(case in case(64, 4), strangers in proptest::collection::vec(any::<u64>(), 1..64)) {
        let mut rng = ChaCha20Rng::seed_from_u64(case.seed);
        let sender = Ds::<Ed25519>::setup(&mut rng);
        let request = Request::new(&case.targets, &case.payload, case.seq);
        let bytes = Ds::<Ed25519>::authenticate(
            &sender,
            &request,
            &DsOptions::with_encoding(Encoding::IdList),
            &mut rng,
        )?;
        for s in strangers.into_iter().map(ReceiverId) {
            if case.targets.contains(&s) {
                continue;
            }
            let rx = Ds::<Ed25519>::join(&sender, s);
            prop_assert_eq!(Ds::<Ed25519>::verify(&rx, &bytes), Err(Error::Rejected));
        }
    }
}

proptest! {
    #![proptest_config(config(6))]

    /// Large subsets (up to 300 targets out of up to 400): every target is
    /// designated by the decoded broadcast (the membership step of
    /// `verify`), a sample of targets (first, last, middle) fully accepts,
    /// and with the registry no non-target accepts.
    #[test]
    fn large_subsets(case in case(400, 300)) {
        let mut rng = ChaCha20Rng::seed_from_u64(case.seed);
        let sender = Ds::<Ed25519>::setup(&mut rng);
        let policy = ReceiverPolicy::default();
        for encoding in [
            Encoding::IdList,
            Encoding::Bloom(BloomSizing::FalsePositiveRate(1.0 / 4096.0)),
        ] {
            let request = Request::new(&case.targets, &case.payload, case.seq)
                .with_registry(&case.fleet);
            let bytes = Ds::<Ed25519>::authenticate(
                &sender,
                &request,
                &DsOptions::with_encoding(encoding),
                &mut rng,
            )?;
            let decoded = DsBroadcast::decode::<Ed25519>(&bytes)?;
            prop_assert_eq!(decoded.seq, case.seq);
            prop_assert_eq!(decoded.payload, &case.payload[..]);
            let targets: BTreeSet<ReceiverId> = case.targets.iter().copied().collect();
            for &id in &case.fleet {
                prop_assert_eq!(decoded.designates(id, &policy)?, targets.contains(&id));
                if !targets.contains(&id) {
                    let rx = Ds::<Ed25519>::join(&sender, id);
                    prop_assert_eq!(Ds::<Ed25519>::verify(&rx, &bytes), Err(Error::Rejected));
                }
            }
            let t = &case.targets;
            for id in [t[0], t[t.len() / 2], t[t.len() - 1]] {
                let rx = Ds::<Ed25519>::join(&sender, id);
                let v = Ds::<Ed25519>::verify(&rx, &bytes)?;
                prop_assert_eq!((v.seq, v.payload), (case.seq, &case.payload[..]));
            }
        }
    }
}
