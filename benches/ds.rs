//! Benchmarks of the DS-based construction (`ba_iot::signed::Ds`).
//!
//! For every signature backend (one line in `backends`):
//!
//! * `ds/<backend>/authenticate`: the sender, over |S| in {10, 100, 1000,
//!   10000}, with the Bloom encoding (eps = 2^-10, the default) beside the
//!   baseline "one signature plus the explicit id list"; throughput in
//!   targets (`Throughput::Elements(|S|)`), so criterion prints the cost per
//!   target directly.
//! * `ds/<backend>/verify_target`: a designated receiver, full cost (strict
//!   decode, membership, signature check); throughput in broadcast bytes
//!   (the signature check hashes the whole broadcast).
//! * `ds/<backend>/verify_nontarget`: a receiver that is not designated,
//!   refused at the membership test without any signature check: the energy
//!   a battery device saves.
//! * `ds/<backend>/floor_sign`, `ds/<backend>/floor_verify`: one bare
//!   signature and one bare verification (`SignatureBackend::sign/verify`)
//!   over exactly the bytes the matching broadcast signs, so each measured
//!   cost can be divided by what cannot be avoided.
//!
//! And, once, `floor/hash`: one SHA-256 of 43 bytes (one per-target Bloom
//! hash input: 16-byte label, salt length, 16-byte salt, id length, 8-byte
//! id, block counter; a target takes `ceil(k/4)` of them) and the whole
//! position computation of one element (`bloom::positions`).
//!
//! Before timing, the bytes on the wire of both encodings are printed to
//! stderr for each |S|.
//!
//! Run: `cargo bench --bench ds`; one backend only, e.g. `cargo bench --bench ds
//! -- "ed25519|floor/hash"`.

use std::hint::black_box;
use std::time::Duration;

use ba_iot::signed::{Ds, DsBroadcast, DsOptions, Ed25519, Encoding, SignatureBackend};
use ba_iot::subset::{BloomParams, BloomSizing, bloom};
use ba_iot::{BroadcastAuth, Error, ReceiverId, Request};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use sha2::{Digest, Sha256};

/// The subset sizes swept.
const SIZES: [usize; 4] = [10, 100, 1000, 10_000];

/// The false-positive rate of the Bloom encoding (the default, 2^-10).
const EPS: f64 = 1.0 / 1024.0;

/// A 32-byte command, a typical actuator instruction.
const PAYLOAD: &[u8; 32] = b"set-point zone=7 temp=21.5C     ";

/// The sequence number of every benchmarked broadcast.
const SEQ: u64 = 0x0000_0001_0000_002a;

/// The two encodings compared, with their labels.
fn encodings() -> [(&'static str, Encoding); 2] {
    [
        (
            "bloom",
            Encoding::Bloom(BloomSizing::FalsePositiveRate(EPS)),
        ),
        ("idlist", Encoding::IdList),
    ]
}

/// `n` distinct EUI-64-like ids, spread over the id space (an odd multiplier
/// is a bijection mod 2^64, so they are distinct).
fn targets(n: usize) -> Vec<ReceiverId> {
    (0..n as u64)
        .map(|i| ReceiverId(0x0200_0000_0000_0000 ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
        .collect()
}

fn rng(tag: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([tag; 32])
}

/// One honest broadcast for `n` targets under `encoding`.
fn broadcast<B: SignatureBackend>(
    sender: &<Ds<B> as BroadcastAuth>::SenderKey,
    ids: &[ReceiverId],
    encoding: Encoding,
) -> Vec<u8> {
    let request = Request::new(ids, PAYLOAD, SEQ);
    Ds::<B>::authenticate(
        sender,
        &request,
        &DsOptions::with_encoding(encoding),
        &mut rng(2),
    )
    .expect("honest broadcast")
}

/// A receiver that is not designated and that this broadcast refuses (for a
/// Bloom filter, one that is not a false positive), found before timing.
fn refused_outsider<B: SignatureBackend>(
    sender: &<Ds<B> as BroadcastAuth>::SenderKey,
    ids: &[ReceiverId],
    bytes: &[u8],
) -> <Ds<B> as BroadcastAuth>::ReceiverKey {
    (1..=u64::MAX)
        .map(|j| ReceiverId(u64::MAX - j))
        .filter(|id| !ids.contains(id))
        .map(|id| Ds::<B>::join(sender, id))
        .find(|r| Ds::<B>::verify(r, bytes) == Err(Error::Rejected))
        .expect("some outsider is refused")
}

/// Print the bytes on the wire of both encodings for every |S| (once, not
/// timed).
fn print_sizes<B: SignatureBackend>(name: &str) {
    let sender = Ds::<B>::setup(&mut rng(1));
    eprintln!(
        "\nDS/{name}: bytes on the wire ({}-byte payload)",
        PAYLOAD.len()
    );
    eprintln!(
        "{:>7} {:>12} {:>10} {:>12} {:>10} {:>8} {:>6}",
        "|S|", "bloom bytes", "per target", "idlist bytes", "per target", "m bits", "k"
    );
    for n in SIZES {
        let ids = targets(n);
        let bloom_len = broadcast::<B>(&sender, &ids, encodings()[0].1).len();
        let list_len = broadcast::<B>(&sender, &ids, Encoding::IdList).len();
        let p = BloomParams::for_rate(n, EPS).expect("sizing");
        eprintln!(
            "{n:>7} {bloom_len:>12} {:>10.2} {list_len:>12} {:>10.2} {:>8} {:>6}",
            bloom_len as f64 / n as f64,
            list_len as f64 / n as f64,
            p.bits,
            p.hashes
        );
    }
    eprintln!();
}

/// Every benchmark of the DS construction over backend `B`.
fn bench_backend<B: SignatureBackend>(c: &mut Criterion, name: &str) {
    print_sizes::<B>(name);
    let sender = Ds::<B>::setup(&mut rng(1));

    let mut g = c.benchmark_group(format!("ds/{name}/authenticate"));
    for n in SIZES {
        let ids = targets(n);
        g.throughput(Throughput::Elements(n as u64));
        for (label, encoding) in encodings() {
            let options = DsOptions::with_encoding(encoding);
            let mut r = rng(3);
            g.bench_with_input(BenchmarkId::new(label, n), &ids, |b, ids| {
                b.iter(|| {
                    let request = Request::new(black_box(ids), PAYLOAD, SEQ);
                    Ds::<B>::authenticate(&sender, &request, &options, &mut r)
                        .expect("authenticate")
                })
            });
        }
    }
    g.finish();

    // The broadcasts and receivers the verify and floor groups share.
    let cases: Vec<_> = SIZES
        .iter()
        .flat_map(|&n| encodings().map(|(label, encoding)| (n, label, encoding)))
        .map(|(n, label, encoding)| {
            let ids = targets(n);
            let bytes = broadcast::<B>(&sender, &ids, encoding);
            let target = Ds::<B>::join(&sender, ids[n / 2]);
            let outsider = refused_outsider::<B>(&sender, &ids, &bytes);
            (n, label, bytes, target, outsider)
        })
        .collect();

    let mut g = c.benchmark_group(format!("ds/{name}/verify_target"));
    for (n, label, bytes, target, _) in &cases {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new(*label, n), bytes, |b, bytes| {
            b.iter(|| Ds::<B>::verify(target, black_box(bytes)).expect("target accepts"))
        });
    }
    g.finish();

    let mut g = c.benchmark_group(format!("ds/{name}/verify_nontarget"));
    for (n, label, bytes, _, outsider) in &cases {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new(*label, n), bytes, |b, bytes| {
            b.iter(|| Ds::<B>::verify(outsider, black_box(bytes)).expect_err("outsider refused"))
        });
    }
    g.finish();

    let signing = B::generate(&mut rng(4));
    let verifying = B::verifying_key(&signing);
    let mut g = c.benchmark_group(format!("ds/{name}/floor_sign"));
    for (n, label, bytes, _, _) in &cases {
        let msg = DsBroadcast::decode::<B>(bytes).expect("decode").signed;
        let mut sig = vec![0u8; B::SIGNATURE_LEN];
        g.throughput(Throughput::Bytes(msg.len() as u64));
        g.bench_with_input(BenchmarkId::new(*label, n), msg, |b, msg| {
            b.iter(|| B::sign(&signing, black_box(msg), &mut sig).expect("sign"))
        });
    }
    g.finish();

    let mut g = c.benchmark_group(format!("ds/{name}/floor_verify"));
    for (n, label, bytes, _, _) in &cases {
        let msg = DsBroadcast::decode::<B>(bytes).expect("decode").signed;
        let mut sig = vec![0u8; B::SIGNATURE_LEN];
        B::sign(&signing, msg, &mut sig).expect("sign");
        g.throughput(Throughput::Bytes(msg.len() as u64));
        g.bench_with_input(BenchmarkId::new(*label, n), msg, |b, msg| {
            b.iter(|| B::verify(&verifying, black_box(msg), &sig).expect("verify"))
        });
    }
    g.finish();
}

/// The per-target hash floor, independent of the signature backend.
fn bench_hash_floor(c: &mut Criterion) {
    let mut g = c.benchmark_group("floor/hash");
    // The exact Bloom hash input of one target: label, salt, id, block
    // counter (a target costs ceil(k/4) of these). Timed through the
    // `Digest` API, which buffers; `bloom::positions` builds the padded
    // block once and calls the compression function directly, so its cost
    // per block is below this figure.
    let salt = [0x5a; 16];
    let id = targets(1)[0].to_bytes();
    let mut input = Vec::with_capacity(42);
    input.extend_from_slice(bloom::BLOOM_LABEL);
    input.push(16);
    input.extend_from_slice(&salt);
    input.push(8);
    input.extend_from_slice(&id);
    input.push(0);
    assert_eq!(input.len(), 43);
    g.throughput(Throughput::Elements(1));
    g.bench_function("sha256_43B", |b| {
        b.iter(|| Sha256::digest(black_box(&input[..])))
    });
    let params = BloomParams::for_rate(1000, EPS).expect("sizing");
    g.bench_function(format!("bloom_positions_k{}", params.hashes), |b| {
        b.iter(|| {
            bloom::positions(params, black_box(&salt), black_box(&id))
                .expect("positions")
                .fold(0u32, |acc, p| acc ^ p)
        })
    });
    g.finish();
}

fn backends(c: &mut Criterion) {
    bench_backend::<Ed25519>(c, "ed25519");
    #[cfg(feature = "bls")]
    bench_backend::<ba_iot::signed::Bls12381MinSig>(c, "bls12381-minsig");
    #[cfg(feature = "bls")]
    bench_backend::<ba_iot::signed::Bls12381MinPk>(c, "bls12381-minpk");
}

fn config_all() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1000))
        .nresamples(20_000)
}

criterion_group! {
    name = benches;
    config = config_all();
    targets = bench_hash_floor, backends
}
criterion_main!(benches);
