#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod anonymous;
pub mod error;
pub mod replay;
pub mod scheme;
mod sha256;
pub mod signed;
pub mod subset;
pub mod wire;

#[cfg(feature = "alloc")]
pub mod aggregate;

pub use rand_core;

pub use error::{Error, Result};
pub use replay::ReplayWindow;
pub use scheme::{BroadcastAuth, ReceiverId, Request, Verified};
