//! Enrol 1,000 simulated devices, broadcast one command to a random 50 of
//! them with the DS-based construction (Ed25519, Bloom-filter subset), and
//! show who accepted, the false positives among the other 950, and the bytes
//! on the wire beside the naive id list.
//!
//! Run: `cargo run --release --example quickstart`

use ba_iot::rand_core::{Rng, UnwrapErr};
use ba_iot::signed::{Ds, DsBroadcast, DsOptions, Ed25519, Encoding, SubsetRef};
use ba_iot::subset::BloomSizing;
use ba_iot::{BroadcastAuth, ReceiverId, ReplayWindow, Request};
use getrandom::SysRng;

type Scheme = Ds<Ed25519>;

const FLEET: usize = 1_000;
const TARGETS: usize = 50;

fn main() -> Result<(), ba_iot::Error> {
    let mut rng = UnwrapErr(SysRng);

    // Setup: the platform's signing key. Join: every device gets its id and
    // the platform's public key (a few dozen bytes, provisioned once).
    let platform = Scheme::setup(&mut rng);
    let fleet: Vec<ReceiverId> = (0..FLEET as u64)
        .map(|i| ReceiverId(0x0200_5e00_0000_0000 | i))
        .collect();
    let devices: Vec<_> = fleet
        .iter()
        .map(|&id| Scheme::join(&platform, id))
        .collect();
    let mut windows = vec![ReplayWindow::<2>::new(); FLEET];

    // Pick 50 distinct targets at random (partial Fisher-Yates).
    let mut order: Vec<usize> = (0..FLEET).collect();
    for i in 0..TARGETS {
        let j = i + (rng.next_u64() % (FLEET - i) as u64) as usize;
        order.swap(i, j);
    }
    let mut chosen = order[..TARGETS].to_vec();
    chosen.sort_unstable();
    let targets: Vec<ReceiverId> = chosen.iter().map(|&i| fleet[i]).collect();

    let command = b"firmware: reboot into slot B at 02:00 UTC";
    let eps = 1.0 / 1024.0;
    let bloom = DsOptions::with_encoding(Encoding::Bloom(BloomSizing::FalsePositiveRate(eps)));
    let id_list = DsOptions::with_encoding(Encoding::IdList);

    println!("ba-iot quickstart: DS-based broadcast authentication, Ed25519");
    println!(
        "fleet: {FLEET} devices; designated: {TARGETS}; target false-positive rate {eps:.6}\n"
    );

    for (name, options, request) in [
        ("Bloom filter", bloom, Request::new(&targets, command, 1)),
        (
            "Bloom filter, zero false positives over the registry",
            bloom,
            Request::new(&targets, command, 2).with_registry(&fleet),
        ),
        (
            "exact id list (baseline)",
            id_list,
            Request::new(&targets, command, 3),
        ),
    ] {
        let wire = Scheme::authenticate(&platform, &request, &options, &mut rng)?;
        let mut accepted = Vec::new();
        for (i, device) in devices.iter().enumerate() {
            if Scheme::verify_fresh(device, &mut windows[i], &wire).is_ok() {
                accepted.push(i);
            }
        }
        let designated_ok = accepted
            .iter()
            .filter(|i| chosen.binary_search(i).is_ok())
            .count();
        let false_pos = accepted.len() - designated_ok;
        let decoded = DsBroadcast::decode::<Ed25519>(&wire)?;
        let subset_bytes = match decoded.subset {
            SubsetRef::Bloom(f) => format!(
                "{} bytes of filter (m = {} bits, k = {}, predicted rate {:.6})",
                f.as_bytes().len(),
                f.params().bits,
                f.params().hashes,
                f.params().false_positive_rate(TARGETS)
            ),
            SubsetRef::IdList(l) => format!("{} bytes of ids ({} ids)", 8 * l.len(), l.len()),
        };
        println!("== {name}");
        println!("   bytes on the wire: {} ({subset_bytes})", wire.len());
        println!("   designated devices that accepted: {designated_ok} of {TARGETS}");
        println!(
            "   other devices that accepted (false positives): {false_pos} of {}",
            FLEET - TARGETS
        );
        // Replays are refused by every device's window.
        let replayed = devices
            .iter()
            .enumerate()
            .filter(|(i, d)| Scheme::verify_fresh(*d, &mut windows[*i], &wire).is_ok())
            .count();
        println!("   devices that accept the same bytes replayed: {replayed}\n");
    }

    println!(
        "the id list costs 64 bits per target; the Bloom filter about {:.1} (1.44 log2(1/eps)), whatever the fleet size",
        1.44 * (1.0 / eps).log2()
    );
    Ok(())
}
