//! Errors.
//!
//! Two kinds of failure are kept apart on purpose:
//!
//! * [`Error::Rejected`] is the single, opaque answer a receiver gives when a
//!   well-formed broadcast is not accepted: it is not designated for this
//!   receiver, the signature or tag does not verify, or the sequence number was
//!   already seen. The variant carries nothing, so a caller (or an attacker
//!   watching the caller's behaviour) learns no reason.
//! * Every other variant describes *public* facts about malformed input or bad
//!   parameters: the bytes are not a canonical v1 encoding, a length exceeds a
//!   limit, a parameter is out of range. These depend only on bytes an attacker
//!   already sees, so naming them precisely leaks nothing and helps debugging.

use core::fmt;

/// Everything that can go wrong in this crate.
///
/// The enum is `#[non_exhaustive]`: new variants may be added in minor
/// releases. No function of this crate panics on any input; every failure is
/// one of these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The broadcast (or aggregate) is well formed but not accepted.
    ///
    /// Opaque by design: not designated, bad signature or tag, and replayed
    /// sequence number all produce this same value.
    Rejected,

    // ---- malformed input (public facts about the bytes) ----
    /// The input ended before a field was complete.
    Truncated,
    /// Bytes remain after the last field.
    TrailingBytes,
    /// The version byte is not one this implementation speaks.
    UnsupportedVersion(u8),
    /// The scheme id is not the one this key belongs to.
    WrongScheme {
        /// The scheme id the key expects.
        expected: u8,
        /// The scheme id found in the input.
        found: u8,
    },
    /// A tag or enum byte has a value that is not defined.
    UnknownEncoding(u8),
    /// A length or count field exceeds its documented maximum.
    TooLarge {
        /// Which field.
        field: &'static str,
        /// The maximum allowed.
        max: u64,
    },
    /// The input is not in canonical form (for example ids not strictly
    /// ascending, padding bits set, an encoded point not in the prime-order
    /// subgroup, a non-canonical scalar).
    NonCanonical(&'static str),
    /// A Bloom filter's acceptance probability bound exceeds the receiver's
    /// configured maximum: the filter is too dense to be honest.
    FilterTooDense,
    /// The broadcast uses a layout the receiver's policy does not accept
    /// (the anonymous construction's Bloom layout, unless enabled).
    LayoutRefused,

    // ---- bad parameters or requests (sender side, setup) ----
    /// A parameter is outside its allowed range; the string names it.
    InvalidParameter(&'static str),
    /// No targets were given.
    NoTargets,
    /// The same receiver id appears twice where each must be unique.
    DuplicateId,
    /// Zero false positives were requested over a registry, but no salt in the
    /// allowed number of tries excluded every non-target. Enlarge the filter
    /// (a lower false-positive rate) or allow more tries.
    ExclusionFailed {
        /// How many salts were tried.
        tries: u32,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rejected => f.write_str("not accepted"),
            Error::Truncated => f.write_str("input truncated"),
            Error::TrailingBytes => f.write_str("trailing bytes after the last field"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported version {v:#04x}"),
            Error::WrongScheme { expected, found } => {
                write!(f, "wrong scheme id {found:#04x} (expected {expected:#04x})")
            }
            Error::UnknownEncoding(b) => write!(f, "unknown encoding byte {b:#04x}"),
            Error::TooLarge { field, max } => write!(f, "{field} exceeds its maximum of {max}"),
            Error::NonCanonical(what) => write!(f, "non-canonical encoding: {what}"),
            Error::FilterTooDense => {
                f.write_str("Bloom filter acceptance bound exceeds the configured maximum")
            }
            Error::LayoutRefused => f.write_str("layout not accepted by the receiver's policy"),
            Error::InvalidParameter(what) => write!(f, "invalid parameter: {what}"),
            Error::NoTargets => f.write_str("no targets"),
            Error::DuplicateId => f.write_str("duplicate receiver id"),
            Error::ExclusionFailed { tries } => write!(
                f,
                "no salt in {tries} tries excluded every non-target; lower the false-positive rate"
            ),
        }
    }
}

impl core::error::Error for Error {}

/// Shorthand for `core::result::Result<T, Error>`.
pub type Result<T> = core::result::Result<T, Error>;
