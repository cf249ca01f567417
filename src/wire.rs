//! Versioned, canonical framing shared by every wire format of this crate.
//!
//! All integers are big-endian (network order). Every length or count field
//! has a documented maximum that is checked *before* anything is read or
//! allocated, and decoders refuse trailing bytes. The full layouts are
//! specified in `docs/wire-format.md`.

use crate::error::{Error, Result};

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// The one wire-format version this implementation speaks.
pub const VERSION: u8 = 0x01;

/// Largest payload (command) accepted, in bytes: 16 MiB.
pub const MAX_PAYLOAD_LEN: usize = 1 << 24;

/// Largest number of entries (ids in a list, tags in an anonymous broadcast).
pub const MAX_ENTRIES: usize = 1 << 24;

/// Largest Bloom filter, in bits: 2^30 (128 MiB).
pub const MAX_FILTER_BITS: u32 = 1 << 30;

/// Scheme ids (the second byte of every broadcast). Ids `0x20..=0x25` are
/// the X.1366 aggregate messages (`aggregate::wire_id`); ids `0x80..=0xFF`
/// are left for applications' own signature backends.
pub mod scheme_id {
    /// DS-based construction, Ed25519 (RFC 8032), strict verification.
    pub const DS_ED25519: u8 = 0x01;
    /// DS-based construction, BLS12-381 minimal-signature-size variant.
    pub const DS_BLS12381_MIN_SIG: u8 = 0x02;
    /// DS-based construction, BLS12-381 minimal-pubkey-size variant.
    pub const DS_BLS12381_MIN_PK: u8 = 0x03;
    /// MAC-based anonymous construction.
    pub const MAC_ANONYMOUS: u8 = 0x10;
}

/// A strict, non-allocating reader over a byte slice.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.buf.len() {
            return Err(Error::Truncated);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    /// A big-endian u16.
    pub fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A big-endian u32.
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A big-endian u64.
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A big-endian u32 length, checked against `max`, then that many bytes.
    pub fn bytes_u32(&mut self, field: &'static str, max: usize) -> Result<&'a [u8]> {
        let n = self.u32()? as usize;
        if n > max {
            return Err(Error::TooLarge {
                field,
                max: max as u64,
            });
        }
        self.take(n)
    }

    /// Everything but the last `n` bytes, and those last `n` bytes.
    pub fn split_last(&mut self, n: usize) -> Result<(&'a [u8], &'a [u8])> {
        if n > self.buf.len() {
            return Err(Error::Truncated);
        }
        let out = self.buf.split_at(self.buf.len() - n);
        self.buf = &[];
        Ok(out)
    }

    /// Succeeds only if every byte was read.
    pub fn finish(self) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes)
        }
    }
}

/// Read and check the two-byte prefix every broadcast starts with.
pub fn read_prefix(r: &mut Reader<'_>, expected_scheme: u8) -> Result<()> {
    let version = r.u8()?;
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let found = r.u8()?;
    if found != expected_scheme {
        return Err(Error::WrongScheme {
            expected: expected_scheme,
            found,
        });
    }
    Ok(())
}

/// An appending writer (sender side).
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

#[cfg(feature = "alloc")]
impl Writer {
    /// A writer with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    /// Append raw bytes.
    pub fn put(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Append one byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// Append a big-endian u16.
    pub fn u16(&mut self, v: u16) {
        self.put(&v.to_be_bytes());
    }

    /// Append a big-endian u32.
    pub fn u32(&mut self, v: u32) {
        self.put(&v.to_be_bytes());
    }

    /// Append a big-endian u64.
    pub fn u64(&mut self, v: u64) {
        self.put(&v.to_be_bytes());
    }

    /// Append a u32 length (checked against `max`) and the bytes.
    pub fn bytes_u32(&mut self, field: &'static str, max: usize, b: &[u8]) -> Result<()> {
        if b.len() > max {
            return Err(Error::TooLarge {
                field,
                max: max as u64,
            });
        }
        self.u32(b.len() as u32);
        self.put(b);
        Ok(())
    }

    /// Bytes written so far.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    /// Length so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Nothing written yet?
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes.
    pub fn into_vec(self) -> Vec<u8> {
        self.buf
    }
}
