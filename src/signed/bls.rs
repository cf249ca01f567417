//! BLS signatures on BLS12-381, following the IETF BLS signature draft
//! (draft-irtf-cfrg-bls-signature-05) exactly, so that published vectors
//! apply.
//!
//! # Two variants
//!
//! | type | signature | public key | ciphersuite id (= hash-to-curve DST) | scheme id |
//! | --- | --- | --- | --- | --- |
//! | [`Bls12381MinSig`] | G1, 48 bytes | G2, 96 bytes | `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_` | `0x02` |
//! | [`Bls12381MinPk`] | G2, 96 bytes | G1, 48 bytes | `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_` | `0x03` |
//!
//! Both are the draft's *basic* scheme (`NUL`): one signer, one message,
//! no aggregation, so no proof of possession is needed. Messages are hashed
//! with RFC 9380 `hash_to_curve` (`expand_message_xmd` with SHA-256, SSWU,
//! random-oracle encoding) into the signature group.
//!
//! **Recommended default for broadcast: [`Bls12381MinSig`].** The signature
//! travels in every broadcast, and on a constrained downlink (LPWAN, radio)
//! 48 bytes instead of 96 matter on every message; the public key is
//! provisioned once per device at Join, where 96 bytes cost nothing (it is
//! decoded and subgroup-checked once, when the receiver key is built).
//! Min-sig is also the cheaper signer: hashing to G1 costs a fraction of
//! hashing to G2. Use [`Bls12381MinPk`] only to interoperate with systems
//! that fixed it (the Ethereum consensus layer uses min-pk with the
//! proof-of-possession DST; see [`CoreSign`](SigningKey::core_sign) /
//! [`CoreVerify`](VerifyingKey::core_verify) with [`MIN_PK_POP_DST`]).
//!
//! # Algorithms
//!
//! * `KeyGen` (draft section 2.3): HKDF-SHA-256 with salt
//!   `H("BLS-SIG-KEYGEN-SALT-")` (re-hashed until the key is non-zero),
//!   input `IKM || I2OSP(0, 1)`, info `key_info || I2OSP(48, 2)`, 48 bytes of
//!   output reduced mod r. IKM must be at least 32 bytes
//!   ([`SigningKey::from_ikm`]); [`SignatureBackend::generate`] draws 32
//!   bytes of IKM from the RNG.
//! * `SkToPk`: `sk * g` in the public-key group.
//! * `CoreSign`: `sk * hash_to_curve(msg, DST)`, compressed (ZCash
//!   serialization, as in the draft's appendix).
//! * `CoreVerify`: decode the signature with the subgroup check, refuse the
//!   identity, then check `e(PK, H(m)) == e(g, sig)` (pairing arguments in
//!   (G1, G2) order). Public keys pass `KeyValidate` (canonical encoding,
//!   on the curve, in the prime-order subgroup, not the identity) when they
//!   are decoded ([`VerifyingKey::from_bytes`]). Every failure of `verify` is
//!   the opaque [`Error::Rejected`]; no input makes it panic.
//!
//! # Costs
//!
//! Medians from one `cargo bench --bench ds` run on a 2-core x86-64 machine
//! (`bls12_381` 0.9, pure Rust), signing and verifying a 1,000-target Bloom
//! broadcast (`docs/benchmarks-ds.md` has every size and notes which medians
//! are noisy):
//!
//! | | signature | public key | sign | verify |
//! | --- | --- | --- | --- | --- |
//! | min-sig | 48 B | 96 B | 0.61 ms | 2.25 ms |
//! | min-pk | 96 B | 48 B | 2.2 ms | 3.0 ms |
//!
//! Signing is one hash to curve (to G1 for min-sig, the cheaper one; to G2
//! for min-pk) plus one constant-time scalar multiplication. Verification is
//! one hash to curve plus a pairing-product check: two Miller loops sharing
//! one final exponentiation (`bls12_381::multi_miller_loop`). Against Ed25519
//! (same run, same broadcast: sign 37 us, verify 63 us) BLS costs one to two
//! orders of magnitude more per broadcast; it earns its place where signatures must aggregate or
//! where a pairing-based key infrastructure is already deployed.

use core::fmt;
use core::marker::PhantomData;

use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{
    G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Gt, Scalar, multi_miller_loop,
};
use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::SignatureBackend;
use crate::error::{Error, Result};
use crate::wire::scheme_id;

/// `expand_message_xmd` with SHA-256 (bls12_381's hash-to-curve still takes a
/// digest 0.10 hasher).
type Xmd = ExpandMsgXmd<sha2_10::Sha256>;

type HmacSha256 = Hmac<Sha256>;

/// Ciphersuite id of the min-sig basic scheme; also its hash-to-curve DST.
pub const MIN_SIG_CIPHERSUITE: &[u8] = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";
/// Ciphersuite id of the min-pk basic scheme; also its hash-to-curve DST.
pub const MIN_PK_CIPHERSUITE: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_";
/// DST of the min-pk proof-of-possession ciphersuite (the one the Ethereum
/// consensus layer uses). Only for [`SigningKey::core_sign`] and
/// [`VerifyingKey::core_verify`]; this crate implements neither `PopProve`
/// nor aggregation.
pub const MIN_PK_POP_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// Length of a secret key: a big-endian scalar.
pub const SECRET_KEY_LEN: usize = 32;
/// Minimum IKM length for `KeyGen` (draft section 2.3).
pub const MIN_IKM_LEN: usize = 32;

/// Salt of `KeyGen` (hashed before its first use).
const KEYGEN_SALT: &[u8] = b"BLS-SIG-KEYGEN-SALT-";
/// `L = ceil((3 * ceil(log2(r))) / 16)` for BLS12-381.
const KEYGEN_L: usize = 48;
/// SHA-256 block size: HMAC keys shorter than this are zero-padded (RFC 2104).
const SHA256_BLOCK: usize = 64;

/// BLS12-381, minimal-signature-size variant: 48-byte signatures in G1,
/// 96-byte public keys in G2, ciphersuite [`MIN_SIG_CIPHERSUITE`]. The
/// recommended BLS backend for broadcast (see the [module docs](self)).
#[derive(Clone, Copy, Debug)]
pub enum Bls12381MinSig {}

/// BLS12-381, minimal-public-key-size variant: 96-byte signatures in G2,
/// 48-byte public keys in G1, ciphersuite [`MIN_PK_CIPHERSUITE`].
#[derive(Clone, Copy, Debug)]
pub enum Bls12381MinPk {}

mod sealed {
    use super::*;

    /// The group-level operations that differ between the two variants.
    /// Not nameable outside this module, so [`Variant`] cannot be
    /// implemented elsewhere.
    pub trait Sealed {
        /// A validated public key (affine point in the public-key group).
        type PublicPoint: Copy + PartialEq;
        /// A compressed public key.
        type PublicKeyBytes: Copy + AsRef<[u8]>;
        /// A compressed signature.
        type SignatureBytes: Copy + AsRef<[u8]>;

        /// `SkToPk`.
        fn sk_to_pk(sk: &Scalar) -> Self::PublicPoint;
        /// Compressed encoding of a public key.
        fn encode_public(pk: &Self::PublicPoint) -> Self::PublicKeyBytes;
        /// Decode a compressed public key with `KeyValidate`.
        fn decode_public(bytes: &[u8]) -> Result<Self::PublicPoint>;
        /// `CoreSign` with `dst`.
        fn core_sign(sk: &Scalar, msg: &[u8], dst: &[u8]) -> Self::SignatureBytes;
        /// `CoreVerify` with `dst`; `false` on every malformed input.
        fn core_verify(pk: &Self::PublicPoint, msg: &[u8], sig: &[u8], dst: &[u8]) -> bool;
    }
}

/// One of the two BLS12-381 variants ([`Bls12381MinSig`],
/// [`Bls12381MinPk`]). Sealed: the group operations live in a private
/// supertrait.
pub trait Variant: sealed::Sealed + 'static {
    /// The ciphersuite id of the basic scheme, used as the hash-to-curve DST.
    const CIPHERSUITE: &'static [u8];
    /// The scheme id written in DS-based broadcasts.
    const SCHEME_ID: u8;
    /// Length of a compressed signature.
    const SIGNATURE_LEN: usize;
    /// Length of a compressed public key.
    const PUBLIC_KEY_LEN: usize;
    /// A short name for `Debug` output.
    const NAME: &'static str;
}

/// Why a compressed point failed to decode, for precise errors on public
/// keys (signatures only ever get [`Error::Rejected`]).
fn point_error(on_curve: bool) -> Error {
    if on_curve {
        Error::NonCanonical("BLS public key: point not in the prime-order subgroup")
    } else {
        Error::NonCanonical("BLS public key: not a canonical compressed curve point")
    }
}

impl sealed::Sealed for Bls12381MinSig {
    type PublicPoint = G2Affine;
    type PublicKeyBytes = [u8; 96];
    type SignatureBytes = [u8; 48];

    fn sk_to_pk(sk: &Scalar) -> G2Affine {
        G2Affine::from(G2Affine::generator() * sk)
    }

    fn encode_public(pk: &G2Affine) -> [u8; 96] {
        pk.to_compressed()
    }

    fn decode_public(bytes: &[u8]) -> Result<G2Affine> {
        let bytes: &[u8; 96] = bytes
            .try_into()
            .map_err(|_| Error::NonCanonical("BLS public key: length is not 96 bytes"))?;
        let point =
            Option::<G2Affine>::from(G2Affine::from_compressed(bytes)).ok_or_else(|| {
                point_error(
                    Option::<G2Affine>::from(G2Affine::from_compressed_unchecked(bytes)).is_some(),
                )
            })?;
        if bool::from(point.is_identity()) {
            return Err(Error::NonCanonical("BLS public key: the identity"));
        }
        Ok(point)
    }

    fn core_sign(sk: &Scalar, msg: &[u8], dst: &[u8]) -> [u8; 48] {
        let h = <G1Projective as HashToCurve<Xmd>>::hash_to_curve([msg], dst);
        G1Affine::from(h * sk).to_compressed()
    }

    fn core_verify(pk: &G2Affine, msg: &[u8], sig: &[u8], dst: &[u8]) -> bool {
        let Ok(sig) = <&[u8; 48]>::try_from(sig) else {
            return false;
        };
        let Some(sig) = Option::<G1Affine>::from(G1Affine::from_compressed(sig)) else {
            return false;
        };
        if bool::from(sig.is_identity()) {
            return false;
        }
        let h = G1Affine::from(<G1Projective as HashToCurve<Xmd>>::hash_to_curve(
            [msg],
            dst,
        ));
        // e(H(m), PK) == e(sig, g2)  <=>  e(H(m), PK) * e(-sig, g2) == 1, with
        // two Miller loops sharing one final exponentiation.
        multi_miller_loop(&[
            (&h, &G2Prepared::from(*pk)),
            (&-sig, &G2Prepared::from(G2Affine::generator())),
        ])
        .final_exponentiation()
            == Gt::identity()
    }
}

impl sealed::Sealed for Bls12381MinPk {
    type PublicPoint = G1Affine;
    type PublicKeyBytes = [u8; 48];
    type SignatureBytes = [u8; 96];

    fn sk_to_pk(sk: &Scalar) -> G1Affine {
        G1Affine::from(G1Affine::generator() * sk)
    }

    fn encode_public(pk: &G1Affine) -> [u8; 48] {
        pk.to_compressed()
    }

    fn decode_public(bytes: &[u8]) -> Result<G1Affine> {
        let bytes: &[u8; 48] = bytes
            .try_into()
            .map_err(|_| Error::NonCanonical("BLS public key: length is not 48 bytes"))?;
        let point =
            Option::<G1Affine>::from(G1Affine::from_compressed(bytes)).ok_or_else(|| {
                point_error(
                    Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(bytes)).is_some(),
                )
            })?;
        if bool::from(point.is_identity()) {
            return Err(Error::NonCanonical("BLS public key: the identity"));
        }
        Ok(point)
    }

    fn core_sign(sk: &Scalar, msg: &[u8], dst: &[u8]) -> [u8; 96] {
        let h = <G2Projective as HashToCurve<Xmd>>::hash_to_curve([msg], dst);
        G2Affine::from(h * sk).to_compressed()
    }

    fn core_verify(pk: &G1Affine, msg: &[u8], sig: &[u8], dst: &[u8]) -> bool {
        let Ok(sig) = <&[u8; 96]>::try_from(sig) else {
            return false;
        };
        let Some(sig) = Option::<G2Affine>::from(G2Affine::from_compressed(sig)) else {
            return false;
        };
        if bool::from(sig.is_identity()) {
            return false;
        }
        let h = G2Affine::from(<G2Projective as HashToCurve<Xmd>>::hash_to_curve(
            [msg],
            dst,
        ));
        // e(PK, H(m)) == e(g1, sig)  <=>  e(PK, H(m)) * e(-g1, sig) == 1.
        multi_miller_loop(&[
            (pk, &G2Prepared::from(h)),
            (&-G1Affine::generator(), &G2Prepared::from(sig)),
        ])
        .final_exponentiation()
            == Gt::identity()
    }
}

impl Variant for Bls12381MinSig {
    const CIPHERSUITE: &'static [u8] = MIN_SIG_CIPHERSUITE;
    const SCHEME_ID: u8 = scheme_id::DS_BLS12381_MIN_SIG;
    const SIGNATURE_LEN: usize = 48;
    const PUBLIC_KEY_LEN: usize = 96;
    const NAME: &'static str = "Bls12381MinSig";
}

impl Variant for Bls12381MinPk {
    const CIPHERSUITE: &'static [u8] = MIN_PK_CIPHERSUITE;
    const SCHEME_ID: u8 = scheme_id::DS_BLS12381_MIN_PK;
    const SIGNATURE_LEN: usize = 96;
    const PUBLIC_KEY_LEN: usize = 48;
    const NAME: &'static str = "Bls12381MinPk";
}

/// A compressed signature of variant `V` (`[u8; 48]` or `[u8; 96]`).
pub type Signature<V> = <V as sealed::Sealed>::SignatureBytes;
/// A compressed public key of variant `V` (`[u8; 96]` or `[u8; 48]`).
pub type PublicKeyBytes<V> = <V as sealed::Sealed>::PublicKeyBytes;

/// `HMAC-SHA-256(key, parts[0] || parts[1] || ...)` for a key of at most one
/// block. RFC 2104 zero-pads such keys to the block size, so keying with the
/// padded block is the same function, and infallible.
fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; SHA256_BLOCK];
    block[..32].copy_from_slice(key);
    let mut mac = <HmacSha256 as KeyInit>::new(&block.into());
    block.zeroize();
    for part in parts {
        mac.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// `KeyGen(IKM, key_info)` of the draft, section 2.3. The caller checks the
/// IKM length.
fn keygen(ikm: &[u8], key_info: &[u8]) -> Scalar {
    let l_octets = (KEYGEN_L as u16).to_be_bytes();
    let mut salt = [0u8; 32];
    salt.copy_from_slice(&Sha256::digest(KEYGEN_SALT));
    loop {
        // PRK = HKDF-Extract(salt, IKM || I2OSP(0, 1))
        let mut prk = hmac_sha256(&salt, &[ikm, &[0u8]]);
        // OKM = HKDF-Expand(PRK, key_info || I2OSP(L, 2), L): two blocks.
        let mut t1 = hmac_sha256(&prk, &[key_info, &l_octets, &[1u8]]);
        let mut t2 = hmac_sha256(&prk, &[&t1, key_info, &l_octets, &[2u8]]);
        // SK = OS2IP(OKM) mod r: OKM = T(1) || T(2)[..16], big-endian;
        // from_bytes_wide takes 64 little-endian bytes.
        let mut wide = [0u8; 64];
        for (i, b) in t1.iter().chain(&t2[..KEYGEN_L - 32]).enumerate() {
            wide[KEYGEN_L - 1 - i] = *b;
        }
        let sk = Scalar::from_bytes_wide(&wide);
        prk.zeroize();
        t1.zeroize();
        t2.zeroize();
        wide.zeroize();
        if !bool::from(sk.ct_eq(&Scalar::zero())) {
            salt.zeroize();
            return sk;
        }
        // salt = H(salt), and try again (probability about 2^-255).
        let next = Sha256::digest(salt);
        salt.copy_from_slice(&next);
    }
}

/// A BLS secret key for variant `V`: a non-zero scalar mod r. Zeroized on
/// drop; its `Debug` output shows no secret.
pub struct SigningKey<V: Variant> {
    sk: Scalar,
    _variant: PhantomData<fn() -> V>,
}

impl<V: Variant> SigningKey<V> {
    fn from_scalar(sk: Scalar) -> Self {
        SigningKey {
            sk,
            _variant: PhantomData,
        }
    }

    /// A fresh key: `KeyGen` over 32 bytes of IKM drawn from `rng`, with an
    /// empty `key_info`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut ikm = Zeroizing::new([0u8; MIN_IKM_LEN]);
        rng.fill_bytes(&mut ikm[..]);
        Self::from_scalar(keygen(&ikm[..], b""))
    }

    /// `KeyGen(IKM, key_info)` (draft section 2.3). IKM must be secret,
    /// uniformly random and at least [`MIN_IKM_LEN`] bytes long.
    pub fn from_ikm(ikm: &[u8], key_info: &[u8]) -> Result<Self> {
        if ikm.len() < MIN_IKM_LEN {
            return Err(Error::InvalidParameter(
                "BLS KeyGen: IKM shorter than 32 bytes",
            ));
        }
        Ok(Self::from_scalar(keygen(ikm, key_info)))
    }

    /// A key from its 32-byte big-endian encoding (`I2OSP(SK, 32)`).
    /// Refuses zero and any value not below the group order r.
    pub fn from_bytes(bytes: &[u8; SECRET_KEY_LEN]) -> Result<Self> {
        let mut le = Zeroizing::new(*bytes);
        le.reverse();
        let sk = Option::<Scalar>::from(Scalar::from_bytes(&le)).ok_or(Error::NonCanonical(
            "BLS secret key: not below the group order",
        ))?;
        if bool::from(sk.ct_eq(&Scalar::zero())) {
            return Err(Error::NonCanonical("BLS secret key: zero"));
        }
        Ok(Self::from_scalar(sk))
    }

    /// The 32-byte big-endian encoding of the key (zeroized when dropped).
    pub fn to_bytes(&self) -> Zeroizing<[u8; SECRET_KEY_LEN]> {
        let mut out = Zeroizing::new(self.sk.to_bytes());
        out.reverse();
        out
    }

    /// `SkToPk`.
    pub fn verifying_key(&self) -> VerifyingKey<V> {
        VerifyingKey {
            point: V::sk_to_pk(&self.sk),
            _variant: PhantomData,
        }
    }

    /// `Sign` of the basic scheme: `CoreSign` with the variant's
    /// ciphersuite id as DST.
    pub fn sign(&self, msg: &[u8]) -> Signature<V> {
        V::core_sign(&self.sk, msg, V::CIPHERSUITE)
    }

    /// `CoreSign` with an explicit domain-separation tag, for other
    /// ciphersuites that share it (for example [`MIN_PK_POP_DST`]). The DST
    /// must not be empty (RFC 9380, section 3.1).
    pub fn core_sign(&self, msg: &[u8], dst: &[u8]) -> Result<Signature<V>> {
        if dst.is_empty() {
            return Err(Error::InvalidParameter("BLS DST must not be empty"));
        }
        Ok(V::core_sign(&self.sk, msg, dst))
    }
}

impl<V: Variant> Zeroize for SigningKey<V> {
    fn zeroize(&mut self) {
        self.sk.zeroize();
    }
}

impl<V: Variant> Drop for SigningKey<V> {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl<V: Variant> ZeroizeOnDrop for SigningKey<V> {}

impl<V: Variant> fmt::Debug for SigningKey<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey<{}> {{ .. }}", V::NAME)
    }
}

/// A validated BLS public key for variant `V`: on the curve, in the
/// prime-order subgroup, not the identity (`KeyValidate`).
pub struct VerifyingKey<V: Variant> {
    point: V::PublicPoint,
    _variant: PhantomData<fn() -> V>,
}

impl<V: Variant> VerifyingKey<V> {
    /// Decode a compressed public key and run `KeyValidate`: the encoding
    /// must be canonical, the point on the curve, in the prime-order
    /// subgroup, and not the identity. Failures are
    /// [`Error::NonCanonical`] naming the reason.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Ok(VerifyingKey {
            point: V::decode_public(bytes)?,
            _variant: PhantomData,
        })
    }

    /// The compressed encoding.
    pub fn to_bytes(&self) -> PublicKeyBytes<V> {
        V::encode_public(&self.point)
    }

    /// `Verify` of the basic scheme: [`Error::Rejected`] unless `sig` is a
    /// valid signature on `msg` under this key.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        self.core_verify(msg, sig, V::CIPHERSUITE)
    }

    /// `CoreVerify` with an explicit domain-separation tag (see
    /// [`SigningKey::core_sign`]). [`Error::Rejected`] on any failure,
    /// including a malformed, non-subgroup or identity signature and an
    /// empty DST.
    pub fn core_verify(&self, msg: &[u8], sig: &[u8], dst: &[u8]) -> Result<()> {
        if !dst.is_empty() && V::core_verify(&self.point, msg, sig, dst) {
            Ok(())
        } else {
            Err(Error::Rejected)
        }
    }
}

impl<V: Variant> Clone for VerifyingKey<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V: Variant> Copy for VerifyingKey<V> {}

impl<V: Variant> PartialEq for VerifyingKey<V> {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}

impl<V: Variant> Eq for VerifyingKey<V> {}

impl<V: Variant> fmt::Debug for VerifyingKey<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey<{}>(", V::NAME)?;
        for b in self.to_bytes().as_ref() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

macro_rules! backend {
    ($variant:ty) => {
        impl SignatureBackend for $variant {
            const SCHEME_ID: u8 = <$variant as Variant>::SCHEME_ID;
            const SIGNATURE_LEN: usize = <$variant as Variant>::SIGNATURE_LEN;
            type SigningKey = SigningKey<$variant>;
            type VerifyingKey = VerifyingKey<$variant>;

            fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self::SigningKey {
                SigningKey::generate(rng)
            }

            fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey {
                sk.verifying_key()
            }

            fn sign(sk: &Self::SigningKey, msg: &[u8], out: &mut [u8]) -> Result<()> {
                if out.len() != <$variant as Variant>::SIGNATURE_LEN {
                    return Err(Error::InvalidParameter("signature buffer length"));
                }
                out.copy_from_slice(&sk.sign(msg));
                Ok(())
            }

            fn verify(vk: &Self::VerifyingKey, msg: &[u8], sig: &[u8]) -> Result<()> {
                vk.verify(msg, sig)
            }
        }
    };
}

backend!(Bls12381MinSig);
backend!(Bls12381MinPk);

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn hmac_with_padded_key_matches_rfc4231_case_1() {
        // RFC 4231 test case 1: key = 0x0b * 20, data = "Hi There".
        let mut key = [0u8; 32];
        key[..20].fill(0x0b);
        // A 20-byte key zero-padded to 32 is the same HMAC key as the
        // 20-byte key itself (both are padded to the 64-byte block).
        let got = hmac_sha256(&key, &[b"Hi ", b"There"]);
        let want = [
            0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce, 0xaf, 0x0b,
            0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c,
            0x2e, 0x32, 0xcf, 0xf7,
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn secret_key_round_trip_and_debug_hides_it() {
        let sk = SigningKey::<Bls12381MinSig>::from_ikm(&[7u8; 32], b"").expect("ikm ok");
        let bytes = sk.to_bytes();
        let again = SigningKey::<Bls12381MinSig>::from_bytes(&bytes).expect("canonical");
        assert_eq!(again.verifying_key(), sk.verifying_key());
        let dbg = alloc::format!("{sk:?}");
        assert_eq!(dbg, "SigningKey<Bls12381MinSig> { .. }");
    }
}
