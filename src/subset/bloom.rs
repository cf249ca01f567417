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
//! with probability `s/m` up to the multiply-shift reduction's unevenness
//! (each bit receives `floor` or `ceil` of `2^64/m` of the 64-bit values, so
//! the excess is at most `s * 2^-64` per position), so acceptance is at most
//! `(s/m)^k` up to a relative excess of `k m 2^-64` (below `2^-29` for
//! every allowed `m` and `k`), which is negligible. [`BloomRef::acceptance_bound`] computes this in integer
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

    /// Does `(salt, element)` test positive, reading the filter in an order
    /// that does not depend on the element?
    ///
    /// [`contains`](Self::contains) reads the `k` bytes at the element's
    /// positions, so on a processor with a data cache an observer of cache
    /// lines learns where the positions of a *secret* element lie, which is
    /// all a forger needs to build a filter that covers them. This variant
    /// reads every 64-bit word of the filter once and keeps, for each
    /// position, the word it falls in by masking (no branch and no index
    /// depends on the element); the work is `k * m / 64` word operations
    /// instead of `k` byte reads. Use it where the element is secret (the
    /// anonymous construction's tags); the DS-based construction's elements
    /// are public ids.
    pub fn contains_oblivious(&self, salt: &[u8], element: &[u8]) -> Result<bool> {
        let mut pos = [0u32; MAX_HASHES as usize];
        let mut k = 0usize;
        for (slot, p) in pos.iter_mut().zip(positions(self.params, salt, element)?) {
            *slot = p;
            k += 1;
        }
        let pos = &pos[..k];
        let mut acc = [0u64; MAX_HASHES as usize];
        for (w, chunk) in self.bytes.chunks(8).enumerate() {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            let v = u64::from_le_bytes(word);
            let w = w as u64;
            for (a, &p) in acc.iter_mut().zip(pos) {
                // 1 exactly when p lies in word w (the difference is below
                // 2^32, so subtracting 1 sets bit 63 only for zero).
                let hit = (w ^ u64::from(p / 64)).wrapping_sub(1) >> 63;
                *a |= v & hit.wrapping_neg();
            }
        }
        let mut all = 1u64;
        for (a, &p) in acc.iter().zip(pos) {
            all &= a >> (p % 64) & 1;
        }
        Ok(all == 1)
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

#[cfg(all(test, feature = "alloc"))]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    /// A tiny deterministic generator for test data (xorshift64).
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn oblivious_membership_agrees_with_direct_membership() {
        let mut st = 0x9e37_79b9_7f4a_7c15u64;
        // Sizes that are and are not whole 64-bit words, densities from
        // sparse to nearly full, every k.
        for &bits in &[8u32, 56, 64, 72, 1000, 4096, 30304] {
            for k in [1u8, 2, 5, 10, 21, 32] {
                let params = BloomParams::new(bits, k).expect("params");
                for density in [1u64, 4, 7] {
                    let bytes: Vec<u8> = (0..params.byte_len())
                        .map(|_| {
                            let r = next(&mut st);
                            // Each bit set with probability density/8.
                            (0..8).fold(0u8, |b, i| {
                                b | (u8::from((r >> (8 * i)) & 7 < density) << i)
                            })
                        })
                        .collect();
                    let f = BloomRef::new(params, &bytes).expect("filter");
                    let mut positives = 0;
                    for _ in 0..200 {
                        let e = next(&mut st).to_be_bytes();
                        let direct = f.contains(b"salt", &e).expect("contains");
                        assert_eq!(
                            direct,
                            f.contains_oblivious(b"salt", &e).expect("oblivious")
                        );
                        positives += usize::from(direct);
                    }
                    if density == 7 && k == 1 {
                        assert!(positives > 0, "the comparison saw no positive");
                    }
                }
            }
        }
        // Inserted elements are found by both.
        let params = BloomParams::new(4096, 21).expect("params");
        let mut b = Bloom::new(params);
        for i in 0u64..50 {
            b.insert(b"s", &i.to_be_bytes()).expect("insert");
        }
        for i in 0u64..50 {
            assert!(
                b.as_ref()
                    .contains_oblivious(b"s", &i.to_be_bytes())
                    .expect("c")
            );
        }
    }
}
