//! A gateway aggregates 1,000 sensor readings, three of them tampered; the
//! verifier checks one aggregate, then finds the three by group testing and
//! by the interactive protocol.
//!
//! `cargo run --example aggregate_gateway`

use ba_iot::ReceiverId;
use ba_iot::aggregate::group_testing::{self, DisjunctMatrix, Identification, RowAggregates};
use ba_iot::aggregate::interactive::{
    Answer, InteractiveAggregator, InteractiveVerifier, Query, Step, round_bound,
};
use ba_iot::aggregate::{
    AggregateBundle, AggregateMac, Device, HashAggregate, MasterKey, Message, TagLength, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

const N: usize = 1_000;
const D: usize = 3;

fn main() -> Result<(), ba_iot::Error> {
    // Deterministic for a reproducible demo; use
    // `rand_core::UnwrapErr(getrandom::SysRng)` in production.
    let mut rng = ChaCha20Rng::seed_from_u64(2024);
    let master = MasterKey::generate(&mut rng);

    // Devices: each holds its own key (provisioned from the master key).
    let ids: Vec<ReceiverId> = (0..N as u64)
        .map(|i| ReceiverId(0x00_1b_c5_0c_00_00_00_00 | i))
        .collect();
    let devices: Vec<Device> = ids
        .iter()
        .map(|&id| Device::new(id, &master.device_key(id), TagLength::FULL))
        .collect();
    let counter = 17u64;
    let mut payloads: Vec<Vec<u8>> = (0..N)
        .map(|i| {
            format!(
                "t={:.1}C rh={}%",
                18.0 + (i % 70) as f64 / 10.0,
                40 + i % 30
            )
            .into_bytes()
        })
        .collect();
    let entries = devices
        .iter()
        .zip(&payloads)
        .map(|(d, p)| d.tag(counter, p))
        .collect::<Result<Vec<_>, _>>()?;

    // On the way, three readings are tampered with (payload changed, tag
    // left as the device computed it).
    let tampered = [41usize, 500, 977];
    for &i in &tampered {
        payloads[i] = b"t=99.9C rh=0%".to_vec();
    }
    let messages: Vec<Message<'_>> = ids
        .iter()
        .zip(&payloads)
        .map(|(&id, p)| Message::new(id, counter, p))
        .collect();

    // Gateway (no keys): one aggregate, plus group-testing rows for d = 3.
    let aggregate = HashAggregate::aggregate(&entries)?;
    let matrix = DisjunctMatrix::new(N, D)?;
    let rows = RowAggregates::compute(&matrix, &entries)?;
    let bundle = AggregateBundle::new(aggregate, &messages)?.encode()?;

    let tag_bytes = N * 32;
    let agg_bytes = aggregate.encode().len();
    let rows_bytes = rows.encode().len();
    println!("{N} readings, {D} tampered");
    println!("  one tag per reading:           {tag_bytes:>6} bytes");
    println!("  one aggregate:                 {agg_bytes:>6} bytes");
    println!(
        "  group-testing rows ({} tests, {:?}): {rows_bytes} bytes",
        matrix.tests(),
        matrix.construction()
    );
    println!(
        "  saved with aggregate + rows:   {:>6} bytes ({:.1}%)",
        tag_bytes - agg_bytes - rows_bytes,
        100.0 * (tag_bytes - agg_bytes - rows_bytes) as f64 / tag_bytes as f64
    );
    println!("  bundle (payloads + aggregate): {:>6} bytes", bundle.len());

    // Verifier: the single aggregate fails.
    let verifier = Verifier::new(master, TagLength::FULL);
    let decoded = AggregateBundle::decode(&bundle)?;
    println!("aggregate check: {:?}", decoded.verify(&verifier));

    // Group testing: one round, exact for up to D invalid.
    let expected = verifier.expected(&messages)?;
    let rows = RowAggregates::decode(&rows.encode())?;
    match group_testing::identify(&expected, &matrix, &rows)? {
        Identification::Identified(bad) => println!("group testing found: {}", fmt_ids(&bad)),
        other => println!("group testing: {other:?}"),
    }

    // Interactive: the verifier drives, the gateway answers.
    let gateway = InteractiveAggregator::new(&entries)?;
    let mut session = InteractiveVerifier::new(expected, round_bound(N, D), &mut rng)?;
    let mut step = session.start()?;
    let mut wire = 0usize;
    let found = loop {
        match step {
            Step::Query(q) => {
                let qb = q.encode();
                let ab = gateway.answer(&Query::decode(&qb)?)?.encode();
                wire += qb.len() + ab.len();
                step = session.receive(&Answer::decode(&ab)?)?;
            }
            Step::Done(bad) => break bad,
        }
    };
    println!(
        "interactive found: {} in {} queries (bound {}), {} bytes exchanged",
        fmt_ids(&found),
        session.rounds(),
        round_bound(N, D),
        wire
    );
    let want: Vec<ReceiverId> = tampered.iter().map(|&i| ids[i]).collect();
    assert_eq!(found, want);
    Ok(())
}

fn fmt_ids(ids: &[ReceiverId]) -> String {
    ids.iter()
        .map(|id| format!("{:016x}", id.0))
        .collect::<Vec<_>>()
        .join(", ")
}
