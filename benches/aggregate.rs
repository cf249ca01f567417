//! X.1366 aggregate MACs: tagging, aggregation, verification and
//! identification, beside the HMAC-SHA-256 floor.
//!
//! `cargo bench --bench aggregate` (about two minutes). The sizes of the
//! identification schemes (aggregate tags sent vs the counting lower bound)
//! are printed to stderr before the timings.

use std::hint::black_box;
use std::time::Duration;

use ba_iot::ReceiverId;
use ba_iot::aggregate::group_testing::{self, DisjunctMatrix, RowAggregates};
use ba_iot::aggregate::interactive::{
    InteractiveAggregator, InteractiveVerifier, Step, round_bound,
};
use ba_iot::aggregate::{
    AggregateMac, Device, ExpectedTags, HashAggregate, KeyTable, MasterKey, Message, PreparedKey,
    Tag, TagEntry, TagLength, Verifier, XorAggregate,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

const SIZES: [usize; 3] = [100, 1_000, 10_000];
const PAYLOAD_LEN: usize = 32;

struct Fleet {
    master: MasterKey,
    devices: Vec<Device>,
    payloads: Vec<[u8; PAYLOAD_LEN]>,
    entries: Vec<TagEntry>,
}

impl Fleet {
    fn new(n: usize) -> Self {
        let master = MasterKey::from_bytes([7; 32]);
        let devices: Vec<Device> = (0..n as u64)
            .map(|i| {
                let id = ReceiverId(i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                Device::new(id, &master.device_key(id), TagLength::FULL)
            })
            .collect();
        let payloads: Vec<[u8; PAYLOAD_LEN]> = (0..n)
            .map(|i| {
                let mut p = [0u8; PAYLOAD_LEN];
                p[..8].copy_from_slice(&(i as u64).to_be_bytes());
                p
            })
            .collect();
        let entries = devices
            .iter()
            .zip(&payloads)
            .map(|(d, p)| d.tag(1, p).expect("tag"))
            .collect();
        Fleet {
            master,
            devices,
            payloads,
            entries,
        }
    }

    fn messages(&self) -> Vec<Message<'_>> {
        self.devices
            .iter()
            .zip(&self.payloads)
            .map(|(d, p)| Message::new(d.id(), 1, p))
            .collect()
    }

    fn table(&self) -> KeyTable {
        let ids: Vec<ReceiverId> = self.devices.iter().map(|d| d.id()).collect();
        KeyTable::derive(&self.master, &ids)
    }
}

fn corrupt(entries: &[TagEntry], bad: &[usize]) -> Vec<TagEntry> {
    let mut e = entries.to_vec();
    for &i in bad {
        let mut b = e[i].tag.as_bytes().to_vec();
        b[0] ^= 1;
        e[i].tag = Tag::from_slice(&b).expect("tag");
    }
    e
}

/// Spread-out invalid positions.
fn bad_positions(n: usize, d: usize) -> Vec<usize> {
    (0..d).map(|k| (k * 7919 + 13) % n).collect()
}

fn floor(c: &mut Criterion) {
    let mut g = c.benchmark_group("aggregate/floor");
    g.throughput(Throughput::Elements(1));
    let key = PreparedKey::new(&[7; 32]);
    let input = [0x42u8; 32];
    g.bench_function("hmac_sha256_32B_prepared", |b| {
        b.iter(|| black_box(&key).mac(black_box(&input)))
    });
    g.finish();
}

fn tagging(c: &mut Criterion) {
    let mut g = c.benchmark_group("aggregate/tag");
    for &n in &SIZES {
        let f = Fleet::new(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &f, |b, f| {
            b.iter(|| {
                for (d, p) in f.devices.iter().zip(&f.payloads) {
                    black_box(d.tag(1, p).expect("tag"));
                }
            })
        });
    }
    g.finish();
}

fn aggregation(c: &mut Criterion) {
    let mut g = c.benchmark_group("aggregate/aggregate");
    for &n in &SIZES {
        let f = Fleet::new(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("xor", n), &f, |b, f| {
            b.iter(|| XorAggregate::aggregate(black_box(&f.entries)).expect("aggregate"))
        });
        g.bench_with_input(BenchmarkId::new("hash", n), &f, |b, f| {
            b.iter(|| HashAggregate::aggregate(black_box(&f.entries)).expect("aggregate"))
        });
    }
    g.finish();
}

fn verification(c: &mut Criterion) {
    let mut g = c.benchmark_group("aggregate/verify");
    for &n in &SIZES {
        let f = Fleet::new(n);
        let msgs = f.messages();
        let agg_x = XorAggregate::aggregate(&f.entries).expect("aggregate");
        let agg_h = HashAggregate::aggregate(&f.entries).expect("aggregate");
        let cached = Verifier::new(f.table(), TagLength::FULL);
        let derived = Verifier::new(f.master.clone(), TagLength::FULL);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("hash_cached_keys", n), |b| {
            b.iter(|| {
                cached
                    .verify::<HashAggregate>(black_box(&msgs), &agg_h)
                    .expect("ok")
            })
        });
        g.bench_function(BenchmarkId::new("xor_cached_keys", n), |b| {
            b.iter(|| {
                cached
                    .verify::<XorAggregate>(black_box(&msgs), &agg_x)
                    .expect("ok")
            })
        });
        g.bench_function(BenchmarkId::new("hash_derived_keys", n), |b| {
            b.iter(|| {
                derived
                    .verify::<HashAggregate>(black_box(&msgs), &agg_h)
                    .expect("ok")
            })
        });
    }
    g.finish();
}

fn run_interactive(
    exp: &ExpectedTags,
    agg: &InteractiveAggregator,
    cap: u64,
    seed: u64,
) -> (usize, u32) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut s = InteractiveVerifier::new(exp.clone(), cap, &mut rng).expect("session");
    let mut step = s.start().expect("start");
    loop {
        match step {
            Step::Query(q) => step = s.receive(&agg.answer(&q).expect("answer")).expect("step"),
            Step::Done(ids) => return (ids.len(), s.rounds()),
        }
    }
}

/// Not timed: the number of aggregate tags each identification method
/// sends for n = 10,000, beside the counting lower bound.
fn report_sizes(f: &Fleet, exp: &ExpectedTags) {
    let n = f.devices.len();
    eprintln!();
    eprintln!("identification among n = {n} (32-byte aggregates):");
    eprintln!(
        "  d | group-testing tests t | construction | interactive queries (bound) | lower bound log2 sum C(n,i)"
    );
    for d in [1usize, 2, 4] {
        let m = DisjunctMatrix::new(n, d).expect("matrix");
        let agg =
            InteractiveAggregator::new(&corrupt(&f.entries, &bad_positions(n, d))).expect("agg");
        let (found, rounds) = run_interactive(exp, &agg, round_bound(n, d), d as u64);
        assert_eq!(found, d);
        eprintln!(
            "  {d} | {:>5} | {:?} | {:>3} ({}) | {:.1}",
            m.tests(),
            m.construction(),
            rounds,
            round_bound(n, d),
            DisjunctMatrix::lower_bound(n, d)
        );
    }
    eprintln!("  one tag per message: {n} tags = {} bytes", n * 32);
    eprintln!();
}

fn identification(c: &mut Criterion) {
    let n = 10_000;
    let f = Fleet::new(n);
    let msgs = f.messages();
    let v = Verifier::new(f.table(), TagLength::FULL);
    let exp = v.expected(&msgs).expect("expected");
    report_sizes(&f, &exp);
    let mut g = c.benchmark_group("aggregate/identify_n10000");
    g.throughput(Throughput::Elements(n as u64));
    for d in [1usize, 2, 4] {
        let m = DisjunctMatrix::new(n, d).expect("matrix");
        let entries = corrupt(&f.entries, &bad_positions(n, d));
        let rows = RowAggregates::compute(&m, &entries).expect("rows");
        g.bench_function(BenchmarkId::new("gt_aggregator_rows", d), |b| {
            b.iter(|| RowAggregates::compute(&m, black_box(&entries)).expect("rows"))
        });
        g.bench_function(BenchmarkId::new("gt_verifier_identify", d), |b| {
            b.iter(|| {
                let exp = v.expected(black_box(&msgs)).expect("expected");
                group_testing::identify(&exp, &m, &rows).expect("identify")
            })
        });
        let agg = InteractiveAggregator::new(&entries).expect("agg");
        g.bench_function(BenchmarkId::new("interactive_session", d), |b| {
            b.iter(|| {
                let exp = v.expected(black_box(&msgs)).expect("expected");
                run_interactive(&exp, &agg, round_bound(n, d), 1)
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = floor, tagging, aggregation, verification, identification
}
criterion_main!(benches);
