//! The exact receiver list: every designated id, sorted. The trivial baseline
//! encoding: no false positives, 8 bytes per target, nothing hidden.

use crate::error::{Error, Result};
use crate::scheme::ReceiverId;
use crate::wire::{MAX_ENTRIES, Reader};

/// A decoded, validated id list borrowed from the wire.
///
/// Ids are 8 bytes big-endian each and strictly ascending, so membership is a
/// binary search and the encoding of a set is unique.
#[derive(Clone, Copy, Debug)]
pub struct IdListRef<'a> {
    ids: &'a [u8],
}

impl<'a> IdListRef<'a> {
    /// Read `u32 count || count * u64` from `r`, checking the count limit
    /// and strict ascending order.
    pub fn read(r: &mut Reader<'a>) -> Result<Self> {
        let count = r.u32()? as usize;
        if count > MAX_ENTRIES {
            return Err(Error::TooLarge {
                field: "id count",
                max: MAX_ENTRIES as u64,
            });
        }
        if count == 0 {
            return Err(Error::NonCanonical("empty id list"));
        }
        let ids = r.take(count.checked_mul(8).ok_or(Error::Truncated)?)?;
        let list = IdListRef { ids };
        let mut prev: Option<u64> = None;
        for i in 0..count {
            let v = list.get(i);
            if prev.is_some_and(|p| p >= v) {
                return Err(Error::NonCanonical("ids not strictly ascending"));
            }
            prev = Some(v);
        }
        Ok(list)
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ids.len() / 8
    }

    /// Never true for a decoded list (an empty list is rejected).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn get(&self, i: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.ids[8 * i..8 * i + 8]);
        u64::from_be_bytes(b)
    }

    /// Is `id` in the list? Binary search, no allocation.
    pub fn contains(&self, id: ReceiverId) -> bool {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(&id.0) {
                core::cmp::Ordering::Equal => return true,
                core::cmp::Ordering::Less => lo = mid + 1,
                core::cmp::Ordering::Greater => hi = mid,
            }
        }
        false
    }
}

/// Append the canonical id list for `sorted_unique` (already sorted, no
/// duplicates) to `w`.
#[cfg(feature = "alloc")]
pub fn write(w: &mut crate::wire::Writer, sorted_unique: &[ReceiverId]) -> Result<()> {
    if sorted_unique.len() > MAX_ENTRIES {
        return Err(Error::TooLarge {
            field: "id count",
            max: MAX_ENTRIES as u64,
        });
    }
    w.u32(sorted_unique.len() as u32);
    for id in sorted_unique {
        w.put(&id.to_bytes());
    }
    Ok(())
}
