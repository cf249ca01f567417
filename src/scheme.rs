//! The role trait shared by every broadcast construction, and the types it
//! speaks in.

use crate::error::{Error, Result};
use rand_core::CryptoRng;

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// A receiver's identity: 64 bits, compatible with an EUI-64.
///
/// On the wire and in every hash input an id is 8 bytes, big-endian (the
/// EUI-64 byte order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReceiverId(pub u64);

impl ReceiverId {
    /// The id from an EUI-64 in transmission order (first octet first).
    pub const fn from_eui64(bytes: [u8; 8]) -> Self {
        ReceiverId(u64::from_be_bytes(bytes))
    }

    /// The id as an EUI-64 in transmission order; also its wire encoding.
    pub const fn to_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }
}

impl From<u64> for ReceiverId {
    fn from(v: u64) -> Self {
        ReceiverId(v)
    }
}

/// What a receiver learns from an accepted broadcast. Borrows from the
/// broadcast bytes; producing it allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified<'a> {
    /// The authenticated 64-bit sequence number. Feed it to a
    /// [`ReplayWindow`](crate::replay::ReplayWindow) (or use
    /// [`BroadcastAuth::verify_fresh`]) to reject replays.
    pub seq: u64,
    /// The authenticated command.
    pub payload: &'a [u8],
}

/// One broadcast to authenticate: who is designated, what is said, under
/// which sequence number, and optionally the whole registry of enrolled
/// devices.
///
/// The registry (every enrolled id; it may include the targets) enables the
/// constructions' registry-wide options: zero false positives (re-draw the
/// per-broadcast randomness until no non-target would accept) and, for the
/// MAC-based construction, strong anonymity (entries for every enrolled
/// device).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Request<'a> {
    /// The designated receivers. Must be non-empty and free of duplicates.
    pub targets: &'a [ReceiverId],
    /// The command.
    pub payload: &'a [u8],
    /// The sequence number (authenticated; must increase for replay
    /// protection to work).
    pub seq: u64,
    /// Every enrolled receiver, when the sender knows them.
    pub registry: Option<&'a [ReceiverId]>,
}

impl<'a> Request<'a> {
    /// A request for `targets` carrying `payload` under sequence number `seq`.
    pub fn new(targets: &'a [ReceiverId], payload: &'a [u8], seq: u64) -> Self {
        Request {
            targets,
            payload,
            seq,
            registry: None,
        }
    }

    /// Attach the registry of every enrolled receiver.
    pub fn with_registry(mut self, registry: &'a [ReceiverId]) -> Self {
        self.registry = Some(registry);
        self
    }
}

/// The two roles of a broadcast authentication scheme, in the syntax of the
/// literature: **Setup**, **Join**, **Authenticate** (sender) and **Verify**
/// (receiver).
///
/// Every construction of this crate implements it: the DS-based
/// [`Ds`](crate::signed::Ds) and the MAC-based anonymous construction. The
/// receiver side ([`verify`](Self::verify)) never allocates and works without
/// the `alloc` feature.
pub trait BroadcastAuth {
    /// The sender's secret (a signing key, or a master MAC key).
    type SenderKey;
    /// What Join hands one receiver.
    type ReceiverKey;
    /// Per-broadcast options (encoding, sizes, rates).
    type Options: Default;

    /// Setup: draw a fresh sender key.
    fn setup<R: CryptoRng + ?Sized>(rng: &mut R) -> Self::SenderKey;

    /// Join: the key material for receiver `id`.
    fn join(sender: &Self::SenderKey, id: ReceiverId) -> Self::ReceiverKey;

    /// Authenticate: the broadcast bytes that designate `request.targets`.
    #[cfg(feature = "alloc")]
    fn authenticate<R: CryptoRng + ?Sized>(
        sender: &Self::SenderKey,
        request: &Request<'_>,
        options: &Self::Options,
        rng: &mut R,
    ) -> Result<Vec<u8>>;

    /// Verify: decode `broadcast` strictly and accept it only if this
    /// receiver is designated and the broadcast is authentic.
    ///
    /// Returns [`Error::Rejected`] for every well-formed broadcast that is not
    /// accepted, and a specific error for malformed bytes. Does not check
    /// freshness: see [`verify_fresh`](Self::verify_fresh).
    fn verify<'a>(receiver: &Self::ReceiverKey, broadcast: &'a [u8]) -> Result<Verified<'a>>;

    /// Verify, then accept the sequence number in `window` (once).
    ///
    /// A replay is reported as [`Error::Rejected`], like any other refusal.
    /// The window is updated only when the broadcast is accepted.
    fn verify_fresh<'a, const W: usize>(
        receiver: &Self::ReceiverKey,
        window: &mut crate::replay::ReplayWindow<W>,
        broadcast: &'a [u8],
    ) -> Result<Verified<'a>> {
        let v = Self::verify(receiver, broadcast)?;
        window.accept(v.seq).map_err(|_| Error::Rejected)?;
        Ok(v)
    }
}

/// Check that `ids` has no duplicates; returns a sorted copy.
#[cfg(feature = "alloc")]
pub(crate) fn sorted_unique(ids: &[ReceiverId]) -> Result<Vec<ReceiverId>> {
    let mut v: Vec<ReceiverId> = ids.to_vec();
    v.sort_unstable();
    if v.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::DuplicateId);
    }
    Ok(v)
}

/// A [`Request`] validated the same way for every construction.
#[cfg(feature = "alloc")]
pub(crate) struct CheckedRequest {
    /// The targets, sorted, no duplicates.
    pub targets: Vec<ReceiverId>,
    /// The registry, sorted, no duplicates.
    pub registry: Option<Vec<ReceiverId>>,
    /// The registry's ids that are not targets, sorted (empty without a
    /// registry).
    pub non_targets: Vec<ReceiverId>,
}

#[cfg(feature = "alloc")]
impl Request<'_> {
    /// Refuse an empty or duplicated target list, a duplicated registry and
    /// sizes over the wire limits.
    pub(crate) fn check(&self) -> Result<CheckedRequest> {
        use crate::wire::{MAX_ENTRIES, MAX_PAYLOAD_LEN};
        if self.targets.is_empty() {
            return Err(Error::NoTargets);
        }
        if self.payload.len() > MAX_PAYLOAD_LEN {
            return Err(Error::TooLarge {
                field: "payload length",
                max: MAX_PAYLOAD_LEN as u64,
            });
        }
        if self.targets.len() > MAX_ENTRIES {
            return Err(Error::TooLarge {
                field: "entry count",
                max: MAX_ENTRIES as u64,
            });
        }
        let targets = sorted_unique(self.targets)?;
        let registry = self.registry.map(sorted_unique).transpose()?;
        let non_targets = registry
            .iter()
            .flatten()
            .copied()
            .filter(|id| targets.binary_search(id).is_err())
            .collect();
        Ok(CheckedRequest {
            targets,
            registry,
            non_targets,
        })
    }
}
