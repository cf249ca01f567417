//! Any signature scheme written against the RustCrypto traits.

use core::marker::PhantomData;

use crypto_common::Generate;
use rand_core::CryptoRng;
use signature::{Keypair, SignatureEncoding, Signer, Verifier};

use super::SignatureBackend;
use crate::error::{Error, Result};

/// Adapts a RustCrypto signing key type `SK` with signature type `Sig` into a
/// [`SignatureBackend`], under the application-chosen scheme id `ID` (use
/// `0x80..=0xFF`; the lower ids are this crate's) and fixed signature length
/// `LEN`.
///
/// `SK` must implement [`Signer<Sig>`], [`Keypair`] (whose verifying key
/// implements [`Verifier<Sig>`]) and `crypto_common::Generate`; `Sig` must
/// encode to exactly `LEN` bytes. Verification is whatever the scheme's
/// `Verifier` does: for Ed25519 prefer the dedicated [`Ed25519`](super::Ed25519)
/// backend, which uses the strict check.
pub struct RustCrypto<SK, Sig, const ID: u8, const LEN: usize>(PhantomData<(SK, Sig)>);

impl<SK, Sig, const ID: u8, const LEN: usize> SignatureBackend for RustCrypto<SK, Sig, ID, LEN>
where
    SK: Signer<Sig> + Keypair + Generate,
    SK::VerifyingKey: Verifier<Sig> + Clone,
    Sig: SignatureEncoding,
{
    const SCHEME_ID: u8 = ID;
    const SIGNATURE_LEN: usize = LEN;
    type SigningKey = SK;
    type VerifyingKey = SK::VerifyingKey;

    fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> SK {
        SK::generate_from_rng(rng)
    }

    fn verifying_key(sk: &SK) -> SK::VerifyingKey {
        sk.verifying_key()
    }

    fn sign(sk: &SK, msg: &[u8], out: &mut [u8]) -> Result<()> {
        let sig = sk
            .try_sign(msg)
            .map_err(|_| Error::InvalidParameter("signing failed"))?;
        let repr = sig.to_bytes();
        let bytes = repr.as_ref();
        if bytes.len() != LEN || out.len() != LEN {
            return Err(Error::InvalidParameter("signature length differs from LEN"));
        }
        out.copy_from_slice(bytes);
        Ok(())
    }

    fn verify(vk: &SK::VerifyingKey, msg: &[u8], sig: &[u8]) -> Result<()> {
        let sig = Sig::try_from(sig).map_err(|_| Error::Rejected)?;
        vk.verify(msg, &sig).map_err(|_| Error::Rejected)
    }
}
