//! Receiver-subset encodings: how a broadcast says who is designated.
//!
//! * [`idlist`]: the exact, sorted id list (no false positives, 8 bytes per
//!   target, the baseline);
//! * [`bloom`]: a salted Bloom filter with a tunable false-positive rate
//!   (about `1.44 log2(1/eps)` bits per target).
//!
//! Both the DS-based and the MAC-based constructions use these; the Bloom
//! filter is written once, here.

pub mod bloom;
pub mod idlist;
pub mod probability;

pub use bloom::{BloomParams, BloomRef};
pub use probability::Probability;

#[cfg(feature = "alloc")]
pub use bloom::Bloom;

/// How a sender sizes a Bloom filter.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum BloomSizing {
    /// Aim for this false-positive rate (`0 < eps < 1`), predicted by the
    /// standard formula; the filter grows with the number of targets.
    FalsePositiveRate(f64),
    /// Use exactly this many bytes; the rate is whatever they give.
    Bytes(usize),
    /// Use exactly these parameters.
    Params(BloomParams),
}

impl BloomSizing {
    /// The parameters for `n` elements.
    pub fn params_for(&self, n: usize) -> crate::Result<BloomParams> {
        match *self {
            BloomSizing::FalsePositiveRate(eps) => BloomParams::for_rate(n, eps),
            BloomSizing::Bytes(b) => BloomParams::for_bytes(n, b),
            BloomSizing::Params(p) => BloomParams::new(p.bits, p.hashes),
        }
    }
}
