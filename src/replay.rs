//! Receiver-side replay protection: a sliding window over authenticated
//! sequence numbers, in the manner of the IPsec anti-replay window
//! (RFC 4303, section 3.4.3).
//!
//! The window remembers the highest sequence number accepted so far and, for
//! the `64 * W` numbers at and below it, which were accepted. A sequence number
//! is accepted once: a repeat, or one older than the window, is refused; one
//! inside the window that was not seen yet (a reordered broadcast) is accepted.
//!
//! The window must be updated only after a broadcast authenticated
//! ([`BroadcastAuth::verify_fresh`](crate::BroadcastAuth::verify_fresh) does
//! that), and a device that reboots should restore it from
//! [`to_bytes`](ReplayWindow::to_bytes) saved in non-volatile memory, or
//! refuse everything up to a sequence number it knows to be safe.

use crate::error::{Error, Result};

/// A replay window of `64 * W` sequence numbers (default 128).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayWindow<const W: usize = 2> {
    /// Highest accepted sequence number, if any.
    top: Option<u64>,
    /// Bit `i` (word `i / 64`, bit `i % 64`) set: `top - i` was accepted.
    seen: [u64; W],
}

impl<const W: usize> Default for ReplayWindow<W> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize> ReplayWindow<W> {
    /// How many sequence numbers the window spans.
    pub const SIZE: u64 = 64 * W as u64;

    /// Length of [`to_bytes`](Self::to_bytes)'s output.
    pub const ENCODED_LEN: usize = 9 + 8 * W;

    /// Refuses `W = 0` at compile time (a window must hold at least one
    /// word).
    const NONEMPTY: () = assert!(W >= 1, "a replay window needs W >= 1");

    /// An empty window: the first sequence number offered is accepted.
    pub const fn new() -> Self {
        let () = Self::NONEMPTY;
        ReplayWindow {
            top: None,
            seen: [0; W],
        }
    }

    /// A window that refuses every sequence number up to and including
    /// `floor` (for a device that lost its state but knows a safe bound).
    pub fn starting_after(floor: u64) -> Self {
        let () = Self::NONEMPTY;
        ReplayWindow {
            top: Some(floor),
            seen: [u64::MAX; W],
        }
    }

    /// The highest sequence number accepted so far.
    pub fn highest(&self) -> Option<u64> {
        self.top
    }

    /// Would `seq` be accepted? Changes nothing.
    pub fn check(&self, seq: u64) -> Result<()> {
        let Some(top) = self.top else {
            return Ok(());
        };
        if seq > top {
            return Ok(());
        }
        let d = top - seq;
        if d >= Self::SIZE {
            return Err(Error::Rejected);
        }
        let (w, b) = ((d / 64) as usize, d % 64);
        if self.seen[w] >> b & 1 == 1 {
            Err(Error::Rejected)
        } else {
            Ok(())
        }
    }

    /// Accept `seq` once: [`Error::Rejected`] if it was seen or is older than
    /// the window, otherwise record it.
    pub fn accept(&mut self, seq: u64) -> Result<()> {
        self.check(seq)?;
        match self.top {
            Some(top) if seq <= top => {
                let d = top - seq;
                self.seen[(d / 64) as usize] |= 1 << (d % 64);
            }
            Some(top) => {
                self.shift(seq - top);
                self.seen[0] |= 1;
                self.top = Some(seq);
            }
            None => {
                self.seen = [0; W];
                self.seen[0] = 1;
                self.top = Some(seq);
            }
        }
        Ok(())
    }

    /// Shift the bitmap by `by` positions towards older numbers.
    fn shift(&mut self, by: u64) {
        if by >= Self::SIZE {
            self.seen = [0; W];
            return;
        }
        let words = (by / 64) as usize;
        let bits = (by % 64) as u32;
        for i in (0..W).rev() {
            let hi = if i >= words { self.seen[i - words] } else { 0 };
            let lo = if bits != 0 && i > words {
                self.seen[i - words - 1] >> (64 - bits)
            } else {
                0
            };
            self.seen[i] = if bits == 0 { hi } else { (hi << bits) | lo };
        }
    }

    /// Serialise the window for persistent storage: one flag byte (1 if any
    /// number was accepted), the highest number (u64 big-endian), then the
    /// bitmap words (u64 big-endian, newest first).
    pub fn to_bytes(&self, out: &mut [u8]) -> Result<usize> {
        let out = out
            .get_mut(..Self::ENCODED_LEN)
            .ok_or(Error::InvalidParameter("output buffer too short"))?;
        out[0] = u8::from(self.top.is_some());
        out[1..9].copy_from_slice(&self.top.unwrap_or(0).to_be_bytes());
        for (chunk, word) in out[9..].chunks_exact_mut(8).zip(self.seen.iter()) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        Ok(Self::ENCODED_LEN)
    }

    /// Restore a window saved by [`to_bytes`](Self::to_bytes). Rejects any
    /// other length and any non-canonical state.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let () = Self::NONEMPTY;
        if bytes.len() < Self::ENCODED_LEN {
            return Err(Error::Truncated);
        }
        if bytes.len() > Self::ENCODED_LEN {
            return Err(Error::TrailingBytes);
        }
        let mut top = [0u8; 8];
        top.copy_from_slice(&bytes[1..9]);
        let top = u64::from_be_bytes(top);
        let mut seen = [0u64; W];
        for (word, chunk) in seen.iter_mut().zip(bytes[9..].chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *word = u64::from_be_bytes(b);
        }
        match bytes[0] {
            0 if top == 0 && seen.iter().all(|&w| w == 0) => Ok(Self::new()),
            0 => Err(Error::NonCanonical("empty replay window with state")),
            // The highest accepted number is always marked as seen; a state
            // without that mark would let it be replayed once.
            1 if seen.first().is_some_and(|w| w & 1 == 0) => Err(Error::NonCanonical(
                "highest sequence number not marked as seen",
            )),
            1 => Ok(ReplayWindow {
                top: Some(top),
                seen,
            }),
            b => Err(Error::UnknownEncoding(b)),
        }
    }
}
