//! Benchmarks of the MAC-based anonymous construction.
//!
//! * `anon/authenticate/{layout}/{cached|uncached}/{|S|}`: the sender, per
//!   target (`Throughput::Elements(|S|)`), weak mode, |S| from 10 to 100,000;
//! * `anon/baseline/tag_per_target/{|S|}`: the naive baseline, `id || HMAC`
//!   (32 bytes) over the payload digest per target, with precomputed states;
//! * `anon/floor/*`: one SHA-256 compression, and one HMAC-SHA-256 of 32
//!   bytes from precomputed states (two compressions);
//! * `anon/verify/{layout}/{target|non_target}`: the receiver, 1,000 targets.
//!
//! Run: `cargo bench --bench anonymous` (about 3 minutes).

use std::time::Duration;

use ba_iot::anonymous::{
    AnonOptions, AnonSenderKey, Anonymous, DeviceStates, HmacState, Layout, MasterKey, Mode,
    ReceiverPolicy, SenderCache,
};
use ba_iot::{BroadcastAuth, ReceiverId, Request};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use sha2::{Digest, Sha256};

const SIZES: [usize; 5] = [10, 100, 1_000, 10_000, 100_000];
const PAYLOAD: &[u8] = b"set point 21.5C, zone 4";

fn configure(c: &mut Criterion) -> Criterion {
    let _ = c;
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

fn authenticate(c: &mut Criterion) {
    let master = MasterKey::from_bytes([7; 32]);
    let registry: Vec<ReceiverId> = (0..*SIZES.last().unwrap_or(&0) as u64)
        .map(ReceiverId)
        .collect();
    let uncached = AnonSenderKey::new(master.clone());
    let cached = AnonSenderKey::new(master)
        .with_cache(&registry)
        .expect("cache");
    let mut rng = ChaCha20Rng::from_seed([1; 32]);
    for (lname, layout) in [
        ("reference", Layout::reference()),
        ("bloom", Layout::bloom()),
    ] {
        let opts = AnonOptions::new(layout, Mode::Weak);
        let mut g = c.benchmark_group(format!("anon/authenticate/{lname}"));
        for &n in &SIZES {
            let targets = &registry[..n];
            let req = Request::new(targets, PAYLOAD, 1);
            g.throughput(Throughput::Elements(n as u64));
            for (kname, key) in [("cached", &cached), ("uncached", &uncached)] {
                g.bench_with_input(BenchmarkId::new(kname, n), &n, |b, _| {
                    b.iter(|| {
                        Anonymous::authenticate(key, black_box(&req), &opts, &mut rng)
                            .expect("auth")
                    })
                });
            }
        }
        g.finish();
    }
}

fn baseline(c: &mut Criterion) {
    // One full 32-byte HMAC per target with the explicit id, states cached:
    // id (8 bytes) || HMAC(K_id, digest) (32 bytes) per target.
    let master = MasterKey::from_bytes([7; 32]);
    let registry: Vec<ReceiverId> = (0..*SIZES.last().unwrap_or(&0) as u64)
        .map(ReceiverId)
        .collect();
    let cache = SenderCache::build(&master, &registry).expect("cache");
    let mut g = c.benchmark_group("anon/baseline/tag_per_target");
    for &n in &SIZES {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let d: [u8; 32] = Sha256::digest(black_box(PAYLOAD)).into();
                let mut out = Vec::with_capacity(n * 40);
                for &id in &registry[..n] {
                    let st = cache.get(id).expect("cached");
                    out.extend_from_slice(&id.to_bytes());
                    out.extend_from_slice(&st.designated_tag(&d));
                }
                out
            })
        });
    }
    g.finish();
}

fn floor(c: &mut Criterion) {
    let mut g = c.benchmark_group("anon/floor");
    g.throughput(Throughput::Elements(1));
    let st = HmacState::new(&[9; 32]);
    let msg = [3u8; 32];
    g.bench_function("hmac_sha256_32B_precomputed", |b| {
        b.iter(|| st.mac(black_box(&msg)))
    });
    let mut state = [0u32; 8];
    let block = [[5u8; 64]];
    g.bench_function("sha256_compression", |b| {
        b.iter(|| {
            sha2::block_api::compress256(&mut state, black_box(&block));
            state
        })
    });
    let keys = MasterKey::from_bytes([7; 32]).device_keys(ReceiverId(1));
    let dev = DeviceStates::new(&keys);
    g.bench_function("locator_plus_tag", |b| {
        b.iter(|| {
            (
                dev.locator(black_box(&[1; 16])),
                dev.designated_tag(black_box(&msg)),
            )
        })
    });
    g.finish();
}

fn verify(c: &mut Criterion) {
    let sender = AnonSenderKey::new(MasterKey::from_bytes([7; 32]));
    let targets: Vec<ReceiverId> = (0..1000).map(ReceiverId).collect();
    let mut rng = ChaCha20Rng::from_seed([2; 32]);
    let mut g = c.benchmark_group("anon/verify");
    // Receivers of a Bloom fleet accept the Bloom layout; the default policy
    // accepts the reference layout only.
    for (lname, layout, policy) in [
        ("reference", Layout::reference(), ReceiverPolicy::default()),
        ("bloom", Layout::bloom(), ReceiverPolicy::bloom()),
    ] {
        let target = Anonymous::join(&sender, ReceiverId(500)).with_policy(policy);
        let outsider = Anonymous::join(&sender, ReceiverId(5000)).with_policy(policy);
        let bytes = Anonymous::authenticate(
            &sender,
            &Request::new(&targets, PAYLOAD, 1),
            &AnonOptions::new(layout, Mode::Weak),
            &mut rng,
        )
        .expect("auth");
        assert!(Anonymous::verify(&target, &bytes).is_ok());
        assert_eq!(
            Anonymous::verify(&outsider, &bytes),
            Err(ba_iot::Error::Rejected)
        );
        g.bench_function(format!("{lname}/target_1000"), |b| {
            b.iter(|| Anonymous::verify(&target, black_box(&bytes)))
        });
        g.bench_function(format!("{lname}/non_target_1000"), |b| {
            b.iter(|| Anonymous::verify(&outsider, black_box(&bytes)))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = configure(&mut Criterion::default());
    targets = floor, verify, baseline, authenticate
}
criterion_main!(benches);
