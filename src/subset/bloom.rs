//! Bloom filters with a tunable false-positive rate, salted per broadcast.
//!
//! # Bit positions (normative)
//!
//! For a filter of `m` bits (`m` a positive multiple of 8) and `k` hash
//! functions, the positions of `element` under the per-broadcast `salt` are
//! `k` independent values drawn from SHA-256 in counter mode:
//!
//! ```text
//! d_j = SHA-256( "ba-iot/v1/bloom\0" || u8(len(salt)) || salt
//!                || u8(len(element)) || element || u8(j) )   j = 0 .. ceil(k/4)-1
//! x_i = u64 big-endian from d_{i div 4}[8 (i mod 4) .. 8 (i mod 4) + 8]
//! p_i = floor(x_i * m / 2^64)   (the high 64 bits of the 128-bit product)
//! ```
//!
//! for `i = 0 .. k-1`. Bit `p` of the filter is bit `p % 8` (least significant
//! first) of byte `p / 8`. Salts and elements are at most 255 bytes.
//!
//! The positions are independent (in the random-oracle model of SHA-256),
//! not the double-hashing sequence `h1 + i h2`: with double hashing the `k`
//! positions of an element are an arithmetic progression, and a filter whose
//! set bits form one block accepts every element with a small step far more
//! often than `(s/m)^k`. Independence is what makes the receiver's bound
//! below true for *every* filter, including one built by an attacker; it
//! costs `ceil(k/4)` SHA-256 compressions per element instead of one.
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
//! element whose positions are unknown to the filter's author tests positive:
//! with `s` of the `m` bits set, each of the `k` independent positions is set
//! with probability at most `s/m` (plus `2^-64` for the multiply-shift
//! reduction), so acceptance is at most `(s/m)^k`. [`BloomRef::acceptance_bound`] computes this in integer
//! arithmetic, rounding up; receivers reject filters whose bound exceeds
//! their configured maximum, which defeats the all-ones filter.

use super::probability::Probability;
use crate::error::{Error, Result};
use crate::wire::MAX_FILTER_BITS;
use sha2::{Digest, Sha256};
use subtle::Choice;

use crate::sha256::OneBlock;

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
        if bytes == 0 {
            return Err(Error::InvalidParameter(
                "Bloom byte budget must be positive",
            ));
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

/// The `k` bit positions of an element, computed eagerly (at most
/// [`MAX_HASHES`]). Iterates in order `i = 0..k`.
#[derive(Clone, Debug)]
pub struct Positions {
    buf: [u32; MAX_HASHES as usize],
    len: usize,
    next: usize,
}

impl Iterator for Positions {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.next >= self.len {
            return None;
        }
        let p = self.buf.get(self.next).copied();
        self.next += 1;
        p
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len.saturating_sub(self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Positions {}

/// The `k` bit positions of `(salt, element)` in a filter of `params`, in
/// order `i = 0..k`. Salts and elements longer than 255 bytes are refused.
pub fn positions(params: BloomParams, salt: &[u8], element: &[u8]) -> Result<Positions> {
    let (Ok(salt_len), Ok(element_len)) = (u8::try_from(salt.len()), u8::try_from(element.len()))
    else {
        return Err(Error::InvalidParameter(
            "Bloom salt or element over 255 bytes",
        ));
    };
    let k = usize::from(params.hashes.min(MAX_HASHES));
    let m = u128::from(params.bits);
    let mut buf = [0u32; MAX_HASHES as usize];
    let reduce = |x: u64| ((u128::from(x) * m) >> 64) as u32;
    let label: &[u8] = BLOOM_LABEL;
    if let Some(mut block) =
        OneBlock::new(&[label, &[salt_len], salt, &[element_len], element, &[0]])
    {
        // The common case (short salts and elements): one compression per
        // four positions, straight from the padded block.
        for (j, chunk) in buf[..k].chunks_mut(4).enumerate() {
            block.set_last(j as u8);
            let w = block.digest_words();
            for (t, p) in chunk.iter_mut().enumerate() {
                *p = reduce(u64::from(w[2 * t]) << 32 | u64::from(w[2 * t + 1]));
            }
        }
    } else {
        let mut prefix = Sha256::new();
        prefix.update(label);
        prefix.update([salt_len]);
        prefix.update(salt);
        prefix.update([element_len]);
        prefix.update(element);
        for (j, chunk) in buf[..k].chunks_mut(4).enumerate() {
            let d = prefix.clone().chain_update([j as u8]).finalize();
            for (p, x) in chunk.iter_mut().zip(d.chunks_exact(8)) {
                let mut b = [0u8; 8];
                b.copy_from_slice(x);
                *p = reduce(u64::from_be_bytes(b));
            }
        }
    }
    Ok(Positions {
        buf,
        len: k,
        next: 0,
    })
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
    ///
    /// All `k` positions are read whatever the earlier ones held (no early
    /// exit), so the time taken does not reveal which position of a secret
    /// element was unset.
    pub fn contains(&self, salt: &[u8], element: &[u8]) -> Result<bool> {
        let mut all = Choice::from(1u8);
        for p in positions(self.params, salt, element)? {
            // Positions are < m = 8 * len by construction.
            let byte = self.bytes.get((p / 8) as usize).copied().unwrap_or(0);
            all &= Choice::from(byte >> (p % 8) & 1);
        }
        Ok(all.into())
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
