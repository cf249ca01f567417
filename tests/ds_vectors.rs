//! Known-answer tests.
//!
//! * RFC 8032, section 7.1: the Ed25519 test vectors TEST 1, 2, 3, 1024 and
//!   SHA(abc), through the crate's `Ed25519` backend (key generation from the
//!   32-byte secret, exact public key and signature bytes, verification).
//! * The crate's own DS-based broadcast vectors: a fixed ChaCha20 seed, fleet,
//!   target list, payload and sequence number give exactly the bytes
//!   committed under `tests/vectors/`. Any change of the wire format, the
//!   salt draw, the Bloom position function or the sizing rule fails here.
//! * Bloom bit positions for fixed `(params, salt, element)`.
//!
//! # Regenerating the broadcast vectors
//!
//! Only after a deliberate, documented wire-format change:
//!
//! ```text
//! BA_IOT_REGENERATE_VECTORS=1 cargo test --test ds_vectors
//! ```
//!
//! rewrites `tests/vectors/*.hex` from the current implementation (the tests
//! still check every structural property). Review the diff before
//! committing it.

use std::convert::Infallible;
use std::path::PathBuf;

use ba_iot::signed::{Ds, DsBroadcast, DsOptions, Ed25519, Encoding, SignatureBackend, SubsetRef};
use ba_iot::subset::BloomSizing;
use ba_iot::subset::bloom::{Bloom, BloomParams, positions};
use ba_iot::wire::MAX_FILTER_BITS;
use ba_iot::{BroadcastAuth, Error, ReceiverId, Request};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{SeedableRng, TryCryptoRng, TryRng};

// ---------------------------------------------------------------------------
// RFC 8032 section 7.1
// ---------------------------------------------------------------------------

/// An "RNG" that hands out exactly the 32 bytes of an RFC 8032 secret key,
/// so that `Ed25519::generate` yields that key. Asking for more fails the
/// test.
struct SecretKeyRng {
    bytes: [u8; 32],
    used: usize,
}

impl SecretKeyRng {
    fn new(hex_key: &str) -> Self {
        let v = hex::decode(hex_key).expect("hex");
        SecretKeyRng {
            bytes: v.try_into().expect("32-byte secret key"),
            used: 0,
        }
    }
}

impl TryRng for SecretKeyRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let end = self.used + dst.len();
        assert!(end <= 32, "key generation drew more than 32 bytes");
        dst.copy_from_slice(&self.bytes[self.used..end]);
        self.used = end;
        Ok(())
    }
}

impl TryCryptoRng for SecretKeyRng {}

struct Rfc8032 {
    name: &'static str,
    secret_key: &'static str,
    public_key: &'static str,
    message: &'static str,
    signature: &'static str,
}

const TEST_1024_MESSAGE: &str = concat!(
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98",
    "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8",
    "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d",
    "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc",
    "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe",
    "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e",
    "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef",
    "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7",
    "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1",
    "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2",
    "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24",
    "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270",
    "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc",
    "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07",
    "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba",
    "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a",
    "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e",
    "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7",
    "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c",
    "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8",
    "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df",
    "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08",
    "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649",
    "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4",
    "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3",
    "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e",
    "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f",
    "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5",
    "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1",
    "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d",
    "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c",
    "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
);

const RFC8032: [Rfc8032; 5] = [
    Rfc8032 {
        name: "TEST 1",
        secret_key: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        public_key: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        message: "",
        signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    },
    Rfc8032 {
        name: "TEST 2",
        secret_key: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        public_key: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        message: "72",
        signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    },
    Rfc8032 {
        name: "TEST 3",
        secret_key: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        public_key: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        message: "af82",
        signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    },
    Rfc8032 {
        name: "TEST 1024",
        secret_key: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
        public_key: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
        message: TEST_1024_MESSAGE,
        signature: "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
    },
    Rfc8032 {
        name: "TEST SHA(abc)",
        secret_key: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        public_key: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        // SHA-512("abc")
        message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    },
];

#[test]
fn rfc8032_ed25519_vectors() {
    for v in &RFC8032 {
        // Transcription checks: lengths as stated in the RFC.
        assert_eq!(v.secret_key.len(), 64, "{}", v.name);
        assert_eq!(v.public_key.len(), 64, "{}", v.name);
        assert_eq!(v.signature.len(), 128, "{}", v.name);
        let msg = hex::decode(v.message).expect("hex");
        let expected_len = match v.name {
            "TEST 1" => 0,
            "TEST 2" => 1,
            "TEST 3" => 2,
            "TEST 1024" => 1023,
            _ => 64,
        };
        assert_eq!(msg.len(), expected_len, "{}", v.name);

        let mut rng = SecretKeyRng::new(v.secret_key);
        let sk = Ed25519::generate(&mut rng);
        assert_eq!(
            rng.used, 32,
            "{}: generate must draw exactly the seed",
            v.name
        );
        let vk = Ed25519::verifying_key(&sk);
        assert_eq!(
            hex::encode(vk.to_bytes()),
            v.public_key,
            "{}: public key",
            v.name
        );

        let mut sig = [0u8; 64];
        Ed25519::sign(&sk, &msg, &mut sig).expect("sign");
        assert_eq!(hex::encode(sig), v.signature, "{}: signature", v.name);

        let expected = hex::decode(v.signature).expect("hex");
        assert_eq!(Ed25519::verify(&vk, &msg, &expected), Ok(()), "{}", v.name);
        // Any other message, or a damaged signature, is refused.
        let mut other = msg.clone();
        other.push(0);
        assert_eq!(
            Ed25519::verify(&vk, &other, &expected),
            Err(Error::Rejected)
        );
        let mut bad = expected.clone();
        bad[63] ^= 0x10;
        assert_eq!(Ed25519::verify(&vk, &msg, &bad), Err(Error::Rejected));
        assert_eq!(
            Ed25519::verify(&vk, &msg, &expected[..63]),
            Err(Error::Rejected)
        );
        // A wrong output buffer is a parameter error, not a panic.
        assert!(matches!(
            Ed25519::sign(&sk, &msg, &mut [0u8; 63]),
            Err(Error::InvalidParameter(_))
        ));
    }
}

// ---------------------------------------------------------------------------
// The crate's own broadcast vectors
// ---------------------------------------------------------------------------

/// The ChaCha20 seed of every crate vector (32 bytes).
const KAT_SEED: [u8; 32] = *b"ba-iot known-answer vectors v1\0\0";
const KAT_SEQ: u64 = 0x0000_0001_0000_002a;
const KAT_PAYLOAD: &[u8] = b"open valve 7";

fn kat_fleet() -> Vec<ReceiverId> {
    let mut fleet: Vec<ReceiverId> = (1..=12).map(ReceiverId).collect();
    fleet.extend(
        [
            0x0011_2233_4455_6677u64,
            0x70b3_d5ff_fe00_0001,
            0x70b3_d5ff_fe00_0002,
            0xffff_ffff_ffff_fffe,
        ]
        .map(ReceiverId),
    );
    fleet
}

/// Deliberately unsorted: the sender sorts.
fn kat_targets() -> Vec<ReceiverId> {
    [0x70b3_d5ff_fe00_0001u64, 3, 0x0011_2233_4455_6677, 12]
        .map(ReceiverId)
        .to_vec()
}

/// Key from a fresh ChaCha20 stream seeded with `KAT_SEED`, then the
/// broadcast from the same stream.
fn kat_broadcast(encoding: Encoding) -> Vec<u8> {
    let mut rng = ChaCha20Rng::from_seed(KAT_SEED);
    let sender = Ds::<Ed25519>::setup(&mut rng);
    let fleet = kat_fleet();
    let targets = kat_targets();
    let request = Request::new(&targets, KAT_PAYLOAD, KAT_SEQ).with_registry(&fleet);
    Ds::<Ed25519>::authenticate(
        &sender,
        &request,
        &DsOptions::with_encoding(encoding),
        &mut rng,
    )
    .expect("authenticate")
}

fn kat_key() -> (
    <Ed25519 as SignatureBackend>::SigningKey,
    <Ed25519 as SignatureBackend>::VerifyingKey,
) {
    let mut rng = ChaCha20Rng::from_seed(KAT_SEED);
    let sk = Ed25519::generate(&mut rng);
    let vk = Ed25519::verifying_key(&sk);
    (sk, vk)
}

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
        .join(name)
}

/// Compare `bytes` with the committed hex file (or rewrite it when
/// `BA_IOT_REGENERATE_VECTORS=1`).
fn check_vector(name: &str, bytes: &[u8]) {
    let path = vector_path(name);
    let hex_now = hex::encode(bytes);
    if std::env::var_os("BA_IOT_REGENERATE_VECTORS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, format!("{hex_now}\n")).expect("write vector");
        eprintln!("regenerated {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; regenerate with BA_IOT_REGENERATE_VECTORS=1 (see the module docs)",
            path.display()
        )
    });
    let committed: String = committed.split_whitespace().collect();
    assert_eq!(
        hex_now, committed,
        "{name}: the broadcast differs from the committed vector (wire format drift?)"
    );
}

#[test]
fn kat_public_key() {
    let (_, vk) = kat_key();
    check_vector("ds_ed25519_public_key.hex", &vk.to_bytes());
}

/// The layout, rebuilt without the library's writer.
fn expected_prefix(salt: &[u8]) -> Vec<u8> {
    let mut m = vec![0x01, 0x01];
    m.extend_from_slice(&KAT_SEQ.to_be_bytes());
    m.extend_from_slice(salt);
    m
}

fn expected_tail(m: &mut Vec<u8>) {
    m.extend_from_slice(&(KAT_PAYLOAD.len() as u32).to_be_bytes());
    m.extend_from_slice(KAT_PAYLOAD);
}

/// Every target accepts, every other fleet member is rejected, and the
/// signature is the deterministic Ed25519 signature of the signed part.
fn check_receivers(bytes: &[u8], signed_len: usize) {
    let (sk, vk) = kat_key();
    let mut sig = [0u8; 64];
    Ed25519::sign(&sk, &bytes[..signed_len], &mut sig).expect("sign");
    assert_eq!(&bytes[signed_len..], &sig[..]);
    let targets = kat_targets();
    for id in kat_fleet() {
        let rx = ba_iot::signed::DsReceiverKey::<Ed25519>::new(id, vk);
        let r = Ds::<Ed25519>::verify(&rx, bytes);
        if targets.contains(&id) {
            let v = r.expect("target accepts");
            assert_eq!((v.seq, v.payload), (KAT_SEQ, KAT_PAYLOAD));
        } else {
            assert_eq!(r, Err(Error::Rejected), "{id:?}");
        }
    }
}

#[test]
fn kat_id_list() {
    let bytes = kat_broadcast(Encoding::IdList);
    check_vector("ds_ed25519_idlist.hex", &bytes);

    let d = DsBroadcast::decode::<Ed25519>(&bytes).expect("decode");
    let mut m = expected_prefix(d.salt);
    m.push(0x00);
    m.extend_from_slice(&4u32.to_be_bytes());
    let mut sorted = kat_targets();
    sorted.sort();
    for id in &sorted {
        m.extend_from_slice(&id.0.to_be_bytes());
    }
    expected_tail(&mut m);
    assert_eq!(&bytes[..m.len()], &m[..]);
    assert_eq!(bytes.len(), m.len() + 64);
    check_receivers(&bytes, m.len());
}

#[test]
fn kat_bloom() {
    let bytes = kat_broadcast(Encoding::Bloom(BloomSizing::FalsePositiveRate(
        1.0 / 1024.0,
    )));
    check_vector("ds_ed25519_bloom.hex", &bytes);

    let d = DsBroadcast::decode::<Ed25519>(&bytes).expect("decode");
    let SubsetRef::Bloom(f) = d.subset else {
        panic!("not a Bloom broadcast")
    };
    let params = f.params();
    assert_eq!(
        params,
        BloomParams::for_rate(4, 1.0 / 1024.0).expect("params")
    );
    // The filter is exactly the targets inserted under the salt.
    let mut filter = Bloom::new(params);
    for id in kat_targets() {
        filter.insert(d.salt, &id.to_bytes()).expect("insert");
    }
    let mut m = expected_prefix(d.salt);
    m.push(0x01);
    m.extend_from_slice(&params.bits.to_be_bytes());
    m.push(params.hashes);
    m.extend_from_slice(filter.as_bytes());
    expected_tail(&mut m);
    assert_eq!(&bytes[..m.len()], &m[..]);
    assert_eq!(bytes.len(), m.len() + 64);
    check_receivers(&bytes, m.len());
}

// ---------------------------------------------------------------------------
// Bloom positions
// ---------------------------------------------------------------------------

/// Expected positions, computed once, independently of this crate, from the
/// normative description in `src/subset/bloom.rs` with Python's hashlib:
///
/// ```text
/// def positions(m, k, salt, element):
///     pre = (b"ba-iot/v1/bloom\x00" + bytes([len(salt)]) + salt
///            + bytes([len(element)]) + element)
///     out = []
///     for j in range((k + 3) // 4):
///         d = hashlib.sha256(pre + bytes([j])).digest()
///         out += [(int.from_bytes(d[8*t:8*t+8], "big") * m) >> 64 for t in range(4)]
///     return out[:k]
/// ```
/// `(bits, hashes, salt, element, expected positions)`.
type PositionVector<'a> = (u32, u8, &'a [u8], Vec<u8>, &'a [u32]);

#[test]
fn bloom_position_vectors() {
    let salt16: Vec<u8> = (0u8..16).collect();
    let cases: [PositionVector<'_>; 4] = [
        (
            1024,
            7,
            &salt16,
            0x0011_2233_4455_6677u64.to_be_bytes().to_vec(),
            &[422, 301, 780, 633, 268, 973, 491],
        ),
        (8, 1, b"", Vec::new(), &[3]),
        (
            24,
            5,
            &[0xff; 16],
            1u64.to_be_bytes().to_vec(),
            &[6, 18, 18, 19, 7],
        ),
        (
            MAX_FILTER_BITS,
            32,
            b"ba-iot",
            vec![0xab; 255],
            &[
                265914053, 586087993, 442614008, 1028028780, 51327457, 742521848, 840520281,
                516683056, 7561447, 933732894, 160709871, 1001996448, 905918268, 471798171,
                800365300, 459526297, 183278902, 275066688, 82363217, 185939436, 685756545,
                311021319, 41438052, 21108567, 513136552, 867580265, 377488005, 851319536,
                896128446, 82807491, 763957081, 193873177,
            ],
        ),
    ];
    for (bits, hashes, salt, element, expected) in cases {
        let params = BloomParams::new(bits, hashes).expect("params");
        let got: Vec<u32> = positions(params, salt, &element)
            .expect("positions")
            .collect();
        assert_eq!(got, expected, "m={bits} k={hashes}");
    }
    // Over-long salts or elements are refused, not truncated.
    let params = BloomParams::new(64, 2).expect("params");
    assert!(positions(params, &[0; 256], b"x").is_err());
    assert!(positions(params, b"x", &[0; 256]).is_err());
}

// ---------------------------------------------------------------------------
// Secrets stay out of Debug output
// ---------------------------------------------------------------------------

/// Neither the sender key nor a receiver key prints key material in
/// `Debug` (the RFC 8032 TEST 1 secret seed is used as the key).
#[test]
fn keys_debug_print_no_secret() {
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    let sender = Ds::<Ed25519>::setup(&mut SecretKeyRng::new(SEED));
    assert_eq!(format!("{sender:?}"), "DsSenderKey { .. }");
    let receiver = Ds::<Ed25519>::join(&sender, ReceiverId(7));
    let shown = format!("{receiver:?}");
    assert!(shown.contains("ReceiverId(7)"), "{shown}");
    let seed = hex::decode(SEED).expect("hex");
    for needle in [SEED[..16].to_string(), format!("{:?}", &seed[..4])] {
        assert!(!shown.contains(&needle), "{shown}");
    }
}
