//! Probabilities in fixed point, so that the receiver's checks need no
//! floating-point unit.

use core::fmt;

/// A probability in `[0, 1)` as a 64-bit binary fraction (`value / 2^64`).
///
/// Receivers compare acceptance bounds in this form with integer arithmetic
/// only (many microcontrollers have no FPU). [`Probability::MAX`] stands for
/// "1 or at most 2^-64 below it".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Probability(pub u64);

impl Probability {
    /// Zero.
    pub const ZERO: Probability = Probability(0);
    /// The largest representable value (1 - 2^-64), used for "certain".
    pub const MAX: Probability = Probability(u64::MAX);

    /// `2^-bits`, saturating at [`MAX`](Self::MAX) for `bits == 0` and at
    /// zero for `bits >= 64`.
    pub const fn pow2_neg(bits: u32) -> Probability {
        if bits == 0 {
            Probability::MAX
        } else if bits >= 64 {
            Probability::ZERO
        } else {
            Probability(1u64 << (64 - bits))
        }
    }

    /// From a float, rounded down; `None` unless `0 <= p <= 1`.
    pub fn from_f64(p: f64) -> Option<Probability> {
        if !(0.0..=1.0).contains(&p) {
            return None;
        }
        // 2^64 as f64 is exact; the cast saturates at u64::MAX.
        Some(Probability((p * 18_446_744_073_709_551_616.0) as u64))
    }

    /// As a float (for display and tests).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 18_446_744_073_709_551_616.0
    }

    /// An upper bound on `(num / den)^k`, computed in 64-bit fixed point,
    /// rounding up at every step. Returns [`MAX`](Self::MAX) when
    /// `num >= den` and `k > 0`, and `MAX` for `den == 0`.
    pub fn ratio_pow_upper(num: u64, den: u64, k: u32) -> Probability {
        if den == 0 || (num >= den && k > 0) {
            return Probability::MAX;
        }
        if k == 0 {
            return Probability::MAX;
        }
        // r = ceil(num * 2^64 / den) < 2^64 since num < den.
        let r = ((u128::from(num) << 64).div_ceil(u128::from(den))) as u64;
        let mut p = r;
        for _ in 1..k {
            let prod = u128::from(p) * u128::from(r);
            p = (prod.div_ceil(1u128 << 64)) as u64;
        }
        Probability(p)
    }
}

impl fmt::Debug for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Probability({:e})", self.to_f64())
    }
}
