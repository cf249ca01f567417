//! The MAC-based anonymous construction under attack: coalitions of
//! receivers, bit flips, forged Bloom filters (all ones, random bytes,
//! structured blocks), Bloom-layout downgrades against reference-layout
//! receivers, locator runs, and the false-positive rates of non-targets
//! measured against the formulas.

use ba_iot::anonymous::{
    AnonBroadcast, AnonOptions, AnonReceiverKey, AnonSenderKey, Anonymous, DeviceKeys,
    DeviceStates, Entries, Layout, MAX_LOCATOR_RUN, MasterKey, Mode, ReceiverPolicy, SizeClass,
    digest,
};
use ba_iot::subset::{BloomParams, BloomSizing, Probability};
use ba_iot::{BroadcastAuth, Error, ReceiverId, ReplayWindow, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

fn ids(range: core::ops::Range<u64>) -> Vec<ReceiverId> {
    range.map(ReceiverId).collect()
}

/// Binomial upper tolerance: mean + z standard deviations, plus slack for
/// tiny means.
fn upper(n: f64, p: f64, z: f64) -> f64 {
    n * p + z * (n * p * (1.0 - p)).sqrt() + 3.0
}

// ---------------------------------------------------------------- crafting

/// A reference-layout header as the sender writes it.
fn ref_header(mode: u8, seq: u64, r: &[u8; 16], l: u8, t: u8, count: u32) -> Vec<u8> {
    let mut h = vec![0x01, 0x10, 0x00, mode];
    h.extend_from_slice(&seq.to_be_bytes());
    h.extend_from_slice(r);
    h.extend_from_slice(&[l, t]);
    h.extend_from_slice(&count.to_be_bytes());
    h
}

fn bloom_header(mode: u8, seq: u64, r: &[u8; 16], bits: u32, k: u8) -> Vec<u8> {
    let mut h = vec![0x01, 0x10, 0x01, mode];
    h.extend_from_slice(&seq.to_be_bytes());
    h.extend_from_slice(r);
    h.extend_from_slice(&bits.to_be_bytes());
    h.push(k);
    h
}

fn frame(header: &[u8], body: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut b = header.to_vec();
    b.extend_from_slice(body);
    b.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    b.extend_from_slice(payload);
    b
}

/// The designated entry a receiver holding `st` computes for itself.
fn own_entry(st: &DeviceStates, r: &[u8; 16], d: &[u8; 32], l: usize, t: usize) -> Vec<u8> {
    let mut e = st.locator(r)[..l].to_vec();
    e.extend_from_slice(&st.designated_tag(d)[..t]);
    e
}

fn sorted_body(mut entries: Vec<Vec<u8>>) -> Vec<u8> {
    entries.sort();
    entries.dedup();
    entries.concat()
}

/// Insert a tag into a filter the way the sender does (position `i` is the
/// single position of `tag[..16] || i`).
fn bloom_insert(bytes: &mut [u8], bits: u32, k: u8, r: &[u8], tag: &[u8; 32]) {
    let params = BloomParams::new(bits, k).expect("params");
    for p in ba_iot::subset::bloom::positions(params, r, &tag[..16]).expect("positions") {
        bytes[(p / 8) as usize] |= 1 << (p % 8);
    }
}

struct Fleet {
    sender: AnonSenderKey,
    keys: Vec<AnonReceiverKey>,
}

impl Fleet {
    fn new(n: u64, seed: u8) -> Self {
        let sender = AnonSenderKey::new(MasterKey::from_bytes([seed; 32]));
        let keys = ids(0..n)
            .into_iter()
            .map(|id| Anonymous::join(&sender, id))
            .collect();
        Fleet { sender, keys }
    }

    /// The same fleet with every receiver under `policy`.
    fn with_policy(mut self, policy: ReceiverPolicy) -> Self {
        for k in &mut self.keys {
            k.policy = policy;
        }
        self
    }
}

// ---------------------------------------------------------------- coalitions

#[test]
fn coalition_cannot_forge_for_a_target_reference() {
    let fleet = Fleet::new(12, 1);
    let x = ReceiverId(3); // the victim
    let targets = [ReceiverId(1), x, ReceiverId(8)];
    let (l, t) = (4usize, 16usize);
    let mut accepted_by_coalition = 0;
    for seed in 0..20u8 {
        let payload = b"set 20C";
        let seq = 1000 + u64::from(seed);
        let honest = Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&targets, payload, seq),
            &AnonOptions::default(),
            &mut rng(seed),
        )
        .expect("auth");
        let b = AnonBroadcast::decode(&honest).expect("decode");
        let Entries::Reference(list) = b.entries else {
            panic!("reference layout")
        };
        let old: Vec<Vec<u8>> = list.as_bytes().chunks(l + t).map(<[u8]>::to_vec).collect();
        let coalition: Vec<&AnonReceiverKey> = fleet.keys.iter().filter(|k| k.id != x).collect();

        // Each variant: (seq, payload, keep old entries?).
        let variants: [(u64, &[u8]); 3] = [
            (seq, b"set 99C"),  // modified payload
            (seq + 1, payload), // modified sequence number
            (seq, b""),         // truncated payload
        ];
        for (vseq, vpayload) in variants {
            for keep_old in [true, false] {
                let count = coalition.len() + if keep_old { old.len() } else { 0 };
                let header = ref_header(0, vseq, b.random, l as u8, t as u8, count as u32);
                let d = digest(&header, vpayload);
                let mut entries: Vec<Vec<u8>> = coalition
                    .iter()
                    .map(|k| own_entry(k.states(), b.random, &d, l, t))
                    .collect();
                if keep_old {
                    entries.extend(old.iter().cloned());
                }
                let forged = frame(&header, &sorted_body(entries), vpayload);
                let victim = &fleet.keys[x.0 as usize];
                assert!(
                    Anonymous::verify(victim, &forged).is_err(),
                    "victim accepted a coalition forgery"
                );
                // The forgery is well formed: coalition members accept it.
                for k in &coalition {
                    if Anonymous::verify(k, &forged).is_ok() {
                        accepted_by_coalition += 1;
                    }
                }
            }
        }

        // Entry-set manipulations on the honest broadcast.
        let victim = &fleet.keys[x.0 as usize];
        let header = &honest[..34];
        let d = b.digest();
        let mine = own_entry(victim.states(), b.random, &d, l, t);
        assert!(old.contains(&mine));
        // Drop the victim's entry (count adjusted, so d changes too; and
        // with the count kept, by replacing it with a coalition member's).
        let without: Vec<Vec<u8>> = old.iter().filter(|e| **e != mine).cloned().collect();
        let h2 = ref_header(0, seq, b.random, l as u8, t as u8, without.len() as u32);
        let f = frame(&h2, &sorted_body(without.clone()), payload);
        assert!(Anonymous::verify(victim, &f).is_err());
        // Keep the victim's locator, swap in another entry's tag.
        for other in without.iter() {
            let mut swapped = mine[..l].to_vec();
            swapped.extend_from_slice(&other[l..]);
            let mut es = without.clone();
            es.push(swapped);
            let f = frame(header, &sorted_body(es), payload);
            assert!(Anonymous::verify(victim, &f).is_err());
        }
        // Splice the victim's entry into a broadcast for others (same
        // payload, same seq, fresh r).
        let others = [ReceiverId(5), ReceiverId(6)];
        let second = Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&others, payload, seq),
            &AnonOptions::default(),
            &mut rng(seed.wrapping_add(100)),
        )
        .expect("auth");
        let b2 = AnonBroadcast::decode(&second).expect("decode");
        let Entries::Reference(l2) = b2.entries else {
            panic!("reference")
        };
        let mut es: Vec<Vec<u8>> = l2.as_bytes().chunks(l + t).map(<[u8]>::to_vec).collect();
        es.push(mine.clone());
        let h3 = ref_header(0, seq, b2.random, l as u8, t as u8, es.len() as u32);
        let f = frame(&h3, &sorted_body(es.clone()), payload);
        assert!(Anonymous::verify(victim, &f).is_err());
        // With the victim's old r in the header its locator matches, but
        // the tag covers the whole header, count included: a different
        // entry set (here one more entry) is a different digest. (The same
        // header with the same count would just re-encode the authentic
        // (seq, payload), which the victim may accept.)
        es.push(vec![0x42; l + t]);
        let h4 = ref_header(0, seq, b.random, l as u8, t as u8, es.len() as u32);
        let f = frame(&h4, &sorted_body(es), payload);
        assert!(Anonymous::verify(victim, &f).is_err());
    }
    // 20 broadcasts * 6 variants * 11 coalition members.
    assert_eq!(accepted_by_coalition, 20 * 6 * 11);
}

#[test]
fn coalition_cannot_forge_for_a_target_bloom() {
    let fleet = Fleet::new(12, 2);
    let x = ReceiverId(3);
    let targets = [ReceiverId(1), x, ReceiverId(8)];
    // Room for the coalition's extra element: a filter sized for 12
    // elements (3 targets + 9 dummies), receivers enforcing 2^-16.
    let opts = AnonOptions::new(Layout::bloom(), Mode::StrongPadded(SizeClass::Fixed(12)));
    let bound = Probability::pow2_neg(16);
    let victim = &relaxed(&fleet.keys[x.0 as usize], bound);
    let coalition: Vec<AnonReceiverKey> = fleet
        .keys
        .iter()
        .filter(|k| k.id != x)
        .map(|k| relaxed(k, bound))
        .collect();
    let mut victim_accepts = 0u32;
    let mut coalition_accepts = 0u32;
    let attempts = 150u32;
    for i in 0..attempts {
        let seq = u64::from(i);
        let honest = Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&targets, b"on", seq),
            &opts,
            &mut rng(i as u8),
        )
        .expect("auth");
        let b = AnonBroadcast::decode(&honest).expect("decode");
        let Entries::Bloom(f) = b.entries else {
            panic!("bloom")
        };
        let (bits, k) = (f.params().bits, f.params().hashes);
        // Forge: modified payload (or seq), the honest filter's bits kept
        // (so every honest position stays set) plus the coalition's own
        // tags over the new digest.
        let (vseq, vpayload): (u64, &[u8]) = if i % 2 == 0 {
            (seq, b"off")
        } else {
            (seq + 1, b"on")
        };
        let header = bloom_header(2, vseq, b.random, bits, k);
        let d = digest(&header, vpayload);
        let mut bytes = f.as_bytes().to_vec();
        for m in coalition.iter().take(1) {
            bloom_insert(
                &mut bytes,
                bits,
                k,
                b.random,
                &m.states().designated_tag(&d),
            );
        }
        let forged = frame(&header, &bytes, vpayload);
        match Anonymous::verify(victim, &forged) {
            Ok(_) => victim_accepts += 1,
            Err(Error::Rejected | Error::FilterTooDense) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
        for m in coalition.iter().take(1) {
            if Anonymous::verify(m, &forged).is_ok() {
                coalition_accepts += 1;
            }
        }
    }
    // Per attempt at most the 2^-16 bound: over 150 attempts, none.
    assert_eq!(victim_accepts, 0);
    // The forged filters are otherwise fine: their author accepts them.
    assert!(coalition_accepts > attempts / 2, "{coalition_accepts}");
}

// ---------------------------------------------------------------- bit flips

fn flip_all(bytes: &[u8], fleet: &Fleet, targets: &[ReceiverId], own: &dyn Fn(usize, u64) -> bool) {
    let v = Anonymous::verify(&fleet.keys[targets[0].0 as usize], bytes).expect("honest");
    let (seq, payload) = (v.seq, v.payload.to_vec());
    let payload_start = bytes.len() - payload.len() - 4;
    let mut target_rejections = 0usize;
    for bit in 0..bytes.len() * 8 {
        let mut b = bytes.to_vec();
        b[bit / 8] ^= 1 << (bit % 8);
        let in_header_or_payload = bit / 8 < 33 || bit / 8 >= payload_start;
        for k in &fleet.keys {
            match Anonymous::verify(k, &b) {
                Ok(v) => {
                    assert!(!in_header_or_payload, "flip {bit} accepted by {:?}", k.id);
                    assert!(
                        targets.contains(&k.id),
                        "non-target {:?} accepted flip {bit}",
                        k.id
                    );
                    assert!(
                        !own(bit / 8, k.id.0),
                        "flip {bit} in {:?}'s own entry",
                        k.id
                    );
                    assert_eq!((v.seq, v.payload), (seq, &payload[..]));
                }
                Err(_) => {
                    if targets.contains(&k.id) {
                        target_rejections += 1;
                    }
                }
            }
        }
    }
    assert!(target_rejections >= (payload_start + payload.len()) * 8);
}

#[test]
fn every_bit_flip_is_rejected_or_harmless_reference() {
    let fleet = Fleet::new(6, 3);
    let targets = [ReceiverId(0), ReceiverId(2), ReceiverId(5)];
    let registry = ids(0..6);
    let bytes = Anonymous::authenticate(
        &fleet.sender,
        &Request::new(&targets, b"go!", 77).with_registry(&registry),
        &AnonOptions::default(),
        &mut rng(3),
    )
    .expect("auth");
    assert_eq!(bytes.len(), 34 + 3 * 20 + 4 + 3);
    let b = AnonBroadcast::decode(&bytes).expect("decode");
    let d = b.digest();
    // Which byte range holds each target's entry.
    let mut ranges = Vec::new();
    for &t in &targets {
        let e = own_entry(fleet.keys[t.0 as usize].states(), b.random, &d, 4, 16);
        let pos = bytes
            .windows(20)
            .position(|w| w == e)
            .expect("entry present");
        ranges.push((t.0, pos..pos + 20));
    }
    let own = move |byte: usize, id: u64| ranges.iter().any(|(t, r)| *t == id && r.contains(&byte));
    flip_all(&bytes, &fleet, &targets, &own);
}

#[test]
fn every_bit_flip_is_rejected_or_harmless_bloom() {
    let fleet = Fleet::new(6, 4).with_policy(ReceiverPolicy::bloom());
    let targets = [ReceiverId(1), ReceiverId(4), ReceiverId(5)];
    let registry = ids(0..6);
    let bytes = Anonymous::authenticate(
        &fleet.sender,
        &Request::new(&targets, b"go!", 78).with_registry(&registry),
        &AnonOptions::new(Layout::bloom(), Mode::Weak),
        &mut rng(4),
    )
    .expect("auth");
    // A cleared filter bit must make some target reject: every set bit
    // belongs to a target's tag.
    let b = AnonBroadcast::decode(&bytes).expect("decode");
    let Entries::Bloom(f) = b.entries else {
        panic!("bloom")
    };
    let filter_len = f.as_bytes().len();
    let mut cleared_rejected = 0;
    let mut cleared = 0;
    for byte in 33..33 + filter_len {
        for bit in 0..8 {
            if bytes[byte] >> bit & 1 == 1 {
                cleared += 1;
                let mut m = bytes.clone();
                m[byte] ^= 1 << bit;
                if targets
                    .iter()
                    .any(|t| Anonymous::verify(&fleet.keys[t.0 as usize], &m).is_err())
                {
                    cleared_rejected += 1;
                }
            }
        }
    }
    assert_eq!(cleared, cleared_rejected);
    flip_all(&bytes, &fleet, &targets, &|_, _| false);
}

// ---------------------------------------------------------------- forged filters

/// `rk` accepting the Bloom layout up to `bound`.
fn relaxed(rk: &AnonReceiverKey, bound: Probability) -> AnonReceiverKey {
    let mut p = ReceiverPolicy::bloom();
    p.max_acceptance = bound;
    rk.clone().with_policy(p)
}

#[test]
fn all_ones_filters_are_refused() {
    let fleet = Fleet::new(4, 5).with_policy(ReceiverPolicy::bloom());
    for bits in [8u32, 64, 1024, 8192, 1 << 16] {
        for k in [1u8, 2, 8, 20, 32] {
            let header = bloom_header(0, 1, &[7; 16], bits, k);
            let forged = frame(&header, &vec![0xff; bits as usize / 8], b"unlock");
            for rk in &fleet.keys {
                assert_eq!(Anonymous::verify(rk, &forged), Err(Error::FilterTooDense));
            }
        }
    }
}

/// Random filters (each bit set with probability 1/4, or 3/4 when `dense`)
/// with `k` hashes, fresh salt and payload each: acceptance must not exceed
/// the sum of the filters' bounds (within binomial tolerance), and filters
/// above the policy are refused.
fn random_filter_attack(
    bits: u32,
    k: u8,
    dense: bool,
    policy: Probability,
    trials: u32,
) -> (u32, f64, u32) {
    let fleet = Fleet::new(1, 6);
    let rk = relaxed(&fleet.keys[0], policy);
    let mut r = rng(6);
    let (mut accepted, mut sum_bound, mut too_dense) = (0u32, 0f64, 0u32);
    let len = bits as usize / 8;
    let (mut a, mut b) = (vec![0u8; len], vec![0u8; len]);
    for _ in 0..trials {
        r.fill_bytes(&mut a);
        r.fill_bytes(&mut b);
        let filter: Vec<u8> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| if dense { x | y } else { x & y })
            .collect();
        let mut salt = [0u8; 16];
        r.fill_bytes(&mut salt);
        let header = bloom_header(0, r.next_u64(), &salt, bits, k);
        let forged = frame(&header, &filter, &r.next_u64().to_be_bytes());
        let bc = AnonBroadcast::decode(&forged).expect("decode");
        let Entries::Bloom(f) = bc.entries else {
            panic!("bloom")
        };
        let bound = f.acceptance_bound();
        match Anonymous::verify(&rk, &forged) {
            Ok(_) => {
                assert!(bound <= policy);
                accepted += 1;
                sum_bound += bound.to_f64();
            }
            Err(Error::Rejected) => {
                assert!(bound <= policy);
                sum_bound += bound.to_f64();
            }
            Err(Error::FilterTooDense) => {
                assert!(bound > policy);
                too_dense += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    (accepted, sum_bound, too_dense)
}

#[test]
fn random_byte_filters_accept_at_most_the_bound() {
    // Below the bound: density 1/4, k = 4, bound about 2^-8 <= 2^-6.
    let policy = Probability::pow2_neg(6);
    let trials = 12_000u32;
    let (acc, sum, dense) = random_filter_attack(1024, 4, false, policy, trials);
    assert_eq!(dense, 0);
    let n = f64::from(trials);
    let p = sum / n;
    assert!(
        f64::from(acc) <= upper(n, p, 5.0),
        "accepted {acc}, bound sum {sum}"
    );
    // The bound is nearly tight for random filters: not vacuous.
    assert!(
        f64::from(acc) >= n * p * 0.5,
        "accepted {acc}, bound sum {sum}"
    );
    // Above the bound: density 3/4, k = 4, bound about 0.32 > 2^-6.
    let (acc, _, dense) = random_filter_attack(1024, 4, true, policy, 2_000);
    assert_eq!((acc, dense), (0, 2_000));
}

#[test]
fn structured_block_filters_accept_at_most_the_bound() {
    // The first 600 of 1024 bits set, k = 8: bound (600/1024)^8 = 0.0139.
    // With the k positions of one element derived by double hashing from a
    // single digest (an arithmetic progression), such a block catches every
    // element with a small step and is accepted about 4 times more often
    // than the bound; the independent positions of `subset::bloom` keep it
    // at the bound.
    let fleet = Fleet::new(1, 7);
    let policy = Probability::pow2_neg(6);
    let rk = relaxed(&fleet.keys[0], policy);
    let mut filter = vec![0u8; 128];
    for p in 0..600 {
        filter[p / 8] |= 1 << (p % 8);
    }
    let mut r = rng(7);
    let trials = 12_000u32;
    let mut accepted = 0u32;
    let mut bound = 0.0;
    for _ in 0..trials {
        let mut salt = [0u8; 16];
        r.fill_bytes(&mut salt);
        let header = bloom_header(0, r.next_u64(), &salt, 1024, 8);
        let forged = frame(&header, &filter, b"x");
        let b = AnonBroadcast::decode(&forged).expect("decode");
        let Entries::Bloom(f) = b.entries else {
            panic!("bloom")
        };
        bound = f.acceptance_bound().to_f64();
        if Anonymous::verify(&rk, &forged).is_ok() {
            accepted += 1;
        }
    }
    assert!(
        f64::from(accepted) <= upper(f64::from(trials), bound, 5.0),
        "accepted {accepted} of {trials}, bound {bound}"
    );
    // The bound is tight for independent positions: the block does reach
    // the filter test (not refused before it) and is accepted near it.
    assert!(
        f64::from(accepted) >= f64::from(trials) * bound * 0.5,
        "accepted {accepted} of {trials}, bound {bound}"
    );
}

// ---------------------------------------------------------------- layout policy

/// A keyless forger's Bloom-layout broadcast: `m = 64` bits, `k = 20`
/// hashes, a random half of the bits set, a fresh salt. Its acceptance
/// bound is `(32/64)^20 = 2^-20`, the default `max_acceptance`: a
/// legitimate candidate for any receiver that accepts the Bloom layout,
/// whatever tag length that receiver's fleet uses.
fn downgrade_forgery(r: &mut ChaCha20Rng, seq: u64) -> Vec<u8> {
    let filter = loop {
        let w = r.next_u64();
        if w.count_ones() == 32 {
            break w.to_le_bytes();
        }
    };
    let mut salt = [0u8; 16];
    r.fill_bytes(&mut salt);
    let header = bloom_header(0, seq, &salt, 64, 20);
    frame(&header, &filter, b"unlock all doors")
}

#[test]
fn bloom_layout_downgrade_is_refused_by_default() {
    // A fleet on the reference layout with 16-byte tags (forgery at most
    // 4 * 2^-128 per attempt), every receiver on the default policy.
    let fleet = Fleet::new(4, 12);
    let targets = ids(0..4);
    let honest = |seq: u64| {
        Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&targets, b"heat on", seq),
            &AnonOptions::default(),
            &mut rng(seq as u8),
        )
        .expect("auth")
    };
    let mut r = rng(12);
    for rk in &fleet.keys {
        assert_eq!(rk.policy, ReceiverPolicy::default());
        let mut window = ReplayWindow::<2>::new();
        Anonymous::verify_fresh(rk, &mut window, &honest(100)).expect("honest");
        let before = window.clone();
        for i in 0..500u64 {
            // Sequence numbers the window would take, were they accepted.
            let forged = downgrade_forgery(&mut r, 101 + i);
            let b = AnonBroadcast::decode(&forged).expect("well formed");
            let Entries::Bloom(f) = b.entries else {
                panic!("bloom")
            };
            // Within the density bound: only the layout policy refuses it.
            assert_eq!(f.acceptance_bound(), Probability::pow2_neg(20));
            assert!(f.acceptance_bound() <= rk.policy.max_acceptance);
            assert_eq!(Anonymous::verify(rk, &forged), Err(Error::LayoutRefused));
            assert_eq!(
                Anonymous::verify_fresh(rk, &mut window, &forged),
                Err(Error::LayoutRefused)
            );
            assert_eq!(window, before, "a refused broadcast moved the window");
        }
        // The window still takes the next honest broadcast.
        Anonymous::verify_fresh(rk, &mut window, &honest(101)).expect("next honest");
        assert_eq!(window.highest(), Some(101));
    }
}

#[test]
fn bloom_policy_treats_the_downgrade_as_a_bloom_candidate() {
    // The same forgeries against the same receivers, once they accept the
    // Bloom layout: each one passes the density check and reaches the
    // filter test (so it is accepted with probability up to 2^-20), while
    // the default policy refuses the identical bytes for their layout alone.
    let fleet = Fleet::new(4, 12).with_policy(ReceiverPolicy::bloom());
    let mut r = rng(12);
    let attempts = 500u32;
    let mut accepted = 0u32;
    for rk in &fleet.keys {
        let default = rk.clone().with_policy(ReceiverPolicy::default());
        for i in 0..attempts {
            let forged = downgrade_forgery(&mut r, 101 + u64::from(i));
            match Anonymous::verify(rk, &forged) {
                Ok(_) => accepted += 1,
                Err(Error::Rejected) => {}
                Err(e) => panic!("{e:?}: the forgery must reach the filter test"),
            }
            assert_eq!(
                Anonymous::verify(&default, &forged),
                Err(Error::LayoutRefused)
            );
        }
    }
    let n = f64::from(attempts) * fleet.keys.len() as f64;
    let p = Probability::pow2_neg(20).to_f64();
    assert!(f64::from(accepted) <= upper(n, p, 5.0), "{accepted} of {n}");
}

#[test]
fn reference_only_receivers_keep_the_tag_bound() {
    let fleet = Fleet::new(4, 14);
    let targets = ids(0..4);
    let x = fleet.keys[2].clone();
    assert!(!x.policy.accept_bloom);
    let provisioned = AnonReceiverKey::new(x.id, &fleet.sender.device_keys(x.id));
    assert_eq!(provisioned.policy, ReceiverPolicy::default());

    // Bloom broadcasts covering every outcome of the Bloom path, as seen by
    // `x` when it accepts the layout: honest filters designating `x`
    // (accepted), an all-ones filter (too dense), an empty filter and a
    // keyless forgery (tested and rejected).
    let mut r = rng(14);
    let mut inputs: Vec<(&str, Vec<u8>, Result<(), Error>)> = Vec::new();
    for (i, mode) in [Mode::Weak, Mode::StrongPadded(SizeClass::Fixed(8))]
        .into_iter()
        .enumerate()
    {
        let bytes = Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&targets, b"honest bloom", i as u64),
            &AnonOptions::new(Layout::bloom(), mode),
            &mut r,
        )
        .expect("auth");
        inputs.push(("honest", bytes, Ok(())));
    }
    let all_ones = frame(
        &bloom_header(0, 7, &[7; 16], 1024, 8),
        &[0xff; 128],
        b"unlock",
    );
    inputs.push(("all ones", all_ones, Err(Error::FilterTooDense)));
    let empty = frame(&bloom_header(0, 8, &[8; 16], 1024, 8), &[0; 128], b"x");
    inputs.push(("empty", empty, Err(Error::Rejected)));
    let forged = downgrade_forgery(&mut r, 9);
    inputs.push(("forged", forged, Err(Error::Rejected)));

    let bloom_x = x.clone().with_policy(ReceiverPolicy::bloom());
    // Policies that do not accept the Bloom layout, however loose or strict
    // their other settings.
    let mut loose = ReceiverPolicy::default();
    loose.max_acceptance = Probability::MAX;
    let mut strict = ReceiverPolicy::default();
    strict.min_tag_len = 32;
    strict.max_acceptance = Probability::pow2_neg(60);
    for (name, bytes, on_bloom_path) in &inputs {
        assert_eq!(
            Anonymous::verify(&bloom_x, bytes).map(|_| ()),
            *on_bloom_path,
            "{name} with the Bloom policy"
        );
        for rk in [
            x.clone(),
            provisioned.clone(),
            x.clone().with_policy(loose),
            x.clone().with_policy(strict),
        ] {
            assert_eq!(
                Anonymous::verify(&rk, bytes),
                Err(Error::LayoutRefused),
                "{name} with {:?}",
                rk.policy
            );
        }
    }

    // Its one path is the reference layout, where the tag is the bound
    // (4 * 2^-(8 tag_len) per attempt, tags of at least `min_tag_len`).
    for tag_len in [8u8, 16, 32] {
        let layout = Layout::Reference {
            locator_len: 4,
            tag_len,
        };
        let bytes = Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&targets, b"honest reference", 20),
            &AnonOptions::new(layout, Mode::Weak),
            &mut r,
        )
        .expect("auth");
        assert!(Anonymous::verify(&x, &bytes).is_ok(), "{tag_len}");
        let strict_x = x.clone().with_policy(strict);
        assert_eq!(
            Anonymous::verify(&strict_x, &bytes).is_ok(),
            tag_len >= 32,
            "{tag_len}"
        );
        // The honest entries over another payload: no tag matches.
        let b = AnonBroadcast::decode(&bytes).expect("decode");
        let Entries::Reference(list) = b.entries else {
            panic!("reference")
        };
        let forged = frame(b.header, list.as_bytes(), b"unlock all doors");
        assert_eq!(Anonymous::verify(&x, &forged), Err(Error::Rejected));
    }
}

// ---------------------------------------------------------------- locator runs

#[test]
fn shared_locators_up_to_the_run_limit() {
    let fleet = Fleet::new(2, 8);
    let victim = &fleet.keys[1];
    let (l, t) = (4usize, 16usize);
    let r = [9u8; 16];
    let payload = b"p";
    let mut rr = rng(8);
    for run in 1..=MAX_LOCATOR_RUN + 2 {
        let count = run + 3;
        let header = ref_header(0, 5, &r, l as u8, t as u8, count as u32);
        let d = digest(&header, payload);
        let mine = own_entry(victim.states(), &r, &d, l, t);
        let mut entries = vec![mine.clone()];
        // run - 1 other entries with the victim's locator, random tags.
        for _ in 1..run {
            let mut e = mine[..l].to_vec();
            let mut tag = [0u8; 16];
            rr.fill_bytes(&mut tag);
            e.extend_from_slice(&tag);
            entries.push(e);
        }
        for _ in 0..3 {
            let mut e = vec![0u8; l + t];
            rr.fill_bytes(&mut e);
            entries.push(e);
        }
        let f = frame(&header, &sorted_body(entries), payload);
        let res = Anonymous::verify(victim, &f);
        if run <= MAX_LOCATOR_RUN {
            assert!(res.is_ok(), "run {run}");
        } else {
            assert_eq!(res, Err(Error::Rejected), "run {run}");
        }
        assert_eq!(Anonymous::verify(&fleet.keys[0], &f), Err(Error::Rejected));
    }
}

// ---------------------------------------------------------------- false positives

fn random_receiver(r: &mut ChaCha20Rng) -> DeviceStates {
    let mut keys = DeviceKeys {
        mac: [0; 32],
        locator: [0; 32],
    };
    r.fill_bytes(&mut keys.mac);
    r.fill_bytes(&mut keys.locator);
    DeviceStates::new(&keys)
}

#[test]
fn bloom_false_positive_rate_matches_the_formula() {
    let fleet = Fleet::new(1, 9);
    let targets = ids(0..200);
    let mut opts = AnonOptions::new(
        Layout::Bloom(BloomSizing::FalsePositiveRate(0.01)),
        Mode::Weak,
    );
    opts.max_acceptance = Probability::pow2_neg(4);
    let mut policy = ReceiverPolicy::bloom();
    policy.max_acceptance = Probability::pow2_neg(4);
    let mut r = rng(9);
    let (broadcasts, per) = (10u32, 10_000u32);
    let mut positives = 0u32;
    let mut expected = 0.0;
    for i in 0..broadcasts {
        let bytes = Anonymous::authenticate(
            &fleet.sender,
            &Request::new(&targets, b"fp", u64::from(i)),
            &opts,
            &mut r,
        )
        .expect("auth");
        let b = AnonBroadcast::decode(&bytes).expect("decode");
        let Entries::Bloom(f) = b.entries else {
            panic!("bloom")
        };
        let rate = f.params().false_positive_rate(targets.len());
        assert!(rate <= 0.01);
        expected += rate * f64::from(per);
        for _ in 0..per {
            if b.check(&random_receiver(&mut r), &policy).is_ok() {
                positives += 1;
            }
        }
    }
    let n = f64::from(broadcasts * per);
    let p = expected / n;
    let sd = (n * p * (1.0 - p)).sqrt();
    assert!(
        (f64::from(positives) - expected).abs() <= 5.0 * sd + 0.05 * expected,
        "{positives} false positives, formula {expected:.1}"
    );
}

#[test]
fn reference_false_positive_rate_is_negligible() {
    let fleet = Fleet::new(1, 10);
    let targets = ids(0..1000);
    // The shortest allowed lengths: 4-byte locators, 8-byte tags.
    let opts = AnonOptions::new(
        Layout::Reference {
            locator_len: 4,
            tag_len: 8,
        },
        Mode::Weak,
    );
    let bytes = Anonymous::authenticate(
        &fleet.sender,
        &Request::new(&targets, b"fp", 1),
        &opts,
        &mut rng(10),
    )
    .expect("auth");
    let b = AnonBroadcast::decode(&bytes).expect("decode");
    let Entries::Reference(list) = b.entries else {
        panic!("reference")
    };
    let policy = ReceiverPolicy::default();
    let mut r = rng(11);
    let trials = 100_000u32;
    let (mut positives, mut locator_hits) = (0u32, 0u32);
    for _ in 0..trials {
        let st = random_receiver(&mut r);
        let loc = st.locator(b.random);
        let i = list.lower_bound(&loc[..4]);
        if list.get(i).is_some_and(|(l, _)| l == &loc[..4]) {
            locator_hits += 1;
        }
        if b.check(&st, &policy).is_ok() {
            positives += 1;
        }
    }
    // Acceptance needs locator and tag: p <= 1000 * 2^-32 * 2^-64, so
    // P(any of 100,000 trials) < 2^-62: the count must be zero.
    assert_eq!(positives, 0);
    // Locators alone collide at 1000 * 2^-32 per trial (about 23 here):
    // the tag, not the locator, is what rejects them.
    let p_loc = 1000.0 / 4_294_967_296.0;
    let n = f64::from(trials);
    assert!(
        f64::from(locator_hits) <= upper(n, p_loc, 6.0),
        "{locator_hits}"
    );
}
