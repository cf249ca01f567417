//! ITU-T X.1366 aggregate MACs (uplink).
//!
//! The uplink counterpart of the broadcast constructions: many devices send
//! small authenticated messages through a gateway that holds no keys; the
//! gateway compresses their tags into one aggregate, and the verifier checks
//! every message at once. When the aggregate fails, the verifier finds
//! exactly which messages are invalid, by group testing (one round,
//! [`group_testing`]) or by the interactive protocol ([`interactive`]).
//!
//! # Roles
//!
//! Where [`BroadcastAuth`](crate::BroadcastAuth) (downlink) has the
//! **Sender** and **Receiver** roles (Setup / Join / Authenticate / Verify),
//! an [`AggregateMac`] (uplink) has three:
//!
//! * **Device** ([`Device`]): holds its own [`DeviceKey`] and tags each
//!   message (`tag`).
//! * **Aggregator** (the gateway): holds *no* keys; combines the devices'
//!   tags ([`AggregateMac::aggregate`], [`group_testing::RowAggregates`],
//!   [`interactive::InteractiveAggregator`]).
//! * **Verifier** ([`Verifier`]): holds a [`MasterKey`] (every device key is
//!   derived from it) or a [`KeyTable`], and checks aggregates
//!   ([`AggregateMac::verify`]).
//!
//! # Tags
//!
//! A tag is HMAC-SHA-256 over the domain-separated, canonical encoding
//! `"ba-iot/v1/x1366-tag\0" || id || counter || len || payload` (u64, u64 and
//! u32, big-endian), truncated to a [`TagLength`] of 16 to 32 bytes. The
//! counter must never repeat for a device: the verifier should feed it to a
//! [`ReplayWindow`](crate::ReplayWindow) per device after acceptance.
//!
//! # Uniqueness
//!
//! Every aggregate is over messages from **distinct device ids**: one
//! message per device per aggregate. Duplicate ids are rejected
//! ([`Error::DuplicateId`](crate::Error::DuplicateId)) at aggregation and at
//! verification, even with different counters, because the XOR aggregate
//! cancels two equal tags and because one id per entry keeps the canonical
//! order (by id, then counter) total and unambiguous. Empty input is
//! [`Error::NoTargets`](crate::Error::NoTargets).
//!
//! The full byte layouts and the security discussion are in
//! `docs/aggregate.md`.

mod keys;
mod schemes;

pub mod group_testing;
pub mod interactive;

pub use keys::{
    Device, DeviceKey, DeviceKeys, KeyTable, MAX_TAG_LEN, MIN_TAG_LEN, MasterKey, PreparedKey, Tag,
    TagLength,
};
pub use schemes::{
    AggregateBundle, AggregateTag, ExpectedTags, HashAggregate, Verifier, XorAggregate,
};

use crate::error::Result;
use crate::scheme::ReceiverId;

/// Domain label of the tag input.
pub const LABEL_TAG: &[u8] = b"ba-iot/v1/x1366-tag\0";
/// Domain label of the device key derivation.
pub const LABEL_DEVICE_KEY: &[u8] = b"ba-iot/v1/x1366-device-key\0";
/// Domain label of the hash aggregate.
pub const LABEL_HASH_AGGREGATE: &[u8] = b"ba-iot/v1/x1366-hash-aggregate\0";
/// Domain label of a group-testing row aggregate.
pub const LABEL_GROUP_TESTING_ROW: &[u8] = b"ba-iot/v1/x1366-gt-row\0";
/// Domain label of an interactive-protocol answer.
pub const LABEL_INTERACTIVE: &[u8] = b"ba-iot/v1/x1366-interactive\0";

/// Largest payload of one uplink message: 64 KiB.
pub const MAX_MESSAGE_PAYLOAD: usize = 1 << 16;

/// Largest number of messages in one aggregate: 2^24 (as
/// [`wire::MAX_ENTRIES`](crate::wire::MAX_ENTRIES)).
pub const MAX_MESSAGES: usize = crate::wire::MAX_ENTRIES;

/// The second byte (kind) of this module's wire encodings, after the version
/// byte `0x01`. They do not collide with the broadcast scheme ids of
/// [`wire::scheme_id`](crate::wire::scheme_id).
pub mod wire_id {
    /// An XOR aggregate tag (Katz-Lindell; X.1366 7.3.1).
    pub const XOR_AGGREGATE: u8 = 0x20;
    /// A hash aggregate tag (X.1366 7.3.2).
    pub const HASH_AGGREGATE: u8 = 0x21;
    /// An interactive-protocol query (verifier to aggregator).
    pub const INTERACTIVE_QUERY: u8 = 0x22;
    /// An interactive-protocol answer (aggregator to verifier).
    pub const INTERACTIVE_ANSWER: u8 = 0x23;
    /// The row aggregates of non-adaptive group testing.
    pub const GROUP_TESTING_ROWS: u8 = 0x24;
    /// A bundle: an aggregate tag and the messages it covers.
    pub const AGGREGATE_BUNDLE: u8 = 0x25;
}

/// One tagged message as the aggregator sees it: who, which counter, and
/// the tag (the aggregator does not need the payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagEntry {
    /// The device.
    pub id: ReceiverId,
    /// The device's message counter.
    pub counter: u64,
    /// The device's tag over `(id, counter, payload)`.
    pub tag: Tag,
}

/// One message as the verifier sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// The device that (claims to have) sent it.
    pub id: ReceiverId,
    /// The device's message counter.
    pub counter: u64,
    /// The payload.
    pub payload: &'a [u8],
}

impl<'a> Message<'a> {
    /// A message.
    pub fn new(id: ReceiverId, counter: u64, payload: &'a [u8]) -> Self {
        Message {
            id,
            counter,
            payload,
        }
    }
}

/// An aggregate MAC scheme with its three roles: **Device** ([`tag`]),
/// **Aggregator** ([`aggregate`]) and **Verifier** ([`verify`]).
///
/// The uplink counterpart of [`BroadcastAuth`](crate::BroadcastAuth), whose
/// roles are Sender and Receiver. Implemented by [`XorAggregate`] and
/// [`HashAggregate`]; both share the tag of the [`Device`] role and differ
/// in how tags are combined.
///
/// [`tag`]: AggregateMac::tag
/// [`aggregate`]: AggregateMac::aggregate
/// [`verify`]: AggregateMac::verify
pub trait AggregateMac {
    /// The kind byte of this scheme's aggregate tags ([`wire_id`]).
    const SCHEME_ID: u8;

    /// Device: tag `payload` under `counter`.
    fn tag(device: &Device, counter: u64, payload: &[u8]) -> Result<TagEntry> {
        device.tag(counter, payload)
    }

    /// Aggregator: combine the tags of `entries` (no keys involved).
    ///
    /// [`Error::NoTargets`](crate::Error::NoTargets) if empty,
    /// [`Error::DuplicateId`](crate::Error::DuplicateId) if an id repeats,
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if tag
    /// lengths differ.
    fn aggregate(entries: &[TagEntry]) -> Result<AggregateTag>;

    /// Verifier: accept `aggregate` only if it is the aggregate of the
    /// genuine tags of every one of `messages`.
    ///
    /// [`Error::Rejected`](crate::Error::Rejected) (opaque) if it is not, or
    /// if a device is unknown; the input errors of [`aggregate`] for empty
    /// or duplicate input; [`Error::WrongScheme`](crate::Error::WrongScheme)
    /// for another scheme's aggregate.
    ///
    /// [`aggregate`]: AggregateMac::aggregate
    fn verify<K: DeviceKeys + ?Sized>(
        verifier: &Verifier<K>,
        messages: &[Message<'_>],
        aggregate: &AggregateTag,
    ) -> Result<()> {
        verifier.expected(messages)?.check::<Self>(aggregate)
    }
}
