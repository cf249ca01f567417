//! Print the Bloom filter parameters and the DS-based broadcast sizes for a
//! range of target counts and false-positive rates: the table in `docs/ds.md`.
//!
//! Run: `cargo run --example sizes`

use ba_iot::subset::BloomParams;

/// Fixed fields of a DS-based broadcast: version, scheme, seq, salt,
/// encoding byte, payload length.
const HEADER: usize = 1 + 1 + 8 + 16 + 1 + 4;

fn main() -> Result<(), ba_iot::Error> {
    println!(
        "| targets | eps | m (bits) | k | bits/target | predicted rate | Bloom encoding (bytes) | id list (bytes) |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    for n in [10usize, 100, 1_000, 10_000] {
        for (label, eps) in [
            ("2^-6", 1.0 / 64.0),
            ("2^-10", 1.0 / 1024.0),
            ("2^-20", 1.0 / 1_048_576.0),
        ] {
            let p = BloomParams::for_rate(n, eps)?;
            println!(
                "| {n} | {label} | {} | {} | {:.2} | {:.3e} | {} | {} |",
                p.bits,
                p.hashes,
                f64::from(p.bits) / n as f64,
                p.false_positive_rate(n),
                5 + p.byte_len(),
                4 + 8 * n
            );
        }
    }
    println!(
        "\nA whole broadcast adds {HEADER} header bytes, the payload and the signature (Ed25519 64, BLS min-sig 48, min-pk 96)."
    );
    Ok(())
}
