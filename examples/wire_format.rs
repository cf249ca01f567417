//! Print an annotated, deterministic DS-based broadcast: the worked example
//! of `docs/wire-format.md`.
//!
//! Run: `cargo run --example wire_format`

use ba_iot::signed::{Ds, DsBroadcast, DsOptions, Ed25519, Encoding, SubsetRef};
use ba_iot::subset::{BloomParams, BloomSizing};
use ba_iot::{BroadcastAuth, ReceiverId, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn main() -> Result<(), ba_iot::Error> {
    // Everything below is fixed: the same bytes come out on every machine.
    let mut rng = ChaCha20Rng::from_seed([0x42; 32]);
    let sender = Ds::<Ed25519>::setup(&mut rng);
    println!("verifying key: {}", hex(sender.verifying_key().as_bytes()));

    let targets = [
        ReceiverId(0x0011_2233_4455_6677),
        ReceiverId(0x0011_2233_4455_6688),
    ];
    let payload = b"on";
    let params = BloomParams::new(64, 4)?;
    for (title, options) in [
        (
            "Bloom filter (m = 64 bits, k = 4)",
            DsOptions::with_encoding(Encoding::Bloom(BloomSizing::Params(params))),
        ),
        ("exact id list", DsOptions::with_encoding(Encoding::IdList)),
    ] {
        let request = Request::new(&targets, payload, 0x0102_0304_0506_0708);
        let wire = Ds::<Ed25519>::authenticate(&sender, &request, &options, &mut rng)?;
        let b = DsBroadcast::decode::<Ed25519>(&wire)?;
        println!("\n## {title}: {} bytes\n", wire.len());
        println!("{}\n", hex(&wire));
        println!("| offset | length | field | value |");
        println!("|---:|---:|---|---|");
        let mut at = 0usize;
        let mut row = |len: usize, field: &str| {
            println!(
                "| {at} | {len} | {field} | `{}` |",
                hex(&wire[at..at + len])
            );
            at += len;
        };
        row(1, "version");
        row(1, "scheme id");
        row(8, "sequence number (u64 BE)");
        row(16, "salt");
        row(1, "encoding");
        match b.subset {
            SubsetRef::Bloom(f) => {
                row(4, "filter bits m (u32 BE)");
                row(1, "hash count k");
                row(f.as_bytes().len(), "filter");
            }
            SubsetRef::IdList(l) => {
                row(4, "id count (u32 BE)");
                row(8 * l.len(), "ids (u64 BE, strictly ascending)");
            }
        }
        row(4, "payload length (u32 BE)");
        row(payload.len(), "payload");
        row(64, "Ed25519 signature over bytes 0 .. here");
        assert_eq!(at, wire.len());
        if let SubsetRef::Bloom(f) = b.subset {
            for id in targets {
                let pos: Vec<u32> =
                    ba_iot::subset::bloom::positions(f.params(), b.salt, &id.to_bytes())?.collect();
                println!("\npositions of id {:016x}: {pos:?}", id.0);
            }
        }
    }
    Ok(())
}
