//! The receiver replay window (`ReplayWindow`), on its own and through
//! `BroadcastAuth::verify_fresh`, checked against a reference model.

use std::collections::HashSet;

use ba_iot::signed::{Ds, DsOptions, DsReceiverKey, DsSenderKey, Ed25519, Encoding};
use ba_iot::{BroadcastAuth, Error, ReceiverId, ReplayWindow, Request};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

struct Fixture {
    sender: DsSenderKey<Ed25519>,
    rx: DsReceiverKey<Ed25519>,
    rng: ChaCha20Rng,
}

impl Fixture {
    fn new() -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(0x5eed);
        let sender = Ds::<Ed25519>::setup(&mut rng);
        let rx = Ds::<Ed25519>::join(&sender, ReceiverId(7));
        Fixture { sender, rx, rng }
    }

    fn broadcast(&mut self, seq: u64) -> Vec<u8> {
        let targets = [ReceiverId(7), ReceiverId(8)];
        let payload = seq.to_le_bytes();
        Ds::<Ed25519>::authenticate(
            &self.sender,
            &Request::new(&targets, &payload, seq),
            &DsOptions::with_encoding(Encoding::IdList),
            &mut self.rng,
        )
        .expect("authenticate")
    }
}

#[test]
fn verify_fresh_rejects_replays_and_stale_broadcasts() {
    let mut f = Fixture::new();
    let mut w = ReplayWindow::<1>::new();
    let b100 = f.broadcast(100);
    let b90 = f.broadcast(90);
    let b36 = f.broadcast(36); // 100 - 64: just outside a 64-wide window
    let b37 = f.broadcast(37); // 100 - 63: the oldest number inside it

    let v = Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b100).expect("first");
    assert_eq!(v.seq, 100);
    assert_eq!(v.payload, &100u64.to_le_bytes()[..]);
    assert_eq!(w.highest(), Some(100));

    // The same broadcast again: a replay, refused opaquely.
    let before = w.clone();
    assert_eq!(
        Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b100),
        Err(Error::Rejected)
    );
    assert_eq!(w, before, "a refused broadcast must not change the window");

    // Reordered but inside the window: accepted once.
    assert!(Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b90).is_ok());
    assert_eq!(
        Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b90),
        Err(Error::Rejected)
    );
    assert_eq!(w.highest(), Some(100));

    // Older than the window: refused even though never seen.
    assert_eq!(
        Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b36),
        Err(Error::Rejected)
    );
    assert!(Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b37).is_ok());

    // A forged broadcast does not touch the window.
    let mut forged = f.broadcast(101);
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let before = w.clone();
    assert_eq!(
        Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &forged),
        Err(Error::Rejected)
    );
    assert_eq!(w, before);
    // A malformed one reports the malformation and leaves the window alone.
    assert_eq!(
        Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &forged[..10]),
        Err(Error::Truncated)
    );
    assert_eq!(w, before);
    // The genuine 101 still goes through afterwards.
    let b101 = f.broadcast(101);
    assert!(Ds::<Ed25519>::verify_fresh(&f.rx, &mut w, &b101).is_ok());
}

#[test]
fn window_edges() {
    let mut w = ReplayWindow::<2>::new(); // 128 numbers
    assert_eq!(ReplayWindow::<2>::SIZE, 128);
    assert_eq!(w.highest(), None);
    // An empty window takes anything first, including 0.
    assert!(w.check(0).is_ok());
    w.accept(1000).expect("first");
    assert_eq!(w.accept(1000), Err(Error::Rejected));
    assert_eq!(w.check(1000 - 128), Err(Error::Rejected));
    assert!(w.check(1000 - 127).is_ok());
    w.accept(1000 - 127).expect("oldest in window");
    assert_eq!(w.accept(1000 - 127), Err(Error::Rejected));
    // Every number at and above 1001 is new.
    for s in [1001, 1064, 1127, 1128, 1129, u64::MAX] {
        assert!(w.check(s).is_ok());
    }
    // Zero is accepted first and only once.
    let mut z = ReplayWindow::<1>::new();
    z.accept(0).expect("zero");
    assert_eq!(z.accept(0), Err(Error::Rejected));
    z.accept(1).expect("one");
    assert_eq!(z.accept(0), Err(Error::Rejected));
}

#[test]
fn window_advances_by_large_jumps() {
    let mut w = ReplayWindow::<2>::new();
    for s in [5u64, 6, 70] {
        w.accept(s).expect("accept");
    }
    // Jumps of exactly one word, one word and a bit, the window size, more.
    let mut top = 70u64;
    for jump in [64u64, 65, 127, 128, 129, 1 << 20, 1 << 40] {
        let next = top + jump;
        w.accept(next).expect("jump");
        assert_eq!(w.highest(), Some(next));
        assert_eq!(w.accept(next), Err(Error::Rejected));
        // The previous top is still remembered iff it is inside the window.
        if jump < 128 {
            assert_eq!(w.check(top), Err(Error::Rejected), "jump {jump}");
            // And an unseen number between them is open.
            assert!(w.check(next - 1).is_ok());
        } else {
            assert_eq!(w.check(top), Err(Error::Rejected), "too old after {jump}");
            assert!(w.check(next - 127).is_ok());
            assert_eq!(w.check(next - 128), Err(Error::Rejected));
        }
        top = next;
    }
    // Up to the end of the sequence space.
    w.accept(u64::MAX).expect("max");
    assert_eq!(w.accept(u64::MAX), Err(Error::Rejected));
    w.accept(u64::MAX - 127).expect("oldest");
    assert_eq!(w.accept(u64::MAX - 128), Err(Error::Rejected));
    assert_eq!(w.accept(top), Err(Error::Rejected));
}

#[test]
fn starting_after_refuses_the_floor_and_below() {
    let mut w = ReplayWindow::<2>::starting_after(500);
    for s in [0u64, 372, 373, 499, 500] {
        assert_eq!(w.check(s), Err(Error::Rejected), "{s}");
    }
    w.accept(501).expect("501");
    w.accept(600).expect("600");
    assert_eq!(w.accept(500), Err(Error::Rejected));
    assert!(w.accept(550).is_ok());
}

#[test]
fn save_and_restore_preserves_behaviour() {
    let mut w = ReplayWindow::<3>::new();
    let mut buf = [0u8; ReplayWindow::<3>::ENCODED_LEN];
    assert_eq!(ReplayWindow::<3>::ENCODED_LEN, 9 + 24);

    // The empty window round-trips.
    assert_eq!(w.to_bytes(&mut buf), Ok(buf.len()));
    assert_eq!(ReplayWindow::<3>::from_bytes(&buf), Ok(w.clone()));

    for s in [10u64, 12, 200, 150, 199, 64 * 3 + 9, 300] {
        let _ = w.accept(s);
    }
    assert_eq!(w.to_bytes(&mut buf), Ok(buf.len()));
    let mut r = ReplayWindow::<3>::from_bytes(&buf).expect("restore");
    assert_eq!(r, w);
    // Same answers for every number around the window, and same updates.
    for s in 0..400u64 {
        assert_eq!(r.check(s), w.check(s), "{s}");
    }
    for s in [301u64, 150, 151, 108, 109, 1000] {
        assert_eq!(r.accept(s), w.accept(s), "{s}");
    }
    // A larger buffer is fine (only the prefix is written).
    let mut big = [0xaau8; 64];
    assert_eq!(w.to_bytes(&mut big), Ok(ReplayWindow::<3>::ENCODED_LEN));
    assert_eq!(
        ReplayWindow::<3>::from_bytes(&big[..ReplayWindow::<3>::ENCODED_LEN]),
        Ok(w.clone())
    );
    // A smaller one is refused.
    let mut small = [0u8; 32];
    assert!(matches!(
        w.to_bytes(&mut small),
        Err(Error::InvalidParameter(_))
    ));
    // The format is documented: flag, top (big-endian), words newest first.
    let mut one = ReplayWindow::<1>::new();
    one.accept(0x0102_0304_0506_0708).expect("accept");
    one.accept(0x0102_0304_0506_0708 - 2).expect("accept");
    let mut b = [0u8; 17];
    one.to_bytes(&mut b).expect("save");
    assert_eq!(b, [1, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0b101]);
}

#[test]
fn malformed_saved_state_rejected() {
    const N: usize = ReplayWindow::<2>::ENCODED_LEN;
    let mut w = ReplayWindow::<2>::new();
    w.accept(77).expect("accept");
    let mut good = [0u8; N];
    w.to_bytes(&mut good).expect("save");

    assert_eq!(
        ReplayWindow::<2>::from_bytes(&good[..N - 1]),
        Err(Error::Truncated)
    );
    assert_eq!(ReplayWindow::<2>::from_bytes(&[]), Err(Error::Truncated));
    let mut long = good.to_vec();
    long.push(0);
    assert_eq!(
        ReplayWindow::<2>::from_bytes(&long),
        Err(Error::TrailingBytes)
    );
    // A state saved for another window size does not load.
    let mut w1 = [0u8; ReplayWindow::<1>::ENCODED_LEN];
    ReplayWindow::<1>::new().to_bytes(&mut w1).expect("save");
    assert_eq!(ReplayWindow::<2>::from_bytes(&w1), Err(Error::Truncated));

    // Unknown flag byte.
    for flag in [2u8, 0x80, 0xff] {
        let mut b = good;
        b[0] = flag;
        assert_eq!(
            ReplayWindow::<2>::from_bytes(&b),
            Err(Error::UnknownEncoding(flag))
        );
    }
    // "Empty" with a top or bits set.
    let mut b = good;
    b[0] = 0;
    assert!(matches!(
        ReplayWindow::<2>::from_bytes(&b),
        Err(Error::NonCanonical(_))
    ));
    let mut b = [0u8; N];
    b[N - 1] = 1;
    assert!(matches!(
        ReplayWindow::<2>::from_bytes(&b),
        Err(Error::NonCanonical(_))
    ));
    // "Non-empty" without the highest number marked as seen: restoring it
    // would let the highest number be replayed once.
    let mut b = good;
    b[9 + 7] &= !1;
    assert!(matches!(
        ReplayWindow::<2>::from_bytes(&b),
        Err(Error::NonCanonical(_))
    ));
}

/// One step of the model test: an offset from the current highest number
/// (or from the start), or an absolute number.
#[derive(Clone, Debug)]
enum Step {
    Near(i64),
    Abs(u64),
}

fn steps(size: i64) -> impl Strategy<Value = (u64, Vec<Step>)> {
    (
        prop_oneof![Just(0u64), Just(u64::MAX - 3 * size as u64), any::<u64>()],
        proptest::collection::vec(
            prop_oneof![
                12 => (-3 * size..2 * size).prop_map(Step::Near),
                1 => (0i64..1 << 20).prop_map(Step::Near),
                1 => any::<u64>().prop_map(Step::Abs),
            ],
            1..300,
        ),
    )
}

/// The rule, stated as simply as possible: accept iff never accepted and
/// newer than `highest - SIZE`.
#[derive(Default)]
struct Model {
    seen: HashSet<u64>,
    highest: Option<u64>,
}

impl Model {
    fn check(&self, seq: u64, size: u64) -> bool {
        !self.seen.contains(&seq)
            && self
                .highest
                .is_none_or(|h| u128::from(seq) + u128::from(size) > u128::from(h))
    }

    fn accept(&mut self, seq: u64, size: u64) -> bool {
        let ok = self.check(seq, size);
        if ok {
            self.seen.insert(seq);
            self.highest = Some(self.highest.map_or(seq, |h| h.max(seq)));
        }
        ok
    }
}

fn run_model<const W: usize>(start: u64, steps: &[Step]) -> Result<(), TestCaseError> {
    let size = ReplayWindow::<W>::SIZE;
    let mut w = ReplayWindow::<W>::new();
    let mut m = Model::default();
    let mut buf = vec![0u8; ReplayWindow::<W>::ENCODED_LEN];
    for step in steps {
        let seq = match *step {
            Step::Near(d) => m.highest.unwrap_or(start).saturating_add_signed(d),
            Step::Abs(s) => s,
        };
        let expected = m.check(seq, size);
        prop_assert_eq!(w.check(seq).is_ok(), expected, "check {}", seq);
        let got = w.accept(seq);
        prop_assert_eq!(m.accept(seq, size), got.is_ok(), "accept {}", seq);
        if let Err(e) = got {
            prop_assert_eq!(e, Error::Rejected);
        }
        prop_assert_eq!(w.highest(), m.highest);
        // Saving and restoring at any point changes nothing.
        w.to_bytes(&mut buf)?;
        prop_assert_eq!(ReplayWindow::<W>::from_bytes(&buf)?, w.clone());
    }
    // Finally, every number near the top answers like the model.
    if let Some(h) = m.highest {
        for s in h.saturating_sub(size + 2)..=h.saturating_add(2) {
            prop_assert_eq!(w.check(s).is_ok(), m.check(s, size), "final {}", s);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn window_matches_model_w1((start, steps) in steps(64)) {
        run_model::<1>(start, &steps)?;
    }

    #[test]
    fn window_matches_model_w2((start, steps) in steps(128)) {
        run_model::<2>(start, &steps)?;
    }

    #[test]
    fn window_matches_model_w3((start, steps) in steps(192)) {
        run_model::<3>(start, &steps)?;
    }
}
