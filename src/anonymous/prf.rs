//! Keys and the PRF of the anonymous construction: HMAC-SHA-256 with
//! precomputed key states, driven directly through the SHA-256 compression
//! function.
//!
//! An [`HmacState`] holds the two SHA-256 chaining values reached after
//! absorbing the key block XOR `ipad` and the key block XOR `opad`. From
//! there, an HMAC over a message of at most 55 bytes costs exactly two
//! compressions: one for the inner hash (message plus padding fit in one
//! block) and one for the outer hash (the 32-byte inner digest plus padding).
//! Every PRF input of this construction is at most 55 bytes. The output is
//! exactly HMAC-SHA-256 (RFC 2104) for any key and message length.

use core::fmt;

use sha2::block_api::compress256;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::scheme::ReceiverId;
use crate::sha256::IV;

/// Domain label of the MAC-key derivation: `K_id = HMAC(K, label || id)`.
pub const MAC_KEY_LABEL: &[u8] = b"ba-iot/v1/anon/mac-key";
/// Domain label of the locator-key derivation: `y_id = HMAC(K, label || id)`.
pub const LOCATOR_KEY_LABEL: &[u8] = b"ba-iot/v1/anon/locator-key";
/// Prefix of the locator PRF input: `gamma = HMAC(y_id, "locator" || r)`.
pub const LOCATOR_LABEL: &[u8] = b"locator";
/// Prefix of a designated tag: `tau = HMAC(K_id, "designated" || d)`.
pub const DESIGNATED: &[u8] = b"designated";
/// Prefix of a non-designated tag (strong anonymity over the registry):
/// `HMAC(K_id, "not designated" || d)`.
pub const NOT_DESIGNATED: &[u8] = b"not designated";

/// Length of the master key and of each derived device key.
pub const KEY_LEN: usize = 32;

/// A streaming SHA-256 that starts from an arbitrary chaining value.
struct Stream {
    state: [u32; 8],
    buf: [u8; 64],
    fill: usize,
    /// Bytes absorbed before `buf` (whole blocks, including the key block).
    absorbed: u64,
}

impl Stream {
    /// Resume from `state`, reached after one 64-byte block.
    fn after_one_block(state: [u32; 8]) -> Self {
        Stream {
            state,
            buf: [0; 64],
            fill: 0,
            absorbed: 64,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let room = 64 - self.fill;
            let take = room.min(data.len());
            let (now, rest) = data.split_at(take);
            self.buf[self.fill..self.fill + take].copy_from_slice(now);
            self.fill += take;
            data = rest;
            if self.fill == 64 {
                compress256(&mut self.state, core::slice::from_ref(&self.buf));
                self.absorbed += 64;
                self.fill = 0;
            }
        }
    }

    fn finish(mut self) -> [u8; 32] {
        let bit_len = (self.absorbed + self.fill as u64) * 8;
        self.buf[self.fill] = 0x80;
        self.buf[self.fill + 1..].fill(0);
        if self.fill >= 56 {
            compress256(&mut self.state, core::slice::from_ref(&self.buf));
            self.buf = [0; 64];
        }
        self.buf[56..].copy_from_slice(&bit_len.to_be_bytes());
        compress256(&mut self.state, core::slice::from_ref(&self.buf));
        state_bytes(&self.state)
    }
}

/// The big-endian bytes of a chaining value (the digest, after the last
/// block).
fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state.iter()) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Bit length of a message of one key block plus `n` bytes.
const fn bit_len_after_key_block(n: usize) -> [u8; 8] {
    ((64 + n as u64) * 8).to_be_bytes()
}

/// HMAC-SHA-256 under one key, with the key's inner and outer SHA-256 states
/// precomputed.
///
/// [`mac`](Self::mac) over at most 55 bytes costs two SHA-256 compressions.
/// The states are as secret as the key (they let anyone compute the MAC):
/// they are zeroized on drop and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct HmacState {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacState {
    /// Precompute the states of `key` (any length; keys over 64 bytes are
    /// hashed first, as RFC 2104 says). Costs two compressions.
    pub fn new(key: &[u8]) -> Self {
        let mut block = Zeroizing::new([0u8; 64]);
        if key.len() > 64 {
            let h = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(key)));
            block[..32].copy_from_slice(&h[..]);
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let mut pad = Zeroizing::new([0u8; 64]);
        for (p, k) in pad.iter_mut().zip(block.iter()) {
            *p = k ^ 0x36;
        }
        let mut inner = IV;
        compress256(&mut inner, core::slice::from_ref(&*pad));
        for (p, k) in pad.iter_mut().zip(block.iter()) {
            *p = k ^ 0x5c;
        }
        let mut outer = IV;
        compress256(&mut outer, core::slice::from_ref(&*pad));
        HmacState { inner, outer }
    }

    /// HMAC-SHA-256 of `msg`.
    pub fn mac(&self, msg: &[u8]) -> [u8; 32] {
        self.mac2(msg, &[])
    }

    /// HMAC-SHA-256 of `a || b` (without copying them together first).
    ///
    /// When `a || b` is at most 55 bytes this is exactly two compressions
    /// on stack blocks. Stack temporaries hold public inputs, padding and
    /// the inner digest, not the key; they are not zeroized (the hot path
    /// of the sender runs this per entry).
    pub fn mac2(&self, a: &[u8], b: &[u8]) -> [u8; 32] {
        let n = a.len() + b.len();
        if n <= 55 {
            let mut block = [0u8; 64];
            block[..a.len()].copy_from_slice(a);
            block[a.len()..n].copy_from_slice(b);
            block[n] = 0x80;
            block[56..].copy_from_slice(&bit_len_after_key_block(n));
            let mut inner = self.inner;
            compress256(&mut inner, core::slice::from_ref(&block));
            let mut outer_block = [0u8; 64];
            outer_block[..32].copy_from_slice(&state_bytes(&inner));
            outer_block[32] = 0x80;
            outer_block[56..].copy_from_slice(&bit_len_after_key_block(32));
            let mut outer = self.outer;
            compress256(&mut outer, core::slice::from_ref(&outer_block));
            return state_bytes(&outer);
        }
        let mut s = Stream::after_one_block(self.inner);
        s.update(a);
        s.update(b);
        let inner = s.finish();
        let mut o = Stream::after_one_block(self.outer);
        o.update(&inner);
        o.finish()
    }
}

impl fmt::Debug for HmacState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacState { .. }")
    }
}

/// The sender's master key `K` (32 bytes). Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

impl MasterKey {
    /// Wrap 32 secret bytes (for instance restored from secure storage).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        MasterKey(bytes)
    }

    /// Draw a fresh master key.
    pub fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut k = [0u8; KEY_LEN];
        rng.fill_bytes(&mut k);
        MasterKey(k)
    }

    /// The secret bytes (to store them; handle with care).
    pub fn expose_secret(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Derive the keys of device `id` (two HMAC-SHA-256 calls).
    pub fn device_keys(&self, id: ReceiverId) -> DeviceKeys {
        DeviceKeys::derive(&HmacState::new(&self.0), id)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey { .. }")
    }
}

/// The two keys of one device, derived from the master key:
/// `K_id = HMAC(K, "ba-iot/v1/anon/mac-key" || id)` and
/// `y_id = HMAC(K, "ba-iot/v1/anon/locator-key" || id)`, with `id` as 8
/// bytes big-endian. This is what a device is provisioned with at Join.
/// Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DeviceKeys {
    /// The MAC key `K_id`.
    pub mac: [u8; KEY_LEN],
    /// The locator key `y_id`.
    pub locator: [u8; KEY_LEN],
}

impl DeviceKeys {
    /// Derive from the master key's precomputed state.
    pub(crate) fn derive(master: &HmacState, id: ReceiverId) -> Self {
        let idb = id.to_bytes();
        DeviceKeys {
            mac: master.mac2(MAC_KEY_LABEL, &idb),
            locator: master.mac2(LOCATOR_KEY_LABEL, &idb),
        }
    }
}

impl fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceKeys { .. }")
    }
}

/// One device's PRFs with precomputed states: the locator PRF (key `y_id`)
/// and the tag PRF (key `K_id`). Each evaluation costs two SHA-256
/// compressions. Secret; zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DeviceStates {
    mac: HmacState,
    locator: HmacState,
}

impl DeviceStates {
    /// Precompute the states of `keys` (four compressions).
    pub fn new(keys: &DeviceKeys) -> Self {
        DeviceStates {
            mac: HmacState::new(&keys.mac),
            locator: HmacState::new(&keys.locator),
        }
    }

    /// Derive the keys of `id` from the master key's state and precompute
    /// their states (eight compressions).
    pub(crate) fn derive(master: &HmacState, id: ReceiverId) -> Self {
        Self::new(&DeviceKeys::derive(master, id))
    }

    /// The full (untruncated) locator `HMAC(y_id, "locator" || r)`.
    pub fn locator(&self, random: &[u8]) -> [u8; 32] {
        self.locator.mac2(LOCATOR_LABEL, random)
    }

    /// The full (untruncated) designated tag `HMAC(K_id, "designated" || d)`.
    pub fn designated_tag(&self, digest: &[u8; 32]) -> [u8; 32] {
        self.mac.mac2(DESIGNATED, digest)
    }

    /// The full non-designated tag `HMAC(K_id, "not designated" || d)`.
    pub fn not_designated_tag(&self, digest: &[u8; 32]) -> [u8; 32] {
        self.mac.mac2(NOT_DESIGNATED, digest)
    }
}

impl fmt::Debug for DeviceStates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceStates { .. }")
    }
}
