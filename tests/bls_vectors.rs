//! Known-answer and attack tests for the BLS12-381 backend
//! (`ba_iot::signed::bls`).
//!
//! Sources of the vectors:
//!
//! * Hash to curve: RFC 9380, appendix J.9.1 (`BLS12381G1_XMD:SHA-256_SSWU_RO_`)
//!   and J.10.1 (`BLS12381G2_XMD:SHA-256_SSWU_RO_`), DSTs
//!   `QUUX-V01-CS02-with-BLS12381G{1,2}_XMD:SHA-256_SSWU_RO_`, the five
//!   messages `""`, `"abc"`, `"abcdef0123456789"`, `"q128_" q^128`,
//!   `"a512_" a^512`. Values taken from the cfrg/draft-irtf-cfrg-hash-to-curve
//!   repository's draft text (the q128 rows, absent from that revision of the
//!   draft text, from the final RFC's rows as reproduced identically by
//!   several independent implementations' test suites).
//! * Signatures: the Ethereum consensus-spec BLS vectors
//!   (ethereum/bls12-381-tests, `sign/` and `verify/`; min-pk with the
//!   proof-of-possession DST `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`,
//!   whose Sign/Verify are exactly CoreSign/CoreVerify), plus the `KeyValidate`
//!   cases (identity, not on the curve, not in G1) used against those vectors.
//! * KeyGen: EIP-2333 test cases 0-3, `master_SK = HKDF_mod_r(seed)`. EIP-2333
//!   states (and specifies, post September 2020) that `HKDF_mod_r` is the
//!   BLS draft's `KeyGen` with `key_info = ""`; only the master keys are used
//!   here, the child derivation (Lamport-based) is a different algorithm.
//! * Min-sig (`BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`): no published
//!   signature vectors were found for this exact ciphersuite (the one
//!   "min-sig" vector set found hashes to G1 under the *G2* ciphersuite
//!   string, which is not the draft's suite). It is cross-checked instead:
//!   its signing path with `SK = 1` outputs `hash_to_curve` itself, which is
//!   tied to the RFC 9380 G1 vectors below; `SK = 2` gives twice that point;
//!   the public key of a known scalar is checked against the G2 generator
//!   arithmetic; and sign/verify round trips, with every tampering rejected.
#![cfg(feature = "bls")]

use ba_iot::signed::bls::{
    Bls12381MinPk, Bls12381MinSig, MIN_PK_CIPHERSUITE, MIN_PK_POP_DST, MIN_SIG_CIPHERSUITE,
    SigningKey, VerifyingKey,
};
use ba_iot::signed::{Ds, DsOptions, Encoding, SignatureBackend};
use ba_iot::{BroadcastAuth, Error, ReceiverId, Request};
use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

type Xmd = ExpandMsgXmd<sha2_10::Sha256>;

const DST_G1: &[u8] = b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
const DST_G2: &[u8] = b"QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    let v = hex::decode(s).expect("hex");
    v.try_into().expect("length")
}

fn rfc_msgs() -> [Vec<u8>; 5] {
    let mut q128 = b"q128_".to_vec();
    q128.extend(std::iter::repeat_n(b'q', 128));
    let mut a512 = b"a512_".to_vec();
    a512.extend(std::iter::repeat_n(b'a', 512));
    [
        b"".to_vec(),
        b"abc".to_vec(),
        b"abcdef0123456789".to_vec(),
        q128,
        a512,
    ]
}

// RFC 9380 J.9.1: (P.x, P.y).
const G1_RO: [(&str, &str); 5] = [
    (
        "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1",
        "08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb7994998f3eae0c9c6a265",
    ),
    (
        "03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655d3c68900be2f6903",
        "0b9c15f3fe6e5cf4211f346271d7b01c8f3b28be689c8429c85b67af215533311f0b8dfaaa154fa6b88176c229f2885d",
    ),
    (
        "11e0b079dea29a68f0383ee94fed1b940995272407e3bb916bbf268c263ddd57a6a27200a784cbc248e84f357ce82d98",
        "03a87ae2caf14e8ee52e51fa2ed8eefe80f02457004ba4d486d6aa1f517c0889501dc7413753f9599b099ebcbbd2d709",
    ),
    (
        "15f68eaa693b95ccb85215dc65fa81038d69629f70aeee0d0f677cf22285e7bf58d7cb86eefe8f2e9bc3f8cb84fac488",
        "1807a1d50c29f430b8cafc4f8638dfeeadf51211e1602a5f184443076715f91bb90a48ba1e370edce6ae1062f5e6dd38",
    ),
    (
        "082aabae8b7dedb0e78aeb619ad3bfd9277a2f77ba7fad20ef6aabdc6c31d19ba5a6d12283553294c1825c4b3ca2dcfe",
        "05b84ae5a942248eea39e1d91030458c40153f3b654ab7872d779ad1e942856a20c438e8d99bc8abfbf74729ce1f7ac8",
    ),
];

// RFC 9380 J.10.1: P.x = x0 + I * x1, P.y = y0 + I * y1, as (x0, x1, y0, y1).
const G2_RO: [(&str, &str, &str, &str); 5] = [
    (
        "0141ebfbdca40eb85b87142e130ab689c673cf60f1a3e98d69335266f30d9b8d4ac44c1038e9dcdd5393faf5c41fb78a",
        "05cb8437535e20ecffaef7752baddf98034139c38452458baeefab379ba13dff5bf5dd71b72418717047f5b0f37da03d",
        "0503921d7f6a12805e72940b963c0cf3471c7b2a524950ca195d11062ee75ec076daf2d4bc358c4b190c0c98064fdd92",
        "12424ac32561493f3fe3c260708a12b7c620e7be00099a974e259ddc7d1f6395c3c811cdd19f1e8dbf3e9ecfdcbab8d6",
    ),
    (
        "02c2d18e033b960562aae3cab37a27ce00d80ccd5ba4b7fe0e7a210245129dbec7780ccc7954725f4168aff2787776e6",
        "139cddbccdc5e91b9623efd38c49f81a6f83f175e80b06fc374de9eb4b41dfe4ca3a230ed250fbe3a2acf73a41177fd8",
        "1787327b68159716a37440985269cf584bcb1e621d3a7202be6ea05c4cfe244aeb197642555a0645fb87bf7466b2ba48",
        "00aa65dae3c8d732d10ecd2c50f8a1baf3001578f71c694e03866e9f3d49ac1e1ce70dd94a733534f106d4cec0eddd16",
    ),
    (
        "121982811d2491fde9ba7ed31ef9ca474f0e1501297f68c298e9f4c0028add35aea8bb83d53c08cfc007c1e005723cd0",
        "190d119345b94fbd15497bcba94ecf7db2cbfd1e1fe7da034d26cbba169fb3968288b3fafb265f9ebd380512a71c3f2c",
        "05571a0f8d3c08d094576981f4a3b8eda0a8e771fcdcc8ecceaf1356a6acf17574518acb506e435b639353c2e14827c8",
        "0bb5e7572275c567462d91807de765611490205a941a5a6af3b1691bfe596c31225d3aabdf15faff860cb4ef17c7c3be",
    ),
    (
        "19a84dd7248a1066f737cc34502ee5555bd3c19f2ecdb3c7d9e24dc65d4e25e50d83f0f77105e955d78f4762d33c17da",
        "0934aba516a52d8ae479939a91998299c76d39cc0c035cd18813bec433f587e2d7a4fef038260eef0cef4d02aae3eb91",
        "14f81cd421617428bc3b9fe25afbb751d934a00493524bc4e065635b0555084dd54679df1536101b2c979c0152d09192",
        "09bcccfa036b4847c9950780733633f13619994394c23ff0b32fa6b795844f4a0673e20282d07bc69641cee04f5e5662",
    ),
    (
        "01a6ba2f9a11fa5598b2d8ace0fbe0a0eacb65deceb476fbbcb64fd24557c2f4b18ecfc5663e54ae16a84f5ab7f62534",
        "11fca2ff525572795a801eed17eb12785887c7b63fb77a42be46ce4a34131d71f7a73e95fee3f812aea3de78b4d01569",
        "0b6798718c8aed24bc19cb27f866f1c9effcdbf92397ad6448b5c9db90d2b9da6cbabf48adc1adf59a1a28344e79d57e",
        "03a47f8e6d1763ba0cad63d6114c0accbef65707825a511b251a660a9b3994249ae4e63fac38b23da0c398689ee2ab52",
    ),
];

/// The secret key 1 (big-endian), whose signatures are the message hashes.
fn one<V: ba_iot::signed::bls::Variant>() -> SigningKey<V> {
    let mut b = [0u8; 32];
    b[31] = 1;
    SigningKey::from_bytes(&b).expect("1 is a valid key")
}

// ---------------------------------------------------------------- RFC 9380

#[test]
fn rfc9380_hash_to_g1_vectors() {
    let sk1 = one::<Bls12381MinSig>();
    for (msg, (x, y)) in rfc_msgs().iter().zip(G1_RO) {
        let p = G1Affine::from(<G1Projective as HashToCurve<Xmd>>::hash_to_curve(
            [msg.as_slice()],
            DST_G1,
        ));
        // ZCash uncompressed G1 encoding is x || y, big-endian, no flags set
        // for a finite point (x < p leaves the top three bits clear).
        let mut want = [0u8; 96];
        want[..48].copy_from_slice(&unhex::<48>(x));
        want[48..].copy_from_slice(&unhex::<48>(y));
        assert_eq!(
            p.to_uncompressed(),
            want,
            "msg {:?}",
            &msg[..msg.len().min(8)]
        );

        // The crate's own signing path: with SK = 1, CoreSign is exactly
        // hash_to_curve, compressed. This ties min-sig signing to the RFC.
        let expected_point = Option::<G1Affine>::from(G1Affine::from_uncompressed(&want))
            .expect("RFC point is valid");
        let sig = sk1.core_sign(msg, DST_G1).expect("dst ok");
        assert_eq!(sig, expected_point.to_compressed());
        assert_eq!(sig[0] & 0x80, 0x80, "compression flag");
        let mut x_only = sig;
        x_only[0] &= 0x1f;
        assert_eq!(x_only, unhex::<48>(x));
    }
}

#[test]
fn rfc9380_hash_to_g2_vectors() {
    let sk1 = one::<Bls12381MinPk>();
    for (msg, (x0, x1, y0, y1)) in rfc_msgs().iter().zip(G2_RO) {
        let p = G2Affine::from(<G2Projective as HashToCurve<Xmd>>::hash_to_curve(
            [msg.as_slice()],
            DST_G2,
        ));
        // ZCash uncompressed G2 encoding is x.c1 || x.c0 || y.c1 || y.c0.
        let mut want = [0u8; 192];
        want[..48].copy_from_slice(&unhex::<48>(x1));
        want[48..96].copy_from_slice(&unhex::<48>(x0));
        want[96..144].copy_from_slice(&unhex::<48>(y1));
        want[144..].copy_from_slice(&unhex::<48>(y0));
        assert_eq!(
            p.to_uncompressed(),
            want,
            "msg {:?}",
            &msg[..msg.len().min(8)]
        );

        let expected_point = Option::<G2Affine>::from(G2Affine::from_uncompressed(&want))
            .expect("RFC point is valid");
        let sig = sk1.core_sign(msg, DST_G2).expect("dst ok");
        assert_eq!(sig, expected_point.to_compressed());
        let mut x_only = sig;
        x_only[0] &= 0x1f;
        assert_eq!(x_only[..48], unhex::<48>(x1));
        assert_eq!(x_only[48..], unhex::<48>(x0));
    }
}

// ------------------------------------------------ Ethereum (min-pk, POP DST)

const ETH_SK: [&str; 3] = [
    "263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3",
    "47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138",
    "328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216",
];
const ETH_PK: [&str; 3] = [
    "a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a",
    "b301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a580217bf81",
    "b53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f",
];
const ETH_MSG: [[u8; 32]; 3] = [[0x00; 32], [0x56; 32], [0xab; 32]];
/// `ETH_SIG[key][message]`.
const ETH_SIG: [[&str; 3]; 3] = [
    [
        "b6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55",
        "882730e5d03f6b42c3abc26d3372625034e1d871b65a8a6b900a56dae22da98abbe1b68f85e49fe7652a55ec3d0591c20767677e33e5cbb1207315c41a9ac03be39c2e7668edc043d6cb1d9fd93033caa8a1c5b0e84bedaeb6c64972503a43eb",
        "91347bccf740d859038fcdcaf233eeceb2a436bcaaee9b2aa3bfb70efe29dfb2677562ccbea1c8e061fb9971b0753c240622fab78489ce96768259fc01360346da5b9f579e5da0d941e4c6ba18a0e64906082375394f337fa1af2b7127b0d121",
    ],
    [
        "b23c46be3a001c63ca711f87a005c200cc550b9429d5f4eb38d74322144f1b63926da3388979e5321012fb1a0526bcd100b5ef5fe72628ce4cd5e904aeaa3279527843fae5ca9ca675f4f51ed8f83bbf7155da9ecc9663100a885d5dc6df96d9",
        "af1390c3c47acdb37131a51216da683c509fce0e954328a59f93aebda7e4ff974ba208d9a4a2a2389f892a9d418d618418dd7f7a6bc7aa0da999a9d3a5b815bc085e14fd001f6a1948768a3f4afefc8b8240dda329f984cb345c6363272ba4fe",
        "9674e2228034527f4c083206032b020310face156d4a4685e2fcaec2f6f3665aa635d90347b6ce124eb879266b1e801d185de36a0a289b85e9039662634f2eea1e02e670bc7ab849d006a70b2f93b84597558a05b879c8d445f387a5d5b653df",
    ],
    [
        "948a7cb99f76d616c2c564ce9bf4a519f1bea6b0a624a02276443c245854219fabb8d4ce061d255af5330b078d5380681751aa7053da2c98bae898edc218c75f07e24d8802a17cd1f6833b71e58f5eb5b94208b4d0bb3848cecb075ea21be115",
        "a4efa926610b8bd1c8330c918b7a5e9bf374e53435ef8b7ec186abf62e1b1f65aeaaeb365677ac1d1172a1f5b44b4e6d022c252c58486c0a759fbdc7de15a756acc4d343064035667a594b4c2a6f0b0b421975977f297dba63ee2f63ffe47bb6",
        "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa3527c468c25f0026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7cf29adf3ccbb9975e4eb9",
    ],
];

#[test]
fn ethereum_sign_vectors() {
    for (k, sk_hex) in ETH_SK.iter().enumerate() {
        let sk = SigningKey::<Bls12381MinPk>::from_bytes(&unhex::<32>(sk_hex)).expect("key");
        assert_eq!(sk.to_bytes().as_slice(), unhex::<32>(sk_hex).as_slice());
        assert_eq!(
            sk.verifying_key().to_bytes(),
            unhex::<48>(ETH_PK[k]),
            "SkToPk {k}"
        );
        for (m, msg) in ETH_MSG.iter().enumerate() {
            let sig = sk.core_sign(msg, MIN_PK_POP_DST).expect("dst ok");
            assert_eq!(sig, unhex::<96>(ETH_SIG[k][m]), "sign key {k} msg {m}");
            // The same key under the NUL ciphersuite signs differently.
            assert_ne!(sk.sign(msg), sig);
        }
    }
}

#[test]
fn ethereum_sign_rejects_zero_key() {
    // sign_case_zero_privkey: the zero key must be refused.
    assert_eq!(
        SigningKey::<Bls12381MinPk>::from_bytes(&[0u8; 32]).map(|_| ()),
        Err(Error::NonCanonical("BLS secret key: zero"))
    );
}

fn eth_verify(pk: &str, msg: &[u8], sig: &str) -> bool {
    let Ok(pk) = VerifyingKey::<Bls12381MinPk>::from_bytes(&hex::decode(pk).expect("hex")) else {
        return false;
    };
    pk.core_verify(msg, &hex::decode(sig).expect("hex"), MIN_PK_POP_DST)
        .is_ok()
}

#[test]
fn ethereum_verify_vectors() {
    // All nine sign vectors verify under their public keys (verify_valid_case_*).
    for k in 0..3 {
        for m in 0..3 {
            assert!(eth_verify(ETH_PK[k], &ETH_MSG[m], ETH_SIG[k][m]), "{k} {m}");
        }
    }
    let sig = ETH_SIG[2][2];
    // verify_tampered_signature_case: last four bytes replaced by ff.
    let tampered = format!("{}ffffffff", &sig[..sig.len() - 8]);
    assert!(!eth_verify(ETH_PK[2], &ETH_MSG[2], &tampered));
    // verify_wrong_pubkey_case: a valid key, but not the signer's.
    assert!(!eth_verify(ETH_PK[0], &ETH_MSG[2], sig));
    // Tampered message.
    let mut msg = ETH_MSG[2];
    msg[0] = 0xbb;
    assert!(!eth_verify(ETH_PK[2], &msg, sig));
    // verify_infinity_pubkey_and_infinity_signature.
    let inf_pk = format!("c0{}", "00".repeat(47));
    let inf_sig = format!("c0{}", "00".repeat(95));
    assert!(!eth_verify(&inf_pk, &ETH_MSG[2], &inf_sig));
    // A valid key with the identity signature.
    assert!(!eth_verify(ETH_PK[2], &ETH_MSG[2], &inf_sig));
    // An empty DST is refused, even with an otherwise valid signature.
    let sk = SigningKey::<Bls12381MinPk>::from_bytes(&unhex::<32>(ETH_SK[0])).expect("key");
    assert_eq!(
        sk.verifying_key()
            .core_verify(&ETH_MSG[0], &hex::decode(ETH_SIG[0][0]).expect("hex"), b""),
        Err(Error::Rejected),
        "empty DST is refused"
    );
}

#[test]
fn key_validate_public_keys() {
    // Identity.
    assert_eq!(
        VerifyingKey::<Bls12381MinPk>::from_bytes(&unhex::<48>(&format!("c0{}", "00".repeat(47))))
            .map(|_| ()),
        Err(Error::NonCanonical("BLS public key: the identity"))
    );
    // Not on E1 (one bit of a valid key flipped), from the Ethereum
    // PopVerify cases.
    assert_eq!(
        VerifyingKey::<Bls12381MinPk>::from_bytes(&unhex::<48>(
            "a53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f"
        ))
        .map(|_| ()),
        Err(Error::NonCanonical(
            "BLS public key: not a canonical compressed curve point"
        ))
    );
    // On E1 but not in G1: Q1.x of RFC 9380 J.9.1 (msg ""), compressed flag.
    let q1 = unhex::<48>(
        "960003aaf1632b13396dbad518effa00fff532f604de1a7fc2082ff4cb0afa2d63b2c32da1bef2bf6c5ca62dc6b72f9c",
    );
    assert!(bool::from(
        Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&q1))
            .expect("on curve")
            .is_on_curve()
    ));
    assert_eq!(
        VerifyingKey::<Bls12381MinPk>::from_bytes(&q1).map(|_| ()),
        Err(Error::NonCanonical(
            "BLS public key: point not in the prime-order subgroup"
        ))
    );
    // Wrong lengths, and a G1 key offered to the G2-key variant.
    assert!(VerifyingKey::<Bls12381MinPk>::from_bytes(&[0u8; 47]).is_err());
    assert!(VerifyingKey::<Bls12381MinSig>::from_bytes(&unhex::<48>(ETH_PK[0])).is_err());
    // Non-canonical: x >= p (all 381 x bits set).
    let mut big = [0xffu8; 48];
    big[0] = 0x9f;
    assert!(VerifyingKey::<Bls12381MinPk>::from_bytes(&big).is_err());
    // Uncompressed-flag-less encoding of a valid key.
    let mut no_flag = unhex::<48>(ETH_PK[0]);
    no_flag[0] &= 0x7f;
    assert!(VerifyingKey::<Bls12381MinPk>::from_bytes(&no_flag).is_err());
    // Round trip of a valid key.
    let pk = VerifyingKey::<Bls12381MinPk>::from_bytes(&unhex::<48>(ETH_PK[1])).expect("valid");
    assert_eq!(pk.to_bytes(), unhex::<48>(ETH_PK[1]));
    // Min-sig keys: identity refused, valid round trip.
    assert!(
        VerifyingKey::<Bls12381MinSig>::from_bytes(&unhex::<96>(&format!("c0{}", "00".repeat(95))))
            .is_err()
    );
    let g2 = G2Affine::generator().to_compressed();
    let pk = VerifyingKey::<Bls12381MinSig>::from_bytes(&g2).expect("generator");
    assert_eq!(pk.to_bytes(), g2);
}

// ------------------------------------------------------------------ KeyGen

/// A decimal integer below 2^256 as 32 big-endian bytes.
fn dec_to_be32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for c in s.bytes() {
        let mut carry = u32::from(c - b'0');
        for b in out.iter_mut().rev() {
            let v = u32::from(*b) * 10 + carry;
            *b = v as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "overflow");
    }
    out
}

#[test]
fn keygen_eip2333_master_keys() {
    let cases = [
        (
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
            "6083874454709270928345386274498605044986640685124978867557563392430687146096",
        ),
        (
            "3141592653589793238462643383279502884197169399375105820974944592",
            "29757020647961307431480504535336562678282505419141012933316116377660817309383",
        ),
        (
            "0099ff991111002299dd7744ee3355bbdd8844115566cc55663355668888cc00",
            "27580842291869792442942448775674722299803720648445448686099262467207037398656",
        ),
        (
            "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
            "19022158461524446591288038168518313374041767046816487870552872741050760015818",
        ),
    ];
    for (seed, master) in cases {
        let sk = SigningKey::<Bls12381MinPk>::from_ikm(&hex::decode(seed).expect("hex"), b"")
            .expect("ikm ok");
        assert_eq!(*sk.to_bytes(), dec_to_be32(master), "seed {seed}");
        // The variant does not change KeyGen.
        let sk2 = SigningKey::<Bls12381MinSig>::from_ikm(&hex::decode(seed).expect("hex"), b"")
            .expect("ikm ok");
        assert_eq!(*sk2.to_bytes(), dec_to_be32(master));
    }
}

#[test]
fn keygen_properties() {
    assert_eq!(
        SigningKey::<Bls12381MinSig>::from_ikm(&[1u8; 31], b"").map(|_| ()),
        Err(Error::InvalidParameter(
            "BLS KeyGen: IKM shorter than 32 bytes"
        ))
    );
    let a = SigningKey::<Bls12381MinSig>::from_ikm(&[1u8; 32], b"").expect("ok");
    let b = SigningKey::<Bls12381MinSig>::from_ikm(&[1u8; 32], b"").expect("ok");
    let c = SigningKey::<Bls12381MinSig>::from_ikm(&[1u8; 32], b"device 7").expect("ok");
    let d = SigningKey::<Bls12381MinSig>::from_ikm(&[2u8; 32], b"").expect("ok");
    assert_eq!(*a.to_bytes(), *b.to_bytes(), "deterministic");
    assert_ne!(*a.to_bytes(), *c.to_bytes(), "key_info matters");
    assert_ne!(*a.to_bytes(), *d.to_bytes(), "IKM matters");
    // Every output is a canonical non-zero scalar: from_bytes accepts it.
    for i in 0..16u8 {
        let sk = SigningKey::<Bls12381MinSig>::from_ikm(&[i; 40], &[i]).expect("ok");
        let again = SigningKey::<Bls12381MinSig>::from_bytes(&sk.to_bytes()).expect("canonical");
        assert_eq!(*again.to_bytes(), *sk.to_bytes());
    }
    // generate draws from the RNG: same seed, same key; other seed, other key.
    let g1 = SigningKey::<Bls12381MinSig>::generate(&mut ChaCha20Rng::from_seed([3; 32]));
    let g2 = SigningKey::<Bls12381MinSig>::generate(&mut ChaCha20Rng::from_seed([3; 32]));
    let g3 = SigningKey::<Bls12381MinSig>::generate(&mut ChaCha20Rng::from_seed([4; 32]));
    assert_eq!(*g1.to_bytes(), *g2.to_bytes());
    assert_ne!(*g1.to_bytes(), *g3.to_bytes());
}

#[test]
fn secret_key_encoding_bounds() {
    // r - 1 is the largest key; r and 2^256 - 1 are refused.
    let r = unhex::<32>("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    let mut r_minus_1 = r;
    r_minus_1[31] = 0;
    let sk = SigningKey::<Bls12381MinSig>::from_bytes(&r_minus_1).expect("r - 1");
    assert_eq!(*sk.to_bytes(), r_minus_1);
    assert!(SigningKey::<Bls12381MinSig>::from_bytes(&r).is_err());
    assert!(SigningKey::<Bls12381MinSig>::from_bytes(&[0xff; 32]).is_err());
    // r - 1 = -1: its public key is the negated generator.
    assert_eq!(
        sk.verifying_key().to_bytes(),
        (-G2Affine::generator()).to_compressed()
    );
}

// ------------------------------------------------- min-sig cross-checks

#[test]
fn min_sig_consistency() {
    let msg = b"open valve 3";
    // SK = 1 signs to H(m); SK = 2 to 2 H(m), under the NUL ciphersuite.
    let h = G1Affine::from(<G1Projective as HashToCurve<Xmd>>::hash_to_curve(
        [&msg[..]],
        MIN_SIG_CIPHERSUITE,
    ));
    assert_eq!(one::<Bls12381MinSig>().sign(msg), h.to_compressed());
    let mut two = [0u8; 32];
    two[31] = 2;
    let sk2 = SigningKey::<Bls12381MinSig>::from_bytes(&two).expect("2");
    assert_eq!(
        sk2.sign(msg),
        G1Affine::from(G1Projective::from(h).double()).to_compressed()
    );
    // The public key of a known scalar is that multiple of the G2 generator.
    let sk = SigningKey::<Bls12381MinSig>::from_bytes(&unhex::<32>(ETH_SK[0])).expect("key");
    let mut le = unhex::<32>(ETH_SK[0]);
    le.reverse();
    let s = Option::<Scalar>::from(Scalar::from_bytes(&le)).expect("canonical");
    assert_eq!(
        sk.verifying_key().to_bytes(),
        G2Affine::from(G2Affine::generator() * s).to_compressed()
    );
    // Round trip, and the two ciphersuites are separated.
    let vk = sk.verifying_key();
    let sig = sk.sign(msg);
    assert_eq!(vk.verify(msg, &sig), Ok(()));
    assert_eq!(vk.verify(b"open valve 4", &sig), Err(Error::Rejected));
    assert_eq!(
        vk.core_verify(msg, &sig, MIN_PK_CIPHERSUITE),
        Err(Error::Rejected)
    );
    let other = SigningKey::<Bls12381MinSig>::from_bytes(&unhex::<32>(ETH_SK[1])).expect("key");
    assert_eq!(
        other.verifying_key().verify(msg, &sig),
        Err(Error::Rejected)
    );
    // Every single-bit flip of the signature is rejected.
    for i in 0..sig.len() * 8 {
        let mut bad = sig;
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(vk.verify(msg, &bad), Err(Error::Rejected), "bit {i}");
    }
}

// ------------------------------------------------------- end to end (Ds)

fn ds_round_trip<B>(rng_seed: u8)
where
    B: SignatureBackend,
{
    let mut rng = ChaCha20Rng::from_seed([rng_seed; 32]);
    let sender = Ds::<B>::setup(&mut rng);
    let alice = Ds::<B>::join(&sender, ReceiverId(1));
    let bob = Ds::<B>::join(&sender, ReceiverId(2));
    let targets = [ReceiverId(1), ReceiverId(5)];
    let request = Request::new(&targets, b"open valve", 42);
    let opts = DsOptions::with_encoding(Encoding::IdList);
    let bytes = Ds::<B>::authenticate(&sender, &request, &opts, &mut rng).expect("authenticate");
    assert_eq!(bytes[1], B::SCHEME_ID);

    let ok = Ds::<B>::verify(&alice, &bytes).expect("designated receiver accepts");
    assert_eq!((ok.seq, ok.payload), (42, &b"open valve"[..]));
    assert_eq!(Ds::<B>::verify(&bob, &bytes), Err(Error::Rejected));

    // Tampered payload, sequence number and signature: all rejected.
    let n = bytes.len();
    let sig_start = n - B::SIGNATURE_LEN;
    for i in [2, 9, sig_start - 1, sig_start + 5, n - 1] {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        assert!(Ds::<B>::verify(&alice, &bad).is_err(), "byte {i}");
    }
    // Bloom encoding too.
    let bloom = Ds::<B>::authenticate(&sender, &request, &DsOptions::default(), &mut rng)
        .expect("authenticate");
    assert!(Ds::<B>::verify(&alice, &bloom).is_ok());
}

#[test]
fn ds_min_sig_round_trip() {
    ds_round_trip::<Bls12381MinSig>(1);
}

#[test]
fn ds_min_pk_round_trip() {
    ds_round_trip::<Bls12381MinPk>(2);
}

/// Replace the signature of an honest broadcast by `sig` and check the
/// designated receiver answers exactly `Rejected`.
fn rejected_with_signature<B: SignatureBackend>(sig: &[u8]) {
    let mut rng = ChaCha20Rng::from_seed([9; 32]);
    let sender = Ds::<B>::setup(&mut rng);
    let alice = Ds::<B>::join(&sender, ReceiverId(1));
    let targets = [ReceiverId(1)];
    let opts = DsOptions::with_encoding(Encoding::IdList);
    let mut bytes =
        Ds::<B>::authenticate(&sender, &Request::new(&targets, b"x", 1), &opts, &mut rng)
            .expect("authenticate");
    assert!(Ds::<B>::verify(&alice, &bytes).is_ok());
    let n = bytes.len();
    bytes[n - B::SIGNATURE_LEN..].copy_from_slice(sig);
    assert_eq!(Ds::<B>::verify(&alice, &bytes), Err(Error::Rejected));
}

#[test]
fn ds_rejects_bad_signature_points() {
    // G1 (min-sig signatures).
    let identity_g1 = unhex::<48>(&format!("c0{}", "00".repeat(47)));
    let not_on_curve_g1 = unhex::<48>(
        "a53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f",
    );
    let not_in_g1 = unhex::<48>(
        "960003aaf1632b13396dbad518effa00fff532f604de1a7fc2082ff4cb0afa2d63b2c32da1bef2bf6c5ca62dc6b72f9c",
    );
    assert!(
        Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&not_on_curve_g1)).is_none()
    );
    let p =
        Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&not_in_g1)).expect("on E1");
    assert!(!bool::from(p.is_torsion_free()));
    for sig in [
        identity_g1,
        not_on_curve_g1,
        not_in_g1,
        [0u8; 48],
        [0xff; 48],
    ] {
        rejected_with_signature::<Bls12381MinSig>(&sig);
    }

    // G2 (min-pk signatures). On E2 but not in G2: Q0 of RFC 9380 J.10.1
    // (msg ""), before cofactor clearing; x = x0 + I x1 encoded x1 || x0.
    let mut not_in_g2 = [0u8; 96];
    not_in_g2[..48].copy_from_slice(&unhex::<48>(
        "171c88b0b0efb5eb2b88913a9e74fe111a4f68867b59db252ce5868af4d1254bfab77ebde5d61cd1a86fb2fe4a5a1c1d",
    ));
    not_in_g2[48..].copy_from_slice(&unhex::<48>(
        "019ad3fc9c72425a998d7ab1ea0e646a1f6093444fc6965f1cad5a3195a7b1e099c050d57f45e3fa191cc6d75ed7458c",
    ));
    not_in_g2[0] |= 0x80;
    let q =
        Option::<G2Affine>::from(G2Affine::from_compressed_unchecked(&not_in_g2)).expect("on E2");
    assert!(!bool::from(q.is_torsion_free()));
    let identity_g2 = unhex::<96>(&format!("c0{}", "00".repeat(95)));
    // x = 0 + I * 1 with the compression flag: x^3 + 4(1 + I) = 4 + 3I is a
    // non-square in Fp2 exactly when decoding fails; checked below.
    let mut small_x = [0u8; 96];
    small_x[0] = 0x80;
    small_x[47] = 1;
    let small_on_curve = Option::<G2Affine>::from(G2Affine::from_compressed_unchecked(&small_x));
    let tampered = unhex::<96>(&format!("{}ffffffff", &ETH_SIG[2][2][..184]));
    for sig in [
        not_in_g2,
        identity_g2,
        small_x,
        tampered,
        [0u8; 96],
        [0xff; 96],
    ] {
        rejected_with_signature::<Bls12381MinPk>(&sig);
    }
    // Whichever way the small point fell, it was refused; record which.
    println!("x = I on E2: {}", small_on_curve.is_some());
}

#[test]
fn backend_sign_checks_buffer_length() {
    let mut rng = ChaCha20Rng::from_seed([5; 32]);
    let sk = <Bls12381MinSig as SignatureBackend>::generate(&mut rng);
    let mut short = [0u8; 47];
    assert_eq!(
        <Bls12381MinSig as SignatureBackend>::sign(&sk, b"m", &mut short),
        Err(Error::InvalidParameter("signature buffer length"))
    );
    let mut out = [0u8; 48];
    <Bls12381MinSig as SignatureBackend>::sign(&sk, b"m", &mut out).expect("sign");
    let vk = <Bls12381MinSig as SignatureBackend>::verifying_key(&sk);
    assert_eq!(
        <Bls12381MinSig as SignatureBackend>::verify(&vk, b"m", &out),
        Ok(())
    );
    // Wrong signature lengths are rejected, not a panic.
    for len in [0, 47, 49, 96] {
        assert_eq!(
            <Bls12381MinSig as SignatureBackend>::verify(&vk, b"m", &vec![0xc0; len]),
            Err(Error::Rejected)
        );
    }
    assert!(!format!("{sk:?}").contains(&hex::encode(&sk.to_bytes()[..])));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Arbitrary signature bytes never panic and never verify.
        #[test]
        fn random_signatures_rejected(sig in proptest::collection::vec(any::<u8>(), 48), msg in proptest::collection::vec(any::<u8>(), 0..64)) {
            let sk = SigningKey::<Bls12381MinSig>::from_ikm(&[11u8; 32], b"").expect("ok");
            prop_assert_eq!(sk.verifying_key().verify(&msg, &sig), Err(Error::Rejected));
        }

        /// Arbitrary public-key bytes never panic.
        #[test]
        fn random_public_keys_do_not_panic(pk in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = VerifyingKey::<Bls12381MinSig>::from_bytes(&pk);
            let _ = VerifyingKey::<Bls12381MinPk>::from_bytes(&pk);
        }
    }
}

// ---------------------------------------------------------------- timings

/// Prints sign and verify costs; asserts nothing about time. Run with
/// `cargo test --release --test bls_vectors -- --nocapture timings`.
#[test]
fn timings() {
    fn time<V: ba_iot::signed::bls::Variant>(name: &str) {
        let sk = SigningKey::<V>::from_ikm(&[42u8; 32], b"").expect("ok");
        let vk = sk.verifying_key();
        let msg = [0x5au8; 64];
        let n = if cfg!(debug_assertions) { 2 } else { 20 };
        let t = std::time::Instant::now();
        let mut sig = sk.sign(&msg);
        for _ in 1..n {
            sig = sk.sign(&msg);
        }
        let sign = t.elapsed() / n;
        let t = std::time::Instant::now();
        for _ in 0..n {
            assert_eq!(vk.verify(&msg, sig.as_ref()), Ok(()));
        }
        let verify = t.elapsed() / n;
        println!("{name}: sign {sign:?}, verify {verify:?} (mean of {n})");
    }
    time::<Bls12381MinSig>("min-sig");
    time::<Bls12381MinPk>("min-pk");
}
