//! Non-adaptive group testing (Hirose-Shikata): one round, one hash
//! aggregate per row of a d-disjunct matrix, and cover decoding that
//! returns exactly the invalid messages when at most `d` are invalid.
//!
//! # Matrices
//!
//! [`DisjunctMatrix::new`] derives a `t x n` d-disjunct matrix
//! deterministically from `(n, d)` (column `j` is the message at position
//! `j` in canonical order, row `i` is test `i`), choosing the construction
//! with the fewest rows:
//!
//! * **Identity** (`t = n`): always d-disjunct; used when nothing smaller
//!   exists.
//! * **Sperner** (`d = 1`): the smallest `t` with `C(t, floor(t/2)) >= n`;
//!   column `j` is the `j`-th `floor(t/2)`-subset of `[t]` in colexicographic
//!   order. Distinct sets of equal size never contain one another, which is
//!   1-disjunctness.
//! * **Kautz-Singleton** (`d >= 2`): a prime `q` and `k >= 2` with
//!   `q^k >= n`, `m = d(k-1)+1 <= q` evaluation points; column `j` is the
//!   polynomial over GF(q) of degree `< k` whose coefficients are the base-q
//!   digits of `j` (least significant first), evaluated at `x = 0..m`, each
//!   value one-hot encoded in `q` rows: row `x*q + p(x)`. So `t = q*m`. Two
//!   distinct polynomials agree on at most `k-1` points, so `d` other
//!   columns cover at most `d(k-1) < m` of a column's `m` ones. The pair
//!   `(q, k)` minimising `t` is chosen.
//!
//! # Decoding and what it guarantees
//!
//! A row *passes* when the aggregator's row aggregate equals the verifier's
//! recomputation. Every message in a passing row is declared valid; every
//! other message is declared invalid. Assuming the hash aggregate is
//! unforgeable (HMAC-SHA-256 is a PRF, SHA-256 collision resistant):
//!
//! * **Soundness, always**: a message declared valid is authentic, whatever
//!   the aggregator does, because it sits in a passing row. Hence the
//!   declared-invalid set always *contains* every invalid message, and more
//!   than `d` invalid messages always yield more than `d` declared invalid:
//!   [`Identification::TooMany`] is reported, never a wrong exact answer.
//! * **Exactness, with an honest aggregator**: with at most `d` invalid
//!   messages, every valid one has a row free of invalid messages (d-
//!   disjunctness), so the declared set is exactly the invalid set.
//! * **Not detectable**: a malicious aggregator can always make rows fail
//!   (denial of service) and so frame valid messages as invalid, within the
//!   limit of `d`; it cannot make an invalid message pass.
//!   [`Identification::Inconsistent`] reports a failing row none of whose
//!   members is declared invalid: proof of a misbehaving aggregator.
//!
//! # Why no XOR variant
//!
//! Rows are always combined with the (domain-separated, row-bound) hash
//! aggregate; this module offers no XOR option. XOR aggregates are linear:
//! the XOR of the answers for rows `A` and `B` is a valid aggregate for the
//! symmetric difference `A ^ B`, and in a Kautz-Singleton matrix the `q`
//! rows of one evaluation point partition all columns, so they XOR to the
//! full aggregate. An aggregator can therefore shift a tag's contribution
//! between rows: adding the same error `e` to two tags that always share
//! rows (or to the answers of rows whose XOR is fixed) leaves many checks
//! unchanged, so the row outcomes no longer reflect which tags were bad
//! (the "soundness" of Hirose and Shikata fails for XOR), and XOR cannot
//! bind a row index or a session value at all. The hash aggregate is
//! non-linear, includes the row index and `(n, d)`, and costs one SHA-256
//! pass over the row's entries.

use alloc::vec;
use alloc::vec::Vec;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::schemes::{Canon, ExpectedTags, canonical_entries, hash_entries};
use super::{LABEL_GROUP_TESTING_ROW, MAX_MESSAGES, TagEntry, wire_id};
use crate::error::{Error, Result};
use crate::scheme::ReceiverId;
use crate::wire::{Reader, VERSION, Writer, read_prefix};

/// Which construction a [`DisjunctMatrix`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Construction {
    /// One test per message (`t = n`).
    Identity,
    /// Sperner family: columns are distinct `w`-subsets of `t` rows.
    Sperner {
        /// Number of rows.
        t: u32,
        /// Column weight, `floor(t/2)`.
        w: u32,
    },
    /// Kautz-Singleton over GF(q) with polynomials of degree `< k`,
    /// evaluated at `points` points (`t = q * points`).
    KautzSingleton {
        /// The prime field size.
        q: u32,
        /// Polynomials have `k` coefficients.
        k: u32,
        /// Number of evaluation points, `d(k-1)+1`.
        points: u32,
    },
}

/// A d-disjunct `t x n` binary matrix derived deterministically from
/// `(n, d)`: no column is covered by the union of any `d` others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisjunctMatrix {
    n: u32,
    d: u32,
    construction: Construction,
}

fn binomial(n: u64, k: u64) -> u64 {
    // Exact for the small arguments used here (0 when k > n); saturates
    // instead of overflowing.
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut r: u128 = 1;
    for i in 0..k {
        r = r * u128::from(n - i) / u128::from(i + 1);
        if r > u128::from(u64::MAX) {
            return u64::MAX;
        }
    }
    r as u64
}

fn is_prime(x: u64) -> bool {
    if x < 2 {
        return false;
    }
    let mut i = 2u64;
    while i.saturating_mul(i) <= x {
        if x.is_multiple_of(i) {
            return false;
        }
        i += 1;
    }
    true
}

fn next_prime(mut x: u64) -> u64 {
    while !is_prime(x) {
        x += 1;
    }
    x
}

/// `q^k >= n`?
fn pow_at_least(q: u64, k: u32, n: u64) -> bool {
    let mut acc: u64 = 1;
    for _ in 0..k {
        acc = acc.saturating_mul(q);
        if acc >= n {
            return true;
        }
    }
    acc >= n
}

impl DisjunctMatrix {
    /// The matrix with the fewest rows among identity, Sperner (`d = 1`) and
    /// Kautz-Singleton (`d >= 2`) for `n` messages and up to `d` invalid.
    ///
    /// [`Error::InvalidParameter`] if `n == 0` or `d == 0`;
    /// [`Error::TooLarge`] if `n` exceeds [`MAX_MESSAGES`].
    pub fn new(n: usize, d: usize) -> Result<Self> {
        let (n, d) = Self::check(n, d)?;
        let mut best = Self::identity_checked(n, d);
        let cand = if d == 1 {
            Self::sperner_checked(n)
        } else {
            Self::kautz_singleton_checked(n, d)
        };
        if let Some(c) = cand
            && c.tests() < best.tests()
        {
            best = c;
        }
        Ok(best)
    }

    /// The identity matrix (`t = n`), d-disjunct for every `d`.
    pub fn identity(n: usize, d: usize) -> Result<Self> {
        let (n, d) = Self::check(n, d)?;
        Ok(Self::identity_checked(n, d))
    }

    /// The Sperner construction for `d = 1`, even where the identity is
    /// smaller; [`Error::InvalidParameter`] if it does not exist (`n < 2`).
    pub fn sperner(n: usize) -> Result<Self> {
        let (n, _) = Self::check(n, 1)?;
        Self::sperner_checked(n).ok_or(Error::InvalidParameter("Sperner needs n >= 2"))
    }

    /// The best Kautz-Singleton construction for `(n, d)`, even where the
    /// identity is smaller; [`Error::InvalidParameter`] if none exists.
    pub fn kautz_singleton(n: usize, d: usize) -> Result<Self> {
        let (n, d) = Self::check(n, d)?;
        Self::kautz_singleton_checked(n, d)
            .ok_or(Error::InvalidParameter("no Kautz-Singleton parameters"))
    }

    fn check(n: usize, d: usize) -> Result<(u32, u32)> {
        if n == 0 {
            return Err(Error::InvalidParameter("n must be at least 1"));
        }
        if d == 0 {
            return Err(Error::InvalidParameter("d must be at least 1"));
        }
        if n > MAX_MESSAGES {
            return Err(Error::TooLarge {
                field: "messages",
                max: MAX_MESSAGES as u64,
            });
        }
        // More than n invalid cannot happen: clamp.
        Ok((n as u32, d.min(n) as u32))
    }

    fn identity_checked(n: u32, d: u32) -> Self {
        DisjunctMatrix {
            n,
            d,
            construction: Construction::Identity,
        }
    }

    fn sperner_checked(n: u32) -> Option<Self> {
        if n < 2 {
            return None;
        }
        let mut t = 1u32;
        while binomial(u64::from(t), u64::from(t / 2)) < u64::from(n) {
            t += 1;
        }
        Some(DisjunctMatrix {
            n,
            d: 1,
            construction: Construction::Sperner { t, w: t / 2 },
        })
    }

    fn kautz_singleton_checked(n: u32, d: u32) -> Option<Self> {
        let n64 = u64::from(n);
        let mut best: Option<(u64, u32, u32, u32)> = None;
        // k = 1 would need q >= n and so t >= n: never better than identity.
        for k in 2u32..=32 {
            let points = u64::from(d) * u64::from(k - 1) + 1;
            // t >= points^2 (q >= points): stop once that cannot win.
            if let Some((bt, ..)) = best
                && points.saturating_mul(points) >= bt
            {
                break;
            }
            if points > u64::from(u32::MAX) {
                break;
            }
            // Smallest prime q >= points with q^k >= n.
            let mut q = next_prime(points.max(2));
            while !pow_at_least(q, k, n64) {
                q = next_prime(q + 1);
            }
            let t = q.saturating_mul(points);
            if t > u64::from(u32::MAX) || q > u64::from(u32::MAX) {
                continue;
            }
            if best.is_none_or(|(bt, ..)| t < bt) {
                best = Some((t, q as u32, k, points as u32));
            }
        }
        best.map(|(_, q, k, points)| DisjunctMatrix {
            n,
            d,
            construction: Construction::KautzSingleton { q, k, points },
        })
    }

    /// Number of columns (messages).
    pub fn columns(&self) -> usize {
        self.n as usize
    }

    /// The `d` this matrix is d-disjunct for.
    pub fn d(&self) -> usize {
        self.d as usize
    }

    /// Number of rows `t`: the number of tests, i.e. of row aggregates sent.
    pub fn tests(&self) -> usize {
        match self.construction {
            Construction::Identity => self.n as usize,
            Construction::Sperner { t, .. } => t as usize,
            Construction::KautzSingleton { q, points, .. } => (q as usize) * (points as usize),
        }
    }

    /// The construction.
    pub fn construction(&self) -> Construction {
        self.construction
    }

    /// The rows containing column `j`, ascending, appended to `out` (which
    /// is cleared first). [`Error::InvalidParameter`] if `j >= n`.
    pub fn column(&self, j: usize, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        if j >= self.n as usize {
            return Err(Error::InvalidParameter("column index out of range"));
        }
        let j = j as u64;
        match self.construction {
            Construction::Identity => out.push(j as u32),
            Construction::Sperner { t, w } => {
                // Colex unranking through the combinatorial number system:
                // j = C(c_w, w) + ... + C(c_1, 1), c_w > ... > c_1 >= 0.
                let mut rest = j;
                let mut hi = u64::from(t);
                for i in (1..=u64::from(w)).rev() {
                    let mut c = hi;
                    while c > 0 && binomial(c - 1, i) > rest {
                        c -= 1;
                    }
                    let c = c.saturating_sub(1);
                    rest -= binomial(c, i).min(rest);
                    out.push(c as u32);
                    hi = c;
                }
                out.reverse();
            }
            Construction::KautzSingleton { q, k, points } => {
                let q = u64::from(q);
                let mut digits = [0u64; 32];
                let mut rest = j;
                for dgt in digits.iter_mut().take(k as usize) {
                    *dgt = rest % q;
                    rest /= q;
                }
                for x in 0..u64::from(points) {
                    // Horner, highest coefficient first.
                    let mut v = 0u64;
                    for a in digits.iter().take(k as usize).rev() {
                        v = (v * x + a) % q;
                    }
                    out.push((x * q + v) as u32);
                }
            }
        }
        Ok(())
    }

    /// Every row's members (column indices, ascending).
    pub fn rows(&self) -> Vec<Vec<u32>> {
        let mut rows = vec![Vec::new(); self.tests()];
        let mut col = Vec::new();
        for j in 0..self.n as usize {
            if self.column(j, &mut col).is_ok() {
                for &r in &col {
                    if let Some(row) = rows.get_mut(r as usize) {
                        row.push(j as u32);
                    }
                }
            }
        }
        rows
    }

    /// The counting lower bound on the number of tests of *any* scheme
    /// identifying up to `d` invalid among `n`:
    /// `log2(sum_{i=0..=d} C(n, i))` bits of outcome are needed.
    pub fn lower_bound(n: usize, d: usize) -> f64 {
        // Sum in log space to stay finite for large n. Terms beyond i = n
        // are zero, so d is clamped to n (which also bounds the allocation).
        let d = d.min(n);
        let n = n as f64;
        let mut log_terms = Vec::with_capacity(d.saturating_add(1));
        let mut log_c = 0.0f64; // ln C(n, 0)
        log_terms.push(log_c);
        for i in 1..=d {
            let i = i as f64;
            if i > n {
                break;
            }
            log_c += libm::log(n - i + 1.0) - libm::log(i);
            log_terms.push(log_c);
        }
        let max = log_terms.iter().copied().fold(f64::MIN, f64::max);
        let s: f64 = log_terms.iter().map(|l| libm::exp(l - max)).sum();
        (max + libm::log(s)) / core::f64::consts::LN_2
    }
}

fn row_digest(
    m: &DisjunctMatrix,
    row: usize,
    members: &[u32],
    canon: &[Canon],
    tag_len: u8,
) -> Option<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(LABEL_GROUP_TESTING_ROW);
    h.update(m.n.to_be_bytes());
    h.update(m.d.to_be_bytes());
    h.update((row as u32).to_be_bytes());
    h.update((members.len() as u32).to_be_bytes());
    h.update([tag_len]);
    hash_entries(
        &mut h,
        members.iter().filter_map(|&j| canon.get(j as usize)),
    )?;
    Some(h.finalize().into())
}

/// The aggregator's answer: one hash aggregate per matrix row.
///
/// Row `i` is `SHA-256("ba-iot/v1/x1366-gt-row\0" || n (u32) || d (u32) ||
/// i (u32) || |row| (u32) || L (u8) || (id || counter || tag) for each member
/// in canonical order)`. Wire format: `0x01 || 0x24 || n (u32) || d (u32) ||
/// t (u32) || t x 32 bytes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowAggregates {
    n: u32,
    d: u32,
    rows: Vec<[u8; 32]>,
}

impl RowAggregates {
    /// Aggregator: the row aggregates of `entries` under `matrix` (no keys).
    ///
    /// [`Error::NoTargets`], [`Error::DuplicateId`] or
    /// [`Error::InvalidParameter`] (tag lengths differ, or the number of
    /// entries is not the matrix's `n`).
    pub fn compute(matrix: &DisjunctMatrix, entries: &[TagEntry]) -> Result<Self> {
        let (canon, len) = canonical_entries(entries)?;
        if canon.len() != matrix.columns() {
            return Err(Error::InvalidParameter("entries do not match matrix size"));
        }
        let rows = matrix
            .rows()
            .iter()
            .enumerate()
            .map(|(i, members)| {
                row_digest(matrix, i, members, &canon, len.get() as u8).unwrap_or([0u8; 32])
            })
            .collect();
        Ok(RowAggregates {
            n: matrix.n,
            d: matrix.d,
            rows,
        })
    }

    /// Number of row aggregates.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows? (Never true for a computed or decoded value.)
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`'s aggregate.
    pub fn row(&self, i: usize) -> Option<&[u8; 32]> {
        self.rows.get(i)
    }

    /// Replace row `i` (models a faulty or malicious aggregator in tests).
    pub fn set_row(&mut self, i: usize, value: [u8; 32]) -> Result<()> {
        let r = self
            .rows
            .get_mut(i)
            .ok_or(Error::InvalidParameter("row index out of range"))?;
        *r = value;
        Ok(())
    }

    /// Encoded length in bytes.
    pub fn encoded_len(&self) -> usize {
        14 + 32 * self.rows.len()
    }

    /// Encode (layout in the type's documentation).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(self.encoded_len());
        w.u8(VERSION);
        w.u8(wire_id::GROUP_TESTING_ROWS);
        w.u32(self.n);
        w.u32(self.d);
        w.u32(self.rows.len() as u32);
        for r in &self.rows {
            w.put(r);
        }
        w.into_vec()
    }

    /// Strict decoding: `1 <= d <= n <= 2^24`, `1 <= t <= 2^24`, exactly
    /// `32 t` bytes follow.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        read_prefix(&mut r, wire_id::GROUP_TESTING_ROWS)?;
        let n = r.u32()?;
        let d = r.u32()?;
        let t = r.u32()? as usize;
        if n == 0 || d == 0 || d > n {
            return Err(Error::NonCanonical("group testing (n, d)"));
        }
        if n as usize > MAX_MESSAGES || t > MAX_MESSAGES {
            return Err(Error::TooLarge {
                field: "group testing rows",
                max: MAX_MESSAGES as u64,
            });
        }
        if t == 0 {
            return Err(Error::NonCanonical("no rows"));
        }
        if t.saturating_mul(32) != r.remaining() {
            return Err(if t.saturating_mul(32) > r.remaining() {
                Error::Truncated
            } else {
                Error::TrailingBytes
            });
        }
        let mut rows = Vec::with_capacity(t);
        for _ in 0..t {
            rows.push(r.array::<32>()?);
        }
        r.finish()?;
        Ok(RowAggregates { n, d, rows })
    }
}

/// The verdict of group-testing identification.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Identification {
    /// Exactly these messages (ids ascending) are invalid; empty when every
    /// row passed. Every other message is authentic.
    Identified(Vec<ReceiverId>),
    /// More than `d` messages could not be cleared: more than `d` are
    /// invalid, or the aggregator framed valid ones. `candidates` contains
    /// every invalid message; messages outside it are authentic.
    TooMany {
        /// The messages not cleared by any passing row (ids ascending).
        candidates: Vec<ReceiverId>,
    },
    /// A row failed although all its members were cleared by other rows:
    /// the aggregator misbehaved (or sent rows for other messages).
    /// `candidates` is as in `TooMany`.
    Inconsistent {
        /// The messages not cleared by any passing row (ids ascending).
        candidates: Vec<ReceiverId>,
    },
}

/// Verifier: decode the row aggregates `rows` against the recomputed tags
/// `expected` under `matrix`.
///
/// [`Error::InvalidParameter`] if the matrix or rows do not belong to these
/// messages (sizes differ); otherwise an [`Identification`].
pub fn identify(
    expected: &ExpectedTags,
    matrix: &DisjunctMatrix,
    rows: &RowAggregates,
) -> Result<Identification> {
    let n = expected.len();
    if matrix.columns() != n || rows.n != matrix.n || rows.d != matrix.d {
        return Err(Error::InvalidParameter("matrix does not match messages"));
    }
    if rows.len() != matrix.tests() {
        return Err(Error::InvalidParameter("row count does not match matrix"));
    }
    let canon = expected.entries();
    let tag_len = expected.tag_length().get() as u8;
    let members = matrix.rows();
    let mut passed = vec![false; members.len()];
    let mut cleared = vec![false; n];
    for (i, (m, got)) in members.iter().zip(rows.rows.iter()).enumerate() {
        let ok = match row_digest(matrix, i, m, canon, tag_len) {
            Some(exp) => bool::from(exp.ct_eq(got)),
            None => false,
        };
        if ok {
            if let Some(p) = passed.get_mut(i) {
                *p = true;
            }
            for &j in m {
                if let Some(c) = cleared.get_mut(j as usize) {
                    *c = true;
                }
            }
        }
    }
    let candidates: Vec<ReceiverId> = canon
        .iter()
        .zip(cleared.iter())
        .filter(|(_, c)| !**c)
        .map(|(e, _)| e.id)
        .collect();
    // Every failing row must contain an uncleared message.
    let consistent = members.iter().zip(passed.iter()).all(|(m, p)| {
        *p || m
            .iter()
            .any(|&j| !cleared.get(j as usize).copied().unwrap_or(true))
    });
    Ok(if !consistent {
        Identification::Inconsistent { candidates }
    } else if candidates.len() > matrix.d() {
        Identification::TooMany { candidates }
    } else {
        Identification::Identified(candidates)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn binomials() {
        assert_eq!(binomial(16, 8), 12870);
        assert_eq!(binomial(5, 0), 1);
        assert_eq!(binomial(3, 5), 0);
        assert_eq!(binomial(0, 0), 1);
        assert_eq!(binomial(27, 13), 20_058_300);
    }

    #[test]
    fn primes() {
        let ps: Vec<u64> = (0..30).filter(|&x| is_prime(x)).collect();
        assert_eq!(ps, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!(next_prime(90), 97);
    }

    #[test]
    fn chosen_sizes_n10000() {
        let m1 = DisjunctMatrix::new(10_000, 1).unwrap();
        assert_eq!(m1.construction(), Construction::Sperner { t: 16, w: 8 });
        let m2 = DisjunctMatrix::new(10_000, 2).unwrap();
        assert_eq!(
            m2.construction(),
            Construction::KautzSingleton {
                q: 11,
                k: 4,
                points: 7
            }
        );
        assert_eq!(m2.tests(), 77);
        let m4 = DisjunctMatrix::new(10_000, 4).unwrap();
        assert_eq!(m4.tests(), 169);
    }

    #[test]
    fn sperner_columns_are_distinct_w_subsets() {
        let m = DisjunctMatrix::sperner(70).unwrap(); // C(8,4) = 70
        assert_eq!(m.construction(), Construction::Sperner { t: 8, w: 4 });
        let mut seen = alloc::collections::BTreeSet::new();
        let mut col = Vec::new();
        for j in 0..70 {
            m.column(j, &mut col).unwrap();
            assert_eq!(col.len(), 4);
            assert!(col.windows(2).all(|w| w[0] < w[1]));
            assert!(col.iter().all(|&r| r < 8));
            assert!(seen.insert(col.clone()));
        }
    }

    #[test]
    fn small_n_and_bad_parameters() {
        assert_eq!(DisjunctMatrix::new(1, 1).unwrap().tests(), 1);
        assert_eq!(DisjunctMatrix::new(5, 9).unwrap().tests(), 5);
        assert!(DisjunctMatrix::new(0, 1).is_err());
        assert!(DisjunctMatrix::new(5, 0).is_err());
        let m = DisjunctMatrix::new(5, 1).unwrap();
        assert!(m.column(5, &mut Vec::new()).is_err());
    }

    #[test]
    fn lower_bound_values() {
        assert!((DisjunctMatrix::lower_bound(1024, 1) - 1025f64.log2()).abs() < 1e-9);
        let lb = DisjunctMatrix::lower_bound(10_000, 2);
        let exact = (1.0 + 10_000.0 + 10_000.0 * 9_999.0 / 2.0f64).log2();
        assert!((lb - exact).abs() < 1e-6);
    }
}
