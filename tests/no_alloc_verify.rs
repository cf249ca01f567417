//! The receiver path allocates nothing: `Ds::<Ed25519>::verify` (designated
//! or not, both encodings, accepting or refusing), `DsBroadcast::decode`,
//! `verify_fresh` and the `ReplayWindow` operations.
//!
//! A counting global allocator wraps the system allocator. Counting is
//! per thread (a `const`-initialised thread-local, which itself never
//! allocates) and only while a measurement is running on that thread, so
//! the test harness's other threads cannot disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use ba_iot::signed::{Ds, DsBroadcast, DsOptions, Ed25519, Encoding};
use ba_iot::subset::BloomSizing;
use ba_iot::{BroadcastAuth, Error, ReceiverId, ReplayWindow, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

struct Counting;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: never panic inside the allocator (e.g. during thread
    // teardown).
    let _ = ACTIVE.try_with(|a| {
        if a.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the bookkeeping touches only thread-local cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Run `f` and return its result with the number of heap allocations
/// (alloc, alloc_zeroed, realloc) it made on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    COUNT.with(|c| c.set(0));
    ACTIVE.with(|a| a.set(true));
    let out = black_box(f());
    ACTIVE.with(|a| a.set(false));
    (out, COUNT.with(Cell::get))
}

#[test]
fn counter_sees_allocations() {
    // The instrument works: otherwise the zero counts below prove nothing.
    let (v, n) = allocations(|| Vec::<u8>::with_capacity(black_box(10)));
    assert!(n >= 1);
    drop(v);
    let (_, n) = allocations(|| {
        let mut v = Vec::<u8>::new();
        for i in 0..100 {
            v.push(i);
        }
        v.len()
    });
    assert!(n >= 2, "{n}");
}

#[test]
fn receiver_path_allocates_nothing() {
    let mut rng = ChaCha20Rng::seed_from_u64(99);
    let sender = Ds::<Ed25519>::setup(&mut rng);
    let targets: Vec<ReceiverId> = (1..=20).map(ReceiverId).collect();
    let fleet: Vec<ReceiverId> = (1..=200).map(ReceiverId).collect();
    let target = Ds::<Ed25519>::join(&sender, ReceiverId(7));
    let outsider = Ds::<Ed25519>::join(&sender, ReceiverId(150));

    for encoding in [
        Encoding::IdList,
        Encoding::Bloom(BloomSizing::FalsePositiveRate(1.0 / 1024.0)),
        Encoding::Bloom(BloomSizing::Bytes(64)),
    ] {
        // Zero false positives over the fleet, so the outsider is refused.
        let request = Request::new(&targets, b"set 21.5C", 9).with_registry(&fleet);
        let bytes = Ds::<Ed25519>::authenticate(
            &sender,
            &request,
            &DsOptions::with_encoding(encoding),
            &mut rng,
        )
        .expect("authenticate");
        let mut forged = bytes.clone();
        let last = forged.len() - 1;
        forged[last] ^= 0x01;

        let (r, n) = allocations(|| DsBroadcast::decode::<Ed25519>(&bytes).map(|d| d.seq));
        assert_eq!((r, n), (Ok(9), 0), "{encoding:?}: decode");

        let (r, n) = allocations(|| Ds::<Ed25519>::verify(&target, &bytes).map(|v| v.seq));
        assert_eq!((r, n), (Ok(9), 0), "{encoding:?}: target accepts");

        let (r, n) = allocations(|| Ds::<Ed25519>::verify(&outsider, &bytes).map(|v| v.seq));
        assert_eq!(
            (r, n),
            (Err(Error::Rejected), 0),
            "{encoding:?}: non-target"
        );

        let (r, n) = allocations(|| Ds::<Ed25519>::verify(&target, &forged).map(|v| v.seq));
        assert_eq!((r, n), (Err(Error::Rejected), 0), "{encoding:?}: forged");

        let (r, n) = allocations(|| {
            Ds::<Ed25519>::verify(&target, &bytes[..bytes.len() - 1]).map(|v| v.seq)
        });
        assert_eq!(
            (r, n),
            (Err(Error::Truncated), 0),
            "{encoding:?}: truncated"
        );

        let mut window = ReplayWindow::<2>::new();
        let (r, n) = allocations(|| {
            let first = Ds::<Ed25519>::verify_fresh(&target, &mut window, &bytes).map(|v| v.seq);
            let again = Ds::<Ed25519>::verify_fresh(&target, &mut window, &bytes).map(|v| v.seq);
            (first, again)
        });
        assert_eq!(
            (r, n),
            ((Ok(9), Err(Error::Rejected)), 0),
            "{encoding:?}: fresh"
        );
    }

    // The replay window on its own, including its persistence.
    let mut w = ReplayWindow::<4>::new();
    let (r, n) = allocations(|| {
        let mut ok = 0u32;
        for s in [5u64, 3, 5, 1_000, 999, 1 << 40, (1 << 40) - 200, u64::MAX] {
            ok += u32::from(w.accept(s).is_ok());
            let _ = w.check(s.wrapping_add(1));
        }
        let mut buf = [0u8; ReplayWindow::<4>::ENCODED_LEN];
        let len = w.to_bytes(&mut buf).expect("save");
        let restored = ReplayWindow::<4>::from_bytes(&buf[..len]);
        (ok, restored.map(|r| r.highest()))
    });
    assert_eq!((r, n), ((7, Ok(Some(u64::MAX))), 0), "replay window");
}
