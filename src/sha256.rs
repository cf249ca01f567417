//! Direct use of the SHA-256 compression function for short inputs, where
//! the `Digest` API's buffering costs as much as the compression itself.

use sha2::block_api::compress256;

/// SHA-256 initial hash value (FIPS 180-4, section 5.3.3).
pub(crate) const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Longest message that fits one block with its padding.
pub(crate) const ONE_BLOCK_MAX: usize = 55;

/// A message of at most [`ONE_BLOCK_MAX`] bytes laid out in one padded
/// block, so that its last byte can be changed and the block re-hashed.
pub(crate) struct OneBlock {
    block: [u8; 64],
    len: usize,
}

impl OneBlock {
    /// The padded block of the concatenation of `parts`, or `None` when it
    /// is longer than [`ONE_BLOCK_MAX`] bytes.
    pub(crate) fn new(parts: &[&[u8]]) -> Option<Self> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len > ONE_BLOCK_MAX {
            return None;
        }
        let mut block = [0u8; 64];
        let mut at = 0;
        for p in parts {
            block.get_mut(at..at + p.len())?.copy_from_slice(p);
            at += p.len();
        }
        *block.get_mut(len)? = 0x80;
        block[56..].copy_from_slice(&((len as u64) * 8).to_be_bytes());
        Some(OneBlock { block, len })
    }

    /// Replace the message's last byte (the message must be non-empty).
    pub(crate) fn set_last(&mut self, b: u8) {
        if let Some(slot) = self.len.checked_sub(1).and_then(|i| self.block.get_mut(i)) {
            *slot = b;
        }
    }

    /// SHA-256 of the message, as the eight big-endian state words.
    pub(crate) fn digest_words(&self) -> [u32; 8] {
        let mut state = IV;
        compress256(&mut state, core::slice::from_ref(&self.block));
        state
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn one_block_matches_sha256_for_every_length() {
        for len in 1..=ONE_BLOCK_MAX {
            let msg: [u8; ONE_BLOCK_MAX] = core::array::from_fn(|i| (i * 7 + len) as u8);
            let mut ob = OneBlock::new(&[&msg[..len - 1], &[0]]).expect("fits");
            for last in [0u8, 1, 0xff] {
                ob.set_last(last);
                let mut m = msg[..len - 1].to_vec();
                m.push(last);
                let want = Sha256::digest(&m);
                let got: [u8; 32] = {
                    let mut o = [0u8; 32];
                    for (c, w) in o.chunks_exact_mut(4).zip(ob.digest_words()) {
                        c.copy_from_slice(&w.to_be_bytes());
                    }
                    o
                };
                assert_eq!(&got[..], &want[..], "len {len}");
            }
        }
        assert!(OneBlock::new(&[&[0u8; ONE_BLOCK_MAX + 1]]).is_none());
    }
}
