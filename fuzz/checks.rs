//! The properties the fuzz targets check, shared with the stable corpus
//! replay (`tests/fuzz_corpus.rs`), so that `cargo test` runs exactly the
//! checks `cargo fuzz` runs.
//!
//! Every check panics when, and only when, a property is violated; no input
//! may make the library itself panic.
//!
//! Included with `#[path]` by `fuzz/fuzz_targets/*.rs` and by
//! `tests/fuzz_corpus.rs`; it depends only on `ba-iot` (default features)
//! and `rand_chacha`.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use ba_iot::signed::{
    Ds, DsBroadcast, DsOptions, DsReceiverKey, DsSenderKey, Ed25519, Encoding, ReceiverPolicy,
    SALT_LEN, SignatureBackend, SubsetRef,
};
use ba_iot::subset::{BloomParams, BloomSizing, Probability};
use ba_iot::wire::{VERSION, scheme_id};
use ba_iot::{BroadcastAuth, Error, ReceiverId, ReplayWindow, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

type D = Ds<Ed25519>;
type Receiver = DsReceiverKey<Ed25519>;

/// The seed of the fixed sender key. The fuzzer never sees the key; it can
/// only mutate broadcasts signed with it.
const SENDER_SEED: [u8; 32] = *b"ba-iot/fuzz: fixed sender key 01";

/// A second, unrelated sender (a receiver holding its key must refuse every
/// broadcast of the first).
const OTHER_SEED: [u8; 32] = *b"ba-iot/fuzz: other sender key 02";

const ID_A: ReceiverId = ReceiverId(0x0200_0000_0000_000a);
const ID_B: ReceiverId = ReceiverId(0x0200_0000_0000_000b);
const ID_C: ReceiverId = ReceiverId(0x0200_0000_0000_000c);
const OUTSIDER: ReceiverId = ReceiverId(0x02ff_ffff_ffff_fffe);

/// Fleet member `i` of the seed broadcasts.
fn fleet_id(i: u64) -> ReceiverId {
    ReceiverId(0x0200_0000_0001_0000 + i)
}

fn sender_from(seed: [u8; 32]) -> DsSenderKey<Ed25519> {
    D::setup(&mut ChaCha20Rng::from_seed(seed))
}

/// A policy that lets every filter through to the signature check.
fn permissive() -> ReceiverPolicy {
    let mut p = ReceiverPolicy::default();
    p.max_acceptance = Probability::MAX;
    p
}

/// One broadcast the fixed sender really signed.
pub struct Honest {
    /// File name in the seed corpus.
    pub name: &'static str,
    /// The broadcast.
    pub bytes: Vec<u8>,
    /// Whom it designates.
    pub targets: Vec<ReceiverId>,
    /// Its sequence number.
    pub seq: u64,
    /// Its payload.
    pub payload: Vec<u8>,
}

struct Ctx {
    sender: DsSenderKey<Ed25519>,
    receivers: Vec<Receiver>,
    honest: Vec<Honest>,
}

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let sender = sender_from(SENDER_SEED);
        let honest = honest_broadcasts(&sender);
        let mut receivers: Vec<Receiver> = [ID_A, ID_B, ID_C, fleet_id(7), OUTSIDER]
            .into_iter()
            .map(|id| D::join(&sender, id))
            .collect();
        receivers.push(D::join(&sender, ID_A).with_policy(permissive()));
        receivers.push(D::join(&sender, OUTSIDER).with_policy(permissive()));
        Ctx {
            sender,
            receivers,
            honest,
        }
    })
}

fn honest_broadcasts(sender: &DsSenderKey<Ed25519>) -> Vec<Honest> {
    let fleet = |n: u64| -> Vec<ReceiverId> {
        let mut v = vec![ID_A];
        v.extend((0..n).map(fleet_id));
        v
    };
    let bloom = |eps: f64| Encoding::Bloom(BloomSizing::FalsePositiveRate(eps));
    type Case = (
        &'static str,
        Vec<ReceiverId>,
        Encoding,
        u64,
        &'static [u8],
        bool,
    );
    let cases: Vec<Case> = vec![
        (
            "honest_bloom_1",
            vec![ID_A],
            bloom(1.0 / 1024.0),
            1,
            b"open valve",
            false,
        ),
        (
            "honest_bloom_3",
            vec![ID_A, ID_B, ID_C],
            bloom(1.0 / 1024.0),
            2,
            b"close valve",
            false,
        ),
        (
            "honest_bloom_41",
            fleet(40),
            bloom(1.0 / 1024.0),
            3,
            b"reboot",
            false,
        ),
        (
            "honest_bloom_bytes64_21",
            fleet(20),
            Encoding::Bloom(BloomSizing::Bytes(64)),
            4,
            b"firmware 1.2.3",
            false,
        ),
        (
            "honest_bloom_registry_6",
            fleet(5),
            bloom(1.0 / 64.0),
            5,
            b"zero false positives",
            true,
        ),
        (
            "honest_idlist_1",
            vec![ID_B],
            Encoding::IdList,
            6,
            b"",
            false,
        ),
        (
            "honest_idlist_3",
            vec![ID_A, ID_B, ID_C],
            Encoding::IdList,
            u64::MAX,
            b"max seq",
            false,
        ),
        (
            "honest_idlist_201",
            fleet(200),
            Encoding::IdList,
            7,
            &[0xa5; 100],
            false,
        ),
    ];
    let registry: Vec<ReceiverId> = (0..64)
        .map(fleet_id)
        .chain([ID_A, ID_B, ID_C, OUTSIDER])
        .collect();
    cases
        .into_iter()
        .enumerate()
        .map(
            |(i, (name, targets, encoding, seq, payload, with_registry))| {
                let mut request = Request::new(&targets, payload, seq);
                if with_registry {
                    request = request.with_registry(&registry);
                }
                let mut rng = ChaCha20Rng::from_seed([i as u8; 32]);
                let bytes = D::authenticate(
                    sender,
                    &request,
                    &DsOptions::with_encoding(encoding),
                    &mut rng,
                )
                .expect("honest seed broadcast");
                Honest {
                    name,
                    bytes,
                    targets,
                    seq,
                    payload: payload.to_vec(),
                }
            },
        )
        .collect()
}

/// The honest broadcasts `ds_decode_verify` knows (and may accept).
pub fn honest() -> &'static [Honest] {
    &ctx().honest
}

/// Sign a broadcast with the fixed sender key. Only for the test that shows
/// `ds_decode_verify` catches an accepted broadcast it did not expect.
pub fn sign_unlisted(targets: &[ReceiverId], payload: &[u8], seq: u64) -> Vec<u8> {
    let request = Request::new(targets, payload, seq);
    D::authenticate(
        &ctx().sender,
        &request,
        &DsOptions::with_encoding(Encoding::IdList),
        &mut ChaCha20Rng::from_seed([0xee; 32]),
    )
    .expect("sign")
}

/// The receiver ids `ds_decode_verify` verifies as (each with the default
/// policy, and `ID_A` and `OUTSIDER` also with a permissive one).
pub fn receiver_ids() -> [ReceiverId; 5] {
    [ID_A, ID_B, ID_C, fleet_id(7), OUTSIDER]
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A successful decode describes exactly the bytes it came from.
fn check_layout(data: &[u8], b: &DsBroadcast<'_>) {
    let sig_len = Ed25519::SIGNATURE_LEN;
    assert_eq!(
        b.signed.len() + sig_len,
        data.len(),
        "signed/signature split"
    );
    assert_eq!(b.signed, &data[..data.len() - sig_len]);
    assert_eq!(b.signature, &data[data.len() - sig_len..]);
    assert_eq!(data[0], VERSION);
    assert_eq!(data[1], scheme_id::DS_ED25519);
    assert_eq!(b.seq.to_be_bytes(), data[2..10]);
    assert_eq!(&b.salt[..], &data[10..10 + SALT_LEN]);
    let head = 10 + SALT_LEN + 1;
    let subset_len = match b.subset {
        SubsetRef::IdList(list) => {
            assert!(!list.is_empty());
            4 + 8 * list.len()
        }
        SubsetRef::Bloom(filter) => {
            let p = filter.params();
            assert_eq!(BloomParams::new(p.bits, p.hashes), Ok(p));
            assert_eq!(p.bits.to_be_bytes(), data[head..head + 4]);
            assert_eq!(p.hashes, data[head + 4]);
            assert_eq!(filter.as_bytes(), &data[head + 5..head + 5 + p.byte_len()]);
            5 + p.byte_len()
        }
    };
    let pl = head + subset_len;
    assert_eq!(
        b.signed.len(),
        pl + 4 + b.payload.len(),
        "canonical length: nothing unaccounted for"
    );
    assert_eq!((b.payload.len() as u32).to_be_bytes(), data[pl..pl + 4]);
    assert_eq!(b.payload, &data[pl + 4..pl + 4 + b.payload.len()]);
}

/// Target `ds_decode_verify`: arbitrary bytes through the strict decoder and
/// `Ds::<Ed25519>::verify`, for receivers of a fixed sender key.
///
/// * nothing panics;
/// * a successful decode accounts for every byte (canonical layout);
/// * `verify` agrees with `decode` + `designates` (same error, `Rejected`
///   only for well-formed input);
/// * `verify` returns `Ok` only for a broadcast the sender really signed
///   (one of [`honest`]), with its sequence number and payload: anything
///   else accepted is a forgery;
/// * the honest broadcasts are accepted by each of their targets.
pub fn ds_decode_verify(data: &[u8]) {
    let ctx = ctx();
    let known = ctx.honest.iter().find(|h| h.bytes == data);
    let decoded = DsBroadcast::decode::<Ed25519>(data);
    if let Ok(b) = &decoded {
        check_layout(data, b);
    }
    for r in &ctx.receivers {
        let result = D::verify(r, data);
        match result {
            Ok(v) => {
                let Some(h) = known else {
                    panic!("FORGERY: receiver {:?} accepted {}", r.id, hex(data));
                };
                assert_eq!((v.seq, v.payload), (h.seq, &h.payload[..]));
                let b = decoded.as_ref().expect("accepted, so it decodes");
                assert_eq!(b.designates(r.id, &r.policy), Ok(true));
            }
            Err(Error::Rejected) => {
                let b = decoded
                    .as_ref()
                    .expect("Rejected only for well-formed input");
                let designated = b.designates(r.id, &r.policy);
                assert!(designated.is_ok(), "Rejected after {designated:?}");
                if let Some(h) = known {
                    assert!(
                        !h.targets.contains(&r.id),
                        "target {:?} refused honest broadcast {}",
                        r.id,
                        h.name
                    );
                }
            }
            Err(e) => {
                assert!(known.is_none(), "honest broadcast refused with {e:?}");
                match &decoded {
                    Err(d) => assert_eq!(*d, e, "verify and decode disagree"),
                    Ok(b) => assert_eq!(b.designates(r.id, &r.policy), Err(e)),
                }
            }
        }
    }
}

/// Little reader over the fuzz input: missing bytes read as zero.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }
    fn u64(&mut self) -> u64 {
        let mut a = [0u8; 8];
        a.iter_mut().for_each(|b| *b = self.byte());
        u64::from_be_bytes(a)
    }
    fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.0)
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn roundtrip_sender() -> &'static (DsSenderKey<Ed25519>, Receiver) {
    static S: OnceLock<(DsSenderKey<Ed25519>, Receiver)> = OnceLock::new();
    S.get_or_init(|| {
        let sender = sender_from(SENDER_SEED);
        let other = sender_from(OTHER_SEED);
        let wrong_key = D::join(&other, ID_A);
        (sender, wrong_key)
    })
}

/// Target `ds_roundtrip`: a fleet, a subset, an encoding, a payload and a
/// sequence number derived from the input (see the layout below), then
/// `authenticate` with an RNG seeded from the input, and:
///
/// * duplicate targets are refused with `DuplicateId`;
/// * the id list never fails; a Bloom filter fails only with
///   `FilterTooDense` / `ExclusionFailed` (or `NonCanonical` for an invalid
///   `k`), and never at a rate `<= 2^-10` without a registry;
/// * the output decodes, with the requested encoding and parameters;
/// * every target accepts exactly that payload and sequence number;
/// * with the id list or with the registry option no non-target accepts;
///   otherwise a false positive yields the same payload and sequence number;
/// * a receiver holding another sender's key accepts nothing;
/// * one flipped bit anywhere makes every fleet member refuse.
///
/// Input layout (missing bytes read as 0): fleet size `1 + b % 64`; flags
/// (bit 0: registry, bit 1: duplicate a target); id base (u64) and odd
/// multiplier (u64): member `i` is `base + i * mult`; target bitmap (u64);
/// encoding selector and its parameters; seq (u64); RNG seed (u64); flip
/// position (u16) and bit; the rest is the payload.
pub fn ds_roundtrip(data: &[u8]) {
    let (sender, wrong_key) = roundtrip_sender();
    let mut inp = Input(data);
    let n = 1 + u64::from(inp.byte() % 64);
    let flags = inp.byte();
    let (base, mult) = (inp.u64(), inp.u64() | 1);
    let member = |i: u64| ReceiverId(base.wrapping_add(i.wrapping_mul(mult)));
    let fleet: Vec<ReceiverId> = (0..n).map(member).collect();
    let bitmap = inp.u64();
    let mut targets: Vec<ReceiverId> = (0..n)
        .filter(|i| bitmap >> i & 1 == 1)
        .map(member)
        .collect();
    if targets.is_empty() {
        targets.push(fleet[0]);
    }
    let selector = inp.byte();
    let (encoding, always_ok, bad_k) = match selector % 4 {
        0 => (Encoding::IdList, true, false),
        1 => {
            let e = 1 + i32::from(inp.byte() % 24);
            let eps = 2f64.powi(-e);
            let ok = e >= 10 && flags & 1 == 0;
            (
                Encoding::Bloom(BloomSizing::FalsePositiveRate(eps)),
                ok,
                false,
            )
        }
        2 => {
            let bytes = 1 + usize::from(inp.u16() % 1024);
            (Encoding::Bloom(BloomSizing::Bytes(bytes)), false, false)
        }
        _ => {
            let bits = 8 * (1 + u32::from(inp.u16() % 1024));
            let hashes = inp.byte() % 34;
            let params = BloomParams { bits, hashes };
            let bad = !(1..=32).contains(&hashes);
            (Encoding::Bloom(BloomSizing::Params(params)), false, bad)
        }
    };
    let seq = inp.u64();
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&inp.u64().to_be_bytes());
    let flip_pos = usize::from(inp.u16());
    let flip_bit = inp.byte() % 8;
    let payload = inp.rest();

    let with_registry = flags & 1 == 1;
    let mut request_targets = targets.clone();
    if flags & 2 == 2 {
        request_targets.push(targets[0]);
    }
    let mut request = Request::new(&request_targets, payload, seq);
    if with_registry {
        request = request.with_registry(&fleet);
    }
    let options = DsOptions::with_encoding(encoding);
    let result = D::authenticate(
        sender,
        &request,
        &options,
        &mut ChaCha20Rng::from_seed(seed),
    );
    if flags & 2 == 2 {
        assert_eq!(result, Err(Error::DuplicateId));
        return;
    }
    let bytes = match result {
        Ok(b) => {
            assert!(!bad_k, "a filter with k = 0 or k > 32 was produced");
            b
        }
        Err(e) => {
            assert!(!always_ok, "{encoding:?} failed: {e:?}");
            if bad_k {
                assert!(matches!(e, Error::NonCanonical(_)), "{e:?}");
            } else {
                assert!(
                    matches!(e, Error::FilterTooDense | Error::ExclusionFailed { .. }),
                    "{encoding:?} failed with {e:?}"
                );
            }
            return;
        }
    };

    let b = DsBroadcast::decode::<Ed25519>(&bytes).expect("own output decodes");
    check_layout(&bytes, &b);
    assert_eq!((b.seq, b.payload), (seq, payload));
    match (encoding, b.subset) {
        (Encoding::IdList, SubsetRef::IdList(list)) => assert_eq!(list.len(), targets.len()),
        (Encoding::Bloom(sizing), SubsetRef::Bloom(filter)) => {
            assert_eq!(Ok(filter.params()), sizing.params_for(targets.len()));
            assert!(filter.acceptance_bound() <= options.max_acceptance);
        }
        (e, s) => panic!("asked for {e:?}, got {s:?}"),
    }

    let list = encoding == Encoding::IdList;
    let outsiders = (n..n + 4).map(member);
    for id in fleet.iter().copied().chain(outsiders) {
        let r = D::join(sender, id);
        let designated = targets.contains(&id);
        match D::verify(&r, &bytes) {
            Ok(v) => {
                assert_eq!((v.seq, v.payload), (seq, payload));
                let must_refuse = list || (with_registry && fleet.contains(&id));
                assert!(designated || !must_refuse, "non-target {id:?} accepted");
            }
            Err(e) => {
                assert!(!designated, "target {id:?} refused: {e:?}");
                assert_eq!(e, Error::Rejected);
            }
        }
    }
    let mut wrong = wrong_key.clone();
    wrong.id = targets[0];
    assert_eq!(D::verify(&wrong, &bytes), Err(Error::Rejected));

    let mut tampered = bytes.clone();
    let pos = flip_pos % tampered.len();
    tampered[pos] ^= 1 << flip_bit;
    for &id in &fleet {
        let r = D::join(sender, id).with_policy(permissive());
        assert!(
            D::verify(&r, &tampered).is_err(),
            "bit {flip_bit} of byte {pos} flipped, still accepted by {id:?}"
        );
    }
}

/// Reference model of a replay window: the accepted numbers, kept as a set.
struct Model {
    top: Option<u64>,
    accepted: BTreeSet<u64>,
    size: u64,
}

impl Model {
    fn new(size: u64) -> Self {
        Model {
            top: None,
            accepted: BTreeSet::new(),
            size,
        }
    }

    fn starting_after(size: u64, floor: u64) -> Self {
        Model {
            top: Some(floor),
            accepted: (0..size.min(floor.saturating_add(1)))
                .map(|i| floor - i)
                .collect(),
            size,
        }
    }

    /// The state a saved window stands for, read independently of the
    /// library: flag, top (u64 BE), words (u64 BE) with bit `i` of word `w`
    /// meaning `top - (64 w + i)` was accepted.
    fn from_saved(size: u64, bytes: &[u8]) -> Self {
        if bytes[0] == 0 {
            return Model::new(size);
        }
        let top = u64::from_be_bytes(bytes[1..9].try_into().expect("8 bytes"));
        let mut accepted = BTreeSet::new();
        for (w, chunk) in bytes[9..].chunks_exact(8).enumerate() {
            let word = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
            for i in 0..64u64 {
                let d = 64 * w as u64 + i;
                if word >> i & 1 == 1 && d <= top {
                    accepted.insert(top - d);
                }
            }
        }
        Model {
            top: Some(top),
            accepted,
            size,
        }
    }

    fn check(&self, seq: u64) -> bool {
        match self.top {
            None => true,
            Some(top) if seq > top => true,
            Some(top) => top - seq < self.size && !self.accepted.contains(&seq),
        }
    }

    fn accept(&mut self, seq: u64) -> bool {
        if !self.check(seq) {
            return false;
        }
        self.accepted.insert(seq);
        let top = self.top.map_or(seq, |t| t.max(seq));
        self.top = Some(top);
        let oldest = top.saturating_sub(self.size - 1);
        self.accepted = self.accepted.split_off(&oldest);
        true
    }
}

/// Target `replay_window`: a sequence of operations on a `ReplayWindow<W>`
/// (W = 1, 2 or 3, from the first byte) and on a set-based model; the two
/// must agree after every step, and nothing panics.
///
/// Operations (one selector byte, then operands): accept(seq), check(seq)
/// (must not change the state), to_bytes/from_bytes round trip (exact
/// length, truncated and overlong inputs refused, short output buffer
/// refused), from_bytes of input bytes (on success the state re-encodes to
/// the same bytes and the model is rebuilt from them), starting_after(floor).
/// A seq operand is absolute or relative to the current top.
pub fn replay_window(data: &[u8]) {
    let mut inp = Input(data);
    match inp.byte() % 3 {
        0 => replay_ops::<1>(&mut inp),
        1 => replay_ops::<2>(&mut inp),
        _ => replay_ops::<3>(&mut inp),
    }
}

fn next_seq(inp: &mut Input<'_>, top: Option<u64>) -> u64 {
    let top = top.unwrap_or(0);
    match inp.byte() % 4 {
        0 => inp.u64(),
        1 => top.saturating_add(u64::from(inp.u16())),
        2 => top.saturating_sub(u64::from(inp.u16() % 512)),
        _ => [0, 1, u64::MAX - 1, u64::MAX][usize::from(inp.byte() % 4)],
    }
}

fn replay_ops<const W: usize>(inp: &mut Input<'_>) {
    let size = ReplayWindow::<W>::SIZE;
    let len = ReplayWindow::<W>::ENCODED_LEN;
    let mut w = ReplayWindow::<W>::new();
    let mut m = Model::new(size);
    let mut steps = 0;
    while !inp.is_empty() && steps < 4096 {
        steps += 1;
        match inp.byte() % 8 {
            0..=2 => {
                let s = next_seq(inp, m.top);
                assert_eq!(w.accept(s).is_ok(), m.accept(s), "accept({s})");
            }
            3 => {
                let s = next_seq(inp, m.top);
                let before = w.clone();
                let r = w.check(s);
                assert_eq!(r.is_ok(), m.check(s), "check({s})");
                assert!(matches!(r, Ok(()) | Err(Error::Rejected)));
                assert_eq!(w, before, "check changed the window");
            }
            4 => {
                let mut buf = vec![0u8; len + 1];
                assert_eq!(w.to_bytes(&mut buf), Ok(len));
                assert!(w.to_bytes(&mut buf[..len - 1]).is_err());
                assert_eq!(ReplayWindow::<W>::from_bytes(&buf[..len]), Ok(w.clone()));
                assert_eq!(
                    ReplayWindow::<W>::from_bytes(&buf[..len - 1]),
                    Err(Error::Truncated)
                );
                assert_eq!(
                    ReplayWindow::<W>::from_bytes(&buf),
                    Err(Error::TrailingBytes)
                );
            }
            5 => {
                let mut saved = vec![0u8; len];
                saved.iter_mut().for_each(|b| *b = inp.byte());
                saved[0] %= 3;
                if inp.byte() & 1 == 0 {
                    // Mostly a well-formed flag, sometimes an empty state.
                    saved[0] = 1;
                }
                match ReplayWindow::<W>::from_bytes(&saved) {
                    Ok(restored) => {
                        let mut again = vec![0u8; len];
                        assert_eq!(restored.to_bytes(&mut again), Ok(len));
                        assert_eq!(again, saved, "from_bytes accepted a non-canonical state");
                        w = restored;
                        m = Model::from_saved(size, &saved);
                    }
                    Err(e) => {
                        let empty_with_state = saved[0] == 0 && saved[1..].iter().any(|&b| b != 0);
                        // The highest accepted number must be marked seen.
                        let top_unmarked = saved[0] == 1 && saved[16] & 1 == 0;
                        assert!(
                            saved[0] > 1 || empty_with_state || top_unmarked,
                            "{e:?} for {saved:?}"
                        );
                    }
                }
            }
            6 => {
                let floor = next_seq(inp, m.top);
                w = ReplayWindow::<W>::starting_after(floor);
                m = Model::starting_after(size, floor);
            }
            _ => {
                let s = next_seq(inp, m.top);
                let mut fresh = w.clone();
                let expect = m.check(s);
                assert_eq!(fresh.accept(s).is_ok(), expect);
                if expect {
                    assert!(fresh.accept(s).is_err(), "accepted {s} twice");
                }
            }
        }
        assert_eq!(w.highest(), m.top);
    }
}

/// The seed corpus of each target: `(target, file name, bytes)`. The honest
/// broadcasts, then truncated and bit-flipped variants of them; a few
/// structured inputs for the other two targets.
pub fn seed_corpus() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    for h in honest() {
        let b = &h.bytes;
        out.push(("ds_decode_verify", h.name.to_string(), b.clone()));
        let cut = |n: usize| b[..n.min(b.len())].to_vec();
        out.push((
            "ds_decode_verify",
            format!("{}_cut_header", h.name),
            cut(20),
        ));
        out.push((
            "ds_decode_verify",
            format!("{}_cut_signature", h.name),
            cut(b.len() - 1),
        ));
        let mut extra = b.clone();
        extra.push(0);
        out.push(("ds_decode_verify", format!("{}_trailing", h.name), extra));
        for (what, pos) in [
            ("seq", 9),
            ("subset", 10 + SALT_LEN + 3),
            ("payload", b.len() - 65),
            ("signature", b.len() - 1),
        ] {
            let mut f = b.clone();
            f[pos] ^= 0x01;
            out.push(("ds_decode_verify", format!("{}_flip_{what}", h.name), f));
        }
    }
    // fleet, flags, base, mult, bitmap, encoding bytes, seq, seed, flip, payload
    let roundtrip: [(&str, Vec<u8>); 8] = [
        (
            "idlist_small",
            rt(4, 0, 1, 1, 0b1011, &[0], 7, 1, (3, 2), b"open"),
        ),
        (
            "idlist_registry",
            rt(63, 1, 1 << 56, 0x9e37_79b9, !0, &[0], 8, 2, (99, 7), b"all"),
        ),
        (
            "bloom_rate_registry",
            rt(
                64,
                1,
                0x1234,
                3,
                0xf00f_f00f,
                &[1, 9],
                9,
                3,
                (5, 1),
                b"set 21C",
            ),
        ),
        (
            "bloom_rate_1024",
            rt(
                40,
                0,
                0xabc,
                5,
                0x5555_5555_5555,
                &[1, 9],
                10,
                4,
                (0, 0),
                b"x",
            ),
        ),
        (
            "bloom_bytes_16",
            rt(32, 0, 0, 7, !0, &[2, 0, 16], 11, 5, (40, 3), b""),
        ),
        (
            "bloom_params_64x10",
            rt(16, 0, 42, 1, 0xff, &[3, 0, 63, 10], 12, 6, (1000, 4), b"p"),
        ),
        (
            "bloom_params_k0",
            rt(3, 0, 42, 1, 0b111, &[3, 0, 3, 0], 13, 7, (0, 0), b""),
        ),
        (
            "duplicate",
            rt(5, 2, 0, 1, 0b10, &[0], 14, 8, (0, 0), b"dup"),
        ),
    ];
    for (name, bytes) in roundtrip {
        out.push(("ds_roundtrip", name.to_string(), bytes));
    }
    let replay = [
        ("in_order", &b"\x01\x00\x01\x00\x01\x00\x01\x01\x00\x01\x00\x01\x03\x02\x00\x05\x04"[..]),
        ("reorder_and_save", b"\x01\x00\x01\x00\x64\x00\x02\x00\x0a\x03\x02\x00\x0a\x04\x07\x02\x00\x0a"),
        ("edges", b"\x02\x00\x03\x03\x00\x03\x02\x01\x00\x03\x01\x06\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x01\x00\x01"),
        ("restore", b"\x00\x05\x01\x00\x00\x00\x00\x00\x00\x01\x00\xff\xff\xff\xff\xff\xff\xff\xfe\x00\x00\x02\x00\x03\x00\x02\x00\x00"),
    ];
    for (name, bytes) in replay {
        out.push(("replay_window", name.to_string(), bytes.to_vec()));
    }
    out
}

/// A `ds_roundtrip` input, in the layout documented there.
#[allow(clippy::too_many_arguments)]
fn rt(
    fleet: u8,
    flags: u8,
    base: u64,
    mult: u64,
    bitmap: u64,
    encoding: &[u8],
    seq: u64,
    seed: u64,
    (flip_pos, flip_bit): (u16, u8),
    payload: &[u8],
) -> Vec<u8> {
    let mut v = vec![fleet - 1, flags];
    v.extend(base.to_be_bytes());
    v.extend(mult.to_be_bytes());
    v.extend(bitmap.to_be_bytes());
    v.extend(encoding);
    v.extend(seq.to_be_bytes());
    v.extend(seed.to_be_bytes());
    v.extend(flip_pos.to_be_bytes());
    v.push(flip_bit);
    v.extend(payload);
    v
}
