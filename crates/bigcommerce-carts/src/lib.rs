//! BigCommerce v3 Carts API client.
#![forbid(unsafe_code)]

// Generated files are formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
#[allow(missing_docs, unused, clippy::all, clippy::pedantic)]
mod generated_raw;
mod transport;

/// The generated wire-level client (progenitor): one builder per operation.
pub mod raw {
    pub use crate::generated_raw::*;
}
