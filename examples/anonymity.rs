//! What anonymity means, shown on two broadcasts.
//!
//! Run: `cargo run --example anonymity`
//!
//! A building controller commands 8 of its 16 thermostats, then 8 others.
//! The example prints both broadcasts side by side and what an outsider
//! (who has no key) and each receiver (who has only its own key) can tell
//! from them, in weak and strong mode; then the bytes on the wire for 1,000
//! targets in each layout and mode (the table in `docs/anonymous.md`).

use ba_iot::anonymous::{
    AnonBroadcast, AnonOptions, AnonSenderKey, Anonymous, Entries, Layout, Mode, ReceiverPolicy,
    SizeClass,
};
use ba_iot::{BroadcastAuth, Error, ReceiverId, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

fn excerpt(bytes: &[u8], from: usize, n: usize) -> String {
    let end = (from + n).min(bytes.len());
    let hex: String = bytes[from..end]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}...")
}

fn describe(name: &str, bytes: &[u8]) {
    let b = AnonBroadcast::decode(bytes).expect("decode");
    match b.entries {
        Entries::Reference(l) => println!(
            "  {name}: {} bytes, {} entries; first entries {}",
            bytes.len(),
            l.len(),
            excerpt(l.as_bytes(), 0, 30)
        ),
        Entries::Bloom(f) => println!(
            "  {name}: {} bytes, filter of {} bits with {} set; filter {}",
            bytes.len(),
            f.params().bits,
            f.set_bits(),
            excerpt(f.as_bytes(), 0, 24)
        ),
    }
}

/// Each receiver's verdict. A fleet that broadcasts in the Bloom layout
/// provisions its receivers with `ReceiverPolicy::bloom()`; the default
/// policy accepts the reference layout only.
fn receivers_view(
    sender: &AnonSenderKey,
    fleet: &[ReceiverId],
    policy: ReceiverPolicy,
    bytes: &[u8],
) -> String {
    fleet
        .iter()
        .map(|&id| {
            let rk = Anonymous::join(sender, id).with_policy(policy);
            match Anonymous::verify(&rk, bytes) {
                Ok(_) => 'Y',
                Err(Error::Rejected) => '.',
                Err(_) => '?',
            }
        })
        .collect()
}

fn main() -> Result<(), Error> {
    let mut rng = ChaCha20Rng::from_seed([42; 32]);
    let sender = Anonymous::setup(&mut rng);
    let fleet: Vec<ReceiverId> = (0..16).map(ReceiverId).collect();
    let first: Vec<ReceiverId> = fleet[..8].to_vec();
    let second: Vec<ReceiverId> = fleet[8..].to_vec();
    let payload = b"setpoint 19.5C";

    for (title, layout, mode) in [
        (
            "Reference layout, weak anonymity",
            Layout::reference(),
            Mode::Weak,
        ),
        ("Bloom layout, weak anonymity", Layout::bloom(), Mode::Weak),
        (
            "Reference layout, strong anonymity (padded to 16)",
            Layout::reference(),
            Mode::StrongPadded(SizeClass::Fixed(16)),
        ),
    ] {
        println!("== {title} ==");
        let opts = AnonOptions::new(layout, mode);
        let a = Anonymous::authenticate(
            &sender,
            &Request::new(&first, payload, 1).with_registry(&fleet),
            &opts,
            &mut rng,
        )?;
        let b = Anonymous::authenticate(
            &sender,
            &Request::new(&second, payload, 2).with_registry(&fleet),
            &opts,
            &mut rng,
        )?;
        describe("to devices 0-7 ", &a);
        describe("to devices 8-15", &b);
        let policy = match layout {
            Layout::Bloom(_) => ReceiverPolicy::bloom(),
            _ => ReceiverPolicy::default(),
        };
        println!("  receivers 0..15 accept (Y) or not (.):");
        println!(
            "    broadcast 1: {}",
            receivers_view(&sender, &fleet, policy, &a)
        );
        println!(
            "    broadcast 2: {}",
            receivers_view(&sender, &fleet, policy, &b)
        );
        println!();
    }

    println!("What each party can tell:");
    println!("  outsider (no key): the payload, the seq, and the number of entries (weak");
    println!("    mode) -- the entries are PRF outputs under fresh randomness, so the two");
    println!("    broadcasts above look alike whichever 8 devices are designated. In");
    println!("    strong mode the size is the same for 1 or 16 targets.");
    println!("  a receiver: only its own status (it recomputes one locator and one tag;");
    println!("    any other entry is a PRF output under a key it does not hold).");
    println!();

    // The same sizes when |S| = 1 and |S| = 16 in strong mode.
    let one = [ReceiverId(3)];
    for (name, layout) in [
        ("reference", Layout::reference()),
        ("bloom", Layout::bloom()),
    ] {
        let opts = AnonOptions::new(layout, Mode::StrongRegistry);
        let x = Anonymous::authenticate(
            &sender,
            &Request::new(&one, payload, 3).with_registry(&fleet),
            &opts,
            &mut rng,
        )?;
        let y = Anonymous::authenticate(
            &sender,
            &Request::new(&fleet, payload, 4).with_registry(&fleet),
            &opts,
            &mut rng,
        )?;
        println!(
            "strong (registry) {name}: |S| = 1 -> {} bytes, |S| = 16 -> {} bytes",
            x.len(),
            y.len()
        );
    }
    println!();

    // Bytes on the wire for 1,000 targets (payload of 14 bytes), among
    // 4,000 enrolled devices for the registry mode.
    println!(
        "Bytes on the wire, 1,000 targets, {}-byte payload:",
        payload.len()
    );
    let registry: Vec<ReceiverId> = (0..4000).map(ReceiverId).collect();
    let targets = &registry[..1000];
    println!(
        "| layout | weak | strong, padded (power of two: 1024) | strong, registry (N = 4000) |"
    );
    println!("|---|---|---|---|");
    for (name, layout) in [
        (
            "reference (4-byte locator, 16-byte tag)",
            Layout::reference(),
        ),
        (
            "reference (4-byte locator, 8-byte tag)",
            Layout::Reference {
                locator_len: 4,
                tag_len: 8,
            },
        ),
        ("Bloom (eps 2^-21, bound 2^-20)", Layout::bloom()),
    ] {
        let mut row = format!("| {name} |");
        for mode in [
            Mode::Weak,
            Mode::StrongPadded(SizeClass::PowerOfTwo),
            Mode::StrongRegistry,
        ] {
            let bytes = Anonymous::authenticate(
                &sender,
                &Request::new(targets, payload, 5).with_registry(&registry),
                &AnonOptions::new(layout, mode),
                &mut rng,
            )?;
            row.push_str(&format!(" {} |", bytes.len()));
        }
        println!("{row}");
    }
    Ok(())
}
