//! Attacks on and malformed variants of DS-based broadcasts: every receiver
//! refuses them, with the error the decoder defines.
//!
//! Wire layout (v1, DS-based), as `DsBroadcast::decode` reads it:
//!
//! ```text
//! u8 version (0x01) | u8 scheme (0x01 = Ed25519) | u64 seq | 16-byte salt
//! | u8 encoding
//!     0x00: u32 count | count * u64 id (strictly ascending)
//!     0x01: u32 bits | u8 k | bits/8 filter bytes
//! | u32 payload length | payload | 64-byte signature over everything before it
//! ```
//!
//! Broadcasts that must be refused *by the decoder* (not merely by the
//! signature) are built by hand with [`Raw`] and validly signed through
//! `<Ed25519 as SignatureBackend>::sign` with the sender's own key, so the
//! test shows that the check named in the test, not the signature, stops
//! them. [`hand_built_layout_matches_the_library`] checks the builder against
//! the library's own output, byte for byte.
//!
//! Cost note: a signature check costs about 16 ms in the debug profile; the
//! two bit-flip tests (one per encoding, about 870 flips each, most of which
//! reach the target's signature check) dominate this file's runtime.

use ba_iot::signed::{
    Ds, DsBroadcast, DsOptions, DsReceiverKey, DsSenderKey, Ed25519, Encoding, ReceiverPolicy,
    SignatureBackend, SubsetRef,
};
use ba_iot::subset::{BloomParams, BloomSizing, Probability};
use ba_iot::wire::{MAX_ENTRIES, MAX_FILTER_BITS, MAX_PAYLOAD_LEN};
use ba_iot::{BroadcastAuth, Error, ReceiverId, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

type Sk = <Ed25519 as SignatureBackend>::SigningKey;
type Vk = <Ed25519 as SignatureBackend>::VerifyingKey;

const TARGET: ReceiverId = ReceiverId(0x0102_0304_0506_0708);
/// Differs from `TARGET` in one bit: a flip in the id list can designate it.
const NEIGHBOUR: ReceiverId = ReceiverId(0x0102_0304_0506_0709);

/// The sender's key, twice: as the library's sender key and as the raw
/// signing key for hand-built broadcasts.
fn keys(seed: u64) -> (DsSenderKey<Ed25519>, Sk, Vk) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let sk = Ed25519::generate(&mut rng);
    let vk = Ed25519::verifying_key(&sk);
    (DsSenderKey::from_signing_key(sk.clone()), sk, vk)
}

fn receiver(vk: &Vk, id: ReceiverId) -> DsReceiverKey<Ed25519> {
    DsReceiverKey::new(id, *vk)
}

/// The subset part of a hand-built broadcast, with every field free.
#[derive(Clone, Debug)]
enum RawSubset {
    Ids {
        count: u32,
        ids: Vec<u64>,
    },
    Bloom {
        bits: u32,
        hashes: u8,
        filter: Vec<u8>,
    },
    Other(u8),
}

/// A hand-built broadcast, every field under the test's control.
#[derive(Clone, Debug)]
struct Raw {
    version: u8,
    scheme: u8,
    seq: u64,
    salt: [u8; 16],
    subset: RawSubset,
    /// The payload length field; `None` writes the true length.
    payload_len: Option<u32>,
    payload: Vec<u8>,
}

impl Raw {
    fn ids(ids: &[u64]) -> Self {
        Raw {
            version: 0x01,
            scheme: 0x01,
            seq: 77,
            salt: [0x5a; 16],
            subset: RawSubset::Ids {
                count: ids.len() as u32,
                ids: ids.to_vec(),
            },
            payload_len: None,
            payload: b"go".to_vec(),
        }
    }

    fn bloom(bits: u32, hashes: u8, filter: Vec<u8>) -> Self {
        Raw {
            subset: RawSubset::Bloom {
                bits,
                hashes,
                filter,
            },
            ..Raw::ids(&[1])
        }
    }

    /// The signed part.
    fn message(&self) -> Vec<u8> {
        let mut m = vec![self.version, self.scheme];
        m.extend_from_slice(&self.seq.to_be_bytes());
        m.extend_from_slice(&self.salt);
        match &self.subset {
            RawSubset::Ids { count, ids } => {
                m.push(0x00);
                m.extend_from_slice(&count.to_be_bytes());
                for id in ids {
                    m.extend_from_slice(&id.to_be_bytes());
                }
            }
            RawSubset::Bloom {
                bits,
                hashes,
                filter,
            } => {
                m.push(0x01);
                m.extend_from_slice(&bits.to_be_bytes());
                m.push(*hashes);
                m.extend_from_slice(filter);
            }
            RawSubset::Other(b) => m.push(*b),
        }
        let len = self.payload_len.unwrap_or(self.payload.len() as u32);
        m.extend_from_slice(&len.to_be_bytes());
        m.extend_from_slice(&self.payload);
        m
    }

    /// The message and a valid signature over it.
    fn signed(&self, sk: &Sk) -> Vec<u8> {
        let mut m = self.message();
        let mut sig = [0u8; 64];
        Ed25519::sign(sk, &m, &mut sig).expect("sign");
        m.extend_from_slice(&sig);
        m
    }
}

/// A small honest broadcast for `TARGET` (payload "go", seq 77).
fn honest(sender: &DsSenderKey<Ed25519>, encoding: Encoding, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let targets = [TARGET];
    Ds::<Ed25519>::authenticate(
        sender,
        &Request::new(&targets, b"go", 77),
        &DsOptions::with_encoding(encoding),
        &mut rng,
    )
    .expect("authenticate")
}

/// A malformed-input error (a public fact about the bytes), as opposed to
/// a sender-side parameter error.
fn is_malformed(e: &Error) -> bool {
    matches!(
        e,
        Error::Truncated
            | Error::TrailingBytes
            | Error::UnsupportedVersion(_)
            | Error::WrongScheme { .. }
            | Error::UnknownEncoding(_)
            | Error::TooLarge { .. }
            | Error::NonCanonical(_)
            | Error::FilterTooDense
    )
}

#[test]
fn hand_built_layout_matches_the_library() {
    let (sender, sk, vk) = keys(1);
    for encoding in [
        Encoding::IdList,
        Encoding::Bloom(BloomSizing::Params(
            BloomParams::new(64, 3).expect("params"),
        )),
    ] {
        let bytes = honest(&sender, encoding, 2);
        let d = DsBroadcast::decode::<Ed25519>(&bytes).expect("decode");
        let mut raw = match d.subset {
            SubsetRef::IdList(_) => Raw::ids(&[TARGET.0]),
            SubsetRef::Bloom(f) => {
                Raw::bloom(f.params().bits, f.params().hashes, f.as_bytes().to_vec())
            }
        };
        raw.salt = *d.salt;
        assert_eq!(raw.signed(&sk), bytes, "{encoding:?}");
        assert!(Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &bytes).is_ok());
    }
}

/// Flip every bit of `bytes` in turn; `receivers` must all refuse.
fn flip_every_bit(bytes: &[u8], receivers: &[DsReceiverKey<Ed25519>]) {
    for rx in receivers {
        // Sanity: the untouched broadcast is well formed for everyone.
        let r = Ds::<Ed25519>::verify(rx, bytes);
        assert!(r.is_ok() || r == Err(Error::Rejected));
    }
    let mut b = bytes.to_vec();
    for bit in 0..8 * b.len() {
        b[bit / 8] ^= 1 << (bit % 8);
        for rx in receivers {
            match Ds::<Ed25519>::verify(rx, &b) {
                Ok(v) => panic!("bit {bit} flipped: {:?} accepted {v:?}", rx.id),
                Err(e) => assert!(
                    e == Error::Rejected || is_malformed(&e),
                    "bit {bit}: unexpected error {e:?}"
                ),
            }
        }
        b[bit / 8] ^= 1 << (bit % 8);
    }
    assert_eq!(b, bytes);
}

#[test]
fn single_bit_flips_id_list_rejected_by_everyone() {
    let (sender, _, vk) = keys(3);
    let bytes = honest(&sender, Encoding::IdList, 4);
    assert_eq!(bytes.len(), 2 + 8 + 16 + 1 + 4 + 8 + 4 + 2 + 64);
    let rxs = [receiver(&vk, TARGET), receiver(&vk, NEIGHBOUR)];
    assert!(Ds::<Ed25519>::verify(&rxs[0], &bytes).is_ok());
    flip_every_bit(&bytes, &rxs);
}

#[test]
fn single_bit_flips_bloom_rejected_by_everyone() {
    let (sender, _, vk) = keys(5);
    let bytes = honest(&sender, Encoding::Bloom(BloomSizing::Bytes(2)), 6);
    assert_eq!(bytes.len(), 2 + 8 + 16 + 1 + 4 + 1 + 2 + 4 + 2 + 64);
    let rxs = [receiver(&vk, TARGET), receiver(&vk, NEIGHBOUR)];
    assert!(Ds::<Ed25519>::verify(&rxs[0], &bytes).is_ok());
    flip_every_bit(&bytes, &rxs);
}

#[test]
fn every_truncation_is_truncated() {
    let (sender, _, vk) = keys(7);
    for encoding in [
        Encoding::IdList,
        Encoding::Bloom(BloomSizing::FalsePositiveRate(0.001)),
    ] {
        let bytes = honest(&sender, encoding, 8);
        for len in 0..bytes.len() {
            let cut = &bytes[..len];
            assert_eq!(
                DsBroadcast::decode::<Ed25519>(cut).map(|_| ()),
                Err(Error::Truncated),
                "{encoding:?}, {len} of {} bytes",
                bytes.len()
            );
            for id in [TARGET, NEIGHBOUR] {
                assert_eq!(
                    Ds::<Ed25519>::verify(&receiver(&vk, id), cut),
                    Err(Error::Truncated)
                );
            }
        }
    }
}

#[test]
fn trailing_bytes_rejected() {
    let (sender, sk, vk) = keys(9);
    for encoding in [
        Encoding::IdList,
        Encoding::Bloom(BloomSizing::FalsePositiveRate(0.001)),
    ] {
        let bytes = honest(&sender, encoding, 10);
        for extra in [&[0u8][..], &[0xff], &[0, 0], &[0x42; 64], &bytes[..]] {
            let mut long = bytes.clone();
            long.extend_from_slice(extra);
            for id in [TARGET, NEIGHBOUR] {
                assert_eq!(
                    Ds::<Ed25519>::verify(&receiver(&vk, id), &long),
                    Err(Error::TrailingBytes),
                    "{encoding:?} + {} bytes",
                    extra.len()
                );
            }
        }
    }
    // Bytes between the payload and the signature, validly signed.
    let mut m = Raw::ids(&[TARGET.0]).message();
    m.push(0);
    let mut sig = [0u8; 64];
    Ed25519::sign(&sk, &m, &mut sig).expect("sign");
    m.extend_from_slice(&sig);
    assert_eq!(
        Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &m),
        Err(Error::TrailingBytes)
    );
}

#[test]
fn wrong_version_rejected() {
    let (sender, sk, vk) = keys(11);
    let bytes = honest(&sender, Encoding::IdList, 12);
    for v in [0x00u8, 0x02, 0x7f, 0xff] {
        let mut b = bytes.clone();
        b[0] = v;
        assert_eq!(
            Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &b),
            Err(Error::UnsupportedVersion(v))
        );
        // Validly signed: still the version check.
        let raw = Raw {
            version: v,
            ..Raw::ids(&[TARGET.0])
        };
        assert_eq!(
            Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &raw.signed(&sk)),
            Err(Error::UnsupportedVersion(v))
        );
    }
}

#[test]
fn wrong_scheme_rejected() {
    let (sender, sk, vk) = keys(13);
    let bytes = honest(&sender, Encoding::IdList, 14);
    for s in [0x00u8, 0x02, 0x03, 0x10, 0x80, 0xff] {
        let expected = Err(Error::WrongScheme {
            expected: 0x01,
            found: s,
        });
        let mut b = bytes.clone();
        b[1] = s;
        assert_eq!(Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &b), expected);
        let raw = Raw {
            scheme: s,
            ..Raw::ids(&[TARGET.0])
        };
        assert_eq!(
            Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &raw.signed(&sk)),
            expected
        );
    }
}

#[test]
fn unknown_encoding_rejected() {
    let (_, sk, vk) = keys(15);
    for e in [0x02u8, 0x10, 0xff] {
        let raw = Raw {
            subset: RawSubset::Other(e),
            ..Raw::ids(&[TARGET.0])
        };
        assert_eq!(
            Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &raw.signed(&sk)),
            Err(Error::UnknownEncoding(e))
        );
    }
}

#[test]
fn oversized_length_fields_rejected() {
    let (_, sk, vk) = keys(17);
    let rx = receiver(&vk, TARGET);
    let too_large = |field, max: usize| {
        Err(Error::TooLarge {
            field,
            max: max as u64,
        })
    };

    // Payload length beyond 16 MiB.
    for len in [MAX_PAYLOAD_LEN as u32 + 1, u32::MAX] {
        let raw = Raw {
            payload_len: Some(len),
            ..Raw::ids(&[TARGET.0])
        };
        assert_eq!(
            Ds::<Ed25519>::verify(&rx, &raw.signed(&sk)),
            too_large("payload length", MAX_PAYLOAD_LEN)
        );
    }
    // At the maximum (or just above the bytes present) it is merely short.
    for len in [MAX_PAYLOAD_LEN as u32, 3] {
        let raw = Raw {
            payload_len: Some(len),
            ..Raw::ids(&[TARGET.0])
        };
        assert_eq!(
            Ds::<Ed25519>::verify(&rx, &raw.signed(&sk)),
            Err(Error::Truncated)
        );
    }

    // Id count beyond 2^24.
    for count in [MAX_ENTRIES as u32 + 1, u32::MAX] {
        let raw = Raw {
            subset: RawSubset::Ids {
                count,
                ids: vec![TARGET.0],
            },
            ..Raw::ids(&[])
        };
        assert_eq!(
            Ds::<Ed25519>::verify(&rx, &raw.signed(&sk)),
            too_large("id count", MAX_ENTRIES)
        );
    }
    // A count larger than the ids present, within the limit: truncated.
    let raw = Raw {
        subset: RawSubset::Ids {
            count: 2,
            ids: vec![TARGET.0],
        },
        ..Raw::ids(&[])
    };
    assert_eq!(
        Ds::<Ed25519>::verify(&rx, &raw.signed(&sk)),
        Err(Error::Truncated)
    );

    // Filter bits beyond 2^30 (multiples of 8, so only the size is wrong).
    for bits in [MAX_FILTER_BITS + 8, u32::MAX - 7] {
        let raw = Raw::bloom(bits, 4, vec![0; 8]);
        assert_eq!(
            Ds::<Ed25519>::verify(&rx, &raw.signed(&sk)),
            too_large("filter bits", MAX_FILTER_BITS as usize)
        );
    }
    // A filter shorter than its bits say: truncated.
    let raw = Raw::bloom(128, 4, vec![0; 8]);
    assert_eq!(
        Ds::<Ed25519>::verify(&rx, &raw.signed(&sk)),
        Err(Error::Truncated)
    );
}

#[test]
fn all_ones_filter_rejected_as_too_dense() {
    let (_, sk, vk) = keys(19);
    for (bits, hashes) in [(64u32, 4u8), (1024, 10), (8, 1), (256, 32)] {
        let raw = Raw::bloom(bits, hashes, vec![0xff; (bits / 8) as usize]);
        let bytes = raw.signed(&sk);
        // The signature is valid: only the density check stops it.
        let d = DsBroadcast::decode::<Ed25519>(&bytes).expect("decode");
        Ed25519::verify(&vk, d.signed, d.signature).expect("valid signature");
        for id in [TARGET, NEIGHBOUR, ReceiverId(0), ReceiverId(u64::MAX)] {
            assert_eq!(
                Ds::<Ed25519>::verify(&receiver(&vk, id), &bytes),
                Err(Error::FilterTooDense),
                "m={bits} k={hashes} {id:?}"
            );
        }
    }

    // Half the bits set with k = 1: bound 1/2 > 2^-6, refused too.
    let raw = Raw::bloom(64, 1, vec![0x0f; 8]);
    assert_eq!(
        Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &raw.signed(&sk)),
        Err(Error::FilterTooDense)
    );

    // Control: the same builder with an honest filter for TARGET verifies.
    let params = BloomParams::new(64, 4).expect("params");
    let mut filter = ba_iot::subset::Bloom::new(params);
    let salt = Raw::ids(&[]).salt;
    filter.insert(&salt, &TARGET.to_bytes()).expect("insert");
    let raw = Raw::bloom(64, 4, filter.as_bytes().to_vec());
    let bytes = raw.signed(&sk);
    let v = Ds::<Ed25519>::verify(&receiver(&vk, TARGET), &bytes).expect("honest");
    assert_eq!((v.seq, v.payload), (77, &b"go"[..]));
}

#[test]
fn non_canonical_inputs_rejected() {
    let (_, sk, vk) = keys(21);
    let rx = receiver(&vk, TARGET);
    let cases: Vec<(&str, Raw)> = vec![
        ("ids descending", Raw::ids(&[TARGET.0, 5])),
        ("duplicate ids", Raw::ids(&[TARGET.0, TARGET.0])),
        (
            "duplicate ids after others",
            Raw::ids(&[1, TARGET.0, TARGET.0]),
        ),
        ("empty id list", Raw::ids(&[])),
        (
            "filter bits not a multiple of 8",
            Raw::bloom(12, 2, vec![0; 1]),
        ),
        ("filter bits zero", Raw::bloom(0, 2, vec![])),
        ("k = 0", Raw::bloom(64, 0, vec![0; 8])),
        ("k = 33", Raw::bloom(64, 33, vec![0; 8])),
        ("k = 255", Raw::bloom(64, 255, vec![0; 8])),
    ];
    for (what, raw) in cases {
        let bytes = raw.signed(&sk);
        let e = Ds::<Ed25519>::verify(&rx, &bytes).expect_err(what);
        assert!(matches!(e, Error::NonCanonical(_)), "{what}: {e:?}");
        assert_eq!(
            DsBroadcast::decode::<Ed25519>(&bytes).map(|_| ()),
            Err(e),
            "{what}"
        );
    }
    // Sanity: the canonical list with the same builder is accepted.
    let ok = Raw::ids(&[5, TARGET.0]).signed(&sk);
    assert!(Ds::<Ed25519>::verify(&rx, &ok).is_ok());
}

#[test]
fn signature_from_another_key_rejected() {
    let (sender, _, _) = keys(23);
    let (_, _, other_vk) = keys(24);
    let bytes = honest(&sender, Encoding::IdList, 25);
    assert_eq!(
        Ds::<Ed25519>::verify(&receiver(&other_vk, TARGET), &bytes),
        Err(Error::Rejected)
    );
}

#[test]
fn sender_side_errors() {
    let (sender, _, _) = keys(27);
    let mut rng = ChaCha20Rng::seed_from_u64(28);
    let encodings = [
        Encoding::IdList,
        Encoding::Bloom(BloomSizing::FalsePositiveRate(0.001)),
        Encoding::Bloom(BloomSizing::Bytes(16)),
    ];
    let mut auth = |request: &Request<'_>, options: &DsOptions| {
        Ds::<Ed25519>::authenticate(&sender, request, options, &mut rng).map(|_| ())
    };

    for enc in encodings {
        let o = DsOptions::with_encoding(enc);
        assert_eq!(auth(&Request::new(&[], b"x", 1), &o), Err(Error::NoTargets));
        let dup = [ReceiverId(3), ReceiverId(9), ReceiverId(3)];
        assert_eq!(
            auth(&Request::new(&dup, b"x", 1), &o),
            Err(Error::DuplicateId)
        );
        // A duplicate in the registry is refused as well.
        let reg = [ReceiverId(3), ReceiverId(4), ReceiverId(4)];
        assert_eq!(
            auth(&Request::new(&reg[..1], b"x", 1).with_registry(&reg), &o),
            Err(Error::DuplicateId)
        );
    }

    // Oversized payload (checked before any work).
    let big = vec![0u8; MAX_PAYLOAD_LEN + 1];
    assert_eq!(
        auth(
            &Request::new(&[ReceiverId(1)], &big, 1),
            &DsOptions::with_encoding(Encoding::IdList)
        ),
        Err(Error::TooLarge {
            field: "payload length",
            max: MAX_PAYLOAD_LEN as u64
        })
    );

    // Invalid false-positive rates.
    for eps in [0.0, -0.5, 1.0, 1.5, f64::NAN, f64::INFINITY] {
        let o = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::FalsePositiveRate(eps)));
        let r = auth(&Request::new(&[ReceiverId(1)], b"x", 1), &o);
        assert!(matches!(r, Err(Error::InvalidParameter(_))), "{eps}: {r:?}");
    }

    // Invalid explicit shapes.
    for (bits, hashes) in [(12u32, 3u8), (64, 0), (64, 33)] {
        let o = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::Params(BloomParams {
            bits,
            hashes,
        })));
        let r = auth(&Request::new(&[ReceiverId(1)], b"x", 1), &o);
        assert!(
            matches!(r, Err(Error::NonCanonical(_))),
            "{bits}/{hashes}: {r:?}"
        );
    }
    let o = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::Bytes(usize::MAX)));
    assert!(matches!(
        auth(&Request::new(&[ReceiverId(1)], b"x", 1), &o),
        Err(Error::TooLarge { .. })
    ));

    // Zero false positives impossible: 8 targets in a 1-byte filter (k = 1)
    // leave most bits set, so each of 200 outsiders tests positive with
    // probability above 1/4; no salt in 16 tries excludes them all. The
    // density bound is lifted so that exclusion is what fails.
    let targets: Vec<ReceiverId> = (1..=8).map(ReceiverId).collect();
    let registry: Vec<ReceiverId> = (1..=208).map(ReceiverId).collect();
    let mut o = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::Bytes(1)));
    o.max_acceptance = Probability::MAX;
    o.max_tries = 16;
    assert_eq!(
        auth(
            &Request::new(&targets, b"x", 1).with_registry(&registry),
            &o
        ),
        Err(Error::ExclusionFailed { tries: 16 })
    );
    // With the default density bound the same filter is refused as too
    // dense for receivers: the sender never emits what they would drop.
    let o = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::Bytes(1)));
    assert_eq!(
        auth(&Request::new(&targets, b"x", 1), &o),
        Err(Error::FilterTooDense)
    );
    // A rate the default bound (2^-6) cannot carry: 2^-2.
    let o = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::FalsePositiveRate(0.25)));
    assert_eq!(
        auth(&Request::new(&targets, b"x", 1), &o),
        Err(Error::FilterTooDense)
    );
}

#[test]
fn stricter_policy_rejects_honest_dense_filter() {
    let (sender, _, vk) = keys(29);
    let mut rng = ChaCha20Rng::seed_from_u64(30);
    let targets: Vec<ReceiverId> = (100..150).map(ReceiverId).collect();
    let bytes = Ds::<Ed25519>::authenticate(
        &sender,
        &Request::new(&targets, b"dim lights", 5),
        &DsOptions::with_encoding(Encoding::Bloom(BloomSizing::FalsePositiveRate(0.01))),
        &mut rng,
    )
    .expect("authenticate");
    let d = DsBroadcast::decode::<Ed25519>(&bytes).expect("decode");
    let SubsetRef::Bloom(f) = d.subset else {
        panic!("not a Bloom broadcast")
    };
    let bound = f.acceptance_bound();
    assert!(bound > Probability::pow2_neg(10) && bound <= Probability::pow2_neg(6));

    // Default policy: the designated receiver accepts.
    assert!(Ds::<Ed25519>::verify(&receiver(&vk, ReceiverId(100)), &bytes).is_ok());

    // A receiver that tolerates at most 2^-10 refuses it, designated or not,
    // before any membership or signature work.
    let mut strict = ReceiverPolicy::default();
    strict.max_acceptance = Probability::pow2_neg(10);
    for id in [ReceiverId(100), ReceiverId(149), ReceiverId(99)] {
        let rx = receiver(&vk, id).with_policy(strict);
        assert_eq!(
            Ds::<Ed25519>::verify(&rx, &bytes),
            Err(Error::FilterTooDense)
        );
    }
    // The exact bound as the limit still passes.
    let mut exact = ReceiverPolicy::default();
    exact.max_acceptance = bound;
    let rx = receiver(&vk, ReceiverId(120)).with_policy(exact);
    assert!(Ds::<Ed25519>::verify(&rx, &bytes).is_ok());
}
