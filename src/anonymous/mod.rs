//! The MAC-based anonymous construction (TR.ba-iot "MAC-based";
//! Watanabe-Yanai-Shikata anonymous broadcast authentication).
//!
//! * **Setup** draws a 32-byte master key `K`.
//! * **Join(id)** derives the device's MAC key `K_id` and locator key `y_id`
//!   from `K` with HMAC-SHA-256 and distinct labels ([`DeviceKeys`]), so the
//!   sender needs no per-device table (a [`SenderCache`] of precomputed HMAC
//!   states is an optimisation).
//! * **Authenticate** draws a fresh 16-byte random value `r`, hashes the
//!   header and payload once into `d`, and writes for each target a locator
//!   `gamma = HMAC(y_id, "locator" || r)` and a tag
//!   `tau = HMAC(K_id, "designated" || d)`, truncated. The
//!   [reference layout](Layout::Reference) lists the `(gamma, tau)` entries
//!   sorted (a uniformly random order that allows binary search); the
//!   [Bloom layout](Layout::Bloom) inserts the tags into a Bloom filter salted
//!   with `r`.
//! * **Verify** recomputes its own locator and tag, finds them, and compares
//!   the tag in constant time. It never allocates.
//!
//! Security, in one paragraph (details and proof sketches in
//! `docs/anonymous.md`): with tags of `t` bits, a forger who does not hold
//! `K_id` (outsiders and any coalition of other receivers) makes a given
//! target accept a message the sender did not authenticate for it with
//! probability at most `4 * 2^-t` per attempt in the reference layout (a
//! receiver checks at most [`MAX_LOCATOR_RUN`] entries carrying its locator,
//! and refuses tags shorter than [`ReceiverPolicy::min_tag_len`]), and at most
//! the receiver's [`ReceiverPolicy::max_acceptance`] (default `2^-20`) in the
//! Bloom layout. The forger chooses the layout, so a receiver's bound is the
//! maximum over the layouts it accepts: by default only the reference layout
//! (a Bloom-layout broadcast is refused with [`Error::LayoutRefused`]); a
//! fleet that broadcasts in the Bloom layout gives its receivers
//! [`ReceiverPolicy::bloom`], and their bound is then `max_acceptance` for
//! both layouts. Under PRF security of HMAC-SHA-256 the entries (or the
//! filter) are independent of *which* receivers are designated; [`Mode`]
//! decides whether their *number* shows.
//!
//! The wire format is specified byte by byte in `docs/anonymous.md`.

mod prf;
#[cfg(feature = "alloc")]
mod sender;

pub use prf::{
    DESIGNATED, DeviceKeys, DeviceStates, HmacState, KEY_LEN, LOCATOR_KEY_LABEL, LOCATOR_LABEL,
    MAC_KEY_LABEL, MasterKey, NOT_DESIGNATED,
};
#[cfg(feature = "alloc")]
pub use sender::SenderCache;

use core::fmt;

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::scheme::{BroadcastAuth, ReceiverId, Verified};
use crate::subset::{BloomParams, BloomRef, BloomSizing, Probability};
use crate::wire::{MAX_ENTRIES, MAX_PAYLOAD_LEN, Reader, read_prefix, scheme_id};

#[cfg(feature = "alloc")]
use crate::scheme::Request;
#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// Length of the per-broadcast random value `r` (also the Bloom salt).
pub const RANDOM_LEN: usize = 16;

/// Domain label that starts the digest
/// `d = SHA-256(label || u32 payload length || payload || header)`.
pub const DIGEST_LABEL: &[u8] = b"ba-iot/v1/anon/digest";

/// Layout byte: sorted `(locator, tag)` entries.
pub const LAYOUT_REFERENCE: u8 = 0x00;
/// Layout byte: a Bloom filter of tags.
pub const LAYOUT_BLOOM: u8 = 0x01;

/// Mode byte: weak anonymity (entries for the targets only).
pub const MODE_WEAK: u8 = 0x00;
/// Mode byte: strong anonymity, one entry per enrolled device.
pub const MODE_STRONG_REGISTRY: u8 = 0x01;
/// Mode byte: strong anonymity, padded to a size class.
pub const MODE_STRONG_PADDED: u8 = 0x02;

/// Shortest locator, in bytes.
pub const MIN_LOCATOR_LEN: u8 = 4;
/// Longest locator, in bytes.
pub const MAX_LOCATOR_LEN: u8 = 16;
/// Shortest tag, in bytes (a forgery bound of `2^-62` per attempt).
pub const MIN_TAG_LEN: u8 = 8;
/// Longest tag, in bytes (a full HMAC-SHA-256 output).
pub const MAX_TAG_LEN: u8 = 32;

/// Length of the element inserted into a Bloom filter: the designated (or
/// non-designated) tag truncated to 16 bytes.
pub const BLOOM_ELEMENT_LEN: usize = 16;

/// A receiver checks at most this many entries carrying its own locator
/// (locators are short, so distinct devices may share one); it refuses a
/// broadcast with more. Honest senders never produce longer runs (they
/// re-draw `r`), and the limit caps a forger's guesses per broadcast.
pub const MAX_LOCATOR_RUN: usize = 4;

/// Header length of the reference layout (up to and including the count).
pub const REFERENCE_HEADER_LEN: usize = 4 + 8 + RANDOM_LEN + 2 + 4;
/// Header length of the Bloom layout (up to and including the hash count).
pub const BLOOM_HEADER_LEN: usize = 4 + 8 + RANDOM_LEN + 4 + 1;

/// The MAC-based anonymous construction. See the [module docs](self).
///
/// ```
/// use ba_iot::{BroadcastAuth, ReceiverId, Request};
/// use ba_iot::anonymous::{Anonymous, AnonOptions};
/// # use rand_chacha::rand_core::SeedableRng;
/// # let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
/// let sender = Anonymous::setup(&mut rng);
/// let alice = Anonymous::join(&sender, ReceiverId(1));
/// let bob = Anonymous::join(&sender, ReceiverId(2));
///
/// let targets = [ReceiverId(1), ReceiverId(5)];
/// let request = Request::new(&targets, b"open valve", 42);
/// let bytes = Anonymous::authenticate(&sender, &request, &AnonOptions::default(), &mut rng)?;
///
/// let ok = Anonymous::verify(&alice, &bytes)?;
/// assert_eq!((ok.seq, ok.payload), (42, &b"open valve"[..]));
/// assert_eq!(Anonymous::verify(&bob, &bytes), Err(ba_iot::Error::Rejected));
/// # Ok::<(), ba_iot::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Anonymous;

/// How the designated entries are laid out.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Layout {
    /// `(locator, tag)` entries sorted by locator (the TR's layout). No false
    /// positives beyond `2^-(8 (locator_len + tag_len))`-order collisions;
    /// `locator_len + tag_len` bytes per entry.
    Reference {
        /// Locator length in bytes, [`MIN_LOCATOR_LEN`]..=[`MAX_LOCATOR_LEN`].
        locator_len: u8,
        /// Tag length in bytes, [`MIN_TAG_LEN`]..=[`MAX_TAG_LEN`].
        tag_len: u8,
    },
    /// A Bloom filter of the tags, salted with `r`. About
    /// `1.44 log2(1/eps)` bits per entry; false positives at rate `eps`.
    /// Receivers accept it only under a policy that accepts the Bloom layout
    /// ([`ReceiverPolicy::bloom`]).
    Bloom(BloomSizing),
}

impl Layout {
    /// The reference layout with 4-byte locators and 16-byte tags (20 bytes
    /// per entry).
    pub const fn reference() -> Self {
        Layout::Reference {
            locator_len: 4,
            tag_len: 16,
        }
    }

    /// The Bloom layout sized for a false-positive rate of `2^-21`, which
    /// passes the bound `2^-20` of [`ReceiverPolicy::bloom`] (about 30.3 bits
    /// per entry).
    pub const fn bloom() -> Self {
        Layout::Bloom(BloomSizing::FalsePositiveRate(1.0 / 2_097_152.0))
    }
}

/// The size class of [`Mode::StrongPadded`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SizeClass {
    /// Pad to the next power of two: hides `|S|` within `(2^(j-1), 2^j]`.
    PowerOfTwo,
    /// Pad to exactly this many entries: hides `|S|` entirely among
    /// `1..=count`; more targets than `count` is an error.
    Fixed(u32),
}

impl SizeClass {
    /// The padded number of entries for `n` targets.
    pub fn padded(&self, n: usize) -> Result<usize> {
        let c = match *self {
            SizeClass::PowerOfTwo => {
                n.max(1)
                    .checked_next_power_of_two()
                    .ok_or(Error::TooLarge {
                        field: "entry count",
                        max: MAX_ENTRIES as u64,
                    })?
            }
            SizeClass::Fixed(c) => {
                let c = c as usize;
                if n > c {
                    return Err(Error::InvalidParameter(
                        "more targets than the fixed size class",
                    ));
                }
                c
            }
        };
        if c > MAX_ENTRIES {
            return Err(Error::TooLarge {
                field: "entry count",
                max: MAX_ENTRIES as u64,
            });
        }
        Ok(c)
    }
}

/// What the broadcast's size and contents reveal about the designated set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// Entries for the targets only: *which* receivers are designated is
    /// hidden, `|S|` shows (entry count, or filter size and fill).
    Weak,
    /// One entry per enrolled device (needs [`Request::registry`]; every
    /// target must be enrolled): non-targets carry a tag over
    /// "not designated". Hides `|S|` entirely; size grows with `N`.
    StrongRegistry,
    /// Random entries (reference layout) or random dummy elements (Bloom
    /// layout) up to a size class: hides `|S|` within the class.
    StrongPadded(SizeClass),
}

impl Mode {
    #[cfg(feature = "alloc")]
    fn wire(&self) -> u8 {
        match self {
            Mode::Weak => MODE_WEAK,
            Mode::StrongRegistry => MODE_STRONG_REGISTRY,
            Mode::StrongPadded(_) => MODE_STRONG_PADDED,
        }
    }
}

/// Sender options.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct AnonOptions {
    /// Entry layout. Default [`Layout::reference`].
    pub layout: Layout,
    /// Anonymity mode. Default [`Mode::Weak`].
    pub mode: Mode,
    /// When the request carries a registry, re-draw `r` until no non-target
    /// would accept (zero false positives). Default `true`.
    pub zero_false_positives: bool,
    /// How many random values to try (zero false positives, Bloom
    /// acceptance bound, locator runs). Default 256.
    pub max_tries: u32,
    /// The largest Bloom acceptance bound receivers enforce; the sender
    /// re-draws rather than send a filter above it. Default: the receivers'
    /// default (`2^-20`).
    pub max_acceptance: Probability,
}

impl Default for AnonOptions {
    fn default() -> Self {
        AnonOptions {
            layout: Layout::reference(),
            mode: Mode::Weak,
            zero_false_positives: true,
            max_tries: 256,
            max_acceptance: ReceiverPolicy::default().max_acceptance,
        }
    }
}

impl AnonOptions {
    /// Defaults with this layout and mode.
    pub fn new(layout: Layout, mode: Mode) -> Self {
        AnonOptions {
            layout,
            mode,
            ..Self::default()
        }
    }
}

/// What a receiver enforces.
///
/// The layout byte is chosen by whoever writes the bytes, so a receiver's
/// forgery bound is the weakest of the layouts it accepts: a receiver that
/// accepted Bloom filters would accept a forger's filter with probability up
/// to `max_acceptance` per attempt, whatever tag length its fleet uses. The
/// default accepts the reference layout only; a fleet that broadcasts in the
/// Bloom layout provisions its receivers with [`ReceiverPolicy::bloom`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverPolicy {
    /// Accept Bloom-layout broadcasts. Default `false`; refused with
    /// [`Error::LayoutRefused`].
    pub accept_bloom: bool,
    /// Refuse ([`Error::FilterTooDense`]) a Bloom filter whose acceptance
    /// bound `(set/m)^k` exceeds this. It is the Bloom layout's forgery
    /// probability per attempt. Default `2^-20`.
    pub max_acceptance: Probability,
    /// Refuse ([`Error::Rejected`]) reference-layout broadcasts with tags
    /// shorter than this many bytes. Default [`MIN_TAG_LEN`].
    pub min_tag_len: u8,
}

impl Default for ReceiverPolicy {
    fn default() -> Self {
        ReceiverPolicy {
            accept_bloom: false,
            max_acceptance: Probability::pow2_neg(20),
            min_tag_len: MIN_TAG_LEN,
        }
    }
}

impl ReceiverPolicy {
    /// The policy of a fleet that broadcasts in the Bloom layout: Bloom
    /// filters accepted up to the default bound `2^-20` (which is then the
    /// forgery probability per attempt, for both layouts).
    pub fn bloom() -> Self {
        ReceiverPolicy {
            accept_bloom: true,
            ..Self::default()
        }
    }
}

/// The sender's key: the master key, its precomputed HMAC state, and
/// optionally a [`SenderCache`] of every enrolled device's states.
#[derive(Clone)]
pub struct AnonSenderKey {
    master: MasterKey,
    state: HmacState,
    #[cfg(feature = "alloc")]
    cache: Option<SenderCache>,
}

impl AnonSenderKey {
    /// The sender key of `master` (no cache).
    pub fn new(master: MasterKey) -> Self {
        let state = HmacState::new(master.expose_secret());
        AnonSenderKey {
            master,
            state,
            #[cfg(feature = "alloc")]
            cache: None,
        }
    }

    /// The master key.
    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// Derive the keys of device `id`.
    pub fn device_keys(&self, id: ReceiverId) -> DeviceKeys {
        DeviceKeys::derive(&self.state, id)
    }

    /// The precomputed states of device `id`: from the cache when present,
    /// derived otherwise.
    pub fn device_states(&self, id: ReceiverId) -> DeviceStates {
        #[cfg(feature = "alloc")]
        if let Some(s) = self.cache.as_ref().and_then(|c| c.get(id)) {
            return s.clone();
        }
        DeviceStates::derive(&self.state, id)
    }

    /// Build a [`SenderCache`] over `registry` and keep it: authenticate then
    /// costs two PRFs (four compressions) per entry.
    #[cfg(feature = "alloc")]
    pub fn with_cache(mut self, registry: &[ReceiverId]) -> Result<Self> {
        self.cache = Some(SenderCache::build(self.master(), registry)?);
        Ok(self)
    }

    /// The cache, if any.
    #[cfg(feature = "alloc")]
    pub fn cache(&self) -> Option<&SenderCache> {
        self.cache.as_ref()
    }

    /// Drop the cache (authenticate derives keys again).
    #[cfg(feature = "alloc")]
    pub fn without_cache(mut self) -> Self {
        self.cache = None;
        self
    }

    #[cfg(feature = "alloc")]
    pub(crate) fn master_state(&self) -> &HmacState {
        &self.state
    }
}

impl fmt::Debug for AnonSenderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("AnonSenderKey");
        #[cfg(feature = "alloc")]
        d.field("cached_devices", &self.cache.as_ref().map(SenderCache::len));
        d.finish_non_exhaustive()
    }
}

/// A receiver's key: its id, its two PRF states, and its policy.
#[derive(Clone)]
pub struct AnonReceiverKey {
    /// This receiver's id.
    pub id: ReceiverId,
    states: DeviceStates,
    /// What it enforces.
    pub policy: ReceiverPolicy,
}

impl AnonReceiverKey {
    /// A receiver key from provisioned device keys (default policy).
    pub fn new(id: ReceiverId, keys: &DeviceKeys) -> Self {
        AnonReceiverKey {
            id,
            states: DeviceStates::new(keys),
            policy: ReceiverPolicy::default(),
        }
    }

    /// Replace the policy.
    pub fn with_policy(mut self, policy: ReceiverPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The precomputed PRF states.
    pub fn states(&self) -> &DeviceStates {
        &self.states
    }
}

impl fmt::Debug for AnonReceiverKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnonReceiverKey")
            .field("id", &self.id)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Sorted `(locator, tag)` entries borrowed from the wire.
#[derive(Clone, Copy, Debug)]
pub struct EntryList<'a> {
    locator_len: usize,
    tag_len: usize,
    bytes: &'a [u8],
}

impl<'a> EntryList<'a> {
    /// Locator length in bytes.
    pub fn locator_len(&self) -> usize {
        self.locator_len
    }

    /// Tag length in bytes.
    pub fn tag_len(&self) -> usize {
        self.tag_len
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.bytes.len() / (self.locator_len + self.tag_len)
    }

    /// Never true for a decoded list.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The entry bytes (`locator || tag`, concatenated, ascending).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Entry `i` as `(locator, tag)`.
    pub fn get(&self, i: usize) -> Option<(&'a [u8], &'a [u8])> {
        let e = self.locator_len + self.tag_len;
        let start = i.checked_mul(e)?;
        let entry = self.bytes.get(start..start.checked_add(e)?)?;
        Some(entry.split_at(self.locator_len))
    }

    /// Index of the first entry whose locator is `>= locator`.
    pub fn lower_bound(&self, locator: &[u8]) -> usize {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some((l, _)) if l < locator => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }

    /// Does an entry carry exactly `(locator, tag)`? Checks every entry
    /// with this locator (at most [`MAX_LOCATOR_RUN`]; more is refused)
    /// comparing tags in constant time.
    pub fn contains(&self, locator: &[u8], tag: &[u8]) -> bool {
        let mut found = Choice::from(0u8);
        let mut i = self.lower_bound(locator);
        let mut run = 0usize;
        while let Some((l, t)) = self.get(i) {
            if l != locator {
                break;
            }
            if run == MAX_LOCATOR_RUN {
                return false;
            }
            found |= t.ct_eq(tag);
            run += 1;
            i += 1;
        }
        found.into()
    }

    fn read(r: &mut Reader<'a>, locator_len: u8, tag_len: u8, count: u32) -> Result<Self> {
        if !(MIN_LOCATOR_LEN..=MAX_LOCATOR_LEN).contains(&locator_len) {
            return Err(Error::NonCanonical("locator length outside 4..=16"));
        }
        if !(MIN_TAG_LEN..=MAX_TAG_LEN).contains(&tag_len) {
            return Err(Error::NonCanonical("tag length outside 8..=32"));
        }
        let count = count as usize;
        if count > MAX_ENTRIES {
            return Err(Error::TooLarge {
                field: "entry count",
                max: MAX_ENTRIES as u64,
            });
        }
        if count == 0 {
            return Err(Error::NonCanonical("empty entry list"));
        }
        let e = usize::from(locator_len) + usize::from(tag_len);
        let bytes = r.take(count.checked_mul(e).ok_or(Error::Truncated)?)?;
        let mut prev: Option<&[u8]> = None;
        for entry in bytes.chunks_exact(e) {
            if prev.is_some_and(|p| p >= entry) {
                return Err(Error::NonCanonical("entries not strictly ascending"));
            }
            prev = Some(entry);
        }
        Ok(EntryList {
            locator_len: usize::from(locator_len),
            tag_len: usize::from(tag_len),
            bytes,
        })
    }
}

/// The entries of a decoded broadcast.
#[derive(Clone, Copy, Debug)]
pub enum Entries<'a> {
    /// Sorted `(locator, tag)` entries.
    Reference(EntryList<'a>),
    /// A Bloom filter of tags.
    Bloom(BloomRef<'a>),
}

/// A strictly decoded anonymous broadcast (not yet verified).
#[derive(Clone, Copy, Debug)]
pub struct AnonBroadcast<'a> {
    /// The mode byte ([`MODE_WEAK`], [`MODE_STRONG_REGISTRY`] or
    /// [`MODE_STRONG_PADDED`]); informative, authenticated.
    pub mode: u8,
    /// The sequence number.
    pub seq: u64,
    /// The per-broadcast random value (the Bloom salt).
    pub random: &'a [u8; RANDOM_LEN],
    /// The entries or the filter.
    pub entries: Entries<'a>,
    /// The payload.
    pub payload: &'a [u8],
    /// The header bytes: from the version byte up to the entries.
    pub header: &'a [u8],
}

impl<'a> AnonBroadcast<'a> {
    /// Decode `bytes` as a v1 anonymous broadcast with every canonicality
    /// check (including the strict order of entries); no allocation.
    pub fn decode(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        read_prefix(&mut r, scheme_id::MAC_ANONYMOUS)?;
        let layout = r.u8()?;
        let mode = r.u8()?;
        if !matches!(mode, MODE_WEAK | MODE_STRONG_REGISTRY | MODE_STRONG_PADDED) {
            return Err(Error::UnknownEncoding(mode));
        }
        let seq = r.u64()?;
        let random: &[u8; RANDOM_LEN] = r
            .take(RANDOM_LEN)?
            .try_into()
            .map_err(|_| Error::Truncated)?;
        let (header, entries) = match layout {
            LAYOUT_REFERENCE => {
                let locator_len = r.u8()?;
                let tag_len = r.u8()?;
                let count = r.u32()?;
                let header = bytes.get(..REFERENCE_HEADER_LEN).ok_or(Error::Truncated)?;
                let list = EntryList::read(&mut r, locator_len, tag_len, count)?;
                (header, Entries::Reference(list))
            }
            LAYOUT_BLOOM => {
                let bits = r.u32()?;
                let hashes = r.u8()?;
                let params = BloomParams::new(bits, hashes)?;
                let header = bytes.get(..BLOOM_HEADER_LEN).ok_or(Error::Truncated)?;
                let filter = BloomRef::new(params, r.take(params.byte_len())?)?;
                (header, Entries::Bloom(filter))
            }
            b => return Err(Error::UnknownEncoding(b)),
        };
        let payload = r.bytes_u32("payload length", MAX_PAYLOAD_LEN)?;
        r.finish()?;
        Ok(AnonBroadcast {
            mode,
            seq,
            random,
            entries,
            payload,
            header,
        })
    }

    /// The digest every tag covers.
    pub fn digest(&self) -> [u8; 32] {
        digest(self.header, self.payload)
    }

    /// Is this broadcast accepted by the holder of `states` under `policy`?
    /// [`Error::LayoutRefused`] for the Bloom layout unless the policy
    /// accepts it, [`Error::FilterTooDense`] for a Bloom filter above the
    /// policy's bound, [`Error::Rejected`] when not accepted.
    pub fn check(&self, states: &DeviceStates, policy: &ReceiverPolicy) -> Result<()> {
        let accepted = match self.entries {
            Entries::Reference(list) => {
                if list.tag_len() < usize::from(policy.min_tag_len) {
                    return Err(Error::Rejected);
                }
                let d = self.digest();
                let locator = states.locator(self.random);
                let tag = states.designated_tag(&d);
                match (locator.get(..list.locator_len()), tag.get(..list.tag_len())) {
                    (Some(l), Some(t)) => list.contains(l, t),
                    _ => false,
                }
            }
            Entries::Bloom(filter) => {
                if !policy.accept_bloom {
                    return Err(Error::LayoutRefused);
                }
                if filter.acceptance_bound() > policy.max_acceptance {
                    return Err(Error::FilterTooDense);
                }
                let d = self.digest();
                let tag = Zeroizing::new(bloom_tag(&states.designated_tag(&d)));
                // The tag is secret: read the filter in a fixed order.
                filter.contains_oblivious(self.random, &*tag)?
            }
        };
        if accepted {
            Ok(())
        } else {
            Err(Error::Rejected)
        }
    }
}

/// `d = SHA-256(DIGEST_LABEL || u32 BE payload length || payload || header)`.
///
/// The payload comes first so that a sender who re-draws `r` hashes it
/// only once (it resumes from the state after the payload).
pub fn digest(header: &[u8], payload: &[u8]) -> [u8; 32] {
    let mut h = payload_state(payload);
    h.update(header);
    h.finalize().into()
}

pub(crate) fn payload_state(payload: &[u8]) -> Sha256 {
    let mut h = Sha256::new();
    h.update(DIGEST_LABEL);
    // Payloads are at most MAX_PAYLOAD_LEN (< 2^32) bytes; saturate otherwise.
    h.update(
        u32::try_from(payload.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    h.update(payload);
    h
}

/// A full tag truncated to the Bloom element length.
pub(crate) fn bloom_tag(tag: &[u8; 32]) -> [u8; BLOOM_ELEMENT_LEN] {
    let mut t = [0u8; BLOOM_ELEMENT_LEN];
    t.copy_from_slice(&tag[..BLOOM_ELEMENT_LEN]);
    t
}

impl BroadcastAuth for Anonymous {
    type SenderKey = AnonSenderKey;
    type ReceiverKey = AnonReceiverKey;
    type Options = AnonOptions;

    fn setup<R: CryptoRng + ?Sized>(rng: &mut R) -> Self::SenderKey {
        AnonSenderKey::new(MasterKey::generate(rng))
    }

    fn join(sender: &Self::SenderKey, id: ReceiverId) -> Self::ReceiverKey {
        AnonReceiverKey {
            id,
            states: sender.device_states(id),
            policy: ReceiverPolicy::default(),
        }
    }

    #[cfg(feature = "alloc")]
    fn authenticate<R: CryptoRng + ?Sized>(
        sender: &Self::SenderKey,
        request: &Request<'_>,
        options: &Self::Options,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        sender::authenticate(sender, request, options, rng)
    }

    fn verify<'a>(receiver: &Self::ReceiverKey, broadcast: &'a [u8]) -> Result<Verified<'a>> {
        let b = AnonBroadcast::decode(broadcast)?;
        b.check(&receiver.states, &receiver.policy)?;
        Ok(Verified {
            seq: b.seq,
            payload: b.payload,
        })
    }
}
