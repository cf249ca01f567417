//! ITU-T X.1366 aggregate MACs: known answers, properties, attacks, group
//! testing and the interactive protocol.

use ba_iot::aggregate::group_testing::{
    self, Construction, DisjunctMatrix, Identification, RowAggregates,
};
use ba_iot::aggregate::interactive::{
    Answer, InteractiveAggregator, InteractiveVerifier, Query, Step, round_bound,
};
use ba_iot::aggregate::{
    AggregateBundle, AggregateMac, AggregateTag, Device, DeviceKey, ExpectedTags, HashAggregate,
    KeyTable, MasterKey, Message, PreparedKey, Tag, TagEntry, TagLength, Verifier, XorAggregate,
    wire_id,
};
use ba_iot::{Error, ReceiverId};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

fn hx(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

fn master() -> MasterKey {
    let mut k = [0u8; 32];
    for (i, b) in k.iter_mut().enumerate() {
        *b = i as u8;
    }
    MasterKey::from_bytes(k)
}

/// A batch: devices `ids`, counters and payloads derived from the id.
struct Batch {
    ids: Vec<ReceiverId>,
    counters: Vec<u64>,
    payloads: Vec<Vec<u8>>,
    entries: Vec<TagEntry>,
}

impl Batch {
    fn new(master: &MasterKey, ids: &[u64], len: TagLength) -> Self {
        let ids: Vec<ReceiverId> = ids.iter().map(|&i| ReceiverId(i)).collect();
        let counters: Vec<u64> = ids.iter().map(|id| id.0.wrapping_mul(31) + 7).collect();
        let payloads: Vec<Vec<u8>> = ids
            .iter()
            .map(|id| format!("reading {} = {}", id.0, id.0 % 97).into_bytes())
            .collect();
        let entries = ids
            .iter()
            .zip(&counters)
            .zip(&payloads)
            .map(|((&id, &c), p)| {
                Device::new(id, &master.device_key(id), len)
                    .tag(c, p)
                    .expect("tag")
            })
            .collect();
        Batch {
            ids,
            counters,
            payloads,
            entries,
        }
    }

    fn messages(&self) -> Vec<Message<'_>> {
        self.ids
            .iter()
            .zip(&self.counters)
            .zip(&self.payloads)
            .map(|((&id, &c), p)| Message::new(id, c, p))
            .collect()
    }
}

fn flip(tag: &Tag) -> Tag {
    let mut b = tag.as_bytes().to_vec();
    b[0] ^= 1;
    Tag::from_slice(&b).expect("tag")
}

// ---------------------------------------------------------------- RFC 4231

#[test]
fn rfc4231_hmac_sha256_all_cases() {
    let long_key = vec![0xaa; 131];
    let cases: [(Vec<u8>, Vec<u8>, &str); 7] = [
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            (1u8..=25).collect(),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            vec![0x0c; 20],
            b"Test With Truncation".to_vec(),
            // Truncated to 128 bits in the RFC.
            "a3b6167473100ee06e0c796c2955552b",
        ),
        (
            long_key.clone(),
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            long_key,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (i, (key, data, want)) in cases.iter().enumerate() {
        let want = hx(want);
        let k = PreparedKey::new(key);
        let got = k.mac(data);
        assert_eq!(
            &got[..want.len()],
            &want[..],
            "RFC 4231 test case {}",
            i + 1
        );
        // The prepared state is reusable: a second MAC gives the same value.
        assert_eq!(k.mac(data), got);
    }
    // Case 5 through the crate's own truncation: a 16-byte Tag.
    let t = Tag::from_slice(&PreparedKey::new(&[0x0c; 20]).mac(b"Test With Truncation")[..16])
        .expect("16 bytes");
    assert_eq!(t.as_bytes(), &hx("a3b6167473100ee06e0c796c2955552b")[..]);
}

// ------------------------------------------------------- known answers (ours)
// Computed independently with Python's hmac/hashlib from the layouts in
// docs/aggregate.md.

#[test]
fn tag_and_key_derivation_known_answers() {
    let id = ReceiverId(0x0123_4567_89ab_cdef);
    let dk = master().device_key(id);
    assert_eq!(
        dk.as_bytes().to_vec(),
        hx("247b13dbf95d59fcfaa64871bcec8e94f9c235d1d5e5a02bc394a29121b08903")
    );
    let e = Device::new(id, &dk, TagLength::FULL)
        .tag(42, b"temperature=21.5C")
        .unwrap();
    assert_eq!(
        e.tag.as_bytes(),
        &hx("9ef00fd361ccb11eb584442144a5d00331c2c98bfce32a4cbad89b43aeb9f302")[..]
    );
    let e16 = Device::new(id, &dk, TagLength::new(16).unwrap())
        .tag(42, b"temperature=21.5C")
        .unwrap();
    assert_eq!(
        e16.tag.as_bytes(),
        &hx("9ef00fd361ccb11eb584442144a5d003")[..]
    );
}

#[test]
fn aggregate_known_answers() {
    let b = Batch::new(&master(), &[3, 1, 2], TagLength::FULL);
    // Override payloads/counters to the KAT values.
    let m = master();
    let spec: [(u64, u64, &[u8]); 3] = [(3, 7, b"c"), (1, 5, b"a"), (2, 9, b"")];
    let entries: Vec<TagEntry> = spec
        .iter()
        .map(|&(i, c, p)| {
            Device::new(ReceiverId(i), &m.device_key(ReceiverId(i)), TagLength::FULL)
                .tag(c, p)
                .unwrap()
        })
        .collect();
    drop(b);
    let x = XorAggregate::aggregate(&entries).unwrap();
    assert_eq!(
        x.as_bytes(),
        &hx("6af28680ed17460c58b5df1e43a6db78019bf6fb9136b3c832e293e4d806741b")[..]
    );
    let h = HashAggregate::aggregate(&entries).unwrap();
    assert_eq!(
        h.as_bytes(),
        &hx("7dbc102f4386f0ff0b6ba85ddd81db7b1e5f52c9d148dddaa72307adf781eaa6")[..]
    );
    // Order of input does not matter.
    let mut rev = entries.clone();
    rev.reverse();
    assert_eq!(HashAggregate::aggregate(&rev).unwrap(), h);
    assert_eq!(XorAggregate::aggregate(&rev).unwrap(), x);
}

// ------------------------------------------------------------ parameters

#[test]
fn tag_length_limits() {
    assert!(matches!(
        TagLength::new(15),
        Err(Error::InvalidParameter(_))
    ));
    assert!(matches!(
        TagLength::new(33),
        Err(Error::InvalidParameter(_))
    ));
    assert!(matches!(TagLength::new(0), Err(Error::InvalidParameter(_))));
    assert_eq!(TagLength::new(16).unwrap().get(), 16);
    assert_eq!(TagLength::default().get(), 32);
    assert!(matches!(
        Tag::from_slice(&[0; 15]),
        Err(Error::InvalidParameter(_))
    ));
    assert!(Tag::from_slice(&[0; 16]).is_ok());
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let k = DeviceKey::from_bytes([0xab; 32]);
    let s = format!("{k:?} {:?}", MasterKey::from_bytes([0xab; 32]));
    assert!(!s.contains("ab") && !s.contains("171"), "{s}");
    let d = Device::new(ReceiverId(1), &k, TagLength::FULL);
    let s = format!("{d:?} {:?}", k.prepare());
    assert!(!s.contains("ab,") && !s.contains("abab"), "{s}");
}

#[test]
fn truncated_tags_verify_and_mismatched_length_rejected() {
    let m = master();
    let len = TagLength::new(20).unwrap();
    let b = Batch::new(&m, &[10, 20, 30], len);
    let agg = XorAggregate::aggregate(&b.entries).unwrap();
    assert_eq!(agg.as_bytes().len(), 20);
    let v = Verifier::new(m.clone(), len);
    v.verify::<XorAggregate>(&b.messages(), &agg).unwrap();
    let agg_h = HashAggregate::aggregate(&b.entries).unwrap();
    v.verify::<HashAggregate>(&b.messages(), &agg_h).unwrap();
    // A verifier expecting full tags refuses the 20-byte aggregates.
    let full = Verifier::new(m, TagLength::FULL);
    assert_eq!(
        full.verify::<XorAggregate>(&b.messages(), &agg),
        Err(Error::Rejected)
    );
    assert_eq!(
        full.verify::<HashAggregate>(&b.messages(), &agg_h),
        Err(Error::Rejected)
    );
}

#[test]
fn mixed_tag_lengths_refused() {
    let m = master();
    let mut e = Batch::new(&m, &[1, 2], TagLength::FULL).entries;
    e.extend(Batch::new(&m, &[3], TagLength::MIN).entries);
    assert!(matches!(
        XorAggregate::aggregate(&e),
        Err(Error::InvalidParameter(_))
    ));
    assert!(matches!(
        HashAggregate::aggregate(&e),
        Err(Error::InvalidParameter(_))
    ));
}

// ----------------------------------------------------- empty / duplicates

#[test]
fn empty_and_duplicates_are_errors_everywhere() {
    let m = master();
    let v = Verifier::new(m.clone(), TagLength::FULL);
    let b = Batch::new(&m, &[5, 6, 7], TagLength::FULL);
    let agg_x = XorAggregate::aggregate(&b.entries).unwrap();
    let agg_h = HashAggregate::aggregate(&b.entries).unwrap();
    assert_eq!(XorAggregate::aggregate(&[]), Err(Error::NoTargets));
    assert_eq!(HashAggregate::aggregate(&[]), Err(Error::NoTargets));
    assert_eq!(v.verify::<XorAggregate>(&[], &agg_x), Err(Error::NoTargets));
    assert_eq!(
        v.verify::<HashAggregate>(&[], &agg_h),
        Err(Error::NoTargets)
    );

    // Same id, even with another counter, is a duplicate.
    let mut dup = b.entries.clone();
    let mut other = b.entries[0];
    other.counter += 1;
    dup.push(other);
    assert_eq!(XorAggregate::aggregate(&dup), Err(Error::DuplicateId));
    assert_eq!(HashAggregate::aggregate(&dup), Err(Error::DuplicateId));
    let mut msgs = b.messages();
    msgs.push(Message::new(msgs[0].id, msgs[0].counter + 1, b"x"));
    assert_eq!(
        v.verify::<XorAggregate>(&msgs, &agg_x),
        Err(Error::DuplicateId)
    );
    assert_eq!(
        v.verify::<HashAggregate>(&msgs, &agg_h),
        Err(Error::DuplicateId)
    );
    assert_eq!(AggregateBundle::new(agg_h, &msgs), Err(Error::DuplicateId));
    assert_eq!(
        InteractiveAggregator::new(&dup).err(),
        Some(Error::DuplicateId)
    );
    let mat = DisjunctMatrix::new(4, 1).unwrap();
    assert_eq!(RowAggregates::compute(&mat, &dup), Err(Error::DuplicateId));
}

#[test]
fn xor_duplicate_cancellation_attack_rejected() {
    // The attack: two copies of the same (message, tag) cancel in an XOR,
    // so an attacker can append any message twice, with a garbage tag, and
    // the aggregate is unchanged.
    let m = master();
    let v = Verifier::new(m.clone(), TagLength::FULL);
    let b = Batch::new(&m, &[1, 2, 3], TagLength::FULL);
    let agg = XorAggregate::aggregate(&b.entries).unwrap();
    let junk = TagEntry {
        id: ReceiverId(99),
        counter: 0,
        tag: Tag::from_slice(&[0x5a; 32]).unwrap(),
    };
    // Show the cancellation is real: XOR of the padded set equals agg.
    let mut x = agg.as_bytes().to_vec();
    for _ in 0..2 {
        for (a, b) in x.iter_mut().zip(junk.tag.as_bytes()) {
            *a ^= b;
        }
    }
    assert_eq!(x, agg.as_bytes());
    // But the scheme refuses the duplicated entries...
    let mut padded = b.entries.clone();
    padded.push(junk);
    padded.push(junk);
    assert_eq!(XorAggregate::aggregate(&padded), Err(Error::DuplicateId));
    // ...and the verifier refuses the message list carrying the forged
    // message twice, with the honest aggregate.
    let mut msgs = b.messages();
    let forged = Message::new(ReceiverId(99), 0, b"open the valve");
    msgs.push(forged);
    msgs.push(forged);
    assert_eq!(
        v.verify::<XorAggregate>(&msgs, &agg),
        Err(Error::DuplicateId)
    );
    // And a single copy does not verify.
    msgs.pop();
    assert_eq!(v.verify::<XorAggregate>(&msgs, &agg), Err(Error::Rejected));
}

#[test]
fn wrong_scheme_and_unknown_device() {
    let m = master();
    let b = Batch::new(&m, &[1, 2, 3], TagLength::FULL);
    let v = Verifier::new(m.clone(), TagLength::FULL);
    let agg_x = XorAggregate::aggregate(&b.entries).unwrap();
    assert_eq!(
        v.verify::<HashAggregate>(&b.messages(), &agg_x),
        Err(Error::WrongScheme {
            expected: wire_id::HASH_AGGREGATE,
            found: wire_id::XOR_AGGREGATE
        })
    );
    // A key table that lacks device 3: opaque rejection.
    let table = KeyTable::derive(&m, &[ReceiverId(1), ReceiverId(2)]);
    let vt = Verifier::new(table, TagLength::FULL);
    assert_eq!(
        vt.verify::<XorAggregate>(&b.messages(), &agg_x),
        Err(Error::Rejected)
    );
    // With every device, the table agrees with derivation.
    let table = KeyTable::derive(&m, &b.ids);
    assert_eq!(table.len(), 3);
    Verifier::new(table, TagLength::FULL)
        .verify::<XorAggregate>(&b.messages(), &agg_x)
        .unwrap();
    // A different master key: rejected.
    let other = Verifier::new(MasterKey::from_bytes([9; 32]), TagLength::FULL);
    assert_eq!(
        other.verify::<XorAggregate>(&b.messages(), &agg_x),
        Err(Error::Rejected)
    );
}

// ------------------------------------------------------------- wire formats

#[test]
fn bundle_round_trip_and_strictness() {
    let m = master();
    let v = Verifier::new(m.clone(), TagLength::FULL);
    let b = Batch::new(&m, &[40, 10, 30, 20], TagLength::FULL);
    for agg in [
        XorAggregate::aggregate(&b.entries).unwrap(),
        HashAggregate::aggregate(&b.entries).unwrap(),
    ] {
        let msgs = b.messages();
        let bytes = AggregateBundle::new(agg, &msgs).unwrap().encode().unwrap();
        let dec = AggregateBundle::decode(&bytes).unwrap();
        assert_eq!(dec.aggregate, agg);
        assert_eq!(dec.messages.len(), 4);
        assert!(dec.messages.windows(2).all(|w| w[0].id < w[1].id));
        dec.verify(&v).unwrap();
        assert_eq!(AggregateTag::decode(&agg.encode()).unwrap(), agg);

        let mut t = bytes.clone();
        t.push(0);
        assert_eq!(AggregateBundle::decode(&t), Err(Error::TrailingBytes));
        assert_eq!(
            AggregateBundle::decode(&bytes[..bytes.len() - 1]),
            Err(Error::Truncated)
        );
        let mut t = bytes.clone();
        t[0] = 2;
        assert_eq!(
            AggregateBundle::decode(&t),
            Err(Error::UnsupportedVersion(2))
        );
        // Flip one payload byte: decodes, but is rejected.
        let mut t = bytes.clone();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert_eq!(
            AggregateBundle::decode(&t).unwrap().verify(&v),
            Err(Error::Rejected)
        );
    }
    // Ids out of order on the wire: non-canonical.
    let agg = HashAggregate::aggregate(&b.entries).unwrap();
    let mut w = vec![1u8, wire_id::AGGREGATE_BUNDLE];
    w.extend_from_slice(&agg.encode()[1..]);
    w.extend_from_slice(&2u32.to_be_bytes());
    for id in [2u64, 1] {
        w.extend_from_slice(&id.to_be_bytes());
        w.extend_from_slice(&0u64.to_be_bytes());
        w.extend_from_slice(&0u32.to_be_bytes());
    }
    assert!(matches!(
        AggregateBundle::decode(&w),
        Err(Error::NonCanonical(_))
    ));
    // A huge count with no bytes behind it is refused before allocating.
    let mut w = vec![1u8, wire_id::AGGREGATE_BUNDLE];
    w.extend_from_slice(&agg.encode()[1..]);
    w.extend_from_slice(&(1u32 << 24).to_be_bytes());
    assert_eq!(AggregateBundle::decode(&w), Err(Error::Truncated));
    // Hash aggregates must be 32 bytes; XOR 16..=32.
    assert!(
        AggregateTag::decode(
            &[1, wire_id::HASH_AGGREGATE, 16]
                .iter()
                .copied()
                .chain([0; 16])
                .collect::<Vec<_>>()
        )
        .is_err()
    );
    assert!(
        AggregateTag::decode(
            &[1, wire_id::XOR_AGGREGATE, 15]
                .iter()
                .copied()
                .chain([0; 15])
                .collect::<Vec<_>>()
        )
        .is_err()
    );
    assert!(
        AggregateTag::decode(
            &[1, wire_id::XOR_AGGREGATE, 16]
                .iter()
                .copied()
                .chain([0; 16])
                .collect::<Vec<_>>()
        )
        .is_ok()
    );
    assert_eq!(
        AggregateTag::decode(&[1, 0x77, 16]),
        Err(Error::UnknownEncoding(0x77))
    );
}

// --------------------------------------------------------------- proptests

fn check_all_ok(n_ids: &[u64], len: TagLength) -> (Batch, Verifier<MasterKey>) {
    let m = master();
    let b = Batch::new(&m, n_ids, len);
    let v = Verifier::new(m, len);
    (b, v)
}

#[derive(Debug, Clone, Copy)]
enum Tamper {
    Tag,
    Payload,
    Id,
    Counter,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn valid_sets_verify(ids in prop::collection::btree_set(any::<u64>(), 1..24), len in 16usize..=32) {
        let ids: Vec<u64> = ids.into_iter().collect();
        let len = TagLength::new(len).unwrap();
        let (b, v) = check_all_ok(&ids, len);
        let msgs = b.messages();
        prop_assert!(v.verify::<XorAggregate>(&msgs, &XorAggregate::aggregate(&b.entries).unwrap()).is_ok());
        prop_assert!(v.verify::<HashAggregate>(&msgs, &HashAggregate::aggregate(&b.entries).unwrap()).is_ok());
    }

    #[test]
    fn any_single_tampering_is_detected(
        ids in prop::collection::btree_set(0u64..1_000_000, 1..24),
        pick in any::<prop::sample::Index>(),
        what in prop_oneof![Just(Tamper::Tag), Just(Tamper::Payload), Just(Tamper::Id), Just(Tamper::Counter)],
        bit in 0usize..8,
    ) {
        let ids: Vec<u64> = ids.into_iter().collect();
        let (mut b, v) = check_all_ok(&ids, TagLength::FULL);
        let i = pick.index(ids.len());
        match what {
            Tamper::Tag => b.entries[i].tag = {
                let mut t = b.entries[i].tag.as_bytes().to_vec();
                let k = bit % t.len();
                t[k] ^= 1 << bit;
                Tag::from_slice(&t).unwrap()
            },
            Tamper::Payload => b.payloads[i].push(bit as u8),
            // Ids above 1_000_000 are outside the set: no duplicate.
            Tamper::Id => b.ids[i] = ReceiverId(b.ids[i].0 + 1_000_000),
            Tamper::Counter => b.counters[i] ^= 1 << bit,
        }
        let msgs = b.messages();
        let x = XorAggregate::aggregate(&b.entries).unwrap();
        let h = HashAggregate::aggregate(&b.entries).unwrap();
        prop_assert_eq!(v.verify::<XorAggregate>(&msgs, &x), Err(Error::Rejected));
        prop_assert_eq!(v.verify::<HashAggregate>(&msgs, &h), Err(Error::Rejected));
    }

    #[test]
    fn interactive_finds_random_patterns(n in 1usize..120, seed in any::<u64>(), d in 0usize..5) {
        let ids: Vec<u64> = (0..n as u64).map(|i| i * 3 + 1).collect();
        let (b, v) = check_all_ok(&ids, TagLength::FULL);
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut bad: Vec<usize> = (0..n).collect();
        // Partial Fisher-Yates for d distinct positions.
        let d = d.min(n);
        for k in 0..d {
            let j = k + (rng.next_u64() as usize) % (n - k);
            bad.swap(k, j);
        }
        bad.truncate(d);
        let (found, rounds) = run_interactive(&b, &v, &bad, seed);
        let mut want: Vec<ReceiverId> = bad.iter().map(|&i| b.ids[i]).collect();
        want.sort();
        prop_assert_eq!(found, want);
        prop_assert!(rounds <= round_bound(n, d), "{} > {}", rounds, round_bound(n, d));
    }
}

// ------------------------------------------------------ interactive protocol

/// Run an honest interactive session in which the tags at positions `bad`
/// are corrupted; returns (invalid ids found, queries used).
fn run_interactive(
    b: &Batch,
    v: &Verifier<MasterKey>,
    bad: &[usize],
    seed: u64,
) -> (Vec<ReceiverId>, u64) {
    let mut entries = b.entries.clone();
    for &i in bad {
        entries[i].tag = flip(&entries[i].tag);
    }
    let agg = InteractiveAggregator::new(&entries).unwrap();
    let exp = v.expected(&b.messages()).unwrap();
    let n = b.ids.len();
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0x5eed);
    let mut iv = InteractiveVerifier::new(exp, round_bound(n, bad.len()), &mut rng).unwrap();
    let mut step = iv.start().unwrap();
    loop {
        match step {
            Step::Query(q) => {
                // Through the wire encodings, as a real transport would.
                let q = Query::decode(&q.encode()).unwrap();
                let a = Answer::decode(&agg.answer(&q).unwrap().encode()).unwrap();
                step = iv.receive(&a).unwrap();
            }
            Step::Done(ids) => return (ids, u64::from(iv.rounds())),
        }
    }
}

#[test]
fn interactive_every_pattern_small_n() {
    let ids: Vec<u64> = (0..12).map(|i| 1000 - i * 7).collect();
    let (b, v) = check_all_ok(&ids, TagLength::FULL);
    let n = ids.len();
    let mut checked = 0;
    for mask in 0u32..(1 << n) {
        if mask.count_ones() > 3 {
            continue;
        }
        let bad: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
        let (found, rounds) = run_interactive(&b, &v, &bad, u64::from(mask));
        let mut want: Vec<ReceiverId> = bad.iter().map(|&i| b.ids[i]).collect();
        want.sort();
        assert_eq!(found, want, "mask {mask:#x}");
        assert!(rounds <= round_bound(n, bad.len()));
        checked += 1;
    }
    assert_eq!(checked, 1 + 12 + 66 + 220);
}

#[test]
fn interactive_replays_are_rejected() {
    let ids: Vec<u64> = (1..=16).collect();
    let (b, v) = check_all_ok(&ids, TagLength::FULL);
    let mut entries = b.entries.clone();
    entries[5].tag = flip(&entries[5].tag);
    let agg = InteractiveAggregator::new(&entries).unwrap();
    let exp = v.expected(&b.messages()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mut s1 = InteractiveVerifier::new(exp.clone(), 100, &mut rng).unwrap();
    let mut s2 = InteractiveVerifier::new(exp.clone(), 100, &mut rng).unwrap();
    assert_ne!(s1.session(), s2.session());

    // No query outstanding yet: any answer is refused.
    let Step::Query(q1) = s1.start().unwrap() else {
        panic!("query expected")
    };
    let a1_r0 = agg.answer(&q1).unwrap();
    // Session 2's round 0 asks for the same range, but session 1's answer
    // is refused there.
    let Step::Query(q2) = s2.start().unwrap() else {
        panic!("query expected")
    };
    assert_eq!(q2.range(), q1.range());
    assert_eq!(s2.receive(&a1_r0), Err(Error::Rejected));
    // Session 1 advances; replaying its round-0 answer in round 1 fails.
    let Step::Query(q1b) = s1.receive(&a1_r0).unwrap() else {
        panic!("query expected")
    };
    assert_eq!(q1b.round(), 1);
    assert_eq!(s1.receive(&a1_r0), Err(Error::Rejected));
    // The state did not move: the outstanding query is still round 1.
    assert_eq!(s1.start().unwrap(), Step::Query(q1b));
    // A replay with a rewritten header is not refused, but it does not
    // verify: the answer for the whole range relabelled as round 1 (which
    // asks for the left half, positions 0..8, holding the bad one) marks
    // 0..8 failing, so its left half 0..4 is queried next (8..16 later).
    let relabelled = a1_r0.with_round(1);
    let Step::Query(q1c) = s1.receive(&relabelled).unwrap() else {
        panic!("query expected")
    };
    assert_eq!(q1b.range(), 0..8);
    assert_eq!(q1c.range(), 0..4);
    // Now a relabelled answer for a *valid* range (from session 2's round
    // 0, with session 1's nonce faked in is impossible: session mismatch).
    let a2_r0 = agg.answer(&q2).unwrap();
    assert_eq!(s1.receive(&a2_r0), Err(Error::Rejected));
    // Honest answers from here on locate exactly the bad message.
    let mut step = s1.receive(&agg.answer(&q1c).unwrap()).unwrap();
    while let Step::Query(q) = step {
        step = s1.receive(&agg.answer(&q).unwrap()).unwrap();
    }
    assert_eq!(step, Step::Done(vec![ReceiverId(6)]));
    // After Done, nothing is outstanding.
    assert_eq!(s1.receive(&a1_r0), Err(Error::Rejected));
}

#[test]
fn interactive_round_cap_and_malicious_aggregator() {
    let ids: Vec<u64> = (1..=32).collect();
    let (b, v) = check_all_ok(&ids, TagLength::FULL);
    let agg = InteractiveAggregator::new(&b.entries).unwrap();
    let exp = v.expected(&b.messages()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    // An aggregator answering garbage: every range fails, all 32 are
    // (falsely) reported, using exactly 2n - 1 queries (the hard cap).
    let mut s = InteractiveVerifier::new(exp.clone(), u64::MAX, &mut rng).unwrap();
    let mut step = s.start().unwrap();
    while let Step::Query(q) = step {
        let a = agg.answer(&q).unwrap().with_aggregate([0; 32]);
        step = s.receive(&a).unwrap();
    }
    assert_eq!(step, Step::Done(b.ids.clone()));
    assert_eq!(s.rounds(), 63);
    // With a cap from the bound for d = 1, the same aggregator is stopped.
    let cap = round_bound(32, 1);
    let mut s = InteractiveVerifier::new(exp, cap, &mut rng).unwrap();
    let mut step = s.start();
    let mut sent = 0;
    while let Ok(Step::Query(q)) = step {
        sent += 1;
        step = s.receive(&agg.answer(&q).unwrap().with_aggregate([0; 32]));
    }
    assert_eq!(
        step,
        Err(Error::TooLarge {
            field: "interactive queries",
            max: cap
        })
    );
    assert_eq!(sent, cap);
}

#[test]
fn interactive_wire_strictness() {
    let ids: Vec<u64> = (1..=4).collect();
    let (b, v) = check_all_ok(&ids, TagLength::FULL);
    let exp = v.expected(&b.messages()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut s = InteractiveVerifier::new(exp, 10, &mut rng).unwrap();
    let Step::Query(q) = s.start().unwrap() else {
        panic!("query expected")
    };
    let qb = q.encode();
    assert_eq!(qb.len(), Query::ENCODED_LEN);
    assert_eq!(Query::decode(&qb).unwrap(), q);
    let mut t = qb.clone();
    t.push(0);
    assert_eq!(Query::decode(&t), Err(Error::TrailingBytes));
    assert_eq!(Query::decode(&qb[..qb.len() - 1]), Err(Error::Truncated));
    // lo >= hi, hi > n: non-canonical.
    let mut t = qb.clone();
    let n = t.len();
    t[n - 8..n - 4].copy_from_slice(&4u32.to_be_bytes()); // lo = 4 = hi
    assert!(matches!(Query::decode(&t), Err(Error::NonCanonical(_))));
    let mut t = qb.clone();
    t[n - 4..].copy_from_slice(&5u32.to_be_bytes()); // hi = 5 > n
    assert!(matches!(Query::decode(&t), Err(Error::NonCanonical(_))));
    // The aggregator refuses a query for a batch of another size.
    let agg3 = InteractiveAggregator::new(&b.entries[..3]).unwrap();
    assert!(matches!(agg3.answer(&q), Err(Error::InvalidParameter(_))));
    let a = InteractiveAggregator::new(&b.entries)
        .unwrap()
        .answer(&q)
        .unwrap();
    let ab = a.encode();
    assert_eq!(ab.len(), Answer::ENCODED_LEN);
    assert_eq!(Answer::decode(&ab).unwrap(), a);
    assert_eq!(Answer::decode(&ab[..10]), Err(Error::Truncated));
    let mut t = ab.clone();
    t[1] = wire_id::INTERACTIVE_QUERY;
    assert_eq!(
        Answer::decode(&t),
        Err(Error::WrongScheme {
            expected: wire_id::INTERACTIVE_ANSWER,
            found: wire_id::INTERACTIVE_QUERY
        })
    );
    assert_eq!(s.receive(&a).unwrap(), Step::Done(vec![]));
}

// ----------------------------------------------------------- group testing

/// Is `m` d-disjunct? Exhaustive over every column and every set of `d`
/// other columns (bitsets of up to 128 rows).
fn is_d_disjunct(m: &DisjunctMatrix, d: usize) -> bool {
    assert!(m.tests() <= 128, "checker limited to 128 rows");
    let n = m.columns();
    let mut cols = Vec::with_capacity(n);
    let mut c = Vec::new();
    for j in 0..n {
        m.column(j, &mut c).unwrap();
        cols.push(c.iter().fold(0u128, |acc, &r| acc | 1u128 << r));
    }
    fn covered(cols: &[u128], target: usize, start: usize, left: usize, acc: u128) -> bool {
        if acc & cols[target] == cols[target] {
            return true;
        }
        if left == 0 {
            return false;
        }
        (start..cols.len())
            .filter(|&k| k != target)
            .any(|k| covered(cols, target, k + 1, left - 1, acc | cols[k]))
    }
    (0..n).all(|j| !covered(&cols, j, 0, d.min(n - 1), 0))
}

#[test]
fn matrices_are_d_disjunct_exhaustively() {
    for n in 1..=30 {
        for d in 1..=3 {
            let m = DisjunctMatrix::new(n, d).unwrap();
            assert!(m.tests() <= n, "never worse than identity");
            assert!(is_d_disjunct(&m, d), "new({n}, {d}) = {m:?}");
            if d >= 2 {
                let ks = DisjunctMatrix::kautz_singleton(n, d).unwrap();
                assert!(is_d_disjunct(&ks, d), "kautz_singleton({n}, {d}) = {ks:?}");
            }
        }
        if n >= 2 {
            let s = DisjunctMatrix::sperner(n).unwrap();
            assert!(is_d_disjunct(&s, 1), "sperner({n})");
        }
    }
}

#[test]
fn disjunctness_checker_can_fail() {
    // A Sperner family is 1- but not 2-disjunct: {0,1,2} is covered by
    // {0,1,3} and {2,4,5} among the 3-subsets of [6].
    let s = DisjunctMatrix::sperner(20).unwrap();
    assert_eq!(s.construction(), Construction::Sperner { t: 6, w: 3 });
    assert!(is_d_disjunct(&s, 1));
    assert!(!is_d_disjunct(&s, 2));
}

fn corrupt(entries: &[TagEntry], bad: &[usize]) -> Vec<TagEntry> {
    let mut e = entries.to_vec();
    for &i in bad {
        e[i].tag = flip(&e[i].tag);
    }
    e
}

#[test]
fn group_testing_exact_for_every_small_pattern() {
    let m = master();
    let v = Verifier::new(m.clone(), TagLength::FULL);
    for &n in &[1usize, 2, 5, 9, 13] {
        let ids: Vec<u64> = (0..n as u64).map(|i| 50 - i).collect();
        let b = Batch::new(&m, &ids, TagLength::FULL);
        let exp = v.expected(&b.messages()).unwrap();
        // Canonical position -> batch index (ids are descending here).
        let canon: Vec<ReceiverId> = exp.ids().collect();
        for d in 1..=3usize {
            let mat = DisjunctMatrix::new(n, d).unwrap();
            for mask in 0u32..(1 << n) {
                let k = mask.count_ones() as usize;
                if k > d + 1 {
                    continue;
                }
                let bad: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
                let rows = RowAggregates::compute(&mat, &corrupt(&b.entries, &bad)).unwrap();
                let got = group_testing::identify(&exp, &mat, &rows).unwrap();
                let mut want: Vec<ReceiverId> = bad.iter().map(|&i| b.ids[i]).collect();
                want.sort();
                if k <= mat.d() {
                    assert_eq!(
                        got,
                        Identification::Identified(want),
                        "n={n} d={d} mask={mask:#x}"
                    );
                } else {
                    // More than d: reported, and the candidates contain
                    // every invalid message.
                    match got {
                        Identification::TooMany { candidates } => {
                            assert!(candidates.len() > mat.d());
                            assert!(want.iter().all(|w| candidates.contains(w)));
                            assert!(candidates.iter().all(|c| canon.contains(c)));
                        }
                        other => panic!("n={n} d={d} mask={mask:#x}: {other:?}"),
                    }
                }
            }
        }
    }
}

#[test]
fn group_testing_exact_on_n_30_with_tampered_payloads() {
    // Every pattern of up to 2 tampered payloads (not tags) among 30.
    let m = master();
    let v = Verifier::new(m.clone(), TagLength::FULL);
    let ids: Vec<u64> = (0..30).map(|i| i * 1_000_003).collect();
    let b = Batch::new(&m, &ids, TagLength::FULL);
    let mat = DisjunctMatrix::new(30, 2).unwrap();
    let rows = RowAggregates::compute(&mat, &b.entries).unwrap();
    for i in 0..30 {
        for j in i..30 {
            let mut msgs = b.messages();
            let p1 = b"tampered-1".to_vec();
            let p2 = b"tampered-2".to_vec();
            msgs[i].payload = &p1;
            msgs[j].payload = &p2;
            let exp = v.expected(&msgs).unwrap();
            let got = group_testing::identify(&exp, &mat, &rows).unwrap();
            let mut want = vec![b.ids[i]];
            if j != i {
                want.push(b.ids[j]);
            }
            want.sort();
            assert_eq!(got, Identification::Identified(want));
        }
    }
}

#[test]
fn group_testing_random_patterns_n_10000() {
    // One random pattern of exactly d invalid messages per d (the debug
    // build hashes about 1 MB/s per row set, so this is kept to 3 runs; the
    // exhaustive small-n tests cover every pattern).
    let n = 10_000usize;
    let m = master();
    let ids: Vec<u64> = (0..n as u64)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .collect();
    let b = Batch::new(&m, &ids, TagLength::FULL);
    let v = Verifier::new(m, TagLength::FULL);
    let exp: ExpectedTags = v.expected(&b.messages()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(10_000);
    for d in [1usize, 2, 4] {
        let mat = DisjunctMatrix::new(n, d).unwrap();
        let mut bad: Vec<usize> = Vec::new();
        while bad.len() < d {
            let i = (rng.next_u64() as usize) % n;
            if !bad.contains(&i) {
                bad.push(i);
            }
        }
        let rows = RowAggregates::compute(&mat, &corrupt(&b.entries, &bad)).unwrap();
        let rows = RowAggregates::decode(&rows.encode()).unwrap();
        let mut want: Vec<ReceiverId> = bad.iter().map(|&i| b.ids[i]).collect();
        want.sort();
        assert_eq!(
            group_testing::identify(&exp, &mat, &rows).unwrap(),
            Identification::Identified(want),
            "d={d} bad={bad:?}"
        );
    }
}

#[test]
fn group_testing_detects_a_lying_aggregator() {
    let m = master();
    let v = Verifier::new(m.clone(), TagLength::FULL);
    let ids: Vec<u64> = (1..=100).collect();
    let b = Batch::new(&m, &ids, TagLength::FULL);
    let exp = v.expected(&b.messages()).unwrap();
    let mat = DisjunctMatrix::new(100, 2).unwrap();
    assert!(matches!(
        mat.construction(),
        Construction::KautzSingleton { .. }
    ));
    let mut rows = RowAggregates::compute(&mat, &b.entries).unwrap();
    assert_eq!(
        group_testing::identify(&exp, &mat, &rows).unwrap(),
        Identification::Identified(vec![])
    );
    // One row replaced: its members are all cleared by other rows.
    rows.set_row(0, [7; 32]).unwrap();
    assert!(matches!(
        group_testing::identify(&exp, &mat, &rows).unwrap(),
        Identification::Inconsistent { .. }
    ));
    // Rows for another matrix do not fit.
    let other = DisjunctMatrix::new(100, 1).unwrap();
    assert!(matches!(
        group_testing::identify(&exp, &other, &rows),
        Err(Error::InvalidParameter(_))
    ));
}

#[test]
fn group_testing_rows_wire_strictness() {
    let m = master();
    let b = Batch::new(&m, &[1, 2, 3, 4, 5, 6], TagLength::FULL);
    let mat = DisjunctMatrix::new(6, 1).unwrap();
    let rows = RowAggregates::compute(&mat, &b.entries).unwrap();
    let bytes = rows.encode();
    assert_eq!(bytes.len(), rows.encoded_len());
    assert_eq!(RowAggregates::decode(&bytes).unwrap(), rows);
    let mut t = bytes.clone();
    t.push(0);
    assert_eq!(RowAggregates::decode(&t), Err(Error::TrailingBytes));
    assert_eq!(
        RowAggregates::decode(&bytes[..bytes.len() - 1]),
        Err(Error::Truncated)
    );
    let mut t = bytes.clone();
    t[6..10].copy_from_slice(&7u32.to_be_bytes()); // d > n
    assert!(matches!(
        RowAggregates::decode(&t),
        Err(Error::NonCanonical(_))
    ));
    // Entries that do not match the matrix size.
    assert!(matches!(
        RowAggregates::compute(&mat, &b.entries[..5]),
        Err(Error::InvalidParameter(_))
    ));
}

#[test]
fn matrix_table_for_docs() {
    // Prints the table in docs/aggregate.md:
    //   cargo test --test aggregate matrix_table_for_docs -- --nocapture
    println!("| n | d | construction | tests t | lower bound |");
    println!("|---|---|---|---|---|");
    for n in [100usize, 1_000, 10_000, 100_000, 1_000_000] {
        for d in [1usize, 2, 3, 4, 8] {
            let m = DisjunctMatrix::new(n, d).unwrap();
            let lb = DisjunctMatrix::lower_bound(n, d);
            assert!(m.tests() as f64 >= lb.floor());
            println!(
                "| {n} | {d} | {:?} | {} | {:.1} |",
                m.construction(),
                m.tests(),
                lb
            );
        }
    }
}

#[test]
fn tagging_with_a_random_master_key_round_trips() {
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    let mk = MasterKey::generate(&mut rng);
    let mut rng2 = ChaCha20Rng::seed_from_u64(77);
    let mut bytes = [0u8; 32];
    rng2.fill_bytes(&mut bytes);
    // Deterministic from the seeded RNG.
    assert_eq!(
        mk.device_key(ReceiverId(1)).as_bytes(),
        MasterKey::from_bytes(bytes)
            .device_key(ReceiverId(1))
            .as_bytes()
    );
    let dk = DeviceKey::generate(&mut rng);
    let mut t = KeyTable::new();
    t.insert(ReceiverId(5), &dk);
    let e = Device::new(ReceiverId(5), &dk, TagLength::FULL)
        .tag(1, b"x")
        .unwrap();
    let v = Verifier::new(t, TagLength::FULL);
    let agg = HashAggregate::aggregate(&[e]).unwrap();
    v.verify::<HashAggregate>(&[Message::new(ReceiverId(5), 1, b"x")], &agg)
        .unwrap();
    assert_eq!(
        v.verify::<HashAggregate>(&[Message::new(ReceiverId(5), 2, b"x")], &agg),
        Err(Error::Rejected)
    );
}

// ---------------------------------------------------------------- Debug and helpers

/// The verifier's recomputed tags are MAC-oracle outputs (over whatever
/// message it was handed, forged ones included): `Debug` of `ExpectedTags`,
/// of an `InteractiveVerifier` and of an `InteractiveAggregator` must not
/// print them.
#[test]
fn debug_never_prints_recomputed_tags() {
    let master = MasterKey::from_bytes([7; 32]);
    let verifier = Verifier::new(master.clone(), TagLength::FULL);
    let forged = [Message::new(ReceiverId(5), 99, b"unlock all doors")];
    let expected = verifier.expected(&forged).expect("expected");
    let genuine = master
        .device_key(ReceiverId(5))
        .prepare()
        .tag(ReceiverId(5), 99, b"unlock all doors", TagLength::FULL)
        .expect("tag");
    let needle: String = genuine.as_bytes()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let shown = format!("{expected:?}");
    assert!(shown.contains("messages: 1"), "{shown}");
    assert!(!shown.contains(&needle), "{shown}");
    let s =
        InteractiveVerifier::new(expected, 8, &mut ChaCha20Rng::seed_from_u64(1)).expect("session");
    let shown = format!("{s:?}");
    assert!(!shown.contains(&needle), "{shown}");
    let device = Device::new(
        ReceiverId(5),
        &master.device_key(ReceiverId(5)),
        TagLength::FULL,
    );
    let entry = device.tag(99, b"unlock all doors").expect("tag");
    let agg = InteractiveAggregator::new(&[entry]).expect("aggregator");
    let shown = format!("{agg:?}");
    assert!(!shown.contains(&needle), "{shown}");
}

/// The sizing helpers take any parameters without panicking.
#[test]
fn sizing_helpers_saturate_on_huge_parameters() {
    assert_eq!(round_bound(10, usize::MAX), 19);
    assert_eq!(round_bound(usize::MAX, 1), 1 + 2 * 64);
    assert_eq!(round_bound(1, 0), 1);
    let lb = DisjunctMatrix::lower_bound(10, usize::MAX);
    assert!((lb - 10.0).abs() < 1e-9, "{lb}");
    let lb = DisjunctMatrix::lower_bound(1 << 20, 1 << 40);
    assert!((lb - f64::from(1u32 << 20)).abs() < 1e-3, "{lb}");
}
