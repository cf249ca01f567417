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
/// encode to exactly `LEN` bytes: fixed-length encodings only (for ECDSA use
/// the fixed-width `r || s` signature type, not DER). An id below `0x80` is a
/// compile-time error. Verification is whatever the scheme's
/// `Verifier` does: for Ed25519 prefer the dedicated [`Ed25519`](super::Ed25519)
/// backend, which uses the strict check.
pub struct RustCrypto<SK, Sig, const ID: u8, const LEN: usize>(PhantomData<(SK, Sig)>);

impl<SK, Sig, const ID: u8, const LEN: usize> SignatureBackend for RustCrypto<SK, Sig, ID, LEN>
where
    SK: Signer<Sig> + Keypair + Generate,
    SK::VerifyingKey: Verifier<Sig> + Clone,
    Sig: SignatureEncoding,
{
    // Ids below 0x80 are this crate's: a generic backend reusing one (say
    // 0x01 with non-strict Ed25519 verification) would put weaker checks
    // behind a scheme id that promises stronger ones. Refused at compile
    // time, wherever the backend is used.
    const SCHEME_ID: u8 = {
        assert!(ID >= 0x80, "RustCrypto backends use scheme ids 0x80..=0xFF");
        ID
    };
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

#[cfg(all(test, feature = "ed25519"))]
mod tests {
    //! The adapter, exercised with ed25519-dalek. ed25519-dalek implements
    //! `crypto_common::Generate` only with its `digest` and `rand_core`
    //! features, which this crate does not enable, so a thin newtype adds it.

    use super::*;
    use crate::signed::{Ds, DsOptions, Ed25519, Encoding};
    use crate::subset::BloomSizing;
    use crate::{BroadcastAuth, ReceiverId, Request};
    use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
    use rand_core::{TryCryptoRng, TryRng};

    struct Key(SigningKey);

    impl Generate for Key {
        fn try_generate_from_rng<R: TryCryptoRng + ?Sized>(
            rng: &mut R,
        ) -> core::result::Result<Self, R::Error> {
            let mut seed = [0u8; 32];
            rng.try_fill_bytes(&mut seed)?;
            Ok(Key(SigningKey::from_bytes(&seed)))
        }
    }

    impl Signer<Signature> for Key {
        fn try_sign(&self, msg: &[u8]) -> core::result::Result<Signature, signature::Error> {
            self.0.try_sign(msg)
        }
    }

    impl Keypair for Key {
        type VerifyingKey = VerifyingKey;
        fn verifying_key(&self) -> VerifyingKey {
            self.0.verifying_key()
        }
    }

    type Generic = RustCrypto<Key, Signature, 0x80, 64>;
    type WrongLen = RustCrypto<Key, Signature, 0x81, 63>;

    /// A deterministic stream (counter bytes) so the keys are reproducible.
    struct Counter(u8);

    impl TryRng for Counter {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
            let mut b = [0u8; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
            let mut b = [0u8; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
            for b in dst {
                *b = self.0;
                self.0 = self.0.wrapping_add(1);
            }
            Ok(())
        }
    }

    impl TryCryptoRng for Counter {}

    #[test]
    fn generic_backend_roundtrip() -> Result<()> {
        let mut rng = Counter(1);
        let sender = Ds::<Generic>::setup(&mut rng);
        let targets = [ReceiverId(10), ReceiverId(3)];
        let fleet: alloc::vec::Vec<ReceiverId> = (1..=40).map(ReceiverId).collect();
        for encoding in [
            Encoding::IdList,
            Encoding::Bloom(BloomSizing::FalsePositiveRate(1.0 / 1024.0)),
        ] {
            let request = Request::new(&targets, b"reboot", 11).with_registry(&fleet);
            let bytes = Ds::<Generic>::authenticate(
                &sender,
                &request,
                &DsOptions::with_encoding(encoding),
                &mut rng,
            )?;
            assert_eq!(bytes[1], 0x80, "the application's scheme id");
            for id in fleet.iter().copied() {
                let rx = Ds::<Generic>::join(&sender, id);
                let r = Ds::<Generic>::verify(&rx, &bytes);
                if targets.contains(&id) {
                    let v = r?;
                    assert_eq!((v.seq, v.payload), (11, &b"reboot"[..]));
                } else {
                    assert_eq!(r, Err(Error::Rejected));
                }
            }
            // Any change of the signed bytes or of the signature is refused.
            let rx = Ds::<Generic>::join(&sender, ReceiverId(3));
            for i in [2, bytes.len() - 70, bytes.len() - 1] {
                let mut bad = bytes.clone();
                bad[i] ^= 0x20;
                assert!(Ds::<Generic>::verify(&rx, &bad).is_err(), "byte {i}");
            }
            // The Ed25519 backend's receivers, same public key, refuse the
            // foreign scheme id.
            let ed = crate::signed::DsReceiverKey::<Ed25519>::new(
                ReceiverId(3),
                *sender.verifying_key(),
            );
            assert_eq!(
                Ds::<Ed25519>::verify(&ed, &bytes),
                Err(Error::WrongScheme {
                    expected: 0x01,
                    found: 0x80
                })
            );
        }
        Ok(())
    }

    #[test]
    fn generic_and_dedicated_ed25519_agree() -> Result<()> {
        // The same secret through both backends: Ed25519 is deterministic,
        // so the signatures must be identical and cross-verify.
        let g = <Generic as SignatureBackend>::generate(&mut Counter(7));
        let e = <Ed25519 as SignatureBackend>::generate(&mut Counter(7));
        let gv = <Generic as SignatureBackend>::verifying_key(&g);
        let ev = <Ed25519 as SignatureBackend>::verifying_key(&e);
        assert_eq!(gv, ev);
        let msg = b"same message";
        let (mut gs, mut es) = ([0u8; 64], [0u8; 64]);
        Generic::sign(&g, msg, &mut gs)?;
        Ed25519::sign(&e, msg, &mut es)?;
        assert_eq!(gs, es);
        Generic::verify(&gv, msg, &es)?;
        Ed25519::verify(&ev, msg, &gs)?;
        assert_eq!(Generic::verify(&gv, b"other", &gs), Err(Error::Rejected));
        // Malformed signatures are refused, never a panic.
        assert_eq!(Generic::verify(&gv, msg, &gs[..63]), Err(Error::Rejected));
        assert_eq!(Generic::verify(&gv, msg, &[]), Err(Error::Rejected));
        // A wrong output buffer is a parameter error.
        assert!(matches!(
            Generic::sign(&g, msg, &mut [0u8; 65]),
            Err(Error::InvalidParameter(_))
        ));
        Ok(())
    }

    #[test]
    fn wrong_signature_length_is_refused() {
        // A `LEN` that does not match the scheme: signing fails cleanly, so
        // authenticate fails instead of emitting a broken broadcast.
        let mut rng = Counter(3);
        let sk = WrongLen::generate(&mut rng);
        let mut out = [0u8; 63];
        assert!(matches!(
            WrongLen::sign(&sk, b"m", &mut out),
            Err(Error::InvalidParameter(_))
        ));
        let sender = Ds::<WrongLen>::setup(&mut rng);
        let targets = [ReceiverId(1)];
        let r = Ds::<WrongLen>::authenticate(
            &sender,
            &Request::new(&targets, b"m", 1),
            &DsOptions::with_encoding(Encoding::IdList),
            &mut rng,
        );
        assert!(matches!(r, Err(Error::InvalidParameter(_))));
    }
}
