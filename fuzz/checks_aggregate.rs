//! The X.1366 aggregate fuzz check, shared by
//! `fuzz/fuzz_targets/aggregate_verify.rs` and the stable corpus replay
//! (`tests/fuzz_corpus.rs`).
//!
//! Decode and verify aggregate messages from arbitrary bytes: an aggregate
//! bundle, an aggregate tag, group-testing rows and interactive queries and
//! answers. Nothing may panic, and every decoded value re-encodes to the
//! same bytes (the encodings are canonical).

use ba_iot::ReceiverId;
use ba_iot::aggregate::group_testing::{self, DisjunctMatrix, RowAggregates};
use ba_iot::aggregate::interactive::{
    Answer, InteractiveAggregator, InteractiveVerifier, Query, Step,
};
use ba_iot::aggregate::{
    AggregateBundle, AggregateMac, AggregateTag, Device, HashAggregate, MasterKey, Message,
    TagEntry, TagLength, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

/// The honest batch: five devices, counter 9, one-byte payloads; their
/// tag entries and `(id, payload)` pairs.
fn honest_batch(master: &MasterKey) -> (Vec<TagEntry>, Vec<(ReceiverId, [u8; 1])>) {
    let payloads: Vec<(ReceiverId, [u8; 1])> =
        (1..=5u8).map(|i| (ReceiverId(u64::from(i)), [i])).collect();
    let entries = payloads
        .iter()
        .filter_map(|(id, p)| {
            Device::new(*id, &master.device_key(*id), TagLength::FULL)
                .tag(9, p)
                .ok()
        })
        .collect();
    (entries, payloads)
}

fn as_messages(payloads: &[(ReceiverId, [u8; 1])]) -> Vec<Message<'_>> {
    payloads
        .iter()
        .map(|(id, p)| Message::new(*id, 9, p))
        .collect()
}

/// The check: panics only on a violated property.
pub fn aggregate_verify(data: &[u8]) {
    let master = MasterKey::from_bytes([3; 32]);
    let verifier = Verifier::new(master.clone(), TagLength::FULL);

    // A bundle: decode strictly, then verify (Rejected is fine; a panic is not).
    if let Ok(bundle) = AggregateBundle::decode(data) {
        let _ = bundle.verify(&verifier);
        if let Ok(bytes) = bundle.encode() {
            assert_eq!(bytes, data, "canonical re-encoding");
        }
    }
    if let Ok(t) = AggregateTag::decode(data) {
        assert_eq!(t.encode(), data);
    }

    // A small honest batch the other decoders are checked against.
    let (entries, payloads) = honest_batch(&master);
    let messages = as_messages(&payloads);
    let Ok(expected) = verifier.expected(&messages) else {
        return;
    };

    // Group-testing rows from the fuzzer, against the honest messages.
    if let Ok(rows) = RowAggregates::decode(data) {
        assert_eq!(rows.encode(), data);
        for d in 1..=3 {
            if let Ok(m) = DisjunctMatrix::new(messages.len(), d) {
                let _ = group_testing::identify(&expected, &m, &rows);
            }
        }
    }

    // Interactive: a fuzzed query to the aggregator, a fuzzed answer to a
    // live session.
    if let Ok(agg) = InteractiveAggregator::new(&entries) {
        if let Ok(q) = Query::decode(data) {
            assert_eq!(q.encode(), data);
            let _ = agg.answer(&q);
        }
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        if let Ok(mut s) = InteractiveVerifier::new(expected, 64, &mut rng)
            && let Ok(Step::Query(_)) = s.start()
        {
            if let Ok(a) = Answer::decode(data) {
                assert_eq!(a.encode(), data);
                let _ = s.receive(&a);
            }
            // Also split the input into a stream of answers.
            for chunk in data.chunks(Answer::ENCODED_LEN) {
                if let Ok(a) = Answer::decode(chunk)
                    && let Ok(Step::Done(_)) | Err(_) = s.receive(&a)
                {
                    break;
                }
            }
        }
    }
}

/// The seed corpus: an honest bundle, its aggregate tag, group-testing
/// rows, and an interactive query and answer, `(file name, bytes)`.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let master = MasterKey::from_bytes([3; 32]);
    let (entries, payloads) = honest_batch(&master);
    let messages = as_messages(&payloads);
    let mut out = Vec::new();
    if let Ok(tag) = HashAggregate::aggregate(&entries) {
        out.push(("tag".to_string(), tag.encode()));
        if let Ok(bytes) = AggregateBundle::new(tag, &messages).and_then(|b| b.encode()) {
            out.push(("bundle".to_string(), bytes));
        }
    }
    if let Ok(rows) =
        DisjunctMatrix::new(entries.len(), 1).and_then(|m| RowAggregates::compute(&m, &entries))
    {
        out.push(("rows".to_string(), rows.encode()));
    }
    let verifier = Verifier::new(master.clone(), TagLength::FULL);
    if let (Ok(expected), Ok(agg)) = (
        verifier.expected(&messages),
        InteractiveAggregator::new(&entries),
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        if let Ok(mut s) = InteractiveVerifier::new(expected, 64, &mut rng)
            && let Ok(Step::Query(q)) = s.start()
        {
            out.push(("query".to_string(), q.encode()));
            if let Ok(a) = agg.answer(&q) {
                out.push(("answer".to_string(), a.encode()));
            }
        }
    }
    out
}
