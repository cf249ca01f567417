//! Keys, tags and the **Device** role.
//!
//! A tag is HMAC-SHA-256 under the device key over the canonical encoding
//!
//! ```text
//! "ba-iot/v1/x1366-tag\0" || id (u64 BE) || counter (u64 BE) || len (u32 BE) || payload
//! ```
//!
//! truncated to the configured [`TagLength`] (32 bytes by default, never fewer
//! than 16). Device keys are derived from a verifier-side [`MasterKey`] as
//! `HMAC-SHA-256(master, "ba-iot/v1/x1366-device-key\0" || id (u64 BE))`, so the
//! verifier needs no per-device table ([`KeyTable`] is an optional cache of
//! prepared HMAC states).

use alloc::collections::BTreeMap;
use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{LABEL_DEVICE_KEY, LABEL_TAG, MAX_MESSAGE_PAYLOAD, TagEntry};
use crate::error::{Error, Result};
use crate::scheme::ReceiverId;

type HmacSha256 = Hmac<Sha256>;

/// Shortest tag this crate accepts, in bytes (128 bits).
pub const MIN_TAG_LEN: usize = 16;
/// Longest (full, untruncated) tag, in bytes.
pub const MAX_TAG_LEN: usize = 32;

/// How many leading bytes of the HMAC-SHA-256 output a tag keeps: 16 to 32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagLength(u8);

impl TagLength {
    /// Full 32-byte tags (the default).
    pub const FULL: TagLength = TagLength(MAX_TAG_LEN as u8);
    /// The shortest allowed tags: 16 bytes.
    pub const MIN: TagLength = TagLength(MIN_TAG_LEN as u8);

    /// A tag length of `bytes`; [`Error::InvalidParameter`] outside `16..=32`.
    pub fn new(bytes: usize) -> Result<Self> {
        if (MIN_TAG_LEN..=MAX_TAG_LEN).contains(&bytes) {
            Ok(TagLength(bytes as u8))
        } else {
            Err(Error::InvalidParameter("tag length must be 16..=32 bytes"))
        }
    }

    /// The length in bytes.
    pub const fn get(self) -> usize {
        self.0 as usize
    }
}

impl Default for TagLength {
    fn default() -> Self {
        TagLength::FULL
    }
}

/// One device's tag (16 to 32 bytes). Tags are public values: they travel
/// in the clear from device to aggregator.
#[derive(Clone, Copy)]
pub struct Tag {
    len: u8,
    bytes: [u8; MAX_TAG_LEN],
}

impl Tag {
    /// A tag from its bytes; [`Error::InvalidParameter`] unless 16 to 32 bytes.
    pub fn from_slice(b: &[u8]) -> Result<Self> {
        let len = TagLength::new(b.len())?;
        let mut bytes = [0u8; MAX_TAG_LEN];
        if let Some(dst) = bytes.get_mut(..b.len()) {
            dst.copy_from_slice(b);
        }
        Ok(Tag { len: len.0, bytes })
    }

    /// The tag bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&self.bytes)
    }

    /// The tag length.
    pub fn length(&self) -> TagLength {
        TagLength(self.len)
    }

    fn truncate(full: [u8; 32], len: TagLength) -> Self {
        let mut bytes = [0u8; MAX_TAG_LEN];
        for (d, s) in bytes.iter_mut().zip(full.iter()).take(len.get()) {
            *d = *s;
        }
        Tag { len: len.0, bytes }
    }
}

impl ConstantTimeEq for Tag {
    fn ct_eq(&self, other: &Self) -> Choice {
        // Lengths are public; only the contents are compared in constant time.
        if self.len != other.len {
            return Choice::from(0);
        }
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl PartialEq for Tag {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Tag {}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tag(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// A device's 32-byte MAC key. Wiped on drop; `Debug` prints no secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DeviceKey([u8; 32]);

impl DeviceKey {
    /// A key from its 32 bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        DeviceKey(bytes)
    }

    /// A fresh random key (for devices enrolled with independent keys).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut k = [0u8; 32];
        rng.fill_bytes(&mut k);
        DeviceKey(k)
    }

    /// The key bytes (to provision a device). Handle with care.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The prepared HMAC state (inner and outer pads already compressed).
    pub fn prepare(&self) -> PreparedKey {
        PreparedKey::new(&self.0)
    }
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceKey(..)")
    }
}

/// The verifier's 32-byte master key, from which every device key is
/// derived. Wiped on drop; `Debug` prints no secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// A master key from its 32 bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        MasterKey(bytes)
    }

    /// A fresh random master key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut k = [0u8; 32];
        rng.fill_bytes(&mut k);
        MasterKey(k)
    }

    /// The key of device `id`:
    /// `HMAC-SHA-256(master, "ba-iot/v1/x1366-device-key\0" || id (u64 BE))`.
    pub fn device_key(&self, id: ReceiverId) -> DeviceKey {
        let mut mac = mac_from_key(&self.0);
        mac.update(LABEL_DEVICE_KEY);
        mac.update(&id.to_bytes());
        DeviceKey(mac.finalize().into_bytes().into())
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

fn mac_from_key(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of every length; the error branch cannot be taken,
    // but it is handled without panicking: an all-zero-pad key would only
    // arise if the hmac crate changed its contract.
    match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => <HmacSha256 as KeyInit>::new(&Default::default()),
    }
}

/// An HMAC-SHA-256 key with its inner and outer pad states precomputed:
/// each MAC clones the state instead of re-hashing the padded key (two
/// SHA-256 compressions saved per tag).
///
/// The state is key-equivalent. It is wiped on drop only when `sha2`'s
/// `zeroize` feature is enabled in the final build.
#[derive(Clone)]
pub struct PreparedKey {
    mac: HmacSha256,
}

impl PreparedKey {
    /// Prepare raw key bytes (any length, as HMAC allows).
    pub fn new(key: &[u8]) -> Self {
        PreparedKey {
            mac: mac_from_key(key),
        }
    }

    /// Plain HMAC-SHA-256 of `data` (used for the RFC 4231 known answers and
    /// the cost floor in the benches).
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut m = self.mac.clone();
        m.update(data);
        m.finalize().into_bytes().into()
    }

    /// The tag of `(id, counter, payload)` under this key, truncated to `len`.
    ///
    /// [`Error::TooLarge`] if the payload exceeds
    /// [`MAX_MESSAGE_PAYLOAD`](super::MAX_MESSAGE_PAYLOAD).
    pub fn tag(&self, id: ReceiverId, counter: u64, payload: &[u8], len: TagLength) -> Result<Tag> {
        if payload.len() > MAX_MESSAGE_PAYLOAD {
            return Err(Error::TooLarge {
                field: "message payload",
                max: MAX_MESSAGE_PAYLOAD as u64,
            });
        }
        let mut m = self.mac.clone();
        // One update for the fixed-size header keeps the hot path to a
        // single buffer copy.
        let mut header = [0u8; LABEL_TAG.len() + 20];
        let (label, rest) = header.split_at_mut(LABEL_TAG.len());
        label.copy_from_slice(LABEL_TAG);
        let (idb, rest) = rest.split_at_mut(8);
        idb.copy_from_slice(&id.to_bytes());
        let (ctr, lenb) = rest.split_at_mut(8);
        ctr.copy_from_slice(&counter.to_be_bytes());
        lenb.copy_from_slice(&(payload.len() as u32).to_be_bytes());
        m.update(&header);
        m.update(payload);
        Ok(Tag::truncate(m.finalize().into_bytes().into(), len))
    }
}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PreparedKey(..)")
    }
}

/// Where the **Verifier** gets device keys: derived on demand from a
/// [`MasterKey`], or looked up in a [`KeyTable`].
pub trait DeviceKeys {
    /// The prepared key of device `id`, or `None` for an unknown device
    /// (whose messages then count as invalid).
    fn prepared(&self, id: ReceiverId) -> Option<PreparedKey>;
}

impl DeviceKeys for MasterKey {
    fn prepared(&self, id: ReceiverId) -> Option<PreparedKey> {
        Some(self.device_key(id).prepare())
    }
}

/// A table of prepared per-device HMAC states: an optional cache that saves
/// the key derivation and the pad compressions (four SHA-256 compressions
/// per message) at the cost of about 200 bytes per device.
#[derive(Clone, Default)]
pub struct KeyTable {
    keys: BTreeMap<ReceiverId, PreparedKey>,
}

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        KeyTable::default()
    }

    /// Prepared keys for `ids`, derived from `master`.
    pub fn derive(master: &MasterKey, ids: &[ReceiverId]) -> Self {
        let mut t = KeyTable::new();
        for &id in ids {
            t.insert(id, &master.device_key(id));
        }
        t
    }

    /// Add (or replace) the key of device `id`.
    pub fn insert(&mut self, id: ReceiverId, key: &DeviceKey) {
        self.keys.insert(id, key.prepare());
    }

    /// Number of devices.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// No devices?
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl DeviceKeys for KeyTable {
    fn prepared(&self, id: ReceiverId) -> Option<PreparedKey> {
        self.keys.get(&id).cloned()
    }
}

impl fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyTable({} devices)", self.keys.len())
    }
}

/// The **Device** role: one device's id, prepared key and tag length.
#[derive(Clone)]
pub struct Device {
    id: ReceiverId,
    key: PreparedKey,
    tag_len: TagLength,
}

impl Device {
    /// Device `id` holding `key`, producing tags of `tag_len` bytes.
    pub fn new(id: ReceiverId, key: &DeviceKey, tag_len: TagLength) -> Self {
        Device {
            id,
            key: key.prepare(),
            tag_len,
        }
    }

    /// This device's id.
    pub fn id(&self) -> ReceiverId {
        self.id
    }

    /// Tag `payload` under `counter` (which must never repeat for this
    /// device), giving the entry the device sends to the aggregator beside
    /// the payload.
    pub fn tag(&self, counter: u64, payload: &[u8]) -> Result<TagEntry> {
        let tag = self.key.tag(self.id, counter, payload, self.tag_len)?;
        Ok(TagEntry {
            id: self.id,
            counter,
            tag,
        })
    }
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Device")
            .field("id", &self.id)
            .field("tag_len", &self.tag_len)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_domain_separated_from_key_derivation() {
        let m = MasterKey::from_bytes([1; 32]);
        let id = ReceiverId(7);
        let dk = m.device_key(id);
        // Distinct ids give distinct keys; the tag is not the derived key.
        assert_ne!(dk.as_bytes(), m.device_key(ReceiverId(8)).as_bytes());
        let t = dk.prepare().tag(id, 0, b"", TagLength::FULL).unwrap();
        assert_ne!(t.as_bytes(), dk.as_bytes());
        // The counter and id are bound.
        let t1 = dk.prepare().tag(id, 1, b"", TagLength::FULL).unwrap();
        let t2 = dk
            .prepare()
            .tag(ReceiverId(8), 0, b"", TagLength::FULL)
            .unwrap();
        assert_ne!(t, t1);
        assert_ne!(t, t2);
        // Truncation keeps the prefix.
        let short = dk.prepare().tag(id, 0, b"", TagLength::MIN).unwrap();
        assert_eq!(short.as_bytes(), &t.as_bytes()[..16]);
        assert_ne!(short, t);
    }

    #[test]
    fn oversized_payload_refused() {
        let k = DeviceKey::from_bytes([0; 32]).prepare();
        let big = alloc::vec![0u8; MAX_MESSAGE_PAYLOAD + 1];
        assert!(matches!(
            k.tag(ReceiverId(1), 0, &big, TagLength::FULL),
            Err(Error::TooLarge { .. })
        ));
    }
}
