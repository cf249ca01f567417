//! Ed25519 (RFC 8032) through `ed25519-dalek`, verified with
//! `verify_strict`: canonical `S`, no small-order `R` or public key, so a
//! signature has exactly one valid encoding and weak keys are refused.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRng;
use zeroize::Zeroize;

use super::SignatureBackend;
use crate::error::{Error, Result};
use crate::wire::scheme_id;

/// The Ed25519 signature backend (scheme id `0x01`, 64-byte signatures).
#[derive(Clone, Copy, Debug)]
pub enum Ed25519 {}

impl SignatureBackend for Ed25519 {
    const SCHEME_ID: u8 = scheme_id::DS_ED25519;
    const SIGNATURE_LEN: usize = 64;
    type SigningKey = SigningKey;
    type VerifyingKey = VerifyingKey;

    fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> SigningKey {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let sk = SigningKey::from_bytes(&seed);
        seed.zeroize();
        sk
    }

    fn verifying_key(sk: &SigningKey) -> VerifyingKey {
        sk.verifying_key()
    }

    fn sign(sk: &SigningKey, msg: &[u8], out: &mut [u8]) -> Result<()> {
        let sig: Signature = sk.sign(msg);
        let out: &mut [u8; 64] = out
            .try_into()
            .map_err(|_| Error::InvalidParameter("signature buffer length"))?;
        *out = sig.to_bytes();
        Ok(())
    }

    fn verify(vk: &VerifyingKey, msg: &[u8], sig: &[u8]) -> Result<()> {
        let sig = Signature::from_slice(sig).map_err(|_| Error::Rejected)?;
        vk.verify_strict(msg, &sig).map_err(|_| Error::Rejected)
    }
}
