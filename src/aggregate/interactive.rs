//! Interactive aggregate MAC (X.1366 clause 8, appendix III): the verifier
//! asks the aggregator for aggregates over subsets, splitting failing
//! subsets in halves, until every invalid message is located.
//!
//! # Protocol
//!
//! Messages are indexed by their canonical position (ascending id). The
//! verifier draws a 32-byte session nonce. Query `r` (r = 0, 1, ...) names
//! a range `[lo, hi)` of positions; the aggregator answers with
//!
//! ```text
//! SHA-256("ba-iot/v1/x1366-interactive\0" || session (32) || r (u32) ||
//!         n (u32) || lo (u32) || hi (u32) || L (u8) ||
//!         (id || counter || tag) for positions lo..hi)
//! ```
//!
//! which it can compute from the tags alone, and which is bound to the
//! session and the round: answers from another session or round do not
//! verify (and answers whose header names another session or round are
//! refused outright with [`Error::Rejected`]).
//!
//! Query 0 is the whole range. A failing range of one message is invalid.
//! A failing range `I` of two or more is split into `L` (the first
//! `ceil(|I|/2)` positions) and `R`; `L` is queried. If `L` passes, `R` is
//! failing (inferred, no query). If `L` fails, `R` is queried too.
//!
//! # Bound
//!
//! With an honest aggregator and `d` invalid messages among `n`, at most
//! `d` ranges fail on each of the `ceil(log2 n)` levels below the root, and
//! each costs at most two queries, so the session takes at most
//! [`round_bound`]`(n, d) = min(2n - 1, 1 + 2 d ceil(log2 n))` queries.
//! Whatever the aggregator answers, no range is queried twice, so `2n - 1`
//! is a hard cap; the caller sets a lower one (for example
//! `round_bound(n, d_max)`), beyond which the session fails with
//! [`Error::TooLarge`].
//!
//! # Guarantees
//!
//! A message is reported valid only if it lies in a range whose answer
//! verified, so an invalid message is never missed (soundness does not
//! depend on the aggregator). A malicious aggregator can make valid ranges
//! fail and so frame valid messages (denial of service), which no protocol
//! over a keyless aggregator can prevent.

use alloc::vec::Vec;

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::schemes::{Canon, ExpectedTags, canonical_entries, hash_entries};
use super::{LABEL_INTERACTIVE, MAX_MESSAGES, TagEntry, wire_id};
use crate::error::{Error, Result};
use crate::scheme::ReceiverId;
use crate::wire::{Reader, VERSION, Writer, read_prefix};

/// Length of the session nonce.
pub const SESSION_LEN: usize = 32;

/// The number of queries an honest session needs at most for `d` invalid
/// messages among `n`: `min(2n - 1, 1 + 2 d ceil(log2 n))` (1 if `d = 0`).
pub fn round_bound(n: usize, d: usize) -> u64 {
    let n = n.max(1) as u64;
    let levels = u64::from(64 - (n - 1).leading_zeros()); // ceil(log2 n)
    let bound = 1u64.saturating_add((d as u64).saturating_mul(2).saturating_mul(levels));
    bound.min(n.saturating_mul(2) - 1)
}

fn answer_digest(
    session: &[u8; SESSION_LEN],
    round: u32,
    n: u32,
    lo: u32,
    hi: u32,
    tag_len: u8,
    canon: &[Canon],
) -> Option<[u8; 32]> {
    let range = canon.get(lo as usize..hi as usize)?;
    let mut h = Sha256::new();
    h.update(LABEL_INTERACTIVE);
    h.update(session);
    h.update(round.to_be_bytes());
    h.update(n.to_be_bytes());
    h.update(lo.to_be_bytes());
    h.update(hi.to_be_bytes());
    h.update([tag_len]);
    hash_entries(&mut h, range.iter())?;
    Some(h.finalize().into())
}

/// A verifier's query: "aggregate positions `lo..hi` for round `round` of
/// session `session`".
///
/// Wire format (54 bytes): `0x01 || 0x22 || session (32) || round (u32) ||
/// n (u32) || lo (u32) || hi (u32)`, with `lo < hi <= n <= 2^24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    session: [u8; SESSION_LEN],
    round: u32,
    n: u32,
    lo: u32,
    hi: u32,
}

impl Query {
    /// Encoded length in bytes.
    pub const ENCODED_LEN: usize = 2 + SESSION_LEN + 16;

    /// The session nonce.
    pub fn session(&self) -> &[u8; SESSION_LEN] {
        &self.session
    }

    /// The round (query index within the session).
    pub fn round(&self) -> u32 {
        self.round
    }

    /// Number of messages in the batch.
    pub fn batch_len(&self) -> usize {
        self.n as usize
    }

    /// The queried positions, `lo..hi`.
    pub fn range(&self) -> core::ops::Range<usize> {
        self.lo as usize..self.hi as usize
    }

    /// Encode.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(Self::ENCODED_LEN);
        w.u8(VERSION);
        w.u8(wire_id::INTERACTIVE_QUERY);
        w.put(&self.session);
        w.u32(self.round);
        w.u32(self.n);
        w.u32(self.lo);
        w.u32(self.hi);
        w.into_vec()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        read_prefix(&mut r, wire_id::INTERACTIVE_QUERY)?;
        let session = r.array()?;
        let round = r.u32()?;
        let n = r.u32()?;
        let lo = r.u32()?;
        let hi = r.u32()?;
        r.finish()?;
        if n as usize > MAX_MESSAGES {
            return Err(Error::TooLarge {
                field: "messages",
                max: MAX_MESSAGES as u64,
            });
        }
        if !(lo < hi && hi <= n) {
            return Err(Error::NonCanonical("query range"));
        }
        Ok(Query {
            session,
            round,
            n,
            lo,
            hi,
        })
    }
}

/// The aggregator's answer to a [`Query`].
///
/// Wire format (70 bytes): `0x01 || 0x23 || session (32) || round (u32) ||
/// aggregate (32)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    session: [u8; SESSION_LEN],
    round: u32,
    aggregate: [u8; 32],
}

impl Answer {
    /// Encoded length in bytes.
    pub const ENCODED_LEN: usize = 2 + SESSION_LEN + 4 + 32;

    /// The session nonce it answers.
    pub fn session(&self) -> &[u8; SESSION_LEN] {
        &self.session
    }

    /// The round it answers.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// The range aggregate.
    pub fn aggregate(&self) -> &[u8; 32] {
        &self.aggregate
    }

    /// The same answer with another aggregate value (models a faulty or
    /// malicious aggregator).
    pub fn with_aggregate(mut self, aggregate: [u8; 32]) -> Self {
        self.aggregate = aggregate;
        self
    }

    /// The same answer relabelled for another round (models a replay with a
    /// rewritten header).
    pub fn with_round(mut self, round: u32) -> Self {
        self.round = round;
        self
    }

    /// Encode.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(Self::ENCODED_LEN);
        w.u8(VERSION);
        w.u8(wire_id::INTERACTIVE_ANSWER);
        w.put(&self.session);
        w.u32(self.round);
        w.put(&self.aggregate);
        w.into_vec()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        read_prefix(&mut r, wire_id::INTERACTIVE_ANSWER)?;
        let session = r.array()?;
        let round = r.u32()?;
        let aggregate = r.array()?;
        r.finish()?;
        Ok(Answer {
            session,
            round,
            aggregate,
        })
    }
}

/// The **Aggregator** side: holds the tags (no keys) and answers queries.
#[derive(Clone)]
pub struct InteractiveAggregator {
    canon: Vec<Canon>,
    tag_len: u8,
}

impl core::fmt::Debug for InteractiveAggregator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InteractiveAggregator")
            .field("messages", &self.canon.len())
            .finish_non_exhaustive()
    }
}

impl InteractiveAggregator {
    /// From the devices' entries ([`Error::NoTargets`],
    /// [`Error::DuplicateId`], [`Error::InvalidParameter`] as for
    /// aggregation).
    pub fn new(entries: &[TagEntry]) -> Result<Self> {
        let (canon, len) = canonical_entries(entries)?;
        Ok(InteractiveAggregator {
            canon,
            tag_len: len.get() as u8,
        })
    }

    /// Answer `query`. [`Error::InvalidParameter`] if the query is for a
    /// batch of another size.
    pub fn answer(&self, query: &Query) -> Result<Answer> {
        if query.n as usize != self.canon.len() {
            return Err(Error::InvalidParameter("query for a batch of another size"));
        }
        let aggregate = answer_digest(
            &query.session,
            query.round,
            query.n,
            query.lo,
            query.hi,
            self.tag_len,
            &self.canon,
        )
        .ok_or(Error::NonCanonical("query range"))?;
        Ok(Answer {
            session: query.session,
            round: query.round,
            aggregate,
        })
    }
}

/// What the verifier does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this query to the aggregator and pass its answer to
    /// [`InteractiveVerifier::receive`].
    Query(Query),
    /// Finished: these messages (ids ascending) are the ones the answers
    /// implicate, and every other one is authentic. With an honest
    /// aggregator they are exactly the invalid ones; a malicious aggregator
    /// can only make valid messages look invalid, never the reverse.
    Done(Vec<ReceiverId>),
}

#[derive(Clone, Copy, Debug)]
enum Work {
    /// Known (or inferred) to contain an invalid message.
    Failing(u32, u32),
    /// Not known yet: must be queried.
    Unknown(u32, u32),
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    lo: u32,
    hi: u32,
    /// When this is the left half of a failing range: the right half,
    /// failing if this one passes.
    sibling: Option<(u32, u32)>,
}

/// The **Verifier** side: a transport-free state machine. Call
/// [`start`](Self::start), then feed every answer to
/// [`receive`](Self::receive) until it returns [`Step::Done`].
///
/// `Debug` shows the session's progress, never the recomputed tags.
#[derive(Clone)]
pub struct InteractiveVerifier {
    expected: ExpectedTags,
    session: [u8; SESSION_LEN],
    n: u32,
    round: u32,
    max_rounds: u64,
    work: Vec<Work>,
    pending: Option<Pending>,
    invalid: Vec<u32>,
    failed: bool,
}

impl core::fmt::Debug for InteractiveVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InteractiveVerifier")
            .field("expected", &self.expected)
            .field("n", &self.n)
            .field("round", &self.round)
            .field("max_rounds", &self.max_rounds)
            .field("invalid", &self.invalid.len())
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl InteractiveVerifier {
    /// A session over the recomputed tags `expected`, with a fresh session
    /// nonce from `rng`, sending at most `max_rounds` queries (capped at
    /// `2n - 1`; see [`round_bound`]). [`Error::InvalidParameter`] if
    /// `max_rounds` is 0.
    pub fn new<R: CryptoRng + ?Sized>(
        expected: ExpectedTags,
        max_rounds: u64,
        rng: &mut R,
    ) -> Result<Self> {
        if max_rounds == 0 {
            return Err(Error::InvalidParameter("max_rounds must be at least 1"));
        }
        let n = u32::try_from(expected.len()).map_err(|_| Error::TooLarge {
            field: "messages",
            max: MAX_MESSAGES as u64,
        })?;
        let mut session = [0u8; SESSION_LEN];
        rng.fill_bytes(&mut session);
        Ok(InteractiveVerifier {
            expected,
            session,
            n,
            round: 0,
            max_rounds: max_rounds.min(2 * u64::from(n) - 1),
            work: alloc::vec![Work::Unknown(0, n)],
            pending: None,
            invalid: Vec::new(),
            failed: false,
        })
    }

    /// The session nonce.
    pub fn session(&self) -> &[u8; SESSION_LEN] {
        &self.session
    }

    /// Queries sent so far.
    pub fn rounds(&self) -> u32 {
        self.round
    }

    /// The first step (or the current one, if called again before an
    /// answer arrives: the outstanding query is repeated).
    pub fn start(&mut self) -> Result<Step> {
        if let Some(p) = self.pending {
            return Ok(Step::Query(self.query(p)));
        }
        self.advance()
    }

    fn query(&self, p: Pending) -> Query {
        Query {
            session: self.session,
            round: self.round,
            n: self.n,
            lo: p.lo,
            hi: p.hi,
        }
    }

    fn issue(&mut self, p: Pending) -> Result<Step> {
        if u64::from(self.round) >= self.max_rounds {
            self.failed = true;
            return Err(Error::TooLarge {
                field: "interactive queries",
                max: self.max_rounds,
            });
        }
        self.pending = Some(p);
        Ok(Step::Query(self.query(p)))
    }

    fn advance(&mut self) -> Result<Step> {
        if self.failed {
            return Err(Error::TooLarge {
                field: "interactive queries",
                max: self.max_rounds,
            });
        }
        while let Some(w) = self.work.pop() {
            match w {
                Work::Unknown(lo, hi) => {
                    return self.issue(Pending {
                        lo,
                        hi,
                        sibling: None,
                    });
                }
                Work::Failing(lo, hi) => {
                    if hi - lo <= 1 {
                        self.invalid.push(lo);
                        continue;
                    }
                    let mid = lo + (hi - lo).div_ceil(2);
                    return self.issue(Pending {
                        lo,
                        hi: mid,
                        sibling: Some((mid, hi)),
                    });
                }
            }
        }
        let mut idx = core::mem::take(&mut self.invalid);
        idx.sort_unstable();
        let entries = self.expected.entries();
        let ids = idx
            .iter()
            .filter_map(|&i| entries.get(i as usize).map(|c| c.id))
            .collect();
        self.invalid = idx;
        Ok(Step::Done(ids))
    }

    /// Take the aggregator's answer to the outstanding query.
    ///
    /// [`Error::Rejected`] (state unchanged) if no query is outstanding or
    /// the answer names another session or round: stale and replayed
    /// answers are refused. An answer whose value does not verify marks the
    /// range as failing. [`Error::TooLarge`] once `max_rounds` is exceeded.
    pub fn receive(&mut self, answer: &Answer) -> Result<Step> {
        let p = match self.pending {
            Some(p) => p,
            None => return Err(Error::Rejected),
        };
        let session_ok = bool::from(answer.session.ct_eq(&self.session));
        if !session_ok || answer.round != self.round {
            return Err(Error::Rejected);
        }
        let expected = answer_digest(
            &self.session,
            self.round,
            self.n,
            p.lo,
            p.hi,
            self.expected.tag_length().get() as u8,
            self.expected.entries(),
        );
        let pass = match expected {
            Some(e) => bool::from(e.ct_eq(&answer.aggregate)),
            None => false,
        };
        self.pending = None;
        self.round = self.round.saturating_add(1);
        match (pass, p.sibling) {
            (true, Some((lo, hi))) => self.work.push(Work::Failing(lo, hi)),
            (true, None) => {}
            (false, sibling) => {
                if let Some((lo, hi)) = sibling {
                    self.work.push(Work::Unknown(lo, hi));
                }
                self.work.push(Work::Failing(p.lo, p.hi));
            }
        }
        self.advance()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(round_bound(1, 1), 1);
        assert_eq!(round_bound(2, 1), 3);
        assert_eq!(round_bound(1024, 0), 1);
        assert_eq!(round_bound(1024, 1), 21);
        assert_eq!(round_bound(1000, 3), 61);
        assert_eq!(round_bound(4, 4), 7);
    }
}
