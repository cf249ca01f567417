//! `Anonymous::verify` performs no heap allocation: a counting global
//! allocator, armed only around the calls under test. This file holds a
//! single test so no other test thread allocates while the counter is armed.

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ba_iot::anonymous::{
    AnonOptions, AnonSenderKey, Anonymous, Layout, MasterKey, Mode, ReceiverPolicy, SizeClass,
};
use ba_iot::{BroadcastAuth, Error, ReceiverId, ReplayWindow, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

struct Counting;

static ARMED: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        if ARMED.load(Ordering::SeqCst) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        if ARMED.load(Ordering::SeqCst) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
    ALLOCATIONS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    let out = f();
    ARMED.store(false, Ordering::SeqCst);
    (out, ALLOCATIONS.load(Ordering::SeqCst))
}

#[test]
fn verify_does_not_allocate() {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([1; 32]));
    let registry: Vec<ReceiverId> = (0..64).map(ReceiverId).collect();
    let targets: Vec<ReceiverId> = registry.iter().copied().step_by(2).collect();
    let default_target = Anonymous::join(&sender, ReceiverId(0));
    let mut rng = ChaCha20Rng::from_seed([2; 32]);
    let mut checked = 0;
    for (layout, policy) in [
        (Layout::reference(), ReceiverPolicy::default()),
        (Layout::bloom(), ReceiverPolicy::bloom()),
    ] {
        let target = Anonymous::join(&sender, ReceiverId(0)).with_policy(policy);
        let outsider = Anonymous::join(&sender, ReceiverId(1)).with_policy(policy);
        // A default receiver accepts the reference layout and refuses the
        // Bloom layout (also without allocating).
        let by_default = match layout {
            Layout::Bloom(_) => Err(Error::LayoutRefused),
            _ => Ok(()),
        };
        for mode in [
            Mode::Weak,
            Mode::StrongRegistry,
            Mode::StrongPadded(SizeClass::PowerOfTwo),
        ] {
            let req = Request::new(&targets, b"payload", 7).with_registry(&registry);
            let bytes =
                Anonymous::authenticate(&sender, &req, &AnonOptions::new(layout, mode), &mut rng)
                    .expect("auth");
            let mut flipped = bytes.clone();
            flipped[20] ^= 1; // inside r: every tag and locator changes
            let mut window = ReplayWindow::<2>::new();
            let (res, n) = count(|| {
                (
                    Anonymous::verify(&target, &bytes).is_ok(),
                    Anonymous::verify(&outsider, &bytes).is_err(),
                    Anonymous::verify(&target, &flipped).is_err(),
                    Anonymous::verify(&target, &bytes[..bytes.len() - 1]).is_err(),
                    Anonymous::verify_fresh(&target, &mut window, &bytes).is_ok(),
                    Anonymous::verify(&default_target, &bytes).map(|_| ()) == by_default,
                )
            });
            assert_eq!(
                res,
                (true, true, true, true, true, true),
                "{layout:?} {mode:?}"
            );
            assert_eq!(n, 0, "{layout:?} {mode:?}: {n} allocations");
            checked += 1;
        }
    }
    // The counter works: an allocation while armed is seen.
    let (_, n) = count(|| std::hint::black_box(vec![0u8; 16]));
    assert_eq!(n, 1);
    assert_eq!(checked, 6);
}
