//! Bloom filters with a tunable false-positive rate, salted per broadcast.
//!
//! # Bit positions (normative)
//!
//! For a filter of `m` bits (`m` a positive multiple of 8) and `k` hash
//! functions, the positions of `element` under the per-broadcast `salt` are:
//!
//! ```text
//! d  = SHA-256( "ba-iot/v1/bloom\0" || u8(len(salt)) || salt
//!               || u8(len(element)) || element )
//! h1 = u64 big-endian from d[0..8]
//! h2 = (u64 big-endian from d[8..16]) | 1
//! g_i = h1 + i * h2            (mod 2^64), i = 0 .. k-1
//! p_i = floor(g_i * m / 2^64)  (the high 64 bits of the 128-bit product)
//! ```
//!
//! Bit `p` of the filter is bit `p % 8` (least significant first) of byte
//! `p / 8`. Salts and elements are at most 255 bytes.
//!
//! # Sizing
//!
//! For `n` elements and a target rate `eps` the sender takes the classical
//! optimum `m = n ln(1/eps) / (ln 2)^2` (rounded up to whole bytes) and
//! `k = round((m / n) ln 2)`, then grows `m` until the predicted rate
//! `(1 - e^{-kn/m})^k` is at most `eps`. That is about `1.44 log2(1/eps)` bits
//! per element.
//!
//! # The receiver's bound
//!
//! Whatever the sender claims, a receiver can bound the probability that an
//! element it did not see inserted tests positive: with `s` of the `m` bits
//! set, each of the `k` positions (uniform under the random-oracle model of
//! SHA-256) is set with probability `s/m`, so acceptance is at most
//! `(s/m)^k`. [`BloomRef::acceptance_bound`] computes this in integer
//! arithmetic, rounding up; receivers reject filters whose bound exceeds
//! their configured maximum, which defeats the all-ones filter.

use super::probability::Probability;
use crate::error::{Error, Result};
use crate::wire::MAX_FILTER_BITS;
use sha2::{Digest, Sha256};

#[cfg(feature = "alloc")]
use alloc::{vec, vec::Vec};

/// Domain label of the position hash.
pub const BLOOM_LABEL: &[u8; 16] = b"ba-iot/v1/bloom\0";

/// Largest number of hash functions.
pub const MAX_HASHES: u8 = 32;

/// The shape of a filter: `bits` (a positive multiple of 8, at most
/// [`MAX_FILTER_BITS`]) and `hashes` (1 to [`MAX_HASHES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BloomParams {
    /// Filter length in bits.
    pub bits: u32,
    /// Number of hash functions `k`.
    pub hashes: u8,
}

impl BloomParams {
    /// Check the ranges.
    pub fn new(bits: u32, hashes: u8) -> Result<Self> {
        if bits == 0 || !bits.is_multiple_of(8) {
            return Err(Error::NonCanonical(
                "filter bits not a positive multiple of 8",
            ));
        }
        if bits > MAX_FILTER_BITS {
            return Err(Error::TooLarge {
                field: "filter bits",
                max: MAX_FILTER_BITS as u64,
            });
        }
        if hashes == 0 || hashes > MAX_HASHES {
            return Err(Error::NonCanonical("hash count outside 1..=32"));
        }
        Ok(BloomParams { bits, hashes })
    }

    /// Parameters for `n` elements at false-positive rate at most `eps`
    /// (predicted by the standard formula), `0 < eps < 1`.
    pub fn for_rate(n: usize, eps: f64) -> Result<Self> {
        if n == 0 {
            return Err(Error::NoTargets);
        }
        if !(eps > 0.0 && eps < 1.0) {
            return Err(Error::InvalidParameter(
                "false-positive rate must be in (0, 1)",
            ));
        }
        let ln2 = core::f64::consts::LN_2;
        let nf = n as f64;
        let ideal = nf * libm::log(1.0 / eps) / (ln2 * ln2);
        let mut bits = round_up_bits(ideal)?;
        let mut hashes = optimal_hashes(bits, n);
        // The rounding of k can leave the rate a hair above eps: grow m.
        for _ in 0..64 {
            let p = Self::new(bits, hashes)?;
            if p.false_positive_rate(n) <= eps {
                return Ok(p);
            }
            bits = round_up_bits(f64::from(bits) * 1.01 + 8.0)?;
            hashes = optimal_hashes(bits, n);
        }
        Err(Error::InvalidParameter("false-positive rate unreachable"))
    }

    /// Parameters that fill exactly `bytes` bytes, with the `k` that
    /// minimises the false-positive rate for `n` elements.
    pub fn for_bytes(n: usize, bytes: usize) -> Result<Self> {
        if n == 0 {
            return Err(Error::NoTargets);
        }
        let bits = bytes
            .checked_mul(8)
            .and_then(|b| u32::try_from(b).ok())
            .filter(|&b| b <= MAX_FILTER_BITS)
            .ok_or(Error::TooLarge {
                field: "filter bits",
                max: MAX_FILTER_BITS as u64,
            })?;
        Self::new(bits, optimal_hashes(bits, n))
    }

    /// The predicted false-positive rate with `n` elements inserted:
    /// `(1 - e^{-kn/m})^k`.
    pub fn false_positive_rate(&self, n: usize) -> f64 {
        let k = f64::from(self.hashes);
        let fill = 1.0 - libm::exp(-k * n as f64 / f64::from(self.bits));
        libm::pow(fill, k)
    }

    /// Filter length in bytes.
    pub fn byte_len(&self) -> usize {
        (self.bits / 8) as usize
    }
}

fn round_up_bits(bits: f64) -> Result<u32> {
    let b = libm::ceil(bits / 8.0) * 8.0;
    if !(b.is_finite() && b <= f64::from(MAX_FILTER_BITS)) {
        return Err(Error::TooLarge {
            field: "filter bits",
            max: MAX_FILTER_BITS as u64,
        });
    }
    Ok((b as u32).max(8))
}

fn optimal_hashes(bits: u32, n: usize) -> u8 {
    let k = libm::round(f64::from(bits) / n as f64 * core::f64::consts::LN_2);
    k.clamp(1.0, f64::from(MAX_HASHES)) as u8
}

/// The two 64-bit halves of the position hash of `(salt, element)`.
fn position_seed(salt: &[u8], element: &[u8]) -> (u64, u64) {
    debug_assert!(salt.len() <= 255 && element.len() <= 255);
    let mut h = Sha256::new();
    h.update(BLOOM_LABEL);
    h.update([salt.len() as u8]);
    h.update(salt);
    h.update([element.len() as u8]);
    h.update(element);
    let d = h.finalize();
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    a.copy_from_slice(&d[0..8]);
    b.copy_from_slice(&d[8..16]);
    (u64::from_be_bytes(a), u64::from_be_bytes(b) | 1)
}

/// The `k` bit positions of `(salt, element)` in a filter of `params`, in
/// order `i = 0..k`. Salts and elements longer than 255 bytes are refused.
pub fn positions(
    params: BloomParams,
    salt: &[u8],
    element: &[u8],
) -> Result<impl Iterator<Item = u32>> {
    if salt.len() > 255 || element.len() > 255 {
        return Err(Error::InvalidParameter(
            "Bloom salt or element over 255 bytes",
        ));
    }
    let (h1, h2) = position_seed(salt, element);
    let m = u128::from(params.bits);
    Ok((0..u64::from(params.hashes)).map(move |i| {
        let g = h1.wrapping_add(i.wrapping_mul(h2));
        ((u128::from(g) * m) >> 64) as u32
    }))
}

/// A filter borrowed from the wire (receiver side; no allocation).
#[derive(Clone, Copy, Debug)]
pub struct BloomRef<'a> {
    params: BloomParams,
    bytes: &'a [u8],
}

impl<'a> BloomRef<'a> {
    /// View `bytes` as a filter of shape `params`; the length must match.
    pub fn new(params: BloomParams, bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() != params.byte_len() {
            return Err(Error::Truncated);
        }
        Ok(BloomRef { params, bytes })
    }

    /// The filter's shape.
    pub fn params(&self) -> BloomParams {
        self.params
    }

    /// The filter bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of bits set.
    pub fn set_bits(&self) -> u64 {
        self.bytes.iter().map(|b| u64::from(b.count_ones())).sum()
    }

    /// Upper bound on the probability that an element not inserted tests
    /// positive: `(set bits / m)^k`, rounded up.
    pub fn acceptance_bound(&self) -> Probability {
        Probability::ratio_pow_upper(
            self.set_bits(),
            u64::from(self.params.bits),
            u32::from(self.params.hashes),
        )
    }

    /// Does `(salt, element)` test positive?
    pub fn contains(&self, salt: &[u8], element: &[u8]) -> Result<bool> {
        let mut all = true;
        for p in positions(self.params, salt, element)? {
            // Positions are < m = 8 * len by construction.
            let byte = self.bytes.get((p / 8) as usize).copied().unwrap_or(0);
            all &= byte >> (p % 8) & 1 == 1;
        }
        Ok(all)
    }
}

/// An owned filter (sender side).
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bloom {
    params: BloomParams,
    bytes: Vec<u8>,
}

#[cfg(feature = "alloc")]
impl Bloom {
    /// An empty filter of shape `params`.
    pub fn new(params: BloomParams) -> Self {
        Bloom {
            params,
            bytes: vec![0; params.byte_len()],
        }
    }

    /// Insert `(salt, element)`.
    pub fn insert(&mut self, salt: &[u8], element: &[u8]) -> Result<()> {
        for p in positions(self.params, salt, element)? {
            if let Some(b) = self.bytes.get_mut((p / 8) as usize) {
                *b |= 1 << (p % 8);
            }
        }
        Ok(())
    }

    /// Clear every bit (to retry with another salt).
    pub fn clear(&mut self) {
        self.bytes.iter_mut().for_each(|b| *b = 0);
    }

    /// A borrowed view.
    pub fn as_ref(&self) -> BloomRef<'_> {
        BloomRef {
            params: self.params,
            bytes: &self.bytes,
        }
    }

    /// The filter bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The filter's shape.
    pub fn params(&self) -> BloomParams {
        self.params
    }
}
