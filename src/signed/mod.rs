//! The DS-based, non-anonymous construction (TR.ba-iot "DS-based"; the
//! IoT-REX / centralised multi-designated-verifier-signature family).
//!
//! The sender signs, with one signature, a header (version, scheme, sequence
//! number, per-broadcast salt, encoding parameters), a compact encoding of the
//! designated receivers, and the payload. A receiver decodes strictly, tests
//! its own membership first (a non-target never pays for the signature check)
//! and then verifies the signature. The broadcast's size does not depend on
//! the number of enrolled receivers: with a Bloom encoding it is about
//! `1.44 log2(1/eps)` bits per target plus the signature.
//!
//! The signature scheme is a type parameter ([`SignatureBackend`]): the crate
//! ships [`Ed25519`] (RFC 8032, strict verification) and BLS12-381 (see
//! [`bls`]), and [`RustCrypto`] adapts any signer and verifier written against
//! the RustCrypto `signature` traits (ECDSA, ML-DSA, ...).
//!
//! The wire format is specified in `docs/wire-format.md`.

#[cfg(feature = "bls")]
pub mod bls;
#[cfg(feature = "ed25519")]
mod ed25519;
mod generic;

#[cfg(feature = "bls")]
pub use bls::{Bls12381MinPk, Bls12381MinSig};
#[cfg(feature = "ed25519")]
pub use ed25519::Ed25519;
pub use generic::RustCrypto;

use core::fmt;
use core::marker::PhantomData;

use rand_core::CryptoRng;

use crate::error::{Error, Result};
use crate::scheme::{BroadcastAuth, ReceiverId, Verified};
use crate::subset::idlist::IdListRef;
use crate::subset::{BloomParams, BloomRef, BloomSizing, Probability};
use crate::wire::{MAX_PAYLOAD_LEN, Reader, read_prefix};

#[cfg(feature = "alloc")]
use crate::scheme::Request;
#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// Length of the per-broadcast salt.
pub const SALT_LEN: usize = 16;

/// Encoding byte: the exact, sorted id list.
pub const ENCODING_ID_LIST: u8 = 0x00;
/// Encoding byte: a salted Bloom filter.
pub const ENCODING_BLOOM: u8 = 0x01;

/// A signature scheme the DS-based construction can use.
///
/// `sign` and `verify` see the exact bytes that are signed: the broadcast
/// from its first byte up to the signature. Implementations must reject
/// every malformed signature or key with [`Error::Rejected`] (never panic).
pub trait SignatureBackend {
    /// The scheme id written in the second byte of every broadcast.
    const SCHEME_ID: u8;
    /// Fixed length of an encoded signature, in bytes.
    const SIGNATURE_LEN: usize;
    /// The sender's secret key.
    type SigningKey;
    /// The public key every receiver holds.
    type VerifyingKey: Clone;

    /// Draw a fresh signing key.
    fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self::SigningKey;
    /// The public key of `sk`.
    fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey;
    /// Sign `msg` into `out` (exactly [`SIGNATURE_LEN`](Self::SIGNATURE_LEN)
    /// bytes).
    fn sign(sk: &Self::SigningKey, msg: &[u8], out: &mut [u8]) -> Result<()>;
    /// Verify `sig` on `msg`; [`Error::Rejected`] unless valid.
    fn verify(vk: &Self::VerifyingKey, msg: &[u8], sig: &[u8]) -> Result<()>;
}

/// The DS-based construction over signature backend `B`.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use ba_iot::{BroadcastAuth, ReceiverId, Request};
/// use ba_iot::signed::{Ds, Ed25519, DsOptions};
/// # let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
/// # use rand_chacha::rand_core::SeedableRng;
/// let sender = Ds::<Ed25519>::setup(&mut rng);
/// let alice = Ds::<Ed25519>::join(&sender, ReceiverId(1));
/// let bob = Ds::<Ed25519>::join(&sender, ReceiverId(2));
///
/// let targets = [ReceiverId(1), ReceiverId(5)];
/// let request = Request::new(&targets, b"open valve", 42);
/// let bytes = Ds::<Ed25519>::authenticate(&sender, &request, &DsOptions::default(), &mut rng)?;
///
/// let ok = Ds::<Ed25519>::verify(&alice, &bytes)?;
/// assert_eq!((ok.seq, ok.payload), (42, &b"open valve"[..]));
/// // Bob is not designated (up to the filter's false-positive rate).
/// # let _ = Ds::<Ed25519>::verify(&bob, &bytes);
/// # }
/// # Ok::<(), ba_iot::Error>(())
/// ```
pub struct Ds<B>(PhantomData<B>);

/// How the sender encodes the designated subset.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Encoding {
    /// The exact, sorted id list: no false positives, 8 bytes per target.
    IdList,
    /// A salted Bloom filter of the targets.
    Bloom(BloomSizing),
}

/// Sender options for the DS-based construction.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct DsOptions {
    /// The subset encoding. Default: a Bloom filter at rate `2^-10`.
    pub encoding: Encoding,
    /// The largest Bloom acceptance bound receivers enforce (see
    /// [`ReceiverPolicy`]); the sender re-draws the salt, or fails, rather
    /// than send a filter they would refuse. Default: the receivers' default.
    pub max_acceptance: Probability,
    /// How many salts to try before giving up, when a registry asks for
    /// zero false positives or a filter comes out too dense. Default 256.
    pub max_tries: u32,
}

impl Default for DsOptions {
    fn default() -> Self {
        DsOptions {
            encoding: Encoding::Bloom(BloomSizing::FalsePositiveRate(1.0 / 1024.0)),
            max_acceptance: ReceiverPolicy::default().max_acceptance,
            max_tries: 256,
        }
    }
}

impl DsOptions {
    /// Options with the given encoding and defaults otherwise.
    pub fn with_encoding(encoding: Encoding) -> Self {
        DsOptions {
            encoding,
            ..Self::default()
        }
    }
}

/// What a receiver enforces beyond the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverPolicy {
    /// Refuse a Bloom filter whose acceptance bound `(set/m)^k` exceeds
    /// this. Default `2^-6` (about 1.6%): an honest filter sized for any
    /// rate up to that passes; a filter that would make a large share of the
    /// fleet act (all ones, say) is refused.
    pub max_acceptance: Probability,
}

impl Default for ReceiverPolicy {
    fn default() -> Self {
        ReceiverPolicy {
            max_acceptance: Probability::pow2_neg(6),
        }
    }
}

/// The sender's key: a signing key (and its public key).
pub struct DsSenderKey<B: SignatureBackend> {
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    signing: B::SigningKey,
    verifying: B::VerifyingKey,
}

impl<B: SignatureBackend> DsSenderKey<B> {
    /// Wrap an existing signing key.
    pub fn from_signing_key(signing: B::SigningKey) -> Self {
        let verifying = B::verifying_key(&signing);
        DsSenderKey { signing, verifying }
    }

    /// The public key receivers need.
    pub fn verifying_key(&self) -> &B::VerifyingKey {
        &self.verifying
    }
}

impl<B: SignatureBackend> fmt::Debug for DsSenderKey<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DsSenderKey { .. }")
    }
}

/// A receiver's key: its id, the sender's public key, and its policy.
pub struct DsReceiverKey<B: SignatureBackend> {
    /// This receiver's id.
    pub id: ReceiverId,
    /// The sender's public key.
    pub verifying: B::VerifyingKey,
    /// What it enforces beyond the signature.
    pub policy: ReceiverPolicy,
}

impl<B: SignatureBackend> Clone for DsReceiverKey<B> {
    fn clone(&self) -> Self {
        DsReceiverKey {
            id: self.id,
            verifying: self.verifying.clone(),
            policy: self.policy,
        }
    }
}

impl<B: SignatureBackend> fmt::Debug for DsReceiverKey<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DsReceiverKey")
            .field("id", &self.id)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<B: SignatureBackend> DsReceiverKey<B> {
    /// A receiver key from its parts (default policy).
    pub fn new(id: ReceiverId, verifying: B::VerifyingKey) -> Self {
        DsReceiverKey {
            id,
            verifying,
            policy: ReceiverPolicy::default(),
        }
    }

    /// Replace the policy.
    pub fn with_policy(mut self, policy: ReceiverPolicy) -> Self {
        self.policy = policy;
        self
    }
}

/// The designated subset as decoded from the wire.
#[derive(Clone, Copy, Debug)]
pub enum SubsetRef<'a> {
    /// The exact id list.
    IdList(IdListRef<'a>),
    /// A Bloom filter.
    Bloom(BloomRef<'a>),
}

/// A strictly decoded DS-based broadcast (not yet verified).
#[derive(Clone, Copy, Debug)]
pub struct DsBroadcast<'a> {
    /// The sequence number.
    pub seq: u64,
    /// The per-broadcast salt.
    pub salt: &'a [u8; SALT_LEN],
    /// The subset encoding.
    pub subset: SubsetRef<'a>,
    /// The payload.
    pub payload: &'a [u8],
    /// The bytes the signature covers (everything before it).
    pub signed: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
}

impl<'a> DsBroadcast<'a> {
    /// Decode `bytes` as a v1 DS-based broadcast for backend `B`, with every
    /// canonicality check; no allocation.
    pub fn decode<B: SignatureBackend>(bytes: &'a [u8]) -> Result<Self> {
        let mut outer = Reader::new(bytes);
        let (signed, signature) = outer.split_last(B::SIGNATURE_LEN)?;
        let mut r = Reader::new(signed);
        read_prefix(&mut r, B::SCHEME_ID)?;
        let seq = r.u64()?;
        let salt: &[u8; SALT_LEN] = r.take(SALT_LEN)?.try_into().map_err(|_| Error::Truncated)?;
        let subset = match r.u8()? {
            ENCODING_ID_LIST => SubsetRef::IdList(IdListRef::read(&mut r)?),
            ENCODING_BLOOM => {
                let bits = r.u32()?;
                let hashes = r.u8()?;
                let params = BloomParams::new(bits, hashes)?;
                SubsetRef::Bloom(BloomRef::new(params, r.take(params.byte_len())?)?)
            }
            b => return Err(Error::UnknownEncoding(b)),
        };
        let payload = r.bytes_u32("payload length", MAX_PAYLOAD_LEN)?;
        // Anything left between the payload and the signature is trailing.
        r.finish()?;
        Ok(DsBroadcast {
            seq,
            salt,
            subset,
            payload,
            signed,
            signature,
        })
    }

    /// Does this broadcast designate `id` (before any signature check)?
    /// Bloom filters above `policy`'s bound are refused with
    /// [`Error::FilterTooDense`].
    pub fn designates(&self, id: ReceiverId, policy: &ReceiverPolicy) -> Result<bool> {
        match self.subset {
            SubsetRef::IdList(list) => Ok(list.contains(id)),
            SubsetRef::Bloom(filter) => {
                if filter.acceptance_bound() > policy.max_acceptance {
                    return Err(Error::FilterTooDense);
                }
                filter.contains(self.salt, &id.to_bytes())
            }
        }
    }
}

impl<B: SignatureBackend> BroadcastAuth for Ds<B> {
    type SenderKey = DsSenderKey<B>;
    type ReceiverKey = DsReceiverKey<B>;
    type Options = DsOptions;

    fn setup<R: CryptoRng + ?Sized>(rng: &mut R) -> Self::SenderKey {
        DsSenderKey::from_signing_key(B::generate(rng))
    }

    fn join(sender: &Self::SenderKey, id: ReceiverId) -> Self::ReceiverKey {
        DsReceiverKey::new(id, sender.verifying.clone())
    }

    #[cfg(feature = "alloc")]
    fn authenticate<R: CryptoRng + ?Sized>(
        sender: &Self::SenderKey,
        request: &Request<'_>,
        options: &Self::Options,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        sender::authenticate::<B, R>(sender, request, options, rng)
    }

    fn verify<'a>(receiver: &Self::ReceiverKey, broadcast: &'a [u8]) -> Result<Verified<'a>> {
        let b = DsBroadcast::decode::<B>(broadcast)?;
        if !b.designates(receiver.id, &receiver.policy)? {
            return Err(Error::Rejected);
        }
        B::verify(&receiver.verifying, b.signed, b.signature)?;
        Ok(Verified {
            seq: b.seq,
            payload: b.payload,
        })
    }
}

#[cfg(feature = "alloc")]
mod sender {
    use super::*;
    use crate::subset::{Bloom, idlist};
    use crate::wire::{VERSION, Writer};

    pub(super) fn authenticate<B: SignatureBackend, R: CryptoRng + ?Sized>(
        sender: &DsSenderKey<B>,
        request: &Request<'_>,
        options: &DsOptions,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        let checked = request.check()?;
        let targets = checked.targets;
        let outsiders = checked.registry.is_some().then_some(checked.non_targets);

        let mut salt = [0u8; SALT_LEN];
        let mut w;
        match options.encoding {
            Encoding::IdList => {
                rng.fill_bytes(&mut salt);
                w = header::<B>(
                    request.seq,
                    &salt,
                    9 + 8 * targets.len(),
                    request.payload.len(),
                );
                w.u8(ENCODING_ID_LIST);
                idlist::write(&mut w, &targets)?;
            }
            Encoding::Bloom(sizing) => {
                let params = sizing.params_for(targets.len())?;
                let mut filter = Bloom::new(params);
                let tries = options.max_tries.max(1);
                let mut last = Error::ExclusionFailed { tries };
                let mut found = false;
                for _ in 0..tries {
                    rng.fill_bytes(&mut salt);
                    filter.clear();
                    for id in &targets {
                        filter.insert(&salt, &id.to_bytes())?;
                    }
                    if filter.as_ref().acceptance_bound() > options.max_acceptance {
                        last = Error::FilterTooDense;
                        continue;
                    }
                    if let Some(out) = &outsiders {
                        let view = filter.as_ref();
                        let mut clean = true;
                        for id in out {
                            if view.contains(&salt, &id.to_bytes())? {
                                clean = false;
                                break;
                            }
                        }
                        if !clean {
                            last = Error::ExclusionFailed { tries };
                            continue;
                        }
                    }
                    found = true;
                    break;
                }
                if !found {
                    return Err(last);
                }
                w = header::<B>(
                    request.seq,
                    &salt,
                    6 + params.byte_len(),
                    request.payload.len(),
                );
                w.u8(ENCODING_BLOOM);
                w.u32(params.bits);
                w.u8(params.hashes);
                w.put(filter.as_bytes());
            }
        }
        w.bytes_u32("payload length", MAX_PAYLOAD_LEN, request.payload)?;
        let signed_len = w.len();
        let mut out = w.into_vec();
        out.resize(signed_len + B::SIGNATURE_LEN, 0);
        let (msg, sig) = out.split_at_mut(signed_len);
        B::sign(&sender.signing, msg, sig)?;
        Ok(out)
    }

    fn header<B: SignatureBackend>(
        seq: u64,
        salt: &[u8; SALT_LEN],
        enc_len: usize,
        payload_len: usize,
    ) -> Writer {
        let mut w =
            Writer::with_capacity(2 + 8 + SALT_LEN + enc_len + 4 + payload_len + B::SIGNATURE_LEN);
        w.u8(VERSION);
        w.u8(B::SCHEME_ID);
        w.u64(seq);
        w.put(salt);
        w
    }
}
