//! The MAC-based anonymous construction: PRF, keys, completeness, cache
//! equivalence, parameters and decoding errors, replay, known-answer vectors.
//!
//! Attacks and false-positive rates are in `anonymous_attacks.rs`, the
//! anonymity statistics in `anonymous_stats.rs`, the allocation check in
//! `anonymous_no_alloc.rs`.

use ba_iot::anonymous::{
    AnonBroadcast, AnonOptions, AnonReceiverKey, AnonSenderKey, Anonymous, DeviceKeys,
    DeviceStates, Entries, HmacState, LOCATOR_KEY_LABEL, Layout, MAC_KEY_LABEL, MasterKey, Mode,
    ReceiverPolicy, SizeClass,
};
use ba_iot::subset::{BloomParams, BloomSizing, Probability};
use ba_iot::{BroadcastAuth, Error, ReceiverId, ReplayWindow, Request};
use hmac::{KeyInit, Mac};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

fn ids(range: core::ops::Range<u64>) -> Vec<ReceiverId> {
    range.map(ReceiverId).collect()
}

fn reference_hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = HmacSha256::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn all_layouts() -> [Layout; 3] {
    [
        Layout::reference(),
        Layout::Reference {
            locator_len: 4,
            tag_len: 8,
        },
        Layout::bloom(),
    ]
}

/// The policy a fleet broadcasting in `layout` gives its receivers: a Bloom
/// fleet accepts the Bloom layout ([`ReceiverPolicy::bloom`]); any other keeps
/// the default (reference layout only).
fn policy_for(layout: Layout) -> ReceiverPolicy {
    match layout {
        Layout::Bloom(_) => ReceiverPolicy::bloom(),
        _ => ReceiverPolicy::default(),
    }
}

fn all_modes() -> [Mode; 4] {
    [
        Mode::Weak,
        Mode::StrongRegistry,
        Mode::StrongPadded(SizeClass::PowerOfTwo),
        Mode::StrongPadded(SizeClass::Fixed(48)),
    ]
}

// ---------------------------------------------------------------- PRF, keys

#[test]
fn fast_prf_equals_hmac_crate() {
    let mut r = rng(1);
    for key_len in [0usize, 1, 16, 31, 32, 33, 63, 64, 65, 100, 200] {
        for msg_len in [
            0usize, 1, 23, 42, 46, 55, 56, 63, 64, 65, 119, 120, 128, 300,
        ] {
            let mut key = vec![0u8; key_len];
            let mut msg = vec![0u8; msg_len];
            r.fill_bytes(&mut key);
            r.fill_bytes(&mut msg);
            let st = HmacState::new(&key);
            assert_eq!(
                st.mac(&msg),
                reference_hmac(&key, &msg),
                "{key_len}/{msg_len}"
            );
            let cut = msg_len / 3;
            assert_eq!(
                st.mac2(&msg[..cut], &msg[cut..]),
                reference_hmac(&key, &msg)
            );
        }
    }
}

#[test]
fn fast_prf_rfc4231_case_2() {
    let st = HmacState::new(b"Jefe");
    let out = st.mac(b"what do ya want for nothing?");
    assert_eq!(
        hex::encode(out),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn device_keys_are_labelled_hmacs_of_the_master_key() {
    let master = MasterKey::from_bytes([0x42; 32]);
    for id in [0u64, 1, 0x0011_2233_4455_6677, u64::MAX] {
        let keys = master.device_keys(ReceiverId(id));
        let mut m = MAC_KEY_LABEL.to_vec();
        m.extend_from_slice(&id.to_be_bytes());
        let mut l = LOCATOR_KEY_LABEL.to_vec();
        l.extend_from_slice(&id.to_be_bytes());
        assert_eq!(keys.mac, reference_hmac(&[0x42; 32], &m));
        assert_eq!(keys.locator, reference_hmac(&[0x42; 32], &l));
        assert_ne!(keys.mac, keys.locator);
    }
    // Distinct devices, distinct keys.
    assert_ne!(
        master.device_keys(ReceiverId(1)).mac,
        master.device_keys(ReceiverId(2)).mac
    );
}

#[test]
fn join_equals_provisioned_keys() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([9; 32]));
    let id = ReceiverId(77);
    let joined = Anonymous::join(&sender, id);
    let provisioned = AnonReceiverKey::new(id, &sender.device_keys(id));
    let r = [5u8; 16];
    assert_eq!(
        joined.states().locator(&r),
        provisioned.states().locator(&r)
    );
    assert_eq!(
        joined.states().designated_tag(&[1; 32]),
        provisioned.states().designated_tag(&[1; 32])
    );
}

#[test]
fn debug_prints_no_secret() {
    let master = MasterKey::from_bytes([0xAB; 32]);
    let sender = AnonSenderKey::new(master.clone())
        .with_cache(&ids(0..3))
        .expect("cache");
    let keys = sender.device_keys(ReceiverId(1));
    let rk = Anonymous::join(&sender, ReceiverId(1));
    let texts = [
        format!("{master:?}"),
        format!("{sender:?}"),
        format!("{keys:?}"),
        format!("{rk:?}"),
        format!("{:?}", rk.states()),
        format!("{:?}", HmacState::new(&[0xAB; 32])),
        format!("{:?}", sender.cache()),
    ];
    let needles = [
        hex::encode(master.expose_secret()),
        hex::encode(&keys.mac[..4]),
        hex::encode(&keys.locator[..4]),
        "171, 171".to_string(),
        format!("{}", keys.mac[0]),
    ];
    for t in &texts {
        for n in &needles[..3] {
            assert!(!t.contains(n.as_str()), "{t} leaks {n}");
        }
        assert!(!t.contains(&needles[3]), "{t} leaks key bytes");
        assert!(!t.contains('['), "{t} prints an array");
    }
}

// ---------------------------------------------------------------- completeness

fn options(layout: Layout, mode: Mode) -> AnonOptions {
    AnonOptions::new(layout, mode)
}

/// Authenticate for `targets` over `registry`; every target accepts the
/// exact (seq, payload), every non-target is rejected.
fn round_trip(
    sender: &AnonSenderKey,
    registry: &[ReceiverId],
    targets: &[ReceiverId],
    payload: &[u8],
    seq: u64,
    opts: &AnonOptions,
    seed: u8,
) -> Vec<u8> {
    let req = Request::new(targets, payload, seq).with_registry(registry);
    let bytes = Anonymous::authenticate(sender, &req, opts, &mut rng(seed)).expect("authenticate");
    for &id in registry {
        let rk = Anonymous::join(sender, id).with_policy(policy_for(opts.layout));
        let res = Anonymous::verify(&rk, &bytes);
        if targets.contains(&id) {
            let v = res.expect("a target accepts");
            assert_eq!((v.seq, v.payload), (seq, payload));
        } else {
            // Zero false positives over the registry.
            assert_eq!(res, Err(Error::Rejected), "non-target {id:?} accepted");
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn completeness_every_layout_and_mode(
        n in 1usize..40,
        mask in any::<u64>(),
        payload in proptest::collection::vec(any::<u8>(), 0..80),
        seq in any::<u64>(),
        seed in any::<u8>(),
    ) {
        let sender = AnonSenderKey::new(MasterKey::from_bytes([seed; 32]));
        let registry = ids(1000..1000 + n as u64);
        let mut targets: Vec<ReceiverId> = registry
            .iter()
            .enumerate()
            .filter(|(i, _)| mask >> (i % 64) & 1 == 1)
            .map(|(_, &id)| id)
            .collect();
        if targets.is_empty() {
            targets.push(registry[0]);
        }
        for layout in all_layouts() {
            for mode in all_modes() {
                let opts = options(layout, mode);
                round_trip(&sender, &registry, &targets, &payload, seq, &opts, seed);
            }
        }
    }

    #[test]
    fn completeness_without_registry(
        n in 1usize..30,
        payload in proptest::collection::vec(any::<u8>(), 0..40),
        seq in any::<u64>(),
        seed in any::<u8>(),
    ) {
        let sender = AnonSenderKey::new(MasterKey::from_bytes([seed ^ 0x5a; 32]));
        let targets = ids(5..5 + n as u64);
        for layout in all_layouts() {
            for mode in [Mode::Weak, Mode::StrongPadded(SizeClass::PowerOfTwo)] {
                let req = Request::new(&targets, &payload, seq);
                let bytes = Anonymous::authenticate(&sender, &req, &options(layout, mode), &mut rng(seed))
                    .expect("authenticate");
                for &id in &targets {
                    let rk = Anonymous::join(&sender, id).with_policy(policy_for(layout));
                    let v = Anonymous::verify(&rk, &bytes).expect("accepts");
                    prop_assert_eq!((v.seq, v.payload), (seq, &payload[..]));
                }
            }
        }
    }
}

#[test]
fn large_broadcast_every_target_accepts() {
    // 3000 targets with 4-byte locators. Shared locators (up to the run
    // limit) are crafted by hand in anonymous_attacks.rs
    // (`shared_locators_up_to_the_run_limit`); here every target of a large
    // honest broadcast finds its entry by binary search.
    let sender = AnonSenderKey::new(MasterKey::from_bytes([3; 32]));
    let targets = ids(0..3000);
    let req = Request::new(&targets, b"x", 1);
    let bytes = Anonymous::authenticate(&sender, &req, &AnonOptions::default(), &mut rng(3))
        .expect("authenticate");
    for &id in &targets {
        Anonymous::verify(&Anonymous::join(&sender, id), &bytes).expect("target accepts");
    }
}

// ---------------------------------------------------------------- cache

#[test]
fn cached_and_uncached_are_byte_identical() {
    let master = MasterKey::from_bytes([0x11; 32]);
    let registry = ids(100..164);
    let plain = AnonSenderKey::new(master.clone());
    let cached = AnonSenderKey::new(master.clone())
        .with_cache(&registry)
        .expect("cache");
    // A cache that misses some devices falls back to derivation.
    let partial = AnonSenderKey::new(master)
        .with_cache(&registry[..10])
        .expect("cache");
    assert_eq!(cached.cache().map(|c| c.len()), Some(64));
    let targets: Vec<ReceiverId> = registry.iter().copied().step_by(3).collect();
    for layout in all_layouts() {
        for mode in all_modes() {
            for with_registry in [false, true] {
                if mode == Mode::StrongRegistry && !with_registry {
                    continue;
                }
                let mut req = Request::new(&targets, b"cache me", 9);
                if with_registry {
                    req = req.with_registry(&registry);
                }
                let opts = options(layout, mode);
                let a = Anonymous::authenticate(&plain, &req, &opts, &mut rng(4)).expect("plain");
                let b = Anonymous::authenticate(&cached, &req, &opts, &mut rng(4)).expect("cached");
                let c =
                    Anonymous::authenticate(&partial, &req, &opts, &mut rng(4)).expect("partial");
                assert_eq!(a, b, "{layout:?} {mode:?}");
                assert_eq!(a, c, "{layout:?} {mode:?}");
                // And a different RNG gives different bytes.
                let d = Anonymous::authenticate(&cached, &req, &opts, &mut rng(5)).expect("cached");
                assert_ne!(a, d);
            }
        }
    }
}

#[test]
fn cache_refuses_duplicates() {
    let master = MasterKey::from_bytes([1; 32]);
    let dup = [ReceiverId(1), ReceiverId(2), ReceiverId(1)];
    assert_eq!(
        AnonSenderKey::new(master).with_cache(&dup).err(),
        Some(Error::DuplicateId)
    );
}

// ---------------------------------------------------------------- parameters

#[test]
fn bad_requests_and_parameters() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([2; 32]));
    let targets = ids(0..4);
    let registry = ids(0..8);
    let mut r = rng(6);
    let auth = |req: &Request<'_>, opts: &AnonOptions, r: &mut ChaCha20Rng| {
        Anonymous::authenticate(&sender, req, opts, r).err()
    };
    let req = Request::new(&targets, b"p", 1);
    assert_eq!(
        auth(&Request::new(&[], b"p", 1), &AnonOptions::default(), &mut r),
        Some(Error::NoTargets)
    );
    let dup = [ReceiverId(1), ReceiverId(1)];
    assert_eq!(
        auth(
            &Request::new(&dup, b"p", 1),
            &AnonOptions::default(),
            &mut r
        ),
        Some(Error::DuplicateId)
    );
    for (l, t) in [(3u8, 16u8), (17, 16), (4, 7), (4, 33), (0, 0)] {
        let opts = options(
            Layout::Reference {
                locator_len: l,
                tag_len: t,
            },
            Mode::Weak,
        );
        assert!(
            matches!(auth(&req, &opts, &mut r), Some(Error::InvalidParameter(_))),
            "{l}/{t}"
        );
    }
    // Strong registry mode needs the registry, and every target in it.
    let opts = options(Layout::reference(), Mode::StrongRegistry);
    assert!(matches!(
        auth(&req, &opts, &mut r),
        Some(Error::InvalidParameter(_))
    ));
    let outside = [ReceiverId(100)];
    let req_out = Request::new(&outside, b"p", 1).with_registry(&registry);
    assert!(matches!(
        auth(&req_out, &opts, &mut r),
        Some(Error::InvalidParameter(_))
    ));
    // A fixed class smaller than |S|.
    let opts = options(Layout::reference(), Mode::StrongPadded(SizeClass::Fixed(3)));
    assert!(matches!(
        auth(&req, &opts, &mut r),
        Some(Error::InvalidParameter(_))
    ));
    // A Bloom sizing the receivers would refuse.
    let opts = options(
        Layout::Bloom(BloomSizing::FalsePositiveRate(0.01)),
        Mode::Weak,
    );
    assert!(matches!(
        auth(&req, &opts, &mut r),
        Some(Error::InvalidParameter(_))
    ));
}

#[test]
fn exclusion_failure_is_reported() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([2; 32]));
    let targets = ids(0..2);
    let registry = ids(0..200);
    let req = Request::new(&targets, b"p", 1).with_registry(&registry);
    // 8 bits, one hash, 2 targets: some of 198 non-targets always hits.
    let mut opts = options(
        Layout::Bloom(BloomSizing::Params(BloomParams::new(8, 1).expect("params"))),
        Mode::Weak,
    );
    opts.max_acceptance = Probability::MAX;
    opts.max_tries = 17;
    assert_eq!(
        Anonymous::authenticate(&sender, &req, &opts, &mut rng(7)).err(),
        Some(Error::ExclusionFailed { tries: 17 })
    );
    // Without the zero-false-positive option it goes through.
    opts.zero_false_positives = false;
    assert!(Anonymous::authenticate(&sender, &req, &opts, &mut rng(7)).is_ok());
}

#[test]
fn sender_redraws_or_refuses_dense_filters() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([2; 32]));
    let targets = ids(0..50);
    let req = Request::new(&targets, b"p", 1);
    // 64 bits for 50 elements: far too dense for 2^-20, refused up front.
    let opts = options(Layout::Bloom(BloomSizing::Bytes(8)), Mode::Weak);
    assert!(matches!(
        Anonymous::authenticate(&sender, &req, &opts, &mut rng(8)).err(),
        Some(Error::InvalidParameter(_))
    ));
    // Predicted rate at the bound: some draws come out above it, the
    // sender re-draws, and what it sends always passes the receivers.
    let mut opts = options(
        Layout::Bloom(BloomSizing::FalsePositiveRate(1.0 / 1_048_576.0)),
        Mode::Weak,
    );
    opts.max_tries = 1000;
    for seed in 0..20u8 {
        let bytes = Anonymous::authenticate(&sender, &req, &opts, &mut rng(seed)).expect("redraw");
        let b = AnonBroadcast::decode(&bytes).expect("decode");
        let Entries::Bloom(f) = b.entries else {
            panic!("bloom layout expected")
        };
        assert!(f.acceptance_bound() <= Probability::pow2_neg(20));
        let rk = Anonymous::join(&sender, ReceiverId(0)).with_policy(ReceiverPolicy::bloom());
        Anonymous::verify(&rk, &bytes).expect("passes");
    }
    // One try only, and a bound no filter can meet: FilterTooDense.
    opts.max_tries = 1;
    opts.max_acceptance = Probability(1);
    opts.layout = Layout::Bloom(BloomSizing::Params(BloomParams::new(64, 1).expect("p")));
    assert!(matches!(
        Anonymous::authenticate(&sender, &req, &opts, &mut rng(1)).err(),
        Some(Error::InvalidParameter(_) | Error::FilterTooDense)
    ));
}

#[test]
fn receiver_policy_min_tag_len() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([2; 32]));
    let targets = ids(0..3);
    let req = Request::new(&targets, b"p", 1);
    let short = options(
        Layout::Reference {
            locator_len: 4,
            tag_len: 8,
        },
        Mode::Weak,
    );
    let bytes = Anonymous::authenticate(&sender, &req, &short, &mut rng(9)).expect("auth");
    let rk = Anonymous::join(&sender, ReceiverId(0));
    assert!(Anonymous::verify(&rk, &bytes).is_ok());
    let mut policy = ReceiverPolicy::default();
    policy.min_tag_len = 16;
    let strict = rk.with_policy(policy);
    assert_eq!(Anonymous::verify(&strict, &bytes), Err(Error::Rejected));
    let long =
        Anonymous::authenticate(&sender, &req, &AnonOptions::default(), &mut rng(9)).expect("auth");
    assert!(Anonymous::verify(&strict, &long).is_ok());
}

// ---------------------------------------------------------------- decoding

#[test]
fn strict_decoding() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([2; 32]));
    let targets = ids(0..3);
    let req = Request::new(&targets, b"payload", 1);
    let reference =
        Anonymous::authenticate(&sender, &req, &AnonOptions::default(), &mut rng(1)).expect("a");
    let bloom = Anonymous::authenticate(
        &sender,
        &req,
        &options(Layout::bloom(), Mode::Weak),
        &mut rng(1),
    )
    .expect("b");
    // `rk` keeps the default policy (reference layout only), `rk_bloom`
    // accepts the Bloom layout as a Bloom fleet's receivers do.
    let rk = Anonymous::join(&sender, ReceiverId(0));
    let rk_bloom = rk.clone().with_policy(ReceiverPolicy::bloom());
    // Decoding succeeds, then a default receiver refuses the layout itself.
    assert_eq!(Anonymous::verify(&rk, &bloom), Err(Error::LayoutRefused));
    for (good, receiver) in [(&reference, &rk), (&bloom, &rk_bloom)] {
        assert!(Anonymous::verify(receiver, good).is_ok());
        let mut b = good.clone();
        b[0] = 2;
        assert_eq!(
            Anonymous::verify(receiver, &b),
            Err(Error::UnsupportedVersion(2))
        );
        let mut b = good.clone();
        b[1] = 0x01;
        assert_eq!(
            Anonymous::verify(receiver, &b),
            Err(Error::WrongScheme {
                expected: 0x10,
                found: 0x01
            })
        );
        let mut b = good.clone();
        b[2] = 7;
        assert_eq!(
            Anonymous::verify(receiver, &b),
            Err(Error::UnknownEncoding(7))
        );
        let mut b = good.clone();
        b[3] = 3;
        assert_eq!(
            Anonymous::verify(receiver, &b),
            Err(Error::UnknownEncoding(3))
        );
        let mut b = good.clone();
        b.push(0);
        assert_eq!(Anonymous::verify(receiver, &b), Err(Error::TrailingBytes));
        for cut in 0..good.len() {
            assert!(Anonymous::verify(receiver, &good[..cut]).is_err());
        }
        // Mode byte is authenticated: a valid other mode is rejected.
        let mut b = good.clone();
        b[3] = 1;
        assert_eq!(Anonymous::verify(receiver, &b), Err(Error::Rejected));
    }
    // Reference: out-of-range lengths, zero count, unsorted entries.
    let mut b = reference.clone();
    b[28] = 3;
    assert!(matches!(
        Anonymous::verify(&rk, &b),
        Err(Error::NonCanonical(_))
    ));
    let mut b = reference.clone();
    b[29] = 7;
    assert!(matches!(
        Anonymous::verify(&rk, &b),
        Err(Error::NonCanonical(_))
    ));
    let mut b = reference.clone();
    b[30..34].copy_from_slice(&0u32.to_be_bytes());
    assert!(Anonymous::verify(&rk, &b).is_err());
    let mut b = reference.clone();
    b[30..34].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        Anonymous::verify(&rk, &b),
        Err(Error::TooLarge { .. })
    ));
    let mut b = reference.clone();
    let (e0, e1) = (34..54, 54..74);
    let first: Vec<u8> = b[e0.clone()].to_vec();
    let second: Vec<u8> = b[e1.clone()].to_vec();
    b[e0].copy_from_slice(&second);
    b[e1].copy_from_slice(&first);
    assert!(matches!(
        Anonymous::verify(&rk, &b),
        Err(Error::NonCanonical(_))
    ));
    // Duplicate entry.
    let mut b = reference.clone();
    let first: Vec<u8> = b[34..54].to_vec();
    b[54..74].copy_from_slice(&first);
    assert!(matches!(
        Anonymous::verify(&rk, &b),
        Err(Error::NonCanonical(_))
    ));
    // Bloom: bad params, refused by decoding whatever the policy.
    for receiver in [&rk, &rk_bloom] {
        let mut b = bloom.clone();
        b[32] = 0;
        assert!(matches!(
            Anonymous::verify(receiver, &b),
            Err(Error::NonCanonical(_))
        ));
        let mut b = bloom.clone();
        b[31] |= 1;
        let res = Anonymous::verify(receiver, &b);
        assert!(res.is_err() && res != Err(Error::LayoutRefused), "{res:?}");
    }
}

// ---------------------------------------------------------------- replay

#[test]
fn replay_window_through_verify_fresh() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([2; 32]));
    let targets = ids(0..3);
    let rk = Anonymous::join(&sender, ReceiverId(1));
    let mut window = ReplayWindow::<2>::new();
    let mut r = rng(10);
    let mk = |seq: u64, r: &mut ChaCha20Rng| {
        Anonymous::authenticate(
            &sender,
            &Request::new(&targets, b"cmd", seq),
            &AnonOptions::default(),
            r,
        )
        .expect("auth")
    };
    let b500 = mk(500, &mut r);
    let b499 = mk(499, &mut r);
    let b200 = mk(200, &mut r);
    assert!(Anonymous::verify_fresh(&rk, &mut window, &b500).is_ok());
    assert_eq!(
        Anonymous::verify_fresh(&rk, &mut window, &b500),
        Err(Error::Rejected)
    );
    assert!(Anonymous::verify_fresh(&rk, &mut window, &b499).is_ok());
    assert_eq!(
        Anonymous::verify_fresh(&rk, &mut window, &b499),
        Err(Error::Rejected)
    );
    // Too old for the window.
    assert_eq!(
        Anonymous::verify_fresh(&rk, &mut window, &b200),
        Err(Error::Rejected)
    );
    // A rejected broadcast does not move the window.
    let other = Anonymous::join(&sender, ReceiverId(9));
    let b600 = mk(600, &mut r);
    assert_eq!(
        Anonymous::verify_fresh(&other, &mut window, &b600),
        Err(Error::Rejected)
    );
    assert_eq!(window.highest(), Some(500));
    assert!(Anonymous::verify_fresh(&rk, &mut window, &b600).is_ok());
}

// ---------------------------------------------------------------- vectors

fn check_vector(name: &str, bytes: &[u8]) {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let hex_now = hex::encode(bytes);
    if std::env::var("BA_IOT_REGENERATE_VECTORS").as_deref() == Ok("1") {
        std::fs::create_dir_all(format!("{}/tests/vectors", env!("CARGO_MANIFEST_DIR")))
            .expect("mkdir");
        std::fs::write(&path, format!("{hex_now}\n")).expect("write vector");
        return;
    }
    let stored = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run with BA_IOT_REGENERATE_VECTORS=1"));
    assert_eq!(stored.trim(), hex_now, "{name} drifted");
}

#[test]
fn known_answer_vectors() {
    // Setup from a seeded RNG, so the master key itself is part of the vector.
    let mut r = ChaCha20Rng::from_seed([0x5e; 32]);
    let sender = Anonymous::setup(&mut r);
    let keys = sender.device_keys(ReceiverId(0x0102_0304_0506_0708));
    let mut kv = sender.master().expose_secret().to_vec();
    kv.extend_from_slice(&keys.mac);
    kv.extend_from_slice(&keys.locator);
    check_vector("anon_keys.hex", &kv);

    let registry = ids(1..9);
    let targets = [ReceiverId(2), ReceiverId(3), ReceiverId(7)];
    let payload = b"open valve 3";
    let cases: [(&str, Layout, Mode); 6] = [
        ("anon_reference_weak.hex", Layout::reference(), Mode::Weak),
        (
            "anon_reference_strong_registry.hex",
            Layout::reference(),
            Mode::StrongRegistry,
        ),
        (
            "anon_reference_strong_padded.hex",
            Layout::reference(),
            Mode::StrongPadded(SizeClass::PowerOfTwo),
        ),
        (
            "anon_bloom_weak.hex",
            Layout::Bloom(BloomSizing::Bytes(16)),
            Mode::Weak,
        ),
        (
            "anon_bloom_strong_registry.hex",
            Layout::Bloom(BloomSizing::Bytes(40)),
            Mode::StrongRegistry,
        ),
        (
            "anon_bloom_strong_padded.hex",
            Layout::Bloom(BloomSizing::Bytes(24)),
            Mode::StrongPadded(SizeClass::Fixed(5)),
        ),
    ];
    for (i, (name, layout, mode)) in cases.into_iter().enumerate() {
        let mut opts = options(layout, mode);
        opts.max_acceptance = Probability::pow2_neg(8);
        let req = Request::new(&targets, payload, 0x0102_0304 + i as u64).with_registry(&registry);
        let mut r = ChaCha20Rng::from_seed([i as u8; 32]);
        let bytes = Anonymous::authenticate(&sender, &req, &opts, &mut r).expect(name);
        let mut policy = policy_for(layout);
        policy.max_acceptance = Probability::pow2_neg(8);
        for &id in &registry {
            let rk = Anonymous::join(&sender, id).with_policy(policy);
            assert_eq!(
                Anonymous::verify(&rk, &bytes).is_ok(),
                targets.contains(&id),
                "{name} {id:?}"
            );
        }
        check_vector(name, &bytes);
    }
}

#[test]
fn receiver_key_from_device_keys_roundtrip() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([8; 32]));
    let keys: DeviceKeys = sender.device_keys(ReceiverId(4));
    let states = DeviceStates::new(&keys);
    let rk = AnonReceiverKey::new(ReceiverId(4), &keys);
    assert_eq!(states.locator(&[0; 16]), rk.states().locator(&[0; 16]));
    let targets = [ReceiverId(4)];
    let bytes = Anonymous::authenticate(
        &sender,
        &Request::new(&targets, b"", 0),
        &AnonOptions::default(),
        &mut rng(0),
    )
    .expect("auth");
    assert!(Anonymous::verify(&rk, &bytes).is_ok());
}
