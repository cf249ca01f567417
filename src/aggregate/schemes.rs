//! The XOR and hash aggregates, the **Verifier** role, and the aggregate
//! wire encodings.

use alloc::vec::Vec;
use core::fmt;

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use super::keys::{DeviceKeys, MAX_TAG_LEN, Tag, TagLength};
use super::{
    AggregateMac, LABEL_HASH_AGGREGATE, MAX_MESSAGE_PAYLOAD, MAX_MESSAGES, Message, TagEntry,
    wire_id,
};
use crate::error::{Error, Result};
use crate::scheme::ReceiverId;
use crate::wire::{Reader, VERSION, Writer, read_prefix};

/// One entry in canonical order: id, counter, and the tag if known (the
/// verifier has no tag for an unknown device).
///
/// No `Debug`: on the verifier's side the tag is one it recomputed over
/// whatever message it was handed, a MAC-oracle output that must not reach
/// a log.
#[derive(Clone, Copy)]
pub(crate) struct Canon {
    pub(crate) id: ReceiverId,
    pub(crate) counter: u64,
    pub(crate) tag: Option<Tag>,
}

/// Sort by (id, counter) and check: non-empty, at most [`MAX_MESSAGES`],
/// ids distinct.
pub(crate) fn canonicalize(mut v: Vec<Canon>) -> Result<Vec<Canon>> {
    if v.is_empty() {
        return Err(Error::NoTargets);
    }
    if v.len() > MAX_MESSAGES {
        return Err(Error::TooLarge {
            field: "messages",
            max: MAX_MESSAGES as u64,
        });
    }
    v.sort_unstable_by_key(|c| (c.id, c.counter));
    if v.windows(2).any(|w| matches!(w, [a, b] if a.id == b.id)) {
        return Err(Error::DuplicateId);
    }
    Ok(v)
}

/// The aggregator's entries in canonical order; all tags of one length.
pub(crate) fn canonical_entries(entries: &[TagEntry]) -> Result<(Vec<Canon>, TagLength)> {
    let len = match entries.first() {
        Some(e) => e.tag.length(),
        None => return Err(Error::NoTargets),
    };
    if entries.iter().any(|e| e.tag.length() != len) {
        return Err(Error::InvalidParameter("tags of different lengths"));
    }
    let v = entries
        .iter()
        .map(|e| Canon {
            id: e.id,
            counter: e.counter,
            tag: Some(e.tag),
        })
        .collect();
    Ok((canonicalize(v)?, len))
}

/// Feed `(id, counter, tag)` of each entry into `h`; `None` if a tag is
/// missing (the verifier cannot compute the expected value).
pub(crate) fn hash_entries<'c>(
    h: &mut Sha256,
    entries: impl Iterator<Item = &'c Canon>,
) -> Option<()> {
    for c in entries {
        let tag = c.tag.as_ref()?;
        h.update(c.id.to_bytes());
        h.update(c.counter.to_be_bytes());
        h.update(tag.as_bytes());
    }
    Some(())
}

/// An aggregate tag: the scheme it belongs to and 16 to 32 bytes.
#[derive(Clone, Copy)]
pub struct AggregateTag {
    scheme: u8,
    len: u8,
    bytes: [u8; MAX_TAG_LEN],
}

impl AggregateTag {
    fn new(scheme: u8, b: &[u8]) -> Result<Self> {
        let ok = match scheme {
            wire_id::XOR_AGGREGATE => TagLength::new(b.len()).is_ok(),
            wire_id::HASH_AGGREGATE => b.len() == MAX_TAG_LEN,
            other => return Err(Error::UnknownEncoding(other)),
        };
        if !ok {
            return Err(Error::NonCanonical("aggregate tag length"));
        }
        let mut bytes = [0u8; MAX_TAG_LEN];
        for (d, s) in bytes.iter_mut().zip(b) {
            *d = *s;
        }
        Ok(AggregateTag {
            scheme,
            len: b.len() as u8,
            bytes,
        })
    }

    /// The scheme ([`wire_id::XOR_AGGREGATE`] or [`wire_id::HASH_AGGREGATE`]).
    pub fn scheme_id(&self) -> u8 {
        self.scheme
    }

    /// The aggregate bytes (the tag length for XOR, 32 for hash).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&self.bytes)
    }

    /// Encoded length in bytes.
    pub fn encoded_len(&self) -> usize {
        3 + self.len as usize
    }

    /// `0x01 || scheme || len (u8) || bytes`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(self.encoded_len());
        w.u8(VERSION);
        self.write_body(&mut w);
        w.into_vec()
    }

    fn write_body(&self, w: &mut Writer) {
        w.u8(self.scheme);
        w.u8(self.len);
        w.put(self.as_bytes());
    }

    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let scheme = r.u8()?;
        if scheme != wire_id::XOR_AGGREGATE && scheme != wire_id::HASH_AGGREGATE {
            return Err(Error::UnknownEncoding(scheme));
        }
        let len = r.u8()? as usize;
        if len > MAX_TAG_LEN {
            return Err(Error::TooLarge {
                field: "aggregate tag",
                max: MAX_TAG_LEN as u64,
            });
        }
        AggregateTag::new(scheme, r.take(len)?)
    }

    /// Strict inverse of [`encode`](Self::encode).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        let v = r.u8()?;
        if v != VERSION {
            return Err(Error::UnsupportedVersion(v));
        }
        let t = AggregateTag::read_body(&mut r)?;
        r.finish()?;
        Ok(t)
    }
}

impl ConstantTimeEq for AggregateTag {
    fn ct_eq(&self, other: &Self) -> Choice {
        if self.scheme != other.scheme || self.len != other.len {
            return Choice::from(0);
        }
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl PartialEq for AggregateTag {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for AggregateTag {}

impl fmt::Debug for AggregateTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AggregateTag({:#04x}, ", self.scheme)?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Katz-Lindell XOR aggregate (X.1366 7.3.1): `T = t_1 ^ ... ^ t_n`, as long
/// as one tag.
///
/// Cheapest to compute and to update incrementally, but linear: two equal
/// tags cancel (hence duplicate ids are rejected), and the XOR of two
/// aggregates is a valid aggregate of the symmetric difference of their
/// sets. Use it only for one-shot verification; group testing and the
/// interactive protocol use the hash aggregate (see `docs/aggregate.md`).
#[derive(Clone, Copy, Debug, Default)]
pub struct XorAggregate;

impl AggregateMac for XorAggregate {
    const SCHEME_ID: u8 = wire_id::XOR_AGGREGATE;

    fn aggregate(entries: &[TagEntry]) -> Result<AggregateTag> {
        let (canon, len) = canonical_entries(entries)?;
        let mut acc = [0u8; MAX_TAG_LEN];
        for c in &canon {
            if let Some(t) = &c.tag {
                for (a, b) in acc.iter_mut().zip(t.as_bytes()) {
                    *a ^= *b;
                }
            }
        }
        AggregateTag::new(wire_id::XOR_AGGREGATE, acc.get(..len.get()).unwrap_or(&acc))
    }
}

/// Hash aggregate (X.1366 7.3.2), domain-separated and binding ids and
/// counters: with the entries sorted by (id, counter),
/// `T = SHA-256("ba-iot/v1/x1366-hash-aggregate\0" || n (u32) || L (u8) ||
/// id_1 || ctr_1 || t_1 || ... || id_n || ctr_n || t_n)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct HashAggregate;

impl HashAggregate {
    fn digest(canon: &[Canon], len: TagLength) -> Option<[u8; 32]> {
        let mut h = Sha256::new();
        h.update(LABEL_HASH_AGGREGATE);
        h.update((canon.len() as u32).to_be_bytes());
        h.update([len.get() as u8]);
        hash_entries(&mut h, canon.iter())?;
        Some(h.finalize().into())
    }
}

impl AggregateMac for HashAggregate {
    const SCHEME_ID: u8 = wire_id::HASH_AGGREGATE;

    fn aggregate(entries: &[TagEntry]) -> Result<AggregateTag> {
        let (canon, len) = canonical_entries(entries)?;
        let d = HashAggregate::digest(&canon, len).ok_or(Error::Rejected)?;
        AggregateTag::new(wire_id::HASH_AGGREGATE, &d)
    }
}

/// The **Verifier** role: every device key (derived from a
/// [`MasterKey`](super::MasterKey) or looked up in a
/// [`KeyTable`](super::KeyTable)) and the expected tag length.
pub struct Verifier<K: ?Sized> {
    tag_len: TagLength,
    keys: K,
}

impl<K: DeviceKeys> Verifier<K> {
    /// A verifier with these keys, expecting tags of `tag_len` bytes.
    pub fn new(keys: K, tag_len: TagLength) -> Self {
        Verifier { tag_len, keys }
    }
}

impl<K: DeviceKeys + ?Sized> Verifier<K> {
    /// The key source.
    pub fn keys(&self) -> &K {
        &self.keys
    }

    /// The expected tag length.
    pub fn tag_length(&self) -> TagLength {
        self.tag_len
    }

    /// Recompute every message's tag once (in canonical order). The result
    /// serves any number of checks: an aggregate, group-testing rows, or an
    /// interactive session.
    pub fn expected(&self, messages: &[Message<'_>]) -> Result<ExpectedTags> {
        if messages.len() > MAX_MESSAGES {
            return Err(Error::TooLarge {
                field: "messages",
                max: MAX_MESSAGES as u64,
            });
        }
        let mut v = Vec::with_capacity(messages.len());
        for m in messages {
            let tag = match self.keys.prepared(m.id) {
                Some(k) => Some(k.tag(m.id, m.counter, m.payload, self.tag_len)?),
                None => None,
            };
            v.push(Canon {
                id: m.id,
                counter: m.counter,
                tag,
            });
        }
        Ok(ExpectedTags {
            tag_len: self.tag_len,
            entries: canonicalize(v)?,
        })
    }

    /// [`AggregateMac::verify`] for scheme `S`.
    pub fn verify<S: AggregateMac>(
        &self,
        messages: &[Message<'_>],
        aggregate: &AggregateTag,
    ) -> Result<()> {
        S::verify(self, messages, aggregate)
    }
}

impl<K: ?Sized> fmt::Debug for Verifier<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("tag_len", &self.tag_len)
            .finish_non_exhaustive()
    }
}

/// The verifier's recomputed tags, in canonical order (by id, then
/// counter). Computed once by [`Verifier::expected`], checked many times.
///
/// The tags are secret: they are MACs the verifier computed over messages
/// it was handed (possibly forged ones), so `Debug` prints only the count
/// and the tag length.
#[derive(Clone)]
pub struct ExpectedTags {
    tag_len: TagLength,
    entries: Vec<Canon>,
}

impl fmt::Debug for ExpectedTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpectedTags")
            .field("messages", &self.entries.len())
            .field("tag_len", &self.tag_len)
            .finish_non_exhaustive()
    }
}

impl ExpectedTags {
    /// Number of messages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Never true (empty input is refused), provided for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The tag length.
    pub fn tag_length(&self) -> TagLength {
        self.tag_len
    }

    /// The device ids in canonical order (index `j` is column `j` of a
    /// group-testing matrix and position `j` in an interactive session).
    pub fn ids(&self) -> impl Iterator<Item = ReceiverId> + '_ {
        self.entries.iter().map(|c| c.id)
    }

    pub(crate) fn entries(&self) -> &[Canon] {
        &self.entries
    }

    /// Accept `aggregate` only if it is scheme `S`'s aggregate of these
    /// tags; [`Error::Rejected`] otherwise (also if a device is unknown).
    pub fn check<S: AggregateMac + ?Sized>(&self, aggregate: &AggregateTag) -> Result<()> {
        if aggregate.scheme_id() != S::SCHEME_ID {
            return Err(Error::WrongScheme {
                expected: S::SCHEME_ID,
                found: aggregate.scheme_id(),
            });
        }
        let mut all_known = true;
        let entries: Vec<TagEntry> = self
            .entries
            .iter()
            .filter_map(|c| {
                if c.tag.is_none() {
                    all_known = false;
                }
                c.tag.map(|tag| TagEntry {
                    id: c.id,
                    counter: c.counter,
                    tag,
                })
            })
            .collect();
        if !all_known {
            return Err(Error::Rejected);
        }
        let expected = S::aggregate(&entries)?;
        if bool::from(expected.ct_eq(aggregate)) {
            Ok(())
        } else {
            Err(Error::Rejected)
        }
    }
}

/// What the gateway forwards to the verifier: one aggregate tag and the
/// messages it covers, in canonical order (strictly ascending ids).
///
/// Wire format: `0x01 || 0x25 || scheme (u8) || len (u8) || aggregate (len)
/// || n (u32) || n x (id (u64) || counter (u64) || plen (u32) || payload)`,
/// with `1 <= n <= 2^24`, `plen <= 65536`, ids strictly ascending, no
/// trailing bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateBundle<'a> {
    /// The aggregate tag.
    pub aggregate: AggregateTag,
    /// The messages, ids strictly ascending.
    pub messages: Vec<Message<'a>>,
}

impl<'a> AggregateBundle<'a> {
    /// A bundle; the messages are put into canonical order.
    /// [`Error::NoTargets`] / [`Error::DuplicateId`] / [`Error::TooLarge`]
    /// as for aggregation.
    pub fn new(aggregate: AggregateTag, messages: &[Message<'a>]) -> Result<Self> {
        let mut m = messages.to_vec();
        if m.is_empty() {
            return Err(Error::NoTargets);
        }
        if m.len() > MAX_MESSAGES {
            return Err(Error::TooLarge {
                field: "messages",
                max: MAX_MESSAGES as u64,
            });
        }
        if m.iter().any(|x| x.payload.len() > MAX_MESSAGE_PAYLOAD) {
            return Err(Error::TooLarge {
                field: "message payload",
                max: MAX_MESSAGE_PAYLOAD as u64,
            });
        }
        m.sort_unstable_by_key(|x| (x.id, x.counter));
        if m.windows(2).any(|w| matches!(w, [a, b] if a.id == b.id)) {
            return Err(Error::DuplicateId);
        }
        Ok(AggregateBundle {
            aggregate,
            messages: m,
        })
    }

    /// Encode (see the type's documentation for the layout).
    pub fn encode(&self) -> Result<Vec<u8>> {
        let size = self.aggregate.encoded_len()
            + 5
            + self
                .messages
                .iter()
                .map(|m| 20 + m.payload.len())
                .sum::<usize>();
        let mut w = Writer::with_capacity(size);
        w.u8(VERSION);
        w.u8(wire_id::AGGREGATE_BUNDLE);
        self.aggregate.write_body(&mut w);
        w.u32(self.messages.len() as u32);
        for m in &self.messages {
            w.u64(m.id.0);
            w.u64(m.counter);
            w.bytes_u32("message payload", MAX_MESSAGE_PAYLOAD, m.payload)?;
        }
        Ok(w.into_vec())
    }

    /// Strict decoding; payloads borrow from `bytes`.
    pub fn decode(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        read_prefix(&mut r, wire_id::AGGREGATE_BUNDLE)?;
        let aggregate = AggregateTag::read_body(&mut r)?;
        let n = r.u32()? as usize;
        if n == 0 {
            return Err(Error::NoTargets);
        }
        if n > MAX_MESSAGES {
            return Err(Error::TooLarge {
                field: "messages",
                max: MAX_MESSAGES as u64,
            });
        }
        // Every message takes at least 20 bytes: refuse before allocating.
        if n.saturating_mul(20) > r.remaining() {
            return Err(Error::Truncated);
        }
        let mut messages = Vec::with_capacity(n);
        let mut prev: Option<ReceiverId> = None;
        for _ in 0..n {
            let id = ReceiverId(r.u64()?);
            let counter = r.u64()?;
            let payload = r.bytes_u32("message payload", MAX_MESSAGE_PAYLOAD)?;
            if let Some(p) = prev
                && id <= p
            {
                return Err(Error::NonCanonical("message ids not strictly ascending"));
            }
            prev = Some(id);
            messages.push(Message {
                id,
                counter,
                payload,
            });
        }
        r.finish()?;
        Ok(AggregateBundle {
            aggregate,
            messages,
        })
    }

    /// Verify the bundle's aggregate with `verifier`, dispatching on the
    /// scheme byte ([`Error::Rejected`] if not accepted).
    pub fn verify<K: DeviceKeys + ?Sized>(&self, verifier: &Verifier<K>) -> Result<()> {
        match self.aggregate.scheme_id() {
            wire_id::XOR_AGGREGATE => {
                XorAggregate::verify(verifier, &self.messages, &self.aggregate)
            }
            wire_id::HASH_AGGREGATE => {
                HashAggregate::verify(verifier, &self.messages, &self.aggregate)
            }
            other => Err(Error::UnknownEncoding(other)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn c(id: u64, counter: u64) -> Canon {
        Canon {
            id: ReceiverId(id),
            counter,
            tag: None,
        }
    }

    #[test]
    fn canonical_order_and_duplicates() {
        let v = canonicalize(alloc::vec![c(3, 0), c(1, 9), c(2, 5)]).unwrap();
        let ids: Vec<u64> = v.iter().map(|x| x.id.0).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(canonicalize(Vec::new()).err(), Some(Error::NoTargets));
        assert_eq!(
            canonicalize(alloc::vec![c(1, 0), c(2, 0), c(1, 1)]).err(),
            Some(Error::DuplicateId)
        );
    }

    #[test]
    fn aggregate_tag_equality_is_by_scheme_length_and_bytes() {
        let a = AggregateTag::new(wire_id::XOR_AGGREGATE, &[1; 16]).unwrap();
        let b = AggregateTag::new(wire_id::XOR_AGGREGATE, &[1; 16]).unwrap();
        let c = AggregateTag::new(wire_id::XOR_AGGREGATE, &[1; 17]).unwrap();
        let d = AggregateTag::new(wire_id::XOR_AGGREGATE, &[2; 16]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert!(AggregateTag::new(wire_id::HASH_AGGREGATE, &[1; 16]).is_err());
        assert!(AggregateTag::new(0x99, &[1; 32]).is_err());
    }
}
